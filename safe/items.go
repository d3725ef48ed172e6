package safe

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// ItemsService reads and writes vault items. Get it as Client.Items.
type ItemsService service

// Filter narrows a listing of items. Filters combine with AND.
type Filter func(*query)

type query struct {
	team, collection, folder string
	hasTeam, hasFolder       bool
	trashed                  bool
	typ                      ItemType
	search                   string
	fields                   []fieldMatch
}

type fieldMatch struct{ name, value string }

// InTeam keeps the items of a team; InTeam("") keeps personal items.
func InTeam(teamID string) Filter {
	return func(q *query) { q.team, q.hasTeam = teamID, true }
}

// InCollection keeps the items in a collection.
func InCollection(collectionID string) Filter {
	return func(q *query) { q.collection = collectionID }
}

// InFolder keeps the items in a folder; InFolder("") keeps those in none.
func InFolder(folderID string) Filter {
	return func(q *query) { q.folder, q.hasFolder = folderID, true }
}

// Trashed lists the items in the trash instead of the others.
func Trashed() Filter { return func(q *query) { q.trashed = true } }

// OfType keeps the items of one type.
func OfType(t ItemType) Filter { return func(q *query) { q.typ = t } }

// Search keeps the items whose name, login username or a URI contains s,
// ignoring case.
func Search(s string) Filter { return func(q *query) { q.search = strings.ToLower(s) } }

// WithField keeps the items with a custom field of the given name and
// value, such as WithField("assocID", "db01-admin"). The field is the one
// Item.Field reads: the first with that name. Name and value are compared
// exactly, byte for byte (case matters, as it does in Item.Field); a
// boolean field's value is "true" or "false", and a linked field has none.
// Several WithField filters must all match.
func WithField(name, value string) Filter {
	return func(q *query) { q.fields = append(q.fields, fieldMatch{name, value}) }
}

func (q *query) match(it *Item) bool {
	if it.InTrash() != q.trashed ||
		(q.hasTeam && it.TeamID != q.team) ||
		(q.hasFolder && it.FolderID != q.folder) ||
		(q.typ != 0 && it.Type != q.typ) {
		return false
	}
	if q.collection != "" && !slices.Contains(it.CollectionIDs, q.collection) {
		return false
	}
	for _, f := range q.fields {
		if v, ok := it.Field(f.name); !ok || v != f.value {
			return false
		}
	}
	if q.search == "" {
		return true
	}
	if strings.Contains(strings.ToLower(it.Name), q.search) {
		return true
	}
	if it.Login != nil {
		if strings.Contains(strings.ToLower(it.Login.Username), q.search) {
			return true
		}
		for _, u := range it.Login.URIs {
			if strings.Contains(strings.ToLower(u.URI), q.search) {
				return true
			}
		}
	}
	return false
}

