package bsafe

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

const okTail = `"retval" = "0" "errmsg" = ""`

// TestDispatchOperations runs every operation of operations.md §3 once on
// the recording fake: the calls it makes, in order, and the whole output.
func TestDispatchOperations(t *testing.T) {
	acct := []string{"acctid", "bob"}
	with := func(base []string, more ...string) []string { return append(slices.Clone(base), more...) }
	tests := []struct {
		name  string
		in    string
		setup func(f *fake)
		calls []string
		want  string // the output, inside the root group
	}{
		{name: "serverinfo", in: agentInput("operation", "serverinfo"),
			calls: []string{"Connect", "ServerInfo"},
			want:  `"name" = "Fake" "version" = "1.0" ` + okTail},
		{name: "verify", in: agentInput(with(acct, "operation", "verify", "oldpw", "Old")...),
			calls: []string{"Connect", "Verify bob"},
			want:  `"result" = "1" ` + okTail},
		{name: "verify wrong", in: agentInput(with(acct, "operation", "verify", "oldpw", "Old")...),
			setup: func(f *fake) { f.result = false },
			calls: []string{"Connect", "Verify bob"},
			want:  `"result" = "0" "retval" = "14" "errmsg" = "bsafe: wrong password"`},
		{name: "verify ErrVerifyFailed", in: agentInput(with(acct, "operation", "verify", "oldpw", "Old")...),
			setup: func(f *fake) { f.errs = map[string]error{"Verify": fmt.Errorf("fake: %w", ErrVerifyFailed)} },
			calls: []string{"Connect", "Verify bob"},
			want:  `"result" = "0" "retval" = "14" "errmsg" = "fake: bsafe: wrong password"`},
		{name: "verify unknown account", in: agentInput(with(acct, "operation", "verify", "oldpw", "Old")...),
			setup: func(f *fake) { f.errs = map[string]error{"Verify": ErrInvalidUser} },
			calls: []string{"Connect", "Verify bob"},
			want:  `"retval" = "7" "errmsg" = "bsafe: no such account"`},
		{name: "adminverify", in: agentInput(with(acct, "operation", "adminverify", "oldpw", "Old")...),
			calls: []string{"Connect", "AdminVerify bob"},
			want:  `"result" = "1" ` + okTail},
		{name: "change", in: agentInput(with(acct, "operation", "change", "oldpw", "Old", "newpw", "New")...),
			calls: []string{"Connect", "Change bob"}, want: okTail},
		{name: "reset", in: agentInput(with(acct, "operation", "reset", "newpw", "New")...),
			calls: []string{"Connect", "Reset bob"}, want: okTail},
		{name: "reset fails", in: agentInput(with(acct, "operation", "reset", "newpw", "New")...),
			setup: func(f *fake) {
				f.errs = map[string]error{"Reset": WithCode(CodeInvalidPassword, errors.New("too short"))}
			},
			calls: []string{"Connect", "Reset bob"},
			want:  `"retval" = "22" "errmsg" = "bsafe: ACInvalidPasswd: too short"`},
		{name: "resetexpirepw", in: agentInput(with(acct, "operation", "resetexpirepw", "newpw", "New")...),
			calls: []string{"Connect", "ResetExpirePassword bob"}, want: okTail},
		{name: "verifyreset", in: agentInput(with(acct, "operation", "verifyreset", "newpw", "New")...),
			calls: []string{"Connect", "VerifyReset bob"}, want: okTail},
		{name: "updatesubscriber", in: agentInput(with(acct, "operation", "updatesubscriber", "newpw", "New",
			"k_resourceType", "ls_scmacct", "k_resourceURI", "svc://x")...),
			calls: []string{"Connect", "UpdateSubscriber bob"}, want: okTail},
		{name: "isenabled", in: agentInput(with(acct, "operation", "isenabled")...),
			calls: []string{"Connect", "IsEnabled bob"}, want: `"result" = "1" ` + okTail},
		{name: "isenabled false", in: agentInput(with(acct, "operation", "isenabled")...),
			setup: func(f *fake) { f.result = false },
			calls: []string{"Connect", "IsEnabled bob"}, want: `"result" = "0" ` + okTail},
		{name: "enable", in: agentInput(with(acct, "operation", "enable")...),
			calls: []string{"Connect", "Enable bob"}, want: okTail},
		{name: "disable", in: agentInput(with(acct, "operation", "disable")...),
			calls: []string{"Connect", "Disable bob"}, want: okTail},
		{name: "islocked", in: agentInput(with(acct, "operation", "islocked")...),
			setup: func(f *fake) { f.result = false },
			calls: []string{"Connect", "IsLocked bob"}, want: `"result" = "0" ` + okTail},
		{name: "lock", in: agentInput(with(acct, "operation", "lock")...),
			calls: []string{"Connect", "Lock bob"}, want: okTail},
		{name: "unlock", in: agentInput(with(acct, "operation", "unlock")...),
			calls: []string{"Connect", "Unlock bob"}, want: okTail},
		{name: "ispwexpired", in: agentInput(with(acct, "operation", "ispwexpired")...),
			calls: []string{"Connect", "IsPasswordExpired bob"}, want: `"result" = "1" ` + okTail},
		{name: "isexpiredpw", in: agentInput(with(acct, "operation", "isexpiredpw")...),
			calls: []string{"Connect", "IsPasswordExpired bob"}, want: `"result" = "1" ` + okTail},
		{name: "expirepw", in: agentInput(with(acct, "operation", "expirepw")...),
			calls: []string{"Connect", "ExpirePassword bob"}, want: okTail},
		{name: "unexpirepw", in: agentInput(with(acct, "operation", "unexpirepw")...),
			calls: []string{"Connect", "UnexpirePassword bob"}, want: okTail},
		{name: "isacctexpired", in: agentInput(with(acct, "operation", "isacctexpired")...),
			calls: []string{"Connect", "IsAccountExpired bob"}, want: `"result" = "1" ` + okTail},
		{name: "expireacct", in: agentInput(with(acct, "operation", "expireacct")...),
			calls: []string{"Connect", "ExpireAccount bob"}, want: okTail},
		{name: "unexpireacct", in: agentInput(with(acct, "operation", "unexpireacct")...),
			calls: []string{"Connect", "UnexpireAccount bob"}, want: okTail},
		{name: "listusers", in: agentInput("operation", "listusers"),
			setup: func(f *fake) {
				f.users = []Account{
					{LongID: "u1", ShortID: "bob", FullName: "Bob B", Attrs: attrs.Values{
						{Name: "mail", Values: []string{"b@x"}}, {Name: "uri", Values: []string{"a", "b"}}, {Name: "empty", Values: nil}},
						Groups: []string{"g1", "g2"}},
					{StableID: "s2", LongID: "u2", ShortID: "al"},
				}
			},
			calls: []string{"Connect", "ServerInfo", "ListUsers"},
			want: `"account" "u1" = { "stableid" = "u1" "shortid" = "bob" "fullname" = "Bob B"
				"attr" "mail" = { "value" = "b@x" } "attr" "uri" = { "value" = "a" "value" = "b" } "attr" "empty" = { }
				"group" "g1" = { } "group" "g2" = { } }
			"account" "u2" = { "stableid" = "s2" "shortid" = "al" "fullname" = "" } ` + okTail},
		{name: "listgroups", in: agentInput("operation", "listgroups"),
			setup: func(f *fake) {
				f.groups = []Group{
					{LongID: "g1", ShortID: "G1", Description: "first", Owner: "g9", OwnerIsGroup: true, Attrs: attrs.New("k", "v")},
					{LongID: "g2", StableID: "sg2"},
				}
				f.members = map[string][]Member{"g1": {{LongID: "u1"}, {LongID: "g3", IsGroup: true, Attrs: attrs.New("lvl", "view")}}}
			},
			calls: []string{"Connect", "ServerInfo", "ListGroups", "ListGroups done", "ListMembers g1", "ListMembers g2"},
			want: `"group" "g1" = { "stableid" = "g1" "shortid" = "G1" "description" = "first" "owner" = "g9" "ownerisgroup" = "1"
				"attr" "k" = { "value" = "v" }
				"member" "u1" = { "isgroup" = "0" }
				"member" "g3" = { "isgroup" = "1" "attr" "lvl" = { "value" = "view" } } }
			"group" "g2" = { "stableid" = "sg2" "shortid" = "" "description" = "" "owner" = "" "ownerisgroup" = "0" } ` + okTail},
		{name: "listmembers", in: agentInput("operation", "listmembers", "groupid", "g1"),
			calls: []string{"Connect", "ServerInfo", "ListMembers g1"},
			want:  `"member" "u1" = { "isgroup" = "0" } ` + okTail},
		{name: "listcomputers", in: agentInput("operation", "listcomputers", "k_resourceType", "ls_compsvr"),
			setup: func(f *fake) {
				f.computers = []Computer{{ID: "c1", Name: "pc", Disabled: true, Attrs: attrs.New("ip", "10.0.0.1")},
					{ID: "c2", ResourceType: Workstations}}
			},
			calls: []string{"Connect", "ServerInfo", "ListComputers ls_compsvr"},
			want: `"computer" "c1" = { "name" = "pc" "restype" = "ls_compsvr" "disabled" = "1" "attr" "ip" = { "value" = "10.0.0.1" } }
				"computer" "c2" = { "name" = "" "restype" = "ls_compwkstn" "disabled" = "0" } ` + okTail},
		{name: "listsubscribers", in: agentInput("operation", "listsubscribers", "k_resourceType", "ls_taskacct", "hostid", "HOST"),
			setup: func(f *fake) {
				f.subscribers = []Subscriber{
					{ID: "s1", URI: "task://a", ResourceType: TaskSubscribers, AcctID: `DOM\bob`, LongID: "u1", ShortID: "bob"},
					{URI: "task://b", LongID: "u2", Attrs: attrs.New("sid", "S-1")},
				}
			},
			calls: []string{"Connect", "ServerInfo", "ListSubscribers ls_taskacct"},
			want: `"subscriber" "s1" = { "uri" = "task://a" "restype" = "ls_taskacct" "disabled" = "0" "acctid" = "DOM\\bob" "longid" = "u1" "shortid" = "bob" }
				"subscriber" "u2HOST" = { "uri" = "task://b" "restype" = "ls_taskacct" "disabled" = "0" "acctid" = "" "longid" = "u2" "shortid" = "" "attr" "sid" = { "value" = "S-1" } } ` + okTail},
		{name: "checktemplate", in: agentInput("operation", "checktemplate", "modeluid", "tmpl"),
			setup: func(f *fake) {
				f.template = Account{LongID: "tmpl", ShortID: "t", FullName: "Template", Attrs: attrs.New("groups", "g1")}
			},
			calls: []string{"Connect", "CheckTemplate tmpl"},
			want: `"account" "tmpl" = { "stableid" = "tmpl" "shortid" = "t" "fullname" = "Template"
				"attr" "groups" = { "value" = "g1" } } ` + okTail},
		{name: "create", in: agentInput(with(acct, "operation", "create", "newpw", "New", "modeluid", "tmpl")...),
			setup: func(f *fake) {
				f.account = Account{StableID: "st", LongID: "bob-id", ShortID: "bob", Attrs: attrs.New("mail", "b@x"), Groups: []string{"ignored"}}
				f.userGroups = []string{"g1", "g2"}
			},
			calls: []string{"Connect", "CheckTemplate tmpl", "Create bob", "UserGroups bob-id"},
			want: `"stableid" = "st" "longid" = "bob-id" "shortid" = "bob"
				"account" "bob-id" = { "stableid" = "st" "shortid" = "bob" "fullname" = "" "attr" "mail" = { "value" = "b@x" }
				"group" "g1" = { } "group" "g2" = { } } ` + okTail},
		{name: "usergroups", in: agentInput(with(acct, "operation", "usergroups")...),
			calls: []string{"Connect", "UserGroups bob"},
			want:  `"group" "g1" = { } ` + okTail},
		{name: "delete", in: agentInput(with(acct, "operation", "delete")...),
			calls: []string{"Connect", "CheckUser bob", "Delete bob"}, want: okTail},
		{name: "delete of an unknown account", in: agentInput(with(acct, "operation", "delete")...),
			setup: func(f *fake) { f.errs = map[string]error{"CheckUser": ErrInvalidUser} },
			calls: []string{"Connect", "CheckUser bob"},
			want:  `"retval" = "7" "errmsg" = "bsafe: no such account"`},
		{name: "update", in: `"" "" = { "operation" = "update" "acctid" = "bob"
				"attributes" "" = { "attribute" "mail" = { "ACTION" = "VALUE" "VALUE" = "n@x" } } }`,
			setup: func(f *fake) { f.account = Account{LongID: "bob", ShortID: "bob", Attrs: attrs.New("mail", "n@x")} },
			calls: []string{"Connect", "CheckUser bob", "Update bob"},
			want: `"stableid" = "bob" "longid" = "bob" "shortid" = "bob"
				"account" "bob" = { "stableid" = "bob" "shortid" = "bob" "fullname" = "" "attr" "mail" = { "value" = "n@x" } } ` + okTail},
		{name: "groupuseradd", in: agentInput(with(acct, "operation", "groupuseradd", "groupid", "g1")...),
			calls: []string{"Connect", "AddToGroup bob g1"}, want: okTail},
		{name: "groupuseradd again", in: agentInput(with(acct, "operation", "groupuseradd", "groupid", "g1")...),
			setup: func(f *fake) { f.errs = map[string]error{"AddToGroup": ErrUserAlreadyInGroup} },
			calls: []string{"Connect", "AddToGroup bob g1"},
			want:  `"retval" = "13" "errmsg" = "bsafe: the account is already in the group"`},
		{name: "groupuserdelete", in: agentInput(with(acct, "operation", "groupuserdelete", "groupid", "g1")...),
			calls: []string{"Connect", "RemoveFromGroup bob g1"}, want: okTail},
		{name: "groupcreate", in: agentInput("operation", "groupcreate", "groupid", "grp", "groupname", "Group"),
			setup: func(f *fake) { f.newGroup = Group{LongID: "grp-id", ShortID: "grp", Description: "Group"} },
			calls: []string{"Connect", "CreateGroup grp"},
			want: `"stableid" = "grp-id" "longid" = "grp-id" "shortid" = "grp"
				"group" "grp-id" = { "stableid" = "grp-id" "shortid" = "grp" "description" = "Group" "owner" = "" "ownerisgroup" = "0" } ` + okTail},
		{name: "groupdelete", in: agentInput("operation", "groupdelete", "groupid", "grp"),
			calls: []string{"Connect", "DeleteGroup grp"}, want: okTail},
		{name: "checkuser", in: agentInput(with(acct, "operation", "checkuser")...),
			setup: func(f *fake) { f.account = Account{LongID: "bob", ShortID: "b", FullName: "Bob"} },
			calls: []string{"Connect", "CheckUser bob"},
			want:  `"account" "bob" = { "stableid" = "bob" "shortid" = "b" "fullname" = "Bob" } ` + okTail},
		{name: "userattributes", in: agentInput(with(acct, "operation", "userattributes")...),
			setup: func(f *fake) { f.account = Account{LongID: "bob", ShortID: "b", Attrs: attrs.New("mail", "b@x")} },
			calls: []string{"Connect", "CheckUser bob", "UserAttributes bob"},
			want:  `"account" "bob" = { "stableid" = "bob" "shortid" = "b" "fullname" = "" "attr" "mail" = { "value" = "b@x" } } ` + okTail},
		{name: "custom none", in: agentInput("operation", "custom", "customop", "hello"),
			calls: []string{"Connect", "Custom hello"}, want: okTail},
		{name: "custom_ single", in: agentInput("operation", "custom_one"),
			setup: func(f *fake) { f.customRows = []CustomRow{{ID: "r1", Attrs: attrs.New("a", "1")}} },
			calls: []string{"Connect", "Custom one"},
			want:  `"custom" "r1" = { "attr" "a" = { "value" = "1" } } ` + okTail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.setup != nil {
				tt.setup(f)
			}
			out := run(t, f, tt.in)
			if diff := cmp.Diff(tt.calls, f.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			sameOutput(t, out, `"" "" = { `+tt.want+` }`)
		})
	}
}

