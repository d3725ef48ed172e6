package bwcli

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentlyRunsAtOnce: every subtest is running before any ends
// (each waits for all to have started), each index runs once under its
// name, and Concurrently returns only when all have ended.
func TestConcurrentlyRunsAtOnce(t *testing.T) {
	names := []string{"a", "b", "c"}
	var (
		mu      sync.Mutex
		seen    []string
		started sync.WaitGroup
		ended   atomic.Int32
	)
	started.Add(len(names))
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	Concurrently(t, names, func(t *testing.T, i int) {
		mu.Lock()
		seen = append(seen, t.Name()+"="+strconv.Itoa(i))
		mu.Unlock()
		started.Done()
		select {
		case <-all:
		case <-time.After(time.Minute): // not a timing check: one after another, this would hang
			t.Errorf("subtest %s: the others never started; the subtests ran one after another", names[i])
		}
		ended.Add(1)
	})
	if n := ended.Load(); n != int32(len(names)) {
		t.Errorf("Concurrently returned when %d of %d subtests had ended", n, len(names))
	}
	slices.Sort(seen)
	want := []string{t.Name() + "/a=0", t.Name() + "/b=1", t.Name() + "/c=2"}
	if !slices.Equal(seen, want) {
		t.Errorf("subtests ran as %v, want %v", seen, want)
	}
}

// TestCommandsBounded: however many CLIs run commands at once, no more
// than cap(procSlots) CLI processes run at the same time.
func TestCommandsBounded(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake CLI is a shell script")
	}
	dir := t.TempDir()
	// Each process marks itself running, writes how many are, and stays a
	// while so that the others overlap it.
	script := `#!/bin/sh
d=` + dir + `
touch "$d/run.$$"
ls "$d" | grep -c '^run\.' >> "$d/counts"
sleep 0.3
rm "$d/run.$$"
`
	node := filepath.Join(dir, "node")
	if err := os.WriteFile(node, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 3 * cap(procSlots) {
		c := &CLI{Version: V2023, tb: t, node: node, bwjs: "bw.js", dir: t.TempDir()}
		wg.Go(func() {
			if _, err := c.Run("status"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	b, err := os.ReadFile(filepath.Join(dir, "counts"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(b))
	if len(lines) != 3*cap(procSlots) {
		t.Fatalf("%d commands ran, want %d", len(lines), 3*cap(procSlots))
	}
	most := 0
	for _, l := range lines {
		n, err := strconv.Atoi(l)
		if err != nil {
			t.Fatal(err)
		}
		most = max(most, n)
	}
	if most > cap(procSlots) {
		t.Errorf("%d CLI processes ran at once, want at most %d", most, cap(procSlots))
	}
}
