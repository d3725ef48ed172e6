package bsafe_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/bsafetest"
)

// The fixture's passwords are canaries: no violation may repeat them.
const (
	kitPassword    = "sensitive-kit-old-password"
	kitNewPassword = "sensitive-kit-new-password"
)

// kitTarget returns the reference target seeded with what kitFixture
// names: an account in no group, a group, a template, a subscriber.
func kitTarget(t *testing.T) *bsafetest.Connector {
	t.Helper()
	c := bsafetest.New()
	for _, err := range []error{
		c.AddGroup(bsafe.Group{LongID: "g-staff", ShortID: "staff"}),
		c.AddGroup(bsafe.Group{LongID: "g-admins", ShortID: "admins"}),
		c.AddAccount(bsafetest.AccountSpec{ID: "u-alice", ShortID: "alice", FullName: "Alice", Password: kitPassword,
			Attrs: attrs.New("department", "sales", "title", "clerk")}),
		c.AddAccount(bsafetest.AccountSpec{ID: "u-carol", ShortID: "carol", Password: "other", Groups: []string{"g-admins"}}),
		c.AddTemplate(bsafetest.AccountSpec{ID: "template", ShortID: "tpl", Attrs: attrs.New("home", "/home/tpl"), Groups: []string{"g-admins"}}),
		c.AddSubscriber(bsafe.Subscriber{URI: `host1\backup`, ResourceType: bsafe.TaskSubscribers, LongID: "u-alice"}, kitPassword),
		c.AddComputer(bsafe.Computer{ID: "pc-1", Name: "pc one", ResourceType: bsafe.Workstations}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func kitFixture() bsafe.Fixture {
	return bsafe.Fixture{
		Account:     bsafe.AccountRef{ID: "u-alice"},
		Password:    kitPassword,
		NewPassword: kitNewPassword,
		Template:    "template",
		NewAccount:  bsafe.AccountRef{ID: "u-bob", ShortID: "bob", FullName: "Bob"},
		Group:       "g-staff",
		NewGroup:    bsafe.GroupRequest{ID: "g-new", Name: "new"},
		Attribute:   "department",
		Subscriber:  bsafe.SubscriberRef{ResourceType: bsafe.TaskSubscribers, URI: `host1\backup`},
	}
}

// violations runs the kit and returns its violations, failing the test
// when the error is not a *ConformanceError or repeats a password.
func violations(t *testing.T, c bsafe.Connector, f bsafe.Fixture) []string {
	t.Helper()
	err := bsafe.TestConnector(context.Background(), c, f)
	if err == nil {
		return nil
	}
	var ce *bsafe.ConformanceError
	if !errors.As(err, &ce) {
		t.Fatalf("TestConnector returned %T, want *bsafe.ConformanceError: %v", err, err)
	}
	if strings.Contains(err.Error(), "sensitive-") {
		t.Errorf("the kit's error repeats a password:\n%v", err)
	}
	if len(ce.Violations) == 0 {
		t.Errorf("a ConformanceError without violations")
	}
	return ce.Violations
}

// wantViolation fails unless one violation starts with prefix and
// contains each of the fragments.
func wantViolation(t *testing.T, vs []string, prefix string, fragments ...string) {
	t.Helper()
	for _, v := range vs {
		if !strings.HasPrefix(v, prefix) {
			continue
		}
		if !slices.ContainsFunc(fragments, func(f string) bool { return !strings.Contains(v, f) }) {
			return
		}
	}
	t.Errorf("no violation starts with %q and contains %q; got:\n%s", prefix, fragments, strings.Join(vs, "\n"))
}

func TestConnectorPassesReference(t *testing.T) {
	c := kitTarget(t)
	if vs := violations(t, c, kitFixture()); vs != nil {
		t.Fatalf("the reference target fails the kit:\n%s", strings.Join(vs, "\n"))
	}
	// The kit put back what it changed, and removed what it made.
	a, ok := c.Lookup("u-alice")
	if !ok {
		t.Fatal("the fixture's account is gone")
	}
	if a.Password != kitPassword || a.Disabled || a.Locked || a.PasswordExpired || a.AccountExpired ||
		a.Attrs.Get("department") != "sales" || len(a.Groups) != 0 {
		t.Errorf("the kit left the account as %v (password restored: %t)", a, a.Password == kitPassword)
	}
	if _, ok := c.Lookup("u-bob"); ok {
		t.Error("the kit left the account it created")
	}
	for g, err := range c.ListGroups(context.Background()) {
		if err != nil || g.LongID == "g-new" {
			t.Errorf("after the kit: group %q, error %v", g.LongID, err)
		}
	}
	if pw, _ := c.SubscriberPassword(bsafe.TaskSubscribers, `host1\backup`); pw != kitPassword {
		t.Error("the kit left the subscriber with another password")
	}
}

// The kit ends in the states it found, also when they are not the
// defaults; a wrong password that locks the account is undone too.
func TestConnectorRestoresStates(t *testing.T) {
	c := bsafetest.New()
	c.SetLockout(1)
	for _, err := range []error{
		c.AddGroup(bsafe.Group{LongID: "g-staff"}),
		c.AddAccount(bsafetest.AccountSpec{ID: "u-alice", Password: kitPassword,
			Disabled: true, PasswordExpired: true, AccountExpired: true, Attrs: attrs.New("department", "sales")}),
		c.AddSubscriber(bsafe.Subscriber{URI: "svc", ResourceType: bsafe.ServiceSubscribers}, kitPassword),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	f := kitFixture()
	f.Template = ""
	f.Subscriber = bsafe.SubscriberRef{ResourceType: bsafe.ServiceSubscribers, URI: "svc"}
	// No template: create without one, which the reference allows, but it
	// is a TemplateChecker, so the kit reports the missing field.
	vs := violations(t, c, f)
	if len(vs) != 1 {
		t.Fatalf("want only the missing template, got:\n%s", strings.Join(vs, "\n"))
	}
	wantViolation(t, vs, "checktemplate: ", "Fixture.Template")
	a, _ := c.Lookup("u-alice")
	if a.Password != kitPassword || !a.Disabled || a.Locked || !a.PasswordExpired || !a.AccountExpired {
		t.Errorf("the kit left the account as %v (password restored: %t)", a, a.Password == kitPassword)
	}
}

func TestConnectorServerInfoOnly(t *testing.T) {
	if vs := violations(t, serverInfoOnly{}, bsafe.Fixture{}); vs != nil {
		t.Fatalf("a connector with nothing but ServerInfo fails the kit:\n%s", strings.Join(vs, "\n"))
	}
	if vs := violations(t, failingServerInfo{}, bsafe.Fixture{}); len(vs) != 1 {
		t.Fatalf("a failing ServerInfo: got %q, want one violation", vs)
	} else {
		wantViolation(t, vs, "serverinfo: ", "ServerInfo failed", "ACTimeout")
	}
}

type serverInfoOnly struct{}

func (serverInfoOnly) ServerInfo(context.Context) (bsafe.ServerInfo, error) {
	return bsafe.ServerInfo{Name: "x"}, nil
}

type failingServerInfo struct{}

func (failingServerInfo) ServerInfo(context.Context) (bsafe.ServerInfo, error) {
	return bsafe.ServerInfo{}, bsafe.ErrTimeout
}

// Half of a family: the connector supports none of it, and the kit says
// which method is missing from which family.
func TestConnectorHalfAFamily(t *testing.T) {
	ref := kitTarget(t)
	for _, tc := range []struct {
		c    bsafe.Connector
		want []string
	}{
		{halfEnabler{ref}, []string{"Enabler: ", "has Enable, IsEnabled but not Disable", "isenabled, enable and disable"}},
		{halfLocker{ref}, []string{"Locker: ", "has Unlock but not IsLocked, Lock"}},
		{halfPWExpirer{ref}, []string{"PasswordExpirer: ", "has IsPasswordExpired but not ExpirePassword, UnexpirePassword"}},
		{halfAcctExpirer{ref}, []string{"AccountExpirer: ", "has ExpireAccount, UnexpireAccount but not IsAccountExpired"}},
		{halfGroupEditor{ref}, []string{"GroupMembershipEditor: ", "has AddToGroup but not RemoveFromGroup"}},
		{halfProvisioner{ref}, []string{"GroupProvisioner: ", "has DeleteGroup but not CreateGroup"}},
		{halfCustom{ref}, []string{"CustomOperator: ", "has CustomOperations but not Custom"}},
	} {
		t.Run(fmt.Sprintf("%T", tc.c), func(t *testing.T) {
			vs := violations(t, tc.c, kitFixture())
			if len(vs) != 1 {
				t.Errorf("want one violation, got:\n%s", strings.Join(vs, "\n"))
			}
			wantViolation(t, vs, tc.want[0], tc.want[1:]...)
		})
	}
}

type halfEnabler struct{ r *bsafetest.Connector }

func (h halfEnabler) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return h.r.ServerInfo(ctx)
}
func (h halfEnabler) IsEnabled(ctx context.Context, a bsafe.AccountRef) (bool, error) {
	return h.r.IsEnabled(ctx, a)
}
func (h halfEnabler) Enable(ctx context.Context, a bsafe.AccountRef) error { return h.r.Enable(ctx, a) }

type halfLocker struct{ r *bsafetest.Connector }

func (h halfLocker) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return h.r.ServerInfo(ctx)
}
func (h halfLocker) Unlock(ctx context.Context, a bsafe.AccountRef) error { return h.r.Unlock(ctx, a) }

type halfPWExpirer struct{ r *bsafetest.Connector }

func (h halfPWExpirer) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return h.r.ServerInfo(ctx)
}
func (h halfPWExpirer) IsPasswordExpired(ctx context.Context, a bsafe.AccountRef) (bool, error) {
	return h.r.IsPasswordExpired(ctx, a)
}

type halfAcctExpirer struct{ r *bsafetest.Connector }

func (h halfAcctExpirer) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return h.r.ServerInfo(ctx)
}
func (h halfAcctExpirer) ExpireAccount(ctx context.Context, a bsafe.AccountRef) error {
	return h.r.ExpireAccount(ctx, a)
}
func (h halfAcctExpirer) UnexpireAccount(ctx context.Context, a bsafe.AccountRef) error {
	return h.r.UnexpireAccount(ctx, a)
}

