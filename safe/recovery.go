package safe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf16"

	sec "github.com/bsafe-go/bsafe/internal/secret" // not secret: the redaction type of redact.go has that name
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Account recovery ("admin password reset", crypto.md §5): a member
// enrols by wrapping their user key to the team's public key; an owner or
// admin later unwraps it with the team's private key (itself wrapped with
// the team key) and wraps it again under a master key derived from a new
// password, with the member's own KDF and e-mail. The member's vault is
// untouched: only the password and the wrapping of the user key change.
//
// Server generations differ: servers before 2026.4 (Bravura Safe among
// them) take the reset at PUT .../users/{id}/reset-password, later ones at
// .../recover-account (the old route was removed in 2026.6.2); servers
// since 2024.7 want the member's master-password hash with an enrolment;
// and Bravura Safe forces the reset member to choose a new password only
// if the resetting admin's membership says so, where Bitwarden always
// does (Client.MustUpdatePassword, Client.UpdateTempPassword).

// teamRecovery is what account recovery needs to know of a team, from the
// sync: the profile's key-pair flag and the caller's Custom permission,
// and the team's ResetPassword policy.
type teamRecovery struct {
	hasKeyPair          bool
	manageResetPassword bool
	policy, autoEnroll  bool
}

// noteRecovery updates the recovery facts of a team in the snapshot
// being built.
func (v *vault) noteRecovery(teamID string, f func(*teamRecovery)) {
	if v.recovery == nil {
		v.recovery = map[string]teamRecovery{}
	}
	r := v.recovery[teamID]
	f(&r)
	v.recovery[teamID] = r
}

// policyResetPassword is the type number of the ResetPassword policy.
const policyResetPassword = 8

// decodePolicies reads a sync's policies: the ResetPassword policy of
// each team, with its automatic-enrolment option. Only account recovery
// uses them, so policies that do not parse do not fail the sync: they
// leave the client not knowing the policies (policiesUnknown), and the
// server to decide.
func decodePolicies(v *vault, raw []byte) {
	if raw == nil {
		return
	}
	var ps []struct {
		OrganizationID string `json:"organizationId"`
		Type           int    `json:"type"`
		Enabled        bool   `json:"enabled"`
		Data           *struct {
			AutoEnrollEnabled bool `json:"autoEnrollEnabled"`
		} `json:"data"`
	}
	if err := unmarshalJSON("sync policies", raw, &ps); err != nil {
		v.policiesUnknown = true
		return
	}
	for _, p := range ps {
		if p.Type != policyResetPassword {
			continue
		}
		v.noteRecovery(strings.ToLower(p.OrganizationID), func(r *teamRecovery) {
			r.policy = p.Enabled
			r.autoEnroll = p.Enabled && p.Data != nil && p.Data.AutoEnrollEnabled
		})
	}
}

// recoveryTeam returns the team teamID from the snapshot with its
// recovery facts, or an error matching ErrNotFound if the user is not a
// member.
func (c *Client) recoveryTeam(ctx context.Context, teamID string) (*session, *vault, *Team, teamRecovery, error) {
	if err := validID(teamID); err != nil {
		return nil, nil, nil, teamRecovery{}, err
	}
	s, err := c.current()
	if err != nil {
		return nil, nil, nil, teamRecovery{}, err
	}
	v, err := c.snapshot(ctx)
	if err != nil {
		return nil, nil, nil, teamRecovery{}, err
	}
	for _, t := range v.teams {
		if strings.EqualFold(t.ID, teamID) {
			return s, v, t, v.recovery[strings.ToLower(t.ID)], nil
		}
	}
	return nil, nil, nil, teamRecovery{}, fmt.Errorf("%w: not a member of team %s", ErrNotFound, teamID)
}

// recoveryOffered checks that the team offers account recovery.
func recoveryOffered(v *vault, t *Team, r teamRecovery) error {
	if !t.UseResetPassword {
		return fmt.Errorf("%w: the team's plan has no account recovery", ErrRecoveryDisabled)
	}
	if !r.policy && !v.policiesUnknown {
		return fmt.Errorf("%w: the team's account recovery policy is off", ErrRecoveryDisabled)
	}
	return nil
}

