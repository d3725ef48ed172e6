package bsafetest

import (
	"context"
	"fmt"
	"sync"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/internal/secret"
)

// Connector is an in-memory target system that implements every
// capability interface of package bsafe. New returns one; the zero value
// is an empty target too, but with an empty ServerInfo. All its methods
// are safe for concurrent use.
//
// IDs (of accounts, templates, groups, computers) are compared exactly,
// case included. Listings yield a snapshot taken when the iteration
// starts, so the loop body may call back into the Connector.
type Connector struct {
	mu sync.Mutex

	info         bsafe.ServerInfo
	accounts     map[string]*account
	accountOrder []string // account IDs in the order they were added
	templates    map[string]*account
	groups       map[string]*group
	groupOrder   []string
	computers    []bsafe.Computer
	subscribers  []*subscriber
	customs      []custom

	fault        func(Call) error
	lockoutAfter int
	policy       func(newPW string) bool

	// requireLogin is set by RequireCredentials: operations then need a
	// Connect with these credentials first.
	requireLogin           bool
	adminID, adminPassword string
	connected              bool
	target                 bsafe.Target
	hasTarget              bool
}

// The Connector implements the whole contract; the compiler checks it.
var (
	_ bsafe.TargetConnector       = (*Connector)(nil)
	_ bsafe.Verifier              = (*Connector)(nil)
	_ bsafe.AdminVerifier         = (*Connector)(nil)
	_ bsafe.Changer               = (*Connector)(nil)
	_ bsafe.Resetter              = (*Connector)(nil)
	_ bsafe.ResetExpirer          = (*Connector)(nil)
	_ bsafe.VerifyResetter        = (*Connector)(nil)
	_ bsafe.SubscriberUpdater     = (*Connector)(nil)
	_ bsafe.Enabler               = (*Connector)(nil)
	_ bsafe.Locker                = (*Connector)(nil)
	_ bsafe.PasswordExpirer       = (*Connector)(nil)
	_ bsafe.AccountExpirer        = (*Connector)(nil)
	_ bsafe.UserLister            = (*Connector)(nil)
	_ bsafe.GroupLister           = (*Connector)(nil)
	_ bsafe.MemberLister          = (*Connector)(nil)
	_ bsafe.ComputerLister        = (*Connector)(nil)
	_ bsafe.SubscriberLister      = (*Connector)(nil)
	_ bsafe.TemplateChecker       = (*Connector)(nil)
	_ bsafe.Creator               = (*Connector)(nil)
	_ bsafe.UserGroupsLister      = (*Connector)(nil)
	_ bsafe.Deleter               = (*Connector)(nil)
	_ bsafe.Updater               = (*Connector)(nil)
	_ bsafe.GroupMembershipEditor = (*Connector)(nil)
	_ bsafe.GroupProvisioner      = (*Connector)(nil)
	_ bsafe.UserChecker           = (*Connector)(nil)
	_ bsafe.AttributeLister       = (*Connector)(nil)
	_ bsafe.CustomOperator        = (*Connector)(nil)
)

// New returns an empty target: no accounts, groups, templates, computers,
// subscribers or custom operations, no intruder lockout, a password
// policy that refuses only the empty password, and no login required.
// ServerInfo reports the name "bsafetest" and version "1".
func New() *Connector {
	return &Connector{
		info:      bsafe.ServerInfo{Name: "bsafetest", Version: "1"},
		accounts:  map[string]*account{},
		templates: map[string]*account{},
		groups:    map[string]*group{},
	}
}

// initMaps makes the zero Connector usable; the caller holds the lock.
func (c *Connector) initMaps() {
	if c.accounts == nil {
		c.accounts = map[string]*account{}
	}
	if c.templates == nil {
		c.templates = map[string]*account{}
	}
	if c.groups == nil {
		c.groups = map[string]*group{}
	}
}

// SetServerInfo sets what ServerInfo reports.
func (c *Connector) SetServerInfo(info bsafe.ServerInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.info = info
}

// SetLockout makes n wrong passwords in a row given to Verify lock the
// account, as an intruder lockout does; 0 (the default) never locks.
// AdminVerify and Change never count; a right password, Reset, Change and
// Unlock clear the count.
func (c *Connector) SetLockout(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lockoutAfter = max(n, 0)
}

