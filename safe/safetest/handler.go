package safetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
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
		}
		b, err := s.locked(r, body, cl, needAuth, h)
		if err != nil {
			writeError(w, err)
			return
		}
		if b == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
	}
}

// locked runs h with the store locked (and unlocked again even if h
// panics) and marshals its answer.
func (s *Server) locked(r *http.Request, body []byte, cl *claims, needAuth bool, h handlerFunc) ([]byte, error) {
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
			return nil, errUnauthorized()
		}
	}
	v, err := h(c)
	if err != nil || v == nil {
		return nil, err
	}
	return json.Marshal(v)
}

// bearer verifies the request's access token.
func (s *Server) bearer(r *http.Request) (*claims, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, errBadToken
	}
	cl, err := verifyJWT(s.jwtKey, strings.TrimSpace(tok), s.now())
	if err != nil {
		return nil, err
	}
	for _, sc := range cl.Scope {
		if sc == "api" {
			return cl, nil
		}
	}
	return nil, errBadToken
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

// fmtTime formats a timestamp as the server does (UTC, microseconds).
func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

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
