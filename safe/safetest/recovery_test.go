package safetest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// The account recovery tests drive the endpoints as the official clients
// do: the member's client enrols (its user key wrapped to the team's
// public key), the admin's client reads the reset details, unwraps the
// member's user key with the team's private key and sends a new hash and
// key; the member then logs in with the new password.

var gens = []safetest.Generation{safetest.Gen2023, safetest.GenCurrent}

// recoveryFixture is a team with account recovery on: alice owns it, adam
// is an admin, carl a Custom member who may manage account recovery, and
// bob a plain member; everyone has an account password of their own.
type recoveryFixture struct {
	srv                    *safetest.Server
	gen                    safetest.Generation
	team                   *safetest.Team
	org                    string
	users                  map[string]*safetest.User
	members                map[string]*safetest.Member
	alice, adam, carl, bob *session
}

const recoveryPW = "sensitive-old-pw"

func newRecoveryFixture(t *testing.T, gen safetest.Generation, spec safetest.TeamSpec) *recoveryFixture {
	t.Helper()
	f := &recoveryFixture{srv: newServer(t, safetest.WithGeneration(gen)), gen: gen,
		users: map[string]*safetest.User{}, members: map[string]*safetest.Member{}}
	for _, n := range []string{"alice", "adam", "carl", "bob"} {
		f.users[n] = addUser(t, f.srv, n+"@example.com", recoveryPW+"-"+n)
	}
	spec.Name = "Recovery team"
	team, err := f.srv.AddTeam(f.users["alice"], spec)
	if err != nil {
		t.Fatal(err)
	}
	f.team, f.org = team, "/api/organizations/"+team.ID
	f.members["alice"] = &safetest.Member{ID: team.OwnerMemberID, TeamID: team.ID, UserID: f.users["alice"].ID, Role: safetest.RoleOwner}
	for n, role := range map[string]safetest.Role{"adam": safetest.RoleAdmin, "carl": safetest.RoleCustom, "bob": safetest.RoleUser} {
		m, err := f.srv.AddMember(team, f.users[n], role)
		if err != nil {
			t.Fatal(err)
		}
		f.members[n] = m
	}
	if err := f.srv.SetCustomPermissions(f.members["carl"], "manageResetPassword"); err != nil {
		t.Fatal(err)
	}
	f.alice, f.adam, f.carl, f.bob = f.login(t, "alice"), f.login(t, "adam"), f.login(t, "carl"), f.login(t, "bob")
	return f
}

func (f *recoveryFixture) login(t *testing.T, name string) *session {
	t.Helper()
	return login(t, f.srv, name+"@example.com", recoveryPW+"-"+name)
}

// teamPublicKey reads the team's public key as a member's client does.
func (f *recoveryFixture) teamPublicKey(t *testing.T, s *session) *vaultcrypto.PublicKey {
	t.Helper()
	var pk struct {
		PublicKey *string `json:"publicKey"`
	}
	do(t, f.srv, "GET", f.org+"/public-key", s.token, nil).json(t, &pk)
	if pk.PublicKey == nil {
		t.Fatal("the team has no public key")
	}
	pub, err := vaultcrypto.ParsePublicKeyBase64(*pk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// enrol enrols the named member with their own client's keys.
func (f *recoveryFixture) enrol(t *testing.T, name string) response {
	t.Helper()
	s := map[string]*session{"alice": f.alice, "adam": f.adam, "carl": f.carl, "bob": f.bob}[name]
	wrapped, err := f.teamPublicKey(t, s).WrapKey(s.userKey)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"resetPasswordKey": wrapped.String(),
		"masterPasswordHash": serverHash(t, masterKey(t, f.srv, name+"@example.com", recoveryPW+"-"+name), recoveryPW+"-"+name)}
	return do(t, f.srv, "PUT", f.org+"/users/"+f.users[name].ID+"/reset-password-enrollment", s.token, body)
}

type resetDetails struct {
	Object              string  `json:"object"`
	OrganizationUserID  string  `json:"organizationUserId"`
	Kdf                 int     `json:"kdf"`
	KdfIterations       int     `json:"kdfIterations"`
	KdfMemory           *int    `json:"kdfMemory"`
	KdfParallelism      *int    `json:"kdfParallelism"`
	ResetPasswordKey    *string `json:"resetPasswordKey"`
	EncryptedPrivateKey *string `json:"encryptedPrivateKey"`
	MasterPasswordSalt  *string `json:"masterPasswordSalt"`
}

// resetBody is what an admin's client computes for a new password of the
// member: it unwraps the team's private key with its team key and the
// member's user key with that, and wraps the user key under the master key
// derived with the member's KDF and e-mail.
func (f *recoveryFixture) resetBody(t *testing.T, admin *session, memberID, email, newPassword string) (map[string]any, *vaultcrypto.SymmetricKey) {
	t.Helper()
	r := do(t, f.srv, "GET", f.org+"/users/"+memberID+"/reset-password-details", admin.token, nil)
	if r.status != 200 {
		t.Fatalf("reset-password-details: %d %s", r.status, r.body)
	}
	var d resetDetails
	r.json(t, &d)
	priv, err := admin.teamKey(t, f.srv, f.team.ID).UnwrapPrivateKey(mustParse(t, *d.EncryptedPrivateKey))
	if err != nil {
		t.Fatalf("team private key: %v", err)
	}
	userKey, err := priv.UnwrapKey(mustParse(t, *d.ResetPasswordKey))
	if err != nil {
		t.Fatalf("member's user key: %v", err)
	}
	cfg := vaultcrypto.KDFConfig{Type: vaultcrypto.KDFType(d.Kdf), Iterations: d.KdfIterations}
	if d.KdfMemory != nil {
		cfg.Memory, cfg.Parallelism = *d.KdfMemory, *d.KdfParallelism
	}
	mk, err := vaultcrypto.DeriveMasterKey(newPassword, email, cfg)
	if err != nil {
		t.Fatal(err)
	}
	key, err := mk.WrapUserKey(userKey)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"newMasterPasswordHash": serverHash(t, mk, newPassword), "key": key.String()}
	if f.gen == safetest.GenCurrent {
		body["resetMasterPassword"], body["resetTwoFactor"] = true, false
	}
	return body, userKey
}

