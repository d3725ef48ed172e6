package safe_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// Account recovery tests run against safetest with both generations. The
// server records every request it gets, so that a test can tell that a
// refused call wrote nothing (and did not even read the reset details),
// and it fails the test if a plaintext password ("sensitive-…") ever
// reaches it.

// Passwords of the recovery accounts.
const (
	ownerPW  = "sensitive-owner-pw"
	adminPW  = "sensitive-admin-pw"
	customPW = "sensitive-custom-pw"
	memberPW = "sensitive-member-pw"
)

// requestLog is what the server saw: "METHOD /path" per request.
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *requestLog) add(r string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, r)
}

// mark returns a position to compare with later.
func (l *requestLog) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// since returns the requests after a mark.
func (l *requestLog) since(i int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.reqs[i:]...)
}

// noWrites fails t if any request after mark wrote anything or read the
// reset details (which only a reset that passed every rule reads).
func (l *requestLog) noWrites(t *testing.T, mark int) {
	t.Helper()
	for _, r := range l.since(mark) {
		if !strings.HasPrefix(r, "GET ") || strings.HasSuffix(r, "/reset-password-details") {
			if strings.HasSuffix(r, "/connect/token") || strings.HasSuffix(r, "/prelogin") {
				continue // a login of the test's own
			}
			t.Errorf("a refused call sent %s", r)
		}
	}
}

// count returns how many requests after mark have the given suffix.
func (l *requestLog) count(mark int, suffix string) int {
	n := 0
	for _, r := range l.since(mark) {
		if strings.HasSuffix(r, suffix) {
			n++
		}
	}
	return n
}

// recEnv is a team with account recovery on: owner owns it, admin is an
// admin, custom a Custom member who manages account recovery, member a
// plain member with access to the collection. The member has a personal
// item and the team an item in the collection.
type recEnv struct {
	srv                              *safetest.Server
	gen                              safetest.Generation
	log                              *requestLog
	team                             *safetest.Team
	col                              *safetest.Collection
	owner, admin, custom, member     *safetest.User
	ownerM, adminM, customM, memberM *safetest.Member
	personalID, teamItemID           string
	memberKDF                        safetest.KDF
	memberEmail                      string
}

