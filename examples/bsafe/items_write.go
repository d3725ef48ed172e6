package main

import (
	"context"
	"errors"
	"strings"

	"github.com/bsafe-go/bsafe/safe"
)

// writeError is the line for a failed write. A write whose answer was lost
// may have been applied: it is never repeated here (a repeated create would
// make a second item), and the line says what to check.
func writeError(err error) error {
	var ou *safe.OutcomeUnknownError
	if errors.As(err, &ou) {
		what := "The server may have applied this change, but its answer was lost"
		if ou.ItemID != "" {
			what += " (item " + ou.ItemID + ")"
		}
		return fail(what + ": check the vault before trying again.")
	}
	if errors.Is(err, safe.ErrNotFound) {
		return fail("Not found.")
	}
	return err
}

// createItem is "create item [encodedJson]" (the JSON also on standard
// input): it prints the item as stored.
func (a *app) createItem(ctx context.Context, in *input) (*output, error) {
	b, err := a.requestJSON(in.arg(0))
	if err != nil {
		return nil, err
	}
	req, err := parseItemRequest(b)
	if err != nil {
		return nil, err
	}
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	it, err := c.Items.Create(ctx, req.newItem())
	if err != nil {
		return nil, writeError(err)
	}
	return object(itemResponse(it)), nil
}

// itemID is the item ID argument of edit, delete, restore and move, lower
// cased as bw does; bw finds these items by ID only.
func itemID(in *input) (string, error) {
	if len(in.args) == 0 || in.args[0] == "" {
		return "", errMissingID
	}
	id := strings.ToLower(in.args[0])
	if !isGUID(id) {
		return "", fail("Not found.")
	}
	return id, nil
}

// errMissingID is commander's error for a command without its <id>.
var errMissingID = fail("error: missing required argument 'id'")

// errDeletedEdit is bw's refusal to edit an item in the trash.
var errDeletedEdit = fail("You may not edit a deleted item. Use the restore command first.")

// editItem is "edit item <id> [encodedJson]": the item's members are set
// from the JSON as bw sets them (see itemRequest.applyTo).
func (a *app) editItem(ctx context.Context, in *input) (*output, error) {
	id, err := itemID(in)
	if err != nil {
		return nil, err
	}
	b, err := a.requestJSON(in.arg(1))
	if err != nil {
		return nil, err
	}
	req, err := parseItemRequest(b)
	if err != nil {
		return nil, err
	}
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	it, err := c.Items.Edit(ctx, id, func(it *safe.Item) error {
		if it.InTrash() {
			return errDeletedEdit
		}
		req.applyTo(it)
		return nil
	})
	if err != nil {
		return nil, writeError(err)
	}
	return object(itemResponse(it)), nil
}

// editItemCollections is "edit item-collections <id> [encodedJson]", the
// JSON an array of collection IDs (the complete new set).
func (a *app) editItemCollections(ctx context.Context, in *input) (*output, error) {
	id, err := itemID(in)
	if err != nil {
		return nil, err
	}
	b, err := a.requestJSON(in.arg(1))
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := decodeJSON(b, &ids); err != nil || ids == nil {
		return nil, errBadRequestData
	}
	c, it, err := a.storedItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if it.TeamID == "" {
		return nil, fail("Item does not belong to an organization. Consider moving it first.")
	}
	if !it.ViewPassword {
		return nil, fail("You do not have permission to edit this item")
	}
	it, err = c.Items.MoveToCollections(ctx, id, ids...)
	if err != nil {
		return nil, writeError(err)
	}
	return object(itemResponse(it)), nil
}

// storedItem unlocks the vault and reads the item a write is about to
// change, so that a missing item fails as bw's does, before any write.
func (a *app) storedItem(ctx context.Context, id string) (*safe.Client, *safe.Item, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, nil, err
	}
	it, err := c.Items.Get(ctx, id)
	if err != nil {
		return nil, nil, writeError(err)
	}
	return c, it, nil
}

// deleteItem is "delete item <id> [--permanent]": to the trash, or gone.
// It prints nothing on success, as bw.
func (a *app) deleteItem(ctx context.Context, in *input) (*output, error) {
	id, err := itemID(in)
	if err != nil {
		return nil, err
	}
	c, _, err := a.storedItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.has("permanent") {
		err = c.Items.Purge(ctx, id)
	} else {
		err = c.Items.Delete(ctx, id)
	}
	if err != nil {
		return nil, writeError(err)
	}
	return nil, nil
}

// restoreItem is "restore item <id>": back from the trash; prints nothing.
func (a *app) restoreItem(ctx context.Context, in *input) (*output, error) {
	id, err := itemID(in)
	if err != nil {
		return nil, err
	}
	c, it, err := a.storedItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if !it.InTrash() {
		return nil, fail("Cipher is not in trash.")
	}
	if _, err := c.Items.Restore(ctx, id); err != nil {
		return nil, writeError(err)
	}
	return nil, nil
}

// moveItem is "move <itemid> <organizationid> [encodedJson]", the JSON an
// array of collection IDs (at least one): the personal item is shared with
// the organization (Items.Share) and printed as bw prints it, the item as
// now stored.
func (a *app) moveItem(ctx context.Context, in *input) (*output, error) {
	id, err := itemID(in)
	if err != nil {
		return nil, err
	}
	if in.arg(1) == "" {
		return nil, fail("error: missing required argument 'organizationId'")
	}
	orgID := strings.ToLower(in.arg(1)) // as bw
	b, err := a.requestJSON(in.arg(2))
	if err != nil {
		return nil, err
	}
	var ids []string
	if err := decodeJSON(b, &ids); err != nil {
		return nil, errBadRequestData
	}
	if len(ids) == 0 {
		return nil, fail("You must provide at least one collection id for this item.")
	}
	c, it, err := a.storedItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if it.TeamID != "" {
		return nil, fail("This item already belongs to an organization.")
	}
	for i := range ids {
		ids[i] = strings.ToLower(ids[i])
	}
	if !isGUID(orgID) {
		return nil, fail("Organization not found.")
	}
	it, err = c.Items.Share(ctx, id, orgID, ids...)
	switch {
	case errors.Is(err, safe.ErrNoTeamKey):
		return nil, fail("Organization not found.")
	case errors.Is(err, safe.ErrInvalidArgument):
		// An ID that is no GUID, or an item Share cannot move (see its
		// documentation); the message names the reason, never a secret.
		return nil, fail(strings.TrimPrefix(err.Error(), "safe: "))
	case err != nil:
		return nil, writeError(err)
	}
	return object(itemResponse(it)), nil
}