// managesRecovery reports whether the member may manage the team's
// account recovery (the server's ManageResetPassword): an owner, an
// admin, or a Custom member with manageResetPassword.
func managesRecovery(t *Team, r teamRecovery) bool {
	return t.Role == RoleOwner || t.Role == RoleAdmin || (t.Role == RoleCustom && r.manageResetPassword)
}

// recoveryError refines a server's refusal of an account recovery request
// into this package's sentinels, for a client snapshot that was out of
// date: the server's messages, in both generations' wording.
//
// A write whose outcome is unknown stays that: the refusal of its repeat
// says nothing of whether the first attempt was applied.
func recoveryError(err error) error {
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || errors.Is(err, ErrOutcomeUnknown) {
		return err
	}
	m := strings.ToLower(ae.Message)
	switch {
	case strings.Contains(m, "does not allow password reset"), strings.Contains(m, "password reset policy enabled"):
		return fmt.Errorf("%w: %w", ErrRecoveryDisabled, err)
	case strings.Contains(m, "team user not valid"), strings.Contains(m, "organization user not valid"):
		// A reset's target: not confirmed, not enrolled, not of the team.
		return fmt.Errorf("%w: %w", ErrNotEnrolled, err)
	case strings.Contains(m, "user not valid"):
		// An enrolment: the caller is no longer a member.
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case strings.Contains(m, "not permitted to recover"), strings.Contains(m, "does not have permission to reset"),
		strings.Contains(m, "not allowed to withdraw"):
		return fmt.Errorf("%w: %w", ErrForbidden, err)
	case strings.Contains(m, "temporary password"):
		return fmt.Errorf("%w: %w", ErrNoTemporaryPassword, err)
	}
	return err
}

// EnrollAccountRecovery enrols the logged-in member in the team's account
// recovery: the user key, wrapped to the team's public key (RSA-OAEP,
// type 4), goes to the server, so that the team's owners and admins can
// later reset the member's master password (ResetPassword).
//
// A team made before account recovery existed has no key pair; one that
// may manage account recovery (an owner, an admin, or a Custom member
// with that permission) makes it first, as the official web vault does,
// with the team key. Anyone else gets an error matching ErrForbidden and
// nothing is sent.
//
// The team's public key is taken from the server as it is (trust on first
// use): the member cannot check it, and a server that answered with a key
// of its own would receive the member's user key. Bitwarden's 2023
// clients, Bravura Safe's among them, do the same.
//
// Errors: ErrNotFound (not a member), ErrRecoveryDisabled (the team does
// not offer account recovery), ErrForbidden, ErrNoTeamKey (making a key
// pair needs the team key), an
// *OutcomeUnknownError when the answer was lost (the enrolment is safe to
// repeat), or an *APIError. Servers since 2024.7 want the master-password
// hash of the login with the enrolment; a session resumed with
// ResumeSession does not hold it, and such a call fails before sending
// anything: log in again.
func (s *MembersService) EnrollAccountRecovery(ctx context.Context, teamID string) error {
	c := s.c
	sess, v, team, rec, err := c.recoveryTeam(ctx, teamID)
	if err != nil {
		return err
	}
	if err := recoveryOffered(v, team, rec); err != nil {
		return err
	}
	info, err := c.ServerInfo(ctx)
	if err != nil {
		return err
	}
	// Only servers that check it get the login's hash: it is a
	// credential, and Bravura Safe's 2023.8 request model has no field
	// for it.
	wantsHash := info.AtLeast(2024, 7, 0)
	if sess.authHash == "" && wantsHash {
		return fmt.Errorf("%w: this server wants the master password with an enrolment, which a resumed session does not hold; log in with the password", ErrInvalidArgument)
	}
	if !rec.hasKeyPair && !managesRecovery(team, rec) {
		return fmt.Errorf("%w: the team has no key pair yet, and only an owner, an admin or a member who manages account recovery can make it", ErrForbidden)
	}
	pub, err := c.teamPublicKey(ctx, team.ID)
	if err != nil {
		return err
	}
	if pub == nil {
		if !managesRecovery(team, rec) {
			return fmt.Errorf("%w: the team has no key pair yet, and only an owner, an admin or a member who manages account recovery can make it", ErrForbidden)
		}
		teamKey, err := v.keyFor(sess, team.ID)
		if err != nil {
			return err
		}
		if pub, err = c.createTeamKeyPair(ctx, team.ID, teamKey); err != nil {
			return err
		}
	}
	wrapped, err := pub.WrapKey(sess.userKey)
	if err != nil {
		return fmt.Errorf("safe: enrol in account recovery: %w", err)
	}
	req := enrollmentRequest{ResetPasswordKey: &wrapped}
	if wantsHash {
		req.MasterPasswordHash = sess.authHash
	}
	return c.putEnrollment(ctx, sess, team.ID, req)
}

