package safe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// teamClient is a client of e's server logged in with the team API key,
// whose requests pass h.
func teamClient(t *testing.T, e *env, opts ...safe.Option) (*safe.Client, *hook) {
	t.Helper()
	h := &hook{next: &canary{t: t, next: e.srv.Client().Transport}}
	c, _ := e.newClient(t, append([]safe.Option{safe.WithHTTPClient(&http.Client{Transport: h})}, opts...)...)
	if err := c.LoginTeamAPIKey(t.Context(), e.team.ClientID, e.team.ClientSecret); err != nil {
		t.Fatalf("LoginTeamAPIKey: %v", err)
	}
	return c, h
}

// counting counts the requests whose path starts with prefix (all: "").
func counting(h *hook, prefix string) *atomic.Int32 {
	var n atomic.Int32
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if strings.HasPrefix(r.URL.Path, prefix) {
			n.Add(1)
		}
		return next.RoundTrip(r)
	})
	return &n
}

// wrongSecret is s with its first character changed, so surely not s: a
// random secret or hash may begin with any character, "x" included.
func wrongSecret(s string) string {
	if strings.HasPrefix(s, "x") {
		return "y" + s[1:]
	}
	return "x" + s[1:]
}

// mustCollect is collect, failing the test on an error.
func mustCollect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	out, err := collect(t, seq)
	if err != nil {
		t.Fatalf("listing: %v", err)
	}
	return out
}

// TestTeamAPIKeySession: a team API key session reaches the Public API and
// fails every vault call with ErrTeamKeySession, sending nothing.
func TestTeamAPIKeySession(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, h := teamClient(t, e)
		if id, ok := c.TeamAPIKeySession(); !ok || id != e.team.ID || !c.LoggedIn() {
			t.Fatalf("TeamAPIKeySession = %q, %v", id, ok)
		}
		if _, ok := e.client.TeamAPIKeySession(); ok {
			t.Errorf("a password login reports a team API key session")
		}
		members := mustCollect(t, c.Public.Members(ctx))
		if len(members) != 1 || members[0].Email != testEmail || members[0].Role != safe.RoleOwner {
			t.Fatalf("members = %+v", members)
		}
		sent := counting(h, "")
		vault := map[string]func() error{
			"Sync":               func() error { return c.Sync(ctx) },
			"Items.List":         func() error { _, err := c.Items.List(ctx); return err },
			"Items.Get":          func() error { _, err := c.Items.Get(ctx, "00000000-0000-4000-8000-000000000000"); return err },
			"Items.Create":       func() error { _, err := c.Items.Create(ctx, &safe.Item{Name: "x", Login: &safe.Login{}}); return err },
			"Collections.List":   func() error { _, err := c.Collections.ListTeam(ctx, e.team.ID); return err },
			"Collections.Delete": func() error { return c.Collections.Delete(ctx, e.team.ID, e.col.ID) },
			"Folders.Create":     func() error { _, err := c.Folders.Create(ctx, "f"); return err },
			"Members.List":       func() error { _, err := c.Members.List(ctx, e.team.ID); return err },
			"ExportSession":      func() error { _, _, err := c.ExportSession(); return err },
		}
		for name, call := range vault {
			if err := call(); !errors.Is(err, safe.ErrTeamKeySession) {
				t.Errorf("%s on a team API key session: %v, want ErrTeamKeySession", name, err)
			}
		}
		if n := sent.Load(); n != 0 {
			t.Errorf("%d requests sent by vault calls of a team API key session", n)
		}
		// ServerInfo needs no login at all.
		if _, err := c.ServerInfo(ctx); err != nil {
			t.Errorf("ServerInfo: %v", err)
		}
	})
}

// TestPublicAPIWithUserLogin: a member's login gets the server's refusal
// from the Public API.
func TestPublicAPIWithUserLogin(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		for _, err := range e.client.Public.Members(t.Context()) {
			if !errors.Is(err, safe.ErrForbidden) {
				t.Errorf("Public.Members with a password login: %v, want ErrForbidden", err)
			}
		}
		_, err := e.client.Public.InviteMember(t.Context(), safe.PublicMemberSpec{Email: "x@example.com", Role: safe.RoleUser})
		var ae *safe.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusForbidden || errors.Is(err, safe.ErrOutcomeUnknown) {
			t.Errorf("InviteMember with a password login: %v, want the server's 403", err)
		}
		if members, _ := e.client.Members.List(t.Context(), e.team.ID); len(members) != 1 {
			t.Errorf("the refused invite made a member: %d members", len(members))
		}
	})
}

