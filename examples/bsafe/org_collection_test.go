package main

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
	"github.com/google/go-cmp/cmp"
)

// TestCreateOrgCollection creates collections with and without access
// lists and checks the output against what the server then holds.
func TestCreateOrgCollection(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	team := e.team.ID
	create := func(req map[string]any, extra ...string) map[string]any {
		t.Helper()
		args := append([]string{"create", "org-collection", encJSON(t, req)}, extra...)
		return decodeObject(t, e.mustRun("", e.withKey, args...))
	}
	stored := func(id, name string) map[string]safetest.CollectionAccess {
		t.Helper()
		c, err := e.srv.Collection(id)
		if err != nil || c.Name != name || c.TeamID != team {
			t.Fatalf("server holds collection %+v, %v; want %q in the team", c, err, name)
		}
		m, err := e.srv.CollectionMembers(id)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	access := func(id string, ro, hide, manage bool) map[string]any {
		return map[string]any{"id": id, "readOnly": ro, "hidePasswords": hide, "manage": manage}
	}

	// No users: the creator gets manage access, as bw 2026 does; the team
	// from the request alone.
	got := create(map[string]any{"organizationId": team, "name": "Plain"})
	id, _ := got["id"].(string)
	// The request has no externalId, so neither has the output (bw
	// prints the request's).
	want := map[string]any{"object": "org-collection", "id": id, "organizationId": team, "name": "Plain",
		"groups": []any{}, "users": []any{access(e.team.OwnerMemberID, false, false, true)}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("create without users (-want +got):\n%s", d)
	}
	if m := stored(id, "Plain"); !cmp.Equal(m, map[string]safetest.CollectionAccess{e.team.OwnerMemberID: {CollectionID: id, Manage: true}}) {
		t.Errorf("server access after create without users: %+v", m)
	}

	// Explicit lists, the team from the flag (and the request agreeing).
	got = create(map[string]any{"organizationId": team, "name": "Shared", "externalId": nil,
		"groups": []any{access(e.group.ID, true, false, false)},
		"users":  []any{access(e.bobMember.ID, true, true, false)}}, "--organizationid", team)
	id, _ = got["id"].(string)
	// safetest drops group access given through the web API (it has no
	// such groups yet), so the groups printed, read back from the server,
	// are none: the output is the server's lists, not the request's.
	want = map[string]any{"object": "org-collection", "id": id, "organizationId": team, "name": "Shared", "externalId": nil,
		"groups": []any{}, "users": []any{access(e.bobMember.ID, true, true, false)}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("create with lists (-want +got):\n%s", d)
	}
	if m := stored(id, "Shared"); !cmp.Equal(m, map[string]safetest.CollectionAccess{e.bobMember.ID: {CollectionID: id, ReadOnly: true, HidePasswords: true}}) {
		t.Errorf("server access after create with lists: %+v", m)
	}

	// Empty users: nobody, not even the creator.
	got = create(map[string]any{"name": "Nobody", "users": []any{}}, "--organizationid", team)
	id, _ = got["id"].(string)
	if m := stored(id, "Nobody"); len(m) != 0 || len(got["users"].([]any)) != 0 {
		t.Errorf("create with users [] gave access %+v, printed %v", m, got["users"])
	}
}

// TestOrgCollectionBadInput: each bad request to create or edit an
// org-collection is one line, exit 1, and no collection is created or
// changed.
func TestOrgCollectionBadInput(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	team := e.team.ID
	other := "0f0e0d0c-0b0a-0908-0706-050403020100"
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	needTeam := "An organization id is required, either via the `--organizationid` option " +
		"(or `organizationId` query parameter when using `bw serve`), or the request's `organizationId` property."
	mismatch := "The `--organizationid` option (or `organizationId` query parameter) does not match the request's `organizationId` property."
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"not base64", []string{"!!!", "--organizationid", team}, errBadRequestData.Error()},
		{"not JSON", []string{b64("{name"), "--organizationid", team}, errBadRequestData.Error()},
		{"no team", []string{encJSON(t, map[string]string{"name": "x"})}, needTeam},
		{"team not a GUID", []string{encJSON(t, map[string]string{"name": "x"}), "--organizationid", "Ops"}, "`Ops` is not a GUID."},
		{"request's team not a GUID", []string{encJSON(t, map[string]string{"name": "x", "organizationId": "Ops"})}, "`Ops` is not a GUID."},
		{"teams disagree", []string{encJSON(t, map[string]string{"name": "x", "organizationId": other}), "--organizationid", team}, mismatch},
		{"no name", []string{encJSON(t, map[string]string{"organizationId": team})}, "Collection name is required."},
		{"blank name", []string{encJSON(t, map[string]string{"organizationId": team, "name": "  "})}, "Collection name is required."},
		{"external ID", []string{encJSON(t, map[string]string{"organizationId": team, "name": "x", "externalId": "ext"})}, "bsafe cannot set a collection's `externalId`; leave it out or null."},
		{"users of the wrong type", []string{encJSON(t, map[string]any{"organizationId": team, "name": "x", "users": "all"})}, "Invalid request data: `users` has the wrong type."},
		{"unknown team", []string{encJSON(t, map[string]string{"organizationId": other, "name": "x"})}, "No encryption key for this organization."},
	}
	before := e.list("org-collections", "--organizationid", team)
	for _, c := range cases {
		t.Run("create "+c.name, func(t *testing.T) {
			failsWith(t, e.run("", e.withKey, append([]string{"create", "org-collection"}, c.args...)...), c.want)
		})
		t.Run("edit "+c.name, func(t *testing.T) {
			failsWith(t, e.run("", e.withKey, append([]string{"edit", "org-collection", e.db.ID}, c.args...)...), c.want)
		})
	}
	good := encJSON(t, map[string]string{"organizationId": team, "name": "x"})
	failsWith(t, e.run("", e.withKey, "edit", "org-collection", "db", good), "`db` is not a GUID.")
	failsWith(t, e.run("", e.withKey, "edit", "org-collection", other, good), "Not found.")
	failsWith(t, e.run("", nil, "create", "org-collection", good), "Vault is locked.")
	failsWith(t, e.run("", nil, "edit", "org-collection", e.db.ID, good), "Vault is locked.")
	if after := e.list("org-collections", "--organizationid", team); !cmp.Equal(before, after) {
		t.Errorf("bad input changed the collections:\nbefore %v\nafter  %v", before, after)
	}
	if m, _ := e.srv.CollectionMembers(e.db.ID); len(m) != 0 {
		t.Errorf("bad input gave access to Databases: %+v", m)
	}
}

