package bwcli

import (
	"runtime"
	"sync"
	"testing"
)

// A CLI command is for a good part waiting, not computing. Measured here
// (2 cores): a 2023.9.1 command takes about 1.5 s of CPU and little more
// wall time, but a 2026.9.0 command of a logged-in CLI takes about 1.5 s
// of CPU and 3.5 to 4 s of wall time (its login over 7 s): that CLI waits
// up to 1 s for each of its own state writes to settle (a race with a
// 1 s timer in its key-management state bridge), and its process stays
// alive for those timers after it has printed its answer. Interop flows
// run only as t.Parallel tests, at most -parallel (GOMAXPROCS) at a time,
// so leave the CPU idle half of the time; Concurrently runs them side by
// side instead, and procSlots keeps the number of CLI processes running
// at once in a test binary where more of them no longer help.

// procSlots bounds the CLI processes running at once in this process:
// two per CPU, since the 2026.9.0 CLI idles about half of its time.
var procSlots = make(chan struct{}, max(2, 2*runtime.GOMAXPROCS(0)))

// Concurrently runs f(t, i) as the subtest names[i] of t, for every name
// at once, each in its own goroutine, and returns when all have ended.
//
// It is for interop flows that each drive their own CLIs (their own data
// directories) and touch nothing another flow reads: a flow per CLI
// version, or per account. Unlike t.Parallel subtests, these do not wait
// for a -parallel slot (the test calling Concurrently holds one), so the
// CPU time one flow's CLI spends waiting goes to another flow's CLI; the
// number of CLI processes is bounded apart (see procSlots). f must not
// call t.Parallel. A subtest's t.Fatal ends that subtest only.
func Concurrently(t *testing.T, names []string, f func(t *testing.T, i int)) {
	t.Helper()
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { t.Run(name, func(t *testing.T) { f(t, i) }) })
	}
	wg.Wait()
}
