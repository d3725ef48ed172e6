package kvgroup_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// fuzzLimits keep single fuzz inputs fast.
var fuzzLimits = kvgroup.Limits{MaxDepth: 200, MaxItems: 20000, MaxBytes: 1 << 20}

func addCorpus(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if fi, err := os.Stat(name); err != nil || fi.IsDir() {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
		if strings.HasSuffix(name, ".fragment") {
			f.Add("\"\" \"\" = {\n" + string(b) + "}\n")
		}
	}
	for _, s := range []string{
		"", `"" "" = { }`, `"" ""={"a"="b\"\\\n"}`, "\xEF\xBB\xBF\"\" \"\" = { \"v\" }",
		"\xFF\xFE", `"" "" = { "a" "b" "c" = { } "d" = "e" }`, "a = { b; c, d = e; f = { }; };",
		"# KVGROUP-V2.0\nx = { y = z; }", `"" "" = { "x\` + "\n" + `y" # c` + "\n}",
	} {
		f.Add(s)
	}
}

// checkRoundTrip is the fuzz property: a parsed tree formats to text that
// parses back to an equal tree, in both dialects, and formatting is
// stable.
func checkRoundTrip(t *testing.T, in string, d kvgroup.Dialect) {
	g, err := kvgroup.ParseStringWith(in, d, fuzzLimits)

	// The optimized parser agrees with the simple reference parser.
	if !errors.Is(err, kvgroup.ErrLimit) {
		want, refErr := refParse(in, d)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("parser error %v, reference error %v\ninput: %q", err, refErr, in)
		}
		if err == nil && !g.Equal(want) {
			t.Fatalf("parser and reference disagree\ninput: %q\ngot:\n%s\nreference:\n%s", in, dump(g), dump(want))
		}
	}

	if err != nil {
		var se *kvgroup.SyntaxError
		var le *kvgroup.LimitError
		switch {
		case errors.As(err, &se):
			if se.Line < 1 || se.Col < 1 || se.Offset < 0 || se.Offset > int64(len(in)) {
				t.Fatalf("bad position %d:%d offset %d for input of %d bytes", se.Line, se.Col, se.Offset, len(in))
			}
		case errors.As(err, &le), errors.Is(err, kvgroup.ErrEncoding):
		default:
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		return
	}
	text := kvgroup.Format(g)
	g2, err := kvgroup.ParseStringWith(string(text), kvgroup.Auto, kvgroup.Limits{MaxDepth: -1})
	if err != nil {
		t.Fatalf("re-parse V1: %v\ninput: %q\nformatted: %q", err, in, text)
	}
	if !g2.Equal(g) {
		t.Fatalf("V1 round trip changed the tree\ninput: %q\nformatted: %q", in, text)
	}
	if text2 := kvgroup.Format(g2); !bytes.Equal(text, text2) {
		t.Fatalf("Format not stable: %q vs %q", text, text2)
	}

	var buf bytes.Buffer
	enc := kvgroup.NewEncoder(&buf)
	enc.SetDialect(kvgroup.V2)
	if err := enc.Encode(g); err != nil {
		t.Fatal(err)
	}
	g3, err := kvgroup.ParseStringWith(buf.String(), kvgroup.Auto, kvgroup.Limits{MaxDepth: -1})
	if err != nil {
		t.Fatalf("re-parse V2: %v\ninput: %q\nformatted: %q", err, in, buf.String())
	}
	if !g3.Equal(g) {
		t.Fatalf("V2 round trip changed the tree\ninput: %q\nformatted: %q", in, buf.String())
	}

	// A Decoder reading the same text yields the same first document.
	dec := kvgroup.NewDecoder(strings.NewReader(in))
	dec.SetDialect(d)
	dec.SetLimits(fuzzLimits)
	g4, err := dec.Decode()
	if err != nil {
		t.Fatalf("Decoder failed where Parse succeeded: %v\ninput: %q", err, in)
	}
	if !g4.Equal(g) {
		t.Fatalf("Decoder and Parse disagree\ninput: %q", in)
	}
	if dec.More() {
		t.Fatalf("Decoder sees more after the only document\ninput: %q", in)
	}
}

// decodeAll runs a Decoder over the input to the end, checking that it
// terminates without panicking.
func decodeAll(t *testing.T, in string, d kvgroup.Dialect) {
	dec := kvgroup.NewDecoder(strings.NewReader(in))
	dec.SetDialect(d)
	dec.SetLimits(fuzzLimits)
	for i := 0; dec.More(); i++ {
		if i > len(in)+1 {
			t.Fatalf("Decoder does not terminate")
		}
		if _, err := dec.Decode(); err != nil {
			break
		}
	}
}

func FuzzParse(f *testing.F) {
	addCorpus(f)
	f.Fuzz(func(t *testing.T, in string) {
		checkRoundTrip(t, in, kvgroup.Auto)
		decodeAll(t, in, kvgroup.Auto)
	})
}

func FuzzV2(f *testing.F) {
	addCorpus(f)
	f.Fuzz(func(t *testing.T, in string) {
		checkRoundTrip(t, in, kvgroup.V2)
		decodeAll(t, in, kvgroup.V2)
	})
}
