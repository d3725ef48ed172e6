package safetest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// teamFixture: alice owns a team with collections "eng" and "ops"; bob has
// read-only access to eng, dave read-write with hidden passwords to eng,
// carol is a member without any collection, erin is no member at all.
type teamFixture struct {
	srv                           *safetest.Server
	team                          *safetest.Team
	eng, ops                      string
	alice, bob, carol, dave, erin *session
	engItem, opsItem              string // team items
}

func newTeamFixture(t *testing.T, opts ...safetest.Option) *teamFixture {
	t.Helper()
	srv := newServer(t, opts...)
	users := map[string]*safetest.User{}
	for _, n := range []string{"alice", "bob", "carol", "dave", "erin"} {
		users[n] = addUser(t, srv, n+"@example.com", n+"-pw")
	}
	team := mustV(srv.AddTeam(users["alice"], safetest.TeamSpec{Name: "Team", DefaultCollection: "eng"}))(t)
	ops := mustV(srv.AddCollection(team, "ops"))(t)
	eng := team.DefaultCollectionID
	mustV(srv.AddMember(team, users["bob"], safetest.RoleUser, safetest.CollectionAccess{CollectionID: eng, ReadOnly: true}))(t)
	mustV(srv.AddMember(team, users["carol"], safetest.RoleUser))(t)
	mustV(srv.AddMember(team, users["dave"], safetest.RoleUser, safetest.CollectionAccess{CollectionID: eng, HidePasswords: true}))(t)
	f := &teamFixture{srv: srv, team: team, eng: eng, ops: ops.ID}
	f.engItem = mustV(srv.AddItem(team, safetest.Item{Type: safetest.TypeLogin, Name: "eng item",
		Login: &safetest.Login{Password: "p"}, CollectionIDs: []string{eng}}))(t)
	f.opsItem = mustV(srv.AddItem(team, safetest.Item{Type: safetest.TypeSecureNote, Name: "ops item", CollectionIDs: []string{ops.ID}}))(t)
	f.alice = login(t, srv, "alice@example.com", "alice-pw")
	f.bob = login(t, srv, "bob@example.com", "bob-pw")
	f.carol = login(t, srv, "carol@example.com", "carol-pw")
	f.dave = login(t, srv, "dave@example.com", "dave-pw")
	f.erin = login(t, srv, "erin@example.com", "erin-pw")
	return f
}

