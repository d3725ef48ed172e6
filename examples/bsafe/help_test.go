package main

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestHelpCoversTheTable: every command of the dispatch table, and every
// flag, global or a command's, has a help text, and the help names nothing
// the table does not have.
func TestHelpCoversTheTable(t *testing.T) {
	t.Parallel()
	for _, c := range commands {
		h, ok := helps[c.name]
		if !ok || h.summary == "" {
			t.Errorf("command %q has no help", c.name)
			continue
		}
		var names []string
		for _, f := range c.flags {
			names = append(names, f.name)
			if h.flags[f.name] == "" {
				t.Errorf("%s --%s has no help", c.name, f.name)
			}
		}
		for name := range h.flags {
			if !slices.Contains(names, name) {
				t.Errorf("the help of %s describes --%s, which it does not take", c.name, name)
			}
		}
	}
	for name := range helps {
		if findCommand(name) == nil {
			t.Errorf("help for %q, which is not a command", name)
		}
	}
	var globals []string
	for _, f := range globalFlags {
		globals = append(globals, f.name)
		if globalHelp[f.name] == "" {
			t.Errorf("global --%s has no help", f.name)
		}
	}
	if extra := slices.DeleteFunc(slices.Collect(maps.Keys(globalHelp)), func(n string) bool { return slices.Contains(globals, n) }); len(extra) > 0 {
		t.Errorf("help for global flags that do not exist: %v", extra)
	}
}

// TestHelpAndVersion: --help, -h and "help" print the usage (a command's
// with a command) to stdout and exit 0 without running anything, even
// with no server configured; --version and -v print the version.
func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	e := &testEnv{t: t, dir: t.TempDir() + "/appdata"} // no server: nothing may be sent
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"--pretty", "--help"}, {"help", "nosuchcommand"}} {
		r := e.run("", nil, args...)
		if r.code != 0 || r.stderr != "" || r.stdout != usage() {
			t.Errorf("bsafe %s: exit %d, stderr %q, stdout %.80q; want the usage", strings.Join(args, " "), r.code, r.stderr, r.stdout)
		}
	}
	for _, c := range commands {
		want := commandUsage(findCommand(c.name))
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}, {c.name, "item", "x", "--help"}} {
			r := e.run("", nil, args...)
			if r.code != 0 || r.stderr != "" || r.stdout != want {
				t.Errorf("bsafe %s: exit %d, stderr %q, stdout %.80q; want the command's usage", strings.Join(args, " "), r.code, r.stderr, r.stdout)
			}
		}
		if !strings.HasPrefix(want, "Usage: bsafe "+c.name) {
			t.Errorf("%s --help starts %.40q", c.name, want)
		}
	}
	for _, args := range [][]string{{"--version"}, {"-v"}, {"list", "items", "--version"}, {"status", "-v"}} {
		r := e.run("", nil, args...)
		if r.code != 0 || r.stdout != version() || r.stderr != "" {
			t.Errorf("bsafe %s: exit %d, stdout %q, stderr %q; want %q", strings.Join(args, " "), r.code, r.stdout, r.stderr, version())
		}
	}
	if v := version(); v == "" || strings.ContainsAny(v, " \n") {
		t.Errorf("version() = %q, want one word", v)
	}
}

// TestLoginSSORefused: login --sso is refused with one line, before any
// request (the env has no server: a request fails the test).
func TestLoginSSORefused(t *testing.T) {
	t.Parallel()
	e := &testEnv{t: t, dir: t.TempDir() + "/appdata"}
	for _, args := range [][]string{{"login", "--sso"}, {"login", testEmail, "--sso", "--passwordenv", "BW_PASSWORD"}} {
		r := e.run("", map[string]string{"BW_PASSWORD": testPassword}, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "--sso") || strings.Contains(r.stderr, "\n") || r.stdout != "" {
			t.Errorf("bsafe %s: exit %d, stderr %q, stdout %q; want exit 1 and one line", strings.Join(args, " "), r.code, r.stderr, r.stdout)
		}
	}
}
