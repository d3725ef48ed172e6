package safe_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

func TestRoleAndStatusNames(t *testing.T) {
	for r, want := range map[safe.Role]string{safe.RoleOwner: "owner", safe.RoleAdmin: "admin", safe.RoleUser: "user",
		safe.RoleManager: "manager", safe.RoleCustom: "custom", safe.Role(7): "Role(7)", safe.Role(-1): "Role(-1)"} {
		if got := r.String(); got != want {
			t.Errorf("Role(%d).String() = %q, want %q", int(r), got, want)
		}
	}
	for s, want := range map[safe.MemberStatus]string{safe.StatusInvited: "invited", safe.StatusAccepted: "accepted",
		safe.StatusConfirmed: "confirmed", safe.StatusRevoked: "revoked", safe.MemberStatus(5): "MemberStatus(5)"} {
		if got := s.String(); got != want {
			t.Errorf("MemberStatus(%d).String() = %q, want %q", int(s), got, want)
		}
	}
	// The wire numbers, as the servers' enums have them.
	if safe.RoleManager != 3 || safe.RoleCustom != 4 || safe.StatusRevoked != -1 || safe.StatusConfirmed != 2 {
		t.Error("role or status numbers differ from the wire's")
	}
}

// TestMemberLifecycle: invite, list, get, re-invite, confirm, revoke,
// restore and remove, each checked against what the server stores, and
// the confirmed member decrypting the team's items with the key bsafe
// wrapped for them.
func TestMemberLifecycle(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ctx := t.Context()
		ann := e.person(t, "ann")
		e.person(t, "joe")

		invited, err := e.client.Members.Invite(ctx, e.team.ID, safe.Invitation{
			Emails: []string{"Ann@Example.com", "joe@example.com"}, Role: safe.RoleUser,
			Collections: []safe.Access{{ID: e.col.ID, ReadOnly: true, HidePasswords: true}},
		})
		if err != nil {
			t.Fatalf("Invite: %v", err)
		}
		if len(invited) != 2 {
			t.Fatalf("Invite returned %d members, want 2", len(invited))
		}
		for i, want := range []string{"ann@example.com", "joe@example.com"} {
			m := invited[i]
			st := e.storedMember(t, m.ID)
			if st == nil || st.Email != want || st.Status != safetest.StatusInvited || st.Role != safetest.RoleUser || st.UserID != "" {
				t.Errorf("invited %s: server holds %+v for member %s", want, st, m.ID)
				continue
			}
			if a, ok := st.Collections[e.col.ID]; !ok || !a.ReadOnly || !a.HidePasswords || a.Manage {
				t.Errorf("invited %s: stored access %+v", want, st.Collections)
			}
			if m.Status != safe.StatusInvited || m.Role != safe.RoleUser || m.Email != want {
				t.Errorf("Invite returned %+v for %s", m, want)
			}
		}

		// All and List agree, and show every member; Get finds one, with
		// the e-mail the single-member answer lacks.
		var all []*safe.Member
		for m, err := range e.client.Members.All(ctx, e.team.ID) {
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, m)
		}
		if len(all) != 3 || len(e.stored(t)) != 3 {
			t.Errorf("All yields %d members, the server holds %d; want 3", len(all), len(e.stored(t)))
		}
		got, err := e.client.Members.Get(ctx, e.team.ID, strings.ToUpper(invited[0].ID))
		if err != nil || got.ID != invited[0].ID || got.Email != "ann@example.com" || got.Status != safe.StatusInvited {
			t.Errorf("Get = %+v, %v", got, err)
		}
		if err := e.client.Members.Reinvite(ctx, e.team.ID, invited[0].ID); err != nil {
			t.Errorf("Reinvite: %v", err)
		}

		// Ann accepts (the e-mail link, done by the server's seeding); the
		// owner confirms her, seeing her key's fingerprint first.
		if _, err := e.srv.AcceptInvite(e.team, ann); err != nil {
			t.Fatal(err)
		}
		var seen []safe.Fingerprint
		err = e.client.Members.Confirm(ctx, e.team.ID, invited[0].ID, func(fp safe.Fingerprint) error {
			seen = append(seen, fp)
			return nil
		})
		if err != nil {
			t.Fatalf("Confirm: %v", err)
		}
		if len(seen) != 1 || seen[0].UserID != ann.ID || len(seen[0].PublicKey) < 270 ||
			len(seen[0].Words()) != 5 || seen[0].Phrase() != strings.Join(seen[0].Words(), "-") || len(seen[0].Digest()) != 32 {
			t.Errorf("check saw %d fingerprints: %+v", len(seen), seen)
		}
		st := e.storedMember(t, invited[0].ID)
		if st == nil || st.Status != safetest.StatusConfirmed || !strings.HasPrefix(st.Key, "4.") {
			t.Fatalf("after Confirm the server holds %+v", st)
		}
		if !e.canDecryptTeamItem(t, "ann") {
			t.Error("ann cannot decrypt the team item after Confirm")
		}

		if err := e.client.Members.Revoke(ctx, e.team.ID, invited[0].ID); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		if st := e.storedMember(t, invited[0].ID); st.Status != safetest.StatusRevoked {
			t.Errorf("after Revoke: %v", st.Status)
		}
		if e.canDecryptTeamItem(t, "ann") {
			t.Error("ann still reads the team item after Revoke")
		}
		if err := e.client.Members.Restore(ctx, e.team.ID, invited[0].ID); err != nil {
			t.Fatalf("Restore: %v", err)
		}
		if st := e.storedMember(t, invited[0].ID); st.Status != safetest.StatusConfirmed {
			t.Errorf("after Restore: %v", st.Status)
		}
		if !e.canDecryptTeamItem(t, "ann") {
			t.Error("ann cannot decrypt the team item after Restore")
		}

		if err := e.client.Members.Remove(ctx, e.team.ID, invited[1].ID); err != nil {
			t.Fatalf("Remove: %v", err)
		}
		if st := e.storedMember(t, invited[1].ID); st != nil {
			t.Errorf("after Remove the server still holds %+v", st)
		}
	})
}

