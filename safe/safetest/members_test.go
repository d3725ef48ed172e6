package safetest_test

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// memberFixture is a team with every role: alice and olga own it, adam is
// an Admin, cora a Custom member with manageUsers, bob a User.
type memberFixture struct {
	srv                        *safetest.Server
	gen                        safetest.Generation
	team                       *safetest.Team
	eng                        string
	engItem                    string
	olga, adam, cora, bob      *safetest.Member
	alice, olgaS, adamS, coraS *session
	bobS                       *session
	org                        string
}

func newMemberFixture(t *testing.T, gen safetest.Generation) *memberFixture {
	t.Helper()
	srv := newServer(t, safetest.WithGeneration(gen))
	f := &memberFixture{srv: srv, gen: gen}
	alice := addUser(t, srv, "alice@example.com", "alice-pw")
	f.team = mustV(srv.AddTeam(alice, safetest.TeamSpec{Name: "Team", DefaultCollection: "eng"}))(t)
	f.eng = f.team.DefaultCollectionID
	f.org = "/api/organizations/" + f.team.ID
	add := func(name string, role safetest.Role) *safetest.Member {
		u := addUser(t, srv, name+"@example.com", name+"-pw")
		return mustV(srv.AddMember(f.team, u, role))(t)
	}
	f.olga, f.adam, f.cora, f.bob = add("olga", safetest.RoleOwner), add("adam", safetest.RoleAdmin),
		add("cora", safetest.RoleCustom), add("bob", safetest.RoleUser)
	if err := srv.SetCustomPermissions(f.cora, "manageUsers"); err != nil {
		t.Fatal(err)
	}
	f.engItem = mustV(srv.AddItem(f.team, safetest.Item{Type: safetest.TypeLogin, Name: "eng item",
		Login: &safetest.Login{Password: "sensitive-eng-pw"}, CollectionIDs: []string{f.eng}}))(t)
	f.alice = login(t, srv, "alice@example.com", "alice-pw")
	f.olgaS = login(t, srv, "olga@example.com", "olga-pw")
	f.adamS = login(t, srv, "adam@example.com", "adam-pw")
	f.coraS = login(t, srv, "cora@example.com", "cora-pw")
	f.bobS = login(t, srv, "bob@example.com", "bob-pw")
	return f
}

type memberResp struct {
	ID          string  `json:"id"`
	UserID      *string `json:"userId"`
	Email       *string `json:"email"`
	Type        int     `json:"type"`
	Status      int     `json:"status"`
	AccessAll   *bool   `json:"accessAll"`
	Collections []struct {
		ID            string `json:"id"`
		ReadOnly      bool   `json:"readOnly"`
		HidePasswords bool   `json:"hidePasswords"`
	} `json:"collections"`
}

// members lists the team as its owner sees it, by e-mail.
func (f *memberFixture) members(t *testing.T) map[string]memberResp {
	t.Helper()
	var l listResp[memberResp]
	r := do(t, f.srv, "GET", f.org+"/users?includeCollections=true", f.alice.token, nil)
	if r.status != 200 {
		t.Fatalf("listing members: %d %s", r.status, r.body)
	}
	r.json(t, &l)
	out := map[string]memberResp{}
	for _, m := range l.Data {
		if m.Email != nil {
			out[*m.Email] = m
		}
	}
	return out
}

// wantErr checks a refusal's status and official message.
func wantErr(t *testing.T, r response, status int, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if got := r.apiError(t).Message; got != msg {
		t.Errorf("message = %q, want %q", got, msg)
	}
}

func wantOK(t *testing.T, r response) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status = %d, want 200 (body %s)", r.status, r.body)
	}
}

// vaultItems logs in with the SDK as email and returns the names of the
// items it can decrypt, with their passwords.
func vaultItems(t *testing.T, srv *safetest.Server, email, password string) map[string]string {
	t.Helper()
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()), safe.WithSyncInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoginPassword(t.Context(), email, password); err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	items, err := c.Items.List(t.Context())
	if err != nil {
		t.Fatalf("listing items as %s: %v", email, err)
	}
	out := map[string]string{}
	for _, it := range items {
		pw := ""
		if it.Login != nil {
			pw = it.Login.Password
		}
		out[it.Name] = pw
	}
	return out
}

