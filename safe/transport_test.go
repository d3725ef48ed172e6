package safe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// rtFunc is an http.RoundTripper made of a function.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func respond(status int, body string, hdr ...string) *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
}

// newFakeClient returns a client whose HTTP goes to rt, with a session
// already in place (token "tok-1", valid for an hour).
func newFakeClient(t *testing.T, rt http.RoundTripper, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithHTTPClient(&http.Client{Transport: rt})}, opts...)
	c, err := NewClient("https://safe.test", opts...)
	if err != nil {
		t.Fatal(err)
	}
	c.sess = &session{userID: "u1", clientID: "cli", access: "tok-1", refresh: "refresh-1", expiry: time.Now().Add(time.Hour)}
	return c
}

func get(c *Client, path string) ([]byte, error) {
	return c.send(context.Background(), apiRequest{method: http.MethodGet, url: c.apiURL + path, path: "/api" + path, auth: true})
}

func post(c *Client, path string) ([]byte, error) {
	return c.send(context.Background(), apiRequest{method: http.MethodPost, url: c.apiURL + path, path: "/api" + path, auth: true, body: []byte("{}")})
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		var waited time.Duration
		start := time.Now()
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			if calls.Add(1) <= 2 {
				return respond(429, `{"message":"Slow down! Too many requests."}`, "Retry-After", "7"), nil
			}
			waited = time.Since(start)
			return respond(200, `{"ok":true}`), nil
		}))
		body, err := post(c, "/ciphers") // 429 is retried even for POST
		if err != nil || string(body) != `{"ok":true}` {
			t.Fatalf("post = %s, %v", body, err)
		}
		if calls.Load() != 3 {
			t.Errorf("%d calls, want 3", calls.Load())
		}
		if waited != 14*time.Second {
			t.Errorf("waited %v, want 14s (two Retry-After: 7)", waited)
		}
	})
}

func TestRateLimitStormGivesTypedError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			return respond(429, `{"message":"Too many requests"}`, "Retry-After", "1"), nil
		}), WithRetryPolicy(RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: time.Minute}))
		_, err := get(c, "/sync")
		var rl *RateLimitError
		if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
			t.Fatalf("err = %v, want *RateLimitError matching ErrRateLimited", err)
		}
		if rl.RetryAfter != time.Second {
			t.Errorf("RetryAfter = %v", rl.RetryAfter)
		}
		if calls.Load() != 4 {
			t.Errorf("%d calls, want 4 (1 + 3 retries)", calls.Load())
		}
	})
}

func TestRetryAfterBeyondMaxDelayFailsAtOnce(t *testing.T) {
	var calls atomic.Int32
	c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
		calls.Add(1)
		return respond(429, `{}`, "X-Rate-Limit-Reset", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), nil
	}))
	_, err := get(c, "/sync")
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter < 59*time.Minute {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls, want 1", calls.Load())
	}
}

// TestTransientErrorsRetriedOnlyWhenSafe: retry safety is the endpoint's,
// not the HTTP method's. A write is repeated after it may have reached the
// server only when its call site says a repeat is harmless (retryReplay);
// a failure after such a possibly applied attempt is marked for the caller.
func TestTransientErrorsRetriedOnlyWhenSafe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		drop := func() (*http.Response, error) { return nil, io.ErrUnexpectedEOF }
		for _, tt := range []struct {
			method  string
			retry   retryMode
			fail    func() (*http.Response, error)
			retried bool
		}{
			{"GET", retryReads, func() (*http.Response, error) { return respond(503, `{}`), nil }, true},
			{"GET", retryReads, drop, true},
			{"GET", retryReads, func() (*http.Response, error) { return respond(400, `{"message":"bad"}`), nil }, false},
			// Writes are not repeated by method: only where the endpoint allows.
			{"PUT", retryReads, func() (*http.Response, error) { return respond(502, `{}`), nil }, false},
			{"PUT", retryReads, drop, false},
			{"DELETE", retryReads, drop, false},
			{"PUT", retryReplay, func() (*http.Response, error) { return respond(502, `{}`), nil }, true},
			{"PUT", retryReplay, drop, true},
			{"DELETE", retryReplay, drop, true},
			// A 500 to a write may follow the save (Bitwarden logs the
			// event and pushes after storing): never repeated unless the
			// endpoint allows a replay.
			{"POST", retryReads, func() (*http.Response, error) { return respond(500, `{}`), nil }, false},
			{"PUT", retryReplay, func() (*http.Response, error) { return respond(500, `{}`), nil }, true},
			{"POST", retryReads, drop, false},
			// A dial error means the request never left: safe even for POST.
			{"POST", retryReads, func() (*http.Response, error) {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("refused")}
			}, true},
		} {
			var calls atomic.Int32
			c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
				if calls.Add(1) == 1 {
					return tt.fail()
				}
				return respond(200, `{}`), nil
			}))
			_, err := c.send(context.Background(), apiRequest{method: tt.method, url: c.apiURL + "/x", path: "/api/x", auth: true, retry: tt.retry})
			if tt.retried && (err != nil || calls.Load() != 2) {
				t.Errorf("%s (mode %d): err %v after %d calls; want a successful retry", tt.method, tt.retry, err, calls.Load())
			}
			if !tt.retried && (err == nil || calls.Load() != 1) {
				t.Errorf("%s (mode %d): err %v after %d calls; want a failure without retry", tt.method, tt.retry, err, calls.Load())
			}
		}
	})
}