// TestDispatchPasswordsReachTheConnector: each password slot goes to the
// right parameter.
func TestDispatchPasswordsReachTheConnector(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{agentInput("operation", "verify", "acctid", "a", "oldpw", "O"), []string{"O"}},
		{agentInput("operation", "adminverify", "acctid", "a", "oldpw", "O"), []string{"O"}},
		{agentInput("operation", "change", "acctid", "a", "oldpw", "O", "newpw", "N"), []string{"O", "N"}},
		{agentInput("operation", "reset", "acctid", "a", "newpw", "N", "oldpw", "O"), []string{"N"}},
		{agentInput("operation", "resetexpirepw", "acctid", "a", "newpw", "N"), []string{"N"}},
		{agentInput("operation", "verifyreset", "acctid", "a", "newpw", "N"), []string{"N"}},
		{agentInput("operation", "updatesubscriber", "acctid", "a", "newpw", "N", "k_resourceType", "ls_iisacct", "k_resourceURI", "u"), []string{"N"}},
		{agentInput("operation", "create", "acctid", "a", "newpw", "N"), []string{"N"}},
		{agentInput("operation", "custom", "customop", "hello", "oldpw", "O", "newpw", "N"), []string{"O", "N"}},
	}
	for _, tt := range tests {
		f := newFake()
		if code, msg := outcome(t, run(t, f, tt.in)); code != 0 {
			t.Fatalf("%s: retval %d %s", tt.in, code, msg)
		}
		if diff := cmp.Diff(tt.want, f.gotPasswords); diff != "" {
			t.Errorf("%s: passwords (-want +got):\n%s", tt.in, diff)
		}
	}
	f := newFake()
	run(t, f, agentInput("operation", "updatesubscriber", "acctid", "a", "newpw", "N", "k_resourceType", "ls_iisacct", "k_resourceURI", "iis://site"))
	if want := (SubscriberRef{ResourceType: IISSubscribers, URI: "iis://site"}); f.gotSub != want {
		t.Errorf("UpdateSubscriber got %+v, want %+v", f.gotSub, want)
	}
}

