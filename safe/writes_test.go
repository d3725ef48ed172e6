package safe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// hook is a transport between a client and the server that lets a test
// act on chosen requests: answer them itself, or forward them and then
// lose the answer.
type hook struct {
	next http.RoundTripper
	mu   sync.Mutex
	fn   func(r *http.Request, next http.RoundTripper) (*http.Response, error) // nil: pass through
}

func (h *hook) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	fn := h.fn
	h.mu.Unlock()
	if fn == nil {
		return h.next.RoundTrip(r)
	}
	return fn(r, h.next)
}

func (h *hook) set(fn func(r *http.Request, next http.RoundTripper) (*http.Response, error)) {
	h.mu.Lock()
	h.fn = fn
	h.mu.Unlock()
}

// hookedClient is a second client of e's user whose requests pass h.
func hookedClient(t *testing.T, e *env, opts ...safe.Option) (*safe.Client, *hook) {
	t.Helper()
	h := &hook{next: &canary{t: t, next: e.srv.Client().Transport}}
	c, _ := e.newClient(t, append([]safe.Option{safe.WithHTTPClient(&http.Client{Transport: h})}, opts...)...)
	if err := c.LoginPassword(t.Context(), testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	return c, h
}

// loseAnswer forwards r, lets the server apply it, and drops the answer.
func loseAnswer(r *http.Request, next http.RoundTripper) (*http.Response, error) {
	resp, err := next.RoundTrip(r)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return nil, io.ErrUnexpectedEOF
}

// loseFirst makes h lose the answers of the first n requests that match
// selects, after the server applied them; the others pass. It returns the
// number of matching requests so far.
func loseFirst(h *hook, n int32, match func(*http.Request) bool) *atomic.Int32 {
	var seen atomic.Int32
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if match(r) && seen.Add(1) <= n {
			return loseAnswer(r, next)
		}
		return next.RoundTrip(r)
	})
	return &seen
}

// isReq matches the requests of a method whose path ends with suffix.
func isReq(method, suffix string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == method && strings.HasSuffix(r.URL.Path, suffix) }
}