// TestInviteKnownAddress: an address that already belongs to a member is
// not invited twice (the server skips it); its member comes back as it
// is, next to the newly invited one.
func TestInviteKnownAddress(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ms, err := e.client.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{testEmail, "new@example.com"}, Role: safe.RoleUser})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[0].Status != safe.StatusConfirmed || ms[0].Role != safe.RoleOwner || ms[1].Status != safe.StatusInvited {
			t.Errorf("Invite returned %+v", ms)
		}
		if n := len(e.stored(t)); n != 2 {
			t.Errorf("the server holds %d members, want 2", n)
		}
		if st := e.storedMember(t, ms[1].ID); st == nil || len(st.Collections) != 0 {
			t.Errorf("the member invited with no collections holds %+v", st)
		}
	})
}

// TestInviteRoleZeroValue: RoleOwner is Role's zero value, and an
// invitation that leaves Role out invites a user, never an owner; owners
// are invited with Owner, and Owner with another role is refused before
// anything is sent.
func TestInviteRoleZeroValue(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ctx := t.Context()
		ms, err := e.client.Members.Invite(ctx, e.team.ID, safe.Invitation{Emails: []string{"norole@example.com"}})
		if err != nil {
			t.Fatalf("Invite without a role: %v", err)
		}
		if st := e.storedMember(t, ms[0].ID); st == nil || st.Role != safetest.RoleUser || ms[0].Role != safe.RoleUser {
			t.Errorf("invited without a role: the server holds %+v, Invite returned %+v; want a user", st, ms[0])
		}
		ms, err = e.client.Members.Invite(ctx, e.team.ID, safe.Invitation{Emails: []string{"co-owner@example.com"}, Owner: true})
		if err != nil {
			t.Fatalf("Invite with Owner: %v", err)
		}
		if st := e.storedMember(t, ms[0].ID); st == nil || st.Role != safetest.RoleOwner || ms[0].Role != safe.RoleOwner {
			t.Errorf("invited with Owner: the server holds %+v, Invite returned %+v; want an owner", st, ms[0])
		}

		c, _, cnt := countingClient(t, e.env)
		before := e.stored(t)
		for _, r := range []safe.Role{safe.RoleAdmin, safe.RoleUser, safe.RoleCustom} {
			_, err := c.Members.Invite(ctx, e.team.ID, safe.Invitation{Emails: []string{"both@example.com"}, Owner: true, Role: r})
			if !errors.Is(err, safe.ErrInvalidArgument) {
				t.Errorf("Invite with Owner and %s: %v, want ErrInvalidArgument", r, err)
			}
		}
		if n := cnt.total(); n != 0 {
			t.Errorf("%d requests sent for Owner with a role, want none", n)
		}
		e.unchanged(t, before, "Owner with a role")
	})
}

