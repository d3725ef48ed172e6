package profile_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/attrs/profile"
	"github.com/google/go-cmp/cmp"
)

// "By default an account attaches to a profile when its short ID equals
// the profile ID" (bravura-reference §5.1), ignoring case as profile
// lookups do.
func TestAutoAttachByShortID(t *testing.T) {
	e := newEngine(t, hr, apps)
	rep := e.Discover([]profile.Account{
		acct("HR", "h1", "bob"),
		acct("Apps", "p1", "BOB"),
		acct("Apps", "p2", "carol"), // no profile carol
		acct("Apps", "p3", ""),
	})
	if diff := cmp.Diff([]string{"bob<-HR/h1 source", "bob<-Apps/p1 auto"}, links(rep.Attached)); diff != "" {
		t.Errorf("Attached (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"bob: Apps/p1 auto HR/h1 source"}, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
	// carol's profile appears later: the free account attaches then.
	if err := e.AddProfile("carol"); err != nil {
		t.Fatal(err)
	}
	rep = e.Discover([]profile.Account{acct("HR", "h1", "bob"), acct("Apps", "p1", "BOB"), acct("Apps", "p2", "carol"), acct("Apps", "p3", "")})
	if diff := cmp.Diff([]string{"carol<-Apps/p2 auto"}, links(rep.Attached)); diff != "" {
		t.Errorf("Attached (-want +got):\n%s", diff)
	}
}

// Without "Automatically attach accounts" nothing attaches by itself.
func TestNoAutoAttach(t *testing.T) {
	e := newEngine(t, hr, tickets)
	e.Discover([]profile.Account{acct("HR", "h1", "bob"), acct("Tickets", "t1", "bob")})
	if diff := cmp.Diff([]string{"bob: HR/h1 source"}, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
}

// "Automatically attach accounts" with an attach attribute matches that
// attribute's values instead of the short ID, and a multi-valued one
// "can hold multiple values, and matching any one of them links the
// account" (assocID, bravura-reference §5.1).
func TestAutoAttachByAttributeAnyValue(t *testing.T) {
	vault := profile.Target{ID: "Vault", AutoAttach: true, AttachAttribute: "assocID"}
	e := newEngine(t, hr, vault)
	e.Discover([]profile.Account{
		acct("HR", "h1", "bob"),
		acct("HR", "h2", "carol"),
		acct("Vault", "v1", "bob"), // its short ID does not count
		acct("Vault", "v2", "db01", "assocID", "db01-admin", "assocID", "Carol"),
		acct("Vault", "v3", "db02", "ASSOCID", "bob"),
		acct("Vault", "v4", "db03", "assocID", "", "assocID", " "),
	})
	want := []string{"bob: HR/h1 source Vault/v3 auto", "carol: HR/h2 source Vault/v2 auto"}
	if diff := cmp.Diff(want, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
}

// An account whose values name several profiles attaches to one: the
// one named exactly, else the first created.
func TestAutoAttachSeveralMatches(t *testing.T) {
	vault := profile.Target{ID: "Vault", AutoAttach: true, AttachAttribute: "assocID"}
	e := newEngine(t, hr, vault)
	e.Discover([]profile.Account{
		acct("HR", "h1", "bob"), acct("HR", "h2", "alice"), acct("HR", "h3", "User1"), acct("HR", "h4", "user1"),
		acct("Vault", "v1", "x", "assocID", "BOB", "assocID", "ALICE"), // neither exactly: alice was created first
		acct("Vault", "v2", "x", "assocID", "ALICE", "assocID", "bob"), // bob exactly
		acct("Vault", "v3", "x", "assocID", "USER1"),                   // User1 was created first
		acct("Vault", "v4", "x", "assocID", "user1"),                   // exactly
	})
	want := []string{
		"alice: HR/h2 source Vault/v1 auto",
		"bob: HR/h1 source Vault/v2 auto",
		"User1: HR/h3 source Vault/v3 auto",
		"user1: HR/h4 source Vault/v4 auto",
	}
	if diff := cmp.Diff(want, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
}

// "When several accounts share a value, they all attach to the first
// profile created" (issue 10; seed 004: "all of those accounts will be
// associated with the first profile to be created").
func TestAccountsSharingAValueAttachToFirstProfile(t *testing.T) {
	vault := profile.Target{ID: "Vault", AutoAttach: true, AttachAttribute: "assocID"}
	e := newEngine(t, hr, ldap, vault)
	e.Discover([]profile.Account{
		acct("LDAP", "l1", "user1"), acct("HR", "h1", "User1"),
		acct("Vault", "v1", "a", "assocID", "USER1"),
		acct("Vault", "v2", "b", "assocID", "uSeR1"),
		acct("Vault", "v3", "c", "assocID", "USER1"),
	})
	want := []string{"User1: HR/h1 source Vault/v1 auto Vault/v2 auto Vault/v3 auto", "user1: LDAP/l1 source"}
	if diff := cmp.Diff(want, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
}

// An account on a source whose value is blank or duplicated can still
// attach automatically when its target has AutoAttach.
func TestSourceAccountWithoutProfileAutoAttaches(t *testing.T) {
	e := newEngine(t, hrByUID)
	rep := e.Discover([]profile.Account{
		acct("HR", "1", "bob", "uid", "bob"),
		acct("HR", "2", "x", "uid", "dup", "owner", "bob"),
		acct("HR", "3", "y", "uid", "dup", "owner", "nobody"),
	})
	if diff := cmp.Diff([]string{"bob: HR/1 source HR/2 auto"}, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
	if len(rep.Notices) != 1 || rep.Notices[0].Kind != profile.DuplicateAccounts {
		t.Errorf("Notices = %v, want one of duplicate accounts", rep.Notices)
	}
}

// An Active Directory account that attaches by logon name also attaches
// by the user part of its userPrincipalName (the AD row of seed 004's
// table, as bsafe reads it); with an attach attribute, the UPN does not
// count; on a target not marked ActiveDirectory neither.
func TestActiveDirectoryUPN(t *testing.T) {
	e := newEngine(t, hr, ad,
		profile.Target{ID: "AD2", AutoAttach: true, ActiveDirectory: true, AttachAttribute: "employeeID"},
		profile.Target{ID: "LDAPApps", AutoAttach: true})
	e.Discover([]profile.Account{
		acct("HR", "h1", "bob"), acct("HR", "h2", "carol"),
		acct("AD", "a1", "bsmith", "userPrincipalName", "Bob@corp.example"),
		acct("AD", "a2", "cjones", "userPrincipalName", "carol"), // no domain
		acct("AD", "a3", "dave", "userPrincipalName", "bob@sub@corp.example"),
		acct("AD2", "b1", "bsmith", "userPrincipalName", "bob@corp.example"),
		acct("LDAPApps", "c1", "bsmith", "userPrincipalName", "bob@corp.example"),
	})
	want := []string{"bob: AD/a1 auto HR/h1 source", "carol: AD/a2 auto HR/h2 source"}
	if diff := cmp.Diff(want, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
}

// An auto-attached account detached by the profile's rename attaches
// again where its values match another profile.
func TestAutoReattachAfterRename(t *testing.T) {
	e := newEngine(t, hr, apps)
	e.Discover([]profile.Account{acct("HR", "h1", "bob"), acct("HR", "h2", "Robert"), acct("Apps", "p1", "bob")})
	rep := e.Discover([]profile.Account{acct("HR", "h1", "rob"), acct("HR", "h2", "bob"), acct("Apps", "p1", "bob")})
	// h2 renamed Robert → bob in the same pass: bob (the profile) is
	// renamed to rob first (profiles are renamed in creation order), so
	// the ID bob is free for Robert's profile.
	wantRenamed := []profile.Rename{{From: "bob", To: "rob"}, {From: "Robert", To: "bob"}}
	if diff := cmp.Diff(wantRenamed, rep.Renamed); diff != "" {
		t.Errorf("Renamed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"rob<-Apps/p1 auto"}, links(rep.Detached)); diff != "" {
		t.Errorf("Detached (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"bob<-Apps/p1 auto"}, links(rep.Attached)); diff != "" {
		t.Errorf("Attached (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"rob: HR/h1 source", "bob: Apps/p1 auto HR/h2 source"}, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
}

// Attach moves an account to a profile by hand, whatever attached it
// before; Detach takes it off and keeps discoveries from attaching it
// again, until Attach; an account that leaves the listing forgets both.
func TestManualAttachDetach(t *testing.T) {
	e := newEngine(t, hr, apps)
	listing := []profile.Account{acct("HR", "h1", "bob"), acct("HR", "h2", "carol"), acct("Apps", "p1", "bob")}
	e.Discover(listing)

	if err := e.Attach("CAROL", "Apps", "p1"); err != nil {
		t.Fatal(err)
	}
	rep := e.Discover(listing)
	if len(rep.Attached)+len(rep.Detached) != 0 {
		t.Errorf("a discovery moved a manual account: attached %q, detached %q", links(rep.Attached), links(rep.Detached))
	}
	if diff := cmp.Diff([]string{"bob: HR/h1 source", "carol: Apps/p1 manual HR/h2 source"}, state(e)); diff != "" {
		t.Errorf("after Attach (-want +got):\n%s", diff)
	}

	if err := e.Detach("Apps", "p1"); err != nil {
		t.Fatal(err)
	}
	if err := e.Detach("HR", "h1"); err != nil {
		t.Fatal(err)
	}
	rep = e.Discover(listing)
	if len(rep.Attached)+len(rep.Created) != 0 {
		t.Errorf("a discovery attached detached accounts: %q, created %q", links(rep.Attached), rep.Created)
	}
	if diff := cmp.Diff([]string{"bob:", "carol: HR/h2 source"}, state(e)); diff != "" {
		t.Errorf("after Detach (-want +got):\n%s", diff)
	}

	if err := e.Attach("bob", "HR", "h1"); err != nil {
		t.Fatal(err)
	}
	e.Discover(listing[1:]) // h1 leaves the listing: the manual attachment goes
	rep = e.Discover(listing)
	if diff := cmp.Diff([]string{"bob<-HR/h1 source"}, links(rep.Attached)); diff != "" {
		t.Errorf("h1 back: Attached (-want +got):\n%s", diff)
	}
	e.Discover(listing[:2]) // p1 leaves: its hold goes
	rep = e.Discover(listing)
	if diff := cmp.Diff([]string{"bob<-Apps/p1 auto"}, links(rep.Attached)); diff != "" {
		t.Errorf("p1 back: Attached (-want +got):\n%s", diff)
	}

	if err := e.Attach("nobody", "HR", "h1"); !errors.Is(err, profile.ErrNoProfile) {
		t.Errorf("Attach to no profile = %v, want ErrNoProfile", err)
	}
	if err := e.Attach("bob", "HR", "h9"); !errors.Is(err, profile.ErrNoAccount) {
		t.Errorf("Attach of no account = %v, want ErrNoAccount", err)
	}
	if err := e.Detach("Nope", "h1"); !errors.Is(err, profile.ErrNoAccount) {
		t.Errorf("Detach of no account = %v, want ErrNoAccount", err)
	}
}

// Accounts attached by hand do not rename a profile by themselves, even
// on a source of profiles: an imported profile given an HR account keeps
// its ID when the account is renamed, and so does the profile a source
// account is moved to; neither account makes a profile of its new name.
func TestManualSourceAccountRenamesNothing(t *testing.T) {
	e := newEngine(t, hr)
	if err := e.AddProfile("alice"); err != nil {
		t.Fatal(err)
	}
	listing := []profile.Account{acct("HR", "h1", "asmith"), acct("HR", "h2", "bob")}
	e.Discover(listing)
	for _, m := range [][2]string{{"alice", "h1"}, {"carol", "h2"}} {
		if m[0] == "carol" {
			if err := e.AddProfile("carol"); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Attach(m[0], "HR", m[1]); err != nil {
			t.Fatal(err)
		}
	}
	rep := e.Discover([]profile.Account{acct("HR", "h1", "anne"), acct("HR", "h2", "bobby")})
	if len(rep.Renamed)+len(rep.Created) != 0 {
		t.Errorf("Renamed %v, Created %q", rep.Renamed, rep.Created)
	}
	if diff := cmp.Diff([]string{"alice: HR/h1 manual", "asmith:", "bob:", "carol: HR/h2 manual"}, state(e)); diff != "" {
		t.Errorf("profiles (-want +got):\n%s", diff)
	}
}

// Snapshots are copies: changing one changes nothing in the engine.
func TestSnapshotsAreCopies(t *testing.T) {
	e := newEngine(t, hr)
	e.Discover([]profile.Account{acct("HR", "h1", "bob", "mail", "bob@corp.example")})
	p, _ := e.Profile("bob")
	p.ID = "mallory"
	p.Accounts[0].Account.Attrs.Set("mail", "changed")
	p.Accounts[0].How = profile.Manual
	q, _ := e.Profile("bob")
	if q.ID != "bob" || q.Accounts[0].Account.Attrs.Get("mail") != "bob@corp.example" || q.Accounts[0].How != profile.Source {
		t.Errorf("the engine changed with its snapshot: %+v", q)
	}
}

// The engine's methods take turns (run with -race).
func TestConcurrentUse(t *testing.T) {
	e := newEngine(t, hr, apps)
	listing := []profile.Account{acct("HR", "h1", "bob"), acct("Apps", "p1", "bob")}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				e.Discover(listing)
				for p := range e.Profiles() {
					_ = p.Accounts
				}
				_, _ = e.Profile("BOB")
				_ = e.Attach("bob", "Apps", "p1")
				_ = e.Detach("Apps", "p1")
			}
		})
	}
	wg.Wait()
	if _, ok := e.Profile("bob"); !ok {
		t.Error("no profile bob")
	}
}

func TestStrings(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{profile.Source.String(), "source"},
		{profile.Auto.String(), "auto"},
		{profile.Manual.String(), "manual"},
		{profile.How(0).String(), "How(0)"},
		{profile.DuplicateAccounts.String(), "duplicate accounts"},
		{profile.NoticeKind(99).String(), "NoticeKind(99)"},
		{profile.Notice{Kind: profile.RenameConflict, Value: "robert", Profile: "bob"}.String(), `rename conflict: profile "bob" not renamed, value "robert"`},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