type halfGroupEditor struct{ r *bsafetest.Connector }

func (h halfGroupEditor) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return h.r.ServerInfo(ctx)
}
func (h halfGroupEditor) AddToGroup(ctx context.Context, a bsafe.AccountRef, g string) error {
	return h.r.AddToGroup(ctx, a, g)
}

type halfProvisioner struct{ r *bsafetest.Connector }

func (h halfProvisioner) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return h.r.ServerInfo(ctx)
}
func (h halfProvisioner) DeleteGroup(ctx context.Context, g string) error {
	return h.r.DeleteGroup(ctx, g)
}

type halfCustom struct{ r *bsafetest.Connector }

func (h halfCustom) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return h.r.ServerInfo(ctx)
}
func (h halfCustom) CustomOperations() []bsafe.CustomOperation { return h.r.CustomOperations() }

// Each broken connector is the reference with one method changed; the
// kit names what is wrong with it.
func TestConnectorBrokenFakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    func(*bsafetest.Connector) bsafe.Connector
		want []string // the violation's prefix, then fragments of it
	}{
		{"listing without SHORTID", func(r *bsafetest.Connector) bsafe.Connector { return noShortID{r} },
			[]string{"listusers: ", `row 1 (LongID "u-alice") has an empty ShortID`}},
		{"reset that does not take", func(r *bsafetest.Connector) bsafe.Connector { return resetNoTake{r} },
			[]string{"reset: ", "Reset reported success, but AdminVerify says the new password is not the account's password: the reset did not take"}},
		{"verify true for any password", func(r *bsafetest.Connector) bsafe.Connector { return verifyAnything{r} },
			[]string{"verify: ", "Verify says true for a wrong password"}},
		{"enable not idempotent", func(r *bsafetest.Connector) bsafe.Connector { return enableOnce{r} },
			[]string{"enable: ", "Enable of an account that is enabled already failed", "must succeed"}},
		{"groupuseradd not reporting 13", func(r *bsafetest.Connector) bsafe.Connector { return addTwice{r} },
			[]string{"groupuseradd: ", "AddToGroup of a member succeeded; want ACUserAlreadyGroupMember (13)"}},
		{"unknown account not 7", func(r *bsafetest.Connector) bsafe.Connector { return unknownIsOne{r} },
			[]string{"checkuser: ", "CheckUser of an unknown account: got ACUnknownError (1)", "want ACInvalidUser (7)"}},
		{"claims but not supported", func(r *bsafetest.Connector) bsafe.Connector { return lockNotSupported{r} },
			[]string{"lock: ", "Lock returned ACOperationNotSupported, but the connector claims lock"}},
		{"change ignoring the old password", func(r *bsafetest.Connector) bsafe.Connector { return changeAnyOld{r} },
			[]string{"change: ", "Change from a wrong old password succeeded; want ACVerifyFailed (14)"}},
		{"verifyreset resetting the current password", func(r *bsafetest.Connector) bsafe.Connector { return verifyResetAlways{r} },
			[]string{"verifyreset: ", "VerifyReset to the current password reset it (it cleared the lockout)"}},
		{"reset keeping the lockout", func(r *bsafetest.Connector) bsafe.Connector { return resetKeepsLock{r} },
			[]string{"reset: ", "Reset left the account locked; it must clear the lockout"}},
		{"password in a failure", func(r *bsafetest.Connector) bsafe.Connector { return resetFailsLeaking{r} },
			[]string{"reset: ", "the error of Reset to Fixture.NewPassword repeats a password the kit passed"}},
		{"reset enabling", func(r *bsafetest.Connector) bsafe.Connector { return resetEnables{r} },
			[]string{"reset: ", "Reset enabled a disabled account"}},
		{"create ignoring an unknown template", func(r *bsafetest.Connector) bsafe.Connector { return createAnyTemplate{r} },
			[]string{"create: ", "Create from an unknown template succeeded; want ACInvalidModelUser (8)"}},
		{"delete that does not take", func(r *bsafetest.Connector) bsafe.Connector { return deleteNoTake{r} },
			[]string{"delete: ", "CheckUser of the deleted account succeeded; want ACInvalidUser (7)"}},
		{"narrowing ignored", func(r *bsafetest.Connector) bsafe.Connector { return listAllAttrs{r} },
			[]string{"listusers: ", `ListUsers narrowed to attribute "department"`, `has attribute "title", which was not asked for`}},
		{"update that does not take", func(r *bsafetest.Connector) bsafe.Connector { return updateNoTake{r} },
			[]string{"update: ", `Update of attribute "department" to "bsafe-kit-`, "reported success, but the account then has"}},
		{"groupcreate of an existing group", func(r *bsafetest.Connector) bsafe.Connector { return createGroupTwice{r} },
			[]string{"groupcreate: ", "CreateGroup of a group that exists succeeded; want ACObjectAlreadyExists (6)"}},
		{"listing that goes on after break", func(r *bsafetest.Connector) bsafe.Connector { return groupsIgnoreBreak{r} },
			[]string{"listgroups: ", "ListGroups panicked when the caller stopped after the first row"}},
		{"panicking method", func(r *bsafetest.Connector) bsafe.Connector { return panicsOnUserGroups{r} },
			[]string{"usergroups: ", "panicked: boom"}},
		{"wrong signature", func(r *bsafetest.Connector) bsafe.Connector { return stringDelete{r} },
			[]string{"Deleter: ", "the connector's Delete is func(context.Context, string) error, not func(context.Context, bsafe.AccountRef) error"}},
		{"password in an error", func(r *bsafetest.Connector) bsafe.Connector { return verifyLeaks{r} },
			[]string{"verify: ", `Verify of a wrong password: got ACUnknownError (1)`, "[password]"}},
		{"password in an error of the right code", func(r *bsafetest.Connector) bsafe.Connector { return changeLeaks{r} },
			[]string{"change: ", "the error of Change from a wrong old password repeats a password the kit passed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := violations(t, tc.c(kitTarget(t)), kitFixture())
			wantViolation(t, vs, tc.want[0], tc.want[1:]...)
		})
	}
}