// WithdrawAccountRecovery withdraws the logged-in member from the team's
// account recovery: the server forgets the wrapped user key, and no admin
// can reset the member's password any more. Withdrawing when not enrolled
// is no error. Under a policy of automatic enrolment members cannot
// withdraw: that is an error matching ErrForbidden, and nothing is sent.
//
// Errors: ErrNotFound (not a member), ErrRecoveryDisabled (the server
// refuses any change of enrolment then), ErrForbidden, an
// *OutcomeUnknownError when the answer was lost (safe to repeat), or an
// *APIError.
func (s *MembersService) WithdrawAccountRecovery(ctx context.Context, teamID string) error {
	c := s.c
	sess, v, team, rec, err := c.recoveryTeam(ctx, teamID)
	if err != nil {
		return err
	}
	if err := recoveryOffered(v, team, rec); err != nil {
		return err
	}
	if rec.autoEnroll {
		return fmt.Errorf("%w: the team's policy enrols every member, who cannot withdraw", ErrForbidden)
	}
	return c.putEnrollment(ctx, sess, team.ID, enrollmentRequest{})
}

// enrollmentRequest is OrganizationUserResetPasswordEnrollmentRequestModel:
// a null key withdraws.
type enrollmentRequest struct {
	ResetPasswordKey   *vaultcrypto.EncString `json:"resetPasswordKey"`
	MasterPasswordHash string                 `json:"masterPasswordHash,omitempty"`
}

// putEnrollment sends an enrolment or withdrawal. Setting the key (or
// clearing it) twice leaves the server as once, so the request may be
// repeated after a lost answer.
func (c *Client) putEnrollment(ctx context.Context, sess *session, teamID string, req enrollmentRequest) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("safe: enrolment: %w", err)
	}
	path := "/organizations/" + teamID + "/users/" + sess.userID + "/reset-password-enrollment"
	_, err = c.send(ctx, apiRequest{method: http.MethodPut, url: c.apiURL + path, path: "/api" + path,
		auth: true, contentType: "application/json", body: body, retry: retryReplay})
	// The profile's enrolment flag changed, or may have.
	c.invalidate()
	return recoveryError(err)
}

// teamPublicKey reads the team's public key; nil when the team has none.
func (c *Client) teamPublicKey(ctx context.Context, teamID string) (*vaultcrypto.PublicKey, error) {
	path := "/organizations/" + teamID + "/public-key"
	body, err := c.send(ctx, apiRequest{method: http.MethodGet, url: c.apiURL + path, path: "/api" + path, auth: true, maxBody: maxSmallBody})
	if err != nil {
		return nil, err
	}
	var r struct {
		PublicKey *string `json:"publicKey"`
	}
	if err := unmarshalJSON("team public key", body, &r); err != nil {
		return nil, err
	}
	if r.PublicKey == nil || *r.PublicKey == "" {
		return nil, nil
	}
	pub, err := vaultcrypto.ParsePublicKeyBase64(*r.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("safe: team public key: %w", err)
	}
	return pub, nil
}

