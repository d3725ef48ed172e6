package usermgmt_test

import (
	"bytes"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
	"github.com/bsafe-go/bsafe/usermgmt"
)

const (
	ownerEmail    = "owner@example.com"
	ownerPassword = "sensitive-owner-pw"
	alicePassword = "sensitive-alice-pw"
	teamName      = "MPR AWS Safe Team"
)

// umEnv is a team with an owner, a confirmed member (alice, with access
// to BONNIL), an invited one (bob) and one who accepted (carol).
type umEnv struct {
	srv            *safetest.Server
	gen            safetest.Generation
	owner, alice   *safetest.User
	carol          *safetest.User
	team           *safetest.Team
	bonnil, shared *safetest.Collection
	aliceM, carolM *safetest.Member
	bobEmail       string
	aliceItem      string // a team item alice can read
	k              *usermgmt.Connector
	target         bsafe.Target
	requests       *requestLog
}

// requestLog records the requests the server received.
type requestLog struct {
	t    *testing.T
	seen []string
}

func forEachGeneration(t *testing.T, f func(t *testing.T, gen safetest.Generation)) {
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f(t, gen)
		})
	}
}

func newUMEnv(t *testing.T, gen safetest.Generation) *umEnv {
	t.Helper()
	e := &umEnv{gen: gen, requests: &requestLog{t: t}, bobEmail: "bob@example.com"}
	hook := func(r *http.Request, body []byte) {
		if strings.Contains(r.URL.String(), "sensitive-") || bytes.Contains(body, []byte("sensitive-")) {
			t.Errorf("the server received a plaintext secret: %s %s", r.Method, r.URL.Path)
		}
		e.requests.seen = append(e.requests.seen, r.Method+" "+r.URL.Path)
	}
	e.srv = safetest.NewServer(safetest.WithGeneration(gen), safetest.WithRequestHook(hook))
	t.Cleanup(e.srv.Close)
	var err error
	fatal := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	e.owner, err = e.srv.AddUser(safetest.UserSpec{Email: ownerEmail, Password: ownerPassword, KDF: safetest.PBKDF2(5000)})
	fatal(err)
	e.alice, err = e.srv.AddUser(safetest.UserSpec{Email: "Alice@Example.com", Name: "Alice Liddell", Password: alicePassword, KDF: safetest.PBKDF2(5000)})
	fatal(err)
	e.carol, err = e.srv.AddUser(safetest.UserSpec{Email: "carol@example.com", Password: "sensitive-carol-pw", KDF: safetest.PBKDF2(5000)})
	fatal(err)
	e.team, err = e.srv.AddTeam(e.owner, safetest.TeamSpec{Name: teamName})
	fatal(err)
	e.bonnil, err = e.srv.AddCollection(e.team, "BONNIL")
	fatal(err)
	e.shared, err = e.srv.AddCollection(e.team, "Shared")
	fatal(err)
	e.aliceM, err = e.srv.AddMember(e.team, e.alice, safetest.RoleUser, safetest.CollectionAccess{CollectionID: e.bonnil.ID, ReadOnly: true})
	fatal(err)
	e.aliceItem, err = e.srv.AddItem(e.team, safetest.Item{Name: "Active Directory", CollectionIDs: []string{e.bonnil.ID},
		Login: &safetest.Login{Username: "alice", Password: "sensitive-ad-pw"}})
	fatal(err)
	owner := e.client(t, ownerEmail, ownerPassword)
	if _, err := owner.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{e.bobEmail, e.carol.Email}, Role: safe.RoleUser}); err != nil {
		t.Fatal(err)
	}
	e.carolM, err = e.srv.AcceptInvite(e.team, e.carol)
	fatal(err)
	e.k = usermgmt.NewConnector(safe.WithHTTPClient(e.srv.Client()), safe.WithSyncInterval(0))
	t.Cleanup(func() { e.k.Close() })
	e.target = bsafe.Target{
		Options: attrs.New("server", e.srv.URL, "organizationName", teamName),
		AdminID: ownerEmail, AdminPassword: ownerPassword,
	}
	return e
}

// client logs in as a user, with a client of its own.
func (e *umEnv) client(t *testing.T, email, password string) *safe.Client {
	t.Helper()
	c, err := safe.NewClient(e.srv.URL, safe.WithHTTPClient(e.srv.Client()), safe.WithSyncInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoginPassword(t.Context(), email, password); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Logout)
	return c
}