// TestManagerAndCustomRoles: 2023.8 invites Managers and lists them as
// "manager"; a Custom member gets the permissions asked for; current
// servers refuse the Manager role (their answer, not a client guess).
func TestManagerAndCustomRoles(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ctx := t.Context()
		ms, err := e.client.Members.Invite(ctx, e.team.ID, safe.Invitation{Emails: []string{"mgr@example.com"}, Role: safe.RoleManager})
		if gen == safetest.GenCurrent {
			var ae *safe.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 400 {
				t.Errorf("Invite of a Manager on a current server: %v, want the server's 400", err)
			}
		} else if err != nil || ms[0].Role != safe.RoleManager || ms[0].Role.String() != "manager" {
			t.Errorf("Invite of a Manager on 2023.8: %+v, %v", ms, err)
		}
		ms, err = e.client.Members.Invite(ctx, e.team.ID, safe.Invitation{Emails: []string{"cus@example.com"}, Role: safe.RoleCustom,
			Permissions: []string{"manageUsers"}})
		if err != nil || ms[0].Role != safe.RoleCustom {
			t.Fatalf("Invite of a Custom member: %+v, %v", ms, err)
		}
	})
}

// TestMemberBadInput: each bad input of the issue gets a typed error and
// changes nothing on the server; the argument mistakes send nothing at all.
func TestMemberBadInput(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ctx := t.Context()
		_, invitedM := e.invited(t, "inv")
		_, acceptedM := e.accepted(t, "acc", safe.RoleUser)
		_, confirmedM := e.confirmed(t, "con", safe.RoleUser)
		_, revokedM := e.confirmed(t, "rev", safe.RoleUser)
		if err := e.client.Members.Revoke(ctx, e.team.ID, revokedM.ID); err != nil {
			t.Fatal(err)
		}
		c, _, cnt := countingClient(t, e.env)
		if _, err := c.Teams(ctx); err != nil { // sync first: only the calls are counted
			t.Fatal(err)
		}
		before := e.stored(t)
		colBefore, err := e.srv.CollectionMembers(e.col.ID)
		if err != nil {
			t.Fatal(err)
		}
		const unknown = "0b6c8a52-9d3e-4c8b-a1f2-3e4d5c6b7a80"
		team, col := e.team.ID, e.col.ID

		// An unknown member: ErrNotFound from every call.
		for name, call := range map[string]func() error{
			"Get":          func() error { _, err := c.Members.Get(ctx, team, unknown); return err },
			"Reinvite":     func() error { return c.Members.Reinvite(ctx, team, unknown) },
			"Confirm":      func() error { return c.Members.Confirm(ctx, team, unknown, nil) },
			"Remove":       func() error { return c.Members.Remove(ctx, team, unknown) },
			"Revoke":       func() error { return c.Members.Revoke(ctx, team, unknown) },
			"Restore":      func() error { return c.Members.Restore(ctx, team, unknown) },
			"GrantAccess":  func() error { return c.Collections.GrantAccess(ctx, team, col, safe.Access{ID: unknown}) },
			"RemoveAccess": func() error { return c.Collections.RemoveAccess(ctx, team, col, unknown) },
		} {
			err := call()
			if !errors.Is(err, safe.ErrNotFound) {
				t.Errorf("%s of an unknown member: %v, want ErrNotFound", name, err)
			}
			noKeyInError(t, err)
		}

		// A member who has not accepted, or is past it: ErrNotAccepted, and
		// no confirmation is sent.
		cnt.reset()
		for _, m := range []*safe.Member{invitedM, confirmedM, revokedM} {
			err := c.Members.Confirm(ctx, team, m.ID, func(safe.Fingerprint) error {
				t.Errorf("check called for a member who is %s", m.Status)
				return nil
			})
			if !errors.Is(err, safe.ErrNotAccepted) {
				t.Errorf("Confirm of a member who is not accepted: %v, want ErrNotAccepted", err)
			}
			noKeyInError(t, err)
		}
		if n := cnt.writes(); n != 0 {
			t.Errorf("%d writes sent for confirmations of members who had not accepted", n)
		}
		// Re-inviting a member who accepted.
		if err := c.Members.Reinvite(ctx, team, acceptedM.ID); !errors.Is(err, safe.ErrNotInvited) {
			t.Errorf("Reinvite of an accepted member: %v, want ErrNotInvited", err)
		}
		// The caller refusing the fingerprint.
		errNo := errors.New("the phrases differ")
		cnt.reset()
		if err := c.Members.Confirm(ctx, team, acceptedM.ID, func(safe.Fingerprint) error { return errNo }); !errors.Is(err, errNo) {
			t.Errorf("Confirm with a refusing check: %v, want the check's error", err)
		}
		if n := cnt.suffix("POST", "/confirm"); n != 0 {
			t.Errorf("%d confirmations sent after the check refused", n)
		}

		// Invalid arguments: ErrInvalidArgument before any request.
		cnt.reset()
		many := make([]string, 21)
		for i := range many {
			many[i] = "u" + strings.Repeat("x", i) + "@example.com"
		}
		for name, call := range map[string]func() error{
			"Get, member ID not a GUID":   func() error { _, err := c.Members.Get(ctx, team, "bob"); return err },
			"Get, team ID not a GUID":     func() error { _, err := c.Members.Get(ctx, "../x", acceptedM.ID); return err },
			"Confirm, member not a GUID":  func() error { return c.Members.Confirm(ctx, team, "a/b", nil) },
			"Remove, empty member":        func() error { return c.Members.Remove(ctx, team, "") },
			"Revoke, team not a GUID":     func() error { return c.Members.Revoke(ctx, "MPR AWS Safe Team", acceptedM.ID) },
			"Restore, member not a GUID":  func() error { return c.Members.Restore(ctx, team, "x") },
			"Reinvite, member not a GUID": func() error { return c.Members.Reinvite(ctx, team, "x") },
			"Invite, no address":          func() error { _, err := c.Members.Invite(ctx, team, safe.Invitation{Role: safe.RoleUser}); return err },
			"Invite, 21 addresses": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: many, Role: safe.RoleUser})
				return err
			},
			"Invite, not an address": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{"Jane <j@example.com>"}, Role: safe.RoleUser})
				return err
			},
			"Invite, white space": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{" j@example.com"}, Role: safe.RoleUser})
				return err
			},
			"Invite, same address twice": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{"j@example.com", "J@example.com"}, Role: safe.RoleUser})
				return err
			},
			"Invite, unknown role": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{"j@example.com"}, Role: 9})
				return err
			},
			"Invite, permissions for a User": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{"j@example.com"}, Role: safe.RoleUser, Permissions: []string{"manageUsers"}})
				return err
			},
			"Invite, collection not a GUID": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{"j@example.com"}, Role: safe.RoleUser, Collections: []safe.Access{{ID: "BONNIL"}}})
				return err
			},
			"Invite, collection twice": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{"j@example.com"}, Role: safe.RoleUser,
					Collections: []safe.Access{{ID: col}, {ID: strings.ToUpper(col), ReadOnly: true}}})
				return err
			},
			"Invite, manage and read-only": func() error {
				_, err := c.Members.Invite(ctx, team, safe.Invitation{Emails: []string{"j@example.com"}, Role: safe.RoleUser,
					Collections: []safe.Access{{ID: col, Manage: true, ReadOnly: true}}})
				return err
			},
			"GrantAccess, manage and hide passwords": func() error {
				return c.Collections.GrantAccess(ctx, team, col, safe.Access{ID: acceptedM.ID, Manage: true, HidePasswords: true})
			},
			"GrantAccess, collection not a GUID": func() error {
				return c.Collections.GrantAccess(ctx, team, "BONNIL", safe.Access{ID: acceptedM.ID})
			},
			"RemoveAccess, member not a GUID": func() error { return c.Collections.RemoveAccess(ctx, team, col, "x") },
		} {
			err := call()
			if !errors.Is(err, safe.ErrInvalidArgument) {
				t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
			}
			noKeyInError(t, err)
		}
		if n := cnt.total(); n != 0 {
			t.Errorf("%d requests sent for invalid arguments, want none", n)
		}

		e.unchanged(t, before, "the bad input")
		if colAfter, err := e.srv.CollectionMembers(e.col.ID); err != nil || len(colAfter) != len(colBefore) {
			t.Errorf("the collection's access changed: %v -> %v (%v)", colBefore, colAfter, err)
		}
	})
}

