package vaultcrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding"
	"fmt"
	"hash"
	"log/slog"
	"sync"
	"unicode/utf8"
)

// SymmetricKey is a 64-byte Bitwarden symmetric key: a 32-byte AES-256-CBC
// key followed by a 32-byte HMAC-SHA256 key. User keys, organization keys,
// per-item keys, attachment keys and the stretched master key are all of
// this kind. It encrypts to and decrypts from type 2 EncStrings only.
//
// The AES key schedule and the keyed HMAC state are computed once, when the
// key is made, so that decrypting a field costs two SHA-256 blocks, a few
// AES blocks and one allocation for the result.
type SymmetricKey struct{ k *symmetricKey }

type symmetricKey struct {
	raw   [64]byte
	block cipher.Block
	// mac holds the SHA-256 states after absorbing the HMAC inner and outer
	// pads (K^ipad, K^opad), marshalled one after the other. HMAC then
	// costs no key setup per call, and a key costs no hash objects of its
	// own (sync sees thousands of short-lived per-item keys).
	mac      [2 * maxDigestState]byte
	macState int // the length of one marshalled state
}

// maxDigestState bounds a marshalled SHA-256 state (108 bytes today).
const maxDigestState = 128

// digests are SHA-256 hashes shared by all keys; each use restores a key's
// marshalled pad state first.
var digests = sync.Pool{New: func() any { return sha256.New() }}

type digestState interface {
	hash.Hash
	encoding.BinaryAppender
	encoding.BinaryUnmarshaler
}

// NewSymmetricKey makes a key from its 64 raw bytes. It copies b.
func NewSymmetricKey(b []byte) (*SymmetricKey, error) {
	if len(b) != 64 {
		return nil, fmt.Errorf("%w: symmetric key must be 64 bytes, got %d", ErrInvalidKey, len(b))
	}
	k := new(symmetricKey)
	copy(k.raw[:], b)
	block, err := aes.NewCipher(k.raw[:32])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	k.block = block
	if err := k.initMAC(); err != nil {
		return nil, err
	}
	return &SymmetricKey{k: k}, nil
}

// initMAC computes the HMAC-SHA256 pad states of the 32-byte MAC key
// (RFC 2104: the key, zero-padded to the 64-byte block, XOR 0x36 and 0x5c).
func (k *symmetricKey) initMAC() error {
	var pad [sha256.BlockSize]byte
	defer clear(pad[:])
	h := digests.Get().(digestState)
	defer digests.Put(h)
	out := k.mac[:0]
	for _, x := range [2]byte{0x36, 0x5c} {
		copy(pad[:], k.raw[32:])
		clear(pad[32:])
		for i := range pad {
			pad[i] ^= x
		}
		h.Reset()
		h.Write(pad[:])
		n := len(out)
		var err error
		if out, err = h.AppendBinary(out); err != nil || len(out)-n > maxDigestState {
			return fmt.Errorf("%w: SHA-256 state", ErrInvalidKey)
		}
		k.macState = len(out) - n
	}
	h.Reset()
	return nil
}

// GenerateSymmetricKey returns a new random key from crypto/rand, for a
// user key, an organization key or a per-item key.
func GenerateSymmetricKey() (*SymmetricKey, error) {
	var b [64]byte
	defer clear(b[:])
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("vaultcrypto: random: %w", err)
	}
	return NewSymmetricKey(b[:])
}

// Bytes returns a copy of the 64 raw key bytes. Callers should clear it
// when done.
func (k *SymmetricKey) Bytes() []byte { return append([]byte(nil), k.k.raw[:]...) }

// Equal reports whether k and o are the same key, in constant time.
func (k *SymmetricKey) Equal(o *SymmetricKey) bool {
	return hmac.Equal(k.k.raw[:], o.k.raw[:])
}

// sum appends HMAC-SHA256(macKey, iv || ct) to dst, which needs room for
// 32 more bytes to avoid an allocation. The pad states were made by
// AppendBinary of the same digest type, so restoring them fails only if
// the key's memory was damaged; that is an ErrInvalidKey, not a panic.
func (k *symmetricKey) sum(dst, iv, ct []byte) ([]byte, error) {
	h := digests.Get().(digestState)
	defer digests.Put(h)
	defer h.Reset() // drop key-derived state before the digest goes back
	inner, outer := k.mac[:k.macState], k.mac[k.macState:2*k.macState]
	if err := h.UnmarshalBinary(inner); err != nil {
		return dst, fmt.Errorf("%w: SHA-256 state: %v", ErrInvalidKey, err)
	}
	h.Write(iv)
	h.Write(ct)
	n := len(dst)
	dst = h.Sum(dst)
	if err := h.UnmarshalBinary(outer); err != nil {
		clear(dst[n:])
		return dst[:n], fmt.Errorf("%w: SHA-256 state: %v", ErrInvalidKey, err)
	}
	h.Write(dst[n:])
	return h.Sum(dst[:n]), nil
}

