package safe_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

const (
	testEmail    = "Jane.Doe@Example.com"
	testPassword = "sensitive-master-password"
)

// env is a safetest server with a user, a team with a collection, and a
// logged-in client whose every request passes the leak canary.
type env struct {
	srv    *safetest.Server
	user   *safetest.User
	team   *safetest.Team
	col    *safetest.Collection
	client *safe.Client
	canary *canary
}

func newEnv(t *testing.T, gen safetest.Generation, opts ...safe.Option) *env {
	t.Helper()
	return newEnvOn(t, safetest.NewServer(safetest.WithGeneration(gen)), opts...)
}

// newEnvOn is newEnv on a server the test configured.
func newEnvOn(t *testing.T, srv *safetest.Server, opts ...safe.Option) *env {
	t.Helper()
	t.Cleanup(srv.Close)
	user, err := srv.AddUser(safetest.UserSpec{Email: testEmail, Password: testPassword, KDF: safetest.PBKDF2(5000)})
	if err != nil {
		t.Fatal(err)
	}
	team, err := srv.AddTeam(user, safetest.TeamSpec{Name: "MPR AWS Safe Team"})
	if err != nil {
		t.Fatal(err)
	}
	col, err := srv.AddCollection(team, "BONNIL")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{srv: srv, user: user, team: team, col: col}
	e.client, e.canary = e.newClient(t, opts...)
	if err := e.client.LoginPassword(t.Context(), testEmail, testPassword); err != nil {
		t.Fatalf("login: %v", err)
	}
	return e
}

func (e *env) newClient(t *testing.T, opts ...safe.Option) (*safe.Client, *canary) {
	t.Helper()
	cn := &canary{t: t, next: e.srv.Client().Transport}
	opts = append([]safe.Option{safe.WithHTTPClient(&http.Client{Transport: cn}), safe.WithSyncInterval(0),
		safe.WithRetryPolicy(safe.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second})}, opts...)
	c, err := safe.NewClient(e.srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, cn
}

// canary fails the test if any request URL or body carries a plaintext
// marked "sensitive-" that was given to the client to encrypt (or the
// master password). The server must only ever see ciphertext.
type canary struct {
	t        *testing.T
	next     http.RoundTripper
	mu       sync.Mutex
	requests int
}

func (c *canary) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	for _, s := range []string{r.URL.String(), string(body), strings.Join(r.Header.Values("Authorization"), "")} {
		if strings.Contains(s, "sensitive-") {
			c.t.Errorf("plaintext on the wire: %s %s", r.Method, r.URL.Path)
		}
	}
	c.mu.Lock()
	c.requests++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

var generations = []safetest.Generation{safetest.Gen2023, safetest.GenCurrent}

func forEachGeneration(t *testing.T, f func(t *testing.T, gen safetest.Generation)) {
	for _, gen := range generations {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			f(t, gen)
		})
	}
}

