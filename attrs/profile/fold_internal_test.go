package profile

import (
	"strings"
	"testing"
)

// foldKey agrees with strings.EqualFold, on the ASCII fast path and off it.
func TestFoldKeyIsEqualFold(t *testing.T) {
	words := []string{"", "a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "user1", "USER1", "User1", "josé", "JOSÉ",
		"ǆ", "ǅ", "Ǆ", "ß", "ẞ", "\xff", "\xfe", "\ufffd", "Σ", "σ", "ς", "user2", "_", "@"}
	for _, a := range words {
		for _, b := range words {
			if got, want := foldKey(a) == foldKey(b), strings.EqualFold(a, b); got != want {
				t.Errorf("foldKey(%q) == foldKey(%q) is %v, EqualFold says %v", a, b, got, want)
			}
		}
	}
}
