package safe

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"
)

// Option configures a Client. Options validate their arguments, so
// NewClient can fail.
type Option func(*config) error

type config struct {
	httpClient     *http.Client
	deviceID       string
	deviceName     string
	deviceType     int
	userAgent      string
	logger         *slog.Logger
	retry          RetryPolicy
	requestTimeout time.Duration
	maxConcurrency int
	itemKeys       ItemKeyPolicy
	lenient        bool
	syncInterval   time.Duration
	decryptWorkers int
	insecureHTTP   bool
	legacyUserKeys bool
	syncCache      SyncCache
}

func defaultConfig() config {
	return config{
		httpClient:     http.DefaultClient,
		deviceName:     "bsafe",
		deviceType:     cliDeviceType(),
		userAgent:      "bsafe-go/0.1",
		logger:         slog.New(slog.DiscardHandler),
		retry:          DefaultRetryPolicy,
		requestTimeout: 2 * time.Minute,
		maxConcurrency: 8,
		syncInterval:   30 * time.Second,
		decryptWorkers: runtime.GOMAXPROCS(0),
	}
}

// cliDeviceType is the server's device type for a command-line client on
// this operating system (WindowsCLI 23, MacOsCLI 24, LinuxCLI 25); these
// exist in every server generation bsafe supports.
func cliDeviceType() int {
	switch runtime.GOOS {
	case "windows":
		return 23
	case "darwin":
		return 24
	}
	return 25
}

// WithHTTPClient sets the HTTP client (for proxies, custom TLS roots, or a
// test server's client). Its Timeout, if any, bounds every attempt. The
// client uses a shallow copy of hc that follows no redirect (a redirect
// fails with a *RedirectError); hc itself is not changed.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalidArg("WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base URL for a host that is not
// loopback. Without it NewClient accepts http:// only for localhost,
// 127.0.0.0/8 and ::1, because the login sends a password hash and the
// session's tokens, which anyone on the network path could read and
// replay. Use it only where the path is private, such as a TLS-terminating
// sidecar in the same pod.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecureHTTP = true
		return nil
	}
}

// WithDeviceID sets the device identifier, a UUID. Keep it stable across
// runs (store it with your configuration): servers treat an unknown device
// as a new login and may ask for new-device verification. Without this
// option the client makes a random one.
func WithDeviceID(id string) Option {
	return func(c *config) error {
		if !isGUID(id) {
			return invalidArg("device ID is not a UUID")
		}
		c.deviceID = id
		return nil
	}
}

// WithDeviceName sets the device name the server shows in its device list.
func WithDeviceName(name string) Option {
	return func(c *config) error {
		if name == "" || len(name) > 50 {
			return invalidArg("device name must be 1 to 50 characters")
		}
		c.deviceName = name
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" {
			return invalidArg("empty user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithLogger sets the client's logger. Request tracing (method, path,
// status, attempt and timing) is logged at debug level. The few events a
// caller must see even with debug off are logged at error level: an item
// whose own key the server did not keep, which the client then writes
// again without one, and an internal error in a shared sync or token
// refresh. A sync cache (WithSyncCache) that was ignored or failed is
// logged at warning level. Bodies, headers and secrets are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return invalidArg("WithLogger(nil)")
		}
		c.logger = l
		return nil
	}
}

// RetryPolicy bounds the retries of the transport. A 429 is retried for any
// request (the server did not process it); 5xx answers and connection
// failures are retried only for requests that are safe to repeat or that
// certainly never reached the server. Safety is decided per endpoint, not
// per HTTP method: reads are repeated, and so are the writes whose repeat
// leaves the server as one application would (setting an item's
// collections, trashing, restoring, purging, and an item update
// conditional on its revision date); creating an item, for one, is never
// repeated once it may have reached the server. Errors that no retry
// can cure fail at once: an untrusted, expired or mismatched certificate,
// a host name that does not resolve ("no such host"), TLS spoken to a
// plain-http port, a redirect, an oversized body and an HTML page. A
// refused connection is retried at most twice (with the default policy,
// after 250 ms and 500 ms), long enough for a restarting server, short
// enough for a wrong port.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 disables retrying
	BaseDelay  time.Duration // first backoff for 5xx and connection errors; doubles each time
	MaxDelay   time.Duration // the longest single wait; a longer Retry-After fails with *RateLimitError
}