// TestTeamAPIKeyWrongKind: a key of the wrong kind is refused before any
// request, by either login.
func TestTeamAPIKeyWrongKind(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	c, h := hookedClient(t, e)
	sent := counting(h, "")
	for _, id := range []string{e.user.ClientID, "organization.", "organization.team", "organization." + e.team.ID + "x", e.team.ID, ""} {
		if err := c.LoginTeamAPIKey(t.Context(), id, e.team.ClientSecret); !errors.Is(err, safe.ErrWrongKeyKind) || !errors.Is(err, safe.ErrInvalidArgument) {
			t.Errorf("LoginTeamAPIKey(%q): %v, want ErrWrongKeyKind", id, err)
		}
	}
	if err := c.LoginAPIKey(t.Context(), e.team.ClientID, e.team.ClientSecret, testPassword); !errors.Is(err, safe.ErrWrongKeyKind) {
		t.Errorf("LoginAPIKey with a team key: %v, want ErrWrongKeyKind", err)
	}
	if err := c.LoginTeamAPIKey(t.Context(), e.team.ClientID, ""); !errors.Is(err, safe.ErrInvalidArgument) {
		t.Errorf("empty secret: %v", err)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d requests sent for keys of the wrong kind", n)
	}
	// The session of the earlier password login is untouched.
	if _, err := c.Items.List(t.Context()); err != nil {
		t.Errorf("the password session after refused team logins: %v", err)
	}
	// A right-looking key the server refuses.
	h.set(nil)
	if err := c.LoginTeamAPIKey(t.Context(), e.team.ClientID, wrongSecret(e.team.ClientSecret)); !errors.Is(err, safe.ErrInvalidAPIKey) {
		t.Errorf("wrong secret: %v, want ErrInvalidAPIKey", err)
	}
	if err := e.srv.SetTeamAPI(e.team, false); err != nil {
		t.Fatal(err)
	}
	if err := c.LoginTeamAPIKey(t.Context(), e.team.ClientID, e.team.ClientSecret); !errors.Is(err, safe.ErrInvalidAPIKey) {
		t.Errorf("team without API use: %v, want ErrInvalidAPIKey", err)
	}
}

// TestTeamAPIKeyRegrant: when the token expires, the client repeats the
// grant with the team key (scope api.organization) and goes on; after a
// rotation of the key the session ends with ErrUnauthorized.
func TestTeamAPIKeyRegrant(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		srv, ck := clockedServer(gen)
		e := newEnvOn(t, srv)
		c, h := teamClient(t, e)
		var grants atomic.Int32
		var scopes []string
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if r.URL.Path == "/identity/connect/token" {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				f, _ := url.ParseQuery(string(b))
				grants.Add(1)
				scopes = append(scopes, f.Get("grant_type")+" "+f.Get("scope"))
			}
			return next.RoundTrip(r)
		})
		ctx := t.Context()
		if _, err := c.Public.Member(ctx, e.team.OwnerMemberID); err != nil {
			t.Fatal(err)
		}
		if grants.Load() != 0 {
			t.Fatalf("%d grants before the token expired", grants.Load())
		}
		ck.advance(safetest.DefaultTokenLifetime + time.Minute)
		// The client's own clock has not moved: the server's 401 makes it
		// grant again.
		if _, err := c.Public.Member(ctx, e.team.OwnerMemberID); err != nil {
			t.Fatalf("after expiry: %v", err)
		}
		if grants.Load() != 1 || scopes[0] != "client_credentials api.organization" {
			t.Errorf("grants after expiry: %v", scopes)
		}
		// Rotate the key (as an owner does), let the token expire: the
		// session cannot be renewed.
		if _, err := e.srv.RotateTeamAPIKey(e.team); err != nil {
			t.Fatal(err)
		}
		ck.advance(safetest.DefaultTokenLifetime + time.Minute)
		_, err := c.Public.Member(ctx, e.team.OwnerMemberID)
		if !errors.Is(err, safe.ErrUnauthorized) {
			t.Errorf("after rotation and expiry: %v, want ErrUnauthorized", err)
		}
		if strings.Contains(err.Error(), e.team.ClientSecret) {
			t.Errorf("the error carries the client secret")
		}
	})
}

