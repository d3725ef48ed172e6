//go:build linux

package restricted

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// When the run ends early the plugin's whole process group is killed: a
// child it started, holding the plugin's stdout open, dies too. (Without
// the group kill Run would still return, as it closes the pipe, but the
// child would live on.) The run is cancelled once the child is known to
// exist, so the test does not depend on how fast the machine is.
func TestRunKillsChildren(t *testing.T) {
	record := filepath.Join(t.TempDir(), "pid")
	r := testPlugin(t, "spawn", recordEnv+"="+record)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := r.Run(ctx, canaryInput())
		done <- err
	}()

	var pid int
	for pid == 0 {
		select {
		case err := <-done:
			t.Fatalf("Run returned before the plugin started its child: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if b, err := os.ReadFile(record); err == nil {
			if pid, err = strconv.Atoi(string(b)); err != nil || pid <= 0 {
				t.Fatalf("bad child PID %q", b)
			}
		}
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) }) // matters only if the test fails
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v, want context.Canceled", err)
	}

	waitDead(t, pid)
}

// waitDead fails the test unless process pid is dead (gone, or a zombie
// awaiting its reaper) within a bounded wait: SIGKILL is delivered
// asynchronously.
func waitDead(t *testing.T, pid int) {
	t.Helper()
	for range 1000 {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return // gone
		}
		if _, after, ok := strings.Cut(string(stat), ") "); ok && strings.HasPrefix(after, "Z") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the plugin's child %d is still running after Run returned", pid)
}

// readPID reads the child's PID that the plugin recorded.
func readPID(t *testing.T, record string) int {
	t.Helper()
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the plugin recorded no child: %v", err)
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil || pid <= 0 {
		t.Fatalf("bad child PID %q", b)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) }) // matters only if the test fails
	return pid
}

// A plugin that succeeds but leaves a background child holding its
// stderr: the run succeeds (os/exec reports ErrWaitDelay, which is not
// a failure of the plugin) and the child, still in the plugin's process
// group, is killed. Before the fix the child lived on.
func TestRunSuccessKillsLeftoverChild(t *testing.T) {
	record := filepath.Join(t.TempDir(), "pid")
	out, err := testPlugin(t, "daemon:stderr", recordEnv+"="+record).Run(context.Background(), canaryInput())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(out.Values) != 4 {
		t.Fatalf("Values = %q, want the seed's four", out.Values)
	}
	waitDead(t, readPID(t, record))
}

// A leftover child holding the plugin's stdout does not turn a success
// into a timeout: Run returns the output once the plugin has exited
// (after at most waitDelay), and the child is killed. Before the fix Run
// read stdout until the Timeout and failed with ErrTimeout.
func TestRunSuccessWithChildHoldingStdout(t *testing.T) {
	record := filepath.Join(t.TempDir(), "pid")
	r := testPlugin(t, "daemon:stdout", recordEnv+"="+record)
	r.Timeout = 30 * time.Second // so that the test fails sooner without the fix
	out, err := r.Run(context.Background(), canaryInput())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(out.Values) != 4 {
		t.Fatalf("Values = %q, want the seed's four", out.Values)
	}
	waitDead(t, readPID(t, record))
}
