package bsafe

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// bigLister lists n accounts, made up as they are yielded, and watches
// the writer and the heap while it does.
type bigLister struct {
	n int
	w *countingWriter

	writtenBeforeLast int    // bytes the writer had got when the last row was yielded
	heapAt1k, heapEnd uint64 // live heap after row 1,000 and after the last row
}

func (b *bigLister) ServerInfo(context.Context) (ServerInfo, error) {
	return ServerInfo{Name: "big"}, nil
}

func (b *bigLister) ListUsers(context.Context, ListOptions) iter.Seq2[Account, error] {
	return func(yield func(Account, error) bool) {
		for i := 1; i <= b.n; i++ {
			// IDs of 64 bytes, so that a set of them, or a tree of the
			// output, would show in the heap.
			id := fmt.Sprintf("account-%056d", i)
			if i == b.n {
				b.writtenBeforeLast = b.w.n
				b.heapEnd = liveHeap()
			}
			if !yield(Account{LongID: id, ShortID: id[40:], Attrs: attrs.New("mail", id+"@example.com")}, nil) {
				return
			}
			if i == 1000 {
				b.heapAt1k = liveHeap()
			}
		}
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// TestDispatchStreamsListings: a listing of 100,000 accounts reaches the
// writer while the connector is still yielding rows, and the heap does
// not grow with the rows (no tree of the output, no set of IDs).
func TestDispatchStreamsListings(t *testing.T) {
	const n = 100_000
	w := &countingWriter{}
	c := &bigLister{n: n, w: w}
	in, _ := kvgroup.ParseString(agentInput("operation", "listusers"))
	if err := Dispatch(context.Background(), c, in, kvgroup.NewEncoder(w)); err != nil {
		t.Fatal(err)
	}
	// Each account takes well over 150 bytes of output; all but the last
	// 64 KiB buffer must have been written before the last row.
	if w.n < n*150 {
		t.Fatalf("only %d bytes of output for %d accounts", w.n, n)
	}
	if lag := w.n - c.writtenBeforeLast; lag > 70<<10 {
		t.Errorf("%d of %d bytes were written only after the last row: the listing was buffered", lag, w.n)
	}
	// 99,000 rows of 64-byte IDs kept would be over 6 MB.
	if c.heapEnd > c.heapAt1k && c.heapEnd-c.heapAt1k > 2<<20 {
		t.Errorf("live heap grew by %d bytes from row 1,000 to row %d", c.heapEnd-c.heapAt1k, n)
	}
}
