package safetest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

var bothGenerations = []safetest.Generation{safetest.Gen2023, safetest.GenCurrent}

// teamKeyForm is the client-credentials form of a team API key, as a
// Public API client sends it (no device fields: the server needs none).
func teamKeyForm(team *safetest.Team) url.Values {
	return url.Values{
		"grant_type":    {"client_credentials"},
		"scope":         {"api.organization"},
		"client_id":     {team.ClientID},
		"client_secret": {team.ClientSecret},
	}
}

// teamToken logs in with the team API key.
func teamToken(t *testing.T, srv *safetest.Server, team *safetest.Team) string {
	t.Helper()
	r := postForm(t, srv, teamKeyForm(team), nil)
	var tr tokenResp
	r.json(t, &tr)
	if r.status != 200 || tr.AccessToken == "" {
		t.Fatalf("team API key login: %d %s", r.status, r.body)
	}
	return tr.AccessToken
}

// publicErr is the Public API's error model.
type publicErr struct {
	Object           string              `json:"object"`
	Message          string              `json:"message"`
	Errors           map[string][]string `json:"errors"`
	ValidationErrors any                 `json:"validationErrors"`
}

func (r response) publicError(t *testing.T) publicErr {
	t.Helper()
	var e publicErr
	r.json(t, &e)
	if e.Object != "error" || e.ValidationErrors != nil {
		t.Errorf("not the public error model: %s", r.body)
	}
	return e
}

// publicFixture is a team with its owner alice, a second owner olga and a
// user bob with read-only access to the default collection "eng", and a
// second team whose objects the first team's key must not reach.
type publicFixture struct {
	srv           *safetest.Server
	gen           safetest.Generation
	team, other   *safetest.Team
	eng           string
	olga, bob     *safetest.Member
	alice         *session
	key           string // the team API key's token
	org           string
	otherMemberID string
	otherColID    string
	otherGroupID  string
	unknownGUID   string
}

func newPublicFixture(t *testing.T, gen safetest.Generation) *publicFixture {
	t.Helper()
	srv := newServer(t, safetest.WithGeneration(gen))
	f := &publicFixture{srv: srv, gen: gen, unknownGUID: "0f0f0f0f-0000-4000-8000-000000000000"}
	alice := addUser(t, srv, "alice@example.com", "alice-pw")
	f.team = mustV(srv.AddTeam(alice, safetest.TeamSpec{Name: "Team", DefaultCollection: "eng"}))(t)
	f.eng = f.team.DefaultCollectionID
	f.org = "/api/organizations/" + f.team.ID
	f.olga = mustV(srv.AddMember(f.team, addUser(t, srv, "olga@example.com", "olga-pw"), safetest.RoleOwner))(t)
	f.bob = mustV(srv.AddMember(f.team, addUser(t, srv, "bob@example.com", "bob-pw"), safetest.RoleUser,
		safetest.CollectionAccess{CollectionID: f.eng, ReadOnly: true}))(t)
	eve := addUser(t, srv, "eve@example.com", "eve-pw")
	f.other = mustV(srv.AddTeam(eve, safetest.TeamSpec{Name: "Other", DefaultCollection: "theirs"}))(t)
	f.otherMemberID, f.otherColID = f.other.OwnerMemberID, f.other.DefaultCollectionID
	f.otherGroupID = mustV(srv.AddGroup(f.other, "their group", f.other.OwnerMemberID))(t).ID
	f.alice = login(t, srv, "alice@example.com", "alice-pw")
	f.key = teamToken(t, srv, f.team)
	return f
}

// member reads one member through the internal API, as the owner sees it.
func (f *publicFixture) member(t *testing.T, id string) map[string]any {
	t.Helper()
	var l listResp[map[string]any]
	r := do(t, f.srv, "GET", f.org+"/users?includeCollections=true&includeGroups=true", f.alice.token, nil)
	r.json(t, &l)
	for _, m := range l.Data {
		if m["id"] == id {
			return m
		}
	}
	return nil
}