func newRecEnv(t *testing.T, gen safetest.Generation, memberKDF safetest.KDF, spec safetest.TeamSpec, opts ...safetest.Option) *recEnv {
	t.Helper()
	e := &recEnv{gen: gen, log: &requestLog{}, memberKDF: memberKDF, memberEmail: "Member@Example.com"}
	hook := func(r *http.Request, body []byte) {
		e.log.add(r.Method + " " + r.URL.Path)
		if bytes.Contains(body, []byte("sensitive-")) || strings.Contains(r.URL.RawQuery, "sensitive-") {
			t.Errorf("plaintext secret on the wire: %s %s", r.Method, r.URL.Path)
		}
	}
	e.srv = safetest.NewServer(append([]safetest.Option{safetest.WithGeneration(gen), safetest.WithRequestHook(hook)}, opts...)...)
	t.Cleanup(e.srv.Close)
	add := func(email, pw string, kdf safetest.KDF) *safetest.User {
		u, err := e.srv.AddUser(safetest.UserSpec{Email: email, Password: pw, KDF: kdf})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	fast := safetest.PBKDF2(5000)
	e.owner, e.admin, e.custom = add("owner@example.com", ownerPW, fast), add("admin@example.com", adminPW, fast), add("custom@example.com", customPW, fast)
	e.member = add(e.memberEmail, memberPW, memberKDF)
	spec.Name = "Recovery team"
	var err error
	if e.team, err = e.srv.AddTeam(e.owner, spec); err != nil {
		t.Fatal(err)
	}
	if e.col, err = e.srv.AddCollection(e.team, "Servers"); err != nil {
		t.Fatal(err)
	}
	e.ownerM = &safetest.Member{ID: e.team.OwnerMemberID, TeamID: e.team.ID, UserID: e.owner.ID, Role: safetest.RoleOwner}
	member := func(u *safetest.User, role safetest.Role) *safetest.Member {
		m, err := e.srv.AddMember(e.team, u, role, safetest.CollectionAccess{CollectionID: e.col.ID})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	e.adminM, e.customM, e.memberM = member(e.admin, safetest.RoleAdmin), member(e.custom, safetest.RoleCustom), member(e.member, safetest.RoleUser)
	// manageGroups lets a Custom member list the members on 2023.8, which
	// shows the list to no one who only manages account recovery.
	if err := e.srv.SetCustomPermissions(e.customM, "manageResetPassword", "manageGroups"); err != nil {
		t.Fatal(err)
	}
	if e.personalID, err = e.srv.AddItem(e.member, safetest.Item{Name: "member's own", Login: &safetest.Login{Username: "m", Password: "sensitive-personal"}}); err != nil {
		t.Fatal(err)
	}
	if e.teamItemID, err = e.srv.AddItem(e.team, safetest.Item{Name: "team db", Login: &safetest.Login{Username: "db", Password: "sensitive-team"},
		CollectionIDs: []string{e.col.ID}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// client returns a new client, logged in, whose requests pass h.
func (e *recEnv) client(t *testing.T, email, password string, opts ...safe.Option) (*safe.Client, *hook) {
	t.Helper()
	c, h := e.newClient(t, opts...)
	if err := c.LoginPassword(t.Context(), email, password); err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return c, h
}

func (e *recEnv) newClient(t *testing.T, opts ...safe.Option) (*safe.Client, *hook) {
	t.Helper()
	h := &hook{next: e.srv.Client().Transport}
	opts = append([]safe.Option{safe.WithHTTPClient(&http.Client{Transport: h}), safe.WithSyncInterval(0),
		safe.WithRetryPolicy(safe.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second})}, opts...)
	c, err := safe.NewClient(e.srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, h
}

// readable is what the member reads of the two items.
func (e *recEnv) readable(t *testing.T, c *safe.Client) [2]string {
	t.Helper()
	var out [2]string
	for i, id := range []string{e.personalID, e.teamItemID} {
		it, err := c.Items.Get(t.Context(), id)
		if err != nil {
			t.Fatalf("item %s: %v", id, err)
		}
		out[i] = it.Name + "/" + it.Login.Password
	}
	return out
}

// enrol enrols the member with bsafe.
func (e *recEnv) enrolMember(t *testing.T) {
	t.Helper()
	c, _ := e.client(t, e.memberEmail, memberPW)
	if err := c.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
		t.Fatalf("EnrollAccountRecovery: %v", err)
	}
	e.checkEnrolled(t, e.memberM, true)
}

func (e *recEnv) checkEnrolled(t *testing.T, m *safetest.Member, want bool) {
	t.Helper()
	got, err := e.srv.AccountRecoveryEnrollment(m)
	if err != nil || got != want {
		t.Errorf("member %s enrolled = %v (%v), want %v", m.ID, got, err, want)
	}
}

// canLogin reports whether email logs in with password, and whether that
// login asks for a password update.
func (e *recEnv) canLogin(t *testing.T, email, password string) (ok, mustUpdate bool) {
	t.Helper()
	c, _ := e.newClient(t)
	err := c.LoginPassword(t.Context(), email, password)
	if err != nil && !errors.Is(err, safe.ErrWrongPassword) {
		t.Fatalf("login %s: %v", email, err)
	}
	return err == nil, c.MustUpdatePassword()
}

// TestResetPasswordRoundTrip: the member enrols, an owner resets the
// member's password; the member logs in with the new password and reads
// what they read before, the old password is refused, and the member's
// old session has ended. The member's KDF (PBKDF2 or Argon2id, unlike
// the admin's) is the one the new master key uses.
func TestResetPasswordRoundTrip(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		for _, kdf := range []struct {
			name string
			kdf  safetest.KDF
		}{{"pbkdf2", safetest.PBKDF2(100_000)}, {"argon2id", safetest.Argon2id(2, 16, 1)}} {
			t.Run(gen.String()+"/"+kdf.name, func(t *testing.T) {
				t.Parallel()
				e := newRecEnv(t, gen, kdf.kdf, safetest.TeamSpec{AccountRecovery: true})
				ctx := t.Context()
				old, _ := e.client(t, e.memberEmail, memberPW)
				before := e.readable(t, old)
				e.enrolMember(t)

				owner, _ := e.client(t, "owner@example.com", ownerPW)
				const newPW = "sensitive-reset-pw"
				if err := owner.Members.ResetPassword(ctx, e.team.ID, e.memberM.ID, newPW); err != nil {
					t.Fatalf("ResetPassword: %v", err)
				}
				if err := old.Sync(ctx); !errors.Is(err, safe.ErrUnauthorized) {
					t.Errorf("the member's old session after the reset: %v, want ErrUnauthorized", err)
				}
				if ok, _ := e.canLogin(t, e.memberEmail, memberPW); ok {
					t.Error("the old password still logs in")
				}
				c, _ := e.client(t, e.memberEmail, newPW)
				if after := e.readable(t, c); after != before {
					t.Errorf("after the reset the member reads %v, before %v", after, before)
				}
				if got, want := c.MustUpdatePassword(), gen == safetest.GenCurrent; got != want {
					t.Errorf("MustUpdatePassword = %v, want %v (Bitwarden always forces it, Bravura Safe by the admin's flag)", got, want)
				}
				e.checkEnrolled(t, e.memberM, true) // the user key, and so the enrolment, stays
			})
		}
	}
}

// TestUpdateTempPassword: after a forced reset the member's login says
// MustUpdatePassword; UpdateTempPassword sets a password of the member's
// own, keeps the client logged in (with the new password: the update ends
// every session) and clears the flag. A second call has nothing to update
// and sends nothing.
func TestUpdateTempPassword(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.Argon2id(2, 16, 1), safetest.TeamSpec{AccountRecovery: true})
		ctx := t.Context()
		e.enrolMember(t)
		if err := e.srv.SetForcePasswordResetFlag(e.adminM, true); err != nil { // Bravura Safe's flag
			t.Fatal(err)
		}
		admin, _ := e.client(t, "admin@example.com", adminPW)
		if err := admin.Members.ResetPassword(ctx, e.team.ID, e.memberM.ID, "sensitive-temp"); err != nil {
			t.Fatal(err)
		}
		c, _ := e.client(t, e.memberEmail, "sensitive-temp")
		if !c.MustUpdatePassword() {
			t.Fatal("MustUpdatePassword = false after a forced reset")
		}
		p, err := c.Profile(ctx)
		if err != nil || !p.ForcePasswordReset {
			t.Errorf("profile ForcePasswordReset = %v (%v)", p.ForcePasswordReset, err)
		}
		before := e.readable(t, c)
		if err := c.UpdateTempPassword(ctx, "sensitive-final", "the usual one"); err != nil {
			t.Fatalf("UpdateTempPassword: %v", err)
		}
		if c.MustUpdatePassword() {
			t.Error("MustUpdatePassword = true after the update")
		}
		if after := e.readable(t, c); after != before {
			t.Errorf("after the update the client reads %v, before %v", after, before)
		}
		if must, _ := e.srv.MustUpdatePassword(e.member); must {
			t.Error("the server still forces a password update")
		}
		if h, _ := e.srv.PasswordHint(e.member); h != "the usual one" {
			t.Errorf("hint = %q", h)
		}
		if ok, _ := e.canLogin(t, e.memberEmail, "sensitive-temp"); ok {
			t.Error("the temporary password still logs in")
		}
		if ok, must := e.canLogin(t, e.memberEmail, "sensitive-final"); !ok || must {
			t.Errorf("the new password: login %v, must update %v", ok, must)
		}
		mark := e.log.mark()
		if err := c.UpdateTempPassword(ctx, "sensitive-again", ""); !errors.Is(err, safe.ErrNoTemporaryPassword) {
			t.Errorf("a second UpdateTempPassword: %v, want ErrNoTemporaryPassword", err)
		}
		e.log.noWrites(t, mark)
	})
}