func TestCipherAccessControl(t *testing.T) {
	t.Parallel()
	f := newTeamFixture(t)
	orgKey := f.alice.teamKey(t, f.srv, f.team.ID)
	update := func(id string) map[string]any {
		c := loginCipher(t, orgKey, "renamed", "new password")
		c["organizationId"] = f.team.ID
		return c
	}
	tests := []struct {
		name       string
		s          *session
		method     string
		path       string
		body       any
		wantStatus int
		wantMsg    string
	}{
		{"owner reads", f.alice, "GET", "/api/ciphers/" + f.opsItem, nil, 200, ""},
		{"read-only member reads", f.bob, "GET", "/api/ciphers/" + f.engItem, nil, 200, ""},
		{"read-only member cannot update", f.bob, "PUT", "/api/ciphers/" + f.engItem, update(f.engItem), 400, "You do not have permissions to edit this."},
		{"read-only member cannot delete", f.bob, "PUT", "/api/ciphers/" + f.engItem + "/delete", nil, 400, "You do not have permissions to delete this."},
		{"read-only member cannot purge", f.bob, "DELETE", "/api/ciphers/" + f.engItem, nil, 400, "You do not have permissions to delete this."},
		{"member without access cannot read", f.bob, "GET", "/api/ciphers/" + f.opsItem, nil, 404, "Resource not found."},
		{"member without access cannot update", f.bob, "PUT", "/api/ciphers/" + f.opsItem, update(f.opsItem), 404, "Resource not found."},
		{"member without collections cannot read", f.carol, "GET", "/api/ciphers/" + f.engItem + "/details", nil, 404, "Resource not found."},
		{"non-member cannot read", f.erin, "GET", "/api/ciphers/" + f.engItem, nil, 404, "Resource not found."},
		{"non-member cannot delete", f.erin, "DELETE", "/api/ciphers/" + f.engItem, nil, 404, "Resource not found."},
		{"read-write member updates", f.dave, "PUT", "/api/ciphers/" + f.engItem, update(f.engItem), 200, ""},
		{"owner sees org details", f.alice, "GET", "/api/ciphers/organization-details?organizationId=" + f.team.ID, nil, 200, ""},
		{"member cannot see org details", f.bob, "GET", "/api/ciphers/organization-details?organizationId=" + f.team.ID, nil, 404, "Resource not found."},
		{"member cannot list members", f.bob, "GET", "/api/organizations/" + f.team.ID + "/users", nil, 404, "Resource not found."},
		{"non-member cannot create in team", f.erin, "POST", "/api/ciphers/create", map[string]any{"cipher": update(""), "collectionIds": []string{f.eng}}, 404, "Resource not found."},
		{"read-only member cannot create in collection", f.bob, "POST", "/api/ciphers/create", map[string]any{"cipher": update(""), "collectionIds": []string{f.eng}}, 400, "You do not have permissions to edit this."},
		{"collection of another team", f.alice, "POST", "/api/ciphers/create", map[string]any{"cipher": update(""), "collectionIds": []string{"00000000-0000-4000-8000-000000000000"}}, 400, "Specified CollectionId does not exist on the specified Organization."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, f.srv, tt.method, tt.path, tt.s.token, tt.body)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", r.status, tt.wantStatus, r.body)
			}
			if tt.wantMsg != "" {
				if e := r.apiError(t); e.Message != tt.wantMsg {
					t.Errorf("message = %q, want %q", e.Message, tt.wantMsg)
				}
			}
		})
	}
	t.Run("per-user flags", func(t *testing.T) {
		for _, tt := range []struct {
			s              *session
			edit, viewPass bool
		}{{f.alice, true, true}, {f.bob, false, true}, {f.dave, true, false}} {
			var c cipherResp
			do(t, f.srv, "GET", "/api/ciphers/"+f.engItem, tt.s.token, nil).json(t, &c)
			if c.Edit == nil || *c.Edit != tt.edit || c.ViewPassword == nil || *c.ViewPassword != tt.viewPass {
				t.Errorf("edit/viewPassword = %v/%v, want %v/%v", c.Edit, c.ViewPassword, tt.edit, tt.viewPass)
			}
		}
	})
	t.Run("sync shows what each can see", func(t *testing.T) {
		for _, tt := range []struct {
			s    *session
			want []string
		}{{f.alice, []string{f.engItem, f.opsItem}}, {f.bob, []string{f.engItem}}, {f.carol, nil}, {f.erin, nil}} {
			var sync struct {
				Ciphers []cipherResp `json:"ciphers"`
			}
			do(t, f.srv, "GET", "/api/sync", tt.s.token, nil).json(t, &sync)
			var got []string
			for _, c := range sync.Ciphers {
				got = append(got, c.ID)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("sync ciphers = %v, want %v", got, want)
			}
		}
	})
}

func TestRevisionConflict(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "rev@example.com", "pw")
	s := login(t, srv, u.Email, "pw")
	var created cipherResp
	r := do(t, srv, "POST", "/api/ciphers", s.token, loginCipher(t, s.userKey, "x", "p"))
	r.json(t, &created)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	rev, err := time.Parse(time.RFC3339Nano, created.RevisionDate)
	if err != nil {
		t.Fatal(err)
	}
	put := func(lastKnown any) response {
		c := loginCipher(t, s.userKey, "y", "p2")
		c["lastKnownRevisionDate"] = lastKnown
		return do(t, srv, "PUT", "/api/ciphers/"+created.ID, s.token, c)
	}
	js := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	if r := put(js(rev.Add(-2 * time.Second))); r.status != 400 ||
		r.apiError(t).Message != "The item cannot be saved because it is out of date. To edit this item, first sync your vault, or log out and back in." {
		t.Errorf("stale copy: %d %s", r.status, r.body)
	}
	if r := put(js(rev.Add(2 * time.Second))); r.status != 400 {
		t.Errorf("copy from the future: %d, want 400", r.status)
	}
	var updated cipherResp
	r = put(js(rev.Add(500 * time.Millisecond))) // within the 1 s tolerance
	r.json(t, &updated)
	if r.status != 200 {
		t.Fatalf("fresh copy: %d %s", r.status, r.body)
	}
	if updated.RevisionDate == created.RevisionDate {
		t.Errorf("revisionDate did not change on update")
	}
	if r := put(nil); r.status != 200 {
		t.Errorf("no lastKnownRevisionDate: %d", r.status)
	}
	// Creation ignores the field (clients send stale or zero dates there).
	c := loginCipher(t, s.userKey, "z", "p")
	c["lastKnownRevisionDate"] = "2001-01-01T00:00:00.000Z"
	if r := do(t, srv, "POST", "/api/ciphers", s.token, c); r.status != 200 {
		t.Errorf("create with an old lastKnownRevisionDate: %d", r.status)
	}
}

