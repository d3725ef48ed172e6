package safe_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// How two callers of one Connector with different targets stay apart:
// every operation runs on the target of the Connect that returned its
// Connector, whatever Connects came after.

// adName is the name e.ad has, and secondTeam's item too.
const adName = "Active Directory"

// secondTeam adds another team of the administrator, with a login item
// named adName (as e.ad in the first team) and its own password. It
// returns the target of that team and the item's ID.
func (e *connEnv) secondTeam(t *testing.T, name, password string) (bsafe.Target, string) {
	t.Helper()
	team, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	col, err := e.srv.AddCollection(team, "BONNIL")
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.srv.AddItem(team, safetest.Item{Name: adName, CollectionIDs: []string{col.ID},
		Login: &safetest.Login{Username: "bonnil", Password: password}})
	if err != nil {
		t.Fatal(err)
	}
	tt := e.target
	tt.Options = tt.Options.Clone()
	tt.Options.Set("organizationName", name)
	return tt, id
}

// pinner returns pin, which takes what Connect returned and is the
// *safe.Connector, failing the test on an error.
func pinner(t *testing.T) func(bsafe.Connector, error) *safe.Connector {
	return func(c bsafe.Connector, err error) *safe.Connector {
		t.Helper()
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		k, ok := c.(*safe.Connector)
		if !ok || k == nil {
			t.Fatalf("Connect returned %T, want a *safe.Connector", c)
		}
		return k
	}
}

// TestConnectorPinnedTargets is the reviewer's probe: A connects to team
// 1, B to team 2, then A resets the item by its name, which both teams
// have. A's reset must change team 1's item and never team 2's, and B's
// the other way round. The Connector itself follows the last Connect; a
// failed Connect leaves it not connected, and A and B on their targets.
func TestConnectorPinnedTargets(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	pin := pinner(t)
	t2, ad2 := e.secondTeam(t, "Second Team", "sensitive-ad2-pw")
	a := pin(e.k.Connect(ctx, e.target))
	b := pin(e.k.Connect(ctx, t2))

	if err := a.Reset(ctx, bsafe.AccountRef{ID: adName}, "sensitive-a"); err != nil {
		t.Fatalf("A's reset: %v", err)
	}
	if got := e.stored(t, e.ad).Login.Password; got != "sensitive-a" {
		t.Errorf("A's reset did not change team 1's item")
	}
	if got := e.stored(t, ad2).Login.Password; got != "sensitive-ad2-pw" {
		t.Errorf("A's reset changed team 2's item")
	}
	if err := b.Reset(ctx, bsafe.AccountRef{ID: adName}, "sensitive-b"); err != nil {
		t.Fatalf("B's reset: %v", err)
	}
	if e.stored(t, ad2).Login.Password != "sensitive-b" || e.stored(t, e.ad).Login.Password != "sensitive-a" {
		t.Errorf("B's reset did not change team 2's item only")
	}
	for _, c := range []struct {
		name string
		k    *safe.Connector
		id   string
	}{{"A", a, e.ad}, {"B", b, ad2}} {
		acct, err := c.k.CheckUser(ctx, bsafe.AccountRef{ID: adName})
		if err != nil || acct.LongID != c.id {
			t.Errorf("%s's CheckUser by name: %s, %v; want its own team's item %s", c.name, acct.LongID, err, c.id)
		}
	}
	if s := fmt.Sprint(a); !strings.Contains(s, e.team.ID) {
		t.Errorf("A prints as %s, want its team %s", s, e.team.ID)
	}

	// The Connector itself runs on the last Connect's target (team 2).
	if ok, err := e.k.Verify(ctx, bsafe.AccountRef{ID: adName}, "sensitive-b"); err != nil || !ok {
		t.Errorf("direct Verify after B's Connect: %v, %v; want team 2's item", ok, err)
	}
	// One login per target: team 1 again reuses A's session.
	if n := e.logins.Load(); n != 2 {
		t.Errorf("%d logins for two targets, want 2", n)
	}
	a2 := pin(e.k.Connect(ctx, e.target))
	if n := e.logins.Load(); n != 2 {
		t.Errorf("%d logins after connecting to team 1 again, want 2 (the session kept)", n)
	}
	if ok, err := a2.Verify(ctx, bsafe.AccountRef{ID: adName}, "sensitive-a"); err != nil || !ok {
		t.Errorf("Verify on team 1 again: %v, %v", ok, err)
	}

	bad := e.target
	bad.AdminPassword = "sensitive-wrong"
	_, err := e.k.Connect(ctx, bad)
	wantCode(t, "Connect with a wrong password", err, bsafe.CodeAccessDenied)
	if _, err := e.k.ServerInfo(ctx); bsafe.CodeOf(err) != bsafe.CodeNotConnected {
		t.Errorf("direct ServerInfo after the failed Connect: %v, want code 3", err)
	}
	if ok, err := a.Verify(ctx, bsafe.AccountRef{ID: adName}, "sensitive-a"); err != nil || !ok {
		t.Errorf("A after a failed Connect: %v, %v", ok, err)
	}
	if ok, err := b.Verify(ctx, bsafe.AccountRef{ID: adName}, "sensitive-b"); err != nil || !ok {
		t.Errorf("B after a failed Connect: %v, %v", ok, err)
	}
}