// TestRecoveryNotForcedOnBravura: on Gen2023 a reset by an admin whose
// membership lacks the flag does not force an update, and
// UpdateTempPassword refuses without sending anything.
func TestRecoveryNotForcedOnBravura(t *testing.T) {
	t.Parallel()
	e := newRecEnv(t, safetest.Gen2023, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
	e.enrolMember(t)
	owner, _ := e.client(t, "owner@example.com", ownerPW)
	if err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-set"); err != nil {
		t.Fatal(err)
	}
	c, _ := e.client(t, e.memberEmail, "sensitive-set")
	if c.MustUpdatePassword() {
		t.Error("MustUpdatePassword = true")
	}
	mark := e.log.mark()
	if err := c.UpdateTempPassword(t.Context(), "sensitive-other", ""); !errors.Is(err, safe.ErrNoTemporaryPassword) {
		t.Errorf("UpdateTempPassword: %v, want ErrNoTemporaryPassword", err)
	}
	e.log.noWrites(t, mark)
}

// TestResetPasswordRules: each rule is an error of its own, found before
// anything is written (the reset details are not even read), and the
// member's password stays.
func TestResetPasswordRules(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		for _, m := range []*safetest.Member{e.ownerM, e.adminM} {
			if err := e.srv.EnrollAccountRecovery(m); err != nil {
				t.Fatal(err)
			}
		}
		// An accepted (not confirmed) member who enrolled.
		owner, _ := e.client(t, "owner@example.com", ownerPW)
		newbie, err := e.srv.AddUser(safetest.UserSpec{Email: "newbie@example.com", Password: "sensitive-newbie", KDF: safetest.PBKDF2(5000)})
		if err != nil {
			t.Fatal(err)
		}
		invite(t, e, "newbie@example.com")
		accepted, err := e.srv.AcceptInvite(e.team, newbie)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.srv.EnrollAccountRecovery(accepted); err != nil {
			t.Fatal(err)
		}
		admin, _ := e.client(t, "admin@example.com", adminPW)
		custom, _ := e.client(t, "custom@example.com", customPW)
		plain, _ := e.client(t, e.memberEmail, memberPW)
		type tc struct {
			name     string
			c        *safe.Client
			team     string
			memberID string
			password string
			want     error
		}
		cases := []tc{
			{"unknown member", owner, e.team.ID, "0b5a4e6e-8d5c-4bde-9a1b-000000000000", "sensitive-x", safe.ErrNotFound},
			{"not enrolled", owner, e.team.ID, e.memberM.ID, "sensitive-x", safe.ErrNotEnrolled},
			{"admin resets owner", admin, e.team.ID, e.ownerM.ID, "sensitive-x", safe.ErrForbidden},
			{"custom resets admin", custom, e.team.ID, e.adminM.ID, "sensitive-x", safe.ErrForbidden},
			{"plain member resets", plain, e.team.ID, e.adminM.ID, "sensitive-x", safe.ErrForbidden},
			{"owner resets themself", owner, e.team.ID, e.ownerM.ID, "sensitive-x", safe.ErrInvalidArgument},
			{"not a team", owner, "0b5a4e6e-8d5c-4bde-9a1b-000000000001", e.adminM.ID, "sensitive-x", safe.ErrNotFound},
			{"bad member ID", owner, e.team.ID, "../admin", "sensitive-x", safe.ErrInvalidArgument},
			{"empty password", owner, e.team.ID, e.adminM.ID, "", safe.ErrInvalidArgument},
		}
		if gen == safetest.Gen2023 { // current servers reset accepted members too
			cases = append(cases, tc{"accepted member", owner, e.team.ID, accepted.ID, "sensitive-x", safe.ErrNotConfirmed})
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				mark := e.log.mark()
				err := tc.c.Members.ResetPassword(t.Context(), tc.team, tc.memberID, tc.password)
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				if strings.Contains(err.Error(), "sensitive-") {
					t.Errorf("the error holds a password: %v", err)
				}
				e.log.noWrites(t, mark)
				if tc.memberID == "../admin" || tc.password == "" {
					if sent := e.log.since(mark); len(sent) > 0 {
						t.Errorf("a bad argument still sent %v", sent)
					}
				}
			})
		}
		if gen == safetest.GenCurrent {
			if err := owner.Members.ResetPassword(t.Context(), e.team.ID, accepted.ID, "sensitive-newbie-2"); err != nil {
				t.Errorf("current: reset of an accepted member: %v", err)
			}
		}
		for email, pw := range map[string]string{"owner@example.com": ownerPW, "admin@example.com": adminPW, e.memberEmail: memberPW} {
			if ok, _ := e.canLogin(t, email, pw); !ok {
				t.Errorf("%s's password changed", email)
			}
		}
		// The custom member may reset a plain member.
		e.enrolMember(t)
		if err := custom.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-by-custom"); err != nil {
			t.Errorf("custom resets a plain member: %v", err)
		}
	})
}

