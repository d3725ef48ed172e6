package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// itemsEnv is a testEnv logged in, with a team item in a collection, a
// secure note in a folder, and the environment's personal login "AD".
type itemsEnv struct {
	*testEnv
	key                string
	team               *safetest.Team
	adID, dbID, noteID string
	folderID           string
	session            map[string]string
}

func newItemsEnv(t *testing.T) *itemsEnv {
	t.Helper()
	ie := &itemsEnv{}
	e := newTestEnv(t, safetest.GenCurrent)
	ie.testEnv = e
	var err error
	if ie.team, err = e.srv.AddTeam(e.user, safetest.TeamSpec{Name: "Ops", DefaultCollection: "Servers"}); err != nil {
		t.Fatal(err)
	}
	folder, err := e.srv.AddFolder(e.user, "Notes")
	if err != nil {
		t.Fatal(err)
	}
	ie.folderID = folder.ID
	if ie.dbID, err = e.srv.AddItem(ie.team, safetest.Item{Name: "db", Notes: "primary",
		Login:         &safetest.Login{Username: "root", Password: "sensitive-db-pw", URIs: []safetest.URI{{URI: "https://db.example.com/login"}}},
		Fields:        []safetest.Field{{Name: "assocID", Value: "42"}},
		CollectionIDs: []string{ie.team.DefaultCollectionID}}); err != nil {
		t.Fatal(err)
	}
	if ie.noteID, err = e.srv.AddItem(e.user, safetest.Item{Name: "note", Notes: "sensitive-note-text", FolderID: folder.ID}); err != nil {
		t.Fatal(err)
	}
	ids := e.srv.ItemIDs()
	for _, id := range ids {
		if id != ie.dbID && id != ie.noteID {
			ie.adID = id
		}
	}
	ie.key = e.login()
	ie.session = map[string]string{"BW_SESSION": ie.key}
	return ie
}

func (ie *itemsEnv) ok(stdin string, args ...string) string {
	ie.t.Helper()
	return ie.mustRun(stdin, ie.session, args...)
}

func (ie *itemsEnv) bad(stdin string, args ...string) result {
	ie.t.Helper()
	return ie.run(stdin, ie.session, args...)
}

// names parses a list of items and returns their names, in order.
func names(t *testing.T, out string) []string {
	t.Helper()
	var items []struct{ Name string }
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("not a JSON list: %q: %v", out, err)
	}
	ns := []string{}
	for _, it := range items {
		ns = append(ns, it.Name)
	}
	return ns
}

func enc(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestListItemsFilters(t *testing.T) {
	ie := newItemsEnv(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"AD", "db", "note"}},
		{[]string{"--search", "bonnil"}, []string{"AD"}},
		{[]string{"--search", "DB.EXAMPLE"}, []string{"db"}},            // a URI's host name
		{[]string{"--search", "note sensitive-note"}, []string{"note"}}, // every term, also in notes
		{[]string{"--search", "prim root"}, []string{"db"}},
		{[]string{"--search", ie.noteID[:8]}, []string{"note"}}, // the start of the ID
		{[]string{"--search", "nothing-matches"}, []string{}},
		{[]string{"--organizationid", ie.team.ID}, []string{"db"}},
		{[]string{"--organizationid", "null"}, []string{"AD", "note"}},
		{[]string{"--organizationid", "notnull"}, []string{"db"}},
		{[]string{"--collectionid", ie.team.DefaultCollectionID}, []string{"db"}},
		{[]string{"--collectionid", "null"}, []string{"AD", "note"}},
		{[]string{"--folderid", ie.folderID}, []string{"note"}},
		{[]string{"--folderid", "null"}, []string{"AD", "db"}},
		{[]string{"--folderid", "notnull"}, []string{"note"}},
		// bw's filters are alternatives: the folder's items or the team's.
		{[]string{"--folderid", ie.folderID, "--organizationid", ie.team.ID}, []string{"db", "note"}},
		{[]string{"--folderid", "null", "--search", "root"}, []string{"db"}},
		{[]string{"--url", "https://www.example.com/"}, []string{"db"}}, // same base domain
		{[]string{"--url", "https://example.org/"}, []string{}},
		{[]string{"--trash"}, []string{}},
	} {
		got := names(t, ie.ok("", append([]string{"list", "items"}, tc.args...)...))
		if !slices.Equal(got, tc.want) {
			t.Errorf("list items %v = %v, want %v", tc.args, got, tc.want)
		}
	}
	ie.ok("", "delete", "item", ie.adID)
	if got := names(t, ie.ok("", "list", "items", "--trash")); !slices.Equal(got, []string{"AD"}) {
		t.Errorf("list items --trash after delete = %v, want [AD]", got)
	}
	if got := names(t, ie.ok("", "list", "items")); !slices.Equal(got, []string{"db", "note"}) {
		t.Errorf("list items after delete = %v, want [db note]", got)
	}
}

