package safe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
)

// maxInvites is the server's limit of addresses in one invitation
// (StrictEmailAddressListAttribute: "You can only submit up to 20 emails
// at a time.").
const maxInvites = 20

// Invitation is what Invite sends: the addresses to invite and what the
// new members get. The web API sets no external ID on an invitation (only
// the Public API and directory sync do), so Invitation has none.
type Invitation struct {
	// Emails are the addresses to invite: 1 to 20, each a bare address
	// ("jane@example.com"), none twice (ignoring case).
	Emails []string
	// Role is the members' role: RoleAdmin, RoleUser, RoleManager or
	// RoleCustom. Its zero value, which is RoleOwner's number, invites
	// users: an invitation that forgets its role never makes owners (use
	// Owner for that). RoleManager exists only on Bravura Safe's 2023.8
	// server; current servers refuse it.
	Role Role
	// Owner invites the members as owners, which only owners may do. Role
	// must then be zero (RoleOwner); another role is an error matching
	// ErrInvalidArgument.
	Owner bool
	// Collections is the access the members get to collections of the
	// team; Access.ID is a collection ID. Manage needs a server that has
	// it (ErrManageUnsupported otherwise).
	Collections []Access
	// Permissions are a RoleCustom member's permissions, by the server's
	// names ("manageUsers", "editAnyCollection", "createNewCollections",
	// ...). Other roles take none.
	Permissions []string
}

// Invite invites people to a team by e-mail, and returns their members
// (status invited) in the order of inv.Emails. An address that already
// belongs to a member of the team is not invited again: the server skips
// it, and its member is returned as it is, in whatever state it has.
//
// The server's answer says nothing about the invitation, so the members
// are read back from the team's member list. If that read fails after the
// server accepted the invitation, the error is an *OutcomeUnknownError
// with Applied set: the members exist, Invite cannot say which they are.
// The invitation itself is repeated after a lost answer, which the server
// makes harmless (see MembersService).
//
// Bad input (no address, more than 20, an address that is not one or
// comes twice, an unknown role, Owner with a role, permissions for a role
// other than RoleCustom, an access that is both manage and read-only) is
// an error matching ErrInvalidArgument, and nothing is sent.
func (s *MembersService) Invite(ctx context.Context, teamID string, inv Invitation) ([]*Member, error) {
	if err := validID(teamID); err != nil {
		return nil, err
	}
	role, err := inv.check()
	if err != nil {
		return nil, err
	}
	if err := s.c.checkManage(ctx, inv.Collections); err != nil {
		return nil, err
	}
	var perms map[string]bool
	if len(inv.Permissions) > 0 {
		perms = make(map[string]bool, len(inv.Permissions))
		for _, p := range inv.Permissions {
			perms[p] = true
		}
	}
	cols := inv.Collections
	if cols == nil {
		// Never leave it out: both generations fail with a 500 on an
		// invitation without a collection list.
		cols = []Access{}
	}
	r := s.memberReq(http.MethodPost, teamID, "", "/invite", map[string]any{
		"emails": inv.Emails, "type": role, "collections": cols, "permissions": perms, "groups": []string{},
	})
	r.retry = retryReplay
	if _, err := s.c.send(ctx, r); err != nil {
		return nil, err
	}
	members, err := s.List(ctx, teamID)
	if err != nil {
		return nil, &OutcomeUnknownError{Method: r.method, Path: r.path, Applied: true,
			Err: fmt.Errorf("reading the invited members back: %w", err)}
	}
	byEmail := make(map[string]*Member, len(members))
	for _, m := range members {
		if m.Email != "" {
			byEmail[strings.ToLower(m.Email)] = m
		}
	}
	out := make([]*Member, len(inv.Emails))
	for i, e := range inv.Emails {
		m := byEmail[strings.ToLower(e)]
		if m == nil {
			return nil, &OutcomeUnknownError{Method: r.method, Path: r.path, Applied: true,
				Err: fmt.Errorf("the team's member list, read back, has no member for address #%d", i+1)}
		}
		out[i] = m
	}
	return out, nil
}

// check refuses what the server would refuse, or would take in a way the
// caller did not mean, and returns the role to send. Addresses are named
// by position: an address is not a secret, but it is personal data a log
// need not hold.
func (inv *Invitation) check() (Role, error) {
	switch n := len(inv.Emails); {
	case n == 0:
		return 0, invalidArg("an invitation needs at least one e-mail address")
	case n > maxInvites:
		return 0, invalidArg("an invitation holds at most %d e-mail addresses, not %d", maxInvites, n)
	}
	seen := make(map[string]bool, len(inv.Emails))
	for i, e := range inv.Emails {
		if err := checkEmail(e); err != nil {
			return 0, invalidArg("invitation address #%d %v", i+1, err)
		}
		k := strings.ToLower(e)
		if seen[k] {
			return 0, invalidArg("invitation address #%d comes twice", i+1)
		}
		seen[k] = true
	}
	role, err := grantedRole(inv.Role, inv.Owner)
	if err != nil {
		return 0, err
	}
	if len(inv.Permissions) > 0 && role != RoleCustom {
		return 0, invalidArg("permissions are for the custom role only, not %s", role)
	}
	for i, p := range inv.Permissions {
		if !permissionName(p) {
			return 0, invalidArg("permission #%d is not a permission name (ASCII letters)", i+1)
		}
	}
	return role, checkAccessList(inv.Collections, "collection")
}

// grantedRole is the role that an Invitation or a PublicMemberSpec with
// role r and owner gives. RoleOwner is Role's zero value, so a zero role
// means RoleUser and only owner makes an owner: a forgotten role never
// grants the team.
func grantedRole(r Role, owner bool) (Role, error) {
	switch {
	case owner && r != RoleOwner:
		return 0, invalidArg("owner together with role %s: leave the role zero to make an owner", r)
	case owner:
		return RoleOwner, nil
	case r == RoleOwner:
		return RoleUser, nil
	}
	if _, ok := roleNames[r]; !ok {
		return 0, invalidArg("unknown role %d", int(r))
	}
	return r, nil
}

// checkEmail accepts a bare address of at most 256 bytes, as the server's
// StrictEmailAddress does (which is stricter still: the server has the
// last word).
func checkEmail(e string) error {
	if len(e) > 256 {
		return errors.New("is longer than 256 bytes")
	}
	for _, r := range e {
		if r <= ' ' || r == 0x7f {
			return errors.New("has white space or a control character")
		}
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" || !strings.Contains(e, "@") {
		return errors.New("is not a bare e-mail address")
	}
	return nil
}

func permissionName(p string) bool {
	if p == "" || len(p) > 64 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
