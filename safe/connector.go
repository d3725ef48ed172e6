package safe

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Connector is the "Bravura Safe" vault connector: it implements the
// connector contract of package bsafe on a team of a Bravura Safe server.
// Accounts are the team's login items, groups are the team's collections.
//
// # Target
//
// Connect takes the address options
//
//   - server (required; the Target's plain Address is used when the
//     option is absent): the server's base URL, https://safe.example.com;
//   - organizationName (required): the team, by name or ID. An unknown
//     team is code 5 (bsafe.ErrInvalidServer), a name several teams have
//     is code 38;
//   - proxy: the URL of an HTTP(S) proxy for every request;
//   - listDeleted: "true", "1" or "yes" (any case) lists and finds the
//     items in the team's trash too; "false", "0", "no" or empty does not.
//
// and the credentials:
//
//   - adminid and adminpw: the e-mail address and master password of the
//     team administrator;
//   - sysid and syspw: that administrator's personal API key, client_id
//     ("user.…") and client_secret. When they are given the connector logs
//     in with the API key (no two-factor prompt) and unlocks the vault with
//     the master password from adminpw, which the server never sees; adminid,
//     when given, must then be the key's account. Without them it logs in
//     with adminid and adminpw. sysid and syspw may instead be the team's
//     API key (client_id "organization.…"): the connector then logs in
//     with adminid and adminpw, and logs in with the team key too, which
//     must be the team's (code 11 otherwise). The vault connector uses no
//     Public API; connectors built on it do (TeamAPIClient).
//
// A wrong master password, API key or e-mail is code 11.
//
// # Connections and sessions
//
// Connect returns a *Connector pinned to the target it connected: every
// operation on that value runs on that server and team, with that
// listDeleted, whatever later Connects do. The Connector that NewConnector
// made and those its Connect returned (and theirs) share one cache of
// sessions: there is one login per server, team, proxy and credentials.
// Connect with the same target and credentials again keeps the session (it
// compares keyed fingerprints of them, and keeps no copy of the passwords
// itself), also from several goroutines at once; only a session the server
// refused (revoked, or expired beyond renewal) makes it log in anew. The
// cache holds the sessions of the eight targets used last; one that leaves
// it is not logged out, so that a Connector pinned to it keeps working
// (its keys go with the last Connector that uses it), and its target logs
// in anew on its next Connect.
//
// Operations on the root Connector (the one NewConnector or
// AttachConnector made) run on the target of the last successful Connect
// of any Connector sharing its cache, for programs that serve one target
// at a time (k.Connect, then k.Reset). A failed Connect, whatever made it
// fail (a bad address option, a refused login, an invalid Option), leaves
// it not connected: code 3 for every operation until a Connect succeeds.
// A Connector Connect returned stays pinned. A program that serves
// several targets at once uses the Connectors that Connect returns, as
// bsafe.Dispatch does.
//
// Logins take turns per target: concurrent Connects for one target share
// one login, while a login that hangs on one server does not hold up
// Connects to others. A Connect waiting for another's login to its target
// gives up when its ctx is done.
//
// Each cached session (up to eight) holds a decrypted snapshot of the
// vault and the keys to it in memory until Close, or until it leaves the
// cache and no Connector pinned to it is left. Close logs them all out.
//
// The zero Connector is not connected and cannot connect: make one with
// NewConnector.
//
// # Accounts and groups
//
// An account is a login item of the team: longid is the item ID, shortid
// and fullname are the item's name, and Groups are the IDs of its
// collections. An acctid (and a modeluid) is an item ID or, where exactly
// one item has it, an item name: a name that equals one item's name
// exactly picks it, else names are compared ignoring case; no item is
// code 7 (8 for a template), several are code 38 with their IDs in the
// message, never a guess. A groupid is a collection ID or a collection's
// unique name in the same way; no collection is code 12.
//
// Attributes, in listings, checkuser, userattributes and checktemplate:
// _collectionNames (multi-valued; the attach attribute of seed 000),
// collectionIds (multi-valued), username, uri (multi-valued), notes, folder
// (the administrator's folder's name), revisionDate and passwordRevisionDate
// (RFC 3339, UTC, milliseconds), deleted ("1" for an item in the trash,
// else "0"), and one attribute per custom field name, such as assocID or
// AccountLink, multi-valued where several fields share the name. Hidden and
// linked custom fields are not listed (the vault masks the one and the
// other can point at the password), nor is a custom field whose name is
// one of the attributes above, "name" or "password". Empty values are
// present with no value. Names compare ignoring ASCII case, as in package
// attrs.
//
// # Writes
//
// Reset, change and verifyreset read the item back from the server after
// the write: it must hold the new password, else the error is code 1 and
// says so (another writer may have changed it). When the read-back fails,
// the server's answer to the write decides: an answer holding the new
// password is success. A write whose answer was lost is settled by the
// read-back alone; when it cannot settle it, the error is code 1 and says
// that the outcome is unknown (never code 41 or 10, which a caller could
// take for "not done, try again"). The read-back has a deadline of its own
// (15 seconds), not the caller's, so that a deadline the write used up
// does not turn a write into a failure; when the caller's ctx is done and
// the server's answer to the write holds the new password, that answer is
// success and there is no read-back.
//
// Delete is permanent: items deleted through the connector skip the
// trash, as seed 000 documents. Create and update: see Create and Update.
// The connector has no intruder lockout, no enable/disable and no expiry,
// so it implements neither Locker, Enabler nor the expirers, and
// adminverify is verify.
//
// Errors and log lines never carry a password, a secret or a decrypted
// value (item and collection names included); they name items and
// collections by ID.
//
// A Connector is safe for concurrent use: its operations and Connect may
// be called from several goroutines at once. Operations on one pinned
// Connector all run on its target; direct operations on the Connector
// NewConnector made follow its last Connect (see above), so concurrent
// callers with different targets each use the Connector their Connect
// returned.
type Connector struct {
	p *pool
	// pinned is the connection of a Connector that Connect returned; it
	// never changes. Nil in the Connector NewConnector or AttachConnector
	// made, whose operations use p.last.
	pinned *connection
}

