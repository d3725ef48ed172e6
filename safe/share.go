package safe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Share moves a personal item into a team (what the official clients call
// "move to organization"), into the given collections: at least one, as
// the server requires. The item is re-encrypted under the team key; an
// item with its own key keeps it, re-wrapped with the team key. The
// personal copy is gone afterwards: the item keeps its ID and now belongs
// to the team.
//
// The server leaves out, without an error, the collections the user
// cannot write (and refuses the share if the user can write none of the
// team's); the returned item, read back from the server, has the
// collections it was put in: none, if every one asked for was left out
// (the item is then the team's, outside the user's view). If that read
// fails, the share still succeeded, and the item returned has the
// collections asked for.
//
// An item already in a team, one with attachments (whose files the server
// would need re-encrypted or uploaded again) or with data this package
// does not model and that is encrypted under the user key (passkeys, an
// unknown type, when the item has no key of its own) is refused with
// ErrInvalidArgument, before anything is sent.
//
// If the answer is lost, the share is sent again; when the item turns out
// to be in the team already (the server answers a repeat with 404), it is
// read back, and the share succeeded if the item holds what was sent.
func (s *ItemsService) Share(ctx context.Context, id, teamID string, collectionIDs ...string) (*Item, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	if err := validID(teamID); err != nil {
		return nil, fmt.Errorf("%w (team)", err)
	}
	if len(collectionIDs) == 0 {
		return nil, fmt.Errorf("%w: sharing an item needs at least one collection", ErrInvalidArgument)
	}
	if err := validID(collectionIDs...); err != nil {
		return nil, fmt.Errorf("%w (collection)", err)
	}
	cols := slices.Clone(collectionIDs)
	teamKey, err := s.c.keyFor(ctx, teamID)
	if err != nil {
		return nil, err
	}
	item, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := shareable(item); err != nil {
		return nil, err
	}
	userKey, err := s.c.keyFor(ctx, "")
	if err != nil {
		return nil, err
	}
	facts, err := readFacts(item.wire.raw)
	if err != nil {
		return nil, err
	}
	itemKey, err := facts.itemKey(userKey)
	if err != nil {
		return nil, &DecryptError{Kind: "item", ID: item.ID, Field: "key", Err: err}
	}
	if itemKey == nil {
		if err := noUserKeyedExtras(item); err != nil {
			return nil, err
		}
	}
	key, wrapped := teamKey, vaultcrypto.EncString{}
	if itemKey != nil {
		key = itemKey
		if wrapped, err = teamKey.WrapKey(itemKey); err != nil {
			return nil, err
		}
	}
	want := item.Clone()
	want.TeamID, want.CollectionIDs = teamID, cols
	body, err := encodeItem(want, item.wire.raw, key, wrapped, item.RevisionDate)
	if err != nil {
		return nil, err
	}
	b, err := jsonValue(map[string]any{"cipher": body, "collectionIds": cols})
	if err != nil {
		return nil, err
	}
	// A repeat cannot share twice: once shared, the item has no owner and
	// the server answers 404 (resolved below by reading the item back).
	req := apiRequest{method: http.MethodPut, url: s.c.apiURL + "/ciphers/" + id + "/share", path: "/api/ciphers/" + id + "/share",
		auth: true, contentType: "application/json", body: b, retry: retryReplay}
	resp, err := s.c.send(ctx, req)
	if err != nil {
		return s.shareFailed(ctx, want, err)
	}
	shared, err := s.checkKept(ctx, &req, id, want, resp, teamKey, wrapped, cols)
	if err != nil {
		return nil, err
	}
	// The answer has no collections: read them back. The share succeeded
	// either way; if the read fails, the next read syncs.
	cur, err := s.fetch(ctx, id)
	switch {
	case err == nil:
		return cur, nil
	case errors.Is(err, ErrNotFound):
		// The server left out every collection asked for (none was
		// writable for this user): the item is the team's, in no
		// collection this user sees.
		s.c.noteRemoval(id)
		shared.CollectionIDs = []string{}
		return shared, nil
	}
	s.c.invalidate()
	return shared, nil
}

// shareFailed resolves a share whose request failed. When an attempt may
// have been applied (its answer was lost, or a repeat found the item gone
// from the user's personal items), the item is read back: if it is in the
// team, only in collections that were asked for, and holds what was sent,
// the share succeeded. Otherwise the failure is reported, as an unknown
// outcome when the share may have been applied.
func (s *ItemsService) shareFailed(ctx context.Context, want *Item, err error) (*Item, error) {
	lost, replayed := mayHaveApplied(err)
	if lost || replayed {
		cur, ferr := s.fetch(ctx, want.ID)
		if ferr == nil && cur.TeamID == want.TeamID && len(cur.CollectionIDs) > 0 &&
			subset(cur.CollectionIDs, want.CollectionIDs) && sameContent(cur, want) {
			return cur, nil
		}
		return nil, s.c.writeFailed(want.ID, err)
	}
	if errors.Is(err, ErrNotFound) {
		// The server's one answer for an item that is not the user's own
		// personal item (any more) and for a team the user is not a
		// confirmed member of.
		return nil, fmt.Errorf("%w: item %s is not a personal item of this user, or the user is not a confirmed member of team %s: %w",
			ErrNotFound, want.ID, want.TeamID, err)
	}
	if errors.Is(err, ErrConflict) {
		return nil, fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return nil, s.c.writeFailed(want.ID, err)
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// shareable refuses, before anything is sent, the items Share cannot
// move into a team correctly.
func shareable(item *Item) error {
	switch {
	case item.TeamID != "":
		return fmt.Errorf("%w: item %s already belongs to team %s", ErrInvalidArgument, item.ID, item.TeamID)
	case item.wire.raw == nil || item.RevisionDate.IsZero():
		return fmt.Errorf("%w (item %s)", ErrHandBuiltItem, item.ID)
	case len(item.DecryptErrors) > 0:
		// Lenient sync left the fields that failed empty: the share would
		// replace them with empty values for good.
		return fmt.Errorf("%w: item %s has %d fields that did not decrypt; sharing it would erase them", ErrInvalidArgument, item.ID, len(item.DecryptErrors))
	}
	if present(baseObject(item.wire.raw).get("attachments")) {
		// Their file names and keys (or, for old ones, the files) would
		// have to be re-encrypted for the team, which bsafe does not do.
		return fmt.Errorf("%w: item %s has attachments, which Share cannot move to a team", ErrInvalidArgument, item.ID)
	}
	return nil
}

// noUserKeyedExtras refuses an item without its own key that carries
// encrypted data bsafe does not model: it would reach the team still
// encrypted under the user key, which no other member has.
func noUserKeyedExtras(item *Item) error {
	if item.Type > TypeSSHKey {
		return fmt.Errorf("%w: item %s is of a type (%d) that Share cannot re-encrypt", ErrInvalidArgument, item.ID, int(item.Type))
	}
	if present(baseObject(baseObject(item.wire.raw).get("login")).get("fido2Credentials")) {
		return fmt.Errorf("%w: item %s has passkeys, which Share cannot re-encrypt", ErrInvalidArgument, item.ID)
	}
	return nil
}

// present reports whether a JSON member holds something: not absent,
// null, or an empty array or object.
func present(v []byte) bool {
	var x any
	if len(v) == 0 || json.Unmarshal(v, &x) != nil {
		return len(v) > 0 // unreadable: assume something is there
	}
	switch x := x.(type) {
	case nil:
		return false
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}