// resetPath is the generation's reset endpoint.
func (f *recoveryFixture) resetPath(memberID string) string {
	if f.gen == safetest.GenCurrent {
		return f.org + "/users/" + memberID + "/recover-account"
	}
	return f.org + "/users/" + memberID + "/reset-password"
}

// okStatus is the generation's success status of a reset: 204 since the
// recover-account endpoint, 200 before.
func (f *recoveryFixture) okStatus() int {
	if f.gen == safetest.GenCurrent {
		return http.StatusNoContent
	}
	return http.StatusOK
}

func (f *recoveryFixture) word() string {
	if f.gen == safetest.GenCurrent {
		return "Organization"
	}
	return "Team"
}

// loginStatus tries a password login and returns its status and the token
// response.
func loginStatus(t *testing.T, srv *safetest.Server, email, password string) (int, map[string]any) {
	t.Helper()
	mk := masterKey(t, srv, email, password)
	r := postForm(t, srv, passwordForm(email, serverHash(t, mk, password)), authEmail(email))
	var m map[string]any
	r.json(t, &m)
	return r.status, m
}

// TestRecoveryRoundTrip: enrol, read the details, reset; the member's old
// sessions end, the old password is refused, the new one logs in and
// unwraps the same user key. Only GenCurrent forces a password update by
// default; on Gen2023 it follows the resetting admin's membership flag.
func TestRecoveryRoundTrip(t *testing.T) {
	t.Parallel()
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{AccountRecovery: true})
			bobMember := f.members["bob"]
			if enrolled, err := f.srv.AccountRecoveryEnrollment(bobMember); enrolled || err != nil {
				t.Fatalf("before enrolling: enrolled %v, %v", enrolled, err)
			}
			if r := f.enrol(t, "bob"); r.status != 200 {
				t.Fatalf("enrolment: %d %s", r.status, r.body)
			}
			if enrolled, err := f.srv.AccountRecoveryEnrollment(bobMember); !enrolled || err != nil {
				t.Fatalf("after enrolling: enrolled %v, %v", enrolled, err)
			}
			var list listResp[struct {
				ID       string `json:"id"`
				Enrolled bool   `json:"resetPasswordEnrolled"`
			}]
			do(t, f.srv, "GET", f.org+"/users", f.alice.token, nil).json(t, &list)
			for _, m := range list.Data {
				if m.Enrolled != (m.ID == bobMember.ID) {
					t.Errorf("member %s listed with resetPasswordEnrolled %v", m.ID, m.Enrolled)
				}
			}
			var prof struct {
				Organizations []struct {
					Enrolled bool `json:"resetPasswordEnrolled"`
					Use      bool `json:"useResetPassword"`
					HasKeys  bool `json:"hasPublicAndPrivateKeys"`
				} `json:"organizations"`
			}
			do(t, f.srv, "GET", "/api/accounts/profile", f.bob.token, nil).json(t, &prof)
			if o := prof.Organizations[0]; !o.Enrolled || !o.Use || !o.HasKeys {
				t.Errorf("bob's profile team = %+v", o)
			}

			r := do(t, f.srv, "GET", f.org+"/users/"+bobMember.ID+"/reset-password-details", f.alice.token, nil)
			var d resetDetails
			r.json(t, &d)
			if d.Object != "organizationUserResetPasswordDetails" || d.OrganizationUserID != bobMember.ID ||
				d.Kdf != 0 || d.KdfIterations != 5000 || d.KdfMemory != nil || d.KdfParallelism != nil {
				t.Errorf("details = %+v", d)
			}
			if (d.MasterPasswordSalt != nil) != (gen == safetest.GenCurrent) ||
				(d.MasterPasswordSalt != nil && *d.MasterPasswordSalt != "bob@example.com") {
				t.Errorf("masterPasswordSalt = %v", d.MasterPasswordSalt)
			}

			const newPW = "sensitive-new-pw"
			body, userKey := f.resetBody(t, f.alice, bobMember.ID, "bob@example.com", newPW)
			if !userKey.Equal(f.bob.userKey) {
				t.Fatal("the enrolment did not give the admin bob's user key")
			}
			if r := do(t, f.srv, "PUT", f.resetPath(bobMember.ID), f.alice.token, body); r.status != f.okStatus() || len(r.body) != 0 {
				t.Fatalf("reset: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "GET", "/api/sync", f.bob.token, nil); r.status != 401 {
				t.Errorf("bob's old session after the reset: %d, want 401", r.status)
			}
			if st, _ := loginStatus(t, f.srv, "bob@example.com", recoveryPW+"-bob"); st != 400 {
				t.Errorf("old password: %d, want 400", st)
			}
			again := login(t, f.srv, "bob@example.com", newPW)
			if !again.userKey.Equal(f.bob.userKey) {
				t.Error("the new password unwraps another user key")
			}
			_, tr := loginStatus(t, f.srv, "bob@example.com", newPW)
			force := gen == safetest.GenCurrent
			if tr["ForcePasswordReset"] != force {
				t.Errorf("ForcePasswordReset in the token response = %v, want %v", tr["ForcePasswordReset"], force)
			}
			if got, _ := f.srv.MustUpdatePassword(f.users["bob"]); got != force {
				t.Errorf("MustUpdatePassword = %v, want %v", got, force)
			}
		})
	}
}