// maxSessions is how many sessions (targets and credentials) a pool
// keeps for reuse.
const maxSessions = 8

// pool is what a Connector and the Connectors its Connect returned share:
// the options, the fingerprint key and the sessions.
type pool struct {
	opts   []Option
	logger *slog.Logger
	optErr error    // an invalid Option, reported by Connect
	fpKey  [32]byte // keys the credential fingerprints; random per pool
	// attached is AttachConnector's session; Connect never logs in then.
	attached *teamSession

	mu       sync.Mutex // guards last, sessions and logins
	last     *connection
	sessions []*teamSession // most recently used last; at most maxSessions
	// logins are the logins under way, by fingerprint: a Connect for a
	// target another Connect is logging in to waits for it, so that they
	// share one login, and Connects for other targets do not wait.
	logins map[[sha256.Size]byte]chan struct{} // closed when the login ends
}

// teamSession is one logged-in team, shared by the connections to it (which
// differ only in listDeleted). Only the unauthorized flag changes.
type teamSession struct {
	client *Client
	team   *Team
	// public is logged in with the team's API key, when the target gave
	// one in sysid/syspw; else nil.
	public *Client
	logger *slog.Logger
	fp     [sha256.Size]byte // of the address and credentials (not listDeleted)
	// unauthorized is set when the server refused the session (revoked,
	// or expired beyond renewal): the next Connect logs in again instead
	// of keeping it.
	unauthorized atomic.Bool
}

// connection is what operations run on: a session and how to list it.
// It is never changed.
type connection struct {
	*teamSession
	listDeleted bool
}

// fail is connectorError for an operation's error, noting a session the
// server refused.
func (cn *connection) fail(err error, about errContext) error {
	if errors.Is(err, ErrUnauthorized) {
		cn.unauthorized.Store(true)
	}
	return connectorError(err, about)
}

