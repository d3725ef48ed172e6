package safe_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestCollectionCreateDefaultAccess creates collections with the default
// access as Custom members, who do not see every collection by their role:
// only the access Create sends makes the collection theirs. Bravura Safe's
// 2023.8 server names no membership ID in the profile.
func TestCollectionCreateDefaultAccess(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		for i, tt := range []struct {
			name     string
			perms    []string
			assigned bool // the creator is given manage access to the new collection
		}{
			// May list the members, so finds its own membership.
			{"creates and manages users", []string{"createNewCollections", "manageUsers"}, true},
			// May not list them on 2023.8 (404): Create sends no users and
			// the server decides. Current servers name the membership.
			{"only creates", []string{"createNewCollections"}, gen == safetest.GenCurrent},
		} {
			t.Run(tt.name, func(t *testing.T) {
				email, password := "custom"+string(rune('a'+i))+"@example.com", "sensitive-custom-password"
				u, err := e.srv.AddUser(safetest.UserSpec{Email: email, Password: password, KDF: safetest.PBKDF2(5000)})
				if err != nil {
					t.Fatal(err)
				}
				m, err := e.srv.AddMember(e.team, u, safetest.RoleCustom)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.srv.SetCustomPermissions(m, tt.perms...); err != nil {
					t.Fatal(err)
				}
				c, _ := e.newClient(t)
				if err := c.LoginPassword(ctx, email, password); err != nil {
					t.Fatal(err)
				}
				col, err := c.Collections.Create(ctx, e.team.ID, "sensitive-"+tt.name, safe.CollectionAccess{})
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				var mine []string
				for got, err := range c.Collections.All(ctx) {
					if err != nil {
						t.Fatal(err)
					}
					mine = append(mine, got.ID)
				}
				want := []string(nil)
				if tt.assigned {
					want = []string{col.ID}
				}
				if diff := cmp.Diff(want, mine); diff != "" {
					t.Errorf("the creator's collections (-want +got):\n%s", diff)
				}
				access, err := e.client.Collections.Access(ctx, e.team.ID, col.ID) // read by the owner
				if err != nil {
					t.Fatal(err)
				}
				var users []string
				for _, a := range access.Users {
					users = append(users, a.ID)
				}
				if want := []string{m.ID}; tt.assigned && !cmp.Equal(want, users) {
					t.Errorf("access users = %v, want the creator's membership %v", users, want)
				}
			})
		}
	})
}

// TestCollectionEmptyUserIDRefused: an access entry without a membership
// ID is refused by the server, as Bravura Safe's server refuses it, and
// the refusal reaches the caller with the server's validation errors.
func TestCollectionEmptyUserIDRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.Gen2023)
	_, err := e.client.Collections.Create(t.Context(), e.team.ID, "sensitive-x", safe.CollectionAccess{Users: []safe.Access{{ID: ""}}})
	var ae *safe.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Fatalf("Create with an empty user ID: %v, want a 400 APIError", err)
	}
	if diff := cmp.Diff(map[string][]string{"Users[0].Id": {"The Id field is required."}}, ae.ValidationErrors); diff != "" {
		t.Errorf("validation errors (-want +got):\n%s", diff)
	}
}
