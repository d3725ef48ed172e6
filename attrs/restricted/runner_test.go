package restricted

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/google/go-cmp/cmp"
)

const canary = "sensitive-ssn-078-05-1120"

// canaryInput is an input whose recipient carries a secret attribute.
func canaryInput() *Input {
	return &Input{
		Attribute: "STATE",
		Module:    ModuleIDR,
		UserID:    "doejo",
		Recipient: &User{ID: "doejo", Attributes: attrs.Values{{Name: "SSN", Values: []string{canary}}}},
	}
}

// Success: the plugin gets the input KVGroup on stdin, byte for byte as
// written here, and its output is decoded.
func TestRunSuccess(t *testing.T) {
	record := filepath.Join(t.TempDir(), "stdin")
	r := testPlugin(t, "seed1", recordEnv+"="+record)
	out, err := r.Run(context.Background(), canaryInput())
	if err != nil {
		t.Fatal(err)
	}
	want := &Output{Errmsg: "success", Values: []string{"Alberta", "Quebec", "New York", "California"}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Fatalf("Run (-want +got):\n%s", diff)
	}
	stdin, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	wantStdin := `"" "" = {
  "attribute" = "STATE"
  "module" = "idr"
  "userid" = "doejo"
  "recipient" "doejo" = {
    "id" = "doejo"
    "attribute" "SSN" = {
      "value" "" = {
        "value" = "` + canary + `"
      }
    }
  }
}
`
	if string(stdin) != wantStdin {
		t.Fatalf("plugin stdin:\n%s\nwant:\n%s", stdin, wantStdin)
	}
}

// A plugin that reports failure (retval 5) gives a *PluginError.
func TestRunNonzeroRetval(t *testing.T) {
	_, err := testPlugin(t, "retval").Run(context.Background(), canaryInput())
	var pe *PluginError
	if !errors.As(err, &pe) || pe.Retval != 5 || pe.Errmsg != "county unknown" {
		t.Fatalf("Run error = %v, want *PluginError{5, county unknown}", err)
	}
}

// Output that is not a KVGroup: a *RunError matching ErrOutput that
// wraps the *kvgroup.SyntaxError.
func TestRunGarbageOutput(t *testing.T) {
	_, err := testPlugin(t, "garbage").Run(context.Background(), canaryInput())
	var re *RunError
	var se *kvgroup.SyntaxError
	if !errors.As(err, &re) || !errors.Is(err, ErrOutput) || !errors.As(err, &se) {
		t.Fatalf("Run error = %v, want a *RunError matching ErrOutput with a *kvgroup.SyntaxError", err)
	}
	if re.ExitCode != 0 {
		t.Errorf("ExitCode = %d, want 0", re.ExitCode)
	}
}

// Endless output: the plugin is killed at MaxOutput and Run fails with
// ErrOutputLimit. Without the kill Run would not return.
func TestRunOversizeOutput(t *testing.T) {
	r := testPlugin(t, "endless")
	r.MaxOutput = 64 << 10
	_, err := r.Run(context.Background(), canaryInput())
	if !errors.Is(err, ErrOutputLimit) {
		t.Fatalf("Run error = %v, want ErrOutputLimit", err)
	}
	var re *RunError
	if !errors.As(err, &re) || re.ExitCode != -1 {
		t.Fatalf("Run error = %#v, want a *RunError with ExitCode -1 (killed)", err)
	}
}

// MaxOutput is inclusive: a document of exactly MaxOutput bytes is read,
// one byte more is too much.
func TestRunMaxOutputBoundary(t *testing.T) {
	const limit = 4096
	r := testPlugin(t, "size:4096")
	r.MaxOutput = limit
	if _, err := r.Run(context.Background(), canaryInput()); err != nil {
		t.Fatalf("output of exactly MaxOutput bytes: %v", err)
	}
	r = testPlugin(t, "size:4097")
	r.MaxOutput = limit
	if _, err := r.Run(context.Background(), canaryInput()); !errors.Is(err, ErrOutputLimit) {
		t.Fatalf("output of MaxOutput+1 bytes: error %v, want ErrOutputLimit", err)
	}
}

// A MaxOutput of math.MaxInt64 means "no practical limit", not an
// overflow: the seed's output is read. (Run used to read MaxOutput+1
// bytes, which wrapped to a negative count and read nothing.)
func TestRunMaxOutputMaxInt64(t *testing.T) {
	r := testPlugin(t, "seed1")
	r.MaxOutput = math.MaxInt64
	out, err := r.Run(context.Background(), canaryInput())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(out.Values) != 4 {
		t.Fatalf("Values = %q, want the seed's four", out.Values)
	}
}

// A plugin that hangs is killed at Timeout: ErrTimeout, not the
// context's error.
func TestRunTimeout(t *testing.T) {
	r := testPlugin(t, "hang")
	r.Timeout = 100 * time.Millisecond
	_, err := r.Run(context.Background(), canaryInput())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want ErrTimeout", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run error = %v matches context.DeadlineExceeded; the caller's context did not end", err)
	}
}

// The caller's deadline kills the plugin too, and gives the context's
// error, not ErrTimeout.
func TestRunContextDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := testPlugin(t, "hang").Run(ctx, canaryInput())
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) {
		t.Fatalf("Run error = %v, want context.DeadlineExceeded and not ErrTimeout", err)
	}
}

