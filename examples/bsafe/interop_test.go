package main

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/internal/bwcli"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestInteropSessionOutput runs the official CLI (2026.9.0) and bsafe on one
// server and compares what scripts parse: the keys and value types of
// "status" before login and when unlocked, and the form of what
// "login --raw" and "unlock --raw" print (the session key alone, the base64
// of 64 bytes, no newline on a pipe).
func TestInteropSessionOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the official CLI; skipped with -short")
	}
	t.Parallel()
	e := newTestEnv(t, safetest.GenCurrent)
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := e.srv.WriteCertificatePEM(pem); err != nil {
		t.Fatal(err)
	}
	cli := bwcli.New(t, bwcli.V2026, e.srv.URL, pem)

	compareStatus := func(when, bwOut, ours string) {
		t.Helper()
		bwShape, ourShape := jsonShape(t, bwOut), jsonShape(t, ours)
		if bwShape != ourShape {
			t.Errorf("status %s: bw %s, bsafe %s\nbw:    %s\nbsafe: %s", when, bwShape, ourShape, bwOut, ours)
		}
	}
	bwStatus, err := cli.RunEnv(map[string]string{"BW_SESSION": ""}, "status")
	if err != nil {
		t.Fatal(err)
	}
	compareStatus("before login", bwStatus, e.mustRun("", nil, "status"))

	bwKey, err := cli.Login(testEmail, testPassword)
	if err != nil {
		t.Fatalf("bw login: %v", err)
	}
	ourKey := e.login()
	for _, k := range []string{bwKey, ourKey} {
		if b, err := base64.StdEncoding.DecodeString(k); err != nil || len(b) != 64 || strings.TrimSpace(k) != k {
			t.Errorf("login --raw printed %q: want the base64 of 64 bytes alone", k)
		}
	}
	// bw's login syncs, bsafe's does not (README): lastSync is a string
	// for bw, null for bsafe, until a sync. Both sync, then compare.
	if _, err := cli.Run("sync"); err != nil {
		t.Fatal(err)
	}
	e.mustRun("", map[string]string{"BW_SESSION": ourKey}, "sync")
	bwStatus, err = cli.Run("status")
	if err != nil {
		t.Fatal(err)
	}
	compareStatus("unlocked", bwStatus, e.mustRun("", map[string]string{"BW_SESSION": ourKey}, "status"))
	if !strings.Contains(bwStatus, `"status":"unlocked"`) {
		t.Fatalf("bw status after login = %s: the comparison did not see an unlocked vault", bwStatus)
	}

	bwKey, err = cli.Unlock(testPassword)
	if err != nil {
		t.Fatalf("bw unlock: %v", err)
	}
	ourKey = e.mustRun("", nil, "unlock", "--passwordenv", "BW_PASSWORD", "--raw")
	for _, k := range []string{bwKey, ourKey} {
		if b, err := base64.StdEncoding.DecodeString(k); err != nil || len(b) != 64 || strings.TrimSpace(k) != k {
			t.Errorf("unlock --raw printed %q: want the base64 of 64 bytes alone", k)
		}
	}
}

// jsonShape describes a JSON object by its sorted keys and the JSON type of
// each value ("serverUrl:string lastSync:null ...").
func jsonShape(t *testing.T, s string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not a JSON object: %q: %v", s, err)
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		typ := "null"
		if v != nil {
			typ = reflect.TypeOf(v).Kind().String()
		}
		keys = append(keys, k+":"+typ)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}
