package kvgroup_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

const (
	benchAccounts = 20000
	benchAttrs    = 10
)

// listing builds a connector listing: a root with retval/errmsg and 20,000
// "account" groups of 10 attributes each. One attribute per account (a
// Windows path) needs escapes, and every tenth account has a quoted title.
// It returns the text and the number of items in it.
var listing = sync.OnceValues(func() ([]byte, int) {
	var b bytes.Buffer
	b.WriteString("# KVGROUP-V1.0\n\"\" \"\" = {\n  \"retval\" = \"0\"\n  \"errmsg\" = \"\"\n")
	depts := []string{"Engineering", "Sales", "Finance", "Human Resources", "Operations"}
	for i := range benchAccounts {
		fmt.Fprintf(&b, "  \"account\" \"CN=User %05d,OU=Staff,OU=Calgary,DC=corp,DC=example,DC=com\" = {\n", i)
		fmt.Fprintf(&b, "    \"stableid\" = \"7f3c2a10-%04x-4e5b-9c1d-%012x\"\n", i%65536, i)
		fmt.Fprintf(&b, "    \"shortid\" = \"user%05d\"\n", i)
		fmt.Fprintf(&b, "    \"fullname\" = \"Firstname%d Lastname%d\"\n", i, i)
		fmt.Fprintf(&b, "    \"email\" = \"user%05d@corporate.example.com\"\n", i)
		fmt.Fprintf(&b, "    \"department\" = \"%s\"\n", depts[i%len(depts)])
		if i%10 == 0 {
			fmt.Fprintf(&b, "    \"title\" = \"Senior \\\"Principal\\\" Engineer\"\n")
		} else {
			fmt.Fprintf(&b, "    \"title\" = \"Engineer %d\"\n", i%7)
		}
		fmt.Fprintf(&b, "    \"phone\" = \"+1 403 555 %04d\"\n", i%10000)
		fmt.Fprintf(&b, "    \"manager\" = \"CN=User %05d,OU=Staff,OU=Calgary,DC=corp,DC=example,DC=com\"\n", i/10)
		fmt.Fprintf(&b, "    \"homedir\" = \"C:\\\\Users\\\\user%05d\"\n", i)
		fmt.Fprintf(&b, "    \"enabled\" = \"%d\"\n", i%2)
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.Bytes(), 2 + benchAccounts*(1+benchAttrs)
})

// mallocs returns the number of heap allocations so far.
func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

func reportPerItem(b *testing.B, start uint64, items int) {
	b.ReportMetric(float64(mallocs()-start)/float64(b.N)/float64(items), "allocs/item")
}

func BenchmarkParseBytes(b *testing.B) {
	data, items := listing()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := mallocs()
	for b.Loop() {
		if _, err := kvgroup.ParseBytes(data); err != nil {
			b.Fatal(err)
		}
	}
	reportPerItem(b, start, items)
}

func BenchmarkParseString(b *testing.B) {
	data, items := listing()
	s := string(data)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	start := mallocs()
	for b.Loop() {
		if _, err := kvgroup.ParseString(s); err != nil {
			b.Fatal(err)
		}
	}
	reportPerItem(b, start, items)
}

func BenchmarkParseReader(b *testing.B) {
	data, items := listing()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := mallocs()
	for b.Loop() {
		if _, err := kvgroup.Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	reportPerItem(b, start, items)
}

// BenchmarkDecodeLarge reads the listing through a Decoder (framing pass
// plus parse).
func BenchmarkDecodeLarge(b *testing.B) {
	data, items := listing()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := mallocs()
	for b.Loop() {
		dec := kvgroup.NewDecoder(bytes.NewReader(data))
		if _, err := dec.Decode(); err != nil {
			b.Fatal(err)
		}
	}
	reportPerItem(b, start, items)
}

func BenchmarkFormat(b *testing.B) {
	data, _ := listing()
	g, err := kvgroup.ParseBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	out := kvgroup.Format(g)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		kvgroup.Format(g)
	}
}

func BenchmarkEncode(b *testing.B) {
	data, _ := listing()
	g, err := kvgroup.ParseBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(kvgroup.Format(g))))
	b.ReportAllocs()
	for b.Loop() {
		if err := kvgroup.NewEncoder(io.Discard).Encode(g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeStreaming writes the same listing with BeginGroup,
// WritePair and EndGroup, without building a tree.
func BenchmarkEncodeStreaming(b *testing.B) {
	data, _ := listing()
	g, err := kvgroup.ParseBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(kvgroup.Format(g))))
	b.ReportAllocs()
	for b.Loop() {
		enc := kvgroup.NewEncoder(io.Discard)
		must := func(err error) {
			if err != nil {
				b.Fatal(err)
			}
		}
		must(enc.BeginGroup("", ""))
		for _, it := range g.Items {
			if it.Group == nil {
				must(enc.WritePair(it.Key, it.Value))
				continue
			}
			must(enc.BeginGroup(it.Group.Key, it.Group.Name))
			for _, a := range it.Group.Items {
				must(enc.WritePair(a.Key, a.Value))
			}
			must(enc.EndGroup())
		}
		must(enc.EndGroup())
	}
}

