package kvgroup_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/bsafe-go/bsafe/kvgroup"
)

const streamText = `# KVGROUP-V1.0
"" "" = {
  "operation" = "listusers"
}
# between documents
"" "" = { }   "" "" = { "a" = "1" }
# KVGROUP-V1.1
"prequest" "" = {
  "text" = "multi
line # not a comment }"
}
`

var streamWant = []struct {
	header string
	g      *kvgroup.Group
}{
	{"KVGROUP-V1.0", root(kv("operation", "listusers"))},
	{"", root()},
	{"", root(kv("a", "1"))},
	{"KVGROUP-V1.1", grp("prequest", "", kv("text", "multi\nline # not a comment }"))},
}

func TestDecoderStream(t *testing.T) {
	t.Parallel()
	readers := map[string]func(string) io.Reader{
		"plain":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"half":     func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
		"data+EOF": func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
	}
	for name, mk := range readers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dec := kvgroup.NewDecoder(mk(streamText))
			for i, w := range streamWant {
				if !dec.More() {
					t.Fatalf("More() = false before document %d", i)
				}
				g, err := dec.Decode()
				if err != nil {
					t.Fatalf("document %d: %v", i, err)
				}
				wantTree(t, g, w.g)
				if dec.Header() != w.header {
					t.Errorf("document %d: Header() = %q, want %q", i, dec.Header(), w.header)
				}
				if i == 1 && !g.IsEmpty() {
					t.Errorf("document 1 should be the empty signal")
				}
				if i != 1 && g.IsEmpty() {
					t.Errorf("document %d reported empty", i)
				}
			}
			if dec.More() {
				t.Fatal("More() = true at the end")
			}
			if g, err := dec.Decode(); g != nil || err != io.EOF {
				t.Fatalf("Decode at end = %v, %v; want nil, io.EOF", g, err)
			}
			if got, want := dec.InputOffset(), int64(len(streamText)); got != want {
				t.Errorf("InputOffset = %d, want %d", got, want)
			}
		})
	}
}

func TestDecoderV2Stream(t *testing.T) {
	t.Parallel()
	in := "# KVGROUP-V2.0\na = { x = 1; };\n;\n# KVGROUP-V2.0\nb = { l = {p;q}; }\n"
	dec := kvgroup.NewDecoder(strings.NewReader(in))
	want := []*kvgroup.Group{
		grp("a", "", kv("x", "1")),
		grp("b", "", sub("l", "", val("p"), val("q"))),
	}
	for i, w := range want {
		g, err := dec.Decode()
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		wantTree(t, g, w)
		if dec.Header() != "KVGROUP-V2.0" {
			t.Errorf("Header() = %q", dec.Header())
		}
	}
	if dec.More() {
		t.Fatal("More() = true at the end")
	}
}

func TestDecoderSetDialect(t *testing.T) {
	t.Parallel()
	in := "a = { x = 1; }\nb = { }"
	dec := kvgroup.NewDecoder(strings.NewReader(in))
	dec.SetDialect(kvgroup.V2)
	for i, w := range []*kvgroup.Group{grp("a", "", kv("x", "1")), grp("b", "")} {
		g, err := dec.Decode()
		if err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		wantTree(t, g, w)
	}
	// The same text in the default (Auto, no header: V1) dialect fails.
	dec = kvgroup.NewDecoder(strings.NewReader(in))
	_, err := dec.Decode()
	wantSyntaxError(t, err, errWant{1, 1, "unexpected unquoted text"})
}

func TestDecoderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		ok     int // documents decoded before the error
		want   errWant
		offset int64
	}{
		{"truncated", "\"\" \"\" = {\n \"a\" = \"b\"\n", 0, errWant{3, 1, "unexpected end of input"}, 21},
		{"truncated string", "\"\" \"\" = { \"a\" = \"b", 0, errWant{1, 17, "unterminated string"}, 16},
		{"truncated escape", "\"\" \"\" = { \"a\" = \"b\\", 0, errWant{1, 17, "unterminated string"}, 16},
		{"error in second document", "\"\" \"\" = { }\n# c\n\"\" \"\" = {\n \"a\" = = }", 1, errWant{4, 8, "unexpected '='"}, 33},
		{"second document on the same line", `"" "" = { } "" "" = { = }`, 1, errWant{1, 23, "unexpected '='"}, 22},
		{"stray closing brace", "\"\" \"\" = { }\n}", 1, errWant{2, 1, "unexpected '}', expected string (group key)"}, 12},
		{"junk", "\"\" \"\" = { }\nabc", 1, errWant{2, 1, "unexpected unquoted text"}, 12},
		{"BOM then error", "\xEF\xBB\xBF\"\" = { }", 0, errWant{1, 4, "unexpected '='"}, 6},
		{"V1 semicolon after root", "\"\" \"\" = { };", 1, errWant{1, 12, "unexpected ';'"}, 11},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dec := kvgroup.NewDecoder(iotest.HalfReader(strings.NewReader(tc.in)))
			for i := range tc.ok {
				if _, err := dec.Decode(); err != nil {
					t.Fatalf("document %d: %v", i, err)
				}
			}
			if !dec.More() {
				t.Fatal("More() = false before the bad document")
			}
			g, err := dec.Decode()
			if g != nil {
				t.Error("got a group with the error")
			}
			wantSyntaxError(t, err, tc.want)
			var se *kvgroup.SyntaxError
			errors.As(err, &se)
			if se.Offset != tc.offset {
				t.Errorf("Offset = %d, want %d", se.Offset, tc.offset)
			}
			// Sticky, and More stops the loop.
			if _, err2 := dec.Decode(); err2 != err {
				t.Errorf("second Decode = %v, want the same error", err2)
			}
			if dec.More() {
				t.Error("More() = true after the error was returned")
			}
		})
	}
}

func TestDecoderReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(`"" "" = { } "" "" = { "a" = `), iotest.ErrReader(boom))
	dec := kvgroup.NewDecoder(r)
	if _, err := dec.Decode(); err != nil {
		t.Fatal(err)
	}
	if !dec.More() {
		t.Fatal("More() = false")
	}
	if _, err := dec.Decode(); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}

	// An error between documents is reported by Decode, after More.
	dec = kvgroup.NewDecoder(io.MultiReader(strings.NewReader(`"" "" = { }   `), iotest.ErrReader(boom)))
	if _, err := dec.Decode(); err != nil {
		t.Fatal(err)
	}
	if !dec.More() {
		t.Fatal("More() = false with a pending read error")
	}
	if _, err := dec.Decode(); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if dec.More() {
		t.Fatal("More() = true after the error")
	}
}

// stallReader returns (0, nil) forever.
type stallReader struct{}

func (stallReader) Read([]byte) (int, error) { return 0, nil }

func TestDecoderNoProgress(t *testing.T) {
	t.Parallel()
	dec := kvgroup.NewDecoder(stallReader{})
	if _, err := dec.Decode(); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("err = %v, want io.ErrNoProgress", err)
	}
}

func TestDecoderLimits(t *testing.T) {
	t.Parallel()
	big := `"" "" = { "a" = "` + strings.Repeat("x", 5000) + `" }`
	dec := kvgroup.NewDecoder(strings.NewReader(`"" "" = { } ` + big))
	dec.SetLimits(kvgroup.Limits{MaxBytes: 1000})
	if _, err := dec.Decode(); err != nil {
		t.Fatal(err)
	}
	_, err := dec.Decode()
	var le *kvgroup.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxBytes" || le.Max != 1000 || le.Offset != 1012 {
		t.Fatalf("err = %#v, want MaxBytes 1000 at 1012", err)
	}
	if !errors.Is(err, kvgroup.ErrLimit) {
		t.Fatal("not ErrLimit")
	}

	dec = kvgroup.NewDecoder(strings.NewReader(`"" "" = { "a" "" = { "b" "" = { } } }`))
	dec.SetLimits(kvgroup.Limits{MaxDepth: 2})
	if _, err := dec.Decode(); !errors.Is(err, kvgroup.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}

	dec = kvgroup.NewDecoder(strings.NewReader(`"" "" = { "a" "b" "c" }`))
	dec.SetLimits(kvgroup.Limits{MaxItems: 2})
	if _, err := dec.Decode(); !errors.As(err, &le) || le.Limit != "MaxItems" || le.Offset != 18 {
		t.Fatalf("err = %#v, want MaxItems at 18", err)
	}
}

// TestDecoderLongComment checks comments longer than the header window and
// longer than the read buffer, including one that looks like a header.
func TestDecoderLongComment(t *testing.T) {
	t.Parallel()
	long := "# KVGROUP-V2.0 " + strings.Repeat("z", 100000) + "\n"
	in := long + `"" "" = { "a" = "b" }` + "\n# " + strings.Repeat("y", 70000)
	dec := kvgroup.NewDecoder(iotest.HalfReader(strings.NewReader(in)))
	g, err := dec.Decode()
	if err != nil {
		t.Fatal(err)
	}
	wantTree(t, g, root(kv("a", "b")))
	// Long comment lines are not examined for a header.
	if dec.Header() != "" {
		t.Errorf("Header() = %q", dec.Header())
	}
	if dec.More() {
		t.Error("More() = true before a trailing comment")
	}
}