func TestTeamAPIKeyGrant(t *testing.T) {
	t.Parallel()
	for _, gen := range bothGenerations {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, safetest.WithGeneration(gen))
			alice := addUser(t, srv, "alice@example.com", "alice-pw")
			team := mustV(srv.AddTeam(alice, safetest.TeamSpec{Name: "Team"}))(t)
			if team.ClientID != "organization."+team.ID || len(team.ClientSecret) != 30 {
				t.Fatalf("team API key %q / %d characters", team.ClientID, len(team.ClientSecret))
			}
			tests := []struct {
				name      string
				mutate    func(url.Values)
				wantError string
			}{
				{"ok", func(url.Values) {}, ""},
				{"no scope", func(f url.Values) { f.Del("scope") }, ""}, // every allowed scope
				{"with device fields", func(f url.Values) {
					f.Set("deviceType", "25")
					f.Set("deviceName", "linux")
					f.Set("deviceIdentifier", "5a1e0f7e-7c5e-4d8e-9a57-2f8a1c0c4b11")
				}, ""},
				{"scope api", func(f url.Values) { f.Set("scope", "api") }, "invalid_scope"},
				{"two scopes", func(f url.Values) { f.Set("scope", "api.organization api") }, "invalid_scope"},
				{"wrong secret", func(f url.Values) { f.Set("client_secret", wrongSecret(team.ClientSecret)) }, "invalid_client"},
				{"wrong secret and scope", func(f url.Values) {
					f.Set("client_secret", wrongSecret(team.ClientSecret))
					f.Set("scope", "api")
				}, "invalid_client"}, // the client is checked before the scope
				{"no secret", func(f url.Values) { f.Del("client_secret") }, "invalid_client"},
				{"user's secret", func(f url.Values) { f.Set("client_secret", alice.ClientSecret) }, "invalid_client"},
				{"not a GUID", func(f url.Values) { f.Set("client_id", "organization.team") }, "invalid_client"},
				{"unknown team", func(f url.Values) { f.Set("client_id", "organization.0f0f0f0f-0000-4000-8000-000000000000") }, "invalid_client"},
				{"user id with the team scope", func(f url.Values) {
					f.Set("client_id", alice.ClientID)
					f.Set("client_secret", alice.ClientSecret)
				}, "invalid_scope"},
				{"user id, team secret", func(f url.Values) { f.Set("client_id", alice.ClientID) }, "invalid_client"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					form := teamKeyForm(team)
					tt.mutate(form)
					r := postForm(t, srv, form, nil)
					if tt.wantError != "" {
						var e oauthErr
						r.json(t, &e)
						if r.status != 400 || e.Error != tt.wantError {
							t.Errorf("got %d %s, want 400 %s", r.status, r.body, tt.wantError)
						}
						return
					}
					var body map[string]json.RawMessage
					r.json(t, &body)
					if r.status != 200 {
						t.Fatalf("%d %s", r.status, r.body)
					}
					keys := slices.Sorted(func(yield func(string) bool) {
						for k := range body {
							if !yield(k) {
								return
							}
						}
					})
					if want := []string{"access_token", "expires_in", "scope", "token_type"}; !slices.Equal(keys, want) {
						t.Errorf("answer has %v, want only %v (no keys, KDF or refresh token)", keys, want)
					}
					if string(body["scope"]) != `"api.organization"` || string(body["token_type"]) != `"Bearer"` {
						t.Errorf("answer = %s", r.body)
					}
					c := jwtClaims(t, mustUnquote(t, body["access_token"]))
					if c["client_id"] != team.ClientID || c["client_sub"] != team.ID || c["client_type"] != "Organization" {
						t.Errorf("claims = %v", c)
					}
					if _, ok := c["sub"]; ok {
						t.Errorf("a team token has a user subject: %v", c)
					}
					if _, ok := c["email"]; ok {
						t.Errorf("a team token has an e-mail: %v", c)
					}
					if sc, _ := c["scope"].([]any); len(sc) != 1 || sc[0] != "api.organization" {
						t.Errorf("scope claim = %v", c["scope"])
					}
				})
			}
			// A team whose API use is off cannot log in with its key.
			if err := srv.SetTeamAPI(team, false); err != nil {
				t.Fatal(err)
			}
			var e oauthErr
			r := postForm(t, srv, teamKeyForm(team), nil)
			if r.json(t, &e); r.status != 400 || e.Error != "invalid_client" {
				t.Errorf("disabled team API: %d %s", r.status, r.body)
			}
			if err := srv.SetTeamAPI(team, true); err != nil {
				t.Fatal(err)
			}
			teamToken(t, srv, team)
		})
	}
}