// TestConnectorConcurrentTargets: goroutines Connect one Connector to two
// teams, all of them before any operation (a barrier), then each works
// by item name through the Connector its Connect returned. Each reset
// lands in its own team and each lookup finds its own team's item, and
// the concurrent Connects for one target share one login (run it with
// -race).
func TestConnectorConcurrentTargets(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	t2, ad2 := e.secondTeam(t, "Second Team", "sensitive-ad2-pw")
	targets := [2]bsafe.Target{e.target, t2}
	items := [2]string{e.ad, ad2}
	const n = 8
	var connected, wg sync.WaitGroup
	connected.Add(n)
	for i := range n {
		wg.Go(func() {
			c, err := e.k.Connect(ctx, targets[i%2])
			connected.Done()
			connected.Wait() // every Connect is done before any operation runs
			if err != nil {
				t.Errorf("goroutine %d: Connect: %v", i, err)
				return
			}
			k := c.(*safe.Connector)
			if i < 2 {
				if err := k.Reset(ctx, bsafe.AccountRef{ID: adName}, fmt.Sprintf("sensitive-g%d", i)); err != nil {
					t.Errorf("goroutine %d: Reset: %v", i, err)
				}
				return
			}
			acct, err := k.CheckUser(ctx, bsafe.AccountRef{ID: adName})
			if err != nil || acct.LongID != items[i%2] {
				t.Errorf("goroutine %d: CheckUser by name: %s, %v; want team %d's item %s", i, acct.LongID, err, i%2+1, items[i%2])
			}
		})
	}
	wg.Wait()
	for i, id := range items {
		if got := e.stored(t, id).Login.Password; got != fmt.Sprintf("sensitive-g%d", i) {
			t.Errorf("team %d's item does not hold its goroutine's password", i+1)
		}
	}
	if got := e.logins.Load(); got != 2 {
		t.Errorf("%d logins for %d Connects to two targets, want 2", got, n)
	}
}