// createTeamKeyPair makes the team's RSA key pair and uploads it
// (POST /organizations/{id}/keys), as the official web vault does for a
// team that has none. The server keeps the first pair it gets: when the
// answer is lost, or another client was first ("keys already exist"),
// the key pair the server holds is read back and used.
func (c *Client) createTeamKeyPair(ctx context.Context, teamID string, teamKey *vaultcrypto.SymmetricKey) (*vaultcrypto.PublicKey, error) {
	priv, err := vaultcrypto.GeneratePrivateKey()
	if err != nil {
		return nil, err
	}
	wrapped, err := teamKey.WrapPrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("safe: team key pair: %w", err)
	}
	pub, err := priv.Public().Base64()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(map[string]any{"publicKey": pub, "encryptedPrivateKey": wrapped})
	if err != nil {
		return nil, err
	}
	path := "/organizations/" + teamID + "/keys"
	answer, err := c.send(ctx, apiRequest{method: http.MethodPost, url: c.apiURL + path, path: "/api" + path,
		auth: true, contentType: "application/json", body: body, maxBody: maxSmallBody})
	c.invalidate() // the profile's key-pair flag changed, or may have
	if err == nil {
		var r struct {
			PublicKey string `json:"publicKey"`
		}
		if uerr := unmarshalJSON("team keys", answer, &r); uerr == nil && r.PublicKey == pub {
			return priv.Public(), nil
		}
	}
	var ae *APIError
	if err != nil && !errors.Is(err, ErrOutcomeUnknown) && !(errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(ae.Message), "keys already exist")) {
		return nil, err
	}
	held, rerr := c.teamPublicKey(ctx, teamID)
	switch {
	case rerr != nil && err != nil:
		return nil, err
	case rerr != nil:
		return nil, &OutcomeUnknownError{Method: http.MethodPost, Path: "/api" + path, Applied: true, Err: rerr}
	case held == nil && err != nil:
		return nil, err
	case held == nil:
		return nil, errors.New("safe: the server accepted the team key pair but holds none")
	}
	return held, nil
}

// resetDetails is the reset-password details an admin's client reads:
// the member's KDF (and, on newer servers, their salt), the member's
// enrolment key and the team's wrapped private key.
type resetDetails struct {
	memberID            string
	kdf                 vaultcrypto.KDFConfig
	salt                string
	resetPasswordKey    vaultcrypto.EncString
	encryptedPrivateKey vaultcrypto.EncString
}

// parseResetDetails reads a reset-password-details answer. It checks the
// KDF against the accepted ranges (a server must not make the client
// wrap the member's key under a weak master key), and that the two keys
// are well-formed EncStrings; an empty enrolment key is ErrNotEnrolled.
func parseResetDetails(body []byte) (*resetDetails, error) {
	var m struct {
		OrganizationUserID  string                 `json:"organizationUserId"`
		Kdf                 *int                   `json:"kdf"`
		KdfIterations       *int                   `json:"kdfIterations"`
		KdfMemory           *int                   `json:"kdfMemory"`
		KdfParallelism      *int                   `json:"kdfParallelism"`
		MasterPasswordSalt  *string                `json:"masterPasswordSalt"`
		ResetPasswordKey    *vaultcrypto.EncString `json:"resetPasswordKey"`
		EncryptedPrivateKey *vaultcrypto.EncString `json:"encryptedPrivateKey"`
	}
	if err := unmarshalJSON("reset-password details", body, &m); err != nil {
		return nil, err
	}
	if m.Kdf == nil || m.KdfIterations == nil {
		return nil, errors.New("safe: reset-password details: no KDF")
	}
	d := &resetDetails{memberID: m.OrganizationUserID,
		kdf: kdfSettings{Type: m.Kdf, Iterations: m.KdfIterations, Memory: m.KdfMemory, Parallelism: m.KdfParallelism}.config()}
	if err := d.kdf.Validate(); err != nil {
		return nil, fmt.Errorf("safe: reset-password details: %w", err)
	}
	if m.MasterPasswordSalt != nil {
		d.salt = *m.MasterPasswordSalt
	}
	if m.ResetPasswordKey == nil || m.ResetPasswordKey.IsZero() {
		return nil, fmt.Errorf("%w: the server holds no enrolment key for the member", ErrNotEnrolled)
	}
	if m.EncryptedPrivateKey == nil || m.EncryptedPrivateKey.IsZero() {
		return nil, errors.New("safe: reset-password details: the team has no private key")
	}
	d.resetPasswordKey, d.encryptedPrivateKey = *m.ResetPasswordKey, *m.EncryptedPrivateKey
	return d, nil
}