func TestGetItemShape(t *testing.T) {
	ie := newItemsEnv(t)
	var got map[string]any
	if err := json.Unmarshal([]byte(ie.ok("", "get", "item", strings.ToUpper(ie.dbID))), &got); err != nil {
		t.Fatal(err)
	}
	srvItem, err := ie.srv.Item(ie.dbID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": 1.0, "name": "db", "favorite": false, "reprompt": 0.0, "id": ie.dbID,
		"collectionIds": []any{ie.team.DefaultCollectionID}, "object": "item", "organizationId": ie.team.ID,
		"notes": "primary", "fields": []any{map[string]any{"type": 0.0, "name": "assocID", "value": "42"}},
		"login": map[string]any{"uris": []any{map[string]any{"uri": "https://db.example.com/login"}}, "fido2Credentials": []any{},
			"username": "root", "password": "sensitive-db-pw", "passwordRevisionDate": nil},
		"passwordHistory": []any{},
		"creationDate":    srvItem.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
		"revisionDate":    srvItem.Revised.UTC().Format("2006-01-02T15:04:05.000Z"),
		"attachments":     []any{},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("get item:\n got %v\nwant %v", got, want)
	}
}

func TestGetItemParts(t *testing.T) {
	ie := newItemsEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"get", "username", "bonnil"}, "bonnil"},
		{[]string{"get", "password", "AD"}, testItemPassword},
		{[]string{"get", "password", ie.dbID}, "sensitive-db-pw"},
		{[]string{"get", "uri", "db"}, "https://db.example.com/login"},
		{[]string{"get", "notes", "note"}, "sensitive-note-text"},
		{[]string{"get", "notes", ie.dbID}, "primary"},
	} {
		if got := ie.ok("", tc.args...); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.args, got, tc.want)
		}
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"get", "item", "nothing-matches"}, "Not found."},
		{[]string{"get", "item", "11111111-1111-1111-1111-111111111111"}, "Not found."},
		{[]string{"get", "item"}, "error: missing required argument 'id'"},
		// bw's filter turns a non-login into "Not found." before its
		// "Not a login." check is reached.
		{[]string{"get", "username", ie.noteID}, "Not found."},
		{[]string{"get", "uri", ie.adID}, "Not found."}, // so also a login without one
		{[]string{"get", "notes", ie.adID}, "Not found."},
		{[]string{"get", "username", "note"}, "Not found."}, // a search finds only logins with one
	} {
		failsWith(t, ie.bad("", tc.args...), tc.msg)
	}

	// Two items answer "d" ("AD" and "db"): bw's error lists them; one of
	// them has no URI, so get uri still finds the other.
	r := ie.bad("", "get", "item", "d")
	ids := []string{ie.adID, ie.dbID}
	slices.Sort(ids)
	wantMsg := "More than one result was found. Try getting a specific object by `id` instead. The following objects were found:\n"
	lines := strings.Split(strings.TrimPrefix(r.stderr, wantMsg), "\n")
	slices.Sort(lines)
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, wantMsg) || !slices.Equal(lines, ids) {
		t.Errorf("get item d: exit %d, stderr %q; want bw's ambiguity error listing %v", r.code, r.stderr, ids)
	}
	if got := ie.ok("", "get", "uri", "d"); got != "https://db.example.com/login" {
		t.Errorf("get uri d = %q, want db's URI", got)
	}
}

