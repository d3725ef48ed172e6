package bsafetest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/internal/secret"
)

// AccountSpec is an account (or a template) as the target holds it: what
// AddAccount and AddTemplate take and Lookup returns.
//
// Its String, GoString, LogValue and MarshalJSON methods leave the
// password out.
type AccountSpec struct {
	ID       string // the long ID; required
	StableID string // empty means the same as ID
	ShortID  string // empty means the same as ID
	FullName string
	Password string

	Disabled        bool // isenabled reports false
	Locked          bool // islocked reports true
	PasswordExpired bool // ispwexpired reports true
	AccountExpired  bool // isacctexpired reports true

	Attrs attrs.Values
	// Groups are the IDs of the groups the account is a member of; each
	// must have been added with AddGroup.
	Groups []string
}

// String describes the account without its password.
func (s AccountSpec) String() string {
	return fmt.Sprintf("bsafetest.AccountSpec{ID:%q ShortID:%q FullName:%q Disabled:%t Locked:%t PasswordExpired:%t AccountExpired:%t Attrs:%v Groups:%q}",
		s.ID, s.ShortID, s.FullName, s.Disabled, s.Locked, s.PasswordExpired, s.AccountExpired, s.Attrs.Names(), s.Groups)
}

// GoString is String, so that %#v hides the password too.
func (s AccountSpec) GoString() string { return s.String() }

// LogValue logs the account without its password.
func (s AccountSpec) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", s.ID), slog.String("shortid", s.ShortID))
}

// MarshalJSON writes the account without its password.
func (s AccountSpec) MarshalJSON() ([]byte, error) {
	type plain AccountSpec
	p := plain(s)
	p.Password = ""
	return json.Marshal(p)
}

func (s AccountSpec) clone() AccountSpec {
	s.Attrs = s.Attrs.Clone()
	s.Groups = slices.Clone(s.Groups)
	return s
}

// account is one account or template and its intruder-lockout count.
type account struct {
	AccountSpec
	failures int // wrong passwords given to Verify in a row
}

// view is the account as the contract reports it, with the attributes
// named in sel (all when sel is empty).
func (a *account) view(sel []string) bsafe.Account {
	return bsafe.Account{
		StableID: a.StableID,
		LongID:   a.ID,
		ShortID:  a.ShortID,
		FullName: a.FullName,
		Attrs:    a.Attrs.Select(sel),
		Groups:   slices.Clone(a.Groups),
	}
}

func (a *account) inGroup(id string) bool { return slices.Contains(a.Groups, id) }

// AddAccount adds an account. It fails with bsafe.ErrAlreadyExists when
// the ID is taken, bsafe.ErrInvalidGroup when a group is unknown, and
// bsafe.ErrBadInput when the ID is empty.
func (c *Connector) AddAccount(s AccountSpec) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.newAccount("AddAccount", s)
	if err != nil {
		return err
	}
	if _, ok := c.accounts[s.ID]; ok {
		return fmt.Errorf("bsafetest: AddAccount: account %q: %w", s.ID, bsafe.ErrAlreadyExists)
	}
	c.initMaps()
	c.accounts[s.ID] = a
	c.accountOrder = append(c.accountOrder, s.ID)
	return nil
}

// AddTemplate adds a template account, which CheckTemplate reports and
// Create copies. Templates are apart from the accounts: they are not
// listed, verified or checked. It fails as AddAccount does.
func (c *Connector) AddTemplate(s AccountSpec) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.newAccount("AddTemplate", s)
	if err != nil {
		return err
	}
	if _, ok := c.templates[s.ID]; ok {
		return fmt.Errorf("bsafetest: AddTemplate: template %q: %w", s.ID, bsafe.ErrAlreadyExists)
	}
	c.initMaps()
	c.templates[s.ID] = a
	return nil
}