type noShortID struct{ *bsafetest.Connector }

func (n noShortID) ListUsers(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	return func(yield func(bsafe.Account, error) bool) {
		for a, err := range n.Connector.ListUsers(ctx, o) {
			a.ShortID = ""
			if !yield(a, err) {
				return
			}
		}
	}
}

type resetNoTake struct{ *bsafetest.Connector }

func (resetNoTake) Reset(context.Context, bsafe.AccountRef, string) error { return nil }

type verifyAnything struct{ *bsafetest.Connector }

func (verifyAnything) Verify(context.Context, bsafe.AccountRef, string) (bool, error) {
	return true, nil
}

type enableOnce struct{ *bsafetest.Connector }

func (e enableOnce) Enable(ctx context.Context, a bsafe.AccountRef) error {
	if on, err := e.IsEnabled(ctx, a); err == nil && on {
		return errors.New("the account is enabled already")
	}
	return e.Connector.Enable(ctx, a)
}

type addTwice struct{ *bsafetest.Connector }

func (x addTwice) AddToGroup(ctx context.Context, a bsafe.AccountRef, g string) error {
	if err := x.Connector.AddToGroup(ctx, a, g); !errors.Is(err, bsafe.ErrUserAlreadyInGroup) {
		return err
	}
	return nil
}

