package safe

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestItemsNeverPrintSecrets prints an item, its parts and a client in
// every common way and checks that no decrypted value shows.
func TestItemsNeverPrintSecrets(t *testing.T) {
	t.Parallel()
	it := &Item{ID: "item-1", TeamID: "team-1", Type: TypeLogin, Name: "sensitive-name", Notes: "sensitive-notes",
		Login: &Login{Username: "sensitive-user", Password: "sensitive-pw", TOTP: "sensitive-totp",
			URIs: []URI{{URI: "https://sensitive-uri"}}},
		Card:            &Card{Number: "sensitive-4111"},
		Identity:        &Identity{SSN: "sensitive-ssn"},
		SSHKey:          &SSHKey{PrivateKey: "sensitive-ssh"},
		Fields:          []Field{{Name: "sensitive-fname", Value: "sensitive-fvalue", Type: FieldHidden}},
		PasswordHistory: []PasswordHistoryEntry{{Password: "sensitive-old", LastUsedDate: time.Now()}},
	}
	c := newFakeClient(t, nil)
	c.sess.access = "sensitive-token"
	var out bytes.Buffer
	for _, v := range []any{it, *it, it.Login, *it.Login, it.Card, it.Identity, it.SSHKey, it.Fields, it.Fields[0],
		it.PasswordHistory, c, struct{ I *Item }{it}, []*Item{it}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("item", "item", it, "login", it.Login, "client", c, "fields", it.Fields, "uris", it.Login.URIs, "history", it.PasswordHistory)
	slog.New(slog.NewTextHandler(&out, nil)).Info("item", "item", *it, "login", *it.Login)
	if strings.Contains(out.String(), "sensitive-") {
		t.Errorf("a secret was printed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "item-1") || !strings.Contains(out.String(), "REDACTED") {
		t.Errorf("output lacks the ID or the redaction marker:\n%s", out.String())
	}
}
