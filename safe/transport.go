package safe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// maxErrorBytes bounds what is read of an error answer.
const maxErrorBytes = 64 << 10

// apiRequest is one logical request; send may make several attempts.
type apiRequest struct {
	method      string
	url         string // absolute
	path        string // for errors and logs: never carries secrets
	body        []byte
	bodyErr     error // encoding the body failed: send fails at once
	contentType string
	header      map[string]string
	auth        bool  // needs the bearer token
	maxBody     int64 // longest successful body; 0 means maxDefaultBody
	// noEffect marks a POST that changes no vault data (prelogin, token
	// grants): its failure is never an unknown outcome.
	noEffect bool
	// retry says whether the request may be repeated after an attempt
	// that may have reached the server. It is decided per endpoint, not
	// per HTTP method: the zero value repeats only reads (GET, HEAD).
	retry retryMode
	// public marks a Public API request, the only kind a team API key
	// session may send.
	public bool
}

// retryMode is the retry safety of one endpoint.
type retryMode uint8

const (
	// retryReads repeats GET and HEAD; any other request is repeated only
	// when it certainly never left (a dial error).
	retryReads retryMode = iota
	// retryReplay repeats a write whose repetition leaves the server's
	// state as one application would (setting collections, trashing,
	// restoring, purging, or a PUT conditional on the revision date).
	// The answer to a repeat may differ (a conflict, a 404): send marks
	// such errors as replayed, and the caller decides what they mean.
	retryReplay
)

// repeatable reports whether r may be sent again after an attempt that may
// have reached the server.
func (r *apiRequest) repeatable() bool {
	switch r.retry {
	case retryReplay:
		return true
	}
	return r.method == http.MethodGet || r.method == http.MethodHead
}

// sendError is send's error when an attempt of the request may have been
// applied by the server: its own answer was lost (lost), or an earlier
// attempt's was and the request was sent again (replayed).
type sendError struct {
	err            error
	lost, replayed bool
}

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// mayHaveApplied reports what send knows of a failed request: lost means
// the last attempt's response never arrived (the request may have been
// applied), replayed that an earlier attempt may have been applied before
// the one whose answer err is.
func mayHaveApplied(err error) (lost, replayed bool) {
	var se *sendError
	if errors.As(err, &se) {
		return se.lost, se.replayed
	}
	return false, false
}

// notSent marks an attempt that the server cannot have applied: it failed
// before the request left, or the answer was one that refuses it (a
// redirect, an HTML page instead of the API).
type notSent struct{ error }

func (e notSent) Unwrap() error { return e.error }

