package kvgroup

import (
	"io"
	"runtime"
	"testing"
)

// repeatReader yields n copies of doc without ever holding more than one.
type repeatReader struct {
	doc  []byte
	n    int // copies left, including the current one
	off  int // read offset in the current copy
	read int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	total := 0
	for len(p) > 0 && r.n > 0 {
		c := copy(p, r.doc[r.off:])
		p = p[c:]
		r.off += c
		total += c
		if r.off == len(r.doc) {
			r.off = 0
			r.n--
		}
	}
	r.read += int64(total)
	return total, nil
}

const streamDoc = "# KVGROUP-V1.0\n\"\" \"\" = {\n  \"operation\" = \"next\"\n  \"acct\" \"x\" = { \"id\" = \"12345\" \"name\" = \"a \\\"b\\\"\" }\n}\n"

// TestDecoderBoundedMemory decodes a 20 MB stream of small documents and
// checks that the Decoder's buffer stays small: it never holds the stream.
func TestDecoderBoundedMemory(t *testing.T) {
	t.Parallel()
	n := 20 << 20 / len(streamDoc)
	r := &repeatReader{doc: []byte(streamDoc), n: n}
	dec := NewDecoder(r)
	count := 0
	for dec.More() {
		g, err := dec.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if g.Get("operation") != "next" || g.Group("acct", "x").Get("name") != `a "b"` {
			t.Fatalf("document %d decoded wrong", count)
		}
		count++
		if c := cap(dec.buf); c > 64<<10 {
			t.Fatalf("buffer grew to %d bytes after %d documents", c, count)
		}
	}
	if count != n {
		t.Fatalf("decoded %d documents, want %d", count, n)
	}
	if r.read != int64(n*len(streamDoc)) {
		t.Fatalf("read %d bytes, want %d", r.read, n*len(streamDoc))
	}
	if dec.line != 1+5*n {
		t.Fatalf("line count %d, want %d", dec.line, 1+5*n)
	}
}

// TestDecoderDoesNotRetainDocuments checks that documents the caller drops
// are collected: the Decoder's shared arenas must not chain each document
// to the next. It is not parallel because it measures the live heap.
func TestDecoderDoesNotRetainDocuments(t *testing.T) {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	const n = 100000 // about 19 MB of input
	dec := NewDecoder(&repeatReader{doc: []byte(streamDoc), n: n})
	var worst uint64
	for i := 1; dec.More(); i++ {
		if _, err := dec.Decode(); err != nil {
			t.Fatal(err)
		}
		if i%25000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base {
				worst = max(worst, m.HeapAlloc-base)
			}
		}
	}
	runtime.KeepAlive(dec)
	if worst > 4<<20 {
		t.Fatalf("live heap grew by %d bytes while decoding; documents are retained", worst)
	}
}
