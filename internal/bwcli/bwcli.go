// Package bwcli runs the official Bitwarden CLI (npm @bitwarden/cli) in
// tests, against a safetest server or any Bitwarden-compatible server.
//
// Two versions are pinned: V2023 (2023.9.1, the Bravura Safe era, for
// safetest.Gen2023) and V2026 (2026.9.0, for safetest.GenCurrent). On first
// use each is installed with "npm ci" from the lock files embedded in this
// package into the user cache ($XDG_CACHE_HOME/bsafe/bw/<version>, or
// $BSAFE_BWCLI_CACHE/<version>), so a plain "go test ./..." on a fresh
// machine does all the set-up (it downloads from the npm registry and
// writes about 165 MB to that cache). Without Node.js and npm the tests
// fail, unless the developer opts out with BSAFE_SKIP_INTEROP=1
// (SkipEnv); in CI (BSAFE_REQUIRE_INTEROP or CI set) they cannot be
// skipped at all.
//
// Each CLI has its own data directory (BITWARDENCLI_APPDATA_DIR in
// t.TempDir) and a minimal environment: nothing of the caller's
// environment reaches it but PATH. Secrets never go on the command line,
// which every user of the machine can read: passwords travel in
// BW_PASSWORD (--passwordenv), API keys in BW_CLIENTID/BW_CLIENTSECRET,
// the session key in BW_SESSION, and the encoded JSON of what "bw create"
// and "bw edit" write on standard input.
//
// Every command is a Node.js process of 1 to 2 s of CPU, and the 2026.9.0
// CLI spends as long again waiting on its own timers: tests keep the
// commands few (a login is a full sync, so a fresh CLI needs no "bw sync"
// before reading), and run independent flows side by side with
// Concurrently. At most two CLI processes per CPU run at once in a test
// binary; further commands wait for one to end.
package bwcli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// DefaultTimeout bounds one CLI command.
const DefaultTimeout = 2 * time.Minute

// A CLI is one isolated installation state of the official CLI, logged in
// to at most one account. It is not safe for concurrent use (the CLI's
// own data file is not); use one CLI per goroutine.
type CLI struct {
	// Version is the CLI version, V2023 or V2026.
	Version string

	// Timeout bounds each command (default DefaultTimeout).
	Timeout time.Duration

	tb      testing.TB
	node    string
	bwjs    string
	dir     string
	server  string
	caPEM   string
	session string
}

// New installs (if needed) and prepares the CLI version for the server at
// serverURL: it runs "bw config server serverURL" in a fresh data
// directory. caPEMPath, if not empty, is a PEM file of certificates Node
// should trust (NODE_EXTRA_CA_CERTS), such as a safetest server's
// certificate.
func New(tb testing.TB, version, serverURL, caPEMPath string) *CLI {
	tb.Helper()
	node := requireTools(tb)
	c := &CLI{
		Version: version,
		Timeout: DefaultTimeout,
		tb:      tb,
		node:    node,
		bwjs:    Install(tb, version),
		dir:     tb.TempDir(),
		server:  serverURL,
		caPEM:   caPEMPath,
	}
	if err := c.configServer(); err != nil {
		tb.Fatalf("bwcli: %v", err)
	}
	return c
}

// configServer runs "bw config server" in the data directory.
func (c *CLI) configServer() error {
	_, err := c.Run("config", "server", c.server)
	return err
}

// reset brings the data directory back to what New made: an empty one,
// configured for the server.
func (c *CLI) reset() error {
	if err := os.RemoveAll(c.appData()); err != nil {
		return err
	}
	c.session = ""
	return c.configServer()
}

func (c *CLI) appData() string { return filepath.Join(c.dir, "appdata") }

// Session returns the session key of the last Login or Unlock, which
// later commands receive as BW_SESSION.
func (c *CLI) Session() string { return c.session }

// An Error is a CLI command that failed: it ran and exited non-zero, or
// it could not be run or timed out.
type Error struct {
	Args     []string // the command line after "bw", long arguments shortened
	ExitCode int      // -1 if the command did not exit by itself
	Stdout   string
	Stderr   string
	Err      error // the underlying exec or context error
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if out := strings.TrimSpace(e.Stdout); out != "" {
		if msg != "" {
			msg += "; "
		}
		msg += "stdout: " + out
	}
	return fmt.Sprintf("bw %s: exit %d: %v: %s", strings.Join(e.Args, " "), e.ExitCode, e.Err, tail(msg, 2000))
}

func (e *Error) Unwrap() error { return e.Err }

// Run runs "bw args..." and returns its standard output. A non-zero exit
// is an *Error carrying standard error. The encoded JSON of "bw create"
// and "bw edit" goes to the CLI on its standard input, not on the command
// line (see jsonToStdin).
func (c *CLI) Run(args ...string) (string, error) {
	return c.RunEnv(nil, args...)
}

