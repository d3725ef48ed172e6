package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

type statusJSON struct {
	ServerURL *string `json:"serverUrl"`
	LastSync  *string `json:"lastSync"`
	UserEmail string  `json:"userEmail"`
	UserID    string  `json:"userId"`
	Status    string  `json:"status"`
}

func (e *testEnv) status(env map[string]string, args ...string) statusJSON {
	e.t.Helper()
	out := e.mustRun("", env, append([]string{"status"}, args...)...)
	var s statusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		e.t.Fatalf("status %q: %v", out, err)
	}
	return s
}

// TestSessionLifecycle walks login, status, sync, lock, unlock and logout on
// both server generations, checking each state and message as bw's.
func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	for _, g := range bothGens {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t, g.gen)
			if got := e.mustRun("", nil, "config", "server"); got != e.srv.URL {
				t.Errorf("config server = %q, want %q", got, e.srv.URL)
			}
			if s := e.status(nil); s.Status != "unauthenticated" || s.UserEmail != "" || s.LastSync != nil || s.ServerURL == nil || *s.ServerURL != e.srv.URL {
				t.Errorf("status before login = %+v", s)
			}

			key := e.login()
			withKey := map[string]string{"BW_SESSION": key}
			// Unlike bw's, bsafe's login does not sync (README): no lastSync yet.
			if s := e.status(nil); s.Status != "locked" || s.UserEmail != testEmail || s.UserID != e.user.ID || s.LastSync != nil {
				t.Errorf("status without the key = %+v, want locked, with the user and no sync", s)
			}
			if s := e.status(withKey); s.Status != "unlocked" {
				t.Errorf("status with BW_SESSION = %+v", s)
			}
			if s := e.status(nil, "--session", key); s.Status != "unlocked" {
				t.Errorf("status --session = %+v", s)
			}
			if s := e.status(map[string]string{"BW_SESSION": strings.Repeat("A", 86) + "=="}); s.Status != "locked" {
				t.Errorf("status with a wrong key = %+v, want locked", s)
			}

			if got := e.mustRun("", withKey, "sync"); got != "Syncing complete." {
				t.Errorf("sync = %q", got)
			}
			if s := e.status(nil); s.LastSync == nil {
				t.Errorf("status after sync = %+v, want its lastSync", s)
			}
			last := e.mustRun("", nil, "sync", "--last")
			if _, err := time.Parse(time.RFC3339, last); err != nil {
				t.Errorf("sync --last = %q: %v", last, err)
			}

			if got := e.mustRun("", nil, "lock"); got != "Your vault is locked." {
				t.Errorf("lock = %q", got)
			}
			if s := e.status(withKey); s.Status != "locked" {
				t.Errorf("status after lock, with the old key = %+v", s)
			}
			failsWith(t, e.run("", withKey, "sync"), "Vault is locked.")

			pwFile := filepath.Join(t.TempDir(), "pw")
			if err := os.WriteFile(pwFile, []byte(testPassword+"\nsecond line\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			key2 := e.mustRun("", nil, "unlock", "--passwordfile", pwFile, "--raw")
			checkSessionKey(t, key2)
			if key2 == key {
				t.Error("unlock printed the old session key")
			}
			if s := e.status(map[string]string{"BW_SESSION": key2}); s.Status != "unlocked" {
				t.Errorf("status with the new key = %+v", s)
			}
			if s := e.status(withKey); s.Status != "locked" {
				t.Errorf("status with the key from before unlock = %+v, want locked", s)
			}

			// Without --raw, the messages are bw's, with the key in them.
			msg := e.mustRun("", nil, "unlock", "--passwordenv", "BW_PASSWORD")
			if !strings.HasPrefix(msg, "Your vault is now unlocked!\n\nTo unlock your vault, set your session key to the `BW_SESSION` environment variable. ex:\n$ export BW_SESSION=\"") {
				t.Errorf("unlock message = %q", msg)
			}

			if got := e.mustRun("", nil, "logout"); got != "You have logged out." {
				t.Errorf("logout = %q", got)
			}
			if s := e.status(nil); s.Status != "unauthenticated" || s.UserEmail != "" || s.LastSync != nil {
				t.Errorf("status after logout = %+v", s)
			}
			failsWith(t, e.run("", nil, "logout"), "You are not logged in.")
			failsWith(t, e.run("", nil, "lock"), "You are not logged in.")
			failsWith(t, e.run("", withKey, "sync"), "You are not logged in.")

			// The server stays configured, and login works again.
			msg = e.mustRun("", nil, "login", testEmail, testPassword)
			if !strings.HasPrefix(msg, "You are logged in!\n\nTo unlock your vault, set your session key") || !strings.Contains(msg, "$ bw list items --session ") {
				t.Errorf("login message = %q", msg)
			}
			failsWith(t, e.run("", nil, "login", testEmail, testPassword), "You are already logged in as "+testEmail+".")
			failsWith(t, e.run("", nil, "config", "server", "https://other.example.com"), "Logout required before server config update.")
		})
	}
}