// send performs r with retries, authentication and token refresh, and
// returns the body of a 2xx response. When an attempt of a write may have
// reached the server without its answer arriving, the error is an
// *OutcomeUnknownError (and mayHaveApplied says which case): a write's
// caller must not report such a failure as "not done".
func (c *Client) send(ctx context.Context, r apiRequest) (_ []byte, err error) {
	refreshed := false
	// applied: an earlier attempt may have been applied; lost: the last
	// attempt's answer never arrived after it may have reached the server.
	applied, lost := false, false
	write := r.method != http.MethodGet && r.method != http.MethodHead && !r.noEffect
	defer func() {
		if err != nil && write && (applied || lost) {
			// Every write's caller gets this much for free; the item
			// writes refine it (a repeat's 404 or conflict).
			err = &OutcomeUnknownError{Method: r.method, Path: r.path,
				Err: &sendError{err: err, lost: lost, replayed: applied && !lost}}
		}
	}()
	if r.bodyErr != nil {
		return nil, r.bodyErr
	}
	if r.auth && !r.public {
		if s, err := c.session(); err == nil && s.teamID != "" {
			return nil, fmt.Errorf("safe: %s %s: %w", r.method, r.path, ErrTeamKeySession)
		}
	}
	for attempt := 0; ; attempt++ {
		if lost {
			applied, lost = true, false
		}
		var token string
		if r.auth {
			var err error
			if token, err = c.accessToken(ctx); err != nil {
				return nil, err
			}
		}
		status, hdr, body, err := c.attempt(ctx, &r, token)
		if err == nil && status >= 200 && status < 300 {
			return body, nil
		}
		if err != nil && !neverSent(err) || write && mayBeApplied(status) {
			// The request may have been applied without its answer
			// arriving: a transport error after sending (a 2xx whose body
			// could not be read included), a proxy's timeout, or a server
			// error after the change was saved.
			lost = true
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("safe: %s %s: %w", r.method, r.path, ctx.Err())
		}
		var wait time.Duration
		var apiErr *APIError
		switch {
		case err != nil:
			if permanent(err) || (refused(err) && attempt >= maxRefusedRetries) {
				return nil, fmt.Errorf("safe: %s %s: %w", r.method, r.path, err)
			}
			if lost && !r.repeatable() {
				return nil, fmt.Errorf("safe: %s %s: %w", r.method, r.path, err)
			}
			wait = c.backoff(attempt)
		case status == http.StatusUnauthorized && r.auth && !refreshed:
			// The token expired or was revoked mid-session: refresh once
			// (shared by all goroutines) and repeat at once.
			refreshed = true
			if err := c.refreshToken(ctx, token); err != nil {
				return nil, err
			}
			attempt--
			continue
		case status == http.StatusTooManyRequests:
			apiErr = parseAPIError(&r, status, body)
			ra := retryAfter(hdr, time.Now())
			if ra > c.cfg.retry.MaxDelay || attempt >= c.cfg.retry.MaxRetries {
				return nil, &RateLimitError{RetryAfter: ra, Err: apiErr}
			}
			wait = max(ra, c.backoff(attempt))
		case isTransient(status) && r.repeatable():
			// A 5xx may come from a proxy after the server applied the
			// request: a repeat is a replay.
			applied = applied || write
			wait = c.backoff(attempt)
		default:
			return nil, parseAPIError(&r, status, body)
		}
		if attempt >= c.cfg.retry.MaxRetries {
			if err != nil {
				return nil, fmt.Errorf("safe: %s %s: %w", r.method, r.path, err)
			}
			return nil, parseAPIError(&r, status, body)
		}
		c.cfg.logger.DebugContext(ctx, "safe: retrying", "method", r.method, "path", r.path,
			"status", status, "attempt", attempt+1, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("safe: %s %s: %w", r.method, r.path, err)
		}
	}
}

// attempt makes one HTTP round trip under the per-attempt timeout and the
// concurrency cap.
func (c *Client) attempt(ctx context.Context, r *apiRequest, token string) (int, http.Header, []byte, error) {
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return 0, nil, nil, notSent{ctx.Err()}
	}
	if err := ctx.Err(); err != nil {
		return 0, nil, nil, notSent{err}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.requestTimeout, errAttemptTimeout)
	defer cancel()

	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return 0, nil, nil, notSent{err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.userAgent)
	req.Header.Set("Device-Type", strconv.Itoa(c.cfg.deviceType))
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	var trace sendTrace
	req = req.WithContext(httptrace.WithClientTrace(ctx, trace.hooks()))
	start := time.Now()
	resp, err := c.cfg.httpClient.Do(req)
	if err != nil {
		c.cfg.logger.DebugContext(ctx, "safe: request failed", "method", r.method, "path", r.path, "error", err)
		err = c.attemptError(ctx, scrubURLError(err))
		if trace.unsent(err) {
			return 0, nil, nil, notSent{err}
		}
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		c.cfg.logger.DebugContext(ctx, "safe: redirect refused", "method", r.method, "path", r.path, "status", resp.StatusCode)
		return 0, nil, nil, notSent{redirectError(resp)}
	}
	limit := r.bodyLimit()
	if resp.StatusCode >= 300 {
		limit = maxErrorBytes
	} else if resp.ContentLength > limit {
		return 0, nil, nil, tooLarge(limit)
	}
	data, err := readBody(resp.Body, resp.ContentLength, limit)
	if err != nil {
		return 0, nil, nil, c.attemptError(ctx, scrubURLError(err))
	}
	if int64(len(data)) > limit {
		if resp.StatusCode < 300 {
			return 0, nil, nil, tooLarge(limit)
		}
		data = data[:limit]
	}
	c.cfg.logger.DebugContext(ctx, "safe: request", "method", r.method, "path", r.path,
		"status", resp.StatusCode, "bytes", len(data), "duration", time.Since(start))
	if resp.StatusCode < 300 && isHTML(resp.Header, data) {
		return 0, nil, nil, notSent{errHTMLPage}
	}
	return resp.StatusCode, resp.Header, data, nil
}