// RunEnv is Run with extra environment variables for this command only
// (BW_PASSWORD, BW_CLIENTID, ...).
func (c *CLI) RunEnv(env map[string]string, args ...string) (string, error) {
	c.tb.Helper()
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// Waiting for a slot is not part of the command's time.
	procSlots <- struct{}{}
	defer func() { <-procSlots }()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args, input := jsonToStdin(args)
	cmd := exec.CommandContext(ctx, c.node, append([]string{c.bwjs}, args...)...)
	cmd.Dir = c.dir
	cmd.Env = c.environ(env)
	if input != "" {
		cmd.Stdin = strings.NewReader(input)
	}
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.String(), nil
	}
	e := &Error{Args: shorten(args), ExitCode: -1, Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ctx.Err() == nil {
		e.ExitCode = ee.ExitCode()
	}
	if ctx.Err() != nil {
		e.Err = fmt.Errorf("timed out after %v: %w", timeout, ctx.Err())
	}
	return stdout.String(), e
}

// jsonArg is, per command, the position of the encoded-JSON argument
// (the item, folder, ... to write) in "bw create <object> [encodedJson]"
// and "bw edit <object> <id> [encodedJson]".
var jsonArg = map[string]int{"create": 2, "edit": 3}

// jsonToStdin takes the encoded-JSON argument of a create or edit command
// out of args, to go to the CLI's standard input instead, which both
// pinned CLIs read when the argument is absent. An item's JSON holds its
// password and other secrets, and a command line is visible to every user
// of the machine (ps, /proc/<pid>/cmdline). The argument is recognised
// only in its place, after the command's other positional arguments.
func jsonToStdin(args []string) (rest []string, input string) {
	i, ok := 0, false
	if len(args) > 0 {
		i, ok = jsonArg[args[0]]
	}
	if !ok || len(args) <= i {
		return args, ""
	}
	for _, a := range args[:i+1] {
		if strings.HasPrefix(a, "-") {
			return args, ""
		}
	}
	return append(slices.Clip(args[:i]), args[i+1:]...), args[i]
}

// environ is the whole environment of a command: nothing is inherited but
// PATH, so no secret of the caller's environment can reach the CLI.
func (c *CLI) environ(extra map[string]string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + c.dir,
		"BITWARDENCLI_APPDATA_DIR=" + c.appData(),
		"BW_NOINTERACTION=true",
		"NODE_NO_WARNINGS=1",
		"LANG=C.UTF-8",
		"TZ=UTC",
	}
	if c.caPEM != "" {
		env = append(env, "NODE_EXTRA_CA_CERTS="+c.caPEM)
	}
	if c.session != "" {
		env = append(env, "BW_SESSION="+c.session)
	}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

func shorten(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if len(a) > 60 {
			a = a[:40] + "...(" + fmt.Sprint(len(a)) + " bytes)"
		}
		out[i] = a
	}
	return out
}

// loginAttempts bounds the logins Login makes when the CLI loses its own
// state race (userKeyRace).
const loginAttempts = 3

// userKeyRace is how the 2023.9.1 CLI's "bw login" fails when reading
// back its own state fails; it was seen once in four fresh CI runs and
// never on an idle machine. It is not the server's answer: the token
// response always carries Key (safetest's issue), and the CLI, in its
// password login, saves that key to its data file and at once reads it
// back to decrypt it (CryptoService.decryptUserKeyWithMasterKey); the
// message means the read found nothing. That read goes through
// StateService.getAccount, which logs and swallows every storage error
// and returns no account, so any transient failure of it (each read and
// write takes a lock file on data.json, retried with a delay when busy,
// and the login's account switch starts other services reading the
// same file) ends the login with exactly this message, while a fresh
// login in a fresh data directory succeeds.
const userKeyRace = "No encrypted user key found"

// Login runs "bw login email --passwordenv BW_PASSWORD --raw" (plus any
// extra arguments, such as "--method", "0", "--code", code) and keeps the
// session key it prints, which it also returns.
//
// When the CLI loses its own state race (see userKeyRace), the login is
// repeated in a fresh data directory, configured as New left it, at most
// loginAttempts times in all, and each retry is logged; any other failure
// is returned at once.
func (c *CLI) Login(email, password string, extra ...string) (string, error) {
	c.tb.Helper()
	args := append([]string{"login", email, "--passwordenv", "BW_PASSWORD", "--raw"}, extra...)
	env := map[string]string{"BW_PASSWORD": password}
	for attempt := 1; ; attempt++ {
		out, err := c.RunEnv(env, args...)
		if err == nil {
			return c.keepSession(out)
		}
		var e *Error
		if attempt == loginAttempts || !errors.As(err, &e) || e.ExitCode != 1 ||
			!strings.Contains(e.Stdout+e.Stderr, userKeyRace) {
			return "", err
		}
		c.tb.Logf("bwcli: bw login (attempt %d of %d) lost the CLI's own state race; "+
			"retrying in a fresh data directory. The CLI said: %s", attempt, loginAttempts, tail(strings.TrimSpace(e.Stderr), 1000))
		if err := c.reset(); err != nil {
			return "", fmt.Errorf("bwcli: resetting the data directory for a new login: %w", err)
		}
	}
}

