package bsafe

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

type verifyLockReset struct {
	Connector
	hasVerify
	hasLock
	hasReset
}

// TestDispatchVerifyResetOnALocker: on a target with a lockout, the
// verifyreset fallback resets without verifying, so that the password
// about to be set is never counted as an intruder's guess.
func TestDispatchVerifyResetOnALocker(t *testing.T) {
	f := newFake()
	f.result = false
	in := agentInput("operation", "verifyreset", "acctid", "a", "newpw", "N")
	if code, msg := outcome(t, run(t, verifyLockReset{f, f, f, f}, in)); code != CodeSuccess {
		t.Fatalf("retval %d %s", code, msg)
	}
	if !slices.Equal(f.calls, []string{"Reset a"}) {
		t.Errorf("calls %q, want Reset alone (no Verify on a Locker)", f.calls)
	}
}

// lister is a connector whose ListUsers is the iterator it holds.
type lister struct {
	Connector
	seq iter.Seq2[Account, error]
}

func (l lister) ListUsers(context.Context, ListOptions) iter.Seq2[Account, error] { return l.seq }

// panicky panics in ServerInfo.
type panicky struct{}

func (panicky) ServerInfo(context.Context) (ServerInfo, error) {
	panic("sensitive-panic-value")
}

// TestDispatchSurvivesConnectorPanics: a connector that panics, a nil
// iterator, an iterator that goes on after yield said stop, and a nil
// connector each give ACImplementerFailure, and an output that parses;
// the panic's value is not in it.
func TestDispatchSurvivesConnectorPanics(t *testing.T) {
	f := newFake()
	// A listing stops at a bad row, and this sloppy iterator yields again
	// after being told to stop, which the range machinery turns into a
	// panic.
	badRow := func(yield func(Account, error) bool) {
		yield(Account{LongID: ""}, nil)
		yield(Account{LongID: "u2", ShortID: "b"}, nil)
	}
	for _, tc := range []struct {
		name string
		c    Connector
		in   string
	}{
		{"panic in a method", panicky{}, agentInput("operation", "serverinfo")},
		{"nil iterator", lister{f, nil}, agentInput("operation", "listusers")},
		{"yield after stop", lister{f, badRow}, agentInput("operation", "listusers")},
		{"nil connector", nil, agentInput("operation", "serverinfo")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := run(t, tc.c, tc.in)
			code, msg := outcome(t, out)
			if code != CodeImplementerFailure {
				t.Errorf("retval %d (%s), want %d", code, msg, CodeImplementerFailure)
			}
			if strings.Contains(out, "sensitive-") {
				t.Errorf("the panic's value is in the output:\n%s", out)
			}
		})
	}
}

// bound is a connector Connect returns: it has Reset, and records the
// calls in its own fake.
type bound struct {
	Connector
	hasReset
}

// switcher's Connect returns the connector its field names.
type switcher struct {
	*fake
	next Connector
}

func (s switcher) Connect(ctx context.Context, t Target) (Connector, error) {
	s.fake.target = t
	return s.next, nil
}

// TestDispatchRunsOnWhatConnectReturns: the operation runs on the
// connector Connect returned, never on the receiver; one that cannot run
// it is ACOperationNotSupported; a nil one is ACImplementerFailure.
func TestDispatchRunsOnWhatConnectReturns(t *testing.T) {
	in := agentInput("operation", "reset", "acctid", "a", "newpw", "N")
	parent, child := newFake(), newFake()
	if code, msg := outcome(t, run(t, switcher{parent, bound{child, child}}, in)); code != CodeSuccess {
		t.Fatalf("retval %d %s", code, msg)
	}
	if len(parent.calls) != 0 || !slices.Equal(child.calls, []string{"Reset a"}) {
		t.Errorf("calls: receiver %q, returned %q; want the reset on the returned connector only", parent.calls, child.calls)
	}
	if code, _ := outcome(t, run(t, switcher{newFake(), ServerInfoOnly{}}, in)); code != CodeOperationNotSupported {
		t.Errorf("a returned connector without Reset: retval %d, want 2", code)
	}
	if code, _ := outcome(t, run(t, switcher{newFake(), nil}, in)); code != CodeImplementerFailure {
		t.Errorf("a nil connector from Connect: retval %d, want 20", code)
	}
}