// TestRecoveryForcedUpdate: a forced reset (GenCurrent always; Gen2023
// when the resetting admin's membership has Bravura's ForcePasswordReset
// flag) makes the login and the profile say ForcePasswordReset, until
// update-temp-password replaces the password, which ends the session it
// was sent with.
func TestRecoveryForcedUpdate(t *testing.T) {
	t.Parallel()
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{AccountRecovery: true})
			if err := f.srv.SetForcePasswordResetFlag(f.members["adam"], true); err != nil {
				t.Fatal(err)
			}
			if r := f.enrol(t, "bob"); r.status != 200 {
				t.Fatalf("enrolment: %d %s", r.status, r.body)
			}
			body, _ := f.resetBody(t, f.adam, f.members["bob"].ID, "bob@example.com", "sensitive-temp")
			if r := do(t, f.srv, "PUT", f.resetPath(f.members["bob"].ID), f.adam.token, body); r.status != f.okStatus() {
				t.Fatalf("reset: %d %s", r.status, r.body)
			}
			_, tr := loginStatus(t, f.srv, "bob@example.com", "sensitive-temp")
			if tr["ForcePasswordReset"] != true {
				t.Errorf("ForcePasswordReset = %v, want true", tr["ForcePasswordReset"])
			}
			s := login(t, f.srv, "bob@example.com", "sensitive-temp")
			var prof struct {
				ForcePasswordReset bool `json:"forcePasswordReset"`
			}
			do(t, f.srv, "GET", "/api/accounts/profile", s.token, nil).json(t, &prof)
			if !prof.ForcePasswordReset {
				t.Error("profile forcePasswordReset = false after a forced reset")
			}

			// The member's client sets a password of its own.
			const final = "sensitive-final"
			mk, err := vaultcrypto.DeriveMasterKey(final, "bob@example.com", vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: 5000})
			if err != nil {
				t.Fatal(err)
			}
			key, _ := mk.WrapUserKey(s.userKey)
			upd := map[string]any{"newMasterPasswordHash": serverHash(t, mk, final), "key": key.String(), "masterPasswordHint": "the usual"}
			long := map[string]any{"newMasterPasswordHash": "h", "key": "k", "masterPasswordHint": strings.Repeat("x", 51)}
			if r := do(t, f.srv, "PUT", "/api/accounts/update-temp-password", s.token, long); r.status != 400 ||
				r.apiError(t).ValidationErrors["MasterPasswordHint"] == nil {
				t.Errorf("51-character hint: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "PUT", "/api/accounts/update-temp-password", s.token, upd); r.status != 200 {
				t.Fatalf("update-temp-password: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "GET", "/api/sync", s.token, nil); r.status != 401 {
				t.Errorf("the session after update-temp-password: %d, want 401", r.status)
			}
			if st, _ := loginStatus(t, f.srv, "bob@example.com", "sensitive-temp"); st != 400 {
				t.Errorf("temporary password after the update: %d, want 400", st)
			}
			_, tr = loginStatus(t, f.srv, "bob@example.com", final)
			if tr["ForcePasswordReset"] != false {
				t.Errorf("ForcePasswordReset after the update = %v", tr["ForcePasswordReset"])
			}
			if h, _ := f.srv.PasswordHint(f.users["bob"]); h != "the usual" {
				t.Errorf("hint = %q", h)
			}
			s = login(t, f.srv, "bob@example.com", final)
			if !s.userKey.Equal(f.bob.userKey) {
				t.Error("the final password unwraps another user key")
			}
			r := do(t, f.srv, "PUT", "/api/accounts/update-temp-password", s.token, upd)
			if r.status != 400 || r.apiError(t).Message != "User does not have a temporary password to update." {
				t.Errorf("a second update: %d %s", r.status, r.body)
			}
		})
	}
}