func unavailable() *http.Response {
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"message":"unavailable"}`))}
}

// isCipherWrite matches the item writes (not the reads, not the login).
func isCipherWrite(r *http.Request) bool {
	return r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/ciphers")
}

// clock is a server clock a test can move forward, past the server's one
// second of revision-date tolerance.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) advance(d time.Duration) { c.off.Add(int64(d)) }
func clockedServer(gen safetest.Generation) (*safetest.Server, *clock) {
	ck := &clock{}
	return safetest.NewServer(safetest.WithGeneration(gen), safetest.WithClock(ck.now)), ck
}

// TestWriteSucceedsWhenFollowUpFails (point 4): once a write is answered,
// every request after it fails with 503, yet each write reports success
// and the item as stored.
func TestWriteSucceedsWhenFollowUpFails(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, h := hookedClient(t, e)
		other, err := e.srv.AddCollection(e.team, "OTHER")
		if err != nil {
			t.Fatal(err)
		}
		// After the next answered item write, every read fails.
		arm := func() {
			var armed atomic.Bool
			h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
				if armed.Load() && r.Method == http.MethodGet {
					return unavailable(), nil
				}
				resp, err := next.RoundTrip(r)
				if err == nil && resp.StatusCode < 300 && isCipherWrite(r) {
					armed.Store(true)
				}
				return resp, err
			})
		}

		arm()
		created, err := c.Items.Create(ctx, &safe.Item{Name: "sensitive-x", TeamID: e.team.ID, Login: &safe.Login{Password: "sensitive-1"}},
			safe.InCollections(e.col.ID))
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if created.Login.Password != "sensitive-1" || !slices.Equal(created.CollectionIDs, []string{e.col.ID}) {
			t.Errorf("Create returned collections %v", created.CollectionIDs)
		}
		if ids := e.srv.ItemIDs(); len(ids) != 1 {
			t.Fatalf("%d items on the server", len(ids))
		}

		arm()
		updated, err := c.Items.SetPassword(ctx, created.ID, "sensitive-2")
		if err != nil || updated.Login.Password != "sensitive-2" {
			t.Fatalf("SetPassword: %v", err)
		}
		arm()
		updated.Notes = "sensitive-notes"
		if updated, err = c.Items.Update(ctx, updated); err != nil || updated.Notes != "sensitive-notes" {
			t.Fatalf("Update: %v", err)
		}
		arm()
		if err := c.Items.Delete(ctx, created.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if got, _ := e.srv.Item(created.ID); got.Deleted.IsZero() {
			t.Errorf("not in the trash on the server")
		}
		arm()
		restored, err := c.Items.Restore(ctx, created.ID)
		if err != nil || restored.InTrash() || restored.Login.Password != "sensitive-2" {
			t.Fatalf("Restore: %v", err)
		}
		arm()
		moved, err := c.Items.MoveToCollections(ctx, created.ID, other.ID)
		if err != nil || !slices.Equal(moved.CollectionIDs, []string{other.ID}) {
			t.Fatalf("MoveToCollections: %v, %v", err, moved)
		}
		h.set(nil)
		// The next read catches up.
		items, err := c.Items.List(ctx, safe.InCollection(other.ID))
		if err != nil || len(items) != 1 || items[0].Notes != "sensitive-notes" {
			t.Fatalf("listing after the writes: %d items, %v", len(items), err)
		}
	})
}

// TestLostCreateAnswerIsOutcomeUnknown (point 4): a create the server
// applied but whose answer was lost is ErrOutcomeUnknown, not a plain
// failure, and is not sent again.
func TestLostCreateAnswerIsOutcomeUnknown(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		c, h := hookedClient(t, e)
		var posts atomic.Int32
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/ciphers") {
				posts.Add(1)
				return loseAnswer(r, next)
			}
			return next.RoundTrip(r)
		})
		_, err := c.Items.Create(t.Context(), &safe.Item{Name: "lost", TeamID: e.team.ID, Login: &safe.Login{}}, safe.InCollections(e.col.ID))
		var ou *safe.OutcomeUnknownError
		if !errors.Is(err, safe.ErrOutcomeUnknown) || !errors.As(err, &ou) {
			t.Fatalf("lost create answer: %v, want ErrOutcomeUnknown", err)
		}
		if ou.Method != http.MethodPost || ou.Path != "/api/ciphers/create" || ou.Err == nil {
			t.Errorf("OutcomeUnknownError = %+v", ou)
		}
		if n := posts.Load(); n != 1 {
			t.Errorf("create sent %d times", n)
		}
		if ids := e.srv.ItemIDs(); len(ids) != 1 {
			t.Errorf("%d items on the server, want the 1 created", len(ids))
		}
	})
}

// TestLostUpdateAnswerIsResolved (point 5): SetPassword is applied, its
// answer is lost, the repeat comes back out of date: the client reads the
// item back, finds what it sent, and reports success.
func TestLostUpdateAnswerIsResolved(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		srv, ck := clockedServer(gen)
		e := newEnvOn(t, srv)
		c, h := hookedClient(t, e)
		it, err := c.Items.Create(t.Context(), &safe.Item{Name: "reset me", Login: &safe.Login{Password: "sensitive-old"}})
		if err != nil {
			t.Fatal(err)
		}
		var puts atomic.Int32
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if r.Method == http.MethodPut && r.URL.Path == "/api/ciphers/"+it.ID && puts.Add(1) == 1 {
				// Applied 2 s after the item's last revision: the repeat's
				// lastKnownRevisionDate is then out of the server's
				// tolerance.
				ck.advance(2 * time.Second)
				return loseAnswer(r, next)
			}
			return next.RoundTrip(r)
		})
		got, err := c.Items.SetPassword(t.Context(), it.ID, "sensitive-new")
		if err != nil {
			t.Fatalf("SetPassword with a lost answer: %v", err)
		}
		if puts.Load() < 2 {
			t.Errorf("the update was not repeated")
		}
		if got.Login.Password != "sensitive-new" {
			t.Errorf("returned item has the old password")
		}
		if stored, _ := e.srv.Item(it.ID); stored.Login.Password != "sensitive-new" || len(stored.PasswordHistory) != 1 {
			t.Errorf("server holds %d history entries", len(stored.PasswordHistory))
		}
	})
}

// TestReplayedUpdateRealConflict (point 5): when another client changed
// the item while our first attempt's answer was lost, the repeat's
// conflict is a real one; whether our first attempt was applied (and then
// overwritten) cannot be known, so the outcome is unknown too.
func TestReplayedUpdateRealConflict(t *testing.T) {
	t.Parallel()
	srv, ck := clockedServer(safetest.GenCurrent)
	e := newEnvOn(t, srv)
	c, h := hookedClient(t, e)
	it, err := c.Items.Create(t.Context(), &safe.Item{Name: "contended", Login: &safe.Login{Password: "sensitive-a"}})
	if err != nil {
		t.Fatal(err)
	}
	var puts atomic.Int32
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodPut && r.URL.Path == "/api/ciphers/"+it.ID && puts.Add(1) == 1 {
			ck.advance(2 * time.Second)
			if _, err := e.client.Items.SetPassword(context.Background(), it.ID, "sensitive-b"); err != nil {
				t.Errorf("other client: %v", err)
			}
			return &http.Response{StatusCode: http.StatusBadGateway, Body: io.NopCloser(strings.NewReader(""))}, nil
		}
		return next.RoundTrip(r)
	})
	_, err = c.Items.SetPassword(t.Context(), it.ID, "sensitive-c")
	if !errors.Is(err, safe.ErrConflict) || !errors.Is(err, safe.ErrOutcomeUnknown) {
		t.Fatalf("SetPassword against another client's change: %v, want ErrConflict and ErrOutcomeUnknown", err)
	}
	if stored, _ := e.srv.Item(it.ID); stored.Login.Password != "sensitive-b" {
		t.Errorf("the other client's password was overwritten")
	}
}

// TestLostPurgeAnswerIsSuccess (point 5): a purge applied whose answer was
// lost is repeated; the repeat's 404 means it succeeded.
func TestLostPurgeAnswerIsSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	c, h := hookedClient(t, e)
	it, err := c.Items.Create(t.Context(), &safe.Item{Name: "purge me", Login: &safe.Login{}})
	if err != nil {
		t.Fatal(err)
	}
	var deletes atomic.Int32
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodDelete && deletes.Add(1) == 1 {
			return loseAnswer(r, next)
		}
		return next.RoundTrip(r)
	})
	if err := c.Items.Purge(t.Context(), it.ID); err != nil {
		t.Fatalf("Purge with a lost answer: %v", err)
	}
	if deletes.Load() != 2 {
		t.Errorf("%d DELETEs, want 2", deletes.Load())
	}
	if _, err := e.srv.Item(it.ID); err == nil {
		t.Errorf("the item is still on the server")
	}
	// A purge of an item that was never there is still an error.
	h.set(nil)
	if err := c.Items.Purge(t.Context(), it.ID); !errors.Is(err, safe.ErrNotFound) {
		t.Errorf("second purge: %v, want ErrNotFound", err)
	}
}

// TestOwnWriteDoesNotHideOthersChanges (point 6): A syncs, B changes item
// X, A writes item Y; after the sync interval A must see B's change.
func TestOwnWriteDoesNotHideOthersChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	x, err := e.client.Items.Create(ctx, &safe.Item{Name: "x", Login: &safe.Login{Password: "sensitive-x1"}})
	if err != nil {
		t.Fatal(err)
	}
	y, err := e.client.Items.Create(ctx, &safe.Item{Name: "y", Login: &safe.Login{Password: "sensitive-y1"}})
	if err != nil {
		t.Fatal(err)
	}
	const interval = 500 * time.Millisecond
	a, _ := e.newClient(t, safe.WithSyncInterval(interval))
	if err := a.LoginPassword(ctx, testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Items.List(ctx); err != nil { // A syncs
		t.Fatal(err)
	}
	if _, err := e.client.Items.SetPassword(ctx, x.ID, "sensitive-x2"); err != nil { // B changes X
		t.Fatal(err)
	}
	if _, err := a.Items.SetPassword(ctx, y.ID, "sensitive-y2"); err != nil { // A writes Y
		t.Fatal(err)
	}
	time.Sleep(interval + 100*time.Millisecond)
	got, err := a.Items.Get(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Login.Password != "sensitive-x2" {
		t.Errorf("A still sees X as before B's change")
	}
}

// TestWriteKeepsCollections (point 8): the server's answer to a create or
// update has no collections; the writer's item and its own listing keep
// them without a re-sync.
func TestWriteKeepsCollections(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		c, h := hookedClient(t, e, safe.WithSyncInterval(time.Hour))
		if _, err := c.Items.List(ctx); err != nil {
			t.Fatal(err)
		}
		var reads atomic.Int32 // of items, or of the vault
		h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if r.Method == http.MethodGet && (r.URL.Path == "/api/sync" || strings.HasPrefix(r.URL.Path, "/api/ciphers")) {
				reads.Add(1)
			}
			return next.RoundTrip(r)
		})
		created, err := c.Items.Create(ctx, &safe.Item{Name: "in a collection", TeamID: e.team.ID, Login: &safe.Login{}}, safe.InCollections(e.col.ID))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(created.CollectionIDs, []string{e.col.ID}) {
			t.Errorf("Create returned collections %v", created.CollectionIDs)
		}
		updated, err := c.Items.SetPassword(ctx, created.ID, "sensitive-p")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(updated.CollectionIDs, []string{e.col.ID}) {
			t.Errorf("SetPassword returned collections %v", updated.CollectionIDs)
		}
		in, err := c.Items.List(ctx, safe.InCollection(e.col.ID))
		if err != nil || len(in) != 1 || in[0].ID != created.ID {
			t.Errorf("InCollection lists %d items, %v", len(in), err)
		}
		if n := reads.Load(); n != 0 {
			t.Errorf("%d reads of items or the vault after writing, want none", n)
		}
	})
}

// TestDroppedItemKeyIsRepaired (point 10): Bravura Safe's server drops the
// item key an update sends; the client notices, logs it, and writes the
// item again under the user key, so that it stays readable.
func TestDroppedItemKeyIsRepaired(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	e := newEnv(t, safetest.Gen2023, safe.WithLogger(slog.New(&logs)))
	id, err := e.srv.AddItem(e.user, safetest.Item{Name: "keyed", ItemKey: true, Login: &safetest.Login{Password: "sensitive-old"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.client.Items.SetPassword(t.Context(), id, "sensitive-new")
	if err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if got.HasItemKey || got.Login.Password != "sensitive-new" {
		t.Errorf("returned item: HasItemKey %v", got.HasItemKey)
	}
	stored, err := e.srv.Item(id)
	if err != nil {
		t.Fatalf("the server's item does not decrypt: %v", err)
	}
	if stored.ItemKey || stored.Login.Password != "sensitive-new" || !slices.Equal(stored.PasswordHistory, []string{"sensitive-old"}) {
		t.Errorf("server item: ItemKey %v, %d history entries", stored.ItemKey, len(stored.PasswordHistory))
	}
	if !logs.has(slog.LevelError, "did not keep the item's own key") {
		t.Errorf("the dropped key was not logged")
	}
}

// logBuffer is a slog handler that keeps the records' levels and messages.
type logBuffer struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *logBuffer) Enabled(context.Context, slog.Level) bool { return true }
func (l *logBuffer) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r)
	return nil
}
func (l *logBuffer) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logBuffer) WithGroup(string) slog.Handler      { return l }
func (l *logBuffer) has(level slog.Level, msg string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.recs {
		if r.Level == level && strings.Contains(r.Message, msg) {
			return true
		}
	}
	return false
}

// leaking returns the messages of the records whose message or attributes
// contain s.
func (l *logBuffer) leaking(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.recs {
		leak := strings.Contains(r.Message, s)
		r.Attrs(func(a slog.Attr) bool {
			leak = leak || strings.Contains(a.Value.String(), s)
			return !leak
		})
		if leak {
			out = append(out, r.Message)
		}
	}
	return out
}

// TestPartialUpdates (point 7): a hand-built item is refused instead of
// erasing what it leaves empty; Edit changes only what it is told, and
// re-applies its change after a conflict.
func TestPartialUpdates(t *testing.T) {
	t.Parallel()
	srv, ck := clockedServer(safetest.GenCurrent)
	e := newEnvOn(t, srv)
	ctx := t.Context()
	c, h := hookedClient(t, e)
	it, err := c.Items.Create(ctx, &safe.Item{Name: "original", Notes: "sensitive-notes", Login: &safe.Login{Username: "sensitive-u", Password: "sensitive-p"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Items.Update(ctx, &safe.Item{ID: it.ID, Type: safe.TypeLogin, Name: "renamed"}); !errors.Is(err, safe.ErrHandBuiltItem) {
		t.Fatalf("hand-built update: %v, want ErrHandBuiltItem", err)
	}
	if stored, _ := e.srv.Item(it.ID); stored.Name != "original" || stored.Notes != "sensitive-notes" || stored.Login == nil || stored.Login.Password != "sensitive-p" {
		t.Fatalf("the refused update changed the server's item")
	}
	noDate := it.Clone()
	noDate.RevisionDate = time.Time{}
	if _, err := c.Items.Update(ctx, noDate); !errors.Is(err, safe.ErrHandBuiltItem) {
		t.Errorf("update without a revision date: %v, want ErrHandBuiltItem", err)
	}

	// Another client changes the notes just before Edit's first write.
	var puts atomic.Int32
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodPut && puts.Add(1) == 1 {
			ck.advance(2 * time.Second)
			if _, err := e.client.Items.Edit(context.Background(), it.ID, func(o *safe.Item) error {
				o.Notes = "sensitive-other-notes"
				return nil
			}); err != nil {
				t.Errorf("other client: %v", err)
			}
		}
		return next.RoundTrip(r)
	})
	calls := 0
	got, err := c.Items.Edit(ctx, it.ID, func(o *safe.Item) error {
		calls++
		o.Name = "renamed"
		return nil
	})
	if err != nil {
		t.Fatalf("Edit: %v", err)
	}
	if calls != 2 {
		t.Errorf("change applied %d times, want 2 (once more after the conflict)", calls)
	}
	stored, _ := e.srv.Item(it.ID)
	if got.Name != "renamed" || stored.Name != "renamed" || stored.Notes != "sensitive-other-notes" || stored.Login.Username != "sensitive-u" {
		t.Errorf("after Edit the server has name %q, notes changed %v", stored.Name, stored.Notes != "sensitive-other-notes")
	}
	wantErr := errors.New("no")
	if _, err := c.Items.Edit(ctx, it.ID, func(*safe.Item) error { return wantErr }); !errors.Is(err, wantErr) {
		t.Errorf("Edit with a failing change: %v", err)
	}
}

// TestItemTypeAndParts (point 20): Create takes the type from the one part
// that is set, and refuses an item without either or with contradictions.
func TestItemTypeAndParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	for _, tt := range []struct {
		name string
		item *safe.Item
		want string // in the error; "" for success
	}{
		{"no type, no part", &safe.Item{Name: "x"}, "no Type"},
		{"note with a login", &safe.Item{Name: "x", Type: safe.TypeSecureNote, Login: &safe.Login{}}, "a secure note item cannot have a login part"},
		{"two parts", &safe.Item{Name: "x", Login: &safe.Login{}, Card: &safe.Card{}}, "more than one type"},
		{"unknown type", &safe.Item{Name: "x", Type: 42}, "unknown item type"},
		{"card part only", &safe.Item{Name: "x", Card: &safe.Card{}}, ""},
		{"login type only", &safe.Item{Name: "x", Type: safe.TypeLogin}, ""},
	} {
		got, err := e.client.Items.Create(ctx, tt.item)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error saying %q", tt.name, err, tt.want)
		case tt.name == "card part only" && got.Type != safe.TypeCard:
			t.Errorf("%s: type %v", tt.name, got.Type)
		case tt.name == "login type only":
			if _, err := e.client.Items.SetPassword(ctx, got.ID, "sensitive-pw"); err != nil {
				t.Errorf("SetPassword on a login created without a Login part: %v", err)
			}
		}
	}
	note, err := e.client.Items.Create(ctx, &safe.Item{Name: "note", Type: safe.TypeSecureNote})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Items.SetPassword(ctx, note.ID, "sensitive-pw"); err == nil || !strings.Contains(err.Error(), "is a secure note, not a login") {
		t.Errorf("SetPassword on a note: %v", err)
	}
}

// TestCreateWithDroppedKeyIsRepaired (point 10): a server that claims
// item-key support but drops the key of a new item (simulated by removing
// it on the way) must not leave the item encrypted under a key nobody has.
func TestCreateWithDroppedKeyIsRepaired(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	c, h := hookedClient(t, e, safe.WithItemKeys(safe.ItemKeysAlways))
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/ciphers" {
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				return nil, err
			}
			body["key"] = nil
			b, _ := json.Marshal(body)
			r = r.Clone(r.Context())
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		return next.RoundTrip(r)
	})
	it, err := c.Items.Create(t.Context(), &safe.Item{Name: "sensitive-name", Login: &safe.Login{Password: "sensitive-pw"}})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if it.HasItemKey || it.Login.Password != "sensitive-pw" {
		t.Errorf("returned item: HasItemKey %v", it.HasItemKey)
	}
	stored, err := e.srv.Item(it.ID)
	if err != nil {
		t.Fatalf("the server's item does not decrypt: %v", err)
	}
	if stored.ItemKey || stored.Name != "sensitive-name" || stored.Login.Password != "sensitive-pw" {
		t.Errorf("server item differs (ItemKey %v)", stored.ItemKey)
	}
	if ids := e.srv.ItemIDs(); len(ids) != 1 {
		t.Errorf("%d items on the server", len(ids))
	}
}

// TestEditReReadFails: when the item changed elsewhere and reading it again
// fails, Edit reports that failure (it used to go on with no item).
func TestEditReReadFails(t *testing.T) {
	t.Parallel()
	srv, ck := clockedServer(safetest.GenCurrent)
	e := newEnvOn(t, srv)
	c, h := hookedClient(t, e)
	it, err := c.Items.Create(t.Context(), &safe.Item{Name: "x", Login: &safe.Login{}})
	if err != nil {
		t.Fatal(err)
	}
	var changed atomic.Bool
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodPut && changed.CompareAndSwap(false, true) {
			ck.advance(2 * time.Second)
			if _, err := e.client.Items.SetPassword(context.Background(), it.ID, "sensitive-other"); err != nil {
				t.Errorf("other client: %v", err)
			}
		}
		if changed.Load() && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/details") {
			return unavailable(), nil
		}
		return next.RoundTrip(r)
	})
	calls := 0
	_, err = c.Items.Edit(t.Context(), it.ID, func(o *safe.Item) error {
		calls++
		o.Name = "renamed"
		return nil
	})
	if err == nil || errors.Is(err, safe.ErrConflict) || calls != 1 {
		t.Errorf("Edit whose re-read fails: %v after %d changes; want the read's error", err, calls)
	}
}

// TestSyncDoesNotUndoOwnWrite: a sync whose answer the server gave before
// the client's own write, but which is published after it, must not bring
// back the old item: the client would read its old password, and its next
// write of the item would fail as out of date.
func TestSyncDoesNotUndoOwnWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	it, err := e.client.Items.Create(ctx, &safe.Item{Name: "raced", Login: &safe.Login{Password: "sensitive-p1"}})
	if err != nil {
		t.Fatal(err)
	}
	c, h := hookedClient(t, e, safe.WithSyncInterval(time.Hour))
	if _, err := c.Items.List(ctx); err != nil {
		t.Fatal(err)
	}
	release, synced := holdSync(t, c, h)
	if _, err := c.Items.SetPassword(ctx, it.ID, "sensitive-p2"); err != nil {
		t.Fatalf("SetPassword during the sync: %v", err)
	}
	release()
	if err := <-synced; err != nil {
		t.Fatalf("sync: %v", err)
	}
	h.set(nil)
	got, err := c.Items.Get(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Login.Password != "sensitive-p2" {
		t.Errorf("after the sync the client reads its old password again")
	}
	if _, err := c.Items.SetPassword(ctx, it.ID, "sensitive-p3"); err != nil {
		t.Errorf("the next write of the item: %v", err)
	}
}

// holdSync starts a sync of c whose answer the server gives at once but
// which c receives only after release: writes made meanwhile come after
// the sync's data but before it is published.
func holdSync(t *testing.T, c *safe.Client, h *hook) (release func(), synced <-chan error) {
	t.Helper()
	fetched, held := make(chan struct{}), make(chan struct{})
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != "/api/sync" {
			return next.RoundTrip(r)
		}
		resp, err := next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(resp.Body) // the server's answer, before the writes
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(data))
		close(fetched)
		<-held
		return resp, nil
	})
	done := make(chan error, 1)
	go func() { done <- c.Sync(context.Background()) }()
	<-fetched
	return func() { close(held) }, done
}

// TestSyncKeepsStaleMark: a write whose result the client cannot take in
// (a folder) marks the snapshot stale; a sync fetched before that write
// and published after it must not clear the mark.
func TestSyncKeepsStaleMark(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	c, h := hookedClient(t, e, safe.WithSyncInterval(time.Hour))
	if _, err := c.Items.List(ctx); err != nil {
		t.Fatal(err)
	}
	release, synced := holdSync(t, c, h)
	f, err := c.Folders.Create(ctx, "made during the sync")
	if err != nil {
		t.Fatalf("Folders.Create during the sync: %v", err)
	}
	release()
	if err := <-synced; err != nil {
		t.Fatalf("sync: %v", err)
	}
	h.set(nil)
	folders, err := c.Folders.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(folders, func(g *safe.Folder) bool { return g.ID == f.ID }) {
		t.Errorf("the folder made during the sync is missing from the listing after it")
	}
}
