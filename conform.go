package bsafe

import (
	"context"
	"crypto/rand"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe/attrs"
)

// ConformanceError is what TestConnector returns when a connector breaks
// the contract: every violation it found, each one line that starts with
// the operation (or the family, or "fixture") it is about, such as
// "reset: Reset reported success, but …".
type ConformanceError struct {
	Violations []string
}

// Error lists the violations, one per line after a header line.
func (e *ConformanceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bsafe: TestConnector found %d contract violation(s):", len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n")
		b.WriteString(v)
	}
	return b.String()
}

// TestConnector exercises every operation c claims (see Supported)
// against the target f describes, and checks what the connector contract
// says of it. It returns nil, or a *ConformanceError listing every
// violation it found. It does not stop at the first one, nor import
// package testing: call it from a test, in the manner of
// testing/fstest.TestFS:
//
//	if err := bsafe.TestConnector(ctx, c, fixture); err != nil {
//		t.Fatal(err)
//	}
//
// When the connector is a TargetConnector, pass TestConnector the
// Connector its Connect returned for the test target: the kit never calls
// Connect. The kit changes the target (it resets, enables
// and disables, locks, expires, updates, creates and deletes), so point f
// at a test system; it puts back what it changed on f.Account (password,
// states, attribute) where the connector lets it, and deletes what it
// created. An operation c claims whose fixture field is empty is a
// violation that names the field, never a silent skip.
//
// What it checks:
//   - families: a connector with some but not all methods of a family's
//     interface (Enabler, Locker, PasswordExpirer, AccountExpirer,
//     GroupMembershipEditor, GroupProvisioner, CustomOperator) runs none of
//     it; and a method named as a capability's method, taking a
//     context.Context, but with another signature, implements nothing;
//   - serverinfo succeeds, no claimed operation reports ErrNotSupported,
//     and no error repeats a password the kit passed (violations never
//     do either: the kit scrubs its passwords from them);
//   - verify and adminverify: the right password is true, a wrong one is
//     false or ErrVerifyFailed, an unknown account ErrInvalidUser (7);
//   - reset, resetexpirepw, change and verifyreset take: afterwards the
//     new password verifies and the old one does not (observed through
//     AdminVerify or Verify, where c has one), change refuses a wrong old
//     password with ErrVerifyFailed (14), verifyreset with the current
//     password changes nothing; reset leaves a disabled account disabled
//     and clears a lockout;
//   - the four state families: each setter succeeds twice in a row (it
//     is idempotent), the getter reflects it, unknown accounts are 7;
//   - listings yield rows with their required IDs, unique, including the
//     fixture's account and group; listattributes narrowing adds nothing
//     that was not asked for; stopping a listing early is safe;
//   - checkuser, userattributes and checktemplate report the fixture's
//     objects consistently, and 7 or 8 for unknown ones;
//   - create (after checktemplate, from f.Template): the account appears,
//     has the password, creating it again is ErrAlreadyExists (6), an
//     unknown template is ErrInvalidModelUser (8), and after delete it is
//     gone (7);
//   - update sets f.Attribute and checkuser reads it back; create sets it
//     too (ActionValue);
//   - groupuseradd/groupuserdelete and groupcreate/groupdelete, with the
//     codes of their godoc (13, 9, 12, 6).
//
// What the kit cannot observe it does not claim to check: whether a
// password change took, on a connector with neither Verify nor
// AdminVerify; whether AdminVerify counts towards a lockout (the
// target's threshold is unknown); computers and subscribers beyond their
// IDs, URIs and resource types (no rows is not reported there, as a test
// target may have none); what UpdateSubscriber did, beyond its success.
// Custom operations are checked in their declarations only; the kit does
// not run them, as it cannot know what they do. A panic in c is reported
// as a violation of the operation that panicked.
func TestConnector(ctx context.Context, c Connector, f Fixture) error {
	if c == nil {
		return &ConformanceError{Violations: []string{"kit: the connector is nil"}}
	}
	k := newKit(ctx, c, f)
	k.checkFixture()
	k.checkFamilies()
	k.checkSignatures()
	k.run()
	if len(k.violations) == 0 {
		return nil
	}
	return &ConformanceError{Violations: k.violations}
}

// kit is one run of TestConnector.
type kit struct {
	ctx    context.Context
	c      Connector
	f      Fixture
	claims map[Operation]bool

	// Names the target does not have, and a password that is not the
	// account's, all fresh for each run.
	wrongPW    string
	noAccount  AccountRef
	noGroup    string
	noTemplate string
	kitValue   string // the attribute value update and create set

	secrets    []string // scrubbed from every violation
	violations []string
	counts     map[string]int // violations per repeated kind, to cap them
}

// rowViolationCap is how many violations of one kind a listing reports
// before it summarises the rest.
const rowViolationCap = 5

func newKit(ctx context.Context, c Connector, f Fixture) *kit {
	suffix := rand.Text()
	k := &kit{
		ctx: ctx, c: c, f: f,
		claims:     map[Operation]bool{},
		wrongPW:    "bsafe-kit-wrong-" + suffix,
		noAccount:  AccountRef{ID: "bsafe-kit-no-such-account-" + suffix},
		noGroup:    "bsafe-kit-no-such-group-" + suffix,
		noTemplate: "bsafe-kit-no-such-template-" + suffix,
		kitValue:   "bsafe-kit-" + suffix,
		counts:     map[string]int{},
	}
	for _, op := range Supported(c) {
		k.claims[op] = true
	}
	for _, s := range []string{f.Password, f.NewPassword, k.wrongPW} {
		if s != "" {
			k.secrets = append(k.secrets, s)
		}
	}
	return k
}

// fail records a violation about where (an operation, a family or
// "fixture"), with every password scrubbed from it.
func (k *kit) fail(where, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, s := range k.secrets {
		msg = strings.ReplaceAll(msg, s, "[password]")
	}
	k.violations = append(k.violations, fmt.Sprint(where, ": ", msg))
}

// failCapped is fail for violations that can repeat for every row: after
// rowViolationCap of one kind it notes once that there are more.
func (k *kit) failCapped(where, kind, format string, args ...any) {
	key := where + "\x00" + kind
	k.counts[key]++
	switch n := k.counts[key]; {
	case n <= rowViolationCap:
		k.fail(where, format, args...)
	case n == rowViolationCap+1:
		k.fail(where, "more rows like that (%s); the kit reports the first %d", kind, rowViolationCap)
	}
}

// describe is an error with its code, for violations.
func describe(err error) string {
	c := CodeOf(err)
	return fmt.Sprintf("%s (%d): %v", c, c, err)
}

// leaks records a violation when err repeats a password the kit passed
// to the connector: no error may carry a secret, expected ones included.
func (k *kit) leaks(op Operation, what string, err error) {
	if err == nil {
		return
	}
	msg := err.Error()
	for _, s := range k.secrets {
		if strings.Contains(msg, s) {
			k.fail(string(op), "the error of %s repeats a password the kit passed; an error must never carry one", what)
			return
		}
	}
}

// ok reports whether err is nil, and records a violation when it is not.
func (k *kit) ok(op Operation, what string, err error) bool {
	if err == nil {
		return true
	}
	k.leaks(op, what, err)
	if CodeOf(err) == CodeOperationNotSupported {
		k.fail(string(op), "%s returned %s, but the connector claims %s (it implements its interface): %v",
			what, CodeOperationNotSupported, op, err)
		return false
	}
	k.fail(string(op), "%s failed: %s", what, describe(err))
	return false
}

// wantCode records a violation unless err maps to want.
func (k *kit) wantCode(op Operation, what string, err error, want Code) {
	got := CodeOf(err)
	if got != CodeOperationNotSupported {
		k.leaks(op, what, err) // else ok does
	}
	switch {
	case got == want:
	case err == nil:
		k.fail(string(op), "%s succeeded; want %s (%d)", what, want, want)
	case got == CodeOperationNotSupported:
		k.ok(op, what, err)
	default:
		k.fail(string(op), "%s: got %s; want %s (%d)", what, describe(err), want, want)
	}
}

