package profile_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/bsafe-go/bsafe/attrs/profile"
	"github.com/google/go-cmp/cmp"
)

// State survives a restart through JSON: the restored engine has the
// same profiles, attachments (a manual one included) and hand-made
// detachments, and the next discovery treats a renamed account as the
// old engine would: the profile is renamed by the stable ID, the manual
// attachment stays, the auto one that no longer matches is detached, and
// the held account stays free. A fresh engine would know none of that.
func TestStateRoundTrip(t *testing.T) {
	targets := []profile.Target{hr, apps, tickets}
	e := newEngine(t, targets...)
	listing := []profile.Account{
		acct("HR", "h1", "bob", "mail", "bob@example.com"),
		acct("HR", "h2", "carol"),
		acct("Apps", "a1", "bob"),
		acct("Apps", "a2", "carol"),
		acct("Tickets", "t1", "x-17"),
	}
	e.Discover(listing)
	if err := e.Attach("bob", "Tickets", "t1"); err != nil {
		t.Fatal(err)
	}
	if err := e.Detach("Apps", "a2"); err != nil {
		t.Fatal(err)
	}
	if err := e.AddProfile("dave"); err != nil {
		t.Fatal(err)
	}
	want := []string{"bob: Apps/a1 auto HR/h1 source Tickets/t1 manual", "carol: HR/h2 source", "dave:"}
	if diff := cmp.Diff(want, state(e)); diff != "" {
		t.Fatalf("before (-want +got):\n%s", diff)
	}

	s := e.State()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back profile.State
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Fatalf("State through JSON (-want +got):\n%s", diff)
	}
	wantState := profile.State{
		Profiles: []string{"bob", "carol", "dave"},
		Accounts: []profile.AccountState{
			{Account: acct("Apps", "a1", "bob"), Profile: "bob", How: profile.Auto},
			{Account: acct("Apps", "a2", "carol"), Held: true},
			{Account: acct("HR", "h1", "bob", "mail", "bob@example.com"), Profile: "bob", How: profile.Source},
			{Account: acct("HR", "h2", "carol"), Profile: "carol", How: profile.Source},
			{Account: acct("Tickets", "t1", "x-17"), Profile: "bob", How: profile.Manual},
		},
	}
	if diff := cmp.Diff(wantState, s); diff != "" {
		t.Fatalf("State (-want +got):\n%s", diff)
	}

	r, err := profile.Restore(targets, back)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if diff := cmp.Diff(want, state(r)); diff != "" {
		t.Fatalf("restored (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(s, r.State()); diff != "" {
		t.Fatalf("restored State (-want +got):\n%s", diff)
	}

	listing[0] = acct("HR", "h1", "robert")
	rep := r.Discover(listing)
	if diff := cmp.Diff([]profile.Rename{{From: "bob", To: "robert"}}, rep.Renamed); diff != "" {
		t.Fatalf("Renamed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"robert<-Apps/a1 auto"}, links(rep.Detached)); diff != "" {
		t.Fatalf("Detached (-want +got):\n%s", diff)
	}
	want = []string{"robert: HR/h1 source Tickets/t1 manual", "carol: HR/h2 source", "dave:"}
	if diff := cmp.Diff(want, state(r)); diff != "" {
		t.Fatalf("after the rename (-want +got):\n%s", diff)
	}
}

// Restore refuses a State that does not fit its targets or itself.
func TestRestoreInvalid(t *testing.T) {
	targets := []profile.Target{hr, apps}
	free := func(a profile.Account) profile.AccountState { return profile.AccountState{Account: a} }
	for _, tc := range []struct {
		name string
		s    profile.State
	}{
		{"blank profile ID", profile.State{Profiles: []string{" "}}},
		{"profile listed twice", profile.State{Profiles: []string{"bob", "bob"}}},
		{"unknown target", profile.State{Accounts: []profile.AccountState{free(acct("LDAP", "l1", "bob"))}}},
		{"no stable ID", profile.State{Accounts: []profile.AccountState{free(acct("HR", "", "bob"))}}},
		{"account listed twice", profile.State{Accounts: []profile.AccountState{free(acct("HR", "h1", "bob")), free(acct("HR", "h1", "bob"))}}},
		{"unknown profile", profile.State{Accounts: []profile.AccountState{{Account: acct("HR", "h1", "bob"), Profile: "bob", How: profile.Source}}}},
		{"attached without How", profile.State{Profiles: []string{"bob"}, Accounts: []profile.AccountState{{Account: acct("HR", "h1", "bob"), Profile: "bob"}}}},
		{"How without profile", profile.State{Accounts: []profile.AccountState{{Account: acct("HR", "h1", "bob"), How: profile.Auto}}}},
		{"attached and held", profile.State{Profiles: []string{"bob"}, Accounts: []profile.AccountState{{Account: acct("HR", "h1", "bob"), Profile: "bob", How: profile.Source, Held: true}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := profile.Restore(targets, tc.s); !errors.Is(err, profile.ErrState) {
				t.Fatalf("Restore = %v, want ErrState", err)
			}
		})
	}
	if _, err := profile.Restore([]profile.Target{{}}, profile.State{}); !errors.Is(err, profile.ErrTarget) {
		t.Fatalf("Restore with a bad target = %v, want ErrTarget", err)
	}
}

// Seed 004: "a search for user1 will also list User1". Search lists
// every profile whose ID differs only in case, in creation order (here
// not alphabetical: user1 was created first).
func TestSearchListsEveryCase(t *testing.T) {
	e := newEngine(t, hr)
	for _, id := range []string{"user1", "User1", "user2", "USER1"} {
		if err := e.AddProfile(id); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, p := range e.Search("uSeR1") {
		got = append(got, p.ID)
	}
	if diff := cmp.Diff([]string{"user1", "User1", "USER1"}, got); diff != "" {
		t.Fatalf("Search (-want +got):\n%s", diff)
	}
	if ps := e.Search("nobody"); len(ps) != 0 {
		t.Fatalf("Search(nobody) = %v, want none", ps)
	}
}

// ProfileOf finds the profile an account is attached to.
func TestProfileOf(t *testing.T) {
	e := newEngine(t, hr, apps, tickets)
	e.Discover([]profile.Account{acct("HR", "h1", "bob"), acct("Apps", "a1", "BOB"), acct("Tickets", "t1", "bob")})
	p, ok := e.ProfileOf("Apps", "a1")
	if !ok || p.ID != "bob" || len(p.Accounts) != 2 {
		t.Fatalf("ProfileOf(Apps, a1) = %+v, %v; want bob with two accounts", p, ok)
	}
	if p, ok := e.ProfileOf("Tickets", "t1"); ok {
		t.Fatalf("ProfileOf(Tickets, t1) = %+v; want none (not attached)", p)
	}
	if p, ok := e.ProfileOf("Apps", "a9"); ok {
		t.Fatalf("ProfileOf(Apps, a9) = %+v; want none (not listed)", p)
	}
}