// invited invites a new person and returns their member (invited).
func (e *memberEnv) invited(t *testing.T, name string) (*safetest.User, *safe.Member) {
	t.Helper()
	u := e.person(t, name)
	ms, err := e.client.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{u.Email}, Role: safe.RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	return u, ms[0]
}

// TestManageAccess: "Can manage" is refused on 2023.8, which has no such
// flag (nothing written), and kept on current servers.
func TestManageAccess(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ctx := t.Context()
		_, m := e.confirmed(t, "mia", safe.RoleUser)
		before := e.stored(t)
		err := e.client.Collections.GrantAccess(ctx, e.team.ID, e.col.ID, safe.Access{ID: m.ID, Manage: true})
		_, ierr := e.client.Members.Invite(ctx, e.team.ID, safe.Invitation{Emails: []string{"m2@example.com"}, Role: safe.RoleUser,
			Collections: []safe.Access{{ID: e.col.ID, Manage: true}}})
		if gen == safetest.Gen2023 {
			if !errors.Is(err, safe.ErrManageUnsupported) || !errors.Is(ierr, safe.ErrManageUnsupported) {
				t.Errorf("manage on 2023.8: GrantAccess %v, Invite %v; want ErrManageUnsupported", err, ierr)
			}
			e.unchanged(t, before, "manage on 2023.8")
			return
		}
		if err != nil || ierr != nil {
			t.Fatalf("manage on a current server: GrantAccess %v, Invite %v", err, ierr)
		}
		if a := e.storedMember(t, m.ID).Collections[e.col.ID]; !a.Manage || a.ReadOnly {
			t.Errorf("stored access %+v, want manage", a)
		}
	})
}