// wrapTeamKey does what an admin's client does to confirm a member: read
// their public key and wrap the team key to it (RSA-OAEP, type 4).
func wrapTeamKey(t *testing.T, f *memberFixture, s *session, userID string) string {
	t.Helper()
	var pk struct {
		Object, UserID, PublicKey string
	}
	r := do(t, f.srv, "GET", "/api/users/"+userID+"/public-key", s.token, nil)
	wantOK(t, r)
	r.json(t, &pk)
	if pk.Object != "userKey" || pk.UserID != userID {
		t.Fatalf("public-key answer %s", r.body)
	}
	pub, err := vaultcrypto.ParsePublicKeyBase64(pk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	k, err := pub.WrapKey(s.teamKey(t, f.srv, f.team.ID))
	if err != nil {
		t.Fatal(err)
	}
	return k.String()
}

func TestMemberLifecycle(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newMemberFixture(t, gen)
			newbie := addUser(t, f.srv, "newbie@example.com", "newbie-pw")

			// Invite: an Invited member with the address, no user, the
			// collection access asked for. Upper case is stored lowered.
			wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.adamS.token, map[string]any{
				"emails": []string{"Newbie@example.com"}, "type": 2,
				"collections": []map[string]any{{"id": f.eng, "readOnly": true, "hidePasswords": false}},
			}))
			m, ok := f.members(t)["newbie@example.com"]
			if !ok {
				t.Fatalf("invited member not listed: %v", f.members(t))
			}
			if m.Status != 0 || m.UserID != nil || m.Type != 2 || len(m.Collections) != 1 ||
				m.Collections[0].ID != f.eng || !m.Collections[0].ReadOnly {
				t.Errorf("invited member = %+v", m)
			}
			user := "/users/" + m.ID
			// A second invite of the same address is skipped, not doubled.
			wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"emails": []string{"newbie@EXAMPLE.com"}, "type": 2, "collections": []any{}}))
			if n := len(f.members(t)); n != 6 {
				t.Errorf("%d members after a repeated invite, want 6", n)
			}
			wantOK(t, do(t, f.srv, "POST", f.org+user+"/reinvite", f.alice.token, nil))

			// Confirm needs the Accepted state.
			wantErr(t, do(t, f.srv, "POST", f.org+user+"/confirm", f.alice.token, map[string]string{"key": "4.AAAA"}), 400, "User not valid.")
			acc := mustV(f.srv.AcceptInvite(f.team, newbie))(t)
			if acc.ID != m.ID {
				t.Fatalf("AcceptInvite took membership %s, want %s", acc.ID, m.ID)
			}
			m = f.members(t)["newbie@example.com"]
			if m.Status != 1 || m.UserID == nil || *m.UserID != newbie.ID {
				t.Errorf("accepted member = %+v", m)
			}
			wantErr(t, do(t, f.srv, "POST", f.org+user+"/reinvite", f.alice.token, nil), 400, "User invalid.")
			if got := vaultItems(t, f.srv, "newbie@example.com", "newbie-pw"); len(got) != 0 {
				t.Errorf("accepted, unconfirmed member sees %v", got)
			}
			wantErr(t, do(t, f.srv, "POST", f.org+user+"/confirm", f.alice.token, map[string]any{}), 400, "The model state is invalid.")

			// Confirm with the team key wrapped to the member's public key:
			// the member's own client decrypts the team item.
			wantOK(t, do(t, f.srv, "POST", f.org+user+"/confirm", f.adamS.token, map[string]string{"key": wrapTeamKey(t, f, f.adamS, newbie.ID)}))
			if m = f.members(t)["newbie@example.com"]; m.Status != 2 {
				t.Errorf("confirmed member status = %d", m.Status)
			}
			want := map[string]string{"eng item": "sensitive-eng-pw"}
			if got := vaultItems(t, f.srv, "newbie@example.com", "newbie-pw"); !mapsEqual(got, want) {
				t.Errorf("confirmed member's items = %v, want %v", got, want)
			}
			wantErr(t, do(t, f.srv, "POST", f.org+user+"/confirm", f.alice.token, map[string]string{"key": "4.AAAA"}), 400, "User not valid.")

			// Revoke: no access; restore: back to confirmed, access again.
			wantOK(t, do(t, f.srv, "PUT", f.org+user+"/revoke", f.alice.token, nil))
			if m = f.members(t)["newbie@example.com"]; m.Status != -1 {
				t.Errorf("revoked member status = %d", m.Status)
			}
			if got := vaultItems(t, f.srv, "newbie@example.com", "newbie-pw"); len(got) != 0 {
				t.Errorf("revoked member sees %v", got)
			}
			wantErr(t, do(t, f.srv, "PUT", f.org+user+"/revoke", f.alice.token, nil), 400, "Already revoked.")
			wantOK(t, do(t, f.srv, "PATCH", f.org+user+"/restore", f.alice.token, nil))
			if m = f.members(t)["newbie@example.com"]; m.Status != 2 {
				t.Errorf("restored member status = %d", m.Status)
			}
			if got := vaultItems(t, f.srv, "newbie@example.com", "newbie-pw"); !mapsEqual(got, want) {
				t.Errorf("restored member's items = %v, want %v", got, want)
			}
			wantErr(t, do(t, f.srv, "PUT", f.org+user+"/restore", f.alice.token, nil), 400, "Already active.")

			// Update: read-only access becomes hide-passwords.
			wantOK(t, do(t, f.srv, "PUT", f.org+user, f.alice.token, map[string]any{
				"type": 2, "collections": []map[string]any{{"id": f.eng, "readOnly": false, "hidePasswords": true}},
			}))
			if m = f.members(t)["newbie@example.com"]; len(m.Collections) != 1 || m.Collections[0].ReadOnly || !m.Collections[0].HidePasswords {
				t.Errorf("updated member = %+v", m)
			}

			// Remove: gone, and the vault shows nothing of the team.
			wantOK(t, do(t, f.srv, "DELETE", f.org+user, f.alice.token, nil))
			if _, ok := f.members(t)["newbie@example.com"]; ok {
				t.Error("removed member still listed")
			}
			if got := vaultItems(t, f.srv, "newbie@example.com", "newbie-pw"); len(got) != 0 {
				t.Errorf("removed member sees %v", got)
			}
			wantErr(t, do(t, f.srv, "PUT", f.org+user+"/revoke", f.alice.token, nil), 404, "Resource not found.")
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestRestoreKeepsPriorStatus: a revoked invite comes back invited, a
// revoked accepted member accepted (they have no team key yet).
func TestRestoreKeepsPriorStatus(t *testing.T) {
	t.Parallel()
	f := newMemberFixture(t, safetest.Gen2023)
	u := addUser(t, f.srv, "acc@example.com", "acc-pw")
	for _, e := range []string{"inv@example.com", "acc@example.com"} {
		wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"emails": []string{e}, "type": 2, "collections": []any{}}))
	}
	mustV(f.srv.AcceptInvite(f.team, u))(t)
	for email, want := range map[string]int{"inv@example.com": 0, "acc@example.com": 1} {
		id := f.members(t)[email].ID
		wantOK(t, do(t, f.srv, "PUT", f.org+"/users/"+id+"/deactivate", f.alice.token, nil)) // 2023.8's old name
		wantOK(t, do(t, f.srv, "PUT", f.org+"/users/"+id+"/restore", f.alice.token, nil))
		if got := f.members(t)[email].Status; got != want {
			t.Errorf("%s restored to status %d, want %d", email, got, want)
		}
	}
}

