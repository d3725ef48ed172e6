package bsafe

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// fake is a connector with every capability. It records each call (method
// and the IDs it got) in order, returns what its fields say, and fails a
// method named in errs with that error.
type fake struct {
	calls  []string
	target Target
	ctxs   map[string]context.Context // the context each method last got

	errs map[string]error
	// block makes the method named wait for its context to end.
	block string
	// echo fails every method with an error that quotes every password
	// the fake got, as a sloppy connector might.
	echo bool
	// rowErr fails a listing's iterator after its rows, with this error.
	rowErr map[string]error

	info        ServerInfo
	result      bool // of Verify, AdminVerify and the is* methods
	users       []Account
	groups      []Group
	members     map[string][]Member
	computers   []Computer
	subscribers []Subscriber
	template    Account
	account     Account // of CheckUser, UserAttributes, Create and Update
	userGroups  []string
	newGroup    Group
	customOps   []CustomOperation
	customRows  []CustomRow

	gotPasswords []string
	gotCreate    CreateRequest
	gotUpdate    Instructions
	gotGroupReq  GroupRequest
	gotCustom    CustomRequest
	gotList      ListOptions
	gotRT        ResourceType
	gotSub       SubscriberRef
}

func newFake() *fake {
	return &fake{
		info:       ServerInfo{Name: "Fake", Version: "1.0"},
		result:     true,
		users:      []Account{{LongID: "u1", ShortID: "bob", FullName: "Bob"}},
		groups:     []Group{{LongID: "g1", ShortID: "G1"}},
		members:    map[string][]Member{"g1": {{LongID: "u1"}}},
		computers:  []Computer{{ID: "c1", Name: "pc"}},
		template:   Account{LongID: "tmpl", ShortID: "tmpl"},
		account:    Account{LongID: "bob", ShortID: "bob"},
		userGroups: []string{"g1"},
		customOps:  []CustomOperation{{"hello", OutputNone}, {"one", OutputSingle}, {"many", OutputMultiple}},
		customRows: []CustomRow{{ID: "r1"}},
		subscribers: []Subscriber{
			{ID: "s1", URI: "task://a", LongID: "u1"},
		},
	}
}

func (f *fake) call(ctx context.Context, method string, args ...string) error {
	f.calls = append(f.calls, strings.TrimSpace(method+" "+strings.Join(args, " ")))
	if f.ctxs == nil {
		f.ctxs = map[string]context.Context{}
	}
	f.ctxs[method] = ctx
	if method == f.block {
		<-ctx.Done()
		return ctx.Err()
	}
	if f.echo {
		return fmt.Errorf("%s failed for %s/%s with %q and options %v",
			method, f.target.AdminPassword, f.target.SysPassword, f.gotPasswords, f.target.Options)
	}
	return f.errs[method]
}