// TestDispatchConnectGetsTheTarget: Connect runs first, with every
// address and credential key of the input, in both spellings of the
// second credential.
func TestDispatchConnectGetsTheTarget(t *testing.T) {
	f := newFake()
	out := run(t, f, `"" "" = {
		"operation" = "serverinfo"
		"address" = "agt.psl"
		"address" "" = { "server" = "https://safe" "organizationName" = "Team" "uri" = "a" "uri" = "b" "nested" "" = { "x" = "y" } }
		"addresscomponents" "" = { "proxy" = "http://p" }
		"adminid" = "admin@x" "adminpw" = "A-pw"
		"sysID" = "client" "syspassword" = "S-pw"
		"hostid" = "SAFE1"
	}`)
	if code, msg := outcome(t, out); code != 0 {
		t.Fatalf("retval %d %s", code, msg)
	}
	want := Target{
		Address: "agt.psl",
		Options: attrs.Values{
			{Name: "server", Values: []string{"https://safe"}}, {Name: "organizationName", Values: []string{"Team"}},
			{Name: "uri", Values: []string{"a", "b"}}, {Name: "proxy", Values: []string{"http://p"}},
		},
		AdminID: "admin@x", AdminPassword: "A-pw", SysID: "client", SysPassword: "S-pw", TargetID: "SAFE1",
	}
	if diff := cmp.Diff(want, f.target); diff != "" {
		t.Errorf("Connect got (-want +got):\n%s", diff)
	}
	if f.calls[0] != "Connect" {
		t.Errorf("first call %q, want Connect", f.calls[0])
	}

	f = newFake()
	run(t, f, agentInput("operation", "serverinfo", "sysid", "c2", "syspw", "S2"))
	if f.target.SysID != "c2" || f.target.SysPassword != "S2" {
		t.Errorf("sysid/syspw: got %q", f.target.SysID)
	}

	// A failed Connect stops the operation, with its code.
	f = newFake()
	f.errs = map[string]error{"Connect": ErrAccessDenied}
	code, _ := outcome(t, run(t, f, agentInput("operation", "reset", "acctid", "a", "newpw", "N")))
	if code != CodeAccessDenied || len(f.calls) != 1 {
		t.Errorf("failed Connect: retval %d, calls %q; want 11 and Connect alone", code, f.calls)
	}
}