// TestTeamAPIKeySecretStaysOut: the client secret is in no error, log
// line or %v output.
func TestTeamAPIKeySecretStaysOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.Gen2023)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := teamClient(t, e, safe.WithLogger(logger))
	secret := e.team.ClientSecret
	var errs []error
	errs = append(errs, c.LoginTeamAPIKey(t.Context(), e.team.ClientID, wrongSecret(secret)))
	if err := c.LoginTeamAPIKey(t.Context(), e.team.ClientID, secret); err != nil {
		t.Fatal(err)
	}
	e.srv.InjectFault(safetest.Fault{Path: "/identity/connect/token", Status: http.StatusBadRequest})
	errs = append(errs, c.LoginTeamAPIKey(t.Context(), e.team.ClientID, secret))
	if err := c.LoginTeamAPIKey(t.Context(), e.team.ClientID, secret); err != nil {
		t.Fatal(err)
	}
	_, err := c.Items.List(t.Context())
	errs = append(errs, err)
	_, err = c.Public.Member(t.Context(), "00000000-0000-4000-8000-000000000000")
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil {
			t.Fatal("a call that should fail did not")
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(s, secret[:12]) {
				t.Errorf("the client secret in an error: %s", s)
			}
		}
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", c.Public)} {
		if strings.Contains(s, secret[:12]) {
			t.Errorf("the client secret in %%v output: %s", s)
		}
	}
	if logs.Len() == 0 {
		t.Fatal("no debug log written")
	}
	if strings.Contains(logs.String(), secret[:12]) {
		t.Errorf("the client secret in the log")
	}
}

