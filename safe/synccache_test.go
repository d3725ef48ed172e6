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

// memCache is a SyncCache in memory. Every body it is given is checked for
// the "sensitive-" canaries: the cache must only ever see ciphertext.
type memCache struct {
	t        *testing.T
	mu       sync.Mutex
	body     []byte
	rev      int64
	ok       bool
	loads    int
	stores   int
	storeErr error
}

func (m *memCache) LoadSync(context.Context) ([]byte, int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.loads++
	return bytes.Clone(m.body), m.rev, m.ok, nil
}

func (m *memCache) StoreSync(_ context.Context, body []byte, rev int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stores++
	if bytes.Contains(body, []byte("sensitive-")) {
		m.t.Errorf("plaintext handed to the sync cache")
	}
	if m.storeErr != nil {
		return m.storeErr
	}
	m.body, m.rev, m.ok = bytes.Clone(body), rev, true
	return nil
}

func (m *memCache) counts() (loads, stores int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.loads, m.stores
}

// cacheEnv is env with one personal item whose every field is a canary.
type cacheEnv struct {
	*env
	itemID string
}

func newCacheEnv(t *testing.T, gens ...safetest.Generation) *cacheEnv {
	t.Helper()
	gen := safetest.GenCurrent
	if len(gens) > 0 {
		gen = gens[0]
	}
	e := newEnv(t, gen)
	id, err := e.srv.AddItem(e.user, safetest.Item{Name: "sensitive-item-name", Notes: "sensitive-item-notes",
		Login: &safetest.Login{Username: "sensitive-user", Password: "sensitive-item-password"}})
	if err != nil {
		t.Fatal(err)
	}
	return &cacheEnv{env: e, itemID: id}
}

