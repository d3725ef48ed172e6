package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
)

// TestRunSeedItems: -seed-items makes an account that logs in with the
// given password and KDF over TLS and syncs exactly that many login items,
// the printed first id among them, each decrypting to the pattern the
// benchmark relies on.
func TestRunSeedItems(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	cert := filepath.Join(t.TempDir(), "cert.pem")
	done := make(chan int, 1)
	var stderr strings.Builder
	const email, password = "bench@example.com", "bench-master-password"
	go func() {
		done <- run(ctx, []string{"-seed-items", "7", "-seed-email", email, "-seed-password", password,
			"-kdf", "pbkdf2:5000", "-cert", cert}, pw, &stderr)
		pw.Close()
	}()
	var url, first, summary string
	sc := bufio.NewScanner(pr)
	firstRE := regexp.MustCompile(`first item ([0-9a-f-]{36})$`)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, " at https://"); i >= 0 {
			url = line[i+len(" at "):]
		}
		if m := firstRE.FindStringSubmatch(line); m != nil {
			first, summary = m[1], line
		}
		if strings.HasPrefix(line, "serving") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if url == "" || first == "" {
		t.Fatalf("URL %q, first item %q (%v; stderr %q)", url, first, sc.Err(), stderr.String())
	}
	if want := "seeded bench@example.com (KDF PBKDF2(5000)): 7 login items, first item "; !strings.HasPrefix(summary, want) {
		t.Errorf("summary %q, want it to start %q", summary, want)
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
	c, err := safe.NewClient(url, safe.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoginPassword(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	items, err := c.Items.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 7 {
		t.Fatalf("synced %d items, want 7", len(items))
	}
	names, withKey, sawFirst := map[string]bool{}, 0, false
	for _, it := range items {
		names[it.Name] = true
		if it.HasItemKey {
			withKey++
		}
		if it.ID == first {
			sawFirst = true
			if it.Name != "Server account 0 (production)" || it.Login == nil ||
				it.Login.Username != "svc-account-00000@corp.example.com" || len(it.Fields) != 2 {
				t.Errorf("first item: name %q, login %v, %d fields", it.Name, it.Login != nil, len(it.Fields))
			}
		}
	}
	if !sawFirst {
		t.Errorf("the printed first id %s is not among the synced items", first)
	}
	if !names["Server account 6 (production)"] || withKey != 4 {
		t.Errorf("names %v, %d with an item key; want accounts 0 to 6, 4 (the even ones) with a key", names, withKey)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run exited %d: %s", code, stderr.String())
	}
}

func TestParseKDF(t *testing.T) {
	for in, want := range map[string]string{
		"pbkdf2:5000":     "PBKDF2(5000)",
		"PBKDF2:600000":   "PBKDF2(600000)",
		"argon2id:3,64,4": "Argon2id(t=3, m=64 MiB, p=4)",
	} {
		k, err := parseKDF(in)
		if err != nil || k.String() != want {
			t.Errorf("parseKDF(%q) = %v, %v; want %s", in, k, err, want)
		}
	}
	for _, in := range []string{"", "pbkdf2", "pbkdf2:", "pbkdf2:0", "pbkdf2:-5", "pbkdf2:5,6", "argon2id:3,64", "scrypt:5", "pbkdf2:x"} {
		if _, err := parseKDF(in); err == nil {
			t.Errorf("parseKDF(%q) succeeded", in)
		}
	}
}