// All iterates over the items that pass the filters, in server order. Each
// item is a copy the caller may change. Items in the trash are left out
// unless Trashed is given. The vault is synced first if needed; an error
// is yielded once and ends the iteration.
func (s *ItemsService) All(ctx context.Context, filters ...Filter) iter.Seq2[*Item, error] {
	return func(yield func(*Item, error) bool) {
		v, err := s.c.itemSnapshot(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		var q query
		for _, f := range filters {
			f(&q)
		}
		s.c.mu.Lock()
		items := make([]*Item, 0, len(v.order))
		for _, id := range v.order {
			if it := v.items[id]; it != nil && q.match(it) {
				items = append(items, it)
			}
		}
		s.c.mu.Unlock()
		for _, it := range items {
			if !yield(it.Clone(), nil) {
				return
			}
		}
	}
}

// List returns the items that pass the filters (see All).
func (s *ItemsService) List(ctx context.Context, filters ...Filter) ([]*Item, error) {
	var out []*Item
	for it, err := range s.All(ctx, filters...) {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// Get returns one item, from the synced vault or else from the server.
func (s *ItemsService) Get(ctx context.Context, id string) (*Item, error) {
	v, err := s.c.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	switch it, state := s.c.undecrypted(v, id); state {
	case foundRaw:
		return it, nil
	case notInSnapshot:
		return s.fetch(ctx, id)
	}
	if v, err = s.c.itemSnapshot(ctx); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	it := v.items[id]
	s.c.mu.Unlock()
	if it != nil {
		return it.Clone(), nil
	}
	return s.fetch(ctx, id)
}

// rawLookup is what undecrypted found.
type rawLookup int

const (
	cannotTell    rawLookup = iota // ask the decrypted snapshot
	foundRaw                       // the item, decrypted alone
	notInSnapshot                  // no cipher has the ID: ask the server
)

// undecrypted is Get's shortcut while v's items are not decrypted (a
// program that reads one item, or a vault in which another item does not
// decrypt): it decrypts only the cipher with the ID, the last one if the
// answer repeats it, as decryptItems keeps. The ciphers are indexed by ID
// once, by the first Get. It cannot tell, and leaves the answer to the
// decrypted snapshot, when the items are decrypted already, when an own
// write of the item is pending (the write and the synced version have to
// be compared), when the cipher does not decrypt, and when a cipher's ID
// could not be read: so the errors, and the fallback from a sync cache
// that does not decrypt, are those of every other read.
func (c *Client) undecrypted(v *vault, id string) (*Item, rawLookup) {
	c.mu.Lock()
	ciphers, index := v.ciphers, v.cipherIndex
	skip := v.itemsReady || slices.ContainsFunc(v.pending, func(w ownWrite) bool { return w.id == id })
	c.mu.Unlock()
	if skip {
		return nil, cannotTell
	}
	if index == nil {
		index = indexCiphers(ciphers) // outside the lock; a concurrent Get may build it too
		c.mu.Lock()
		if !v.itemsReady {
			v.cipherIndex = index
		}
		c.mu.Unlock()
	}
	i, ok := index.byID[id]
	switch {
	case !ok && index.complete:
		return nil, notInSnapshot
	case !ok:
		return nil, cannotTell
	}
	it, err := c.decryptItem(v, v.sess, ciphers[i])
	if err != nil {
		return nil, cannotTell
	}
	return it, foundRaw
}

// cipherIndex maps the IDs of a sync answer's ciphers to their positions
// (the last of a repeated ID, as decryptItems keeps); complete is false if
// some cipher's ID could not be read.
type cipherIndex struct {
	byID     map[string]int
	complete bool
}

func indexCiphers(ciphers [][]byte) *cipherIndex {
	x := &cipherIndex{byID: make(map[string]int, len(ciphers)), complete: true}
	for i, raw := range ciphers {
		if id, ok := cipherID(raw); ok {
			x.byID[id] = i
		} else {
			x.complete = false
		}
	}
	return x
}

// fetch reads one item from the server and records it in the snapshot.
func (s *ItemsService) fetch(ctx context.Context, id string) (*Item, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	body, err := s.c.send(ctx, apiRequest{method: http.MethodGet, url: s.c.apiURL + "/ciphers/" + id + "/details", path: "/api/ciphers/" + id + "/details", auth: true})
	if err != nil {
		return nil, err
	}
	sess, err := s.c.current()
	if err != nil {
		return nil, err
	}
	v, err := s.c.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.c.decryptItem(v, sess, body)
	if err != nil {
		return nil, err
	}
	s.c.noteWrite(it)
	return it.Clone(), nil
}

// record turns the cipher a write was answered with into the item the
// write returns, and puts it in the snapshot. Nothing else is asked of the
// server: the write succeeded, and a failing follow-up request must not
// make it look failed. The answer of a create, update or restore (the
// server's "cipher" object) carries no collections; the item keeps those
// it had, or was sent with (keep), as the official clients do. An answer
// that cannot be read or decrypted gives an *OutcomeUnknownError with
// Applied set: the write happened, what the server stored is unknown.
func (s *ItemsService) record(r *apiRequest, itemID string, body []byte, keep []string) (*Item, error) {
	unknown := func(err error) error {
		return s.c.answerUnreadable(r, itemID, body, err)
	}
	sess, err := s.c.current()
	if err != nil { // logged out while the write ran
		return nil, unknown(err)
	}
	s.c.mu.Lock()
	v := s.c.vault
	s.c.mu.Unlock()
	if v == nil {
		return nil, unknown(ErrNotLoggedIn)
	}
	it, err := s.c.decryptItem(v, sess, body)
	if err != nil {
		return nil, unknown(err)
	}
	if !it.wire.hasCollections {
		it.CollectionIDs = slices.Clone(keep)
	}
	s.c.noteWrite(it)
	return it.Clone(), nil
}

// writeFailed is what a write whose request failed reports: the failure;
// or, when send found that the request may have been applied, its
// *OutcomeUnknownError naming the item, after marking the snapshot stale.
func (c *Client) writeFailed(itemID string, err error) error {
	var ou *OutcomeUnknownError
	if !errors.As(err, &ou) {
		return err
	}
	c.invalidate()
	named := *ou
	if named.ItemID == "" {
		named.ItemID = itemID
	}
	return &named
}

// answerUnreadable is what a write answered with success reports when its
// answer cannot be read: the write was applied, so the outcome error says
// so, and names the item the answer names where that much can be read.
func (c *Client) answerUnreadable(r *apiRequest, itemID string, body []byte, err error) error {
	if itemID == "" {
		if f, ferr := readFacts(body); ferr == nil && validID(f.id) == nil {
			itemID = f.id
		}
	}
	return c.appliedUnreadable(r, itemID, err)
}

// appliedUnreadable is the error of a write that the server applied (it
// answered with success) but whose answer could not be read or decrypted:
// an *OutcomeUnknownError with Applied set, naming the object (id) where
// known. The snapshot is marked stale.
func (c *Client) appliedUnreadable(r *apiRequest, id string, err error) error {
	c.invalidate()
	return &OutcomeUnknownError{Method: r.method, Path: r.path, ItemID: id, Applied: true, Err: err}
}

// cached returns a copy of the item in the snapshot, or nil if the
// snapshot has none, after a write: decrypting only that item while the
// snapshot's items are not decrypted, else all of them, on ctx without its
// cancellation (the write has happened; its bookkeeping must not fail
// with the caller). known is false when the snapshot could not say: its
// items do not decrypt.
func (c *Client) cached(ctx context.Context, id string) (it *Item, known bool) {
	c.mu.Lock()
	v := c.vault
	c.mu.Unlock()
	if v == nil {
		return nil, true
	}
	switch it, state := c.undecrypted(v, id); state {
	case foundRaw:
		return it, true
	case notInSnapshot:
		return nil, true
	}
	if c.decryptItems(context.WithoutCancel(ctx), v) != nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if it := v.items[id]; it != nil {
		return it.Clone(), true
	}
	return nil, true
}

// CreateOption adjusts Create.
type CreateOption func(*createOptions)

type createOptions struct{ collections []string }

// InCollections puts a new team item in collections (a team item needs at
// least one unless the caller administers the team). It is named apart
// from the Client.Collections service, which manages the collections
// themselves.
func InCollections(ids ...string) CreateOption {
	return func(o *createOptions) { o.collections = append(o.collections, ids...) }
}

// Create encrypts and stores a new item: personal, or in item.TeamID with
// the collections given by the InCollections option (or item.CollectionIDs).
// The item's Type must be set, or else exactly one of its type-specific
// parts (Login, SecureNote, Card, Identity, SSHKey), from which the type
// is taken. Whether it gets its own key follows the ItemKeyPolicy. The
// returned item is what the server stored.
//
// A create is never sent twice: if its answer is lost, the error matches
// ErrOutcomeUnknown, and the item may exist.
func (s *ItemsService) Create(ctx context.Context, item *Item, opts ...CreateOption) (*Item, error) {
	if item == nil {
		return nil, fmt.Errorf("%w: Create(nil)", ErrInvalidArgument)
	}
	item, err := checkParts(item, true)
	if err != nil {
		return nil, err
	}
	o := createOptions{collections: slices.Clone(item.CollectionIDs)} // InCollections appends
	for _, f := range opts {
		f(&o)
	}
	if len(o.collections) > 0 && item.TeamID == "" {
		return nil, fmt.Errorf("%w: a personal item cannot be in collections", ErrInvalidArgument)
	}
	wrapping, err := s.c.keyFor(ctx, item.TeamID)
	if err != nil {
		return nil, err
	}
	withKey, err := s.c.wantItemKey(ctx)
	if err != nil {
		return nil, err
	}
	key, wrapped := wrapping, vaultcrypto.EncString{}
	if withKey {
		if key, err = vaultcrypto.GenerateSymmetricKey(); err != nil {
			return nil, err
		}
		if wrapped, err = wrapping.WrapKey(key); err != nil {
			return nil, err
		}
	}
	body, err := encodeItem(item, nil, key, wrapped, time.Time{})
	if err != nil {
		return nil, err
	}
	// POST: never repeated once it may have reached the server.
	req := apiRequest{method: http.MethodPost, url: s.c.apiURL + "/ciphers", path: "/api/ciphers", auth: true, contentType: "application/json"}
	if len(o.collections) > 0 {
		req.url, req.path = s.c.apiURL+"/ciphers/create", "/api/ciphers/create"
		req.body, err = jsonValue(map[string]any{"cipher": body, "collectionIds": o.collections})
	} else {
		req.body, err = jsonValue(body)
	}
	if err != nil {
		return nil, err
	}
	resp, err := s.c.send(ctx, req)
	if err != nil {
		return nil, s.c.writeFailed("", err)
	}
	return s.checkKept(ctx, &req, "", item, resp, wrapping, wrapped, o.collections)
}

// checkKept records the answer of a write that sent wrapped as the item's
// own key (zero: none), after checking that the server kept it. A server
// whose cipher model has no key member (Bravura Safe and Bitwarden before
// 2023.9.1) drops it, and the item's fields are then encrypted under a key
// nobody has. Such an item is repaired at once: written again, under the
// team or user key, with the revision date the server just gave it; if
// that fails, a new item is purged and an error matching
// ErrItemKeyNotKept says what happened.
func (s *ItemsService) checkKept(ctx context.Context, r *apiRequest, itemID string, item *Item, resp []byte,
	wrapping *vaultcrypto.SymmetricKey, wrapped vaultcrypto.EncString, keep []string) (*Item, error) {
	if wrapped.IsZero() {
		return s.record(r, itemID, resp, keep)
	}
	ans, err := readFacts(resp)
	if err != nil {
		return nil, s.c.answerUnreadable(r, itemID, resp, err)
	}
	if ans.key.String() == wrapped.String() {
		return s.record(r, itemID, resp, keep)
	}
	if err := validID(ans.id); err != nil {
		return nil, s.c.answerUnreadable(r, itemID, resp, err)
	}
	// The item is stored unreadable now: the repair (and the removal of a
	// new item it could not repair) must not depend on the caller's
	// deadline, which may end right after the write's answer.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.c.sharedTimeout())
	defer cancel()
	s.c.cfg.logger.ErrorContext(ctx, "safe: the server did not keep the item's own key; writing the item again without one",
		"method", r.method, "path", r.path, "item", ans.id)
	fixed := item.Clone()
	fixed.ID = ans.id
	body, err := encodeItem(fixed, resp, wrapping, vaultcrypto.EncString{}, ans.revision)
	if err == nil {
		var b []byte
		if b, err = jsonValue(body); err == nil {
			rr := apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + ans.id, path: "/api/ciphers/" + ans.id,
				auth: true, contentType: "application/json", body: b, retry: retryReplay}
			var cur *Item
			if resp, cur, err = s.putItem(ctx, &rr, fixed); err == nil {
				if cur != nil {
					return cur, nil
				}
				return s.record(&rr, ans.id, resp, keep)
			}
		}
	}
	s.c.invalidate()
	if errors.Is(err, ErrOutcomeUnknown) {
		// The repair itself may have been applied: removing the item now
		// could remove a good one.
		return nil, fmt.Errorf("%w: item %s: %w", ErrItemKeyNotKept, ans.id, s.c.writeFailed(ans.id, err))
	}
	if itemID == "" { // a new item: nothing of it can be read, remove it
		if perr := s.Purge(ctx, ans.id); perr != nil {
			return nil, fmt.Errorf("%w: item %s is stored unreadable; repair failed (%w) and so did removing it (%w)", ErrItemKeyNotKept, ans.id, err, perr)
		}
		return nil, fmt.Errorf("%w: the new item was removed after the repair failed: %w", ErrItemKeyNotKept, err)
	}
	return nil, fmt.Errorf("%w: item %s is stored unreadable and the repair failed: %w", ErrItemKeyNotKept, ans.id, err)
}

// checkParts checks that an item's type and its type-specific parts agree,
// and returns it (a copy when a part is filled in). A Type of 0 is taken
// from the one part that is set; a type whose part is missing gets an
// empty one (the server needs it). A type this package does not model is
// refused for a new item, and passed through on update (its part, which
// bsafe does not model, is kept from the wire JSON).
func checkParts(it *Item, create bool) (*Item, error) {
	var set []ItemType // in type order
	for i, ok := range [...]bool{it.Login != nil, it.SecureNote != nil, it.Card != nil, it.Identity != nil, it.SSHKey != nil} {
		if ok {
			set = append(set, TypeLogin+ItemType(i))
		}
	}
	switch {
	case len(set) > 1:
		return nil, fmt.Errorf("%w: item has parts of more than one type (%s and %s)", ErrInvalidArgument, set[0], set[1])
	case it.Type == 0 && len(set) == 0:
		return nil, fmt.Errorf("%w: item has no Type and no type-specific part (Login, SecureNote, Card, Identity or SSHKey)", ErrInvalidArgument)
	case it.Type == 0:
		it = it.Clone()
		it.Type = set[0]
		return it, nil
	case it.Type > TypeSSHKey && !create && len(set) == 0:
		return it, nil
	case it.Type < TypeLogin || it.Type > TypeSSHKey:
		return nil, fmt.Errorf("%w: unknown item type %d", ErrInvalidArgument, int(it.Type))
	case len(set) == 1 && set[0] != it.Type:
		return nil, fmt.Errorf("%w: a %s item cannot have a %s part", ErrInvalidArgument, it.Type, set[0])
	case len(set) == 1:
		return it, nil
	}
	it = it.Clone()
	switch it.Type {
	case TypeLogin:
		it.Login = &Login{}
	case TypeSecureNote:
		it.SecureNote = &SecureNote{}
	case TypeCard:
		it.Card = &Card{}
	case TypeIdentity:
		it.Identity = &Identity{}
	case TypeSSHKey:
		it.SSHKey = &SSHKey{}
	}
	return it, nil
}

// wantItemKey applies the ItemKeyPolicy. ItemKeysAlways on a server that
// cannot keep item keys (before 2023.9.1) is an error, not a lost item.
func (c *Client) wantItemKey(ctx context.Context) (bool, error) {
	switch c.cfg.itemKeys {
	case ItemKeysNever:
		return false, nil
	case ItemKeysAlways:
		info, err := c.ServerInfo(ctx)
		if err != nil {
			return false, err
		}
		if !info.AtLeast(2023, 9, 1) {
			return false, fmt.Errorf("%w (server version %q)", ErrItemKeysUnsupported, info.Version)
		}
		return true, nil
	}
	info, err := c.ServerInfo(ctx)
	return err == nil && info.Feature("enableCipherKeyEncryption") && info.AtLeast(2023, 9, 1), nil
}

// Update stores a changed item that was read from the client (Get, List,
// All, Create or an earlier write): a hand-built Item is refused with
// ErrHandBuiltItem, since writing it would erase every field it leaves
// empty. To change some fields of an item by ID, use Edit.
//
// Update sends the item's RevisionDate so that the server refuses the
// write (ErrConflict) if someone changed the item since it was read.
// Members of the item's JSON that bsafe does not model, written by other
// clients or newer servers, are kept. Moving an item to another team is
// not an update.
//
// If the answer to an update is lost, the update is sent again; if that
// repeat is refused as out of date, the item is read back, and the update
// succeeded if the server holds what was sent.
func (s *ItemsService) Update(ctx context.Context, item *Item) (*Item, error) {
	if item == nil {
		return nil, fmt.Errorf("%w: Update(nil)", ErrInvalidArgument)
	}
	if err := validID(item.ID); err != nil {
		return nil, err
	}
	wire := item.wire
	if wire.raw == nil || item.RevisionDate.IsZero() {
		return nil, fmt.Errorf("%w (item %s)", ErrHandBuiltItem, item.ID)
	}
	if len(item.DecryptErrors) > 0 {
		// Lenient sync left the fields that failed empty: writing the
		// item back would replace them with empty values for good.
		return nil, fmt.Errorf("%w: item %s has %d fields that did not decrypt; updating it would erase them", ErrInvalidArgument, item.ID, len(item.DecryptErrors))
	}
	item, err := checkParts(item, false)
	if err != nil {
		return nil, err
	}
	facts, err := readFacts(wire.raw)
	if err != nil {
		return nil, err
	}
	if facts.teamID != item.TeamID {
		return nil, fmt.Errorf("%w: Update cannot move an item between teams", ErrInvalidArgument)
	}
	wrapping, err := s.c.keyFor(ctx, item.TeamID)
	if err != nil {
		return nil, err
	}
	key, wrapped := wrapping, vaultcrypto.EncString{}
	// Keep the item's key: data this client does not model (passkeys,
	// attachments) is encrypted under it.
	itemKey, err := facts.itemKey(wrapping)
	if err != nil {
		return nil, &DecryptError{Kind: "item", ID: item.ID, Field: "key", Err: err}
	}
	if itemKey != nil {
		key = itemKey
		if wrapped, err = wrapping.WrapKey(key); err != nil {
			return nil, err
		}
	}
	body, err := encodeItem(item, wire.raw, key, wrapped, item.RevisionDate)
	if err != nil {
		return nil, err
	}
	b, err := jsonValue(body)
	if err != nil {
		return nil, err
	}
	// Conditional on lastKnownRevisionDate: a repeat cannot undo another
	// client's change, only come back out of date (resolved below).
	req := apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + item.ID, path: "/api/ciphers/" + item.ID,
		auth: true, contentType: "application/json", body: b, retry: retryReplay}
	resp, cur, err := s.putItem(ctx, &req, item)
	if err != nil {
		return nil, err
	}
	if cur != nil {
		return cur, nil
	}
	return s.checkKept(ctx, &req, item.ID, item, resp, wrapping, wrapped, item.CollectionIDs)
}

// putItem sends an item PUT, which is conditional on the revision date in
// its body. A repeat (after an attempt whose answer was lost) that comes
// back out of date means that our first attempt, or someone else, wrote
// the item: the server's item is read back, and if it holds what was sent
// (want), the write succeeded and that item (cur) is the result. If it
// holds something else, another client wrote it, before or after our
// first attempt, which may have been applied and then overwritten: a
// conflict whose outcome for this write is unknown.
func (s *ItemsService) putItem(ctx context.Context, req *apiRequest, want *Item) (resp []byte, cur *Item, err error) {
	resp, err = s.c.send(ctx, *req)
	if err == nil {
		return resp, nil, nil
	}
	if _, replayed := mayHaveApplied(err); replayed && errors.Is(err, ErrConflict) {
		cur, ferr := s.fetch(ctx, want.ID)
		if ferr == nil && sameContent(cur, want) {
			return nil, cur, nil
		}
		return nil, nil, s.c.writeFailed(want.ID, err)
	}
	if errors.Is(err, ErrConflict) {
		return nil, nil, fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return nil, nil, s.c.writeFailed(want.ID, err)
}

// sameContent reports whether two items hold the same decrypted content
// (what an update sends), ignoring the server's members (dates, rights)
// and wire-format details (time precision, nil or empty lists).
func sameContent(a, b *Item) bool {
	return reflect.DeepEqual(contentOf(a), contentOf(b))
}

func contentOf(it *Item) *Item {
	c := it.Clone()
	c.CollectionIDs, c.DecryptErrors, c.wire = nil, nil, wireState{}
	c.CreationDate, c.RevisionDate, c.DeletedDate = time.Time{}, time.Time{}, time.Time{}
	c.Edit, c.ViewPassword, c.HasItemKey = false, false, false
	ms := func(t time.Time) time.Time {
		if t.IsZero() {
			return time.Time{}
		}
		return t.UTC().Truncate(time.Millisecond)
	}
	if len(c.Fields) == 0 {
		c.Fields = nil
	}
	for i := range c.Fields {
		f := &c.Fields[i]
		switch f.Type {
		case FieldBoolean:
			f.Value = strconv.FormatBool(strings.EqualFold(strings.TrimSpace(f.Value), "true"))
		case FieldLinked:
			f.Value = ""
		}
	}
	if len(c.PasswordHistory) == 0 {
		c.PasswordHistory = nil
	}
	for i := range c.PasswordHistory {
		c.PasswordHistory[i].LastUsedDate = ms(c.PasswordHistory[i].LastUsedDate)
	}
	if c.Login != nil {
		c.Login.PasswordRevisionDate = ms(c.Login.PasswordRevisionDate)
		if len(c.Login.URIs) == 0 {
			c.Login.URIs = nil
		}
	}
	return c
}

// maxEditAttempts bounds how often Edit re-applies a change after a
// conflict.
const maxEditAttempts = 3

// Edit changes some fields of an item, the one way to update an item by
// ID: it reads the item, lets change modify the copy, and writes it with
// the revision date it read, so that no field change leaves alone is
// touched. If another client changed the item meanwhile (ErrConflict), it
// reads the item again from the server and re-applies change, up to three
// attempts in all; change must therefore be safe to call more than once.
// An error from change ends the edit with that error, writing nothing.
func (s *ItemsService) Edit(ctx context.Context, id string, change func(*Item) error) (*Item, error) {
	return s.edit(ctx, id, change, maxEditAttempts)
}

// edit is Edit with a bound on the attempts.
func (s *ItemsService) edit(ctx context.Context, id string, change func(*Item) error, attempts int) (*Item, error) {
	if change == nil {
		return nil, fmt.Errorf("%w: Edit with a nil change", ErrInvalidArgument)
	}
	it, err := s.Get(ctx, id)
	for attempt := 1; err == nil; attempt++ {
		if err = change(it); err != nil {
			return nil, err
		}
		var out *Item
		out, err = s.Update(ctx, it)
		if err == nil || !errors.Is(err, ErrConflict) || attempt >= attempts {
			return out, err
		}
		// Changed elsewhere: read the server's version and re-apply.
		it, err = s.fetch(ctx, id)
	}
	return nil, err
}

// maxPasswordHistory is how many previous passwords are kept, as the
// official clients keep.
const maxPasswordHistory = 5

// SetPassword changes a login's password: the old one goes to the password
// history (newest first, at most five) and the password revision date is
// set. It returns the item as stored. If another client changed the item
// since this client read it, SetPassword fails with ErrConflict and
// changes nothing: the caller decides whether the new password still
// applies (Edit re-applies a change by itself).
func (s *ItemsService) SetPassword(ctx context.Context, id, password string) (*Item, error) {
	return s.edit(ctx, id, func(it *Item) error {
		if it.Type != TypeLogin {
			return fmt.Errorf("%w: item %s is a %s, not a login", ErrInvalidArgument, id, it.Type)
		}
		if it.Login == nil {
			it.Login = &Login{}
		}
		now := time.Now().UTC()
		it.RecordPasswordChange(password, now)
		it.Login.Password = password
		it.Login.PasswordRevisionDate = now
		return nil
	}, 1)
}

// RecordPasswordChange puts the login's current password at the front of
// the password history, dated at, when newPassword differs from it and it
// is not empty, keeping the newest entries as Bitwarden clients do; it
// reports whether it did. It does not set the password: call it just
// before replacing the login's password (as SetPassword does).
func (it *Item) RecordPasswordChange(newPassword string, at time.Time) bool {
	if it.Login == nil || it.Login.Password == "" || it.Login.Password == newPassword {
		return false
	}
	it.PasswordHistory = append(PasswordHistory{{Password: it.Login.Password, LastUsedDate: at}}, it.PasswordHistory...)
	if len(it.PasswordHistory) > maxPasswordHistory {
		it.PasswordHistory = it.PasswordHistory[:maxPasswordHistory]
	}
	return true
}

// MoveToCollections sets the collections of a team item. The returned
// item is read back from the server; if that read fails the write still
// succeeded, and the item returned is the client's copy with the new
// collections (the next read syncs).
func (s *ItemsService) MoveToCollections(ctx context.Context, id string, collectionIDs ...string) (*Item, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	if collectionIDs == nil {
		collectionIDs = []string{}
	}
	b, err := jsonValue(map[string]any{"collectionIds": collectionIDs})
	if err != nil {
		return nil, err
	}
	// Setting a set: a repeat leaves the same state.
	req := apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + id + "/collections", path: "/api/ciphers/" + id + "/collections",
		auth: true, contentType: "application/json", body: b, retry: retryReplay}
	resp, err := s.c.send(ctx, req)
	if err != nil {
		return nil, s.c.writeFailed(id, err)
	}
	if len(resp) > 0 { // current servers answer the cipher, with its collections
		if it, err := s.record(&req, id, resp, collectionIDs); err == nil {
			return it, nil
		}
	}
	if it, err := s.fetch(ctx, id); err == nil {
		return it, nil
	}
	s.c.invalidate()
	it, _ := s.c.cached(ctx, id)
	if it == nil {
		it = &Item{ID: id}
	}
	it.CollectionIDs = slices.Clone(collectionIDs)
	return it, nil
}

// Delete moves an item to the trash, from where Restore brings it back.
func (s *ItemsService) Delete(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	// Trashing twice is trashing once.
	req := apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + id + "/delete", path: "/api/ciphers/" + id + "/delete", auth: true, retry: retryReplay}
	if _, err := s.c.send(ctx, req); err != nil {
		if _, replayed := mayHaveApplied(err); !replayed || !errors.Is(err, ErrNotFound) {
			return s.c.writeFailed(id, err)
		}
	}
	// The answer is empty: read the trashed item back, or else have the
	// next read sync. The delete succeeded either way.
	if _, err := s.fetch(ctx, id); err != nil {
		s.c.invalidate()
	}
	return nil
}

