package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var testFlags = []flagDef{
	{name: "session", value: true}, {name: "raw"},
	{name: "length", value: true}, {name: "lowercase", short: 'l'}, {name: "uppercase", short: 'u'},
	{name: "force", short: 'f'}, {name: "search", short: 's', value: true},
}

// TestParseArgs: bw's spellings all parse to the same input.
func TestParseArgs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args      []string
		wantArgs  []string
		wantFlags map[string]string
	}{
		{[]string{"items", "--search", "AD", "--raw"}, []string{"items"}, map[string]string{"search": "AD", "raw": ""}},
		{[]string{"--search=AD", "items"}, []string{"items"}, map[string]string{"search": "AD"}},
		{[]string{"-s", "AD", "items"}, []string{"items"}, map[string]string{"search": "AD"}},
		{[]string{"-sAD", "items"}, []string{"items"}, map[string]string{"search": "AD"}},
		{[]string{"-luf", "--length", "18"}, nil, map[string]string{"lowercase": "", "uppercase": "", "force": "", "length": "18"}},
		{[]string{"-lus", "x"}, nil, map[string]string{"lowercase": "", "uppercase": "", "search": "x"}},
		{[]string{"a", "--", "--raw", "-l"}, []string{"a", "--raw", "-l"}, map[string]string{}},
		{[]string{"-", "--search="}, []string{"-"}, map[string]string{"search": ""}},
		{[]string{"--search", "--raw"}, nil, map[string]string{"search": "--raw"}}, // a value may start with "-", as commander's
	}
	for _, c := range cases {
		in, err := parseArgs(c.args, testFlags)
		if err != nil {
			t.Errorf("parseArgs(%q): %v", c.args, err)
			continue
		}
		if diff := cmp.Diff(c.wantArgs, in.args); diff != "" {
			t.Errorf("parseArgs(%q) args (-want +got):\n%s", c.args, diff)
		}
		if diff := cmp.Diff(c.wantFlags, in.flags); diff != "" {
			t.Errorf("parseArgs(%q) flags (-want +got):\n%s", c.args, diff)
		}
	}
}

// TestSplitCommand: the command is the first argument that is not a global
// flag or its value.
func TestSplitCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		name string
		rest []string
	}{
		{[]string{"--session", "KEY", "list", "items"}, "list", []string{"--session", "KEY", "items"}},
		{[]string{"--session=KEY", "--raw", "get", "x"}, "get", []string{"--session=KEY", "--raw", "x"}},
		{[]string{"--raw"}, "", []string{"--raw"}},
		{[]string{"--", "status"}, "status", nil},
		{nil, "", nil},
	}
	for _, c := range cases {
		name, rest, _ := splitCommand(c.args)
		if name != c.name || !cmp.Equal(rest, c.rest, cmpEmpty) {
			t.Errorf("splitCommand(%q) = %q, %q; want %q, %q", c.args, name, rest, c.name, c.rest)
		}
	}
}

var cmpEmpty = cmp.Comparer(func(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
})

// FuzzParseArgs: no input panics, an error is one line, and every flag the
// parser returns is a declared one.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"items --search AD", "-luf --length 18", "--session=x get", "-- -x", "-s", "--raw=1", "-", "--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, " ")
		name, rest, ok := splitCommand(args)
		// The name is taken out (and a "--" before it); nothing else is.
		if (!ok && (name != "" || len(rest) != len(args))) || (ok && len(rest) != len(args)-1 && len(rest) != len(args)-2) {
			t.Fatalf("splitCommand(%q) lost arguments: %q, %q", args, name, rest)
		}
		in, err := parseArgs(args, testFlags)
		if err != nil {
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error %q is not one line", msg)
			}
			return
		}
		for k := range in.flags {
			if lookupLong(testFlags, k) == nil {
				t.Fatalf("parseArgs(%q) returned undeclared flag %q", args, k)
			}
		}
	})
}