// DefaultRetryPolicy is used unless WithRetryPolicy says otherwise.
var DefaultRetryPolicy = RetryPolicy{MaxRetries: 4, BaseDelay: 250 * time.Millisecond, MaxDelay: 30 * time.Second}

// WithRetryPolicy sets the retry policy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxRetries < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 {
			return invalidArg("negative retry policy value")
		}
		c.retry = p
		return nil
	}
}

// WithRequestTimeout bounds each attempt of each request, including reading
// the response body. The default is two minutes.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalidArg("request timeout must be positive")
		}
		c.requestTimeout = d
		return nil
	}
}

// WithMaxConcurrency caps the requests in flight at once (default 8).
func WithMaxConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return invalidArg("max concurrency must be at least 1")
		}
		c.maxConcurrency = n
		return nil
	}
}

// ItemKeyPolicy decides whether new items get their own encryption key.
type ItemKeyPolicy int

const (
	// ItemKeysAuto gives new items a per-item key when the server's
	// configuration enables cipher-key encryption (feature flag
	// "enableCipherKeyEncryption" on a server of version 2023.9.1 or later),
	// as the official clients do.
	ItemKeysAuto ItemKeyPolicy = iota
	// ItemKeysAlways gives every new item a per-item key.
	ItemKeysAlways
	// ItemKeysNever encrypts new items directly with the user or team key.
	ItemKeysNever
)

// WithItemKeys sets the per-item key policy for new items. Existing items
// keep their scheme on update: an item with a key keeps it, an item without
// one does not get one (other clients may have encrypted data under the
// old key).
func WithItemKeys(p ItemKeyPolicy) Option {
	return func(c *config) error {
		if p < ItemKeysAuto || p > ItemKeysNever {
			return invalidArg("unknown item key policy %d", p)
		}
		c.itemKeys = p
		return nil
	}
}

// WithLenientDecrypt makes sync keep objects that fail to decrypt, so that
// one bad object never hides the rest of the vault. An item with fields
// that fail is returned with those fields empty and the failures listed in
// Item.DecryptErrors; an item whose own key (or whose team's key) fails is
// returned with a "key" error there and all encrypted fields empty. A team
// whose key fails, and a folder or collection whose name fails, is kept
// with its DecryptErr set. By default each of these is a *DecryptError: a
// team key, folder or collection fails the sync, and an item fails the
// first read of items (Items.Get of another item still works).
func WithLenientDecrypt() Option {
	return func(c *config) error {
		c.lenient = true
		return nil
	}
}

// WithLegacyUserKeys accepts an account whose user key is wrapped with a
// pre-2018 EncString type (0, AES-CBC without a MAC, or 1, AES-128 with an
// unstretched MAC key), as accounts that old may still have. The server
// chooses the type it sends, so by default such a key is refused with
// ErrLegacyUserKey: accepting it lets a malicious server hand the client a
// key that nothing authenticates. Every other key and field still needs
// type 2 (or RSA) and its MAC. Enable this only for an account known to be
// that old, and let its owner change the master password once, which
// rewraps the user key as type 2.
func WithLegacyUserKeys() Option {
	return func(c *config) error {
		c.legacyUserKeys = true
		return nil
	}
}

// WithSyncInterval sets how long a synced vault is used before the client
// asks the server whether anything changed (a cheap revision-date call; a
// full sync follows only if it did). The default is 30 seconds; 0 checks
// before every read.
func WithSyncInterval(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalidArg("negative sync interval")
		}
		c.syncInterval = d
		return nil
	}
}

func newDeviceID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}
