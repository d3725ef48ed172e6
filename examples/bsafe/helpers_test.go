package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// Canaries: secrets that must never appear in the state file, in an error
// line or on stderr.
const (
	testEmail        = "alice@example.com"
	testPassword     = "sensitive-master-password-7c1"
	testItemPassword = "sensitive-item-password-93a"
)

// testEnv is a safetest server with one user (PBKDF2 5000, to keep the
// tests fast), one personal item, and an app-data directory.
type testEnv struct {
	t    *testing.T
	srv  *safetest.Server
	user *safetest.User
	dir  string
	env  map[string]string // the environment every run sees, besides its own

	fullSyncs atomic.Int32 // the /api/sync requests of all runs
}

// syncCounter counts the full syncs that pass it.
type syncCounter struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (s syncCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/api/sync") {
		s.n.Add(1)
	}
	return s.next.RoundTrip(r)
}

// noRequests is the transport of a testEnv without a server: a command
// that sends anything fails the test.
type noRequests struct{ t *testing.T }

func (n noRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	return nil, errors.New("no server")
}

func newTestEnv(t *testing.T, gen safetest.Generation) *testEnv {
	t.Helper()
	srv := safetest.NewServer(safetest.WithGeneration(gen))
	t.Cleanup(srv.Close)
	user, err := srv.AddUser(safetest.UserSpec{Email: testEmail, Password: testPassword, KDF: safetest.PBKDF2(5000)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddItem(user, safetest.Item{Name: "AD", Login: &safetest.Login{Username: "bonnil", Password: testItemPassword}}); err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, srv: srv, user: user, dir: filepath.Join(t.TempDir(), "appdata"),
		env: map[string]string{"BW_PASSWORD": testPassword}}
	e.mustRun("", nil, "config", "server", srv.URL)
	return e
}

// result is one run of the program.
type result struct {
	stdout, stderr string
	code           int
}

// run runs bsafe in-process with stdin and the extra environment.
func (e *testEnv) run(stdin string, env map[string]string, args ...string) result {
	e.t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(strings.NewReader(stdin), &stdout, &stderr, func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == "BSAFE_APPDATA_DIR" {
			return e.dir
		}
		return e.env[k]
	})
	var rt http.RoundTripper = noRequests{e.t}
	if e.srv != nil {
		rt = e.srv.Client().Transport
	}
	a.httpClient = &http.Client{Transport: syncCounter{rt, &e.fullSyncs}}
	a.isTerminal = func(any) bool { return false }
	code := a.run(context.Background(), args)
	return result{stdout.String(), stderr.String(), code}
}

// mustRun is run that fails the test unless the command succeeds with
// nothing on stderr; it returns stdout.
func (e *testEnv) mustRun(stdin string, env map[string]string, args ...string) string {
	e.t.Helper()
	r := e.run(stdin, env, args...)
	if r.code != 0 || r.stderr != "" {
		e.t.Fatalf("bsafe %s: exit %d, stderr %q, stdout %q", strings.Join(args, " "), r.code, r.stderr, r.stdout)
	}
	return r.stdout
}

// login logs in with --raw and returns the session key.
func (e *testEnv) login() string {
	e.t.Helper()
	key := e.mustRun("", nil, "login", testEmail, "--passwordenv", "BW_PASSWORD", "--raw")
	checkSessionKey(e.t, key)
	return key
}

// checkSessionKey fails unless key has the form of bw's session keys: the
// standard base64 of 64 random bytes, alone on the output.
func checkSessionKey(t *testing.T, key string) {
	t.Helper()
	if len(key) != 88 || !strings.HasSuffix(key, "==") || strings.ContainsAny(key, " \n") {
		t.Fatalf("session key %q: not the base64 of 64 bytes", key)
	}
}

// stateBytes is the state file's content ("" when absent).
func (e *testEnv) stateBytes() string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, stateFile))
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	return string(b)
}

// failsWith checks that r is a failure with exactly the one line msg on
// stderr and nothing on stdout.
func failsWith(t *testing.T, r result, msg string) {
	t.Helper()
	if r.code != 1 || r.stdout != "" || r.stderr != msg {
		t.Fatalf("got exit %d, stdout %q, stderr %q; want exit 1, no stdout, stderr %q", r.code, r.stdout, r.stderr, msg)
	}
}

var bothGens = []struct {
	name string
	gen  safetest.Generation
}{{"current", safetest.GenCurrent}, {"2023", safetest.Gen2023}}