func TestMemberRefusals(t *testing.T) {
	t.Parallel()
	const unknown = "/users/00000000-1111-4222-8333-444444444444"
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			cur := gen == safetest.GenCurrent
			pick := func(old, now string) string {
				if cur {
					return now
				}
				return old
			}
			f := newMemberFixture(t, gen)
			invite := func(typ any, emails ...string) map[string]any {
				return map[string]any{"emails": emails, "type": typ, "collections": []any{}}
			}
			many := make([]string, 21)
			for i := range many {
				many[i] = "u" + strconv.Itoa(i) + "@example.com"
			}
			tests := []struct {
				name         string
				s            *session
				method, path string
				body         any
				status       int
				msg          string
				field        string // a validation error's key, if any
			}{
				// 2023.8 validates the body before its ManageUsers check,
				// current servers authorize first.
				{"user, bad body", f.bobS, "POST", "/users/invite", map[string]any{"type": 2}, pickStatus(cur, 400, 404),
					pick("The model state is invalid.", "Resource not found."), ""},
				{"user cannot invite", f.bobS, "POST", "/users/invite", invite(2, "x@example.com"), 404, "Resource not found.", ""},
				{"admin cannot invite an owner", f.adamS, "POST", "/users/invite", invite(0, "x@example.com"), 400, "Only an Owner can configure another Owner's account.", ""},
				{"custom cannot invite an admin", f.coraS, "POST", "/users/invite", invite(1, "x@example.com"), 400, "Custom users can not manage Admins or Owners.", ""},
				{"no emails", f.alice, "POST", "/users/invite", map[string]any{"type": 2}, 400, "The model state is invalid.", "Emails"},
				{"empty emails", f.alice, "POST", "/users/invite", invite(2), 400, "The model state is invalid.", "Emails"},
				{"21 emails", f.alice, "POST", "/users/invite", invite(2, many...), 400, "The model state is invalid.", "Emails"},
				{"bad email", f.alice, "POST", "/users/invite", invite(2, "ok@example.com", "Hello <h@example.com>"), 400, "The model state is invalid.", "Emails"},
				{"no type", f.alice, "POST", "/users/invite", map[string]any{"emails": []string{"x@example.com"}}, 400, "The model state is invalid.", "Type"},
				{"no such type", f.alice, "POST", "/users/invite", invite(5, "x@example.com"), 400, "The model state is invalid.", "Type"},
				{"reinvite unknown", f.alice, "POST", unknown + "/reinvite", nil, 400, "User invalid.", ""},
				{"reinvite confirmed", f.alice, "POST", "/users/" + f.bob.ID + "/reinvite", nil, 400, "User invalid.", ""},
				{"confirm unknown", f.alice, "POST", unknown + "/confirm", map[string]string{"key": "4.AAAA"}, 400, "User not valid.", ""},
				{"confirm confirmed", f.alice, "POST", "/users/" + f.bob.ID + "/confirm", map[string]string{"key": "4.AAAA"}, 400, "User not valid.", ""},
				{"user cannot confirm", f.bobS, "POST", "/users/" + f.bob.ID + "/confirm", map[string]string{"key": "4.AAAA"}, 404, "Resource not found.", ""},
				{"remove unknown", f.alice, "DELETE", unknown, nil, pickStatus(cur, 400, 404), pick("User not valid.", "User not found."), ""},
				{"remove yourself", f.alice, "DELETE", "/users/" + f.team.OwnerMemberID, nil, 400, "You cannot remove yourself.", ""},
				{"admin cannot remove owner", f.adamS, "DELETE", "/users/" + f.olga.ID, nil, 400, pick("Only owners can delete other owners.", "Only owners can remove other owners."), ""},
				{"user cannot remove", f.bobS, "DELETE", "/users/" + f.adam.ID, nil, 404, "Resource not found.", ""},
				{"revoke unknown", f.alice, "PUT", unknown + "/revoke", nil, 404, "Resource not found.", ""},
				{"revoke yourself", f.adamS, "PUT", "/users/" + f.adam.ID + "/revoke", nil, 400, "You cannot revoke yourself.", ""},
				{"admin cannot revoke owner", f.adamS, "PUT", "/users/" + f.olga.ID + "/revoke", nil, 400, "Only owners can revoke other owners.", ""},
				{"restore yourself", f.alice, "PUT", "/users/" + f.team.OwnerMemberID + "/restore", nil, 400, "You cannot restore yourself.", ""},
				{"admin cannot restore owner", f.adamS, "PUT", "/users/" + f.olga.ID + "/restore", nil, 400, "Only owners can restore other owners.", ""},
				{"restore active", f.alice, "PUT", "/users/" + f.bob.ID + "/restore", nil, 400, "Already active.", ""},
				{"update unknown", f.alice, "PUT", unknown, map[string]any{"type": 2}, 404, "Resource not found.", ""},
				{"admin cannot demote owner", f.adamS, "PUT", "/users/" + f.olga.ID, map[string]any{"type": 2, "collections": []any{}}, 400, "Only an Owner can configure another Owner's account.", ""},
				{"custom cannot promote to admin", f.coraS, "PUT", "/users/" + f.bob.ID, map[string]any{"type": 1, "collections": []any{}}, 400, "Custom users can not manage Admins or Owners.", ""},
				{"user cannot update", f.bobS, "PUT", "/users/" + f.bob.ID, map[string]any{"type": 1}, 404, "Resource not found.", ""},
			}
			if cur {
				tests = append(tests, []struct {
					name         string
					s            *session
					method, path string
					body         any
					status       int
					msg          string
					field        string
				}{
					{"custom cannot remove admin", f.coraS, "DELETE", "/users/" + f.adam.ID, nil, 400, "Custom users can not remove admins.", ""},
					{"custom cannot revoke admin", f.coraS, "PUT", "/users/" + f.adam.ID + "/revoke", nil, 400, "Custom users can not revoke admins.", ""},
					{"manage with readOnly", f.alice, "PUT", "/users/" + f.bob.ID, map[string]any{"type": 2,
						"collections": []map[string]any{{"id": f.eng, "readOnly": true, "manage": true}}}, 400,
						"The Manage property is mutually exclusive and cannot be true while the ReadOnly or HidePasswords properties are also true.", ""},
					{"custom grants only what it holds", f.coraS, "POST", "/users/invite", map[string]any{"emails": []string{"x@example.com"},
						"type": 4, "permissions": map[string]bool{"manageUsers": true, "editAnyCollection": true}}, 400,
						"Custom users can only grant the same custom permissions that they have.", ""},
					{"plaintext collection name", f.alice, "POST", "/users/" + f.bob.ID + "/confirm", map[string]string{"key": "4.AAAA",
						"defaultUserCollectionName": "sensitive-plain"}, 400, "The model state is invalid.", "DefaultUserCollectionName"},
					{"manager type is gone", f.alice, "POST", "/users/invite", invite(3, "x@example.com"), 400, "The model state is invalid.", "Type"},
					{"no POST delete", f.alice, "POST", "/users/" + f.bob.ID + "/delete", nil, 404, "Resource not found.", ""},
				}...)
			} else {
				tests = append(tests, []struct {
					name         string
					s            *session
					method, path string
					body         any
					status       int
					msg          string
					field        string
				}{
					{"custom cannot invite custom", f.coraS, "POST", "/users/invite", invite(4, "x@example.com"), 400, "Only Owners and Admins can configure Custom accounts.", ""},
					{"no POST remove", f.alice, "POST", "/users/" + f.bob.ID + "/remove", nil, 404, "Resource not found.", ""},
				}...)
			}
			before := f.members(t)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := do(t, f.srv, tt.method, f.org+tt.path, tt.s.token, tt.body)
					wantErr(t, r, tt.status, tt.msg)
					if tt.field != "" {
						if _, ok := r.apiError(t).ValidationErrors[tt.field]; !ok {
							t.Errorf("validationErrors = %s, want the key %q", r.body, tt.field)
						}
					}
				})
			}
			wantErr(t, do(t, f.srv, "GET", "/api/users/00000000-1111-4222-8333-444444444444/public-key", f.bobS.token, nil), 404, "Resource not found.")
			// A collection id that is no GUID: 2023.8's controller fails
			// on new Guid(Id) (500), current servers refuse the JSON.
			r := do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"emails": []string{"g@example.com"}, "type": 2,
				"collections": []map[string]any{{"id": "not-a-guid"}}})
			wantErr(t, r, pickStatus(cur, 500, 400), pick("An unhandled server error has occurred.", "The model state is invalid."))
			// Nothing a refusal touched changed.
			after := f.members(t)
			if len(after) != len(before) {
				t.Errorf("members %d before the refusals, %d after", len(before), len(after))
			}
			for e, m := range before {
				if a := after[e]; a.Status != m.Status || a.Type != m.Type || len(a.Collections) != len(m.Collections) {
					t.Errorf("%s changed: %+v → %+v", e, m, a)
				}
			}
		})
	}
}