// TestSendMarksPossiblyAppliedWrites: a lost answer, and a failure after a
// repeat of a possibly applied write, are marked; an answered failure is
// not.
func TestSendMarksPossiblyAppliedWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, tt := range []struct {
			name           string
			method         string
			retry          retryMode
			answers        []func() (*http.Response, error)
			lost, replayed bool
		}{
			{"POST dropped", "POST", retryReads, []func() (*http.Response, error){
				func() (*http.Response, error) { return nil, io.ErrUnexpectedEOF }}, true, false},
			{"POST 500", "POST", retryReads, []func() (*http.Response, error){
				func() (*http.Response, error) { return respond(500, `{}`), nil }}, true, false},
			{"POST 502", "POST", retryReads, []func() (*http.Response, error){
				func() (*http.Response, error) { return respond(502, `{}`), nil }}, true, false},
			{"POST 503", "POST", retryReads, []func() (*http.Response, error){
				func() (*http.Response, error) { return respond(503, `{}`), nil }}, false, false},
			{"POST answered 400", "POST", retryReads, []func() (*http.Response, error){
				func() (*http.Response, error) { return respond(400, `{}`), nil }}, false, false},
			{"PUT dropped then out of date", "PUT", retryReplay, []func() (*http.Response, error){
				func() (*http.Response, error) { return nil, io.ErrUnexpectedEOF },
				func() (*http.Response, error) {
					return respond(400, `{"message":"The item cannot be saved because it is out of date."}`), nil
				}}, false, true},
			{"DELETE 502 then 404", "DELETE", retryReplay, []func() (*http.Response, error){
				func() (*http.Response, error) { return respond(502, `{}`), nil },
				func() (*http.Response, error) { return respond(404, `{}`), nil }}, false, true},
		} {
			var calls atomic.Int32
			c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
				n := int(calls.Add(1)) - 1
				return tt.answers[min(n, len(tt.answers)-1)]()
			}))
			_, err := c.send(context.Background(), apiRequest{method: tt.method, url: c.apiURL + "/x", path: "/api/x", auth: true, retry: tt.retry})
			if err == nil {
				t.Fatalf("%s: no error", tt.name)
			}
			if lost, replayed := mayHaveApplied(err); lost != tt.lost || replayed != tt.replayed {
				t.Errorf("%s: lost %v, replayed %v; want %v, %v (%v)", tt.name, lost, replayed, tt.lost, tt.replayed, err)
			}
		}
	})
}

func TestUnauthorizedRefreshesOnceForAll(t *testing.T) {
	var refreshes, calls atomic.Int32
	var mu sync.Mutex
	current := "tok-1"
	c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/connect/token") {
			refreshes.Add(1)
			b, _ := io.ReadAll(r.Body)
			if !strings.Contains(string(b), "grant_type=refresh_token") || !strings.Contains(string(b), "refresh_token=refresh-1") {
				return respond(400, `{"error":"invalid_grant"}`), nil
			}
			time.Sleep(10 * time.Millisecond) // let the other goroutines pile up
			return respond(200, `{"access_token":"tok-2","expires_in":3600,"token_type":"Bearer"}`), nil
		}
		calls.Add(1)
		mu.Lock()
		ok := r.Header.Get("Authorization") == "Bearer "+current
		mu.Unlock()
		if !ok {
			return respond(401, `{"message":"Unauthorized."}`), nil
		}
		return respond(200, `{}`), nil
	}))
	// The server revoked tok-1: it takes only tok-2 from now on.
	mu.Lock()
	current = "tok-2"
	mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := get(c, "/sync")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if refreshes.Load() != 1 {
		t.Errorf("%d refreshes, want 1", refreshes.Load())
	}
}