// ResetPassword sets a new master password for a member of the team
// through account recovery, as an owner or admin does in the web vault:
// it reads the member's reset details, unwraps the team's private key
// with the team key and the member's user key with that (a 64-byte key,
// or an error), derives a master key from newPassword with the member's
// own KDF (PBKDF2 or Argon2id, refused below the minimums) and e-mail,
// and sends the new password hash and the user key wrapped under the new
// master key. memberID is the membership ID (Member.ID). The member's
// vault does not change: every item they could read still decrypts.
//
// The server's rules are checked before anything is written, each with
// its own error: the member must exist (ErrNotFound), not be the caller
// (ErrInvalidArgument: change your own password instead; the servers
// would allow it), be confirmed (ErrNotConfirmed; servers since 2026.4
// also take accepted and revoked members) and enrolled (ErrNotEnrolled);
// only owners reset owners, and members who manage account recovery
// without being admins reset neither owners nor admins (ErrForbidden);
// the team must offer account recovery (ErrRecoveryDisabled). Reading the
// member list and the snapshot happens first; only the reset details
// and the reset itself depend on passing them.
//
// The member's sessions end; their next login may have to replace the
// new password (Client.MustUpdatePassword): Bitwarden always asks for
// it, Bravura Safe when the resetting admin's membership says so. Setting
// the same password again leaves the server as one reset does, so a
// request whose answer was lost is repeated; an error after such a repeat
// is an *OutcomeUnknownError.
func (s *MembersService) ResetPassword(ctx context.Context, teamID, memberID, newPassword string) error {
	c := s.c
	if err := validID(memberID); err != nil {
		return err
	}
	if newPassword == "" {
		return invalidArg("reset password: empty new password")
	}
	sess, v, team, rec, err := c.recoveryTeam(ctx, teamID)
	if err != nil {
		return err
	}
	teamKey, err := v.keyFor(sess, team.ID)
	if err != nil {
		return err
	}
	if !managesRecovery(team, rec) {
		return fmt.Errorf("%w: only owners, admins and members who manage account recovery reset passwords", ErrForbidden)
	}
	if err := recoveryOffered(v, team, rec); err != nil {
		return err
	}
	info, err := c.ServerInfo(ctx)
	if err != nil {
		return err
	}
	recoverAccount := info.AtLeast(2026, 4, 0)
	m, err := s.Get(ctx, team.ID, memberID)
	if err != nil {
		var ae *APIError
		if team.Role == RoleCustom && errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
			// The server's 404 to the member list, not an unknown member:
			// 2023.8 shows the list to no one who only manages account
			// recovery, and the web vault cannot reset then either.
			return fmt.Errorf("%w: the server shows this member no member list, which a reset needs: %w", ErrForbidden, err)
		}
		return err
	}
	if err := checkResetTarget(team, sess, m, recoverAccount); err != nil {
		return err
	}

	path := "/organizations/" + team.ID + "/users/" + m.ID + "/reset-password-details"
	body, err := c.send(ctx, apiRequest{method: http.MethodGet, url: c.apiURL + path, path: "/api" + path, auth: true, maxBody: maxSmallBody})
	if err != nil {
		return recoveryError(err)
	}
	d, err := parseResetDetails(body)
	if err != nil {
		return err
	}
	if d.memberID != "" && !strings.EqualFold(d.memberID, m.ID) {
		return errors.New("safe: reset-password details are for another member")
	}
	d.memberID = m.ID // 2023.8 servers do not name it
	if err := checkSalt("reset-password details", d.salt, m.Email); err != nil {
		return err
	}
	req, err := resetRequest(ctx, teamKey, d, m.Email, newPassword, recoverAccount)
	if err != nil {
		return err
	}
	route := "/reset-password"
	if recoverAccount {
		route = "/recover-account"
	}
	path = "/organizations/" + team.ID + "/users/" + m.ID + route
	_, err = c.send(ctx, apiRequest{method: http.MethodPut, url: c.apiURL + path, path: "/api" + path,
		auth: true, contentType: "application/json", body: req, retry: retryReplay})
	clear(req)
	return recoveryError(err)
}

