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