func TestPublicMembers(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, h := teamClient(t, e)
		current := gen == safetest.GenCurrent

		inv, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "nina@example.com", Role: safe.RoleUser, ExternalID: "ext-nina",
			Collections: []safe.Access{{ID: e.col.ID, ReadOnly: true}}})
		if err != nil {
			t.Fatalf("InviteMember: %v", err)
		}
		if inv.Email != "nina@example.com" || inv.Status != safe.StatusInvited || inv.UserID != "" || inv.ExternalID != "ext-nina" ||
			!slices.Equal(inv.Collections, []safe.Access{{ID: e.col.ID, ReadOnly: true}}) {
			t.Errorf("invited = %+v", inv)
		}
		// The admin's view agrees.
		if ms, err := e.client.Members.List(ctx, e.team.ID); err != nil || len(ms) != 2 {
			t.Fatalf("members seen by the owner: %d, %v", len(ms), err)
		}
		// Invite with no collections works on both generations (the
		// client sends an empty list: 2023.8 fails a missing one).
		if _, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "omar@example.com", Role: safe.RoleUser}); err != nil {
			t.Errorf("InviteMember without collections: %v", err)
		}
		_, err = c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "nina@example.com", Role: safe.RoleUser})
		var ae *safe.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 400 || !strings.Contains(ae.Message, "already been invited") {
			t.Errorf("second invite: %v", err)
		}

		got, err := c.Public.Member(ctx, inv.ID)
		if err != nil || got.Email != "nina@example.com" || len(got.Collections) != 1 {
			t.Fatalf("Member = %+v, %v", got, err)
		}
		var listed *safe.PublicMember
		for m, err := range c.Public.Members(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if m.ID == inv.ID {
				listed = m
			}
		}
		if listed == nil || (listed.Collections == nil) == current {
			t.Errorf("listed = %+v (2023.8 lists no collections)", listed)
		}
		if _, err := c.Public.Member(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, safe.ErrNotFound) {
			t.Errorf("unknown member: %v", err)
		}

		// Update replaces; groups are kept unless given.
		g, err := c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: "ops"})
		if err != nil {
			t.Fatalf("CreateGroup: %v", err)
		}
		if err := c.Public.SetMemberGroups(ctx, inv.ID, []string{g.ID}); err != nil {
			t.Fatalf("SetMemberGroups: %v", err)
		}
		up, err := c.Public.UpdateMember(ctx, inv.ID, safe.PublicMemberSpec{Role: safe.RoleAdmin,
			Collections: []safe.Access{{ID: e.col.ID, HidePasswords: true}}})
		if err != nil || up.Role != safe.RoleAdmin || up.ExternalID != "" {
			t.Fatalf("UpdateMember = %+v, %v", up, err)
		}
		got, _ = c.Public.Member(ctx, inv.ID)
		if len(got.Collections) != 1 || got.Collections[0].HidePasswords != current || got.Collections[0].ReadOnly {
			t.Errorf("after the update: %+v (2023.8 keeps no hidePasswords)", got.Collections)
		}
		if ids, err := c.Public.MemberGroupIDs(ctx, inv.ID); err != nil || !slices.Equal(ids, []string{g.ID}) {
			t.Errorf("groups after an update without groups: %v, %v", ids, err)
		}
		if _, err := c.Public.UpdateMember(ctx, inv.ID, safe.PublicMemberSpec{Role: safe.RoleUser, Groups: []string{}}); err != nil {
			t.Fatal(err)
		}
		if ids, err := c.Public.MemberGroupIDs(ctx, inv.ID); err != nil || len(ids) != 0 {
			t.Errorf("groups after an update with no groups: %v, %v", ids, err)
		}
		admin, err := e.client.Members.List(ctx, e.team.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range admin {
			if m.ID == inv.ID && (m.Role != safe.RoleUser || len(m.Groups) != 0) {
				t.Errorf("the owner sees %+v", m)
			}
		}

		if err := c.Public.ReinviteMember(ctx, inv.ID); err != nil {
			t.Errorf("ReinviteMember: %v", err)
		}
		if err := c.Public.ReinviteMember(ctx, e.team.OwnerMemberID); err == nil {
			t.Errorf("re-inviting a confirmed member succeeded")
		}
		if err := c.Public.RemoveMember(ctx, e.team.OwnerMemberID); err == nil {
			t.Errorf("removing the last owner succeeded")
		}
		if err := c.Public.RemoveMember(ctx, inv.ID); err != nil {
			t.Fatalf("RemoveMember: %v", err)
		}
		if _, err := c.Public.Member(ctx, inv.ID); !errors.Is(err, safe.ErrNotFound) {
			t.Errorf("removed member: %v", err)
		}

		// Bad input: nothing is sent.
		sent := counting(h, "")
		bad := map[string]error{}
		_, bad["empty e-mail"] = c.Public.InviteMember(ctx, safe.PublicMemberSpec{Role: safe.RoleUser})
		_, bad["e-mail on update"] = c.Public.UpdateMember(ctx, inv.ID, safe.PublicMemberSpec{Email: "a@example.com"})
		_, bad["path id"] = c.Public.Member(ctx, "../x")
		_, bad["collection id"] = c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "a@example.com", Collections: []safe.Access{{ID: "x"}}})
		bad["group id"] = c.Public.SetMemberGroups(ctx, inv.ID, []string{"x"})
		_, bad["collection twice"] = c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "a@example.com",
			Collections: []safe.Access{{ID: e.col.ID}, {ID: strings.ToUpper(e.col.ID), ReadOnly: true}}})
		_, bad["manage and read-only"] = c.Public.UpdateCollection(ctx, e.col.ID, safe.PublicCollectionSpec{
			Groups: []safe.Access{{ID: g.ID, Manage: true, ReadOnly: true}}})
		_, bad["group name"] = c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: " "})
		for name, err := range bad {
			if !errors.Is(err, safe.ErrInvalidArgument) {
				t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
			}
		}
		if n := sent.Load(); n != 0 {
			t.Errorf("%d requests sent for bad input", n)
		}
	})
}

