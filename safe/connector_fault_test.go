package safe_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// How production breaks a password write, and what the connector must
// report: only what the server holds, read back, counts.

func isItemPut(r *http.Request, id string) bool {
	return r.Method == http.MethodPut && r.URL.Path == "/api/ciphers/"+id
}

func isDetails(r *http.Request, id string) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/api/ciphers/"+id+"/details"
}

// TestConnectorResetLostAnswers: the server applies every attempt of the
// password write, and every answer is lost, so the client can only say
// that the outcome is unknown. The read-back finds the new password:
// success, for reset and for change.
func TestConnectorResetLostAnswers(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		var puts, readsAfter atomic.Int32
		e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			switch {
			case isItemPut(r, e.ad):
				puts.Add(1)
				return loseAnswer(r, next)
			case isDetails(r, e.ad) && puts.Load() > 0:
				readsAfter.Add(1)
			}
			return next.RoundTrip(r)
		})
		if err := e.k.Reset(t.Context(), ref(e.ad), "sensitive-new"); err != nil {
			t.Fatalf("Reset with every answer lost, the write applied: %v", err)
		}
		if puts.Load() < 2 || readsAfter.Load() == 0 {
			t.Errorf("%d writes, %d read-backs after them: the client's retries or the read-back did not run", puts.Load(), readsAfter.Load())
		}
		got := e.stored(t, e.ad)
		if got.Login.Password != "sensitive-new" || len(got.PasswordHistory) != 1 || got.PasswordHistory[0] != "sensitive-ad-pw" {
			t.Errorf("server: new password %v, history of %d", got.Login.Password == "sensitive-new", len(got.PasswordHistory))
		}
		if err := e.k.Change(t.Context(), ref(e.ad), "sensitive-new", "sensitive-newer"); err != nil {
			t.Errorf("Change with every answer lost, the write applied: %v", err)
		}
		if got := e.stored(t, e.ad); got.Login.Password != "sensitive-newer" {
			t.Errorf("Change: the server does not hold the new password")
		}
	})
}

// TestConnectorResetNotApplied: the server drops the connection before it
// handles the write (safetest's fault injection), every time: the client
// cannot know, the read-back shows the old password. The reset failed,
// with code 1 and an error matching safe.ErrOutcomeUnknown, never as a
// success nor as "try again later".
func TestConnectorResetNotApplied(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		e.srv.InjectFault(safetest.Fault{Method: http.MethodPut, Path: "/api/ciphers/" + e.ad, Drop: true, Count: 100})
		err := e.k.Reset(t.Context(), ref(e.ad), "sensitive-new")
		wantCode(t, "Reset whose write was dropped", err, bsafe.CodeUnknownError)
		if !errors.Is(err, safe.ErrOutcomeUnknown) || err == nil || !strings.Contains(err.Error(), "does not hold the new password") {
			t.Errorf("error %v: want the unknown outcome and what the read-back found", err)
		}
		if got := e.stored(t, e.ad); got.Login.Password != "sensitive-ad-pw" {
			t.Errorf("the dropped write was applied after all")
		}
		e.srv.ClearFaults()
	})
}

// TestConnectorResetReadBackDisagrees: the server answers the write with
// success, but the item read back afterwards still has the old password (a
// lagging replica, a server that drops the write): the reset is not
// reported as done.
func TestConnectorResetReadBackDisagrees(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		var mu sync.Mutex
		var before []byte // the item's details as read before the write
		var wrote atomic.Bool
		e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if isItemPut(r, e.ad) {
				resp, err := next.RoundTrip(r)
				wrote.Store(err == nil)
				return resp, err
			}
			if !isDetails(r, e.ad) {
				return next.RoundTrip(r)
			}
			mu.Lock()
			defer mu.Unlock()
			if wrote.Load() && before != nil {
				return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(bytes.NewReader(before)), ContentLength: int64(len(before)), Request: r}, nil
			}
			resp, err := next.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			before, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(before))
			return resp, err
		})
		err := e.k.Reset(t.Context(), ref(e.ad), "sensitive-new")
		wantCode(t, "Reset whose read-back shows the old password", err, bsafe.CodeUnknownError)
		if err == nil || !strings.Contains(err.Error(), "does not hold the new password") || !wrote.Load() {
			t.Errorf("error %v (write answered: %v)", err, wrote.Load())
		}
	})
}

