package safe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// The fuzz account: the same e-mail, password and KDF on safetest and on
// the hand-made identity server, so that one master key opens both.
const (
	fuzzEmail    = "jane@example.com"
	fuzzPassword = "sensitive-pw"
)

// recorder keeps the last response body of every path.
type recorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	bodies map[string][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.mu.Lock()
	r.bodies[req.URL.Path] = b
	r.mu.Unlock()
	return resp, nil
}

// captureSafetest logs in to a seeded safetest server of generation gen,
// syncs, and returns the responses it got and the session.
func captureSafetest(tb testing.TB, gen safetest.Generation) (map[string][]byte, *session) {
	tb.Helper()
	srv := safetest.NewServer(safetest.WithGeneration(gen))
	tb.Cleanup(srv.Close)
	user, err := srv.AddUser(safetest.UserSpec{Email: fuzzEmail, Password: fuzzPassword, KDF: safetest.PBKDF2(vaultcrypto.MinPBKDF2Iterations)})
	if err != nil {
		tb.Fatal(err)
	}
	team, err := srv.AddTeam(user, safetest.TeamSpec{Name: "Team"})
	if err != nil {
		tb.Fatal(err)
	}
	col, err := srv.AddCollection(team, "Collection")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := srv.AddFolder(user, "Folder"); err != nil {
		tb.Fatal(err)
	}
	for _, it := range []safetest.Item{
		{Name: "login", Notes: "n", Login: &safetest.Login{Username: "u", Password: "p", TOTP: "otpauth://totp/x?secret=JBSWY3DP", URIs: []safetest.URI{{URI: "https://a.example"}}},
			Fields: []safetest.Field{{Name: "assocID", Value: "42"}}},
		{Name: "keyed", ItemKey: true, Login: &safetest.Login{Password: "p2", URIs: []safetest.URI{{URI: "https://b.example"}}}},
		{Name: "card", Card: &safetest.Card{CardholderName: "J", Number: "4111", Code: "123"}},
		{Name: "identity", Identity: &safetest.Identity{FirstName: "J", SSN: "000"}},
		{Name: "note"},
	} {
		if _, err := srv.AddItem(user, it); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := srv.AddItem(team, safetest.Item{Name: "team item", ItemKey: true, CollectionIDs: []string{col.ID}, Login: &safetest.Login{Password: "tp"}}); err != nil {
		tb.Fatal(err)
	}
	rec := &recorder{next: srv.Client().Transport, bodies: map[string][]byte{}}
	c, err := NewClient(srv.URL, WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.LoginPassword(context.Background(), fuzzEmail, fuzzPassword); err != nil {
		tb.Fatal(err)
	}
	if err := c.Sync(context.Background()); err != nil {
		tb.Fatal(err)
	}
	for _, p := range []string{"/api/sync", "/identity/connect/token"} {
		if rec.bodies[p] == nil {
			tb.Fatalf("no %s response captured", p)
		}
	}
	return rec.bodies, c.sess
}

// FuzzDecodeSync feeds sync responses to the strict and the lenient
// decoder. Neither may panic, and neither may return a half-decrypted
// item without saying so: in strict mode every returned field is the
// decryption of its wire value; in lenient mode every field is that, or
// empty with its failure in DecryptErrors (or the item's key failed).
func FuzzDecodeSync(f *testing.F) {
	a := newTestAccount(f)
	var sessions []*session
	sessions = append(sessions, a.sess)
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		bodies, s := captureSafetest(f, gen)
		sessions = append(sessions, s)
		f.Add(uint8(len(sessions)-1), false, bodies["/api/sync"])
		f.Add(uint8(len(sessions)-1), true, bodies["/api/sync"])
	}
	var ciphers []map[string]any
	for i, tc := range []struct {
		team    string
		itemKey bool
	}{{"", false}, {"", true}, {a.teamID, false}, {a.teamID, true}} {
		m, _ := a.cipherJSON(f, "item-"+string(rune('a'+i)), tc.team, tc.itemKey)
		ciphers = append(ciphers, m)
	}
	good := a.syncJSON(f, ciphers...)
	broken := brokenVault(f, a, map[string]bool{"team": true, "itemKey": true, "field": true, "folder": true, "collection": true})
	for _, lenient := range []bool{false, true} {
		f.Add(uint8(0), lenient, good)
		f.Add(uint8(0), lenient, broken)
	}
	strict, _ := NewClient("https://x")
	lenientClient, _ := NewClient("https://x", WithLenientDecrypt())
	f.Fuzz(func(t *testing.T, which uint8, lenient bool, body []byte) {
		s := sessions[int(which)%len(sessions)]
		c := strict
		if lenient {
			c = lenientClient
		}
		v, err := c.decodeAll(context.Background(), body, s)
		if err != nil {
			return
		}
		if !lenient {
			for _, tm := range v.teams {
				if tm.DecryptErr != nil {
					t.Fatalf("strict: team %s kept with %v", tm.ID, tm.DecryptErr)
				}
			}
			for _, fo := range v.folders {
				if fo.DecryptErr != nil {
					t.Fatalf("strict: folder kept with %v", fo.DecryptErr)
				}
			}
			for _, col := range v.collections {
				if col.DecryptErr != nil {
					t.Fatalf("strict: collection kept with %v", col.DecryptErr)
				}
			}
		}
		for _, id := range v.order {
			checkDecrypted(t, v, s, v.items[id], lenient)
		}
	})
}

// checkDecrypted compares every encrypted field of it with an independent
// decryption of its wire value.
func checkDecrypted(t *testing.T, v *vault, s *session, it *Item, lenient bool) {
	t.Helper()
	if !lenient && len(it.DecryptErrors) > 0 {
		t.Fatalf("strict: item %s returned with %d decrypt errors", it.ID, len(it.DecryptErrors))
	}
	listed := map[string]bool{}
	for _, de := range it.DecryptErrors {
		if de == nil || de.Err == nil || de.ID != it.ID || de.Kind != "item" {
			t.Fatalf("item %s: malformed DecryptError %#v", it.ID, de)
		}
		listed[de.Field] = true
	}
	// The expected fields come from an independent reader of the wire
	// JSON (encoding/json), not from parseCipher, the parser under test.
	w, err := readWireCipher(it.wire.raw)
	if err != nil {
		t.Fatalf("item %s: encoding/json cannot read its wire JSON: %v", it.ID, err)
	}
	key, err := v.keyFor(s, w.orgID)
	if err == nil && len(w.key) > 0 {
		var e vaultcrypto.EncString
		if err = e.UnmarshalText(w.key); err == nil {
			key, err = key.UnwrapKey(e)
		}
	}
	if err != nil {
		if !listed["key"] {
			t.Fatalf("item %s: its key fails (%v) but no key error is listed", it.ID, err)
		}
		key = nil
	}
	check := func(name string, text []byte, got string) {
		if len(text) == 0 {
			if got != "" {
				t.Fatalf("item %s: %s is %q without a wire value", it.ID, name, got)
			}
			return
		}
		if key == nil {
			if got != "" {
				t.Fatalf("item %s: %s is set although the key failed", it.ID, name)
			}
			return
		}
		want, err := key.DecryptText(text)
		if err != nil {
			if got != "" || !listed[name] {
				t.Fatalf("item %s: %s does not decrypt (%v) but is %q, listed %v", it.ID, name, err, got, listed[name])
			}
			return
		}
		if got != want {
			t.Fatalf("item %s: %s = %q, want %q", it.ID, name, got, want)
		}
	}
	check("name", w.name, it.Name)
	check("notes", w.notes, it.Notes)
	if (w.login != nil) != (it.Login != nil) {
		t.Fatalf("item %s: login part lost or invented", it.ID)
	}
	if l := w.login; l != nil {
		check("login.username", l["username"], it.Login.Username)
		check("login.password", l["password"], it.Login.Password)
		check("login.totp", l["totp"], it.Login.TOTP)
	}
	parts := []struct {
		part string
		want map[string][]byte
		got  []string
	}{}
	if w.card != nil {
		c := it.Card
		if c == nil {
			t.Fatalf("item %s: card part lost", it.ID)
		}
		parts = append(parts, struct {
			part string
			want map[string][]byte
			got  []string
		}{"card", w.card, []string{c.CardholderName, c.Brand, c.Number, c.ExpMonth, c.ExpYear, c.Code}})
	}
	if w.identity != nil {
		i := it.Identity
		if i == nil {
			t.Fatalf("item %s: identity part lost", it.ID)
		}
		parts = append(parts, struct {
			part string
			want map[string][]byte
			got  []string
		}{"identity", w.identity, []string{i.Title, i.FirstName, i.MiddleName, i.LastName,
			i.Address1, i.Address2, i.Address3, i.City, i.State, i.PostalCode, i.Country,
			i.Company, i.Email, i.Phone, i.SSN, i.Username, i.PassportNumber, i.LicenseNumber}})
	}
	if w.sshKey != nil {
		k := it.SSHKey
		if k == nil {
			t.Fatalf("item %s: SSH key part lost", it.ID)
		}
		parts = append(parts, struct {
			part string
			want map[string][]byte
			got  []string
		}{"sshKey", w.sshKey, []string{k.PrivateKey, k.PublicKey, k.KeyFingerprint}})
	}
	for _, p := range parts {
		for i, n := range wireParts[p.part] {
			check(p.part+"."+n, p.want[n], p.got[i])
		}
	}
	if len(w.fields) != len(it.Fields) {
		t.Fatalf("item %s: %d fields, wire has %d", it.ID, len(it.Fields), len(w.fields))
	}
	for i, f := range w.fields {
		check(at("fields", i, "name").String(), f["name"], it.Fields[i].Name)
		check(at("fields", i, "value").String(), f["value"], it.Fields[i].Value)
	}
	if len(w.history) != len(it.PasswordHistory) {
		t.Fatalf("item %s: %d history entries, wire has %d", it.ID, len(it.PasswordHistory), len(w.history))
	}
	for i, h := range w.history {
		check(at("passwordHistory", i, "password").String(), h["password"], it.PasswordHistory[i].Password)
	}
}

// wireParts lists the encrypted string members of a cipher's parts, in
// the order of the view structs' fields, written out here (not taken from
// decode.go) so that the fuzz check does not share the parser's tables.
var wireParts = map[string][]string{
	"card": {"cardholderName", "brand", "number", "expMonth", "expYear", "code"},
	"identity": {"title", "firstName", "middleName", "lastName", "address1", "address2", "address3",
		"city", "state", "postalCode", "country", "company", "email", "phone", "ssn", "username",
		"passportNumber", "licenseNumber"},
	"sshKey": {"privateKey", "publicKey", "keyFingerprint"},
}

// refCipher is what readWireCipher finds of a cipher: its team, its own key
// and every encrypted string, by member name. A nil part is absent or null.
type refCipher struct {
	orgID                  string
	key, name, notes       []byte
	login                  map[string][]byte
	card, identity, sshKey map[string][]byte
	fields, history        []map[string][]byte
}

// readWireCipher is the fuzz check's own reader of a cipher, built on
// encoding/json, independent of parseCipher. It follows the rule of the
// server's JSON (System.Text.Json with case-insensitive names): member
// names match ignoring ASCII case only, and of repeated members the last
// one counts (an array included: it replaces, it does not add up).
func readWireCipher(raw []byte) (*refCipher, error) {
	m, err := refObject(raw)
	if err != nil || m == nil {
		return nil, fmt.Errorf("cipher: %v", err)
	}
	var c refCipher
	org, err := refString(m.last("organizationId"))
	if err != nil {
		return nil, err
	}
	c.orgID = string(org)
	for name, dst := range map[string]*[]byte{"key": &c.key, "name": &c.name, "notes": &c.notes} {
		if *dst, err = refString(m.last(name)); err != nil {
			return nil, err
		}
	}
	part := func(name string, members []string) (map[string][]byte, error) {
		o, err := refObject(m.last(name))
		if err != nil || o == nil {
			return nil, err
		}
		out := map[string][]byte{}
		for _, n := range members {
			if out[n], err = refString(o.last(n)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if c.login, err = part("login", []string{"username", "password", "totp"}); err != nil {
		return nil, err
	}
	for name, dst := range map[string]*map[string][]byte{"card": &c.card, "identity": &c.identity, "sshKey": &c.sshKey} {
		if *dst, err = part(name, wireParts[name]); err != nil {
			return nil, err
		}
	}
	list := func(name string, members ...string) ([]map[string][]byte, error) {
		v := m.last(name)
		if v == nil || string(v) == "null" {
			return nil, nil
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(v, &elems); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		var out []map[string][]byte
		for _, e := range elems {
			o, err := refObject(e)
			if err != nil {
				return nil, err
			}
			got := map[string][]byte{}
			for _, n := range members {
				if got[n], err = refString(o.last(n)); err != nil {
					return nil, err
				}
			}
			out = append(out, got)
		}
		return out, nil
	}
	if c.fields, err = list("fields", "name", "value"); err != nil {
		return nil, err
	}
	if c.history, err = list("passwordHistory", "password"); err != nil {
		return nil, err
	}
	return &c, nil
}

// refMembers are an object's members in document order.
type refMembers []struct {
	name  string
	value json.RawMessage
}

// last returns the value of the last member called name (ASCII case
// ignored), or nil.
func (ms refMembers) last(name string) json.RawMessage {
	var v json.RawMessage
	for _, m := range ms {
		if asciiFold(m.name, name) {
			v = m.value
		}
	}
	return v
}

func asciiFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// refObject reads a JSON object's members in order; nil for an absent or
// null value.
func refObject(raw json.RawMessage) (refMembers, error) {
	if raw == nil || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object: %v", err)
	}
	ms := refMembers{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		ms = append(ms, struct {
			name  string
			value json.RawMessage
		}{tok.(string), v})
	}
	return ms, nil
}

// refString reads a string member; nil for an absent or null one.
func refString(raw json.RawMessage) ([]byte, error) {
	var s *string
	if raw == nil {
		return nil, nil
	}
	if err := json.Unmarshal(raw, &s); err != nil || s == nil {
		return nil, err
	}
	return []byte(*s), nil
}

// FuzzTokenResponse feeds grant answers to the parser and the unlock step:
// no panic, and a login that succeeds has a user key and a subject.
func FuzzTokenResponse(f *testing.F) {
	var seeds [][]byte
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		bodies, _ := captureSafetest(f, gen)
		seeds = append(seeds, bodies["/identity/connect/token"])
		f.Add(bodies["/identity/connect/token"])
	}
	ids := newIdentityServer(f)
	b, _ := json.Marshal(ids.token)
	f.Add(b)
	f.Add([]byte(`{"access_token":"a.b.c"}`))
	kdf := vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: vaultcrypto.MinPBKDF2Iterations}
	master, err := vaultcrypto.DeriveMasterKey(fuzzPassword, fuzzEmail, kdf)
	if err != nil {
		f.Fatal(err)
	}
	// The seeds are real logins.
	for _, b := range [][]byte{seeds[0], seeds[1], b} {
		tr, err := parseTokenResponse(b)
		if err == nil {
			c, _ := NewClient("https://x")
			err = c.unlock(tr, master, kdf, fuzzEmail, nil, true, "")
		}
		if err != nil {
			f.Fatalf("seed does not unlock: %v", err)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		tr, err := parseTokenResponse(body)
		if err != nil {
			return
		}
		c, _ := NewClient("https://x")
		for _, checked := range []bool{true, false} {
			if err := c.unlock(tr, master, kdf, fuzzEmail, nil, checked, ""); err != nil {
				if c.sess != nil {
					t.Fatalf("failed unlock left a session: %v", err)
				}
				continue
			}
			if c.sess == nil || c.sess.userKey == nil || c.sess.userID == "" || c.sess.access == "" {
				t.Fatal("unlock succeeded without a user key, subject or token")
			}
			if c.sess.kdf != kdf {
				t.Fatalf("session KDF %+v is not the one used", c.sess.kdf)
			}
			c.sess = nil
		}
	})
}

// FuzzPrelogin feeds prelogin answers to the parser: no panic, and what it
// accepts is within the KDF ranges.
func FuzzPrelogin(f *testing.F) {
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		bodies, _ := captureSafetest(f, gen)
		for path, b := range bodies {
			if strings.Contains(path, "prelogin") {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"kdf":1,"kdfIterations":3,"kdfMemory":64,"kdfParallelism":4}`))
	f.Add([]byte(`{"kdfSettings":{"kdfType":0,"iterations":600000},"salt":"jane@example.com"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		pre, err := parsePrelogin(body)
		if err != nil {
			return
		}
		if err := pre.kdf.Validate(); err != nil {
			t.Fatalf("accepted a KDF out of range: %v", err)
		}
	})
}