// connect connects the connector to the env's target.
func (e *umEnv) connect(t *testing.T) bsafe.Connector {
	t.Helper()
	c, err := e.k.Connect(t.Context(), e.target)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// member returns the member the server holds for an e-mail address.
func (e *umEnv) member(t *testing.T, email string) *safe.Member {
	t.Helper()
	owner := e.client(t, ownerEmail, ownerPassword)
	for m, err := range owner.Members.All(t.Context(), e.team.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(m.Email, email) {
			return m
		}
	}
	return nil
}

// input is agent input for op on the env's target; pairs are key, value,
// …, and "defaultAccessLevel" goes into the address.
func (e *umEnv) input(op string, pairs ...string) *kvgroup.Group {
	in := kvgroup.New("", "")
	in.Add("operation", op)
	addr := in.AddGroup("address", "")
	addr.Add("server", e.srv.URL)
	addr.Add("organizationName", teamName)
	in.Add("adminid", ownerEmail)
	in.Add("adminpw", ownerPassword)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "defaultAccessLevel" {
			addr.Add(pairs[i], pairs[i+1])
			continue
		}
		in.Add(pairs[i], pairs[i+1])
	}
	return in
}

// withAttr adds an attribute instruction (ACTION VALUE) to an input.
func withAttr(in *kvgroup.Group, name string, values ...string) *kvgroup.Group {
	g := in.Group("attributes", "")
	if g == nil {
		g = in.AddGroup("attributes", "")
	}
	a := g.AddGroup("attribute", name)
	a.Add("ACTION", "VALUE")
	for _, v := range values {
		a.Add("VALUE", v)
	}
	return in
}

// dispatch runs one agent input for op through bsafe.Dispatch.
func (e *umEnv) dispatch(t *testing.T, op string, pairs ...string) *kvgroup.Group {
	t.Helper()
	return e.run(t, e.input(op, pairs...))
}