// TestDispatchAccountRef: the account keys reach the connector.
func TestDispatchAccountRef(t *testing.T) {
	f := newFake()
	var got AccountRef
	f.account = Account{LongID: "x", ShortID: "y"}
	run(t, f, agentInput("operation", "create", "acctid", "id1", "shortid", "s1", "fullname", "F N", "userid", "prof", "newpw", "N"))
	got = f.gotCreate.Account
	if want := (AccountRef{ID: "id1", ShortID: "s1", FullName: "F N", UserID: "prof"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestDispatchTimeout: "timeout" is the deadline of the context the
// connector gets (Connect's too), exactly that many seconds from the start
// (synctest's clock stands still); -1, 0 and none leave the context alone.
// A connector that runs out of it reports ACTimeout.
func TestDispatchTimeout(t *testing.T) {
	tests := []struct {
		timeout string // "" means absent
		want    time.Duration
	}{
		{"30", 30 * time.Second}, {"1", time.Second}, {" 7 ", 7 * time.Second}, {"-1", 0}, {"0", 0}, {"", 0},
	}
	for _, tt := range tests {
		synctest.Test(t, func(t *testing.T) {
			f := newFake()
			pairs := []string{"operation", "reset", "acctid", "a", "newpw", "N"}
			if tt.timeout != "" {
				pairs = append(pairs, "timeout", tt.timeout)
			}
			start := time.Now()
			run(t, f, agentInput(pairs...))
			for _, m := range []string{"Connect", "Reset"} {
				dl, ok := f.ctxs[m].Deadline()
				switch {
				case tt.want == 0 && ok:
					t.Errorf("timeout %q: %s got a deadline", tt.timeout, m)
				case tt.want > 0 && (!ok || !dl.Equal(start.Add(tt.want))):
					t.Errorf("timeout %q: %s got deadline %v (%v), want start+%v", tt.timeout, m, dl.Sub(start), ok, tt.want)
				}
			}
		})
	}
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.block = "Reset"
		code, msg := outcome(t, run(t, f, agentInput("operation", "reset", "acctid", "a", "newpw", "N", "timeout", "5")))
		if code != CodeTimeout {
			t.Errorf("a reset past the timeout: retval %d %q, want 10", code, msg)
		}
	})
}

// TestDispatchBadInput: the bad-input list, and more. Each gets its
// code and a clear message, and nothing is called on the connector.
func TestDispatchBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
		code Code
		msg  string // a part of errmsg
	}{
		{"no operation", agentInput("acctid", "a"), CodeOperationNotSupported, `no "operation"`},
		{"empty operation", agentInput("operation", ""), CodeOperationNotSupported, `no "operation"`},
		{"unknown operation", agentInput("operation", "frobnicate"), CodeOperationNotSupported, `unknown operation "frobnicate"`},
		{"nil-like empty input", `"" "" = { }`, CodeOperationNotSupported, `no "operation"`},
		{"reset without acctid", agentInput("operation", "reset", "newpw", "N"), CodeUnknownError, `"acctid" is required`},
		{"reset with empty acctid", agentInput("operation", "reset", "acctid", "", "newpw", "N"), CodeUnknownError, `"acctid" is required`},
		{"reset without newpw", agentInput("operation", "reset", "acctid", "a"), CodeUnknownError, `"newpw" is required`},
		{"verify without oldpw", agentInput("operation", "verify", "acctid", "a"), CodeUnknownError, `"oldpw" is required`},
		{"change without oldpw", agentInput("operation", "change", "acctid", "a", "newpw", "N"), CodeUnknownError, `"oldpw" is required`},
		{"create without newpw", agentInput("operation", "create", "acctid", "a"), CodeUnknownError, `"newpw" is required`},
		{"verifyreset without newpw", agentInput("operation", "verifyreset", "acctid", "a"), CodeUnknownError, `"newpw" is required`},
		{"group op without groupid", agentInput("operation", "groupuseradd", "acctid", "a"), CodeUnknownError, `"groupid" is required`},
		{"groupdelete without groupid", agentInput("operation", "groupdelete"), CodeUnknownError, `"groupid" is required`},
		{"listmembers without groupid", agentInput("operation", "listmembers"), CodeUnknownError, `"groupid" is required`},
		{"checktemplate without modeluid", agentInput("operation", "checktemplate"), CodeUnknownError, `"modeluid" is required`},
		{"listcomputers without type", agentInput("operation", "listcomputers"), CodeUnknownError, `"k_resourceType" is required`},
		{"listcomputers wrong type", agentInput("operation", "listcomputers", "k_resourceType", "ls_taskacct"), CodeUnknownError, `"k_resourceType" of listcomputers`},
		{"listsubscribers wrong type", agentInput("operation", "listsubscribers", "k_resourceType", "ls_compsvr"), CodeUnknownError, `not a subscriber resource type`},
		{"updatesubscriber without uri", agentInput("operation", "updatesubscriber", "acctid", "a", "newpw", "N", "k_resourceType", "ls_iisacct"), CodeUnknownError, `"k_resourceURI" is required`},
		{"custom without customop", agentInput("operation", "custom"), CodeUnknownError, `"customop" is required`},
		{"custom undeclared", agentInput("operation", "custom", "customop", "nope"), CodeOperationNotSupported, `custom operation "nope" is not declared`},
		{"custom_ undeclared", agentInput("operation", "custom_nope"), CodeOperationNotSupported, `custom operation "nope" is not declared`},
		{"custom_ and customop differ", agentInput("operation", "custom_one", "customop", "hello"), CodeUnknownError, `name different custom operations`},
		{"multiple without customfilename", agentInput("operation", "custom", "customop", "many"), CodeUnknownError, `"customfilename" is required`},
		{"timeout not a number", agentInput("operation", "serverinfo", "timeout", "soon"), CodeUnknownError, `"timeout" is not a number`},
		{"timeout -2", agentInput("operation", "serverinfo", "timeout", "-2"), CodeUnknownError, `"timeout" is not a number`},
		{"timeout overflows", agentInput("operation", "serverinfo", "timeout", "99999999999999999"), CodeUnknownError, `"timeout" is not a number`},
		{"acctid twice", agentInput("operation", "reset", "acctid", "a", "acctid", "b", "newpw", "N"), CodeUnknownError, `"acctid" is given twice`},
		{"sysid in both spellings", agentInput("operation", "serverinfo", "sysid", "a", "sysID", "b"), CodeUnknownError, `"sysID" is given twice`},
		{"acctid as a group", `"" "" = { "operation" = "reset" "newpw" = "New-pw" "acctid" "" = { } }`, CodeUnknownError, `"acctid" must be a pair`},
		{"attributes as a pair", agentInput("operation", "create", "acctid", "a", "newpw", "N", "attributes", "x"), CodeUnknownError, `"attributes" must be a group`},
		{"listattributes with a group", `"" "" = { "operation" = "listusers" "listattributes" "" = { "x" "" = { } } }`, CodeUnknownError, `"listattributes" holds a group`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			code, msg := outcome(t, run(t, f, tt.in))
			if code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("retval %d errmsg %q; want %d with %q", code, msg, tt.code, tt.msg)
			}
			if len(f.calls) != 0 {
				t.Errorf("bad input called %q", f.calls)
			}
		})
	}
}

// TestDispatchNotSupported: an operation the connector lacks is code 2
// for every operation but serverinfo, on a connector with ServerInfo
// alone, before any call.
func TestDispatchNotSupported(t *testing.T) {
	f := newFake()
	c := onlyInfo{f}
	for _, cp := range capabilities {
		out := run(t, c, agentInput("operation", string(cp.op), "acctid", "a", "oldpw", "O", "newpw", "N", "groupid", "g",
			"modeluid", "m", "customop", "hello", "k_resourceType", "ls_compsvr", "k_resourceURI", "u"))
		code, msg := outcome(t, out)
		if cp.op == OpServerInfo {
			if code != 0 {
				t.Errorf("serverinfo: retval %d %s", code, msg)
			}
			continue
		}
		if code != CodeOperationNotSupported || !strings.Contains(msg, string(cp.op)) {
			t.Errorf("%s: retval %d %q, want 2 naming the operation", cp.op, code, msg)
		}
	}
	if !slices.Equal(f.calls, []string{"ServerInfo"}) {
		t.Errorf("calls %q, want ServerInfo alone", f.calls)
	}
}

// TestDispatchHandlesEveryOperation: the dispatcher's table and Supported's
// are the same operations, so that Supported never claims what Dispatch
// refuses.
func TestDispatchHandlesEveryOperation(t *testing.T) {
	if len(handlers) != len(capabilities) {
		t.Errorf("%d handlers for %d operations", len(handlers), len(capabilities))
	}
	for _, cp := range capabilities {
		if _, ok := handlers[cp.op]; !ok {
			t.Errorf("no handler for %s", cp.op)
		}
	}
	// And every operation Supported reports for the full fake runs (no 2).
	for _, op := range Supported(newFake()) {
		out := run(t, newFake(), agentInput("operation", string(op), "acctid", "a", "oldpw", "O", "newpw", "N", "groupid", "g1",
			"modeluid", "m", "customop", "hello", "k_resourceType", "ls_compsvr", "k_resourceURI", "u"))
		if code, msg := outcome(t, out); code == CodeOperationNotSupported {
			t.Errorf("%s: Supported claims it, Dispatch says %q", op, msg)
		}
	}
}