type unknownIsOne struct{ *bsafetest.Connector }

func (u unknownIsOne) CheckUser(ctx context.Context, a bsafe.AccountRef) (bsafe.Account, error) {
	acc, err := u.Connector.CheckUser(ctx, a)
	if errors.Is(err, bsafe.ErrInvalidUser) {
		return acc, errors.New("no such user")
	}
	return acc, err
}

type lockNotSupported struct{ *bsafetest.Connector }

func (lockNotSupported) Lock(context.Context, bsafe.AccountRef) error { return bsafe.ErrNotSupported }

type changeAnyOld struct{ *bsafetest.Connector }

func (c changeAnyOld) Change(ctx context.Context, a bsafe.AccountRef, _, newPW string) error {
	return c.Reset(ctx, a, newPW)
}

type verifyResetAlways struct{ *bsafetest.Connector }

func (v verifyResetAlways) VerifyReset(ctx context.Context, a bsafe.AccountRef, pw string) error {
	return v.Reset(ctx, a, pw)
}

type resetKeepsLock struct{ *bsafetest.Connector }

func (r resetKeepsLock) Reset(ctx context.Context, a bsafe.AccountRef, pw string) error {
	locked, err := r.IsLocked(ctx, a)
	if err != nil {
		return err
	}
	if err := r.Connector.Reset(ctx, a, pw); err != nil || !locked {
		return err
	}
	return r.Lock(ctx, a)
}

