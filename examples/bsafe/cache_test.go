package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// Canaries of the cache tests: fields of an item that must never be in the
// cache file in the clear.
const (
	cacheItemName  = "sensitive-cache-item-name"
	cacheItemNotes = "sensitive-cache-item-notes"
)

func (e *testEnv) cacheBytes() []byte {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, cacheFile))
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	return b
}

func (e *testEnv) cacheExists() bool {
	_, err := os.Stat(filepath.Join(e.dir, cacheFile))
	return err == nil
}

// listNames runs "list items" with key and returns the item names.
func (e *testEnv) listNames(key string) string {
	e.t.Helper()
	return e.mustRun("", map[string]string{"BW_SESSION": key}, "list", "items")
}

// TestVaultCacheUsedAndEncrypted: sync writes the cache, encrypted (no
// plaintext field, not the session key), mode 0600; list then needs no
// full sync; login itself does not sync.
func TestVaultCacheUsedAndEncrypted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	if _, err := e.srv.AddItem(e.user, safetest.Item{Name: cacheItemName, Notes: cacheItemNotes}); err != nil {
		t.Fatal(err)
	}
	key := e.login()
	if n := e.fullSyncs.Load(); n != 0 {
		t.Errorf("login made %d full syncs, want 0", n)
	}
	e.mustRun("", map[string]string{"BW_SESSION": key}, "sync")
	if n := e.fullSyncs.Load(); n != 1 {
		t.Fatalf("sync made %d full syncs, want 1", n)
	}
	b := e.cacheBytes()
	if len(b) == 0 {
		t.Fatal("sync wrote no vault cache")
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range [][]byte{[]byte(testItemPassword), []byte(cacheItemName), []byte(cacheItemNotes),
		[]byte("sensitive-"), []byte(key), raw, raw[:32], raw[32:], []byte(e.user.ID), []byte(testEmail)} {
		if bytes.Contains(b, secret) {
			t.Errorf("the vault cache holds %q in the clear", secret)
		}
	}
	fi, err := os.Stat(filepath.Join(e.dir, cacheFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode: %v %v, want 0600", fi, err)
	}
	for range 2 {
		if got := e.listNames(key); !strings.Contains(got, cacheItemName) || !strings.Contains(got, testItemPassword) {
			t.Fatalf("list items from the cache = %s", got)
		}
		e.mustRun("", map[string]string{"BW_SESSION": key}, "get", "item", cacheItemName)
	}
	if n := e.fullSyncs.Load(); n != 1 {
		t.Errorf("list and get made %d more full syncs, want 0 (the cache)", n-1)
	}
	entries, _ := os.ReadDir(e.dir)
	if len(entries) != 2 {
		t.Errorf("app-data dir holds %d entries, want the state file and the cache (no temporary file left)", len(entries))
	}
}

// TestVaultCacheSeesOtherClients: after another client changes an item,
// list items shows the change (the revision check), and the cache is
// replaced.
func TestVaultCacheSeesOtherClients(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	key := e.login()
	e.mustRun("", map[string]string{"BW_SESSION": key}, "sync")
	if got := e.listNames(key); !strings.Contains(got, `"name":"AD"`) {
		t.Fatalf("list items = %s", got)
	}
	other, err := safe.NewClient(e.srv.URL, safe.WithHTTPClient(e.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if err := other.LoginPassword(t.Context(), testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	items, err := other.Items.List(t.Context())
	if err != nil || len(items) != 1 {
		t.Fatalf("other client: %d items, %v", len(items), err)
	}
	if _, err := other.Items.Edit(t.Context(), items[0].ID, func(it *safe.Item) error {
		it.Name = "AD renamed elsewhere"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before := e.cacheBytes()
	if got := e.listNames(key); !strings.Contains(got, "AD renamed elsewhere") {
		t.Errorf("list items after another client's edit = %s", got)
	}
	if bytes.Equal(before, e.cacheBytes()) {
		t.Error("the full sync after the change did not replace the cache")
	}
	n := e.fullSyncs.Load()
	e.listNames(key)
	if e.fullSyncs.Load() != n {
		t.Error("the replaced cache was not used")
	}
}

// TestVaultCacheKeyChange: unlock makes a new session key, under which the
// old cache (deleted by unlock; here put back, as if that had failed) does
// not decrypt: it is ignored, and overwritten. Lock and logout delete it.
func TestVaultCacheKeyChange(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	key := e.login()
	e.mustRun("", map[string]string{"BW_SESSION": key}, "sync")
	old := e.cacheBytes()
	key2 := e.mustRun("", nil, "unlock", "--passwordenv", "BW_PASSWORD", "--raw")
	if e.cacheExists() {
		t.Error("unlock left the old key's cache")
	}
	if err := os.WriteFile(filepath.Join(e.dir, cacheFile), old, 0o600); err != nil {
		t.Fatal(err)
	}
	n := e.fullSyncs.Load()
	if got := e.listNames(key2); !strings.Contains(got, testItemPassword) {
		t.Errorf("list items after unlock = %s", got)
	}
	if e.fullSyncs.Load() != n+1 {
		t.Errorf("list items with the old key's cache made %d full syncs, want 1", e.fullSyncs.Load()-n)
	}
	if bytes.Equal(old, e.cacheBytes()) {
		t.Error("the old key's cache was not overwritten")
	}
	e.mustRun("", nil, "lock")
	if e.cacheExists() {
		t.Error("lock left the cache")
	}
	key3 := e.mustRun("", nil, "unlock", "--passwordenv", "BW_PASSWORD", "--raw")
	e.listNames(key3)
	if !e.cacheExists() {
		t.Fatal("list items wrote no cache")
	}
	e.mustRun("", nil, "logout")
	if e.cacheExists() {
		t.Error("logout left the cache")
	}
}

// TestVaultCacheCorrupt: a damaged cache file (or one cut short) does not
// break a command: it is ignored and replaced.
func TestVaultCacheCorrupt(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	key := e.login()
	e.mustRun("", map[string]string{"BW_SESSION": key}, "sync")
	good := e.cacheBytes()
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 1
	for _, bad := range [][]byte{flipped, good[:len(good)/2], nil, []byte("sensitive-garbage")} {
		if err := os.WriteFile(filepath.Join(e.dir, cacheFile), bad, 0o600); err != nil {
			t.Fatal(err)
		}
		n := e.fullSyncs.Load()
		if got := e.listNames(key); !strings.Contains(got, testItemPassword) {
			t.Errorf("list items with a corrupt cache = %s", got)
		}
		if e.fullSyncs.Load() != n+1 {
			t.Errorf("corrupt cache: %d full syncs, want 1", e.fullSyncs.Load()-n)
		}
		if bytes.Equal(bad, e.cacheBytes()) {
			t.Error("the corrupt cache was not replaced")
		}
	}
}

// testCache is a vaultCache under a fresh random session key.
func testCache(t testing.TB) *vaultCache {
	t.Helper()
	raw := make([]byte, 64)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	c := (&app{}).newVaultCache(base64.StdEncoding.EncodeToString(raw))
	if c == nil {
		t.Fatal("newVaultCache refused a 64-byte key")
	}
	return c
}

// TestVaultCacheSealOpen: the sealed form opens to the body and revision
// under its key only, and a change to any byte (magic, nonce, ciphertext,
// tag) or a cut makes it not open at all.
func TestVaultCacheSealOpen(t *testing.T) {
	c := testCache(t)
	body := []byte(`{"profile":{"id":"sensitive-body"}}`)
	sealed, err := c.seal(body, 1_700_000_000_123)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("sensitive-")) {
		t.Error("the sealed cache holds the body in the clear")
	}
	if !bytes.HasPrefix(sealed, []byte(cacheMagic)) {
		t.Error("the sealed cache does not start with its magic")
	}
	plain, err := c.open(bytes.Clone(sealed))
	if err != nil || binary.BigEndian.Uint64(plain) != 1_700_000_000_123 || !bytes.Equal(plain[8:], body) {
		t.Fatalf("open = %q, %v", plain, err)
	}
	again, _ := c.seal(body, 1)
	if bytes.Equal(again[:len(cacheMagic)+12], sealed[:len(cacheMagic)+12]) {
		t.Error("two seals used the same nonce")
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := c.open(bad); err != errCacheKey {
			t.Fatalf("byte %d flipped: open = %v, want errCacheKey", i, err)
		}
	}
	for n := range len(sealed) {
		if _, err := c.open(bytes.Clone(sealed[:n])); err != errCacheKey {
			t.Fatalf("cut to %d bytes: open = %v, want errCacheKey", n, err)
		}
	}
	if _, err := testCache(t).open(bytes.Clone(sealed)); err != errCacheKey {
		t.Errorf("another session key: open = %v, want errCacheKey", err)
	}
}

// BenchmarkCacheSeal seals and opens a 20 MB sync response, the size of a
// 10,000-item vault: the cache's cost in every sync and every command.
func BenchmarkCacheSeal(b *testing.B) {
	c := testCache(b)
	body := make([]byte, 20<<20)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		sealed, err := c.seal(body, 1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.open(sealed); err != nil {
			b.Fatal(err)
		}
	}
}