func pickStatus(current bool, old, now int) int {
	if current {
		return now
	}
	return old
}

// TestEmailListMessages pins the exact messages of the e-mail list rules.
func TestEmailListMessages(t *testing.T) {
	t.Parallel()
	f := newMemberFixture(t, safetest.GenCurrent)
	long := make([]byte, 250)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		emails any
		want   string
	}{
		{nil, "The Emails field is required."},
		{[]string{}, "An email is required."},
		{[]string{"ok@example.com", "bad"}, "Email #2 is not valid."},
		{[]string{"hello there@world.com"}, "Email #1 is not valid."},
		{[]string{"héllo@world.com"}, "Email #1 is not valid."},
		{[]string{"hello@world.com."}, "Email #1 is not valid."},
		{[]string{"hellothere@worldcom"}, "Email #1 is not valid."},
		{[]string{string(long) + "@example.com"}, "Email #1 is longer than 256 characters."},
	}
	for _, tt := range tests {
		body := map[string]any{"type": 2}
		if tt.emails != nil {
			body["emails"] = tt.emails
		}
		r := do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, body)
		wantErr(t, r, 400, "The model state is invalid.")
		if got := r.apiError(t).ValidationErrors["Emails"]; !slices.Equal(got, []string{tt.want}) {
			t.Errorf("emails %v: Emails errors = %q, want %q", tt.emails, got, tt.want)
		}
	}
	// Valid forms pass: sub-domain, alias, unicode domain.
	wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"type": 2, "collections": []any{},
		"emails": []string{"hello@world.planet.com", "hello+1@world.com", "hello@wörldé.com"}}))
	if n := len(f.members(t)); n != 8 {
		t.Errorf("%d members, want 8", n)
	}
}

