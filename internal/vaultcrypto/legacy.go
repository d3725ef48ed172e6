package vaultcrypto

import (
	"crypto/aes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
)

// decryptLegacy decrypts the two pre-2018 symmetric types with a 32-byte
// key. It is reachable only through MasterKey.UnwrapUserKey: accounts that
// old have a user key wrapped directly under the unstretched master key.
//
//   - type 0: AES-256-CBC with the whole key, no MAC;
//   - type 1: AES-128-CBC with key[:16], HMAC-SHA256 with key[16:], checked
//     (in constant time) before decrypting.
func decryptLegacy(key32 []byte, e EncString) ([]byte, error) {
	if len(key32) != 32 {
		return nil, fmt.Errorf("%w: legacy key must be 32 bytes, got %d", ErrInvalidKey, len(key32))
	}
	encKey := key32
	switch e.typ {
	case AesCbc256B64:
	case AesCbc128HmacSha256B64:
		encKey = key32[:16]
		m := hmac.New(sha256.New, key32[16:])
		m.Write(e.iv)
		m.Write(e.data)
		if !hmac.Equal(m.Sum(nil), e.mac) {
			return nil, ErrMAC
		}
	default:
		return nil, fmt.Errorf("%w: a 32-byte key decrypts types 0 and 1 only, got type %d", ErrWrongKeyType, e.typ)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	out := make([]byte, len(e.data))
	n, err := decryptCBC(block, out, e.iv, e.data)
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}