// TestPublicMemberRoleZeroValue: a member spec that leaves Role out
// invites or updates a user, never an owner; Owner makes owners, and
// Spec keeps an owner an owner through an update.
func TestPublicMemberRoleZeroValue(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, h := teamClient(t, e)
		server := &memberEnv{env: e, gen: gen}
		stored := func(id string) safetest.Role {
			t.Helper()
			st := server.storedMember(t, id)
			if st == nil {
				t.Fatalf("the server holds no member %s", id)
			}
			return st.Role
		}

		m, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "norole@example.com"})
		if err != nil {
			t.Fatalf("InviteMember without a role: %v", err)
		}
		if r := stored(m.ID); r != safetest.RoleUser || m.Role != safe.RoleUser {
			t.Errorf("invited without a role: stored %v, answered %v; want a user", r, m.Role)
		}
		if _, err := c.Public.UpdateMember(ctx, m.ID, safe.PublicMemberSpec{Role: safe.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Public.UpdateMember(ctx, m.ID, safe.PublicMemberSpec{}); err != nil {
			t.Fatalf("UpdateMember without a role: %v", err)
		}
		if r := stored(m.ID); r != safetest.RoleUser {
			t.Errorf("an admin updated without a role is stored as %v, want a user", r)
		}
		owner, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "co-owner@example.com", Owner: true})
		if err != nil {
			t.Fatalf("InviteMember with Owner: %v", err)
		}
		if r := stored(owner.ID); r != safetest.RoleOwner || owner.Role != safe.RoleOwner {
			t.Errorf("invited with Owner: stored %v, answered %v; want an owner", r, owner.Role)
		}

		// The team's only confirmed owner: an update without a role would
		// make them a user, which the server refuses; Spec keeps them.
		me, err := c.Public.Member(ctx, e.team.OwnerMemberID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Public.UpdateMember(ctx, me.ID, safe.PublicMemberSpec{}); err == nil {
			t.Errorf("an update without a role of the last confirmed owner succeeded")
		}
		spec := me.Spec()
		spec.ExternalID = "ext-owner"
		up, err := c.Public.UpdateMember(ctx, me.ID, spec)
		if err != nil || up.Role != safe.RoleOwner || up.ExternalID != "ext-owner" {
			t.Fatalf("UpdateMember(Spec()) = %+v, %v", up, err)
		}
		if r := stored(me.ID); r != safetest.RoleOwner {
			t.Errorf("the owner updated from Spec is stored as %v", r)
		}

		sent := counting(h, "")
		for _, r := range []safe.Role{safe.RoleAdmin, safe.RoleUser, safe.RoleCustom} {
			if _, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "both@example.com", Owner: true, Role: r}); !errors.Is(err, safe.ErrInvalidArgument) {
				t.Errorf("InviteMember with Owner and %s: %v, want ErrInvalidArgument", r, err)
			}
			if _, err := c.Public.UpdateMember(ctx, m.ID, safe.PublicMemberSpec{Owner: true, Role: r}); !errors.Is(err, safe.ErrInvalidArgument) {
				t.Errorf("UpdateMember with Owner and %s: %v, want ErrInvalidArgument", r, err)
			}
		}
		if _, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "nine@example.com", Role: 9}); !errors.Is(err, safe.ErrInvalidArgument) {
			t.Errorf("InviteMember with role 9: %v, want ErrInvalidArgument", err)
		}
		if n := sent.Load(); n != 0 {
			t.Errorf("%d requests sent for contradictory roles, want none", n)
		}
	})
}

