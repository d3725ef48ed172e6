package safe_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// personalItem creates, through c, a personal login whose every encrypted
// part holds a canary: name, notes, username, password, URI, a custom
// field and (after a password change) the password history.
func personalItem(t *testing.T, c *safe.Client) *safe.Item {
	t.Helper()
	ctx := t.Context()
	it, err := c.Items.Create(ctx, &safe.Item{Name: "sensitive-name", Notes: "sensitive-notes",
		Fields: []safe.Field{{Name: "sensitive-fieldname", Value: "sensitive-fieldvalue"}},
		Login: &safe.Login{Username: "sensitive-user", Password: "sensitive-old",
			URIs: []safe.URI{{URI: "https://sensitive-uri.example"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if it, err = c.Items.SetPassword(ctx, it.ID, "sensitive-new"); err != nil {
		t.Fatal(err)
	}
	return it
}

// checkShared checks, with the server's own decryption under the team key
// (not the client's), that item id is now the team's, in cols, with every
// part of personalItem intact, and that no personal copy is left.
func checkShared(t *testing.T, e *env, id string, cols ...string) {
	t.Helper()
	it, err := e.srv.Item(id)
	if err != nil {
		t.Fatalf("server copy of the shared item: %v", err)
	}
	if it.TeamID != e.team.ID || !slices.Equal(it.CollectionIDs, cols) {
		t.Errorf("stored item: team %q, collections %v; want %s, %v", it.TeamID, it.CollectionIDs, e.team.ID, cols)
	}
	if it.Name != "sensitive-name" || it.Notes != "sensitive-notes" || it.Login == nil ||
		it.Login.Username != "sensitive-user" || it.Login.Password != "sensitive-new" ||
		len(it.Login.URIs) != 1 || it.Login.URIs[0].URI != "https://sensitive-uri.example" ||
		len(it.Fields) != 1 || it.Fields[0].Name != "sensitive-fieldname" || it.Fields[0].Value != "sensitive-fieldvalue" ||
		!slices.Equal(it.PasswordHistory, []string{"sensitive-old"}) {
		t.Errorf("stored item does not decrypt under the team key to what was shared: %+v", it)
	}
	if ids := e.srv.ItemIDs(); !slices.Equal(ids, []string{id}) {
		t.Errorf("server holds items %v, want only %s (no personal copy)", ids, id)
	}
}

func TestShare(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		it := personalItem(t, e.client)
		got, err := e.client.Items.Share(ctx, it.ID, e.team.ID, e.col.ID)
		if err != nil {
			t.Fatalf("Share: %v", err)
		}
		if got.ID != it.ID || got.TeamID != e.team.ID || !slices.Equal(got.CollectionIDs, []string{e.col.ID}) ||
			got.Login.Password != "sensitive-new" || len(got.PasswordHistory) != 1 || got.PasswordHistory[0].Password != "sensitive-old" {
			t.Errorf("Share returned %+v", got)
		}
		checkShared(t, e, it.ID, e.col.ID)
		if mine, err := e.client.Items.List(ctx, safe.InTeam("")); err != nil || len(mine) != 0 {
			t.Errorf("personal items after the share: %v, %v; want none", mine, err)
		}
		// Another client, from a fresh sync, reads it as a team item.
		other, _ := e.newClient(t)
		if err := other.LoginPassword(ctx, testEmail, testPassword); err != nil {
			t.Fatal(err)
		}
		if read, err := other.Items.Get(ctx, it.ID); err != nil || read.TeamID != e.team.ID || read.Notes != "sensitive-notes" {
			t.Errorf("a fresh client reads %+v, %v", read, err)
		}
	})
}

// TestShareKeepsItemKey: an item with its own key keeps it, re-wrapped
// with the team key; on 2023.8, which drops item keys, the item is
// repaired to be readable under the team key.
func TestShareKeepsItemKey(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		id, err := e.srv.AddItem(e.user, safetest.Item{Name: "keyed", ItemKey: true, Login: &safetest.Login{Password: "sensitive-k"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Items.Share(t.Context(), id, e.team.ID, e.col.ID); err != nil {
			t.Fatalf("Share: %v", err)
		}
		it, err := e.srv.Item(id)
		if err != nil || it.TeamID != e.team.ID || it.Login.Password != "sensitive-k" {
			t.Fatalf("stored item: %+v, %v", it, err)
		}
		if want := gen == safetest.GenCurrent; it.ItemKey != want {
			t.Errorf("item key after the share: %v, want %v", it.ItemKey, want)
		}
	})
}

func TestShareBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	c, h := hookedClient(t, e)
	var shares atomic.Int32
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/share") {
			shares.Add(1)
		}
		return next.RoundTrip(r)
	})
	it := personalItem(t, c)
	teamItem, err := c.Items.Create(ctx, &safe.Item{Name: "team", TeamID: e.team.ID, Login: &safe.Login{}}, safe.InCollections(e.col.ID))
	if err != nil {
		t.Fatal(err)
	}
	const unknown = "0b0e0c1a-1111-4222-8333-444455556666"
	for name, tc := range map[string]struct {
		id, team string
		cols     []string
		want     error
	}{
		"unknown team":   {it.ID, unknown, []string{e.col.ID}, safe.ErrNoTeamKey},
		"no collections": {it.ID, e.team.ID, nil, safe.ErrInvalidArgument},
		"already shared": {teamItem.ID, e.team.ID, []string{e.col.ID}, safe.ErrInvalidArgument},
		"unknown item":   {unknown, e.team.ID, []string{e.col.ID}, safe.ErrNotFound},
		"bad item id":    {"x", e.team.ID, []string{e.col.ID}, safe.ErrInvalidArgument},
		"bad team id":    {it.ID, "x", []string{e.col.ID}, safe.ErrInvalidArgument},
		"bad collection": {it.ID, e.team.ID, []string{"x"}, safe.ErrInvalidArgument},
	} {
		if _, err := c.Items.Share(ctx, tc.id, tc.team, tc.cols...); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if n := shares.Load(); n != 0 {
		t.Errorf("%d share requests sent for bad input, want none", n)
	}

	// Another user's item: this client cannot see it (the server's own
	// refusal is tested in safetest).
	bob, err := e.srv.AddUser(safetest.UserSpec{Email: "bob@example.com", Password: "bob-pw", KDF: safetest.PBKDF2(5000)})
	if err != nil {
		t.Fatal(err)
	}
	bobs, err := e.srv.AddItem(bob, safetest.Item{Name: "bob's", Login: &safetest.Login{Password: "sensitive-bob"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Items.Share(ctx, bobs, e.team.ID, e.col.ID); !errors.Is(err, safe.ErrNotFound) {
		t.Errorf("another user's item: %v, want ErrNotFound", err)
	}
	if got, err := e.srv.Item(bobs); err != nil || got.TeamID != "" {
		t.Errorf("bob's item after the refused share: %+v, %v", got, err)
	}
	if got, err := e.srv.Item(it.ID); err != nil || got.TeamID != "" {
		t.Errorf("item after refused shares: %+v, %v", got, err)
	}
}

// TestShareLostAnswer: a share the server applied but whose answer was
// lost is a success, never a failure, and its repeat (which the server
// answers 404: the item has no owner any more) is not reported either.
func TestShareLostAnswer(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		for _, lose := range []int32{1, 100} { // the first answer; every answer
			e := newEnv(t, gen)
			c, h := hookedClient(t, e)
			it := personalItem(t, c)
			seen := loseFirst(h, lose, isReq(http.MethodPut, "/share"))
			got, err := c.Items.Share(t.Context(), it.ID, e.team.ID, e.col.ID)
			if err != nil || got.TeamID != e.team.ID {
				t.Fatalf("Share losing %d answers: %+v, %v; want success", lose, got, err)
			}
			if n := seen.Load(); n < 2 {
				t.Errorf("losing %d answers: %d share requests, want a repeat", lose, n)
			}
			checkShared(t, e, it.ID, e.col.ID)
		}
	})
}

// TestShareServerFault: a 503 (not applied) is repeated and the share
// goes through; a 500 the server gives after refusing nothing is the same.
func TestShareServerFault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	it := personalItem(t, e.client)
	e.srv.InjectFault(safetest.Fault{Path: "/api/ciphers/" + it.ID + "/share", Status: http.StatusServiceUnavailable})
	if _, err := e.client.Items.Share(t.Context(), it.ID, e.team.ID, e.col.ID); err != nil {
		t.Fatalf("Share after a 503: %v", err)
	}
	if n := e.srv.PendingFaults(); n != 0 {
		t.Errorf("%d faults left: the share never met the 503", n)
	}
	checkShared(t, e, it.ID, e.col.ID)
}

// TestShareFailingReadBack: the read-back after a share is not the share.
// With an answer, a failing read leaves a success with the collections
// asked for; with a lost answer, a failing read makes the outcome unknown,
// never a plain failure.
func TestShareFailingReadBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	c, h := hookedClient(t, e)
	failReads := func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/details") {
			return unavailable(), nil
		}
		return next.RoundTrip(r)
	}
	it := personalItem(t, c)
	h.set(failReads)
	got, err := c.Items.Share(ctx, it.ID, e.team.ID, e.col.ID)
	if err != nil || got.TeamID != e.team.ID || !slices.Equal(got.CollectionIDs, []string{e.col.ID}) {
		t.Fatalf("Share with a failing read-back: %+v, %v; want success", got, err)
	}
	checkShared(t, e, it.ID, e.col.ID)

	e2 := newEnv(t, safetest.GenCurrent)
	c2, h2 := hookedClient(t, e2)
	it2 := personalItem(t, c2)
	h2.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if isReq(http.MethodPut, "/share")(r) {
			return loseAnswer(r, next)
		}
		return failReads(r, next)
	})
	_, err = c2.Items.Share(ctx, it2.ID, e2.team.ID, e2.col.ID)
	var ou *safe.OutcomeUnknownError
	if !errors.As(err, &ou) || ou.ItemID != it2.ID {
		t.Fatalf("Share with lost answers and a failing read-back: %v, want an *OutcomeUnknownError naming the item", err)
	}
	checkShared(t, e2, it2.ID, e2.col.ID) // it was applied, as the error allows
}

