package vaultcrypto

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// KDFType is the key-derivation function of an account, as numbered by the
// server's prelogin and token responses.
type KDFType int

// KDF types.
const (
	PBKDF2SHA256 KDFType = 0
	Argon2id     KDFType = 1
)

func (t KDFType) String() string {
	switch t {
	case PBKDF2SHA256:
		return "PBKDF2-SHA256"
	case Argon2id:
		return "Argon2id"
	}
	return fmt.Sprintf("KDFType(%d)", int(t))
}

// KDFConfig is an account's key-derivation configuration. Memory is in MiB
// and Memory and Parallelism are used by Argon2id only.
type KDFConfig struct {
	Type        KDFType
	Iterations  int
	Memory      int // MiB
	Parallelism int
}

// Defaults for new accounts and KDF changes: the values current Bitwarden
// clients use.
var (
	DefaultPBKDF2   = KDFConfig{Type: PBKDF2SHA256, Iterations: 600_000}
	DefaultArgon2id = KDFConfig{Type: Argon2id, Iterations: 3, Memory: 64, Parallelism: 4}
)

// Accepted ranges. The minimums are the Bitwarden SDK's hard minimums: a
// server that asks for less is refused, so that a malicious or compromised
// server cannot make a client derive a cheap-to-crack key. The maximums are
// the ranges Bitwarden servers and clients accept; they keep a hostile
// server from making the client allocate gigabytes or spin for hours.
const (
	MinPBKDF2Iterations = 5_000
	MaxPBKDF2Iterations = 2_000_000

	MinArgon2Iterations  = 2
	MaxArgon2Iterations  = 10
	MinArgon2Memory      = 16 // MiB
	MaxArgon2Memory      = 1024
	MinArgon2Parallelism = 1
	MaxArgon2Parallelism = 16
)

// Validate reports whether c is within the accepted ranges. The error is a
// *KDFError (matching ErrWeakKDF) naming the first parameter out of range.
func (c KDFConfig) Validate() error {
	check := func(param string, v, lo, hi int) error {
		if v < lo || v > hi {
			return &KDFError{KDF: c.Type, Param: param, Value: v, Min: lo, Max: hi}
		}
		return nil
	}
	switch c.Type {
	case PBKDF2SHA256:
		return check("iterations", c.Iterations, MinPBKDF2Iterations, MaxPBKDF2Iterations)
	case Argon2id:
		if err := check("iterations", c.Iterations, MinArgon2Iterations, MaxArgon2Iterations); err != nil {
			return err
		}
		if err := check("memory", c.Memory, MinArgon2Memory, MaxArgon2Memory); err != nil {
			return err
		}
		return check("parallelism", c.Parallelism, MinArgon2Parallelism, MaxArgon2Parallelism)
	}
	return fmt.Errorf("%w: unknown KDF type %d", ErrWeakKDF, int(c.Type))
}

// NormalizeEmail returns the KDF salt for an account e-mail: trimmed of
// leading and trailing white space and lower-cased, as every Bitwarden client
// does. Besides Unicode white space it trims U+FEFF, as JavaScript's trim
// does.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimFunc(email, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\uFEFF'
	}))
}

// DeriveMasterKey derives the master key from the master password and the
// account e-mail (normalised here with NormalizeEmail). The password is used
// as its UTF-8 bytes with no Unicode normalisation. It refuses a KDFConfig
// that does not Validate.
func DeriveMasterKey(password, email string, c KDFConfig) (*MasterKey, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	salt := []byte(NormalizeEmail(email))
	m := &MasterKey{k: new(masterKey)}
	switch c.Type {
	case PBKDF2SHA256:
		out, err := pbkdf2.Key(sha256.New, password, salt, c.Iterations, len(m.k.b))
		if err != nil {
			return nil, fmt.Errorf("vaultcrypto: PBKDF2: %w", err)
		}
		copy(m.k.b[:], out)
		clear(out)
	case Argon2id:
		sum := sha256.Sum256(salt)
		out := argon2.IDKey([]byte(password), sum[:], uint32(c.Iterations),
			uint32(c.Memory)*1024, uint8(c.Parallelism), uint32(len(m.k.b)))
		copy(m.k.b[:], out)
		clear(out)
	}
	return m, nil
}

// derivations bounds the key derivations running at once, in this process.
// A derivation cannot be interrupted, so one whose caller gave up finishes
// in the background; the bound keeps abandoned derivations (up to 1 GiB
// each for Argon2id) from piling up.
var derivations = make(chan struct{}, 2)

// DeriveMasterKeyContext is DeriveMasterKey that returns ctx.Err() as soon
// as ctx ends. The derivation itself cannot stop: it runs on in the
// background, holding one of a small number of derivation slots, and its
// result is wiped when it finishes. Waiting for a slot also ends with ctx.
func DeriveMasterKeyContext(ctx context.Context, password, email string, c KDFConfig) (*MasterKey, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	select {
	case derivations <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	type result struct {
		m   *MasterKey
		err error
	}
	done := make(chan result) // unbuffered: a result nobody takes is wiped
	abandoned := make(chan struct{})
	go func() {
		defer func() { <-derivations }()
		if hook := TestHookBeforeDerive.Load(); hook != nil {
			(*hook)(email)
		}
		m, err := DeriveMasterKey(password, email, c)
		select {
		case done <- result{m, err}:
		case <-abandoned:
			if m != nil {
				clear(m.k.b[:])
			}
		}
	}()
	select {
	case r := <-done:
		return r.m, r.err
	case <-ctx.Done():
		close(abandoned)
		return nil, ctx.Err()
	}
}

// TestHookBeforeDerive is for tests only (of this package and of safe; the
// package is internal, so it is no public API). When set, the background
// derivation of DeriveMasterKeyContext calls it with the e-mail it was
// given, after taking its slot and before deriving: a test blocks it to
// prove that the caller returned while the derivation was still running,
// without relying on how fast the machine is. A hook should act only on
// its own test's e-mail, as other tests may derive at the same time.
var TestHookBeforeDerive atomic.Pointer[func(email string)]
