package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/bsafe-go/bsafe/internal/bwcli"
	"github.com/bsafe-go/bsafe/safe/safetest"
	"github.com/google/go-cmp/cmp"
)

// TestInteropOrgOutput runs the official CLI (2026.9.0) and bsafe, both
// logged in as alice, on the same seeded team and compares as data (order
// included) what each list command of folders, collections, organizations
// and members prints, and what each create prints (the new object's ID
// aside, which differs by nature). No other difference is ignored.
func TestInteropOrgOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the official CLI; skipped with -short")
	}
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	team := e.team.ID
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := e.srv.WriteCertificatePEM(pem); err != nil {
		t.Fatal(err)
	}
	cli := bwcli.New(t, bwcli.V2026, e.srv.URL, pem)
	if _, err := cli.Login(testEmail, testPassword); err != nil {
		t.Fatalf("bw login: %v", err)
	}

	compare := func(what, bwOut, ours string, dropID bool) {
		t.Helper()
		var b, o any
		if err := json.Unmarshal([]byte(bwOut), &b); err != nil {
			t.Fatalf("%s: bw printed %q: %v", what, bwOut, err)
		}
		if err := json.Unmarshal([]byte(ours), &o); err != nil {
			t.Fatalf("%s: bsafe printed %q: %v", what, ours, err)
		}
		if dropID {
			delete(b.(map[string]any), "id")
			delete(o.(map[string]any), "id")
		}
		if d := cmp.Diff(b, o); d != "" {
			t.Errorf("%s (-bw +bsafe):\n%s", what, d)
		}
	}
	lists := [][]string{
		{"list", "folders"},
		{"list", "folders", "--search", "wor"},
		{"list", "collections"},
		{"list", "collections", "--organizationid", team, "--search", "ser"},
		{"list", "organizations"},
		{"list", "org-collections", "--organizationid", team},
		{"list", "org-members", "--organizationid", team},
	}
	for _, args := range lists {
		bwOut, err := cli.Run(args...)
		if err != nil {
			t.Fatalf("bw %v: %v", args, err)
		}
		compare(joinArgs(args), bwOut, e.mustRun("", e.withKey, args...), false)
	}

	creates := []struct {
		name string
		args []string
		req  any
	}{
		{"create folder", []string{"create", "folder"}, map[string]string{"name": "New <folder>"}},
		{"create org-collection, no users", []string{"create", "org-collection", "--organizationid", team},
			map[string]any{"organizationId": team, "name": "Fresh", "externalId": nil, "groups": []any{}}},
		{"create org-collection, users", []string{"create", "org-collection", "--organizationid", team},
			map[string]any{"organizationId": team, "name": "Shared", "groups": []any{},
				"users": []any{map[string]any{"id": e.bobMember.ID, "readOnly": true, "hidePasswords": true, "manage": false}}}},
	}
	for _, c := range creates {
		in := encJSON(t, c.req)
		// bwcli moves the encoded JSON to bw's standard input; bsafe gets
		// it there too.
		bwOut, err := cli.Run(append([]string{c.args[0], c.args[1], in}, c.args[2:]...)...)
		if err != nil {
			t.Fatalf("bw %s: %v", c.name, err)
		}
		compare(c.name, bwOut, e.mustRun(in, e.withKey, c.args...), true)
	}
}

func joinArgs(args []string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += " "
		}
		s += a
	}
	return s
}