// TestCustomInvitesCustomCurrent: current servers let a Custom member
// with manageUsers invite a Custom member with the permissions it holds.
func TestCustomInvitesCustomCurrent(t *testing.T) {
	t.Parallel()
	f := newMemberFixture(t, safetest.GenCurrent)
	wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.coraS.token, map[string]any{"emails": []string{"c2@example.com"},
		"type": 4, "permissions": map[string]bool{"manageUsers": true}, "collections": []any{}}))
	var l listResp[struct {
		Email       *string         `json:"email"`
		Permissions map[string]bool `json:"permissions"`
	}]
	do(t, f.srv, "GET", f.org+"/users", f.alice.token, nil).json(t, &l)
	found := false
	for _, m := range l.Data {
		if m.Email != nil && *m.Email == "c2@example.com" {
			found = true
			if !m.Permissions["manageUsers"] || m.Permissions["editAnyCollection"] {
				t.Errorf("invited custom member's permissions = %v", m.Permissions)
			}
		}
	}
	if !found {
		t.Error("invited custom member not listed")
	}
}

// TestManagerInvite2023: 2023.8 still has the Manager role (3); a Custom
// member with manageUsers may invite one (it is neither Owner, Admin nor
// Custom).
func TestManagerInvite2023(t *testing.T) {
	t.Parallel()
	f := newMemberFixture(t, safetest.Gen2023)
	wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.coraS.token, map[string]any{"emails": []string{"mgr@example.com"}, "type": 3, "collections": []any{}}))
	if m, ok := f.members(t)["mgr@example.com"]; !ok || m.Type != 3 || m.Status != 0 {
		t.Errorf("manager invite = %+v (listed %v)", m, ok)
	}
}