type resetFailsLeaking struct{ *bsafetest.Connector }

func (resetFailsLeaking) Reset(_ context.Context, _ bsafe.AccountRef, pw string) error {
	return fmt.Errorf("the target refused %s", pw)
}

type resetEnables struct{ *bsafetest.Connector }

func (r resetEnables) Reset(ctx context.Context, a bsafe.AccountRef, pw string) error {
	if err := r.Connector.Reset(ctx, a, pw); err != nil {
		return err
	}
	return r.Enable(ctx, a)
}

type createAnyTemplate struct{ *bsafetest.Connector }

func (c createAnyTemplate) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	if _, err := c.CheckTemplate(ctx, req.TemplateID); err != nil {
		req.TemplateID = ""
	}
	return c.Connector.Create(ctx, req)
}

type deleteNoTake struct{ *bsafetest.Connector }

func (d deleteNoTake) Delete(ctx context.Context, a bsafe.AccountRef) error {
	_, err := d.CheckUser(ctx, a)
	return err
}

type listAllAttrs struct{ *bsafetest.Connector }

func (l listAllAttrs) ListUsers(ctx context.Context, _ bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	return l.Connector.ListUsers(ctx, bsafe.ListOptions{})
}

type updateNoTake struct{ *bsafetest.Connector }

func (u updateNoTake) Update(ctx context.Context, a bsafe.AccountRef, in bsafe.Instructions) (bsafe.Account, error) {
	acc, err := u.CheckUser(ctx, a)
	if err != nil {
		return acc, err
	}
	for _, ins := range in.Attrs {
		acc.Attrs.Set(ins.Name, ins.Values...)
	}
	return acc, nil
}

type createGroupTwice struct{ *bsafetest.Connector }

func (c createGroupTwice) CreateGroup(ctx context.Context, req bsafe.GroupRequest) (bsafe.Group, error) {
	g, err := c.Connector.CreateGroup(ctx, req)
	if errors.Is(err, bsafe.ErrAlreadyExists) {
		return bsafe.Group{LongID: req.ID}, nil
	}
	return g, err
}

type groupsIgnoreBreak struct{ *bsafetest.Connector }

func (g groupsIgnoreBreak) ListGroups(ctx context.Context) iter.Seq2[bsafe.Group, error] {
	return func(yield func(bsafe.Group, error) bool) {
		for row, err := range g.Connector.ListGroups(ctx) {
			yield(row, err) // ignores false, as a careless iterator does
		}
	}
}

type panicsOnUserGroups struct{ *bsafetest.Connector }

func (panicsOnUserGroups) UserGroups(context.Context, bsafe.AccountRef) iter.Seq2[string, error] {
	panic("boom")
}

type stringDelete struct{ *bsafetest.Connector }

