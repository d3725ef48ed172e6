package safe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
		if err == nil || !strings.Contains(err.Error(), "does not hold the new password") || !strings.Contains(err.Error(), "another writer") || !wrote.Load() {
			t.Errorf("error %v (write answered: %v)", err, wrote.Load())
		}
	})
}

// passwordWrites are the three operations that write a password, each
// from the password it finds (the item's current one) to newPW.
var passwordWrites = []struct {
	name string
	run  func(ctx context.Context, k *safe.Connector, acct bsafe.AccountRef, current, newPW string) error
}{
	{"Reset", func(ctx context.Context, k *safe.Connector, acct bsafe.AccountRef, _, newPW string) error {
		return k.Reset(ctx, acct, newPW)
	}},
	{"Change", func(ctx context.Context, k *safe.Connector, acct bsafe.AccountRef, current, newPW string) error {
		return k.Change(ctx, acct, current, newPW)
	}},
	{"VerifyReset", func(ctx context.Context, k *safe.Connector, acct bsafe.AccountRef, _, newPW string) error {
		return k.VerifyReset(ctx, acct, newPW)
	}},
}

// TestConnectorResetReadBackFails: the write is answered with the item
// holding the new password, and the read-back after it fails (503 on
// every try). The server's own answer confirmed the write: success, for
// reset, change and verifyreset, and a debug line says that the read-back
// failed. When the answer was lost as well, nothing confirms the write:
// code 1, the outcome unknown.
func TestConnectorResetReadBackFails(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		var wrote atomic.Bool
		var readsAfter atomic.Int32
		e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			switch {
			case isItemPut(r, e.ad):
				wrote.Store(true)
			case isDetails(r, e.ad) && wrote.Load():
				readsAfter.Add(1)
				return unavailable(), nil
			}
			return next.RoundTrip(r)
		})
		current := "sensitive-ad-pw"
		for i, op := range passwordWrites {
			newPW := fmt.Sprintf("sensitive-new-%d", i)
			wrote.Store(false)
			readsAfter.Store(0)
			if err := op.run(t.Context(), e.k, ref(e.ad), current, newPW); err != nil {
				t.Errorf("%s answered with the new password, its read-back failing: %v, want success", op.name, err)
			}
			if readsAfter.Load() == 0 {
				t.Errorf("%s: no read-back after the write", op.name)
			}
			if got := e.stored(t, e.ad); got.Login.Password != newPW {
				t.Fatalf("%s: the write was not applied", op.name)
			}
			current = newPW
		}
		if !e.logs.has(slog.LevelDebug, "reading the item back after the password write failed") {
			t.Errorf("no debug line for the failed read-back")
		}

		e.srv.InjectFault(safetest.Fault{Method: http.MethodPut, Path: "/api/ciphers/" + e.ad, Drop: true, Count: 100})
		wrote.Store(false)
		err := e.k.Reset(t.Context(), ref(e.ad), "sensitive-newer")
		wantCode(t, "Reset with its answer lost and the read-back failing", err, bsafe.CodeUnknownError)
		if !errors.Is(err, safe.ErrOutcomeUnknown) {
			t.Errorf("error %v: want it to match safe.ErrOutcomeUnknown", err)
		}
		e.srv.ClearFaults()
	})
}

// TestConnectorResetAnswerStaleReadBackFails: the server answers the
// write with success but with the item as it was (the old password), and
// the read-back after it fails: nothing confirms the write, code 1, and
// the message says both.
func TestConnectorResetAnswerStaleReadBackFails(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	e.connect(t)
	var mu sync.Mutex
	var before []byte // the item's details as read before the write
	var wrote atomic.Bool
	e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case isItemPut(r, e.ad) && before != nil:
			wrote.Store(true)
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(bytes.NewReader(before)), ContentLength: int64(len(before)), Request: r}, nil
		case isDetails(r, e.ad) && wrote.Load():
			return unavailable(), nil
		case isDetails(r, e.ad):
			resp, err := next.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			before, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(before))
			return resp, err
		}
		return next.RoundTrip(r)
	})
	err := e.k.Reset(t.Context(), ref(e.ad), "sensitive-new")
	wantCode(t, "Reset answered with the old item, its read-back failing", err, bsafe.CodeUnknownError)
	if err == nil || !strings.Contains(err.Error(), "does not hold the new password") || !strings.Contains(err.Error(), "reading the item back failed") || !wrote.Load() {
		t.Errorf("error %v (write answered: %v)", err, wrote.Load())
	}
	if errors.Is(err, safe.ErrOutcomeUnknown) {
		t.Errorf("error %v: the write was answered, not lost", err)
	}
}

// deadlineCtx is a context whose deadline the test ends at the moment it
// chooses (right after a write was answered), with no clock to wait for.
type deadlineCtx struct {
	context.Context // for its values
	done            chan struct{}
	once            sync.Once
}

func newDeadlineCtx(parent context.Context) *deadlineCtx {
	return &deadlineCtx{Context: parent, done: make(chan struct{})}
}

func (c *deadlineCtx) Done() <-chan struct{} { return c.done }

func (c *deadlineCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *deadlineCtx) expire() { c.once.Do(func() { close(c.done) }) }

// TestConnectorDeadlineAfterWrite: the server applies the password write,
// and the caller's deadline ends right then. When the answer arrived and
// holds the new password, that answer settles it: success, with no
// read-back on the caller's behalf (it has given up). When the answer was
// lost, the read-back runs on a deadline of its own, not the spent one: it
// finds the new password, and the write is a success. For reset, change
// and verifyreset.
func TestConnectorDeadlineAfterWrite(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		current := "sensitive-ad-pw"
		for _, lost := range []bool{false, true} {
			for i, op := range passwordWrites {
				name := fmt.Sprintf("%s (answer lost: %v)", op.name, lost)
				newPW := fmt.Sprintf("sensitive-new-%d-%v", i, lost)
				ctx := newDeadlineCtx(t.Context())
				var readsAfter atomic.Int32
				e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
					switch {
					case isItemPut(r, e.ad) && lost:
						defer ctx.expire()
						return loseAnswer(r, next)
					case isItemPut(r, e.ad):
						resp, err := next.RoundTrip(r)
						if err != nil {
							return nil, err
						}
						// The whole answer arrived before the deadline.
						body, err := io.ReadAll(resp.Body)
						resp.Body.Close()
						resp.Body = io.NopCloser(bytes.NewReader(body))
						ctx.expire()
						return resp, err
					case isDetails(r, e.ad) && ctx.Err() != nil:
						readsAfter.Add(1)
					}
					return next.RoundTrip(r)
				})
				if err := op.run(ctx, e.k, ref(e.ad), current, newPW); err != nil {
					t.Errorf("%s whose deadline ended right after the applied write: %v, want success", name, err)
				}
				if got := readsAfter.Load(); lost && got == 0 {
					t.Errorf("%s: no read-back after the deadline", name)
				} else if !lost && got != 0 {
					t.Errorf("%s: %d read-backs after the deadline, want none (the answer confirmed the write)", name, got)
				}
				if got := e.stored(t, e.ad); got.Login.Password != newPW {
					t.Fatalf("%s: the write was not applied", name)
				}
				current = newPW
			}
		}
		e.h.set(nil)
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
