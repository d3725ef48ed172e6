package bwcli

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The two pinned CLI versions.
const (
	// V2023 is the CLI of the Bravura Safe era (Bitwarden 2023.9.1). Use it
	// against safetest.Gen2023.
	V2023 = "2023.9.1"
	// V2026 is a current CLI. Use it against safetest.GenCurrent; it cannot
	// log in to a 2023.8 server.
	V2026 = "2026.9.0"
)

// Versions lists the pinned versions, oldest first.
var Versions = []string{V2023, V2026}

// npmFiles holds, per version, the package.json and package-lock.json that
// pin the CLI and every dependency it pulls in (with integrity hashes), so
// that an install is the same on every machine.
//
//go:embed npm
var npmFiles embed.FS

// CacheEnv names an environment variable that, when set, overrides the
// cache directory the CLIs are installed in (default:
// $XDG_CACHE_HOME/bsafe/bw, or ~/.cache/bsafe/bw).
const CacheEnv = "BSAFE_BWCLI_CACHE"

// installTimeout bounds one npm install (a fresh install of the 2023 CLI
// builds the argon2 native module).
const installTimeout = 10 * time.Minute

const marker = ".bsafe-installed"

var (
	installMu sync.Mutex
	installed = map[string]string{} // version → bw.js, per process
)

// cacheDir returns the directory the CLIs are installed under.
func cacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory (set %s): %w", CacheEnv, err)
	}
	return filepath.Join(d, "bsafe", "bw"), nil
}

// SkipEnv names the environment variable with which a developer opts out
// of the interop tests: set to anything but "", "0" or "false", it makes
// every test that needs the CLI skip (without looking for Node.js or
// installing anything from npm). Without it, a machine that lacks node
// or npm fails those tests: "go test ./..." shows a passing package as a
// bare "ok" line, so a skip nobody asked for would go unseen.
const SkipEnv = "BSAFE_SKIP_INTEROP"

// RequireEnv names the environment variable that forbids skipping the
// interop tests, even with SkipEnv set. .ci/run sets it; any CI value but
// "", "0" or "false" (CI=true, CI=1, ...) does the same.
const RequireEnv = "BSAFE_REQUIRE_INTEROP"