func TestLoginAndReadSeededItems(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		seeded := map[string]safetest.Item{}
		for i, itemKey := range []bool{false, true} {
			for _, team := range []bool{false, true} {
				it := safetest.Item{
					Name: "Active Directory", Notes: "sensitive-notes\nline 2", ItemKey: itemKey, Reprompt: i == 1,
					Login: &safetest.Login{Username: "bonnil", Password: "sensitive-pw", TOTP: "sensitive-totp",
						URIs: []safetest.URI{{URI: "https://ad.example.com", Match: safetest.MatchExact}, {URI: "ldap://dc1"}}},
					Fields: []safetest.Field{
						{Name: "assocID", Value: "bonnil"},
						{Name: "secret", Value: "sensitive-hidden", Type: safetest.FieldHidden},
						{Name: "enabled", Value: "true", Type: safetest.FieldBoolean},
						{Name: "pw-link", Type: safetest.FieldLinked, LinkedID: safetest.LinkedPassword},
					},
				}
				var owner safetest.Owner = e.user
				if team {
					owner, it.CollectionIDs = e.team, []string{e.col.ID}
				}
				id, err := e.srv.AddItem(owner, it)
				if err != nil {
					t.Fatal(err)
				}
				seeded[id] = it
			}
		}
		items, err := e.client.Items.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != len(seeded) {
			t.Fatalf("%d items, want %d", len(items), len(seeded))
		}
		for _, got := range items {
			want, ok := seeded[got.ID]
			if !ok {
				t.Fatalf("unexpected item %s", got.ID)
			}
			if got.Name != want.Name || got.Notes != want.Notes || got.Reprompt != want.Reprompt || got.HasItemKey != want.ItemKey ||
				got.Login.Username != "bonnil" || got.Login.Password != "sensitive-pw" || got.Login.TOTP != "sensitive-totp" {
				t.Errorf("item %s differs from what was seeded", got.ID)
			}
			wantURIs := safe.URIs{{URI: "https://ad.example.com", Match: safe.MatchExact}, {URI: "ldap://dc1"}}
			if !slices.EqualFunc(got.Login.URIs, wantURIs, func(a, b safe.URI) bool { return a.URI == b.URI && a.Match == b.Match }) {
				t.Errorf("URIs differ")
			}
			wantFields := []safe.Field{{Name: "assocID", Value: "bonnil"}, {Name: "secret", Value: "sensitive-hidden", Type: safe.FieldHidden},
				{Name: "enabled", Value: "true", Type: safe.FieldBoolean}, {Name: "pw-link", Type: safe.FieldLinked, LinkedID: 101}}
			if !slices.EqualFunc(got.Fields, wantFields, func(a, b safe.Field) bool {
				return a.Name == b.Name && a.Value == b.Value && a.Type == b.Type && a.LinkedID == b.LinkedID
			}) {
				t.Errorf("fields differ")
			}
			if len(want.CollectionIDs) > 0 && (got.TeamID != e.team.ID || !slices.Equal(got.CollectionIDs, want.CollectionIDs)) {
				t.Errorf("team item: team %q collections %v", got.TeamID, got.CollectionIDs)
			}
		}
		teams, err := e.client.Teams(t.Context())
		if err != nil || len(teams) != 1 || teams[0].Name != "MPR AWS Safe Team" || teams[0].Role != safe.RoleOwner {
			t.Errorf("teams = %v, %v", teams, err)
		}
		if team, err := e.client.Team(t.Context(), "mpr aws safe team"); err != nil || team.ID != e.team.ID {
			t.Errorf("Team by name: %v %v", team, err)
		}
	})
}

func TestWrongPasswordAndWeakKDF(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		c, _ := e.newClient(t)
		if err := c.LoginPassword(t.Context(), testEmail, "sensitive-wrong"); !errors.Is(err, safe.ErrWrongPassword) {
			t.Errorf("wrong password: %v", err)
		}
		if _, err := c.Items.List(t.Context()); !errors.Is(err, safe.ErrNotLoggedIn) {
			t.Errorf("after a failed login: %v", err)
		}
	})
}

