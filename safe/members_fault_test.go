package safe_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestInviteLostAnswerIsReplayed: the invitation was applied and its
// answer lost; the repeat is harmless (the server skips the address it
// now knows), and Invite returns the one member.
func TestInviteLostAnswerIsReplayed(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		c, h, cnt := countingClient(t, e.env)
		loseFirst(h, 1, isReq(http.MethodPost, "/users/invite"))
		ms, err := c.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{"lost@example.com"}, Role: safe.RoleUser})
		if err != nil {
			t.Fatalf("Invite with a lost answer: %v", err)
		}
		if n := cnt.suffix(http.MethodPost, "/users/invite"); n != 2 {
			t.Errorf("%d invitations sent, want 2 (the lost one and its repeat)", n)
		}
		var found []safetest.MemberState
		for _, m := range e.stored(t) {
			if m.Email == "lost@example.com" {
				found = append(found, m)
			}
		}
		if len(found) != 1 || len(ms) != 1 || ms[0].ID != found[0].ID {
			t.Errorf("the server holds %d members for the address, Invite returned %+v", len(found), ms)
		}
	})
}

// TestInviteDroppedConnection: safetest's Drop fault closes the
// connection before the server handles the invitation; the repeat
// invites once.
func TestInviteDroppedConnection(t *testing.T) {
	t.Parallel()
	e := newMemberEnv(t, safetest.Gen2023)
	e.srv.InjectFault(safetest.Fault{Method: http.MethodPost, Path: "/api/organizations/" + e.team.ID + "/users/invite", Drop: true})
	ms, err := e.client.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{"drop@example.com"}, Role: safe.RoleUser})
	if err != nil || len(ms) != 1 {
		t.Fatalf("Invite after a dropped connection: %+v, %v", ms, err)
	}
	if e.srv.PendingFaults() != 0 || len(e.stored(t)) != 2 {
		t.Errorf("fault pending %d, %d members on the server; want 0 and 2", e.srv.PendingFaults(), len(e.stored(t)))
	}
}

// TestInviteReadBackFails: the server accepted the invitation, and every
// read after it fails: Invite says the invitation was applied
// (*OutcomeUnknownError with Applied), never that it failed.
func TestInviteReadBackFails(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		c, h := hookedClient(t, e.env)
		var answered atomic.Bool
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if answered.Load() && r.Method == http.MethodGet {
				return unavailable(), nil
			}
			resp, err := next.RoundTrip(r)
			if err == nil && resp.StatusCode == http.StatusOK && isReq(http.MethodPost, "/users/invite")(r) {
				answered.Store(true)
			}
			return resp, err
		})
		_, err := c.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{"rb@example.com"}, Role: safe.RoleUser})
		var ou *safe.OutcomeUnknownError
		if !errors.As(err, &ou) || !ou.Applied || !errors.Is(err, safe.ErrOutcomeUnknown) {
			t.Fatalf("Invite whose read-back fails: %v, want an applied *OutcomeUnknownError", err)
		}
		noKeyInError(t, err)
		if n := len(e.stored(t)); n != 2 {
			t.Errorf("the server holds %d members, want 2 (the invitation was applied)", n)
		}
	})
}

// TestInviteCallerGivesUpMidway: the caller's context ends after the
// server applied the invitation and before its answer arrived: the
// outcome is unknown (it may have been applied), and nothing is repeated
// for a caller who is gone.
func TestInviteCallerGivesUpMidway(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		c, h, cnt := countingClient(t, e.env)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if !isReq(http.MethodPost, "/users/invite")(r) {
				return next.RoundTrip(r)
			}
			resp, err := next.RoundTrip(r)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			cancel() // the caller's deadline passes while the answer is on its way
			<-r.Context().Done()
			return nil, r.Context().Err()
		})
		_, err := c.Members.Invite(ctx, e.team.ID, safe.Invitation{Emails: []string{"mid@example.com"}, Role: safe.RoleUser})
		var ou *safe.OutcomeUnknownError
		if !errors.As(err, &ou) || ou.Applied || !errors.Is(err, context.Canceled) {
			t.Fatalf("Invite cut short: %v, want an *OutcomeUnknownError (not known applied) matching context.Canceled", err)
		}
		if n := cnt.suffix(http.MethodPost, "/users/invite"); n != 1 {
			t.Errorf("%d invitations sent, want 1", n)
		}
		if n := len(e.stored(t)); n != 2 {
			t.Errorf("the server holds %d members, want 2", n)
		}
	})
}