// TestCustomRevokesAdmin2023: 2023.8 has no rule against a Custom member
// with manageUsers revoking or removing an Admin (current servers do).
func TestCustomRevokesAdmin2023(t *testing.T) {
	t.Parallel()
	f := newMemberFixture(t, safetest.Gen2023)
	wantOK(t, do(t, f.srv, "PUT", f.org+"/users/"+f.adam.ID+"/revoke", f.coraS.token, nil))
	wantOK(t, do(t, f.srv, "POST", f.org+"/users/"+f.adam.ID+"/delete", f.coraS.token, nil))
	if _, ok := f.members(t)["adam@example.com"]; ok {
		t.Error("adam still a member")
	}
}

// TestLastOwner: the only confirmed owner cannot step down.
func TestLastOwner(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, safetest.WithGeneration(gen))
			alice := addUser(t, srv, "alice@example.com", "alice-pw")
			team := mustV(srv.AddTeam(alice, safetest.TeamSpec{Name: "Solo"}))(t)
			s := login(t, srv, "alice@example.com", "alice-pw")
			word := "Team"
			if gen == safetest.GenCurrent {
				word = "Organization"
			}
			r := do(t, srv, "PUT", "/api/organizations/"+team.ID+"/users/"+team.OwnerMemberID, s.token, map[string]any{"type": 1, "collections": []any{}})
			wantErr(t, r, 400, word+" must have at least one confirmed owner.")
		})
	}
}

// TestAccessAll2023: an invite with accessAll on 2023.8 gives every
// collection; current servers ignore the field.
func TestAccessAll2023(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newMemberFixture(t, gen)
			u := addUser(t, f.srv, "all@example.com", "all-pw")
			wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{
				"emails": []string{"all@example.com"}, "type": 2, "accessAll": true, "collections": []any{}}))
			mustV(f.srv.AcceptInvite(f.team, u))(t)
			id := f.members(t)["all@example.com"].ID
			wantOK(t, do(t, f.srv, "POST", f.org+"/users/"+id+"/confirm", f.alice.token, map[string]string{"key": wrapTeamKey(t, f, f.alice, u.ID)}))
			got := vaultItems(t, f.srv, "all@example.com", "all-pw")
			if gen == safetest.Gen2023 {
				if !mapsEqual(got, map[string]string{"eng item": "sensitive-eng-pw"}) {
					t.Errorf("accessAll member sees %v", got)
				}
			} else if len(got) != 0 {
				t.Errorf("current server gave accessAll: member sees %v", got)
			}
		})
	}
}

