package safe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// TestPermanentTransportErrorsNotRetried: certificate, DNS "no such host"
// and TLS-to-plain-http errors cannot go away by repeating the request, so
// exactly one attempt is made, for a GET (which is otherwise retried) and a
// POST alike.
func TestPermanentTransportErrorsNotRetried(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		as   func(error) bool
	}{
		{"unknown authority", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}},
			func(err error) bool { var e x509.UnknownAuthorityError; return errors.As(err, &e) }},
		{"hostname", &tls.CertificateVerificationError{Err: x509.HostnameError{Host: "safe.test", Certificate: &x509.Certificate{}}},
			func(err error) bool { var e x509.HostnameError; return errors.As(err, &e) }},
		{"expired", x509.CertificateInvalidError{Reason: x509.Expired, Cert: &x509.Certificate{}},
			func(err error) bool { var e x509.CertificateInvalidError; return errors.As(err, &e) }},
		{"no such host", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "safe.test", IsNotFound: true}},
			func(err error) bool { var e *net.DNSError; return errors.As(err, &e) && e.IsNotFound }},
		{"tls to http", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"},
			func(err error) bool { var e tls.RecordHeaderError; return errors.As(err, &e) }},
	} {
		for method, send := range map[string]func(*Client, string) ([]byte, error){"GET": get, "POST": post} {
			t.Run(tt.name+" "+method, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var calls atomic.Int32
					c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
						calls.Add(1)
						return nil, tt.err
					}))
					start := time.Now()
					_, err := send(c, "/x")
					if calls.Load() != 1 || time.Since(start) != 0 {
						t.Errorf("%s: %d attempts in %v, want 1 at once", tt.name, calls.Load(), time.Since(start))
					}
					if !tt.as(err) || !strings.HasPrefix(err.Error(), "safe: ") {
						t.Errorf("%s: err = %v", tt.name, err)
					}
				})
			})
		}
	}
}

// TestTemporaryDNSErrorRetried: a DNS timeout is not "no such host".
func TestTemporaryDNSErrorRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "safe.test", IsTimeout: true}}
		}))
		if _, err := get(c, "/x"); err == nil || calls.Load() != 1+int32(DefaultRetryPolicy.MaxRetries) {
			t.Errorf("%d attempts, err %v", calls.Load(), err)
		}
	})
}

// TestConnectionRefusedRetriedBriefly: a refused connection is retried
// maxRefusedRetries times (a restarting server), not for the whole budget.
func TestConnectionRefusedRetriedBriefly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
		}))
		start := time.Now()
		_, err := post(c, "/x")
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("err = %v", err)
		}
		if calls.Load() != 1+maxRefusedRetries || time.Since(start) != 750*time.Millisecond {
			t.Errorf("%d attempts in %v, want %d in 750ms", calls.Load(), time.Since(start), 1+maxRefusedRetries)
		}
	})
}

// TestUntrustedCertificateOneHandshake uses a real TLS server whose
// certificate the default client does not trust.
func TestUntrustedCertificateOneHandshake(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	err = c.LoginPassword(context.Background(), "user@example.com", "master password")
	var ua x509.UnknownAuthorityError
	if !errors.As(err, &ua) {
		t.Fatalf("err = %v, want x509.UnknownAuthorityError", err)
	}
	// Config and prelogin: one handshake each, no retries.
	if n := conns.Load(); n > 2 {
		t.Errorf("%d connections, want at most 2", n)
	}
	if !strings.HasPrefix(err.Error(), "safe: POST /identity/accounts/prelogin: tls: failed to verify certificate") {
		t.Errorf("message %q", err)
	}
}

func TestContextErrorsNameTheRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The caller's deadline ends while an attempt waits for an answer.
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := c.send(ctx, apiRequest{method: http.MethodGet, url: c.apiURL + "/sync", path: "/api/sync", auth: true})
		if !errors.Is(err, context.DeadlineExceeded) || err.Error() != "safe: GET /api/sync: context deadline exceeded" {
			t.Errorf("caller deadline: err = %v", err)
		}

		// Canceled before the first attempt.
		ctx, cancel = context.WithCancel(context.Background())
		cancel()
		_, err = c.send(ctx, apiRequest{method: http.MethodPost, url: c.apiURL + "/ciphers", path: "/api/ciphers", auth: true})
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "safe: POST /api/ciphers: ") {
			t.Errorf("canceled: err = %v", err)
		}

		// The attempt's own timeout, with the caller's context still live.
		c = newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}), WithRequestTimeout(time.Second), WithRetryPolicy(RetryPolicy{}))
		_, err = c.send(context.Background(), apiRequest{method: http.MethodGet, url: c.apiURL + "/sync", path: "/api/sync", auth: true})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "safe: GET /api/sync: ") ||
			!strings.Contains(err.Error(), "request timeout of 1s") {
			t.Errorf("attempt timeout: err = %v", err)
		}
	})
}

// TestDialErrorMessage: the *url.Error's "Post" does not reappear after
// the "safe: POST /path:" prefix.
func TestDialErrorMessage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := NewClient("http://"+addr, WithRetryPolicy(RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.send(context.Background(), apiRequest{method: http.MethodPost, url: c.apiURL + "/things", path: "/api/things"})
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.HasPrefix(err.Error(), "safe: POST /api/things: dial tcp ") ||
		strings.Contains(err.Error(), "Post") || strings.Contains(err.Error(), "http://") {
		t.Errorf("err = %v", err)
	}
}

// TestPlainHTTPToTLSPortHint: Go's https server answers a plain-http
// request with 400 "Client sent an HTTP request to an HTTPS server."
func TestPlainHTTPToTLSPortHint(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	c, err := NewClient("http://" + srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ServerInfo(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || !strings.Contains(err.Error(), "use an https:// base URL") {
		t.Errorf("err = %v", err)
	}
}

// TestHTMLPageHint: a 2xx web page (a portal, a proxy's landing page, the
// wrong host) is named as such instead of "malformed JSON".
func TestHTMLPageHint(t *testing.T) {
	for _, tt := range []struct{ ct, body string }{
		{"text/html; charset=utf-8", "<!DOCTYPE html><html><body>Welcome</body></html>"},
		{"application/json", "\ufeff\n  <html><body>Sign in</body></html>"},
		{"", "<?xml version=\"1.0\"?><html/>"},
	} {
		c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
			return respond(200, tt.body, "Content-Type", tt.ct), nil
		}))
		_, err := c.ServerInfo(context.Background())
		if !errors.Is(err, ErrNotVaultServer) || !strings.HasPrefix(err.Error(), "safe: GET /api/config: the answer is an HTML page") ||
			strings.Contains(err.Error(), "JSON at offset") {
			t.Errorf("%q: err = %v", tt.body, err)
		}
	}
	// JSON stays JSON.
	c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
		return respond(200, ` {"version":"2023.8.0"}`), nil
	}))
	if _, err := c.ServerInfo(context.Background()); err != nil {
		t.Errorf("JSON config: %v", err)
	}
}

// TestTLSToPlainHTTPHint: an https URL pointed at a plain-http server.
func TestTLSToPlainHTTPHint(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := NewClient("https://" + srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ServerInfo(context.Background())
	if err == nil || err.Error() != "safe: GET /api/config: http: server gave HTTP response to HTTPS client" {
		t.Errorf("err = %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1 (%v)", n, err)
	}
}