// field is one fixture field an operation needs.
type field struct {
	name  string
	empty bool
}

func (k *kit) account() field  { return field{"Fixture.Account.ID", k.f.Account.ID == ""} }
func (k *kit) password() field { return field{"Fixture.Password", k.f.Password == ""} }
func (k *kit) newPW() field    { return field{"Fixture.NewPassword", k.f.NewPassword == ""} }
func (k *kit) group() field    { return field{"Fixture.Group", k.f.Group == ""} }

// need records a violation for each empty field op needs, and reports
// whether there was none.
func (k *kit) need(op Operation, fields ...field) bool {
	all := true
	for _, fl := range fields {
		if fl.empty {
			k.fail(string(op), "the connector claims %s, but the fixture has no %s, which the kit needs to check it", op, fl.name)
			all = false
		}
	}
	return all
}

// checkFixture reports a fixture that contradicts itself.
func (k *kit) checkFixture() {
	f := k.f
	if f.Password != "" && f.Password == f.NewPassword {
		k.fail("fixture", "NewPassword is Password; it must be another password")
	}
	if f.Account.ID != "" && f.Account.ID == f.NewAccount.ID {
		k.fail("fixture", "NewAccount is Account; it must name an account that does not exist")
	}
	if f.Group != "" && f.Group == f.NewGroup.ID {
		k.fail("fixture", "NewGroup is Group; it must name a group that does not exist")
	}
}

// families are the interfaces with more than one method, which a
// connector implements all of or none of.
var families = []struct {
	name  string
	ops   string
	iface reflect.Type
}{
	{"Enabler", "isenabled, enable and disable", reflect.TypeFor[Enabler]()},
	{"Locker", "islocked, lock and unlock", reflect.TypeFor[Locker]()},
	{"PasswordExpirer", "ispwexpired, expirepw and unexpirepw", reflect.TypeFor[PasswordExpirer]()},
	{"AccountExpirer", "isacctexpired, expireacct and unexpireacct", reflect.TypeFor[AccountExpirer]()},
	{"GroupMembershipEditor", "groupuseradd and groupuserdelete", reflect.TypeFor[GroupMembershipEditor]()},
	{"GroupProvisioner", "groupcreate and groupdelete", reflect.TypeFor[GroupProvisioner]()},
	{"CustomOperator", "custom operations (CustomOperations declares, Custom runs)", reflect.TypeFor[CustomOperator]()},
}

// capabilityInterfaces are every interface of the contract, for the
// signature check.
var capabilityInterfaces = []reflect.Type{
	reflect.TypeFor[TargetConnector](), reflect.TypeFor[Verifier](), reflect.TypeFor[AdminVerifier](),
	reflect.TypeFor[Changer](), reflect.TypeFor[Resetter](), reflect.TypeFor[ResetExpirer](),
	reflect.TypeFor[VerifyResetter](), reflect.TypeFor[SubscriberUpdater](), reflect.TypeFor[Enabler](),
	reflect.TypeFor[Locker](), reflect.TypeFor[PasswordExpirer](), reflect.TypeFor[AccountExpirer](),
	reflect.TypeFor[UserLister](), reflect.TypeFor[GroupLister](), reflect.TypeFor[MemberLister](),
	reflect.TypeFor[ComputerLister](), reflect.TypeFor[SubscriberLister](), reflect.TypeFor[TemplateChecker](),
	reflect.TypeFor[Creator](), reflect.TypeFor[UserGroupsLister](), reflect.TypeFor[Deleter](),
	reflect.TypeFor[Updater](), reflect.TypeFor[GroupMembershipEditor](), reflect.TypeFor[GroupProvisioner](),
	reflect.TypeFor[UserChecker](), reflect.TypeFor[AttributeLister](), reflect.TypeFor[CustomOperator](),
	reflect.TypeFor[GroupAddAttributer](),
}

// hasMethod reports whether c has the interface method m, with its
// signature.
func hasMethod(c Connector, m reflect.Method) bool {
	v := reflect.ValueOf(c).MethodByName(m.Name)
	return v.IsValid() && v.Type() == m.Type
}

// checkFamilies reports a family of which c has some methods but not all:
// Dispatch runs none of it, which is not what its author meant.
func (k *kit) checkFamilies() {
	for _, fam := range families {
		var has, missing []string
		for i := range fam.iface.NumMethod() {
			m := fam.iface.Method(i)
			if m.Name == "ServerInfo" {
				continue
			}
			if hasMethod(k.c, m) {
				has = append(has, m.Name)
			} else {
				missing = append(missing, m.Name)
			}
		}
		if len(has) > 0 && len(missing) > 0 {
			k.fail(fam.name, "the connector has %s but not %s: %s are all or nothing (one interface, %s), so it supports none of them",
				strings.Join(has, ", "), strings.Join(missing, ", "), fam.ops, fam.name)
		}
	}
}

var contextType = reflect.TypeFor[context.Context]()

// checkSignatures reports a method that has a capability method's name
// and takes a context, but not its signature: the connector then does not
// implement the capability, and almost surely meant to.
func (k *kit) checkSignatures() {
	t := reflect.TypeOf(k.c)
	seen := map[string]bool{}
	for _, iface := range capabilityInterfaces {
		for i := range iface.NumMethod() {
			m := iface.Method(i)
			if seen[m.Name] {
				continue
			}
			seen[m.Name] = true
			got, ok := t.MethodByName(m.Name)
			if !ok || hasMethod(k.c, m) {
				continue
			}
			// got.Type has the receiver first.
			if got.Type.NumIn() < 2 || got.Type.In(1) != contextType {
				continue
			}
			bound := reflect.ValueOf(k.c).MethodByName(m.Name).Type()
			k.fail(iface.Name(), "the connector's %s is %s, not %s, so it does not implement %s",
				m.Name, bound, m.Type, iface.Name())
		}
	}
}

// run runs the check of every claimed operation, in an order that keeps
// the fixture's account usable: reads first, then password changes, the
// state families, attribute and group changes, and create last.
func (k *kit) run() {
	steps := []struct {
		op    Operation
		check func()
	}{
		{OpServerInfo, k.checkServerInfo},
		{OpVerify, k.checkVerify},
		{OpAdminVerify, k.checkAdminVerify},
		{OpCheckUser, k.checkCheckUser},
		{OpUserAttributes, k.checkUserAttributes},
		{OpListUsers, k.checkListUsers},
		{OpListGroups, k.checkListGroups},
		{OpListMembers, k.checkListMembers},
		{OpUserGroups, k.checkUserGroups},
		{OpCheckTemplate, k.checkCheckTemplate},
		{OpListComputers, k.checkListComputers},
		{OpListSubscribers, k.checkListSubscribers},
		{OpCustom, k.checkCustomDeclarations},
		{OpReset, k.checkReset},
		{OpResetExpirePW, k.checkResetExpire},
		{OpChange, k.checkChange},
		{OpVerifyReset, k.checkVerifyReset},
		{OpUpdateSubscriber, k.checkUpdateSubscriber},
		{OpEnable, k.checkEnabler},
		{OpLock, k.checkLocker},
		{OpExpirePW, k.checkPasswordExpirer},
		{OpExpireAcct, k.checkAccountExpirer},
		{OpUpdate, k.checkUpdate},
		{OpGroupUserAdd, k.checkGroupMembership},
		{OpGroupCreate, k.checkGroupProvisioning},
		{OpCreate, k.checkCreate},
		{OpDelete, k.checkDeleteUnknown},
	}
	restoreStates := func() {}
	k.guard("kit", func() { restoreStates = k.rememberStates() })
	defer k.guard("kit", func() { restoreStates() })
	for _, s := range steps {
		if !k.claims[s.op] {
			continue
		}
		if err := k.ctx.Err(); err != nil {
			k.fail("kit", "stopped before %s: the context ended: %v", s.op, err)
			return
		}
		k.guard(s.op, s.check)
		if s.op == OpVerify {
			// Its wrong passwords may have locked the account, and a target
			// may refuse even the right password of a locked account.
			k.guard("kit", restoreStates)
		}
	}
}