// checkResetTarget applies the servers' rules for whose password the
// caller may reset, before anything is sent.
func checkResetTarget(team *Team, sess *session, m *Member, recoverAccount bool) error {
	switch {
	case m.UserID != "" && strings.EqualFold(m.UserID, sess.userID):
		return invalidArg("reset password: that is your own membership; change your own master password instead")
	case m.Status != StatusConfirmed && !(recoverAccount && (m.Status == StatusAccepted || m.Status == StatusRevoked)):
		return fmt.Errorf("%w: member %s", ErrNotConfirmed, m.ID)
	case !m.ResetPasswordEnrolled:
		return fmt.Errorf("%w: member %s", ErrNotEnrolled, m.ID)
	case m.Role == RoleOwner && team.Role != RoleOwner:
		return fmt.Errorf("%w: only owners reset an owner's password", ErrForbidden)
	case m.Role == RoleAdmin && team.Role != RoleOwner && team.Role != RoleAdmin:
		return fmt.Errorf("%w: only owners and admins reset an admin's password", ErrForbidden)
	case m.Email == "":
		return fmt.Errorf("safe: reset password: the member list gives no e-mail for member %s", m.ID)
	}
	return nil
}

// resetRequest builds the reset's body: the user key unwrapped with the
// team's private key and wrapped under the master key of newPassword, and
// the new password's hash. The caller clears the result.
func resetRequest(ctx context.Context, teamKey *vaultcrypto.SymmetricKey, d *resetDetails, email, newPassword string, recoverAccount bool) ([]byte, error) {
	orgPriv, err := teamKey.UnwrapPrivateKey(d.encryptedPrivateKey)
	if err != nil {
		return nil, &DecryptError{Kind: "team", ID: d.memberID, Field: "encryptedPrivateKey", Err: err}
	}
	userKey, err := orgPriv.UnwrapKey(d.resetPasswordKey)
	if err != nil {
		return nil, &DecryptError{Kind: "member", ID: d.memberID, Field: "resetPasswordKey", Err: err}
	}
	master, err := vaultcrypto.DeriveMasterKeyContext(ctx, newPassword, email, d.kdf)
	if err != nil {
		return nil, fmt.Errorf("safe: reset password: %w", err)
	}
	hash, err := master.Hash(newPassword, vaultcrypto.ServerAuthorization)
	if err != nil {
		return nil, err
	}
	key, err := master.WrapUserKey(userKey)
	if err != nil {
		return nil, err
	}
	req := map[string]any{"newMasterPasswordHash": hash, "key": key}
	if recoverAccount {
		req["resetMasterPassword"], req["resetTwoFactor"] = true, false
	}
	return json.Marshal(req)
}

// MustUpdatePassword reports whether the session's login (or the last
// synced profile) says that the account's password was set by an admin
// through account recovery and must be replaced (ForcePasswordReset).
// The official clients let such a user into the vault only after
// UpdateTempPassword; bsafe leaves the choice to the caller. False when
// not logged in.
func (c *Client) MustUpdatePassword() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return false
	}
	return c.sess.forcePasswordReset || (c.vault != nil && c.vault.profile.ForcePasswordReset)
}

// maxHintLen is the server's limit on a master-password hint, in UTF-16
// code units ([StringLength(50)]).
const maxHintLen = 50

