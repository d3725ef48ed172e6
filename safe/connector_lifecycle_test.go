package safe_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// notConnectedOps runs every operation of k and reports each one's error.
func notConnectedOps(ctx context.Context, k *safe.Connector) map[string]error {
	acct := ref("Active Directory")
	first := func(seq func(func(any, error) bool)) error {
		var err error
		seq(func(_ any, e error) bool { err = e; return false })
		return err
	}
	errs := map[string]error{}
	_, errs["ServerInfo"] = k.ServerInfo(ctx)
	_, errs["Verify"] = k.Verify(ctx, acct, "sensitive-pw")
	_, errs["AdminVerify"] = k.AdminVerify(ctx, acct, "sensitive-pw")
	errs["Change"] = k.Change(ctx, acct, "sensitive-old", "sensitive-new")
	errs["Reset"] = k.Reset(ctx, acct, "sensitive-new")
	errs["VerifyReset"] = k.VerifyReset(ctx, acct, "sensitive-new")
	errs["Delete"] = k.Delete(ctx, acct)
	_, errs["Create"] = k.Create(ctx, bsafe.CreateRequest{Account: bsafe.AccountRef{ID: "x"}, Password: "sensitive-new"})
	_, errs["Update"] = k.Update(ctx, acct, bsafe.Instructions{})
	errs["AddToGroup"] = k.AddToGroup(ctx, acct, "g")
	errs["RemoveFromGroup"] = k.RemoveFromGroup(ctx, acct, "g")
	_, errs["CreateGroup"] = k.CreateGroup(ctx, bsafe.GroupRequest{Name: "g"})
	errs["DeleteGroup"] = k.DeleteGroup(ctx, "g")
	_, errs["CheckUser"] = k.CheckUser(ctx, acct)
	_, errs["UserAttributes"] = k.UserAttributes(ctx, acct, bsafe.ListOptions{})
	_, errs["CheckTemplate"] = k.CheckTemplate(ctx, "t")
	errs["ListUsers"] = first(func(y func(any, error) bool) {
		for v, err := range k.ListUsers(ctx, bsafe.ListOptions{}) {
			if !y(v, err) {
				return
			}
		}
	})
	errs["ListGroups"] = first(func(y func(any, error) bool) {
		for v, err := range k.ListGroups(ctx) {
			if !y(v, err) {
				return
			}
		}
	})
	errs["ListMembers"] = first(func(y func(any, error) bool) {
		for v, err := range k.ListMembers(ctx, "g") {
			if !y(v, err) {
				return
			}
		}
	})
	errs["UserGroups"] = first(func(y func(any, error) bool) {
		for v, err := range k.UserGroups(ctx, acct) {
			if !y(v, err) {
				return
			}
		}
	})
	return errs
}

// TestConnectorZeroValue: the zero Connector panics nowhere: every
// operation is code 3, Connect is bad input pointing at NewConnector, and
// it prints as not connected.
func TestConnectorZeroValue(t *testing.T) {
	t.Parallel()
	var k safe.Connector
	for name, err := range notConnectedOps(t.Context(), &k) {
		wantCode(t, "zero Connector: "+name, err, bsafe.CodeNotConnected)
	}
	_, err := k.Connect(t.Context(), bsafe.Target{})
	if !errors.Is(err, bsafe.ErrBadInput) {
		t.Errorf("zero Connector: Connect: %v, want bsafe.ErrBadInput", err)
	}
	if want := "safe.Connector(not connected)"; fmt.Sprintf("%v %+v %#v", &k, &k, &k) != want+" "+want+" "+want {
		t.Errorf("zero Connector prints as %v", &k)
	}
	if err := k.Close(); err != nil {
		t.Errorf("zero Connector: Close: %v", err)
	}
}

// TestConnectorClose: Close logs out every cached session: the root
// Connector and the Connectors pinned to those sessions then report code 3
// for every operation, and a later Connect logs in anew.
func TestConnectorClose(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	pin := pinner(t)
	t2, _ := e.secondTeam(t, "Second Team", "sensitive-ad2-pw")
	a := pin(e.k.Connect(ctx, e.target))
	b := pin(e.k.Connect(ctx, t2))
	if err := a.Close(); err != nil { // any Connector of the pool closes it all
		t.Fatalf("Close: %v", err)
	}
	for who, k := range map[string]*safe.Connector{"root": e.k, "A": a, "B": b} {
		for name, err := range notConnectedOps(ctx, k) {
			wantCode(t, who+" after Close: "+name, err, bsafe.CodeNotConnected)
		}
	}
	if s := fmt.Sprint(e.k); s != "safe.Connector(not connected)" {
		t.Errorf("root after Close prints as %s", s)
	}
	if n := e.logins.Load(); n != 2 {
		t.Fatalf("%d logins before Close, want 2", n)
	}
	a2 := pin(e.k.Connect(ctx, e.target))
	if n := e.logins.Load(); n != 3 {
		t.Errorf("%d logins after Close and Connect, want 3 (a new login)", n)
	}
	if ok, err := a2.Verify(ctx, ref(e.ad), "sensitive-ad-pw"); err != nil || !ok {
		t.Errorf("Verify after Close and Connect: %v, %v", ok, err)
	}
}

// TestConnectorLoginsPerTarget: a login that hangs on one target does not
// hold up a Connect to another; a Connect for the hanging target whose ctx
// is done gives up; once released, the hanging login completes and the
// waiting Connects share it.
func TestConnectorLoginsPerTarget(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	t2, ad2 := e.secondTeam(t, "Second Team", "sensitive-ad2-pw")
	hung, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		first := false
		if r.URL.Path == "/identity/connect/token" {
			once.Do(func() { first = true })
		}
		if first { // the first login hangs until the test releases it
			close(hung)
			select {
			case <-release:
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}
		return next.RoundTrip(r)
	})
	type result struct {
		c   bsafe.Connector
		err error
	}
	hanging := make(chan result, 1)
	go func() {
		c, err := e.k.Connect(ctx, e.target)
		hanging <- result{c, err}
	}()
	<-hung

	// Another team: its own login, not held up by the hanging one.
	b, err := e.k.Connect(ctx, t2)
	if err != nil {
		t.Fatalf("Connect to another team while a login hangs: %v", err)
	}
	if ok, err := b.(*safe.Connector).Verify(ctx, ref(ad2), "sensitive-ad2-pw"); err != nil || !ok {
		t.Errorf("Verify on the other team: %v, %v", ok, err)
	}

	// The hanging target, with a ctx that is done: it gives up rather than
	// wait for the hanging login.
	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = e.k.Connect(done, e.target)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Connect with a cancelled ctx while its target's login hangs: %v, want context.Canceled", err)
	}

	// A Connect for the hanging target waits for that login and shares it.
	waiter := make(chan result, 1)
	go func() {
		c, err := e.k.Connect(ctx, e.target)
		waiter <- result{c, err}
	}()
	close(release)
	for _, ch := range []chan result{hanging, waiter} {
		r := <-ch
		if r.err != nil {
			t.Fatalf("Connect to the released target: %v", r.err)
		}
		if ok, err := r.c.(*safe.Connector).Verify(ctx, ref(e.ad), "sensitive-ad-pw"); err != nil || !ok {
			t.Errorf("Verify on the released target: %v, %v", ok, err)
		}
	}
	if n := e.logins.Load(); n != 2 {
		t.Errorf("%d logins, want 2 (one per target)", n)
	}
}
