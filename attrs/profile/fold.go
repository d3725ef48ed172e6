package profile

import (
	"strings"
	"unicode"
)

// foldKey returns the key under which profile IDs that differ only in
// case meet: each rune replaced by the smallest rune of its Unicode
// simple-folding orbit. Two strings have the same key exactly when
// strings.EqualFold says they are equal.
func foldKey(s string) string {
	if ascii(s) {
		// The smallest rune of an ASCII letter's orbit is its upper case
		// (that of k and s too, whose orbits hold the Kelvin sign and
		// the long s).
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// alphabetical orders profile IDs as profiles are created from a
// discovery: ignoring case first, then by their bytes, so that "User1"
// comes before "user1" and both before "user2".
func alphabetical(a, b string) int {
	if c := strings.Compare(foldKey(a), foldKey(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