// cachedClient logs in a new client on cache; its requests are recorded
// (and pass the wire canary).
func (e *cacheEnv) cachedClient(t *testing.T, cache safe.SyncCache, opts ...safe.Option) (*safe.Client, *pathRecorder, *logBuffer) {
	t.Helper()
	rec := &pathRecorder{next: &canary{t: t, next: e.srv.Client().Transport}}
	logs := &logBuffer{}
	opts = append([]safe.Option{safe.WithHTTPClient(&http.Client{Transport: rec}), safe.WithSyncCache(cache),
		safe.WithLogger(slog.New(logs))}, opts...)
	c, err := safe.NewClient(e.srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoginPassword(t.Context(), testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	rec.reset()
	return c, rec, logs
}

func fullSyncs(rec *pathRecorder) int {
	n := 0
	for _, u := range rec.all() {
		if strings.HasPrefix(u, "GET /api/sync") {
			n++
		}
	}
	return n
}

// itemName reads the canary item through c.
func (e *cacheEnv) itemName(t *testing.T, c *safe.Client) string {
	t.Helper()
	it, err := c.Items.Get(t.Context(), e.itemID)
	if err != nil {
		t.Fatal(err)
	}
	if it.Login == nil || it.Login.Password != "sensitive-item-password" {
		t.Errorf("item read from the cache lost its password")
	}
	return it.Name
}

// primed returns a cache filled by a first client's sync.
func (e *cacheEnv) primed(t *testing.T) *memCache {
	t.Helper()
	cache := &memCache{t: t}
	c, rec, _ := e.cachedClient(t, cache)
	if got := e.itemName(t, c); got != "sensitive-item-name" {
		t.Fatalf("first client read %q", got)
	}
	if fullSyncs(rec) != 1 || !cache.ok {
		t.Fatalf("first client: %d full syncs, cache stored %v; want 1 and stored", fullSyncs(rec), cache.ok)
	}
	if !bytes.Contains(cache.body, []byte(e.itemID)) {
		t.Fatal("the stored body does not hold the item")
	}
	return cache
}

// TestSyncCacheUsed: a second client with the cache reads the vault with
// no /api/sync, only the revision check.
func TestSyncCacheUsed(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := e.primed(t)
	c, rec, _ := e.cachedClient(t, cache)
	if got := e.itemName(t, c); got != "sensitive-item-name" {
		t.Errorf("second client read %q", got)
	}
	if n := fullSyncs(rec); n != 0 {
		t.Errorf("second client made %d full syncs, want 0 (the cache)", n)
	}
	if !strings.Contains(strings.Join(rec.all(), " "), "/api/accounts/revision-date") {
		t.Error("the cache was used without asking the server's revision date")
	}
	if _, stores := cache.counts(); stores != 1 {
		t.Errorf("%d stores, want 1 (the first client's full sync)", stores)
	}
	// Sync is always a full sync, and stores.
	if err := c.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := fullSyncs(rec); n != 1 {
		t.Errorf("Sync made %d full syncs, want 1", n)
	}
	if _, stores := cache.counts(); stores != 2 {
		t.Errorf("%d stores after Sync, want 2", stores)
	}
}

// TestSyncCacheNewerServerRevision: a change on the server after the cache
// was stored (another client's) bypasses the cache, and the new body is
// stored.
func TestSyncCacheNewerServerRevision(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := e.primed(t)
	newID, err := e.srv.AddItem(e.user, safetest.Item{Name: "added elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	c, rec, _ := e.cachedClient(t, cache)
	items, err := c.Items.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// List, not Get: Get fetches an item missing from the snapshot.
	if !slices.ContainsFunc(items, func(it *safe.Item) bool { return it.ID == newID }) {
		t.Error("the item added after the cache was stored is not listed")
	}
	if n := fullSyncs(rec); n != 1 {
		t.Errorf("%d full syncs, want 1", n)
	}
	if _, stores := cache.counts(); stores != 2 {
		t.Errorf("%d stores, want 2", stores)
	}
}

// TestSyncCacheOwnWrites: a client's own write makes the cache stale for
// the next client on it, and for the same client after it logs in again.
func TestSyncCacheOwnWrites(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := &memCache{t: t}
	c, _, _ := e.cachedClient(t, cache)
	if _, err := c.Items.Edit(t.Context(), e.itemID, func(it *safe.Item) error {
		it.Name = "sensitive-renamed"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, stores := cache.counts(); stores != 1 {
		t.Fatalf("%d stores, want 1 (the read before the edit)", stores)
	}
	next, _, _ := e.cachedClient(t, cache)
	if got := e.itemName(t, next); got != "sensitive-renamed" {
		t.Errorf("next client read %q after the write, want the new name", got)
	}
	cache2 := &memCache{t: t}
	c2, _, _ := e.cachedClient(t, cache2)
	e.itemName(t, c2) // stores
	if _, err := c2.Items.Edit(t.Context(), e.itemID, func(it *safe.Item) error {
		it.Name = "sensitive-renamed-again"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c2.Logout()
	if err := c2.LoginPassword(t.Context(), testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	if got := e.itemName(t, c2); got != "sensitive-renamed-again" {
		t.Errorf("same client, logged in again, read %q", got)
	}
}

// TestSyncCacheOtherUser: a cached body of another account, even with the
// right revision, is ignored, also in lenient mode (where its items would
// otherwise "decode" with every field failed). On a 2023 server the sync
// has no userDecryption salt that would betray the other account: only
// the profile's ID does.
func TestSyncCacheOtherUser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		gen     safetest.Generation
		lenient bool
	}{{safetest.Gen2023, false}, {safetest.Gen2023, true}, {safetest.GenCurrent, true}} {
		lenient := tc.lenient
		e := newCacheEnv(t, tc.gen)
		cache := e.primed(t)
		if _, err := e.srv.AddUser(safetest.UserSpec{Email: "other@example.com", Password: testPassword, KDF: safetest.PBKDF2(5000)}); err != nil {
			t.Fatal(err)
		}
		otherCache := &memCache{t: t}
		oc, err := safe.NewClient(e.srv.URL, safe.WithHTTPClient(e.srv.Client()), safe.WithSyncCache(otherCache))
		if err != nil {
			t.Fatal(err)
		}
		if err := oc.LoginPassword(t.Context(), "other@example.com", testPassword); err != nil {
			t.Fatal(err)
		}
		if err := oc.Sync(t.Context()); err != nil {
			t.Fatal(err)
		}
		cache.body = otherCache.body // the revision stays this user's
		var opts []safe.Option
		if lenient {
			opts = append(opts, safe.WithLenientDecrypt())
		}
		c, rec, logs := e.cachedClient(t, cache, opts...)
		if got := e.itemName(t, c); got != "sensitive-item-name" {
			t.Errorf("lenient %v: read %q", lenient, got)
		}
		if n := fullSyncs(rec); n != 1 {
			t.Errorf("lenient %v: %d full syncs, want 1 (the other user's cache ignored)", lenient, n)
		}
		if !logs.has(slog.LevelWarn, "sync cache") {
			t.Errorf("lenient %v: the ignored cache was not logged", lenient)
		}
	}
}

// TestSyncCacheCorrupt: a body that does not decode is ignored (and
// logged, without its content), and the full sync replaces it.
func TestSyncCacheCorrupt(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := e.primed(t)
	for _, bad := range [][]byte{cache.body[:len(cache.body)/2], []byte("{}"), nil, []byte("sensitive-not-json")} {
		cache.body = bytes.Clone(bad)
		c, rec, logs := e.cachedClient(t, cache)
		if got := e.itemName(t, c); got != "sensitive-item-name" {
			t.Errorf("read %q", got)
		}
		if n := fullSyncs(rec); n != 1 {
			t.Errorf("%d full syncs, want 1", n)
		}
		if !logs.has(slog.LevelWarn, "does not decode") {
			t.Errorf("the corrupt cache was not logged")
		}
		if leaks := logs.leaking("sensitive-"); len(leaks) > 0 {
			t.Errorf("logs carry the cache's content: %q", leaks)
		}
	}
}

// TestSyncCacheStoreFails: a failing StoreSync is logged and does not
// fail the read or Sync.
func TestSyncCacheStoreFails(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := &memCache{t: t, storeErr: errors.New("disk full")}
	c, _, logs := e.cachedClient(t, cache)
	if got := e.itemName(t, c); got != "sensitive-item-name" {
		t.Errorf("read %q", got)
	}
	if err := c.Sync(t.Context()); err != nil {
		t.Errorf("Sync with a failing cache: %v", err)
	}
	if _, stores := cache.counts(); stores != 2 {
		t.Errorf("%d stores tried, want 2", stores)
	}
	if !logs.has(slog.LevelWarn, "store failed") {
		t.Error("the failed store was not logged")
	}
}

// TestSyncCacheConcurrentReads: two goroutines reading at once on a new
// client share one cache load and no full sync (run with -race).
func TestSyncCacheConcurrentReads(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := e.primed(t)
	loadsBefore, _ := cache.counts()
	c, rec, _ := e.cachedClient(t, cache)
	var wg sync.WaitGroup
	names := make([]string, 2)
	for i := range names {
		wg.Go(func() {
			it, err := c.Items.Get(t.Context(), e.itemID)
			if err != nil {
				t.Error(err)
				return
			}
			names[i] = it.Name
		})
	}
	wg.Wait()
	for i, n := range names {
		if n != "sensitive-item-name" {
			t.Errorf("goroutine %d read %q", i, n)
		}
	}
	if n := fullSyncs(rec); n != 0 {
		t.Errorf("%d full syncs, want 0", n)
	}
	if loads, _ := cache.counts(); loads-loadsBefore != 1 {
		t.Errorf("%d cache loads, want 1 shared by both", loads-loadsBefore)
	}
}

// TestSyncCacheItemDoesNotDecrypt: a cached body that decodes but holds an
// item that does not (its MAC fails: a body damaged under the cache's own
// protection, or a bug) is dropped by the first read of items for a full
// sync, which answers the read; the failure is logged, not returned.
func TestSyncCacheItemDoesNotDecrypt(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := e.primed(t)
	var doc struct {
		Ciphers []struct {
			Name string `json:"name"`
		} `json:"ciphers"`
	}
	if err := json.Unmarshal(cache.body, &doc); err != nil || len(doc.Ciphers) != 1 {
		t.Fatalf("cached body: %v, %d ciphers", err, len(doc.Ciphers))
	}
	name := doc.Ciphers[0].Name
	i := len(name) - 10 // inside the MAC's base64, clear of its last bits
	flipped := byte('A')
	if name[i] == 'A' {
		flipped = 'B'
	}
	bad := name[:i] + string(flipped) + name[i+1:]
	tampered := bytes.ReplaceAll(cache.body, []byte(name), []byte(bad))
	if bytes.Equal(tampered, cache.body) {
		t.Fatal("the item's name was not found in the cached body")
	}
	cache.body = tampered
	c, rec, logs := e.cachedClient(t, cache)
	items, err := c.Items.List(t.Context())
	if err != nil {
		t.Fatalf("List: %v, want the full sync's items", err)
	}
	if len(items) != 1 || items[0].Name != "sensitive-item-name" {
		t.Errorf("List read %d items", len(items))
	}
	if n := fullSyncs(rec); n != 1 {
		t.Errorf("%d full syncs, want 1 (the cache dropped)", n)
	}
	if !logs.has(slog.LevelWarn, "items do not decrypt") {
		t.Error("the dropped cache was not logged")
	}
	if bytes.Equal(cache.body, tampered) {
		t.Error("the full sync did not replace the cached body")
	}
}

// panicCache is a SyncCache whose LoadSync panics, with a secret in the
// panic value.
type panicCache struct{ memCache }

func (p *panicCache) LoadSync(context.Context) ([]byte, int64, bool, error) {
	panic("sensitive-panic-value")
}

// TestSyncCacheLoadPanics: a LoadSync that panics (it runs in a goroutine
// of its own, beside the revision request) is an ignored cache, logged
// without the panic value, and the read syncs in full.
func TestSyncCacheLoadPanics(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := &panicCache{memCache{t: t}}
	c, rec, logs := e.cachedClient(t, cache)
	if got := e.itemName(t, c); got != "sensitive-item-name" {
		t.Errorf("read %q", got)
	}
	if n := fullSyncs(rec); n != 1 {
		t.Errorf("%d full syncs, want 1", n)
	}
	if !logs.has(slog.LevelError, "panicked") {
		t.Error("the panic was not logged")
	}
	if leaks := logs.leaking("sensitive-"); len(leaks) > 0 {
		t.Errorf("logs carry the panic value: %q", leaks)
	}
}

// slowCache is a SyncCache whose LoadSync blocks until its ctx ends (or a
// minute passes), and then takes 200 ms more to return, counting the
// loads under way and those stopped.
type slowCache struct {
	memCache
	loading, stopped atomic.Int32
}

func (s *slowCache) LoadSync(ctx context.Context) ([]byte, int64, bool, error) {
	s.loading.Add(1)
	defer s.loading.Add(-1)
	select {
	case <-ctx.Done():
		s.stopped.Add(1)
		time.Sleep(200 * time.Millisecond) // a cache slow to let go
		return nil, 0, false, ctx.Err()
	case <-time.After(time.Minute):
		return nil, 0, false, nil
	}
}

// failingRevision answers the revision-date request with 503 and passes
// everything else to next.
type failingRevision struct{ next http.RoundTripper }

func (f failingRevision) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/revision-date") {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Body: io.NopCloser(strings.NewReader("{}")),
			Header: http.Header{}, Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

// TestSyncCacheLoadEndsWithTheSync: the cache is loaded beside the
// revision request, but never outlives the sync: when that request fails,
// the load is stopped and waited for before the read returns (a SyncCache
// is called from one goroutine at a time), and its ctx error is not
// logged as a failed load.
func TestSyncCacheLoadEndsWithTheSync(t *testing.T) {
	t.Parallel()
	e := newCacheEnv(t)
	cache := &slowCache{memCache: memCache{t: t}}
	c, _, logs := e.cachedClient(t, cache, safe.WithHTTPClient(&http.Client{Transport: failingRevision{e.srv.Client().Transport}}),
		safe.WithRetryPolicy(safe.RetryPolicy{}))
	if _, err := c.Items.List(t.Context()); err == nil {
		t.Fatal("List succeeded with a failing revision request")
	}
	if n := cache.loading.Load(); n != 0 {
		t.Errorf("%d cache loads still running after the read returned", n)
	}
	if n := cache.stopped.Load(); n != 1 {
		t.Errorf("%d loads stopped by their ctx, want 1", n)
	}
	if logs.has(slog.LevelWarn, "load failed") {
		t.Error("the stopped load was logged as failed")
	}
}