// TestMemberWritesLostAnswers: each write was applied and its answer
// lost. The repeat is refused by the server (the member is no longer in
// the state the request needs) or, for Reinvite, accepted again; either
// way the write reports success, and the server holds what it set.
func TestMemberWritesLostAnswers(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ctx := t.Context()
		_, accepted := e.accepted(t, "acc", safe.RoleUser)
		_, toRemove := e.confirmed(t, "rem", safe.RoleUser)
		_, toRevoke := e.confirmed(t, "rev", safe.RoleUser)
		_, invited := e.invited(t, "inv")
		tests := []struct {
			name, method, suffix string
			call                 func(c *safe.Client) error
			check                func(st *safetest.MemberState) bool
		}{
			{"Confirm", http.MethodPost, "/confirm", func(c *safe.Client) error { return c.Members.Confirm(ctx, e.team.ID, accepted.ID, nil) },
				func(st *safetest.MemberState) bool {
					return st != nil && st.ID == accepted.ID && st.Status == safetest.StatusConfirmed && strings.HasPrefix(st.Key, "4.")
				}},
			{"Remove", http.MethodDelete, toRemove.ID, func(c *safe.Client) error { return c.Members.Remove(ctx, e.team.ID, toRemove.ID) },
				func(st *safetest.MemberState) bool { return st == nil }},
			{"Revoke", http.MethodPut, "/revoke", func(c *safe.Client) error { return c.Members.Revoke(ctx, e.team.ID, toRevoke.ID) },
				func(st *safetest.MemberState) bool { return st != nil && st.Status == safetest.StatusRevoked }},
			{"Restore", http.MethodPut, "/restore", func(c *safe.Client) error { return c.Members.Restore(ctx, e.team.ID, toRevoke.ID) },
				func(st *safetest.MemberState) bool { return st != nil && st.Status == safetest.StatusConfirmed }},
			{"Reinvite", http.MethodPost, "/reinvite", func(c *safe.Client) error { return c.Members.Reinvite(ctx, e.team.ID, invited.ID) },
				func(st *safetest.MemberState) bool { return st != nil && st.Status == safetest.StatusInvited }},
		}
		ids := map[string]string{"Confirm": accepted.ID, "Remove": toRemove.ID, "Revoke": toRevoke.ID, "Restore": toRevoke.ID, "Reinvite": invited.ID}
		for _, tt := range tests {
			c, h, cnt := countingClient(t, e.env)
			loseFirst(h, 1, isReq(tt.method, tt.suffix))
			if err := tt.call(c); err != nil {
				t.Errorf("%s with a lost answer: %v", tt.name, err)
			}
			if n := cnt.suffix(tt.method, tt.suffix); n != 2 {
				t.Errorf("%s: %d requests, want 2 (the lost one and its repeat)", tt.name, n)
			}
			if st := e.storedMember(t, ids[tt.name]); !tt.check(st) {
				t.Errorf("%s: the server holds %+v", tt.name, st)
			}
		}
		if !e.canDecryptTeamItem(t, "acc") {
			t.Error("the member confirmed through a lost answer cannot decrypt the team item")
		}
	})
}

// TestMemberWriteOutcomeUnknown: a removal whose every answer is lost is
// settled by reading the member back; when that read fails too, the
// removal is not reported as failed but as of unknown outcome, which it
// is (the server did remove the member).
func TestMemberWriteOutcomeUnknown(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		_, m1 := e.confirmed(t, "one", safe.RoleUser)
		_, m2 := e.confirmed(t, "two", safe.RoleUser)
		c, h := hookedClient(t, e.env)
		var stateFails atomic.Bool
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if r.Method == http.MethodDelete {
				return loseAnswer(r, next)
			}
			if stateFails.Load() && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/users") {
				return unavailable(), nil
			}
			return next.RoundTrip(r)
		})
		if err := c.Members.Remove(t.Context(), e.team.ID, m1.ID); err != nil {
			t.Errorf("Remove whose answers are lost, member read back as gone: %v", err)
		}
		stateFails.Store(true)
		err := c.Members.Remove(t.Context(), e.team.ID, m2.ID)
		if !errors.Is(err, safe.ErrOutcomeUnknown) {
			t.Errorf("Remove whose answers are lost and whose member cannot be read: %v, want ErrOutcomeUnknown", err)
		}
		noKeyInError(t, err)
		if e.storedMember(t, m1.ID) != nil || e.storedMember(t, m2.ID) != nil {
			t.Error("the server should hold neither member")
		}
	})
}

