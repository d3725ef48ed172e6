package bwcli

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestEncode(t *testing.T) {
	v := map[string]any{"name": "Zürich ✓", "n": 1.5, "list": []any{"a", nil}}
	s, err := Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("not standard base64: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["name"] != "Zürich ✓" || got["n"] != 1.5 || len(got["list"].([]any)) != 2 {
		t.Errorf("round trip = %v", got)
	}
}

// TestEnvironmentIsolated checks that nothing of the caller's environment
// but PATH reaches the CLI, and that secrets travel only in variables.
func TestEnvironmentIsolated(t *testing.T) {
	t.Setenv("BSAFE_CANARY_SECRET", "do-not-leak")
	t.Setenv("BW_SESSION", "callers-session")
	t.Setenv("NODE_OPTIONS", "--require=/evil.js")
	c := &CLI{dir: "/tmp/x", caPEM: "/tmp/ca.pem", session: "sess"}
	env := c.environ(map[string]string{"BW_PASSWORD": "pw"})
	for _, kv := range env {
		if strings.Contains(kv, "do-not-leak") || strings.Contains(kv, "callers-session") || strings.HasPrefix(kv, "NODE_OPTIONS=") {
			t.Errorf("leaked into the CLI's environment: %s", kv)
		}
	}
	for _, want := range []string{
		"PATH=" + os.Getenv("PATH"), "HOME=/tmp/x", "BITWARDENCLI_APPDATA_DIR=" + filepath.Join("/tmp/x", "appdata"),
		"BW_NOINTERACTION=true", "NODE_EXTRA_CA_CERTS=/tmp/ca.pem", "BW_SESSION=sess", "BW_PASSWORD=pw",
	} {
		if !slices.Contains(env, want) {
			t.Errorf("environment lacks %s", want)
		}
	}
}

func TestCacheDir(t *testing.T) {
	t.Setenv(CacheEnv, "")
	t.Setenv("XDG_CACHE_HOME", "/var/cache/someone")
	if d, err := cacheDir(); err != nil || d != "/var/cache/someone/bsafe/bw" {
		t.Errorf("cacheDir = %q, %v; want under XDG_CACHE_HOME", d, err)
	}
	t.Setenv(CacheEnv, "/opt/bw")
	if d, err := cacheDir(); err != nil || d != "/opt/bw" {
		t.Errorf("cacheDir = %q, %v; want the %s override", d, err, CacheEnv)
	}
}

func TestPinnedFiles(t *testing.T) {
	for _, v := range Versions {
		var pkg struct {
			Dependencies map[string]string `json:"dependencies"`
		}
		b, err := npmFiles.ReadFile("npm/" + v + "/package.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &pkg); err != nil || pkg.Dependencies["@bitwarden/cli"] != v {
			t.Errorf("%s: package.json pins %v (%v)", v, pkg.Dependencies, err)
		}
		var lock struct {
			Packages map[string]struct {
				Version string `json:"version"`
			} `json:"packages"`
		}
		b, err = npmFiles.ReadFile("npm/" + v + "/package-lock.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &lock); err != nil || lock.Packages["node_modules/@bitwarden/cli"].Version != v {
			t.Errorf("%s: package-lock.json locks %q (%v)", v, lock.Packages["node_modules/@bitwarden/cli"].Version, err)
		}
	}
	if _, err := install("1.0.0"); err == nil {
		t.Errorf("install of an unpinned version succeeded")
	}
}

// verdictTB records how requireTools ends a test. Fatal and Skip end the
// goroutine, as testing.T's do.
type verdictTB struct {
	testing.TB
	failed, skipped string
}

func (v *verdictTB) Helper()           {}
func (v *verdictTB) Fatal(args ...any) { v.failed = fmt.Sprint(args...); runtime.Goexit() }
func (v *verdictTB) Skip(args ...any)  { v.skipped = fmt.Sprint(args...); runtime.Goexit() }

// requireToolsIn runs requireTools with PATH set to path and reports how
// it ended.
func requireToolsIn(t *testing.T, path string) (node string, v *verdictTB) {
	t.Helper()
	t.Setenv("PATH", path)
	v = &verdictTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		node = requireTools(v)
	}()
	<-done
	return node, v
}

