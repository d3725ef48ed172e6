package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestBinary builds the real binary and checks, across processes, what
// scripts rely on: exit codes, output on stdout only, error lines on stderr
// only, and a session carried from one process to the next by BW_SESSION.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "bsafe")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := safetest.NewServer()
	t.Cleanup(srv.Close)
	if _, err := srv.AddUser(safetest.UserSpec{Email: testEmail, Password: testPassword, KDF: safetest.PBKDF2(5000)}); err != nil {
		t.Fatal(err)
	}
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := srv.WriteCertificatePEM(pem); err != nil {
		t.Fatal(err)
	}
	base := []string{"PATH=" + os.Getenv("PATH"), "BSAFE_APPDATA_DIR=" + filepath.Join(t.TempDir(), "data"),
		"SSL_CERT_FILE=" + pem, "BW_PASSWORD=" + testPassword}
	run := func(env []string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append([]string(nil), base...), env...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("bsafe %v: %v", args, err)
		}
		return result{stdout.String(), stderr.String(), code}
	}
	ok := func(r result, args string) string {
		t.Helper()
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("bsafe %s: exit %d, stderr %q", args, r.code, r.stderr)
		}
		return r.stdout
	}

	failsWith(t, run(nil, "frobnicate"), "Invalid command: frobnicate")
	failsWith(t, run(nil, "status", "--bogus"), "error: unknown option '--bogus'")
	ok(run(nil, "config", "server", srv.URL), "config server")
	if got := ok(run(nil, "status"), "status"); !strings.Contains(got, `"status":"unauthenticated"`) {
		t.Errorf("status = %q", got)
	}
	failsWith(t, run(nil, "login", testEmail, "sensitive-wrong-password"), "Username or password is incorrect. Try again.")
	key := ok(run(nil, "login", testEmail, "--passwordenv", "BW_PASSWORD", "--raw"), "login")
	checkSessionKey(t, key)
	if got := ok(run([]string{"BW_SESSION=" + key}, "sync"), "sync"); got != "Syncing complete." {
		t.Errorf("sync = %q", got)
	}
	if got := ok(run(nil, "--session", key, "status"), "status"); !strings.Contains(got, `"status":"unlocked"`) {
		t.Errorf("status with --session = %q", got)
	}
	failsWith(t, run(nil, "sync"), "Vault is locked.")
	if r := run(nil, "sync", "--response"); r.code != 1 || r.stderr != "" || r.stdout != `{"success":false,"message":"Vault is locked."}` {
		t.Errorf("sync --response while locked: %+v", r)
	}
	if r := run(nil, "sync", "--cleanexit"); r.code != 0 || r.stderr != "Vault is locked." {
		t.Errorf("sync --cleanexit while locked: %+v", r)
	}
}