type (
	verifyOnly struct {
		Connector
		hasVerify
	}
	verifyLocker struct {
		Connector
		hasVerify
		hasLock
	}
	adminVerifyReset struct {
		Connector
		hasAdminVerify
		hasReset
	}
	verifyResetPair struct {
		Connector
		hasVerify
		hasReset
	}
	bothVerifyReset struct {
		Connector
		hasVerify
		hasAdminVerify
		hasReset
	}
	resetOnly struct {
		Connector
		hasReset
	}
	verifyNoReset struct {
		Connector
		hasVerify
		hasAdminVerify
	}
	createOnly struct {
		Connector
		hasCreate
	}
	deleteOnly struct {
		Connector
		hasDelete
	}
	updateOnly struct {
		Connector
		hasUpdate
	}
	userAttrsOnly struct {
		Connector
		hasUserAttributes
	}
	groupsOnly struct {
		Connector
		hasListGroups
	}
)

// TestDispatchAdminVerifyFallback: adminverify runs as verify only on a
// connector without a lockout, as Supported says.
func TestDispatchAdminVerifyFallback(t *testing.T) {
	in := agentInput("operation", "adminverify", "acctid", "a", "oldpw", "O")
	f := newFake()
	sameOutput(t, run(t, verifyOnly{f, f}, in), `"" "" = { "result" = "1" `+okTail+` }`)
	if !slices.Equal(f.calls, []string{"Verify a"}) {
		t.Errorf("calls %q, want Verify", f.calls)
	}
	if !slices.Contains(Supported(verifyOnly{f, f}), OpAdminVerify) {
		t.Error("Supported disagrees: no adminverify on a verifier without lockout")
	}

	f = newFake()
	code, _ := outcome(t, run(t, verifyLocker{f, f, f}, in))
	if code != CodeOperationNotSupported || len(f.calls) != 0 {
		t.Errorf("verifier with lockout: retval %d calls %q; want 2, no calls", code, f.calls)
	}
	if slices.Contains(Supported(verifyLocker{f, f, f}), OpAdminVerify) {
		t.Error("Supported disagrees: adminverify on a verifier with lockout")
	}
}

// TestDispatchVerifyResetFallbacks: VerifyReset, else adminverify → reset,
// else verify → reset, else reset; no reset when the password matched.
func TestDispatchVerifyResetFallbacks(t *testing.T) {
	in := agentInput("operation", "verifyreset", "acctid", "a", "newpw", "N")
	tests := []struct {
		name  string
		c     func(f *fake) Connector
		match bool
		err   error // of the verify
		calls []string
		code  Code
	}{
		{"VerifyResetter", func(f *fake) Connector { return f }, true, nil, []string{"Connect", "VerifyReset a"}, 0},
		{"adminverify matches", func(f *fake) Connector { return adminVerifyReset{f, f, f} }, true, nil, []string{"AdminVerify a"}, 0},
		{"adminverify differs", func(f *fake) Connector { return adminVerifyReset{f, f, f} }, false, nil, []string{"AdminVerify a", "Reset a"}, 0},
		{"adminverify before verify", func(f *fake) Connector { return bothVerifyReset{f, f, f, f} }, false, nil, []string{"AdminVerify a", "Reset a"}, 0},
		{"verify matches", func(f *fake) Connector { return verifyResetPair{f, f, f} }, true, nil, []string{"Verify a"}, 0},
		{"verify differs", func(f *fake) Connector { return verifyResetPair{f, f, f} }, false, nil, []string{"Verify a", "Reset a"}, 0},
		{"verify wrong password error", func(f *fake) Connector { return verifyResetPair{f, f, f} }, false, ErrVerifyFailed, []string{"Verify a", "Reset a"}, 0},
		{"verify fails otherwise", func(f *fake) Connector { return verifyResetPair{f, f, f} }, false, ErrPasswordExpired, []string{"Verify a", "Reset a"}, 0},
		{"reset alone", func(f *fake) Connector { return resetOnly{f, f} }, false, nil, []string{"Reset a"}, 0},
		{"no reset", func(f *fake) Connector { return verifyNoReset{f, f, f} }, false, nil, nil, CodeOperationNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.result = tt.match
			f.errs = map[string]error{"Verify": tt.err, "AdminVerify": tt.err}
			c := tt.c(f)
			code, msg := outcome(t, run(t, c, in))
			if code != tt.code {
				t.Errorf("retval %d %s, want %d", code, msg, tt.code)
			}
			if !slices.Equal(f.calls, tt.calls) {
				t.Errorf("calls %q, want %q", f.calls, tt.calls)
			}
			if got := slices.Contains(Supported(c), OpVerifyReset); got != (tt.code == 0) {
				t.Errorf("Supported says verifyreset %v, Dispatch retval %d", got, code)
			}
		})
	}
	// The reset's failure is the operation's.
	f := newFake()
	f.result = false
	f.errs = map[string]error{"Reset": ErrInvalidPassword}
	if code, _ := outcome(t, run(t, verifyResetPair{f, f, f}, in)); code != CodeInvalidPassword {
		t.Errorf("failed reset after verify: retval %d, want 22", code)
	}
}