// rows yields rs, then the method's rowErr if it has one.
func rows[T any](f *fake, method string, rs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
		if err := f.rowErr[method]; err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// failed yields err alone.
func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

func (f *fake) Connect(ctx context.Context, t Target) (Connector, error) {
	f.target = t
	if f.echo {
		return f, nil // so that the operation itself runs, and echoes
	}
	if err := f.call(ctx, "Connect"); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *fake) ServerInfo(ctx context.Context) (ServerInfo, error) {
	if err := f.call(ctx, "ServerInfo"); err != nil {
		return ServerInfo{}, err
	}
	return f.info, nil
}

func (f *fake) pwCall(ctx context.Context, method string, acct AccountRef, pws ...string) error {
	f.gotPasswords = append(f.gotPasswords, pws...)
	return f.call(ctx, method, acct.ID)
}

func (f *fake) Verify(ctx context.Context, acct AccountRef, pw string) (bool, error) {
	if err := f.pwCall(ctx, "Verify", acct, pw); err != nil {
		return false, err
	}
	return f.result, nil
}

func (f *fake) AdminVerify(ctx context.Context, acct AccountRef, pw string) (bool, error) {
	if err := f.pwCall(ctx, "AdminVerify", acct, pw); err != nil {
		return false, err
	}
	return f.result, nil
}

func (f *fake) Change(ctx context.Context, acct AccountRef, oldPW, newPW string) error {
	return f.pwCall(ctx, "Change", acct, oldPW, newPW)
}

func (f *fake) Reset(ctx context.Context, acct AccountRef, pw string) error {
	return f.pwCall(ctx, "Reset", acct, pw)
}

func (f *fake) ResetExpirePassword(ctx context.Context, acct AccountRef, pw string) error {
	return f.pwCall(ctx, "ResetExpirePassword", acct, pw)
}

func (f *fake) VerifyReset(ctx context.Context, acct AccountRef, pw string) error {
	return f.pwCall(ctx, "VerifyReset", acct, pw)
}

func (f *fake) UpdateSubscriber(ctx context.Context, sub SubscriberRef, acct AccountRef, pw string) error {
	f.gotSub = sub
	return f.pwCall(ctx, "UpdateSubscriber", acct, pw)
}

func (f *fake) boolCall(ctx context.Context, method string, acct AccountRef) (bool, error) {
	if err := f.call(ctx, method, acct.ID); err != nil {
		return false, err
	}
	return f.result, nil
}

func (f *fake) IsEnabled(ctx context.Context, a AccountRef) (bool, error) {
	return f.boolCall(ctx, "IsEnabled", a)
}
func (f *fake) Enable(ctx context.Context, a AccountRef) error  { return f.call(ctx, "Enable", a.ID) }
func (f *fake) Disable(ctx context.Context, a AccountRef) error { return f.call(ctx, "Disable", a.ID) }
func (f *fake) IsLocked(ctx context.Context, a AccountRef) (bool, error) {
	return f.boolCall(ctx, "IsLocked", a)
}
func (f *fake) Lock(ctx context.Context, a AccountRef) error   { return f.call(ctx, "Lock", a.ID) }
func (f *fake) Unlock(ctx context.Context, a AccountRef) error { return f.call(ctx, "Unlock", a.ID) }
func (f *fake) IsPasswordExpired(ctx context.Context, a AccountRef) (bool, error) {
	return f.boolCall(ctx, "IsPasswordExpired", a)
}
func (f *fake) ExpirePassword(ctx context.Context, a AccountRef) error {
	return f.call(ctx, "ExpirePassword", a.ID)
}
func (f *fake) UnexpirePassword(ctx context.Context, a AccountRef) error {
	return f.call(ctx, "UnexpirePassword", a.ID)
}
func (f *fake) IsAccountExpired(ctx context.Context, a AccountRef) (bool, error) {
	return f.boolCall(ctx, "IsAccountExpired", a)
}
func (f *fake) ExpireAccount(ctx context.Context, a AccountRef) error {
	return f.call(ctx, "ExpireAccount", a.ID)
}
func (f *fake) UnexpireAccount(ctx context.Context, a AccountRef) error {
	return f.call(ctx, "UnexpireAccount", a.ID)
}

func (f *fake) ListUsers(ctx context.Context, opts ListOptions) iter.Seq2[Account, error] {
	f.gotList = opts
	if err := f.call(ctx, "ListUsers"); err != nil {
		return failed[Account](err)
	}
	return rows(f, "ListUsers", f.users)
}

func (f *fake) ListGroups(ctx context.Context) iter.Seq2[Group, error] {
	if err := f.call(ctx, "ListGroups"); err != nil {
		return failed[Group](err)
	}
	inner := rows(f, "ListGroups", f.groups)
	// Record the end of the iteration, to show that ListMembers never
	// runs inside it.
	return func(yield func(Group, error) bool) {
		defer func() { f.calls = append(f.calls, "ListGroups done") }()
		inner(yield)
	}
}

func (f *fake) ListMembers(ctx context.Context, groupID string) iter.Seq2[Member, error] {
	if err := f.call(ctx, "ListMembers", groupID); err != nil {
		return failed[Member](err)
	}
	return rows(f, "ListMembers", f.members[groupID])
}

func (f *fake) ListComputers(ctx context.Context, rt ResourceType) iter.Seq2[Computer, error] {
	f.gotRT = rt
	if err := f.call(ctx, "ListComputers", string(rt)); err != nil {
		return failed[Computer](err)
	}
	return rows(f, "ListComputers", f.computers)
}

func (f *fake) ListSubscribers(ctx context.Context, rt ResourceType) iter.Seq2[Subscriber, error] {
	f.gotRT = rt
	if err := f.call(ctx, "ListSubscribers", string(rt)); err != nil {
		return failed[Subscriber](err)
	}
	return rows(f, "ListSubscribers", f.subscribers)
}

func (f *fake) CheckTemplate(ctx context.Context, id string) (Account, error) {
	if err := f.call(ctx, "CheckTemplate", id); err != nil {
		return Account{}, err
	}
	return f.template, nil
}

func (f *fake) Create(ctx context.Context, req CreateRequest) (Account, error) {
	f.gotCreate = req
	f.gotPasswords = append(f.gotPasswords, req.Password)
	if err := f.call(ctx, "Create", req.Account.ID); err != nil {
		return Account{}, err
	}
	return f.account, nil
}

func (f *fake) UserGroups(ctx context.Context, acct AccountRef) iter.Seq2[string, error] {
	if err := f.call(ctx, "UserGroups", acct.ID); err != nil {
		return failed[string](err)
	}
	return rows(f, "UserGroups", f.userGroups)
}

func (f *fake) Delete(ctx context.Context, a AccountRef) error { return f.call(ctx, "Delete", a.ID) }

func (f *fake) Update(ctx context.Context, a AccountRef, ins Instructions) (Account, error) {
	f.gotUpdate = ins
	if err := f.call(ctx, "Update", a.ID); err != nil {
		return Account{}, err
	}
	return f.account, nil
}

func (f *fake) AddToGroup(ctx context.Context, a AccountRef, g string) error {
	return f.call(ctx, "AddToGroup", a.ID, g)
}

func (f *fake) RemoveFromGroup(ctx context.Context, a AccountRef, g string) error {
	return f.call(ctx, "RemoveFromGroup", a.ID, g)
}

func (f *fake) CreateGroup(ctx context.Context, req GroupRequest) (Group, error) {
	f.gotGroupReq = req
	if err := f.call(ctx, "CreateGroup", req.ID); err != nil {
		return Group{}, err
	}
	return f.newGroup, nil
}

func (f *fake) DeleteGroup(ctx context.Context, g string) error { return f.call(ctx, "DeleteGroup", g) }

func (f *fake) CheckUser(ctx context.Context, a AccountRef) (Account, error) {
	if err := f.call(ctx, "CheckUser", a.ID); err != nil {
		return Account{}, err
	}
	return f.account, nil
}

func (f *fake) UserAttributes(ctx context.Context, a AccountRef, opts ListOptions) (Account, error) {
	f.gotList = opts
	if err := f.call(ctx, "UserAttributes", a.ID); err != nil {
		return Account{}, err
	}
	return f.account, nil
}

func (f *fake) CustomOperations() []CustomOperation { return f.customOps }

func (f *fake) Custom(ctx context.Context, req CustomRequest) iter.Seq2[CustomRow, error] {
	f.gotCustom = req
	f.gotPasswords = append(f.gotPasswords, req.OldPassword, req.NewPassword)
	if err := f.call(ctx, "Custom", req.Op); err != nil {
		return failed[CustomRow](err)
	}
	return rows(f, "Custom", f.customRows)
}

// The method sets of single capabilities, to build connectors that have
// only some of them (a struct embedding Connector and these).
type (
	hasVerify interface {
		Verify(context.Context, AccountRef, string) (bool, error)
	}
	hasAdminVerify interface {
		AdminVerify(context.Context, AccountRef, string) (bool, error)
	}
	hasReset interface {
		Reset(context.Context, AccountRef, string) error
	}
	hasLock interface {
		IsLocked(context.Context, AccountRef) (bool, error)
		Lock(context.Context, AccountRef) error
		Unlock(context.Context, AccountRef) error
	}
	hasCreate interface {
		Create(context.Context, CreateRequest) (Account, error)
	}
	hasDelete interface {
		Delete(context.Context, AccountRef) error
	}
	hasUpdate interface {
		Update(context.Context, AccountRef, Instructions) (Account, error)
	}
	hasUserAttributes interface {
		UserAttributes(context.Context, AccountRef, ListOptions) (Account, error)
	}
	hasListGroups interface {
		ListGroups(context.Context) iter.Seq2[Group, error]
	}
)

// onlyInfo is a connector with nothing but ServerInfo.
type onlyInfo struct{ Connector }

// run dispatches input (KVGroup text) on c and returns the output text.
func run(t testing.TB, c Connector, input string) string {
	t.Helper()
	return runCtx(t, context.Background(), c, input)
}

func runCtx(t testing.TB, ctx context.Context, c Connector, input string) string {
	t.Helper()
	in, err := kvgroup.ParseString(input)
	if err != nil {
		t.Fatalf("test input does not parse: %v", err)
	}
	var b strings.Builder
	if err := Dispatch(ctx, c, in, kvgroup.NewEncoder(&b)); err != nil {
		t.Fatalf("Dispatch: %v", err)
	}
	return b.String()
}

// agentInput builds agent input text from key, value pairs.
func agentInput(pairs ...string) string {
	var b strings.Builder
	b.WriteString(`"" "" = {` + "\n")
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(&b, "  %q = %q\n", pairs[i], pairs[i+1])
	}
	b.WriteString("}\n")
	return b.String()
}

// outcome reads the retval and errmsg of an output.
func outcome(t testing.TB, out string) (Code, string) {
	t.Helper()
	g, err := kvgroup.ParseString(out)
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	rv, ok := g.Lookup("retval")
	if !ok {
		t.Fatalf("output has no retval:\n%s", out)
	}
	var n int
	if _, err := fmt.Sscan(rv, &n); err != nil {
		t.Fatalf("retval %q is not a number", rv)
	}
	return Code(n), g.Get("errmsg")
}

// sameOutput fails unless out and want (KVGroup texts) are the same tree.
func sameOutput(t testing.TB, out, want string) {
	t.Helper()
	g, err := kvgroup.ParseString(out)
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	w, err := kvgroup.ParseString(want)
	if err != nil {
		t.Fatalf("want does not parse: %v", err)
	}
	if !g.Equal(w) {
		t.Errorf("output:\n%s\nwant:\n%s", out, kvgroup.Format(w))
	}
}