// run runs one agent input through bsafe.Dispatch on the connector.
func (e *umEnv) run(t *testing.T, in *kvgroup.Group) *kvgroup.Group {
	t.Helper()
	var buf bytes.Buffer
	if err := bsafe.Dispatch(t.Context(), e.k, in, kvgroup.NewEncoder(&buf)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "sensitive-") {
		t.Errorf("the agent output holds a secret")
	}
	out, err := kvgroup.ParseBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func retval(out *kvgroup.Group) string { return out.Get("retval") }

func TestConnectorListUsers(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newUMEnv(t, gen)
		c := e.connect(t).(*usermgmt.Connector)
		got := map[string]bsafe.Account{}
		for a, err := range c.ListUsers(t.Context(), bsafe.ListOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			got[strings.ToLower(a.ShortID)] = a
		}
		if len(got) != 4 {
			t.Fatalf("listed %d members, want 4 (owner, alice, carol, bob): %v", len(got), slices.Collect(mapKeys(got)))
		}
		alice := got["alice@example.com"]
		if alice.LongID != e.aliceM.ID || alice.FullName != "Alice Liddell" {
			t.Errorf("alice = %+v, want member %s named Alice Liddell", alice, e.aliceM.ID)
		}
		want := map[string][]string{
			"email": {"Alice@Example.com"}, "status": {"confirmed"}, "type": {"user"},
			"twoFactorEnabled": {"0"}, "resetPasswordEnrolled": {"0"}, "externalId": nil,
			"_collectionNames": {"BONNIL"}, "assocID": {"alice@example.com"},
		}
		for name, v := range want {
			if got, ok := alice.Attrs.Lookup(name); !ok || !slices.Equal(got, v) && !(len(v) == 0 && len(got) <= 1 && strings.Join(got, "") == "") {
				t.Errorf("alice's %s = %q (present %t), want %q", name, got, ok, v)
			}
		}
		if !slices.Equal(alice.Groups, []string{e.bonnil.ID}) {
			t.Errorf("alice's groups = %v, want [%s]", alice.Groups, e.bonnil.ID)
		}
		for email, status := range map[string]string{"bob@example.com": "invited", "carol@example.com": "accepted", ownerEmail: "confirmed"} {
			if s := got[email].Attrs.Get("status"); s != status {
				t.Errorf("%s: status %q, want %q", email, s, status)
			}
		}
		if ty := got[ownerEmail].Attrs.Get("type"); ty != "owner" {
			t.Errorf("owner's type = %q", ty)
		}
		// listattributes narrows.
		for a, err := range c.ListUsers(t.Context(), bsafe.ListOptions{Attributes: []string{"status"}}) {
			if err != nil {
				t.Fatal(err)
			}
			if names := a.Attrs.Names(); !slices.Equal(names, []string{"status"}) {
				t.Errorf("%s: attributes %v, want only status", a.LongID, names)
			}
		}
	})
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestConnectorGroupAccess: groupuseradd grants the _accessLevel, else
// defaultAccessLevel, and listmembers reports it.
func TestConnectorGroupAccess(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newUMEnv(t, gen)
		access := func(memberID string) (safetest.CollectionAccess, bool) {
			t.Helper()
			m, err := e.srv.CollectionMembers(e.shared.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, ok := m[memberID]
			return a, ok
		}
		// The default: Can view, without the address option.
		if out := e.dispatch(t, "groupuseradd", "acctid", e.aliceM.ID, "groupid", "Shared"); retval(out) != "0" {
			t.Fatalf("groupuseradd: %s %s", retval(out), out.Get("errmsg"))
		}
		if a, ok := access(e.aliceM.ID); !ok || !a.ReadOnly || a.HidePasswords || a.Manage {
			t.Errorf("after groupuseradd at the default level: %+v (present %t), want read-only", a, ok)
		}
		if out := e.dispatch(t, "groupuseradd", "acctid", e.aliceM.ID, "groupid", "Shared"); retval(out) != "13" {
			t.Errorf("groupuseradd of a member with access: retval %s, want 13", retval(out))
		}
		out := e.dispatch(t, "listmembers", "groupid", e.shared.ID)
		if retval(out) != "0" || !bytes.Contains(kvgroup.Format(out), []byte("Can view")) {
			t.Errorf("listmembers: %s\n%s", retval(out), kvgroup.Format(out))
		}
		if out := e.dispatch(t, "groupuserdelete", "acctid", "alice@example.com", "groupid", e.shared.ID); retval(out) != "0" {
			t.Fatalf("groupuserdelete: %s %s", retval(out), out.Get("errmsg"))
		}
		if _, ok := access(e.aliceM.ID); ok {
			t.Errorf("groupuserdelete left the access")
		}
		if out := e.dispatch(t, "groupuserdelete", "acctid", e.aliceM.ID, "groupid", e.shared.ID); retval(out) != "9" {
			t.Errorf("groupuserdelete of a member without access: retval %s, want 9", retval(out))
		}
		// The address option, then _accessLevel over it.
		if out := e.dispatch(t, "groupuseradd", "acctid", e.aliceM.ID, "groupid", "Shared", "defaultAccessLevel", "Can edit, except passwords"); retval(out) != "0" {
			t.Fatalf("groupuseradd: %s %s", retval(out), out.Get("errmsg"))
		}
		if a, _ := access(e.aliceM.ID); a.ReadOnly || !a.HidePasswords {
			t.Errorf("at defaultAccessLevel Can edit except passwords: %+v", a)
		}
		e.dispatch(t, "groupuserdelete", "acctid", e.aliceM.ID, "groupid", e.shared.ID)
		in := withAttr(e.input("groupuseradd", "acctid", e.aliceM.ID, "groupid", "Shared", "defaultAccessLevel", "Can edit"), "_accessLevel", "Can view, except passwords")
		if out := e.run(t, in); retval(out) != "0" {
			t.Fatalf("groupuseradd with _accessLevel: %s %s", retval(out), out.Get("errmsg"))
		}
		if a, _ := access(e.aliceM.ID); !a.ReadOnly || !a.HidePasswords {
			t.Errorf("at _accessLevel Can view except passwords: %+v", a)
		}
		e.dispatch(t, "groupuserdelete", "acctid", e.aliceM.ID, "groupid", e.shared.ID)

		// Bad levels change nothing.
		before, _ := e.srv.CollectionMembers(e.shared.ID)
		bad := withAttr(e.input("groupuseradd", "acctid", e.aliceM.ID, "groupid", "Shared"), "_accessLevel", "Can administer")
		if out := e.run(t, bad); retval(out) != "1" || !strings.Contains(out.Get("errmsg"), "access level") {
			t.Errorf("groupuseradd at a bad level: %s %q, want 1 naming the access level", retval(out), out.Get("errmsg"))
		}
		if out := e.dispatch(t, "groupuseradd", "acctid", e.aliceM.ID, "groupid", "Shared", "defaultAccessLevel", "Can view passwords"); retval(out) != "1" {
			t.Errorf("a bad defaultAccessLevel: %s %q, want 1", retval(out), out.Get("errmsg"))
		}
		if after, _ := e.srv.CollectionMembers(e.shared.ID); len(after) != len(before) {
			t.Errorf("a refused groupuseradd changed the collection's access: %v -> %v", before, after)
		}
	})
}

