package main

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe/safe"
)

// The item commands: list items, get item and its parts, create, edit,
// delete, restore and move. Their messages, and how they find an item by
// ID or search term, are bw's (apps/cli/src/commands/{list,get,edit}.command.ts
// and vault/{create,delete}.command.ts of 2026.9.0).

// listItems is "list items" with --search, --url, --folderid,
// --collectionid, --organizationid and --trash. As in bw, the folder,
// collection and organization filters are alternatives (an item passes if it
// matches any of them), each takes "null" (none) and "notnull" (any), and the
// search applies after them.
func (a *app) listItems(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	var filters []safe.Filter
	if in.has("trash") {
		filters = append(filters, safe.Trashed())
	}
	items, err := c.Items.List(ctx, filters...)
	if err != nil {
		return nil, err
	}
	if u, _ := in.value("url"); strings.TrimSpace(u) != "" {
		items = slices.DeleteFunc(items, func(it *safe.Item) bool { return !matchesURL(it, u) })
	}
	folder, hasFolder := in.value("folderid")
	coll, hasColl := in.value("collectionid")
	org, hasOrg := in.value("organizationid")
	// bw ignores an empty value, as it ignores a missing flag.
	hasFolder, hasColl, hasOrg = hasFolder && folder != "", hasColl && coll != "", hasOrg && org != ""
	if hasFolder || hasColl || hasOrg {
		items = slices.DeleteFunc(items, func(it *safe.Item) bool {
			return !(hasFolder && matchesOptional(it.FolderID, folder) ||
				hasOrg && matchesOptional(it.TeamID, org) ||
				hasColl && inCollection(it, coll))
		})
	}
	if s, _ := in.value("search"); strings.TrimSpace(s) != "" {
		items = searchItems(items, s)
	}
	sortItems(items)
	out, err := encodeEach(items, itemResponse)
	if err != nil {
		return nil, err
	}
	return list(out), nil
}

// matchesOptional is bw's test of a folder or organization filter value
// against an item's (possibly empty) folder or organization ID.
func matchesOptional(have, want string) bool {
	switch want {
	case "notnull":
		return have != ""
	case "null":
		return have == ""
	}
	return have == want
}

func inCollection(it *safe.Item, want string) bool {
	switch want {
	case "notnull":
		return len(it.CollectionIDs) > 0
	case "null":
		return len(it.CollectionIDs) == 0
	}
	return slices.Contains(it.CollectionIDs, want)
}

// sortItems orders items as bw lists them: by name, ignoring case (bw uses
// the locale's collation; this is the byte order of the lower-cased names),
// then by ID so that the order is stable.
// Each name is lower-cased once, not in every comparison.
func sortItems(items []*safe.Item) {
	type keyed struct {
		name string
		it   *safe.Item
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{strings.ToLower(it.Name), it}
	}
	slices.SortStableFunc(ks, func(x, y keyed) int {
		return cmp.Or(cmp.Compare(x.name, y.name), cmp.Compare(x.it.ID, y.it.ID))
	})
	for i, k := range ks {
		items[i] = k.it
	}
}

// findItem is bw's getCipher: an ID (a GUID, in any case) names the item,
// also in the trash; any other term is searched for among the items not in
// the trash, and must then find exactly one of those that pass keep (keep
// may be nil).
func (a *app) findItem(ctx context.Context, in *input, keep func(*safe.Item) bool) (*safe.Item, error) {
	if len(in.args) == 0 {
		return nil, errMissingID
	}
	id := strings.ToLower(in.args[0])
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	if isGUID(id) {
		it, err := c.Items.Get(ctx, id)
		if errors.Is(err, safe.ErrNotFound) {
			return nil, fail("Not found.")
		}
		if err != nil {
			return nil, err
		}
		if keep != nil && !keep(it) {
			return nil, fail("Not found.")
		}
		return it, nil
	}
	if strings.TrimSpace(id) == "" {
		return nil, fail("Not found.")
	}
	items, err := c.Items.List(ctx)
	if err != nil {
		return nil, err
	}
	found := searchItems(items, id)
	if len(found) > 1 && keep != nil {
		found = slices.DeleteFunc(found, func(it *safe.Item) bool { return !keep(it) })
	}
	switch len(found) {
	case 0:
		return nil, fail("Not found.")
	case 1:
		if len(items) > 0 && keep != nil && !keep(found[0]) {
			return nil, fail("Not found.")
		}
		return found[0], nil
	}
	msg := "More than one result was found. Try getting a specific object by `id` instead. The following objects were found:"
	for _, it := range found {
		msg += "\n" + it.ID
	}
	return nil, fail(msg)
}

// isGUID reports whether s has the form of a GUID (bw's Utils.isGuid).
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// getItem is "get item <id|search>".
func (a *app) getItem(ctx context.Context, in *input) (*output, error) {
	it, err := a.findItem(ctx, in, nil)
	if err != nil {
		return nil, err
	}
	return object(itemResponse(it)), nil
}

// loginPart is get username/password/uri: the item must be a login with
// the part, which a search among several items also looks for.
func (a *app) loginPart(ctx context.Context, in *input, part func(*safe.Login) string, missing string) (*output, error) {
	has := func(it *safe.Item) bool {
		return it.Type == safe.TypeLogin && it.Login != nil && strings.TrimSpace(part(it.Login)) != ""
	}
	it, err := a.findItem(ctx, in, has)
	if err != nil {
		return nil, err
	}
	if it.Type != safe.TypeLogin {
		return nil, fail("Not a login.")
	}
	if !has(it) {
		return nil, fail(missing)
	}
	return text(part(it.Login)), nil
}

func (a *app) getUsername(ctx context.Context, in *input) (*output, error) {
	return a.loginPart(ctx, in, func(l *safe.Login) string { return l.Username }, "No username available for this login.")
}

func (a *app) getPassword(ctx context.Context, in *input) (*output, error) {
	return a.loginPart(ctx, in, func(l *safe.Login) string { return l.Password }, "No password available for this login.")
}

// getURI prints the login's first URI, as bw.
func (a *app) getURI(ctx context.Context, in *input) (*output, error) {
	return a.loginPart(ctx, in, func(l *safe.Login) string {
		if len(l.URIs) == 0 {
			return ""
		}
		return l.URIs[0].URI
	}, "No uri available for this login.")
}

func (a *app) getNotes(ctx context.Context, in *input) (*output, error) {
	has := func(it *safe.Item) bool { return strings.TrimSpace(it.Notes) != "" }
	it, err := a.findItem(ctx, in, has)
	if err != nil {
		return nil, err
	}
	if !has(it) {
		return nil, fail("No notes available for this item.")
	}
	return text(it.Notes), nil
}