// TestRecoveryBravuraFlagOnInvite: on Gen2023 the invite and update
// requests carry Bravura's forcePasswordReset flag and the member listing
// shows it; current servers have no such field.
func TestRecoveryBravuraFlagOnInvite(t *testing.T) {
	t.Parallel()
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{AccountRecovery: true})
			r := do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token,
				map[string]any{"emails": []string{"dora@example.com"}, "type": 1, "forcePasswordReset": true, "collections": []any{}})
			if r.status != 200 {
				t.Fatalf("invite: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "PUT", f.org+"/users/"+f.members["adam"].ID, f.alice.token,
				map[string]any{"type": 1, "forcePasswordReset": true, "collections": []any{}}); r.status != 200 {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			var list listResp[map[string]any]
			do(t, f.srv, "GET", f.org+"/users", f.alice.token, nil).json(t, &list)
			for _, m := range list.Data {
				flag, has := m["forcePasswordReset"]
				switch {
				case gen == safetest.GenCurrent && has:
					t.Errorf("member %v has forcePasswordReset on a current server", m["id"])
				case gen == safetest.Gen2023:
					want := m["email"] == "dora@example.com" || m["id"] == f.members["adam"].ID
					if flag != want {
						t.Errorf("member %v forcePasswordReset = %v, want %v", m["email"], flag, want)
					}
				}
			}
		})
	}
}