// attemptError says when an attempt ran out of its own time (the caller's
// context still being live), which a bare "context deadline exceeded"
// would not tell.
func (c *Client) attemptError(ctx context.Context, err error) error {
	if errors.Is(err, context.DeadlineExceeded) && context.Cause(ctx) == errAttemptTimeout {
		return fmt.Errorf("no complete answer within the request timeout of %s (WithRequestTimeout): %w", c.cfg.requestTimeout, err)
	}
	return err
}

// errAttemptTimeout is the cause of an attempt's own deadline.
var errAttemptTimeout = errors.New("safe: request timeout")

func tooLarge(limit int64) error {
	return &detailError{msg: fmt.Sprintf("response too large: the body is longer than this endpoint's limit of %d bytes", limit), is: ErrResponseTooLarge}
}

// Response body limits. The identity, configuration and revision-date
// answers are a few hundred bytes to a few KiB; a sync holds the whole
// vault; other API answers (an item, a team's collections or members)
// fall in between.
const (
	maxSmallBody   = 1 << 20   // token, prelogin, config, revision date
	maxDefaultBody = 64 << 20  // items, collections, members, folders
	maxSyncBody    = 512 << 20 // a sync of a very large vault
)

// bodyLimit is the longest successful body r accepts.
func (r *apiRequest) bodyLimit() int64 {
	if r.maxBody > 0 {
		return r.maxBody
	}
	return maxDefaultBody
}

// Buffer growth of readBody.
const (
	firstBuffer   = 1 << 20 // the largest first allocation, for a declared length
	chunkedBuffer = 4 << 10 // the first allocation for a body of unknown length
	// trustFactor is how far ahead of the bytes received a declared
	// Content-Length is believed: once a body has delivered 1/trustFactor
	// of its declared length, the buffer jumps to the full length. A lying
	// server thus makes the client allocate at most 1 MiB or trustFactor
	// times what it sent (and never more than the endpoint's limit), while
	// an honest large sync costs one final buffer plus at most an eighth of
	// it in the smaller buffers before (1 MiB for the 22 MB benchmark sync).
	trustFactor = 32
)