// guard runs check, and records a panic in it as a violation of op.
func (k *kit) guard(op Operation, check func()) {
	defer func() {
		if r := recover(); r != nil {
			k.fail(string(op), "panicked: %v", r)
		}
	}()
	check()
}

// rememberStates notes the states of the fixture's account (enabled,
// locked, password and account expiry) that c can read, and returns what
// puts them back: the password checks may change them (a wrong password
// may lock the account, a reset may clear the password's expiry).
func (k *kit) rememberStates() func() {
	if k.f.Account.ID == "" {
		return func() {}
	}
	var restores []func()
	remember := func(t trio) {
		initial, err := t.is(k.ctx, k.f.Account)
		if err != nil {
			return // the family's check reports it
		}
		restores = append(restores, func() {
			now, err := t.is(k.ctx, k.f.Account)
			switch {
			case err != nil || now == initial:
			case initial:
				k.ok(t.onOp, t.onName+", to put the account's state back", t.on(k.ctx, k.f.Account))
			default:
				k.ok(t.offOp, t.offName+", to put the account's state back", t.off(k.ctx, k.f.Account))
			}
		})
	}
	for _, t := range k.trios() {
		remember(t)
	}
	return func() {
		for _, r := range restores {
			r()
		}
	}
}

// trios returns the state families c implements.
func (k *kit) trios() []trio {
	var ts []trio
	if e, ok := k.c.(Enabler); ok {
		ts = append(ts, trio{e.IsEnabled, e.Enable, e.Disable, OpIsEnabled, OpEnable, OpDisable,
			"IsEnabled", "Enable", "Disable", "enabled", "disabled"})
	}
	if l, ok := k.c.(Locker); ok {
		ts = append(ts, trio{l.IsLocked, l.Lock, l.Unlock, OpIsLocked, OpLock, OpUnlock,
			"IsLocked", "Lock", "Unlock", "locked", "unlocked"})
	}
	if p, ok := k.c.(PasswordExpirer); ok {
		ts = append(ts, trio{p.IsPasswordExpired, p.ExpirePassword, p.UnexpirePassword, OpIsPWExpired, OpExpirePW, OpUnexpirePW,
			"IsPasswordExpired", "ExpirePassword", "UnexpirePassword", "password-expired", "password-unexpired"})
	}
	if a, ok := k.c.(AccountExpirer); ok {
		ts = append(ts, trio{a.IsAccountExpired, a.ExpireAccount, a.UnexpireAccount, OpIsAcctExpired, OpExpireAcct, OpUnexpireAcct,
			"IsAccountExpired", "ExpireAccount", "UnexpireAccount", "expired", "unexpired"})
	}
	return ts
}

func (k *kit) checkServerInfo() {
	_, err := k.c.ServerInfo(k.ctx)
	k.ok(OpServerInfo, "ServerInfo", err)
}

func (k *kit) checkVerify() {
	v := k.c.(Verifier)
	k.checkVerifyFunc(OpVerify, "Verify", v.Verify)
}

func (k *kit) checkAdminVerify() {
	// Without an AdminVerifier, Dispatch runs adminverify as verify, which
	// checkVerify covers.
	if v, ok := k.c.(AdminVerifier); ok {
		k.checkVerifyFunc(OpAdminVerify, "AdminVerify", v.AdminVerify)
	}
}

type verifyFunc func(context.Context, AccountRef, string) (bool, error)

func (k *kit) checkVerifyFunc(op Operation, name string, verify verifyFunc) {
	if !k.need(op, k.account(), k.password()) {
		return
	}
	ok, err := verify(k.ctx, k.f.Account, k.f.Password)
	if k.ok(op, name+" of the right password", err) && !ok {
		k.fail(string(op), "%s says false for the account's password (Fixture.Password)", name)
	}
	ok, err = verify(k.ctx, k.f.Account, k.wrongPW)
	if CodeOf(err) != CodeOperationNotSupported {
		k.leaks(op, name+" of a wrong password", err)
	}
	switch {
	case err == nil && ok:
		k.fail(string(op), "%s says true for a wrong password", name)
	case err != nil && CodeOf(err) == CodeOperationNotSupported:
		k.ok(op, name+" of a wrong password", err)
	case err != nil && CodeOf(err) != CodeVerifyFailed:
		k.fail(string(op), "%s of a wrong password: got %s; want false, or %s (%d)", name, describe(err), CodeVerifyFailed, CodeVerifyFailed)
	}
	_, err = verify(k.ctx, k.noAccount, k.f.Password)
	k.wantCode(op, name+" of an unknown account", err, CodeInvalidUser)
}

// observer returns how the kit reads whether a password is the
// account's: AdminVerify where c has it (it counts no lockout), else
// Verify, else nil.
func (k *kit) observer() (string, verifyFunc) {
	if v, ok := k.c.(AdminVerifier); ok {
		return "AdminVerify", v.AdminVerify
	}
	if v, ok := k.c.(Verifier); ok {
		return "Verify", v.Verify
	}
	return "", nil
}

// expectPassword checks, where the kit can observe it, that cur is the
// password of acct and old is not, after what (an operation's call)
// reported success.
func (k *kit) expectPassword(op Operation, what string, acct AccountRef, cur, old string) {
	name, verify := k.observer()
	if verify == nil {
		return
	}
	ok, err := verify(k.ctx, acct, cur)
	switch {
	case err != nil:
		k.fail(string(op), "after %s, %s of the new password failed: %s", what, name, describe(err))
	case !ok:
		k.fail(string(op), "%s reported success, but %s says the new password is not the account's password: the %s did not take", what, name, op)
	}
	if old == "" {
		return
	}
	ok, err = verify(k.ctx, acct, old)
	switch {
	case err != nil && CodeOf(err) != CodeVerifyFailed:
		k.fail(string(op), "after %s, %s of the old password failed: %s", what, name, describe(err))
	case err == nil && ok:
		k.fail(string(op), "after %s, %s says the old password is still the account's password", what, name)
	}
}

func (k *kit) checkReset() {
	r := k.c.(Resetter)
	if !k.need(OpReset, k.account(), k.password(), k.newPW()) {
		return
	}
	acct := k.f.Account
	if k.ok(OpReset, "Reset to Fixture.NewPassword", r.Reset(k.ctx, acct, k.f.NewPassword)) {
		k.expectPassword(OpReset, "Reset", acct, k.f.NewPassword, k.f.Password)
		if k.ok(OpReset, "Reset back to Fixture.Password", r.Reset(k.ctx, acct, k.f.Password)) {
			k.expectPassword(OpReset, "Reset back to Fixture.Password", acct, k.f.Password, k.f.NewPassword)
		}
	}
	k.wantCode(OpReset, "Reset of an unknown account", r.Reset(k.ctx, k.noAccount, k.f.NewPassword), CodeInvalidUser)
}

// putPassword sets the account's password back to Fixture.Password after
// a check that left it at Fixture.NewPassword, with what c has.
func (k *kit) putPassword(op Operation) {
	acct := k.f.Account
	switch c := k.c.(type) {
	case Resetter:
		k.ok(op, "Reset back to Fixture.Password", c.Reset(k.ctx, acct, k.f.Password))
	case Changer:
		k.ok(op, "Change back to Fixture.Password", c.Change(k.ctx, acct, k.f.NewPassword, k.f.Password))
	case ResetExpirer:
		k.ok(op, "ResetExpirePassword back to Fixture.Password", c.ResetExpirePassword(k.ctx, acct, k.f.Password))
	}
}

