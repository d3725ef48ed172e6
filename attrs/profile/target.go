package profile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bsafe-go/bsafe/attrs"
)

// ErrTarget is the error of New for a target it cannot use; the error
// names the target and says what is wrong.
var ErrTarget = errors.New("profile: invalid target")

// Target is a target system as the engine sees it: the settings of its
// General page that decide how its accounts make and join profiles.
type Target struct {
	// ID names the target; Account.Target refers to it. Required, and
	// unique among the engine's targets (compared exactly).
	ID string
	// SourceOfProfiles is the "Source of profile IDs" checkbox: the
	// target's accounts create the profiles.
	SourceOfProfiles bool
	// ProfileIDAttribute is "Account attribute to use as profile ID" of
	// a source of profiles; "" uses the account's short ID. Only for a
	// source of profiles.
	ProfileIDAttribute string
	// AutoAttach is "Automatically attach accounts": the target's
	// accounts that are not a source of a profile attach to the profile
	// whose ID they match. Without it they attach only by hand (Attach).
	AutoAttach bool
	// AttachAttribute is "Account attribute to automatically attach
	// accounts to user profiles" ("" = the short ID), such as assocID
	// or Safe's _collectionNames. Any one of its values can match. Only
	// with AutoAttach.
	AttachAttribute string
	// ActiveDirectory marks an Active Directory target. Where it attaches
	// by short ID (the logon name), the user part of userPrincipalName
	// matches too, so that an account stays attached until both are
	// renamed (see the package documentation).
	ActiveDirectory bool
}

// check returns why t cannot be used, or nil.
func (t *Target) check() error {
	switch {
	case blank(t.ID):
		return fmt.Errorf("%w: a target has no ID", ErrTarget)
	case t.ProfileIDAttribute != "" && !t.SourceOfProfiles:
		return fmt.Errorf("%w: %q has a profile ID attribute but is not a source of profiles", ErrTarget, t.ID)
	case t.AttachAttribute != "" && !t.AutoAttach:
		return fmt.Errorf("%w: %q has an attach attribute but does not attach accounts automatically", ErrTarget, t.ID)
	}
	return nil
}

// upnAttribute is Active Directory's userPrincipalName (user@domain).
const upnAttribute = "userPrincipalName"

// Account is one account of a target as a discovery lists it.
type Account struct {
	// Target is the ID of the account's target.
	Target string `json:"target"`
	// StableID identifies the account on its target for good: it does
	// not change when the account is renamed (bravura-reference §5.2),
	// which is how the engine tells a renamed account from a new one.
	// Required.
	StableID string `json:"stableID"`
	// ShortID is the account's short name, the default source of a
	// profile ID and the default value to attach by.
	ShortID string `json:"shortID,omitempty"`
	// Attrs are the account's attributes, where ProfileIDAttribute and
	// AttachAttribute are read.
	Attrs attrs.Values `json:"attrs,omitempty"`
}

// sourceValue returns the profile ID that a's account on source t
// proposes: the first value of ProfileIDAttribute, or the short ID.
func (t *Target) sourceValue(a *Account) string {
	if t.ProfileIDAttribute == "" {
		return a.ShortID
	}
	return a.Attrs.Get(t.ProfileIDAttribute)
}

// attachValues returns the values by which a's account on t attaches to
// a profile, blanks left out.
func (t *Target) attachValues(a *Account) []string {
	var vals []string
	if t.AttachAttribute == "" {
		vals = append(vals, a.ShortID)
		if t.ActiveDirectory {
			upns, _ := a.Attrs.Lookup(upnAttribute)
			for _, u := range upns {
				vals = append(vals, upnUser(u))
			}
		}
	} else {
		v, _ := a.Attrs.Lookup(t.AttachAttribute)
		vals = append(vals, v...)
	}
	out := vals[:0]
	for _, v := range vals {
		if !blank(v) {
			out = append(out, v)
		}
	}
	return out
}

// upnUser returns the user part of a userPrincipalName: what comes before
// its last "@" (or all of it, without one).
func upnUser(upn string) string {
	if i := strings.LastIndexByte(upn, '@'); i >= 0 {
		return upn[:i]
	}
	return upn
}

// blank reports a value that gives no profile and attaches nothing:
// empty or only white space.
func blank(s string) bool { return strings.TrimSpace(s) == "" }