// TestRepeatRefusedNotApplied: a proxy's 502 may follow an applied write,
// so the revocation is repeated; the repeat is refused for a reason of
// its own (an owner cannot revoke themself) and the member is not
// revoked: the outcome stays unknown (the first attempt's fate is not
// known), with the server's answer as the cause; nothing changed.
func TestRepeatRefusedNotApplied(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		before := e.stored(t)
		e.srv.InjectFault(safetest.Fault{Method: http.MethodPut, Path: "/api/organizations/" + e.team.ID + "/users/" + e.team.OwnerMemberID + "/revoke",
			Status: http.StatusBadGateway})
		err := e.client.Members.Revoke(t.Context(), e.team.ID, e.team.OwnerMemberID)
		var ae *safe.APIError
		if !errors.Is(err, safe.ErrOutcomeUnknown) || !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest {
			t.Errorf("Revoke of oneself after a 502: %v, want ErrOutcomeUnknown caused by the server's 400", err)
		}
		if e.srv.PendingFaults() != 0 {
			t.Error("the 502 was not used")
		}
		e.unchanged(t, before, "the refused revocation")
	})
}

// TestGatewayErrorOnRevokeIsRepeated: a 502 before the server handled the
// revocation (safetest's Status fault): the repeat revokes.
func TestGatewayErrorOnRevokeIsRepeated(t *testing.T) {
	t.Parallel()
	e := newMemberEnv(t, safetest.GenCurrent)
	_, m := e.confirmed(t, "gw", safe.RoleUser)
	e.srv.InjectFault(safetest.Fault{Method: http.MethodPut, Path: "/api/organizations/" + e.team.ID + "/users/" + m.ID + "/revoke", Status: http.StatusBadGateway})
	if err := e.client.Members.Revoke(t.Context(), e.team.ID, m.ID); err != nil {
		t.Fatalf("Revoke after a 502: %v", err)
	}
	if st := e.storedMember(t, m.ID); st.Status != safetest.StatusRevoked {
		t.Errorf("status %v, want revoked", st.Status)
	}
}

// TestGrantAccessFaults: a lost answer is repeated (the same list again)
// and the read-back confirms the grant; a read-back that fails after the
// write was answered is an applied *OutcomeUnknownError naming the
// collection.
func TestGrantAccessFaults(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		_, m := e.confirmed(t, "gra", safe.RoleUser)
		colPath := "/collections/" + e.col.ID
		c, h, cnt := countingClient(t, e.env)
		loseFirst(h, 1, isReq(http.MethodPut, colPath))
		if err := c.Collections.GrantAccess(t.Context(), e.team.ID, e.col.ID, safe.Access{ID: m.ID, HidePasswords: true}); err != nil {
			t.Fatalf("GrantAccess with a lost answer: %v", err)
		}
		if n := cnt.suffix(http.MethodPut, colPath); n != 2 {
			t.Errorf("%d writes, want 2", n)
		}
		if a := e.storedMember(t, m.ID).Collections[e.col.ID]; !a.HidePasswords || a.ReadOnly {
			t.Errorf("stored access %+v", a)
		}

		var written atomic.Bool
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if written.Load() && r.Method == http.MethodGet {
				return unavailable(), nil
			}
			resp, err := next.RoundTrip(r)
			if err == nil && resp.StatusCode == http.StatusOK && isReq(http.MethodPut, colPath)(r) {
				written.Store(true)
			}
			return resp, err
		})
		err := c.Collections.GrantAccess(t.Context(), e.team.ID, e.col.ID, safe.Access{ID: m.ID, ReadOnly: true})
		var ou *safe.OutcomeUnknownError
		if !errors.As(err, &ou) || !ou.Applied || ou.ItemID != e.col.ID {
			t.Fatalf("GrantAccess whose read-back fails: %v, want an applied *OutcomeUnknownError for the collection", err)
		}
		if a := e.storedMember(t, m.ID).Collections[e.col.ID]; !a.ReadOnly {
			t.Errorf("stored access %+v, want the grant applied", a)
		}
	})
}