// Encrypt encrypts p as a type 2 EncString with a fresh random IV.
func (k *SymmetricKey) Encrypt(p []byte) (EncString, error) { return seal(k.k, p) }

// EncryptString encrypts the UTF-8 bytes of s as a type 2 EncString.
func (k *SymmetricKey) EncryptString(s string) (EncString, error) { return seal(k.k, s) }

// seal encrypts p under a fresh IV from crypto/rand.
func seal[T ~string | ~[]byte](k *symmetricKey, p T) (EncString, error) {
	buf := sealBuffer(len(p))
	if _, err := rand.Read(buf[:aes.BlockSize]); err != nil {
		return EncString{}, fmt.Errorf("vaultcrypto: random: %w", err)
	}
	return sealWithIV(k, buf, p)
}

// sealBuffer returns the one allocation that holds the IV, the ciphertext
// and the MAC of a plaintext of n bytes: its length covers IV and
// ciphertext, its capacity the MAC too.
func sealBuffer(n int) []byte {
	size := aes.BlockSize + n/aes.BlockSize*aes.BlockSize + aes.BlockSize // PKCS#7 always pads
	return make([]byte, size, size+sha256.Size)
}

// sealWithIV is AES-256-CBC with PKCS#7 padding, then HMAC-SHA256 over IV
// and ciphertext (encrypt-then-MAC). buf comes from sealBuffer with the IV
// in its first 16 bytes. Tests call it with fixed IVs; everything else goes
// through seal.
func sealWithIV[T ~string | ~[]byte](k *symmetricKey, buf []byte, p T) (EncString, error) {
	size := len(buf)
	iv, ct := buf[:aes.BlockSize:aes.BlockSize], buf[aes.BlockSize:size:size]
	k.encryptCBC(iv, ct, copy(ct, p))
	buf, err := k.sum(buf, iv, ct)
	if err != nil {
		return EncString{}, err
	}
	return EncString{typ: AesCbc256HmacSha256B64, iv: iv, data: ct, mac: buf[size:]}, nil
}

// encryptCBC pads the n plaintext bytes at the start of ct (PKCS#7, up to
// len(ct), a multiple of the block size above n) and encrypts ct in place.
func (k *symmetricKey) encryptCBC(iv, ct []byte, n int) {
	pad := byte(len(ct) - n)
	for i := n; i < len(ct); i++ {
		ct[i] = pad
	}
	prev := iv
	for i := 0; i < len(ct); i += aes.BlockSize {
		b := ct[i : i+aes.BlockSize]
		subtle.XORBytes(b, b, prev)
		k.block.Encrypt(b, b)
		prev = b
	}
}

// Decrypt authenticates and decrypts a type 2 EncString. Any other type is
// refused with ErrWrongKeyType; a MAC mismatch gives ErrMAC and nothing is
// decrypted; bad padding gives ErrDecrypt.
func (k *SymmetricKey) Decrypt(e EncString) ([]byte, error) {
	buf := make([]byte, 0, len(e.data)+sha256.Size)
	n, err := k.k.open(buf, e)
	if err != nil {
		return nil, err
	}
	return buf[:n:n], nil
}

// DecryptString is Decrypt for a text field: the plaintext must be UTF-8
// (else ErrDecrypt). It allocates only the returned string.
func (k *SymmetricKey) DecryptString(e EncString) (string, error) {
	sc := getScratch(len(e.data) + sha256.Size)
	defer putScratch(sc)
	n, err := k.k.open(*sc, e)
	if err != nil {
		return "", err
	}
	pt := (*sc)[:n]
	if !utf8.Valid(pt) {
		return "", fmt.Errorf("%w: plaintext is not UTF-8", ErrDecrypt)
	}
	return string(pt), nil
}

// DecryptText parses the text form of a type 2 EncString and decrypts it
// to a string in one step, like ParseEncString then DecryptString, without
// keeping the parsed form: only the result is allocated. It is the way to
// read many fields out of a large server response. Empty text is an
// error; callers treat absent fields before calling.
func (k *SymmetricKey) DecryptText(text []byte) (string, error) {
	parts := getScratch(len(text))
	defer putScratch(parts)
	e, err := parseText(text, *parts)
	if err != nil {
		return "", err
	}
	return k.DecryptString(e)
}