// invite invites an e-mail to the team as the owner, over the API.
func invite(t *testing.T, e *recEnv, email string) {
	t.Helper()
	if st, _ := ownerAPI(t, e, "POST", "/api/organizations/"+e.team.ID+"/users/invite", `{"emails":["`+email+`"],"type":2,"collections":[]}`); st != 200 {
		t.Fatalf("invite: %d", st)
	}
}

// ownerAPI sends one request as the owner and returns the status and body.
func ownerAPI(t *testing.T, e *recEnv, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+ownerToken(t, e))
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// ownerToken is an access token of the owner, from an exported session.
func ownerToken(t *testing.T, e *recEnv) string {
	t.Helper()
	var tok string
	c, h := e.newClient(t)
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if a := r.Header.Get("Authorization"); a != "" {
			tok = strings.TrimPrefix(a, "Bearer ")
		}
		return next.RoundTrip(r)
	})
	if err := c.LoginPassword(t.Context(), "owner@example.com", ownerPW); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Teams(t.Context()); err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestRecoveryTeamOff: a team without the policy, or whose plan lacks
// account recovery, refuses enrolment, withdrawal and reset before
// anything is sent.
func TestRecoveryTeamOff(t *testing.T) {
	t.Parallel()
	for _, gen := range generations {
		for _, spec := range []safetest.TeamSpec{{}, {AccountRecovery: true, WithoutResetPassword: true}} {
			e := newRecEnv(t, gen, safetest.PBKDF2(5000), spec)
			if err := e.srv.EnrollAccountRecovery(e.memberM); err != nil {
				t.Fatal(err)
			}
			member, _ := e.client(t, e.memberEmail, memberPW)
			owner, _ := e.client(t, "owner@example.com", ownerPW)
			mark := e.log.mark()
			for name, err := range map[string]error{
				"enrol":    member.Members.EnrollAccountRecovery(t.Context(), e.team.ID),
				"withdraw": member.Members.WithdrawAccountRecovery(t.Context(), e.team.ID),
				"reset":    owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-x"),
			} {
				if !errors.Is(err, safe.ErrRecoveryDisabled) {
					t.Errorf("%v %+v: %s: %v, want ErrRecoveryDisabled", gen, spec, name, err)
				}
			}
			e.log.noWrites(t, mark)
		}
	}
}

// TestEnrolWithoutKeyPair: in a team without a key pair a plain member
// cannot enrol (nothing is sent); an owner's enrolment makes the key pair
// first, as the web vault does, and then everyone can enrol.
func TestEnrolWithoutKeyPair(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true, WithoutKeyPair: true})
		member, _ := e.client(t, e.memberEmail, memberPW)
		mark := e.log.mark()
		if err := member.Members.EnrollAccountRecovery(t.Context(), e.team.ID); !errors.Is(err, safe.ErrForbidden) {
			t.Errorf("plain member, no key pair: %v, want ErrForbidden", err)
		}
		e.log.noWrites(t, mark)
		if has, _ := e.srv.TeamKeyPair(e.team); has {
			t.Fatal("a key pair appeared")
		}
		owner, _ := e.client(t, "owner@example.com", ownerPW)
		if err := owner.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
			t.Fatalf("owner enrols: %v", err)
		}
		if has, err := e.srv.TeamKeyPair(e.team); !has || err != nil {
			t.Errorf("team key pair after the owner's enrolment: %v, %v", has, err)
		}
		e.checkEnrolled(t, e.ownerM, true)
		if err := member.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
			t.Errorf("member enrols after: %v", err)
		}
		e.checkEnrolled(t, e.memberM, true)
	})
}

