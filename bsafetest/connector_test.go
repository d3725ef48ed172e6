package bsafetest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/bsafetest"
)

func TestServerInfo(t *testing.T) {
	c := bsafetest.New()
	if info, err := c.ServerInfo(ctx); err != nil || info != (bsafe.ServerInfo{Name: "bsafetest", Version: "1"}) {
		t.Errorf("ServerInfo = %v, %v", info, err)
	}
	c.SetServerInfo(bsafe.ServerInfo{Name: "other", Version: "2.0"})
	if info, _ := c.ServerInfo(ctx); info.Version != "2.0" {
		t.Errorf("after SetServerInfo: %v", info)
	}
}

func TestRequireCredentials(t *testing.T) {
	c := target(t)
	if _, ok := c.Target(); ok {
		t.Error("Target before any Connect")
	}
	// Without RequireCredentials, any target connects, and is recorded.
	must(t, connectErr(c.Connect(ctx, bsafe.Target{Address: "anything"})))
	if tg, ok := c.Target(); !ok || tg.Address != "anything" {
		t.Errorf("Target = %v, %t", tg, ok)
	}

	c.RequireCredentials("admin", "sensitive-admin")
	_, err := c.ServerInfo(ctx)
	wantErr(t, "ServerInfo before Connect", err, bsafe.ErrNotConnected)
	wantErr(t, "Reset before Connect", c.Reset(ctx, alice, "x"), bsafe.ErrNotConnected)
	for _, err := range c.ListUsers(ctx, bsafe.ListOptions{}) {
		wantErr(t, "ListUsers before Connect", err, bsafe.ErrNotConnected)
	}
	wantErr(t, "Connect with a wrong password", connectErr(c.Connect(ctx, bsafe.Target{AdminID: "admin", AdminPassword: "sensitive-wrong"})), bsafe.ErrAccessDenied)
	wantErr(t, "Connect as another admin", connectErr(c.Connect(ctx, bsafe.Target{AdminID: "root", AdminPassword: "sensitive-admin"})), bsafe.ErrAccessDenied)
	must(t, connectErr(c.Connect(ctx, bsafe.Target{AdminID: "admin", AdminPassword: "sensitive-admin"})))
	if _, err := c.ServerInfo(ctx); err != nil {
		t.Errorf("ServerInfo after Connect: %v", err)
	}
	// A failed Connect logs out.
	if _, err := c.Connect(ctx, bsafe.Target{AdminID: "admin"}); err == nil {
		t.Fatalf("Connect without the password succeeded")
	}
	_, err = c.CheckUser(ctx, alice)
	wantErr(t, "CheckUser after a failed Connect", err, bsafe.ErrNotConnected)
}

func TestContextEnded(t *testing.T) {
	c := target(t)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	wantErr(t, "Reset", c.Reset(cctx, alice, "x"), context.Canceled)
	if lookup(t, c, "u-alice").Password != alicePW {
		t.Error("a cancelled Reset set the password")
	}
	_, err := c.Verify(cctx, alice, alicePW)
	wantErr(t, "Verify", err, context.Canceled)
	for _, err := range c.ListUsers(cctx, bsafe.ListOptions{}) {
		wantErr(t, "ListUsers", err, context.Canceled)
	}
	// A context that ends during a listing ends it with the error.
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-bert"}))
	lctx, lcancel := context.WithCancel(ctx)
	defer lcancel()
	var rows []string
	var last error
	for a, err := range c.ListUsers(lctx, bsafe.ListOptions{}) {
		if err != nil {
			last = err
			break
		}
		rows = append(rows, a.LongID)
		lcancel()
	}
	if !slices.Equal(rows, []string{"u-alice"}) || !errors.Is(last, context.Canceled) {
		t.Errorf("listing cancelled after the first row: rows %q, error %v", rows, last)
	}
}

var errInjected = errors.New("injected")

func TestFaultBefore(t *testing.T) {
	c := target(t)
	var calls []bsafetest.Call
	c.SetFault(func(call bsafetest.Call) error {
		calls = append(calls, call)
		if call.Op == bsafe.OpReset && !call.Applied {
			return errInjected
		}
		return nil
	})
	wantErr(t, "Reset with a fault before", c.Reset(ctx, alice, "sensitive-new"), errInjected)
	if lookup(t, c, "u-alice").Password != alicePW {
		t.Error("a Reset failed before running set the password")
	}
	must(t, c.AddToGroup(ctx, alice, "g-empty"))
	want := []bsafetest.Call{
		{Op: bsafe.OpReset, Account: "u-alice"},
		{Op: bsafe.OpGroupUserAdd, Account: "u-alice", Group: "g-empty"},
		{Op: bsafe.OpGroupUserAdd, Account: "u-alice", Group: "g-empty", Applied: true},
	}
	if !slices.Equal(calls, want) {
		t.Errorf("the fault saw %+v, want %+v", calls, want)
	}
}