// enrol turns the team's account recovery on and enrols alice.
func (e *umEnv) enrol(t *testing.T) {
	t.Helper()
	if err := e.srv.SetAccountRecoveryPolicy(e.team, true, false); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.EnrollAccountRecovery(e.aliceM); err != nil {
		t.Fatal(err)
	}
}

// TestConnectorConformance runs the conformance kit on the connector, on
// both generations, with the team API key as the second credential, and
// checks that alice's password is hers again at the end and that her
// vault still opens.
func TestConnectorConformance(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newUMEnv(t, gen)
		e.enrol(t)
		e.target.SysID, e.target.SysPassword = e.team.ClientID, e.team.ClientSecret
		c := e.connect(t)
		f := bsafe.Fixture{
			Account: bsafe.AccountRef{ID: e.aliceM.ID}, Password: alicePassword, NewPassword: "sensitive-kit-new-pw",
			NewAccount: bsafe.AccountRef{ID: "kit-newcomer@example.com"},
			Group:      e.shared.ID, NewGroup: bsafe.GroupRequest{ID: "KIT-GROUP", Name: "KIT-GROUP"},
			Attribute: "externalId",
		}
		if err := bsafe.TestConnector(t.Context(), c, f); err != nil {
			t.Fatal(err)
		}
		alice := e.client(t, "alice@example.com", alicePassword)
		it, err := alice.Items.Get(t.Context(), e.aliceItem)
		if err != nil {
			t.Fatalf("alice after the kit: %v", err)
		}
		if it.Login == nil || it.Login.Password != "sensitive-ad-pw" {
			t.Errorf("alice's team item no longer decrypts to its password")
		}
		if m := e.member(t, "kit-newcomer@example.com"); m != nil {
			t.Errorf("the kit's invitation is still there: %+v", m)
		}
	})
}

// TestConnectorReset: reset through account recovery gives alice the new
// password: she logs in with it and reads her team item; the old one is
// refused.
func TestConnectorReset(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newUMEnv(t, gen)
		e.enrol(t)
		const newPW = "sensitive-alice-new-pw"
		if out := e.dispatch(t, "reset", "acctid", "alice@example.com", "newpw", newPW); retval(out) != "0" {
			t.Fatalf("reset: %s %s", retval(out), out.Get("errmsg"))
		}
		alice := e.client(t, "alice@example.com", newPW)
		if it, err := alice.Items.Get(t.Context(), e.aliceItem); err != nil || it.Login.Password != "sensitive-ad-pw" {
			t.Errorf("alice's team item after the reset: %v", err)
		}
		c, err := safe.NewClient(e.srv.URL, safe.WithHTTPClient(e.srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.LoginPassword(t.Context(), "alice@example.com", alicePassword); !errors.Is(err, safe.ErrWrongPassword) {
			t.Errorf("the old password after the reset: %v, want ErrWrongPassword", err)
		}
	})
}

