package kvgroup_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// sample is a tree with every kind of item, escapes and empty parts.
var sample = root(
	kv("errmsg", ""),
	kv("retval", "0"),
	kv("path", `C:\Program Files\x`),
	kv("quote", `say "hi"`),
	kv("ctl", "a\nb\rc\td\x01e"),
	kv("", ""),
	sub("parent", "US",
		kv("restrictedvalue", "NY"),
		sub("city", "", val("Albany"), val("New York")),
	),
	sub("listattributes", ""),
	val("bare"),
)

const sampleV1 = `"" "" = {
  "errmsg" = ""
  "retval" = "0"
  "path" = "C:\\Program Files\\x"
  "quote" = "say \"hi\""
  "ctl" = "a\nb\rc\td` + "\x01" + `e"
  "" = ""
  "parent" "US" = {
    "restrictedvalue" = "NY"
    "city" "" = {
      "Albany"
      "New York"
    }
  }
  "listattributes" "" = { }
  "bare"
}
`

const sampleV2 = `# KVGROUP-V2.0
"" = {
  errmsg = "";
  retval = 0;
  path = "C:\\Program Files\\x";
  quote = "say \"hi\"";
  ctl = "a\nb\rc\td` + "\x01" + `e";
  "" = "";
  parent US = {
    restrictedvalue = NY;
    city = {
      Albany;
      "New York";
    };
  };
  listattributes = { };
  bare;
};
`

func TestFormat(t *testing.T) {
	t.Parallel()
	if got := string(kvgroup.Format(sample)); got != sampleV1 {
		t.Fatalf("Format:\n%s\nwant:\n%s", got, sampleV1)
	}
	if got := sample.String(); got != sampleV1 {
		t.Fatalf("String:\n%s", got)
	}
	roundTrip(t, sample)
}

func TestFormatEmpty(t *testing.T) {
	t.Parallel()
	for _, g := range []*kvgroup.Group{nil, {}, kvgroup.New("", "")} {
		if got := string(kvgroup.Format(g)); got != "\"\" \"\" = { }\n" {
			t.Errorf("Format(%v) = %q", g, got)
		}
	}
}

func TestEncoderV2(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	enc := kvgroup.NewEncoder(&buf)
	enc.SetDialect(kvgroup.V2)
	if err := enc.Encode(sample); err != nil {
		t.Fatal(err)
	}
	if buf.String() != sampleV2 {
		t.Fatalf("V2:\n%s\nwant:\n%s", buf.String(), sampleV2)
	}
}

func TestEncoderHeaderAndStream(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	enc := kvgroup.NewEncoder(&buf)
	enc.SetHeader("KVGROUP-V1.0")
	if err := enc.Encode(root(kv("a", "1"))); err != nil {
		t.Fatal(err)
	}
	if err := enc.Encode(nil); err != nil {
		t.Fatal(err)
	}
	const want = "# KVGROUP-V1.0\n\"\" \"\" = {\n  \"a\" = \"1\"\n}\n# KVGROUP-V1.0\n\"\" \"\" = { }\n"
	if buf.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	enc.SetHeader("bad\n\"\" \"\" = { }")
	if err := enc.Encode(nil); err == nil {
		t.Fatal("header with a newline accepted")
	}
}

