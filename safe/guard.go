package safe

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// Transport errors. They wrap into the "safe: METHOD /path: …" error of
// the request, so callers test them with errors.Is or errors.As.
var (
	// ErrRedirect matches a *RedirectError: the server answered a request
	// with a redirect, which the client never follows.
	ErrRedirect = errors.New("safe: redirect refused")
	// ErrResponseTooLarge means that a response body was longer than the
	// limit of its endpoint (1 MiB for login and configuration answers,
	// 512 MiB for a sync, 64 MiB for every other answer: an item, a
	// team's collections or members, the folders).
	ErrResponseTooLarge = errors.New("safe: response too large")
	// ErrNotVaultServer means that a successful answer was not JSON but an
	// HTML page: the base URL points at a web site, a login portal or a
	// proxy, not at a Bravura Safe (Bitwarden) server.
	ErrNotVaultServer = errors.New("safe: not a Bravura Safe or Bitwarden server")
)

// detailError is a message that matches a sentinel without repeating its
// "safe:" text inside the "safe: METHOD /path:" prefix.
type detailError struct {
	msg string
	is  error
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.is }

// errHTMLPage is what a successful answer that is a web page gives.
var errHTMLPage = &detailError{
	msg: "the answer is an HTML page, not JSON: the base URL is probably not a Bravura Safe or Bitwarden server (or a proxy or login portal answered)",
	is:  ErrNotVaultServer,
}

// RedirectError reports a redirect the client refused. Redirects are never
// followed: a 307 or 308 would re-send the request body (a password hash,
// a client secret, an encrypted item) and its headers to the new location,
// which the caller never chose. Only the target's scheme and host are kept,
// never its path or query. It matches ErrRedirect.
type RedirectError struct {
	StatusCode int
	Scheme     string // of the target; empty if the server sent no usable Location
	Host       string // of the target, with its port if it had one
}

func (e *RedirectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "redirect refused: the server answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Host != "" {
		fmt.Fprintf(&b, " pointing to %s://%s", e.Scheme, e.Host)
	}
	b.WriteString("; bsafe never follows redirects: use the server's final base URL")
	return b.String()
}

// Unwrap returns ErrRedirect.
func (e *RedirectError) Unwrap() error { return ErrRedirect }

// redirectError builds the *RedirectError for a 3xx answer to req.
func redirectError(resp *http.Response) *RedirectError {
	e := &RedirectError{StatusCode: resp.StatusCode}
	if loc, err := resp.Location(); err == nil {
		e.Scheme, e.Host = loc.Scheme, loc.Host
	}
	return e
}

// noRedirects returns a shallow copy of hc that hands every redirect back
// as the response instead of following it (send then turns it into a
// *RedirectError). The caller's client is left as it was.
func noRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// checkScheme refuses plain http for a host that is not loopback, unless
// WithInsecureHTTP allowed it: the login sends a password hash and the
// vault's tokens, which anyone on the path could then replay.
func checkScheme(u *url.URL, insecure bool) error {
	if u.Scheme == "https" || insecure || isLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("safe: base URL %s://%s uses plain http, which is allowed only for loopback hosts (localhost, 127.0.0.0/8, ::1): use https, or WithInsecureHTTP for a network you trust", u.Scheme, u.Host)
}

// isLoopback reports whether host (without port or brackets) is the
// loopback interface: the name localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// permanent reports a transport error that repeating the request cannot
// cure, so send fails at once instead of retrying: an untrusted or
// mismatched certificate, a host name that does not exist, TLS spoken to a
// plain-http port, and the answers the client refuses (a redirect, a body
// over its limit, an HTML page).
func permanent(err error) bool {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return dns.IsNotFound
	case failedBeforeSending(err):
		return true
	}
	return errors.Is(err, ErrRedirect) || errors.Is(err, ErrResponseTooLarge) || errors.Is(err, ErrNotVaultServer)
}

// failedBeforeSending reports the errors of setting up a connection: a
// name that did not resolve, a TLS handshake that failed (an untrusted or
// mismatched certificate, TLS spoken to a plain-http port). permanent uses
// it to fail fast. Whether a request left is decided by attempt's client
// trace (sendTrace); only for a RoundTripper that reports no trace events
// does this list stand in for it.
func failedBeforeSending(err error) bool {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		record    tls.RecordHeaderError
		dns       *net.DNSError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &dns) {
		return true
	}
	// net/http's own error (no type) for an https request answered in
	// plain http: the server saw a TLS handshake, not a request.
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// maxRefusedRetries bounds the retries after "connection refused": a
// server that restarts comes back within a second or so, but a wrong port
// or a stopped server should fail quickly (with the default policy, after
// 250 ms + 500 ms of waiting), not after the whole retry budget.
const maxRefusedRetries = 2

// refused reports a connection the server's host actively refused.
func refused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// isHTML reports a response that is a web page rather than JSON: by its
// Content-Type, or by a body that starts with '<' (after white space and a
// byte order mark), which no JSON document does.
func isHTML(h http.Header, body []byte) bool {
	ct := strings.ToLower(h.Get("Content-Type"))
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	s := strings.TrimLeft(strings.TrimPrefix(string(body[:min(len(body), 512)]), "\ufeff"), " \t\r\n")
	return strings.HasPrefix(s, "<")
}

// httpsHint recognises the answers of a TLS port spoken to in plain http:
// Go's servers (400 "Client sent an HTTP request to an HTTPS server.") and
// nginx (400 "The plain HTTP request was sent to HTTPS port").
func httpsHint(status int, body []byte) string {
	if status != http.StatusBadRequest {
		return ""
	}
	s := strings.ToLower(string(body[:min(len(body), 4096)]))
	if strings.Contains(s, "http request to an https server") || strings.Contains(s, "plain http request was sent to https port") {
		return "the server speaks https on this port: use an https:// base URL"
	}
	return ""
}