// TestConnectorBadInput: each mistake the issue lists gets its code and
// changes nothing on the server.
func TestConnectorBadInput(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newUMEnv(t, gen)
		if err := e.srv.SetAccountRecoveryPolicy(e.team, true, false); err != nil {
			t.Fatal(err)
		}
		// An admin who is enrolled, and an owner who is too.
		admin, err := e.srv.AddUser(safetest.UserSpec{Email: "admin@example.com", Password: "sensitive-admin-pw", KDF: safetest.PBKDF2(5000)})
		if err != nil {
			t.Fatal(err)
		}
		adminM, err := e.srv.AddMember(e.team, admin, safetest.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		owner2, err := e.srv.AddUser(safetest.UserSpec{Email: "owner2@example.com", Password: "sensitive-owner2-pw", KDF: safetest.PBKDF2(5000)})
		if err != nil {
			t.Fatal(err)
		}
		owner2M, err := e.srv.AddMember(e.team, owner2, safetest.RoleOwner)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []*safetest.Member{adminM, owner2M} {
			if err := e.srv.EnrollAccountRecovery(m); err != nil {
				t.Fatal(err)
			}
		}
		before, err := e.srv.TeamMembers(e.team.ID)
		if err != nil {
			t.Fatal(err)
		}
		asAdmin := func(in *kvgroup.Group) *kvgroup.Group {
			in.Set("adminid", "admin@example.com")
			in.Set("adminpw", "sensitive-admin-pw")
			return in
		}
		for _, tt := range []struct {
			name string
			in   *kvgroup.Group
			want string
		}{
			{"unknown member", e.input("reset", "acctid", "nobody@example.com", "newpw", "sensitive-x"), "7"},
			{"unknown member id", e.input("disable", "acctid", "00000000-0000-0000-0000-000000000000"), "7"},
			{"not enrolled", e.input("reset", "acctid", e.aliceM.ID, "newpw", "sensitive-x"), "42"},
			{"owner reset by an admin", asAdmin(e.input("reset", "acctid", owner2M.ID, "newpw", "sensitive-x")), "11"},
			{"self reset", asAdmin(e.input("reset", "acctid", adminM.ID, "newpw", "sensitive-x")), "1"},
			{"confirm of an invited member", e.input("custom_confirm", "acctid", e.bobEmail), "42"},
			{"confirm of a confirmed member", e.input("custom_confirm", "acctid", e.aliceM.ID), "42"},
			{"bad access level", withAttr(e.input("groupuseradd", "acctid", e.aliceM.ID, "groupid", "Shared"), "_accessLevel", "Can view all"), "1"},
			{"unknown collection", e.input("groupuseradd", "acctid", e.aliceM.ID, "groupid", "No such collection"), "12"},
			{"create of a member", e.input("create", "acctid", "alice@example.com", "newpw", "sensitive-x"), "6"},
			{"create without the team key for externalId", withAttr(e.input("create", "acctid", "dave@example.com", "newpw", "sensitive-x"), "externalId", "E1"), "11"},
			{"update without the team key", withAttr(e.input("update", "acctid", e.aliceM.ID), "externalId", "E1"), "11"},
			{"a personal API key as the team's", func() *kvgroup.Group {
				in := e.input("listusers")
				in.Set("sysid", e.owner.ClientID)
				in.Set("syspw", e.owner.ClientSecret)
				in.Set("adminid", "admin@example.com") // the key is the owner's, not this admin's
				in.Set("adminpw", "sensitive-admin-pw")
				return in
			}(), "11"},
			{"another team's API key", func() *kvgroup.Group {
				other, err := e.srv.AddTeam(e.owner, safetest.TeamSpec{Name: "Another team"})
				if err != nil {
					t.Fatal(err)
				}
				in := e.input("listusers")
				in.Set("sysid", other.ClientID)
				in.Set("syspw", other.ClientSecret)
				return in
			}(), "11"},
			{"a wrong team API key secret", func() *kvgroup.Group {
				in := e.input("listusers")
				in.Set("sysid", e.team.ClientID)
				in.Set("syspw", "wrong-team-secret-0123456789ab") // a client secret goes to the token endpoint: no canary
				return in
			}(), "11"},
		} {
			out := e.run(t, tt.in)
			if got := retval(out); got != tt.want {
				t.Errorf("%s: retval %s (%s), want %s", tt.name, got, out.Get("errmsg"), tt.want)
			}
		}
		if after, _ := e.srv.TeamMembers(e.team.ID); !reflect.DeepEqual(before, after) {
			t.Errorf("refused operations changed the members:\nbefore %+v\nafter  %+v", before, after)
		}
		// Alice's password is unchanged.
		e.client(t, "alice@example.com", alicePassword)
	})
}

// TestConnectorAmbiguousTeam: a team name two teams have is code 38.
func TestConnectorAmbiguousTeam(t *testing.T) {
	t.Parallel()
	e := newUMEnv(t, safetest.Gen2023)
	if _, err := e.srv.AddTeam(e.owner, safetest.TeamSpec{Name: teamName}); err != nil {
		t.Fatal(err)
	}
	if out := e.dispatch(t, "serverinfo"); retval(out) != "38" {
		t.Errorf("serverinfo with a team name two teams have: %s (%s), want 38", retval(out), out.Get("errmsg"))
	}
}

