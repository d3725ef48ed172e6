package restricted

import (
	"errors"
	"strconv"
)

// Errors that the errors of this package match, with [errors.Is]. A
// [RunError] wraps one of them (or the error of starting the plugin, or
// the context's error).
var (
	// ErrOutput: the plugin output is not a valid document of the
	// protocol (a KVGroup syntax error, a size limit, no or a non-integer
	// "retval").
	ErrOutput = errors.New("restricted: invalid plugin output")
	// ErrTimeout: the plugin ran longer than [Runner.Timeout] and was
	// killed. A deadline or cancellation of the caller's context gives
	// the context's error instead.
	ErrTimeout = errors.New("restricted: plugin timed out")
	// ErrOutputLimit: the plugin wrote more than [Runner.MaxOutput]
	// bytes and was killed.
	ErrOutputLimit = errors.New("restricted: plugin output exceeds the size limit")
	// ErrExitStatus: the plugin exited with a non-zero status (see
	// [RunError.ExitCode]) and no output reporting a failure.
	ErrExitStatus = errors.New("restricted: plugin exited with a non-zero status")

	// ErrNoPlugin: [Runner.Source] was asked for the values of an
	// attribute whose definition names no Plugin, with a Runner whose
	// Path is "" too; the error names the attribute.
	ErrNoPlugin = errors.New("restricted: no plugin for the attribute")

	errNilGroup = errors.New("restricted: nil group")
)

// PluginError is a failure the plugin reported itself, with a non-zero
// "retval".
type PluginError struct {
	Retval int
	// Errmsg is the plugin's message ("errmsg"), meant for display to
	// the user. It is not part of Error: a plugin may echo its input
	// there, and its input holds profile attributes.
	Errmsg string
}

// Error gives the retval only, never Errmsg: the error travels on into
// validation errors, logs and an agent's errmsg, where the plugin's text
// (possibly an echo of profile attributes) does not belong. Show Errmsg
// deliberately, from the field.
func (e *PluginError) Error() string {
	return "restricted: plugin failed with retval " + strconv.Itoa(e.Retval)
}

// RunError is a plugin run that failed for a reason other than a
// reported failure: the plugin could not start, timed out, wrote too
// much or malformed output, or exited with a non-zero status.
type RunError struct {
	// Path is the program that was run.
	Path string
	// ExitCode is the plugin's exit status, or -1 when it did not exit
	// by itself (not started, killed).
	ExitCode int
	// Stderr is the last bytes (at most 4 KiB) the plugin wrote to its
	// standard error. It is never part of Error: a plugin may echo its
	// input, which holds profile attributes, there. Log it deliberately,
	// if at all.
	Stderr string
	// Err is the cause: ErrTimeout, ErrOutputLimit, ErrExitStatus, an
	// error matching ErrOutput, the context's error, the error of
	// starting the program, or os/exec's error for a plugin that died of
	// a signal it was not sent by Run (ExitCode -1).
	Err error
}

// Error names the program and the cause, and the exit status when the
// plugin exited with one.
func (e *RunError) Error() string {
	s := "restricted: plugin " + strconv.Quote(e.Path) + ": "
	if e.Err != nil {
		s += e.Err.Error()
	}
	if e.ExitCode > 0 {
		s += " (exit status " + strconv.Itoa(e.ExitCode) + ")"
	}
	return s
}

// Unwrap returns Err.
func (e *RunError) Unwrap() error { return e.Err }
