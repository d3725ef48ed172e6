package vaultcrypto

import (
	"crypto/hkdf"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
)

// HashPurpose selects the number of PBKDF2 rounds of a master-password hash.
type HashPurpose int

// Hash purposes, numbered as the Bitwarden SDK numbers them (the number is
// also the PBKDF2 iteration count).
const (
	// ServerAuthorization is the hash sent to the server as the password of
	// the token request and as masterPasswordHash in API bodies.
	ServerAuthorization HashPurpose = 1
	// LocalAuthorization is the hash a client keeps to check the password
	// offline. It is never sent.
	LocalAuthorization HashPurpose = 2
)

// MasterKey is the 32-byte key derived from the master password. It only
// produces the password hashes and wraps or unwraps the user key.
type MasterKey struct{ k *masterKey }

type masterKey struct{ b [32]byte }

func masterKeyFromBytes(b []byte) (*MasterKey, error) {
	m := &MasterKey{k: new(masterKey)}
	if len(b) != len(m.k.b) {
		return nil, fmt.Errorf("%w: master key must be 32 bytes, got %d", ErrInvalidKey, len(b))
	}
	copy(m.k.b[:], b)
	return m, nil
}

// Hash returns the base64 master-password hash for the given purpose:
// PBKDF2-SHA256 with the master key as the password and the master password
// as the salt, purpose-many iterations.
func (m *MasterKey) Hash(password string, purpose HashPurpose) (string, error) {
	if purpose != ServerAuthorization && purpose != LocalAuthorization {
		return "", fmt.Errorf("vaultcrypto: unknown hash purpose %d", int(purpose))
	}
	out, err := pbkdf2.Key(sha256.New, string(m.k.b[:]), []byte(password), int(purpose), 32)
	if err != nil {
		return "", fmt.Errorf("vaultcrypto: PBKDF2: %w", err)
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// stretch expands the master key with HKDF-Expand (no extract step) into
// the 64-byte key that wraps the user key: enc = Expand(mk, "enc", 32),
// mac = Expand(mk, "mac", 32).
func (m *MasterKey) stretch() (*SymmetricKey, error) {
	var b [64]byte
	defer clear(b[:])
	for i, info := range [2]string{"enc", "mac"} {
		part, err := hkdfExpand(m.k.b[:], info, 32)
		if err != nil {
			return nil, err
		}
		copy(b[32*i:], part)
		clear(part)
	}
	return NewSymmetricKey(b[:])
}

// hkdfExpand is HKDF-Expand with SHA-256 (RFC 5869 §2.3) and no extract
// step: Bitwarden uses the 32-byte master key directly as the PRK.
func hkdfExpand(prk []byte, info string, n int) ([]byte, error) {
	out, err := hkdf.Expand(sha256.New, prk, info, n)
	if err != nil {
		return nil, fmt.Errorf("vaultcrypto: HKDF: %w", err)
	}
	return out, nil
}

// UnwrapUserKey decrypts the account's protected user key (the "Key" of the
// token response and the profile). A type 2 string is decrypted with the
// stretched master key. A legacy type 0 (or 1) string, from accounts created
// before 2018, is decrypted with the raw master key; this is the only place
// a MAC-less EncString is ever accepted.
//
// A MAC failure means the password (or e-mail) was wrong; the error matches
// ErrMAC.
func (m *MasterKey) UnwrapUserKey(protected EncString) (*SymmetricKey, error) {
	var (
		raw []byte
		err error
	)
	switch protected.typ {
	case AesCbc256HmacSha256B64:
		var sk *SymmetricKey
		if sk, err = m.stretch(); err != nil {
			return nil, err
		}
		raw, err = sk.Decrypt(protected)
	case AesCbc256B64, AesCbc128HmacSha256B64:
		raw, err = decryptLegacy(m.k.b[:], protected)
	default:
		err = fmt.Errorf("%w: a user key cannot be EncString type %d", ErrWrongKeyType, protected.typ)
	}
	if err != nil {
		return nil, fmt.Errorf("unwrap user key: %w", err)
	}
	defer clear(raw)
	return keyFromPlaintext(raw)
}

// WrapUserKey encrypts the user key under the stretched master key (type 2),
// for registration, a password change or an admin password reset.
func (m *MasterKey) WrapUserKey(userKey *SymmetricKey) (EncString, error) {
	sk, err := m.stretch()
	if err != nil {
		return EncString{}, err
	}
	return sk.WrapKey(userKey)
}

// unwrapSymmetric decrypts a wrapped symmetric key with decrypt (a
// SymmetricKey's or a PrivateKey's) and checks that it is a key.
func unwrapSymmetric(decrypt func(EncString) ([]byte, error), wrapped EncString) (*SymmetricKey, error) {
	raw, err := decrypt(wrapped)
	if err != nil {
		return nil, fmt.Errorf("unwrap key: %w", err)
	}
	defer clear(raw)
	return keyFromPlaintext(raw)
}

// keyFromPlaintext turns the plaintext of a wrapped symmetric key into a key,
// with an error that says what went wrong without the bytes.
func keyFromPlaintext(raw []byte) (*SymmetricKey, error) {
	k, err := NewSymmetricKey(raw)
	if errors.Is(err, ErrInvalidKey) {
		return nil, fmt.Errorf("%w: wrapped key is %d bytes, want 64", ErrDecrypt, len(raw))
	}
	return k, err
}

// String returns a redacted marker.
func (MasterKey) String() string { return redactedString("MasterKey") }

// GoString returns a redacted marker.
func (m MasterKey) GoString() string { return m.String() }

// Format prints a redacted marker for every verb.
func (MasterKey) Format(f fmt.State, _ rune) { writeRedacted(f, "MasterKey") }

// LogValue makes log/slog print a redacted marker.
func (m MasterKey) LogValue() slog.Value { return slog.StringValue(m.String()) }
