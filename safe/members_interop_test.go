package safe_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bsafe-go/bsafe/internal/bwcli"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// cliMember is an entry of "bw list org-members".
type cliMember struct {
	ID     string `json:"id"`
	Email  string `json:"email"`
	Status int    `json:"status"`
	Type   int    `json:"type"`
}

// TestCLIMemberInterop puts bsafe's member management and the official
// CLI on one team, on both generations:
//
//   - what bsafe invited and confirmed, "bw list org-members" lists with
//     the same status and type;
//   - the fingerprint phrase bsafe shows for a member's key is the one
//     "bw get fingerprint" computes (an implementation of its own);
//   - a member bsafe invited and "bw confirm org-member" confirmed is
//     confirmed for bsafe, and decrypts the team's items through bsafe;
//   - collections "bw edit item-collections" sets are the ones bsafe reads,
//     and the access bsafe grants or removes is what the member's CLI sees.
func TestCLIMemberInterop(t *testing.T) {
	t.Parallel()
	forEachCLI(t, func(t *testing.T, version string, gen safetest.Generation) {
		e := newEnv(t, gen)
		me := &memberEnv{env: e, gen: gen}
		ctx := t.Context()
		var err error
		me.itemID, err = e.srv.AddItem(e.team, safetest.Item{Type: safetest.TypeLogin, Name: "team item",
			Login: &safetest.Login{Username: "svc", Password: "sensitive-team-pw"}, CollectionIDs: []string{e.col.ID}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.srv.AddCollection(e.team, "OTHER")
		if err != nil {
			t.Fatal(err)
		}
		// The CLI logs in after the seeding: its login's sync fetches the
		// team item and both collections.
		ie := loginInterop(t, e, version)
		ann, cid := me.person(t, "ann"), me.person(t, "cid")
		me.person(t, "dee")
		for _, inv := range []safe.Invitation{
			{Emails: []string{ann.Email}, Role: safe.RoleUser, Collections: []safe.Access{{ID: ie.col.ID, ReadOnly: true}}},
			{Emails: []string{cid.Email}, Role: safe.RoleAdmin},
			{Emails: []string{"dee@example.com"}, Role: safe.RoleCustom, Permissions: []string{"manageUsers"}},
		} {
			if _, err := ie.client.Members.Invite(ctx, ie.team.ID, inv); err != nil {
				t.Fatalf("Invite: %v", err)
			}
		}
		annM, err := ie.srv.AcceptInvite(ie.team, ann)
		if err != nil {
			t.Fatal(err)
		}
		cidM, err := ie.srv.AcceptInvite(ie.team, cid)
		if err != nil {
			t.Fatal(err)
		}

		// bsafe confirms ann; its fingerprint phrase is the CLI's.
		err = ie.client.Members.Confirm(ctx, ie.team.ID, annM.ID, func(fp safe.Fingerprint) error {
			out, err := ie.cli.Run("get", "fingerprint", fp.UserID)
			if err != nil {
				t.Errorf("bw get fingerprint: %v", err)
			} else if got := strings.TrimSpace(out); got != fp.Phrase() {
				t.Errorf("bsafe's phrase %q, bw get fingerprint %q", fp.Phrase(), got)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Confirm: %v", err)
		}

		// The CLI confirms cid.
		if _, err := ie.cli.Run("confirm", "org-member", cidM.ID, "--organizationid", ie.team.ID); err != nil {
			t.Fatalf("bw confirm org-member: %v", err)
		}
		got, err := ie.client.Members.Get(ctx, ie.team.ID, cidM.ID)
		if err != nil || got.Status != safe.StatusConfirmed || got.Role != safe.RoleAdmin {
			t.Errorf("bsafe reads the member the CLI confirmed as %+v, %v", got, err)
		}
		if !me.canDecryptTeamItem(t, "cid") {
			t.Error("the member the CLI confirmed cannot decrypt the team item through bsafe")
		}
		if !me.canDecryptTeamItem(t, "ann") {
			t.Error("the member bsafe confirmed cannot decrypt the team item")
		}

		// bw list org-members lists what bsafe lists.
		members, err := ie.client.Members.List(ctx, ie.team.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want []cliMember
		for _, m := range members {
			want = append(want, cliMember{ID: m.ID, Email: m.Email, Status: int(m.Status), Type: int(m.Role)})
		}
		var listed []cliMember
		if err := ie.cli.JSON(&listed, "list", "org-members", "--organizationid", ie.team.ID); err != nil {
			t.Fatalf("bw list org-members: %v", err)
		}
		if diff := cmp.Diff(want, listed, cmpopts.SortSlices(func(a, b cliMember) bool { return a.ID < b.ID })); diff != "" {
			t.Errorf("bw list org-members (-bsafe +bw):\n%s", diff)
		}
		wantStatus := map[string][2]int{ann.Email: {2, 2}, cid.Email: {2, 1}, "dee@example.com": {0, 4}, testEmail: {2, 0}}
		for _, m := range listed {
			if w := wantStatus[m.Email]; w != [2]int{m.Status, m.Type} {
				t.Errorf("bw lists %s with status %d and type %d, want %v", m.Email, m.Status, m.Type, w)
			}
		}

		// bw edit item-collections: the item into both collections; bsafe
		// reads them.
		if _, err := ie.cli.RunOnItem("edit", "item-collections", me.itemID, mustEncode(t, []string{ie.col.ID, other.ID})); err != nil {
			t.Fatalf("bw edit item-collections: %v", err)
		}
		if err := ie.client.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		it, err := ie.client.Items.Get(ctx, me.itemID)
		if err != nil {
			t.Fatal(err)
		}
		if ids := slices.Sorted(slices.Values(it.CollectionIDs)); !slices.Equal(ids, slices.Sorted(slices.Values([]string{ie.col.ID, other.ID}))) {
			t.Errorf("bsafe reads collections %v after bw edit item-collections", it.CollectionIDs)
		}

		// What bsafe grants, ann's CLI sees: OTHER added, BONNIL removed.
		if err := ie.client.Collections.GrantAccess(ctx, ie.team.ID, other.ID, safe.Access{ID: annM.ID, HidePasswords: true}); err != nil {
			t.Fatal(err)
		}
		if err := ie.client.Collections.RemoveAccess(ctx, ie.team.ID, ie.col.ID, annM.ID); err != nil {
			t.Fatal(err)
		}
		// ann's CLI logs in only now: its login's sync is of the access
		// just changed.
		annCLI := loginCLI(t, ie, version, ann.Email, "sensitive-ann-pw")
		var cols []struct {
			ID string `json:"id"`
		}
		if err := annCLI.JSON(&cols, "list", "collections"); err != nil {
			t.Fatalf("bw list collections as the member: %v", err)
		}
		if len(cols) != 1 || cols[0].ID != other.ID {
			t.Errorf("the member's CLI lists collections %+v, want only OTHER (%s)", cols, other.ID)
		}
	})
}

// loginCLI is a second CLI on the interop server, logged in as another
// account.
func loginCLI(t *testing.T, ie *interopEnv, version, email, password string) *bwcli.CLI {
	t.Helper()
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := ie.srv.WriteCertificatePEM(pem); err != nil {
		t.Fatal(err)
	}
	cli := bwcli.New(t, version, ie.srv.URL, pem)
	if _, err := cli.Login(email, password); err != nil {
		t.Fatalf("bw login as %s: %v", email, err)
	}
	return cli
}

func mustEncode(t *testing.T, v any) string {
	t.Helper()
	s, err := bwcli.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
