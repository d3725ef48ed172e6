package safetest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Account recovery ("admin password reset"): the team key pair, the
// ResetPassword policy, enrolment, the reset itself and the forced update
// of the temporary password that follows it. The facts come from, for
// Gen2023 (Bravura Safe, Bitwarden 2023.8):
//
//   - bitwarden/server v2023.8.3 src/Api/Controllers/OrganizationUsersController.cs
//     (PutResetPasswordEnrollment, GetResetPasswordDetails, PutResetPassword)
//     and src/Api/Controllers/OrganizationsController.cs (GET and POST
//     {id}/keys; GET keys is an alias of public-key since 2023.8)
//   - Bravura-Security/bravura-safe_server
//     src/Api/AdminConsole/Controllers/OrganizationUsersController.cs
//     (PutResetPassword takes ForcePasswordReset from the calling admin's
//     own membership, "Find ForcePasswordReset of owner/admin/custom user
//     currently logged in"), src/Core/Services/Implementations/UserService.cs
//     (AdminResetPasswordAsync with its "Team ..." messages,
//     UpdateTempPasswordAsync, UpdatePasswordHash rotating the security
//     stamp), src/Core/AdminConsole/Services/Implementations/OrganizationService.cs
//     (UpdateUserResetPasswordEnrollmentAsync),
//     src/Api/AdminConsole/Models/Request/Organizations/OrganizationUserRequestModels.cs
//     (ForcePasswordReset on invite and update, an enrolment body of only
//     resetPasswordKey) and
//     src/Api/AdminConsole/Models/Response/Organizations/OrganizationUserResponseModel.cs
//     (the reset-password details, forcePasswordReset on members)
//   - Hitachi-ID/bravura-safe_server src/Core/Services/Implementations/OrganizationService.cs
//     (UpdateOrganizationKeysAsync: ManageResetPassword or 401, "Team Keys
//     already exist")
//
// and for GenCurrent (bitwarden/server, 2026.9):
//
//   - src/Api/AdminConsole/Controllers/OrganizationUsersController.cs
//     (PutResetPasswordEnrollment verifying the master password hash since
//     2024.7, GetResetPasswordDetails, PUT {id}/recover-account; the old
//     PUT {id}/reset-password was removed in 2026.6.2)
//   - src/Api/AdminConsole/Authorization/Organizations/Handlers/RecoverAccountAuthorizationHandler.cs
//   - src/Core/AdminConsole/OrganizationFeatures/AccountRecovery/
//     (AdminRecoverAccountCommand, AdminRecoverAccountValidator, Errors.cs)
//   - src/Core/AdminConsole/OrganizationFeatures/OrganizationUsers/UpdateUserResetPasswordEnrollment/
//   - src/Api/AdminConsole/Models/Request/Organizations/OrganizationUserResetPasswordRequestModel.cs
//   - src/Api/Auth/Controllers/AccountsController.cs (update-temp-password)
//     and src/Api/Auth/Models/Request/Accounts/UpdateTempPasswordRequestModel.cs
//   - src/Core/AdminConsole/OrganizationFeatures/Organizations/OrganizationUpdateKeysCommand.cs
//
// Neither server refuses an admin who resets their own password this way;
// nor does this one.

// policyResetPassword is the ResetPassword policy's type number.
const policyResetPassword = 8

// newTeamKeyPair makes a team RSA key pair as a client does: the SPKI
// public key and the PKCS #8 private key wrapped with the team key.
func newTeamKeyPair(orgKey *vaultcrypto.SymmetricKey) (publicKey, wrappedPrivate string, err error) {
	priv, err := vaultcrypto.GeneratePrivateKey()
	if err != nil {
		return "", "", err
	}
	wrapped, err := orgKey.WrapPrivateKey(priv)
	if err != nil {
		return "", "", err
	}
	pub, err := priv.Public().Base64()
	if err != nil {
		return "", "", err
	}
	return pub, wrapped.String(), nil
}