// TestRecoveryRules: every refusal of both generations, with the
// official messages; none changes the member's password.
func TestRecoveryRules(t *testing.T) {
	t.Parallel()
	type want struct {
		status int
		msg    string // message, or the validation key when it starts with "v:"
	}
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			cur := gen == safetest.GenCurrent
			pick := func(w2023, wCur want) want {
				if cur {
					return wCur
				}
				return w2023
			}
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{AccountRecovery: true})
			for _, n := range []string{"alice", "adam", "carl"} {
				if r := f.enrol(t, n); r.status != 200 {
					t.Fatalf("enrolling %s: %d %s", n, r.status, r.body)
				}
			}
			notFound := want{404, "Resource not found."}
			type ruleCase struct {
				name   string
				caller *session
				target string
				body   func(map[string]any)
				want   want
			}
			cases := []ruleCase{
				{"plain user resets", f.bob, "carl", nil, notFound},
				{"admin resets owner", f.adam, "alice", nil, pick(
					want{400, "Calling user does not have permission to reset this user's master password"},
					want{400, "You are not permitted to recover this user's account."})},
				{"custom resets admin", f.carl, "adam", nil, pick(
					want{400, "Calling user does not have permission to reset this user's master password"},
					want{400, "You are not permitted to recover this user's account."})},
				{"member not enrolled", f.alice, "bob", nil, pick(want{400, "Team User not valid"}, want{400, "Organization User not valid."})},
				{"unknown member", f.alice, "nobody", nil, pick(want{400, "Team User not valid"}, notFound)},
				{"missing key", f.alice, "carl", func(b map[string]any) { delete(b, "key") }, pick(
					want{400, "v:Key"}, want{400, "v:Key"})},
				{"empty hash", f.alice, "carl", func(b map[string]any) { b["newMasterPasswordHash"] = "" }, pick(
					want{400, "v:NewMasterPasswordHash"}, want{400, "Master password hash and key are required when resetting master password."})},
			}
			if cur { // 2023.8 has no resetMasterPassword member to get wrong
				cases = append(cases, ruleCase{"no action", f.alice, "carl", func(b map[string]any) { b["resetMasterPassword"] = false },
					want{400, "At least one recovery action must be requested."}})
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					targetID := "7d9bb6a3-3c44-4b8c-8a56-000000000000"
					email := "nobody@example.com"
					if m := f.members[tc.target]; m != nil {
						targetID, email = m.ID, tc.target+"@example.com"
					}
					body := map[string]any{"newMasterPasswordHash": "AAAA", "key": "2.AAAA|AAAA|AAAA"}
					if cur {
						body["resetMasterPassword"], body["resetTwoFactor"] = true, false
					}
					if f.members[tc.target] != nil && tc.target != "bob" && tc.caller == f.alice {
						body, _ = f.resetBody(t, f.alice, targetID, email, "sensitive-never-set")
					}
					if tc.body != nil {
						tc.body(body)
					}
					r := do(t, f.srv, "PUT", f.resetPath(targetID), tc.caller.token, body)
					if r.status != tc.want.status {
						t.Fatalf("status %d %s, want %d", r.status, r.body, tc.want.status)
					}
					e := r.apiError(t)
					if key, ok := strings.CutPrefix(tc.want.msg, "v:"); ok {
						if e.ValidationErrors[key] == nil {
							t.Errorf("validation errors %v, want one for %q", e.ValidationErrors, key)
						}
					} else if e.Message != tc.want.msg {
						t.Errorf("message %q, want %q", e.Message, tc.want.msg)
					}
					if m := f.members[tc.target]; m != nil {
						if st, _ := loginStatus(t, f.srv, email, recoveryPW+"-"+tc.target); st != 200 {
							t.Errorf("%s's password changed by a refused reset", tc.target)
						}
					}
				})
			}

			// Custom with manageResetPassword resets a plain user; without
			// it, nothing.
			if r := f.enrol(t, "bob"); r.status != 200 {
				t.Fatal(r.status)
			}
			body, _ := f.resetBody(t, f.carl, f.members["bob"].ID, "bob@example.com", "sensitive-by-carl")
			if err := f.srv.SetCustomPermissions(f.members["carl"], "manageUsers"); err != nil {
				t.Fatal(err)
			}
			if r := do(t, f.srv, "PUT", f.resetPath(f.members["bob"].ID), f.carl.token, body); r.status != 404 {
				t.Errorf("custom without manageResetPassword: %d %s", r.status, r.body)
			}
			if err := f.srv.SetCustomPermissions(f.members["carl"], "manageResetPassword"); err != nil {
				t.Fatal(err)
			}
			if r := do(t, f.srv, "PUT", f.resetPath(f.members["bob"].ID), f.carl.token, body); r.status != f.okStatus() {
				t.Errorf("custom with manageResetPassword resets a user: %d %s", r.status, r.body)
			}

			// The other generation's endpoint does not exist.
			other := f.org + "/users/" + f.members["bob"].ID + "/reset-password"
			if !cur {
				other = f.org + "/users/" + f.members["bob"].ID + "/recover-account"
			}
			if r := do(t, f.srv, "PUT", other, f.alice.token, body); r.status != 404 {
				t.Errorf("PUT %s: %d, want 404", other, r.status)
			}

			// Neither server forbids an owner's reset of themself.
			self, _ := f.resetBody(t, f.alice, f.members["alice"].ID, "alice@example.com", "sensitive-self")
			if r := do(t, f.srv, "PUT", f.resetPath(f.members["alice"].ID), f.alice.token, self); r.status != f.okStatus() {
				t.Errorf("owner resets themself: %d %s", r.status, r.body)
			}

			// The details: an admin may read an owner's on 2023.8 only.
			r := do(t, f.srv, "GET", f.org+"/users/"+f.members["alice"].ID+"/reset-password-details", f.adam.token, nil)
			if want := pick(want{200, ""}, want{404, ""}); r.status != want.status {
				t.Errorf("admin reads the owner's details: %d", r.status)
			}
			bob := login(t, f.srv, "bob@example.com", "sensitive-by-carl") // the reset ended bob's session
			if r := do(t, f.srv, "GET", f.org+"/users/"+f.members["carl"].ID+"/reset-password-details", bob.token, nil); r.status != 404 {
				t.Errorf("plain user reads details: %d", r.status)
			}

		})
	}
}