// TestShareTwoClientsAtOnce: two clients of one account share the same
// item at once. One share is applied; the other finds the item no longer
// personal: in its sync (ErrInvalidArgument, before sending) or from the
// server (ErrNotFound). Nothing is left half done.
func TestShareTwoClientsAtOnce(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		it := personalItem(t, e.client)
		other, _ := e.newClient(t)
		if err := other.LoginPassword(ctx, testEmail, testPassword); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Items.Get(ctx, it.ID); err != nil { // both hold the personal item
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, c := range []*safe.Client{e.client, other} {
			wg.Go(func() { _, errs[i] = c.Items.Share(ctx, it.ID, e.team.ID, e.col.ID) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, safe.ErrNotFound) && !errors.Is(err, safe.ErrInvalidArgument):
				t.Errorf("the losing share: %v, want ErrNotFound or ErrInvalidArgument", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d shares succeeded (%v), want exactly 1", ok, errs)
		}
		checkShared(t, e, it.ID, e.col.ID)
	})
}

// TestShareByMember: a member (not a manager) shares what the server
// lets them. Collections they cannot write are left out by the server, and
// Share reports where the item went: a collection asked for and writable
// keeps it; none writable leaves it in no collection this member sees. A
// member who can write no collection of the team is refused.
func TestShareByMember(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		other, err := e.srv.AddCollection(e.team, "OTHER")
		if err != nil {
			t.Fatal(err)
		}
		member := func(email string, grants ...safetest.CollectionAccess) *safe.Client {
			t.Helper()
			u, err := e.srv.AddUser(safetest.UserSpec{Email: email, Password: "member-pw", KDF: safetest.PBKDF2(5000)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.srv.AddMember(e.team, u, safetest.RoleUser, grants...); err != nil {
				t.Fatal(err)
			}
			c, _ := e.newClient(t)
			if err := c.LoginPassword(ctx, email, "member-pw"); err != nil {
				t.Fatal(err)
			}
			return c
		}
		writer := member("writer@example.com", safetest.CollectionAccess{CollectionID: e.col.ID})
		a, err := writer.Items.Create(ctx, &safe.Item{Name: "a", Login: &safe.Login{Password: "sensitive-a"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := writer.Items.Share(ctx, a.ID, e.team.ID, e.col.ID, other.ID)
		if err != nil || !slices.Equal(got.CollectionIDs, []string{e.col.ID}) {
			t.Errorf("share into a writable and an unwritable collection: %v, %v; want [%s]", got, err, e.col.ID)
		}
		b, err := writer.Items.Create(ctx, &safe.Item{Name: "b", Login: &safe.Login{Password: "sensitive-b"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err = writer.Items.Share(ctx, b.ID, e.team.ID, other.ID)
		if err != nil || got.TeamID != e.team.ID || len(got.CollectionIDs) != 0 {
			t.Errorf("share into an unwritable collection only: %+v, %v; want the team's, in no collection", got, err)
		}
		if st, err := e.srv.Item(b.ID); err != nil || st.TeamID != e.team.ID || len(st.CollectionIDs) != 0 {
			t.Errorf("stored: %+v, %v", st, err)
		}
		if _, err := writer.Items.Get(ctx, b.ID); !errors.Is(err, safe.ErrNotFound) {
			t.Errorf("the member reads the item shared outside their collections: %v, want ErrNotFound", err)
		}

		reader := member("reader@example.com", safetest.CollectionAccess{CollectionID: e.col.ID, ReadOnly: true})
		r, err := reader.Items.Create(ctx, &safe.Item{Name: "r", Login: &safe.Login{Password: "sensitive-r"}})
		if err != nil {
			t.Fatal(err)
		}
		var apiErr *safe.APIError
		if _, err := reader.Items.Share(ctx, r.ID, e.team.ID, e.col.ID); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
			t.Errorf("a member without a writable collection: %v, want the server's 400", err)
		}
		if st, err := e.srv.Item(r.ID); err != nil || st.TeamID != "" {
			t.Errorf("refused share left: %+v, %v", st, err)
		}
	})
}
