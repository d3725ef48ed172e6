package safe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// slowServer answers the revision date at once and /api/sync (and token
// refreshes) after a second of fake time, unless the request's context
// ends first.
func slowServer(t *testing.T, a *testAccount) rtFunc {
	body := string(a.syncJSON(t))
	return func(r *http.Request) (*http.Response, error) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/revision-date"):
			return respond(200, "1"), nil
		case strings.HasSuffix(r.URL.Path, "/api/sync"), strings.HasSuffix(r.URL.Path, "/connect/token"):
			if r.Body != nil {
				io.Copy(io.Discard, r.Body)
			}
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
			if strings.HasSuffix(r.URL.Path, "/connect/token") {
				return respond(200, `{"access_token":"tok-2","expires_in":3600}`), nil
			}
			return respond(200, body), nil
		}
		return respond(200, "{}"), nil
	}
}

func newSlowClient(t *testing.T) *Client {
	a := newTestAccount(t)
	c := newFakeClient(t, slowServer(t, a), WithRetryPolicy(RetryPolicy{}))
	a.sess.access, a.sess.refresh, a.sess.clientID, a.sess.expiry = "tok-1", "refresh-1", "cli", time.Now().Add(time.Hour)
	c.sess = a.sess
	return c
}

// A caller with a 100 ms deadline that joins another caller's slow sync
// returns at its own deadline with its own error; the other caller still
// gets the sync.
func TestSharedSyncHonoursEachDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newSlowClient(t)
		first := make(chan error, 1)
		go func() { first <- c.Sync(context.Background()) }()
		time.Sleep(10 * time.Millisecond) // the first caller's sync is under way
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := c.Sync(ctx)
		if elapsed := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || elapsed != 100*time.Millisecond {
			t.Errorf("second caller: %v after %v, want context.DeadlineExceeded after 100ms", err, elapsed)
		}
		if err := <-first; err != nil {
			t.Errorf("first caller: %v", err)
		}
	})
}

// A caller that gives up does not cancel the shared sync for another.
func TestSharedSyncSurvivesCancelledCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newSlowClient(t)
		ctx, cancel := context.WithCancel(context.Background())
		first := make(chan error, 1)
		go func() { first <- c.Sync(ctx) }()
		time.Sleep(10 * time.Millisecond)
		second := make(chan error, 1)
		go func() { second <- c.Sync(context.Background()) }()
		time.Sleep(90 * time.Millisecond)
		cancel()
		if err := <-first; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled caller: %v, want context.Canceled", err)
		}
		if err := <-second; err != nil {
			t.Errorf("second caller: %v, want the shared sync's result", err)
		}
		if _, err := c.Items.List(context.Background()); err != nil {
			t.Errorf("after the sync: %v", err)
		}
	})
}

// The same holds for the shared token refresh.
func TestSharedRefreshHonoursEachDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newSlowClient(t)
		c.sess.expiry = time.Now() // due for a refresh
		first := make(chan error, 1)
		go func() {
			_, err := c.accessToken(context.Background())
			first <- err
		}()
		time.Sleep(10 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.accessToken(ctx)
		if elapsed := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || elapsed != 100*time.Millisecond {
			t.Errorf("second caller: %v after %v, want context.DeadlineExceeded after 100ms", err, elapsed)
		}
		if err := <-first; err != nil {
			t.Errorf("first caller: %v", err)
		}
		if c.sess.access != "tok-2" {
			t.Errorf("access token not refreshed")
		}
	})
}

// A login returns at its deadline while its key derivation is provably
// still under way (held in vaultcrypto.TestHookBeforeDerive); the
// derivation finishes in the background once released (synctest waits for
// it; a login that waited for the derivation would deadlock the bubble).
func TestLoginReturnsAtDeadlineDuringKeyDerivation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const email = "hook-login@example.com"
		entered, release := make(chan struct{}), make(chan struct{})
		hook := func(e string) {
			if e == email {
				close(entered)
				<-release
			}
		}
		vaultcrypto.TestHookBeforeDerive.Store(&hook)
		defer vaultcrypto.TestHookBeforeDerive.Store(nil)
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/prelogin") {
				return respond(200, `{"kdf":0,"kdfIterations":5000}`), nil
			}
			return respond(404, `{}`), nil
		}))
		c.sess = nil
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		err := c.LoginPassword(ctx, email, "sensitive-pw")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		select {
		case <-entered:
		default:
			t.Error("the key derivation never started")
		}
		close(release)
		synctest.Wait()
	})
}

// panicServer panics in the RoundTripper (net/http does not recover it)
// on the shared requests, with a secret in the panic value.
func panicServer(r *http.Request) (*http.Response, error) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/revision-date"):
		return respond(200, "1"), nil
	case strings.HasSuffix(r.URL.Path, "/api/sync"), strings.HasSuffix(r.URL.Path, "/connect/token"):
		panic("secret-in-panic-value")
	}
	return respond(200, "{}"), nil
}

// A panic inside the shared sync or token refresh is an error for every
// caller, not a crash of the process from singleflight's own goroutine,
// and the panic value (which could hold a secret) is not in the error.
func TestSharedWorkPanicIsAnError(t *testing.T) {
	for _, tt := range []struct {
		name string
		run  func(*Client) error
	}{
		{"sync", func(c *Client) error { return c.Sync(context.Background()) }},
		{"refresh", func(c *Client) error {
			c.sess.expiry = time.Now()
			_, err := c.accessToken(context.Background())
			return err
		}},
	} {
		c := newFakeClient(t, rtFunc(panicServer), WithRetryPolicy(RetryPolicy{}))
		err := tt.run(c)
		if err == nil || !strings.Contains(err.Error(), "safe: internal error in shared "+tt.name) {
			t.Errorf("%s: err = %v, want the internal error", tt.name, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the panic value leaked into %q", tt.name, err)
		}
	}
}