// newAccount checks s and copies it; the caller holds the lock.
func (c *Connector) newAccount(op bsafe.Operation, s AccountSpec) (*account, error) {
	if s.ID == "" {
		return nil, badInput(op, "the account has no ID")
	}
	for _, g := range s.Groups {
		if _, ok := c.groups[g]; !ok {
			return nil, errNoGroup(op, g)
		}
	}
	s = s.clone()
	var groups []string // each once, in the order given
	for _, g := range s.Groups {
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	s.Groups = groups
	if s.ShortID == "" {
		s.ShortID = s.ID
	}
	return &account{AccountSpec: s}, nil
}

// Lookup returns the account with the given ID as the target now holds
// it, password included, and whether it exists.
func (c *Connector) Lookup(id string) (AccountSpec, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.accounts[id]
	if !ok {
		return AccountSpec{}, false
	}
	return a.AccountSpec.clone(), true
}

// account returns the account acct names; the caller holds the lock.
func (c *Connector) account(op bsafe.Operation, acct bsafe.AccountRef) (*account, error) {
	a, ok := c.accounts[acct.ID]
	if !ok {
		return nil, errNoAccount(op, acct.ID)
	}
	return a, nil
}

// Verify reports whether password is the account's password, whatever
// its state (disabled, locked or expired). A wrong password counts towards
// the lockout SetLockout sets.
func (c *Connector) Verify(ctx context.Context, acct bsafe.AccountRef, password string) (bool, error) {
	return c.verify(ctx, bsafe.OpVerify, acct, password, true)
}

// AdminVerify is Verify without counting a wrong password.
func (c *Connector) AdminVerify(ctx context.Context, acct bsafe.AccountRef, password string) (bool, error) {
	return c.verify(ctx, bsafe.OpAdminVerify, acct, password, false)
}

func (c *Connector) verify(ctx context.Context, op bsafe.Operation, acct bsafe.AccountRef, password string, count bool) (bool, error) {
	var ok bool
	// A verify changes the lockout count, so it is a write to the faults.
	err := c.write(ctx, Call{Op: op, Account: acct.ID}, func() error {
		a, err := c.account(op, acct)
		if err != nil {
			return err
		}
		ok = secret.Equal(password, a.Password)
		switch {
		case ok:
			a.failures = 0
		case count && c.lockoutAfter > 0:
			a.failures++
			if a.failures >= c.lockoutAfter {
				a.Locked = true
			}
		}
		return nil
	})
	return ok && err == nil, err
}

// Change sets newPW when oldPW is the password (else it fails with
// bsafe.ErrVerifyFailed), and clears the lockout and the password's
// expiry.
func (c *Connector) Change(ctx context.Context, acct bsafe.AccountRef, oldPW, newPW string) error {
	return c.write(ctx, Call{Op: bsafe.OpChange, Account: acct.ID}, func() error {
		a, err := c.account(bsafe.OpChange, acct)
		if err != nil {
			return err
		}
		if !secret.Equal(oldPW, a.Password) {
			return fmt.Errorf("bsafetest: change: account %q: %w", acct.ID, bsafe.ErrVerifyFailed)
		}
		return c.setPassword(bsafe.OpChange, a, newPW, false)
	})
}

// setPassword sets pw after the policy allows it, unlocks the account and
// sets the password's expiry; the caller holds the lock.
func (c *Connector) setPassword(op bsafe.Operation, a *account, pw string, expired bool) error {
	if err := c.acceptable(op, pw); err != nil {
		return err
	}
	a.Password = pw
	a.Locked, a.failures = false, 0
	a.PasswordExpired = expired
	return nil
}

// Reset sets newPW, clears the lockout and the password's expiry, and
// leaves a disabled account disabled.
func (c *Connector) Reset(ctx context.Context, acct bsafe.AccountRef, newPW string) error {
	return c.reset(ctx, bsafe.OpReset, acct, newPW, false)
}

// ResetExpirePassword is Reset, then expires the new password.
func (c *Connector) ResetExpirePassword(ctx context.Context, acct bsafe.AccountRef, newPW string) error {
	return c.reset(ctx, bsafe.OpResetExpirePW, acct, newPW, true)
}

func (c *Connector) reset(ctx context.Context, op bsafe.Operation, acct bsafe.AccountRef, newPW string, expired bool) error {
	return c.write(ctx, Call{Op: op, Account: acct.ID}, func() error {
		a, err := c.account(op, acct)
		if err != nil {
			return err
		}
		return c.setPassword(op, a, newPW, expired)
	})
}

// VerifyReset does nothing when newPW is the password, and is Reset
// otherwise.
func (c *Connector) VerifyReset(ctx context.Context, acct bsafe.AccountRef, newPW string) error {
	return c.write(ctx, Call{Op: bsafe.OpVerifyReset, Account: acct.ID}, func() error {
		a, err := c.account(bsafe.OpVerifyReset, acct)
		if err != nil {
			return err
		}
		if secret.Equal(newPW, a.Password) {
			return nil
		}
		return c.setPassword(bsafe.OpVerifyReset, a, newPW, false)
	})
}

// flag is one of the account's state flags, for the three families of
// is/set/clear operations.
type flag func(*account) *bool

var (
	disabledFlag   flag = func(a *account) *bool { return &a.Disabled }
	lockedFlag     flag = func(a *account) *bool { return &a.Locked }
	pwExpiredFlag  flag = func(a *account) *bool { return &a.PasswordExpired }
	accExpiredFlag flag = func(a *account) *bool { return &a.AccountExpired }
)

func (c *Connector) isFlag(ctx context.Context, op bsafe.Operation, acct bsafe.AccountRef, f flag) (bool, error) {
	if err := c.enter(ctx, Call{Op: op, Account: acct.ID}); err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.account(op, acct)
	if err != nil {
		return false, err
	}
	return *f(a), nil
}

// setFlag sets the flag to v; setting it to the value it has succeeds.
func (c *Connector) setFlag(ctx context.Context, op bsafe.Operation, acct bsafe.AccountRef, f flag, v bool) error {
	return c.write(ctx, Call{Op: op, Account: acct.ID}, func() error {
		a, err := c.account(op, acct)
		if err != nil {
			return err
		}
		*f(a) = v
		if op == bsafe.OpUnlock {
			a.failures = 0
		}
		return nil
	})
}

// IsEnabled reports whether the account is enabled.
func (c *Connector) IsEnabled(ctx context.Context, acct bsafe.AccountRef) (bool, error) {
	disabled, err := c.isFlag(ctx, bsafe.OpIsEnabled, acct, disabledFlag)
	return !disabled && err == nil, err
}

// Enable enables the account; an enabled account stays so.
func (c *Connector) Enable(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpEnable, acct, disabledFlag, false)
}

