package profile_test

import (
	"fmt"
	"testing"

	"github.com/bsafe-go/bsafe/attrs/profile"
)

// BenchmarkDiscover: a repeated discovery of 10,000 users, each with a
// source account and an auto-attached Active Directory account.
func BenchmarkDiscover(b *testing.B) {
	e, err := profile.New(hr, ad)
	if err != nil {
		b.Fatal(err)
	}
	var listing []profile.Account
	for i := range 10_000 {
		id := fmt.Sprintf("user%05d", i)
		listing = append(listing, acct("HR", "h"+id, id), acct("AD", "a"+id, id, "userPrincipalName", id+"@corp.example"))
	}
	e.Discover(listing)
	for b.Loop() {
		e.Discover(listing)
	}
}