// NewConnector returns a connector that is not yet connected; Connect logs
// in. The options configure the Client that Connect makes (an HTTP client
// with the server's CA roots, a logger, retries, …); an invalid one makes
// Connect fail. The proxy address option replaces the HTTP client's
// transport by a copy with that proxy, which needs an *http.Transport (or
// none).
func NewConnector(opts ...Option) *Connector {
	p := &pool{opts: slices.Clone(opts)}
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil && p.optErr == nil {
			p.optErr = err
		}
	}
	p.logger = cfg.logger
	_, _ = rand.Read(p.fpKey[:]) // never fails (crypto/rand)
	return &Connector{p: p}
}

// AttachConnector returns a connector on team (a name or ID, as
// organizationName) through c, a Client that is already logged in, for
// programs that manage the client themselves. Its Connect never logs in
// and ignores the credentials: it only reads listDeleted, and fails with
// code 4 (bsafe.CodeAlreadyConnected) when the target names another server
// or team (server and organizationName may be left out). Connect returns
// a Connector pinned to the target's listDeleted; the operations of the
// Connector AttachConnector returned use its last Connect's (listDeleted
// as given here until then). Logging c out ends the connector's session
// too.
func AttachConnector(ctx context.Context, c *Client, team string, listDeleted bool) (*Connector, error) {
	if c == nil {
		return nil, connectorError(fmt.Errorf("%w: AttachConnector(nil client)", ErrInvalidArgument), onLogin)
	}
	t, err := findTeam(ctx, c, team)
	if err != nil {
		return nil, err
	}
	s := &teamSession{client: c, team: t, logger: c.cfg.logger}
	p := &pool{logger: c.cfg.logger, attached: s, last: &connection{teamSession: s, listDeleted: listDeleted}}
	return &Connector{p: p}, nil
}

// address is what Connect reads from a target's address.
type address struct {
	server      string // the base URL, without a trailing slash
	team        string
	proxy       *url.URL
	listDeleted bool
}

// parseAddress reads and checks the address options; server and
// organizationName are required unless attached. Its errors never quote a
// value: a proxy URL may carry a password.
func parseAddress(t bsafe.Target, attached bool) (address, error) {
	var a address
	a.server = strings.TrimRight(strings.TrimSpace(t.Options.Get("server")), "/")
	if a.server == "" {
		a.server = strings.TrimRight(strings.TrimSpace(t.Address), "/")
	}
	if a.server == "" && !attached {
		return a, fmt.Errorf("%w: the address option server (the Bravura Safe URL) is missing", bsafe.ErrInvalidServer)
	}
	a.team = strings.TrimSpace(t.Options.Get("organizationName"))
	if a.team == "" && !attached {
		return a, fmt.Errorf("%w: the address option organizationName (the team) is missing", bsafe.ErrInvalidServer)
	}
	if p := strings.TrimSpace(t.Options.Get("proxy")); p != "" {
		u, err := url.Parse(p)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
			return a, fmt.Errorf("%w: the address option proxy is not an http, https or socks5 URL", bsafe.ErrInvalidServer)
		}
		a.proxy = u
	}
	switch strings.ToLower(strings.TrimSpace(t.Options.Get("listDeleted"))) {
	case "true", "1", "yes":
		a.listDeleted = true
	case "false", "0", "no", "":
	default:
		return a, fmt.Errorf("%w: the address option listDeleted must be true or false", bsafe.ErrBadInput)
	}
	return a, nil
}

// fingerprint is a keyed hash of everything that makes a session: the
// server, team, proxy and both credentials. Connect compares fingerprints,
// so that the Connector keeps no copy of the passwords.
func (p *pool) fingerprint(a address, t bsafe.Target) [sha256.Size]byte {
	h := hmac.New(sha256.New, p.fpKey[:])
	proxy := ""
	if a.proxy != nil {
		proxy = a.proxy.String()
	}
	for _, s := range []string{a.server, a.team, proxy, t.AdminID, t.AdminPassword, t.SysID, t.SysPassword} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	var fp [sha256.Size]byte
	h.Sum(fp[:0])
	return fp
}