// TestRecoveryTeamSettings: a team whose plan lacks account recovery, or
// whose policy is off, refuses enrolment and resets with the official
// messages; under automatic enrolment a member cannot withdraw.
func TestRecoveryTeamSettings(t *testing.T) {
	t.Parallel()
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			cur := gen == safetest.GenCurrent
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{WithoutResetPassword: true, AccountRecovery: true})
			w := f.word()
			if r := f.enrol(t, "bob"); r.status != 400 || r.apiError(t).Message != w+" does not allow password reset enrollment." {
				t.Errorf("enrolment without UseResetPassword: %d %s", r.status, r.body)
			}
			if err := f.srv.EnrollAccountRecovery(f.members["bob"]); err != nil {
				t.Fatal(err)
			}
			body := map[string]any{"newMasterPasswordHash": "AAAA", "key": "2.AAAA|AAAA|AAAA", "resetMasterPassword": true}
			r := do(t, f.srv, "PUT", f.resetPath(f.members["bob"].ID), f.alice.token, body)
			if r.status != 400 || r.apiError(t).Message != w+" does not allow password reset." {
				t.Errorf("reset without UseResetPassword: %d %s", r.status, r.body)
			}

			f = newRecoveryFixture(t, gen, safetest.TeamSpec{})
			if r := f.enrol(t, "bob"); r.status != 400 || r.apiError(t).Message != w+" does not have the password reset policy enabled." {
				t.Errorf("enrolment without the policy: %d %s", r.status, r.body)
			}
			if err := f.srv.EnrollAccountRecovery(f.members["bob"]); err != nil {
				t.Fatal(err)
			}
			r = do(t, f.srv, "PUT", f.resetPath(f.members["bob"].ID), f.alice.token, body)
			if r.status != 400 || r.apiError(t).Message != w+" does not have the password reset policy enabled." {
				t.Errorf("reset without the policy: %d %s", r.status, r.body)
			}

			if err := f.srv.SetAccountRecoveryPolicy(f.team, true, true); err != nil {
				t.Fatal(err)
			}
			withdraw := map[string]any{"resetPasswordKey": nil}
			msg := "Due to an Enterprise Policy, you are not allowed to withdraw from Password Reset."
			if cur {
				msg = "Due to an Enterprise policy, you are not allowed to withdraw from account recovery."
			}
			path := f.org + "/users/" + f.users["bob"].ID + "/reset-password-enrollment"
			if r := do(t, f.srv, "PUT", path, f.bob.token, withdraw); r.status != 400 || r.apiError(t).Message != msg {
				t.Errorf("withdrawal under automatic enrolment: %d %s", r.status, r.body)
			}
			var sync struct {
				Policies []struct {
					OrganizationID string         `json:"organizationId"`
					Type           int            `json:"type"`
					Enabled        bool           `json:"enabled"`
					Data           map[string]any `json:"data"`
				} `json:"policies"`
			}
			do(t, f.srv, "GET", "/api/sync", f.bob.token, nil).json(t, &sync)
			if len(sync.Policies) != 1 || sync.Policies[0].Type != 8 || !sync.Policies[0].Enabled ||
				sync.Policies[0].OrganizationID != f.team.ID || sync.Policies[0].Data["autoEnrollEnabled"] != true {
				t.Errorf("sync policies = %+v", sync.Policies)
			}
			if err := f.srv.SetAccountRecoveryPolicy(f.team, true, false); err != nil {
				t.Fatal(err)
			}
			if r := do(t, f.srv, "PUT", path, f.bob.token, withdraw); r.status != 200 {
				t.Errorf("withdrawal: %d %s", r.status, r.body)
			}
			if enrolled, _ := f.srv.AccountRecoveryEnrollment(f.members["bob"]); enrolled {
				t.Error("still enrolled after withdrawing")
			}
		})
	}
}

// TestRecoveryEnrolmentRules: a member enrols only themself; current
// servers want the master password hash with a key, 2023.8 does not.
func TestRecoveryEnrolmentRules(t *testing.T) {
	t.Parallel()
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{AccountRecovery: true})
			wrapped, err := f.teamPublicKey(t, f.bob).WrapKey(f.bob.userKey)
			if err != nil {
				t.Fatal(err)
			}
			key := wrapped.String()
			path := f.org + "/users/" + f.users["bob"].ID + "/reset-password-enrollment"
			r := do(t, f.srv, "PUT", path, f.bob.token, map[string]any{"resetPasswordKey": key})
			if gen == safetest.GenCurrent {
				if r.status != 400 || r.apiError(t).Message != "Incorrect password" {
					t.Errorf("without the password hash: %d %s", r.status, r.body)
				}
				r = do(t, f.srv, "PUT", path, f.bob.token, map[string]any{"resetPasswordKey": key, "masterPasswordHash": "wrong"})
				if r.status != 400 || r.apiError(t).Message != "Incorrect password" {
					t.Errorf("with a wrong password hash: %d %s", r.status, r.body)
				}
				if enrolled, _ := f.srv.AccountRecoveryEnrollment(f.members["bob"]); enrolled {
					t.Error("enrolled without the password")
				}
			} else if r.status != 200 {
				t.Errorf("2023.8 enrolment without a password hash: %d %s", r.status, r.body)
			}
			// Alice, an owner, cannot enrol bob.
			other := f.org + "/users/" + f.users["bob"].ID + "/reset-password-enrollment"
			body := map[string]any{"resetPasswordKey": key,
				"masterPasswordHash": serverHash(t, masterKey(t, f.srv, "alice@example.com", recoveryPW+"-alice"), recoveryPW+"-alice")}
			if r := do(t, f.srv, "PUT", other, f.alice.token, body); r.status != 400 || r.apiError(t).Message != "User not valid." {
				t.Errorf("enrolling someone else: %d %s", r.status, r.body)
			}
		})
	}
}

// TestRecoveryAcceptedMember: current servers also recover accepted (not
// yet confirmed) and revoked members; 2023.8 only confirmed ones.
func TestRecoveryAcceptedMember(t *testing.T) {
	t.Parallel()
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{AccountRecovery: true})
			dora := addUser(t, f.srv, "dora@example.com", "sensitive-dora")
			if r := do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"emails": []string{"dora@example.com"}, "type": 2, "collections": []any{}}); r.status != 200 {
				t.Fatal(r.status)
			}
			m, err := f.srv.AcceptInvite(f.team, dora)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.srv.EnrollAccountRecovery(m); err != nil {
				t.Fatal(err)
			}
			// Accepted members get no team key, so the admin's client
			// computes the body from the details alone.
			body, _ := f.resetBody(t, f.alice, m.ID, "dora@example.com", "sensitive-dora-new")
			r := do(t, f.srv, "PUT", f.resetPath(m.ID), f.alice.token, body)
			if gen == safetest.GenCurrent {
				if r.status != 204 {
					t.Errorf("current: reset of an accepted member: %d %s", r.status, r.body)
				}
			} else if r.status != 400 || r.apiError(t).Message != "Team User not valid" {
				t.Errorf("2023: reset of an accepted member: %d %s", r.status, r.body)
			}
		})
	}
}

