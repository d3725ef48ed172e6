package safetest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestShareRules checks PUT /api/ciphers/{id}/share against the server's
// rules (CiphersController.PutShare, CipherShareRequestModel,
// CipherService.ShareAsync, Cipher_UpdateCollections.sql), on both
// generations.
func TestShareRules(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t, safetest.WithGeneration(gen))
			orgKey := f.alice.teamKey(t, f.srv, f.team.ID)
			// personal creates a personal cipher of s, marked favourite.
			personal := func(s *session, name string) (id string, revision string) {
				t.Helper()
				c := loginCipher(t, s.userKey, name, "pw-"+name)
				c["favorite"] = true
				var out cipherResp
				r := do(t, f.srv, "POST", "/api/ciphers", s.token, c)
				r.json(t, &out)
				if r.status != 200 {
					t.Fatalf("create: %d %s", r.status, r.body)
				}
				return out.ID, out.RevisionDate
			}
			body := func(name string, cols any) map[string]any {
				c := loginCipher(t, orgKey, name, "shared-pw")
				c["organizationId"] = f.team.ID
				m := map[string]any{"cipher": c}
				if cols != nil {
					m["collectionIds"] = cols
				}
				return m
			}
			share := func(s *session, id string, b any) response {
				t.Helper()
				return do(t, f.srv, "PUT", "/api/ciphers/"+id+"/share", s.token, b)
			}
			stillPersonal := func(id string) {
				t.Helper()
				if it, err := f.srv.Item(id); err != nil || it.TeamID != "" {
					t.Errorf("item %s after a refused share: team %q, %v; want still personal", id, it.TeamID, err)
				}
			}

			aliceItem, aliceRev := personal(f.alice, "alice")

			// Model validation comes first, even for an unknown cipher.
			r := share(f.alice, "00000000-0000-0000-0000-000000000001", body("x", nil))
			if e := r.apiError(t); r.status != 400 || e.ValidationErrors["CollectionIds"] == nil {
				t.Errorf("no collectionIds: %d %s, want 400 CollectionIds required", r.status, r.body)
			}
			noOrg := body("x", []string{})
			delete(noOrg["cipher"].(map[string]any), "organizationId")
			r = share(f.alice, aliceItem, noOrg)
			if e := r.apiError(t); r.status != 400 ||
				!slices.Equal(e.ValidationErrors["OrganizationId"], []string{"Cipher OrganizationId is required."}) ||
				!slices.Equal(e.ValidationErrors["CollectionIds"], []string{"You must select at least one collection."}) {
				t.Errorf("no team, no collections: %d %s", r.status, r.body)
			}
			stillPersonal(aliceItem)

			// The controller's 404s.
			if r := share(f.alice, "00000000-0000-0000-0000-000000000001", body("x", []string{f.eng})); r.status != 404 {
				t.Errorf("unknown item: %d %s, want 404", r.status, r.body)
			}
			if r := share(f.bob, aliceItem, body("x", []string{f.eng})); r.status != 404 {
				t.Errorf("another user's item: %d %s, want 404", r.status, r.body)
			}
			erinItem, _ := personal(f.erin, "erin")
			if r := share(f.erin, erinItem, body("x", []string{f.eng})); r.status != 404 {
				t.Errorf("a team the user is not in: %d %s, want 404", r.status, r.body)
			}
			stillPersonal(erinItem)
			if r := share(f.alice, f.engItem, body("x", []string{f.eng})); r.status != 404 {
				t.Errorf("an item already in a team: %d %s, want 404", r.status, r.body)
			}

			// No writable collection in the team at all: "Unable to save."
			for _, s := range []*session{f.bob, f.carol} {
				id, _ := personal(s, "ro")
				r := share(s, id, body("x", []string{f.eng}))
				if r.status != 400 || r.apiError(t).Message != "Unable to save." {
					t.Errorf("member without a writable collection: %d %s, want 400 Unable to save.", r.status, r.body)
				}
				stillPersonal(id)
			}

			// A stale copy is refused.
			rev, err := time.Parse(time.RFC3339Nano, aliceRev)
			if err != nil {
				t.Fatal(err)
			}
			stale := body("x", []string{f.eng})
			stale["cipher"].(map[string]any)["lastKnownRevisionDate"] = rev.Add(-5 * time.Second).Format(time.RFC3339Nano)
			if r := share(f.alice, aliceItem, stale); r.status != 400 || r.apiError(t).Message == "" {
				t.Errorf("stale copy: %d %s, want 400", r.status, r.body)
			}
			stillPersonal(aliceItem)

			if gen == safetest.GenCurrent {
				other := body("x", []string{f.eng})
				other["cipher"].(map[string]any)["encryptedFor"] = "00000000-0000-0000-0000-0000000000ee"
				if r := share(f.alice, aliceItem, other); r.status != 400 {
					t.Errorf("encryptedFor another user: %d %s, want 400", r.status, r.body)
				}
				stillPersonal(aliceItem)
			}

			// Collections the user cannot write are left out: dave writes
			// eng only.
			daveItem, _ := personal(f.dave, "dave")
			if r := share(f.dave, daveItem, body("dave shared", []string{f.eng, f.ops})); r.status != 200 {
				t.Fatalf("dave's share: %d %s", r.status, r.body)
			}
			var details cipherResp
			do(t, f.srv, "GET", "/api/ciphers/"+daveItem+"/details", f.dave.token, nil).json(t, &details)
			if !slices.Equal(details.CollectionIDs, []string{f.eng}) {
				t.Errorf("dave's shared item is in %v, want [%s] (ops is not writable for him)", details.CollectionIDs, f.eng)
			}

			// Alice's share, with the revision she read.
			ok := body("alice shared", []string{f.eng})
			ok["cipher"].(map[string]any)["lastKnownRevisionDate"] = aliceRev
			var out struct {
				cipherResp
				Favorite bool `json:"favorite"`
			}
			r = share(f.alice, aliceItem, ok)
			r.json(t, &out)
			if r.status != 200 || out.Object != "cipher" || out.OrganizationID == nil || *out.OrganizationID != f.team.ID || out.CollectionIDs != nil {
				t.Fatalf("share: %d %s, want a \"cipher\" of the team without collectionIds", r.status, r.body)
			}
			if got := dec(t, orgKey, out.Name); got != "alice shared" {
				t.Errorf("shared name decrypts to %q", got)
			}
			if out.RevisionDate == aliceRev {
				t.Errorf("revision date unchanged by the share")
			}
			// 2023.8 keeps the stored favourite, current servers take the request's.
			if want := gen == safetest.Gen2023; out.Favorite != want {
				t.Errorf("favorite after the share = %v, want %v", out.Favorite, want)
			}
			it, err := f.srv.Item(aliceItem)
			if err != nil || it.TeamID != f.team.ID || !slices.Equal(it.CollectionIDs, []string{f.eng}) || it.Login.Password != "shared-pw" {
				t.Errorf("stored item: %+v, %v", it, err)
			}
			// Shared once: a repeat is the controller's 404 (no owner any more).
			if r := share(f.alice, aliceItem, body("again", []string{f.eng})); r.status != 404 {
				t.Errorf("repeated share: %d %s, want 404", r.status, r.body)
			}
		})
	}
}