func (k *kit) checkResetExpire() {
	r := k.c.(ResetExpirer)
	if !k.need(OpResetExpirePW, k.account(), k.password(), k.newPW()) {
		return
	}
	acct := k.f.Account
	pe, hasExpiry := k.c.(PasswordExpirer)
	var wasExpired bool
	if hasExpiry {
		var err error
		if wasExpired, err = pe.IsPasswordExpired(k.ctx, acct); !k.ok(OpResetExpirePW, "IsPasswordExpired, before", err) {
			hasExpiry = false
		}
	}
	if k.ok(OpResetExpirePW, "ResetExpirePassword to Fixture.NewPassword", r.ResetExpirePassword(k.ctx, acct, k.f.NewPassword)) {
		k.expectPassword(OpResetExpirePW, "ResetExpirePassword", acct, k.f.NewPassword, k.f.Password)
		if hasExpiry {
			expired, err := pe.IsPasswordExpired(k.ctx, acct)
			if k.ok(OpResetExpirePW, "IsPasswordExpired after ResetExpirePassword", err) && !expired {
				k.fail(string(OpResetExpirePW), "ResetExpirePassword reported success, but IsPasswordExpired says the new password has not expired")
			}
		}
		k.putPassword(OpResetExpirePW)
		if hasExpiry && !wasExpired {
			k.ok(OpResetExpirePW, "UnexpirePassword, to put the expiry back", pe.UnexpirePassword(k.ctx, acct))
		}
	}
	k.wantCode(OpResetExpirePW, "ResetExpirePassword of an unknown account",
		r.ResetExpirePassword(k.ctx, k.noAccount, k.f.NewPassword), CodeInvalidUser)
}

func (k *kit) checkChange() {
	ch := k.c.(Changer)
	if !k.need(OpChange, k.account(), k.password(), k.newPW()) {
		return
	}
	acct := k.f.Account
	if k.ok(OpChange, "Change from Fixture.Password to Fixture.NewPassword", ch.Change(k.ctx, acct, k.f.Password, k.f.NewPassword)) {
		k.expectPassword(OpChange, "Change", acct, k.f.NewPassword, k.f.Password)
		err := ch.Change(k.ctx, acct, k.wrongPW, k.f.Password)
		k.wantCode(OpChange, "Change from a wrong old password", err, CodeVerifyFailed)
		if err != nil { // else the wrong change has put Fixture.Password back already
			if k.ok(OpChange, "Change back to Fixture.Password", ch.Change(k.ctx, acct, k.f.NewPassword, k.f.Password)) {
				k.expectPassword(OpChange, "Change back to Fixture.Password", acct, k.f.Password, k.f.NewPassword)
			}
		}
	}
	k.wantCode(OpChange, "Change of an unknown account", ch.Change(k.ctx, k.noAccount, k.f.Password, k.f.NewPassword), CodeInvalidUser)
}

func (k *kit) checkVerifyReset() {
	// Without a VerifyResetter, Dispatch runs verifyreset through its
	// fallbacks, made of operations the kit checks on their own.
	vr, ok := k.c.(VerifyResetter)
	if !ok || !k.need(OpVerifyReset, k.account(), k.password(), k.newPW()) {
		return
	}
	acct := k.f.Account
	// With the current password it does nothing: where c has a lockout,
	// a lockout set before is still set after (a reset would clear it).
	l, locks := k.c.(Locker)
	locks = locks && l.Lock(k.ctx, acct) == nil // checkLocker reports a failing Lock
	if k.ok(OpVerifyReset, "VerifyReset to the current password", vr.VerifyReset(k.ctx, acct, k.f.Password)) {
		if locks {
			if locked, err := l.IsLocked(k.ctx, acct); err == nil && !locked {
				k.fail(string(OpVerifyReset), "VerifyReset to the current password reset it (it cleared the lockout); it must do nothing")
			}
		}
		k.expectPassword(OpVerifyReset, "VerifyReset to the current password", acct, k.f.Password, "")
	}
	if locks {
		k.ok(OpUnlock, "Unlock, after the VerifyReset check", l.Unlock(k.ctx, acct))
	}
	if k.ok(OpVerifyReset, "VerifyReset to Fixture.NewPassword", vr.VerifyReset(k.ctx, acct, k.f.NewPassword)) {
		k.expectPassword(OpVerifyReset, "VerifyReset to Fixture.NewPassword", acct, k.f.NewPassword, k.f.Password)
		if k.ok(OpVerifyReset, "VerifyReset back to Fixture.Password", vr.VerifyReset(k.ctx, acct, k.f.Password)) {
			k.expectPassword(OpVerifyReset, "VerifyReset back to Fixture.Password", acct, k.f.Password, k.f.NewPassword)
		}
	}
	k.wantCode(OpVerifyReset, "VerifyReset of an unknown account", vr.VerifyReset(k.ctx, k.noAccount, k.f.NewPassword), CodeInvalidUser)
}

func (k *kit) checkUpdateSubscriber() {
	su := k.c.(SubscriberUpdater)
	sub := field{"Fixture.Subscriber.URI", k.f.Subscriber.URI == ""}
	rt := field{"Fixture.Subscriber.ResourceType", k.f.Subscriber.ResourceType == ""}
	if !k.need(OpUpdateSubscriber, sub, rt, k.account(), k.password(), k.newPW()) {
		return
	}
	if k.ok(OpUpdateSubscriber, "UpdateSubscriber to Fixture.NewPassword", su.UpdateSubscriber(k.ctx, k.f.Subscriber, k.f.Account, k.f.NewPassword)) {
		k.ok(OpUpdateSubscriber, "UpdateSubscriber back to Fixture.Password", su.UpdateSubscriber(k.ctx, k.f.Subscriber, k.f.Account, k.f.Password))
	}
	unknown := SubscriberRef{ResourceType: k.f.Subscriber.ResourceType, URI: k.noGroup}
	if err := su.UpdateSubscriber(k.ctx, unknown, k.f.Account, k.f.NewPassword); err == nil {
		k.fail(string(OpUpdateSubscriber), "UpdateSubscriber of an unknown subscriber URI succeeded")
	}
}

// trio is one of the four state families: a getter, and the setter (on)
// and clearer (off) that make it report true and false.
type trio struct {
	is           func(context.Context, AccountRef) (bool, error)
	on, off      func(context.Context, AccountRef) error
	isOp         Operation
	onOp, offOp  Operation
	isName       string
	onName       string
	offName      string
	stateWhenOn  string
	stateWhenOff string
}

// checkStates runs checkTrio for one family, found by its setter's
// operation.
func (k *kit) checkStates(op Operation) {
	for _, t := range k.trios() {
		if t.onOp == op {
			k.checkTrio(t)
		}
	}
}

func (k *kit) checkEnabler() {
	k.checkStates(OpEnable)
	k.checkResetKeepsDisabled(k.c.(Enabler))
}

func (k *kit) checkLocker() {
	k.checkStates(OpLock)
	k.checkResetUnlocks(k.c.(Locker))
}

func (k *kit) checkPasswordExpirer() { k.checkStates(OpExpirePW) }

func (k *kit) checkAccountExpirer() { k.checkStates(OpExpireAcct) }

// checkTrio moves the account to the state it is not in and back, each
// setter twice (the second call finds the account in that state already,
// and must succeed), reading the state after each pair; it ends in the
// state it found.
func (k *kit) checkTrio(t trio) {
	if !k.need(t.onOp, k.account()) {
		return
	}
	acct := k.f.Account
	initial, err := t.is(k.ctx, acct)
	if k.ok(t.isOp, t.isName, err) {
		type move struct {
			op    Operation
			name  string
			set   func(context.Context, AccountRef) error
			want  bool
			state string
		}
		on := move{t.onOp, t.onName, t.on, true, t.stateWhenOn}
		off := move{t.offOp, t.offName, t.off, false, t.stateWhenOff}
		moves := []move{on, off}
		if initial == on.want {
			moves = []move{off, on}
		}
		for _, m := range moves {
			if !k.ok(m.op, m.name, m.set(k.ctx, acct)) {
				break
			}
			if err := m.set(k.ctx, acct); err != nil {
				if CodeOf(err) == CodeOperationNotSupported {
					k.ok(m.op, m.name+" again", err)
					break
				}
				k.leaks(m.op, m.name+" again", err)
				k.fail(string(m.op), "%s of an account that is %s already failed: %s; it must succeed when the account is in that state",
					m.name, m.state, describe(err))
				break
			}
			got, err := t.is(k.ctx, acct)
			if !k.ok(t.isOp, t.isName+" after "+m.name, err) {
				break
			}
			if got != m.want {
				k.fail(string(m.op), "%s reported success, but %s then says %t", m.name, t.isName, got)
				break
			}
		}
	}
	_, err = t.is(k.ctx, k.noAccount)
	k.wantCode(t.isOp, t.isName+" of an unknown account", err, CodeInvalidUser)
	k.wantCode(t.onOp, t.onName+" of an unknown account", t.on(k.ctx, k.noAccount), CodeInvalidUser)
	k.wantCode(t.offOp, t.offName+" of an unknown account", t.off(k.ctx, k.noAccount), CodeInvalidUser)
}