// fakeTools makes a directory with executable "node" and "npm" stubs.
func fakeTools(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("stubs are shell scripts")
	}
	dir := t.TempDir()
	for _, name := range []string{"node", "npm"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestMissingNodeFails: without node and npm the interop tests fail,
// whatever CI says, unless the developer opts out with SkipEnv; in CI
// (any CI value but "", "0", "false", or RequireEnv) even that opt-out
// is refused. A skip nobody asked for would show as a bare "ok".
func TestMissingNodeFails(t *testing.T) {
	for _, tc := range []struct {
		ci, require, skip string
		want              string // "fail" or "skip"
	}{
		{want: "fail"},
		{ci: "1", want: "fail"},
		{ci: "true", want: "fail"},
		{ci: "yes", want: "fail"},
		{ci: "false", want: "fail"},
		{skip: "1", want: "skip"},
		{skip: "true", ci: "false", want: "skip"},
		{skip: "0", want: "fail"},
		{skip: "1", ci: "1", want: "fail"},
		{skip: "1", ci: "woodpecker", want: "fail"},
		{skip: "1", require: "1", want: "fail"},
		{skip: "1", require: "0", want: "skip"},
	} {
		name := fmt.Sprintf("CI=%q,%s=%q,%s=%q", tc.ci, RequireEnv, tc.require, SkipEnv, tc.skip)
		t.Run(name, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			t.Setenv(RequireEnv, tc.require)
			t.Setenv(SkipEnv, tc.skip)
			_, v := requireToolsIn(t, t.TempDir()) // no node, no npm
			switch {
			case tc.want == "fail" && v.failed == "":
				t.Errorf("did not fail (skipped: %q)", v.skipped)
			case tc.want == "skip" && v.skipped == "":
				t.Errorf("did not skip (failed: %q)", v.failed)
			}
			if msg := v.failed + v.skipped; !strings.Contains(msg, "node") && !strings.Contains(msg, SkipEnv) {
				t.Errorf("message %q names neither node nor %s", msg, SkipEnv)
			}
		})
	}
}

// TestToolsFound: with node and npm in PATH the tests go on, unless the
// developer opted out; CI cannot opt out.
func TestToolsFound(t *testing.T) {
	dir := fakeTools(t)
	t.Setenv("CI", "")
	t.Setenv(RequireEnv, "")
	t.Setenv(SkipEnv, "")
	if node, v := requireToolsIn(t, dir); node != filepath.Join(dir, "node") || v.failed != "" || v.skipped != "" {
		t.Errorf("requireTools = %q, failed %q, skipped %q; want the node stub", node, v.failed, v.skipped)
	}
	t.Setenv(SkipEnv, "1")
	if _, v := requireToolsIn(t, dir); v.skipped == "" {
		t.Errorf("%s=1 did not skip (failed: %q)", SkipEnv, v.failed)
	}
	t.Setenv("CI", "1")
	if _, v := requireToolsIn(t, dir); v.failed == "" {
		t.Errorf("%s=1 with CI=1 did not fail (skipped: %q)", SkipEnv, v.skipped)
	}
}

// TestCLI installs both pinned versions (on first use) and runs them.
func TestCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("installs and runs the official CLI; skipped with -short")
	}
	for _, v := range Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			c := New(t, v, "https://127.0.0.1:9", "")
			out, err := c.Run("--version")
			if err != nil || strings.TrimSpace(out) != v {
				t.Errorf("bw --version = %q, %v", out, err)
			}
			var status struct {
				ServerURL string `json:"serverUrl"`
				Status    string `json:"status"`
			}
			if err := c.JSON(&status, "status"); err != nil {
				t.Fatal(err)
			}
			if status.ServerURL != "https://127.0.0.1:9" || status.Status != "unauthenticated" {
				t.Errorf("bw status = %+v", status)
			}
			// A failing command: --apikey without BW_CLIENTID.
			_, err = c.Run("login", "--apikey")
			var e *Error
			if !errors.As(err, &e) || e.ExitCode != 1 {
				t.Fatalf("bw login --apikey without a key: %v, want an *Error with exit 1", err)
			}
			if !strings.Contains(strings.ToLower(e.Error()), "client") {
				t.Errorf("error %q does not carry the CLI's message", e.Error())
			}
		})
	}
}
