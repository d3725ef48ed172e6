package main

import (
	"strings"
	"testing"
	"unicode"

	"github.com/bsafe-go/bsafe/internal/passgen"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// classes counts a password's characters per bw class.
func classes(s string) (upper, lower, digit, special, other int) {
	for _, r := range s {
		switch {
		case strings.ContainsRune(passgen.Uppercase, r):
			upper++
		case strings.ContainsRune(passgen.Lowercase, r):
			lower++
		case strings.ContainsRune(passgen.Digits, r):
			digit++
		case strings.ContainsRune(passgen.Special, r):
			special++
		default:
			other++
		}
	}
	return
}

// TestGenerate: bw's generate options, as the installed bw 2026.9.0 and
// 2023.9.1 behave (see internal/passgen's Adjust): -uln --length 14 by
// default, the class flags replace the default classes, lengths below 5
// or below what the minimums need are raised, a non-numeric length falls
// back to 14; --passphrase with --words, --separator (space, empty, first
// character), --capitalize and --includeNumber. No session is needed.
func TestGenerate(t *testing.T) {
	e := newTestEnv(t, safetest.GenCurrent) // never logged in
	check := func(name string, args []string, ok func(string) bool) {
		t.Helper()
		out := e.mustRun("", nil, append([]string{"generate"}, args...)...)
		if strings.HasSuffix(out, "\n") {
			t.Errorf("%s: output ends in a newline off a terminal: %q", name, out)
		}
		if !ok(out) {
			t.Errorf("%s: bsafe generate %s = %q", name, strings.Join(args, " "), out)
		}
	}
	check("default -uln 14", nil, func(s string) bool {
		u, l, d, sp, o := classes(s)
		return len(s) == 14 && u > 0 && l > 0 && d > 0 && sp == 0 && o == 0
	})
	check("-s only", []string{"-s", "--length", "20"}, func(s string) bool {
		u, l, d, sp, o := classes(s)
		return len(s) == 20 && sp == 20 && u+l+d+o == 0
	})
	check("bundled -ln", []string{"-ln", "--length=30"}, func(s string) bool {
		u, l, d, sp, o := classes(s)
		return len(s) == 30 && u == 0 && l > 0 && d > 0 && sp+o == 0
	})
	check("length below 5", []string{"--length", "2"}, func(s string) bool { return len(s) == 5 })
	check("minimums raise the length", []string{"-ulns", "--length", "5", "--minNumber", "3", "--minSpecial", "3"}, func(s string) bool {
		_, _, d, sp, _ := classes(s)
		return len(s) == 8 && d >= 3 && sp >= 3
	})
	check("non-numeric length", []string{"--length", "abc"}, func(s string) bool { return len(s) == 14 })
	check("--ambiguous", []string{"--length", "200", "-ulns", "--ambiguous"}, func(s string) bool {
		return len(s) == 200 && !strings.ContainsAny(s, passgen.Ambiguous)
	})
	check("passphrase default", []string{"--passphrase"}, func(s string) bool {
		w := strings.Split(s, "-")
		return len(w) == 6 && !strings.ContainsAny(s, "0123456789")
	})
	check("passphrase options", []string{"-p", "--words", "4", "--separator", "space", "--capitalize", "--includeNumber"}, func(s string) bool {
		w := strings.Split(s, " ")
		if len(w) != 4 {
			return false
		}
		for _, word := range w {
			if word == "" || !unicode.IsUpper([]rune(word)[0]) {
				return false
			}
		}
		return strings.Count(s, "0")+strings.Count(s, "1")+strings.Count(s, "2")+strings.Count(s, "3")+
			strings.Count(s, "4")+strings.Count(s, "5")+strings.Count(s, "6")+strings.Count(s, "7")+
			strings.Count(s, "8")+strings.Count(s, "9") == 1
	})
	check("separator empty", []string{"-p", "--words", "3", "--separator", "empty"}, func(s string) bool {
		return !strings.ContainsAny(s, "- ") && len(s) >= 9
	})
	check("separator first character", []string{"-p", "--words", "3", "--separator", "+=x"}, func(s string) bool {
		return len(strings.Split(s, "+")) == 3 && !strings.Contains(s, "=")
	})
	check("words below 3", []string{"-p", "--words", "1"}, func(s string) bool { return len(strings.Split(s, "-")) == 3 })

	// Two draws differ: the output is random, not fixed.
	if a, b := e.mustRun("", nil, "generate"), e.mustRun("", nil, "generate"); a == b {
		t.Errorf("two passwords are the same: %q", a)
	}
	// Impossible even for bw's leniency: one line, exit 1.
	r := e.run("", nil, "generate", "--length", "5000")
	if r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") > 1 || r.stderr == "" {
		t.Errorf("generate --length 5000: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	failsWith(t, e.run("", nil, "generate", "--nosuch"), "error: unknown option '--nosuch'")
}
