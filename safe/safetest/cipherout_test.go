package safetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// The hand-written cipher and sync writers (cipherout.go) must write
// exactly what encoding/json wrote for the maps the server used to build.
// These are those maps, kept as the reference.

func (c *call) cipherOutMap(ci *cipherRec, kind cipherKind) map[string]any {
	out := make(map[string]any, len(ci.data)+20)
	defaults := []string{"notes", "fields", "passwordHistory", "login", "card", "identity", "secureNote"}
	if c.current() {
		defaults = append(defaults, "key", "sshKey") // 2023.8 models neither
	}
	for _, k := range defaults {
		out[k] = nil
	}
	out["reprompt"] = 0
	for k, v := range ci.data {
		out[k] = v
	}
	out["object"] = cipherKindNames[kind]
	out["id"] = ci.id
	out["organizationId"] = optString(ci.orgID)
	out["organizationUseTotp"] = ci.orgID != ""
	out["creationDate"] = fmtTime(ci.created)
	out["revisionDate"] = fmtTime(ci.revision)
	out["deletedDate"] = optTime(ci.deleted)
	out["attachments"] = nil
	if kind == kindCipher || kind == kindCipherDetails {
		a := c.st.cipherAccess(c.user, ci)
		out["folderId"] = optString(ci.folders[c.user.id])
		out["favorite"] = ci.favorites[c.user.id]
		out["edit"] = a.edit
		out["viewPassword"] = a.viewPassword
		if c.current() {
			out["permissions"] = map[string]bool{"delete": a.edit, "restore": a.edit}
			out["archivedDate"] = nil
		}
	}
	if kind == kindCipherDetails || kind == kindCipherMiniDetails {
		out["collectionIds"] = sortedSet(ci.collections)
	}
	return out
}

func (c *call) syncMap() map[string]any {
	u := c.user
	resp := map[string]any{
		"object":   "sync",
		"profile":  c.profile(),
		"policies": []any{},
		"sends":    []any{},
	}
	folders := []folderJSON{}
	for _, f := range c.st.userFolders(u.id) {
		folders = append(folders, folderOut(f))
	}
	resp["folders"] = folders
	cols := []collectionJSON{}
	for _, col := range c.st.visibleCollections(u) {
		cols = append(cols, c.collectionOut(col, kindCollectionDetails))
	}
	resp["collections"] = cols
	ciphers := []map[string]any{}
	for _, v := range c.st.visibleCiphers(u) {
		ciphers = append(ciphers, c.cipherOutMap(v.ci, kindCipherDetails))
	}
	resp["ciphers"] = ciphers
	if c.queryBool("excludeDomains") {
		resp["domains"] = nil
	} else {
		resp["domains"] = map[string]any{
			"object": "domains", "equivalentDomains": []any{}, "globalEquivalentDomains": []any{},
		}
	}
	if c.current() {
		resp["userDecryption"] = map[string]any{
			"masterPasswordUnlock": map[string]any{
				"kdf":                       u.kdf.settings(),
				"masterKeyEncryptedUserKey": u.key,
				"masterKeyWrappedUserKey":   u.key,
				"salt":                      vaultcrypto.NormalizeEmail(u.email),
			},
			"userKeyId": optString(u.userKeyID),
		}
	}
	return resp
}

// cipherFixture is a server holding ciphers of every shape, and the
// users who look at them.
type cipherFixture struct {
	s                    *Server
	owner, member, admin *userRec
	team                 *Team
	deleted              string // a deleted team cipher
}

