package safe

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
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
	if q.collection != "" && !containsString(it.CollectionIDs, q.collection) {
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

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
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
		v, err := s.c.snapshot(ctx)
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
	s.c.mu.Lock()
	it := v.items[id]
	s.c.mu.Unlock()
	if it != nil {
		return it.Clone(), nil
	}
	return s.fetch(ctx, id)
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
	return s.record(ctx, body)
}

// record decrypts a cipher response and puts it in the snapshot.
func (s *ItemsService) record(ctx context.Context, body []byte) (*Item, error) {
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

// CreateOption adjusts Create.
type CreateOption func(*createOptions)

type createOptions struct{ collections []string }

// Collections puts a new team item in collections (a team item needs at
// least one unless the caller administers the team).
func Collections(ids ...string) CreateOption {
	return func(o *createOptions) { o.collections = append(o.collections, ids...) }
}

// Create encrypts and stores a new item: personal, or in item.TeamID with
// the collections given by the Collections option (or item.CollectionIDs).
// Whether it gets its own key follows the ItemKeyPolicy. The returned item
// is what the server stored.
func (s *ItemsService) Create(ctx context.Context, item *Item, opts ...CreateOption) (*Item, error) {
	if item == nil {
		return nil, invalidArg("Create(nil)")
	}
	o := createOptions{collections: item.CollectionIDs}
	for _, f := range opts {
		f(&o)
	}
	wrapping, err := s.c.keyFor(ctx, item.TeamID)
	if err != nil {
		return nil, err
	}
	key, wrapped := wrapping, vaultcrypto.EncString{}
	if s.c.wantItemKey(ctx) {
		if key, err = vaultcrypto.GenerateSymmetricKey(); err != nil {
			return nil, err
		}
		if wrapped, err = wrapping.WrapKey(key); err != nil {
			return nil, err
		}
	}
	if item.Type == 0 {
		item = item.Clone()
		item.Type = inferType(item)
	}
	body, err := encodeItem(item, nil, key, wrapped, time.Time{})
	if err != nil {
		return nil, err
	}
	req := apiRequest{method: http.MethodPost, url: s.c.apiURL + "/ciphers", path: "/api/ciphers", auth: true, contentType: "application/json"}
	if len(o.collections) > 0 {
		if item.TeamID == "" {
			return nil, invalidArg("a personal item cannot be in collections")
		}
		req.url, req.path = s.c.apiURL+"/ciphers/create", "/api/ciphers/create"
		req.body = jsonValue(map[string]any{"cipher": body, "collectionIds": o.collections})
	} else {
		req.body = jsonValue(body)
	}
	resp, err := s.c.send(ctx, req)
	if err != nil {
		return nil, err
	}
	return s.record(ctx, resp)
}

// inferType picks the item type from the part that is set.
func inferType(it *Item) ItemType {
	switch {
	case it.Card != nil:
		return TypeCard
	case it.Identity != nil:
		return TypeIdentity
	case it.SSHKey != nil:
		return TypeSSHKey
	case it.SecureNote != nil:
		return TypeSecureNote
	}
	return TypeLogin
}

// wantItemKey applies the ItemKeyPolicy.
func (c *Client) wantItemKey(ctx context.Context) bool {
	switch c.cfg.itemKeys {
	case ItemKeysAlways:
		return true
	case ItemKeysNever:
		return false
	}
	info, err := c.ServerInfo(ctx)
	return err == nil && info.Feature("enableCipherKeyEncryption") && info.AtLeast(2023, 9, 1)
}

// Update stores the changed item. It sends the item's RevisionDate so that
// the server refuses the write (ErrConflict) if someone changed the item
// since it was read. Members of the item's JSON that bsafe does not model,
// written by other clients or newer servers, are kept. Moving an item to
// another team is not an update.
func (s *ItemsService) Update(ctx context.Context, item *Item) (*Item, error) {
	if item == nil {
		return nil, invalidArg("Update(nil)")
	}
	if err := validID(item.ID); err != nil {
		return nil, err
	}
	wire := item.wire
	if wire.raw == nil {
		// Built by hand: take the stored JSON and key scheme from the server.
		cur, err := s.fetch(ctx, item.ID)
		if err != nil {
			return nil, err
		}
		wire = cur.wire
		if item.RevisionDate.IsZero() {
			item = item.Clone()
			item.RevisionDate = cur.RevisionDate
		}
	}
	prevTeam, err := wireTeam(wire.raw)
	if err != nil {
		return nil, err
	}
	if prevTeam != item.TeamID {
		return nil, invalidArg("Update cannot move an item between teams")
	}
	wrapping, err := s.c.keyFor(ctx, item.TeamID)
	if err != nil {
		return nil, err
	}
	key, wrapped := wrapping, vaultcrypto.EncString{}
	// Keep the item's key: data this client does not model (passkeys,
	// attachments) is encrypted under it.
	itemKey, err := wire.itemKey(wrapping)
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
	resp, err := s.c.send(ctx, apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + item.ID, path: "/api/ciphers/" + item.ID,
		auth: true, contentType: "application/json", body: jsonValue(body)})
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("%w: %w", ErrConflict, err)
		}
		return nil, err
	}
	return s.record(ctx, resp)
}