// TestDispatchCreateSequence: checktemplate → create → usergroups, and
// each link's failure.
func TestDispatchCreateSequence(t *testing.T) {
	in := `"" "" = { "operation" = "create" "acctid" = "new" "shortid" = "nw" "newpw" = "New-pw" "modeluid" = "tmpl"
		"attributes" "" = {
			"DEFAULT-ACTION" = "COPY"
			"attribute" "mail" = { "SEQUENCE" = "-1" "GROUP" = "2" "ACTION" = "VALUE" "VALUE" = "a@x" "VALUE" = "b@x" }
			"attribute" "uri" = { "VALUE" "" = { "u1" "u2" } }
			"attribute" "dept" = { "ACTION" = "replace" }
		} }`
	f := newFake()
	f.template = Account{LongID: "tmpl", ShortID: "t", Attrs: attrs.New("dept", "x")}
	f.account = Account{} // a thin answer: the ids come from the input
	f.userGroups = []string{"g1"}
	out := run(t, f, in)
	sameOutput(t, out, `"" "" = { "stableid" = "new" "longid" = "new" "shortid" = "nw"
		"account" "new" = { "stableid" = "new" "shortid" = "nw" "fullname" = "" "group" "g1" = { } } `+okTail+` }`)
	want := CreateRequest{
		Account:    AccountRef{ID: "new", ShortID: "nw"},
		TemplateID: "tmpl",
		Template:   &Account{LongID: "tmpl", ShortID: "t", Attrs: attrs.New("dept", "x")},
		Password:   "New-pw",
		Attrs: Instructions{Default: ActionCopy, Attrs: []Instruction{
			{Name: "mail", Action: ActionValue, Sequence: SetWhileCreating, Group: 2, Values: []string{"a@x", "b@x"}},
			{Name: "uri", Action: ActionValue, Values: []string{"u1", "u2"}},
			{Name: "dept", Action: ActionReplace},
		}},
	}
	if diff := cmp.Diff(want, f.gotCreate); diff != "" {
		t.Errorf("CreateRequest (-want +got):\n%s", diff)
	}

	// An unknown template: code 8, whether the connector said 7, 1 or 8;
	// a more specific code stays.
	for _, tc := range []struct {
		err  error
		want Code
	}{{ErrInvalidUser, 8}, {errors.New("gone"), 8}, {ErrInvalidModelUser, 8}, {ErrAccessDenied, 11}, {context.DeadlineExceeded, 10}} {
		f := newFake()
		f.errs = map[string]error{"CheckTemplate": tc.err}
		code, _ := outcome(t, run(t, f, in))
		if code != tc.want || slices.Contains(f.calls, "Create new") {
			t.Errorf("CheckTemplate %v: retval %d calls %q; want %d and no Create", tc.err, code, f.calls, tc.want)
		}
	}

	// No modeluid: no CheckTemplate, no template.
	f = newFake()
	run(t, f, agentInput("operation", "create", "acctid", "new", "newpw", "N"))
	if slices.Contains(f.calls, "CheckTemplate ") || f.gotCreate.Template != nil {
		t.Errorf("create without modeluid: calls %q template %v", f.calls, f.gotCreate.Template)
	}

	// A create that happened stays a success when usergroups fails.
	f = newFake()
	f.account = Account{LongID: "new", ShortID: "nw", Groups: []string{"from-create"}}
	f.rowErr = map[string]error{"UserGroups": errors.New("listing broke")}
	out = run(t, f, in)
	code, msg := outcome(t, out)
	if code != 0 || !strings.Contains(msg, "usergroups failed: listing broke") {
		t.Errorf("usergroups failure after create: retval %d %q; want 0 and a note", code, msg)
	}
	if !strings.Contains(out, `"group" "from-create"`) || strings.Contains(out, `"group" "g1"`) {
		t.Errorf("usergroups failure: the account should keep Create's groups only:\n%s", out)
	}

	// A connector without the companions: Create alone.
	f = newFake()
	if code, msg := outcome(t, run(t, createOnly{f, f}, in)); code != 0 {
		t.Fatalf("create alone: %d %s", code, msg)
	}
	if !slices.Equal(f.calls, []string{"Create new"}) || f.gotCreate.Template != nil {
		t.Errorf("create alone: calls %q template %v", f.calls, f.gotCreate.Template)
	}
	// Create failing: its code, and no usergroups.
	f = newFake()
	f.errs = map[string]error{"Create": ErrAlreadyExists}
	if code, _ := outcome(t, run(t, f, in)); code != CodeObjectAlreadyExists || slices.Contains(f.calls, "UserGroups new") {
		t.Errorf("create exists: retval %d calls %q", code, f.calls)
	}
}

// TestDispatchCheckUserFirst: delete, update and userattributes run
// checkuser first only where the connector has it, and stop on its
// failure.
func TestDispatchCheckUserFirst(t *testing.T) {
	for _, op := range []string{"delete", "update", "userattributes"} {
		f := newFake()
		f.errs = map[string]error{"CheckUser": ErrInvalidUser}
		code, _ := outcome(t, run(t, f, agentInput("operation", op, "acctid", "a")))
		if code != CodeInvalidUser || !slices.Equal(f.calls, []string{"Connect", "CheckUser a"}) {
			t.Errorf("%s after failed checkuser: retval %d calls %q", op, code, f.calls)
		}
	}
	f := newFake()
	for _, c := range []Connector{deleteOnly{f, f}, updateOnly{f, f}, userAttrsOnly{f, f}} {
		f.calls = nil
		f.account = Account{LongID: "a", ShortID: "a"}
		op := map[Connector]string{deleteOnly{f, f}: "delete", updateOnly{f, f}: "update", userAttrsOnly{f, f}: "userattributes"}[c]
		code, msg := outcome(t, run(t, c, agentInput("operation", op, "acctid", "a")))
		if code != 0 || len(f.calls) != 1 || strings.HasPrefix(f.calls[0], "CheckUser") {
			t.Errorf("%s without a UserChecker: retval %d %s calls %q", op, code, msg, f.calls)
		}
	}
}

// TestDispatchAttributes: the instructions of create, update and
// groupcreate; malformed ones are ErrBadInput naming the attribute, and
// never quoting a value.
func TestDispatchAttributes(t *testing.T) {
	tests := []struct {
		name  string
		attrs string
		op    string
		msg   string // "" means valid
	}{
		{"unknown action", `"attribute" "mail" = { "ACTION" = "MERGE" "VALUE" = "secret-ish" }`, "create", `attribute "mail": ACTION is not VALUE, IGNORE, COPY or REPLACE`},
		{"non-integer sequence", `"attribute" "mail" = { "SEQUENCE" = "first" }`, "create", `attribute "mail": SEQUENCE is not an integer`},
		{"non-integer group", `"attribute" "mail" = { "GROUP" = "1.5" }`, "create", `attribute "mail": GROUP is not an integer`},
		{"empty name", `"attribute" "" = { "VALUE" = "v" }`, "create", `empty name`},
		{"same attribute twice", `"attribute" "mail" = { } "attribute" "MAIL" = { }`, "create", `attribute "MAIL" is given twice`},
		{"pair where a group belongs", `"attribute" = "mail"`, "create", `"attribute" must be a group`},
		{"action twice", `"attribute" "mail" = { "ACTION" = "VALUE" "ACTION" = "IGNORE" }`, "create", `ACTION is given twice`},
		{"sequence twice", `"attribute" "mail" = { "SEQUENCE" = "0" "SEQUENCE" = "0" }`, "create", `SEQUENCE is given twice`},
		{"default twice", `"DEFAULT-ACTION" = "COPY" "DEFAULT-ACTION" = "COPY"`, "create", `DEFAULT-ACTION is given twice`},
		{"bad default", `"DEFAULT-ACTION" = "NOPE"`, "create", `DEFAULT-ACTION is not`},
		{"other group", `"attr" "mail" = { }`, "create", `"attributes" holds a group "attr"`},
		{"bare value", `"mail"`, "create", `holds a bare value`},
		{"group in attribute", `"attribute" "mail" = { "X" "" = { } }`, "create", `attribute "mail" holds a group "X"`},
		{"pair in VALUE group", `"attribute" "mail" = { "VALUE" "" = { "a" = "b" } }`, "create", `attribute "mail": a VALUE group holds only bare values`},
		{"copy on update", `"attribute" "mail" = { "ACTION" = "COPY" }`, "update", `attribute "mail": ACTION is not VALUE or IGNORE`},
		{"copy default on update", `"DEFAULT-ACTION" = "REPLACE"`, "update", `DEFAULT-ACTION is not VALUE or IGNORE`},
		{"groupcreate malformed", `"attribute" "x" = { "ACTION" = "?" }`, "groupcreate", `attribute "x": ACTION`},
		{"custom malformed", `"attribute" "x" = { "SEQUENCE" = "?" }`, "custom", `attribute "x": SEQUENCE`},
		{"ignore on update", `"attribute" "mail" = { "ACTION" = "IGNORE" } "DEFAULT-ACTION" = "value"`, "update", ""},
		{"unknown keys ignored", `"attribute" "mail" = { "NAME" = "mail" } "other" = "x"`, "create", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			in := `"" "" = { "operation" = "` + tt.op + `" "acctid" = "a" "newpw" = "New-pw" "groupid" = "g" "customop" = "hello" "attributes" "" = { ` + tt.attrs + ` } }`
			code, msg := outcome(t, run(t, f, in))
			if tt.msg == "" {
				if code != 0 {
					t.Errorf("retval %d %s, want success", code, msg)
				}
				return
			}
			if code != CodeUnknownError || !strings.Contains(msg, tt.msg) || !strings.Contains(msg, "bad agent input") {
				t.Errorf("retval %d errmsg %q; want 1 with %q", code, msg, tt.msg)
			}
			if strings.Contains(msg, "secret-ish") {
				t.Errorf("errmsg quotes a value: %q", msg)
			}
			if len(f.calls) != 0 {
				t.Errorf("malformed attributes called %q", f.calls)
			}
		})
	}

	// What update and groupcreate get.
	f := newFake()
	run(t, f, `"" "" = { "operation" = "update" "acctid" = "a" "attributes" "" = {
		"attribute" "mail" = { "ACTION" = "value" "VALUE" = "x" } "attribute" "uri" = { "ACTION" = "IGNORE" } } }`)
	wantIns := Instructions{Attrs: []Instruction{{Name: "mail", Action: ActionValue, Values: []string{"x"}}, {Name: "uri", Action: ActionIgnore}}}
	if diff := cmp.Diff(wantIns, f.gotUpdate); diff != "" {
		t.Errorf("update instructions (-want +got):\n%s", diff)
	}
	f = newFake()
	run(t, f, `"" "" = { "operation" = "groupcreate" "groupid" = "g" "groupname" = "Gee" "attributes" "" = { "attribute" "d" = { "VALUE" = "x" } } }`)
	wantReq := GroupRequest{ID: "g", Name: "Gee", Attrs: Instructions{Attrs: []Instruction{{Name: "d", Action: ActionValue, Values: []string{"x"}}}}}
	if diff := cmp.Diff(wantReq, f.gotGroupReq); diff != "" {
		t.Errorf("GroupRequest (-want +got):\n%s", diff)
	}
}

