// Package secret holds the one way the module compares secrets.
package secret

import (
	"crypto/sha256"
	"crypto/subtle"
)

// Equal reports whether a and b are the same secret (a password, an API
// key's secret), in constant time: both sides are hashed with SHA-256
// first and the hashes compared with crypto/subtle, so that the position
// of the first difference does not change how long it takes, and lengths
// show only as SHA-256 does (by 64-byte blocks), never byte by byte.
func Equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