// TestConnectorResetReadBackFails: the write is answered, the read-back
// keeps failing: not confirmed, so not success; and with the write's
// answer lost as well, code 1 that says the outcome is unknown.
func TestConnectorResetReadBackFails(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		var wrote atomic.Bool
		e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			switch {
			case isItemPut(r, e.ad):
				wrote.Store(true)
			case isDetails(r, e.ad) && wrote.Load():
				return unavailable(), nil
			}
			return next.RoundTrip(r)
		})
		err := e.k.Reset(t.Context(), ref(e.ad), "sensitive-new")
		wantCode(t, "Reset whose read-back fails", err, bsafe.CodeUnknownError)
		if err == nil || !strings.Contains(err.Error(), "reading the item back to confirm it failed") {
			t.Errorf("error %v", err)
		}
		if got := e.stored(t, e.ad); got.Login.Password != "sensitive-new" {
			t.Errorf("the write was not applied")
		}

		e.srv.InjectFault(safetest.Fault{Method: http.MethodPut, Path: "/api/ciphers/" + e.ad, Drop: true, Count: 100})
		wrote.Store(false)
		err = e.k.Reset(t.Context(), ref(e.ad), "sensitive-newer")
		wantCode(t, "Reset with its answer lost and the read-back failing", err, bsafe.CodeUnknownError)
		if !errors.Is(err, safe.ErrOutcomeUnknown) {
			t.Errorf("error %v: want it to match safe.ErrOutcomeUnknown", err)
		}
		e.srv.ClearFaults()
	})
}

// TestConnectorResetConflict: another client changes the item between
// the connector's read and its write: the write is refused as out of date
// (nothing changed), which is code 41, and the other client's password
// stays.
func TestConnectorResetConflict(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		srv, ck := clockedServer(gen)
		e := newConnEnvOn(t, srv)
		e.connect(t)
		var once sync.Once
		e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if isItemPut(r, e.ad) {
				once.Do(func() {
					// Past the server's second of revision-date tolerance.
					ck.advance(2 * time.Second)
					if _, err := e.client.Items.SetPassword(context.WithoutCancel(r.Context()), e.ad, "sensitive-other"); err != nil {
						t.Errorf("the other client's write: %v", err)
					}
				})
			}
			return next.RoundTrip(r)
		})
		err := e.k.Reset(t.Context(), ref(e.ad), "sensitive-new")
		wantCode(t, "Reset racing another client", err, bsafe.CodeTryAgainLater)
		if got := e.stored(t, e.ad); got.Login.Password != "sensitive-other" {
			t.Errorf("the other client's password was overwritten")
		}
	})
}

// TestConnectorDeadlineDuringWrite: the caller's deadline ends while the
// write is on its way: its outcome is unknown, which is code 1, not 10.
// A deadline that ended before anything was sent is code 10.
func TestConnectorDeadlineDuringWrite(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	e.connect(t)
	e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if isItemPut(r, e.ad) {
			<-r.Context().Done() // the server never answers in time
			return nil, r.Context().Err()
		}
		return next.RoundTrip(r)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	err := e.k.Reset(ctx, ref(e.ad), "sensitive-new")
	wantCode(t, "Reset whose deadline ends during the write", err, bsafe.CodeUnknownError)
	if !errors.Is(err, safe.ErrOutcomeUnknown) {
		t.Errorf("error %v: want it to match safe.ErrOutcomeUnknown", err)
	}
	ctx, cancel = context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	_, err = collect(t, e.k.ListUsers(ctx, bsafe.ListOptions{}))
	wantCode(t, "ListUsers past its deadline", err, bsafe.CodeTimeout)
}

// TestConnectorLostCreate: a create whose answer is lost is code 1 (the
// item may exist); it made one item, and the repeat finds it (code 6)
// instead of making a second.
func TestConnectorLostCreate(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/ciphers") {
				return loseAnswer(r, next)
			}
			return next.RoundTrip(r)
		})
		before := len(e.srv.ItemIDs())
		req := bsafe.CreateRequest{Account: ref("new one"), TemplateID: "template", Password: "sensitive-pw"}
		_, err := e.k.Create(t.Context(), req)
		wantCode(t, "Create with its answer lost", err, bsafe.CodeUnknownError)
		if !errors.Is(err, safe.ErrOutcomeUnknown) {
			t.Errorf("error %v: want it to match safe.ErrOutcomeUnknown", err)
		}
		e.h.set(nil)
		_, err = e.k.Create(t.Context(), req)
		wantCode(t, "the repeated Create", err, bsafe.CodeObjectAlreadyExists)
		if n := len(e.srv.ItemIDs()) - before; n != 1 {
			t.Errorf("%d items made, want 1", n)
		}
	})
}