// readBody reads at most limit+1 bytes of body, so that the caller sees a
// body over the limit. The buffer grows as data arrives, never ahead of it
// by more than trustFactor, so a Content-Length that promises 512 MiB and
// delivers ten bytes costs 1 MiB, and a true Content-Length is met with
// one buffer of exactly that size. A body that ends before its
// Content-Length is io.ErrUnexpectedEOF.
func readBody(body io.Reader, declared, limit int64) ([]byte, error) {
	ceiling := limit + 1
	if declared >= 0 && declared < ceiling {
		ceiling = declared
	}
	first := int64(chunkedBuffer)
	if declared >= 0 {
		first = firstBuffer
	}
	buf := make([]byte, 0, min(ceiling, first))
	for int64(len(buf)) < ceiling {
		if len(buf) == cap(buf) {
			next := min(2*int64(cap(buf)), ceiling)
			if declared >= 0 && int64(len(buf))*trustFactor >= declared {
				next = ceiling
			}
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if declared >= 0 && int64(len(buf)) < min(declared, ceiling) {
		return nil, io.ErrUnexpectedEOF
	}
	return buf, nil
}

// scrubURLError replaces a *url.Error by its cause: the method and path
// are already in the "safe: METHOD /path:" prefix of every message (so its
// "Post:" would only repeat them), and the full URL is not needed there.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// neverSent reports errors that certainly happened before the request
// reached the server, so that even a POST may be repeated and a failed
// write is known not to have been applied. attempt decides it (notSent).
func neverSent(err error) bool {
	var ns notSent
	return errors.As(err, &ns)
}

// sendTrace follows one attempt through net/http's client trace, to tell
// a request that never left from one whose answer was lost. The error
// alone cannot: a TLS record error while reading the answer to a written
// request reads "transport connection broken: tls: …", and a write that
// reached the server must not be reported as not done.
type sendTrace struct {
	conn  atomic.Bool // the transport reports trace events (GetConn fired)
	wrote atomic.Bool // some of the request went out (headers written)
}

func (t *sendTrace) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:      func(string) { t.conn.Store(true) },
		WroteHeaders: func() { t.wrote.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { t.wrote.Store(true) },
	}
}

// unsent reports whether the failed attempt certainly sent nothing. With
// net/http's transport, which reports its progress, that is exactly "no
// header was written". A RoundTripper of the caller's that reports no trace
// events is judged by the error, as before: a dial error or a failed
// connection setup (see failedBeforeSending) counts as not sent, any other
// error as possibly applied. Such a RoundTripper that wrote the request and
// then failed with a TLS record error would thus be taken as not sent; a
// trace-aware one (any built on http.Transport) never is.
func (t *sendTrace) unsent(err error) bool {
	if t.wrote.Load() {
		return false
	}
	if t.conn.Load() {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" || failedBeforeSending(err)
}

// mayBeApplied reports the 5xx answers to a write after which the write
// may nevertheless have been applied. A 500 may come after the change was
// saved: Bitwarden's server stores a cipher and then logs the event and
// pushes the notification, and an exception in either is a 500 with the
// item stored. A 502 or 504 is a proxy that lost or gave up waiting for
// the server's answer. A 503 is not among them: it is a proxy's or the
// server's "unavailable" (maintenance, no healthy backend, overload
// shedding), given instead of handling the request.
func mayBeApplied(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func isTransient(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.retry.BaseDelay << min(attempt, 16)
	return min(d, c.cfg.retry.MaxDelay)
}

// retryAfter reads how long a 429 asks the client to wait: the standard
// Retry-After (seconds or an HTTP date) or Bitwarden's X-Rate-Limit-Reset
// (an RFC 3339 time). Zero means the server did not say.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
			return time.Duration(s) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := h.Get("X-Rate-Limit-Reset"); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// parseAPIError reads the error bodies of the API (message,
// validationErrors), of the identity server (error, error_description,
// ErrorModel.Message) and of Vaultwarden, in either casing.
func parseAPIError(r *apiRequest, status int, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: r.method, Path: r.path}
	var m struct {
		Message          string              `json:"message"`
		ValidationErrors map[string][]string `json:"validationErrors"`
		Errors           json.RawMessage     `json:"errors"` // the Public API's name for them
		Error            json.RawMessage     `json:"error"`
		ErrorDescription string              `json:"error_description"`
		ErrorModel       *struct {
			Message string `json:"message"`
		} `json:"errorModel"`
	}
	if json.Unmarshal(body, &m) == nil {
		e.Message = m.Message
		if m.ErrorModel != nil && m.ErrorModel.Message != "" {
			e.Message = m.ErrorModel.Message
		}
		if e.Message == "" {
			e.Message = m.ErrorDescription
		}
		var code string
		if json.Unmarshal(m.Error, &code) == nil {
			e.Code = code
		}
		e.ValidationErrors = m.ValidationErrors
		if e.ValidationErrors == nil {
			// Read apart, so that another server's "errors" of another
			// shape cannot cost the message.
			_ = json.Unmarshal(m.Errors, &e.ValidationErrors)
		}
		e.twoFactor = parseTwoFactor(body)
	}
	if e.Message == "" {
		e.Message = httpsHint(status, body)
	}
	if len(e.Message) > maxMessageLen {
		e.Message = e.Message[:maxMessageLen] + "…"
	}
	return e
}
