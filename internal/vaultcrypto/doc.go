// Package vaultcrypto is the client-side cryptography of Bravura Safe, which
// is byte-for-byte the cryptography of Bitwarden clients of the same era.
//
// It covers, in the order a login uses them:
//
//   - key derivation: PBKDF2-SHA256 and Argon2id turn the master password and
//     the normalised e-mail into a [MasterKey] ([DeriveMasterKey]); parameters
//     below the Bitwarden minimums are refused with a [*KDFError];
//   - the master-password hashes sent to the server or kept locally
//     ([MasterKey.Hash]) and the HKDF stretch of the master key;
//   - [EncString], the "2.iv|ct|mac" text form (and the binary form used for
//     attachment files) of every encrypted value;
//   - the key hierarchy: the master key wraps the user key, the user key wraps
//     the RSA [PrivateKey], the private key unwraps organization keys, and an
//     organization or user key may wrap a per-item key. Each level has a
//     Wrap/Unwrap pair.
//
// # Keys and types
//
// Key material lives in distinct types so that a key cannot be used where it
// does not belong: [MasterKey] (32 bytes, only for hashes and the user key),
// [SymmetricKey] (64 bytes: AES-256-CBC key and HMAC-SHA256 key), [PrivateKey]
// and [PublicKey] (RSA-2048). A SymmetricKey only ever decrypts type 2
// (authenticated) EncStrings: the MAC-less type 0 is reachable solely through
// [MasterKey.UnwrapUserKey], for accounts from before 2018. This is the
// downgrade protection the Bitwarden SDK has: the MAC does not cover the type
// digit, so the key type has to.
//
// Only types 2 (AES-256-CBC + HMAC-SHA256) and 4 (RSA-OAEP-SHA1) are ever
// written. Types 0, 1, 3, 5 and 6 are read; type 7 (COSE, 2025+) and any
// unknown type are refused with [ErrUnsupportedType].
//
// # Secrets
//
// Every key type redacts itself when printed with fmt (any verb), logged with
// log/slog, or converted with String or GoString. Errors from this package
// never contain key bytes, MACs, plaintext or the EncString text itself: a
// malformed "EncString" may well be a plaintext a broken client stored.
//
// All randomness comes from crypto/rand. MACs are compared with hmac.Equal
// before anything is decrypted, so there is no padding oracle.
//
// All key types are safe for concurrent use by multiple goroutines.
package vaultcrypto