func TestTrash(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "trash@example.com", "pw")
	s := login(t, srv, u.Email, "pw")
	create := func() string {
		var c cipherResp
		do(t, srv, "POST", "/api/ciphers", s.token, loginCipher(t, s.userKey, "x", "p")).json(t, &c)
		return c.ID
	}
	get := func(id string) (cipherResp, int) {
		var c cipherResp
		r := do(t, srv, "GET", "/api/ciphers/"+id, s.token, nil)
		if r.status == 200 {
			r.json(t, &c)
		}
		return c, r.status
	}
	id := create()
	if r := do(t, srv, "PUT", "/api/ciphers/"+id+"/delete", s.token, nil); r.status != 200 || len(r.body) != 0 {
		t.Fatalf("soft delete: %d %q", r.status, r.body)
	}
	if c, st := get(id); st != 200 || c.DeletedDate == nil {
		t.Errorf("after soft delete: %d, deletedDate %v", st, c.DeletedDate)
	}
	var restored cipherResp
	r := do(t, srv, "PUT", "/api/ciphers/"+id+"/restore", s.token, nil)
	r.json(t, &restored)
	if r.status != 200 || restored.DeletedDate != nil || restored.ID != id {
		t.Errorf("restore: %d %s", r.status, r.body)
	}
	if r := do(t, srv, "DELETE", "/api/ciphers/"+id, s.token, nil); r.status != 200 {
		t.Errorf("permanent delete: %d", r.status)
	}
	if _, st := get(id); st != 404 {
		t.Errorf("after permanent delete: %d, want 404", st)
	}

	// Bulk: soft delete two, restore them, purge them.
	a, b := create(), create()
	ids := map[string]any{"ids": []string{a, b}}
	if r := do(t, srv, "PUT", "/api/ciphers/delete", s.token, ids); r.status != 200 {
		t.Fatalf("bulk soft delete: %d", r.status)
	}
	for _, id := range []string{a, b} {
		if c, _ := get(id); c.DeletedDate == nil {
			t.Errorf("%s not in the trash after bulk delete", id)
		}
	}
	var list struct {
		Object string       `json:"object"`
		Data   []cipherResp `json:"data"`
	}
	do(t, srv, "PUT", "/api/ciphers/restore", s.token, ids).json(t, &list)
	if list.Object != "list" || len(list.Data) != 2 || list.Data[0].DeletedDate != nil {
		t.Errorf("bulk restore = %+v", list)
	}
	if r := do(t, srv, "DELETE", "/api/ciphers", s.token, ids); r.status != 200 {
		t.Fatalf("bulk purge: %d", r.status)
	}
	for _, id := range []string{a, b} {
		if _, st := get(id); st != 404 {
			t.Errorf("%s still there after bulk purge", id)
		}
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "nf@example.com", "pw")
	s := login(t, srv, u.Email, "pw")
	for _, tt := range []struct{ method, path string }{
		{"GET", "/api/nothing-here"},
		{"GET", "/"},
		{"GET", "/api/ciphers/00000000-0000-4000-8000-000000000000"},
		{"PUT", "/api/ciphers/not-a-guid/delete"},
		{"GET", "/api/folders/00000000-0000-4000-8000-000000000000"},
		{"GET", "/api/organizations/00000000-0000-4000-8000-000000000000/collections"},
		{"GET", "/api/users/00000000-0000-4000-8000-000000000000/public-key"},
		{"DELETE", "/api/sync"},
	} {
		r := do(t, srv, tt.method, tt.path, s.token, nil)
		if r.status != 404 {
			t.Errorf("%s %s: %d, want 404", tt.method, tt.path, r.status)
			continue
		}
		if e := r.apiError(t); e.Message != "Resource not found." {
			t.Errorf("%s %s: message %q", tt.method, tt.path, e.Message)
		}
	}
}