// TestConnectorConfirmAndStates: custom_confirm lets carol read the team's
// items; disable revokes her (she no longer can), enable restores her.
func TestConnectorConfirmAndStates(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newUMEnv(t, gen)
		if out := e.dispatch(t, "custom_confirm", "acctid", "carol@example.com"); retval(out) != "0" {
			t.Fatalf("custom_confirm: %s %s", retval(out), out.Get("errmsg"))
		}
		if out := e.dispatch(t, "groupuseradd", "acctid", "carol@example.com", "groupid", "BONNIL"); retval(out) != "0" {
			t.Fatalf("groupuseradd: %s %s", retval(out), out.Get("errmsg"))
		}
		reads := func() bool {
			t.Helper()
			carol := e.client(t, "carol@example.com", "sensitive-carol-pw")
			it, err := carol.Items.Get(t.Context(), e.aliceItem)
			return err == nil && it.Login.Password == "sensitive-ad-pw"
		}
		if !reads() {
			t.Fatalf("carol, confirmed by the connector, cannot read the team item")
		}
		result := func() string {
			t.Helper()
			out := e.dispatch(t, "isenabled", "acctid", e.carolM.ID)
			if retval(out) != "0" {
				t.Fatalf("isenabled: %s %s", retval(out), out.Get("errmsg"))
			}
			return out.Get("result")
		}
		enabled := result()
		for _, op := range []string{"disable", "disable"} { // twice: idempotent
			if out := e.dispatch(t, op, "acctid", e.carolM.ID); retval(out) != "0" {
				t.Fatalf("%s: %s %s", op, retval(out), out.Get("errmsg"))
			}
		}
		if m := e.member(t, "carol@example.com"); m.Status != safe.StatusRevoked {
			t.Errorf("after disable carol is %v, want revoked", m.Status)
		}
		if disabled := result(); disabled == enabled {
			t.Errorf("isenabled says %q before and after disable", enabled)
		}
		if reads() {
			t.Errorf("carol, revoked, still reads the team item")
		}
		for _, op := range []string{"enable", "enable"} {
			if out := e.dispatch(t, op, "acctid", e.carolM.ID); retval(out) != "0" {
				t.Fatalf("%s: %s %s", op, retval(out), out.Get("errmsg"))
			}
		}
		if result() != enabled {
			t.Errorf("isenabled after enable differs from before disable")
		}
		if m := e.member(t, "carol@example.com"); m.Status != safe.StatusConfirmed {
			t.Errorf("after enable carol is %v, want confirmed", m.Status)
		}
		if !reads() {
			t.Errorf("carol, restored, cannot read the team item")
		}
	})
}

// TestConnectorRoles: create invites the type asked for, owners included,
// through the web API and through the Public API; update of an owner's
// externalId leaves them an owner.
func TestConnectorRoles(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newUMEnv(t, gen)
		team := []string{"sysid", e.team.ClientID, "syspw", e.team.ClientSecret}
		for _, tt := range []struct {
			email, typ string
			ext        bool
			want       safe.Role
		}{
			{"o1@example.com", "owner", false, safe.RoleOwner},
			{"a1@example.com", "admin", false, safe.RoleAdmin},
			{"u1@example.com", "", false, safe.RoleUser},
			{"o2@example.com", "owner", true, safe.RoleOwner},
			{"u2@example.com", "", true, safe.RoleUser},
		} {
			in := e.input("create", append([]string{"acctid", tt.email, "newpw", "sensitive-unused"}, team...)...)
			if tt.typ != "" {
				withAttr(in, "type", tt.typ)
			}
			if tt.ext {
				withAttr(in, "externalId", "ext-"+tt.email)
			}
			if out := e.run(t, in); retval(out) != "0" {
				t.Fatalf("create %s: %s %s", tt.email, retval(out), out.Get("errmsg"))
			}
			if m := e.member(t, tt.email); m == nil || m.Role != tt.want {
				t.Errorf("create %s (type %q): member %+v, want role %v", tt.email, tt.typ, m, tt.want)
			}
		}
		// The owner who made the team gets an external ID, and stays owner.
		in := withAttr(e.input("update", append([]string{"acctid", ownerEmail}, team...)...), "externalId", "E-OWNER")
		if out := e.run(t, in); retval(out) != "0" {
			t.Fatalf("update of the owner: %s %s", retval(out), out.Get("errmsg"))
		}
		if m := e.member(t, ownerEmail); m.Role != safe.RoleOwner || m.ExternalID != "E-OWNER" {
			t.Errorf("after update the owner is %v with external ID %q, want owner with E-OWNER", m.Role, m.ExternalID)
		}
	})
}