// TestKeyPairRace: another admin makes the team's key pair while this
// client's own is on its way; the server keeps the first, refuses the
// second, and the client enrols with the pair the server holds.
func TestKeyPairRace(t *testing.T) {
	t.Parallel()
	e := newRecEnv(t, safetest.GenCurrent, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true, WithoutKeyPair: true})
	other, _ := e.client(t, "admin@example.com", adminPW)
	owner, h := e.client(t, "owner@example.com", ownerPW)
	var once sync.Once
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/keys") {
			once.Do(func() {
				if err := other.Members.EnrollAccountRecovery(r.Context(), e.team.ID); err != nil {
					t.Errorf("the other admin's enrolment: %v", err)
				}
			})
		}
		return next.RoundTrip(r)
	})
	if err := owner.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
		t.Fatalf("EnrollAccountRecovery: %v", err)
	}
	e.checkEnrolled(t, e.ownerM, true) // wrapped to the pair the server holds
	e.checkEnrolled(t, e.adminM, true)
}

// TestWithdraw: a member withdraws; under automatic enrolment they cannot,
// and nothing is sent.
func TestWithdraw(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		e.enrolMember(t)
		c, _ := e.client(t, e.memberEmail, memberPW)
		if err := c.Members.WithdrawAccountRecovery(t.Context(), e.team.ID); err != nil {
			t.Fatalf("withdraw: %v", err)
		}
		e.checkEnrolled(t, e.memberM, false)
		owner, _ := e.client(t, "owner@example.com", ownerPW)
		if err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-x"); !errors.Is(err, safe.ErrNotEnrolled) {
			t.Errorf("reset after the withdrawal: %v, want ErrNotEnrolled", err)
		}
		if err := e.srv.SetAccountRecoveryPolicy(e.team, true, true); err != nil {
			t.Fatal(err)
		}
		e.enrolMember(t)
		if err := c.Sync(t.Context()); err != nil {
			t.Fatal(err)
		}
		mark := e.log.mark()
		if err := c.Members.WithdrawAccountRecovery(t.Context(), e.team.ID); !errors.Is(err, safe.ErrForbidden) {
			t.Errorf("withdraw under automatic enrolment: %v, want ErrForbidden", err)
		}
		e.log.noWrites(t, mark)
		e.checkEnrolled(t, e.memberM, true)
	})
}

// TestEnrolResumedSession: servers since 2024.7 want the master password
// hash with an enrolment, which a resumed session does not hold: the
// client says so before sending anything. 2023.8 does not want it.
func TestEnrolResumedSession(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		c, _ := e.client(t, e.memberEmail, memberPW)
		blob, key, err := c.ExportSession()
		if err != nil {
			t.Fatal(err)
		}
		r, _ := e.newClient(t, safe.WithDeviceID(c.DeviceID()))
		if err := r.ResumeSession(t.Context(), blob, key); err != nil {
			t.Fatal(err)
		}
		mark := e.log.mark()
		err = r.Members.EnrollAccountRecovery(t.Context(), e.team.ID)
		if gen == safetest.GenCurrent {
			if !errors.Is(err, safe.ErrInvalidArgument) {
				t.Errorf("resumed session on a current server: %v, want ErrInvalidArgument", err)
			}
			e.log.noWrites(t, mark)
			return
		}
		if err != nil {
			t.Errorf("resumed session on 2023.8: %v", err)
		}
		e.checkEnrolled(t, e.memberM, true)
	})
}