// TestRecoveryKeyPair: a team without a key pair gets one from a client
// that may manage account recovery (POST .../keys), once.
func TestRecoveryKeyPair(t *testing.T) {
	t.Parallel()
	for _, gen := range gens {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newRecoveryFixture(t, gen, safetest.TeamSpec{WithoutKeyPair: true, AccountRecovery: true})
			if has, err := f.srv.TeamKeyPair(f.team); has || err != nil {
				t.Fatalf("TeamKeyPair = %v, %v", has, err)
			}
			var pk struct {
				PublicKey *string `json:"publicKey"`
			}
			do(t, f.srv, "GET", f.org+"/public-key", f.bob.token, nil).json(t, &pk)
			if pk.PublicKey != nil {
				t.Errorf("public key of a team without a key pair: %q", *pk.PublicKey)
			}
			var prof struct {
				Organizations []struct {
					HasKeys bool `json:"hasPublicAndPrivateKeys"`
				} `json:"organizations"`
			}
			do(t, f.srv, "GET", "/api/accounts/profile", f.alice.token, nil).json(t, &prof)
			if prof.Organizations[0].HasKeys {
				t.Error("hasPublicAndPrivateKeys = true")
			}
			mk := func(s *session) map[string]any {
				priv, err := vaultcrypto.GeneratePrivateKey()
				if err != nil {
					t.Fatal(err)
				}
				wrapped, _ := s.teamKey(t, f.srv, f.team.ID).WrapPrivateKey(priv)
				pub, _ := priv.Public().Base64()
				return map[string]any{"publicKey": pub, "encryptedPrivateKey": wrapped.String()}
			}
			if r := do(t, f.srv, "POST", f.org+"/keys", f.alice.token, map[string]any{"publicKey": "x"}); r.status != 400 ||
				r.apiError(t).ValidationErrors["EncryptedPrivateKey"] == nil {
				t.Errorf("without a private key: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "POST", f.org+"/keys", f.bob.token, mk(f.bob)); r.status != 401 {
				t.Errorf("a plain member posts keys: %d %s", r.status, r.body)
			}
			if has, _ := f.srv.TeamKeyPair(f.team); has {
				t.Fatal("a plain member's keys were stored")
			}
			r := do(t, f.srv, "POST", f.org+"/keys", f.carl.token, mk(f.carl))
			var keys struct {
				Object     string `json:"object"`
				PublicKey  string `json:"publicKey"`
				PrivateKey string `json:"privateKey"`
			}
			r.json(t, &keys)
			if r.status != 200 || keys.Object != "organizationKeys" || keys.PublicKey == "" || keys.PrivateKey == "" {
				t.Fatalf("custom member with manageResetPassword posts keys: %d %s", r.status, r.body)
			}
			if has, err := f.srv.TeamKeyPair(f.team); !has || err != nil {
				t.Errorf("after POST keys: TeamKeyPair = %v, %v", has, err)
			}
			r = do(t, f.srv, "POST", f.org+"/keys", f.alice.token, mk(f.alice))
			msg := "Team Keys already exist"
			if gen == safetest.GenCurrent {
				msg = "Organization Keys already exist."
			}
			if r.status != 400 || r.apiError(t).Message != msg {
				t.Errorf("second POST keys: %d %s", r.status, r.body)
			}
			if r := f.enrol(t, "bob"); r.status != 200 {
				t.Errorf("enrolment after the key pair was made: %d %s", r.status, r.body)
			}
			if enrolled, err := f.srv.AccountRecoveryEnrollment(f.members["bob"]); !enrolled || err != nil {
				t.Errorf("enrolment = %v, %v", enrolled, err)
			}
		})
	}
}

// TestRecoveryNewPayloads: current servers also take the new
// authenticationData/unlockData shape, whose KDF and salt must be the
// member's own.
func TestRecoveryNewPayloads(t *testing.T) {
	t.Parallel()
	f := newRecoveryFixture(t, safetest.GenCurrent, safetest.TeamSpec{AccountRecovery: true})
	if r := f.enrol(t, "bob"); r.status != 200 {
		t.Fatal(r.status)
	}
	legacy, _ := f.resetBody(t, f.alice, f.members["bob"].ID, "bob@example.com", "sensitive-next")
	kdf := map[string]any{"kdfType": 0, "iterations": 5000}
	newShape := func(salt string) map[string]any {
		return map[string]any{
			"resetMasterPassword": true, "resetTwoFactor": false,
			"authenticationData": map[string]any{"kdf": kdf, "masterPasswordAuthenticationHash": legacy["newMasterPasswordHash"], "salt": salt},
			"unlockData":         map[string]any{"kdf": kdf, "masterKeyWrappedUserKey": legacy["key"], "salt": salt},
		}
	}
	r := do(t, f.srv, "PUT", f.resetPath(f.members["bob"].ID), f.alice.token, newShape("someone@example.com"))
	if r.status != 400 || r.apiError(t).Message != "Invalid master password salt." {
		t.Errorf("another salt: %d %s", r.status, r.body)
	}
	if r := do(t, f.srv, "PUT", f.resetPath(f.members["bob"].ID), f.alice.token, newShape("bob@example.com")); r.status != 204 {
		t.Fatalf("new payloads: %d %s", r.status, r.body)
	}
	if s := login(t, f.srv, "bob@example.com", "sensitive-next"); !s.userKey.Equal(f.bob.userKey) {
		t.Error("another user key after the reset")
	}
}