func TestCreateUpdateDeleteRestorePurge(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		for _, policy := range []safe.ItemKeyPolicy{safe.ItemKeysNever, safe.ItemKeysAlways} {
			e := newEnv(t, gen, safe.WithItemKeys(policy))
			ctx := t.Context()
			if gen == safetest.Gen2023 && policy == safe.ItemKeysAlways {
				// Bravura Safe (2023.8) drops item keys: refused up front.
				_, err := e.client.Items.Create(ctx, &safe.Item{Name: "keyed", Login: &safe.Login{}})
				if !errors.Is(err, safe.ErrItemKeysUnsupported) {
					t.Errorf("ItemKeysAlways on 2023.8: %v, want ErrItemKeysUnsupported", err)
				}
				if ids := e.srv.ItemIDs(); len(ids) != 0 {
					t.Errorf("%d items stored", len(ids))
				}
				continue
			}
			created, err := e.client.Items.Create(ctx, &safe.Item{
				Name: "sensitive-created", TeamID: e.team.ID,
				Login:  &safe.Login{Username: "sensitive-user", Password: "sensitive-pw-1", URIs: safe.URIs{{URI: "https://sensitive.example.com"}}},
				Fields: safe.Fields{{Name: "assocID", Value: "sensitive-assoc"}, {Name: "flag", Value: "TRUE", Type: safe.FieldBoolean}},
			}, safe.InCollections(e.col.ID))
			if err != nil {
				t.Fatal(err)
			}
			if created.HasItemKey != (policy == safe.ItemKeysAlways) {
				t.Errorf("policy %v: HasItemKey = %v", policy, created.HasItemKey)
			}
			// The server holds exactly what was written (decrypted with the
			// keys the seeding side holds).
			stored, err := e.srv.Item(created.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Name != "sensitive-created" || stored.Login.Password != "sensitive-pw-1" || stored.Fields[1].Value != "true" ||
				!slices.Equal(stored.CollectionIDs, []string{e.col.ID}) || stored.ItemKey != created.HasItemKey {
				t.Errorf("stored item differs: %+v", stored)
			}

			updated, err := e.client.Items.SetPassword(ctx, created.ID, "sensitive-pw-2")
			if err != nil {
				t.Fatal(err)
			}
			if updated.Login.Password != "sensitive-pw-2" || len(updated.PasswordHistory) != 1 || updated.PasswordHistory[0].Password != "sensitive-pw-1" ||
				updated.Login.PasswordRevisionDate.IsZero() || !updated.RevisionDate.After(created.RevisionDate) {
				t.Errorf("SetPassword: %d history entries", len(updated.PasswordHistory))
			}
			stored, _ = e.srv.Item(created.ID)
			if stored.Login.Password != "sensitive-pw-2" || !slices.Equal(stored.PasswordHistory, []string{"sensitive-pw-1"}) {
				t.Errorf("server has password history %d entries", len(stored.PasswordHistory))
			}

			if err := e.client.Items.Delete(ctx, created.ID); err != nil {
				t.Fatal(err)
			}
			if trashed, _ := e.client.Items.List(ctx, safe.Trashed()); len(trashed) != 1 || trashed[0].ID != created.ID {
				t.Errorf("trash = %v", trashed)
			}
			if live, _ := e.client.Items.List(ctx); len(live) != 0 {
				t.Errorf("deleted item still listed")
			}
			restored, err := e.client.Items.Restore(ctx, created.ID)
			if err != nil || restored.InTrash() {
				t.Fatalf("restore: %v", err)
			}
			if err := e.client.Items.Purge(ctx, created.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.client.Items.Get(ctx, created.ID); !errors.Is(err, safe.ErrNotFound) {
				t.Errorf("after purge: %v", err)
			}
			if _, err := e.srv.Item(created.ID); err == nil {
				t.Errorf("server still has the purged item")
			}
		}
	})
}

func TestConflictDetection(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		it, err := e.client.Items.Create(ctx, &safe.Item{Name: "shared", Login: &safe.Login{Password: "sensitive-a"}})
		if err != nil {
			t.Fatal(err)
		}
		other, _ := e.newClient(t)
		if err := other.LoginPassword(ctx, testEmail, testPassword); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // the server tolerates revision dates within 1 s
		if _, err := other.Items.SetPassword(ctx, it.ID, "sensitive-b"); err != nil {
			t.Fatal(err)
		}
		stale := it.Clone()
		stale.Login.Password = "sensitive-c"
		if _, err := e.client.Items.Update(ctx, stale); !errors.Is(err, safe.ErrConflict) {
			t.Fatalf("stale update: %v, want ErrConflict", err)
		}
		if got, _ := e.srv.Item(it.ID); got.Login.Password != "sensitive-b" {
			t.Errorf("the stale update overwrote the newer one")
		}
	})
}

func TestCollectionsFoldersMembers(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		col, err := e.client.Collections.Create(ctx, e.team.ID, "sensitive-collection", safe.CollectionAccess{})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.srv.Collection(col.ID); err != nil || got.Name != "sensitive-collection" {
			t.Errorf("server collection: %+v %v", got, err)
		}
		if err := e.client.Collections.Rename(ctx, e.team.ID, col.ID, "sensitive-renamed"); err != nil {
			t.Fatal(err)
		}
		all, err := e.client.Collections.ListTeam(ctx, e.team.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range all {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		if diff := cmp.Diff([]string{"BONNIL", "sensitive-renamed"}, names); diff != "" {
			t.Errorf("ListTeam names (-want +got):\n%s", diff)
		}
		access, err := e.client.Collections.Access(ctx, e.team.ID, col.ID)
		// "manage" came with flexible collections (2024): a 2023.8 server drops it.
		if err != nil || len(access.Users) != 1 || access.Users[0].ID != e.team.OwnerMemberID || access.Users[0].Manage != (gen == safetest.GenCurrent) {
			t.Errorf("access = %+v, %v", access, err)
		}
		var assigned []string
		for c, err := range e.client.Collections.All(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			assigned = append(assigned, c.Name)
		}
		if !slices.Contains(assigned, "sensitive-renamed") {
			t.Errorf("assigned collections = %v", assigned)
		}
		if err := e.client.Collections.Delete(ctx, e.team.ID, col.ID); err != nil {
			t.Fatal(err)
		}

		f, err := e.client.Folders.Create(ctx, "sensitive-folder")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Folders.Rename(ctx, f.ID, "sensitive-folder-2"); err != nil {
			t.Fatal(err)
		}
		folders, err := e.client.Folders.List(ctx)
		if err != nil || len(folders) != 1 || folders[0].Name != "sensitive-folder-2" {
			t.Errorf("folders = %v, %v", folders, err)
		}
		if err := e.client.Folders.Delete(ctx, f.ID); err != nil {
			t.Fatal(err)
		}

		members, err := e.client.Members.List(ctx, e.team.ID)
		if err != nil || len(members) != 1 || !strings.EqualFold(members[0].Email, testEmail) || members[0].Role != safe.RoleOwner {
			t.Errorf("members = %v, %v", members, err)
		}
	})
}