// Delete hides the reference's Delete with a signature that is not
// Deleter's.
func (stringDelete) Delete(context.Context, string) error { return nil }

type verifyLeaks struct{ *bsafetest.Connector }

func (v verifyLeaks) Verify(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
	ok, err := v.Connector.Verify(ctx, a, pw)
	if err == nil && !ok {
		return false, fmt.Errorf("password %q is wrong", pw)
	}
	return ok, err
}

type changeLeaks struct{ *bsafetest.Connector }

func (c changeLeaks) Change(ctx context.Context, a bsafe.AccountRef, oldPW, newPW string) error {
	err := c.Connector.Change(ctx, a, oldPW, newPW)
	if errors.Is(err, bsafe.ErrVerifyFailed) {
		return fmt.Errorf("old password %s: %w", oldPW, err)
	}
	return err
}

// Two broken things, two violations: the kit does not stop at the first.
func TestConnectorListsAllViolations(t *testing.T) {
	vs := violations(t, twoBroken{noShortID{kitTarget(t)}}, kitFixture())
	wantViolation(t, vs, "listusers: ", "has an empty ShortID")
	wantViolation(t, vs, "reset: ", "the reset did not take")
	err := bsafe.TestConnector(context.Background(), twoBroken{noShortID{kitTarget(t)}}, kitFixture())
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(vs)+1 || !strings.Contains(lines[0], fmt.Sprintf("found %d contract violation", len(vs))) {
		t.Errorf("Error() is not a header and one line per violation:\n%v", err)
	}
}

type twoBroken struct{ noShortID }

func (twoBroken) Reset(context.Context, bsafe.AccountRef, string) error { return nil }

// An empty fixture: every claimed operation names the field it lacks.
func TestConnectorFixtureIncomplete(t *testing.T) {
	vs := violations(t, kitTarget(t), bsafe.Fixture{})
	for _, w := range [][2]string{
		{"verify: ", "Fixture.Account.ID"}, {"verify: ", "Fixture.Password"},
		{"reset: ", "Fixture.NewPassword"}, {"listgroups: ", "Fixture.Group"},
		{"checktemplate: ", "Fixture.Template"}, {"create: ", "Fixture.NewAccount.ID"},
		{"groupcreate: ", "Fixture.NewGroup.ID"}, {"update: ", "Fixture.Attribute"},
		{"updatesubscriber: ", "Fixture.Subscriber.URI"}, {"updatesubscriber: ", "Fixture.Subscriber.ResourceType"},
		{"enable: ", "Fixture.Account.ID"}, {"groupuseradd: ", "Fixture.Group"},
	} {
		wantViolation(t, vs, w[0], "the connector claims", "the fixture has no "+w[1])
	}
}

func TestConnectorFixtureContradictions(t *testing.T) {
	f := kitFixture()
	f.NewPassword = f.Password
	f.NewAccount = f.Account
	f.NewGroup.ID = f.Group
	vs := violations(t, serverInfoOnly{}, f)
	wantViolation(t, vs, "fixture: ", "NewPassword is Password")
	wantViolation(t, vs, "fixture: ", "NewAccount is Account")
	wantViolation(t, vs, "fixture: ", "NewGroup is Group")

	// A fixture whose group holds the account already is reported too.
	c := kitTarget(t)
	if err := c.AddToGroup(context.Background(), f.Account, "g-admins"); err != nil {
		t.Fatal(err)
	}
	f = kitFixture()
	f.Group = "g-admins"
	vs = violations(t, c, f)
	wantViolation(t, vs, "fixture: ", `Account "u-alice" is a member of Group "g-admins" (ListMembers lists it)`)
	wantViolation(t, vs, "fixture: ", `Account "u-alice" is a member of Group "g-admins" (UserGroups lists it)`)
}

