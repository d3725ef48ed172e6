package safe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestLostFolderAndCollectionAnswers: every write, not only item writes,
// reports a lost answer as ErrOutcomeUnknown; a caller that took it for a
// plain failure and repeated a create would make a duplicate.
func TestLostFolderAndCollectionAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	c, h := hookedClient(t, e)
	var posts atomic.Int32
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodPost && (r.URL.Path == "/api/folders" || strings.HasSuffix(r.URL.Path, "/collections")) {
			posts.Add(1)
			return loseAnswer(r, next)
		}
		return next.RoundTrip(r)
	})
	if _, err := c.Folders.Create(t.Context(), "lost folder"); !errors.Is(err, safe.ErrOutcomeUnknown) {
		t.Errorf("Folders.Create with a lost answer: %v, want ErrOutcomeUnknown", err)
	}
	if _, err := c.Collections.Create(t.Context(), e.team.ID, "LOST", safe.CollectionAccess{Users: []safe.Access{}}); !errors.Is(err, safe.ErrOutcomeUnknown) {
		t.Errorf("Collections.Create with a lost answer: %v, want ErrOutcomeUnknown", err)
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("%d creates sent, want 2 (one each, never repeated)", n)
	}
}

// TestUnreadableCreateAnswerNamesTheItem: a create the server answered
// with success was applied; when its answer cannot be decrypted, the error
// says so and names the new item, which the caller can then find.
func TestUnreadableCreateAnswerNamesTheItem(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	c, h := hookedClient(t, e)
	// Damage the encrypted name: the answer no longer decrypts.
	editAnswers(t, h, func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/api/ciphers" },
		func(m map[string]any) { m["name"] = undecryptable })
	_, err := c.Items.Create(t.Context(), &safe.Item{Name: "stored", Login: &safe.Login{Password: "sensitive-pw"}})
	var ou *safe.OutcomeUnknownError
	if !errors.As(err, &ou) || !ou.Applied {
		t.Fatalf("Create with an undecryptable answer: %v, want an applied *OutcomeUnknownError", err)
	}
	ids := e.srv.ItemIDs()
	if len(ids) != 1 || ou.ItemID != ids[0] {
		t.Errorf("error names item %q, the server holds %v", ou.ItemID, ids)
	}
}

// TestMoveToCollectionsKeepsWhatWasSent: an answer without collectionIds
// (a plain cipher) leaves the item with the collections that were set.
func TestMoveToCollectionsKeepsWhatWasSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	c, h := hookedClient(t, e)
	it, err := c.Items.Create(ctx, &safe.Item{Name: "moved", TeamID: e.team.ID, Login: &safe.Login{}}, safe.InCollections(e.col.ID))
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.srv.AddCollection(e.team, "OTHER")
	if err != nil {
		t.Fatal(err)
	}
	editAnswers(t, h, func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/collections")
	},
		func(m map[string]any) { delete(m, "collectionIds"); m["object"] = "cipher" })
	got, err := c.Items.MoveToCollections(ctx, it.ID, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.CollectionIDs, []string{other.ID}) {
		t.Errorf("collections = %v, want [%s]", got.CollectionIDs, other.ID)
	}
}

// TestCreateLeavesCallersCollections: InCollections adds to the item's
// collections for the request only; the caller's slice is not written.
func TestCreateLeavesCallersCollections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	other, err := e.srv.AddCollection(e.team, "OTHER")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 1, 4) // room to append into
	ids[0] = e.col.ID
	item := &safe.Item{Name: "two", Type: safe.TypeLogin, TeamID: e.team.ID, CollectionIDs: ids, Login: &safe.Login{}}
	if _, err := e.client.Items.Create(t.Context(), item, safe.InCollections(other.ID)); err != nil {
		t.Fatal(err)
	}
	if full := ids[:2]; full[1] != "" {
		t.Errorf("Create wrote %q into the caller's CollectionIDs array", full[1])
	}
}

// undecryptable is a well-formed type-2 EncString that no key decrypts.
const undecryptable = "2.AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAA==|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

// editAnswers lets the server answer the requests that match, then passes
// each answer's JSON object through edit before the client reads it.
func editAnswers(t *testing.T, h *hook, match func(*http.Request) bool, edit func(map[string]any)) {
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		if err != nil || !match(r) {
			return resp, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil || m == nil {
			t.Errorf("answer of %s %s is not a JSON object: %v", r.Method, r.URL.Path, err)
			return nil, errors.New("not an object")
		}
		edit(m)
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return resp, nil
	})
}

// TestKeyRepairOutlivesCallersContext: the caller's context ends right
// after the server answered a create whose item key it dropped; the item
// is stored unreadable at that moment, so the repair must still run.
func TestKeyRepairOutlivesCallersContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	c, h := hookedClient(t, e, safe.WithItemKeys(safe.ItemKeysAlways))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/ciphers" {
			return next.RoundTrip(r)
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, err
		}
		body["key"] = nil // the server drops the item key
		b, _ := json.Marshal(body)
		r = r.Clone(context.Background())
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		resp, err := next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(answer))
		cancel() // the caller gives up just after the answer
		return resp, nil
	})
	_, _ = c.Items.Create(ctx, &safe.Item{Name: "sensitive-name", Login: &safe.Login{Password: "sensitive-pw"}})
	ids := e.srv.ItemIDs()
	if len(ids) > 1 {
		t.Fatalf("%d items on the server", len(ids))
	}
	if len(ids) == 1 {
		stored, err := e.srv.Item(ids[0])
		if err != nil {
			t.Fatalf("the item is stored unreadable: %v", err)
		}
		if stored.ItemKey || stored.Login.Password != "sensitive-pw" {
			t.Errorf("stored item: ItemKey %v", stored.ItemKey)
		}
	}
}

// TestUnreadableFolderAnswerIsApplied: a folder the server created, whose
// answer does not decrypt, is reported as applied, with its ID.
func TestUnreadableFolderAnswerIsApplied(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	c, h := hookedClient(t, e)
	var created string
	editAnswers(t, h, func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/api/folders" },
		func(m map[string]any) { created, _ = m["id"].(string); m["name"] = undecryptable })
	_, err := c.Folders.Create(t.Context(), "sensitive-folder")
	var ou *safe.OutcomeUnknownError
	if !errors.As(err, &ou) || !ou.Applied || ou.ItemID == "" || ou.ItemID != created {
		t.Fatalf("Folders.Create with an undecryptable answer: %v (%+v), want applied, naming folder %q", err, ou, created)
	}
	if strings.Contains(err.Error(), "sensitive-folder") {
		t.Errorf("the error quotes the folder name")
	}
}