// FuzzRecoveryRequest feeds arbitrary bodies to the recovery endpoints of
// both generations: each answers 2xx or 4xx with a JSON error, never
// panics; the only 500 is the official one for a KDF other than the
// member's in the new payload shape.
func FuzzRecoveryRequest(f *testing.F) {
	type target struct {
		srv     *safetest.Server
		token   string
		targets [][2]string
	}
	var ts []target
	for _, gen := range gens {
		srv := safetest.NewUnstartedServer(safetest.WithGeneration(gen))
		owner, err1 := srv.AddUser(safetest.UserSpec{Email: "fuzz@example.com", Password: "pw", KDF: fastKDF})
		bob, err2 := srv.AddUser(safetest.UserSpec{Email: "bob@example.com", Password: "pw", KDF: fastKDF})
		if err1 != nil || err2 != nil {
			f.Fatal(err1, err2)
		}
		team, err := srv.AddTeam(owner, safetest.TeamSpec{Name: "T", AccountRecovery: true, WithoutKeyPair: true})
		if err != nil {
			f.Fatal(err)
		}
		bm, err := srv.AddMember(team, bob, safetest.RoleUser)
		if err != nil {
			f.Fatal(err)
		}
		tok := fuzzToken(f, srv, owner.Email, "pw")
		org := "/api/organizations/" + team.ID
		reset := org + "/users/" + bm.ID + "/reset-password"
		if gen == safetest.GenCurrent {
			reset = org + "/users/" + bm.ID + "/recover-account"
		}
		ts = append(ts, target{srv, tok, [][2]string{
			{"PUT", org + "/users/" + owner.ID + "/reset-password-enrollment"}, {"PUT", reset},
			{"PUT", "/api/accounts/update-temp-password"}, {"POST", org + "/keys"},
		}})
	}
	for _, s := range []string{
		`{"resetPasswordKey":"4.AAAA","masterPasswordHash":"x"}`, `{"resetPasswordKey":null}`,
		`{"newMasterPasswordHash":"AAAA","key":"2.AAAA|AAAA|AAAA","resetMasterPassword":true}`,
		`{"resetMasterPassword":true,"authenticationData":{"kdf":{"kdfType":0,"iterations":5000},"masterPasswordAuthenticationHash":"h","salt":"bob@example.com"},"unlockData":{"kdf":{"kdfType":0,"iterations":5000},"masterKeyWrappedUserKey":"2.AA==|AA==|AA==","salt":"bob@example.com"}}`,
		`{"publicKey":"x","encryptedPrivateKey":"y"}`, `{"masterPasswordHint":"` + strings.Repeat("é", 30) + `"}`, `[]`, `{}`, `null`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, tg := range ts {
			for _, p := range tg.targets {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(p[0], p[1], strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tg.token)
				tg.srv.ServeHTTP(rec, req)
				switch {
				case rec.Code == 500 && strings.Contains(body, "authenticationData"):
				case rec.Code >= 500 || rec.Code < 200 || (rec.Code >= 300 && rec.Code < 400):
					t.Fatalf("%s %s: status %d for %q", p[0], p[1], rec.Code, body)
				}
				if rec.Code >= 400 && !json.Valid(rec.Body.Bytes()) {
					t.Fatalf("%s %s: error body is not JSON: %q", p[0], p[1], rec.Body)
				}
			}
		}
	})
}

// fuzzToken logs in through the handler, with the Auth-Email header that
// Gen2023 wants, and returns the access token.
func fuzzToken(f *testing.F, srv *safetest.Server, email, password string) string {
	f.Helper()
	mk, err := vaultcrypto.DeriveMasterKey(password, email, vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: 5000})
	if err != nil {
		f.Fatal(err)
	}
	hash, _ := mk.Hash(password, vaultcrypto.ServerAuthorization)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/identity/connect/token", strings.NewReader(passwordForm(email, hash).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range authEmail(email) {
		req.Header.Set(k, v)
	}
	srv.ServeHTTP(rec, req)
	var tr tokenResp
	if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil || tr.AccessToken == "" {
		f.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	return tr.AccessToken
}