// TestBulkConfirmAndReinvite: the bulk forms answer one entry per member.
func TestBulkConfirmAndReinvite(t *testing.T) {
	t.Parallel()
	f := newMemberFixture(t, safetest.GenCurrent)
	u := addUser(t, f.srv, "b1@example.com", "b1-pw")
	wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"emails": []string{"b1@example.com", "b2@example.com"}, "type": 2, "collections": []any{}}))
	ms := f.members(t)
	b1, b2 := ms["b1@example.com"].ID, ms["b2@example.com"].ID
	var l listResp[struct{ Object, ID, Error string }]
	r := do(t, f.srv, "POST", f.org+"/users/reinvite", f.alice.token, map[string]any{"ids": []string{b2, f.bob.ID}})
	wantOK(t, r)
	r.json(t, &l)
	errs := map[string]string{}
	for _, e := range l.Data {
		errs[e.ID] = e.Error
	}
	if !mapsEqual(errs, map[string]string{b2: "", f.bob.ID: "User invalid."}) {
		t.Errorf("bulk reinvite = %s", r.body)
	}
	mustV(f.srv.AcceptInvite(f.team, u))(t)
	r = do(t, f.srv, "POST", f.org+"/users/confirm", f.alice.token, map[string]any{"keys": []map[string]string{
		{"id": b1, "key": wrapTeamKey(t, f, f.alice, u.ID)}, {"id": b2, "key": "4.AAAA"}}})
	wantOK(t, r)
	l = listResp[struct{ Object, ID, Error string }]{}
	r.json(t, &l)
	if len(l.Data) != 1 || l.Data[0].ID != b1 || l.Data[0].Object != "OrganizationBulkConfirmResponseModel" {
		t.Errorf("bulk confirm = %s", r.body)
	}
	if got := f.members(t); got["b1@example.com"].Status != 2 || got["b2@example.com"].Status != 0 {
		t.Errorf("after bulk confirm: %+v", got)
	}
}

// TestCollectionUsersPut2023: PUT collections/{id}/users replaces the
// access list (2023.8 only).
func TestCollectionUsersPut2023(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		f := newMemberFixture(t, gen)
		path := f.org + "/collections/" + f.eng + "/users"
		body := []map[string]any{{"id": f.bob.ID, "readOnly": true, "hidePasswords": false}}
		r := do(t, f.srv, "PUT", path, f.alice.token, body)
		if gen == safetest.GenCurrent {
			wantErr(t, r, 404, "Resource not found.")
			continue
		}
		wantOK(t, r)
		if got := vaultItems(t, f.srv, "bob@example.com", "bob-pw"); !mapsEqual(got, map[string]string{"eng item": "sensitive-eng-pw"}) {
			t.Errorf("bob's items after the grant = %v", got)
		}
		wantErr(t, do(t, f.srv, "PUT", path, f.bobS.token, body), 404, "Resource not found.")
		r = do(t, f.srv, "PUT", path, f.alice.token, []map[string]any{{"readOnly": true}})
		wantErr(t, r, 400, "The model state is invalid.")
		if _, ok := r.apiError(t).ValidationErrors["[0].Id"]; !ok {
			t.Errorf("missing id: %s", r.body)
		}
		wantOK(t, do(t, f.srv, "PUT", path, f.alice.token, []any{}))
		if got := vaultItems(t, f.srv, "bob@example.com", "bob-pw"); len(got) != 0 {
			t.Errorf("bob's items after the access list was emptied = %v", got)
		}
	}
}

// TestConfirmRace: two admins confirming one member at once: one wins,
// the other is told the member is no longer confirmable.
func TestConfirmRace(t *testing.T) {
	t.Parallel()
	f := newMemberFixture(t, safetest.GenCurrent)
	u := addUser(t, f.srv, "race@example.com", "race-pw")
	wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"emails": []string{"race@example.com"}, "type": 2, "collections": []any{}}))
	mustV(f.srv.AcceptInvite(f.team, u))(t)
	id := f.members(t)["race@example.com"].ID
	keys := []string{wrapTeamKey(t, f, f.alice, u.ID), wrapTeamKey(t, f, f.adamS, u.ID)}
	sessions := []*session{f.alice, f.adamS}
	results := make([]response, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			results[i] = do(t, f.srv, "POST", f.org+"/users/"+id+"/confirm", sessions[i].token, map[string]string{"key": keys[i]})
		})
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		switch {
		case r.status == 200:
			ok++
		case r.status != 400 || r.apiError(t).Message != "User not valid.":
			t.Errorf("loser got %d %s", r.status, r.body)
		}
	}
	if ok != 1 {
		t.Errorf("%d confirms succeeded, want 1", ok)
	}
	if got := vaultItems(t, f.srv, "race@example.com", "race-pw"); len(got) != 0 {
		t.Errorf("user with no collection sees %v", got)
	}
	// Whichever key was stored, it unwraps to the team key.
	s := login(t, f.srv, "race@example.com", "race-pw")
	if k := s.teamKey(t, f.srv, f.team.ID); k == nil {
		t.Error("no team key")
	}
}

