package profile_test

import (
	"fmt"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/attrs/profile"
)

// acct is an account of target with a stable ID, a short ID and
// attribute name and value pairs (as attrs.New takes them).
func acct(target, stable, short string, pairs ...string) profile.Account {
	return profile.Account{Target: target, StableID: stable, ShortID: short, Attrs: attrs.New(pairs...)}
}

// newEngine is New that fails the test on an error.
func newEngine(t *testing.T, targets ...profile.Target) *profile.Engine {
	t.Helper()
	e, err := profile.New(targets...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// state describes every profile of e, in creation order, as
// "ID: target/stableID how, ...".
func state(e *profile.Engine) []string {
	var out []string
	for p := range e.Profiles() {
		s := p.ID + ":"
		for _, a := range p.Accounts {
			s += fmt.Sprintf(" %s/%s %s", a.Account.Target, a.Account.StableID, a.How)
		}
		out = append(out, s)
	}
	return out
}

// links describes attachments as "profile<-target/stableID how".
func links(as []profile.Attachment) []string {
	var out []string
	for _, a := range as {
		out = append(out, fmt.Sprintf("%s<-%s/%s %s", a.Profile, a.Account.Target, a.Account.StableID, a.How))
	}
	return out
}