// ServerInfoOnly implements nothing but the required interface.
type ServerInfoOnly struct{}

func (ServerInfoOnly) ServerInfo(context.Context) (ServerInfo, error) { return ServerInfo{}, nil }

// TestRequestsHidePasswords: a Fixture, Target, CreateRequest or
// CustomRequest printed (with any verb, alone or nested), logged or
// marshalled keeps its passwords to itself.
func TestRequestsHidePasswords(t *testing.T) {
	values := []any{
		Fixture{Account: AccountRef{ID: "acct"}, Password: "sensitive-old", NewPassword: "sensitive-new", Group: "g"},
		Target{AdminID: "acct", AdminPassword: "sensitive-admin", SysID: "user.1", SysPassword: "sensitive-sys"},
		CreateRequest{Account: AccountRef{ID: "acct"}, Password: "sensitive-new"},
		CustomRequest{Op: "x", Account: AccountRef{ID: "acct"}, OldPassword: "sensitive-old", NewPassword: "sensitive-new"},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q", "%t"}
	for _, v := range values {
		var shown []string
		for _, verb := range verbs {
			shown = append(shown, fmt.Sprintf(verb, v), fmt.Sprintf(verb, []any{v}),
				fmt.Sprintf(verb, struct{ In any }{v}))
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var logged strings.Builder
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("value", "v", v)
		slog.New(slog.NewTextHandler(&logged, nil)).Info("value", "v", v)
		shown = append(shown, string(j), logged.String())
		for _, s := range shown {
			if strings.Contains(s, "sensitive-") {
				t.Errorf("%T: a password shows: %s", v, s)
			}
		}
		if !strings.Contains(fmt.Sprint(v), "acct") {
			t.Errorf("%T: the account does not show: %v", v, v)
		}
	}
}

// declaring is a custom operator whose declarations are its field.
type declaring struct {
	*fake
	ops []CustomOperation
}

func (c declaring) CustomOperations() []CustomOperation { return c.ops }

// TestDispatchCustomDeclarationsOfTheBoundConnector: a custom operation
// runs by the declarations of the connector Connect returned, not the
// receiver's.
func TestDispatchCustomDeclarationsOfTheBoundConnector(t *testing.T) {
	in := agentInput("operation", "custom", "customop", "op")
	parent, child := newFake(), newFake()
	c := customSwitcher{declaring{parent, []CustomOperation{{"op", OutputNone}}}, declaring{child, nil}}
	if code, msg := outcome(t, run(t, c, in)); code != CodeOperationNotSupported {
		t.Errorf("an operation the bound connector does not declare: retval %d %s, want 2", code, msg)
	}
	c = customSwitcher{declaring{parent, []CustomOperation{{"op", OutputNone}}}, declaring{child, []CustomOperation{{"op", OutputMultiple}}}}
	if code, msg := outcome(t, run(t, c, in)); code != CodeUnknownError || !strings.Contains(msg, "customfilename") {
		t.Errorf("declared multiple by the bound connector, no customfilename: retval %d %s, want bad input", code, msg)
	}
	if slices.ContainsFunc(child.calls, func(s string) bool { return strings.HasPrefix(s, "Custom") }) {
		t.Errorf("the custom operation ran on bad input: %q", child.calls)
	}
}

// customSwitcher is a custom operator whose Connect returns next.
type customSwitcher struct {
	declaring
	next Connector
}

func (s customSwitcher) Connect(context.Context, Target) (Connector, error) { return s.next, nil }

// TestDispatchPanicNamesItsType: the panic's type is named, its value not.
func TestDispatchPanicNamesItsType(t *testing.T) {
	_, msg := outcome(t, run(t, panicky{}, agentInput("operation", "serverinfo")))
	if !strings.Contains(msg, "(a string)") || strings.Contains(msg, "sensitive-") {
		t.Errorf("errmsg %q: want the panic's type and not its value", msg)
	}
}
