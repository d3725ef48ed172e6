package safe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Reinvite sends a member who has not yet accepted the invitation e-mail
// again. A member who is not in the invited state is an error matching
// ErrNotInvited; an unknown member, ErrNotFound.
func (s *MembersService) Reinvite(ctx context.Context, teamID, memberID string) error {
	if err := validID(teamID, memberID); err != nil {
		return err
	}
	// Repeatable: a second e-mail is the only effect of a repeat.
	r := s.memberReq(http.MethodPost, teamID, memberID, "/reinvite", nil)
	r.retry = retryReplay
	_, err := s.c.send(ctx, r)
	return s.settle(ctx, teamID, memberID, err, nil, func(m *Member) error {
		if m.Status != StatusInvited {
			return fmt.Errorf("%w: member %s is %s", ErrNotInvited, memberID, m.Status)
		}
		return nil
	})
}

// Remove removes a member from the team. The member keeps their account,
// and loses the team's items and keys. A removal whose answer was lost is
// repeated, and a repeat that finds the member gone succeeded.
func (s *MembersService) Remove(ctx context.Context, teamID, memberID string) error {
	if err := validID(teamID, memberID); err != nil {
		return err
	}
	// DELETE, which both generations route (2023.8 also POST .../delete,
	// current servers POST .../remove).
	r := s.memberReq(http.MethodDelete, teamID, memberID, "", nil)
	r.retry = retryReplay
	_, err := s.c.send(ctx, r)
	return s.settle(ctx, teamID, memberID, err, func(m *Member) bool { return m == nil }, nil)
}

// Revoke takes a member's access to the team away without removing them:
// they keep their membership (and the team key the server holds for
// them), and Restore gives the access back.
func (s *MembersService) Revoke(ctx context.Context, teamID, memberID string) error {
	return s.setActive(ctx, teamID, memberID, "/revoke", func(m *Member) bool { return m != nil && m.Status == StatusRevoked })
}

// Restore gives a revoked member their access back, in the state they had
// before (invited, accepted or confirmed).
func (s *MembersService) Restore(ctx context.Context, teamID, memberID string) error {
	return s.setActive(ctx, teamID, memberID, "/restore", func(m *Member) bool { return m != nil && m.Status != StatusRevoked })
}

// setActive is Revoke and Restore: PUT .../revoke or .../restore, which
// both generations route (2023.8 also under the names deactivate and
// activate). The server refuses a repeat ("Already revoked.", "Already
// active."), which settle reads as success when the member is in the
// state the write sets.
func (s *MembersService) setActive(ctx context.Context, teamID, memberID, suffix string, done func(*Member) bool) error {
	if err := validID(teamID, memberID); err != nil {
		return err
	}
	r := s.memberReq(http.MethodPut, teamID, memberID, suffix, nil)
	r.retry = retryReplay
	_, err := s.c.send(ctx, r)
	return s.settle(ctx, teamID, memberID, err, done, nil)
}

// settle turns the failure of a write on one member into what it means,
// reading the member back (state) where the failure alone does not tell.
//
// When an attempt may have been applied (its answer was lost, or the
// request was repeated after such an attempt), the write succeeded if the
// member is now in the state the write sets: done reports that, given the
// member or nil when the team no longer has it. Otherwise the outcome
// stays unknown.
//
// When the server refused the only attempt (400 or 404), the member read
// back explains why: gone is ErrNotFound (2023.8 answers 400 "User not
// valid." to an unknown member), and why may return a typed error for a
// member in the wrong state (nil keeps the server's answer).
func (s *MembersService) settle(ctx context.Context, teamID, memberID string, err error, done func(*Member) bool, why func(*Member) error) error {
	if err == nil {
		return nil
	}
	lost, replayed := mayHaveApplied(err)
	var ae *APIError
	refused := errors.As(err, &ae) && (ae.StatusCode == http.StatusBadRequest || ae.StatusCode == http.StatusNotFound)
	if !lost && !replayed && !refused {
		return err
	}
	m, serr := s.state(ctx, teamID, memberID)
	if serr != nil && !errors.Is(serr, ErrNotFound) {
		return err // the member cannot be read: nothing more is known
	}
	if lost || replayed {
		if done != nil && done(m) {
			return nil
		}
		return err
	}
	if m == nil {
		return fmt.Errorf("%w (%w)", serr, ae)
	}
	if why != nil {
		if werr := why(m); werr != nil {
			return werr
		}
	}
	return err
}
