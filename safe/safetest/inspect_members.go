package safetest

import (
	"cmp"
	"fmt"
	"slices"
)

// MemberStatus is a membership's state as the server stores it, numbered
// as on the wire.
type MemberStatus int

// Membership states.
const (
	StatusRevoked   = MemberStatus(statusRevoked)
	StatusInvited   = MemberStatus(statusInvited)
	StatusAccepted  = MemberStatus(statusAccepted)
	StatusConfirmed = MemberStatus(statusConfirmed)
)

// MemberState is a team membership as the server stores it, for tests to
// check what a client's member management did (or did not do).
type MemberState struct {
	ID     string // the membership ("organization user") id
	TeamID string
	UserID string // empty while invited
	Email  string // the invited address, until the invite is accepted
	Role   Role
	Status MemberStatus
	// Key is the team key wrapped to the member (a type 4 EncString), as
	// the confirming client sent it; empty until confirmed.
	Key string
	// Collections is the member's access, keyed by collection id.
	Collections map[string]CollectionAccess
}

// TeamMembers returns the memberships of a team as stored, oldest first
// (by id among those made by one request).
func (s *Server) TeamMembers(teamID string) ([]MemberState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := normID(teamID)
	if s.st.orgs[id] == nil {
		return nil, fmt.Errorf("safetest: TeamMembers: %w", ErrNotFound)
	}
	ms := s.st.orgMembers(id)
	slices.SortStableFunc(ms, func(a, b *memberRec) int {
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id))
	})
	var out []MemberState
	for _, m := range ms {
		cols := map[string]CollectionAccess{}
		for cid, a := range m.collections {
			cols[cid] = CollectionAccess{CollectionID: cid, ReadOnly: a.readOnly, HidePasswords: a.hidePasswords, Manage: a.manage}
		}
		out = append(out, MemberState{
			ID: m.id, TeamID: m.orgID, UserID: m.userID, Email: m.email, Role: m.role,
			Status: MemberStatus(m.status), Key: m.key, Collections: cols,
		})
	}
	return out, nil
}
