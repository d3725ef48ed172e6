package vaultcrypto

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"hash"
	"log/slog"
)

// RSAKeyBits is the size of the RSA keys Bitwarden accounts and
// organizations use.
const RSAKeyBits = 2048

// PrivateKey is an RSA private key: an account's (which unwraps its
// organization keys) or an organization's (which unwraps members' user keys
// for account recovery). It decrypts EncString types 3 to 6.
type PrivateKey struct{ k *rsa.PrivateKey }

// PublicKey is an RSA public key. It wraps keys as type 4 EncStrings
// (RSA-OAEP with SHA-1), which is what every Bitwarden client writes.
type PublicKey struct{ k *rsa.PublicKey }

// GeneratePrivateKey returns a new RSA-2048 key pair from crypto/rand.
func GeneratePrivateKey() (*PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, RSAKeyBits)
	if err != nil {
		return nil, fmt.Errorf("vaultcrypto: generate RSA key: %w", err)
	}
	return &PrivateKey{k: k}, nil
}

// ParsePrivateKey parses a PKCS#8 DER RSA private key (the only form
// Bitwarden clients accept).
func ParsePrivateKey(der []byte) (*PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		// x509 errors describe structure, not key bytes, but keep them out
		// anyway: the input is secret.
		return nil, fmt.Errorf("%w: not a PKCS#8 private key", ErrInvalidKey)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: PKCS#8 key is %T, want RSA", ErrInvalidKey, k)
	}
	return &PrivateKey{k: rk}, nil
}

// PKCS8 returns the private key as PKCS#8 DER. The result is secret; clear
// it when done.
func (p *PrivateKey) PKCS8() ([]byte, error) { return p.pkcs8() }

func (p *PrivateKey) pkcs8() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(p.k)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot marshal private key", ErrInvalidKey)
	}
	return der, nil
}

// Public returns the public half.
func (p *PrivateKey) Public() *PublicKey { return &PublicKey{k: &p.k.PublicKey} }

// Decrypt decrypts an RSA EncString: type 3 or 5 (OAEP with SHA-256) or type
// 4 or 6 (OAEP with SHA-1). The MAC part of the deprecated types 5 and 6 is
// ignored, as in every Bitwarden client.
func (p *PrivateKey) Decrypt(e EncString) ([]byte, error) {
	var h hash.Hash
	switch e.typ {
	case Rsa2048OaepSha256B64, Rsa2048OaepSha256HmacSha256B64:
		h = sha256.New()
	case Rsa2048OaepSha1B64, Rsa2048OaepSha1HmacSha256B64:
		h = sha1.New()
	default:
		if e.IsZero() {
			return nil, encErr("zero EncString")
		}
		return nil, fmt.Errorf("%w: an RSA key decrypts types 3 to 6, got type %d", ErrWrongKeyType, e.typ)
	}
	out, err := rsa.DecryptOAEP(h, nil, p.k, e.data, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: RSA-OAEP", ErrDecrypt)
	}
	return out, nil
}

// UnwrapKey decrypts a symmetric key wrapped with RSA: an organization key
// from the profile, or a member's user key (resetPasswordKey) for account
// recovery.
func (p *PrivateKey) UnwrapKey(wrapped EncString) (*SymmetricKey, error) {
	return unwrapSymmetric(p.Decrypt, wrapped)
}

// String returns a redacted marker.
func (PrivateKey) String() string { return redactedString("PrivateKey") }

// GoString returns a redacted marker.
func (p PrivateKey) GoString() string { return p.String() }

// Format prints a redacted marker for every verb.
func (PrivateKey) Format(f fmt.State, _ rune) { writeRedacted(f, "PrivateKey") }

// LogValue makes log/slog print a redacted marker.
func (p PrivateKey) LogValue() slog.Value { return slog.StringValue(p.String()) }

// ParsePublicKey parses an X.509 SubjectPublicKeyInfo DER RSA public key.
func ParsePublicKey(der []byte) (*PublicKey, error) {
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: not an SPKI public key", ErrInvalidKey)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: SPKI key is %T, want RSA", ErrInvalidKey, k)
	}
	return &PublicKey{k: rk}, nil
}

// ParsePublicKeyBase64 parses the base64 SPKI form servers send as
// publicKey.
func ParsePublicKeyBase64(s string) (*PublicKey, error) {
	der, err := appendDecodeBase64(nil, s)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrInvalidKey, err)
	}
	return ParsePublicKey(der)
}

// SPKI returns the public key as X.509 SubjectPublicKeyInfo DER.
func (p *PublicKey) SPKI() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(p.k)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot marshal public key", ErrInvalidKey)
	}
	return der, nil
}

// Base64 returns the base64 SPKI form servers store as publicKey.
func (p *PublicKey) Base64() (string, error) {
	der, err := p.SPKI()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// Encrypt encrypts p as a type 4 EncString (RSA-OAEP, SHA-1, empty label).
func (p *PublicKey) Encrypt(msg []byte) (EncString, error) {
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, p.k, msg, nil)
	if err != nil {
		return EncString{}, fmt.Errorf("vaultcrypto: RSA-OAEP encrypt: %w", err)
	}
	return EncString{typ: Rsa2048OaepSha1B64, data: ct}, nil
}

// WrapKey encrypts a symmetric key to this public key (type 4): an
// organization key for a member, or the user key for account-recovery
// enrollment.
func (p *PublicKey) WrapKey(k *SymmetricKey) (EncString, error) { return p.Encrypt(k.k.raw[:]) }
