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

	// SIGKILL is delivered asynchronously; wait (boundedly) for the
	// child to be dead: gone, or a zombie awaiting its reaper.
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