// TestLoginPrompts: without a password source, login reads the e-mail and
// the password from stdin after prompts on stderr; --nointeraction refuses.
func TestLoginPrompts(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	r := e.run(testEmail+"\n"+testPassword+"\n", nil, "login", "--raw")
	if r.code != 0 || r.stderr != "Email address: Master password: " {
		t.Fatalf("login with prompts: exit %d, stderr %q", r.code, r.stderr)
	}
	checkSessionKey(t, r.stdout)
	e.mustRun("", nil, "logout")

	failsWith(t, e.run(testPassword+"\n", nil, "login", testEmail, "--nointeraction"), "Master password is required.")
	failsWith(t, e.run("", nil, "login", "--nointeraction"), "Email address is required.")
	failsWith(t, e.run("", nil, "login", "alice", "pw"), "Email address is invalid.")
	failsWith(t, e.run("", map[string]string{"BW_PASSWORD": ""}, "login", testEmail, "--passwordenv", "BW_PASSWORD", "--nointeraction"), "Master password is required.")
}

// TestLoginAPIKey: login --apikey with BW_CLIENTID/BW_CLIENTSECRET; unlock
// after lock uses the API key again when it is in the environment.
func TestLoginAPIKey(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	keyEnv := map[string]string{"BW_CLIENTID": e.user.ClientID, "BW_CLIENTSECRET": e.user.ClientSecret}
	key := e.mustRun("", keyEnv, "login", "--apikey", "--passwordenv", "BW_PASSWORD", "--raw")
	checkSessionKey(t, key)
	if s := e.status(map[string]string{"BW_SESSION": key}); s.Status != "unlocked" || s.UserEmail != testEmail {
		t.Errorf("status after login --apikey = %+v", s)
	}
	e.mustRun("", nil, "lock")
	checkSessionKey(t, e.mustRun("", keyEnv, "unlock", "--passwordenv", "BW_PASSWORD", "--raw"))
	e.mustRun("", nil, "logout")

	failsWith(t, e.run("", map[string]string{"BW_CLIENTID": e.user.ClientID, "BW_CLIENTSECRET": "wrong"}, "login", "--apikey", "--passwordenv", "BW_PASSWORD"),
		"client_id or client_secret is incorrect. Try again.")
	failsWith(t, e.run("", nil, "login", "--apikey", "--nointeraction"), "client_id is required.")
	failsWith(t, e.run("", map[string]string{"BW_CLIENTID": e.user.ClientID}, "login", "--apikey", "--nointeraction"), "client_secret is required.")
	failsWith(t, e.run("", map[string]string{"BW_CLIENTID": "organization.x", "BW_CLIENTSECRET": "s"}, "login", "--apikey"), "Organization API Key currently not supported")
	failsWith(t, e.run("", map[string]string{"BW_CLIENTID": "x", "BW_CLIENTSECRET": "s"}, "login", "--apikey"), "Invalid API Key")
	if s := e.status(nil); s.Status != "unauthenticated" {
		t.Errorf("status after failed API-key logins = %+v", s)
	}
}

// TestSyncProgress: the progress indicator goes to stderr only when stderr
// is a terminal, and is erased; stdout has the message alone.
func TestSyncProgress(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	key := e.login()
	var stdout, stderr strings.Builder
	a := newApp(strings.NewReader(""), &stdout, &stderr, func(k string) string {
		return map[string]string{"BSAFE_APPDATA_DIR": e.dir, "BW_SESSION": key}[k]
	})
	a.httpClient = e.srv.Client()
	a.isTerminal = func(s any) bool { return s == &stderr }
	if code := a.run(t.Context(), []string{"sync"}); code != 0 {
		t.Fatalf("sync: exit %d, stderr %q", code, stderr.String())
	}
	if got := stdout.String(); got != "Syncing complete." {
		t.Errorf("stdout = %q", got)
	}
	if got := stderr.String(); !strings.HasPrefix(got, "\r| Syncing...") || !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("stderr = %q, want the spinner, then erased", got)
	}
	// Not a terminal: nothing on stderr (the other tests' runs check that
	// stderr is empty on success through mustRun).
	if r := e.run("", map[string]string{"BW_SESSION": key}, "sync"); r.stderr != "" {
		t.Errorf("sync with stderr not a terminal wrote %q", r.stderr)
	}
}

// TestChecksAndTwoFactor: login --check, unlock --check, and a login that
// needs a second factor, refused without --code and accepted with it.
func TestChecksAndTwoFactor(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	failsWith(t, e.run("", nil, "login", "--check"), "You are not logged in.")
	failsWith(t, e.run("", nil, "unlock", "--check"), "You are not logged in.")
	if err := e.srv.RequireTwoFactor(e.user, safetest.TwoFactorAuthenticator, "123456"); err != nil {
		t.Fatal(err)
	}
	failsWith(t, e.run("", nil, "login", testEmail, testPassword), "Code is required.")
	failsWith(t, e.run("", nil, "login", testEmail, testPassword, "--method", "x", "--code", "1"), "Invalid two-step login method.")
	key := e.mustRun("", nil, "login", testEmail, testPassword, "--method", "0", "--code", "123456", "--raw")
	checkSessionKey(t, key)
	if got := e.mustRun("", nil, "login", "--check"); got != "You are logged in!" {
		t.Errorf("login --check = %q", got)
	}
	failsWith(t, e.run("", nil, "unlock", "--check"), "Vault is locked.")
	if got := e.mustRun("", map[string]string{"BW_SESSION": key}, "unlock", "--check"); got != "Vault is unlocked!" {
		t.Errorf("unlock --check = %q", got)
	}
}
