package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestConfirmOrgMember confirms carol (accepted) on both generations: the
// server then holds her as confirmed with the team key wrapped to her; a
// second confirm, and bad input, fail with one line and change nothing.
func TestConfirmOrgMember(t *testing.T) {
	t.Parallel()
	for _, g := range bothGens {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			e := newOrgEnv(t, g.gen)
			team := e.team.ID
			carol := func() safetest.MemberState {
				t.Helper()
				all, err := e.srv.TeamMembers(team)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range all {
					if m.ID == e.carolID {
						return m
					}
				}
				t.Fatalf("no member %s", e.carolID)
				return safetest.MemberState{}
			}
			other := "0f0e0d0c-0b0a-0908-0706-050403020100"
			for _, c := range []struct {
				name string
				args []string
				want string
			}{
				{"no team", []string{e.carolID}, "--organizationid <organizationid> required."},
				{"member not a GUID", []string{"carol", "--organizationid", team}, "`carol` is not a GUID."},
				{"team not a GUID", []string{e.carolID, "--organizationid", "Ops"}, "`Ops` is not a GUID."},
				{"unknown team", []string{e.carolID, "--organizationid", other}, "No encryption key for this organization."},
			} {
				failsWith(t, e.run("", e.withKey, append([]string{"confirm", "org-member"}, c.args...)...), c.want)
			}
			failsWith(t, e.run("", nil, "confirm", "org-member", e.carolID, "--organizationid", team), "Vault is locked.")
			failsWith(t, e.run("", e.withKey, "confirm", "member", e.carolID, "--organizationid", team), "Unknown object.")
			if m := carol(); m.Status != safetest.StatusAccepted || m.Key != "" {
				t.Fatalf("bad input changed carol: %+v", m)
			}

			// The ID in upper case, as bw lowercases it.
			if out := e.mustRun("", e.withKey, "confirm", "org-member", strings.ToUpper(e.carolID), "--organizationid", team); out != "" {
				t.Errorf("confirm printed %q, want nothing (as bw)", out)
			}
			if m := carol(); m.Status != safetest.StatusConfirmed || !strings.HasPrefix(m.Key, "4.") {
				t.Errorf("after confirm the server holds %+v", m)
			}
			r := e.run("", e.withKey, "confirm", "org-member", e.carolID, "--organizationid", team)
			if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "confirmed") || strings.Contains(r.stderr, "\n") {
				t.Errorf("a second confirm: exit %d, stdout %q, stderr %q; want one line naming the state", r.code, r.stdout, r.stderr)
			}
			if got := e.list("org-members", "--organizationid", team); len(got) != 3 {
				t.Errorf("org-members after confirm: %v", got)
			}
		})
	}
}

// TestConfirmLostAnswer: a confirmation whose answer is lost after the
// server applied it is settled by package safe (it reads the member back):
// the command succeeds, and the server holds one confirmation.
func TestConfirmLostAnswer(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	l := loseAnswers(t, e.testEnv, http.MethodPost, "/api/organizations/"+e.team.ID+"/users/"+e.carolID+"/confirm")
	r := e.run("", e.withKey, "confirm", "org-member", e.carolID, "--organizationid", e.team.ID)
	if l.sent.Load() == 0 {
		t.Fatal("the confirm was never sent")
	}
	all, _ := e.srv.TeamMembers(e.team.ID)
	for _, m := range all {
		if m.ID == e.carolID && m.Status != safetest.StatusConfirmed {
			t.Errorf("carol is %v on the server", m.Status)
		}
	}
	if r.code != 0 || r.stderr != "" {
		t.Errorf("confirm with a lost answer: exit %d, stderr %q; want success after safe settles it", r.code, r.stderr)
	}
}