// TestEncoderStreaming writes the sample piecemeal and expects the same
// text as Encode.
func TestEncoderStreaming(t *testing.T) {
	t.Parallel()
	for _, v2 := range []bool{false, true} {
		var buf bytes.Buffer
		enc := kvgroup.NewEncoder(&buf)
		want := sampleV1
		if v2 {
			enc.SetDialect(kvgroup.V2)
			want = sampleV2
		}
		steps := []func() error{
			func() error { return enc.BeginGroup("", "") },
			func() error { return enc.WritePair("errmsg", "") },
			func() error { return enc.WritePair("retval", "0") },
			func() error { return enc.WritePair("path", `C:\Program Files\x`) },
			func() error { return enc.WritePair("quote", `say "hi"`) },
			func() error { return enc.WritePair("ctl", "a\nb\rc\td\x01e") },
			func() error { return enc.WritePair("", "") },
			func() error { return enc.BeginGroup("parent", "US") },
			func() error { return enc.WritePair("restrictedvalue", "NY") },
			func() error { return enc.WriteGroup(grp("city", "", val("Albany"), val("New York"))) },
			func() error { return enc.EndGroup() },
			func() error { return enc.BeginGroup("listattributes", "") },
			func() error { return enc.EndGroup() },
			func() error { return enc.WriteValue("bare") },
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		if buf.Len() != 0 {
			t.Fatalf("small document flushed before its end: %q", buf.String())
		}
		if err := enc.EndGroup(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Fatalf("v2=%v got:\n%s\nwant:\n%s", v2, buf.String(), want)
		}
	}
}

func TestEncoderMisuse(t *testing.T) {
	t.Parallel()
	enc := kvgroup.NewEncoder(&bytes.Buffer{})
	if enc.WritePair("a", "b") == nil || enc.WriteValue("a") == nil || enc.EndGroup() == nil || enc.WriteGroup(nil) == nil {
		t.Fatal("item outside a group accepted")
	}
	if err := enc.BeginGroup("", ""); err != nil {
		t.Fatal(err)
	}
	if enc.Encode(nil) == nil {
		t.Fatal("Encode inside an open group accepted")
	}
}

type failWriter struct{ n int }

var errWrite = errors.New("write failed")

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errWrite
}

func TestEncoderWriteErrorSticky(t *testing.T) {
	t.Parallel()
	w := &failWriter{}
	enc := kvgroup.NewEncoder(w)
	if err := enc.Encode(nil); !errors.Is(err, errWrite) {
		t.Fatalf("err = %v", err)
	}
	if err := enc.Encode(nil); !errors.Is(err, errWrite) || w.n != 1 {
		t.Fatalf("second Encode: err = %v, writes = %d", err, w.n)
	}
}

// TestEncoderFlushesLargeDocuments checks that a streamed document is
// written out while it is being built.
func TestEncoderFlushesLargeDocuments(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	enc := kvgroup.NewEncoder(&buf)
	if err := enc.BeginGroup("", ""); err != nil {
		t.Fatal(err)
	}
	for range 10000 {
		if err := enc.WritePair("k", strings.Repeat("v", 20)); err != nil {
			t.Fatal(err)
		}
	}
	if buf.Len() < 200000 {
		t.Fatalf("only %d bytes flushed before EndGroup", buf.Len())
	}
	if err := enc.EndGroup(); err != nil {
		t.Fatal(err)
	}
	g, err := kvgroup.ParseBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Items) != 10000 {
		t.Fatalf("%d items", len(g.Items))
	}
}

func TestEncodeCycle(t *testing.T) {
	t.Parallel()
	g := root(kv("a", "b"))
	g.Items = append(g.Items, kvgroup.Item{Group: g})
	var buf bytes.Buffer
	if err := kvgroup.NewEncoder(&buf).Encode(g); err == nil {
		t.Fatal("cycle not detected")
	}
	if kvgroup.Format(g) != nil {
		t.Fatal("Format of a cycle is not nil")
	}
	if _, err := kvgroup.Marshal(g); err == nil {
		t.Fatal("Marshal of a cycle succeeded")
	}
}

// TestEscapesWritten checks each escape of the writer one by one.
func TestEscapesWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`\`, `"\\"`},
		{`"`, `"\""`},
		{"\n", `"\n"`},
		{"\r", `"\r"`},
		{"\t", `"\t"`},
		{"#{}=;,", `"#{}=;,"`},
		{"é\x00", "\"é\x00\""},
	} {
		got := string(kvgroup.Format(root(kv("k", tc.in))))
		want := "\"\" \"\" = {\n  \"k\" = " + tc.want + "\n}\n"
		if got != want {
			t.Errorf("%q: got %q, want %q", tc.in, got, want)
		}
	}
}