// checkResetKeepsDisabled: a reset leaves a disabled account disabled.
func (k *kit) checkResetKeepsDisabled(e Enabler) {
	r, ok := k.c.(Resetter)
	if !ok || k.f.Account.ID == "" || k.f.Password == "" || k.f.NewPassword == "" {
		return // checkReset reports the missing fields
	}
	acct := k.f.Account
	enabled, err := e.IsEnabled(k.ctx, acct)
	if err != nil || (enabled && e.Disable(k.ctx, acct) != nil) {
		return // checkEnabler reports it
	}
	// A target that cannot reset a disabled account may refuse with code
	// 29: the account stays disabled, with its password.
	if err := r.Reset(k.ctx, acct, k.f.NewPassword); CodeOf(err) != CodeAccountDisabled && k.ok(OpReset, "Reset of a disabled account", err) {
		if now, err := e.IsEnabled(k.ctx, acct); k.ok(OpIsEnabled, "IsEnabled after Reset", err) && now {
			k.fail(string(OpReset), "Reset enabled a disabled account; it must leave it disabled")
		}
		k.putPassword(OpReset)
	}
	if enabled {
		k.ok(OpEnable, "Enable, to put the account's state back", e.Enable(k.ctx, acct))
	} else {
		k.ok(OpDisable, "Disable, to put the account's state back", e.Disable(k.ctx, acct))
	}
}

// checkResetUnlocks: a reset clears the lockout.
func (k *kit) checkResetUnlocks(l Locker) {
	r, ok := k.c.(Resetter)
	if !ok || k.f.Account.ID == "" || k.f.Password == "" || k.f.NewPassword == "" {
		return
	}
	acct := k.f.Account
	locked, err := l.IsLocked(k.ctx, acct)
	if err != nil || l.Lock(k.ctx, acct) != nil {
		return // checkLocker reports it
	}
	if k.ok(OpReset, "Reset of a locked account", r.Reset(k.ctx, acct, k.f.NewPassword)) {
		if now, err := l.IsLocked(k.ctx, acct); k.ok(OpIsLocked, "IsLocked after Reset", err) && now {
			k.fail(string(OpReset), "Reset left the account locked; it must clear the lockout")
		}
		k.putPassword(OpReset)
	}
	if locked {
		k.ok(OpLock, "Lock, to put the account's state back", l.Lock(k.ctx, acct))
	} else {
		k.ok(OpUnlock, "Unlock, to put the account's state back", l.Unlock(k.ctx, acct))
	}
}

// collect runs a listing: it calls row for each row (with its 1-based
// number) and reports whether the listing ended without an error. A
// failing or nil listing is a violation.
func collect[T any](k *kit, op Operation, what string, seq iter.Seq2[T, error], row func(int, T)) bool {
	if seq == nil {
		k.fail(string(op), "%s returned a nil sequence", what)
		return false
	}
	n := 0
	for v, err := range seq {
		if err != nil {
			k.ok(op, fmt.Sprintf("%s (after %d rows)", what, n), err)
			return false
		}
		n++
		row(n, v)
	}
	return true
}

// firstError runs a listing to its end or its first error, which it
// returns.
func firstError[T any](seq iter.Seq2[T, error]) error {
	if seq == nil {
		return nil
	}
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// stopEarly checks that a listing can be left after its first row: an
// iterator that goes on yielding panics in the range loop, which guard
// would report as a panic of op.
func stopEarly[T any](k *kit, op Operation, what string, seq iter.Seq2[T, error]) {
	if seq == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			k.fail(string(op), "%s panicked when the caller stopped after the first row: %v", what, r)
		}
	}()
	for range seq {
		break
	}
}

// uniqueIDs tracks the IDs a listing yields, to report a repeated one.
type uniqueIDs map[string]int

func (u uniqueIDs) repeat(id string, row int) (first int, repeated bool) {
	if first, ok := u[id]; ok {
		return first, true
	}
	u[id] = row
	return 0, false
}

func (k *kit) checkListUsers() {
	ul := k.c.(UserLister)
	if !k.need(OpListUsers, k.account()) {
		return
	}
	var mine *Account
	ids := uniqueIDs{}
	rows := 0
	done := collect(k, OpListUsers, "ListUsers", ul.ListUsers(k.ctx, ListOptions{}), func(n int, a Account) {
		rows = n
		k.checkAccountRow(OpListUsers, n, a, ids)
		if a.LongID == k.f.Account.ID && mine == nil {
			mine = &a
		}
	})
	if !done {
		return
	}
	if rows == 0 {
		k.fail(string(OpListUsers), "ListUsers yielded no rows; a listing without rows has failed")
		return
	}
	if mine == nil {
		k.fail(string(OpListUsers), "ListUsers did not list the fixture's account %q", k.f.Account.ID)
	}
	stopEarly(k, OpListUsers, "ListUsers", ul.ListUsers(k.ctx, ListOptions{}))

	// Narrowed to one attribute (one of the fixture account's, or one
	// nobody has), a listing has that attribute at most.
	name := "bsafekitnosuchattribute"
	if mine != nil && len(mine.Attrs) > 0 {
		name = mine.Attrs[0].Name
	}
	var narrowMine *Account
	collect(k, OpListUsers, fmt.Sprintf("ListUsers narrowed to %q", name), ul.ListUsers(k.ctx, ListOptions{Attributes: []string{name}}), func(n int, a Account) {
		for _, at := range a.Attrs {
			if !attrs.SameName(at.Name, name) {
				k.failCapped(string(OpListUsers), "narrowing", "ListUsers narrowed to attribute %q: row %d (LongID %q) has attribute %q, which was not asked for", name, n, a.LongID, at.Name)
			}
		}
		if a.LongID == k.f.Account.ID && narrowMine == nil {
			narrowMine = &a
		}
	})
	if mine != nil && narrowMine == nil {
		k.fail(string(OpListUsers), "ListUsers narrowed to attribute %q did not list the fixture's account", name)
	}
	if mine != nil && narrowMine != nil {
		want, _ := mine.Attrs.Lookup(name)
		if got, _ := narrowMine.Attrs.Lookup(name); len(mine.Attrs) > 0 && !slices.Equal(got, want) {
			k.fail(string(OpListUsers), "ListUsers narrowed to attribute %q reports %q for the fixture's account; the full listing reports %q", name, got, want)
		}
	}
}

// checkAccountRow checks one listed account: both IDs, not repeated.
func (k *kit) checkAccountRow(op Operation, n int, a Account, ids uniqueIDs) {
	if a.LongID == "" {
		k.failCapped(string(op), "no LongID", "row %d (ShortID %q) has an empty LongID", n, a.ShortID)
	} else if first, rep := ids.repeat(a.LongID, n); rep {
		k.failCapped(string(op), "repeated LongID", "row %d repeats the LongID %q of row %d", n, a.LongID, first)
	}
	if a.ShortID == "" {
		k.failCapped(string(op), "no ShortID", "row %d (LongID %q) has an empty ShortID", n, a.LongID)
	}
}

