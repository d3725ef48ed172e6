package safetest

import (
	"net/http"
	"strings"
	"time"
)

// A Fault is a misbehaviour the server applies to the next matching
// requests, to test a client's retries and error handling. The zero Fault
// matches the next request and does nothing to it.
type Fault struct {
	// Path limits the fault to requests whose path starts with it, for
	// example "/api/ciphers" or "/identity/connect/token". Empty matches
	// every path.
	Path string

	// Method limits the fault to one HTTP method. Empty matches any.
	Method string

	// Count is how many matching requests the fault affects (values < 1
	// mean 1).
	Count int

	// Delay is added latency before the request is handled (or failed).
	// It ends early if the client goes away.
	Delay time.Duration

	// Status, if not zero, answers the request with this status and the
	// official error body instead of handling it: 429 (rate limited), 500,
	// 503 and so on.
	Status int

	// RetryAfter sets the Retry-After header (whole seconds, rounded up)
	// on a Status answer.
	RetryAfter time.Duration

	// Drop closes the connection without answering (a hijacked and closed
	// HTTP/1 connection, or an aborted HTTP/2 stream). Note that Go's
	// http.Transport silently replays an idempotent request (GET without
	// a body) that was dropped on a reused connection, so a client sees the
	// drop of such a request only if it is the first on its connection.
	Drop bool
}

type faultRec struct {
	f    Fault
	left int
}

// InjectFault queues f. Faults apply in the order they were injected: a
// request takes the first queued fault it matches.
func (s *Server) InjectFault(f Fault) {
	n := f.Count
	if n < 1 {
		n = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRec{f: f, left: n})
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// PendingFaults returns how many matching requests queued faults still
// wait for.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.left
	}
	return n
}

// takeFault removes one use of the first fault r matches.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fr := range s.faults {
		if fr.f.Method != "" && !strings.EqualFold(fr.f.Method, r.Method) {
			continue
		}
		if !strings.HasPrefix(r.URL.Path, fr.f.Path) {
			continue
		}
		fr.left--
		if fr.left <= 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return fr.f, true
	}
	return Fault{}, false
}

// applyFault applies the fault r matches, if any, and reports whether the
// request has been answered (or dropped).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	f, ok := s.takeFault(r)
	if !ok {
		return false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.Drop:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
			return true
		}
		// HTTP/2 cannot hijack: abort the stream instead.
		panic(http.ErrAbortHandler)
	case f.Status != 0:
		e := &apiError{status: f.Status, message: msgServerError}
		if f.Status == http.StatusTooManyRequests {
			e.message = msgRateLimited
		} else if f.Status < 500 {
			e.message = http.StatusText(f.Status)
		}
		if f.RetryAfter > 0 {
			e.retryAfter = int((f.RetryAfter + time.Second - 1) / time.Second)
		}
		writeError(w, e)
		return true
	}
	return false
}