// must returns v, panicking on an error: fixtures are built without
// failing cases.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func newCipherFixture(t testing.TB, gen Generation) *cipherFixture {
	t.Helper()
	s := NewUnstartedServer(WithGeneration(gen))
	t.Cleanup(s.Close)
	user := func(email string) *User {
		return must(s.AddUser(UserSpec{Email: email, Password: "pw", KDF: PBKDF2(5000)}))
	}
	owner, member, admin := user("owner@example.com"), user("member@example.com"), user("admin@example.com")
	team := must(s.AddTeam(owner, TeamSpec{Name: "Team"}))
	colA := must(s.AddCollection(team, "A"))
	colB := must(s.AddCollection(team, "B"))
	colC := must(s.AddCollection(team, "C"))
	must(s.AddMember(team, member, RoleUser,
		CollectionAccess{CollectionID: colA.ID, ReadOnly: true, HidePasswords: true}, CollectionAccess{CollectionID: colB.ID}))
	must(s.AddMember(team, admin, RoleAdmin))
	folder := must(s.AddFolder(owner, "Folder"))
	must(s.AddFolder(member, "Member's folder"))

	login := &Login{Username: "u", Password: "p", URIs: []URI{{URI: "https://example.com/?a=<b>&c"}}}
	items := []struct {
		owner Owner
		item  Item
	}{
		{owner, Item{Name: "personal", Notes: "n", ItemKey: true, Favorite: true, FolderID: folder.ID, Login: login,
			Fields: []Field{{Name: "f", Value: "v"}, {Type: FieldLinked, LinkedID: LinkedPassword}}}},
		{owner, Item{Name: "note", Type: TypeSecureNote, Reprompt: true}},
		{owner, Item{Name: "card", Card: &Card{Number: "4111"}}},
		{owner, Item{Name: "identity", Identity: &Identity{FirstName: "A"}}},
		{team, Item{Name: "in A", Login: login, CollectionIDs: []string{colA.ID}}},
		{team, Item{Name: "in A and B", ItemKey: true, Login: login, CollectionIDs: []string{colB.ID, colA.ID}}},
		{team, Item{Name: "in C", CollectionIDs: []string{colC.ID}}},
		{team, Item{Name: "in all", CollectionIDs: []string{colC.ID, colA.ID, colB.ID}}},
		{team, Item{Name: "no collection"}},
	}
	f := &cipherFixture{s: s, team: team}
	for _, it := range items {
		id := must(s.AddItem(it.owner, it.item))
		if it.item.Name == "in A and B" {
			f.deleted = id
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	f.owner, f.member, f.admin = s.st.users[owner.ID], s.st.users[member.ID], s.st.users[admin.ID]
	ci := s.st.ciphers[f.deleted]
	ci.deleted = ci.revision.Add(1500)
	ci.revision = ci.deleted
	for _, ci := range s.st.ciphers {
		if ci.orgID != "" && len(ci.collections) == 1 {
			setPerUser(ci, f.member.id, "", true) // the member's favourite
		}
	}

	// Ciphers as odd clients send them: spacing, other spellings, no
	// defaults, unknown members with characters encoding/json escapes.
	e := must(vaultcrypto.GenerateSymmetricKey())
	es := must(e.EncryptString("x")).String()
	bodies := []struct {
		body string
		cols []string
	}{
		{`{ "Type" : 2, "NAME" : "` + es + `", "secureNote" : { "type" : 0 } }`, nil},
		{`{
			"type": 2, "name": "` + es + `", "SecureNote": {"type": 0}, "reprompt": 1,
			"zzz": {"b": "<a & b>", "a": [1, 2.50, true, null, -0, 1e3]},
			"aaa": "line\u2028sep \u2029 ok", "edits": "x", "<key>": 1, "a&b": {},
			"\u00e9": "\u00e9\ud83d\ude00\u0001", "x\ty": "tab\n", "keyz": null, "notesX": " ",
			"invalid": "` + "\xff\xfe" + `", "` + "k\xffey" + `": 1
		}`, nil},
		{`{"type":1,"organizationId":"` + strings.ToUpper(team.ID) + `","name":"` + es + `","notes":"` + es + `","key":"` + es + `",
			"login":{"Username":"` + es + `","uris":[{"uri":"` + es + `","match":null,"response":1}],"response":{}},
			"fields":[{"type":0,"name":"` + es + `","value":"` + es + `"}],"sshKey":{"privateKey":"` + es + `"},
			"passwordHistory":[{"password":"` + es + `","lastUsedDate":"2024-01-01T00:00:00Z"}],
			"unknownFuture":{"nested":{"deep":[]}},"Reprompt":0,"card":null,"identity":null}`, []string{colB.ID}},
		{`{"type":3,"organizationId":"` + team.ID + `","name":"` + es + `","card":{"number":"` + es + `","brand":null},"id":"x","edit":false,"collectionIds":["y"]}`,
			[]string{colA.ID, colC.ID}},
	}
	c := &call{s: s, st: s.st, user: f.owner}
	for _, b := range bodies {
		req, err := parseCipherRequest(json.RawMessage(b.body), "")
		if err != nil {
			t.Fatalf("%s: %v", b.body, err)
		}
		c.now = s.st.tick(s.now())
		if _, err := c.createCipher(req, b.cols); err != nil {
			t.Fatal(err)
		}
	}
	// Members a client cannot store (parseCipherRequest drops them) still
	// lose to the server's.
	ci = s.st.ciphers[f.deleted]
	d := maps.Clone(ci.data)
	for _, k := range []string{"id", "object", "edit", "collectionIds", "permissions", "folderId"} {
		d[k] = json.RawMessage(`"stored"`)
	}
	ci.setData(d)
	return f
}

// viewers are the users to render ciphers for (nil: the kinds without
// per-user members, as RawCipher renders them).
func (f *cipherFixture) viewers() []*userRec { return []*userRec{f.owner, f.member, f.admin} }

func TestCipherOutMatchesEncodingJSON(t *testing.T) {
	for _, gen := range []Generation{GenCurrent, Gen2023} {
		t.Run(gen.String(), func(t *testing.T) {
			f := newCipherFixture(t, gen)
			s := f.s
			s.mu.Lock()
			defer s.mu.Unlock()
			n := 0
			for _, ci := range s.st.ciphers {
				for kind := range cipherKind(len(cipherKindNames)) {
					users := f.viewers()
					if !kind.needsAccess() {
						users = append(users, nil)
					}
					for _, u := range users {
						c := &call{s: s, st: s.st, user: u}
						got := c.cipherOut(ci, kind)
						want, err := json.Marshal(c.cipherOutMap(ci, kind))
						if err != nil {
							t.Fatal(err)
						}
						if !bytes.Equal(got, want) {
							t.Errorf("%s as %s:\n got %s\nwant %s", cipherKindNames[kind], userName(u), got, want)
						}
						if !json.Valid(got) {
							t.Errorf("%s: not valid JSON: %s", cipherKindNames[kind], got)
						}
						if size := c.cipherSize(ci, kind); size < len(got) {
							t.Errorf("%s: size estimate %d < %d", cipherKindNames[kind], size, len(got))
						}
						n++
					}
				}
			}
			if n < 100 {
				t.Fatalf("only %d renderings compared", n)
			}
			want, err := json.Marshal((&call{s: s, st: s.st}).cipherOutMap(s.st.ciphers[f.deleted], kindCipherMiniDetails))
			if err != nil {
				t.Fatal(err)
			}
			s.mu.Unlock()
			raw, ok := s.RawCipher(strings.ToUpper(f.deleted))
			s.mu.Lock()
			if !ok || !bytes.Equal(raw, want) || !bytes.Contains(raw, []byte(`"deletedDate":"`)) {
				t.Errorf("RawCipher of the deleted cipher:\n got %s\nwant %s", raw, want)
			}
		})
	}
}

func userName(u *userRec) string {
	if u == nil {
		return "nobody"
	}
	return u.email
}

func TestSyncAndListsMatchEncodingJSON(t *testing.T) {
	for _, gen := range []Generation{GenCurrent, Gen2023} {
		t.Run(gen.String(), func(t *testing.T) {
			f := newCipherFixture(t, gen)
			s := f.s
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, u := range f.viewers() {
				for _, target := range []string{"/api/sync", "/api/sync?excludeDomains=true"} {
					c := &call{s: s, st: s.st, r: httptest.NewRequest("GET", target, nil), user: u}
					compareAnswer(t, u.email+" "+target, must(s.sync(c)), c.syncMap())
				}
				c := &call{s: s, st: s.st, r: httptest.NewRequest("GET", "/api/ciphers", nil), user: u}
				var want []map[string]any
				for _, v := range s.st.visibleCiphers(u) {
					want = append(want, c.cipherOutMap(v.ci, kindCipherDetails))
				}
				compareAnswer(t, u.email+" list", must(s.listCiphers(c)), newList(want))
			}

			c := &call{s: s, st: s.st, r: httptest.NewRequest("GET", "/api/ciphers/organization-details?organizationId="+f.team.ID, nil), user: f.owner}
			var cs []*cipherRec
			for _, ci := range s.st.ciphers {
				if ci.orgID == f.team.ID {
					cs = append(cs, ci)
				}
			}
			sortCiphers(cs)
			var want []map[string]any
			for _, ci := range cs {
				want = append(want, c.cipherOutMap(ci, kindCipherMiniDetails))
			}
			compareAnswer(t, "organization details", must(s.orgCipherDetails(c)), newList(want))

			// Restore the deleted cipher, listed twice, and one that is
			// not deleted.
			var other string
			for id, ci := range s.st.ciphers {
				if ci.deleted.IsZero() && ci.orgID != "" {
					other = id
				}
			}
			c.body = must(json.Marshal(map[string]any{"ids": []string{f.deleted, strings.ToUpper(f.deleted), other, "unknown"}}))
			c.now = s.st.tick(s.now())
			got := must(s.bulkRestore(c))
			want = nil
			restored := kindCipherMini
			if !c.current() {
				restored = kindCipher // 2023.8 answers CipherResponseModel
			}
			for _, id := range []string{f.deleted, f.deleted, other} {
				want = append(want, c.cipherOutMap(s.st.ciphers[id], restored))
			}
			compareAnswer(t, "restore", got, newList(want))
			if !s.st.ciphers[f.deleted].deleted.IsZero() {
				t.Error("not restored")
			}

			// No ciphers at all.
			c.r = httptest.NewRequest("GET", "/api/ciphers/organization-details?organizationId="+newID(), nil)
			c.user = f.owner
			s.st.ciphers = map[string]*cipherRec{}
			compareAnswer(t, "empty sync", must(s.sync(c)), c.syncMap())
			compareAnswer(t, "empty list", must(s.listCiphers(c)), newList([]map[string]any(nil)))
		})
	}
}

// compareAnswer checks that a handler's hand-written answer is what
// encoding/json makes of want, byte for byte.
func compareAnswer(t *testing.T, name string, got any, want any) {
	t.Helper()
	var b []byte
	switch got := got.(type) {
	case jsonBytes:
		b = got
	case pooledJSON:
		b = got
	default:
		t.Fatalf("%s: answer is a %T, not jsonBytes", name, got)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, w) {
		i := 0
		for i < len(b) && i < len(w) && b[i] == w[i] {
			i++
		}
		t.Errorf("%s: differs at byte %d:\n got …%s\nwant …%s", name, i, clip(b[i:]), clip(w[i:]))
	}
}

func clip(b []byte) []byte { return b[:min(len(b), 200)] }

func TestAppendJSONString(t *testing.T) {
	cases := []string{
		"", "plain", `quote"`, `back\slash`, "<>&", "\u2028\u2029", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
		"é😀", "\xff", "a\xc3", "\xed\xa0\x80", "2.abc|def|ghi=",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(2) == 0 {
				b[i] = "\x00\"\\<>&a\xe2\x80\xa8é"[r.IntN(12)]
			}
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("x"), s); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got[1:], want)
		}
	}
	if !utf8.ValidString(string(appendJSONString(nil, "\xff"))) {
		t.Error("invalid UTF-8 is not replaced")
	}
}