// wireTeam reads organizationId from a cipher's wire JSON.
func wireTeam(raw []byte) (string, error) {
	var m struct {
		OrganizationID string `json:"organizationId"`
	}
	if err := unmarshalJSON("item", raw, &m); err != nil {
		return "", err
	}
	return m.OrganizationID, nil
}

// maxPasswordHistory is how many previous passwords are kept, as the
// official clients keep.
const maxPasswordHistory = 5

// SetPassword changes a login's password: the old one goes to the password
// history (newest first, at most five) and the password revision date is
// set. It returns the item as stored.
func (s *ItemsService) SetPassword(ctx context.Context, id, password string) (*Item, error) {
	it, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if it.Login == nil {
		return nil, fmt.Errorf("safe: item %s is a %s, not a login", id, it.Type)
	}
	now := time.Now().UTC()
	if old := it.Login.Password; old != "" && old != password {
		it.PasswordHistory = append(PasswordHistory{{Password: old, LastUsedDate: now}}, it.PasswordHistory...)
		if len(it.PasswordHistory) > maxPasswordHistory {
			it.PasswordHistory = it.PasswordHistory[:maxPasswordHistory]
		}
	}
	it.Login.Password = password
	it.Login.PasswordRevisionDate = now
	return s.Update(ctx, it)
}

// MoveToCollections sets the collections of a team item.
func (s *ItemsService) MoveToCollections(ctx context.Context, id string, collectionIDs ...string) (*Item, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	if collectionIDs == nil {
		collectionIDs = []string{}
	}
	_, err := s.c.send(ctx, apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + id + "/collections", path: "/api/ciphers/" + id + "/collections",
		auth: true, contentType: "application/json", body: jsonValue(map[string]any{"collectionIds": collectionIDs})})
	if err != nil {
		return nil, err
	}
	return s.fetch(ctx, id)
}

// Delete moves an item to the trash, from where Restore brings it back.
func (s *ItemsService) Delete(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	if _, err := s.c.send(ctx, apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + id + "/delete", path: "/api/ciphers/" + id + "/delete", auth: true}); err != nil {
		return err
	}
	_, err := s.fetch(ctx, id)
	return err
}

// Restore brings an item back from the trash.
func (s *ItemsService) Restore(ctx context.Context, id string) (*Item, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	resp, err := s.c.send(ctx, apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + id + "/restore", path: "/api/ciphers/" + id + "/restore", auth: true})
	if err != nil {
		return nil, err
	}
	return s.record(ctx, resp)
}

// Purge deletes an item permanently.
func (s *ItemsService) Purge(ctx context.Context, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	if _, err := s.c.send(ctx, apiRequest{method: http.MethodDelete, url: s.c.apiURL + "/ciphers/" + id, path: "/api/ciphers/" + id, auth: true}); err != nil {
		return err
	}
	s.c.noteRemoval(id)
	return nil
}

// validID refuses IDs that would change the meaning of a URL path.
func validID(id string) error {
	if id == "" || url.PathEscape(id) != id || strings.Contains(id, "..") {
		return invalidArg("an ID must be a single, non-empty URL path segment")
	}
	return nil
}