// setRecoveryPolicy saves the team's ResetPassword policy. A policy,
// once saved, stays (disabled or not), as in the official server's table.
func (o *orgRec) setRecoveryPolicy(enabled, autoEnroll bool, now time.Time) {
	if !enabled && o.recoveryPolicyID == "" {
		return
	}
	if o.recoveryPolicyID == "" {
		o.recoveryPolicyID = newID()
	}
	o.recoveryPolicy, o.recoveryAutoEnroll, o.recoveryPolicyRevision = enabled, autoEnroll, now
}

// enrolled reports whether m is enrolled in account recovery, by the
// generation's test: 2023.8 any non-empty key (string.IsNullOrEmpty),
// current servers one that is not blank (IsValidResetPasswordKey).
func (c *call) enrolled(m *memberRec) bool {
	if c.current() {
		return strings.TrimSpace(m.resetPasswordKey) != ""
	}
	return m.resetPasswordKey != ""
}

// policiesOut is the policies member of a sync: the policies of the teams
// the user is a confirmed member of (Policy_ReadByUserId), as
// PolicyResponseModel. Only the ResetPassword policy is modelled.
func (c *call) policiesOut() []map[string]any {
	out := []map[string]any{}
	for _, m := range c.st.userMemberships(c.user.id) {
		o := c.st.orgs[m.orgID]
		if o == nil || o.recoveryPolicyID == "" {
			continue
		}
		p := map[string]any{
			"object":         "policy",
			"id":             o.recoveryPolicyID,
			"organizationId": o.id,
			"type":           policyResetPassword,
			"data":           map[string]any{"autoEnrollEnabled": o.recoveryAutoEnroll},
			"enabled":        o.recoveryPolicy,
		}
		if c.current() {
			p["revisionDate"] = fmtTime(o.recoveryPolicyRevision)
		}
		out = append(out, p)
	}
	return out
}

