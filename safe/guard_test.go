package safe

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// redirectingServer answers prelogin itself and redirects the token
// endpoint with a 307 (which re-sends the body on a following client) to a
// second server, which counts what reaches it.
func redirectingServer(t *testing.T) (origin, elsewhere *httptest.Server, reached *atomic.Int32) {
	t.Helper()
	reached = new(atomic.Int32)
	elsewhere = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		b, _ := io.ReadAll(r.Body)
		t.Errorf("second host got %s %s (Auth-Email %q, %d body bytes)", r.Method, r.URL.Path, r.Header.Get("Auth-Email"), len(b))
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(elsewhere.Close)
	origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/identity/accounts/prelogin":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"kdf":0,"kdfIterations":5000}`)
		case "/identity/connect/token":
			http.Redirect(w, r, elsewhere.URL+"/identity/connect/token?code=query-secret", http.StatusTemporaryRedirect)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(origin.Close)
	return origin, elsewhere, reached
}

func TestRedirectsRefused(t *testing.T) {
	logins := map[string]func(*Client) error{
		"LoginPassword": func(c *Client) error {
			return c.LoginPassword(context.Background(), "user@example.com", "master password")
		},
		"LoginAPIKey": func(c *Client) error {
			return c.LoginAPIKey(context.Background(), "user.5f1d3b2a", "client-secret-value", "master password")
		},
	}
	for name, login := range logins {
		for _, custom := range []bool{false, true} {
			origin, elsewhere, reached := redirectingServer(t)
			var opts []Option
			var hc *http.Client
			if custom {
				hc = &http.Client{Transport: http.DefaultTransport}
				opts = append(opts, WithHTTPClient(hc))
			}
			c, err := NewClient(origin.URL, opts...)
			if err != nil {
				t.Fatal(err)
			}
			err = login(c)
			var re *RedirectError
			if !errors.Is(err, ErrRedirect) || !errors.As(err, &re) {
				t.Fatalf("%s (custom client %v): err = %v, want a *RedirectError", name, custom, err)
			}
			if reached.Load() != 0 {
				t.Errorf("%s (custom client %v): the second host was reached", name, custom)
			}
			wantHost := strings.TrimPrefix(elsewhere.URL, "http://")
			if re.StatusCode != http.StatusTemporaryRedirect || re.Host != wantHost || re.Scheme != "http" {
				t.Errorf("%s: RedirectError = %+v, want 307 to %s", name, re, wantHost)
			}
			msg := err.Error()
			if !strings.Contains(msg, "safe: POST /identity/connect/token: redirect refused") || strings.Contains(msg, "query-secret") ||
				strings.Contains(msg, "client-secret-value") {
				t.Errorf("%s: message %q", name, msg)
			}
			if hc != nil && hc.CheckRedirect != nil {
				t.Errorf("WithHTTPClient's client was changed")
			}
		}
	}
}

