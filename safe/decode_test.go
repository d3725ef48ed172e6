package safe

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// testAccount is a user with a key hierarchy and one team, made with the
// crypto core the way a registering client makes it.
type testAccount struct {
	sess    *session
	teamID  string
	teamKey *vaultcrypto.SymmetricKey
	orgKey4 vaultcrypto.EncString // the team key wrapped to the user's public key
}

func newTestAccount(t testing.TB) *testAccount {
	t.Helper()
	uk, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	pk, err := vaultcrypto.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	tk, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := pk.Public().WrapKey(tk)
	if err != nil {
		t.Fatal(err)
	}
	return &testAccount{
		sess:    &session{userID: "11111111-1111-4111-8111-111111111111", userKey: uk, privateKey: pk},
		teamID:  "22222222-2222-4222-8222-222222222222",
		teamKey: tk, orgKey4: wrapped,
	}
}

func enc(t testing.TB, k *vaultcrypto.SymmetricKey, s string) string {
	t.Helper()
	e, err := k.EncryptString(s)
	if err != nil {
		t.Fatal(err)
	}
	return e.String()
}

// cipherJSON builds a wire cipher with every modelled field, encrypted
// under key (or under a fresh item key wrapped with key).
func (a *testAccount) cipherJSON(t testing.TB, id, teamID string, itemKey bool) (map[string]any, *Item) {
	t.Helper()
	wrapping := a.sess.userKey
	if teamID != "" {
		wrapping = a.teamKey
	}
	key, wrappedKey := wrapping, any(nil)
	if itemKey {
		var err error
		if key, err = vaultcrypto.GenerateSymmetricKey(); err != nil {
			t.Fatal(err)
		}
		w, err := wrapping.WrapKey(key)
		if err != nil {
			t.Fatal(err)
		}
		wrappedKey = w.String()
	}
	rev := time.Date(2026, 11, 1, 10, 0, 0, 123_000_000, time.UTC)
	m := map[string]any{
		"object": "cipherDetails", "id": id, "organizationId": nilIfEmpty(teamID), "folderId": nil, "type": 1,
		"name": enc(t, key, "Active Directory"), "notes": enc(t, key, "multi\nline ✓"), "key": wrappedKey,
		"favorite": true, "reprompt": 1, "edit": true, "viewPassword": true, "organizationUseTotp": false,
		"collectionIds": []string{"c1", "c2"}, "creationDate": "2026-10-01T09:00:00.5Z", "revisionDate": rev.Format(time.RFC3339Nano),
		"deletedDate": nil, "attachments": nil,
		"login": map[string]any{
			"username": enc(t, key, "bonnil"), "password": enc(t, key, "sensitive-pw-1"), "totp": nil,
			"uris": []any{
				map[string]any{"uri": enc(t, key, "https://ad.example.com"), "match": 3},
				map[string]any{"uri": enc(t, key, "ldap://dc1"), "match": nil},
			},
			"passwordRevisionDate": "2026-10-02T00:00:00Z", "fido2Credentials": []any{}, "autofillOnPageLoad": nil,
		},
		"fields": []any{
			map[string]any{"type": 0, "name": enc(t, key, "assocID"), "value": enc(t, key, "bonnil"), "linkedId": nil},
			map[string]any{"type": 1, "name": enc(t, key, "hidden"), "value": enc(t, key, "sensitive-hidden"), "linkedId": nil},
			map[string]any{"type": 2, "name": enc(t, key, "flag"), "value": enc(t, key, "true"), "linkedId": nil},
			map[string]any{"type": 3, "name": enc(t, key, "linked"), "value": nil, "linkedId": 101},
		},
		"passwordHistory": []any{map[string]any{"password": enc(t, key, "sensitive-old"), "lastUsedDate": "2026-09-01T00:00:00Z"}},
		"secureNote":      nil, "card": nil, "identity": nil, "sshKey": nil,
		"futureField": map[string]any{"kept": []any{1, "two"}},
	}
	want := &Item{
		ID: id, TeamID: teamID, CollectionIDs: []string{"c1", "c2"}, Type: TypeLogin,
		Name: "Active Directory", Notes: "multi\nline ✓", Favorite: true, Reprompt: true,
		Login: &Login{Username: "bonnil", Password: "sensitive-pw-1",
			URIs:                 []URI{{URI: "https://ad.example.com", Match: MatchExact}, {URI: "ldap://dc1"}},
			PasswordRevisionDate: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)},
		Fields: []Field{{Name: "assocID", Value: "bonnil"}, {Name: "hidden", Value: "sensitive-hidden", Type: FieldHidden},
			{Name: "flag", Value: "true", Type: FieldBoolean}, {Name: "linked", Type: FieldLinked, LinkedID: 101}},
		PasswordHistory: []PasswordHistoryEntry{{Password: "sensitive-old", LastUsedDate: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}},
		CreationDate:    time.Date(2026, 10, 1, 9, 0, 0, 500_000_000, time.UTC), RevisionDate: rev,
		Edit: true, ViewPassword: true, HasItemKey: itemKey,
	}
	return m, want
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (a *testAccount) syncJSON(t testing.TB, ciphers ...map[string]any) []byte {
	t.Helper()
	doc := map[string]any{
		"object": "sync",
		"profile": map[string]any{"object": "profile", "id": a.sess.userID, "name": "Jane", "email": "jane@example.com",
			"organizations": []any{map[string]any{"id": a.teamID, "name": "MPR AWS Safe Team", "key": a.orgKey4.String(),
				"status": 2, "type": 0, "enabled": true, "organizationUserId": "33333333-3333-4333-8333-333333333333"}}},
		"folders":     []any{map[string]any{"id": "f1", "name": enc(t, a.sess.userKey, "Work"), "revisionDate": "2026-01-01T00:00:00Z"}},
		"collections": []any{map[string]any{"id": "c1", "organizationId": a.teamID, "name": enc(t, a.teamKey, "BONNIL"), "readOnly": false}},
		"ciphers":     ciphers,
		"policies":    []any{}, "sends": []any{}, "domains": nil,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var itemCmp = []cmp.Option{cmpopts.IgnoreUnexported(Item{}, Login{}, URI{}, Field{}, PasswordHistoryEntry{}), cmpopts.EquateEmpty()}

func TestDecodeSync(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	c, _ := NewClient("https://x")
	var ciphers []map[string]any
	var want []*Item
	for i, tc := range []struct {
		team    string
		itemKey bool
	}{{"", false}, {"", true}, {a.teamID, false}, {a.teamID, true}} {
		m, w := a.cipherJSON(t, "item-"+string(rune('a'+i)), tc.team, tc.itemKey)
		ciphers, want = append(ciphers, m), append(want, w)
	}
	v, err := c.decodeAll(context.Background(), a.syncJSON(t, ciphers...), a.sess)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		got := v.items[w.ID]
		if got == nil {
			t.Fatalf("item %s missing", w.ID)
		}
		if diff := cmp.Diff(w, got, itemCmp...); diff != "" {
			t.Errorf("item %s (-want +got):\n%s", w.ID, diff)
		}
	}
	if len(v.teams) != 1 || v.teams[0].Name != "MPR AWS Safe Team" || v.teamKeys[a.teamID] == nil || !v.teamKeys[a.teamID].Equal(a.teamKey) {
		t.Errorf("teams = %v", v.teams)
	}
	if len(v.collections) != 1 || v.collections[0].Name != "BONNIL" {
		t.Errorf("collections = %+v", v.collections)
	}
	if len(v.folders) != 1 || v.folders[0].Name != "Work" {
		t.Errorf("folders = %+v", v.folders)
	}
}

func TestDecodeStrictAndLenient(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	m, _ := a.cipherJSON(t, "bad-item", "", false)
	other, _ := vaultcrypto.GenerateSymmetricKey()
	m["fields"].([]any)[1].(map[string]any)["value"] = enc(t, other, "sensitive-under-wrong-key")
	body := a.syncJSON(t, m)

	strict, _ := NewClient("https://x")
	_, err := strict.decodeAll(context.Background(), body, a.sess)
	var de *DecryptError
	if !errors.As(err, &de) || de.ID != "bad-item" || de.Field != "fields[1].value" || !errors.Is(err, ErrMAC) {
		t.Fatalf("strict: err = %v", err)
	}
	if strings.Contains(err.Error(), "sensitive") {
		t.Errorf("error leaks a value: %v", err)
	}

	lenient, _ := NewClient("https://x", WithLenientDecrypt())
	v, err := lenient.decodeAll(context.Background(), body, a.sess)
	if err != nil {
		t.Fatal(err)
	}
	it := v.items["bad-item"]
	if len(it.DecryptErrors) != 1 || it.DecryptErrors[0].Field != "fields[1].value" || it.Fields[1].Value != "" || it.Login.Password != "sensitive-pw-1" {
		t.Errorf("lenient item: errors %v, fields %d", it.DecryptErrors, len(it.Fields))
	}
}

func TestDecodeHostileInput(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	c, _ := NewClient("https://x")
	m, _ := a.cipherJSON(t, "x", "", false)
	good := a.syncJSON(t, m)
	for i := range len(good) {
		if _, err := c.decodeAll(context.Background(), good[:i], a.sess); err == nil {
			t.Fatalf("truncated at %d: no error", i)
		}
	}
	for _, bad := range []string{
		`{}`, `[]`, `null`, `{"profile":5}`,
		`{"profile":{"id":"u"},"ciphers":[{"id":5}]}`,
		`{"profile":{"id":"u"},"ciphers":[{"id":"x","name":"not an encstring"}]}`,
		`{"profile":{"id":"u"},"ciphers":[{"id":"x","revisionDate":"yesterday"}]}`,
		`{"profile":{"id":"u"},"ciphers":[{"id":"x","type":1e400}]}`,
		`{"profile":{"id":"u"},"ciphers":[{"id":"x","organizationId":"unknown-team"}]}`,
		`{"profile":{"id":"u"},"ciphers":[{"id":"x","key":"2.AAAA|AAAA|AAAA"}]}`,
	} {
		if _, err := c.decodeAll(context.Background(), []byte(bad), a.sess); err == nil {
			t.Errorf("decodeSync(%s) succeeded", bad)
		}
	}
}

func TestDecodePascalCaseAndEscapes(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	name := enc(t, a.sess.userKey, "Pascal")
	body := `{"Profile":{"Id":"u","Email":"e"},"Ciphers":[{"Id":"p1","Type":2,"Name":"` +
		strings.ReplaceAll(name, "+", `\u002B`) + `","SecureNote":{"Type":0},"RevisionDate":"2026-01-01T00:00:00.1234567Z"}]}`
	c, _ := NewClient("https://x")
	v, err := c.decodeAll(context.Background(), []byte(body), a.sess)
	if err != nil {
		t.Fatal(err)
	}
	it := v.items["p1"]
	if it == nil || it.Name != "Pascal" || it.Type != TypeSecureNote || it.SecureNote == nil || it.RevisionDate.Nanosecond() != 123456700 {
		t.Errorf("item = %+v", it)
	}
}

// TestEncodeRoundTrip encodes an item the way Update does and decodes the
// result the way sync does: every modelled field comes back, and members
// bsafe does not model survive.
func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	for _, itemKey := range []bool{false, true} {
		m, want := a.cipherJSON(t, "rt", a.teamID, itemKey)
		raw, _ := json.Marshal(m)
		var v vault
		v.teamKeys = map[string]*vaultcrypto.SymmetricKey{a.teamID: a.teamKey}
		c, _ := NewClient("https://x")
		orig, err := c.decryptItem(&v, a.sess, raw)
		if err != nil {
			t.Fatal(err)
		}
		edited := orig.Clone()
		edited.Login.Password = "sensitive-new"
		edited.Fields = append(edited.Fields, Field{Name: "AccountLink", Value: "ad:bonnil"})
		key, wrapped := a.teamKey, vaultcrypto.EncString{}
		origKey, err := itemKeyOf(orig, a.teamKey)
		if err != nil {
			t.Fatal(err)
		}
		if origKey != nil {
			key = origKey
			wrapped, _ = a.teamKey.WrapKey(key)
		}
		body, err := encodeItem(edited, orig.wire.raw, key, wrapped, orig.RevisionDate)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "object", "revisionDate", "collectionIds", "attachments", "edit"} {
			if _, ok := body[k]; ok {
				t.Errorf("request carries response-only member %q", k)
			}
		}
		if string(body["futureField"]) != `{"kept":[1,"two"]}` {
			t.Errorf("unknown member lost: %s", body["futureField"])
		}
		if string(body["lastKnownRevisionDate"]) != `"2026-11-01T10:00:00.123Z"` {
			t.Errorf("lastKnownRevisionDate = %s", body["lastKnownRevisionDate"])
		}
		var login map[string]json.RawMessage
		_ = json.Unmarshal(body["login"], &login)
		if _, ok := login["fido2Credentials"]; !ok {
			t.Errorf("login.fido2Credentials lost")
		}
		// Simulate the server: store the request, add the server members.
		mustJSON := func(v any) json.RawMessage {
			b, err := jsonValue(v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		body["id"] = mustJSON("rt")
		body["revisionDate"] = mustJSON("2026-11-02T00:00:00Z")
		body["creationDate"] = mustJSON(m["creationDate"])
		body["collectionIds"] = mustJSON([]string{"c1", "c2"})
		body["edit"], body["viewPassword"] = mustJSON(true), mustJSON(true)
		got, err := c.decryptItem(&v, a.sess, mustJSON(body))
		if err != nil {
			t.Fatal(err)
		}
		want.Login.Password = "sensitive-new"
		want.Fields = append(want.Fields, Field{Name: "AccountLink", Value: "ad:bonnil"})
		want.RevisionDate = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		if diff := cmp.Diff(want, got, itemCmp...); diff != "" {
			t.Errorf("itemKey=%v: round trip (-want +got):\n%s", itemKey, diff)
		}
		if itemKey {
			if gotKey, err := itemKeyOf(got, a.teamKey); err != nil || !gotKey.Equal(origKey) {
				t.Errorf("the item key changed on update: %v", err)
			}
		}
	}
}

func TestURIChecksum(t *testing.T) {
	t.Parallel()
	// crypto.md 7.8 (SDK cipher/login.rs).
	for uri, want := range map[string]string{
		"https://example.com": "EAaArVRs5qV39C9S3zO0z9ynVoWeZkuNfeMpsVDQnOk=",
		"https://test.com":    "OWk2vQvwYD1nhLZdA+ltrpBWbDa2JmHyjUEWxRZSS8w=",
	} {
		if got := uriChecksum(uri); got != want {
			t.Errorf("uriChecksum(%q) = %s, want %s", uri, got, want)
		}
	}
	// A URI whose checksum does not match is dropped from an item with its
	// own key, as the official clients drop it.
	a := newTestAccount(t)
	m, _ := a.cipherJSON(t, "ck", "", true)
	ik, _ := a.sess.userKey.UnwrapKey(mustParseEnc(t, m["key"].(string)))
	uris := m["login"].(map[string]any)["uris"].([]any)
	uris[0].(map[string]any)["uriChecksum"] = enc(t, ik, "UtSgIv8LYfEdOu7yqjF7qXWhmouYGYC8RSr7/ryZg5Q=")
	uris[1].(map[string]any)["uriChecksum"] = enc(t, ik, uriChecksum("ldap://dc1"))
	c, _ := NewClient("https://x")
	v, err := c.decodeAll(context.Background(), a.syncJSON(t, m), a.sess)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.items["ck"].Login.URIs; len(got) != 1 || got[0].URI != "ldap://dc1" {
		t.Errorf("URIs = %d, want only the one with a valid checksum", len(got))
	}
}

func mustParseEnc(t *testing.T, s string) vaultcrypto.EncString {
	t.Helper()
	e, err := vaultcrypto.ParseEncString(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// itemKeyOf unwraps the own key of an item the client read, as Update does.
func itemKeyOf(it *Item, wrapping *vaultcrypto.SymmetricKey) (*vaultcrypto.SymmetricKey, error) {
	f, err := readFacts(it.wire.raw)
	if err != nil {
		return nil, err
	}
	return f.itemKey(wrapping)
}

// decodeAll is what a read does with a sync answer: decodeSync, then
// decryptItems.
func (c *Client) decodeAll(ctx context.Context, body []byte, s *session) (*vault, error) {
	v, err := c.decodeSync(body, s)
	if err != nil {
		return nil, err
	}
	if err := c.decryptItems(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}