// TestResetDetailsChecked: reset details that would make the admin write a
// weak or wrong key are refused before the reset is sent: a KDF below the
// minimums, a salt other than the member's e-mail, an enrolment key that
// does not unwrap to a 64-byte key.
func TestResetDetailsChecked(t *testing.T) {
	t.Parallel()
	e := newRecEnv(t, safetest.GenCurrent, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
	e.enrolMember(t)
	owner, h := e.client(t, "owner@example.com", ownerPW)
	short := shortEnrolmentKey(t, e)
	for _, tc := range []struct {
		name string
		edit func(map[string]any)
		want error
	}{
		{"weak PBKDF2", func(m map[string]any) { m["kdfIterations"] = 1000 }, safe.ErrWeakKDF},
		{"weak Argon2id", func(m map[string]any) {
			m["kdf"], m["kdfIterations"], m["kdfMemory"], m["kdfParallelism"] = 1, 1, 16, 1
		}, safe.ErrWeakKDF},
		{"another salt", func(m map[string]any) { m["masterPasswordSalt"] = "someone@example.com" }, safe.ErrWeakKDF},
		{"no enrolment key", func(m map[string]any) { m["resetPasswordKey"] = nil }, safe.ErrNotEnrolled},
		{"32-byte user key", func(m map[string]any) { m["resetPasswordKey"] = short }, safe.ErrMAC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			editAnswers(t, h, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/reset-password-details") }, tc.edit)
			mark := e.log.mark()
			err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-x")
			if tc.name == "32-byte user key" {
				if err == nil || !strings.Contains(err.Error(), "want 64") {
					t.Errorf("err = %v, want the 64-byte key error", err)
				}
			} else if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			for _, r := range e.log.since(mark) {
				if strings.HasPrefix(r, "PUT ") {
					t.Errorf("sent %s", r)
				}
			}
		})
	}
	if ok, _ := e.canLogin(t, e.memberEmail, memberPW); !ok {
		t.Error("the member's password changed")
	}
}

// shortEnrolmentKey wraps 32 bytes, not a 64-byte key, to the team's
// public key: what a broken or hostile member client could enrol.
func shortEnrolmentKey(t *testing.T, e *recEnv) string {
	t.Helper()
	st, body := ownerAPI(t, e, "GET", "/api/organizations/"+e.team.ID+"/public-key", "")
	var r struct {
		PublicKey string `json:"publicKey"`
	}
	if err := json.Unmarshal(body, &r); err != nil || st != 200 {
		t.Fatalf("public key: %d %s", st, body)
	}
	pub, err := vaultcrypto.ParsePublicKeyBase64(r.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	k, err := pub.Encrypt(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k.String()
}

// TestRecoveryLostAnswers: an enrolment and a reset whose answers are lost
// after the server applied them are repeated, which leaves the server as
// one application; a reset whose every answer is lost is an
// ErrOutcomeUnknown (applied, as it happens).
func TestRecoveryLostAnswers(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		member, mh := e.client(t, e.memberEmail, memberPW)
		loseFirst(mh, 1, isReq(http.MethodPut, "/reset-password-enrollment"))
		mark := e.log.mark()
		if err := member.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
			t.Fatalf("enrolment with a lost answer: %v", err)
		}
		if n := e.log.count(mark, "/reset-password-enrollment"); n != 2 {
			t.Errorf("%d enrolment requests, want 2 (the lost one repeated)", n)
		}
		e.checkEnrolled(t, e.memberM, true)

		owner, oh := e.client(t, "owner@example.com", ownerPW)
		route := "/reset-password"
		if gen == safetest.GenCurrent {
			route = "/recover-account"
		}
		loseFirst(oh, 1, isReq(http.MethodPut, route))
		if err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-first"); err != nil {
			t.Fatalf("reset with a lost answer: %v", err)
		}
		if ok, _ := e.canLogin(t, e.memberEmail, "sensitive-first"); !ok {
			t.Error("the new password does not log in")
		}
		loseFirst(oh, 100, isReq(http.MethodPut, route))
		err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-second")
		var ou *safe.OutcomeUnknownError
		if !errors.As(err, &ou) {
			t.Fatalf("every answer lost: %v, want *OutcomeUnknownError", err)
		}
		if ok, _ := e.canLogin(t, e.memberEmail, "sensitive-second"); !ok {
			t.Error("the applied reset's password does not log in")
		}
	})
}

// TestUpdateTempPasswordFailures: a lost answer is settled by the login
// with the new password: applied, the call succeeds; not applied (the
// request never reached the server), the error says nothing changed. An
// update whose follow-up login fails is reported as applied, and the
// client is logged out.
func TestUpdateTempPasswordFailures(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		if err := e.srv.SetForcePasswordResetFlag(e.ownerM, true); err != nil {
			t.Fatal(err)
		}
		e.enrolMember(t)
		owner, _ := e.client(t, "owner@example.com", ownerPW)
		reset := func(pw string) {
			t.Helper()
			if err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, pw); err != nil {
				t.Fatal(err)
			}
		}

		// Applied, answer lost.
		reset("sensitive-t1")
		c, h := e.client(t, e.memberEmail, "sensitive-t1")
		loseFirst(h, 1, isReq(http.MethodPut, "/update-temp-password"))
		if err := c.UpdateTempPassword(t.Context(), "sensitive-p1", ""); err != nil {
			t.Errorf("applied update with a lost answer: %v", err)
		}
		if c.MustUpdatePassword() || !c.LoggedIn() {
			t.Errorf("after it: must update %v, logged in %v", c.MustUpdatePassword(), c.LoggedIn())
		}

		// Not applied: the request fails on its way.
		reset("sensitive-t2")
		c, h = e.client(t, e.memberEmail, "sensitive-t2")
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/update-temp-password") {
				io.Copy(io.Discard, r.Body)
				return nil, io.ErrUnexpectedEOF // as if the connection broke while sending
			}
			return next.RoundTrip(r)
		})
		err := c.UpdateTempPassword(t.Context(), "sensitive-p2", "")
		if err == nil || errors.Is(err, safe.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "not applied") {
			t.Errorf("update that did not reach the server: %v, want a plain error saying not applied", err)
		}
		if ok, _ := e.canLogin(t, e.memberEmail, "sensitive-t2"); !ok {
			t.Error("the temporary password changed")
		}

		// Applied, then the login with the new password fails.
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/connect/token") {
				io.Copy(io.Discard, r.Body)
				return unavailable(), nil
			}
			return next.RoundTrip(r)
		})
		err = c.UpdateTempPassword(t.Context(), "sensitive-p3", "")
		var ou *safe.OutcomeUnknownError
		if !errors.As(err, &ou) || !ou.Applied {
			t.Errorf("failed follow-up login: %v, want an applied *OutcomeUnknownError", err)
		}
		if c.LoggedIn() {
			t.Error("still logged in with a session the server ended")
		}
		if ok, must := e.canLogin(t, e.memberEmail, "sensitive-p3"); !ok || must {
			t.Errorf("the updated password: login %v, must update %v", ok, must)
		}
	})
}

