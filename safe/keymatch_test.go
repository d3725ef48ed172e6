package safe

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Member names that strings.EqualFold (and Go's encoding/json) would take
// for "key" and "notes", but that ASCII case folding, like the official
// server's member lookup, does not: the Kelvin sign and the long s.
const (
	kelvinKey  = "\u212Aey"
	longSNotes = "note\u017F"
)

// TestOneKeyMatchingRule: the decoder and the encoder agree on which JSON
// members are which. A member that only looks like "key" is not the item
// key when reading, and is kept as an unknown member when writing.
func TestOneKeyMatchingRule(t *testing.T) {
	t.Parallel()
	a := newTestAccount(t)
	m, _ := a.cipherJSON(t, "km", "", false)
	m[kelvinKey] = "junk"
	m[longSNotes] = "junk"
	raw, _ := json.Marshal(m)
	var v vault
	c, _ := NewClient("https://x")
	it, err := c.decryptItem(&v, a.sess, raw)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if it.HasItemKey {
		t.Errorf("decode took %q for the item key", kelvinKey)
	}
	body, err := encodeItem(it, it.wire.raw, a.sess.userKey, vaultcrypto.EncString{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{kelvinKey, longSNotes} {
		if string(body[k]) != `"junk"` {
			t.Errorf("encode dropped the unknown member %q: %s", k, body[k])
		}
	}
	if string(body["key"]) != "null" {
		t.Errorf("key = %s, want null", body["key"])
	}
}

// TestWriteFactsUseTheOneRule: what Update reads back from an item's wire
// JSON (its team and its own key) follows the same member-name rule as the
// decoder, so a look-alike member is never taken for "key" (encoding/json,
// which folds the Kelvin sign onto "k", takes it).
func TestWriteFactsUseTheOneRule(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"id":"x","organizationId":null,"` + kelvinKey + `":"2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`)
	f, err := readFacts(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !f.key.IsZero() {
		t.Errorf("facts took the look-alike member %q for the item key", kelvinKey)
	}
}

// TestLookalikeMemberNamesRefused: encoding/json, which reads the answers
// other than ciphers, would take "\u212Adf" (Kelvin sign) for "kdf"; such
// answers are refused, so every answer is read by the one ASCII rule.
func TestLookalikeMemberNamesRefused(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"kdf":0,"kdfIterations":600000,"\u212Adf":1}`,
		"{\"kdf\":0,\"kdfIterations\":600000,\"\u212Adf\":1}",
		`{"kdf":0,"kdfIterations":600000,"kdfSettings":{"iterations":600000,"\u017Falt":"x"}}`,
		`{"kdf":0,"kdfIterations":600000,"list":[{"a":1},{"\u212A":2}]}`,
	} {
		if _, err := parsePrelogin([]byte(body)); !errors.Is(err, errLookalikeMember) {
			t.Errorf("prelogin %s: %v, want errLookalikeMember", body, err)
		}
	}
	// Escapes elsewhere (ASP.NET writes "+" as \u002B) and non-ASCII
	// values are fine.
	for _, body := range []string{
		`{"kdf":0,"kdfIterations":600000,"salt":"a\u002Bb@example.com"}`,
		`{"kdf":0,"kdfIterations":600000,"note":"\u212A is a value here"}`,
	} {
		var m map[string]any
		if err := unmarshalJSON("test", []byte(body), &m); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}