// TestPublicAPIAcceptsOnlyTeamKey: the Public API refuses a user's token
// (403, no body) and no token (401); a team token is refused by the user
// endpoints (403, no body).
func TestPublicAPIAcceptsOnlyTeamKey(t *testing.T) {
	t.Parallel()
	for _, gen := range bothGenerations {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newPublicFixture(t, gen)
			for _, path := range []string{"/api/public/members", "/api/public/groups", "/api/public/collections",
				"/api/public/members/" + f.bob.ID} {
				if r := do(t, f.srv, "GET", path, f.alice.token, nil); r.status != 403 || len(r.body) != 0 {
					t.Errorf("user token on %s: %d %q, want a bare 403", path, r.status, r.body)
				}
				if r := do(t, f.srv, "GET", path, "", nil); r.status != 401 {
					t.Errorf("no token on %s: %d", path, r.status)
				}
				if r := do(t, f.srv, "GET", path, f.key, nil); r.status != 200 {
					t.Errorf("team token on %s: %d %s", path, r.status, r.body)
				}
			}
			// A write with a user's token changes nothing.
			r := do(t, f.srv, "POST", "/api/public/members", f.alice.token,
				map[string]any{"email": "x@example.com", "type": 2, "accessAll": false, "collections": []any{}})
			if r.status != 403 || f.memberByEmail(t, "x@example.com") != nil {
				t.Errorf("invite with a user token: %d, member made: %v", r.status, f.memberByEmail(t, "x@example.com") != nil)
			}
			for _, path := range []string{"/api/sync", "/api/accounts/profile", f.org + "/users", f.org + "/collections"} {
				if r := do(t, f.srv, "GET", path, f.key, nil); r.status != 403 || len(r.body) != 0 {
					t.Errorf("team token on %s: %d %q, want a bare 403", path, r.status, r.body)
				}
			}
			// A token of another team's key reaches only that team.
			otherKey := teamToken(t, f.srv, f.other)
			if r := do(t, f.srv, "GET", "/api/public/members/"+f.bob.ID, otherKey, nil); r.status != 404 || len(r.body) != 0 {
				t.Errorf("another team's member: %d %q, want a bare 404", r.status, r.body)
			}
		})
	}
}

func (f *publicFixture) memberByEmail(t *testing.T, email string) map[string]any {
	t.Helper()
	var l listResp[map[string]any]
	do(t, f.srv, "GET", f.org+"/users", f.alice.token, nil).json(t, &l)
	for _, m := range l.Data {
		if m["email"] == email {
			return m
		}
	}
	return nil
}