// Restore brings an item back from the trash.
func (s *ItemsService) Restore(ctx context.Context, id string) (*Item, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	// Restoring twice is restoring once.
	req := apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + id + "/restore", path: "/api/ciphers/" + id + "/restore", auth: true, retry: retryReplay}
	resp, err := s.c.send(ctx, req)
	if err != nil {
		return nil, s.c.writeFailed(id, err)
	}
	prev, known := s.c.cached(ctx, id)
	var keep []string
	if prev != nil {
		keep = prev.CollectionIDs
	}
	it, err := s.record(&req, id, resp, keep)
	if err != nil || known || it.wire.hasCollections {
		return it, err
	}
	// The snapshot could not say which collections the item is in: read
	// the item back (its details name them), or else have the next read
	// sync. The restore succeeded either way.
	if fetched, ferr := s.fetch(ctx, id); ferr == nil {
		return fetched, nil
	}
	s.c.invalidate()
	return it, nil
}

// Purge deletes an item permanently. A purge whose answer was lost is
// repeated, and a repeat that finds the item gone means it succeeded.
func (s *ItemsService) Purge(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	req := apiRequest{method: http.MethodDelete, url: s.c.apiURL + "/ciphers/" + id, path: "/api/ciphers/" + id, auth: true, retry: retryReplay}
	if _, err := s.c.send(ctx, req); err != nil {
		if _, replayed := mayHaveApplied(err); !replayed || !errors.Is(err, ErrNotFound) {
			return s.c.writeFailed(id, err)
		}
	}
	s.c.noteRemoval(id)
	return nil
}
