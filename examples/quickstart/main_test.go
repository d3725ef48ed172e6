package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"1. started an in-memory server (2023 generation",
		"3. logged in; the team key unwrapped for 1 team(s)",
		"own item key: false", // 2023.8 keeps no per-item keys
		"5. the server stores the name as 2.",
		"6. rotated the password; 1 previous password(s) kept",
		`username "bonnil", assocID "bonnil"`,
		"matches: true",
		"(in trash: false)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{password, "Initial-Pa55word!", "Rotated-Pa55word!", "AD:bonnil"} {
		if strings.Contains(text, secret) {
			t.Errorf("output contains the secret %q", secret)
		}
	}
}
