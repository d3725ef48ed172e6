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

// Hand-written tree constructors. They build the structs directly, not
// through the package's builders, so expected values do not come from the
// code under test.

func grp(key, name string, items ...kvgroup.Item) *kvgroup.Group {
	return &kvgroup.Group{Key: key, Name: name, Items: items}
}

func kv(k, v string) kvgroup.Item { return kvgroup.Item{Key: k, Value: v} }

func val(v string) kvgroup.Item { return kvgroup.Item{Value: v, ValueOnly: true} }

func sub(key, name string, items ...kvgroup.Item) kvgroup.Item {
	return kvgroup.Item{Group: grp(key, name, items...)}
}

// root is the anonymous document root "" "" = { items }.
func root(items ...kvgroup.Item) *kvgroup.Group { return grp("", "", items...) }

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dump renders a tree for failure messages without using the package's
// writer, so that a writer bug cannot hide a parser bug.
func dump(g *kvgroup.Group) string {
	var b strings.Builder
	var rec func(g *kvgroup.Group, depth int)
	rec = func(g *kvgroup.Group, depth int) {
		ind := strings.Repeat("  ", depth)
		if g == nil {
			b.WriteString(ind + "<nil>\n")
			return
		}
		b.WriteString(ind + "group " + quote(g.Key) + " " + quote(g.Name) + "\n")
		for _, it := range g.Items {
			switch {
			case it.Group != nil:
				rec(it.Group, depth+1)
			case it.ValueOnly:
				b.WriteString(ind + "  value " + quote(it.Value) + "\n")
			default:
				b.WriteString(ind + "  pair " + quote(it.Key) + " = " + quote(it.Value) + "\n")
			}
		}
	}
	rec(g, 0)
	return b.String()
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('`')
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20:
			b.WriteString("\\x" + string("0123456789abcdef"[r>>4]) + string("0123456789abcdef"[r&15]))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('`')
	return b.String()
}

func wantTree(t testing.TB, got, want *kvgroup.Group) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("tree mismatch\ngot:\n%s\nwant:\n%s", dump(got), dump(want))
	}
}

// roundTrip checks that g survives Format → Parse (V1) and the V2 encoder
// → Parse (V2), and that formatting is stable.
func roundTrip(t testing.TB, g *kvgroup.Group) {
	t.Helper()
	text := kvgroup.Format(g)
	back, err := kvgroup.ParseBytes(text)
	if err != nil {
		t.Fatalf("re-parse of V1 output: %v\n%s", err, text)
	}
	wantTree(t, back, g)
	if again := kvgroup.Format(back); !bytes.Equal(again, text) {
		t.Fatalf("Format not stable:\nfirst:\n%s\nsecond:\n%s", text, again)
	}

	var buf bytes.Buffer
	enc := kvgroup.NewEncoder(&buf)
	enc.SetDialect(kvgroup.V2)
	if err := enc.Encode(g); err != nil {
		t.Fatal(err)
	}
	back2, err := kvgroup.ParseString(buf.String()) // Auto: the header says V2
	if err != nil {
		t.Fatalf("re-parse of V2 output: %v\n%s", err, buf.String())
	}
	wantTree(t, back2, g)
}

type errWant struct {
	line, col int
	msg       string // substring of SyntaxError.Msg
}

func wantSyntaxError(t testing.TB, err error, w errWant) {
	t.Helper()
	var se *kvgroup.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got error %v (%T), want *SyntaxError", err, err)
	}
	if se.Line != w.line || se.Col != w.col || !strings.Contains(se.Msg, w.msg) {
		t.Fatalf("got %d:%d %q, want %d:%d containing %q", se.Line, se.Col, se.Msg, w.line, w.col, w.msg)
	}
}