func TestAppendTime(t *testing.T) {
	times := []time.Time{
		{}, time.Unix(0, 0), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 2, 29, 12, 3, 4, 5006, time.FixedZone("x", -7*3600-1800)), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Now(),
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		times = append(times, time.Unix(r.Int64N(400e9)-200e9, r.Int64N(1e9)))
	}
	for _, tm := range times {
		want := `"` + fmtTime(tm) + `"`
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

// BenchmarkSyncHandler10k renders the sync answer of the 10,000-item
// vault of BenchmarkLoginSync10k (safe/e2e_bench_test.go).
func BenchmarkSyncHandler10k(b *testing.B) {
	s := NewUnstartedServer()
	b.Cleanup(s.Close)
	user := must(s.AddUser(UserSpec{Email: "bench@example.com", Password: "bench-password", KDF: PBKDF2(5000)}))
	team := must(s.AddTeam(user, TeamSpec{Name: "Bench Team"}))
	col := must(s.AddCollection(team, "Servers"))
	for i := range 10_000 {
		it := Item{
			Name:    fmt.Sprintf("Server account %d (production)", i),
			Notes:   strings.Repeat(fmt.Sprintf("Rotated by the connector, ticket CHG%07d. ", i), 6),
			ItemKey: i%4 < 2,
			Login: &Login{Username: fmt.Sprintf("svc-account-%05d@corp.example.com", i), Password: fmt.Sprintf("Zx9!q%08dLm#Rt7$wP2&", i),
				URIs: []URI{{URI: fmt.Sprintf("https://host%05d.corp.example.com:8443/login", i)}}},
			Fields: []Field{{Name: "assocID", Value: fmt.Sprintf("user%05d", i)},
				{Name: "AccountLink", Value: fmt.Sprintf("ad://corp.example.com/CN=user%05d,OU=Service", i), Type: FieldHidden}},
		}
		var owner Owner = user
		if i%2 == 0 {
			owner, it.CollectionIDs = team, []string{col.ID}
		}
		must(s.AddItem(owner, it))
	}
	c := &call{s: s, st: s.st, r: httptest.NewRequest("GET", "/api/sync", nil), user: s.st.users[user.ID]}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		v, err := s.sync(c)
		if err != nil {
			b.Fatal(err)
		}
		n = len(v.(pooledJSON))
		s.recycle(v.(pooledJSON)) // as serve does once it is written
	}
	b.SetBytes(int64(n))
}
