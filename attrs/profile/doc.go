// Package profile decides which Bravura profile IDs exist and which
// accounts belong to each: profiles made from sources of profile IDs,
// accounts attached automatically or by hand, and what renaming an
// account does (seed 004, "Profile IDs"). It is a pure engine: it reads
// account listings and does no I/O. It does not depend on the connector
// contract of package bsafe: a caller turns a connector's bsafe.Account
// into an [Account] with a literal (StableID falling back to LongID, as
// bsafe.Account documents; see the Safe example).
//
//	e, _ := profile.New(
//		profile.Target{ID: "HR", SourceOfProfiles: true},
//		profile.Target{ID: "Safe", AutoAttach: true, AttachAttribute: "_collectionNames"},
//	)
//	report := e.Discover(accounts) // the full listing of every target
//	p, _ := e.Profile("user1")     // ignores case
//
// # Sources of profile IDs
//
// Each account of a target marked SourceOfProfiles proposes a profile ID:
// its short ID or, with ProfileIDAttribute, that attribute's first value.
// A blank value (empty or only white space; no attribute is blank) makes
// no profile. A value that more than one account of one target has makes
// no profile either, and gives a DuplicateAccounts notice. Seed 004 says
// both that such duplicates make no profile and that they are "all ...
// associated with the first profile to be created"; bsafe follows issue
// 10, which settles it: duplicates make no profile, and only accounts that
// share an attach value all attach to the first profile created (see
// below). Accounts on different sources that propose the same ID are one
// user's: they all become the sources of one profile.
//
// Profiles are created in alphabetical order of their IDs ("usually in
// alphabetical order", the seed says): ignoring case first, then by bytes,
// so "User1" is created before "user1", which comes before "user2".
//
// Case is preserved, and profile IDs that differ only in case are
// different profiles, as the seed allows ("it can create two different
// profiles for IDs that only differ in case"). Lookups ignore case ("a
// search for user1 will also list User1"): Engine.Search lists them all,
// in creation order, while Engine.Profile and attachment prefer the
// profile with exactly the ID asked for, else take the first created of
// those that differ only in case. Case is ignored as
// strings.EqualFold ignores it (Unicode simple folding): profile IDs are
// user names, where "JOSÉ" and "josé" are one search. (Attribute names,
// in package attrs, fold ASCII letters only.) Values are otherwise used
// as they are, white space and all.
//
// # Attaching accounts
//
// An account on a source that made or joined a profile is attached to it
// as Source. Every other account of a target with AutoAttach attaches to
// the profile that one of its attach values names, ignoring case, as Auto:
// by default the short ID, else every value of AttachAttribute, so a
// multi-valued attribute such as assocID or Safe's _collectionNames
// attaches on any matching value. Accounts that share a value all attach
// to that one profile (with profiles differing only in case, to the first
// created). Accounts can be attached (Engine.Attach) and detached
// (Engine.Detach) by hand, and those choices stay until the account leaves
// the listing. Engine.ProfileOf finds an account's profile. Engine.State
// and Restore keep all of this, and the stable IDs renames are told by,
// across a restart.
//
// Bravura Safe's convention (seed 000): a Safe target that is not a source
// of profiles, with AutoAttach and AttachAttribute "_collectionNames";
// its collections are named after profile IDs, so each login item in
// collection "User1" is an account of profile User1. See the example.
//
// # Renames
//
// An account keeps its StableID when it is renamed, so a discovery knows
// an account it has attached before. Seed 004's table, and how bsafe
// applies it:
//
//   - "If the user has a single account on an SoP target system: Renaming
//     the account on the target system will trigger a renaming of the
//     user's profile ID." More generally, a profile is renamed when all of
//     its accounts on sources of profiles (however attached, at least one
//     of them as Source) propose one and the same new ID; so
//   - "If the user has multiple accounts on an SoP target system: Renaming
//     only one of the accounts will not trigger a profile ID rename. The
//     renamed account will still be associated with the user." and
//   - "If the user has accounts of the same name on multiple SoP target
//     systems": renaming one, or renaming them to different IDs, keeps
//     the profile's ID and every account; "Renaming all account with the
//     same ID will trigger a profile ID rename."
//   - A renamed account on a source stays attached to its profile, whether
//     or not the profile is renamed; it makes no profile of its own.
//   - A source account whose profile ID value has become blank still
//     counts: it proposes no new ID, so it keeps its profile from being
//     renamed (a blank is not read as abstaining), and it stays attached.
//   - "If the user has an account on an SoP target system, and an
//     auto-associated account on a non-SoP target system": auto-attached
//     accounts are checked again on every discovery, and detached when
//     none of their attach values matches the profile's ID any more:
//     because the profile was renamed ("The auto-associated account will
//     be detached"), or because the attributes used for auto-association
//     were renamed. Other attributes do not matter.
//   - "an manually-associated account on a non-SoP target system ... will
//     remain attached to the user's profile": no rename detaches a
//     manually attached account.
//   - "If the user has an account on a non-SoP Active Directory target
//     system: The user logon name and the userPrincipalName attribute must
//     both be renamed." bsafe reads this as: an account of a target marked
//     ActiveDirectory that attaches by short ID (the logon name) also
//     matches by the user part of its userPrincipalName (before the last
//     "@"), so renaming only one of the two leaves it attached through the
//     other; it is detached when both are renamed. (The table's third row
//     names the logon name as an attribute "used for auto-association";
//     that holds for a target matched by logon name alone.)
//
// A rename to an ID that another profile has exactly, or that another
// account of one of the sources concerned proposes, is not done: the
// profile keeps its ID and the report has a RenameConflict notice. The
// seed asks that a renamed user who is logged in log out and back in;
// Report.Renamed tells the caller whose sessions to end.
package profile
