package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// cacheFile is the name of the vault cache in the app-data directory: the
// last /api/sync response (safe.SyncCache), so that "list" and "get" need
// only a revision check, not a full sync, when nothing changed since the
// last one. It is encrypted at rest under the session key, so without
// that key it is of no use, not even for its metadata. It is deleted by
// login, unlock (a new key), lock and logout.
//
// The file is cacheMagic, a 12-byte nonce from crypto/rand, and the
// revision (8 bytes, big-endian) followed by the sync response, sealed
// with AES-256-GCM (cacheMagic as additional data) under a key that HKDF-
// SHA256 derives from the 64-byte session key. The state file uses the
// vault's own AES-CBC + HMAC-SHA256 (vaultcrypto's EncryptBuffer) for the
// exported session; the cache does not, because it is large (20 MB at
// 10,000 items) and written by every sync and read by every command, and
// GCM seals it several times faster on CPUs with AES and carry-less
// multiply instructions (compare BenchmarkEncryptBuffer in
// internal/vaultcrypto with BenchmarkCacheSeal here).
const cacheFile = "bsafe-vault.cache"

// cacheMagic starts the cache file and names its format; a file in another
// format (an earlier bsafe's) does not open, and is replaced by the next
// full sync.
const cacheMagic = "bsafe-vault-cache-1\n"

// cacheKeyInfo is the HKDF info that makes the cache key differ from every
// other use of the session key.
const cacheKeyInfo = "bsafe vault cache AES-256-GCM"

// vaultCache is the safe.SyncCache of one command, under its session key.
type vaultCache struct {
	a    *app
	aead cipher.AEAD
}

// newVaultCache returns the cache under sessionKey (base64 of 64 bytes),
// or nil if sessionKey is not one: the vault is then locked anyway.
func (a *app) newVaultCache(sessionKey string) *vaultCache {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sessionKey))
	if err != nil || len(raw) != 64 {
		return nil
	}
	defer clear(raw)
	key, err := hkdf.Key(sha256.New, raw, nil, cacheKeyInfo, 32)
	if err != nil {
		return nil
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil
	}
	return &vaultCache{a: a, aead: aead}
}

// errCacheKey is the error for a cache that does not open under the
// session key (another key's, after unlock, another format, or damaged):
// it is ignored and replaced by the next full sync.
var errCacheKey = errors.New("bsafe: the vault cache does not decrypt under this session key; ignored")

// LoadSync reads and decrypts the cache, in place.
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
	plain, err := c.open(b)
	if err != nil {
		return nil, 0, false, err
	}
	return plain[8:], int64(binary.BigEndian.Uint64(plain)), true, nil
}

// open authenticates and decrypts a cache file's bytes in place; the
// plaintext is at least the 8 bytes of the revision.
func (c *vaultCache) open(b []byte) ([]byte, error) {
	head := len(cacheMagic) + c.aead.NonceSize()
	if len(b) < head+8+c.aead.Overhead() || string(b[:len(cacheMagic)]) != cacheMagic {
		return nil, errCacheKey
	}
	nonce, sealed := b[len(cacheMagic):head], b[head:]
	plain, err := c.aead.Open(sealed[:0], nonce, sealed, b[:len(cacheMagic)])
	if err != nil || len(plain) < 8 {
		return nil, errCacheKey
	}
	return plain, nil
}

// StoreSync encrypts and writes the cache atomically, mode 0600.
func (c *vaultCache) StoreSync(_ context.Context, body []byte, revision int64) error {
	enc, err := c.seal(body, revision)
	if err != nil {
		return err
	}
	// Not synced to the disk: that took longer than the rest of a sync at
	// 10,000 items, and a cache cut short by a crash fails GCM's check and
	// is replaced by the next full sync, as a damaged one is.
	return c.a.writeFile(cacheFile, "the vault cache", enc, false)
}

// seal builds the file's bytes in one buffer (one copy of body, sealed in
// place).
func (c *vaultCache) seal(body []byte, revision int64) ([]byte, error) {
	head := len(cacheMagic) + c.aead.NonceSize()
	out := make([]byte, head+8+len(body), head+8+len(body)+c.aead.Overhead())
	copy(out, cacheMagic)
	if _, err := rand.Read(out[len(cacheMagic):head]); err != nil {
		return nil, errors.New("bsafe: no randomness for the vault cache")
	}
	binary.BigEndian.PutUint64(out[head:], uint64(revision))
	copy(out[head+8:], body)
	sealed := c.aead.Seal(out[head:head], out[len(cacheMagic):head], out[head:], out[:len(cacheMagic)])
	return out[:head+len(sealed)], nil
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