// Disable disables the account; a disabled account stays so.
func (c *Connector) Disable(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpDisable, acct, disabledFlag, true)
}

// IsLocked reports whether the account is locked out.
func (c *Connector) IsLocked(ctx context.Context, acct bsafe.AccountRef) (bool, error) {
	return c.isFlag(ctx, bsafe.OpIsLocked, acct, lockedFlag)
}

// Lock locks the account out.
func (c *Connector) Lock(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpLock, acct, lockedFlag, true)
}

// Unlock clears the lockout and the count of wrong passwords.
func (c *Connector) Unlock(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpUnlock, acct, lockedFlag, false)
}

// IsPasswordExpired reports whether the account's password has expired.
func (c *Connector) IsPasswordExpired(ctx context.Context, acct bsafe.AccountRef) (bool, error) {
	return c.isFlag(ctx, bsafe.OpIsPWExpired, acct, pwExpiredFlag)
}

// ExpirePassword expires the account's password.
func (c *Connector) ExpirePassword(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpExpirePW, acct, pwExpiredFlag, true)
}

// UnexpirePassword clears the password's expiry.
func (c *Connector) UnexpirePassword(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpUnexpirePW, acct, pwExpiredFlag, false)
}

// IsAccountExpired reports whether the account has expired.
func (c *Connector) IsAccountExpired(ctx context.Context, acct bsafe.AccountRef) (bool, error) {
	return c.isFlag(ctx, bsafe.OpIsAcctExpired, acct, accExpiredFlag)
}

// ExpireAccount expires the account.
func (c *Connector) ExpireAccount(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpExpireAcct, acct, accExpiredFlag, true)
}

// UnexpireAccount clears the account's expiry.
func (c *Connector) UnexpireAccount(ctx context.Context, acct bsafe.AccountRef) error {
	return c.setFlag(ctx, bsafe.OpUnexpireAcct, acct, accExpiredFlag, false)
}
