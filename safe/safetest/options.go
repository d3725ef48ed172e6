package safetest

import (
	"maps"
	"net"
	"net/http"
	"time"
)

// Generation selects which server release the Server imitates. The zero
// value is GenCurrent.
type Generation int

const (
	// GenCurrent imitates a current Bitwarden server (version 2026.9.0): both
	// prelogin routes, the AccountKeys and MasterPasswordUnlock token
	// fields, userDecryption in sync, collections_v2 and the user-key-id
	// endpoint. The official CLI 2026.9.0 needs this generation.
	GenCurrent Generation = iota

	// Gen2023 imitates Bravura Safe, a fork of Bitwarden server 2023.8
	// (version 2023.8.3): prelogin only at /identity/accounts/prelogin, a
	// password grant that requires the Auth-Email header, a token response
	// without AccountKeys or MasterPasswordUnlock, and
	// PUT /api/ciphers/{id}/collections answering an empty 200. The
	// official CLI 2023.9.1 matches this generation.
	Gen2023
)

// String returns "current" or "2023".
func (g Generation) String() string {
	switch g {
	case GenCurrent:
		return "current"
	case Gen2023:
		return "2023"
	}
	return "Generation(?)"
}

// Version returns the server version the generation reports in
// GET /api/config.
func (g Generation) Version() string {
	if g == Gen2023 {
		return "2023.8.3"
	}
	return "2026.9.0"
}

// Default limits.
const (
	// DefaultTokenLifetime is the access-token lifetime of the official
	// server (expires_in 3600).
	DefaultTokenLifetime = time.Hour
	// DefaultRefreshTokenLifetime is how long a refresh token stays valid.
	DefaultRefreshTokenLifetime = 30 * 24 * time.Hour
	// DefaultMaxBodyBytes caps request bodies; larger ones get 413.
	DefaultMaxBodyBytes = 4 << 20
)

// An Option configures a Server. Options are applied by NewServer and
// NewUnstartedServer, in order.
type Option func(*config)

type config struct {
	gen             Generation
	tokenLifetime   time.Duration
	refreshLifetime time.Duration
	maxBody         int64
	features        map[string]any
	now             func() time.Time
	hook            func(*http.Request, []byte)
	logf            func(format string, args ...any)
	listener        net.Listener
}

func defaultConfig() config {
	return config{
		tokenLifetime:   DefaultTokenLifetime,
		refreshLifetime: DefaultRefreshTokenLifetime,
		maxBody:         DefaultMaxBodyBytes,
		features:        map[string]any{},
		now:             time.Now,
	}
}

// WithGeneration selects the server generation to imitate (default
// GenCurrent).
func WithGeneration(g Generation) Option {
	return func(c *config) { c.gen = g }
}

// WithTokenLifetime sets the access-token lifetime (default
// DefaultTokenLifetime). Clients refresh a token that has less than five
// minutes left, so lifetimes under five minutes make them refresh before
// every request. Values ≤ 0 are ignored.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.tokenLifetime = d
		}
	}
}

// WithRefreshTokenLifetime sets how long refresh tokens stay valid
// (default DefaultRefreshTokenLifetime). Values ≤ 0 are ignored.
func WithRefreshTokenLifetime(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.refreshLifetime = d
		}
	}
}

// WithMaxBodyBytes caps request bodies (default DefaultMaxBodyBytes).
// Values ≤ 0 are ignored.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithFeatureStates sets the featureStates object of GET /api/config, for
// example {"enableCipherKeyEncryption": true}. Every flag a client does not
// find is false. The map is copied.
func WithFeatureStates(flags map[string]any) Option {
	return func(c *config) { maps.Copy(c.features, flags) }
}

// WithClock makes the server read the time from now instead of time.Now:
// token expiry, revision dates and the account revision date all follow it,
// so tests can expire a token without sleeping. now must be safe for
// concurrent use and should not go backwards.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithRequestHook calls hook for every request, before it is handled, with
// the request and its body (as read, up to the body cap). Use it to check
// what a client puts on the wire, for example that no plaintext secret ever
// leaves it. hook must not modify either argument, must not keep body after
// it returns (copy it), and must be safe for concurrent use.
func WithRequestHook(hook func(r *http.Request, body []byte)) Option {
	return func(c *config) { c.hook = hook }
}

// WithLogf logs one line per request ("METHOD /path -> status") with logf,
// for example t.Logf, and the HTTP server's own errors (such as TLS
// handshake failures), which are discarded without it: the server never
// writes to the standard logger or os.Stderr. Bodies, headers and query
// strings are never logged.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) { c.logf = logf }
}

// WithListener makes the server serve on l instead of a new listener on a
// random loopback port (127.0.0.1:0). The server closes l on Close.
func WithListener(l net.Listener) Option {
	return func(c *config) { c.listener = l }
}
