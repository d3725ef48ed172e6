package safetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// call is one request being handled. Handlers run with Server.mu held, so
// they may read and write the store freely.
type call struct {
	s    *Server
	st   *store
	r    *http.Request
	body []byte
	now  time.Time // the request's timestamp; unique for writes
	user *userRec  // nil on anonymous routes
}

// handlerFunc answers a request: a value to send as JSON with status 200,
// nil for an empty 200, or an error (*apiError, *oauthError).
type handlerFunc func(c *call) (any, error)

// jsonBytes is a JSON value already encoded as encoding/json would encode
// it (compact, HTML-safe). A handler returning one has it sent as is;
// inside another value it marshals as itself.
type jsonBytes []byte

// MarshalJSON implements json.Marshaler.
func (b jsonBytes) MarshalJSON() ([]byte, error) {
	if b == nil {
		return []byte("null"), nil
	}
	return b, nil
}

// noContent is the answer of a handler whose official endpoint answers
// 204 No Content.
type noContent struct{}

// pooledJSON is a jsonBytes answer written into a buffer from
// Server.buffer: serve gives the buffer back once it has been written.
type pooledJSON []byte

// buffer returns an empty buffer of capacity n or more for a large
// answer, reusing the one kept from an earlier answer when it is big
// enough: a fresh buffer of tens of megabytes costs more to clear and
// fault in than to fill.
func (s *Server) buffer(n int) []byte {
	s.bufMu.Lock()
	defer s.bufMu.Unlock()
	if b := s.spare; cap(b) >= n {
		s.spare = nil
		return b[:0]
	}
	return make([]byte, 0, n)
}

// recycle keeps b, an answer that has been written (the ResponseWriter
// does not retain it, by the io.Writer contract), for reuse by buffer.
// The server keeps one buffer, the largest.
func (s *Server) recycle(b []byte) {
	s.bufMu.Lock()
	defer s.bufMu.Unlock()
	if cap(b) > cap(s.spare) {
		s.spare = b[:0]
	}
}

// anon serves a route that needs no token.
func (s *Server) anon(h handlerFunc) http.HandlerFunc {
	return s.serve(h, false, false)
}

// authed serves a route that needs a valid bearer token.
func (s *Server) authed(h handlerFunc) http.HandlerFunc {
	return s.serve(h, true, false)
}

// optionalAuth serves a route that works with or without a token (and
// ignores an invalid one, like GET /api/config).
func (s *Server) optionalAuth(h handlerFunc) http.HandlerFunc {
	return s.serve(h, false, true)
}

func (s *Server) serve(h handlerFunc, needAuth, optional bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body) // an in-memory copy made by the middleware
		var cl *claims
		if needAuth || optional {
			var err error
			cl, err = s.bearer(r)
			if err != nil && needAuth {
				writeError(w, errUnauthorized())
				return
			}
			if err == nil && !cl.hasScope("api") {
				// A valid token of another scope (a team API key's
				// api.organization): the "Application" policy of the user
				// endpoints refuses it with a bare 403 (src/Api/Startup.cs;
				// ASP.NET's forbid answer has no body).
				if needAuth {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				cl = nil
			}
		}
		b, pooled, err := s.locked(r, body, cl, needAuth, h)
		if err != nil {
			writeError(w, err)
			return
		}
		s.writeAnswer(w, b, pooled)
	}
}

// writeAnswer writes an answer of locked: nil is an empty 200, empty (a
// noContent) a 204, anything else JSON; a pooled buffer is recycled once
// written.
func (s *Server) writeAnswer(w http.ResponseWriter, b []byte, pooled bool) {
	if b == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	if len(b) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// Sent up front, large answers are not chunked, and clients can size
	// their buffers.
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	if pooled {
		s.recycle(b)
	}
}

// locked runs h with the store locked (and unlocked again even if h
// panics) and marshals its answer: nil for an empty 200, empty (not nil)
// for a 204; pooled reports an answer in a buffer to recycle once written.
func (s *Server) locked(r *http.Request, body []byte, cl *claims, needAuth bool, h handlerFunc) (b []byte, pooled bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, st: s.st, r: r, body: body}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		c.now = s.now().UTC().Truncate(time.Millisecond)
	} else {
		c.now = s.st.tick(s.now()) // a write: its timestamp must be new
	}
	if cl != nil {
		u := s.st.users[cl.Subject]
		switch {
		case u != nil && u.securityStamp == cl.SecurityStamp:
			c.user = u
		case needAuth:
			return nil, false, errUnauthorized()
		}
	}
	v, err := h(c)
	if err != nil || v == nil {
		return nil, false, err
	}
	switch v := v.(type) {
	case noContent:
		return []byte{}, false, nil
	case jsonBytes:
		return v, false, nil
	case pooledJSON:
		return v, true, nil
	}
	b, err = json.Marshal(v)
	return b, false, err
}

// bearer verifies the request's access token, of any scope.
func (s *Server) bearer(r *http.Request) (*claims, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, errBadToken
	}
	return verifyJWT(s.jwtKey, strings.TrimSpace(tok), s.now())
}

// decode unmarshals the JSON body into v. A body that is not JSON, or not
// of v's shape, is a 400 model-state error.
func (c *call) decode(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return errValidation("", "A non-empty request body is required.")
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errValidation("", "The request body is not valid JSON of the expected shape.")
	}
	return nil
}

// id returns a path wildcard, normalised.
func (c *call) id(name string) string { return normID(c.r.PathValue(name)) }

// queryBool reads a boolean query parameter the way ASP.NET binds it.
func (c *call) queryBool(name string) bool {
	for k, v := range c.r.URL.Query() {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return strings.EqualFold(v[0], "true")
		}
	}
	return false
}

func (c *call) query(name string) string {
	for k, v := range c.r.URL.Query() {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// current reports whether the server imitates the current generation.
func (c *call) current() bool { return c.s.cfg.gen == GenCurrent }

// list is the internal API's list envelope.
type list[T any] struct {
	Object            string  `json:"object"`
	Data              []T     `json:"data"`
	ContinuationToken *string `json:"continuationToken"`
}

func newList[T any](data []T) list[T] {
	if data == nil {
		data = []T{}
	}
	return list[T]{Object: "list", Data: data}
}

// timeLayout is how the server formats timestamps (UTC, microseconds).
const timeLayout = "2006-01-02T15:04:05.000000Z"

// fmtTime formats a timestamp as the server does.
func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := fmtTime(t)
	return &s
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