func TestPublicGroupsAndCollections(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, _ := teamClient(t, e)
		current := gen == safetest.GenCurrent

		g, err := c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: "ops", ExternalID: "ext-ops",
			Collections: []safe.Access{{ID: e.col.ID, ReadOnly: true}}})
		if err != nil || g.Name != "ops" || g.ExternalID != "ext-ops" {
			t.Fatalf("CreateGroup = %+v, %v", g, err)
		}
		// The server's validation errors come back by field, from the
		// Public API's "errors".
		_, err = c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: strings.Repeat("n", 101)})
		var ae *safe.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 400 || len(ae.ValidationErrors["Name"]) != 1 {
			t.Errorf("a 101-character group name: %v, want the server's 400 with an error for Name", err)
		}
		if err := c.Public.SetGroupMembers(ctx, g.ID, []string{e.team.OwnerMemberID}); err != nil {
			t.Fatal(err)
		}
		if ids, err := c.Public.GroupMemberIDs(ctx, g.ID); err != nil || !slices.Equal(ids, []string{e.team.OwnerMemberID}) {
			t.Errorf("GroupMemberIDs = %v, %v", ids, err)
		}
		if ms, _ := e.client.Members.List(ctx, e.team.ID); len(ms) != 1 || !slices.Equal(ms[0].Groups, []string{g.ID}) {
			t.Errorf("the owner's groups, as the internal API lists them: %+v", ms)
		}
		if _, err := c.Public.UpdateGroup(ctx, g.ID, safe.PublicGroupSpec{Name: "ops2"}); err != nil {
			t.Fatal(err)
		}
		got, err := c.Public.Group(ctx, g.ID)
		if err != nil || got.Name != "ops2" || got.ExternalID != "" || len(got.Collections) != 1 {
			t.Errorf("Group after an update without collections = %+v, %v", got, err)
		}
		groups := mustCollect(t, c.Public.Groups(ctx))
		if len(groups) != 1 || groups[0].ID != g.ID {
			t.Errorf("Groups = %+v", groups)
		}

		cols := mustCollect(t, c.Public.Collections(ctx))
		if len(cols) != 1 || cols[0].ID != e.col.ID || (cols[0].Groups == nil) == current {
			t.Errorf("Collections = %+v", cols)
		}
		col, err := c.Public.Collection(ctx, e.col.ID)
		if err != nil || len(col.Groups) != 1 || col.Groups[0].ID != g.ID {
			t.Fatalf("Collection = %+v, %v", col, err)
		}
		up, err := c.Public.UpdateCollection(ctx, e.col.ID, safe.PublicCollectionSpec{ExternalID: "ext-col", Groups: col.Groups})
		if err != nil || up.ExternalID != "ext-col" {
			t.Fatalf("UpdateCollection = %+v, %v", up, err)
		}
		// The admin still reads the name, with its own login.
		named, err := e.client.Collections.ListTeam(ctx, e.team.ID)
		if err != nil || len(named) != 1 || named[0].Name != "BONNIL" || named[0].ExternalID != "ext-col" {
			t.Errorf("the admin's view: %+v, %v", named, err)
		}
		if err := c.Public.DeleteGroup(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Public.Group(ctx, g.ID); !errors.Is(err, safe.ErrNotFound) {
			t.Errorf("deleted group: %v", err)
		}
		if err := c.Public.DeleteCollection(ctx, e.col.ID); err != nil {
			t.Fatal(err)
		}
		if cols := mustCollect(t, c.Public.Collections(ctx)); len(cols) != 0 {
			t.Errorf("collections after the delete: %+v", cols)
		}
	})
}

// TestPublicWriteOutcomes: each write's answer lost after the server
// applied it, by retry mode: creates are not repeated and report an
// unknown outcome; updates and deletes are repeated and succeed.
func TestPublicWriteOutcomes(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, h := teamClient(t, e)

		n := loseFirst(h, 1, isReq("POST", "/api/public/members"))
		_, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "lost@example.com", Role: safe.RoleUser})
		var ou *safe.OutcomeUnknownError
		if !errors.As(err, &ou) || ou.Applied || n.Load() != 1 {
			t.Errorf("invite with a lost answer: %v after %d requests, want one request and an unknown outcome", err, n.Load())
		}
		h.set(nil)
		var lost *safe.PublicMember
		for m, err := range c.Public.Members(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if m.Email == "lost@example.com" {
				lost = m
			}
		}
		if lost == nil {
			t.Fatal("the invite was not applied")
		}

		n = loseFirst(h, 1, isReq("POST", "/api/public/groups"))
		if _, err := c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: "lost"}); !errors.As(err, &ou) || n.Load() != 1 {
			t.Errorf("create group with a lost answer: %v after %d requests", err, n.Load())
		}
		h.set(nil)
		groups := mustCollect(t, c.Public.Groups(ctx))
		if len(groups) != 1 {
			t.Fatalf("%d groups after one lost create", len(groups))
		}

		n = loseFirst(h, 1, isReq("PUT", "/api/public/members/"+lost.ID))
		up, err := c.Public.UpdateMember(ctx, lost.ID, safe.PublicMemberSpec{Role: safe.RoleAdmin})
		if err != nil || up.Role != safe.RoleAdmin || n.Load() != 2 {
			t.Errorf("update with a lost answer: %+v, %v after %d requests, want success after a repeat", up, err, n.Load())
		}
		n = loseFirst(h, 1, isReq("PUT", "/api/public/groups/"+groups[0].ID+"/member-ids"))
		if err := c.Public.SetGroupMembers(ctx, groups[0].ID, []string{lost.ID}); err != nil || n.Load() != 2 {
			t.Errorf("set group members with a lost answer: %v after %d requests", err, n.Load())
		}
		n = loseFirst(h, 1, isReq("DELETE", "/api/public/groups/"+groups[0].ID))
		if err := c.Public.DeleteGroup(ctx, groups[0].ID); err != nil || n.Load() != 2 {
			t.Errorf("delete group with a lost answer: %v after %d requests, want success (the repeat's 404)", err, n.Load())
		}
		n = loseFirst(h, 1, isReq("DELETE", "/api/public/members/"+lost.ID))
		if err := c.Public.RemoveMember(ctx, lost.ID); err != nil || n.Load() != 2 {
			t.Errorf("remove member with a lost answer: %v after %d requests", err, n.Load())
		}
		// A delete of something that was never there is still an error.
		h.set(nil)
		if err := c.Public.DeleteGroup(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, safe.ErrNotFound) {
			t.Errorf("delete of an unknown group: %v", err)
		}

		// A write answered with success whose answer cannot be read was
		// applied.
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err == nil && r.Method == "POST" {
				resp.Body.Close()
				resp.Body = io.NopCloser(strings.NewReader("{not json"))
				resp.ContentLength = -1
			}
			return resp, err
		})
		if _, err := c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: "garbled"}); !errors.As(err, &ou) || !ou.Applied {
			t.Errorf("create group with an unreadable answer: %v, want an applied *OutcomeUnknownError", err)
		}
	})
}

