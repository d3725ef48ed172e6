package safe

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// lazyClient is a client logged in as a on a fake server that answers
// /api/sync with body (counting the syncs) and the revision date 1, and
// every other request with more (404 if more is nil or answers nil).
func lazyClient(t *testing.T, a *testAccount, body []byte, syncs *atomic.Int32, more ...func(*http.Request) *http.Response) *Client {
	t.Helper()
	c := newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/revision-date"):
			return respond(200, "1"), nil
		case strings.HasSuffix(r.URL.Path, "/api/sync"):
			syncs.Add(1)
			return respond(200, string(body)), nil
		}
		for _, m := range more {
			if resp := m(r); resp != nil {
				return resp, nil
			}
		}
		return respond(404, "{}"), nil
	}), WithRetryPolicy(RetryPolicy{}))
	a.sess.access, a.sess.refresh, a.sess.clientID, a.sess.expiry = "tok-1", "refresh-1", "cli", time.Now().Add(time.Hour)
	c.sess = a.sess
	return c
}

// manyCiphers returns n personal ciphers of a, item-0 to item-(n-1).
func manyCiphers(t *testing.T, a *testAccount, n int) []map[string]any {
	t.Helper()
	ciphers := make([]map[string]any, n)
	for i := range ciphers {
		ciphers[i], _ = a.cipherJSON(t, "item-"+strconv.Itoa(i), "", false)
	}
	return ciphers
}

// TestSyncLeavesItemsToTheFirstRead: Sync decrypts the profile, teams,
// folders and collections, not the items; an item that does not decrypt
// (strict mode) fails the first listing, and every later one, with the
// same error, while reads that need no items, and Get of another item,
// still work, before and after the listing.
func TestSyncLeavesItemsToTheFirstRead(t *testing.T) {
	a := newTestAccount(t)
	var syncs atomic.Int32
	c := lazyClient(t, a, brokenVault(t, a, map[string]bool{"field": true}), &syncs)
	ctx := context.Background()
	if err := c.Sync(ctx); err != nil {
		t.Fatalf("Sync with an undecryptable item: %v, want nil (items are decrypted by reads)", err)
	}
	c.mu.Lock()
	v := c.vault
	c.mu.Unlock()
	if v.itemsReady || len(v.ciphers) != 3 {
		t.Fatalf("after Sync: itemsReady %v, %d raw ciphers; want false and 3", v.itemsReady, len(v.ciphers))
	}
	if _, err := c.Teams(ctx); err != nil {
		t.Errorf("Teams: %v", err)
	}
	for range 2 {
		if it, err := c.Items.Get(ctx, "good"); err != nil || it.ID != "good" || it.Login.Password == "" {
			t.Errorf("Get(good): %v", err)
		}
		_, err := c.Items.List(ctx)
		var de *DecryptError
		if !errors.As(err, &de) || de.ID != "bad-field" || !errors.Is(err, ErrMAC) {
			t.Errorf("List: %v, want the DecryptError of bad-field (ErrMAC)", err)
		}
		if _, err := c.Items.Get(ctx, "bad-field"); !errors.As(err, &de) || de.ID != "bad-field" {
			t.Errorf("Get(bad-field): %v, want its DecryptError", err)
		}
	}
	if n := syncs.Load(); n != 1 {
		t.Errorf("%d syncs, want 1", n)
	}
	c.mu.Lock()
	kept := v.itemsErr
	c.mu.Unlock()
	if !errors.Is(kept, ErrMAC) {
		t.Errorf("the failure to decrypt was not kept on the snapshot: %v", kept)
	}
}

// TestDecryptItemsCancelNotKept: a read whose ctx has ended (before it
// takes the decryption, or once it has: either may happen) gets its ctx's
// error, and the next read decrypts the same snapshot; a reader waiting
// for another's decryption leaves at its own deadline.
func TestDecryptItemsCancelNotKept(t *testing.T) {
	a := newTestAccount(t)
	c, _ := NewClient("https://x")
	v, err := c.decodeSync(a.syncJSON(t, manyCiphers(t, a, 100)...), a.sess)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.decryptItems(cancelled, v); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
	if v.itemsReady || v.itemsErr != nil {
		t.Fatalf("a cancelled decryption was kept (ready %v, err %v)", v.itemsReady, v.itemsErr)
	}

	v.decrypting <- struct{}{} // another reader at work
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.decryptItems(short, v); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting reader: %v, want its own deadline", err)
	}
	<-v.decrypting

	if err := c.decryptItems(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	if len(v.items) != 100 || len(v.order) != 100 || v.ciphers != nil {
		t.Errorf("%d items, %d in order, ciphers kept %v; want 100, 100, dropped", len(v.items), len(v.order), v.ciphers != nil)
	}
}