func TestConnectorNilAndCancelled(t *testing.T) {
	err := bsafe.TestConnector(context.Background(), nil, bsafe.Fixture{})
	if err == nil || !strings.Contains(err.Error(), "the connector is nil") {
		t.Errorf("nil connector: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = bsafe.TestConnector(ctx, kitTarget(t), kitFixture())
	var ce *bsafe.ConformanceError
	if !errors.As(err, &ce) || !strings.HasPrefix(ce.Violations[len(ce.Violations)-1], "kit: stopped before ") {
		t.Errorf("cancelled context: %v", err)
	}
}

// The kit does not call Connect: a connector that needs it fails unless
// the caller connected it.
func TestConnectorLeavesConnectToCaller(t *testing.T) {
	c := kitTarget(t)
	c.RequireCredentials("admin", "sensitive-admin-pw")
	wantViolation(t, violations(t, c, kitFixture()), "serverinfo: ", "ACNotConnected")
	if _, err := c.Connect(context.Background(), bsafe.Target{AdminID: "admin", AdminPassword: "sensitive-admin-pw"}); err != nil {
		t.Fatal(err)
	}
	if vs := violations(t, c, kitFixture()); vs != nil {
		t.Errorf("connected: %s", strings.Join(vs, "\n"))
	}
}

func TestConformanceErrorFormat(t *testing.T) {
	e := &bsafe.ConformanceError{Violations: []string{"verify: a", "reset: b"}}
	want := "bsafe: TestConnector found 2 contract violation(s):\nverify: a\nreset: b"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

// A connector with only Verify and Reset: the kit needs only the fixture
// fields they use, and observes a reset through Verify.
func TestConnectorVerifyAndResetOnly(t *testing.T) {
	f := bsafe.Fixture{Account: bsafe.AccountRef{ID: "u-alice"}, Password: kitPassword, NewPassword: kitNewPassword}
	if vs := violations(t, verifyReset{kitTarget(t), true}, f); vs != nil {
		t.Fatalf("a right Verify and Reset fail the kit:\n%s", strings.Join(vs, "\n"))
	}
	vs := violations(t, verifyReset{kitTarget(t), false}, f)
	wantViolation(t, vs, "reset: ", "Reset reported success, but Verify says the new password is not the account's password")
	// A fixture with more than the connector needs is fine.
	if vs := violations(t, serverInfoOnly{}, kitFixture()); vs != nil {
		t.Errorf("a full fixture with a ServerInfo-only connector: %q", vs)
	}
}

type verifyReset struct {
	r     *bsafetest.Connector
	takes bool
}

func (v verifyReset) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	return v.r.ServerInfo(ctx)
}

func (v verifyReset) Verify(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
	return v.r.Verify(ctx, a, pw)
}

func (v verifyReset) Reset(ctx context.Context, a bsafe.AccountRef, pw string) error {
	if !v.takes {
		_, err := v.r.CheckUser(ctx, a)
		return err
	}
	return v.r.Reset(ctx, a, pw)
}

// A listing's row violations are capped, with one line saying there are
// more.
func TestConnectorCapsRowViolations(t *testing.T) {
	r := kitTarget(t)
	for i := range 20 {
		if err := r.AddAccount(bsafetest.AccountSpec{ID: fmt.Sprint("u-", i)}); err != nil {
			t.Fatal(err)
		}
	}
	vs := violations(t, noShortID{r}, kitFixture())
	rows, more := 0, 0
	for _, v := range vs {
		switch {
		case strings.HasPrefix(v, "listusers: row ") && strings.HasSuffix(v, "has an empty ShortID"):
			rows++
		case strings.HasPrefix(v, "listusers: more rows like that (no ShortID)"):
			more++
		}
	}
	if rows != 5 || more != 1 {
		t.Errorf("22 rows without ShortID: %d row violations and %d summaries, want 5 and 1:\n%s", rows, more, strings.Join(vs, "\n"))
	}
}

// A connector that chooses the new account's long ID itself (as the Safe
// vault does: the item ID) passes: the kit follows the long ID Create
// reports.
func TestConnectorFollowsCreatedLongID(t *testing.T) {
	if vs := violations(t, generatedIDs{kitTarget(t)}, kitFixture()); vs != nil {
		t.Fatalf("a connector with its own long IDs fails the kit:\n%s", strings.Join(vs, "\n"))
	}
	// And one that reports a long ID other than the account's is caught.
	vs := violations(t, wrongCreatedID{kitTarget(t)}, kitFixture())
	wantViolation(t, vs, "create: ", `CheckUser of the created account`, `"bsafe-kit-nowhere"`)
}

type generatedIDs struct{ *bsafetest.Connector }

func (g generatedIDs) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	req.Account.ID = "gen-" + req.Account.ID
	return g.Connector.Create(ctx, req)
}

type wrongCreatedID struct{ *bsafetest.Connector }

func (w wrongCreatedID) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	a, err := w.Connector.Create(ctx, req)
	if err == nil {
		a.LongID = "bsafe-kit-nowhere"
	}
	return a, err
}