// Connect logs in to the target's server and finds its team, or keeps the
// session of an earlier Connect with the same target and credentials (see
// the type's documentation for the address options and credentials). It
// returns a *Connector pinned to that connection: use it, not k, when
// other goroutines may Connect k to other targets meanwhile.
//
// A failed Connect leaves the root Connector (the one NewConnector or
// AttachConnector made) not connected. The zero Connector cannot connect:
// its Connect is bsafe.ErrBadInput.
func (k *Connector) Connect(ctx context.Context, t bsafe.Target) (bsafe.Connector, error) {
	if k.p == nil {
		return nil, fmt.Errorf("%w: a zero safe.Connector cannot connect: use NewConnector", bsafe.ErrBadInput)
	}
	cn, err := k.p.connect(ctx, t)
	if err != nil {
		// The direct operations must not run on the previous target.
		k.p.setLast(nil)
		return nil, err
	}
	return &Connector{p: k.p, pinned: cn}, nil
}

func (p *pool) connect(ctx context.Context, t bsafe.Target) (*connection, error) {
	a, err := parseAddress(t, p.attached != nil)
	if err != nil {
		return nil, err
	}
	if p.attached != nil {
		return p.connectAttached(ctx, a)
	}
	if p.optErr != nil {
		return nil, fmt.Errorf("safe connector: %w: an option of NewConnector: %w", bsafe.ErrBadInput, p.optErr)
	}
	fp := p.fingerprint(a, t)
	cn, err := p.reuseOrLogin(ctx, fp, a.listDeleted)
	if cn != nil || err != nil {
		return cn, err
	}
	defer p.loginDone(fp)
	old := p.take(fp) // none, or one the server refused
	// The direct operations must not run on the previous target, even if
	// this login fails.
	p.setLast(nil)
	if old != nil {
		old.logout() // refused by the server: no Connector can use it
	}
	opts, err := p.clientOptions(a)
	if err != nil {
		return nil, err
	}
	c, err := p.login(ctx, a, t, opts)
	if err != nil {
		return nil, err
	}
	team, err := findTeam(ctx, c, a.team)
	if err != nil {
		c.Logout()
		return nil, err
	}
	s := &teamSession{client: c, team: team, logger: p.logger, fp: fp}
	if isTeamKey(t.SysID) {
		if s.public, err = loginTeamKey(ctx, a, t, team, opts); err != nil {
			c.Logout()
			return nil, err
		}
	}
	p.keep(s)
	cn = &connection{teamSession: s, listDeleted: a.listDeleted}
	p.setLast(cn)
	p.logger.InfoContext(ctx, "safe connector: logged in", "server", a.server, "team", team.ID, "apikey", t.SysID != "")
	return cn, nil
}

// reuseOrLogin returns a connection on the cached session with the
// fingerprint fp, when there is one that the server has not refused, and
// makes it the last connection. Else, when another Connect is logging in
// to fp, it waits for that login to end (or ctx) and looks again; when
// none is, it returns nil, nil, and the caller logs in and then calls
// loginDone(fp).
func (p *pool) reuseOrLogin(ctx context.Context, fp [sha256.Size]byte, listDeleted bool) (*connection, error) {
	for {
		p.mu.Lock()
		cn := p.reuseLocked(fp, listDeleted)
		wait := p.logins[fp]
		if cn == nil && wait == nil {
			if p.logins == nil {
				p.logins = map[[sha256.Size]byte]chan struct{}{}
			}
			p.logins[fp] = make(chan struct{})
		}
		p.mu.Unlock()
		switch {
		case cn != nil:
			p.logger.DebugContext(ctx, "safe connector: session reused", "team", cn.team.ID)
			return cn, nil
		case wait == nil:
			return nil, nil
		}
		select {
		case <-wait: // logged in, or failed: look again
		case <-ctx.Done():
			return nil, connectorError(fmt.Errorf("safe connector: waiting for another Connect's login to the same target: %w", ctx.Err()), onLogin)
		}
	}
}

// loginDone ends the login to fp that reuseOrLogin handed its caller.
func (p *pool) loginDone(fp [sha256.Size]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.logins[fp])
	delete(p.logins, fp)
}

// reuseLocked is reuseOrLogin's look at the cache, with p.mu held.
func (p *pool) reuseLocked(fp [sha256.Size]byte, listDeleted bool) *connection {
	i := slices.IndexFunc(p.sessions, func(s *teamSession) bool { return hmac.Equal(s.fp[:], fp[:]) })
	if i < 0 {
		return nil
	}
	s := p.sessions[i]
	if !s.client.LoggedIn() || s.unauthorized.Load() {
		return nil
	}
	// The most recently used last.
	p.sessions = append(slices.Delete(p.sessions, i, i+1), s)
	p.last = &connection{teamSession: s, listDeleted: listDeleted}
	return p.last
}