func TestGetTemplate(t *testing.T) {
	ie := newItemsEnv(t)
	for name, want := range map[string]string{
		"item":             `{"type":1,"name":"Item name","favorite":false,"reprompt":0,"notes":"Some notes about this item.","fields":[],"passwordHistory":[]}`,
		"item.login":       `{"uris":[],"username":"jdoe","password":"myp@ssword123","totp":"JBSWY3DPEHPK3PXP","fido2Credentials":[]}`,
		"item.field":       `{"type":0,"name":"Field name","value":"Some value"}`,
		"item.login.uri":   `{"uri":"https://google.com"}`,
		"item.securenote":  `{"type":0}`,
		"item-collections": `["collection-id1","collection-id2"]`,
	} {
		if got := ie.ok("", "get", "template", name); got != want {
			t.Errorf("get template %s = %s, want %s", name, got, want)
		}
	}
	if got := ie.ok("", "get", "template", "item.securenote", "--pretty"); got != "{\n  \"type\": 0\n}" {
		t.Errorf("get template --pretty = %q", got)
	}
	failsWith(t, ie.bad("", "get", "template", "login.uri"), "Unknown template object.")
	failsWith(t, ie.bad("", "get", "template", "item.passport"), "Passport item type is not available.")
	failsWith(t, ie.bad("", "get", "template"), "error: missing required argument 'id'")
}