// TestWritesBeforeTheFirstRead: the client's own writes noted before the
// items were decrypted (a process that syncs, writes, then reads) are
// applied to them: a newer version replaces the synced one, an older one
// does not, a new item is appended, and a purge removes the item.
func TestWritesBeforeTheFirstRead(t *testing.T) {
	a := newTestAccount(t)
	var ciphers []map[string]any
	var synced []*Item
	for _, id := range []string{"kept", "edited", "purged", "newer-on-server"} {
		m, it := a.cipherJSON(t, id, "", false)
		ciphers = append(ciphers, m)
		synced = append(synced, it)
	}
	var syncs atomic.Int32
	c := lazyClient(t, a, a.syncJSON(t, ciphers...), &syncs)
	ctx := context.Background()
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	at := func(it *Item, d time.Duration) *Item {
		cp := it.Clone()
		cp.RevisionDate = cp.RevisionDate.Add(d)
		cp.Name = "own write of " + cp.ID
		return cp
	}
	c.noteWrite(at(synced[1], time.Minute))
	c.noteRemoval("purged")
	c.noteWrite(at(synced[3], -time.Minute)) // the server's copy is newer
	c.noteWrite(&Item{ID: "created", Name: "own write of created", Type: TypeLogin, Login: &Login{}})

	items, err := c.Items.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.ID+"="+it.Name)
	}
	want := []string{"kept=" + synced[0].Name, "edited=own write of edited", "newer-on-server=" + synced[3].Name, "created=own write of created"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("items after the first read:\n got %q\nwant %q", got, want)
	}
	c.mu.Lock()
	pending := len(c.vault.pending)
	c.mu.Unlock()
	if pending != 0 {
		t.Errorf("%d writes still pending after the items were decrypted", pending)
	}
}

// TestConcurrentFirstReads: readers that start together on a fresh
// snapshot all see every item, with one sync (run with -race).
func TestConcurrentFirstReads(t *testing.T) {
	a := newTestAccount(t)
	var syncs atomic.Int32
	c := lazyClient(t, a, a.syncJSON(t, manyCiphers(t, a, 300)...), &syncs)
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			items, err := c.Items.List(context.Background())
			if err != nil || len(items) != 300 {
				t.Errorf("List: %d items, %v; want 300", len(items), err)
			}
		})
	}
	wg.Wait()
	if n := syncs.Load(); n != 1 {
		t.Errorf("%d syncs, want 1", n)
	}
}

// TestGetDecryptsOneItem: Get on a snapshot whose items are not decrypted
// decrypts only the cipher it asks for (the last of repeated IDs, as a
// listing keeps), and leaves the rest raw; with an own write of the item
// pending, it answers from the whole snapshot, so the newer version wins.
func TestGetDecryptsOneItem(t *testing.T) {
	a := newTestAccount(t)
	first, _ := a.cipherJSON(t, "dup", "", false)
	second, _ := a.cipherJSON(t, "dup", "", false)
	second["name"] = enc(t, a.sess.userKey, "second of dup")
	other, otherItem := a.cipherJSON(t, "other", "", false)
	var syncs atomic.Int32
	c := lazyClient(t, a, a.syncJSON(t, first, other, second), &syncs)
	ctx := context.Background()
	it, err := c.Items.Get(ctx, "dup")
	if err != nil || it.Name != "second of dup" {
		t.Fatalf("Get(dup) = %v, %v; want the second of the repeated ID", it, err)
	}
	c.mu.Lock()
	v := c.vault
	ready, raw := v.itemsReady, len(v.ciphers)
	c.mu.Unlock()
	if ready || raw != 3 {
		t.Errorf("after Get: itemsReady %v, %d raw ciphers; want false, 3 (only one decrypted)", ready, raw)
	}
	own := otherItem.Clone()
	own.Name, own.RevisionDate = "own write", own.RevisionDate.Add(time.Minute)
	c.noteWrite(own)
	if it, err := c.Items.Get(ctx, "other"); err != nil || it.Name != "own write" {
		t.Errorf("Get(other) with an own write pending = %v, %v; want the own write", it, err)
	}
	c.mu.Lock()
	ready = v.itemsReady
	c.mu.Unlock()
	if !ready {
		t.Error("Get with a pending write did not answer from the decrypted snapshot")
	}
}

