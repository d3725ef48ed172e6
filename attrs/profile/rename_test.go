package profile_test

import (
	"testing"

	"github.com/bsafe-go/bsafe/attrs/profile"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Targets of the rename table: HR and LDAP are sources of profiles (by
// short ID), AD attaches by logon name (short ID) and, flagged as Active
// Directory, by the user part of userPrincipalName too; Apps attaches by
// logon name alone; Tickets attaches by hand only.
var (
	hr      = profile.Target{ID: "HR", SourceOfProfiles: true}
	ldap    = profile.Target{ID: "LDAP", SourceOfProfiles: true}
	ad      = profile.Target{ID: "AD", AutoAttach: true, ActiveDirectory: true}
	apps    = profile.Target{ID: "Apps", AutoAttach: true}
	tickets = profile.Target{ID: "Tickets"}
	// hrByUID makes profiles from the uid attribute, and attaches its
	// other accounts by their owner attribute.
	hrByUID = profile.Target{ID: "HR", SourceOfProfiles: true, ProfileIDAttribute: "uid", AutoAttach: true, AttachAttribute: "owner"}
)

// TestRenameTable has one case per row of seed 004's table "the result
// of renaming accounts in various cases" (and per sentence where a row
// has several), named after the row and quoting it. Each case runs one
// discovery (before), then an optional manual step, then a second
// discovery (after) in which some accounts are renamed: same stable ID,
// new short ID or attributes.
func TestRenameTable(t *testing.T) {
	tests := []struct {
		name       string
		targets    []profile.Target
		before     []profile.Account
		manual     func(*testing.T, *profile.Engine)
		wantBefore []string
		after      []profile.Account
		want       []string
		renamed    []profile.Rename
		detached   []string
		notices    []profile.NoticeKind
	}{
		{
			// "If the user has a single account on an SoP target system:
			// Renaming the account on the target system will trigger a
			// renaming of the user's profile ID. If the user is logged in,
			// he should log out and log back in." (Report.Renamed says
			// whose sessions to end.)
			name:       "single account on an SoP: the profile is renamed",
			targets:    []profile.Target{hr},
			before:     []profile.Account{acct("HR", "h1", "bob")},
			wantBefore: []string{"bob: HR/h1 source"},
			after:      []profile.Account{acct("HR", "h1", "robert")},
			want:       []string{"robert: HR/h1 source"},
			renamed:    []profile.Rename{{From: "bob", To: "robert"}},
		},
		{
			// "If the user has multiple accounts on an SoP target system:
			// Renaming only one of the accounts will not trigger a profile
			// ID rename. The renamed account will still be associated with
			// the user." The second account has no uid (no profile of its
			// own) and is attached through its owner attribute.
			name:    "multiple accounts on an SoP: renaming one (the other auto-attached) keeps the ID",
			targets: []profile.Target{hrByUID},
			before: []profile.Account{
				acct("HR", "h1", "bob", "uid", "bob"),
				acct("HR", "h2", "bob-admin", "owner", "bob"),
			},
			wantBefore: []string{"bob: HR/h1 source HR/h2 auto"},
			after: []profile.Account{
				acct("HR", "h1", "robert", "uid", "robert"),
				acct("HR", "h2", "bob-admin", "owner", "bob"),
			},
			want: []string{"bob: HR/h1 source HR/h2 auto"},
		},
		{
			// The same row, with the second account attached by hand (it
			// first made a profile of its own, which stays, empty).
			name:    "multiple accounts on an SoP: renaming one (the other attached by hand) keeps the ID",
			targets: []profile.Target{hr},
			before:  []profile.Account{acct("HR", "h1", "bob"), acct("HR", "h2", "bob-admin")},
			manual: func(t *testing.T, e *profile.Engine) {
				if err := e.Attach("bob", "HR", "h2"); err != nil {
					t.Fatal(err)
				}
			},
			wantBefore: []string{"bob: HR/h1 source HR/h2 manual", "bob-admin:"},
			after:      []profile.Account{acct("HR", "h1", "robert"), acct("HR", "h2", "bob-admin")},
			want:       []string{"bob: HR/h1 source HR/h2 manual", "bob-admin:"},
		},
		{
			// Not in the row, bsafe's reading of it: renaming every one of
			// the accounts to one new ID renames the profile, as the
			// "multiple SoP target systems" row says for accounts there.
			name:    "multiple accounts on an SoP: renaming all of them to one ID renames",
			targets: []profile.Target{hrByUID},
			before: []profile.Account{
				acct("HR", "h1", "bob", "uid", "bob"),
				acct("HR", "h2", "bob-admin", "owner", "bob"),
			},
			manual: func(t *testing.T, e *profile.Engine) {
				// Pin h2 by hand, so that its owner attribute no longer
				// decides, then rename both uids.
				if err := e.Attach("bob", "HR", "h2"); err != nil {
					t.Fatal(err)
				}
			},
			wantBefore: []string{"bob: HR/h1 source HR/h2 manual"},
			after: []profile.Account{
				acct("HR", "h1", "robert", "uid", "robert"),
				acct("HR", "h2", "robert-admin", "uid", "robert", "owner", "bob"),
			},
			want:    []string{"robert: HR/h1 source HR/h2 manual"},
			renamed: []profile.Rename{{From: "bob", To: "robert"}},
		},
		{
			// "If the user has an account on an SoP target system, and an
			// auto-associated account on a non-SoP target system: Renaming
			// the account on the SoP target system will trigger a renaming
			// of the user's profile ID. The auto-associated account will be
			// detached from the user's profile."
			name:       "SoP account and auto-associated account: renaming the SoP account renames and detaches",
			targets:    []profile.Target{hr, ad},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("AD", "a1", "bob", "userPrincipalName", "bob@corp.example")},
			wantBefore: []string{"bob: AD/a1 auto HR/h1 source"},
			after:      []profile.Account{acct("HR", "h1", "robert"), acct("AD", "a1", "bob", "userPrincipalName", "bob@corp.example")},
			want:       []string{"robert: HR/h1 source"},
			renamed:    []profile.Rename{{From: "bob", To: "robert"}},
			detached:   []string{"robert<-AD/a1 auto"},
		},
		{
			// "Renaming an auto-associated account by renaming attributes
			// used for auto-association – such as logon name on Active
			// Directory – will cause the account to be detached from the
			// user's profile." Apps matches by logon name alone.
			name:       "SoP account and auto-associated account: renaming the attribute used for auto-association (logon name) detaches",
			targets:    []profile.Target{hr, apps},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("Apps", "p1", "bob", "givenName", "Bob")},
			wantBefore: []string{"bob: Apps/p1 auto HR/h1 source"},
			after:      []profile.Account{acct("HR", "h1", "bob"), acct("Apps", "p1", "bsmith", "givenName", "Bob")},
			want:       []string{"bob: HR/h1 source"},
			detached:   []string{"bob<-Apps/p1 auto"},
		},
		{
			// The same sentence, with an attach attribute: changing the
			// value that matched (assocID) detaches.
			name:       "SoP account and auto-associated account: renaming the attach attribute detaches",
			targets:    []profile.Target{hr, {ID: "Vault", AutoAttach: true, AttachAttribute: "assocID"}},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("Vault", "v1", "item 1", "assocID", "bob")},
			after:      []profile.Account{acct("HR", "h1", "bob"), acct("Vault", "v1", "item 1", "assocID", "bsmith")},
			wantBefore: []string{"bob: HR/h1 source Vault/v1 auto"},
			want:       []string{"bob: HR/h1 source"},
			detached:   []string{"bob<-Vault/v1 auto"},
		},
		{
			// "Renaming an auto-associated account by renaming attributes
			// not used for auto-association – such as first name or last
			// name on Active Directory – will not cause the account to be
			// detached from the user's profile."
			name:    "SoP account and auto-associated account: renaming attributes not used for auto-association keeps it",
			targets: []profile.Target{hr, ad},
			before: []profile.Account{acct("HR", "h1", "bob"),
				acct("AD", "a1", "bob", "givenName", "Bob", "sn", "Smith", "userPrincipalName", "bob@corp.example")},
			wantBefore: []string{"bob: AD/a1 auto HR/h1 source"},
			after: []profile.Account{acct("HR", "h1", "bob"),
				acct("AD", "a1", "bob", "givenName", "Robert", "sn", "Jones", "userPrincipalName", "bob@corp.example")},
			want: []string{"bob: AD/a1 auto HR/h1 source"},
		},
		{
			// "If the user has a single account on an SoP target system,
			// and an manually-associated account on a non-SoP target
			// system: Renaming the account on the target system will
			// trigger a renaming of the user's profile ID. The
			// manually-associated account will remain attached to the
			// user's profile."
			name:    "SoP account and manually-associated account: the profile is renamed, the manual account stays",
			targets: []profile.Target{hr, tickets},
			before:  []profile.Account{acct("HR", "h1", "bob"), acct("Tickets", "t1", "bsmith")},
			manual: func(t *testing.T, e *profile.Engine) {
				if err := e.Attach("bob", "Tickets", "t1"); err != nil {
					t.Fatal(err)
				}
			},
			wantBefore: []string{"bob: HR/h1 source Tickets/t1 manual"},
			after:      []profile.Account{acct("HR", "h1", "robert"), acct("Tickets", "t1", "bsmith")},
			want:       []string{"robert: HR/h1 source Tickets/t1 manual"},
			renamed:    []profile.Rename{{From: "bob", To: "robert"}},
		},
		{
			// The same row with the manual account on a target that
			// attaches automatically, where its name matches neither the
			// old nor the new ID: still no detach.
			name:    "SoP account and manually-associated account on an auto-attaching target: it stays",
			targets: []profile.Target{hr, apps},
			before:  []profile.Account{acct("HR", "h1", "bob"), acct("Apps", "p1", "bsmith")},
			manual: func(t *testing.T, e *profile.Engine) {
				if err := e.Attach("bob", "Apps", "p1"); err != nil {
					t.Fatal(err)
				}
			},
			wantBefore: []string{"bob: Apps/p1 manual HR/h1 source"},
			after:      []profile.Account{acct("HR", "h1", "robert"), acct("Apps", "p1", "bsmith2")},
			want:       []string{"robert: Apps/p1 manual HR/h1 source"},
			renamed:    []profile.Rename{{From: "bob", To: "robert"}},
		},
		{
			// "If the user has accounts of the same name on multiple SoP
			// target systems: Renaming the account on one of the SoP target
			// systems will not trigger a profile ID rename. All accounts
			// will remain attached to the user."
			name:       "same name on multiple SoPs: renaming one keeps the ID and all accounts",
			targets:    []profile.Target{hr, ldap},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("LDAP", "l1", "bob")},
			wantBefore: []string{"bob: HR/h1 source LDAP/l1 source"},
			after:      []profile.Account{acct("HR", "h1", "robert"), acct("LDAP", "l1", "bob")},
			want:       []string{"bob: HR/h1 source LDAP/l1 source"},
		},
		{
			// "Renaming the accounts with different IDs will not trigger a
			// profile ID rename. All accounts will remain attached to the
			// user."
			name:       "same name on multiple SoPs: renaming them to different IDs keeps the ID and all accounts",
			targets:    []profile.Target{hr, ldap},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("LDAP", "l1", "bob")},
			wantBefore: []string{"bob: HR/h1 source LDAP/l1 source"},
			after:      []profile.Account{acct("HR", "h1", "robert"), acct("LDAP", "l1", "rob")},
			want:       []string{"bob: HR/h1 source LDAP/l1 source"},
		},
		{
			// "Renaming all account with the same ID will trigger a profile
			// ID rename."
			name:       "same name on multiple SoPs: renaming all to the same ID renames",
			targets:    []profile.Target{hr, ldap},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("LDAP", "l1", "bob")},
			wantBefore: []string{"bob: HR/h1 source LDAP/l1 source"},
			after:      []profile.Account{acct("HR", "h1", "robert"), acct("LDAP", "l1", "robert")},
			want:       []string{"robert: HR/h1 source LDAP/l1 source"},
			renamed:    []profile.Rename{{From: "bob", To: "robert"}},
		},
		{
			// "If the user has an account on a non-SoP Active Directory
			// target system: The user logon name and the userPrincipalName
			// attribute must both be renamed." Renaming the logon name
			// alone leaves the account attached through its UPN.
			name:       "non-SoP Active Directory: renaming the logon name alone keeps it (UPN still matches)",
			targets:    []profile.Target{hr, ad},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("AD", "a1", "bob", "userPrincipalName", "bob@corp.example")},
			wantBefore: []string{"bob: AD/a1 auto HR/h1 source"},
			after:      []profile.Account{acct("HR", "h1", "bob"), acct("AD", "a1", "bsmith", "userPrincipalName", "bob@corp.example")},
			want:       []string{"bob: AD/a1 auto HR/h1 source"},
		},
		{
			// The same row: renaming the userPrincipalName alone leaves it
			// attached through its logon name.
			name:       "non-SoP Active Directory: renaming the userPrincipalName alone keeps it",
			targets:    []profile.Target{hr, ad},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("AD", "a1", "bob", "userPrincipalName", "bob@corp.example")},
			wantBefore: []string{"bob: AD/a1 auto HR/h1 source"},
			after:      []profile.Account{acct("HR", "h1", "bob"), acct("AD", "a1", "bob", "userPrincipalName", "bsmith@corp.example")},
			want:       []string{"bob: AD/a1 auto HR/h1 source"},
		},
		{
			// The same row: with both renamed, the account is detached.
			name:       "non-SoP Active Directory: renaming both the logon name and the userPrincipalName detaches",
			targets:    []profile.Target{hr, ad},
			before:     []profile.Account{acct("HR", "h1", "bob"), acct("AD", "a1", "bob", "userPrincipalName", "bob@corp.example")},
			wantBefore: []string{"bob: AD/a1 auto HR/h1 source"},
			after:      []profile.Account{acct("HR", "h1", "bob"), acct("AD", "a1", "bsmith", "userPrincipalName", "bsmith@corp.example")},
			want:       []string{"bob: HR/h1 source"},
			detached:   []string{"bob<-AD/a1 auto"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t, tc.targets...)
			e.Discover(tc.before)
			if tc.manual != nil {
				tc.manual(t, e)
			}
			if diff := cmp.Diff(tc.wantBefore, state(e)); diff != "" {
				t.Fatalf("before the rename (-want +got):\n%s", diff)
			}
			rep := e.Discover(tc.after)
			if diff := cmp.Diff(tc.want, state(e)); diff != "" {
				t.Errorf("after the rename (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.renamed, rep.Renamed, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Renamed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.detached, links(rep.Detached), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Detached (-want +got):\n%s", diff)
			}
			if len(rep.Created) > 0 || len(rep.Attached) > 0 || len(rep.Notices) > 0 {
				t.Errorf("a rename created %q, attached %q, noticed %v", rep.Created, links(rep.Attached), rep.Notices)
			}
		})
	}
}