// TestEditOrgCollection renames a collection and changes its access
// lists; a list left out stays as it is.
func TestEditOrgCollection(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	team := e.team.ID
	access := func(id string, ro, hide, manage bool) map[string]any {
		return map[string]any{"id": id, "readOnly": ro, "hidePasswords": hide, "manage": manage}
	}
	edit := func(id string, req map[string]any) map[string]any {
		t.Helper()
		return decodeObject(t, e.mustRun("", e.withKey, "edit", "org-collection", id, encJSON(t, req), "--organizationid", team))
	}

	// Rename and set both lists.
	got := edit(e.db.ID, map[string]any{"organizationId": team, "name": "DBs",
		"groups": []any{access(e.group.ID, false, true, false)}, "users": []any{access(e.bobMember.ID, false, false, false)}})
	// The groups printed are the server's (safetest drops them, see
	// TestCreateOrgCollection).
	want := map[string]any{"object": "org-collection", "id": e.db.ID, "organizationId": team, "name": "DBs",
		"groups": []any{}, "users": []any{access(e.bobMember.ID, false, false, false)}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("edit (-want +got):\n%s", d)
	}
	if c, err := e.srv.Collection(e.db.ID); err != nil || c.Name != "DBs" {
		t.Errorf("server holds %+v, %v after the rename", c, err)
	}
	if m, _ := e.srv.CollectionMembers(e.db.ID); !cmp.Equal(m, map[string]safetest.CollectionAccess{e.bobMember.ID: {CollectionID: e.db.ID}}) {
		t.Errorf("server access after edit: %+v", m)
	}

	// Only the name (the ID in upper case): the lists stay.
	got = edit(strings.ToUpper(e.db.ID), map[string]any{"name": "Databases"})
	if got["name"] != "Databases" || len(got["users"].([]any)) != 1 {
		t.Errorf("rename only printed %v", got)
	}
	if m, _ := e.srv.CollectionMembers(e.db.ID); len(m) != 1 {
		t.Errorf("a rename changed the access: %+v", m)
	}

	// Only the users: the name and the groups stay.
	got = edit(e.servers.ID, map[string]any{"name": "Servers", "externalId": nil, "users": []any{}})
	want = map[string]any{"object": "org-collection", "id": e.servers.ID, "organizationId": team, "name": "Servers", "externalId": nil,
		"groups": []any{}, "users": []any{}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("edit of users only (-want +got):\n%s", d)
	}
	if m, _ := e.srv.CollectionMembers(e.servers.ID); len(m) != 0 {
		t.Errorf("bob kept access to Servers: %+v", m)
	}
}

// TestCreateOrgCollectionReadBackFails: the collection is created but the
// read of its access lists fails; the line says it was created (with its
// ID), exit 1, and it is not created again.
func TestCreateOrgCollectionReadBackFails(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	team := e.team.ID
	e.srv.InjectFault(safetest.Fault{Method: http.MethodGet, Path: "/api/organizations/" + team + "/collections/", Status: http.StatusForbidden})
	r := e.run("", e.withKey, "create", "org-collection", encJSON(t, map[string]string{"organizationId": team, "name": "half"}))
	list := e.list("org-collections", "--organizationid", team, "--search", "half")
	if len(list) != 1 {
		t.Fatalf("collections named half: %v, want one", list)
	}
	id := list[0]["id"].(string)
	if r.code != 1 || r.stdout != "" || strings.Contains(r.stderr, "\n") ||
		!strings.HasPrefix(r.stderr, "Collection "+id+" was created, but reading its access lists back failed: ") {
		t.Errorf("got exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if n := e.srv.PendingFaults(); n != 0 {
		t.Errorf("the read-back never ran: %d faults pending", n)
	}
}
