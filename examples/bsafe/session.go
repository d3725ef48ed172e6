package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/safe"
)

// bw's messages about the session, which scripts match.
const (
	msgNotLoggedIn = "You are not logged in."
	msgLocked      = "Vault is locked."
	msgNeedPass    = "Master password is required."
)

// server is the configured server URL.
func (s *state) server() string {
	if s.ServerURL == "" {
		return defaultServer
	}
	return s.ServerURL
}

// client returns a safe.Client for the configured server and this
// installation's device ID, with the extra options.
func (a *app) client(st *state, extra ...safe.Option) (*safe.Client, error) {
	opts := append([]safe.Option{safe.WithDeviceID(st.DeviceID)}, extra...)
	if a.httpClient != nil {
		opts = append(opts, safe.WithHTTPClient(a.httpClient))
	}
	c, err := safe.NewClient(st.server(), opts...)
	if err != nil {
		return nil, fail("Invalid server URL " + st.server() + ": " + errorMessage(err))
	}
	return c, nil
}

// unlocked returns a client on the saved session, unlocked with the session
// key of --session or $BW_SESSION: the start of every vault command. The
// state it read stays in a.st, for a command that updates it. Without a
// login it fails with bw's "You are not logged in."; without the key, with a
// wrong one or after lock, with "Vault is locked." (bw would prompt for the
// master password unless --nointeraction; bsafe never does, see README).
// The client reads the vault through the vault cache (cache.go) under the
// same key.
func (a *app) unlocked(ctx context.Context) (*safe.Client, error) {
	st, err := a.loadState()
	if err != nil {
		return nil, err
	}
	if !st.loggedIn() {
		return nil, fail(msgNotLoggedIn)
	}
	if st.Session == nil || a.session == "" {
		return nil, fail(msgLocked)
	}
	var opts []safe.Option
	if cache := a.newVaultCache(a.session); cache != nil {
		opts = append(opts, safe.WithSyncCache(cache))
	}
	c, err := a.client(st, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.ResumeSession(ctx, st.Session, a.session); err != nil {
		switch {
		case errors.Is(err, safe.ErrInvalidSession):
			return nil, fail(msgLocked)
		case errors.Is(err, safe.ErrUnauthorized):
			return nil, fail("Your session has expired; log in again.")
		}
		return nil, err
	}
	return c, nil
}

// cmdConfig is "config server [url]".
func (a *app) cmdConfig(_ context.Context, in *input) (*output, error) {
	if len(in.args) == 0 {
		return nil, fail("error: missing required argument 'setting'")
	}
	if strings.ToLower(in.arg(0)) != "server" || len(in.args) > 2 {
		return nil, fail("Unknown setting.")
	}
	st, err := a.loadState()
	if err != nil {
		return nil, err
	}
	url := strings.TrimSpace(in.arg(1))
	if url == "" {
		return text(st.server()), nil
	}
	if st.loggedIn() {
		return nil, fail("Logout required before server config update.")
	}
	switch url {
	case "null", "bitwarden.com", "https://bitwarden.com":
		url = ""
	default:
		if !strings.Contains(url, "://") {
			url = "https://" + url // as bw, which takes a bare host name
		}
		url = strings.TrimRight(url, "/")
	}
	st.ServerURL = url
	if url != "" {
		if _, err := a.client(st); err != nil {
			return nil, err
		}
	}
	if err := a.saveState(st); err != nil {
		return nil, err
	}
	return message("Saved setting `config`.", "", ""), nil
}

// cmdLogin is "login [email] [password]", or "login --apikey".
func (a *app) cmdLogin(ctx context.Context, in *input) (*output, error) {
	st, err := a.loadState()
	if err != nil {
		return nil, err
	}
	if in.has("check") {
		if st.loggedIn() {
			return message("You are logged in!", "", ""), nil
		}
		return nil, fail(msgNotLoggedIn)
	}
	if in.has("sso") {
		// bw's SSO login opens a browser and waits for its redirect on a
		// local port: there is no such flow without a browser, which the
		// scripts bsafe is for do not have.
		return nil, fail("bsafe does not support --sso. Log in with --apikey (BW_CLIENTID, BW_CLIENTSECRET) or a master password.")
	}
	if st.loggedIn() {
		return nil, fail("You are already logged in as " + st.Email + ".")
	}
	c, err := a.client(st)
	if err != nil {
		return nil, err
	}
	if in.has("apikey") {
		id, err := a.envOrPrompt("BW_CLIENTID", "client_id:")
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(id) == "" {
			return nil, fail("client_id is required.")
		}
		secret, err := a.envOrPrompt("BW_CLIENTSECRET", "client_secret:")
		if err != nil {
			return nil, err
		}
		if secret == "" {
			return nil, fail("client_secret is required.")
		}
		switch {
		case strings.HasPrefix(id, "organization"):
			return nil, fail("Organization API Key currently not supported")
		case !strings.HasPrefix(id, "user"):
			return nil, fail("Invalid API Key")
		}
		// bsafe needs the master password at once: package safe unlocks
		// the account keys as part of an API-key login (README: bw defers
		// this to unlock).
		pw, err := a.password(in, in.arg(1))
		if err != nil {
			return nil, err
		}
		if err := c.LoginAPIKey(ctx, id, secret, pw); err != nil {
			return nil, loginError(err)
		}
		st.APIKey = true
	} else {
		email := in.arg(0)
		if email == "" && !a.noInteraction {
			if email, err = a.prompt("Email address: "); err != nil {
				return nil, err
			}
		}
		email = strings.TrimSpace(email)
		if email == "" {
			return nil, fail("Email address is required.")
		}
		if !strings.Contains(email, "@") {
			return nil, fail("Email address is invalid.")
		}
		pw, err := a.password(in, in.arg(1))
		if err != nil {
			return nil, err
		}
		var opts []safe.LoginOption
		if code, ok := in.value("code"); ok {
			method := 0 // bw's default when --method is absent: the authenticator app
			if m, ok := in.value("method"); ok {
				if method, err = strconv.Atoi(m); err != nil {
					return nil, fail("Invalid two-step login method.")
				}
			}
			opts = append(opts, safe.WithTwoFactor(safe.TwoFactorProvider(method), code, false))
		}
		if err := c.LoginPassword(ctx, email, pw, opts...); err != nil {
			return nil, loginError(err)
		}
	}
	return a.saveUnlocked(c, st, "You are logged in!")
}

// loginError turns a login failure into bw's messages.
func loginError(err error) error {
	if errors.Is(err, safe.ErrTwoFactorRequired) {
		return fail("Code is required.") // bw's, after it could not prompt for the code
	}
	if errors.Is(err, safe.ErrNewDevice) {
		return fail("New device verification required.")
	}
	return err
}

// saveUnlocked saves c's session (the blob in the state file, the key
// printed only) and returns bw's message after login or unlock. Unlike
// bw's login, it does not sync: the user's ID and e-mail, all that status
// needs, come with the session, and the first command that reads the
// vault syncs (README). The vault cache, under the key this replaces, is
// deleted.
func (a *app) saveUnlocked(c *safe.Client, st *state, title string) (*output, error) {
	id, email, err := c.Account()
	if err != nil {
		return nil, err
	}
	blob, key, err := c.ExportSession()
	if err != nil {
		return nil, err
	}
	if err := a.removeCache(); err != nil {
		return nil, err
	}
	st.Email, st.UserID, st.Session = email, id, blob
	if err := a.saveState(st); err != nil {
		return nil, err
	}
	return message(title, sessionHint(key), key), nil
}

// sessionHint is bw's text after login and unlock.
func sessionHint(key string) string {
	return "\nTo unlock your vault, set your session key to the `BW_SESSION` environment variable. ex:\n" +
		`$ export BW_SESSION="` + key + "\"\n" +
		`> $env:BW_SESSION="` + key + "\"\n\n" +
		"You can also pass the session key to any command with the `--session` option. ex:\n" +
		"$ bw list items --session " + key
}

// cmdUnlock is "unlock [password]": a new login with the saved e-mail (or
// the API key in BW_CLIENTID/BW_CLIENTSECRET after "login --apikey"), which
// re-derives the keys and prints a new session key. The old key no longer
// opens the saved session, as bw's.
func (a *app) cmdUnlock(ctx context.Context, in *input) (*output, error) {
	st, err := a.loadState()
	if err != nil {
		return nil, err
	}
	if !st.loggedIn() {
		return nil, fail(msgNotLoggedIn)
	}
	if in.has("check") {
		if _, err := a.unlocked(ctx); err != nil {
			return nil, err
		}
		return message("Vault is unlocked!", "", ""), nil
	}
	pw, err := a.password(in, in.arg(0))
	if err != nil {
		return nil, err
	}
	c, err := a.client(st)
	if err != nil {
		return nil, err
	}
	id, secret := a.getenv("BW_CLIENTID"), a.getenv("BW_CLIENTSECRET")
	if st.APIKey && id != "" && secret != "" {
		err = c.LoginAPIKey(ctx, id, secret, pw)
	} else {
		err = c.LoginPassword(ctx, st.Email, pw)
	}
	if errors.Is(err, safe.ErrWrongPassword) {
		return nil, fail("Invalid master password.")
	}
	if err != nil {
		return nil, loginError(err)
	}
	return a.saveUnlocked(c, st, "Your vault is now unlocked!")
}

// cmdLock is "lock": the saved session is dropped, so no session key opens
// anything until unlock; the account stays logged in.
func (a *app) cmdLock(context.Context, *input) (*output, error) {
	st, err := a.loadState()
	if err != nil {
		return nil, err
	}
	if !st.loggedIn() {
		return nil, fail(msgNotLoggedIn)
	}
	st.Session = nil
	if err := a.saveState(st); err != nil {
		return nil, err
	}
	// The key is forgotten, so the cache is of no use: delete it.
	if err := a.removeCache(); err != nil {
		return nil, err
	}
	return message("Your vault is locked.", "", ""), nil
}

// cmdLogout is "logout": everything of the account is forgotten; the server
// URL and the device ID stay.
func (a *app) cmdLogout(context.Context, *input) (*output, error) {
	st, err := a.loadState()
	if err != nil {
		return nil, err
	}
	if !st.loggedIn() {
		return nil, fail(msgNotLoggedIn)
	}
	*st = state{ServerURL: st.ServerURL, DeviceID: st.DeviceID}
	if err := a.saveState(st); err != nil {
		return nil, err
	}
	if err := a.removeCache(); err != nil {
		return nil, err
	}
	return message("You have logged out.", "", ""), nil
}

// statusData is bw's status template. The user's members are left out when
// nobody is logged in, as bw leaves them out.
type statusData struct {
	ServerURL *string `json:"serverUrl"`
	LastSync  *string `json:"lastSync"`
	UserEmail string  `json:"userEmail,omitempty"`
	UserID    string  `json:"userId,omitempty"`
	Status    string  `json:"status"`
}

// isoTime is the form of bw's dates (JavaScript's toISOString).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// cmdStatus is "status".
func (a *app) cmdStatus(ctx context.Context, _ *input) (*output, error) {
	st, err := a.loadState()
	if err != nil {
		return nil, err
	}
	out := statusData{Status: "unauthenticated"}
	if st.ServerURL != "" {
		out.ServerURL = &st.ServerURL
	}
	if st.LastSync != nil {
		s := isoTime(*st.LastSync)
		out.LastSync = &s
	}
	if st.loggedIn() {
		out.UserEmail, out.UserID, out.Status = st.Email, st.UserID, "locked"
		if _, err := a.unlocked(ctx); err == nil {
			out.Status = "unlocked"
		}
	}
	return template(out), nil
}

// cmdSync is "sync" (and "sync --last"). A progress indicator goes to stderr
// while it runs, when stderr is a terminal.
func (a *app) cmdSync(ctx context.Context, in *input) (*output, error) {
	if in.has("last") {
		st, err := a.loadState()
		if err != nil {
			return nil, err
		}
		if !st.loggedIn() {
			return nil, fail(msgNotLoggedIn)
		}
		if st.LastSync == nil {
			return text(""), nil
		}
		return text(isoTime(*st.LastSync)), nil
	}
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	stop := a.progress("Syncing...")
	err = c.Sync(ctx) // always a full sync, which replaces the vault cache
	stop()
	if err != nil {
		return nil, fail("Syncing failed: " + errorMessage(err))
	}
	now := time.Now().UTC()
	a.st.LastSync = &now
	if err := a.saveState(a.st); err != nil {
		return nil, err
	}
	return message("Syncing complete.", "", ""), nil
}

// progress shows a spinner with label on stderr until the returned func is
// called, which erases it. It shows nothing unless stderr is a terminal (so
// that logs and pipes never see it) or with --quiet.
func (a *app) progress(label string) (stop func()) {
	if a.quiet || !a.isTerminal(a.stderr) {
		return func() {}
	}
	frames := `|/-\`
	fmt.Fprintf(a.stderr, "\r%c %s", frames[0], label)
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 1; ; i++ {
			select {
			case <-done:
				fmt.Fprint(a.stderr, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(a.stderr, "\r%c %s", frames[i%len(frames)], label)
			}
		}
	}()
	return func() { close(done); <-finished }
}

// password is the master password of login or unlock: the positional
// argument, else --passwordfile's first line, else $VAR of --passwordenv,
// else a prompt (unless --nointeraction). The prompt does not turn echo off:
// that needs golang.org/x/term, which is not among the module's
// dependencies; pass the password through --passwordenv or --passwordfile
// on a shared screen.
func (a *app) password(in *input, positional string) (string, error) {
	if positional != "" {
		return positional, nil
	}
	if f, ok := in.value("passwordfile"); ok {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fail("Cannot read the password file " + f + ".")
		}
		line, _, _ := strings.Cut(string(b), "\n")
		if line = strings.TrimSuffix(line, "\r"); line != "" {
			return line, nil
		}
		return "", fail(msgNeedPass)
	}
	if v, ok := in.value("passwordenv"); ok && a.getenv(v) != "" {
		return a.getenv(v), nil
	}
	if !a.noInteraction {
		pw, err := a.prompt("Master password: ")
		if err != nil {
			return "", err
		}
		if pw != "" {
			return pw, nil
		}
	}
	return "", fail(msgNeedPass)
}

// envOrPrompt returns $name, or prompts for it unless --nointeraction.
func (a *app) envOrPrompt(name, label string) (string, error) {
	if v := a.getenv(name); v != "" {
		return v, nil
	}
	if a.noInteraction {
		return "", nil
	}
	return a.prompt(label + " ")
}

// prompt writes label to stderr (stdout stays for the output) and reads one
// line from stdin. End of input is an empty answer.
func (a *app) prompt(label string) (string, error) {
	fmt.Fprint(a.stderr, label)
	if a.stdinLines == nil {
		a.stdinLines = bufio.NewReader(a.stdin)
	}
	line, err := a.stdinLines.ReadString('\n')
	if err != nil && line == "" {
		return "", nil
	}
	return strings.TrimRight(line, "\r\n"), nil
}