func TestNewClientRequiresHTTPS(t *testing.T) {
	for _, ok := range []string{"https://safe.example.com", "http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1:1",
		"http://127.8.9.10", "http://[::1]:8080"} {
		if _, err := NewClient(ok); err != nil {
			t.Errorf("NewClient(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"http://safe.example.com", "http://10.0.0.1", "http://localhost.example.com", "http://[::2]"} {
		_, err := NewClient(bad)
		if err == nil || !strings.Contains(err.Error(), "plain http") || !strings.Contains(err.Error(), "WithInsecureHTTP") {
			t.Errorf("NewClient(%q) = %v, want the plain-http error", bad, err)
		}
		if _, err := NewClient(bad, WithInsecureHTTP()); err != nil {
			t.Errorf("NewClient(%q, WithInsecureHTTP()): %v", bad, err)
		}
	}
}

// TestRedirectKeepsCallerClient checks that the client's copy follows no
// redirect even when the caller's own client has a CheckRedirect that
// would, and that the caller's client keeps it.
func TestRedirectKeepsCallerClient(t *testing.T) {
	var followed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/there" {
			followed.Add(1)
			io.WriteString(w, `{}`)
			return
		}
		http.Redirect(w, r, "/api/there", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	check := func(*http.Request, []*http.Request) error { return nil }
	hc := &http.Client{CheckRedirect: check}
	c, err := NewClient(srv.URL, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.send(context.Background(), apiRequest{method: http.MethodGet, url: c.apiURL + "/here", path: "/api/here"})
	var re *RedirectError
	if !errors.As(err, &re) || re.StatusCode != http.StatusMovedPermanently || followed.Load() != 0 {
		t.Fatalf("err = %v, followed %d", err, followed.Load())
	}
	if u, _ := url.Parse(srv.URL); re.Host != u.Host {
		t.Errorf("Host = %q, want %q", re.Host, u.Host)
	}
	if hc.CheckRedirect == nil {
		t.Error("the caller's CheckRedirect was removed")
	}
}

// capReader records the largest buffer it is asked to fill: readBody
// reads into the buffers it allocates, so cap(p) is what it allocated.
type capReader struct {
	r      io.Reader
	maxCap int
}

func (c *capReader) Read(p []byte) (int, error) {
	c.maxCap = max(c.maxCap, cap(p))
	return c.r.Read(p)
}

// TestLyingContentLengthAllocatesLittle: a server that declares a sync of
// almost 512 MiB and sends little must not make the client allocate it:
// the buffer stays within 1 MiB, or 32 times what arrived. (The assertion
// is on readBody's own buffers, not on process-wide allocation counters,
// which parallel tests disturb.)
func TestLyingContentLengthAllocatesLittle(t *testing.T) {
	for _, sent := range []int{10, 200 << 10} {
		body := &capReader{r: strings.NewReader(strings.Repeat("x", sent))}
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			resp := respond(200, "")
			resp.Body, resp.ContentLength = io.NopCloser(body), maxSyncBody-1
			return resp, nil
		}), WithRetryPolicy(RetryPolicy{}))
		_, err := c.send(context.Background(), apiRequest{method: http.MethodGet, url: c.apiURL + "/sync", path: "/api/sync", auth: true, maxBody: maxSyncBody})
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%d bytes sent: err = %v, want io.ErrUnexpectedEOF", sent, err)
		}
		if bound := max(1<<20, 32*sent); body.maxCap > bound {
			t.Errorf("%d bytes sent: a buffer of %d bytes, want at most %d", sent, body.maxCap, bound)
		}
	}
}

func TestReadBody(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 3<<16) // 3 MiB
	for _, tt := range []struct {
		name     string
		body     string
		declared int64
		limit    int64
		want     int // length read; -1: io.ErrUnexpectedEOF
	}{
		{"small", `{"x":1}`, 7, 1 << 20, 7},
		{"large with length", big, int64(len(big)), 64 << 20, len(big)},
		{"large chunked", big, -1, 64 << 20, len(big)},
		{"chunked over the limit", big, -1, 1 << 20, 1<<20 + 1},
		{"short body", big[:100], int64(len(big)), 64 << 20, -1},
		{"empty", "", 0, 1 << 20, 0},
		{"empty chunked", "", -1, 1 << 20, 0},
	} {
		// iotest.OneByteReader-like slow reads would be too slow for 3 MiB;
		// halfReader returns at most half of each buffer, to exercise growth.
		got, err := readBody(halfReader{strings.NewReader(tt.body)}, tt.declared, tt.limit)
		switch {
		case tt.want < 0:
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%s: err = %v, want io.ErrUnexpectedEOF", tt.name, err)
			}
		case err != nil || len(got) != tt.want || string(got) != tt.body[:tt.want]:
			t.Errorf("%s: read %d bytes, err %v; want %d", tt.name, len(got), err, tt.want)
		}
		if tt.declared > 0 && tt.want == int(tt.declared) && cap(got) != tt.want {
			t.Errorf("%s: final buffer cap %d for a declared length of %d", tt.name, cap(got), tt.declared)
		}
	}
}

type halfReader struct{ r io.Reader }

func (h halfReader) Read(p []byte) (int, error) { return h.r.Read(p[:max(len(p)/2, min(len(p), 1))]) }

func TestTokenResponseOverItsLimit(t *testing.T) {
	huge := `{"access_token":"` + strings.Repeat("a", maxSmallBody) + `"}`
	for _, declared := range []bool{true, false} {
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			resp := respond(200, huge)
			if !declared {
				resp.ContentLength = -1
			}
			return resp, nil
		}))
		err := c.LoginAPIKey(context.Background(), "user.x", "secret", "password")
		if !errors.Is(err, ErrResponseTooLarge) || !strings.Contains(err.Error(), "safe: POST /identity/connect/token: ") ||
			!strings.Contains(err.Error(), "1048576 bytes") {
			t.Errorf("declared length %v: err = %v, want ErrResponseTooLarge", declared, err)
		}
		// The same body is fine where larger answers are expected.
		if body, err := get(c, "/ciphers/x/details"); err != nil || len(body) != len(huge) {
			t.Errorf("declared length %v: an item answer of %d bytes: %d bytes, %v", declared, len(huge), len(body), err)
		}
	}
}
