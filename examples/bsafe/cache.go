package main

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// cacheFile is the name of the vault cache in the app-data directory: the
// last /api/sync response (safe.SyncCache), so that "list" and "get" need
// only a revision check, not a full sync, when nothing changed since the
// last one. It is encrypted at rest under the session key, with the same
// authenticated encryption (AES-256-CBC, HMAC-SHA256, checked before
// decrypting) that protects the exported session in the state file, in
// the binary form: so without the key it is of no use, not even for its
// metadata. It is deleted by login, unlock (a new key), lock and logout.
const cacheFile = "bsafe-vault.cache"

// vaultCache is the safe.SyncCache of one command, under its session key.
type vaultCache struct {
	a   *app
	key *vaultcrypto.SymmetricKey
}

// newVaultCache returns the cache under sessionKey (base64 of 64 bytes),
// or nil if sessionKey is not one: the vault is then locked anyway.
func (a *app) newVaultCache(sessionKey string) *vaultCache {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sessionKey))
	if err != nil || len(raw) != 64 {
		return nil
	}
	defer clear(raw)
	key, err := vaultcrypto.NewSymmetricKey(raw)
	if err != nil {
		return nil
	}
	return &vaultCache{a: a, key: key}
}

// errCacheKey is the error for a cache that does not open under the
// session key (another key's, after unlock, or damaged): it is ignored and
// replaced by the next full sync.
var errCacheKey = errors.New("bsafe: the vault cache does not decrypt under this session key; ignored")

// LoadSync reads and decrypts the cache. The plaintext is the revision (8
// bytes, big-endian) and the sync response; the MAC covers both.
func (c *vaultCache) LoadSync(context.Context) ([]byte, int64, bool, error) {
	dir, err := c.a.dir()
	if err != nil {
		return nil, 0, false, err
	}
	b, err := os.ReadFile(filepath.Join(dir, cacheFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, errors.New("bsafe: cannot read the vault cache")
	}
	plain, err := c.key.DecryptBuffer(b)
	if err != nil || len(plain) < 8 {
		return nil, 0, false, errCacheKey
	}
	return plain[8:], int64(binary.BigEndian.Uint64(plain)), true, nil
}

// StoreSync encrypts and writes the cache atomically, mode 0600.
func (c *vaultCache) StoreSync(_ context.Context, body []byte, revision int64) error {
	var rev [8]byte
	binary.BigEndian.PutUint64(rev[:], uint64(revision))
	enc, err := c.key.EncryptBuffer(rev[:], body) // one copy of body, the ciphertext
	if err != nil {
		return err
	}
	return c.a.writeFile(cacheFile, "the vault cache", enc)
}

// removeCache deletes the cache, if any: after lock and logout no key opens
// it, and after login and unlock it is under a key that is gone.
func (a *app) removeCache() error {
	dir, err := a.dir()
	if err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, cacheFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail("Cannot remove the vault cache in " + dir + ".")
	}
	return nil
}