// TestDispatchListAttributes: "listattributes" reaches listusers and
// userattributes.
func TestDispatchListAttributes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`"listattributes" "" = { }`, nil},
		{`"listattributes" "" = { "mail" "uri" }`, []string{"mail", "uri"}},
		{`"listattributes" "" = { "attr" = "mail" "" "x" }`, []string{"mail", "x"}},
		{`"listattributes" = "mail"`, []string{"mail"}},
		{`"listattributes" = ""`, nil},
	}
	for _, tt := range tests {
		for _, op := range []string{"listusers", "userattributes"} {
			f := newFake()
			out := run(t, f, `"" "" = { "operation" = "`+op+`" "acctid" = "bob" `+tt.in+` }`)
			if code, msg := outcome(t, out); code != 0 {
				t.Fatalf("%s %s: %d %s", op, tt.in, code, msg)
			}
			if diff := cmp.Diff(tt.want, f.gotList.Attributes); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", op, tt.in, diff)
			}
		}
	}
}

// TestDispatchListingRules: every listing runs serverinfo first, fails
// without rows, and fails at a row that breaks the contract, after the
// rows before it.
func TestDispatchListingRules(t *testing.T) {
	listings := map[string]string{
		"listusers":       agentInput("operation", "listusers"),
		"listgroups":      agentInput("operation", "listgroups"),
		"listmembers":     agentInput("operation", "listmembers", "groupid", "g1"),
		"listcomputers":   agentInput("operation", "listcomputers", "k_resourceType", "ls_compwkstn"),
		"listsubscribers": agentInput("operation", "listsubscribers", "k_resourceType", "ls_cusacct"),
	}
	for op, in := range listings {
		f := newFake()
		f.errs = map[string]error{"ServerInfo": WithCode(CodeInvalidServer, errors.New("no server"))}
		code, msg := outcome(t, run(t, f, in))
		if code != CodeInvalidServer || !strings.Contains(msg, "serverinfo failed") || len(f.calls) != 2 {
			t.Errorf("%s with failing serverinfo: retval %d %q calls %q", op, code, msg, f.calls)
		}

		f = newFake()
		f.users, f.groups, f.members, f.computers, f.subscribers = nil, nil, nil, nil, nil
		code, msg = outcome(t, run(t, f, in))
		if code != CodeUnknownError || msg != "bsafe: "+op+" returned no rows" {
			t.Errorf("%s without rows: retval %d %q", op, code, msg)
		}
	}
	f := newFake()
	f.userGroups = nil
	if code, msg := outcome(t, run(t, f, agentInput("operation", "usergroups", "acctid", "a"))); code != 1 || msg != "bsafe: usergroups returned no rows" {
		t.Errorf("usergroups without rows: %d %q", code, msg)
	}

	rowTests := []struct {
		name  string
		in    string
		setup func(f *fake)
		msg   string
		rows  string // the rows written before the failure
	}{
		{"account without shortid", listings["listusers"], func(f *fake) {
			f.users = []Account{{LongID: "u1", ShortID: "a"}, {LongID: "u2"}}
		}, "bsafe: listusers: row 2 has an empty SHORTID", `"account" "u1" = { "stableid" = "u1" "shortid" = "a" "fullname" = "" }`},
		{"account without longid", listings["listusers"], func(f *fake) {
			f.users = []Account{{ShortID: "a"}}
		}, "bsafe: listusers: row 1 has an empty LONGID", ``},
		{"iterator fails midway", listings["listusers"], func(f *fake) {
			f.users = []Account{{LongID: "u1", ShortID: "a"}}
			f.rowErr = map[string]error{"ListUsers": ErrTryAgainLater}
		}, "bsafe: try again later", `"account" "u1" = { "stableid" = "u1" "shortid" = "a" "fullname" = "" }`},
		{"group without longid", listings["listgroups"], func(f *fake) {
			f.groups = []Group{{LongID: "g1"}, {ShortID: "x"}}
		}, "bsafe: listgroups: row 2 has an empty group long ID", ``},
		{"group twice", listings["listgroups"], func(f *fake) {
			f.groups = []Group{{LongID: "g1"}, {LongID: "g2"}, {LongID: "g1", Owner: "other"}}
		}, `bsafe: listgroups: row 3 lists group "g1" again (a group has at most one owner)`, ``},
		{"member without longid", listings["listgroups"], func(f *fake) {
			f.groups = []Group{{LongID: "g1"}}
			f.members = map[string][]Member{"g1": {{LongID: "m1"}, {IsGroup: true}}}
		}, `bsafe: listmembers of group "g1": row 2 has an empty member long ID`,
			`"group" "g1" = { "stableid" = "g1" "shortid" = "" "description" = "" "owner" = "" "ownerisgroup" = "0" "member" "m1" = { "isgroup" = "0" } }`},
		{"members fail", listings["listgroups"], func(f *fake) {
			f.groups = []Group{{LongID: "g1"}}
			f.errs = map[string]error{"ListMembers": ErrInvalidGroup}
		}, `bsafe: listmembers of group "g1": bsafe: no such group`,
			`"group" "g1" = { "stableid" = "g1" "shortid" = "" "description" = "" "owner" = "" "ownerisgroup" = "0" }`},
		{"listmembers row", listings["listmembers"], func(f *fake) {
			f.members = map[string][]Member{"g1": {{}}}
		}, "bsafe: listmembers: row 1 has an empty member long ID", ``},
		{"computer without id", listings["listcomputers"], func(f *fake) {
			f.computers = []Computer{{Name: "x"}}
		}, "bsafe: listcomputers: row 1 has an empty id", ``},
		{"subscriber without uri", listings["listsubscribers"], func(f *fake) {
			f.subscribers = []Subscriber{{ID: "s"}}
		}, "bsafe: listsubscribers: row 1 has an empty uri", ``},
		{"subscriber without id or longid", listings["listsubscribers"], func(f *fake) {
			f.subscribers = []Subscriber{{URI: "u"}}
		}, "bsafe: listsubscribers: row 1 has neither an id nor a longid", ``},
		{"checkuser without shortid", agentInput("operation", "checkuser", "acctid", "a"), func(f *fake) {
			f.account = Account{LongID: "a"}
		}, "bsafe: checkuser: row 1 has an empty SHORTID", ``},
		{"checktemplate without longid", agentInput("operation", "checktemplate", "modeluid", "t"), func(f *fake) {
			f.template = Account{ShortID: "t"}
		}, "bsafe: checktemplate: row 1 has an empty LONGID", ``},
		{"usergroups empty id", agentInput("operation", "usergroups", "acctid", "a"), func(f *fake) {
			f.userGroups = []string{"g1", ""}
		}, "bsafe: usergroups: row 2 is an empty group long ID", `"group" "g1" = { }`},
	}
	for _, tt := range rowTests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			tt.setup(f)
			out := run(t, f, tt.in)
			code := CodeUnknownError
			if tt.name == "iterator fails midway" {
				code = CodeTryAgainLater
			}
			if tt.name == "members fail" {
				code = CodeInvalidGroup
			}
			sameOutput(t, out, fmt.Sprintf(`"" "" = { %s "retval" = "%d" "errmsg" = %q }`, tt.rows, code, tt.msg))
		})
	}
}