// take removes the session with the fingerprint fp from the cache and
// returns it, or nil.
func (p *pool) take(fp [sha256.Size]byte) *teamSession {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.IndexFunc(p.sessions, func(s *teamSession) bool { return hmac.Equal(s.fp[:], fp[:]) })
	if i < 0 {
		return nil
	}
	s := p.sessions[i]
	p.sessions = slices.Delete(p.sessions, i, i+1)
	return s
}

// keep puts s in the cache as the most recently used session, dropping
// the least recently used beyond maxSessions. A dropped session is not
// logged out: a Connector pinned to it may be running an operation.
func (p *pool) keep(s *teamSession) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sessions = append(p.sessions, s)
	if n := len(p.sessions) - maxSessions; n > 0 {
		p.sessions = slices.Delete(p.sessions, 0, n)
	}
}

// Close logs out every session in the cache of the Connectors sharing
// k's (the one NewConnector made and those Connects returned), dropping
// their keys and vault snapshots, and leaves the root Connector not
// connected. The operations of a Connector pinned to one of those sessions
// then fail with code 3; a later Connect logs in anew. A session that left
// the cache before is not logged out by Close: it goes with the last
// Connector pinned to it. Close on an attached connector (AttachConnector)
// only leaves it not connected: the caller logs its Client out. A Connect
// still under way when Close runs keeps its session: Close after the
// Connects are done. Close never fails; the error is for io.Closer.
func (k *Connector) Close() error {
	if k.p == nil {
		return nil
	}
	p := k.p
	p.mu.Lock()
	sessions := p.sessions
	p.sessions = nil
	p.last = nil
	p.mu.Unlock()
	for _, s := range sessions {
		s.logout()
	}
	return nil
}

// connectAttached checks a target against an attached connector's client
// and team.
func (p *pool) connectAttached(ctx context.Context, a address) (*connection, error) {
	s := p.attached
	if a.server != "" && !strings.EqualFold(a.server, s.client.baseURL()) {
		return nil, bsafe.WithCode(bsafe.CodeAlreadyConnected, errors.New("safe connector: attached to another server's client"))
	}
	if a.team != "" {
		team, err := findTeam(ctx, s.client, a.team)
		if err != nil {
			return nil, err
		}
		if team.ID != s.team.ID {
			return nil, bsafe.WithCode(bsafe.CodeAlreadyConnected, fmt.Errorf("safe connector: attached to team %s, not %s", s.team.ID, team.ID))
		}
	}
	cn := &connection{teamSession: s, listDeleted: a.listDeleted}
	p.setLast(cn)
	return cn, nil
}

// String describes the connector: its server and team, never its
// credentials or keys.
func (k *Connector) String() string {
	cn, err := k.current()
	if err != nil {
		return "safe.Connector(not connected)"
	}
	return "safe.Connector(" + cn.client.baseURL() + ", team " + cn.team.ID + ")"
}

// GoString is String.
func (k *Connector) GoString() string { return k.String() }

// Format prints String for every verb, so that no %v or %+v reaches the
// connector's keys.
func (k *Connector) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// LogValue makes log/slog print String.
func (k *Connector) LogValue() slog.Value { return slog.StringValue(k.String()) }

func (p *pool) setLast(cn *connection) {
	p.mu.Lock()
	p.last = cn
	p.mu.Unlock()
}

// current returns the connection operations run on: the pinned one, else
// the last Connect's; or code 3.
func (k *Connector) current() (*connection, error) {
	if k.pinned != nil {
		return k.pinned, nil
	}
	if k.p == nil {
		return nil, fmt.Errorf("safe connector: %w (a zero safe.Connector: use NewConnector)", bsafe.ErrNotConnected)
	}
	k.p.mu.Lock()
	cn := k.p.last
	k.p.mu.Unlock()
	if cn == nil {
		return nil, fmt.Errorf("safe connector: %w (Connect first)", bsafe.ErrNotConnected)
	}
	return cn, nil
}