// A fault after the write: the change stays and the error is returned,
// as when a target applies a write and its answer is lost.
func TestFaultAfter(t *testing.T) {
	c := target(t)
	c.SetFault(func(call bsafetest.Call) error {
		if call.Applied {
			return fmt.Errorf("%s: answer lost: %w", call.Op, bsafe.ErrTimeout)
		}
		return nil
	})
	wantErr(t, "Reset with a lost answer", c.Reset(ctx, alice, "sensitive-new"), bsafe.ErrTimeout)
	if lookup(t, c, "u-alice").Password != "sensitive-new" {
		t.Error("the Reset whose answer was lost did not take")
	}
	_, err := c.Create(ctx, bsafe.CreateRequest{Account: bob, Password: "p"})
	wantErr(t, "Create with a lost answer", err, bsafe.ErrTimeout)
	if _, ok := c.Lookup("u-bob"); !ok {
		t.Error("the Create whose answer was lost did not take")
	}
	// A retry sees the applied write.
	c.SetFault(nil)
	_, err = c.Create(ctx, bsafe.CreateRequest{Account: bob, Password: "p"})
	wantErr(t, "Create retried", err, bsafe.ErrAlreadyExists)
	// Reads have no second call.
	if _, err := c.CheckUser(ctx, alice); err != nil {
		t.Error(err)
	}
}

func TestFaultOnListing(t *testing.T) {
	c := target(t)
	c.SetFault(func(call bsafetest.Call) error {
		if call.Op == bsafe.OpListUsers {
			return bsafe.ErrTryAgainLater
		}
		return nil
	})
	n := 0
	for _, err := range c.ListUsers(ctx, bsafe.ListOptions{}) {
		n++
		wantErr(t, "ListUsers with a fault", err, bsafe.ErrTryAgainLater)
	}
	if n != 1 {
		t.Errorf("a failing listing yielded %d times, want once", n)
	}
}

// The fault function and a listing's loop body may call the Connector:
// neither runs with its lock held.
func TestCallbacksDoNotDeadlock(t *testing.T) {
	c := target(t)
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-bert", Password: "p"}))
	c.SetFault(func(call bsafetest.Call) error {
		if call.Op == bsafe.OpReset {
			_, ok := c.Lookup(call.Account)
			if !ok {
				return bsafe.ErrInvalidUser
			}
		}
		return nil
	})
	for a, err := range c.ListUsers(ctx, bsafe.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		// Deleting during the listing: the listing is a snapshot.
		must(t, c.Reset(ctx, bsafe.AccountRef{ID: a.LongID}, "sensitive-new"))
		must(t, c.Delete(ctx, bsafe.AccountRef{ID: a.LongID}))
	}
	if _, ok := c.Lookup("u-bert"); ok {
		t.Error("the listing did not reach the second account")
	}
}

// Many goroutines at once: run with -race. Each goroutine works on its
// own account, so the final state of each is known.
func TestConcurrentUse(t *testing.T) {
	c := bsafetest.New()
	must(t, c.AddGroup(bsafe.Group{LongID: "g"}))
	const n = 8
	for i := range n {
		must(t, c.AddAccount(bsafetest.AccountSpec{ID: fmt.Sprint("u", i), Password: "p0"}))
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			acct := bsafe.AccountRef{ID: fmt.Sprint("u", i)}
			for j := range 20 {
				pw := fmt.Sprint("p", j+1)
				if err := c.Reset(ctx, acct, pw); err != nil {
					t.Error(err)
				}
				if ok, err := c.Verify(ctx, acct, pw); !ok || err != nil {
					t.Errorf("%s: Verify of the password just set: %t, %v", acct.ID, ok, err)
				}
				if err := c.AddToGroup(ctx, acct, "g"); err != nil {
					t.Error(err)
				}
				for range c.ListMembers(ctx, "g") {
				}
				if err := c.RemoveFromGroup(ctx, acct, "g"); err != nil {
					t.Error(err)
				}
				for range c.ListUsers(ctx, bsafe.ListOptions{}) {
				}
			}
		})
	}
	wg.Wait()
	for i := range n {
		if a := lookup(t, c, fmt.Sprint("u", i)); a.Password != "p20" || len(a.Groups) != 0 {
			t.Errorf("account %d ends as %v, password p20: %t", i, a, a.Password == "p20")
		}
	}
}

func TestZeroValue(t *testing.T) {
	var c bsafetest.Connector
	if _, err := c.CheckUser(ctx, alice); !errors.Is(err, bsafe.ErrInvalidUser) {
		t.Errorf("CheckUser on the zero target: %v", err)
	}
	must(t, c.AddGroup(bsafe.Group{LongID: "g"}))
	must(t, c.AddTemplate(bsafetest.AccountSpec{ID: "t"}))
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-alice", Password: "p", Groups: []string{"g"}}))
	if _, err := c.Create(ctx, bsafe.CreateRequest{Account: bob, TemplateID: "t", Password: "p"}); err != nil {
		t.Error(err)
	}
	if _, err := c.CreateGroup(ctx, bsafe.GroupRequest{ID: "g2"}); err != nil {
		t.Error(err)
	}
	if ok, err := c.Verify(ctx, alice, "p"); !ok || err != nil {
		t.Errorf("Verify on the zero target: %t, %v", ok, err)
	}
}

// connectErr is the error of a Connect, which returns the connector
// itself on success.
func connectErr(_ bsafe.Connector, err error) error { return err }
