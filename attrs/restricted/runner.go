package restricted

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// DefaultTimeout is how long a [Runner] with a zero Timeout lets a plugin
// run. The plugin runs on every page of a request, so a slow one is a
// failure.
const DefaultTimeout = 30 * time.Second

// stderrTail is how much of the plugin's standard error a [RunError]
// keeps: the end, where the reason for a failure usually is.
const stderrTail = 4 << 10

// waitDelay bounds how long Run waits, after the plugin has exited or
// been killed, for its standard output and error to close: a child the
// plugin left behind may hold them open (Run kills those of its process
// group only after this wait; a process that escaped the group lives on).
const waitDelay = 2 * time.Second

// Runner runs a restricted-value plugin program: it writes an [Input] to
// the program's standard input and reads an [Output] from its standard
// output. A Runner is plain configuration, safe for concurrent use; each
// Run starts its own process.
type Runner struct {
	// Path is the program. A name without a path separator is looked up
	// in PATH, as by os/exec. [Runner.Source] runs the definition's
	// Plugin when Path is "".
	Path string
	// Args are the program's arguments (without the program name).
	Args []string
	// Dir is the program's working directory; "" is the caller's.
	Dir string
	// Env is the program's environment, as for exec.Cmd. nil passes the
	// caller's whole environment (every variable of this process,
	// credentials included) to the plugin; set it, to []string{} for
	// none, unless the plugin is trusted with that.
	Env []string
	// Timeout bounds a run: past it the plugin (with its process group,
	// on Unix) is killed and Run fails with ErrTimeout. 0 means
	// DefaultTimeout; a negative Timeout leaves only the context's
	// deadline.
	Timeout time.Duration
	// MaxOutput bounds the bytes read from the plugin's standard output:
	// past it the plugin is killed and Run fails with ErrOutputLimit.
	// 0 (or a negative value) means DefaultMaxOutput. The output is held
	// in memory: a large MaxOutput (up to math.MaxInt64, which is read as
	// no limit) trusts the plugin with this process's memory.
	MaxOutput int64
}