// TestRecoverySecretsStayOut: no password reaches an error or a log line
// (at debug level) of any recovery call, successful or not; the server's
// canary checks the wire.
func TestRecoverySecretsStayOut(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newRecEnv(t, safetest.GenCurrent, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
	member, _ := e.client(t, e.memberEmail, memberPW, safe.WithLogger(logger))
	owner, _ := e.client(t, "owner@example.com", ownerPW, safe.WithLogger(logger))
	var errs []error
	errs = append(errs, member.Members.EnrollAccountRecovery(t.Context(), e.team.ID))
	errs = append(errs, owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-canary-reset"))
	errs = append(errs, owner.Members.ResetPassword(t.Context(), e.team.ID, e.ownerM.ID, "sensitive-canary-self"))
	errs = append(errs, owner.UpdateTempPassword(t.Context(), "sensitive-canary-temp", "sensitive-canary-temp"))
	c, _ := e.client(t, e.memberEmail, "sensitive-canary-reset", safe.WithLogger(logger))
	errs = append(errs, c.UpdateTempPassword(t.Context(), "sensitive-canary-final", "plain hint"))
	errs = append(errs, c.UpdateTempPassword(t.Context(), "sensitive-canary-again", ""))
	for _, err := range errs {
		if err != nil && strings.Contains(err.Error(), "sensitive-") {
			t.Errorf("error holds a password: %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "sensitive-") {
		t.Error("a log line holds a password")
	}
	if !strings.Contains(logs.String(), "reset-password") && !strings.Contains(logs.String(), "recover-account") {
		t.Error("the debug log shows no recovery request: the check above saw nothing")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestResetByRecoveryManagerOnly: a Custom member whose only permission is
// account recovery sees no member list on 2023.8 (so no reset: an error
// matching ErrForbidden, nothing written); current servers list the
// enrolled members to them, and the reset goes through.
func TestResetByRecoveryManagerOnly(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		if err := e.srv.SetCustomPermissions(e.customM, "manageResetPassword"); err != nil {
			t.Fatal(err)
		}
		e.enrolMember(t)
		custom, _ := e.client(t, "custom@example.com", customPW)
		mark := e.log.mark()
		err := custom.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-by-custom")
		if gen == safetest.Gen2023 {
			if !errors.Is(err, safe.ErrForbidden) {
				t.Errorf("err = %v, want ErrForbidden", err)
			}
			e.log.noWrites(t, mark)
			return
		}
		if err != nil {
			t.Fatalf("ResetPassword: %v", err)
		}
		// A member the list does not have is unknown, not forbidden.
		if err := custom.Members.ResetPassword(t.Context(), e.team.ID, "0b5a4e6e-8d5c-4bde-9a1b-000000000000", "sensitive-x"); !errors.Is(err, safe.ErrNotFound) || errors.Is(err, safe.ErrForbidden) {
			t.Errorf("reset of an unknown member: %v, want ErrNotFound only", err)
		}
		if ok, _ := e.canLogin(t, e.memberEmail, "sensitive-by-custom"); !ok {
			t.Error("the new password does not log in")
		}
	})
}

// TestKeyPairLostAnswer: the answer to the key pair's upload is lost after
// the server stored it; the upload is not repeated (a second one would be
// refused), the client reads the pair back and enrols with it.
func TestKeyPairLostAnswer(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true, WithoutKeyPair: true})
		owner, h := e.client(t, "owner@example.com", ownerPW)
		loseFirst(h, 1, isReq(http.MethodPost, "/keys"))
		mark := e.log.mark()
		if err := owner.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
			t.Fatalf("EnrollAccountRecovery: %v", err)
		}
		if n := e.log.count(mark, "/keys"); n != 1 {
			t.Errorf("%d key pair uploads, want 1", n)
		}
		if has, err := e.srv.TeamKeyPair(e.team); !has || err != nil {
			t.Errorf("TeamKeyPair = %v, %v", has, err)
		}
		e.checkEnrolled(t, e.ownerM, true)
	})
}