func TestCreateEditDeleteRestore(t *testing.T) {
	ie := newItemsEnv(t)
	created := ie.ok("", "create", "item", enc(`{"type":1,"name":"new","notes":"n","favorite":true,"reprompt":1,`+
		`"folderId":"`+ie.folderID+`","fields":[{"name":"f","value":"v","type":1}],`+
		`"login":{"username":"u1","password":"sensitive-new-pw","totp":"JBSWY3DPEHPK3PXP","uris":[{"uri":"https://n.example","match":3}]}}`))
	var out struct {
		ID, Name string
		Reprompt int
		Login    struct{ URIs []struct{ Match *int } }
	}
	if err := json.Unmarshal([]byte(created), &out); err != nil || out.ID == "" || out.Name != "new" || out.Reprompt != 1 ||
		len(out.Login.URIs) != 1 || out.Login.URIs[0].Match == nil || *out.Login.URIs[0].Match != 3 {
		t.Fatalf("create item printed %s (%v)", created, err)
	}
	stored, err := ie.srv.Item(out.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Name != "new" || stored.Notes != "n" || !stored.Reprompt || stored.Login.Password != "sensitive-new-pw" ||
		stored.Login.TOTP != "JBSWY3DPEHPK3PXP" || len(stored.Fields) != 1 || stored.Fields[0].Value != "v" ||
		stored.Fields[0].Type != safetest.FieldHidden || len(stored.Login.URIs) != 1 || stored.Login.URIs[0].URI != "https://n.example" {
		t.Errorf("server holds %+v after create", stored)
	}

	// The JSON on standard input, with the trailing newline of echo.
	fromStdin := ie.ok(enc(`{"type":2,"name":"piped","secureNote":{"type":0}}`)+"\n", "create", "item")
	if !strings.Contains(fromStdin, `"name":"piped"`) || !strings.Contains(fromStdin, `"secureNote":{"type":0}`) {
		t.Errorf("create item from stdin printed %s", fromStdin)
	}

	// bw's edit takes the whole item: what get item printed, changed.
	var edit map[string]any
	if err := json.Unmarshal([]byte(ie.ok("", "get", "item", out.ID)), &edit); err != nil {
		t.Fatal(err)
	}
	edit["name"] = "renamed"
	edit["login"].(map[string]any)["password"] = "sensitive-newer-pw"
	b, _ := json.Marshal(edit)
	edited := ie.ok("", "edit", "item", out.ID, base64.StdEncoding.EncodeToString(b))
	if !strings.Contains(edited, `"name":"renamed"`) {
		t.Errorf("edit item printed %s", edited)
	}
	stored, _ = ie.srv.Item(out.ID)
	if stored.Name != "renamed" || stored.Notes != "n" || stored.Login.Password != "sensitive-newer-pw" ||
		!slices.Equal(stored.PasswordHistory, []string{"sensitive-new-pw"}) || stored.Login.Username != "u1" {
		t.Errorf("server holds %+v after edit; want the new name and password, the old one in the history", stored)
	}

	if got := ie.ok("", "delete", "item", out.ID); got != "" {
		t.Errorf("delete printed %q", got)
	}
	if stored, _ = ie.srv.Item(out.ID); stored.Deleted.IsZero() {
		t.Error("delete item: not in the trash")
	}
	failsWith(t, ie.bad("", "edit", "item", out.ID, enc(`{"name":"x"}`)), "You may not edit a deleted item. Use the restore command first.")
	ie.ok("", "restore", "item", out.ID)
	if stored, _ = ie.srv.Item(out.ID); !stored.Deleted.IsZero() {
		t.Error("restore item: still in the trash")
	}
	failsWith(t, ie.bad("", "restore", "item", out.ID), "Cipher is not in trash.")
	ie.ok("", "delete", "item", out.ID, "--permanent")
	if _, err := ie.srv.Item(out.ID); err == nil {
		t.Error("delete item --permanent: the item is still there")
	}
	failsWith(t, ie.bad("", "delete", "item", out.ID), "Not found.")
	failsWith(t, ie.bad("", "restore", "item", out.ID), "Not found.")
}

func TestEditItemCollections(t *testing.T) {
	ie := newItemsEnv(t)
	col, err := ie.srv.AddCollection(ie.team, "Second")
	if err != nil {
		t.Fatal(err)
	}
	out := ie.ok("", "edit", "item-collections", ie.dbID, enc(`["`+col.ID+`"]`), "--organizationid", ie.team.ID)
	if !strings.Contains(out, `"collectionIds":["`+col.ID+`"]`) {
		t.Errorf("edit item-collections printed %s", out)
	}
	stored, _ := ie.srv.Item(ie.dbID)
	if !slices.Equal(stored.CollectionIDs, []string{col.ID}) {
		t.Errorf("server holds collections %v, want [%s]", stored.CollectionIDs, col.ID)
	}
	failsWith(t, ie.bad("", "edit", "item-collections", ie.adID, enc(`["`+col.ID+`"]`)),
		"Item does not belong to an organization. Consider moving it first.")
	failsWith(t, ie.bad("", "edit", "item-collections", ie.dbID, enc(`{"a":1}`)), "Error parsing the encoded request data.")
}

func TestMoveItemChecks(t *testing.T) {
	ie := newItemsEnv(t)
	col := ie.team.DefaultCollectionID
	failsWith(t, ie.bad("", "move", ie.adID), "error: missing required argument 'organizationId'")
	failsWith(t, ie.bad("", "move", ie.adID, ie.team.ID), "`requestJson` was not provided.")
	failsWith(t, ie.bad("", "move", ie.adID, ie.team.ID, enc(`[]`)), "You must provide at least one collection id for this item.")
	failsWith(t, ie.bad("", "move", ie.adID, ie.team.ID, "%%%"), "Error parsing the encoded request data.")
	failsWith(t, ie.bad("", "move", ie.dbID, ie.team.ID, enc(`["`+col+`"]`)), "This item already belongs to an organization.")
	failsWith(t, ie.bad("", "move", ie.adID, "0b0e0c1a-1111-4222-8333-444455556666", enc(`["`+col+`"]`)), "Organization not found.")
	failsWith(t, ie.bad("", "move", ie.adID, "not-an-org", enc(`["`+col+`"]`)), "Organization not found.")
	if r := ie.bad("", "move", ie.adID, ie.team.ID, enc(`["not-a-collection"]`)); r.code != 1 || r.stdout != "" ||
		!strings.Contains(r.stderr, "not a GUID") || strings.Count(r.stderr, "\n") > 1 {
		t.Errorf("a collection ID that is no GUID: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if st, err := ie.srv.Item(ie.adID); err != nil || st.TeamID != "" {
		t.Errorf("item after refused moves: team %q, %v; want still personal", st.TeamID, err)
	}
}

// TestMoveItem: move shares the personal item with the organization and
// prints it as bw does (the item as now stored, in the collection); the
// server holds it under the team key, with no personal copy left.
func TestMoveItem(t *testing.T) {
	ie := newItemsEnv(t)
	col := ie.team.DefaultCollectionID
	before := len(ie.srv.ItemIDs())
	out := ie.ok("", "move", strings.ToUpper(ie.adID), strings.ToUpper(ie.team.ID), enc(`["`+strings.ToUpper(col)+`"]`))
	var got struct {
		Object, ID, Name, OrganizationID string
		CollectionIDs                    []string
		Login                            struct{ Username, Password string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("move printed %q: %v", out, err)
	}
	if got.Object != "item" || got.ID != ie.adID || got.Name != "AD" || got.OrganizationID != ie.team.ID ||
		!slices.Equal(got.CollectionIDs, []string{col}) || got.Login.Username != "bonnil" || got.Login.Password != testItemPassword {
		t.Errorf("move printed %s", out)
	}
	st, err := ie.srv.Item(ie.adID) // the server's decryption, under the team key
	if err != nil || st.TeamID != ie.team.ID || !slices.Equal(st.CollectionIDs, []string{col}) || st.Login.Password != testItemPassword {
		t.Errorf("stored item: %+v, %v", st, err)
	}
	if n := len(ie.srv.ItemIDs()); n != before {
		t.Errorf("%d items after the move, want %d (moved, not copied)", n, before)
	}
	if inOrg := names(t, ie.ok("", "list", "items", "--organizationid", ie.team.ID)); !slices.Contains(inOrg, "AD") {
		t.Errorf("list items --organizationid after the move: %v, want AD among them", inOrg)
	}
	failsWith(t, ie.bad("", "move", ie.adID, ie.team.ID, enc(`["`+col+`"]`)), "This item already belongs to an organization.")
}

// TestMoveItemLostAnswer: a move the server applied but whose answer was
// dropped is a success, printed as one, not an error.
func TestMoveItemLostAnswer(t *testing.T) {
	ie := newItemsEnv(t)
	base := ie.srv.Client().Transport
	var shares atomic.Int32
	lose := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/share") && shares.Add(1) == 1 {
			resp, err := base.RoundTrip(r) // applied by the server, the answer lost
			if err == nil {
				resp.Body.Close()
			}
			return nil, io.ErrUnexpectedEOF
		}
		return base.RoundTrip(r)
	})}
	r := ie.runWith(lose, "", "move", ie.adID, ie.team.ID, enc(`["`+ie.team.DefaultCollectionID+`"]`))
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, ie.team.ID) {
		t.Errorf("move with a lost answer: exit %d, stdout %q, stderr %q; want success", r.code, r.stdout, r.stderr)
	}
	if n := shares.Load(); n < 2 {
		t.Errorf("%d share requests, want the lost one and its repeat", n)
	}
	if st, err := ie.srv.Item(ie.adID); err != nil || st.TeamID != ie.team.ID {
		t.Errorf("stored item: team %q, %v", st.TeamID, err)
	}
}

