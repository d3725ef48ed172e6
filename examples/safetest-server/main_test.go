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
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-seed", "demo", "-generation", "2023", "-cert", cert}, pw)
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
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{{"-generation", "2019"}, {"-seed", "lots"}, {"-nope"}} {
		if err := run(t.Context(), args, io.Discard); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}