// TestGrantAndRemoveAccess: one member's entry changes; the other
// entries, the collection's name and its groups stay as they were.
func TestGrantAndRemoveAccess(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		ctx := t.Context()
		_, ann := e.confirmed(t, "ann", safe.RoleUser)
		_, bob := e.confirmed(t, "bob", safe.RoleUser)
		other, err := e.srv.AddCollection(e.team, "OTHER")
		if err != nil {
			t.Fatal(err)
		}
		// ann: read-only in BONNIL (from the invitation); grant edit except
		// passwords in OTHER, then change BONNIL to edit.
		if err := e.client.Collections.GrantAccess(ctx, e.team.ID, other.ID, safe.Access{ID: ann.ID, HidePasswords: true}); err != nil {
			t.Fatal(err)
		}
		if err := e.client.Collections.GrantAccess(ctx, e.team.ID, e.col.ID, safe.Access{ID: ann.ID}); err != nil {
			t.Fatal(err)
		}
		st := e.storedMember(t, ann.ID).Collections
		if a, ok := st[other.ID]; !ok || !a.HidePasswords || a.ReadOnly {
			t.Errorf("ann's access to OTHER = %+v, %v", a, ok)
		}
		if a, ok := st[e.col.ID]; !ok || a.ReadOnly || a.HidePasswords {
			t.Errorf("ann's access to BONNIL = %+v, %v", a, ok)
		}
		if a := e.storedMember(t, bob.ID).Collections[e.col.ID]; !a.ReadOnly {
			t.Errorf("bob's access to BONNIL changed: %+v", a)
		}
		if got, err := e.srv.Collection(e.col.ID); err != nil || got.Name != "BONNIL" {
			t.Errorf("collection after GrantAccess: %+v, %v", got, err)
		}
		// The same grant again writes nothing.
		c, _, cnt := countingClient(t, e.env)
		if err := c.Collections.GrantAccess(ctx, e.team.ID, e.col.ID, safe.Access{ID: strings.ToUpper(ann.ID)}); err != nil || cnt.writes() != 0 {
			t.Errorf("a grant of what the member has: %v, %d writes", err, cnt.writes())
		}
		if err := e.client.Collections.RemoveAccess(ctx, e.team.ID, e.col.ID, ann.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.storedMember(t, ann.ID).Collections[e.col.ID]; ok {
			t.Error("ann keeps access to BONNIL after RemoveAccess")
		}
		if _, ok := e.storedMember(t, bob.ID).Collections[e.col.ID]; !ok {
			t.Error("bob lost access to BONNIL when ann's was removed")
		}
		// Removing what is not there: nothing written, no error.
		cnt.reset()
		if err := c.Collections.RemoveAccess(ctx, e.team.ID, e.col.ID, ann.ID); err != nil || cnt.writes() != 0 {
			t.Errorf("RemoveAccess of no access: %v, %d writes", err, cnt.writes())
		}
		if e.canDecryptTeamItem(t, "ann") {
			t.Error("ann still reads the BONNIL item")
		}
		if !e.canDecryptTeamItem(t, "bob") {
			t.Error("bob cannot read the BONNIL item")
		}
	})
}