// LoginAPIKey runs "bw login --apikey" with BW_CLIENTID and
// BW_CLIENTSECRET. The vault stays locked: call Unlock.
func (c *CLI) LoginAPIKey(clientID, clientSecret string) error {
	_, err := c.RunEnv(map[string]string{"BW_CLIENTID": clientID, "BW_CLIENTSECRET": clientSecret}, "login", "--apikey")
	return err
}

// Unlock runs "bw unlock --passwordenv BW_PASSWORD --raw" and keeps the
// session key it prints, which it also returns.
func (c *CLI) Unlock(password string) (string, error) {
	out, err := c.RunEnv(map[string]string{"BW_PASSWORD": password}, "unlock", "--passwordenv", "BW_PASSWORD", "--raw")
	if err != nil {
		return "", err
	}
	return c.keepSession(out)
}

func (c *CLI) keepSession(out string) (string, error) {
	s := strings.TrimSpace(out)
	if s == "" || strings.ContainsAny(s, " \n") {
		return "", errors.New("bwcli: the CLI printed no session key")
	}
	c.session = s
	return s, nil
}

// JSON runs "bw args..." and decodes its JSON output into v.
func (c *CLI) JSON(v any, args ...string) error {
	out, err := c.Run(args...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		return fmt.Errorf("bwcli: bw %s: output is not JSON: %w", strings.Join(shorten(args), " "), err)
	}
	return nil
}

// Encode returns what "bw encode" makes of v's JSON: the base64 argument
// that "bw create" and "bw edit" take. Pass it to Run in its place on the
// command line; Run hands it to the CLI on standard input.
func Encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// GetItemAfterSync runs "bw sync" (with --force if force) and then
// "bw get item id", decoding the item into v, through JSONOnItem.
func (c *CLI) GetItemAfterSync(v any, id string, force bool) error {
	c.tb.Helper()
	sync := []string{"sync"}
	if force {
		sync = append(sync, "--force")
	}
	if _, err := c.Run(sync...); err != nil {
		return err
	}
	return c.JSONOnItem(v, "get", "item", id)
}

// notFoundAttempts bounds the attempts of a command on an item that the
// CLI answers with "Not found" (see RunOnItem).
const notFoundAttempts = 4

// RunOnItem is Run for a command on a vault object that the CLI must
// already hold in its data file (get, edit, delete, restore of an item).
// The 2023.9.1 CLI sometimes exits before it has written what a sync
// fetched, or what it just created, to that file (seen here about once in
// six syncs, whatever the server data), so the next command finds nothing
// and says "Not found." before it sends any request. Such a failure is
// logged and retried after a "bw sync --force", at most notFoundAttempts
// times in all: an object that really is missing still fails. The sync
// is forced because a plain "bw sync" fetches nothing when the account's
// revision date is not newer than the CLI's record of its last sync,
// which the lost sync may well have written (seen here on a loaded
// machine: a login's sync lost, and three plain syncs after it that did
// not bring the item back).
func (c *CLI) RunOnItem(args ...string) (string, error) {
	c.tb.Helper()
	var out string
	err := c.onItem(args, func() (err error) {
		out, err = c.Run(args...)
		return err
	})
	return out, err
}

// JSONOnItem is JSON with the retries of RunOnItem.
func (c *CLI) JSONOnItem(v any, args ...string) error {
	c.tb.Helper()
	return c.onItem(args, func() error { return c.JSON(v, args...) })
}

func (c *CLI) onItem(args []string, cmd func() error) error {
	c.tb.Helper()
	what := "bw " + strings.Join(args[:min(2, len(args))], " ") // never the encoded item
	for attempt := 1; ; attempt++ {
		err := cmd()
		if err == nil || attempt == notFoundAttempts || !strings.Contains(err.Error(), "Not found") {
			return err
		}
		c.tb.Logf("bwcli: %s (attempt %d of %d): the CLI does not hold the item (its own state race); syncing and retrying",
			what, attempt, notFoundAttempts)
		if _, err := c.Run("sync", "--force"); err != nil {
			return err
		}
	}
}