// logout logs the session's clients out.
func (s *teamSession) logout() {
	s.client.Logout()
	if s.public != nil {
		s.public.Logout()
	}
}

// clientOptions are the options of the clients of a target: the pool's,
// with the target's proxy.
func (p *pool) clientOptions(a address) ([]Option, error) {
	opts := slices.Clone(p.opts)
	if a.proxy != nil {
		hc, err := proxiedHTTPClient(p.opts, a.proxy)
		if err != nil {
			return nil, err
		}
		opts = append(opts, WithHTTPClient(hc))
	}
	return opts, nil
}

// isTeamKey reports whether a sysid is a team API key's client ID.
func isTeamKey(sysID string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(sysID)), "organization.")
}

// loginTeamKey logs a second client in with the team API key in sysid and
// syspw, which must be team's.
func loginTeamKey(ctx context.Context, a address, t bsafe.Target, team *Team, opts []Option) (*Client, error) {
	if t.SysPassword == "" {
		return nil, fmt.Errorf("%w: sysid and syspw (the team API key's client_id and client_secret) go together", bsafe.ErrAccessDenied)
	}
	c, err := NewClient(a.server, opts...)
	if err != nil {
		return nil, connectorError(err, onLogin)
	}
	if err := c.LoginTeamAPIKey(ctx, strings.TrimSpace(t.SysID), t.SysPassword); err != nil {
		return nil, connectorError(err, onLogin)
	}
	if id, _ := c.TeamAPIKeySession(); !strings.EqualFold(id, team.ID) {
		c.Logout()
		return nil, fmt.Errorf("%w: the team API key in sysid/syspw is another team's", bsafe.ErrAccessDenied)
	}
	return c, nil
}

// login makes the client and logs in with the target's credentials: the
// personal API key in sysid and syspw, else adminid and adminpw.
func (p *pool) login(ctx context.Context, a address, t bsafe.Target, opts []Option) (*Client, error) {
	if isTeamKey(t.SysID) {
		t.SysID, t.SysPassword = "", "" // loginTeamKey's
	}
	c, err := NewClient(a.server, opts...)
	if err != nil {
		if errors.Is(err, ErrInvalidArgument) {
			// NewClient's message names the mistake, never the URL.
			return nil, fmt.Errorf("%w: %w", bsafe.ErrInvalidServer, err)
		}
		return nil, connectorError(err, onLogin)
	}
	apiKey := t.SysID != "" || t.SysPassword != ""
	switch {
	case apiKey && (t.SysID == "" || t.SysPassword == ""):
		return nil, fmt.Errorf("%w: sysid and syspw (the API key's client_id and client_secret) go together", bsafe.ErrAccessDenied)
	case t.AdminPassword == "":
		return nil, fmt.Errorf("%w: adminpw (the master password) is empty", bsafe.ErrAccessDenied)
	case apiKey:
		err = c.LoginAPIKey(ctx, t.SysID, t.SysPassword, t.AdminPassword)
		if err == nil && t.AdminID != "" {
			var p Profile
			if p, err = c.Profile(ctx); err == nil && vaultcrypto.NormalizeEmail(p.Email) != vaultcrypto.NormalizeEmail(t.AdminID) {
				c.Logout()
				return nil, fmt.Errorf("%w: the API key in sysid/syspw belongs to another account than adminid", bsafe.ErrAccessDenied)
			}
		}
	case t.AdminID == "":
		return nil, fmt.Errorf("%w: adminid (the administrator's e-mail) is empty", bsafe.ErrAccessDenied)
	default:
		err = c.LoginPassword(ctx, t.AdminID, t.AdminPassword)
	}
	if err != nil {
		c.Logout()
		return nil, connectorError(err, onLogin)
	}
	return c, nil
}

