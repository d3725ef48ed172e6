package profile

import (
	"fmt"
	"strconv"
	"strings"
)

// How says how an account came to be attached to its profile.
type How int

const (
	// Source: the account is on a source of profiles and its profile ID
	// value made the profile, or joined it.
	Source How = iota + 1
	// Auto: one of the account's attach values matched the profile ID
	// ("Automatically attach accounts"). Each discovery checks it again.
	Auto
	// Manual: attached by hand (Engine.Attach). No discovery detaches it
	// while the account is listed.
	Manual
)

// String returns "source", "auto" or "manual".
func (h How) String() string {
	switch h {
	case Source:
		return "source"
	case Auto:
		return "auto"
	case Manual:
		return "manual"
	}
	return "How(" + strconv.Itoa(int(h)) + ")"
}

// Profile is a snapshot of one profile: its ID and the accounts attached
// to it, ordered by target and stable ID (an order renames do not change). Later changes to the
// engine do not change it.
type Profile struct {
	ID       string
	Accounts []Attachment
}

// Attachment is one account attached to a profile.
type Attachment struct {
	// Profile is the profile's ID (after the renames of the discovery
	// that reports it).
	Profile string
	// Account is the account as last listed.
	Account Account
	How     How
}

// Rename is a profile whose ID a discovery changed. The seed asks that a
// user who is logged in log out and back in: sessions under From are the
// caller's to end.
type Rename struct {
	From, To string
}

// NoticeKind says what a Notice is about.
type NoticeKind int

const (
	// DuplicateAccounts: several accounts of one source of profiles have
	// the same profile ID value, so none of them makes or joins a
	// profile (seed 004's "duplicate accounts" error notice).
	DuplicateAccounts NoticeKind = iota + 1
	// RenameConflict: all the source accounts of a profile were renamed
	// to one new ID, but it is taken (by another profile with exactly
	// that ID, or by another account of one of their targets), so the
	// profile keeps its ID.
	RenameConflict
	// UnknownTarget: an account names a target the engine does not have;
	// it is ignored.
	UnknownTarget
	// NoStableID: an account has no stable ID; it is ignored.
	NoStableID
	// RepeatedAccount: a listing has one stable ID of a target more than
	// once; the first is used.
	RepeatedAccount
)

// String returns the kind as a phrase, e.g. "duplicate accounts".
func (k NoticeKind) String() string {
	switch k {
	case DuplicateAccounts:
		return "duplicate accounts"
	case RenameConflict:
		return "rename conflict"
	case UnknownTarget:
		return "unknown target"
	case NoStableID:
		return "account without a stable ID"
	case RepeatedAccount:
		return "account listed twice"
	}
	return "NoticeKind(" + strconv.Itoa(int(k)) + ")"
}

// Notice is something a discovery could not do and logs instead.
type Notice struct {
	Kind NoticeKind
	// Target is the target concerned ("" for a RenameConflict of
	// profile IDs).
	Target string
	// Value is the profile ID value concerned: the duplicated value, or
	// the ID a profile could not be renamed to.
	Value string
	// Profile is the profile that kept its ID (RenameConflict).
	Profile string
	// StableIDs are the accounts concerned, sorted.
	StableIDs []string
}

// String describes the notice in one line.
func (n Notice) String() string {
	var b strings.Builder
	b.WriteString(n.Kind.String())
	if n.Profile != "" {
		fmt.Fprintf(&b, ": profile %q not renamed", n.Profile)
	}
	if n.Target != "" {
		fmt.Fprintf(&b, ", target %q", n.Target)
	}
	if n.Value != "" {
		fmt.Fprintf(&b, ", value %q", n.Value)
	}
	if len(n.StableIDs) > 0 {
		fmt.Fprintf(&b, ", accounts %q", n.StableIDs)
	}
	return b.String()
}

// Report is what one discovery did, in the order it did it.
type Report struct {
	// Created are the IDs of the profiles created, in creation order.
	Created []string
	// Renamed are the profiles renamed.
	Renamed []Rename
	// Attached are the accounts newly attached (Source or Auto).
	Attached []Attachment
	// Detached are the accounts that left their profile: gone from the
	// listing, or auto-attached accounts that no longer match.
	Detached []Attachment
	// Notices are what the discovery could not do.
	Notices []Notice
}