// TestItemWritesBadInput: broken base64 or JSON, or a missing argument, is
// one line and exit 1, and no write reaches the server.
func TestItemWritesBadInput(t *testing.T) {
	var writes atomic.Int32
	e := newTestEnv(t, safetest.GenCurrent)
	ie := &itemsEnv{testEnv: e}
	ie.key = e.login()
	ie.session = map[string]string{"BW_SESSION": ie.key}
	id := e.srv.ItemIDs()[0]
	base := e.srv.Client().Transport
	counting := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/ciphers") {
			writes.Add(1)
		}
		return base.RoundTrip(r)
	})}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"create", "item", "not base64!!"}, "Error parsing the encoded request data."},
		{[]string{"create", "item", enc(`{"name":`)}, "Error parsing the encoded request data."},
		{[]string{"create", "item", enc(`["a"]`)}, "Error parsing the encoded request data."},
		{[]string{"create", "item", enc(`null`)}, "Error parsing the encoded request data."},
		{[]string{"create", "item", enc(`{"name":1}`)}, "Error parsing the encoded request data."},
		{[]string{"create", "item", enc(`{} {}`)}, "Error parsing the encoded request data."},
		{[]string{"create", "item"}, "`requestJson` was not provided."},
		{[]string{"edit", "item", id, "%%%"}, "Error parsing the encoded request data."},
		{[]string{"edit", "item", id}, "`requestJson` was not provided."},
		{[]string{"edit", "item"}, "error: missing required argument 'id'"},
		{[]string{"edit", "item", "not-an-id", enc(`{}`)}, "Not found."},
		{[]string{"edit", "item", "11111111-1111-1111-1111-111111111111", enc(`{}`)}, "Not found."},
		{[]string{"delete", "item", "not-an-id"}, "Not found."},
		{[]string{"delete", "item"}, "error: missing required argument 'id'"},
		{[]string{"restore", "item"}, "error: missing required argument 'id'"},
		{[]string{"list", "items", "--nope"}, "error: unknown option '--nope'"},
	} {
		failsWith(t, ie.runWith(counting, "", tc.args...), tc.msg)
	}
	if n := writes.Load(); n != 0 {
		t.Errorf("%d writes reached the server", n)
	}
	// Locked: no session key.
	failsWith(t, e.run("", map[string]string{"BW_SESSION": ""}, "create", "item", enc(`{"name":"x"}`)), msgLocked)
	failsWith(t, e.run("", map[string]string{"BW_SESSION": ""}, "list", "items"), msgLocked)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// runWith is run through another HTTP client.
