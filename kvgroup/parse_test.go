package kvgroup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

func TestParseV1(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want *kvgroup.Group
	}{
		// Escapes.
		{"escape backslash", `"" "" = { "k" = "a\\b" }`, root(kv("k", `a\b`))},
		{"escape quote", `"" "" = { "k" = "say \"hi\"" }`, root(kv("k", `say "hi"`))},
		{"escape n", `"" "" = { "k" = "a\nb" }`, root(kv("k", "a\nb"))},
		{"escape r", `"" "" = { "k" = "a\rb" }`, root(kv("k", "a\rb"))},
		{"escape t", `"" "" = { "k" = "a\tb" }`, root(kv("k", "a\tb"))},
		{"unknown escape is the char", `"" "" = { "k" = "\s\q\%\{" }`, root(kv("k", "sq%{"))},
		{"escaped non-ASCII", `"" "" = { "k" = "\é" }`, root(kv("k", "é"))},
		{"escapes in key and name", `"a\"b" "c\\d" = { "\n" = "" }`, grp(`a"b`, `c\d`, kv("\n", ""))},
		{"double backslash before quote", `"" "" = { "k" = "x\\" }`, root(kv("k", `x\`))},
		{"four backslashes", `"" "" = { "k" = "\\\\" }`, root(kv("k", `\\`))},
		// Raw bytes inside quotes.
		{"raw newline in quotes", "\"\" \"\" = { \"html\" = \"<p>\nline 2\n\" }", root(kv("html", "<p>\nline 2\n"))},
		{"raw CR LF tab in quotes", "\"\" \"\" = { \"k\" = \"a\r\n\tb\" }", root(kv("k", "a\r\n\tb"))},
		{"hash inside quotes", `"" "" = { "CODEBASE" = "HISCPINToolAX.ocx#version=1,0,0,1" }`, root(kv("CODEBASE", "HISCPINToolAX.ocx#version=1,0,0,1"))},
		{"braces and equals inside quotes", `"" "" = { "{" = "}=" }`, root(kv("{", "}="))},
		{"control bytes and invalid UTF-8 kept", "\"\" \"\" = { \"k\" = \"\x00\x01\xff\" }", root(kv("k", "\x00\x01\xff"))},
		// Comments.
		{"comment after pair", "\"\" \"\" = {\n \"retval\" = \"0\" # Mandatory; zero is success\n}", root(kv("retval", "0"))},
		{"comment after brace", "\"\" \"\" = { # contents follow\n \"a\" = \"b\"\n}", root(kv("a", "b"))},
		{"comment block", "\"\" \"\" = {\n## mandatory configurations\n# \"x\" = \"y\"\n\"a\" = \"b\"\n}", root(kv("a", "b"))},
		{"comment between key and value", "\"\" \"\" = { \"a\" # c\n = # c\n \"b\" }", root(kv("a", "b"))},
		{"comments before and after root", "# one\n# two\n\"\" \"\" = { }\n# trailing, no newline", root()},
		{"comment touching a string", "\"\" \"\" = { \"a\"=\"b\"#c\n}", root(kv("a", "b"))},
		// Layout.
		{"items sharing a line", `"" "" = { "errmsg" = "" "retval" = "0" }`, root(kv("errmsg", ""), kv("retval", "0"))},
		{"closing brace on item line", "\"NA\" \"North America\" = {\n\"Canada\" = \"Ottawa\" }", grp("NA", "North America", kv("Canada", "Ottawa"))},
		{"no blanks at all", `"""" = {"a"="b""c""d"={}}`, root(kv("a", "b"), sub("c", "d"))},
		{"CRLF line ends", "\"\" \"\" = {\r\n  \"a\" = \"b\"\r\n}\r\n", root(kv("a", "b"))},
		{"tabs, vertical tab, form feed", "\"\"\t\"\"\v=\f{\t\"a\"\t=\t\"b\"\t}", root(kv("a", "b"))},
		{"leading and trailing blank lines", "\n\n  \"\" \"\" = { }  \n\n", root()},
		// Empty things.
		{"empty document", `"" "" = { }`, root()},
		{"empty document no blank", `"" ""={}`, root()},
		{"empty key and value", `"" "" = { "" = "" }`, root(kv("", ""))},
		{"empty inner group", "\"\" \"\" = { \"listattributes\" \"\" = {\n   }\n}", root(sub("listattributes", ""))},
		{"empty key and name of inner group", `"" "" = { "" "" = { } }`, root(sub("", ""))},
		// Duplicates and order.
		{"duplicate keys kept in order", `"" "" = { "a" = "1" "b" = "2" "a" = "3" }`, root(kv("a", "1"), kv("b", "2"), kv("a", "3"))},
		{"duplicate groups kept", `"" "" = { "host" "" = { "n" = "1" } "host" "" = { "n" = "2" } }`, root(sub("host", "", kv("n", "1")), sub("host", "", kv("n", "2")))},
		{"case-sensitive keys", `"" "" = { "Key" = "1" "key" = "2" }`, root(kv("Key", "1"), kv("key", "2"))},
		// Value-only items (bare strings) in V1.
		{"value-only items", `"" "" = { "attr" "" = { "v1" "v2" } }`, root(sub("attr", "", val("v1"), val("v2")))},
		{"value then pair", `"" "" = { "v" "k" = "x" }`, root(val("v"), kv("k", "x"))},
		{"value then group", `"" "" = { "v" "k" "n" = { } }`, root(val("v"), sub("k", "n"))},
		{"value last", `"" "" = { "k" = "x" "v" }`, root(kv("k", "x"), val("v"))},
		{"empty value-only", `"" "" = { "" }`, root(val(""))},
		// Nesting.
		{"nested", `"a" "b" = { "c" "d" = { "e" "f" = { "g" = "h" } } "i" = "j" }`,
			grp("a", "b", sub("c", "d", sub("e", "f", kv("g", "h"))), kv("i", "j"))},
		// BOM.
		{"UTF-8 BOM", "\xEF\xBB\xBF\"\" \"\" = { \"a\" = \"b\" }", root(kv("a", "b"))},
		// Headers do not change V1 parsing.
		{"V1.1 header", "# KVGROUP-V1.1\n\"\" \"\" = { }", root()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := kvgroup.ParseString(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			wantTree(t, g, tc.want)
			roundTrip(t, g)
		})
	}
}

func TestParseV2(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want *kvgroup.Group
	}{
		{"bare tokens", `cfg = { agent = agtssh.exe; Address = 10.0.5.8; UILEVEL = 0; }`,
			grp("cfg", "", kv("agent", "agtssh.exe"), kv("Address", "10.0.5.8"), kv("UILEVEL", "0"))},
		{"bare token with punctuation", `c = { description = !!!AGTSSH-SAMPLE-DESC; p = C:\dir\x; }`,
			grp("c", "", kv("description", "!!!AGTSSH-SAMPLE-DESC"), kv("p", `C:\dir\x`))},
		{"semicolon optional", "c = { a = b\n c = d }", grp("c", "", kv("a", "b"), kv("c", "d"))},
		{"list with semicolons", `c = { objects = {ACCT;ASSET;GRP;ROLE;}; }`,
			grp("c", "", sub("objects", "", val("ACCT"), val("ASSET"), val("GRP"), val("ROLE")))},
		{"list with commas", `c = { l = { "a", "b", c }; }`, grp("c", "", sub("l", "", val("a"), val("b"), val("c")))},
		{"list without trailing separator", `c = { l = { a; b } }`, grp("c", "", sub("l", "", val("a"), val("b")))},
		{"repeated separators", `c = { ;; a = b;; , }`, grp("c", "", kv("a", "b"))},
		{"group forms", `r = { g1 = { } g2 "" = { }; "g3" "n" = { }; g4 n4 = { }; }`,
			grp("r", "", sub("g1", ""), sub("g2", ""), sub("g3", "n"), sub("g4", "n4"))},
		{"semicolon after root", "r = { };\n", grp("r", "")},
		{"comment after semicolon", "r = { a = b; # note\n c = d; }", grp("r", "", kv("a", "b"), kv("c", "d"))},
		{"quoted with escapes", `r = { EXTRESPONSE = "3des.exe -e \"%USERID%\""; }`, grp("r", "", kv("EXTRESPONSE", `3des.exe -e "%USERID%"`))},
		{"V1 syntax is V2", `"" "" = { "a" = "b" "c" "d" = { "e" } }`, root(kv("a", "b"), sub("c", "d", val("e")))},
		{"hash ends a bare token", "r = { a = b#c\n }", grp("r", "", kv("a", "b"))},
		{"root with name", `config "" = { x = 1; };`, grp("config", "", kv("x", "1"))},
		{"non-ASCII bare", `r = { ville = Montréal; }`, grp("r", "", kv("ville", "Montréal"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := kvgroup.ParseStringWith(tc.in, kvgroup.V2, kvgroup.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			wantTree(t, g, tc.want)
			roundTrip(t, g)
			// With a V2 header, Auto selects V2 too.
			g2, err := kvgroup.ParseString("# KVGROUP-V2.0\n" + tc.in)
			if err != nil {
				t.Fatal(err)
			}
			wantTree(t, g2, tc.want)
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		dialect kvgroup.Dialect
		want    errWant
		offset  int64
	}{
		{"empty input", "", kvgroup.Auto, errWant{1, 1, "unexpected end of input, expected string (group key)"}, 0},
		{"only comments", "# KVGROUP-V1.0\n# nothing\n", kvgroup.Auto, errWant{3, 1, "unexpected end of input"}, 25},
		{"unclosed root", `"" "" = {`, kvgroup.Auto, errWant{1, 10, "unexpected end of input, expected string or '}'"}, 9},
		{"unclosed inner", "\"\" \"\" = {\n  \"a\" \"\" = {\n", kvgroup.Auto, errWant{3, 1, "unexpected end of input"}, 23},
		{"unterminated string", `"" "" = { "abc`, kvgroup.Auto, errWant{1, 11, "unterminated string"}, 10},
		{"unterminated after escape", `"" "" = { "abc\`, kvgroup.Auto, errWant{1, 11, "unterminated string"}, 10},
		{"unterminated key", `"abc`, kvgroup.Auto, errWant{1, 1, "unterminated string"}, 0},
		{"missing name", `"" = { }`, kvgroup.Auto, errWant{1, 4, "unexpected '=', expected string (group name)"}, 3},
		{"missing equals", `"" "" { }`, kvgroup.Auto, errWant{1, 7, "unexpected '{', expected '='"}, 6},
		{"missing brace", `"" "" = "x"`, kvgroup.Auto, errWant{1, 9, "unexpected string, expected '{'"}, 8},
		{"missing value", `"" "" = { "a" = }`, kvgroup.Auto, errWant{1, 17, "unexpected '}', expected string"}, 16},
		{"V1 group without name", `"" "" = { "a" = { } }`, kvgroup.Auto, errWant{1, 17, "unexpected '{', expected string"}, 16},
		{"stray equals", `"" "" = { = }`, kvgroup.Auto, errWant{1, 11, "unexpected '=', expected string or '}'"}, 10},
		{"unquoted in V1", `"" "" = { a = "b" }`, kvgroup.Auto, errWant{1, 11, "unexpected unquoted text"}, 10},
		{"control character", "\"\" \"\" = { \x01 }", kvgroup.Auto, errWant{1, 11, "unexpected control character"}, 10},
		{"semicolon in V1", `"" "" = { "a" = "b"; }`, kvgroup.V1, errWant{1, 20, "unexpected ';'"}, 19},
		{"extra brace", `"" "" = { } }`, kvgroup.Auto, errWant{1, 13, "unexpected '}' after the end of the document"}, 12},
		{"second document", "\"\" \"\" = { }\n\"\" \"\" = { }", kvgroup.Auto, errWant{2, 1, "unexpected string after the end of the document"}, 12},
		{"error on third line", "\"\" \"\" = {\n  \"a\" = \"b\"\n  \"c\" = = \"d\"\n}", kvgroup.Auto, errWant{3, 9, "unexpected '=', expected string"}, 30},
		{"column after CRLF", "\"\" \"\" = {\r\n\"a\" x\r\n}", kvgroup.Auto, errWant{2, 5, "unexpected unquoted text"}, 15},
		{"column after raw newline in string", "\"\" \"\" = { \"a\" = \"x\ny\" = }", kvgroup.Auto, errWant{2, 4, "unexpected '='"}, 22},
		{"BOM not counted in column", "\xEF\xBB\xBF\"\" \"\" = {", kvgroup.Auto, errWant{1, 10, "unexpected end of input"}, 12},
		{"V2 missing value", `r = { a = ; }`, kvgroup.V2, errWant{1, 11, "unexpected ';', expected value or '{'"}, 10},
		{"V2 unclosed", "r = {\n a = b;\n", kvgroup.V2, errWant{3, 1, "unexpected end of input, expected string, unquoted value or '}'"}, 14},
		{"V2 bad root", `= { }`, kvgroup.V2, errWant{1, 1, "unexpected '=', expected string (group key)"}, 0},
		{"V2 root without braces", `a = b;`, kvgroup.V2, errWant{1, 5, "unexpected unquoted text, expected '{'"}, 4},
		{"V2 header then bad", "# KVGROUP-V2.0\nr = { = }", kvgroup.Auto, errWant{2, 7, "unexpected '='"}, 21},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := kvgroup.ParseStringWith(tc.in, tc.dialect, kvgroup.Limits{})
			if g != nil {
				t.Errorf("got a group with the error")
			}
			wantSyntaxError(t, err, tc.want)
			var se *kvgroup.SyntaxError
			errors.As(err, &se)
			if se.Offset != tc.offset {
				t.Errorf("Offset = %d, want %d", se.Offset, tc.offset)
			}
			if !strings.HasPrefix(err.Error(), "kvgroup: syntax error at line ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

// TestErrorsDoNotLeakValues feeds malformed documents that contain a
// secret and checks that no error message contains any part of it.
func TestErrorsDoNotLeakValues(t *testing.T) {
	t.Parallel()
	inputs := []struct {
		in     string
		v1only bool // valid V2
	}{
		{`"" "" = { "adminpw" = "Hunter2Secret" = }`, false},
		{`"" "" = { "adminpw" = "Hunter2Secret`, false},
		{`"" "" = { "adminpw" = Hunter2Secret }`, true},
		{`"" "" = { "adminpw" "Hunter2Secret" = "x" `, false},
		{`"" "" = { "adminpw" = "x" } "Hunter2Secret"`, false},
		{`"" "" = { "adminpw" = "x" } Hunter2Secret`, false},
		{`"Hunter2Secret" = { }`, true},
		{`Hunter2Secret`, false},
		{`"" "" = { "a" "Hunter2Secret" = "Hunter2Secret" = }`, false},
		{"\"\" \"\" = { \"adminpw\" = \"Hunter2\\Secret\" ; }", true},
	}
	for _, tc := range inputs {
		for _, d := range []kvgroup.Dialect{kvgroup.V1, kvgroup.V2} {
			if d == kvgroup.V2 && tc.v1only {
				continue
			}
			_, err := kvgroup.ParseStringWith(tc.in, d, kvgroup.Limits{})
			if err == nil {
				t.Errorf("%s %q: no error", d, tc.in)
				continue
			}
			if msg := err.Error(); strings.Contains(msg, "Hunter") || strings.Contains(msg, "Secret") {
				t.Errorf("%s %q: error leaks the value: %s", d, tc.in, msg)
			}
		}
	}
}

func TestParseEncodingErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"\xFF\xFE\"\x00\"\x00",           // UTF-16 LE
		"\xFE\xFF\x00\"\x00\"",           // UTF-16 BE
		"\xFF\xFE\x00\x00\"\x00\x00\x00", // UTF-32 LE
		"\x00\x00\xFE\xFF\x00\x00\x00\"", // UTF-32 BE
	} {
		if _, err := kvgroup.ParseString(in); !errors.Is(err, kvgroup.ErrEncoding) {
			t.Errorf("%q: err = %v, want ErrEncoding", in, err)
		}
		dec := kvgroup.NewDecoder(strings.NewReader(in))
		if !dec.More() {
			t.Errorf("%q: More() = false, want true (an error to report)", in)
		}
		if _, err := dec.Decode(); !errors.Is(err, kvgroup.ErrEncoding) {
			t.Errorf("%q: Decoder err = %v, want ErrEncoding", in, err)
		}
	}
}

func TestParseReaderAndBytes(t *testing.T) {
	t.Parallel()
	const in = "# KVGROUP-V1.0\n\"\" \"\" = { \"a\" = \"b\" }\n"
	want := root(kv("a", "b"))
	g, err := kvgroup.Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	wantTree(t, g, want)
	data := []byte(in)
	g, err = kvgroup.ParseBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	// The result must not alias the input bytes.
	copy(data, strings.Repeat("x", len(data)))
	wantTree(t, g, want)
}

func TestLimits(t *testing.T) {
	t.Parallel()
	nest := func(n int) string {
		return strings.Repeat(`"g" "" = {`, n) + strings.Repeat("}", n)
	}
	items := func(n int) string { // n value-only items
		return `"" "" = {` + strings.Repeat(`"" `, n) + `}`
	}
	tests := []struct {
		name   string
		in     string
		lim    kvgroup.Limits
		limit  string // "" means no error
		offset int64
	}{
		{"depth at limit", nest(3), kvgroup.Limits{MaxDepth: 3}, "", 0},
		{"depth over limit", nest(4), kvgroup.Limits{MaxDepth: 3}, "MaxDepth", 30},
		{"default depth ok", nest(1000), kvgroup.Limits{}, "", 0},
		{"default depth over", nest(1001), kvgroup.Limits{}, "MaxDepth", 10000},
		{"depth unlimited", nest(20000), kvgroup.Limits{MaxDepth: -1}, "", 0},
		{"items at limit", `"" "" = { "a" = "1" "b" "" = { "c" } }`, kvgroup.Limits{MaxItems: 3}, "", 0},
		{"items over limit", `"" "" = { "a" = "1" "b" "" = { "c" "d" } }`, kvgroup.Limits{MaxItems: 3}, "MaxItems", 35},
		{"bytes at limit", `"" "" = { }`, kvgroup.Limits{MaxBytes: 11}, "", 0},
		{"bytes over limit", `"" "" = { } `, kvgroup.Limits{MaxBytes: 11}, "MaxBytes", 11},
		{"default items at limit", items(1_000_000), kvgroup.Limits{}, "", 0},
		{"default items over", items(1_000_001), kvgroup.Limits{}, "MaxItems", 3000009},
		{"items raised", items(1_000_001), kvgroup.Limits{MaxItems: 2_000_000}, "", 0},
		{"default bytes over", `"" "" = {` + strings.Repeat(" ", 16<<20) + `}`, kvgroup.Limits{}, "MaxBytes", 16 << 20},
		{"bytes raised", `"" "" = {` + strings.Repeat(" ", 16<<20) + `}`, kvgroup.Limits{MaxBytes: 32 << 20}, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := kvgroup.ParseStringWith(tc.in, kvgroup.Auto, tc.lim)
			if tc.limit == "" {
				if err != nil {
					t.Fatal(err)
				}
				if g == nil {
					t.Fatal("nil group")
				}
				return
			}
			if !errors.Is(err, kvgroup.ErrLimit) {
				t.Fatalf("err = %v, want ErrLimit", err)
			}
			var le *kvgroup.LimitError
			if !errors.As(err, &le) || le.Limit != tc.limit || le.Offset != tc.offset {
				t.Fatalf("err = %#v, want Limit %s at offset %d", err, tc.limit, tc.offset)
			}
		})
	}
}

// TestDeepNestingNoRecursion parses, formats and compares a tree far deeper
// than a recursive-descent parser on a small stack would survive.
func TestDeepNesting(t *testing.T) {
	t.Parallel()
	const n = 100000
	in := strings.Repeat(`"g" "" = {`, n) + `"k" = "v"` + strings.Repeat("}", n)
	g, err := kvgroup.ParseStringWith(in, kvgroup.V1, kvgroup.Limits{MaxDepth: -1})
	if err != nil {
		t.Fatal(err)
	}
	depth := 1
	for c := g; ; depth++ {
		if len(c.Items) != 1 {
			t.Fatalf("depth %d: %d items", depth, len(c.Items))
		}
		if c.Items[0].Group == nil {
			if c.Items[0].Key != "k" || c.Items[0].Value != "v" {
				t.Fatalf("innermost item %+v", c.Items[0])
			}
			break
		}
		c = c.Items[0].Group
	}
	if depth != n {
		t.Fatalf("depth %d, want %d", depth, n)
	}
}