// A source account whose profile ID value has become blank still counts
// when deciding a rename: it proposes no new ID, so when its partner on
// another source is renamed the profile keeps its ID (a blank is not
// read as "no opinion"); and blanked alone, it renames nothing and stays
// attached.
func TestRenameBlankValueCounts(t *testing.T) {
	e := newEngine(t, hr, ldap)
	e.Discover([]profile.Account{acct("HR", "h1", "bob"), acct("LDAP", "l1", "bob")})
	rep := e.Discover([]profile.Account{acct("HR", "h1", "robert"), acct("LDAP", "l1", " ")})
	if len(rep.Renamed) != 0 {
		t.Fatalf("Renamed = %v, want none: the blanked LDAP account blocks the rename", rep.Renamed)
	}
	if diff := cmp.Diff([]string{"bob: HR/h1 source LDAP/l1 source"}, state(e)); diff != "" {
		t.Fatalf("state (-want +got):\n%s", diff)
	}
	rep = e.Discover([]profile.Account{acct("HR", "h1", ""), acct("LDAP", "l1", "")})
	if len(rep.Renamed) != 0 || len(rep.Detached) != 0 {
		t.Fatalf("all blanked: Renamed = %v, Detached = %v, want none", rep.Renamed, links(rep.Detached))
	}
	if diff := cmp.Diff([]string{"bob: HR/h1 source LDAP/l1 source"}, state(e)); diff != "" {
		t.Fatalf("all blanked: state (-want +got):\n%s", diff)
	}
}