func (k *kit) checkListGroups() {
	gl := k.c.(GroupLister)
	if !k.need(OpListGroups, k.group()) {
		return
	}
	ids := uniqueIDs{}
	found, rows := false, 0
	done := collect(k, OpListGroups, "ListGroups", gl.ListGroups(k.ctx), func(n int, g Group) {
		rows = n
		if g.LongID == "" {
			k.failCapped(string(OpListGroups), "no LongID", "row %d (ShortID %q) has an empty LongID", n, g.ShortID)
		} else if first, rep := ids.repeat(g.LongID, n); rep {
			k.failCapped(string(OpListGroups), "repeated LongID", "row %d repeats the LongID %q of row %d", n, g.LongID, first)
		}
		if g.OwnerIsGroup && g.Owner == "" {
			k.failCapped(string(OpListGroups), "owner", "row %d (LongID %q) says its owner is a group, but names no owner", n, g.LongID)
		}
		found = found || g.LongID == k.f.Group
	})
	switch {
	case !done:
	case rows == 0:
		k.fail(string(OpListGroups), "ListGroups yielded no rows; a listing without rows has failed")
	case !found:
		k.fail(string(OpListGroups), "ListGroups did not list the fixture's group %q", k.f.Group)
	}
	stopEarly(k, OpListGroups, "ListGroups", gl.ListGroups(k.ctx))
}

// members returns the long IDs ListMembers yields for group, and whether
// it succeeded.
func (k *kit) members(ml MemberLister, what, group string) ([]string, bool) {
	var ids []string
	ok := collect(k, OpListMembers, what, ml.ListMembers(k.ctx, group), func(n int, m Member) {
		if m.LongID == "" {
			k.failCapped(string(OpListMembers), "no LongID", "%s: row %d has an empty LongID", what, n)
		}
		ids = append(ids, m.LongID)
	})
	return ids, ok
}

func (k *kit) checkListMembers() {
	ml := k.c.(MemberLister)
	if !k.need(OpListMembers, k.group()) {
		return
	}
	if ids, ok := k.members(ml, "ListMembers of the fixture's group", k.f.Group); ok && k.f.Account.ID != "" && slices.Contains(ids, k.f.Account.ID) {
		k.fail("fixture", "Account %q is a member of Group %q (ListMembers lists it); the fixture's Group must be one it is not in", k.f.Account.ID, k.f.Group)
	}
	stopEarly(k, OpListMembers, "ListMembers", ml.ListMembers(k.ctx, k.f.Group))
	k.wantCode(OpListMembers, "ListMembers of an unknown group", firstError(ml.ListMembers(k.ctx, k.noGroup)), CodeInvalidGroup)
}

// userGroups returns the group IDs UserGroups yields for acct, and whether
// it succeeded.
func (k *kit) userGroups(ug UserGroupsLister, what string, acct AccountRef) ([]string, bool) {
	var ids []string
	ok := collect(k, OpUserGroups, what, ug.UserGroups(k.ctx, acct), func(n int, id string) {
		if id == "" {
			k.failCapped(string(OpUserGroups), "empty ID", "%s: row %d is an empty group ID", what, n)
		}
		ids = append(ids, id)
	})
	return ids, ok
}

func (k *kit) checkUserGroups() {
	ug := k.c.(UserGroupsLister)
	if !k.need(OpUserGroups, k.account()) {
		return
	}
	if ids, ok := k.userGroups(ug, "UserGroups of the fixture's account", k.f.Account); ok && k.f.Group != "" && slices.Contains(ids, k.f.Group) {
		k.fail("fixture", "Account %q is a member of Group %q (UserGroups lists it); the fixture's Group must be one it is not in", k.f.Account.ID, k.f.Group)
	}
	k.wantCode(OpUserGroups, "UserGroups of an unknown account", firstError(ug.UserGroups(k.ctx, k.noAccount)), CodeInvalidUser)
}

func (k *kit) checkCheckUser() {
	uc := k.c.(UserChecker)
	if !k.need(OpCheckUser, k.account()) {
		return
	}
	a, err := uc.CheckUser(k.ctx, k.f.Account)
	if k.ok(OpCheckUser, "CheckUser of the fixture's account", err) {
		k.checkOneAccount(OpCheckUser, "CheckUser", a, k.f.Account.ID)
	}
	_, err = uc.CheckUser(k.ctx, k.noAccount)
	k.wantCode(OpCheckUser, "CheckUser of an unknown account", err, CodeInvalidUser)
}

// checkOneAccount checks an account one operation reported for longID.
func (k *kit) checkOneAccount(op Operation, name string, a Account, longID string) {
	if a.LongID != longID {
		k.fail(string(op), "%s reports the long ID %q for the account %q", name, a.LongID, longID)
	}
	if a.ShortID == "" {
		k.fail(string(op), "%s reports an empty ShortID for the account %q", name, longID)
	}
}

func (k *kit) checkUserAttributes() {
	al := k.c.(AttributeLister)
	if !k.need(OpUserAttributes, k.account()) {
		return
	}
	all, err := al.UserAttributes(k.ctx, k.f.Account, ListOptions{})
	if k.ok(OpUserAttributes, "UserAttributes of the fixture's account", err) {
		k.checkOneAccount(OpUserAttributes, "UserAttributes", all, k.f.Account.ID)
		if uc, ok := k.c.(UserChecker); ok {
			if cu, err := uc.CheckUser(k.ctx, k.f.Account); err == nil { // checkCheckUser reports an error
				k.sameAccount(OpUserAttributes, "UserAttributes", all, "CheckUser", cu)
			}
		}
		name := "bsafekitnosuchattribute"
		if len(all.Attrs) > 0 {
			name = all.Attrs[0].Name
		}
		one, err := al.UserAttributes(k.ctx, k.f.Account, ListOptions{Attributes: []string{name}})
		if k.ok(OpUserAttributes, fmt.Sprintf("UserAttributes narrowed to %q", name), err) {
			for _, at := range one.Attrs {
				if !attrs.SameName(at.Name, name) {
					k.fail(string(OpUserAttributes), "UserAttributes narrowed to %q reports attribute %q, which was not asked for", name, at.Name)
				}
			}
			want, _ := all.Attrs.Lookup(name)
			if got, _ := one.Attrs.Lookup(name); len(all.Attrs) > 0 && !slices.Equal(got, want) {
				k.fail(string(OpUserAttributes), "UserAttributes narrowed to %q reports %q; unnarrowed it reports %q", name, got, want)
			}
		}
	}
	_, err = al.UserAttributes(k.ctx, k.noAccount, ListOptions{})
	k.wantCode(OpUserAttributes, "UserAttributes of an unknown account", err, CodeInvalidUser)
}

// sameAccount reports where two reports of one account disagree.
func (k *kit) sameAccount(op Operation, aName string, a Account, bName string, b Account) {
	if a.ShortID != b.ShortID || a.FullName != b.FullName {
		k.fail(string(op), "%s reports ShortID %q, FullName %q; %s reports %q, %q", aName, a.ShortID, a.FullName, bName, b.ShortID, b.FullName)
	}
	for _, at := range b.Attrs {
		got, ok := a.Attrs.Lookup(at.Name)
		switch {
		case !ok:
			k.fail(string(op), "%s lacks attribute %q, which %s reports", aName, at.Name, bName)
		case !slices.Equal(got, at.Values):
			k.fail(string(op), "%s reports %q for attribute %q; %s reports %q", aName, got, at.Name, bName, at.Values)
		}
	}
	for _, at := range a.Attrs {
		if !b.Attrs.Has(at.Name) {
			k.fail(string(op), "%s reports attribute %q, which %s lacks", aName, at.Name, bName)
		}
	}
}

func (k *kit) checkCheckTemplate() {
	tc := k.c.(TemplateChecker)
	if !k.need(OpCheckTemplate, field{"Fixture.Template", k.f.Template == ""}) {
		return
	}
	t, err := tc.CheckTemplate(k.ctx, k.f.Template)
	if k.ok(OpCheckTemplate, "CheckTemplate of the fixture's template", err) {
		if t.LongID == "" || t.ShortID == "" {
			k.fail(string(OpCheckTemplate), "CheckTemplate reports LongID %q, ShortID %q; both are required", t.LongID, t.ShortID)
		}
	}
	_, err = tc.CheckTemplate(k.ctx, k.noTemplate)
	k.wantCode(OpCheckTemplate, "CheckTemplate of an unknown template", err, CodeInvalidModelUser)
}