// TestRecoveryStaleSnapshot: a client whose snapshot predates the policy
// being turned off sends the request; the server's refusal, in either
// generation's words, is the same ErrRecoveryDisabled, and nothing changes.
func TestRecoveryStaleSnapshot(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		e.enrolMember(t)
		member, _ := e.client(t, e.memberEmail, memberPW, safe.WithSyncInterval(time.Hour))
		owner, _ := e.client(t, "owner@example.com", ownerPW, safe.WithSyncInterval(time.Hour))
		for _, c := range []*safe.Client{member, owner} {
			if err := c.Sync(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.srv.SetAccountRecoveryPolicy(e.team, false, false); err != nil {
			t.Fatal(err)
		}
		mark := e.log.mark()
		defer func() {
			// The snapshots did not know: the server refused both.
			if e.log.count(mark, "/reset-password-enrollment") != 1 || e.log.count(mark, "/reset-password")+e.log.count(mark, "/recover-account") != 1 {
				t.Errorf("requests %v, want the withdrawal and the reset sent once each", e.log.since(mark))
			}
		}()
		if err := member.Members.WithdrawAccountRecovery(t.Context(), e.team.ID); !errors.Is(err, safe.ErrRecoveryDisabled) {
			t.Errorf("withdraw: %v, want ErrRecoveryDisabled", err)
		}
		if err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-x"); !errors.Is(err, safe.ErrRecoveryDisabled) {
			t.Errorf("reset: %v, want ErrRecoveryDisabled", err)
		}
		e.checkEnrolled(t, e.memberM, true)
		if ok, _ := e.canLogin(t, e.memberEmail, memberPW); !ok {
			t.Error("the member's password changed")
		}
	})
}

// TestRecoveryUnreadablePolicies: a sync whose policies do not parse still
// syncs; the client, not knowing the policy, leaves it to the server.
func TestRecoveryUnreadablePolicies(t *testing.T) {
	t.Parallel()
	e := newRecEnv(t, safetest.GenCurrent, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
	e.enrolMember(t)
	owner, h := e.client(t, "owner@example.com", ownerPW)
	editAnswers(t, h, func(r *http.Request) bool { return r.URL.Path == "/api/sync" },
		func(m map[string]any) { m["policies"] = []any{map[string]any{"type": "eight", "data": 3}} })
	if err := owner.Sync(t.Context()); err != nil {
		t.Fatalf("sync with unreadable policies: %v", err)
	}
	if err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-anyway"); err != nil {
		t.Errorf("ResetPassword: %v", err)
	}
	if ok, _ := e.canLogin(t, e.memberEmail, "sensitive-anyway"); !ok {
		t.Error("the reset did not happen")
	}
}

// TestResetLostThenRefused: a reset applied whose answer was lost, and
// whose repeat the server refuses because the member withdrew in between
// ("Team User not valid"), is an unknown outcome, never "not enrolled":
// the reset did take.
func TestResetLostThenRefused(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		member, _ := e.client(t, e.memberEmail, memberPW)
		if err := member.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
			t.Fatal(err)
		}
		owner, oh := e.client(t, "owner@example.com", ownerPW)
		route := "/reset-password"
		if gen == safetest.GenCurrent {
			route = "/recover-account"
		}
		var seen atomic.Int32
		oh.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if !isReq(http.MethodPut, route)(r) || seen.Add(1) > 1 {
				return next.RoundTrip(r)
			}
			resp, err := loseAnswer(r, next)
			// The reset logged the member out; with the new password they
			// withdraw before the repeat arrives.
			again, _ := e.client(t, e.memberEmail, "sensitive-lost-refused")
			if werr := again.Members.WithdrawAccountRecovery(r.Context(), e.team.ID); werr != nil {
				t.Errorf("withdrawal between the attempts: %v", werr)
			}
			return resp, err
		})
		err := owner.Members.ResetPassword(t.Context(), e.team.ID, e.memberM.ID, "sensitive-lost-refused")
		if seen.Load() != 2 {
			t.Fatalf("%d reset attempts, want 2 (the lost one repeated)", seen.Load())
		}
		if !errors.Is(err, safe.ErrOutcomeUnknown) || errors.Is(err, safe.ErrNotEnrolled) {
			t.Errorf("lost, then refused: %v; want ErrOutcomeUnknown and not ErrNotEnrolled", err)
		}
		if ok, _ := e.canLogin(t, e.memberEmail, "sensitive-lost-refused"); !ok {
			t.Error("the applied reset's password does not log in")
		}
	})
}

// TestEnrolmentSendsHashOnlyWhereWanted: Bravura Safe's 2023.8 server takes
// no master-password hash with an enrolment, so none is sent; current
// servers get it.
func TestEnrolmentSendsHashOnlyWhereWanted(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newRecEnv(t, gen, safetest.PBKDF2(5000), safetest.TeamSpec{AccountRecovery: true})
		member, mh := e.client(t, e.memberEmail, memberPW)
		var body atomic.Value
		mh.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if isReq(http.MethodPut, "/reset-password-enrollment")(r) {
				b, _ := io.ReadAll(r.Body)
				body.Store(string(b))
				r.Body = io.NopCloser(bytes.NewReader(b))
			}
			return next.RoundTrip(r)
		})
		if err := member.Members.EnrollAccountRecovery(t.Context(), e.team.ID); err != nil {
			t.Fatal(err)
		}
		sent, _ := body.Load().(string)
		if has := strings.Contains(sent, "masterPasswordHash"); has != (gen == safetest.GenCurrent) {
			t.Errorf("%s: the enrolment holds a masterPasswordHash: %t", gen, has)
		}
	})
}
