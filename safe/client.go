package safe

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Client is a Bravura Safe vault client. It logs in, keeps the keys of the
// session in memory, syncs and decrypts the vault, and reads and writes
// items, collections and folders through its services.
//
// A Client is safe for concurrent use by multiple goroutines. Make one per
// account with NewClient and reuse it.
type Client struct {
	cfg         config
	apiURL      string // e.g. https://safe.example.com/api
	identityURL string // e.g. https://safe.example.com/identity
	sem         chan struct{}
	common      service // shared by the services

	// Items reads and writes vault items (ciphers).
	Items *ItemsService
	// Collections reads and writes team collections.
	Collections *CollectionsService
	// Folders reads and writes the user's folders.
	Folders *FoldersService
	// Members lists and manages team members.
	Members *MembersService
	// Public is the Public API of a team: members, groups and collections
	// through a team API key (LoginTeamAPIKey).
	Public *PublicService

	mu    sync.Mutex // guards sess, vault and info
	sess  *session
	vault *vault
	info  *ServerInfo
	// syncing is set while a sync runs; writesDuringSync are the client's
	// own item writes made meanwhile (under mu), which the sync's
	// snapshot, read before them, must not undo.
	syncing          bool
	writesDuringSync []ownWrite

	refreshes singleflight.Group
	syncs     singleflight.Group
}

// service is the common part of the resource services, as in go-github.
type service struct{ c *Client }

// NewClient returns a client for the server at baseURL, for example
// "https://safe.example.com". The API and identity services are expected
// at baseURL+"/api" and baseURL+"/identity", as on every self-hosted
// server. The URL must use https, except for a loopback host (localhost,
// 127.0.0.0/8, ::1) or with WithInsecureHTTP. The client never follows a
// redirect: it fails with a *RedirectError instead.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, invalidArg("base URL must be an absolute http(s) URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, invalidArg("base URL must not carry credentials, a query or a fragment")
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if err := checkScheme(u, cfg.insecureHTTP); err != nil {
		return nil, err
	}
	cfg.httpClient = noRedirects(cfg.httpClient)
	if cfg.deviceID == "" {
		if cfg.deviceID, err = newDeviceID(); err != nil {
			return nil, fmt.Errorf("safe: device ID: %w", err)
		}
	}
	c := &Client{
		cfg:         cfg,
		apiURL:      u.String() + "/api",
		identityURL: u.String() + "/identity",
		sem:         make(chan struct{}, cfg.maxConcurrency),
	}
	c.common.c = c
	c.Items = (*ItemsService)(&c.common)
	c.Collections = (*CollectionsService)(&c.common)
	c.Folders = (*FoldersService)(&c.common)
	c.Members = (*MembersService)(&c.common)
	c.Public = (*PublicService)(&c.common)
	return c, nil
}

// DeviceID returns the device identifier the client sends. Store it and
// pass it to WithDeviceID next time to be recognised as the same device.
func (c *Client) DeviceID() string { return c.cfg.deviceID }

// session is what a login yields: tokens and keys. It is replaced as a
// whole, never mutated, except for the token fields under c.mu.
type session struct {
	userID, email string
	clientID      string // the token's client_id, sent again when refreshing
	access        string
	refresh       string // empty for API-key logins
	expiry        time.Time
	apiKey        *apiKeyCredentials
	// teamID is set for a team API key session (LoginTeamAPIKey): a token
	// for the Public API of that team and no keys at all.
	teamID string

	kdf        vaultcrypto.KDFConfig
	userKey    *vaultcrypto.SymmetricKey
	privateKey *vaultcrypto.PrivateKey // nil for accounts that never made one

	forcePasswordReset bool
	twoFactorToken     string // the two-factor remember token, if the server issued one
	// authHash is the login's master-password hash (ServerAuthorization),
	// which servers since 2024.7 want with an account recovery enrolment.
	// A resumed session does not have it: ExportSession never writes it.
	authHash string
}

type apiKeyCredentials struct{ clientID, clientSecret string }

// current returns the session of a user login, with its keys, or
// ErrNotLoggedIn, or ErrTeamKeySession for a team API key session.
func (c *Client) current() (*session, error) {
	s, err := c.session()
	if err == nil && s.teamID != "" {
		return nil, ErrTeamKeySession
	}
	return s, err
}

// session returns the session of any kind, or ErrNotLoggedIn.
func (c *Client) session() (*session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return nil, ErrNotLoggedIn
	}
	return c.sess, nil
}

// Logout forgets the session: tokens, keys and the synced vault. The
// server-side session simply expires.
func (c *Client) Logout() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sess = nil
	c.vault = nil
}

// LoggedIn reports whether the client holds a session: an unlocked user
// login, or a team API key session.
func (c *Client) LoggedIn() bool {
	_, err := c.session()
	return err == nil
}

// String describes the client without any secret.
func (c *Client) String() string { return "safe.Client(" + strings.TrimSuffix(c.apiURL, "/api") + ")" }

// GoString describes the client without any secret.
func (c *Client) GoString() string { return c.String() }

// Format prints the description for every verb, so that no %v or %+v of a
// Client ever reaches its keys or tokens.
func (c *Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// LogValue makes log/slog print the description.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// accessToken returns a valid access token, refreshing it first when it
// expires within a minute (or a tenth of its lifetime, if shorter).
func (c *Client) accessToken(ctx context.Context) (string, error) {
	s, err := c.session()
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	token, expiry := s.access, s.expiry
	c.mu.Unlock()
	if time.Until(expiry) > refreshMargin {
		return token, nil
	}
	if err := c.refreshToken(ctx, token); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return "", ErrNotLoggedIn
	}
	return c.sess.access, nil
}

// refreshMargin is how long before expiry a token is refreshed.
const refreshMargin = 30 * time.Second
