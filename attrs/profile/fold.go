package profile

import (
	"strings"

	"github.com/bsafe-go/bsafe/attrs"
)

// foldKey is the key under which profile IDs that differ only in case
// meet.
var foldKey = attrs.FoldProfileID

// alphabetical orders profile IDs as profiles are created from a
// discovery: ignoring case first, then by their bytes, so that "User1"
// comes before "user1" and both before "user2".
func alphabetical(a, b string) int {
	if c := strings.Compare(foldKey(a), foldKey(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