func TestRefreshFailureIsUnauthorized(t *testing.T) {
	c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/connect/token") {
			return respond(400, `{"error":"invalid_grant"}`), nil
		}
		return respond(401, `{}`), nil
	}))
	_, err := get(c, "/sync")
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
}

func TestAPIErrorParsing(t *testing.T) {
	long := strings.Repeat("x", 1000)
	for _, tt := range []struct {
		status int
		body   string
		is     error
		msg    string
	}{
		{404, `{"message":"Resource not found.","object":"error"}`, ErrNotFound, "Resource not found."},
		{400, `{"message":"The model state is invalid.","validationErrors":{"Name":["The Name field is required."]}}`, nil, "The model state is invalid."},
		{400, `{"message":"The item cannot be saved because it is out of date. To edit this item, first sync your vault, or log out and back in."}`, ErrConflict, ""},
		{400, `{"message":"The client copy of this cipher is out of date. Resync the client and try again."}`, ErrConflict, ""},
		{401, `{}`, ErrUnauthorized, ""},
		{403, `{"message":"Invalid token."}`, ErrForbidden, "Invalid token."},
		{400, `{"error":"invalid_grant","error_description":"invalid_username_or_password","ErrorModel":{"Message":"Username or password is incorrect. Try again.","Object":"error"}}`, ErrWrongPassword, "Username or password is incorrect. Try again."},
		{400, `{"error":{"code":404,"reason":"Not Found"}}`, nil, ""},
		{500, `not json at all`, nil, ""},
		{400, `{"message":"` + long + `"}`, nil, strings.Repeat("x", maxMessageLen) + "…"},
	} {
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) { return respond(tt.status, tt.body), nil }),
			WithRetryPolicy(RetryPolicy{}))
		_, err := c.send(context.Background(), apiRequest{method: http.MethodPost, url: c.apiURL + "/things", path: "/api/things"})
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != tt.status {
			t.Errorf("%d %s: err = %v", tt.status, tt.body, err)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%d %.40s: %v does not match %v", tt.status, tt.body, err, tt.is)
		}
		if tt.msg != "" && ae.Message != tt.msg {
			t.Errorf("%d: Message = %q, want %q", tt.status, ae.Message, tt.msg)
		}
		if ae.Path != "/api/things" || ae.Method != "POST" {
			t.Errorf("Path/Method = %s %s", ae.Method, ae.Path)
		}
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			return respond(503, `{}`), nil
		}), WithRetryPolicy(RetryPolicy{MaxRetries: 10, BaseDelay: time.Second, MaxDelay: time.Minute}))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := c.send(ctx, apiRequest{method: http.MethodGet, url: c.apiURL + "/x", path: "/api/x", auth: true})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"30"}}, 30 * time.Second},
		{http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{http.Header{"X-Rate-Limit-Reset": {now.Add(time.Minute).Format(time.RFC3339)}}, time.Minute},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{"Retry-After": {"-5"}}, 0},
		{http.Header{}, 0},
	} {
		if got := retryAfter(tt.h, now); got != tt.want {
			t.Errorf("retryAfter(%v) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

func TestNewClientValidates(t *testing.T) {
	for _, bad := range []string{"", "safe.example.com", "ftp://x", "https://user:pw@x", "https://x/?q=1"} {
		if _, err := NewClient(bad); err == nil {
			t.Errorf("NewClient(%q) succeeded", bad)
		}
	}
	for _, opt := range []Option{WithDeviceID("nope"), WithHTTPClient(nil), WithMaxConcurrency(0), WithRequestTimeout(0),
		WithRetryPolicy(RetryPolicy{MaxRetries: -1}), WithItemKeys(9), WithLogger(nil), WithDeviceName("")} {
		if _, err := NewClient("https://x", opt); err == nil {
			t.Errorf("option %v accepted", fmt.Sprintf("%p", opt))
		}
	}
	c, err := NewClient("https://safe.example.com/", WithDeviceID("5f1d3b2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"))
	if err != nil || c.DeviceID() != "5f1d3b2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b" || c.apiURL != "https://safe.example.com/api" {
		t.Errorf("NewClient: %v %v", c, err)
	}
	c2, _ := NewClient("https://x")
	if !uuidRE.MatchString(c2.DeviceID()) {
		t.Errorf("generated device ID %q is not a UUID", c2.DeviceID())
	}
}