func (k *kit) checkListComputers() {
	cl := k.c.(ComputerLister)
	for _, rt := range []ResourceType{Workstations, Servers} {
		ids := uniqueIDs{}
		what := fmt.Sprintf("ListComputers(%s)", rt)
		collect(k, OpListComputers, what, cl.ListComputers(k.ctx, rt), func(n int, c Computer) {
			if c.ID == "" {
				k.failCapped(string(OpListComputers), "no ID", "%s: row %d (Name %q) has an empty ID", what, n, c.Name)
			} else if first, rep := ids.repeat(c.ID, n); rep {
				k.failCapped(string(OpListComputers), "repeated ID", "%s: row %d repeats the ID %q of row %d", what, n, c.ID, first)
			}
			if c.ResourceType != "" && c.ResourceType != rt {
				k.failCapped(string(OpListComputers), "resource type", "%s: row %d (ID %q) has resource type %q", what, n, c.ID, c.ResourceType)
			}
		})
		stopEarly(k, OpListComputers, what, cl.ListComputers(k.ctx, rt))
	}
}

func (k *kit) checkListSubscribers() {
	sl := k.c.(SubscriberLister)
	for _, rt := range []ResourceType{TaskSubscribers, IISSubscribers, COMSubscribers, ServiceSubscribers, CustomSubscribers, AdminGroupSubscribers} {
		uris := uniqueIDs{}
		what := fmt.Sprintf("ListSubscribers(%s)", rt)
		collect(k, OpListSubscribers, what, sl.ListSubscribers(k.ctx, rt), func(n int, s Subscriber) {
			if s.URI == "" {
				k.failCapped(string(OpListSubscribers), "no URI", "%s: row %d (ID %q) has an empty URI", what, n, s.ID)
			} else if first, rep := uris.repeat(s.URI, n); rep {
				k.failCapped(string(OpListSubscribers), "repeated URI", "%s: row %d repeats the URI %q of row %d", what, n, s.URI, first)
			}
			if s.ResourceType != "" && s.ResourceType != rt {
				k.failCapped(string(OpListSubscribers), "resource type", "%s: row %d (URI %q) has resource type %q", what, n, s.URI, s.ResourceType)
			}
		})
		stopEarly(k, OpListSubscribers, what, sl.ListSubscribers(k.ctx, rt))
	}
}

func (k *kit) checkCustomDeclarations() {
	co := k.c.(CustomOperator)
	seen := map[string]bool{}
	for i, op := range co.CustomOperations() {
		switch {
		case op.Name == "":
			k.fail(string(OpCustom), "custom operation %d has no name", i+1)
		case strings.HasPrefix(op.Name, "custom_"):
			k.fail(string(OpCustom), "custom operation %q is declared with its custom_ prefix; CustomOperation.Name is without it", op.Name)
		case seen[op.Name]:
			k.fail(string(OpCustom), "custom operation %q is declared twice", op.Name)
		}
		seen[op.Name] = true
		if op.Output != OutputNone && op.Output != OutputSingle && op.Output != OutputMultiple {
			k.fail(string(OpCustom), "custom operation %q has output type %q; want none, single or multiple", op.Name, op.Output)
		}
	}
}

// readAttr returns the values of attribute name of acct as the connector
// reports them (CheckUser, else UserAttributes), and whether it could
// read them.
func (k *kit) readAttr(op Operation, acct AccountRef, name string) ([]string, bool, bool) {
	var a Account
	var err error
	switch c := k.c.(type) {
	case UserChecker:
		a, err = c.CheckUser(k.ctx, acct)
	case AttributeLister:
		a, err = c.UserAttributes(k.ctx, acct, ListOptions{Attributes: []string{name}})
	default:
		return nil, false, false
	}
	if !k.ok(op, "reading the account's attributes", err) {
		return nil, false, false
	}
	v, present := a.Attrs.Lookup(name)
	return slices.Clone(v), present, true
}

func (k *kit) checkUpdate() {
	u := k.c.(Updater)
	if !k.need(OpUpdate, k.account(), field{"Fixture.Attribute", k.f.Attribute == ""}) {
		return
	}
	acct, name := k.f.Account, k.f.Attribute
	before, _, readable := k.readAttr(OpUpdate, acct, name)
	set := func(vals ...string) Instructions {
		return Instructions{Attrs: []Instruction{{Name: name, Action: ActionValue, Sequence: SetAfterCreating, Values: vals}}}
	}
	got, err := u.Update(k.ctx, acct, set(k.kitValue))
	if k.ok(OpUpdate, fmt.Sprintf("Update of attribute %q", name), err) {
		if v, _ := got.Attrs.Lookup(name); !slices.Equal(v, []string{k.kitValue}) {
			k.fail(string(OpUpdate), "Update of attribute %q to %q reports %q; it reports the account as it now is", name, k.kitValue, v)
		}
		if readable {
			if v, _, ok := k.readAttr(OpUpdate, acct, name); ok && !slices.Equal(v, []string{k.kitValue}) {
				k.fail(string(OpUpdate), "Update of attribute %q to %q reported success, but the account then has %q", name, k.kitValue, v)
			}
		}
		k.ok(OpUpdate, fmt.Sprintf("Update of attribute %q back to its value", name), firstErr(u.Update(k.ctx, acct, set(before...))))
	}
	_, err = u.Update(k.ctx, k.noAccount, set(k.kitValue))
	k.wantCode(OpUpdate, "Update of an unknown account", err, CodeInvalidUser)
}

// firstErr drops a result to keep its error.
func firstErr[T any](_ T, err error) error { return err }

func (k *kit) checkGroupMembership() {
	ge := k.c.(GroupMembershipEditor)
	if !k.need(OpGroupUserAdd, k.account(), k.group()) {
		return
	}
	acct, g := k.f.Account, k.f.Group
	ug, hasUG := k.c.(UserGroupsLister)
	ml, hasML := k.c.(MemberLister)
	// isMember checks the membership where c can list it.
	isMember := func(op Operation, after string, want bool) {
		if hasUG {
			if ids, ok := k.userGroups(ug, "UserGroups after "+after, acct); ok && slices.Contains(ids, g) != want {
				k.fail(string(op), "%s reported success, but UserGroups then says membership is %t", after, !want)
			}
		}
		if hasML {
			if ids, ok := k.members(ml, "ListMembers after "+after, g); ok && slices.Contains(ids, acct.ID) != want {
				k.fail(string(op), "%s reported success, but ListMembers then says membership is %t", after, !want)
			}
		}
	}
	if k.ok(OpGroupUserAdd, "AddToGroup of the fixture's account to the fixture's group", ge.AddToGroup(k.ctx, acct, g)) {
		isMember(OpGroupUserAdd, "AddToGroup", true)
		k.wantCode(OpGroupUserAdd, "AddToGroup of a member", ge.AddToGroup(k.ctx, acct, g), CodeUserAlreadyGroupMember)
		if k.ok(OpGroupUserDelete, "RemoveFromGroup of the fixture's account from the fixture's group", ge.RemoveFromGroup(k.ctx, acct, g)) {
			isMember(OpGroupUserDelete, "RemoveFromGroup", false)
		}
	}
	if ga, ok := k.c.(GroupAddAttributer); ok {
		// Without attributes, groupuseradd through AddToGroupAttrs is
		// AddToGroup.
		if k.ok(OpGroupUserAdd, "AddToGroupAttrs without attributes", ga.AddToGroupAttrs(k.ctx, acct, g, Instructions{})) {
			isMember(OpGroupUserAdd, "AddToGroupAttrs", true)
			k.wantCode(OpGroupUserAdd, "AddToGroupAttrs of a member", ga.AddToGroupAttrs(k.ctx, acct, g, Instructions{}), CodeUserAlreadyGroupMember)
			k.ok(OpGroupUserDelete, "RemoveFromGroup after AddToGroupAttrs", ge.RemoveFromGroup(k.ctx, acct, g))
		}
		k.wantCode(OpGroupUserAdd, "AddToGroupAttrs to an unknown group", ga.AddToGroupAttrs(k.ctx, acct, k.noGroup, Instructions{}), CodeInvalidGroup)
	}
	k.wantCode(OpGroupUserDelete, "RemoveFromGroup of a non-member", ge.RemoveFromGroup(k.ctx, acct, g), CodeUserNotInGroup)
	k.wantCode(OpGroupUserAdd, "AddToGroup to an unknown group", ge.AddToGroup(k.ctx, acct, k.noGroup), CodeInvalidGroup)
	k.wantCode(OpGroupUserDelete, "RemoveFromGroup from an unknown group", ge.RemoveFromGroup(k.ctx, acct, k.noGroup), CodeInvalidGroup)
	k.wantCode(OpGroupUserAdd, "AddToGroup of an unknown account", ge.AddToGroup(k.ctx, k.noAccount, g), CodeInvalidUser)
}

