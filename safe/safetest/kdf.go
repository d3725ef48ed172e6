package safetest

import (
	"fmt"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// A KDF is the key-derivation configuration of a seeded account. Make one
// with PBKDF2 or Argon2id; the zero KDF means PBKDF2 with 600,000
// iterations, the default of current clients.
type KDF struct {
	argon2                          bool
	iterations, memory, parallelism int
}

// PBKDF2 is PBKDF2-SHA256 with the given number of iterations (at least
// 5,000, the minimum clients accept; tests may use that for speed).
func PBKDF2(iterations int) KDF { return KDF{iterations: iterations} }

// Argon2id is Argon2id with the given iterations, memory in MiB and
// parallelism (at least 2, 16 and 1).
func Argon2id(iterations, memoryMiB, parallelism int) KDF {
	return KDF{argon2: true, iterations: iterations, memory: memoryMiB, parallelism: parallelism}
}

// String describes the configuration, e.g. "PBKDF2(600000)".
func (k KDF) String() string {
	c := k.config()
	if c.Type == vaultcrypto.Argon2id {
		return fmt.Sprintf("Argon2id(t=%d, m=%d MiB, p=%d)", c.Iterations, c.Memory, c.Parallelism)
	}
	return fmt.Sprintf("PBKDF2(%d)", c.Iterations)
}

func (k KDF) config() vaultcrypto.KDFConfig {
	switch {
	case k.argon2:
		return vaultcrypto.KDFConfig{Type: vaultcrypto.Argon2id, Iterations: k.iterations, Memory: k.memory, Parallelism: k.parallelism}
	case k.iterations == 0:
		return vaultcrypto.DefaultPBKDF2
	default:
		return vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: k.iterations}
	}
}

func (k KDF) params() kdfParams {
	c := k.config()
	return kdfParams{typ: int(c.Type), iterations: c.Iterations, memory: c.Memory, parallelism: c.Parallelism}
}