// streamReader yields n copies of doc, generated on the fly: the stream is
// never held in memory.
type streamReader struct {
	doc []byte
	n   int
	off int
}

func (r *streamReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 && r.n > 0 {
		c := copy(p, r.doc[r.off:])
		p, r.off, total = p[c:], r.off+c, total+c
		if r.off == len(r.doc) {
			r.off, r.n = 0, r.n-1
		}
	}
	if total == 0 && r.n == 0 {
		return 0, io.EOF
	}
	return total, nil
}

const benchStreamDoc = `# KVGROUP-V1.0
"" "" = {
  "operation" = "listusers"
  "account" "CN=User 00001,OU=Staff,OU=Calgary,DC=corp,DC=example,DC=com" = {
    "shortid" = "user00001"
    "homedir" = "C:\\Users\\user00001"
  }
}
`

// BenchmarkDecodeStream decodes a ~10 MB stream of small documents from
// an io.Reader that generates them on the fly. The Decoder holds one
// document at a time: live-heap-MB, the growth of the live heap measured
// (with the timer stopped) after a forced GC at three points of each pass,
// stays far below the stream size. TestDecoderBoundedMemory and
// TestDecoderDoesNotRetainDocuments check the same bounds.
func BenchmarkDecodeStream(b *testing.B) {
	n := 10 << 20 / len(benchStreamDoc)
	b.SetBytes(int64(n * len(benchStreamDoc)))
	b.ReportAllocs()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	var live uint64
	var allocs uint64
	for b.Loop() {
		dec := kvgroup.NewDecoder(&streamReader{doc: []byte(benchStreamDoc), n: n})
		count := 0
		start := mallocs()
		for dec.More() {
			if _, err := dec.Decode(); err != nil {
				b.Fatal(err)
			}
			count++
			if count%(n/3) == 0 {
				b.StopTimer()
				allocs += mallocs() - start
				runtime.GC()
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > base {
					live = max(live, m.HeapAlloc-base)
				}
				start = mallocs()
				b.StartTimer()
			}
		}
		allocs += mallocs() - start
		if count != n {
			b.Fatalf("%d documents, want %d", count, n)
		}
	}
	b.ReportMetric(float64(allocs)/float64(b.N)/float64(n), "allocs/doc")
	b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
}

func TestListingSize(t *testing.T) {
	t.Parallel()
	data, items := listing()
	if len(data) < 9<<20 || len(data) > 12<<20 {
		t.Fatalf("listing is %d bytes, want about 10 MB", len(data))
	}
	g, err := kvgroup.ParseBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	accts := g.Groups("account")
	if len(accts) != benchAccounts {
		t.Fatalf("%d accounts", len(accts))
	}
	n := len(g.Items)
	for _, a := range accts {
		n += len(a.Items)
	}
	if n != items {
		t.Fatalf("%d items, want %d", n, items)
	}
	a := accts[10]
	if a.Name != "CN=User 00010,OU=Staff,OU=Calgary,DC=corp,DC=example,DC=com" ||
		a.Get("homedir") != `C:\Users\user00010` || a.Get("title") != `Senior "Principal" Engineer` {
		t.Fatalf("account 10: %s", dump(a))
	}
	if !strings.HasPrefix(string(data), "# KVGROUP-V1.0\n") {
		t.Fatal("no header")
	}
}
