package safe_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/bsafe-go/bsafe/safe"
)

// BenchmarkConnectorListUsers is the listusers operation of the agent:
// bsafe.Dispatch on the Safe connector, streaming n accounts (team login
// items with every attribute) to io.Discard, after the login and the sync
// (the first Dispatch, outside the timing).
//
// Besides time and allocations it reports live-B: how much the live heap
// (after a forced GC) has grown halfway through writing the listing,
// over the heap before it. The vault cache is in both, so the metric is
// what the listing itself holds: it should not grow with n.
func BenchmarkConnectorListUsers(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			srv, _ := benchServer(b, n, func(int) bool { return true })
			k := safe.NewConnector(safe.WithHTTPClient(srv.Client()))
			in := kvgroup.New("", "")
			in.Add("operation", "listusers")
			in.AddGroup("address", "").Add("server", srv.URL).Add("organizationName", "Bench Team")
			in.Add("adminid", "bench@example.com").Add("adminpw", "bench-password")

			var first bytes.Buffer
			if err := bsafe.Dispatch(b.Context(), k, in, kvgroup.NewEncoder(&first)); err != nil {
				b.Fatal(err)
			}
			out, err := kvgroup.ParseBytes(first.Bytes())
			if err != nil || out.Get("retval") != "0" || len(out.Groups("account")) != n {
				b.Fatalf("listusers: retval %q (%s), %d accounts; want %d", out.Get("retval"), out.Get("errmsg"), len(out.Groups("account")), n)
			}
			size := first.Len()
			first, out = bytes.Buffer{}, nil

			live := liveGrowth(func(w io.Writer) {
				if err := bsafe.Dispatch(b.Context(), k, in, kvgroup.NewEncoder(w)); err != nil {
					b.Fatal(err)
				}
			}, size)

			b.ReportAllocs()
			for b.Loop() {
				if err := bsafe.Dispatch(b.Context(), k, in, kvgroup.NewEncoder(io.Discard)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(live), "live-B")
			b.ReportMetric(float64(size)/float64(n), "out-B/account")
		})
	}
}

// liveGrowth runs write on a writer that discards what it gets and, once
// half of size bytes have arrived, forces a GC and measures the live heap.
// It returns that heap's growth over the live heap before write began.
func liveGrowth(write func(io.Writer), size int) int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := int64(ms.HeapAlloc)
	h := &halfway{at: size / 2}
	write(h)
	return h.heap - before
}

// halfway is an io.Writer that discards its input and measures the live
// heap once at the byte offset at.
type halfway struct {
	at, n int
	heap  int64
	done  bool
}

func (h *halfway) Write(p []byte) (int, error) {
	h.n += len(p)
	if !h.done && h.n >= h.at {
		h.done = true
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		h.heap = int64(ms.HeapAlloc)
	}
	return len(p), nil
}
