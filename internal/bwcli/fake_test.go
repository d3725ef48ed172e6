package bwcli

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// fakeNode makes a CLI whose "node" is a shell script standing in for
// the official CLI. Each run appends its arguments (one line, after the
// bw.js path) to argv.log and its environment to env.log. "bw login"
// (and "bw login --apikey") prints each line of loginReplies in turn:
// "ok" prints a session key, anything else is written to stderr with
// exit 1. "bw unlock" prints a session key; "bw create" and "bw edit"
// append their standard input (and a newline) to stdin.log; "bw delete"
// prints each line of the file delete-replies in turn, if the test wrote
// one ("ok" succeeds, anything else is printed with exit 1); every other
// command succeeds silently.
func fakeNode(t *testing.T, loginReplies ...string) (*CLI, string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake CLI is a shell script")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "replies"), []byte(strings.Join(loginReplies, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
log=` + dir + `
shift # bw.js
echo "$*" >> "$log/argv.log"
env >> "$log/env.log"
echo --- >> "$log/env.log"
if [ "$1" = create ] || [ "$1" = edit ]; then cat >> "$log/stdin.log"; echo >> "$log/stdin.log"; exit 0; fi
[ "$1" = unlock ] && { echo fake-session-key; exit 0; }
if [ "$1" = delete ] && [ -f "$log/delete-replies" ]; then
	n=$(cat "$log/dn" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$log/dn"
	reply=$(sed -n "${n}p" "$log/delete-replies")
	[ "$reply" = ok ] && exit 0
	echo "$reply"; exit 1
fi
[ "$1" = login ] || exit 0
n=$(cat "$log/n" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$log/n"
reply=$(sed -n "${n}p" "$log/replies")
if [ "$reply" = ok ]; then echo fake-session-key; exit 0; fi
echo "$reply" >&2
exit 1
`
	node := filepath.Join(dir, "node")
	if err := os.WriteFile(node, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	return &CLI{Version: V2023, tb: t, node: node, bwjs: "bw.js", dir: work, server: "https://127.0.0.1:1"}, dir
}

func readLog(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLoginRetriesUserKeyRace: the 2023.9.1 CLI's own state race is
// retried in a fresh, re-configured data directory, and logged.
func TestLoginRetriesUserKeyRace(t *testing.T) {
	c, log := fakeNode(t, "No encrypted user key found.", "ok")
	appdata := filepath.Join(c.dir, "appdata")
	if err := os.MkdirAll(appdata, 0o700); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(appdata, "data.json")
	if err := os.WriteFile(stale, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := c.Login("a@example.com", "pw")
	if err != nil || s != "fake-session-key" || c.Session() != s {
		t.Fatalf("Login = %q, %v; want the session key of the second attempt", s, err)
	}
	argv := readLog(t, log, "argv.log")
	want := "login a@example.com --passwordenv BW_PASSWORD --raw\n" +
		"config server https://127.0.0.1:1\n" +
		"login a@example.com --passwordenv BW_PASSWORD --raw\n"
	if argv != want {
		t.Errorf("commands run:\n%s\nwant:\n%s", argv, want)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the data directory of the failed login was kept (%v)", err)
	}
}

// TestLoginRetryBounded: the race is retried loginAttempts times in all,
// then reported; any other failure is reported at once.
func TestLoginRetryBounded(t *testing.T) {
	race := "No encrypted user key found."
	c, log := fakeNode(t, race, race, race, "ok")
	if _, err := c.Login("a@example.com", "pw"); err == nil || !strings.Contains(err.Error(), userKeyRace) {
		t.Errorf("Login = %v; want the race after %d attempts", err, loginAttempts)
	}
	if n := strings.Count(readLog(t, log, "argv.log"), "login "); n != loginAttempts {
		t.Errorf("%d logins, want %d", n, loginAttempts)
	}

	c, log = fakeNode(t, "Username or password is incorrect. Try again.", "ok")
	if _, err := c.Login("a@example.com", "pw"); err == nil || !strings.Contains(err.Error(), "incorrect") {
		t.Errorf("Login = %v; want the wrong-password error", err)
	}
	if n := strings.Count(readLog(t, log, "argv.log"), "login "); n != 1 {
		t.Errorf("a wrong password was tried %d times, want once", n)
	}
}

// TestSecretsNotOnCommandLine: a process's arguments are visible to every
// user of the machine (/proc/<pid>/cmdline, ps), its environment is not;
// so passwords, API keys and session keys travel only in variables.
func TestSecretsNotOnCommandLine(t *testing.T) {
	const password, clientSecret = "sensitive-master-password", "sensitive-client-secret"
	c, log := fakeNode(t, "ok", "ok")
	if _, err := c.Login("a@example.com", password, "--method", "0", "--code", "123456"); err != nil {
		t.Fatal(err)
	}
	if err := c.LoginAPIKey("user.id", clientSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unlock(password); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run("sync"); err != nil {
		t.Fatal(err)
	}
	argv := readLog(t, log, "argv.log")
	for _, secret := range []string{password, clientSecret, "fake-session-key"} {
		if strings.Contains(argv, secret) {
			t.Errorf("a secret is on a command line:\n%s", argv)
		}
	}
	if want := "login --apikey\nunlock --passwordenv BW_PASSWORD --raw\nsync\n"; !strings.HasSuffix(argv, want) {
		t.Errorf("commands run:\n%s\nwant them to end with:\n%s", argv, want)
	}
	env := readLog(t, log, "env.log")
	for _, kv := range []string{"BW_PASSWORD=" + password, "BW_CLIENTSECRET=" + clientSecret, "BW_CLIENTID=user.id", "BW_SESSION=fake-session-key"} {
		if !strings.Contains(env, kv+"\n") {
			t.Errorf("no %s in any command's environment", kv[:strings.Index(kv, "=")])
		}
	}
}

// TestItemJSONNotOnCommandLine: the encoded JSON of "bw create" and
// "bw edit", which holds an item's password, reaches the CLI on standard
// input; the other arguments stay as given.
func TestItemJSONNotOnCommandLine(t *testing.T) {
	c, log := fakeNode(t)
	item, err := Encode(map[string]any{"name": "n", "login": map[string]any{"password": "sensitive-item-password"}})
	if err != nil {
		t.Fatal(err)
	}
	folder, err := Encode(map[string]any{"name": "f"})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"create", "item", item, "--organizationid", "org-1"},
		{"edit", "item", "id-1", item},
		{"edit", "item-collections", "id-1", folder},
		{"create", "folder", folder},
	} {
		if _, err := c.Run(args...); err != nil {
			t.Fatal(err)
		}
	}
	wantArgv := "create item --organizationid org-1\nedit item id-1\nedit item-collections id-1\ncreate folder\n"
	if argv := readLog(t, log, "argv.log"); argv != wantArgv {
		t.Errorf("command lines:\n%s\nwant:\n%s", argv, wantArgv)
	}
	wantStdin := strings.Join([]string{item, item, folder, folder}, "\n") + "\n"
	if stdin := readLog(t, log, "stdin.log"); stdin != wantStdin {
		t.Errorf("standard input:\n%s\nwant:\n%s", stdin, wantStdin)
	}
}

func TestJSONToStdinLeavesOtherCommands(t *testing.T) {
	for _, args := range [][]string{
		{"get", "item", "id-1"},
		{"edit", "item", "id-1"},
		{"create", "--pretty", "item", "e30="},
		{"list", "items", "--search", "x"},
		{},
	} {
		rest, input := jsonToStdin(args)
		if input != "" || !slices.Equal(rest, args) {
			t.Errorf("jsonToStdin(%q) = %q, %q; want the arguments unchanged", args, rest, input)
		}
	}
}

// TestRunOnItemRetriesNotFound: a command on an item that the CLI does not
// hold yet (its own state race) is retried after a forced sync (a plain
// one may fetch nothing), and logged.
func TestRunOnItemRetriesNotFound(t *testing.T) {
	c, log := fakeNode(t)
	if err := os.WriteFile(filepath.Join(log, "delete-replies"), []byte("Not found.\nNot found.\nok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunOnItem("delete", "item", "i1"); err != nil {
		t.Fatalf("RunOnItem: %v", err)
	}
	want := "delete item i1\nsync --force\ndelete item i1\nsync --force\ndelete item i1\n"
	if got := readLog(t, log, "argv.log"); got != want {
		t.Errorf("commands run:\n%s\nwant:\n%s", got, want)
	}
}

// TestRunOnItemBounded: an item that really is missing still fails, after
// notFoundAttempts attempts; other failures are not retried.
func TestRunOnItemBounded(t *testing.T) {
	c, log := fakeNode(t)
	replies := strings.Repeat("Not found.\n", notFoundAttempts+1)
	if err := os.WriteFile(filepath.Join(log, "delete-replies"), []byte(replies), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunOnItem("delete", "item", "i1"); err == nil || !strings.Contains(err.Error(), "Not found") {
		t.Fatalf("RunOnItem of a missing item: %v, want Not found", err)
	}
	if n := strings.Count(readLog(t, log, "argv.log"), "delete item i1"); n != notFoundAttempts {
		t.Errorf("%d attempts, want %d", n, notFoundAttempts)
	}

	c, log = fakeNode(t)
	if err := os.WriteFile(filepath.Join(log, "delete-replies"), []byte("Invalid master password.\nok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunOnItem("delete", "item", "i1"); err == nil {
		t.Fatalf("RunOnItem retried a failure that is not Not found")
	}
	if got := readLog(t, log, "argv.log"); got != "delete item i1\n" {
		t.Errorf("commands run: %q, want one delete", got)
	}
}
