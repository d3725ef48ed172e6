package vaultcrypto

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them, so
// callers test with errors.Is. None of them ever carries secret material.
var (
	// ErrInvalidEncString reports text or bytes that are not a well-formed
	// EncString: wrong number of parts, bad base64, wrong IV or MAC length.
	ErrInvalidEncString = errors.New("vaultcrypto: invalid EncString")

	// ErrUnsupportedType reports an EncString type this package does not
	// handle: type 7 (COSE, "V2" encryption) and unknown type numbers.
	ErrUnsupportedType = errors.New("vaultcrypto: unsupported EncString type")

	// ErrWrongKeyType reports a key that cannot decrypt an EncString of the
	// given type, for example a 64-byte key given a MAC-less type 0 string.
	ErrWrongKeyType = errors.New("vaultcrypto: key type does not match EncString type")

	// ErrMAC reports that the message authentication code did not verify:
	// the ciphertext was tampered with, or the key is the wrong one. Nothing
	// was decrypted.
	ErrMAC = errors.New("vaultcrypto: MAC verification failed")

	// ErrDecrypt reports a decryption failure after authentication (bad
	// padding, or RSA-OAEP failure), or a plaintext that is not what the
	// caller asked for (not UTF-8, not a key of the right size).
	ErrDecrypt = errors.New("vaultcrypto: decryption failed")

	// ErrInvalidKey reports key material of the wrong size or encoding.
	ErrInvalidKey = errors.New("vaultcrypto: invalid key")

	// ErrWeakKDF reports KDF parameters below the Bitwarden minimums (or
	// above the maximums servers accept). It is wrapped by *KDFError.
	ErrWeakKDF = errors.New("vaultcrypto: KDF parameters out of range")
)

// KDFError reports one KDF parameter outside the accepted range. It matches
// ErrWeakKDF with errors.Is.
type KDFError struct {
	KDF      KDFType
	Param    string // "iterations", "memory" (MiB) or "parallelism"
	Value    int
	Min, Max int
}

func (e *KDFError) Error() string {
	return fmt.Sprintf("vaultcrypto: %s %s = %d is outside the accepted range [%d, %d]",
		e.KDF, e.Param, e.Value, e.Min, e.Max)
}

// Unwrap returns ErrWeakKDF.
func (e *KDFError) Unwrap() error { return ErrWeakKDF }

// encErr builds an ErrInvalidEncString error. Only the type number and
// structural facts may go into the message, never the input text.
func encErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidEncString}, args...)...)
}