// proxiedHTTPClient is the options' HTTP client with its transport's
// proxy replaced.
func proxiedHTTPClient(opts []Option, proxy *url.URL) (*http.Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		_ = o(&cfg) // NewConnector recorded the first error; Connect reported it
	}
	hc := *cfg.httpClient
	var tr *http.Transport
	switch rt := hc.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = rt.Clone()
	default:
		return nil, fmt.Errorf("%w: the proxy option needs the HTTP client's Transport to be an *http.Transport, not %T", bsafe.ErrBadInput, rt)
	}
	tr.Proxy = http.ProxyURL(proxy)
	hc.Transport = tr
	return &hc, nil
}

// findTeam finds the team a target names, or code 5 (unknown) or 38
// (several teams have the name).
func findTeam(ctx context.Context, c *Client, nameOrID string) (*Team, error) {
	t, err := c.Team(ctx, nameOrID)
	switch {
	case err == nil:
		return t, nil
	case errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("%w: the administrator is in no team of that name or ID", bsafe.ErrInvalidServer)
	}
	return nil, connectorError(err, onLogin)
}

// ServerInfo reports the server's version (from /api/config) and the
// team, after checking that the session still reads the vault.
func (k *Connector) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	cn, err := k.current()
	if err != nil {
		return bsafe.ServerInfo{}, err
	}
	info, err := cn.client.ServerInfo(ctx)
	if err != nil {
		return bsafe.ServerInfo{}, cn.fail(err, onLogin)
	}
	team, err := findTeam(ctx, cn.client, cn.team.ID)
	if err != nil {
		return bsafe.ServerInfo{}, cn.fail(err, onLogin)
	}
	return bsafe.ServerInfo{Name: "Bravura Safe, team " + team.Name + " (" + team.ID + ")", Version: info.Version}, nil
}

// errContext says what a vault error is about, for what "not found"
// means.
type errContext int

const (
	onItem       errContext = iota // not found: no such account (7)
	onTemplate                     // not found: no such template (8)
	onCollection                   // not found: no such group (12)
	onLogin                        // not found: no vault server there (5)
)

// connectorError maps an error of the vault client to its return code:
// the one place where the connector decides codes. Errors that already
// carry a code of package bsafe (a sentinel or a *bsafe.CodeError) keep
// it. A write whose outcome is unknown is code 1 whatever its cause, so
// that no caller takes it for a clean, retryable failure.
func connectorError(err error, about errContext) error {
	if err == nil {
		return nil
	}
	var ce *bsafe.CodeError
	if errors.As(err, &ce) || bsafe.CodeOf(err) != bsafe.CodeUnknownError && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var code bsafe.Code
	switch {
	case errors.Is(err, ErrOutcomeUnknown):
		code = bsafe.CodeUnknownError
	case errors.Is(err, ErrAmbiguous):
		code = bsafe.CodeInvalidObject
	case errors.Is(err, ErrNotLoggedIn):
		code = bsafe.CodeNotConnected
	case errors.Is(err, context.DeadlineExceeded):
		code = bsafe.CodeTimeout
	case errors.Is(err, ErrRateLimited), errors.Is(err, ErrConflict):
		code = bsafe.CodeTryAgainLater
	case errors.Is(err, ErrWrongPassword), errors.Is(err, ErrInvalidAPIKey), errors.Is(err, ErrUnauthorized),
		errors.Is(err, ErrForbidden), errors.Is(err, ErrTwoFactorRequired), errors.Is(err, ErrNewDevice):
		code = bsafe.CodeAccessDenied
	case about == onLogin && errors.Is(err, ErrInvalidArgument):
		code = bsafe.CodeAccessDenied // a malformed API key client ID, say
	case about == onLogin && (errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotVaultServer) ||
		errors.Is(err, ErrRedirect) || isNetworkError(err)):
		code = bsafe.CodeInvalidServer
	case errors.Is(err, ErrNotFound):
		code = map[errContext]bsafe.Code{onItem: bsafe.CodeInvalidUser, onTemplate: bsafe.CodeInvalidModelUser,
			onCollection: bsafe.CodeInvalidGroup}[about]
	default:
		code = bsafe.CodeUnknownError
	}
	return bsafe.WithCode(code, err)
}

// isNetworkError reports a failure to reach the server at all: a refused
// connection, or what failedBeforeSending knows (a name that does not
// resolve, a certificate refused).
func isNetworkError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) || failedBeforeSending(err)
}