// TestDispatchListGroupsWithoutMembers: a GroupLister without
// MemberLister lists the groups alone.
func TestDispatchListGroupsWithoutMembers(t *testing.T) {
	f := newFake()
	out := run(t, groupsOnly{f, f}, agentInput("operation", "listgroups"))
	sameOutput(t, out, `"" "" = { "group" "g1" = { "stableid" = "g1" "shortid" = "G1" "description" = "" "owner" = "" "ownerisgroup" = "0" } `+okTail+` }`)
	if !slices.Equal(f.calls, []string{"ServerInfo", "ListGroups", "ListGroups done"}) {
		t.Errorf("calls %q", f.calls)
	}
}

// TestDispatchCustom: the three output types, and the file of multiple.
func TestDispatchCustom(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "rows.kvg")
	f := newFake()
	f.customRows = []CustomRow{{ID: "r1", Attrs: attrs.New("a", "1")}, {ID: "r2"}}
	out := run(t, f, `"" "" = { "operation" = "custom" "customop" = "many" "customfilename" = "`+file+`"
		"acctid" = "a" "groupid" = "g" "groupname" = "G" "modeluid" = "m" "x-extra" = "e" "x-extra" = "f"
		"attributes" "" = { "attribute" "k" = { "VALUE" = "v" } } "termdebug" "" = { "port" = "1" } }`)
	sameOutput(t, out, `"" "" = { `+okTail+` }`)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sameOutput(t, string(data), `"" "" = { "custom" "r1" = { "attr" "a" = { "value" = "1" } } "custom" "r2" = { } }`)
	wantReq := CustomRequest{Op: "many", Account: AccountRef{ID: "a"}, GroupID: "g", GroupName: "G", TemplateID: "m",
		Attrs: Instructions{Attrs: []Instruction{{Name: "k", Action: ActionValue, Values: []string{"v"}}}},
		Extra: attrs.Values{{Name: "x-extra", Values: []string{"e", "f"}}}}
	if diff := cmp.Diff(wantReq, f.gotCustom); diff != "" {
		t.Errorf("CustomRequest (-want +got):\n%s", diff)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v %v, want 0600", st.Mode(), err)
	}

	// A failure midway leaves no file, and no temporary one.
	file2 := filepath.Join(dir, "broken.kvg")
	f = newFake()
	f.rowErr = map[string]error{"Custom": errors.New("row 3 broke")}
	code, msg := outcome(t, run(t, f, agentInput("operation", "custom_many", "customfilename", file2)))
	if code != 1 || msg != "row 3 broke" {
		t.Errorf("failing multiple: %d %q", code, msg)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("after a failure the directory holds %d entries, want only rows.kvg: %v", len(entries), entries)
	}
	// An unwritable place is a failure, not a panic.
	code, _ = outcome(t, run(t, newFake(), agentInput("operation", "custom_many", "customfilename", filepath.Join(dir, "no", "such", "dir", "x"))))
	if code != CodeUnknownError {
		t.Errorf("unwritable customfilename: retval %d", code)
	}

	// single: zero or two rows fail.
	for _, n := range []int{0, 2} {
		f := newFake()
		f.customRows = make([]CustomRow, n)
		code, msg := outcome(t, run(t, f, agentInput("operation", "custom", "customop", "one")))
		if code != 1 || !strings.Contains(msg, "single") {
			t.Errorf("single with %d rows: %d %q", n, code, msg)
		}
	}
	// none: the rows are drained, an error in them counts.
	f = newFake()
	f.customRows = make([]CustomRow, 5)
	f.rowErr = map[string]error{"Custom": ErrDenied}
	if code, _ := outcome(t, run(t, f, agentInput("operation", "custom", "customop", "hello"))); code != CodeDenied {
		t.Errorf("none with a failing row: retval %d, want 42", code)
	}
	// A declared op of an unknown output type is the connector's fault.
	f = newFake()
	f.customOps = []CustomOperation{{Name: "odd", Output: "lots"}}
	if code, msg := outcome(t, run(t, f, agentInput("operation", "custom_odd"))); code != 1 || !strings.Contains(msg, "unknown output type") || len(f.calls) != 0 {
		t.Errorf("unknown output type: %d %q %q", code, msg, f.calls)
	}
}

// TestDispatchWriteError: Dispatch returns an error only when out fails.
func TestDispatchWriteError(t *testing.T) {
	in, _ := kvgroup.ParseString(agentInput("operation", "listusers"))
	f := newFake()
	f.users = make([]Account, 5000)
	for i := range f.users {
		f.users[i] = Account{LongID: fmt.Sprint("u", i), ShortID: "s"}
	}
	w := &failingWriter{after: 10000}
	err := Dispatch(context.Background(), f, in, kvgroup.NewEncoder(w))
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("Dispatch on a failing writer: %v, want errDiskFull", err)
	}
	// An operation failure is not Dispatch's error.
	f = newFake()
	f.errs = map[string]error{"ServerInfo": errors.New("down")}
	var b strings.Builder
	in, _ = kvgroup.ParseString(agentInput("operation", "serverinfo"))
	if err := Dispatch(context.Background(), f, in, kvgroup.NewEncoder(&b)); err != nil {
		t.Fatalf("operation failure returned %v", err)
	}
	// A nil input is an input without an operation.
	b.Reset()
	if err := Dispatch(context.Background(), f, nil, kvgroup.NewEncoder(&b)); err != nil {
		t.Fatal(err)
	}
	if code, _ := outcome(t, b.String()); code != CodeOperationNotSupported {
		t.Errorf("nil input: retval %d", code)
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{ n, after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.after {
		return 0, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}
