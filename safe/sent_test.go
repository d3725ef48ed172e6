package safe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestTLSErrorAfterWriteIsLost: a server that reads a POST and then
// answers with bytes that are not TLS makes net/http report "transport
// connection broken: tls: …" (a tls.RecordHeaderError). The request was
// written, so the write may have been applied: it is marked lost, and not
// repeated.
func TestTLSErrorAfterWriteIsLost(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		raw := conn.(*tls.Conn).NetConn()
		raw.Write([]byte("garbage, not a TLS record"))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	c, err := NewClient(srv.URL, WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	err = postOnce(t, c, srv.URL, &calls, true)
	var rec tls.RecordHeaderError
	if !errors.As(err, &rec) {
		t.Errorf("err = %v, want a tls.RecordHeaderError", err)
	}
}

// TestConnectionClosedAfterReadIsLost: a server that reads the request and
// closes the connection without an answer leaves a POST possibly applied.
func TestConnectionClosedAfterReadIsLost(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	postOnce(t, c, srv.URL, &calls, true)
}

// TestUntrustedCertificateNotSent: a handshake that fails on the
// certificate writes nothing: the POST fails plainly with the x509 error,
// not marked as possibly applied.
func TestUntrustedCertificateNotSent(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	err = postOnce(t, c, srv.URL, &calls, false)
	var ua x509.UnknownAuthorityError
	if !errors.As(err, &ua) {
		t.Errorf("err = %v, want x509.UnknownAuthorityError", err)
	}
}

// postOnce sends one POST to base's server, which counts its arrivals in
// calls, and checks that it failed, sent once and marked as possibly
// applied (written), or never reaching the handler and not marked.
func postOnce(t *testing.T, c *Client, base string, calls *atomic.Int32, written bool) error {
	t.Helper()
	_, err := c.send(context.Background(), apiRequest{method: http.MethodPost, url: base + "/api/x", path: "/api/x", body: []byte(`{}`)})
	if err == nil {
		t.Fatal("the POST did not fail")
	}
	lost, replayed := mayHaveApplied(err)
	want := int32(0)
	if written {
		want = 1
	}
	if lost != written || replayed {
		t.Errorf("POST marked lost %v, replayed %v; want lost %v (%v)", lost, replayed, written, err)
	}
	if n := calls.Load(); n != want {
		t.Errorf("%d requests reached the handler, want %d", n, want)
	}
	return err
}

// TestUntracedRoundTripperJudgedByError: a RoundTripper that reports no
// trace events is judged by its error: a TLS record error counts as a
// failed connection setup (not sent, failed at once), an unexpected EOF as
// possibly applied. This is the documented limit of sendTrace.unsent.
func TestUntracedRoundTripperJudgedByError(t *testing.T) {
	for _, tt := range []struct {
		err  error
		lost bool
	}{
		{fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w", tls.RecordHeaderError{Msg: "bad record"}), false},
		{io.ErrUnexpectedEOF, true},
	} {
		c := newFakeClient(t, rtFunc(func(*http.Request) (*http.Response, error) { return nil, tt.err }))
		_, err := post(c, "/x")
		if lost, _ := mayHaveApplied(err); err == nil || lost != tt.lost {
			t.Errorf("%v: err %v, lost %v; want lost %v", tt.err, err, lost, tt.lost)
		}
	}
}