// A context that is already cancelled does not start the plugin.
func TestRunCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	record := filepath.Join(t.TempDir(), "stdin")
	_, err := testPlugin(t, "seed1", recordEnv+"="+record).Run(ctx, canaryInput())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v, want context.Canceled", err)
	}
	if _, statErr := os.Stat(record); !errors.Is(statErr, fs.ErrNotExist) {
		t.Fatalf("the plugin ran (stat: %v)", statErr)
	}
}

// Exit status 3 without output: a *RunError with ExitCode 3 matching
// ErrExitStatus. The plugin echoed its input, with a secret, to stderr:
// RunError.Stderr has it, the error string does not.
func TestRunExitStatusNoOutput(t *testing.T) {
	_, err := testPlugin(t, "exit:3").Run(context.Background(), canaryInput())
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, ErrExitStatus) || re.ExitCode != 3 {
		t.Fatalf("Run error = %v, want a *RunError with ExitCode 3 matching ErrExitStatus", err)
	}
	if !strings.Contains(re.Stderr, canary) {
		t.Errorf("RunError.Stderr = %q, want the plugin's stderr", re.Stderr)
	}
	if strings.Contains(err.Error(), canary) || strings.Contains(err.Error(), "SSN") {
		t.Fatalf("error string %q shows the plugin's stderr", err)
	}
	if !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("error string %q does not give the exit status", err)
	}
}

// A non-zero exit status fails the run even when the output is
// well-formed with retval 0; a reported failure (retval 7) wins over the
// exit status, being more informative.
func TestRunExitStatusWithOutput(t *testing.T) {
	_, err := testPlugin(t, "exit-output:2").Run(context.Background(), canaryInput())
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, ErrExitStatus) || re.ExitCode != 2 {
		t.Fatalf("exit 2 with retval 0: error %v, want ErrExitStatus with ExitCode 2", err)
	}
	_, err = testPlugin(t, "exit-retval:2").Run(context.Background(), canaryInput())
	var pe *PluginError
	if !errors.As(err, &pe) || pe.Retval != 7 {
		t.Fatalf("exit 2 with retval 7: error %v, want *PluginError retval 7", err)
	}
}

// Stderr is drained while the plugin runs (1 MiB of it does not block
// the plugin) and only its last 4 KiB are kept.
func TestRunStderrBounded(t *testing.T) {
	if _, err := testPlugin(t, "stderrflood:0").Run(context.Background(), canaryInput()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	_, err := testPlugin(t, "stderrflood:1").Run(context.Background(), canaryInput())
	var re *RunError
	if !errors.As(err, &re) || re.ExitCode != 1 {
		t.Fatalf("Run error = %v, want a *RunError with ExitCode 1", err)
	}
	if len(re.Stderr) != stderrTail || !strings.HasSuffix(re.Stderr, "END-OF-STDERR") {
		t.Fatalf("Stderr is %d bytes ending %q; want %d bytes ending END-OF-STDERR", len(re.Stderr), re.Stderr[max(0, len(re.Stderr)-20):], stderrTail)
	}
}

// A plugin that never reads its input, larger than a pipe's buffer,
// still runs to completion.
func TestRunPluginIgnoresInput(t *testing.T) {
	in := canaryInput()
	in.Request = kvgroup.New("request", "").Add("big", strings.Repeat("x", 1<<20))
	out, err := testPlugin(t, "noread").Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Values) != 4 {
		t.Fatalf("Values = %q, want the seed's four", out.Values)
	}
}

// Args, Dir and Env reach the program.
func TestRunArgsDirEnv(t *testing.T) {
	dir := t.TempDir()
	r := testPlugin(t, "args", "BSAFE_X=from-env")
	r.Args = []string{"one", "two words"}
	r.Dir = dir
	out, err := r.Run(context.Background(), canaryInput())
	if err != nil {
		t.Fatal(err)
	}
	// The working directory may be reported through symlinks resolved.
	realDir, _ := filepath.EvalSymlinks(dir)
	if len(out.Values) != 4 || out.Values[0] != "one" || out.Values[1] != "two words" ||
		(out.Values[2] != dir && out.Values[2] != realDir) || out.Values[3] != "from-env" {
		t.Fatalf("Values = %q, want [one, two words, %s, from-env]", out.Values, dir)
	}
}

// A program that does not exist: a *RunError wrapping the exec error.
func TestRunNotFound(t *testing.T) {
	r := &Runner{Path: filepath.Join(t.TempDir(), "no-such-plugin")}
	_, err := r.Run(context.Background(), canaryInput())
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, fs.ErrNotExist) || re.ExitCode != -1 {
		t.Fatalf("Run error = %v, want a *RunError matching fs.ErrNotExist", err)
	}
	r = &Runner{Path: "bsafe-no-such-plugin-in-path"}
	if _, err := r.Run(context.Background(), canaryInput()); !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("Run error = %v, want exec.ErrNotFound", err)
	}
}

func TestRunNilInput(t *testing.T) {
	if _, err := testPlugin(t, "seed1").Run(context.Background(), nil); err == nil {
		t.Fatal("Run(nil): no error")
	}
}

// One Runner, several runs at once (each its own process).
func TestRunConcurrent(t *testing.T) {
	r := testPlugin(t, "seed1")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = r.Run(context.Background(), canaryInput()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
}
