package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"password hash matches: true",
		"same key: true",
		"a wrong password is refused: unwrap user key: vaultcrypto: MAC verification failed",
		"unwrapped: true",
		`username "jane.doe"`,
		"round trip ok: true",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{password, "s3cr3t-Pa55"} {
		if strings.Contains(text, secret) {
			t.Errorf("output contains the secret %q", secret)
		}
	}
}