// TestConfirmTwoAdminsAtOnce: two admins confirm one member at once:
// one confirmation is applied, the other is refused with ErrNotAccepted
// (the member is confirmed by then), whichever order the server sees.
func TestConfirmTwoAdminsAtOnce(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		e.confirmed(t, "adm", safe.RoleAdmin)
		admin := e.loginAs(t, "adm")
		_, m := e.accepted(t, "new", safe.RoleUser)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, c := range []*safe.Client{e.client, admin} {
			wg.Go(func() { errs[i] = c.Members.Confirm(t.Context(), e.team.ID, m.ID, nil) })
		}
		wg.Wait()
		ok, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, safe.ErrNotAccepted):
				refused++
			default:
				t.Errorf("Confirm: %v", err)
			}
		}
		if ok != 1 || refused != 1 {
			t.Errorf("%d confirmations succeeded and %d were refused, want 1 and 1 (%v)", ok, refused, errs)
		}
		if !e.canDecryptTeamItem(t, "new") {
			t.Error("the member cannot decrypt the team item")
		}
	})
}

// TestInviteTwoClientsAtOnce: two admins invite one address at once: both
// get the same member, and the server holds one.
func TestInviteTwoClientsAtOnce(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		e.confirmed(t, "adm", safe.RoleAdmin)
		admin := e.loginAs(t, "adm")
		got := make([][]*safe.Member, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, c := range []*safe.Client{e.client, admin} {
			wg.Go(func() {
				got[i], errs[i] = c.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{"both@example.com"}, Role: safe.RoleUser})
			})
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("Invite: %v", errs)
		}
		n := 0
		for _, st := range e.stored(t) {
			if st.Email == "both@example.com" {
				n++
			}
		}
		if n != 1 || got[0][0].ID != got[1][0].ID {
			t.Errorf("%d members on the server; the invites returned %s and %s", n, got[0][0].ID, got[1][0].ID)
		}
	})
}

// TestGrantAccessTwoClientsAtOnce shows the lost update that a
// read-modify-write of a collection's access list allows, in two exact
// interleavings of two clients granting different members access to one
// collection.
func TestGrantAccessTwoClientsAtOnce(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		_, ann := e.confirmed(t, "ann", safe.RoleUser)
		_, bob := e.confirmed(t, "bob", safe.RoleUser)
		other, err := e.srv.AddCollection(e.team, "OTHER")
		if err != nil {
			t.Fatal(err)
		}
		details := "/collections/" + other.ID + "/details"
		put := isReq(http.MethodPut, "/collections/"+other.ID)
		has := func(id string) bool { _, ok := e.storedMember(t, id).Collections[other.ID]; return ok }

		t.Run("seen and written again", func(t *testing.T) {
			// A and B both read the list; A writes it, B writes it (A's
			// entry lost); A's read-back misses its entry and A writes again.
			a, ha := hookedClient(t, e.env)
			b, hb := hookedClient(t, e.env)
			bRead, aWrote, bWrote := make(chan struct{}), make(chan struct{}), make(chan struct{})
			var aPuts, aReads, bPuts atomic.Int32
			ha.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
				switch {
				case put(r) && aPuts.Add(1) == 1:
					<-bRead
					resp, err := next.RoundTrip(r)
					close(aWrote)
					return resp, err
				case isReq(http.MethodGet, details)(r) && aReads.Add(1) == 2:
					<-bWrote // A's read-back comes after B's write
				}
				return next.RoundTrip(r)
			})
			hb.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
				if put(r) && bPuts.Add(1) == 1 {
					close(bRead) // B has read the list: it is about to write it
					<-aWrote
					resp, err := next.RoundTrip(r)
					close(bWrote)
					return resp, err
				}
				return next.RoundTrip(r)
			})
			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Go(func() { errs[0] = a.Collections.GrantAccess(t.Context(), e.team.ID, other.ID, safe.Access{ID: ann.ID}) })
			wg.Go(func() { errs[1] = b.Collections.GrantAccess(t.Context(), e.team.ID, other.ID, safe.Access{ID: bob.ID}) })
			wg.Wait()
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("GrantAccess: %v", errs)
			}
			if aPuts.Load() != 2 || bPuts.Load() != 1 {
				t.Errorf("A wrote %d times, B %d; want 2 and 1", aPuts.Load(), bPuts.Load())
			}
			if !has(ann.ID) || !has(bob.ID) {
				t.Errorf("ann has access: %v, bob: %v; want both", has(ann.ID), has(bob.ID))
			}
		})

		t.Run("lost unseen", func(t *testing.T) {
			// B reads the list and stalls; A reads, writes and reads back
			// (its grant is there) and returns; then B writes the list it
			// read, without A's grant. Both report success; A's grant is
			// gone: the window the documentation describes.
			for _, id := range []string{ann.ID, bob.ID} {
				if err := e.client.Collections.RemoveAccess(t.Context(), e.team.ID, other.ID, id); err != nil {
					t.Fatal(err)
				}
			}
			b, hb := hookedClient(t, e.env)
			stalled, release := make(chan struct{}), make(chan struct{})
			var bPuts atomic.Int32
			hb.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
				if put(r) && bPuts.Add(1) == 1 {
					close(stalled)
					<-release
				}
				return next.RoundTrip(r)
			})
			errB := make(chan error, 1)
			go func() { errB <- b.Collections.GrantAccess(t.Context(), e.team.ID, other.ID, safe.Access{ID: bob.ID}) }()
			<-stalled
			if err := e.client.Collections.GrantAccess(t.Context(), e.team.ID, other.ID, safe.Access{ID: ann.ID}); err != nil {
				t.Fatalf("A's GrantAccess: %v", err)
			}
			if !has(ann.ID) {
				t.Fatal("A's grant is not on the server after A returned")
			}
			close(release)
			if err := <-errB; err != nil {
				t.Fatalf("B's GrantAccess: %v", err)
			}
			if !has(bob.ID) || has(ann.ID) {
				t.Errorf("ann has access: %v, bob: %v; the documented lost update leaves bob only", has(ann.ID), has(bob.ID))
			}
		})
	})
}