// SetPasswordPolicy sets which new passwords the target accepts: Reset,
// Change, ResetExpirePassword, VerifyReset, UpdateSubscriber and Create
// refuse a password for which ok returns false with an error matching
// bsafe.ErrInvalidPassword. nil restores the default, which refuses only
// the empty password (the empty password is refused whatever ok says).
// ok runs with the Connector's lock held, so it must not call the
// Connector.
func (c *Connector) SetPasswordPolicy(ok func(newPW string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.policy = ok
}

// RequireCredentials makes the target demand a login: every operation but
// Connect fails with bsafe.ErrNotConnected until Connect is called with a
// Target whose AdminID and AdminPassword are these; Connect with others
// fails with bsafe.ErrAccessDenied and logs the connector out.
func (c *Connector) RequireCredentials(adminID, adminPassword string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requireLogin = true
	c.adminID, c.adminPassword = adminID, adminPassword
	c.connected = false
}

// Connect records t (see Target) and, when RequireCredentials was called,
// checks its admin credentials. Without RequireCredentials every Target is
// accepted.
func (c *Connector) Connect(ctx context.Context, t bsafe.Target) (bsafe.Connector, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.callFault(Call{Op: "connect"}); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.target, c.hasTarget = t, true
	if !c.requireLogin {
		return c, nil
	}
	// Both compared, whatever the first says, so that the time taken does
	// not tell which one was wrong.
	idOK := secret.Equal(t.AdminID, c.adminID)
	pwOK := secret.Equal(t.AdminPassword, c.adminPassword)
	c.connected = idOK && pwOK
	if !c.connected {
		return nil, fmt.Errorf("bsafetest: connect as %q: %w", t.AdminID, bsafe.ErrAccessDenied)
	}
	return c, nil
}

// Target returns the Target of the last Connect call, and whether there
// was one.
func (c *Connector) Target() (bsafe.Target, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.target, c.hasTarget
}

// ServerInfo reports what SetServerInfo set.
func (c *Connector) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	if err := c.enter(ctx, Call{Op: bsafe.OpServerInfo}); err != nil {
		return bsafe.ServerInfo{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.info, nil
}

// Call describes one operation to the function SetFault installs.
type Call struct {
	// Op is the operation; "connect" for Connect.
	Op bsafe.Operation
	// Account is the ID of the account the operation is about, or "".
	Account string
	// Group is the ID of the group the operation is about, or "".
	Group string
	// Applied is false when the operation is about to run and true when
	// a write has taken effect and is about to return.
	Applied bool
}

// SetFault installs f, which sees every operation: once before it runs
// (Applied false) and, for an operation that changes the target, once
// more after the change has taken effect (Applied true). When f returns an
// error the operation returns it: before, nothing changes; after, the
// change stays, as when a target applies a write and its answer is lost.
// Verify and AdminVerify count as changes (they keep the lockout count);
// Custom has the call before only. For a listing f runs when the
// iteration starts, and its error is the only thing yielded. f runs without the Connector's lock held, so it may
// call the Connector. nil removes it.
func (c *Connector) SetFault(f func(Call) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fault = f
}

func (c *Connector) callFault(call Call) error {
	c.mu.Lock()
	f := c.fault
	c.mu.Unlock()
	if f == nil {
		return nil
	}
	return f(call)
}

// enter is the start of every operation: the context, the login and the
// fault before it runs.
func (c *Connector) enter(ctx context.Context, call Call) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	notConnected := c.requireLogin && !c.connected
	c.mu.Unlock()
	if notConnected {
		return fmt.Errorf("bsafetest: %s: %w", call.Op, bsafe.ErrNotConnected)
	}
	return c.callFault(call)
}

// write runs apply under the lock between the two fault calls.
func (c *Connector) write(ctx context.Context, call Call, apply func() error) error {
	if err := c.enter(ctx, call); err != nil {
		return err
	}
	c.mu.Lock()
	err := apply()
	c.mu.Unlock()
	if err != nil {
		return err
	}
	call.Applied = true
	return c.callFault(call)
}

// acceptable applies the password policy; the caller holds the lock.
func (c *Connector) acceptable(op bsafe.Operation, pw string) error {
	if pw == "" || (c.policy != nil && !c.policy(pw)) {
		return fmt.Errorf("bsafetest: %s: %w", op, bsafe.ErrInvalidPassword)
	}
	return nil
}

// errNoAccount is the error for an unknown account ID.
func errNoAccount(op bsafe.Operation, id string) error {
	return fmt.Errorf("bsafetest: %s: account %q: %w", op, id, bsafe.ErrInvalidUser)
}

// errNoGroup is the error for an unknown group ID.
func errNoGroup(op bsafe.Operation, id string) error {
	return fmt.Errorf("bsafetest: %s: group %q: %w", op, id, bsafe.ErrInvalidGroup)
}

// badInput is the error for a request the target cannot run.
func badInput(op bsafe.Operation, format string, args ...any) error {
	return fmt.Errorf("bsafetest: %s: %w: %s", op, bsafe.ErrBadInput, fmt.Sprintf(format, args...))
}