// UpdateTempPassword replaces a temporary password that an admin set
// through account recovery (MustUpdatePassword) with newPassword, as the
// official clients make the user do at the next login: the user key is
// wrapped under the master key of newPassword (the account's KDF and
// e-mail stay) and sent with its hash and the hint
// (PUT /accounts/update-temp-password). The hint is stored in plaintext
// by the server; it must not be the password, and at most 50 characters.
//
// The server ends every session of the account on a password change, the
// client's own included, so the client logs in again with newPassword
// (with the API key, or the two-factor remember token, of its login where
// it has one). If that login fails, the password was updated all the
// same: the error is an *OutcomeUnknownError with Applied set, and the
// client is logged out. When the update's answer is lost, the login with
// newPassword tells whether it was applied: if it was, UpdateTempPassword
// succeeds; if the new password is refused, the error says that nothing
// changed.
//
// Errors: ErrNotLoggedIn, ErrNoTemporaryPassword (nothing to update;
// nothing sent), ErrInvalidArgument, ErrWeakKDF, *OutcomeUnknownError, or
// an *APIError.
func (c *Client) UpdateTempPassword(ctx context.Context, newPassword, hint string) error {
	if newPassword == "" {
		return invalidArg("update temporary password: empty new password")
	}
	if hint != "" && sec.Equal(hint, newPassword) {
		return invalidArg("update temporary password: the hint is the password, and the server stores hints in plaintext")
	}
	if n := len(utf16.Encode([]rune(hint))); n > maxHintLen {
		return invalidArg("update temporary password: the hint is %d characters long, the server takes %d", n, maxHintLen)
	}
	s, err := c.current()
	if err != nil {
		return err
	}
	if !c.MustUpdatePassword() {
		return ErrNoTemporaryPassword
	}
	master, err := vaultcrypto.DeriveMasterKeyContext(ctx, newPassword, s.email, s.kdf)
	if err != nil {
		return fmt.Errorf("safe: update temporary password: %w", err)
	}
	hash, err := master.Hash(newPassword, vaultcrypto.ServerAuthorization)
	if err != nil {
		return err
	}
	key, err := master.WrapUserKey(s.userKey)
	if err != nil {
		return err
	}
	req := map[string]any{"newMasterPasswordHash": hash, "key": key, "masterPasswordHint": nil}
	if hint != "" {
		req["masterPasswordHint"] = hint
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	const path = "/accounts/update-temp-password"
	// Not repeated: a repeat of an applied update is refused ("no
	// temporary password"), and the login below settles a lost answer.
	_, err = c.send(ctx, apiRequest{method: http.MethodPut, url: c.apiURL + path, path: "/api" + path,
		auth: true, contentType: "application/json", body: body})
	clear(body)
	if err != nil && !errors.Is(err, ErrOutcomeUnknown) {
		return recoveryError(err)
	}
	lerr := c.relogin(ctx, s, newPassword)
	switch {
	case lerr == nil:
		return nil
	case err != nil && errors.Is(lerr, ErrWrongPassword):
		// The lost update was not applied: the old password stands.
		cause := err
		var ou *OutcomeUnknownError
		if errors.As(err, &ou) && ou.Err != nil {
			cause = ou.Err
		}
		return fmt.Errorf("safe: update temporary password: not applied (the server still refuses the new password): %w", cause)
	case err != nil:
		return err
	}
	c.mu.Lock()
	if c.sess == s {
		c.sess, c.vault = nil, nil
	}
	c.mu.Unlock()
	return &OutcomeUnknownError{Method: http.MethodPut, Path: "/api" + path, Applied: true,
		Err: fmt.Errorf("the password was updated, but logging in again with it failed (log in with the new password): %w", lerr)}
}

// relogin logs the client in again after its password changed, the way
// session s logged in: with the API key, or with the password (and the
// two-factor remember token, where the login got one).
func (c *Client) relogin(ctx context.Context, s *session, password string) error {
	if s.apiKey != nil {
		return c.LoginAPIKey(ctx, s.apiKey.clientID, s.apiKey.clientSecret, password)
	}
	var opts []LoginOption
	if s.twoFactorToken != "" {
		opts = append(opts, WithTwoFactor(TwoFactorRemember, s.twoFactorToken, false))
	}
	return c.LoginPassword(ctx, s.email, password, opts...)
}
