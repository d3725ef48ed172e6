package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestBadInput: each bad input is one line on stderr, exit 1, nothing on
// stdout, and the state file exactly as it was.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	key := e.login()
	e.mustRun("", nil, "lock")
	locked := e.stateBytes()

	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown command", nil, []string{"frobnicate", "x"}, "Invalid command: frobnicate"},
		{"no command", nil, []string{"--raw"}, "No command given. See --help for a list of available commands."},
		{"unknown flag", nil, []string{"status", "--bogus"}, "error: unknown option '--bogus'"},
		{"unknown flag before the command", nil, []string{"--bogus=1", "status"}, "error: unknown option '--bogus'"},
		{"unknown short flag", nil, []string{"sync", "-x"}, "error: unknown option '-x'"},
		{"flag without its value", nil, []string{"status", "--session"}, "error: option '--session' argument missing"},
		{"boolean flag with a value", nil, []string{"lock", "--raw=yes"}, "error: option '--raw' takes no value"},
		{"wrong password", nil, []string{"unlock", "sensitive-wrong-password"}, "Invalid master password."},
		{"locked vault", map[string]string{"BW_SESSION": key}, []string{"sync"}, "Vault is locked."},
		{"missing password file", nil, []string{"unlock", "--passwordfile", filepath.Join(e.dir, "none")}, "Cannot read the password file " + filepath.Join(e.dir, "none") + "."},
		{"unknown setting", nil, []string{"config", "region", "eu"}, "Unknown setting."},
	}
	for _, c := range cases {
		r := e.run("", c.env, c.args...)
		t.Run(c.name, func(t *testing.T) {
			failsWith(t, r, c.want)
			if strings.Contains(r.stderr, "sensitive-") {
				t.Errorf("stderr %q holds a secret", r.stderr)
			}
		})
		if got := e.stateBytes(); got != locked {
			t.Fatalf("%s changed the state file", c.name)
		}
	}

	// Unlocked, but without the session key: a vault command is refused.
	e.mustRun("", nil, "unlock", testPassword, "--raw")
	unlocked := e.stateBytes()
	failsWith(t, e.run("", nil, "sync"), "Vault is locked.")
	if e.stateBytes() != unlocked {
		t.Error("sync without a key changed the state file")
	}

	// A wrong password at login (after logout) leaves the account logged out.
	e.mustRun("", nil, "logout")
	loggedOut := e.stateBytes()
	failsWith(t, e.run("", nil, "login", testEmail, "sensitive-wrong-password"), "Username or password is incorrect. Try again.")
	if e.stateBytes() != loggedOut {
		t.Error("a failed login changed the state file")
	}
}

// TestCorruptStateFile: a state file that is not bsafe's JSON fails every
// command that reads it with one line, and is left alone.
func TestCorruptStateFile(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	for _, content := range []string{"{not json", `{"serverUrl":"https://x"}`, "", `[]`} {
		if err := os.WriteFile(filepath.Join(e.dir, stateFile), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		want := "The state file " + filepath.Join(e.dir, stateFile) + " is corrupt; remove it and log in again."
		for _, args := range [][]string{{"status"}, {"login", testEmail, testPassword}, {"config", "server", "https://x.example.com"}, {"lock"}, {"sync"}} {
			failsWith(t, e.run("", map[string]string{"BW_SESSION": "x"}, args...), want)
			if got := e.stateBytes(); got != content {
				t.Fatalf("%v rewrote the corrupt state file to %q", args, got)
			}
		}
	}
}

// TestStateFileHoldsNoSecret: after login, sync and unlock, the state file
// holds neither the master password, nor an item's password, nor a session
// key; and it is private (0600 in a 0700 directory).
func TestStateFileHoldsNoSecret(t *testing.T) {
	t.Parallel()
	for _, g := range bothGens {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, g.gen)
			key := e.login()
			e.mustRun("", map[string]string{"BW_SESSION": key}, "sync")
			check := func(when string, keys ...string) {
				t.Helper()
				s := e.stateBytes()
				if !strings.Contains(s, `"session":`) {
					t.Fatalf("%s: no session in the state file: the check below would prove nothing", when)
				}
				for _, secret := range append([]string{testPassword, testItemPassword, e.user.ClientSecret}, keys...) {
					if strings.Contains(s, secret) {
						t.Errorf("%s: the state file holds a secret (%.12s...)", when, secret)
					}
				}
			}
			check("after login and sync", key)
			key2 := e.mustRun("", map[string]string{"BW_CLIENTSECRET": e.user.ClientSecret}, "unlock", "--passwordenv", "BW_PASSWORD", "--raw")
			check("after unlock", key, key2)

			fi, err := os.Stat(filepath.Join(e.dir, stateFile))
			if err != nil {
				t.Fatal(err)
			}
			di, err := os.Stat(e.dir)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
				t.Errorf("modes: file %v, dir %v; want 0600, 0700", fi.Mode().Perm(), di.Mode().Perm())
			}
			entries, _ := os.ReadDir(e.dir)
			if len(entries) != 1 {
				t.Errorf("app-data dir holds %d entries, want only %s (no temporary file left)", len(entries), stateFile)
			}
		})
	}
}

// TestServerFailures: a login whose token grant fails leaves nobody logged
// in (login does not sync: a failing /api/sync does not concern it), and a
// failed sync leaves the state file (and its last sync date) as it was.
func TestServerFailures(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	before := e.stateBytes()
	e.srv.InjectFault(safetest.Fault{Path: "/identity/connect/token", Status: 400, Count: 10})
	r := e.run("", nil, "login", testEmail, testPassword, "--raw")
	if r.code != 1 || r.stdout != "" || r.stderr == "" || strings.ContainsAny(r.stderr, "\n") || strings.Contains(r.stderr, "sensitive-") {
		t.Fatalf("login with a failing token grant: %+v; want exit 1, one line on stderr, no secret", r)
	}
	if e.stateBytes() != before {
		t.Fatal("a login that failed changed the state file")
	}
	e.srv.ClearFaults()

	key := e.login()
	synced := e.stateBytes()
	e.srv.InjectFault(safetest.Fault{Path: "/api/sync", Status: 400, Count: 10})
	r = e.run("", map[string]string{"BW_SESSION": key}, "sync")
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "Syncing failed: ") || strings.ContainsAny(r.stderr, "\n") {
		t.Fatalf("sync against a failing server: %+v", r)
	}
	if e.stateBytes() != synced {
		t.Error("a failed sync changed the state file")
	}
}
