package safe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// maxAccessWrites bounds how often GrantAccess and RemoveAccess write a
// collection's access list whose read-back misses their change.
const maxAccessWrites = 3

// GrantAccess gives a member of the team access to a collection, or
// changes the access they have: a.ID is the membership ID (Member.ID),
// and a's flags are the level (usermgmt.AccessLevel names the five).
// Granting what the member already has writes nothing.
//
// The server has no write for one member's access, so GrantAccess reads
// the collection's access list, changes the member's entry, writes the
// whole list back (name and groups unchanged) and reads it again to check
// the entry. Two writers of one collection's list can lose an update:
//
//   - a change another client writes between this one's read and write is
//     overwritten, and this client cannot see it happen;
//   - a change of this client's that another client overwrites before the
//     read-back is seen, and written again (up to three writes in all,
//     then an error matching ErrConflict), so two bsafe clients granting
//     at once both end up in the list in the common interleavings;
//   - a writer that read the list before this client wrote it and writes
//     after the read-back overwrites the grant unseen: GrantAccess has
//     returned nil, and the member has no access.
//
// Where that matters, serialise the writers of one collection's access
// (one process per team, or a lock of the caller's).
//
// The member must be a member of the team (ErrNotFound otherwise, and
// nothing is written); checking that needs a caller who may read the
// team's members. Manage needs a server that has it
// (ErrManageUnsupported on Bravura Safe's 2023.8 server, which would drop
// it and give edit access instead). A write whose answer was lost is
// repeated: it sets the same list again.
func (s *CollectionsService) GrantAccess(ctx context.Context, teamID, collectionID string, a Access) error {
	if err := validID(teamID, collectionID); err != nil {
		return err
	}
	if err := checkAccessEntry(a); err != nil {
		return err
	}
	if err := s.c.checkManage(ctx, []Access{a}); err != nil {
		return err
	}
	if err := s.c.Members.exists(ctx, teamID, a.ID); err != nil {
		return err
	}
	return s.editAccess(ctx, teamID, collectionID, a.ID, &a)
}

// RemoveAccess takes a member's access to a collection away (memberID is
// the membership ID). A member without access to it is left alone, and
// nothing is written; an unknown member is ErrNotFound. It reads, changes
// and writes the collection's access list, with the lost-update window
// GrantAccess describes.
func (s *CollectionsService) RemoveAccess(ctx context.Context, teamID, collectionID, memberID string) error {
	if err := validID(teamID, collectionID, memberID); err != nil {
		return err
	}
	err := s.editAccess(ctx, teamID, collectionID, memberID, nil)
	if errors.Is(err, errNoEntry) {
		return s.c.Members.exists(ctx, teamID, memberID)
	}
	return err
}

// errNoEntry: RemoveAccess found no entry for the member on its first
// read, and wrote nothing.
var errNoEntry = errors.New("safe: no access entry for the member")

// editAccess makes the member's entry in the collection's user list want
// (nil: no entry), reading, writing and reading back until the list holds
// it (see GrantAccess).
func (s *CollectionsService) editAccess(ctx context.Context, teamID, collectionID, memberID string, want *Access) error {
	var last *apiRequest // the last write, once one was answered
	for writes := 0; ; writes++ {
		d, err := s.details(ctx, teamID, collectionID)
		if err != nil {
			if last != nil {
				return &OutcomeUnknownError{Method: last.method, Path: last.path, ItemID: collectionID, Applied: true,
					Err: fmt.Errorf("reading the access list back: %w", err)}
			}
			return err
		}
		users, changed := withEntry(d.Users, memberID, want)
		if !changed {
			if want == nil && last == nil {
				return errNoEntry
			}
			return nil
		}
		if writes == maxAccessWrites {
			return fmt.Errorf("%w: collection %s: another client wrote its access list after each of %d writes", ErrConflict, collectionID, writes)
		}
		r, err := s.putAccess(ctx, teamID, collectionID, d, CollectionAccess{Users: users, Groups: d.Groups})
		if err != nil {
			return err
		}
		last = r
	}
}

// withEntry returns users with the entry of memberID set to want (removed
// for nil), and whether that changed anything. The order of the others
// is kept.
func withEntry(users []Access, memberID string, want *Access) ([]Access, bool) {
	i := slices.IndexFunc(users, func(u Access) bool { return strings.EqualFold(u.ID, memberID) })
	switch {
	case want == nil && i < 0:
		return users, false
	case want == nil:
		return slices.Delete(slices.Clone(users), i, i+1), true
	case i < 0:
		return append(slices.Clone(users), *want), true
	}
	cur := users[i]
	if cur.ReadOnly == want.ReadOnly && cur.HidePasswords == want.HidePasswords && cur.Manage == want.Manage {
		return users, false
	}
	out := slices.Clone(users)
	out[i] = *want
	out[i].ID = cur.ID
	return out, true
}

// putAccess writes a collection's access lists, keeping its name and
// external ID as read (d). Setting the lists is the same state however
// often it is repeated, so a write whose answer was lost is sent again
// (a change another client made in between is overwritten, as it is
// between the read and the write).
func (s *CollectionsService) putAccess(ctx context.Context, teamID, id string, d *collectionDetails, access CollectionAccess) (*apiRequest, error) {
	r := s.req(http.MethodPut, teamID, id, collectionBody(d.Name, d.ExternalID, access))
	r.retry = retryReplay
	_, err := s.c.send(ctx, r)
	if err != nil {
		return nil, s.c.writeFailed(id, err)
	}
	s.c.invalidate() // the caller's own access may have changed
	return &r, nil
}

// checkManage refuses manage access on a server that would drop it: bsafe
// sends the flag only to servers of 2024.1 or later, which all keep it;
// Bravura Safe's 2023.8 server has no such flag.
func (c *Client) checkManage(ctx context.Context, list []Access) error {
	if !slices.ContainsFunc(list, func(a Access) bool { return a.Manage }) {
		return nil
	}
	info, err := c.ServerInfo(ctx)
	if err != nil {
		return err
	}
	if !info.AtLeast(2024, 1, 0) {
		return fmt.Errorf("%w (server version %q)", ErrManageUnsupported, info.Version)
	}
	return nil
}

// exists checks that the team has the member, from the team's member
// list (see state).
func (s *MembersService) exists(ctx context.Context, teamID, memberID string) error {
	_, err := s.Get(ctx, teamID, memberID)
	return err
}