// TestConfirmAttemptTimesOut: the confirmation reaches the server and is
// applied, and its answer does not come within the request timeout (the
// hook holds it until the attempt gives up). The attempt is repeated; the
// server refuses the repeat (the member is confirmed now), and Confirm
// reads the member back and reports success.
func TestConfirmAttemptTimesOut(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		_, m := e.accepted(t, "slow", safe.RoleUser)
		c, h := hookedClient(t, e.env, safe.WithRequestTimeout(2*time.Second))
		var held atomic.Bool
		var posts atomic.Int32
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if !isReq(http.MethodPost, "/confirm")(r) {
				return next.RoundTrip(r)
			}
			posts.Add(1)
			resp, err := next.RoundTrip(r)
			if err != nil || !held.CompareAndSwap(false, true) {
				return resp, err
			}
			resp.Body.Close()
			<-r.Context().Done() // the attempt's own deadline
			return nil, r.Context().Err()
		})
		if err := c.Members.Confirm(t.Context(), e.team.ID, m.ID, nil); err != nil {
			t.Fatalf("Confirm whose first answer timed out: %v", err)
		}
		if n := posts.Load(); n != 2 {
			t.Errorf("%d confirmations sent, want 2", n)
		}
		if st := e.storedMember(t, m.ID); st.Status != safetest.StatusConfirmed {
			t.Errorf("status %v, want confirmed", st.Status)
		}
	})
}

// TestSetAccessLostAnswer: SetAccess writes the whole list through the
// same write as GrantAccess; a lost answer is repeated, and the list is
// the one set.
func TestSetAccessLostAnswer(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		_, m := e.confirmed(t, "set", safe.RoleUser)
		c, h, cnt := countingClient(t, e.env)
		loseFirst(h, 1, isReq(http.MethodPut, "/collections/"+e.col.ID))
		err := c.Collections.SetAccess(t.Context(), e.team.ID, e.col.ID, safe.CollectionAccess{Users: []safe.Access{{ID: m.ID, HidePasswords: true}}})
		if err != nil {
			t.Fatalf("SetAccess with a lost answer: %v", err)
		}
		if n := cnt.suffix(http.MethodPut, "/collections/"+e.col.ID); n != 2 {
			t.Errorf("%d writes, want 2", n)
		}
		got, err := e.srv.CollectionMembers(e.col.ID)
		if err != nil || len(got) != 1 || !got[m.ID].HidePasswords {
			t.Errorf("the collection's access is %+v, %v; want the member's only", got, err)
		}
	})
}