// TestMemberOfAnotherTeam: a member ID of another team the caller also
// manages is an unknown member of this team, with nothing written. (On
// Bravura Safe's 2023.8 server the single-member answer is not bound to
// the team in the path, so only the team's member list proves it.)
func TestMemberOfAnotherTeam(t *testing.T) {
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newMemberEnv(t, gen)
		other, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: "Other team", DefaultCollection: "Other collection"})
		if err != nil {
			t.Fatal(err)
		}
		u := e.person(t, "zed")
		_, err = e.client.Members.Invite(t.Context(), other.ID, safe.Invitation{Emails: []string{u.Email},
			Collections: []safe.Access{{ID: other.DefaultCollectionID}}})
		if err != nil {
			t.Fatal(err)
		}
		accepted, err := e.srv.AcceptInvite(other, u)
		if err != nil {
			t.Fatal(err)
		}
		invited := e.person(t, "yan")
		inv2, err := e.client.Members.Invite(t.Context(), other.ID, safe.Invitation{Emails: []string{invited.Email},
			Collections: []safe.Access{{ID: other.DefaultCollectionID}}})
		if err != nil {
			t.Fatal(err)
		}

		before, err := e.srv.TeamMembers(other.ID)
		if err != nil {
			t.Fatal(err)
		}
		colBefore, err := e.srv.CollectionMembers(e.col.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, _, cnt := countingClient(t, e.env)
		ctx := t.Context()
		for name, call := range map[string]func(id string) error{
			"Confirm":      func(id string) error { return c.Members.Confirm(ctx, e.team.ID, id, nil) },
			"Remove":       func(id string) error { return c.Members.Remove(ctx, e.team.ID, id) },
			"Revoke":       func(id string) error { return c.Members.Revoke(ctx, e.team.ID, id) },
			"Restore":      func(id string) error { return c.Members.Restore(ctx, e.team.ID, id) },
			"Reinvite":     func(id string) error { return c.Members.Reinvite(ctx, e.team.ID, id) },
			"GrantAccess":  func(id string) error { return c.Collections.GrantAccess(ctx, e.team.ID, e.col.ID, safe.Access{ID: id}) },
			"RemoveAccess": func(id string) error { return c.Collections.RemoveAccess(ctx, e.team.ID, e.col.ID, id) },
		} {
			for _, id := range []string{accepted.ID, inv2[0].ID} {
				cnt.reset()
				if err := call(id); !errors.Is(err, safe.ErrNotFound) {
					t.Errorf("%s of another team's member: %v, want ErrNotFound", name, err)
				}
				// Confirm and the grants check first (Confirm would wrap this
				// team's key to the other team's member); the others let
				// the server refuse, and settle its refusal as ErrNotFound.
				if n := cnt.writes(); n != 0 && (name == "Confirm" || strings.HasSuffix(name, "Access")) {
					t.Errorf("%s of another team's member sent %d writes", name, n)
				}
			}
		}
		if after, _ := e.srv.TeamMembers(other.ID); !reflect.DeepEqual(before, after) {
			t.Errorf("the other team's members changed:\n%v\n%v", before, after)
		}
		if after, _ := e.srv.CollectionMembers(e.col.ID); !reflect.DeepEqual(colBefore, after) {
			t.Errorf("the collection's access changed: %v -> %v", colBefore, after)
		}
	})
}