// listsGroup reports whether ListGroups lists id, and whether it could
// tell.
func (k *kit) listsGroup(op Operation, what, id string) (listed, known bool) {
	gl, ok := k.c.(GroupLister)
	if !ok {
		return false, false
	}
	ok = collect(k, op, what, gl.ListGroups(k.ctx), func(_ int, g Group) { listed = listed || g.LongID == id })
	return listed, ok
}

func (k *kit) checkGroupProvisioning() {
	gp := k.c.(GroupProvisioner)
	if !k.need(OpGroupCreate, field{"Fixture.NewGroup.ID", k.f.NewGroup.ID == ""}) {
		return
	}
	g, err := gp.CreateGroup(k.ctx, k.f.NewGroup)
	if !k.ok(OpGroupCreate, "CreateGroup of Fixture.NewGroup", err) {
		return
	}
	id := g.LongID
	if id == "" {
		k.fail(string(OpGroupCreate), "CreateGroup reports an empty LongID")
		id = k.f.NewGroup.ID
	}
	if listed, known := k.listsGroup(OpGroupCreate, "ListGroups after CreateGroup", id); known && !listed {
		k.fail(string(OpGroupCreate), "CreateGroup reported success, but ListGroups does not list the group %q", id)
	}
	_, err = gp.CreateGroup(k.ctx, k.f.NewGroup)
	k.wantCode(OpGroupCreate, "CreateGroup of a group that exists", err, CodeObjectAlreadyExists)
	if k.ok(OpGroupDelete, "DeleteGroup of the group CreateGroup made", gp.DeleteGroup(k.ctx, id)) {
		if listed, known := k.listsGroup(OpGroupDelete, "ListGroups after DeleteGroup", id); known && listed {
			k.fail(string(OpGroupDelete), "DeleteGroup reported success, but ListGroups still lists the group %q", id)
		}
		k.wantCode(OpGroupDelete, "DeleteGroup of a deleted group", gp.DeleteGroup(k.ctx, id), CodeInvalidGroup)
	}
}

// listsUser reports whether ListUsers lists id, and whether it could tell.
func (k *kit) listsUser(op Operation, what, id string) (listed, known bool) {
	ul, ok := k.c.(UserLister)
	if !ok {
		return false, false
	}
	ok = collect(k, op, what, ul.ListUsers(k.ctx, ListOptions{}), func(_ int, a Account) { listed = listed || a.LongID == id })
	return listed, ok
}

func (k *kit) checkCreate() {
	cr := k.c.(Creator)
	if !k.need(OpCreate, field{"Fixture.NewAccount.ID", k.f.NewAccount.ID == ""}, k.newPW()) {
		return
	}
	uc, hasUC := k.c.(UserChecker)
	del, hasDel := k.c.(Deleter)
	req := CreateRequest{Account: k.f.NewAccount, TemplateID: k.f.Template, Password: k.f.NewPassword}
	if k.f.Attribute != "" {
		req.Attrs.Attrs = []Instruction{{Name: k.f.Attribute, Action: ActionValue, Sequence: SetWhileCreating, Values: []string{k.kitValue}}}
	}
	if hasUC {
		_, err := uc.CheckUser(k.ctx, k.f.NewAccount)
		if CodeOf(err) == CodeOperationNotSupported {
			k.ok(OpCheckUser, "CheckUser of Fixture.NewAccount", err)
			return
		}
		if CodeOf(err) != CodeInvalidUser {
			k.fail("fixture", "NewAccount %q must not exist, but CheckUser of it gives %s", k.f.NewAccount.ID, describe(err))
			return
		}
	}
	if k.f.Template != "" {
		bad := req
		bad.TemplateID = k.noTemplate
		a, err := cr.Create(k.ctx, bad)
		k.wantCode(OpCreate, "Create from an unknown template", err, CodeInvalidModelUser)
		if err == nil && hasDel {
			k.ok(OpDelete, "Delete of the account Create made from an unknown template", del.Delete(k.ctx, AccountRef{ID: a.LongID}))
		}
		if tc, ok := k.c.(TemplateChecker); ok {
			t, err := tc.CheckTemplate(k.ctx, k.f.Template)
			if err != nil {
				return // checkCheckTemplate reports it
			}
			req.Template = &t
		}
	}
	a, err := cr.Create(k.ctx, req)
	if !k.ok(OpCreate, "Create of Fixture.NewAccount", err) {
		return
	}
	ref := AccountRef{ID: a.LongID}
	if a.LongID == "" {
		k.fail(string(OpCreate), "Create reports an empty LongID")
		ref = k.f.NewAccount
	}
	if a.ShortID == "" {
		k.fail(string(OpCreate), "Create reports an empty ShortID")
	}
	deleted := false
	defer func() {
		if !deleted && hasDel {
			k.ok(OpDelete, "Delete of the account the kit created", del.Delete(k.ctx, ref))
		}
	}()
	if hasUC {
		got, err := uc.CheckUser(k.ctx, ref)
		if k.ok(OpCreate, "CheckUser of the created account", err) {
			k.checkOneAccount(OpCreate, "CheckUser of the created account", got, ref.ID)
			if v, _ := got.Attrs.Lookup(k.f.Attribute); k.f.Attribute != "" && !slices.Equal(v, []string{k.kitValue}) {
				k.fail(string(OpCreate), "Create was asked to set attribute %q to %q, but CheckUser then reports %q", k.f.Attribute, k.kitValue, v)
			}
		}
	}
	if listed, known := k.listsUser(OpCreate, "ListUsers after Create", ref.ID); known && !listed {
		k.fail(string(OpCreate), "Create reported success, but ListUsers does not list the account %q", ref.ID)
	}
	k.expectPassword(OpCreate, "Create", ref, k.f.NewPassword, "")
	if ug, ok := k.c.(UserGroupsLister); ok {
		k.userGroups(ug, "UserGroups of the created account", ref)
	}
	_, err = cr.Create(k.ctx, req)
	k.wantCode(OpCreate, "Create of an account that exists", err, CodeObjectAlreadyExists)
	if !hasDel {
		return
	}
	deleted = true
	if !k.ok(OpDelete, "Delete of the created account", del.Delete(k.ctx, ref)) {
		return
	}
	if hasUC {
		_, err := uc.CheckUser(k.ctx, ref)
		k.wantCode(OpDelete, "CheckUser of the deleted account", err, CodeInvalidUser)
	}
	if listed, known := k.listsUser(OpDelete, "ListUsers after Delete", ref.ID); known && listed {
		k.fail(string(OpDelete), "Delete reported success, but ListUsers still lists the account %q", ref.ID)
	}
	k.wantCode(OpDelete, "Delete of a deleted account", del.Delete(k.ctx, ref), CodeInvalidUser)
}

func (k *kit) checkDeleteUnknown() {
	d := k.c.(Deleter)
	k.wantCode(OpDelete, "Delete of an unknown account", d.Delete(k.ctx, k.noAccount), CodeInvalidUser)
}
