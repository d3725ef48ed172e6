package main

import (
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
	"github.com/google/go-cmp/cmp"
)

// TestListOrgObjects checks each list command of folders, collections,
// organizations and members, and each of its flags, against the seeded
// data, on both server generations.
func TestListOrgObjects(t *testing.T) {
	t.Parallel()
	for _, g := range bothGens {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			e := newOrgEnv(t, g.gen)
			team := e.team.ID
			// From the team's list (org-collections), an unset externalId
			// is null; from the sync (collections), bw 2026 leaves it out.
			col := func(c *safetest.Collection) map[string]any {
				return map[string]any{"object": "collection", "id": c.ID, "organizationId": team, "name": c.Name, "externalId": nil}
			}
			synced := func(c *safetest.Collection) map[string]any {
				m := col(c)
				delete(m, "externalId")
				return m
			}
			check := func(what string, got []map[string]any, want ...map[string]any) {
				t.Helper()
				if want == nil {
					want = []map[string]any{}
				}
				if d := cmp.Diff(jsonOf(t, want), jsonOf(t, got)); d != "" {
					t.Errorf("%s (-want +got):\n%s", what, d)
				}
			}

			// Folders by name, ignoring case, then bw's "No Folder".
			folder := func(id, name string) map[string]any {
				return map[string]any{"object": "folder", "id": id, "name": name}
			}
			noFolder := folder("", "No Folder")
			check("list folders", e.list("folders"), folder(e.folderA.ID, "Home"), folder(e.folderB.ID, "work"), noFolder)
			check("list folders --search WOR", e.list("folders", "--search", "WOR"), folder(e.folderB.ID, "work"))
			check("list folders --search fold", e.list("folders", "--search=fold"), noFolder)
			check("list folders --search none", e.list("folders", "--search", "nothing-has-this"))
			check("list folders --search blank", e.list("folders", "--search", "  "), folder(e.folderA.ID, "Home"), folder(e.folderB.ID, "work"), noFolder)

			check("list collections", e.list("collections"), synced(e.db), synced(e.servers), synced(e.zeta))
			check("list collections --search", e.list("collections", "--search", "ER"), synced(e.servers))
			check("list collections --organizationid", e.list("collections", "--organizationid", team), synced(e.db), synced(e.servers), synced(e.zeta))
			check("list collections --organizationid other", e.list("collections", "--organizationid", "00000000-0000-0000-0000-000000000000"))
			check("list collections both flags", e.list("collections", "--organizationid", team, "--search", "zet"), synced(e.zeta))

			org := map[string]any{"object": "organization", "id": team, "name": "Ops", "status": 2.0, "type": 0.0, "enabled": true}
			check("list organizations", e.list("organizations"), org)
			check("list organizations --search", e.list("organizations", "--search", "op"), org)
			check("list organizations --search miss", e.list("organizations", "--search", "dev"))

			check("list org-collections", e.list("org-collections", "--organizationid", team), col(e.db), col(e.servers), col(e.zeta))
			check("list org-collections --search", e.list("org-collections", "--organizationid", team, "--search", "base"), col(e.db))

			// The owner (alice, named after her address), bob (a confirmed
			// user) and carol (accepted, not yet confirmed).
			members := e.list("org-members", "--organizationid", team)
			member := func(id, email string, name any, status, typ float64) map[string]any {
				return map[string]any{"object": "org-member", "id": id, "email": email, "name": name, "status": status, "type": typ, "twoFactorEnabled": false}
			}
			byID := map[string]map[string]any{}
			for _, m := range members {
				byID[m["id"].(string)] = m
			}
			want := map[string]map[string]any{
				e.team.OwnerMemberID: member(e.team.OwnerMemberID, testEmail, "alice", 2, 0),
				e.bobMember.ID:       member(e.bobMember.ID, bobEmail, "Bob", 2, 2),
				e.carolID:            member(e.carolID, carolEmail, "carol", 1, 2),
			}
			if d := cmp.Diff(jsonOf(t, want), jsonOf(t, byID)); d != "" || len(members) != 3 {
				t.Errorf("list org-members: %d entries (-want +got):\n%s", len(members), d)
			}

			// Bob, a plain user, sees only his collection of the team.
			b, bobKey := e.asBob()
			check("bob: list org-collections", decodeList(t, b.mustRun("", bobKey, "list", "org-collections", "--organizationid", team)), col(e.servers))
			check("bob: list collections", decodeList(t, b.mustRun("", bobKey, "list", "collections")), synced(e.servers))
			orgBob := map[string]any{"object": "organization", "id": team, "name": "Ops", "status": 2.0, "type": 2.0, "enabled": true}
			check("bob: list organizations", decodeList(t, b.mustRun("", bobKey, "list", "organizations")), orgBob)
			check("bob: list folders", decodeList(t, b.mustRun("", bobKey, "list", "folders")), noFolder)
		})
	}
}

// TestListOrgBadInput: the organization lists refuse a missing, malformed
// or unknown --organizationid with bw's messages, and every list needs an
// unlocked vault.
func TestListOrgBadInput(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	unknown := "0f0e0d0c-0b0a-0908-0706-050403020100"
	for _, obj := range []string{"org-collections", "org-members"} {
		failsWith(t, e.run("", e.withKey, "list", obj), "`organizationid` option is required.")
		failsWith(t, e.run("", e.withKey, "list", obj, "--organizationid", ""), "`organizationid` option is required.")
		failsWith(t, e.run("", e.withKey, "list", obj, "--organizationid", "ops"), "`ops` is not a GUID.")
		failsWith(t, e.run("", e.withKey, "list", obj, "--organizationid", "a\nb"), "`a?b` is not a GUID.")
		failsWith(t, e.run("", e.withKey, "list", obj, "--organizationid", unknown), "Organization not found.")
		failsWith(t, e.run("", e.withKey, "list", obj, "--organizationid"), "error: option '--organizationid' argument missing")
	}
	failsWith(t, e.run("", e.withKey, "list", "folders", "--bogus"), "error: unknown option '--bogus'")
	failsWith(t, e.run("", e.withKey, "list", "folder"), "Unknown object.")
	for _, obj := range []string{"folders", "collections", "organizations", "org-collections", "org-members"} {
		failsWith(t, e.run("", nil, "list", obj, "--organizationid", e.team.ID), "Vault is locked.")
	}
}