// POST /api/organizations/{orgId}/keys: a client that holds the team key
// uploads a key pair for a team that has none. The official web vault
// does it when someone who may manage account recovery opens the members
// page of such a team.
func (s *Server) postOrgKeys(c *call) (any, error) {
	var req struct {
		PublicKey           *string `json:"publicKey"`
		EncryptedPrivateKey *string `json:"encryptedPrivateKey"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	invalid := map[string][]string{}
	if blank(req.PublicKey) {
		invalid["PublicKey"] = []string{"The PublicKey field is required."}
	}
	if blank(req.EncryptedPrivateKey) {
		invalid["EncryptedPrivateKey"] = []string{"The EncryptedPrivateKey field is required."}
	}
	if len(invalid) > 0 {
		return nil, &apiError{status: http.StatusBadRequest, message: msgModelInvalid, validation: invalid}
	}
	// ManageResetPassword, else an UnauthorizedAccessException: a 401.
	m := c.st.membership(c.user.id, c.id("orgId"))
	if !m.can("manageResetPassword") {
		return nil, errUnauthorized()
	}
	o := c.st.orgs[m.orgID]
	if o.publicKey != "" && o.privateKey != "" {
		if c.current() {
			return nil, errBadRequest("Organization Keys already exist.")
		}
		return nil, errBadRequest("Team Keys already exist")
	}
	o.publicKey, o.privateKey = *req.PublicKey, *req.EncryptedPrivateKey
	c.st.touchOrg(o.id, c.now)
	return map[string]any{"object": "organizationKeys", "publicKey": o.publicKey, "privateKey": o.privateKey}, nil
}

// blank is .NET's [Required] test for a string: null, empty or white space.
func blank(s *string) bool { return s == nil || strings.TrimSpace(*s) == "" }

// PUT /api/organizations/{orgId}/users/{userId}/reset-password-enrollment
// {"resetPasswordKey": "4.…" or null, "masterPasswordHash": …}: the
// logged-in member enrols (or, with a null key, withdraws). The path names
// the member's user id, not the membership.
func (s *Server) putResetPasswordEnrollment(c *call) (any, error) {
	var req struct {
		ResetPasswordKey   *string `json:"resetPasswordKey"`
		MasterPasswordHash *string `json:"masterPasswordHash"` // current servers only
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if c.current() && !blank(req.ResetPasswordKey) &&
		(req.MasterPasswordHash == nil || !c.user.checkPassword(*req.MasterPasswordHash)) {
		return nil, errBadRequest("Incorrect password")
	}
	orgID := c.id("orgId")
	var m *memberRec // GetByOrganizationAsync(orgId, userId): any status
	for _, mm := range c.st.orgMembers(orgID) {
		if mm.userID != "" && mm.userID == c.id("userId") {
			m = mm
		}
	}
	if m == nil || m.userID != c.user.id {
		return nil, errBadRequest("User not valid.")
	}
	o := c.st.orgs[orgID]
	if !o.useResetPassword {
		return nil, errBadRequest(c.teamWord() + " does not allow password reset enrollment.")
	}
	if !o.recoveryPolicy {
		return nil, errBadRequest(c.teamWord() + " does not have the password reset policy enabled.")
	}
	if req.ResetPasswordKey == nil && o.recoveryAutoEnroll {
		if c.current() {
			return nil, errBadRequest("Due to an Enterprise policy, you are not allowed to withdraw from account recovery.")
		}
		return nil, errBadRequest("Due to an Enterprise Policy, you are not allowed to withdraw from Password Reset.")
	}
	m.resetPasswordKey = ""
	if req.ResetPasswordKey != nil {
		m.resetPasswordKey = *req.ResetPasswordKey
	}
	c.st.touchUser(c.user, c.now) // OrganizationUser_Update bumps the member's revision
	return nil, nil
}

// recoveryManager returns the caller's membership of the path's team if
// the caller may manage account recovery (ManageResetPassword: an owner,
// an admin, or a Custom member with manageResetPassword), else the
// official 404.
func (c *call) recoveryManager() (*memberRec, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, err
	}
	if !m.can("manageResetPassword") {
		return nil, errNotFound()
	}
	return m, nil
}

// mayRecover is the role rule of both generations (UserService
// AdminResetPasswordAsync on 2023.8, RecoverAccountAuthorizationHandler
// on current servers): owners recover anyone, admins anyone but owners,
// Custom members (with manageResetPassword) neither owners nor admins.
func mayRecover(caller *memberRec, target *memberRec) bool {
	switch caller.role {
	case RoleOwner:
		return true
	case RoleAdmin:
		return target.role != RoleOwner
	case RoleCustom:
		return caller.permissions["manageResetPassword"] && target.role != RoleOwner && target.role != RoleAdmin
	}
	return false
}

// GET /api/organizations/{orgId}/users/{id}/reset-password-details: what
// an admin's client needs to recover the member {id} (a membership id):
// the member's KDF, enrolment key and the team's wrapped private key.
func (s *Server) getResetPasswordDetails(c *call) (any, error) {
	m, err := c.recoveryManager()
	if err != nil {
		return nil, err
	}
	t := c.st.members[c.id("id")]
	// 2023.8 looks the member up by id alone, without checking that it
	// belongs to the path's team (it answers with that team's private key
	// all the same); current servers check it, and the role rule too.
	if t == nil || t.userID == "" || (c.current() && (t.orgID != m.orgID || !mayRecover(m, t))) {
		return nil, errNotFound()
	}
	u := c.st.users[t.userID]
	if u == nil {
		return nil, errNotFound()
	}
	o := c.st.orgs[m.orgID]
	out := map[string]any{
		"object":              "organizationUserResetPasswordDetails",
		"organizationUserId":  t.id,
		"kdf":                 u.kdf.typ,
		"kdfIterations":       u.kdf.iterations,
		"kdfMemory":           u.kdf.memPtr(),
		"kdfParallelism":      u.kdf.parPtr(),
		"resetPasswordKey":    optString(t.resetPasswordKey),
		"encryptedPrivateKey": optString(o.privateKey),
	}
	if c.current() {
		out["masterPasswordSalt"] = vaultcrypto.NormalizeEmail(u.email)
	}
	return out, nil
}

// setTemporaryPassword stores an admin-set password: the new hash and the
// user key wrapped under the new master key. The security stamp changes,
// which ends every session of the account (UpdatePasswordHash).
func (c *call) setTemporaryPassword(u *userRec, hash, key string, force bool) {
	u.setPasswordHash(hash)
	u.key = key
	u.forcePasswordReset = force
	u.securityStamp = newID()
	c.st.touchUser(u, c.now)
}

// PUT /api/organizations/{orgId}/users/{id}/reset-password (Gen2023)
// {"newMasterPasswordHash", "key"}.
func (s *Server) putResetPassword(c *call) (any, error) {
	var req struct {
		NewMasterPasswordHash *string `json:"newMasterPasswordHash"`
		Key                   *string `json:"key"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkPasswordModel(req.NewMasterPasswordHash, req.Key, nil); err != nil {
		return nil, err
	}
	m, err := c.recoveryManager()
	if err != nil {
		return nil, err
	}
	o := c.st.orgs[m.orgID]
	if !o.useResetPassword {
		return nil, errBadRequest("Team does not allow password reset.")
	}
	if !o.recoveryPolicy {
		return nil, errBadRequest("Team does not have the password reset policy enabled.")
	}
	t := c.st.members[c.id("id")]
	if t == nil || t.status != statusConfirmed || t.orgID != m.orgID || !c.enrolled(t) || t.userID == "" {
		return nil, errBadRequest("Team User not valid")
	}
	if !mayRecover(m, t) {
		return nil, errBadRequest("Calling user does not have permission to reset this user's master password")
	}
	u := c.st.users[t.userID]
	if u == nil {
		return nil, errNotFound()
	}
	// Bravura Safe: the reset forces a password update only if the
	// calling admin's own membership says so.
	c.setTemporaryPassword(u, *req.NewMasterPasswordHash, *req.Key, m.forcePasswordReset)
	return nil, nil
}

// checkPasswordModel is the model validation of
// OrganizationUserResetPasswordRequestModel (2023.8): [Required]
// [StringLength(300)] newMasterPasswordHash, [Required] key, and, for
// UpdateTempPasswordRequestModel, [StringLength(50)] masterPasswordHint.
func checkPasswordModel(hash, key, hint *string) error {
	invalid := map[string][]string{}
	switch {
	case blank(hash):
		invalid["NewMasterPasswordHash"] = []string{"The NewMasterPasswordHash field is required."}
	case utf16Len(*hash) > 300:
		invalid["NewMasterPasswordHash"] = []string{"The field NewMasterPasswordHash must be a string with a maximum length of 300."}
	}
	if blank(key) {
		invalid["Key"] = []string{"The Key field is required."}
	}
	if hint != nil && utf16Len(*hint) > 50 {
		invalid["MasterPasswordHint"] = []string{"The field MasterPasswordHint must be a string with a maximum length of 50."}
	}
	if len(invalid) > 0 {
		return &apiError{status: http.StatusBadRequest, message: msgModelInvalid, validation: invalid}
	}
	return nil
}

// utf16Len is the length .NET's [StringLength] counts: UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// masterPasswordPayloads are the two shapes of a current server's
// password bodies: the legacy newMasterPasswordHash and key, and
// authenticationData and unlockData (MasterPasswordAuthenticationData,
// MasterPasswordUnlockData).
type masterPasswordPayloads struct {
	NewMasterPasswordHash *string `json:"newMasterPasswordHash"`
	Key                   *string `json:"key"`
	AuthenticationData    *struct {
		Kdf                              *kdfRequest `json:"kdf"`
		MasterPasswordAuthenticationHash *string     `json:"masterPasswordAuthenticationHash"`
		Salt                             *string     `json:"salt"`
	} `json:"authenticationData"`
	UnlockData *struct {
		Kdf                     *kdfRequest `json:"kdf"`
		MasterKeyWrappedUserKey *string     `json:"masterKeyWrappedUserKey"`
		Salt                    *string     `json:"salt"`
	} `json:"unlockData"`
}

// kdfRequest is KdfRequestModel.
type kdfRequest struct {
	KdfType     *int `json:"kdfType"`
	Iterations  *int `json:"iterations"`
	Memory      *int `json:"memory"`
	Parallelism *int `json:"parallelism"`
}

func (k *kdfRequest) equal(o *kdfRequest) bool {
	eq := func(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return eq(k.KdfType, o.KdfType) && eq(k.Iterations, o.Iterations) && eq(k.Memory, o.Memory) && eq(k.Parallelism, o.Parallelism)
}

// matches reports whether k is u's KDF (KdfSettings.ValidateUnchangedForUser).
func (k *kdfRequest) matches(u *userRec) bool {
	want := kdfRequest{KdfType: &u.kdf.typ, Iterations: &u.kdf.iterations, Memory: u.kdf.memPtr(), Parallelism: u.kdf.parPtr()}
	return k.equal(&want)
}

// hasNew is RequestHasNewDataTypes.
func (p *masterPasswordPayloads) hasNew() bool {
	return p.AuthenticationData != nil && p.UnlockData != nil
}

// validate is the model validation of the current request models: the
// string lengths, at least one payload shape
// (MasterPasswordPayloadVariantValidator), and for the new shape the
// required members and KdfSettingsValidator.ValidateKdfAndSaltAgreement.
func (p *masterPasswordPayloads) validate(hint *string) error {
	invalid := map[string][]string{}
	if p.NewMasterPasswordHash != nil && utf16Len(*p.NewMasterPasswordHash) > 300 {
		invalid["NewMasterPasswordHash"] = []string{"The field NewMasterPasswordHash must be a string with a maximum length of 300."}
	}
	if hint != nil && utf16Len(*hint) > 50 {
		invalid["MasterPasswordHint"] = []string{"The field MasterPasswordHint must be a string with a maximum length of 50."}
	}
	if a := p.AuthenticationData; a != nil {
		if a.Kdf == nil || a.Kdf.KdfType == nil || a.Kdf.Iterations == nil {
			invalid["AuthenticationData.Kdf"] = []string{"The Kdf field is required."}
		}
		if blank(a.MasterPasswordAuthenticationHash) {
			invalid["AuthenticationData.MasterPasswordAuthenticationHash"] = []string{"The MasterPasswordAuthenticationHash field is required."}
		}
		if blank(a.Salt) {
			invalid["AuthenticationData.Salt"] = []string{"The Salt field is required."}
		}
	}
	if u := p.UnlockData; u != nil {
		if u.Kdf == nil || u.Kdf.KdfType == nil || u.Kdf.Iterations == nil {
			invalid["UnlockData.Kdf"] = []string{"The Kdf field is required."}
		}
		if blank(u.Salt) {
			invalid["UnlockData.Salt"] = []string{"The Salt field is required."}
		}
		if blank(u.MasterKeyWrappedUserKey) {
			invalid["UnlockData.MasterKeyWrappedUserKey"] = []string{"The MasterKeyWrappedUserKey field is required."}
		} else if _, err := vaultcrypto.ParseEncString(*u.MasterKeyWrappedUserKey); err != nil {
			invalid["UnlockData.MasterKeyWrappedUserKey"] = []string{"MasterKeyWrappedUserKey is not a valid encrypted string."}
		}
	}
	if len(invalid) > 0 {
		return &apiError{status: http.StatusBadRequest, message: msgModelInvalid, validation: invalid}
	}
	const msgShape = "Must provide either new payloads (UnlockData/AuthenticationData) or legacy payloads (NewMasterPasswordHash/Key)."
	if !p.hasNew() && (p.NewMasterPasswordHash == nil || p.Key == nil) {
		for _, f := range []string{"AuthenticationData", "UnlockData", "NewMasterPasswordHash", "Key"} {
			invalid[f] = []string{msgShape}
		}
	} else if p.hasNew() {
		switch a, u := p.AuthenticationData, p.UnlockData; {
		case !a.Kdf.equal(u.Kdf):
			invalid["Kdf"] = []string{"AuthenticationData and UnlockData must have the same KDF configuration."}
		case *a.Salt != *u.Salt:
			invalid["Salt"] = []string{"Invalid master password salt."}
		}
	}
	if len(invalid) > 0 {
		return &apiError{status: http.StatusBadRequest, message: msgModelInvalid, validation: invalid}
	}
	return nil
}

// hashAndKey returns the hash and wrapped user key of the payloads (the
// new shape preferred), after UpdateExistingPasswordData.ValidateDataForUser's
// checks that the KDF and the salt stay u's: a KDF that differs is an
// ArgumentException there, a 500.
func (p *masterPasswordPayloads) hashAndKey(u *userRec) (hash, key string, err error) {
	if !p.hasNew() {
		return *p.NewMasterPasswordHash, *p.Key, nil
	}
	a, ul := p.AuthenticationData, p.UnlockData
	if !ul.Kdf.matches(u) || !a.Kdf.matches(u) {
		return "", "", errors.New("safetest: invalid KDF settings") // the official 500 (an ArgumentException)
	}
	salt := vaultcrypto.NormalizeEmail(u.email)
	if *ul.Salt != salt || *a.Salt != salt {
		return "", "", errBadRequest("Invalid master password salt.")
	}
	return *a.MasterPasswordAuthenticationHash, *ul.MasterKeyWrappedUserKey, nil
}

// PUT /api/organizations/{orgId}/users/{id}/recover-account (GenCurrent)
// {"resetMasterPassword", "resetTwoFactor", "newMasterPasswordHash",
// "key"} or the new payloads. It answers 204.
func (s *Server) putRecoverAccount(c *call) (any, error) {
	m, err := c.recoveryManager() // [Authorize<ManageAccountRecoveryRequirement>]
	if err != nil {
		return nil, err
	}
	t := c.st.members[c.id("id")] // [InjectOrganizationUser]
	if t == nil || t.orgID != m.orgID {
		return nil, errNotFound()
	}
	var req struct {
		ResetMasterPassword bool `json:"resetMasterPassword"`
		ResetTwoFactor      bool `json:"resetTwoFactor"`
		masterPasswordPayloads
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.ResetMasterPassword {
		if err := req.validate(nil); err != nil {
			return nil, err
		}
	} else if req.NewMasterPasswordHash != nil && utf16Len(*req.NewMasterPasswordHash) > 300 {
		return nil, errValidation("NewMasterPasswordHash", "The field NewMasterPasswordHash must be a string with a maximum length of 300.")
	}
	if !mayRecover(m, t) {
		return nil, errBadRequest("You are not permitted to recover this user's account.")
	}
	// AdminRecoverAccountValidator, in its order.
	switch {
	case !req.ResetMasterPassword && !req.ResetTwoFactor:
		return nil, errBadRequest("At least one recovery action must be requested.")
	case req.ResetMasterPassword && !req.hasNew() &&
		(req.NewMasterPasswordHash == nil || *req.NewMasterPasswordHash == "" || req.Key == nil || *req.Key == ""):
		return nil, errBadRequest("Master password hash and key are required when resetting master password.")
	}
	o := c.st.orgs[m.orgID]
	if !o.useResetPassword {
		return nil, errBadRequest("Organization does not allow password reset.")
	}
	if !o.recoveryPolicy {
		return nil, errBadRequest("Organization does not have the password reset policy enabled.")
	}
	if (t.status != statusConfirmed && t.status != statusRevoked && t.status != statusAccepted) || !c.enrolled(t) || t.userID == "" {
		return nil, errBadRequest("Organization User not valid.")
	}
	u := c.st.users[t.userID]
	if u == nil {
		return nil, &apiError{status: http.StatusNotFound, message: "User not found."}
	}
	if req.ResetMasterPassword {
		hash, key, err := req.hashAndKey(u)
		if err != nil {
			return nil, err
		}
		c.setTemporaryPassword(u, hash, key, true) // upstream always forces the update
	}
	if req.ResetTwoFactor {
		u.twoFactor, u.rememberTokens = nil, map[string]bool{}
		c.st.touchUser(u, c.now)
	}
	return noContent{}, nil
}

// PUT /api/accounts/update-temp-password {"newMasterPasswordHash", "key",
// "masterPasswordHint"} (or the new payloads on current servers): the
// member replaces the password an admin set. Like every password change it
// rotates the security stamp, ending the caller's own session too.
func (s *Server) putUpdateTempPassword(c *call) (any, error) {
	var req struct {
		masterPasswordPayloads
		MasterPasswordHint *string `json:"masterPasswordHint"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	var err error
	if c.current() {
		err = req.validate(req.MasterPasswordHint)
	} else {
		err = checkPasswordModel(req.NewMasterPasswordHash, req.Key, req.MasterPasswordHint)
	}
	if err != nil {
		return nil, err
	}
	u := c.user
	if !u.forcePasswordReset {
		return nil, errBadRequest("User does not have a temporary password to update.")
	}
	hash, key, err := req.hashAndKey(u)
	if err != nil {
		return nil, err
	}
	c.setTemporaryPassword(u, hash, key, false)
	u.hint = ""
	if req.MasterPasswordHint != nil {
		u.hint = *req.MasterPasswordHint
	}
	return nil, nil
}

// Seeding and inspection.

// SetAccountRecoveryPolicy turns the team's account recovery policy (the
// ResetPassword policy) on or off, with its automatic-enrolment option, as
// an admin does in the web vault's policies. The server's rule that the
// Single Team policy must be on first is not modelled.
func (s *Server) SetAccountRecoveryPolicy(team *Team, enabled, autoEnroll bool) error {
	if team == nil {
		return errors.New("safetest: SetAccountRecoveryPolicy needs a team")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orgs[team.ID]
	if o == nil {
		return fmt.Errorf("safetest: SetAccountRecoveryPolicy: %w", ErrNotFound)
	}
	now := s.st.tick(s.now())
	o.setRecoveryPolicy(enabled, autoEnroll, now)
	s.st.touchOrg(o.id, now)
	return nil
}

// SetForcePasswordResetFlag sets Bravura Safe's ForcePasswordReset flag of
// a membership, as an admin's invite or update request does: on Gen2023,
// an account recovery made by this member forces the reset member to
// replace the temporary password at the next login. GenCurrent ignores the
// flag and always forces it.
func (s *Server) SetForcePasswordResetFlag(member *Member, force bool) error {
	if member == nil {
		return errors.New("safetest: SetForcePasswordResetFlag needs a member")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.members[normID(member.ID)]
	if m == nil {
		return fmt.Errorf("safetest: SetForcePasswordResetFlag: %w", ErrNotFound)
	}
	m.forcePasswordReset = force
	return nil
}

// EnrollAccountRecovery enrols a member in account recovery as the
// member's client does: it wraps the member's user key to the team's
// public key. The team must have a key pair.
func (s *Server) EnrollAccountRecovery(member *Member) error {
	if member == nil {
		return errors.New("safetest: EnrollAccountRecovery needs a member")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.members[normID(member.ID)]
	if m == nil || m.userID == "" {
		return fmt.Errorf("safetest: EnrollAccountRecovery: %w", ErrNotFound)
	}
	o, keys := s.st.orgs[m.orgID], s.keys.users[m.userID]
	if o == nil || keys == nil {
		return fmt.Errorf("safetest: EnrollAccountRecovery: %w", ErrNotFound)
	}
	if o.publicKey == "" {
		return errors.New("safetest: EnrollAccountRecovery: the team has no key pair")
	}
	pub, err := vaultcrypto.ParsePublicKeyBase64(o.publicKey)
	if err != nil {
		return err
	}
	k, err := pub.WrapKey(keys.userKey)
	if err != nil {
		return err
	}
	m.resetPasswordKey = k.String()
	if u := s.st.users[m.userID]; u != nil {
		s.st.touchUser(u, s.st.tick(s.now()))
	}
	return nil
}

// AccountRecoveryEnrollment reports whether a member is enrolled in
// account recovery. For an enrolled member it also checks the enrolment
// as an admin's client would use it: the team's private key, unwrapped
// with the team key, must unwrap the stored key to the member's user key;
// if not, the error says what failed.
func (s *Server) AccountRecoveryEnrollment(member *Member) (bool, error) {
	if member == nil {
		return false, errors.New("safetest: AccountRecoveryEnrollment needs a member")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.members[normID(member.ID)]
	if m == nil {
		return false, fmt.Errorf("safetest: AccountRecoveryEnrollment: %w", ErrNotFound)
	}
	if m.resetPasswordKey == "" {
		return false, nil
	}
	priv, err := s.teamPrivateKey(m.orgID)
	if err != nil {
		return true, err
	}
	wrapped, err := vaultcrypto.ParseEncString(m.resetPasswordKey)
	if err != nil {
		return true, fmt.Errorf("safetest: the enrolment key is not an EncString: %w", err)
	}
	k, err := priv.UnwrapKey(wrapped)
	if err != nil {
		return true, fmt.Errorf("safetest: the team's private key does not unwrap the enrolment key: %w", err)
	}
	keys := s.keys.users[m.userID]
	if keys == nil || !k.Equal(keys.userKey) {
		return true, errors.New("safetest: the enrolment key is not the member's user key")
	}
	return true, nil
}

// teamPrivateKey unwraps a team's stored private key with the keyring's
// team key and checks that it is the private half of the stored public key.
func (s *Server) teamPrivateKey(orgID string) (*vaultcrypto.PrivateKey, error) {
	o, orgKey := s.st.orgs[orgID], s.keys.orgs[orgID]
	if o == nil || orgKey == nil {
		return nil, ErrNotFound
	}
	if o.publicKey == "" || o.privateKey == "" {
		return nil, errors.New("safetest: the team has no key pair")
	}
	wrapped, err := vaultcrypto.ParseEncString(o.privateKey)
	if err != nil {
		return nil, fmt.Errorf("safetest: the team's private key is not an EncString: %w", err)
	}
	priv, err := orgKey.UnwrapPrivateKey(wrapped)
	if err != nil {
		return nil, fmt.Errorf("safetest: the team key does not unwrap the team's private key: %w", err)
	}
	pub, err := priv.Public().Base64()
	if err != nil {
		return nil, err
	}
	if pub != o.publicKey {
		return nil, errors.New("safetest: the team's public key is not the private key's")
	}
	return priv, nil
}

// TeamKeyPair reports whether a team has an RSA key pair, and checks one
// that it has: the private key must unwrap with the team key and be the
// private half of the public key.
func (s *Server) TeamKeyPair(team *Team) (bool, error) {
	if team == nil {
		return false, errors.New("safetest: TeamKeyPair needs a team")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orgs[team.ID]
	if o == nil {
		return false, fmt.Errorf("safetest: TeamKeyPair: %w", ErrNotFound)
	}
	if o.publicKey == "" && o.privateKey == "" {
		return false, nil
	}
	_, err := s.teamPrivateKey(o.id)
	return true, err
}

// MustUpdatePassword reports whether the account must replace a temporary
// password (ForcePasswordReset): set by an account recovery that forces
// it, cleared by PUT /api/accounts/update-temp-password.
func (s *Server) MustUpdatePassword(user *User) (bool, error) {
	if user == nil {
		return false, errors.New("safetest: MustUpdatePassword needs a user")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[user.ID]
	if u == nil {
		return false, fmt.Errorf("safetest: MustUpdatePassword: %w", ErrNotFound)
	}
	return u.forcePasswordReset, nil
}

// PasswordHint returns the master-password hint the account's last
// update-temp-password set. The server stores the hint in plaintext.
func (s *Server) PasswordHint(user *User) (string, error) {
	if user == nil {
		return "", errors.New("safetest: PasswordHint needs a user")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[user.ID]
	if u == nil {
		return "", fmt.Errorf("safetest: PasswordHint: %w", ErrNotFound)
	}
	return u.hint, nil
}