func TestAPIKeyLogin(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		id, err := e.srv.AddItem(e.user, safetest.Item{Name: "via api key", Login: &safetest.Login{Password: "sensitive-x"}})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := e.newClient(t)
		if err := c.LoginAPIKey(t.Context(), e.user.ClientID, e.user.ClientSecret, testPassword); err != nil {
			t.Fatal(err)
		}
		it, err := c.Items.Get(t.Context(), id)
		if err != nil || it.Login.Password != "sensitive-x" {
			t.Errorf("Get = %v, %v", it, err)
		}
		if err := c.LoginAPIKey(t.Context(), e.user.ClientID, "wrong-secret", testPassword); err == nil {
			t.Error("wrong API key accepted")
		}
	})
}

func TestTwoFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	if err := e.srv.RequireTwoFactor(e.user, safetest.TwoFactorAuthenticator, "123456"); err != nil {
		t.Fatal(err)
	}
	c, _ := e.newClient(t)
	err := c.LoginPassword(t.Context(), testEmail, testPassword)
	var tf *safe.TwoFactorError
	if !errors.As(err, &tf) || !errors.Is(err, safe.ErrTwoFactorRequired) || !slices.Equal(tf.Providers, []safe.TwoFactorProvider{safe.TwoFactorAuthenticator}) {
		t.Fatalf("err = %v", err)
	}
	if err := c.LoginPassword(t.Context(), testEmail, testPassword, safe.WithTwoFactor(safe.TwoFactorAuthenticator, "000000", false)); err == nil {
		t.Error("a wrong code was accepted")
	}
	if err := c.LoginPassword(t.Context(), testEmail, testPassword, safe.WithTwoFactor(safe.TwoFactorAuthenticator, "123456", false)); err != nil {
		t.Fatalf("with the code: %v", err)
	}
}

func TestNewDeviceVerification(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	if err := e.srv.RequireNewDeviceVerification(e.user, "778899"); err != nil {
		t.Fatal(err)
	}
	c, _ := e.newClient(t)
	if err := c.LoginPassword(t.Context(), testEmail, testPassword); !errors.Is(err, safe.ErrNewDevice) {
		t.Fatalf("err = %v, want ErrNewDevice", err)
	}
	if err := c.LoginPassword(t.Context(), testEmail, testPassword, safe.WithNewDeviceOTP("778899")); err != nil {
		t.Fatal(err)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	// A 429 storm shorter than the retry budget is absorbed.
	e.srv.InjectFault(safetest.Fault{Path: "/api/ciphers", Status: http.StatusTooManyRequests, RetryAfter: time.Second, Count: 2})
	if _, err := e.client.Items.Create(ctx, &safe.Item{Name: "after 429", Login: &safe.Login{}}); err != nil {
		t.Fatalf("create after 429s: %v", err)
	}
	// A longer storm is a typed error.
	e.srv.InjectFault(safetest.Fault{Path: "/api/ciphers", Status: http.StatusTooManyRequests, RetryAfter: time.Second, Count: 10})
	_, err := e.client.Items.Create(ctx, &safe.Item{Name: "storm", Login: &safe.Login{}})
	var rl *safe.RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, safe.ErrRateLimited) {
		t.Fatalf("storm: %v", err)
	}
	e.srv.ClearFaults()
	// A dropped connection on a POST is not retried (it may have been
	// processed) and is reported, not taken for success.
	before := len(e.srv.ItemIDs())
	e.srv.InjectFault(safetest.Fault{Path: "/api/ciphers", Method: http.MethodPost, Drop: true})
	if _, err := e.client.Items.Create(ctx, &safe.Item{Name: "dropped", Login: &safe.Login{}}); err == nil {
		t.Fatal("dropped connection reported as success")
	}
	if after := len(e.srv.ItemIDs()); after != before {
		t.Errorf("%d items after a dropped create, want %d", after, before)
	}
	// A 503 on a GET is retried.
	e.srv.InjectFault(safetest.Fault{Path: "/api/sync", Status: http.StatusServiceUnavailable, Count: 2})
	if err := e.client.Sync(ctx); err != nil {
		t.Fatalf("sync after 503s: %v", err)
	}
}

func TestSessionRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	if err := e.client.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.RevokeSessions(e.user); err != nil {
		t.Fatal(err)
	}
	if err := e.client.Sync(t.Context()); !errors.Is(err, safe.ErrUnauthorized) {
		t.Fatalf("after revocation: %v, want ErrUnauthorized", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent, safe.WithItemKeys(safe.ItemKeysAlways))
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				it, err := e.client.Items.Create(ctx, &safe.Item{Name: "concurrent", Login: &safe.Login{Password: "sensitive-p"},
					Fields: safe.Fields{{Name: "g", Value: string(rune('a' + g))}, {Name: "i", Value: string(rune('0' + i))}}})
				if err != nil {
					errs <- err
					return
				}
				if _, err := e.client.Items.SetPassword(ctx, it.ID, "sensitive-q"); err != nil {
					errs <- err
					return
				}
				if _, err := e.client.Items.List(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	items, err := e.client.Items.List(ctx)
	if err != nil || len(items) != 40 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	fresh, _ := e.newClient(t)
	if err := fresh.LoginPassword(ctx, testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	again, err := fresh.Items.List(ctx)
	if err != nil || len(again) != 40 {
		t.Fatalf("fresh client sees %d items, %v", len(again), err)
	}
	for _, it := range again {
		if it.Login.Password != "sensitive-q" || len(it.PasswordHistory) != 1 {
			t.Errorf("item %s: password history %d", it.ID, len(it.PasswordHistory))
		}
	}
}

func TestContextFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := e.client.Sync(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync with a cancelled context: %v", err)
	}
}

func TestMoveToCollections(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		other, err := e.srv.AddCollection(e.team, "OTHER")
		if err != nil {
			t.Fatal(err)
		}
		it, err := e.client.Items.Create(ctx, &safe.Item{Name: "mover", TeamID: e.team.ID, Login: &safe.Login{}}, safe.InCollections(e.col.ID))
		if err != nil {
			t.Fatal(err)
		}
		moved, err := e.client.Items.MoveToCollections(ctx, it.ID, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(moved.CollectionIDs, []string{other.ID}) {
			t.Errorf("client sees collections %v", moved.CollectionIDs)
		}
		if got, _ := e.srv.Item(it.ID); !slices.Equal(got.CollectionIDs, []string{other.ID}) {
			t.Errorf("server has collections %v", got.CollectionIDs)
		}
		if in, _ := e.client.Items.List(ctx, safe.InCollection(other.ID)); len(in) != 1 {
			t.Errorf("InCollection(other) lists %d items", len(in))
		}
	})
}

// TestItemKeysAuto: new items get their own key when the server enables
// cipher-key encryption and is recent enough (2023.9.1 or later), as the
// official clients decide.
func TestItemKeysAuto(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		gen  safetest.Generation
		flag bool
		want bool
	}{
		{safetest.GenCurrent, true, true},
		{safetest.GenCurrent, false, false},
		{safetest.Gen2023, true, false}, // 2023.8.3 predates cipher keys
	} {
		srv := safetest.NewServer(safetest.WithGeneration(tc.gen), safetest.WithFeatureStates(map[string]any{"enableCipherKeyEncryption": tc.flag}))
		defer srv.Close()
		if _, err := srv.AddUser(safetest.UserSpec{Email: "auto@example.com", Password: "pw", KDF: safetest.PBKDF2(5000)}); err != nil {
			t.Fatal(err)
		}
		c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.LoginPassword(t.Context(), "auto@example.com", "pw"); err != nil {
			t.Fatal(err)
		}
		it, err := c.Items.Create(t.Context(), &safe.Item{Name: "auto", Login: &safe.Login{}})
		if err != nil {
			t.Fatal(err)
		}
		if it.HasItemKey != tc.want {
			t.Errorf("%s, flag %v: HasItemKey = %v, want %v", tc.gen, tc.flag, it.HasItemKey, tc.want)
		}
	}
}
