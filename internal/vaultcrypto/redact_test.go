package vaultcrypto

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestSecretsRedacted prints every secret type in every way a program
// might, directly, by pointer and inside a caller's struct, and checks that
// no key bytes appear, in any common encoding.
func TestSecretsRedacted(t *testing.T) {
	t.Parallel()
	sym := mustSymKey(t, seq(0xa0, 64))
	mk := mustMasterKey(t, seq(0x50, 32))
	pk := rsaTestKey(t)
	der, _ := pk.PKCS8()
	type holder struct {
		Exported *SymmetricKey
		hidden   *MasterKey
		Value    SymmetricKey
		Priv     *PrivateKey
	}
	h := holder{Exported: sym, hidden: mk, Value: *sym, Priv: pk}

	secrets := [][]byte{sym.Bytes(), mk.k.b[:], pk.k.D.Bytes(), der}
	var forbidden []string
	for _, s := range secrets {
		forbidden = append(forbidden,
			hex.EncodeToString(s[:8]), b64(s)[:12], fmt.Sprint(s[:6])[1:14], fmt.Sprintf("%#x", s[:8])[2:])
	}
	forbidden = append(forbidden, pk.k.D.String()[:20])

	var out bytes.Buffer
	for _, v := range []any{sym, *sym, mk, *mk, pk, *pk, h, &h} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		fmt.Fprintln(&out, v)
	}
	out.WriteString(sym.String() + sym.GoString() + mk.String() + mk.GoString() + pk.String() + pk.GoString())
	logger := slog.New(slog.NewJSONHandler(&out, nil))
	logger.Info("keys", "sym", sym, "master", mk, "priv", pk)
	slog.New(slog.NewTextHandler(&out, nil)).Info("keys", "sym", sym, "master", mk, "priv", pk)

	text := out.String()
	for _, f := range forbidden {
		if strings.Contains(text, f) {
			t.Errorf("output contains key material %q:\n%s", f, text)
		}
	}
	for _, marker := range []string{"SymmetricKey(REDACTED)", "MasterKey(REDACTED)", "PrivateKey(REDACTED)"} {
		if !strings.Contains(text, marker) {
			t.Errorf("output lacks %q", marker)
		}
	}
}

// TestErrorsCarryNoSecrets gathers errors from every failure path that
// sees secret material and checks that none of it shows in the message.
func TestErrorsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	k := mustSymKey(t, seq(0x11, 64))
	canary := "sensitive-error-canary"
	e, _ := k.EncryptString(canary)
	tampered := mustParse(t, e.String())
	tampered.mac[3] ^= 1
	notUTF8, _ := k.Encrypt([]byte("sensitive-\xff"))
	shortKey, _ := k.Encrypt([]byte(canary)) // not 64 bytes: not a key

	var errs []error
	_, err := k.DecryptString(tampered)
	errs = append(errs, err)
	_, err = mustSymKey(t, seq(0x12, 64)).Decrypt(e)
	errs = append(errs, err)
	_, err = k.DecryptString(notUTF8)
	errs = append(errs, err)
	_, err = k.UnwrapKey(shortKey)
	errs = append(errs, err)
	_, err = k.UnwrapPrivateKey(shortKey)
	errs = append(errs, err)
	_, err = ParseEncString(canary)
	errs = append(errs, err)
	_, err = ParseEncString("2." + canary + "|" + canary + "|" + canary)
	errs = append(errs, err)
	_, err = NewSymmetricKey([]byte(canary))
	errs = append(errs, err)
	_, err = ParsePrivateKey([]byte(canary))
	errs = append(errs, err)
	_, err = mustMasterKey(t, seq(1, 32)).UnwrapUserKey(e)
	errs = append(errs, err)

	raw := k.Bytes()
	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		msg := err.Error()
		for _, f := range []string{canary, "sensitive-", hex.EncodeToString(raw[:6]), b64(raw)[:10], b64(e.mac)[:10], b64(tampered.mac)[:10]} {
			if strings.Contains(msg, f) {
				t.Errorf("case %d: error %q contains %q", i, msg, f)
			}
		}
	}
	if !errors.Is(errs[0], ErrMAC) {
		t.Errorf("tampered: %v", errs[0])
	}
}
