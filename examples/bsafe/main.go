// Command bsafe is a single-binary replacement for the subset of the
// official Bitwarden CLI ("bw") that scripts and the Bravura Safe connectors
// use: the same command names, flags, JSON output, messages and exit codes,
// built on package safe instead of Node.js.
//
//	bsafe config server https://safe.example.com
//	export BW_SESSION="$(bsafe login alice@example.com --passwordenv PW --raw)"
//	bsafe sync
//	bsafe list items --search AD
//
// # Adding a command
//
// A command is one entry in the commands table below: its name, the flags
// it takes beyond the global ones (flagDef: long name, optional one-letter
// alias, whether it takes a value), and a function
//
//	func(a *app, ctx context.Context, in *input) (*output, error)
//
// written in the file of its topic (session.go, list.go, get.go, ...). The
// function gets the positional arguments (in.args, without the command name)
// and its flags (in.has, in.value); a vault command starts with
// a.unlocked(ctx) for a resumed *safe.Client. It returns what to print
// (message, text, object, list or template in output.go) or an error
// (fail for a message of bw's, or any error, which errorMessage turns into
// one line). It must not write to a.stdout itself: run prints the output
// only when the command succeeded, so a failing command writes nothing but
// its error line. A command that changes the state file calls a.saveState,
// which replaces the file atomically.
package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the garbage collector's target unless GOGC says otherwise.
// A command reads the whole vault (the cache file, its plaintext, the
// decrypted items: at 10,000 items some 45 MB live) and exits; Go's
// default of 100 lets the heap reach twice that before collecting, so
// peak RSS is nearly halved for a few percent of CPU time.
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	a := newApp(os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// command is one entry of the dispatch table.
type command struct {
	name  string
	flags []flagDef
	run   func(a *app, ctx context.Context, in *input) (*output, error)
}

// commands is the dispatch table.
var commands = []command{
	{name: "config", run: (*app).cmdConfig},
	{name: "login", run: (*app).cmdLogin, flags: []flagDef{
		{name: "apikey"}, {name: "passwordenv", value: true}, {name: "passwordfile", value: true},
		{name: "method", value: true}, {name: "code", value: true}, {name: "check"}, {name: "sso"},
	}},
	{name: "unlock", run: (*app).cmdUnlock, flags: []flagDef{
		{name: "passwordenv", value: true}, {name: "passwordfile", value: true}, {name: "check"},
	}},
	{name: "lock", run: (*app).cmdLock},
	{name: "logout", run: (*app).cmdLogout},
	{name: "status", run: (*app).cmdStatus},
	{name: "sync", run: (*app).cmdSync, flags: []flagDef{{name: "force", short: 'f'}, {name: "last"}}},
	{name: "encode", run: (*app).cmdEncode},

	// The vault commands take an object ("list items", "get password")
	// and route it through the tables in route.go.
	{name: "list", run: (*app).cmdList, flags: []flagDef{
		{name: "search", value: true}, {name: "url", value: true}, {name: "folderid", value: true},
		{name: "collectionid", value: true}, {name: "organizationid", value: true}, {name: "trash"},
	}},
	{name: "get", run: (*app).cmdGet, flags: []flagDef{
		{name: "itemid", value: true}, {name: "output", value: true}, {name: "organizationid", value: true},
	}},
	{name: "create", run: (*app).cmdCreate, flags: []flagDef{{name: "organizationid", value: true}}},
	{name: "edit", run: (*app).cmdEdit, flags: []flagDef{{name: "organizationid", value: true}}},
	{name: "delete", run: (*app).cmdDelete, flags: []flagDef{
		{name: "permanent", short: 'p'}, {name: "organizationid", value: true},
	}},
	{name: "restore", run: (*app).cmdRestore},
	{name: "move", run: (*app).cmdMove},
	{name: "confirm", run: (*app).cmdConfirm, flags: []flagDef{{name: "organizationid", value: true}}},
	{name: "generate", run: (*app).cmdGenerate, flags: generateFlags},
}

// findCommand returns the table entry for name, or nil.
func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// globalFlags are bw's program-level options, accepted before or after the
// command and its arguments.
var globalFlags = []flagDef{
	{name: "session", value: true},
	{name: "raw"}, {name: "pretty"}, {name: "response"}, {name: "quiet"},
	{name: "nointeraction"}, {name: "cleanexit"},
	{name: "version", short: 'v'}, {name: "help", short: 'h'},
}

// run runs one command line (without the program name) and returns the exit
// code: 0 on success, 1 on any error (0 with --cleanexit, as bw).
func (a *app) run(ctx context.Context, args []string) int {
	name, rest, found := splitCommand(args)
	if name == "help" { // "bsafe help [command]", as "bsafe [command] --help"
		if len(rest) > 0 && findCommand(rest[0]) != nil {
			name, rest = rest[0], append(rest[1:], "--help")
		} else {
			name, rest, found = "", append(rest, "--help"), false
		}
	}
	cmd := findCommand(name)
	if cmd == nil {
		// Parse the global flags anyway, so that --response and --quiet
		// shape this error as they do every other.
		in, _ := parseArgs(rest, globalFlags)
		if in != nil {
			a.setGlobals(in)
		}
		switch {
		case !found && in != nil && in.has("version"):
			return a.finish(text(version()), nil)
		case !found && in != nil && in.has("help"):
			_, _ = io.WriteString(a.stdout, usage())
			return 0
		}
		if !found {
			return a.finish(nil, fail("No command given. See --help for a list of available commands."))
		}
		return a.finish(nil, fail("Invalid command: "+printable(name)))
	}
	in, err := parseArgs(rest, append(append([]flagDef(nil), globalFlags...), cmd.flags...))
	if err != nil {
		return a.finish(nil, err)
	}
	a.setGlobals(in)
	if in.has("version") {
		return a.finish(text(version()), nil)
	}
	if in.has("help") {
		_, _ = io.WriteString(a.stdout, commandUsage(cmd))
		return 0
	}
	out, err := cmd.run(a, ctx, in)
	return a.finish(out, err)
}

// setGlobals records the global flags of in.
func (a *app) setGlobals(in *input) {
	a.raw = in.has("raw")
	a.pretty = in.has("pretty") || a.getenv("BW_PRETTY") == "true"
	a.response = in.has("response") || a.getenv("BW_RESPONSE") == "true"
	a.quiet = in.has("quiet") || a.getenv("BW_QUIET") == "true"
	a.noInteraction = in.has("nointeraction") || a.getenv("BW_NOINTERACTION") == "true"
	a.cleanExit = in.has("cleanexit") || a.getenv("BW_CLEANEXIT") != ""
	a.raw = a.raw || a.getenv("BW_RAW") == "true"
	if v, ok := in.value("session"); ok {
		a.session = v
	} else {
		a.session = a.getenv("BW_SESSION")
	}
}

// app is one run of the program: its streams, environment and options.
// Tests build one with newApp and replace what they need (httpClient,
// dataDir, isTerminal) before calling run.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	// dataDir is the app-data directory (see dataDirFor); empty means
	// resolve it from the environment on first use.
	dataDir string
	// httpClient, if set, is what the safe.Client uses (tests pass the
	// safetest server's, which trusts its certificate).
	httpClient *http.Client
	// isTerminal reports whether a stream is an interactive terminal: it
	// decides the final newline (as bw) and the sync progress indicator.
	isTerminal func(any) bool

	// The global flags of this run.
	session                                 string
	raw, pretty, response, quiet, cleanExit bool
	noInteraction                           bool

	st         *state        // the state file, once read (loadState)
	stdinLines *bufio.Reader // stdin, once a prompt read from it
}

// newApp returns an app on the given streams and environment.
func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, isTerminal: isCharDevice}
}

// isCharDevice reports whether s is an *os.File on a character device (a
// terminal). x/term is not among the module's dependencies; this is the
// check the lead's decisions name, and it is enough for what depends on it.
func isCharDevice(s any) bool {
	f, ok := s.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