// open checks e's type, verifies its MAC and decrypts it into buf, which
// must have a capacity of at least len(e.data)+32 and must not alias e. It
// returns the plaintext length. The order (type, MAC, CBC, padding) is the
// one that leaves no padding oracle.
func (k *symmetricKey) open(buf []byte, e EncString) (int, error) {
	if e.typ != AesCbc256HmacSha256B64 || e.IsZero() {
		if e.IsZero() {
			return 0, encErr("zero EncString")
		}
		return 0, fmt.Errorf("%w: a 64-byte key decrypts type 2 only, got type %d", ErrWrongKeyType, e.typ)
	}
	mac, err := k.sum(buf[:0], e.iv, e.data)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal(mac, e.mac) {
		clear(mac)
		return 0, ErrMAC
	}
	return decryptCBC(k.block, buf[:len(e.data)], e.iv, e.data)
}

// decryptCBC decrypts ct into dst (same length, not aliased) and strips the
// PKCS#7 padding, returning the plaintext length.
func decryptCBC(block cipher.Block, dst, iv, ct []byte) (int, error) {
	prev := iv
	for i := 0; i < len(ct); i += aes.BlockSize {
		b := dst[i : i+aes.BlockSize]
		block.Decrypt(b, ct[i:i+aes.BlockSize])
		subtle.XORBytes(b, b, prev)
		prev = ct[i : i+aes.BlockSize]
	}
	return unpad(dst)
}

// unpad validates PKCS#7 padding and returns the unpadded length. It runs
// only on authenticated data (or for the legacy MAC-less type 0 unwrap), so
// it need not be constant time.
func unpad(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("%w: bad padding", ErrDecrypt)
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return 0, fmt.Errorf("%w: bad padding", ErrDecrypt)
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return 0, fmt.Errorf("%w: bad padding", ErrDecrypt)
		}
	}
	return len(b) - n, nil
}

// WrapKey encrypts another symmetric key (a per-item key, say) under k.
func (k *SymmetricKey) WrapKey(inner *SymmetricKey) (EncString, error) {
	return k.Encrypt(inner.k.raw[:])
}

// UnwrapKey decrypts a symmetric key wrapped under k; the plaintext must be
// 64 bytes.
func (k *SymmetricKey) UnwrapKey(wrapped EncString) (*SymmetricKey, error) {
	return unwrapSymmetric(k.Decrypt, wrapped)
}

// WrapPrivateKey encrypts an RSA private key (PKCS#8 DER) under k, as the
// user key protects the account's private key and an organization key its
// organization's.
func (k *SymmetricKey) WrapPrivateKey(pk *PrivateKey) (EncString, error) {
	der, err := pk.pkcs8()
	if err != nil {
		return EncString{}, err
	}
	defer clear(der)
	return k.Encrypt(der)
}

// UnwrapPrivateKey decrypts an RSA private key (PKCS#8 DER) wrapped under k.
func (k *SymmetricKey) UnwrapPrivateKey(wrapped EncString) (*PrivateKey, error) {
	der, err := k.Decrypt(wrapped)
	if err != nil {
		return nil, fmt.Errorf("unwrap private key: %w", err)
	}
	defer clear(der)
	return ParsePrivateKey(der)
}

// EncryptBuffer encrypts the concatenation of parts (a type 2 EncString
// with a fresh random IV) into the binary form used for attachment files:
// type, IV, MAC, ciphertext. The result is the only allocation, so a large
// plaintext costs its size once more, not three times.
func (k *SymmetricKey) EncryptBuffer(parts ...[]byte) ([]byte, error) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	const head = 1 + aes.BlockSize + sha256.Size
	out := make([]byte, head+n/aes.BlockSize*aes.BlockSize+aes.BlockSize) // PKCS#7 always pads
	out[0] = byte(AesCbc256HmacSha256B64)
	iv, mac, ct := out[1:1+aes.BlockSize:1+aes.BlockSize], out[1+aes.BlockSize:1+aes.BlockSize:head], out[head:]
	if _, err := rand.Read(iv); err != nil {
		return nil, fmt.Errorf("vaultcrypto: random: %w", err)
	}
	n = 0
	for _, p := range parts {
		n += copy(ct[n:], p)
	}
	k.k.encryptCBC(iv, ct, n)
	if _, err := k.k.sum(mac, iv, ct); err != nil { // writes the MAC in place
		return nil, err
	}
	return out, nil
}

// DecryptBuffer decrypts the binary form used for attachment files. b is
// only read, and not kept.
func (k *SymmetricKey) DecryptBuffer(b []byte) ([]byte, error) {
	e, err := parseEncBuffer(b, false)
	if err != nil {
		return nil, err
	}
	return k.Decrypt(e)
}

// String returns a redacted marker.
func (SymmetricKey) String() string { return redactedString("SymmetricKey") }

// GoString returns a redacted marker.
func (k SymmetricKey) GoString() string { return k.String() }

// Format prints a redacted marker for every verb.
func (SymmetricKey) Format(f fmt.State, _ rune) { writeRedacted(f, "SymmetricKey") }

// LogValue makes log/slog print a redacted marker.
func (k SymmetricKey) LogValue() slog.Value { return slog.StringValue(k.String()) }
