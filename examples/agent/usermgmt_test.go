package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestAgentUserManagement runs the binary with -connector usermgmt: it
// lists the team's members, and resets a member's master password through
// account recovery, after which the member logs in with the new one.
func TestAgentUserManagement(t *testing.T) {
	for _, g := range generations {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, g.gen)
			const alicePW, newPW = "sensitive-alice-pw", "sensitive-alice-new-pw"
			alice, err := w.srv.AddUser(safetest.UserSpec{Email: "alice@example.com", Password: alicePW, KDF: safetest.Argon2id(3, 16, 1)})
			if err != nil {
				t.Fatal(err)
			}
			m, err := w.srv.AddMember(w.team, alice, safetest.RoleUser, safetest.CollectionAccess{CollectionID: w.bonnil.ID})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.srv.SetAccountRecoveryPolicy(w.team, true, false); err != nil {
				t.Fatal(err)
			}
			if err := w.srv.EnrollAccountRecovery(m); err != nil {
				t.Fatal(err)
			}
			do := func(in *kvgroup.Group, want string) *kvgroup.Group {
				t.Helper()
				out, stderr, code := w.run(t, kvgroup.Format(in), "-connector", "usermgmt")
				if code != 0 || out.Get("retval") != want {
					t.Fatalf("%s: exit %d, retval %s (%s), want %s; stderr %s", in.Get("operation"), code, out.Get("retval"), out.Get("errmsg"), want, stderr)
				}
				return out
			}
			in := w.input("listusers", false)
			in.Group("address", "").Add("defaultAccessLevel", "Can edit")
			out := do(in, "0")
			a := accounts(out)[m.ID]
			if a == nil {
				t.Fatalf("listusers does not list alice's membership %s:\n%s", m.ID, kvgroup.Format(out))
			}
			for name, want := range map[string]string{"status": "confirmed", "resetPasswordEnrolled": "1", "_collectionNames": "BONNIL", "assocID": "alice@example.com"} {
				if got := strings.Join(attrValues(a, name), ","); got != want {
					t.Errorf("alice's %s = %q, want %q", name, got, want)
				}
			}
			do(w.input("reset", false, "acctid", "alice@example.com", "newpw", newPW), "0")
			c, err := safe.NewClient(w.srv.URL, safe.WithHTTPClient(w.srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.LoginPassword(t.Context(), "alice@example.com", newPW); err != nil {
				t.Fatalf("alice with the new password: %v", err)
			}
			it, err := c.Items.Get(t.Context(), w.ad)
			if err != nil || it.Login.Password != adPassword {
				t.Errorf("alice's team item after the reset: %v", err)
			}
		})
	}
}

// TestAgentConnectorFlag: an unknown connector is a usage error (exit 2),
// before any input is read.
func TestAgentConnectorFlag(t *testing.T) {
	cmd := exec.CommandContext(t.Context(), agentBinary(t), "-connector", "ldap")
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("agent -connector ldap: %v, want exit status 2", err)
	}
}