// TestConnectorPinnedListDeleted: two Connects that differ only in
// listDeleted share one session, and each Connector lists and finds as
// its own Connect said, in either order.
func TestConnectorPinnedListDeleted(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	pin := pinner(t)
	withTrash := e.target
	withTrash.Options = withTrash.Options.Clone()
	withTrash.Options.Set("listDeleted", "true")
	a := pin(e.k.Connect(ctx, withTrash))
	b := pin(e.k.Connect(ctx, e.target))
	a2 := pin(e.k.Connect(ctx, withTrash))
	for _, c := range []struct {
		name  string
		k     *safe.Connector
		trash bool
	}{{"A (listDeleted)", a, true}, {"B", b, false}, {"A again (listDeleted)", a2, true}} {
		_, err := c.k.CheckUser(ctx, ref("Old VPN"))
		if c.trash && err != nil {
			t.Errorf("%s: CheckUser of the trashed item: %v", c.name, err)
		}
		if !c.trash && bsafe.CodeOf(err) != bsafe.CodeInvalidUser {
			t.Errorf("%s: CheckUser of the trashed item: %v, want code 7", c.name, err)
		}
		accts, err := collect(t, c.k.ListUsers(ctx, bsafe.ListOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		listed := false
		for _, acct := range accts {
			listed = listed || acct.LongID == e.trashed
		}
		if listed != c.trash {
			t.Errorf("%s: the trashed item listed: %v, want %v", c.name, listed, c.trash)
		}
	}
	if n := e.logins.Load(); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// TestAttachConnectorPinned: an attached connector's Connect returns
// Connectors pinned to their own listDeleted.
func TestAttachConnectorPinned(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	pin := pinner(t)
	k, err := safe.AttachConnector(ctx, e.client, e.team.Name, false)
	if err != nil {
		t.Fatal(err)
	}
	withTrash := e.target
	withTrash.Options = withTrash.Options.Clone()
	withTrash.Options.Set("listDeleted", "yes")
	a := pin(k.Connect(ctx, withTrash))
	b := pin(k.Connect(ctx, bsafe.Target{}))
	if _, err := a.CheckUser(ctx, ref("Old VPN")); err != nil {
		t.Errorf("the listDeleted Connector: %v", err)
	}
	if _, err := b.CheckUser(ctx, ref("Old VPN")); bsafe.CodeOf(err) != bsafe.CodeInvalidUser {
		t.Errorf("the other Connector: %v, want code 7", err)
	}
}

// TestConnectorSessionCache: the cache keeps the sessions of the last
// few targets. A session that leaves it is not logged out (the Connector
// pinned to it still works), and connecting to its target again logs in
// anew; the targets still in the cache log in no more.
func TestConnectorSessionCache(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	pin := pinner(t)
	first := pin(e.k.Connect(ctx, e.target))
	var targets []bsafe.Target
	for i := range 8 { // safe's cache holds 8 sessions
		tt, _ := e.secondTeam(t, fmt.Sprintf("Team %d", i), "sensitive-pw")
		targets = append(targets, tt)
		pin(e.k.Connect(ctx, tt))
	}
	if n := e.logins.Load(); n != 9 {
		t.Fatalf("%d logins for 9 targets, want 9", n)
	}
	if ok, err := first.Verify(ctx, ref(e.ad), "sensitive-ad-pw"); err != nil || !ok {
		t.Errorf("the Connector whose session left the cache: %v, %v", ok, err)
	}
	pin(e.k.Connect(ctx, targets[7]))
	if n := e.logins.Load(); n != 9 {
		t.Errorf("%d logins after the last target again, want 9", n)
	}
	pin(e.k.Connect(ctx, e.target))
	if n := e.logins.Load(); n != 10 {
		t.Errorf("%d logins after the first target again, want 10 (its session left the cache)", n)
	}
}

// gated is a Connector whose Connect to the target named gatedTeam says
// so on connected, then waits until the test opens the gate: Dispatch runs
// the operation on what Connect returned only once another Dispatch has
// connected the same Connector to another target and finished.
type gated struct {
	*safe.Connector
	gatedTeam string
	connected chan struct{}
	gate      chan struct{}
}

func (g gated) Connect(ctx context.Context, t bsafe.Target) (bsafe.Connector, error) {
	c, err := g.Connector.Connect(ctx, t)
	if t.Options.Get("organizationName") == g.gatedTeam {
		close(g.connected)
		<-g.gate
	}
	return c, err
}

// TestConnectorDispatchTargets: the reviewer's probe through
// bsafe.Dispatch. Dispatch A (team 1) connects and is held before its
// reset; Dispatch B (team 2) connects the same Connector and resets; then
// A's reset, by item name, runs: it must change team 1's item, and B's
// team 2's.
func TestConnectorDispatchTargets(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	t2, ad2 := e.secondTeam(t, "Second Team", "sensitive-ad2-pw")
	g := gated{Connector: e.k, gatedTeam: e.team.Name, connected: make(chan struct{}), gate: make(chan struct{})}
	input := func(team, newPW string) *kvgroup.Group {
		in := kvgroup.New("", "")
		in.Add("operation", "reset")
		in.AddGroup("address", "").Add("server", e.srv.URL).Add("organizationName", team)
		in.Add("adminid", testEmail).Add("adminpw", testPassword)
		in.Add("acctid", adName).Add("newpw", newPW)
		return in
	}
	dispatch := func(in *kvgroup.Group) error {
		var out bytes.Buffer
		if err := bsafe.Dispatch(t.Context(), g, in, kvgroup.NewEncoder(&out)); err != nil {
			return err
		}
		o, err := kvgroup.ParseBytes(out.Bytes())
		if err != nil {
			return err
		}
		if o.Get("retval") != "0" {
			return fmt.Errorf("retval %s: %s", o.Get("retval"), o.Get("errmsg"))
		}
		return nil
	}
	aDone := make(chan error, 1)
	go func() { aDone <- dispatch(input(e.team.Name, "sensitive-a")) }()
	select {
	case <-g.connected: // A's Connect is done: B's comes after it
	case err := <-aDone:
		t.Fatalf("Dispatch A ended before its Connect: %v", err)
	}
	if err := dispatch(input(t2.Options.Get("organizationName"), "sensitive-b")); err != nil {
		t.Errorf("Dispatch B: %v", err)
	}
	close(g.gate)
	if err := <-aDone; err != nil {
		t.Errorf("Dispatch A: %v", err)
	}
	if e.stored(t, e.ad).Login.Password != "sensitive-a" || e.stored(t, ad2).Login.Password != "sensitive-b" {
		t.Errorf("team 1's item holds A's password: %v, team 2's B's: %v; want both",
			e.stored(t, e.ad).Login.Password == "sensitive-a", e.stored(t, ad2).Login.Password == "sensitive-b")
	}
}
