package safe_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// memberEnv is an env (its user owns the team) with people to invite and
// an item in the team's collection that only confirmed members decrypt.
type memberEnv struct {
	*env
	gen    safetest.Generation
	itemID string
}

func newMemberEnv(t *testing.T, gen safetest.Generation) *memberEnv {
	t.Helper()
	e := newEnv(t, gen)
	id, err := e.srv.AddItem(e.team, safetest.Item{Type: safetest.TypeLogin, Name: "team item",
		Login: &safetest.Login{Username: "svc", Password: "sensitive-team-pw"}, CollectionIDs: []string{e.col.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return &memberEnv{env: e, gen: gen, itemID: id}
}

// person registers an account whose password is "sensitive-<name>-pw".
func (e *memberEnv) person(t *testing.T, name string) *safetest.User {
	t.Helper()
	u, err := e.srv.AddUser(safetest.UserSpec{Email: name + "@example.com", Password: "sensitive-" + name + "-pw", KDF: safetest.PBKDF2(5000)})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// loginAs returns a logged-in client of a person (see person).
func (e *memberEnv) loginAs(t *testing.T, name string, opts ...safe.Option) *safe.Client {
	t.Helper()
	c, _ := e.newClient(t, opts...)
	if err := c.LoginPassword(t.Context(), name+"@example.com", "sensitive-"+name+"-pw"); err != nil {
		t.Fatalf("login as %s: %v", name, err)
	}
	return c
}

// accepted invites a new person with the owner's client and has them
// accept: a member in the accepted state, ready to be confirmed.
func (e *memberEnv) accepted(t *testing.T, name string, role safe.Role) (*safetest.User, *safe.Member) {
	t.Helper()
	u := e.person(t, name)
	ms, err := e.client.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{u.Email}, Role: role,
		Collections: []safe.Access{{ID: e.col.ID, ReadOnly: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.AcceptInvite(e.team, u); err != nil {
		t.Fatal(err)
	}
	return u, ms[0]
}

// confirmed is accepted, then confirmed by the owner.
func (e *memberEnv) confirmed(t *testing.T, name string, role safe.Role) (*safetest.User, *safe.Member) {
	t.Helper()
	u, m := e.accepted(t, name, role)
	if err := e.client.Members.Confirm(t.Context(), e.team.ID, m.ID, nil); err != nil {
		t.Fatal(err)
	}
	return u, m
}

// stored is what the server holds for the team's members and the
// collection's access, for before/after comparisons.
func (e *memberEnv) stored(t *testing.T) []safetest.MemberState {
	t.Helper()
	ms, err := e.srv.TeamMembers(e.team.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// storedMember is the server's record of one membership (nil if none).
func (e *memberEnv) storedMember(t *testing.T, id string) *safetest.MemberState {
	t.Helper()
	for _, m := range e.stored(t) {
		if strings.EqualFold(m.ID, id) {
			return &m
		}
	}
	return nil
}

// unchanged fails the test if the server's members differ from before.
func (e *memberEnv) unchanged(t *testing.T, before []safetest.MemberState, what string) {
	t.Helper()
	if diff := cmp.Diff(before, e.stored(t)); diff != "" {
		t.Errorf("%s changed the server's members (-before +after):\n%s", what, diff)
	}
}

// canDecryptTeamItem logs in as the person and reports whether their
// client decrypts the team item.
func (e *memberEnv) canDecryptTeamItem(t *testing.T, name string) bool {
	t.Helper()
	c := e.loginAs(t, name)
	it, err := c.Items.Get(t.Context(), e.itemID)
	return err == nil && it.Login != nil && it.Login.Password == "sensitive-team-pw"
}

// noKeyInError fails the test if an error carries a canary or key material.
func noKeyInError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	s := err.Error()
	if strings.Contains(s, "sensitive-") || strings.Contains(s, "MIIB") || wrappedKey.MatchString(s) {
		t.Errorf("error %q carries a secret, a public key or a wrapped key", s)
	}
}

// wrappedKey matches a type 4 EncString (a key wrapped to a public key).
var wrappedKey = regexp.MustCompile(`4\.[A-Za-z0-9+/]{16}`)

// reqCounter counts the requests of a hooked client that match, by
// "METHOD path-suffix" keys.
type reqCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *reqCounter) add(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[r.Method+" "+r.URL.Path]++
}

// writes returns how many requests other than GET were counted.
func (c *reqCounter) writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.n {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func (c *reqCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = nil
}

func (c *reqCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.n {
		n += v
	}
	return n
}

// suffix returns how many counted requests had the method and a path
// ending in suffix.
func (c *reqCounter) suffix(method, suffix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.n {
		m, p, _ := strings.Cut(k, " ")
		if m == method && strings.HasSuffix(p, suffix) {
			n += v
		}
	}
	return n
}

// countingClient is a second client of the owner whose requests are
// counted, and pass h for faults.
func countingClient(t *testing.T, e *env) (*safe.Client, *hook, *reqCounter) {
	t.Helper()
	c, h := hookedClient(t, e)
	cnt := &reqCounter{}
	h.set(nil)
	inner := h.next
	h.next = &countingTransport{cnt: cnt, next: inner}
	return c, h, cnt
}

// countingTransport counts what passes it.
type countingTransport struct {
	cnt  *reqCounter
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.cnt.add(r)
	return c.next.RoundTrip(r)
}