// TestCipherRoundTrip checks that the server stores what the client sent:
// unknown fields survive, the junk "response" keys and request-only fields
// do not, and no "data" is sent.
func TestCipherRoundTrip(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, safetest.WithGeneration(gen))
			u := addUser(t, srv, "rt@example.com", "pw")
			s := login(t, srv, u.Email, "pw")
			k := s.userKey
			e := func(v string) string { return enc(t, k, v) }
			future := json.RawMessage(`{"nested":[1,"two",{"three":null}],"flag":true}`)
			body := map[string]any{
				"type": 1, "name": e("n"), "notes": e("notes"), "favorite": true, "reprompt": 1,
				"encryptedFor": u.ID, "lastKnownRevisionDate": nil, "attachments": map[string]any{}, "attachments2": map[string]any{},
				"data":        "should not be stored",
				"futureField": future,
				"login": map[string]any{
					"response": nil, "username": e("u"), "password": e("p"), "totp": nil, "passwordRevisionDate": nil,
					"uris":             []any{map[string]any{"response": nil, "uri": e("https://x"), "uriChecksum": e("c"), "match": 3}},
					"fido2Credentials": []any{},
				},
				"fields":          []any{map[string]any{"response": nil, "type": 2, "name": e("f"), "value": e("true"), "linkedId": nil}},
				"passwordHistory": []any{map[string]any{"password": e("old"), "lastUsedDate": "2025-01-01T00:00:00.000Z"}},
			}
			var created map[string]json.RawMessage
			r := do(t, srv, "POST", "/api/ciphers", s.token, body)
			r.json(t, &created)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var got map[string]json.RawMessage
			do(t, srv, "GET", "/api/ciphers/"+mustUnquote(t, created["id"])+"/details", s.token, nil).json(t, &got)
			var gotFuture, wantFuture any
			_ = json.Unmarshal(got["futureField"], &gotFuture)
			_ = json.Unmarshal(future, &wantFuture)
			if diff := cmp.Diff(wantFuture, gotFuture); diff != "" {
				t.Errorf("unknown field did not round-trip (-sent +got):\n%s", diff)
			}
			for _, k := range []string{"data", "encryptedFor", "lastKnownRevisionDate", "attachments2"} {
				if _, ok := got[k]; ok {
					t.Errorf("response has request-only field %q", k)
				}
			}
			if strings.Contains(string(got["login"]), "response") || strings.Contains(string(got["fields"]), "response") {
				t.Errorf("junk response keys were stored: login %s fields %s", got["login"], got["fields"])
			}
			var login struct {
				Username string `json:"username"`
				URI      string `json:"uri"`
				URIs     []struct {
					URI   string `json:"uri"`
					Match int    `json:"match"`
				} `json:"uris"`
			}
			_ = json.Unmarshal(got["login"], &login)
			if dec(t, k, login.Username) != "u" || len(login.URIs) != 1 || login.URIs[0].Match != 3 ||
				dec(t, k, login.URIs[0].URI) != "https://x" || login.URI != login.URIs[0].URI {
				t.Errorf("login = %s", got["login"])
			}
			for k, want := range map[string]string{"object": `"cipherDetails"`, "favorite": "true", "reprompt": "1", "edit": "true", "organizationId": "null", "deletedDate": "null"} {
				if string(got[k]) != want {
					t.Errorf("%s = %s, want %s", k, got[k], want)
				}
			}
			_, hasPerms := got["permissions"]
			if hasPerms != (gen == safetest.GenCurrent) {
				t.Errorf("permissions present = %v on %s", hasPerms, gen)
			}
			raw, ok := srv.RawCipher(mustUnquote(t, created["id"]))
			if !ok || strings.Contains(string(raw), "should not be stored") {
				t.Errorf("RawCipher = %s, %v", raw, ok)
			}
		})
	}
}