// FuzzMemberRequest feeds arbitrary bodies to the member management
// handlers of a current server: the answer is 200 or 4xx with a JSON
// body, never a panic or a 500, but for the one 500 the real server gives
// too: an invite of a new address, or an update, without collections
// (TestInviteWithoutCollections, TestUpdateWithoutCollections).
func FuzzMemberRequest(f *testing.F) {
	srv := safetest.NewUnstartedServer()
	owner, err1 := srv.AddUser(safetest.UserSpec{Email: "fuzz@example.com", Password: "pw", KDF: fastKDF})
	bob, err2 := srv.AddUser(safetest.UserSpec{Email: "bob@example.com", Password: "pw", KDF: fastKDF})
	if err1 != nil || err2 != nil {
		f.Fatal(err1, err2)
	}
	team, err := srv.AddTeam(owner, safetest.TeamSpec{Name: "T", DefaultCollection: "c"})
	if err != nil {
		f.Fatal(err)
	}
	bm, err := srv.AddMember(team, bob, safetest.RoleUser)
	if err != nil {
		f.Fatal(err)
	}
	_, tr := fuzzLogin(f, srv, owner.Email, "pw")
	org := "/api/organizations/" + team.ID
	for _, s := range []string{
		`{"emails":["a@example.com"],"type":2,"collections":[{"id":"` + team.DefaultCollectionID + `","readOnly":true}]}`,
		`{"type":4,"permissions":{"manageUsers":true}}`, `{"key":"4.AAAA"}`, `{"keys":[{"id":"` + bm.ID + `","key":"x"}]}`,
		`{"ids":["` + bm.ID + `"]}`, `{"emails":[null],"type":null}`, `[]`, `{}`, `{"type":1e400}`,
	} {
		f.Add(s)
	}
	serve := func(method, path, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tr.AccessToken)
		srv.ServeHTTP(rec, req)
		return rec
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, target := range []struct{ method, path string }{
			{"POST", org + "/users/invite"}, {"PUT", org + "/users/" + bm.ID}, {"POST", org + "/users/" + bm.ID + "/confirm"},
			{"POST", org + "/users/confirm"}, {"POST", org + "/users/reinvite"},
		} {
			rec := serve(target.method, target.path, body)
			if rec.Code == 500 && (strings.HasSuffix(target.path, "/users/invite") || target.method == "PUT") && noCollections(body) {
				continue
			}
			if rec.Code != 200 && (rec.Code < 400 || rec.Code >= 500) {
				t.Fatalf("%s %s: status %d for %q", target.method, target.path, rec.Code, body)
			}
			if rec.Code != 200 && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s: error body is not JSON: %q", target.method, target.path, rec.Body)
			}
		}
		// Keep the store small and bob a plain User: drop the invites,
		// put bob back.
		var l listResp[memberResp]
		if err := json.Unmarshal(serve("GET", org+"/users", "").Body.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		for _, m := range l.Data {
			if m.Status == 0 {
				if rec := serve("DELETE", org+"/users/"+m.ID, ""); rec.Code != 200 {
					t.Fatalf("removing an invite: %d %s", rec.Code, rec.Body)
				}
			}
		}
		if rec := serve("PUT", org+"/users/"+bm.ID, `{"type":2,"collections":[]}`); rec.Code != 200 {
			t.Fatalf("resetting bob: %d %s", rec.Code, rec.Body)
		}
	})
}

// noCollections reports whether an invite or update body has no
// "collections" list (absent or null), which the servers' invite and the
// current server's update turn into a 500.
func noCollections(body string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &m) != nil {
		return false
	}
	for k, v := range m {
		if strings.EqualFold(k, "collections") && string(v) != "null" {
			return false
		}
	}
	return true
}
