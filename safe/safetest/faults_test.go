package safetest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "f@example.com", "pw")
	s := login(t, srv, u.Email, "pw")

	t.Run("rate limit by path", func(t *testing.T) {
		srv.InjectFault(safetest.Fault{Path: "/api/sync", Count: 2, Status: http.StatusTooManyRequests, RetryAfter: 1500 * time.Millisecond})
		if r := do(t, srv, "GET", "/api/config", "", nil); r.status != 200 {
			t.Errorf("other path: %d, want 200", r.status)
		}
		for i := range 2 {
			r := do(t, srv, "GET", "/api/sync", s.token, nil)
			if r.status != 429 || r.header.Get("Retry-After") != "2" {
				t.Fatalf("request %d: %d Retry-After %q, want 429 and 2", i, r.status, r.header.Get("Retry-After"))
			}
			if e := r.apiError(t); e.Message != "Slow down! Too many requests. Try again in 1m." {
				t.Errorf("message = %q", e.Message)
			}
		}
		if r := do(t, srv, "GET", "/api/sync", s.token, nil); r.status != 200 {
			t.Errorf("after the fault: %d", r.status)
		}
	})
	t.Run("server error by method", func(t *testing.T) {
		srv.InjectFault(safetest.Fault{Method: "POST", Status: http.StatusInternalServerError})
		if r := do(t, srv, "GET", "/api/sync", s.token, nil); r.status != 200 {
			t.Errorf("GET: %d", r.status)
		}
		r := do(t, srv, "POST", "/api/folders", s.token, map[string]string{"name": enc(t, s.userKey, "f")})
		if r.status != 500 || r.apiError(t).Message != "An unhandled server error has occurred." {
			t.Errorf("POST: %d %s", r.status, r.body)
		}
		if _, err := srv.Folder("x"); !errors.Is(err, safetest.ErrNotFound) {
			t.Errorf("Folder: %v", err)
		}
	})
	t.Run("drop", func(t *testing.T) {
		// A POST: net/http replays a dropped GET on a reused connection by
		// itself, which would hide the drop.
		srv.InjectFault(safetest.Fault{Path: "/api/folders", Drop: true})
		do(t, srv, "GET", "/api/config", "", nil) // warm a keep-alive connection
		body := strings.NewReader(`{"name":"` + enc(t, s.userKey, "f") + `"}`)
		req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/api/folders", body)
		req.Header.Set("Authorization", "Bearer "+s.token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("dropped request answered %d", resp.StatusCode)
		}
		if r := do(t, srv, "GET", "/api/accounts/revision-date", s.token, nil); r.status != 200 {
			t.Errorf("next request: %d", r.status)
		}
	})
	t.Run("delay ends with the client", func(t *testing.T) {
		srv.InjectFault(safetest.Fault{Path: "/api/sync", Delay: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/sync", nil)
		done := make(chan error, 1)
		go func() {
			resp, err := srv.Client().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		for srv.PendingFaults() != 0 { // wait until the request holds the fault
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("delayed request: %v, want context.Canceled", err)
		}
	})
	t.Run("delay then answer", func(t *testing.T) {
		srv.InjectFault(safetest.Fault{Path: "/api/sync", Delay: time.Millisecond, Status: 503, RetryAfter: time.Second})
		if r := do(t, srv, "GET", "/api/sync", s.token, nil); r.status != 503 || r.header.Get("Retry-After") != "1" {
			t.Errorf("delayed 503: %d %q", r.status, r.header.Get("Retry-After"))
		}
	})
	t.Run("clear", func(t *testing.T) {
		srv.InjectFault(safetest.Fault{Count: 5, Status: 500})
		if n := srv.PendingFaults(); n != 5 {
			t.Errorf("PendingFaults = %d, want 5", n)
		}
		srv.ClearFaults()
		if r := do(t, srv, "GET", "/api/sync", s.token, nil); r.status != 200 {
			t.Errorf("after ClearFaults: %d", r.status)
		}
	})
}
