package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunDemo starts the command, reads the URL and certificate it
// prints, asks the server for Alice's KDF over TLS trusting only that
// certificate, and stops it.
func TestRunDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("derives demo keys with default KDF settings")
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	cert := filepath.Join(t.TempDir(), "cert.pem")
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- run(ctx, []string{"-seed", "demo", "-generation", "2023", "-cert", cert}, pw, &stderr)
		pw.Close()
	}()
	var url string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, " at https://"); i >= 0 {
			url = line[i+len(" at "):]
		}
		if strings.HasPrefix(line, "serving") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if url == "" {
		t.Fatalf("no URL printed (%v)", sc.Err())
	}
	pemBytes, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("the printed certificate is not PEM")
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Post(url+"/identity/accounts/prelogin", "application/json", strings.NewReader(`{"email":"bob@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Kdf       int `json:"kdf"`
		KdfMemory int `json:"kdfMemory"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if p.Kdf != 1 || p.KdfMemory != 64 {
		t.Errorf("bob's prelogin = %+v, want the demo's Argon2id with 64 MiB", p)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run exited %d: %s", code, stderr.String())
	}
}

// TestRunFlags: -h and --help print the usage to stdout and succeed; a
// bad flag, a bad flag value or a positional argument is a usage error
// (exit 2) with a message on stderr, and nothing starts.
func TestRunFlags(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // a substring of stdout, "" for empty
		stderr string // a substring of stderr, "" for empty
	}{
		{args: []string{"-h"}, code: 0, stdout: "usage: safetest-server"},
		{args: []string{"--help"}, code: 0, stdout: "-generation string"},
		{args: []string{"-help"}, code: 0, stdout: "-seed string"},
		{args: []string{"serve"}, code: 2, stderr: `unexpected argument "serve"`},
		{args: []string{"-seed", "demo", "extra"}, code: 2, stderr: `unexpected argument "extra"`},
		{args: []string{"-generation", "2019"}, code: 2, stderr: `unknown -generation "2019"`},
		{args: []string{"-seed", "lots"}, code: 2, stderr: `unknown -seed "lots"`},
		{args: []string{"-nope"}, code: 2, stderr: "flag provided but not defined: -nope"},
		{args: []string{"-seed-items", "5"}, code: 2, stderr: "-seed-items needs -seed-email"},
		{args: []string{"-seed-items", "-1", "-seed-email", "a@b.c", "-seed-password", "x"}, code: 2, stderr: "-seed-items -1 out of range"},
		{args: []string{"-seed-items", "5", "-seed-email", "a@b.c"}, code: 2, stderr: "-seed-email needs -seed-password"},
		{args: []string{"-seed-items", "5", "-seed-email", "a@b.c", "-seed-password", "x", "-kdf", "md5:1"}, code: 2, stderr: `bad -kdf "md5:1"`},
		{args: []string{"-seed-items", "many"}, code: 2, stderr: `invalid value "many" for flag -seed-items`},
		{args: []string{"-addr", "127.0.0.1:99999"}, code: 1, stderr: "safetest-server: listen tcp"},
	} {
		var stdout, stderr strings.Builder
		code := run(t.Context(), tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("run %q exited %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
		}
		if tc.stdout == "" && stdout.Len() != 0 || !strings.Contains(stdout.String(), tc.stdout) {
			t.Errorf("run %q: stdout %q, want it to hold %q", tc.args, stdout.String(), tc.stdout)
		}
		if tc.stderr == "" && stderr.Len() != 0 || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("run %q: stderr %q, want it to hold %q", tc.args, stderr.String(), tc.stderr)
		}
	}
}