// TestHostileCipherJSON sends malformed and plaintext cipher bodies: each
// must get a 400 with the official error body, never a 500.
func TestHostileCipherJSON(t *testing.T) {
	t.Parallel()
	srv := newServer(t, safetest.WithMaxBodyBytes(64<<10))
	u := addUser(t, srv, "h@example.com", "pw")
	s := login(t, srv, u.Email, "pw")
	good := enc(t, s.userKey, "x")
	tests := []struct {
		name      string
		body      string
		wantField string // validation error key, "" to skip the check
	}{
		{"empty", ``, ""},
		{"not JSON", `{"type":1,`, ""},
		{"array", `[1,2,3]`, ""},
		{"string", `"cipher"`, ""},
		{"null", `null`, ""},
		{"no type", `{"name":"` + good + `"}`, "Type"},
		{"type string", `{"type":"1","name":"` + good + `"}`, "Type"},
		{"type out of range", `{"type":99,"name":"` + good + `"}`, "Type"},
		{"no name", `{"type":1}`, "Name"},
		{"plaintext name", `{"type":1,"name":"My bank password"}`, "Name"},
		{"empty name", `{"type":1,"name":""}`, "Name"},
		{"name a number", `{"type":1,"name":5}`, "Name"},
		{"plaintext notes", `{"type":2,"name":"` + good + `","notes":"secret"}`, "Notes"},
		{"plaintext password", `{"type":1,"name":"` + good + `","login":{"password":"hunter2"}}`, "Login.Password"},
		{"login not an object", `{"type":1,"name":"` + good + `","login":[1]}`, "Login"},
		{"uris not an array", `{"type":1,"name":"` + good + `","login":{"uris":{"a":1}}}`, "Login.Uris"},
		{"plaintext uri", `{"type":1,"name":"` + good + `","login":{"uris":[{"uri":"https://bank"}]}}`, "Login.Uris[0].Uri"},
		{"bad match", `{"type":1,"name":"` + good + `","login":{"uris":[{"uri":null,"match":"exact"}]}}`, "Login.Uris[0].Match"},
		{"plaintext field", `{"type":1,"name":"` + good + `","fields":[{"type":0,"name":"` + good + `","value":"pin 1234"}]}`, "Fields[0].Value"},
		{"bad field type", `{"type":1,"name":"` + good + `","fields":[{"type":9}]}`, "Fields[0].Type"},
		{"fields an object", `{"type":1,"name":"` + good + `","fields":{}}`, "Fields"},
		{"history without password", `{"type":1,"name":"` + good + `","passwordHistory":[{"lastUsedDate":"x"}]}`, "PasswordHistory[0].Password"},
		{"plaintext card number", `{"type":3,"name":"` + good + `","card":{"number":"4111111111111111"}}`, "Card.Number"},
		{"plaintext identity", `{"type":4,"name":"` + good + `","identity":{"ssn":"078-05-1120"}}`, "Identity.Ssn"},
		{"bad key", `{"type":1,"name":"` + good + `","key":"9.abc"}`, "Key"},
		{"duplicate field", `{"type":1,"name":"` + good + `","Name":"` + good + `"}`, "Name"},
		{"bad favorite", `{"type":1,"name":"` + good + `","favorite":"yes"}`, "Favorite"},
		{"bad organizationId", `{"type":1,"name":"` + good + `","organizationId":{}}`, "OrganizationId"},
		{"deep nesting", `{"type":1,"name":"` + good + `","x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, ""},
		{"unknown folder", `{"type":1,"name":"` + good + `","folderId":"00000000-0000-4000-8000-000000000000"}`, ""},
		{"long name", `{"type":1,"name":"` + enc(t, s.userKey, strings.Repeat("n", 1000)) + `"}`, "Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, srv, "POST", "/api/ciphers", s.token, []byte(tt.body))
			if r.status != 400 {
				t.Fatalf("status = %d, want 400 (%.200s)", r.status, r.body)
			}
			e := r.apiError(t)
			if tt.wantField != "" && e.ValidationErrors[tt.wantField] == nil {
				t.Errorf("validationErrors = %v, want one for %q", e.ValidationErrors, tt.wantField)
			}
			if tt.wantField != "" && e.Message != "The model state is invalid." {
				t.Errorf("message = %q", e.Message)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		r := do(t, srv, "POST", "/api/ciphers", s.token, []byte(`{"x":"`+strings.Repeat("a", 65<<10)+`"}`))
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", r.status)
		}
		r.apiError(t)
	})
	t.Run("create wrapper", func(t *testing.T) {
		for _, body := range []string{`{}`, `{"cipher":null}`, `{"cipher":5,"collectionIds":[]}`, `{"cipher":{"type":1,"name":"plain"},"collectionIds":"x"}`} {
			if r := do(t, srv, "POST", "/api/ciphers/create", s.token, []byte(body)); r.status != 400 {
				t.Errorf("%s: %d, want 400", body, r.status)
			}
		}
	})
	if ids := srv.ItemIDs(); len(ids) != 0 {
		t.Errorf("hostile requests stored %d items", len(ids))
	}
}

// fuzzLogin logs in through ServeHTTP, without a listener, as a user
// made with fastKDF.
func fuzzLogin(f *testing.F, srv *safetest.Server, email, password string) (*vaultcrypto.MasterKey, tokenResp) {
	f.Helper()
	mk, err := vaultcrypto.DeriveMasterKey(password, email, vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: 5000})
	if err != nil {
		f.Fatal(err)
	}
	hash, _ := mk.Hash(password, vaultcrypto.ServerAuthorization)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/identity/connect/token", strings.NewReader(passwordForm(email, hash).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	srv.ServeHTTP(rec, req)
	var tr tokenResp
	if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil || tr.AccessToken == "" {
		f.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	return mk, tr
}

// FuzzCipherRequest feeds arbitrary bodies to the cipher create and update
// handlers: the server must answer 200 or 4xx with a JSON body, never
// panic or 500.
func FuzzCipherRequest(f *testing.F) {
	srv := safetest.NewUnstartedServer()
	u, err := srv.AddUser(safetest.UserSpec{Email: "fuzz@example.com", Password: "pw", KDF: fastKDF})
	if err != nil {
		f.Fatal(err)
	}
	mk, tr := fuzzLogin(f, srv, u.Email, "pw")
	uk, _ := mk.UnwrapUserKey(mustParse(f, tr.Key))
	name, _ := uk.EncryptString("n")
	seed := `{"type":1,"name":"` + name.String() + `","login":{"username":null,"uris":[{"uri":null,"match":1,"response":null}]},"fields":[{"type":0,"name":null,"value":null}]}`
	for _, s := range []string{seed, `{}`, `[]`, `{"type":1,"name":null}`, `{"cipher":` + seed + `,"collectionIds":[]}`, `{"type":1e400}`} {
		f.Add(s)
	}
	// An existing cipher to PUT to.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/api/ciphers", strings.NewReader(seed))
	req.Header.Set("Authorization", "Bearer "+tr.AccessToken)
	srv.ServeHTTP(rec, req)
	var created cipherResp
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || created.ID == "" {
		f.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, target := range []struct{ method, path string }{
			{"POST", "/api/ciphers"}, {"POST", "/api/ciphers/create"}, {"PUT", "/api/ciphers/" + created.ID},
			{"PUT", "/api/ciphers/" + created.ID + "/collections"}, {"POST", "/api/folders"},
		} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(target.method, target.path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tr.AccessToken)
			srv.ServeHTTP(rec, req)
			if rec.Code != 200 && (rec.Code < 400 || rec.Code >= 500) {
				t.Fatalf("%s %s: status %d for %q", target.method, target.path, rec.Code, body)
			}
			if rec.Code != 200 && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s: error body is not JSON: %q", target.method, target.path, rec.Body)
			}
			// Keep the store small: remove what a successful POST made.
			var made struct {
				ID string `json:"id"`
			}
			if target.method == "POST" && rec.Code == 200 && json.Unmarshal(rec.Body.Bytes(), &made) == nil && made.ID != "" {
				del := httptest.NewRequest("DELETE", strings.TrimSuffix(target.path, "/create")+"/"+made.ID, nil)
				del.Header.Set("Authorization", "Bearer "+tr.AccessToken)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, del)
				if rec.Code != 200 {
					t.Fatalf("DELETE %s: %d", del.URL.Path, rec.Code)
				}
			}
		}
	})
}

func mustParse(tb testing.TB, s string) vaultcrypto.EncString {
	tb.Helper()
	e, err := vaultcrypto.ParseEncString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// TestRevisionDate checks that the account revision date advances on every
// write visible to the user, including writes by other team members.
func TestRevisionDate(t *testing.T) {
	t.Parallel()
	f := newTeamFixture(t)
	revision := func(s *session) int64 {
		var ms int64
		r := do(t, f.srv, "GET", "/api/accounts/revision-date", s.token, nil)
		r.json(t, &ms)
		return ms
	}
	bob0, erin0 := revision(f.bob), revision(f.erin)
	orgKey := f.alice.teamKey(t, f.srv, f.team.ID)
	c := loginCipher(t, orgKey, "new", "p")
	c["organizationId"] = f.team.ID
	if r := do(t, f.srv, "POST", "/api/ciphers/create", f.dave.token, map[string]any{"cipher": c, "collectionIds": []string{f.eng}}); r.status != 200 {
		t.Fatalf("dave creates: %d %s", r.status, r.body)
	}
	bob1 := revision(f.bob)
	if bob1 <= bob0 {
		t.Errorf("bob's revision date %d did not advance past %d after a write in his team", bob1, bob0)
	}
	if erin := revision(f.erin); erin != erin0 {
		t.Errorf("erin's revision date changed (%d → %d) by a team she is not in", erin0, erin)
	}
	if _, err := f.srv.AddFolder(mustUser(t, f.srv, f.erin), "f"); err != nil {
		t.Fatal(err)
	}
	if erin := revision(f.erin); erin <= erin0 {
		t.Errorf("erin's revision date did not advance after a folder was added")
	}
}

// mustUser finds the seeded user of a session through the JWT subject.
func mustUser(t *testing.T, srv *safetest.Server, s *session) *safetest.User {
	t.Helper()
	c := jwtClaims(t, s.token)
	return &safetest.User{ID: c["sub"].(string), Email: c["email"].(string)}
}

func TestCipherCollectionsByGeneration(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			body := map[string]any{"collectionIds": []string{f.ops}}
			r := do(t, f.srv, "PUT", "/api/ciphers/"+f.engItem+"/collections", f.alice.token, body)
			if r.status != 200 {
				t.Fatalf("PUT collections: %d %s", r.status, r.body)
			}
			if gen == safetest.Gen2023 && len(r.body) != 0 {
				t.Errorf("2023 PUT collections body = %s, want empty", r.body)
			}
			if gen == safetest.GenCurrent {
				var c cipherResp
				r.json(t, &c)
				if !slices.Equal(c.CollectionIDs, []string{f.ops}) {
					t.Errorf("collectionIds = %v", c.CollectionIDs)
				}
			}
			if got := mustV(f.srv.Item(f.engItem))(t).CollectionIDs; !slices.Equal(got, []string{f.ops}) {
				t.Errorf("stored collections = %v, want [ops]", got)
			}
			r = do(t, f.srv, "PUT", "/api/ciphers/"+f.engItem+"/collections_v2", f.alice.token, map[string]any{"collectionIds": []string{f.eng}})
			if gen == safetest.Gen2023 {
				if r.status != 404 {
					t.Errorf("2023 collections_v2: %d, want 404", r.status)
				}
				return
			}
			var v2 struct {
				Object      string      `json:"object"`
				Unavailable bool        `json:"unavailable"`
				Cipher      *cipherResp `json:"cipher"`
			}
			r.json(t, &v2)
			if v2.Object != "optionalCipherDetails" || v2.Unavailable || v2.Cipher == nil || !slices.Equal(v2.Cipher.CollectionIDs, []string{f.eng}) {
				t.Errorf("collections_v2 = %s", r.body)
			}
			// dave can write eng but not ops: moving the item to ops takes
			// it out of his sight.
			r = do(t, f.srv, "PUT", "/api/ciphers/"+f.engItem+"/collections_v2", f.dave.token, map[string]any{"collectionIds": []string{f.ops}})
			v2.Cipher = nil
			r.json(t, &v2)
			if r.status != 200 || v2.Cipher != nil || !v2.Unavailable {
				t.Errorf("dave moving to ops: %d %s", r.status, r.body)
			}
			if got := mustV(f.srv.Item(f.engItem))(t).CollectionIDs; len(got) != 0 {
				t.Errorf("stored collections = %v; dave may not add ops, so none should remain", got)
			}
		})
	}
}

// TestRequestHookSeesEveryBody is the leak canary: a client that encrypts
// properly never puts a plaintext on the wire, and the hook sees all of it.
func TestRequestHookSeesEveryBody(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		bodies []string
	)
	srv := newServer(t, safetest.WithRequestHook(func(r *http.Request, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		bodies = append(bodies, r.Method+" "+r.URL.Path+" "+string(body))
	}))
	u := addUser(t, srv, "leak@example.com", "sensitive-master-password")
	s := login(t, srv, u.Email, "sensitive-master-password")
	if r := do(t, srv, "POST", "/api/ciphers", s.token, loginCipher(t, s.userKey, "sensitive-name", "sensitive-password")); r.status != 200 {
		t.Fatal(r.status)
	}
	mu.Lock()
	defer mu.Unlock()
	var sawCreate bool
	for _, b := range bodies {
		if strings.Contains(b, "sensitive-") {
			t.Errorf("plaintext on the wire: %.120s", b)
		}
		sawCreate = sawCreate || strings.HasPrefix(b, "POST /api/ciphers {")
	}
	if !sawCreate {
		t.Errorf("the hook did not see the create request; saw %d requests", len(bodies))
	}
}

// TestWriteAnswersAndItemKeys: create, update and restore answer the
// "cipher" shape without collectionIds on both generations (as
// CipherResponseModel does); Gen2023 drops the item key a client sends, as
// Bravura Safe's request model, which has no Key member, does.
func TestWriteAnswersAndItemKeys(t *testing.T) {
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			k := f.alice.teamKey(t, f.srv, f.team.ID)
			itemKey, err := vaultcrypto.GenerateSymmetricKey()
			if err != nil {
				t.Fatal(err)
			}
			wrapped, err := k.WrapKey(itemKey)
			if err != nil {
				t.Fatal(err)
			}
			body := loginCipher(t, itemKey, "keyed", "pw")
			body["organizationId"], body["key"] = f.team.ID, wrapped.String()
			r := do(t, f.srv, "POST", "/api/ciphers/create", f.alice.token, map[string]any{"cipher": body, "collectionIds": []string{f.eng}})
			if r.status != http.StatusOK {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			var m map[string]json.RawMessage
			r.json(t, &m)
			if string(m["object"]) != `"cipher"` {
				t.Errorf("create answers object %s, want \"cipher\"", m["object"])
			}
			if _, ok := m["collectionIds"]; ok {
				t.Errorf("create answer carries collectionIds")
			}
			key, hasKey := m["key"]
			keeps := gen == safetest.GenCurrent
			if keeps && string(key) != `"`+wrapped.String()+`"` {
				t.Errorf("current server: key %s, want the one sent", key)
			}
			if !keeps && hasKey {
				t.Errorf("2023.8 answer has a key member (%s)", key)
			}
			var id string
			_ = json.Unmarshal(m["id"], &id)
			raw, _ := f.srv.RawCipher(id)
			if stored := strings.Contains(string(raw), wrapped.String()); stored != keeps {
				t.Errorf("key stored: %v, want %v", stored, keeps)
			}
			var details cipherResp
			do(t, f.srv, "GET", "/api/ciphers/"+id+"/details", f.alice.token, nil).json(t, &details)
			if details.Object != "cipherDetails" || !slices.Equal(details.CollectionIDs, []string{f.eng}) {
				t.Errorf("details: object %q, collections %v", details.Object, details.CollectionIDs)
			}
			body["lastKnownRevisionDate"] = details.RevisionDate
			r = do(t, f.srv, "PUT", "/api/ciphers/"+id, f.alice.token, body)
			var upd cipherResp
			r.json(t, &upd)
			if r.status != http.StatusOK || upd.Object != "cipher" || upd.CollectionIDs != nil {
				t.Errorf("update: %d, object %q, collections %v", r.status, upd.Object, upd.CollectionIDs)
			}
		})
	}
}

// TestCipherMemberNamesASCIIFold: the server matches member names with
// ASCII case folding, as ASP.NET's member lookup does: "NAME" is "name",
// but a key with the Kelvin sign is not "key", nor one with the long s
// "notes". Those are unknown members, not malformed known ones.
func TestCipherMemberNamesASCIIFold(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	addUser(t, srv, "a@example.com", "pw")
	s := login(t, srv, "a@example.com", "pw")
	body := map[string]any{
		"TYPE": 2, "NaMe": enc(t, s.userKey, "n"), "secureNote": map[string]any{"type": 0},
		"\u212Aey": "not an encrypted string", "note\u017F": "plaintext, not a note",
	}
	r := do(t, srv, "POST", "/api/ciphers", s.token, body)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	// Read the answer by exact member names: encoding/json would fold
	// the lookalikes onto "key" and "notes" itself.
	var got map[string]json.RawMessage
	r.json(t, &got)
	if string(got["notes"]) != "null" || string(got["key"]) != "null" {
		t.Errorf("notes = %s, key = %s, want null: the lookalike members are neither", got["notes"], got["key"])
	}
	var id string
	_ = json.Unmarshal(got["id"], &id)
	if it := mustV(srv.Item(id))(t); it.Name != "n" || it.Notes != "" || it.ItemKey {
		t.Errorf("stored item = %+v", it)
	}
}
