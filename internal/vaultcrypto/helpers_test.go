package vaultcrypto

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"sync"
	"testing"
)

// vectors holds the long known-answer strings of testdata/vectors.json
// (copied from Bitwarden's public test code; see its _source).
var vectors = sync.OnceValue(func() map[string]string {
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		panic(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
})

func vec(t testing.TB, name string) string {
	t.Helper()
	v, ok := vectors()[name]
	if !ok {
		t.Fatalf("no vector %q in testdata/vectors.json", name)
	}
	return v
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unb64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustParse(t testing.TB, s string) EncString {
	t.Helper()
	e, err := ParseEncString(s)
	if err != nil {
		t.Fatalf("ParseEncString: %v", err)
	}
	return e
}

func mustSymKey(t testing.TB, raw []byte) *SymmetricKey {
	t.Helper()
	k, err := NewSymmetricKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustMasterKey(t testing.TB, raw []byte) *MasterKey {
	t.Helper()
	m, err := masterKeyFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// seq returns the bytes from, from+1, ..., from+n-1.
func seq(from, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(from + i)
	}
	return b
}