func (ie *itemsEnv) runWith(c *http.Client, stdin string, args ...string) result {
	ie.t.Helper()
	var stdout, stderr strings.Builder
	a := newApp(strings.NewReader(stdin), &stdout, &stderr, func(k string) string {
		if v, ok := ie.session[k]; ok {
			return v
		}
		if k == "BSAFE_APPDATA_DIR" {
			return ie.dir
		}
		return ie.env[k]
	})
	a.httpClient = c
	a.isTerminal = func(any) bool { return false }
	code := a.run(ie.t.Context(), args)
	return result{stdout.String(), stderr.String(), code}
}

// TestItemWritesLostAnswer: a create or edit whose answer is lost is
// reported as possibly applied, and not sent again.
func TestItemWritesLostAnswer(t *testing.T) {
	ie := newItemsEnv(t)
	ie.ok("", "list", "items") // warm the connection: a drop then hits the write
	before := len(ie.srv.ItemIDs())
	ie.srv.InjectFault(safetest.Fault{Method: http.MethodPost, Path: "/api/ciphers", Drop: true, Count: 5})
	r := ie.bad("", "create", "item", enc(`{"type":1,"name":"lost"}`))
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "may have applied") || strings.Contains(r.stderr, "\n") {
		t.Errorf("create with a lost answer: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if left := ie.srv.PendingFaults(); left != 4 {
		t.Errorf("the create was sent %d times, want once", 5-left)
	}
	ie.srv.ClearFaults()
	if n := len(ie.srv.ItemIDs()); n != before {
		t.Errorf("%d items after a dropped create, want %d", n, before)
	}

	ie.srv.InjectFault(safetest.Fault{Method: http.MethodPut, Path: "/api/ciphers/" + ie.adID, Drop: true, Count: 20})
	r = ie.bad("", "edit", "item", ie.adID, enc(`{"type":1,"name":"lost edit","login":{"username":"x"}}`))
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "may have applied") || !strings.Contains(r.stderr, ie.adID) {
		t.Errorf("edit with lost answers: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	ie.srv.ClearFaults()
	if st, _ := ie.srv.Item(ie.adID); st.Name != "AD" {
		t.Errorf("item renamed to %q by dropped edits", st.Name)
	}
}

// The SHA-1 of testItemPassword, upper-case hex, computed outside the code
// under test (printf %s sensitive-item-password-93a | sha1sum), split as the
// range API wants it.
const (
	pwnedPrefix = "1E300"
	pwnedSuffix = "AC5D5EE54969960B9B937462698F71E74E4"
)

func TestGetExposed(t *testing.T) {
	ie := newItemsEnv(t)
	var gotPath, gotPadding string
	hibp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotPadding = r.URL.Path, r.Header.Get("Add-Padding")
		fmt.Fprint(w, "0000000000000000000000000000000000A:3\r\n"+pwnedSuffix+":1234\r\nFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0\r\n")
	}))
	defer hibp.Close()
	env := map[string]string{"BW_SESSION": ie.key, "BSAFE_PWNED_PASSWORDS_URL": hibp.URL + "/range/"}
	if got := ie.mustRun("", env, "get", "exposed", "AD"); got != "1234" {
		t.Errorf("get exposed = %q, want 1234", got)
	}
	if gotPath != "/range/"+pwnedPrefix || gotPadding != "true" {
		t.Errorf("asked %q with Add-Padding %q; want /range/%s and true", gotPath, gotPadding, pwnedPrefix)
	}
	if got := ie.mustRun("", env, "get", "exposed", ie.dbID); got != "0" {
		t.Errorf("get exposed of an unlisted password = %q, want 0", got)
	}
	failsWith(t, ie.run("", env, "get", "exposed", ie.noteID), "Not found.")
	hibp.Close()
	failsWith(t, ie.run("", env, "get", "exposed", "AD"), "Cannot reach the Pwned Passwords service.")
}