func TestTeamAPIKeyEndpoints(t *testing.T) {
	t.Parallel()
	for _, gen := range bothGenerations {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newPublicFixture(t, gen)
			hash := serverHash(t, masterKey(t, f.srv, "alice@example.com", "alice-pw"), "alice-pw")
			var k struct {
				Object, APIKey, RevisionDate string
			}
			r := do(t, f.srv, "POST", f.org+"/api-key", f.alice.token, map[string]string{"masterPasswordHash": hash})
			if r.json(t, &k); r.status != 200 || k.Object != "apiKey" || k.APIKey != f.team.ClientSecret || k.RevisionDate == "" {
				t.Fatalf("api-key: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "POST", f.org+"/api-key", f.alice.token, map[string]string{"masterPasswordHash": wrongSecret(hash)}); r.status != 400 ||
				r.apiError(t).ValidationErrors["MasterPasswordHash"] == nil {
				t.Errorf("wrong password: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "POST", f.org+"/api-key", f.alice.token, map[string]string{}); r.status != 400 ||
				r.apiError(t).ValidationErrors[""] == nil {
				t.Errorf("no secret: %d %s", r.status, r.body)
			}
			// Only owners; an admin (or a non-member) gets 404.
			adam := addUser(t, f.srv, "adam@example.com", "adam-pw")
			mustV(f.srv.AddMember(f.team, adam, safetest.RoleAdmin))(t)
			adamS := login(t, f.srv, "adam@example.com", "adam-pw")
			adamHash := serverHash(t, masterKey(t, f.srv, "adam@example.com", "adam-pw"), "adam-pw")
			for _, p := range []string{"/api-key", "/rotate-api-key"} {
				if r := do(t, f.srv, "POST", f.org+p, adamS.token, map[string]string{"masterPasswordHash": adamHash}); r.status != 404 {
					t.Errorf("admin %s: %d %s", p, r.status, r.body)
				}
			}
			if r := do(t, f.srv, "POST", "/api/organizations/"+f.other.ID+"/api-key", f.alice.token, map[string]string{"masterPasswordHash": hash}); r.status != 404 {
				t.Errorf("another team's key: %d %s", r.status, r.body)
			}
			// Rotation: the old secret no longer logs in, the new one does,
			// and a token issued before stays valid until it expires.
			r = do(t, f.srv, "POST", f.org+"/rotate-api-key", f.alice.token, map[string]string{"masterPasswordHash": hash})
			if r.json(t, &k); r.status != 200 || k.APIKey == f.team.ClientSecret || len(k.APIKey) != 30 {
				t.Fatalf("rotate: %d %s", r.status, r.body)
			}
			if got, _ := f.srv.TeamAPIKey(f.team); got != k.APIKey {
				t.Errorf("TeamAPIKey = %q, rotation answered %q", got, k.APIKey)
			}
			var e oauthErr
			if r := postForm(t, f.srv, teamKeyForm(f.team), nil); r.status != 400 || json.Unmarshal(r.body, &e) != nil || e.Error != "invalid_client" {
				t.Errorf("old secret after rotation: %d %s", r.status, r.body)
			}
			rotated := *f.team
			rotated.ClientSecret = k.APIKey
			teamToken(t, f.srv, &rotated)
			if r := do(t, f.srv, "GET", "/api/public/members", f.key, nil); r.status != 200 {
				t.Errorf("token from before the rotation: %d", r.status)
			}
		})
	}
}

type publicMemberResp struct {
	Object           string          `json:"object"`
	ID               string          `json:"id"`
	UserID           *string         `json:"userId"`
	Name             *string         `json:"name"`
	Email            *string         `json:"email"`
	Type             int             `json:"type"`
	Status           int             `json:"status"`
	AccessAll        *bool           `json:"accessAll"`
	ExternalID       *string         `json:"externalId"`
	TwoFactorEnabled bool            `json:"twoFactorEnabled"`
	Collections      json.RawMessage `json:"collections"`
	Permissions      json.RawMessage `json:"permissions"`
}

func TestPublicMembers(t *testing.T) {
	t.Parallel()
	for _, gen := range bothGenerations {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newPublicFixture(t, gen)
			current := gen == safetest.GenCurrent
			get := func(t *testing.T, path string) response {
				t.Helper()
				return do(t, f.srv, "GET", path, f.key, nil)
			}

			// The list: the generation's envelope and member shape.
			r := get(t, "/api/public/members")
			var raw map[string]json.RawMessage
			r.json(t, &raw)
			if _, has := raw["continuationToken"]; has == current || string(raw["object"]) != `"list"` {
				t.Errorf("list envelope %s (continuationToken is 2023.8's only)", r.body)
			}
			var l listResp[publicMemberResp]
			r.json(t, &l)
			byID := map[string]publicMemberResp{}
			for _, m := range l.Data {
				byID[m.ID] = m
			}
			bob, ok := byID[f.bob.ID]
			if len(l.Data) != 3 || !ok || bob.Object != "member" || deref(bob.Email) != "bob@example.com" || deref(bob.Name) != "bob" ||
				bob.Type != 2 || bob.Status != 2 || deref(bob.UserID) != f.bob.UserID {
				t.Fatalf("members = %s", r.body)
			}
			if (bob.AccessAll != nil) == current {
				t.Errorf("accessAll present: %v, want only on 2023.8", bob.AccessAll != nil)
			}
			// 2023.8 lists no collections; current servers list them, with
			// hidePasswords and manage.
			if current {
				if string(bob.Collections) != `[{"id":"`+f.eng+`","readOnly":true,"hidePasswords":false,"manage":false}]` {
					t.Errorf("listed collections = %s", bob.Collections)
				}
			} else if string(bob.Collections) != "null" {
				t.Errorf("2023.8 listed collections = %s, want null", bob.Collections)
			}

			// One member, with collections; 2023.8 knows only readOnly.
			r = get(t, "/api/public/members/"+f.bob.ID)
			var one publicMemberResp
			r.json(t, &one)
			want := `[{"id":"` + f.eng + `","readOnly":true}]`
			if current {
				want = `[{"id":"` + f.eng + `","readOnly":true,"hidePasswords":false,"manage":false}]`
			}
			if r.status != 200 || string(one.Collections) != want {
				t.Errorf("member = %d %s", r.status, r.body)
			}
			for _, id := range []string{f.unknownGUID, f.otherMemberID} {
				if r := get(t, "/api/public/members/"+id); r.status != 404 || len(r.body) != 0 {
					t.Errorf("member %s: %d %q, want a bare 404", id, r.status, r.body)
				}
			}
			if r := get(t, "/api/public/members/nope"); r.status != 400 || r.publicError(t).Errors["id"] == nil {
				t.Errorf("non-GUID id: %d %s", r.status, r.body)
			}

			// Invite.
			inv := map[string]any{"email": "Nina@Example.com", "type": 2, "externalId": "ext-nina",
				"collections": []any{map[string]any{"id": f.eng, "readOnly": true}, map[string]any{"id": f.otherColID, "readOnly": false}}}
			if !current {
				inv["accessAll"] = false
			}
			r = do(t, f.srv, "POST", "/api/public/members", f.key, inv)
			var nina publicMemberResp
			if r.json(t, &nina); r.status != 200 || nina.Object != "member" || deref(nina.Email) != "nina@example.com" ||
				nina.Status != 0 || nina.UserID != nil || deref(nina.ExternalID) != "ext-nina" {
				t.Fatalf("invite: %d %s", r.status, r.body)
			}
			// The answer echoes the request; the store keeps only the
			// team's collection.
			if !strings.Contains(string(nina.Collections), f.otherColID) {
				t.Errorf("invite answer collections %s do not echo the request", nina.Collections)
			}
			stored := f.member(t, nina.ID)
			if cols, _ := stored["collections"].([]any); stored == nil || len(cols) != 1 || cols[0].(map[string]any)["id"] != f.eng {
				t.Errorf("invited member as stored: %v", stored)
			}
			if r := do(t, f.srv, "POST", "/api/public/members", f.key, inv); r.status != 400 ||
				r.publicError(t).Message != "This user has already been invited." {
				t.Errorf("second invite: %d %s", r.status, r.body)
			}
			// An invite with no collections: 2023.8's null-list quirk.
			noCols := map[string]any{"email": "omar@example.com", "type": 2}
			if !current {
				noCols["accessAll"] = false
			}
			r = do(t, f.srv, "POST", "/api/public/members", f.key, noCols)
			if current {
				if r.status != 200 {
					t.Errorf("invite without collections: %d %s", r.status, r.body)
				}
			} else if e := r.publicError(t); r.status != 400 || e.Message != "Errors have occurred." ||
				f.memberByEmail(t, "omar@example.com") != nil {
				t.Errorf("2023.8 invite without collections: %d %s", r.status, r.body)
			}
			// Validation comes first and is keyed by the model's names.
			bad := map[string]any{"email": "not an address", "collections": []any{map[string]any{"id": f.eng}}}
			r = do(t, f.srv, "POST", "/api/public/members", f.key, bad)
			e := r.publicError(t)
			for _, k := range []string{"Email", "Type", "Collections[0].ReadOnly"} {
				if e.Errors[k] == nil {
					t.Errorf("invalid invite: no error for %s in %s", k, r.body)
				}
			}
			if (e.Errors["AccessAll"] != nil) == current || e.Message != "The request's model state is invalid." {
				t.Errorf("invalid invite: %s", r.body)
			}

			// Update: every property is replaced; groups only when given.
			g := mustV(f.srv.AddGroup(f.team, "ops", f.bob.ID))(t)
			upd := map[string]any{"type": 4, "externalId": "ext-bob", "collections": []any{map[string]any{"id": f.eng, "readOnly": false, "hidePasswords": true}}}
			if !current {
				upd["accessAll"] = false
			}
			r = do(t, f.srv, "PUT", "/api/public/members/"+f.bob.ID, f.key, upd)
			var ub publicMemberResp
			if r.json(t, &ub); r.status != 200 || ub.Type != 4 || deref(ub.Name) != "bob" || deref(ub.ExternalID) != "ext-bob" {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			if current != (string(ub.Permissions) != "null" && string(ub.Permissions) != "") {
				t.Errorf("permissions of a Custom member: %s (current servers only)", ub.Permissions)
			}
			sb := f.member(t, f.bob.ID)
			col := sb["collections"].([]any)[0].(map[string]any)
			if col["readOnly"] != false || col["hidePasswords"] != current {
				t.Errorf("bob's access after the update: %v (2023.8 drops hidePasswords)", col)
			}
			if groups, _ := sb["groups"].([]any); len(groups) != 1 || groups[0] != g.ID {
				t.Errorf("bob's groups after an update without groups: %v", sb["groups"])
			}
			delete(upd, "collections")
			upd["groups"] = []any{}
			if r := do(t, f.srv, "PUT", "/api/public/members/"+f.bob.ID, f.key, upd); r.status != 200 {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			sb = f.member(t, f.bob.ID)
			if cols, _ := sb["collections"].([]any); len(cols) != 0 {
				t.Errorf("an update without collections kept %v", cols)
			}
			if groups, _ := sb["groups"].([]any); len(groups) != 0 {
				t.Errorf("an update with no groups kept %v", groups)
			}
			if r := do(t, f.srv, "PUT", "/api/public/members/"+f.unknownGUID, f.key, upd); r.status != 404 || len(r.body) != 0 {
				t.Errorf("update of an unknown member: %d %q", r.status, r.body)
			}
			if current {
				upd["groups"] = []any{f.otherGroupID}
				if r := do(t, f.srv, "PUT", "/api/public/members/"+f.bob.ID, f.key, upd); r.status != 404 || r.publicError(t).Message != "Resource not found." {
					t.Errorf("update naming another team's group: %d %s", r.status, r.body)
				}
			}

			// Group ids of a member.
			if r := do(t, f.srv, "PUT", "/api/public/members/"+f.bob.ID+"/group-ids", f.key,
				map[string]any{"groupIds": []string{g.ID, f.otherGroupID}}); r.status != 200 || len(r.body) != 0 {
				t.Fatalf("put group-ids: %d %s", r.status, r.body)
			}
			var ids []string
			if get(t, "/api/public/members/"+f.bob.ID+"/group-ids").json(t, &ids); !slices.Equal(ids, []string{g.ID}) {
				t.Errorf("group-ids = %v, want only the team's group", ids)
			}
			if r := do(t, f.srv, "PUT", "/api/public/members/"+f.bob.ID+"/group-ids", f.key, map[string]any{"groupIds": []string{"x"}}); r.status != 400 {
				t.Errorf("non-GUID group id: %d %s", r.status, r.body)
			}

			// Re-invite: invited members only.
			if r := do(t, f.srv, "POST", "/api/public/members/"+nina.ID+"/reinvite", f.key, nil); r.status != 200 {
				t.Errorf("reinvite: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "POST", "/api/public/members/"+f.bob.ID+"/reinvite", f.key, nil); r.status != 400 ||
				r.publicError(t).Message != "User invalid." {
				t.Errorf("reinvite of a confirmed member: %d %s", r.status, r.body)
			}

			// Delete: owners too, but never the last confirmed owner.
			if r := do(t, f.srv, "DELETE", "/api/public/members/"+f.olga.ID, f.key, nil); r.status != 200 {
				t.Fatalf("delete an owner: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "DELETE", "/api/public/members/"+f.team.OwnerMemberID, f.key, nil); r.status != 400 ||
				!strings.Contains(r.publicError(t).Message, "must have at least one confirmed owner") {
				t.Errorf("delete the last owner: %d %s", r.status, r.body)
			}
			if f.member(t, f.olga.ID) != nil || f.member(t, f.team.OwnerMemberID) == nil {
				t.Errorf("after the deletes: olga %v, alice %v", f.member(t, f.olga.ID) != nil, f.member(t, f.team.OwnerMemberID) != nil)
			}
		})
	}
}

type publicGroupResp struct {
	Object      string          `json:"object"`
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	AccessAll   *bool           `json:"accessAll"`
	ExternalID  *string         `json:"externalId"`
	Collections json.RawMessage `json:"collections"`
}

func TestPublicGroups(t *testing.T) {
	t.Parallel()
	for _, gen := range bothGenerations {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newPublicFixture(t, gen)
			current := gen == safetest.GenCurrent
			body := map[string]any{"name": "Ops", "externalId": "ext-ops",
				"collections": []any{map[string]any{"id": f.eng, "readOnly": true}}}
			if !current {
				body["accessAll"] = false
			}
			r := do(t, f.srv, "POST", "/api/public/groups", f.key, body)
			var g publicGroupResp
			if r.json(t, &g); r.status != 200 || g.Object != "group" || g.Name != "Ops" || deref(g.ExternalID) != "ext-ops" || (g.AccessAll != nil) == current {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "POST", "/api/public/groups", f.key, map[string]any{"name": strings.Repeat("n", 101)}); r.status != 400 ||
				r.publicError(t).Errors["Name"] == nil {
				t.Errorf("101-character name: %d %s", r.status, r.body)
			}
			// Members, and the internal listing agrees.
			if r := do(t, f.srv, "PUT", "/api/public/groups/"+g.ID+"/member-ids", f.key,
				map[string]any{"memberIds": []string{f.bob.ID, f.otherMemberID}}); r.status != 200 {
				t.Fatalf("member-ids: %d %s", r.status, r.body)
			}
			var ids []string
			do(t, f.srv, "GET", "/api/public/groups/"+g.ID+"/member-ids", f.key, nil).json(t, &ids)
			if !slices.Equal(ids, []string{f.bob.ID}) {
				t.Errorf("member-ids = %v, want bob only", ids)
			}
			if groups, _ := f.member(t, f.bob.ID)["groups"].([]any); len(groups) != 1 || groups[0] != g.ID {
				t.Errorf("bob's groups in the internal listing: %v", groups)
			}
			var one map[string]any
			do(t, f.srv, "GET", f.org+"/users/"+f.bob.ID+"?includeGroups=true", f.alice.token, nil).json(t, &one)
			if groups, _ := one["groups"].([]any); len(groups) != 1 || groups[0] != g.ID {
				t.Errorf("bob's groups in the internal member: %v", one["groups"])
			}
			// Read back, list, update.
			r = do(t, f.srv, "GET", "/api/public/groups/"+g.ID, f.key, nil)
			var got publicGroupResp
			r.json(t, &got)
			if !strings.Contains(string(got.Collections), f.eng) {
				t.Errorf("group = %s", r.body)
			}
			var l listResp[publicGroupResp]
			do(t, f.srv, "GET", "/api/public/groups", f.key, nil).json(t, &l)
			if len(l.Data) != 1 || l.Data[0].ID != g.ID {
				t.Errorf("groups = %+v (another team's group must not show)", l.Data)
			}
			delete(body, "collections")
			body["name"] = "Ops 2"
			if r := do(t, f.srv, "PUT", "/api/public/groups/"+g.ID, f.key, body); r.status != 200 {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			do(t, f.srv, "GET", "/api/public/groups/"+g.ID, f.key, nil).json(t, &got)
			if got.Name != "Ops 2" || !strings.Contains(string(got.Collections), f.eng) {
				t.Errorf("after an update without collections: %+v (they are kept)", got)
			}
			body["collections"] = []any{map[string]any{"id": f.otherColID, "readOnly": true}}
			r = do(t, f.srv, "PUT", "/api/public/groups/"+g.ID, f.key, body)
			if current {
				if r.status != 404 || r.publicError(t).Message != "Resource not found." {
					t.Errorf("update naming another team's collection: %d %s", r.status, r.body)
				}
			} else if r.status != 200 {
				t.Errorf("2023.8 update naming another team's collection: %d %s", r.status, r.body)
			}
			for _, id := range []string{f.otherGroupID, f.unknownGUID} {
				if r := do(t, f.srv, "GET", "/api/public/groups/"+id, f.key, nil); r.status != 404 || len(r.body) != 0 {
					t.Errorf("group %s: %d %q", id, r.status, r.body)
				}
				if r := do(t, f.srv, "DELETE", "/api/public/groups/"+id, f.key, nil); r.status != 404 {
					t.Errorf("delete group %s: %d", id, r.status)
				}
			}
			// Delete: the members lose the group.
			if r := do(t, f.srv, "DELETE", "/api/public/groups/"+g.ID, f.key, nil); r.status != 200 {
				t.Fatalf("delete: %d %s", r.status, r.body)
			}
			if groups, _ := f.member(t, f.bob.ID)["groups"].([]any); len(groups) != 0 {
				t.Errorf("bob's groups after the delete: %v", groups)
			}
		})
	}
}

func TestPublicCollections(t *testing.T) {
	t.Parallel()
	for _, gen := range bothGenerations {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newPublicFixture(t, gen)
			current := gen == safetest.GenCurrent
			g := mustV(f.srv.AddGroup(f.team, "ops"))(t)
			var l listResp[map[string]any]
			r := do(t, f.srv, "GET", "/api/public/collections", f.key, nil)
			if r.json(t, &l); r.status != 200 || len(l.Data) != 1 || l.Data[0]["id"] != f.eng || l.Data[0]["object"] != "collection" {
				t.Fatalf("collections = %d %s", r.status, r.body)
			}
			if _, hasName := l.Data[0]["name"]; hasName {
				t.Errorf("a Public API collection has a name: %s", r.body)
			}
			r = do(t, f.srv, "PUT", "/api/public/collections/"+f.eng, f.key,
				map[string]any{"externalId": "ext-eng", "groups": []any{map[string]any{"id": g.ID, "readOnly": true}}})
			if r.status != 200 || !strings.Contains(string(r.body), g.ID) {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			var one map[string]any
			do(t, f.srv, "GET", "/api/public/collections/"+f.eng, f.key, nil).json(t, &one)
			if one["externalId"] != "ext-eng" || !strings.Contains(toJSON(t, one["groups"]), g.ID) {
				t.Errorf("collection = %v", one)
			}
			// The internal API's collection details show the same groups.
			var details map[string]any
			do(t, f.srv, "GET", f.org+"/collections/"+f.eng+"/details", f.alice.token, nil).json(t, &details)
			if groups, _ := details["groups"].([]any); len(groups) != 1 || groups[0].(map[string]any)["id"] != g.ID {
				t.Errorf("internal collection details groups = %v", details["groups"])
			}
			// 2023.8 removes every member's own access with the update;
			// current servers keep it.
			var users []map[string]any
			do(t, f.srv, "GET", f.org+"/collections/"+f.eng+"/users", f.alice.token, nil).json(t, &users)
			if kept := len(users) > 0; kept != current {
				t.Errorf("member access after a Public API update: %v (kept only on current servers)", users)
			}
			// A null groups list: 2023.8 clears the groups, current keeps them.
			if r := do(t, f.srv, "PUT", "/api/public/collections/"+f.eng, f.key, map[string]any{"externalId": nil}); r.status != 200 {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			do(t, f.srv, "GET", "/api/public/collections/"+f.eng, f.key, nil).json(t, &one)
			if kept := strings.Contains(toJSON(t, one["groups"]), g.ID); kept != current || one["externalId"] != nil {
				t.Errorf("after an update with groups null: %v", one)
			}
			for _, id := range []string{f.otherColID, f.unknownGUID} {
				if r := do(t, f.srv, "GET", "/api/public/collections/"+id, f.key, nil); r.status != 404 || len(r.body) != 0 {
					t.Errorf("collection %s: %d %q", id, r.status, r.body)
				}
				if r := do(t, f.srv, "DELETE", "/api/public/collections/"+id, f.key, nil); r.status != 404 {
					t.Errorf("delete collection %s: %d", id, r.status)
				}
			}
			if r := do(t, f.srv, "DELETE", "/api/public/collections/"+f.eng, f.key, nil); r.status != 200 {
				t.Fatalf("delete: %d %s", r.status, r.body)
			}
			if r := do(t, f.srv, "GET", f.org+"/collections/"+f.eng, f.alice.token, nil); r.status != 404 {
				t.Errorf("the deleted collection on the internal API: %d", r.status)
			}
		})
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzPublicRequest feeds arbitrary bodies to the Public API's writes on
// both generations: the answer is 200 or 4xx with a JSON body (or the bare
// 404), never a panic or a 500.
func FuzzPublicRequest(f *testing.F) {
	type target struct {
		srv          *safetest.Server
		token        string
		member, coll string
		group        string
	}
	var targets []target
	for _, gen := range bothGenerations {
		srv := safetest.NewUnstartedServer(safetest.WithGeneration(gen))
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
		g, err := srv.AddGroup(team, "g", bm.ID)
		if err != nil {
			f.Fatal(err)
		}
		rec := serveRecorded(srv, "POST", "/identity/connect/token", teamKeyForm(team).Encode(), "", "application/x-www-form-urlencoded")
		var tr tokenResp
		if err := json.Unmarshal(rec.body, &tr); err != nil || tr.AccessToken == "" {
			f.Fatalf("team login: %d %s", rec.status, rec.body)
		}
		targets = append(targets, target{srv, tr.AccessToken, bm.ID, team.DefaultCollectionID, g.ID})
	}
	for _, s := range []string{
		`{"email":"a@example.com","type":2,"accessAll":false,"collections":[{"id":"` + targets[0].coll + `","readOnly":true}]}`,
		`{"type":4,"permissions":{"manageUsers":true},"accessAll":true,"groups":["` + targets[0].group + `"]}`,
		`{"name":"n","accessAll":false,"collections":[{"id":"x","readOnly":null}]}`,
		`{"externalId":"e","groups":[{"id":"` + targets[0].group + `","readOnly":false,"manage":true}]}`,
		`[]`, `{}`, `null`, `{"type":1e400}`, `{"email":null,"type":"2"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, tg := range targets {
			for _, w := range []struct{ method, path string }{
				{"POST", "/api/public/members"}, {"PUT", "/api/public/members/" + tg.member},
				{"POST", "/api/public/groups"}, {"PUT", "/api/public/groups/" + tg.group},
				{"PUT", "/api/public/collections/" + tg.coll},
			} {
				rec := serveRecorded(tg.srv, w.method, w.path, body, tg.token, "application/json")
				if rec.status != http.StatusOK && (rec.status < 400 || rec.status >= 500) {
					t.Fatalf("%s %s: status %d for %q", w.method, w.path, rec.status, body)
				}
				if rec.status != http.StatusOK && len(rec.body) > 0 && !json.Valid(rec.body) {
					t.Fatalf("%s %s: error body is not JSON: %q", w.method, w.path, rec.body)
				}
			}
			// Keep bob a plain user of the team with the group.
			reset := `{"type":2,"accessAll":false,"collections":[],"groups":["` + tg.group + `"]}`
			if rec := serveRecorded(tg.srv, "PUT", "/api/public/members/"+tg.member, reset, tg.token, "application/json"); rec.status != 200 {
				t.Fatalf("resetting bob: %d %s", rec.status, rec.body)
			}
		}
	})
}

// serveRecorded runs one request through the server's handler, without a
// network.
func serveRecorded(srv *safetest.Server, method, path, body, token, contentType string) response {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	srv.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}