// envOn reports whether the environment variable is set to a true value:
// anything but "", "0" or "false" (in any case).
func envOn(name string) bool {
	v := strings.TrimSpace(os.Getenv(name))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// toolsVerdict decides, from the environment, what a test that needs the
// CLI does: go on with the node binary it found, skip (skip != ""), or
// fail (fail != ""). lookPath is exec.LookPath in production.
func toolsVerdict(lookPath func(string) (string, error)) (node, skip, fail string) {
	required := envOn(RequireEnv) || envOn("CI")
	if envOn(SkipEnv) {
		if required {
			return "", "", fmt.Sprintf("bwcli: %s is set, but the interop tests cannot be skipped here (%s or CI is set)", SkipEnv, RequireEnv)
		}
		return "", fmt.Sprintf("bwcli: interop tests with the official Bitwarden CLI skipped: %s is set", SkipEnv), ""
	}
	var missing []string
	node, err := lookPath("node")
	if err != nil {
		missing = append(missing, "node")
	}
	if _, err := lookPath("npm"); err != nil {
		missing = append(missing, "npm")
	}
	if len(missing) == 0 {
		return node, "", ""
	}
	msg := fmt.Sprintf("bwcli: %s not found in PATH: the interop tests against the official "+
		"Bitwarden CLI need Node.js (22 or later; 20 works) and npm", strings.Join(missing, " and "))
	if required {
		return "", "", msg + " (" + RequireEnv + " or CI is set)"
	}
	return "", "", msg + "; install them, or leave these tests out with go test -short or " + SkipEnv + "=1"
}

// requireTools returns the node binary, or ends the test as toolsVerdict
// decides.
func requireTools(tb testing.TB) (node string) {
	tb.Helper()
	node, skip, fail := toolsVerdict(exec.LookPath)
	switch {
	case fail != "":
		tb.Fatal(fail)
	case skip != "":
		tb.Skip(skip)
	}
	return node
}

// Install makes sure the pinned CLI version is installed in the cache and
// returns the path of its bw.js. The first call on a machine runs
// "npm ci" (about a minute); a lock file keeps concurrent test processes
// (go test ./... runs packages in parallel) from installing twice, and
// the install is renamed into place only when complete. It fails the test
// when Node.js or npm is missing or the install fails, and skips it when
// SkipEnv is set (see toolsVerdict).
func Install(tb testing.TB, version string) string {
	tb.Helper()
	requireTools(tb)
	installMu.Lock()
	defer installMu.Unlock()
	if p, ok := installed[version]; ok {
		return p
	}
	p, err := install(version)
	if err != nil {
		tb.Fatalf("bwcli: installing @bitwarden/cli@%s: %v", version, err)
	}
	installed[version] = p
	return p
}

func bwJS(dir string) string {
	return filepath.Join(dir, "node_modules", "@bitwarden", "cli", "build", "bw.js")
}

func isInstalled(dir, version string) bool {
	b, err := os.ReadFile(filepath.Join(dir, marker))
	if err != nil || strings.TrimSpace(string(b)) != version {
		return false
	}
	_, err = os.Stat(bwJS(dir))
	return err == nil
}

func install(version string) (string, error) {
	pkg, err := npmFiles.ReadFile("npm/" + version + "/package.json")
	if err != nil {
		return "", fmt.Errorf("version %s is not pinned (have %v)", version, Versions)
	}
	lockJSON, err := npmFiles.ReadFile("npm/" + version + "/package-lock.json")
	if err != nil {
		return "", err
	}
	root, err := cacheDir()
	if err != nil {
		return "", err
	}
	final := filepath.Join(root, version)
	if isInstalled(final, version) {
		return bwJS(final), nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockPath(filepath.Join(root, version+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if isInstalled(final, version) { // another process finished meanwhile
		return bwJS(final), nil
	}
	if err := os.RemoveAll(final); err != nil { // a broken earlier install
		return "", err
	}
	tmp, err := os.MkdirTemp(root, version+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), pkg, 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "package-lock.json"), lockJSON, 0o644); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	cmd.Env = npmEnv()
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm ci: %w\n%s", err, tail(out.String(), 4000))
	}
	if err := checkVersion(tmp, version); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, marker), []byte(version+"\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		if isInstalled(final, version) {
			return bwJS(final), nil
		}
		return "", err
	}
	return bwJS(final), nil
}

// npmEnv is the environment of npm ci. The 2023 CLI depends on the argon2
// native module, which is built from source when its prebuilt binary
// cannot be downloaded; node-gyp then needs the Node.js headers, and would
// fetch them from the network unless told where the installed ones are.
// So, unless npm is already configured, point it at the headers installed
// with node (Debian's nodejs has them in /usr/include/node).
func npmEnv() []string {
	env := os.Environ()
	if os.Getenv("npm_config_nodedir") != "" {
		return env
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return env
	}
	if real, err := filepath.EvalSymlinks(node); err == nil {
		node = real
	}
	prefix := filepath.Dir(filepath.Dir(node))
	if _, err := os.Stat(filepath.Join(prefix, "include", "node", "node_api.h")); err == nil {
		env = append(env, "npm_config_nodedir="+prefix)
	}
	return env
}

// checkVersion runs the fresh install's "bw --version" in a throw-away
// data directory.
func checkVersion(dir, version string) error {
	node, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	data, err := os.MkdirTemp(dir, "appdata-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, bwJS(dir), "--version")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + data, "BITWARDENCLI_APPDATA_DIR=" + data, "BW_NOINTERACTION=true"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bw --version: %w\n%s", err, tail(stderr.String(), 2000))
	}
	if got := strings.TrimSpace(stdout.String()); got != version {
		return errors.New("bw --version printed " + quote(got) + ", want " + version)
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func quote(s string) string { return fmt.Sprintf("%q", tail(s, 200)) }
