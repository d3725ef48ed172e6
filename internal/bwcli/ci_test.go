package bwcli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// ciPath makes a PATH directory holding bash and dirname (what .ci/run
// needs before its first step) plus the given stub scripts.
func ciPath(t *testing.T, stubs map[string]string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip(".ci/run is a bash script")
	}
	dir := t.TempDir()
	for _, tool := range []string{"bash", "dirname"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
		if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	for name, script := range stubs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!"+filepath.Join(dir, "bash")+"\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runCI runs .ci/run with only PATH (and HOME) in its environment.
func runCI(t *testing.T, path string) (string, error) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(path, "bash"), script)
	cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir(), "CI=false", SkipEnv + "=1"}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestCIRunNeedsNode: .ci/run refuses to start without node and npm, even
// with CI=false and the developer's opt-out set, before it runs any test.
func TestCIRunNeedsNode(t *testing.T) {
	out, err := runCI(t, ciPath(t, map[string]string{"go": "echo go was run; exit 1\n"}))
	if err == nil {
		t.Fatalf(".ci/run without node succeeded:\n%s", out)
	}
	if !strings.Contains(out, "node npm") || strings.Contains(out, "go was run") {
		t.Errorf(".ci/run without node did not stop before the tests, naming node and npm:\n%s", out)
	}
}

// TestCIRunRequiresInterop: with node and npm there, .ci/run runs the
// tests with RequireEnv=1, so that they cannot skip the interop tests.
func TestCIRunRequiresInterop(t *testing.T) {
	out, err := runCI(t, ciPath(t, map[string]string{
		"node": "echo v22.0.0\n",
		"npm":  "echo 10.0.0\n",
		"go":   "echo \"go $* with " + RequireEnv + "=${" + RequireEnv + "-unset}\"; exit 1\n",
	}))
	if err == nil {
		t.Fatalf(".ci/run succeeded although go failed:\n%s", out)
	}
	if !strings.Contains(out, "go test ./... with "+RequireEnv+"=1") {
		t.Errorf(".ci/run did not run go test ./... with %s=1:\n%s", RequireEnv, out)
	}
}
