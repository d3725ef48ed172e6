package vaultcrypto

import (
	"fmt"
	"io"
)

// The secret types (MasterKey, SymmetricKey, PrivateKey) keep their material
// behind an unexported pointer and implement fmt.Formatter, fmt.Stringer,
// fmt.GoStringer and slog.LogValuer with value receivers. So a key prints as
// "Name(REDACTED)" with every fmt verb, whether it is printed directly, by
// pointer, or as a field of a caller's struct (where fmt shows at most the
// inner pointer's address).

// redactedString is what a secret of the named type prints as.
func redactedString(typeName string) string { return typeName + "(REDACTED)" }

// writeRedacted implements fmt.Formatter for every verb.
func writeRedacted(f fmt.State, typeName string) { io.WriteString(f, redactedString(typeName)) }