// TestGetShortcutIsExact: the shortcut matches IDs as the snapshot's map
// does, exactly: an ID in another case is not found among the synced
// items (and is then asked of the server, which here has no such item).
func TestGetShortcutIsExact(t *testing.T) {
	const id, upper = "0b5c1a7e-3f7d-4e2a-9c1b-5d8e2f3a4b6c", "0B5C1A7E-3F7D-4E2A-9C1B-5D8E2F3A4B6C"
	a := newTestAccount(t)
	m, _ := a.cipherJSON(t, id, "", false)
	var syncs atomic.Int32
	c := lazyClient(t, a, a.syncJSON(t, m), &syncs)
	if it, state := c.undecrypted(mustSnapshot(t, c), upper); it != nil || state != notInSnapshot {
		t.Errorf("the shortcut for the ID in another case: %v, %v; want nothing, not in the snapshot", it, state)
	}
	if it, state := c.undecrypted(mustSnapshot(t, c), id); it == nil || it.ID != id || state != foundRaw {
		t.Errorf("the shortcut did not find the item: %v, %v", it, state)
	}
	// Not in the snapshot: asked of the server (which has no such item),
	// without decrypting the snapshot.
	if _, err := c.Items.Get(context.Background(), upper); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(upper case) = %v, want ErrNotFound from the server", err)
	}
	if v := mustSnapshot(t, c); v.itemsReady {
		t.Error("Get of an ID not in the snapshot decrypted the snapshot")
	}
}

// TestGetShortcutCannotTell: with a cipher whose ID cannot be read, an ID
// the index lacks may still be that cipher's, so Get leaves the answer to
// the decrypted snapshot, whose error (strict mode) it returns.
func TestGetShortcutCannotTell(t *testing.T) {
	a := newTestAccount(t)
	good, _ := a.cipherJSON(t, "good", "", false)
	noID, _ := a.cipherJSON(t, "x", "", false)
	delete(noID, "id")
	var syncs atomic.Int32
	c := lazyClient(t, a, a.syncJSON(t, good, noID), &syncs)
	v := mustSnapshot(t, c)
	if it, state := c.undecrypted(v, "good"); it == nil || state != foundRaw {
		t.Errorf("the shortcut did not find good: %v, %v", it, state)
	}
	if _, state := c.undecrypted(v, "other"); state != cannotTell {
		t.Errorf("shortcut for an ID the incomplete index lacks: %v, want cannotTell", state)
	}
	if _, err := c.Items.Get(context.Background(), "other"); err == nil {
		t.Error("Get through a snapshot with an unreadable cipher succeeded")
	}
	if v.itemsErr == nil {
		t.Error("Get did not leave the answer to the decrypted snapshot")
	}
}

func mustSnapshot(t *testing.T, c *Client) *vault {
	t.Helper()
	v, err := c.snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRestoreWhenTheSnapshotCannotSay: a restore whose answer names no
// collections takes them from the snapshot; when the snapshot cannot say
// (its items do not decrypt), the item is read back, and its collections
// come from the server, not an empty list.
func TestRestoreWhenTheSnapshotCannotSay(t *testing.T) {
	const id = "5a0c3e1b-2f4d-4c6e-8a9b-0c1d2e3f4a5b"
	a := newTestAccount(t)
	noID, _ := a.cipherJSON(t, "x", "", false)
	delete(noID, "id")
	body := a.syncJSON(t, noID)
	restored, _ := a.cipherJSON(t, id, "", false) // collectionIds c1, c2
	withCollections, _ := json.Marshal(restored)
	delete(restored, "collectionIds")
	answer, _ := json.Marshal(restored)
	var syncs, details atomic.Int32
	c := lazyClient(t, a, body, &syncs, func(r *http.Request) *http.Response {
		switch {
		case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/"+id+"/restore"):
			return respond(200, string(answer))
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+id+"/details"):
			details.Add(1)
			return respond(200, string(withCollections))
		}
		return nil
	})
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	it, err := c.Items.Restore(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(it.CollectionIDs, ",") != "c1,c2" {
		t.Errorf("restored item's collections = %v, want [c1 c2] from the server", it.CollectionIDs)
	}
	if n := details.Load(); n != 1 {
		t.Errorf("%d reads back, want 1", n)
	}
}
