package safetest_test

import (
	"slices"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestInviteWithoutCollections: both generations' InviteUsersAsync call
// invite.Collections.Any() for each new address, and the request model
// leaves Collections null when the body has none: a 500 with nothing
// stored. 2023.8 skips the call for an AccessAll invite, and neither
// server reaches it when every address is already known. A client that
// forgets "collections" must fail here as it would on a real server.
func TestInviteWithoutCollections(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newMemberFixture(t, gen)
			before := mustV(f.srv.TeamMembers(f.team.ID))(t)
			for _, body := range []map[string]any{
				{"emails": []string{"n1@example.com"}, "type": 2},
				{"emails": []string{"n1@example.com"}, "type": 2, "collections": nil},
			} {
				wantErr(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, body), 500, "An unhandled server error has occurred.")
			}
			if after := mustV(f.srv.TeamMembers(f.team.ID))(t); len(after) != len(before) {
				t.Errorf("%d members after the failed invites, want %d", len(after), len(before))
			}
			// Every address known: nothing to invite, no failure.
			wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token, map[string]any{"emails": []string{"bob@example.com"}, "type": 2}))
			accessAll := do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token,
				map[string]any{"emails": []string{"n2@example.com"}, "type": 2, "accessAll": true})
			if gen == safetest.Gen2023 {
				wantOK(t, accessAll)
			} else {
				wantErr(t, accessAll, 500, "An unhandled server error has occurred.")
			}
			wantOK(t, do(t, f.srv, "POST", f.org+"/users/invite", f.alice.token,
				map[string]any{"emails": []string{"n3@example.com"}, "type": 2, "collections": []any{}}))
		})
	}
}

// TestSingleMemberShape: GET users/{id} answers OrganizationUserDetails,
// which has no name, e-mail or two-factor flag (only the list's model
// has them), and neither answer has an organizationId.
func TestSingleMemberShape(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newMemberFixture(t, gen)
			var one map[string]any
			do(t, f.srv, "GET", f.org+"/users/"+f.bob.ID, f.alice.token, nil).json(t, &one)
			for _, k := range []string{"name", "email", "twoFactorEnabled", "avatarColor", "ssoBound", "organizationId"} {
				if _, ok := one[k]; ok {
					t.Errorf("single member answer has %q: %v", k, one)
				}
			}
			if one["object"] != "organizationUserDetails" || one["id"] != f.bob.ID || one["userId"] == nil || one["collections"] == nil {
				t.Errorf("single member answer = %v", one)
			}
			var l listResp[map[string]any]
			do(t, f.srv, "GET", f.org+"/users", f.alice.token, nil).json(t, &l)
			for _, m := range l.Data {
				if _, ok := m["organizationId"]; ok {
					t.Errorf("list entry has organizationId: %v", m)
				}
				if _, ok := m["email"]; !ok {
					t.Errorf("list entry has no email: %v", m)
				}
			}
		})
	}
}

// TestSingleMemberOfAnotherTeam2023: 2023.8's GET users/{id} loads the
// membership by id alone and checks ManageUsers on the membership's own
// team, so an owner of two teams reads a member of one through the
// other's path; current servers answer 404. A non-GUID id is a 500 on
// 2023.8 (new Guid(id)).
func TestSingleMemberOfAnotherTeam2023(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newMemberFixture(t, gen)
			// Olga owns the fixture's team and a team of her own.
			other := mustV(f.srv.AddTeam(&safetest.User{ID: f.olga.UserID}, safetest.TeamSpec{Name: "Other"}))(t)
			r := do(t, f.srv, "GET", "/api/organizations/"+other.ID+"/users/"+f.bob.ID, f.olgaS.token, nil)
			if gen == safetest.Gen2023 {
				wantOK(t, r)
			} else {
				wantErr(t, r, 404, "Resource not found.")
			}
			// Bob manages neither team: 404 on both.
			wantErr(t, do(t, f.srv, "GET", f.org+"/users/"+f.olga.ID, f.bobS.token, nil), 404, "Resource not found.")
			r = do(t, f.srv, "GET", f.org+"/users/not-a-guid", f.alice.token, nil)
			if gen == safetest.Gen2023 {
				wantErr(t, r, 500, "An unhandled server error has occurred.")
			} else {
				wantErr(t, r, 404, "Resource not found.")
			}
		})
	}
}

// TestUpdateWithoutCollections: the current controller's update reads
// model.Collections.Select(...) before any role check, and the model
// leaves it null when the body has none: a 500, the member unchanged.
// 2023.8 takes a missing list as an empty one (the member loses all
// access), and current servers refuse an empty id list in bulk calls.
func TestUpdateWithoutCollections(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f := newMemberFixture(t, gen)
			before := mustV(f.srv.TeamMembers(f.team.ID))(t)
			r := do(t, f.srv, "PUT", f.org+"/users/"+f.bob.ID, f.alice.token, map[string]any{"type": 1})
			bulk := do(t, f.srv, "POST", f.org+"/users/reinvite", f.alice.token, map[string]any{"ids": []string{}})
			if gen == safetest.GenCurrent {
				wantErr(t, r, 500, "An unhandled server error has occurred.")
				if after := mustV(f.srv.TeamMembers(f.team.ID))(t); !slices.EqualFunc(before, after, func(a, b safetest.MemberState) bool {
					return a.ID == b.ID && a.Role == b.Role && a.Status == b.Status && len(a.Collections) == len(b.Collections)
				}) {
					t.Errorf("the failed update changed the members: %+v -> %+v", before, after)
				}
				wantErr(t, bulk, 400, "The model state is invalid.")
				return
			}
			wantOK(t, r)
			wantOK(t, bulk)
		})
	}
}