// Run runs the plugin once with in on its standard input and returns its
// decoded output.
//
// Run fails with a [*PluginError] when the output reports a non-zero
// retval (whatever the exit status), and otherwise with a [*RunError]:
// the program did not start, the context ended or the Timeout passed
// (ErrTimeout; the plugin and, on Unix, its whole process group are
// killed), the output exceeded MaxOutput (ErrOutputLimit; killed too),
// the program exited with a non-zero status (ErrExitStatus, even if its
// output was well-formed), or the output is not a valid document
// (ErrOutput). The plugin's standard error is kept, bounded, in
// RunError.Stderr and never in an error message; on success it is
// discarded.
//
// On Unix, once the plugin has exited, Run kills what is left in its
// process group, on success too: a background child the plugin started
// never outlives the run. A leftover process (of the group or not) that
// holds the plugin's standard output or error open delays Run by at most
// two seconds after the plugin's exit, and does not fail it.
func (r *Runner) Run(ctx context.Context, in *Input) (*Output, error) {
	if in == nil {
		return nil, errors.New("restricted: Run with a nil Input")
	}
	maxOut := r.MaxOutput
	if maxOut <= 0 {
		maxOut = DefaultMaxOutput
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if timeout > 0 {
		var stop context.CancelFunc
		runCtx, stop = context.WithTimeoutCause(runCtx, timeout, ErrTimeout)
		defer stop()
	}

	cmd := exec.CommandContext(runCtx, r.Path, r.Args...)
	cmd.Dir, cmd.Env = r.Dir, r.Env
	cmd.Stdin = bytes.NewReader(kvgroup.Format(in.Group()))
	// Both outputs are writers, not pipes read here: os/exec copies them,
	// and WaitDelay bounds how long Wait waits for a leftover process
	// that holds either open after the plugin has exited.
	stdout := &limitBuffer{max: maxOut, overflow: func() { cancel(ErrOutputLimit) }}
	cmd.Stdout = stdout
	stderr := &tailBuffer{max: stderrTail}
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	killGroupOnCancel(cmd)
	if err := cmd.Start(); err != nil {
		if runCtx.Err() != nil {
			// Not started because the context ended first.
			err = context.Cause(runCtx)
		}
		return nil, &RunError{Path: r.Path, ExitCode: -1, Err: err}
	}
	waitErr := cmd.Wait()
	// Whatever the plugin left running in its process group (a
	// background child holding its output, say) dies now, success or not.
	killGroup(cmd)
	if errors.Is(waitErr, exec.ErrWaitDelay) {
		// The plugin exited with status 0; only a leftover process kept
		// its output open, and it is killed.
		waitErr = nil
	}

	fail := func(exitCode int, cause error) error {
		return &RunError{Path: r.Path, ExitCode: exitCode, Stderr: stderr.String(), Err: cause}
	}
	if stdout.overflowed || (waitErr != nil && runCtx.Err() != nil) {
		return nil, fail(-1, context.Cause(runCtx))
	}
	out, decodeErr := decode(string(stdout.buf), maxOut)
	if decodeErr == nil && out.Retval != 0 {
		return nil, out.Err()
	}
	if waitErr != nil {
		var ee *exec.ExitError
		if errors.As(waitErr, &ee) && ee.ExitCode() > 0 {
			return nil, fail(ee.ExitCode(), ErrExitStatus)
		}
		return nil, fail(-1, waitErr)
	}
	if decodeErr != nil {
		return nil, fail(0, decodeErr)
	}
	return out, nil
}

// limitBuffer keeps what is written to it up to max bytes; the write
// that would pass max calls overflow (once) and fails.
type limitBuffer struct {
	max        int64
	buf        []byte
	overflow   func()
	overflowed bool
}

func (l *limitBuffer) Write(p []byte) (int, error) {
	// Compared as the room left, so that a max near math.MaxInt64 does
	// not overflow.
	if l.overflowed || int64(len(p)) > l.max-int64(len(l.buf)) {
		if !l.overflowed {
			l.overflowed = true
			l.overflow()
		}
		return 0, ErrOutputLimit
	}
	l.buf = append(l.buf, p...)
	return len(p), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

func (t *tailBuffer) String() string { return string(t.buf) }

// Source returns a function for attrs.Env.RestrictedValues that runs the
// plugin for an attribute definition: a copy of base with Attribute set
// to d.ID and Parent to d.Parent, and a copy of r whose Path is d.Plugin
// when r.Path is "" (so one Runner serves a schema whose attributes name
// their own plugins). It returns the values the output offers for
// parentValue (see [Output.ValuesFor]); the parent is optional when its
// definition in s has MinValues 0, and an attribute without a parent
// takes the root values.
//
// Parent values compare as actual values of the parent definition (see
// [attrs.Definition.ActualValue]): a "parent" "us" group answers for the
// value "US" of a parent that is not case-sensitive. Seed 003 does not
// say how Bravura compares them; this is the comparison the parent's own
// values get. A parent that s does not define is an error, and so is a
// definition without a Plugin when r.Path is "" ([ErrNoPlugin]).
//
// Seed 003 says the values "may depend on the user or other
// attributes": the plugin sees only what base carries, so base.Recipient
// must hold the attributes being validated (the current, edited ones),
// and base.Request the request. Source is cheap (no process starts until
// the returned function is called): make one per validation, from the
// values being validated, rather than one for the lifetime of a schema.
// Each call of the returned function runs the plugin once; nothing is
// cached.
func (r *Runner) Source(s attrs.Schema, base Input) func(ctx context.Context, d *attrs.Definition, parentValue string) ([]string, error) {
	return func(ctx context.Context, d *attrs.Definition, parentValue string) ([]string, error) {
		if d == nil {
			return nil, errors.New("restricted: Source called with a nil definition")
		}
		optional := true
		same := func(a, b string) bool { return a == b }
		if d.Parent != "" {
			p := s.Lookup(d.Parent)
			if p == nil {
				return nil, fmt.Errorf("restricted: attribute %q: parent attribute %q is not in the schema", d.ID, d.Parent)
			}
			optional = p.MinValues == 0
			same = func(a, b string) bool { return p.ActualValue(a) == p.ActualValue(b) }
		}
		run := *r
		if run.Path == "" {
			run.Path = d.Plugin
		}
		if run.Path == "" {
			return nil, fmt.Errorf("%w: attribute %q (its definition names no Plugin and the Runner no Path)", ErrNoPlugin, d.ID)
		}
		in := base
		in.Attribute, in.Parent = d.ID, d.Parent
		out, err := run.Run(ctx, &in)
		if err != nil {
			return nil, err
		}
		return out.valuesFor(parentValue, optional, same), nil
	}
}