// TestPublicWriteSucceedsWhenFollowUpFails: once a write is answered,
// every later request fails; the write still reports its own answer.
func TestPublicWriteSucceedsWhenFollowUpFails(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, h := teamClient(t, e)
		var armed atomic.Bool
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if armed.Load() {
				return unavailable(), nil
			}
			resp, err := next.RoundTrip(r)
			if err == nil && resp.StatusCode == 200 && r.Method != http.MethodGet {
				armed.Store(true)
			}
			return resp, err
		})
		m, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "f@example.com", Role: safe.RoleUser})
		if err != nil || m.Email != "f@example.com" {
			t.Fatalf("invite: %+v, %v", m, err)
		}
		armed.Store(false)
		g, err := c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: "g"})
		if err != nil || g.Name != "g" {
			t.Fatalf("create group: %+v, %v", g, err)
		}
		armed.Store(false)
		if err := c.Public.SetMemberGroups(ctx, m.ID, []string{g.ID}); err != nil {
			t.Fatalf("set groups: %v", err)
		}
		if _, err := c.Public.MemberGroupIDs(ctx, m.ID); err == nil {
			t.Errorf("the follow-up read did not fail: the test proves nothing")
		}
	})
}

// TestPublicRateLimit: a 429 with Retry-After is waited out and the write
// made once; one asking for longer than the policy allows fails at once
// with a *RateLimitError, not an unknown outcome.
func TestPublicRateLimit(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, _ := teamClient(t, e)
		e.srv.InjectFault(safetest.Fault{Path: "/api/public/groups", Method: "POST", Status: http.StatusTooManyRequests, RetryAfter: time.Second})
		if _, err := c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: "after 429"}); err != nil {
			t.Fatalf("create after a 429: %v", err)
		}
		e.srv.InjectFault(safetest.Fault{Path: "/api/public/groups", Method: "POST", Status: http.StatusTooManyRequests, RetryAfter: time.Hour})
		_, err := c.Public.CreateGroup(ctx, safe.PublicGroupSpec{Name: "refused"})
		var rl *safe.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != time.Hour || errors.Is(err, safe.ErrOutcomeUnknown) {
			t.Errorf("create with a long 429: %v, want a *RateLimitError", err)
		}
		groups := mustCollect(t, c.Public.Groups(ctx))
		if len(groups) != 1 || groups[0].Name != "after 429" {
			t.Errorf("groups = %+v, want the one made after the short 429", groups)
		}
	})
}

func ExampleClient_LoginTeamAPIKey() {
	srv, _, team, _ := exampleServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	// The team API key, as an owner reads it in the web vault.
	if err := c.LoginTeamAPIKey(ctx, team.ClientID, team.ClientSecret); err != nil {
		log.Fatal(err)
	}
	m, err := c.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: "new.hire@example.com", Role: safe.RoleUser})
	if err != nil {
		log.Fatal(err)
	}
	for m, err := range c.Public.Members(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Email, m.Status == safe.StatusConfirmed)
	}
	// The key has no vault keys: confirming m needs an admin's login.
	_, err = c.Items.List(ctx)
	fmt.Println(m.Status == safe.StatusInvited, errors.Is(err, safe.ErrTeamKeySession))
	// Output:
	// jane@example.com true
	// new.hire@example.com false
	// true true
}
