package safe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	sec "github.com/bsafe-go/bsafe/internal/secret" // not secret: the redaction type of redact.go has that name
)

// holds reports whether its login password is password, in constant time
// (internal/secret.Equal). An item without a password holds none, not the
// empty one.
func holds(it *Item, password string) bool {
	if it == nil || it.Login == nil || it.Login.Password == "" {
		return false
	}
	return sec.Equal(it.Login.Password, password)
}

// Verify reports whether password is the item's login password, as the
// server holds it now (the item is read from the server, not the client's
// snapshot). There is no lockout.
func (k *Connector) Verify(ctx context.Context, acct bsafe.AccountRef, password string) (bool, error) {
	cn, err := k.current()
	if err != nil {
		return false, err
	}
	it, err := cn.fresh(ctx, acct)
	if err != nil {
		return false, err
	}
	return holds(it, password), nil
}

// AdminVerify is Verify: the vault has no intruder lockout to spare.
func (k *Connector) AdminVerify(ctx context.Context, acct bsafe.AccountRef, password string) (bool, error) {
	return k.Verify(ctx, acct, password)
}

// Change sets the item's password to newPW if oldPW is its current one
// (else code 14, bsafe.ErrVerifyFailed); the old password goes to the
// item's password history. Like Reset, it succeeds only when the server
// confirms that the item holds newPW (see Connector, Writes).
func (k *Connector) Change(ctx context.Context, acct bsafe.AccountRef, oldPW, newPW string) error {
	cn, err := k.current()
	if err != nil {
		return err
	}
	it, err := cn.fresh(ctx, acct)
	if err != nil {
		return err
	}
	if !holds(it, oldPW) {
		return fmt.Errorf("safe connector: item %s: %w", it.ID, bsafe.ErrVerifyFailed)
	}
	return cn.setPassword(ctx, it.ID, newPW)
}

// Reset sets the item's password to newPW, keeping the old one in the
// password history. It succeeds only when the server confirms that the
// item holds newPW: the item read back after the write holds it, or the
// read-back failed and the server's answer to the write held it (see
// Connector, Writes).
func (k *Connector) Reset(ctx context.Context, acct bsafe.AccountRef, newPW string) error {
	cn, err := k.current()
	if err != nil {
		return err
	}
	// From the server's item: a stale snapshot would make the
	// conditional write fail as a conflict.
	it, err := cn.fresh(ctx, acct)
	if err != nil {
		return err
	}
	return cn.setPassword(ctx, it.ID, newPW)
}

// VerifyReset does nothing when the item, as the server holds it, already
// has newPW, and resets it otherwise (as Reset).
func (k *Connector) VerifyReset(ctx context.Context, acct bsafe.AccountRef, newPW string) error {
	cn, err := k.current()
	if err != nil {
		return err
	}
	it, err := cn.fresh(ctx, acct)
	if err != nil {
		return err
	}
	if holds(it, newPW) {
		return nil
	}
	return cn.setPassword(ctx, it.ID, newPW)
}

// errNotHeld is a password write after which the server's item does not
// hold the new password.
var errNotHeld = errors.New("read back from the server, the item does not hold the new password")

// readBackTimeout bounds the read-back after a password write. It runs
// on a context of its own: a caller's deadline that the write used up
// must not turn a write the server confirmed into a failure.
const readBackTimeout = 15 * time.Second

// setPassword writes the new password and reads the item back from the
// server. The read-back decides: an item that holds newPW is success, an
// item with another password is code 1 (another writer, or a server that
// did not keep the write). When the read-back fails, the server's answer
// to the write decides: an answer that holds newPW is success; a write
// whose answer was lost is code 1, saying that the outcome is unknown.
// When the caller's ctx is done after an answer that holds newPW, that
// answer is success without a read-back.
func (cn *connection) setPassword(ctx context.Context, id, newPW string) error {
	if newPW == "" {
		return fmt.Errorf("%w: the new password is empty", bsafe.ErrInvalidPassword)
	}
	written, werr := cn.client.Items.SetPassword(ctx, id, newPW)
	unknown := errors.Is(werr, ErrOutcomeUnknown)
	if werr != nil && !unknown {
		// Refused, or never sent: nothing was changed.
		return cn.fail(werr, onItem)
	}
	confirmed := werr == nil && holds(written, newPW)
	if confirmed && ctx.Err() != nil {
		// The caller has given up: the server's answer settles it, without
		// a read-back the caller no longer waits for.
		cn.logger.DebugContext(ctx, "safe connector: the caller's context ended after the password write; the server's answer holds the new password, no read-back", "item", id)
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	back, rerr := cn.client.Items.fetch(rctx, id)
	switch {
	case rerr == nil && holds(back, newPW):
		return nil
	case rerr == nil && unknown:
		return bsafe.WithCode(bsafe.CodeUnknownError, fmt.Errorf("safe connector: item %s: the answer to the password write was lost or unreadable (%w) and %w; the write may not have been applied, or may still be", id, werr, errNotHeld))
	case rerr == nil:
		return bsafe.WithCode(bsafe.CodeUnknownError, fmt.Errorf("safe connector: item %s: the server accepted the new password, but %w (another writer may have changed it since)", id, errNotHeld))
	case confirmed:
		cn.logger.DebugContext(ctx, "safe connector: reading the item back after the password write failed; the server's answer to the write holds the new password", "item", id, "error", rerr.Error())
		return nil
	case unknown:
		return bsafe.WithCode(bsafe.CodeUnknownError, fmt.Errorf("safe connector: item %s: the outcome of the password write is unknown (%w), and reading the item back failed: %w", id, werr, rerr))
	}
	return bsafe.WithCode(bsafe.CodeUnknownError, fmt.Errorf("safe connector: item %s: the server's answer to the password write does not hold the new password, and reading the item back failed: %w", id, rerr))
}

// Delete deletes the item permanently: items deleted through the connector
// skip the trash, as seed 000 documents.
func (k *Connector) Delete(ctx context.Context, acct bsafe.AccountRef) error {
	cn, err := k.current()
	if err != nil {
		return err
	}
	it, err := cn.findItem(ctx, refOf(acct), onItem)
	if err != nil {
		return err
	}
	return cn.fail(cn.client.Items.Purge(ctx, it.ID), onItem)
}

// Create makes a login item in the team, named after the acctid (else
// the shortid, else the full name; an instruction for "name" with ACTION
// VALUE overrides it), with newPW as its password. A name that a login item
// of the team has already (ignoring case) is code 6.
//
// With a template (modeluid; unknown is code 8) every attribute of the
// template follows its instruction, or DEFAULT-ACTION (IGNORE when empty)
// when there is none: IGNORE leaves it out, COPY copies the template's
// values, REPLACE copies them with every occurrence of the template's name
// replaced by the new item's name, VALUE sets the instruction's values.
// The attributes are username, uri, notes, _collectionNames, collectionIds
// and the custom fields (each keeps the template's field type; hidden
// fields are copied too). The template's name, password and TOTP are
// never copied. Without a template only VALUE instructions count.
//
// An instruction with ACTION VALUE for an attribute the template does not
// have adds it: a custom field (text) for a name that is not an attribute
// above. The new item is placed in the collections that _collectionNames
// (names) and collectionIds (IDs) give, together; an unknown one is code
// 12. Every instruction takes effect in the one create request, whatever
// its SEQUENCE. The read-only attributes (folder, revisionDate,
// passwordRevisionDate, deleted) and "password" cannot be set.
//
// A create whose answer was lost is code 1 and may have made the item; a
// repeat then finds it (code 6) rather than making a second one.
func (k *Connector) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	cn, err := k.current()
	if err != nil {
		return bsafe.Account{}, err
	}
	name := cmp.Or(req.Account.ID, req.Account.ShortID, req.Account.FullName)
	if in, ok := req.Attrs.Lookup(attrName); ok && in.Action == bsafe.ActionValue {
		if name, err = oneValue(in); err != nil {
			return bsafe.Account{}, err
		}
	}
	if name == "" {
		return bsafe.Account{}, fmt.Errorf("%w: create needs an acctid (the new item's name)", bsafe.ErrBadInput)
	}
	if err := checkInstructions(req.Attrs, true); err != nil {
		return bsafe.Account{}, err
	}
	var tmpl *Item
	if req.TemplateID != "" {
		if tmpl, err = cn.findItem(ctx, req.TemplateID, onTemplate); err != nil {
			return bsafe.Account{}, err
		}
	}
	if err := cn.nameFree(ctx, name, ""); err != nil {
		return bsafe.Account{}, err
	}
	cols, err := cn.collections(ctx)
	if err != nil {
		return bsafe.Account{}, err
	}
	it, colIDs, err := cn.newItem(tmpl, name, req, cols)
	if err != nil {
		return bsafe.Account{}, err
	}
	created, err := cn.client.Items.Create(ctx, it, InCollections(colIDs...))
	if err != nil {
		return bsafe.Account{}, cn.fail(err, onItem)
	}
	l, err := cn.newLister(ctx, nil)
	if err != nil {
		// The item exists: report it without the names of its
		// collections and folder rather than as a failure.
		l = &lister{}
	}
	return l.account(created), nil
}

// oneValue is the one value of a single-valued attribute's instruction.
func oneValue(in bsafe.Instruction) (string, error) {
	if len(in.Values) > 1 {
		return "", fmt.Errorf("%w: attribute %s takes one value, not %d", bsafe.ErrBadInput, in.Name, len(in.Values))
	}
	if len(in.Values) == 0 {
		return "", nil
	}
	return in.Values[0], nil
}

// readOnly reports the attributes that create and update cannot set.
func readOnly(name string) bool {
	for _, n := range []string{attrFolder, attrRevisionDate, attrPasswordRevisionDate, attrDeleted, attrPassword} {
		if attrs.SameName(n, name) {
			return true
		}
	}
	return false
}

// checkInstructions refuses what create (or update) cannot do: an
// unknown action, COPY or REPLACE in update, a value for a read-only
// attribute.
func checkInstructions(in bsafe.Instructions, create bool) error {
	if in.Default != "" && !in.Default.Valid() {
		return fmt.Errorf("%w: DEFAULT-ACTION is not VALUE, IGNORE, COPY or REPLACE", bsafe.ErrBadInput)
	}
	for _, a := range in.Attrs {
		switch {
		case !a.Action.Valid():
			return fmt.Errorf("%w: attribute %s: ACTION is not VALUE, IGNORE, COPY or REPLACE", bsafe.ErrBadInput, a.Name)
		case !create && a.Action != bsafe.ActionValue && a.Action != bsafe.ActionIgnore:
			return fmt.Errorf("%w: attribute %s: update knows only the actions VALUE and IGNORE", bsafe.ErrBadInput, a.Name)
		case a.Action == bsafe.ActionValue && attrs.SameName(a.Name, attrPassword):
			return fmt.Errorf("%w: the password is not an attribute: use reset or change (or newpw in create)", bsafe.ErrBadInput)
		case a.Action == bsafe.ActionValue && readOnly(a.Name):
			return fmt.Errorf("%w: attribute %s is read-only", bsafe.ErrBadInput, a.Name)
		case a.Name == "":
			return fmt.Errorf("%w: an attribute instruction has no name", bsafe.ErrBadInput)
		}
	}
	return nil
}

// nameFree fails with code 6 when a login item of the team other than
// except has the name (ignoring case), so that names stay usable as
// acctids.
func (cn *connection) nameFree(ctx context.Context, name, except string) error {
	for it, err := range cn.items(ctx) {
		if err != nil {
			return cn.fail(err, onItem)
		}
		if it.ID != except && strings.EqualFold(it.Name, name) {
			return fmt.Errorf("%w: login item %s of team %s has that name", bsafe.ErrAlreadyExists, it.ID, cn.team.ID)
		}
	}
	return nil
}

// newItem builds the item create sends, and its collections.
func (cn *connection) newItem(tmpl *Item, name string, req bsafe.CreateRequest, cols []*Collection) (*Item, []string, error) {
	it := &Item{Type: TypeLogin, TeamID: cn.team.ID, Name: name, Login: &Login{Password: req.Password}}
	action := func(attr string) (bsafe.Instruction, bsafe.Action) {
		if in, ok := req.Attrs.Lookup(attr); ok {
			return in, in.Action
		}
		if tmpl == nil || req.Attrs.Default == "" {
			return bsafe.Instruction{Name: attr}, bsafe.ActionIgnore
		}
		return bsafe.Instruction{Name: attr}, req.Attrs.Default
	}
	// replace is REPLACE's rewrite of one template value.
	replace := func(act bsafe.Action, v string) string {
		if act == bsafe.ActionReplace && tmpl.Name != "" {
			return strings.ReplaceAll(v, tmpl.Name, name)
		}
		return v
	}
	copies := func(act bsafe.Action) bool {
		return tmpl != nil && (act == bsafe.ActionCopy || act == bsafe.ActionReplace)
	}
	var tl Login
	if tmpl != nil && tmpl.Login != nil {
		tl = *tmpl.Login
	}

	if in, act := action(attrUsername); copies(act) {
		it.Login.Username = replace(act, tl.Username)
	} else if act == bsafe.ActionValue {
		v, err := oneValue(in)
		if err != nil {
			return nil, nil, err
		}
		it.Login.Username = v
	}
	if in, act := action(attrNotes); copies(act) {
		it.Notes = replace(act, tmpl.Notes)
	} else if act == bsafe.ActionValue {
		v, err := oneValue(in)
		if err != nil {
			return nil, nil, err
		}
		it.Notes = v
	}
	if in, act := action(attrURI); copies(act) {
		for _, u := range tl.URIs {
			it.Login.URIs = append(it.Login.URIs, URI{URI: replace(act, u.URI), Match: u.Match})
		}
	} else if act == bsafe.ActionValue {
		for _, v := range in.Values {
			it.Login.URIs = append(it.Login.URIs, URI{URI: v})
		}
	}

	// Collections: by name and by ID, together.
	var colIDs []string
	addCol := func(ref string, byID bool) error {
		var col *Collection
		var err error
		if byID {
			if i := slices.IndexFunc(cols, func(c *Collection) bool { return strings.EqualFold(c.ID, ref) }); i >= 0 {
				col = cols[i]
			} else {
				err = fmt.Errorf("%w: collectionIds: no collection of team %s has that ID", bsafe.ErrInvalidGroup, cn.team.ID)
			}
		} else {
			col, err = cn.findCollection(cols, ref)
		}
		if err != nil {
			return err
		}
		if !slices.Contains(colIDs, col.ID) {
			colIDs = append(colIDs, col.ID)
		}
		return nil
	}
	var tmplColNames []string
	if tmpl != nil {
		for _, id := range tmpl.CollectionIDs {
			if i := slices.IndexFunc(cols, func(c *Collection) bool { return c.ID == id }); i >= 0 {
				tmplColNames = append(tmplColNames, cols[i].Name)
			}
		}
	}
	for _, c := range []struct {
		attr     string
		byID     bool
		template []string
	}{{attrCollectionNames, false, tmplColNames}, {attrCollectionIDs, true, tmplIDs(tmpl)}} {
		in, act := action(c.attr)
		var refs []string
		switch {
		case copies(act):
			for _, v := range c.template {
				if !c.byID {
					v = replace(act, v)
				}
				refs = append(refs, v)
			}
		case act == bsafe.ActionValue:
			refs = in.Values
		}
		for _, ref := range refs {
			if err := addCol(ref, c.byID); err != nil {
				return nil, nil, err
			}
		}
	}

	// Custom fields: the template's, in its order, then new ones.
	done := map[int]bool{} // template field indexes handled
	if tmpl != nil {
		for i, f := range tmpl.Fields {
			if done[i] {
				continue
			}
			var group []Field // the template's fields of this name
			for j := i; j < len(tmpl.Fields); j++ {
				if attrs.SameName(tmpl.Fields[j].Name, f.Name) {
					group = append(group, tmpl.Fields[j])
					done[j] = true
				}
			}
			if reservedName(f.Name) {
				continue
			}
			in, act := action(f.Name)
			switch {
			case copies(act):
				for _, g := range group {
					if g.Type == FieldText || g.Type == FieldHidden {
						g.Value = replace(act, g.Value)
					}
					it.Fields = append(it.Fields, g)
				}
			case act == bsafe.ActionValue:
				for _, v := range in.Values {
					it.Fields = append(it.Fields, Field{Name: f.Name, Value: v, Type: group[0].Type, LinkedID: group[0].LinkedID})
				}
			}
		}
	}
	for _, in := range req.Attrs.Attrs {
		if in.Action != bsafe.ActionValue || reservedName(in.Name) {
			continue
		}
		if tmpl != nil && slices.ContainsFunc(tmpl.Fields, func(f Field) bool { return attrs.SameName(f.Name, in.Name) }) {
			continue // set above, in the template's place
		}
		for _, v := range in.Values {
			it.Fields = append(it.Fields, Field{Name: in.Name, Value: v})
		}
	}
	return it, colIDs, nil
}

func tmplIDs(tmpl *Item) []string {
	if tmpl == nil {
		return nil
	}
	return tmpl.CollectionIDs
}

// Update sets attributes of the item (ACTION VALUE; IGNORE leaves one
// alone): name (a name another login item of the team has is code 6),
// username, notes, uri (the list of URIs; a URI the item had keeps its
// match setting) and custom fields (the values replace the fields of that
// name, in the place of the first, keeping its type; no values removes
// them; a new name adds text fields). It returns the item as stored. The
// collections are changed by groupuseradd and groupuserdelete, not here;
// the read-only attributes and "password" cannot be set.
func (k *Connector) Update(ctx context.Context, acct bsafe.AccountRef, changes bsafe.Instructions) (bsafe.Account, error) {
	cn, err := k.current()
	if err != nil {
		return bsafe.Account{}, err
	}
	if err := checkInstructions(changes, false); err != nil {
		return bsafe.Account{}, err
	}
	for _, in := range changes.Attrs {
		if in.Action == bsafe.ActionValue && (attrs.SameName(in.Name, attrCollectionNames) || attrs.SameName(in.Name, attrCollectionIDs)) {
			return bsafe.Account{}, fmt.Errorf("%w: attribute %s: use groupuseradd and groupuserdelete to change an item's collections", bsafe.ErrBadInput, in.Name)
		}
	}
	it, err := cn.findItem(ctx, refOf(acct), onItem)
	if err != nil {
		return bsafe.Account{}, err
	}
	if in, ok := changes.Lookup(attrName); ok && in.Action == bsafe.ActionValue {
		name, err := oneValue(in)
		if err != nil {
			return bsafe.Account{}, err
		}
		if name == "" {
			return bsafe.Account{}, fmt.Errorf("%w: an item's name cannot be empty", bsafe.ErrBadInput)
		}
		if err := cn.nameFree(ctx, name, it.ID); err != nil {
			return bsafe.Account{}, err
		}
	}
	updated, err := cn.client.Items.Edit(ctx, it.ID, func(it *Item) error { return applyValues(it, changes) })
	if err != nil {
		return bsafe.Account{}, cn.fail(err, onItem)
	}
	l, err := cn.newLister(ctx, nil)
	if err != nil {
		l = &lister{} // the update was applied: report it
	}
	return l.account(updated), nil
}

// applyValues applies update's VALUE instructions to an item.
func applyValues(it *Item, changes bsafe.Instructions) error {
	if it.Login == nil {
		it.Login = &Login{}
	}
	for _, in := range changes.Attrs {
		if in.Action != bsafe.ActionValue {
			continue
		}
		switch {
		case attrs.SameName(in.Name, attrName):
			v, _ := oneValue(in) // checked by Update
			it.Name = v
		case attrs.SameName(in.Name, attrUsername):
			v, err := oneValue(in)
			if err != nil {
				return err
			}
			it.Login.Username = v
		case attrs.SameName(in.Name, attrNotes):
			v, err := oneValue(in)
			if err != nil {
				return err
			}
			it.Notes = v
		case attrs.SameName(in.Name, attrURI):
			uris := make(URIs, 0, len(in.Values))
			for _, v := range in.Values {
				u := URI{URI: v}
				if i := slices.IndexFunc(it.Login.URIs, func(o URI) bool { return o.URI == v }); i >= 0 {
					u.Match = it.Login.URIs[i].Match
				}
				uris = append(uris, u)
			}
			it.Login.URIs = uris
		default:
			it.Fields = setField(it.Fields, in.Name, in.Values)
		}
	}
	return nil
}

// setField replaces the fields named name by one field per value, in the
// place of the first and with its type; a new name is appended as text.
func setField(fields Fields, name string, values []string) Fields {
	first := slices.IndexFunc(fields, func(f Field) bool { return attrs.SameName(f.Name, name) })
	proto := Field{Name: name}
	if first >= 0 {
		proto = fields[first]
		proto.Value = ""
	}
	repl := make(Fields, 0, len(values))
	for _, v := range values {
		f := proto
		f.Value = v
		repl = append(repl, f)
	}
	if first < 0 {
		return append(fields, repl...)
	}
	out := make(Fields, 0, len(fields)+len(repl))
	for i, f := range fields {
		if i == first {
			out = append(out, repl...)
		}
		if !attrs.SameName(f.Name, name) {
			out = append(out, f)
		}
	}
	return out
}

// AddToGroup puts the item in a collection (code 13 when it is in it
// already, 12 for no such collection).
func (k *Connector) AddToGroup(ctx context.Context, acct bsafe.AccountRef, groupID string) error {
	return k.editGroups(ctx, acct, groupID, true)
}

// RemoveFromGroup takes the item out of a collection (code 9 when it is
// not in it, 12 for no such collection). The item stays in the team.
func (k *Connector) RemoveFromGroup(ctx context.Context, acct bsafe.AccountRef, groupID string) error {
	return k.editGroups(ctx, acct, groupID, false)
}

// editGroups sets the item's collections from those the server holds now.
func (k *Connector) editGroups(ctx context.Context, acct bsafe.AccountRef, groupID string, add bool) error {
	cn, err := k.current()
	if err != nil {
		return err
	}
	cols, err := cn.collections(ctx)
	if err != nil {
		return err
	}
	col, err := cn.findCollection(cols, groupID)
	if err != nil {
		return err
	}
	it, err := cn.fresh(ctx, acct)
	if err != nil {
		return err
	}
	in := slices.Contains(it.CollectionIDs, col.ID)
	var ids []string
	switch {
	case add && in:
		return fmt.Errorf("safe connector: item %s, collection %s: %w", it.ID, col.ID, bsafe.ErrUserAlreadyInGroup)
	case !add && !in:
		return fmt.Errorf("safe connector: item %s, collection %s: %w", it.ID, col.ID, bsafe.ErrUserNotInGroup)
	case add:
		ids = append(slices.Clone(it.CollectionIDs), col.ID)
	default:
		ids = slices.DeleteFunc(slices.Clone(it.CollectionIDs), func(id string) bool { return id == col.ID })
	}
	_, err = cn.client.Items.MoveToCollections(ctx, it.ID, ids...)
	return cn.fail(err, onItem)
}

// CreateGroup makes a collection in the team, named req.Name (groupname),
// else req.ID (groupid); its name is encrypted with the team key and the
// administrator gets manage access to it. A collection with that name
// (ignoring case) is code 6. The attributes are not used: a collection
// has only its name.
func (k *Connector) CreateGroup(ctx context.Context, req bsafe.GroupRequest) (bsafe.Group, error) {
	cn, err := k.current()
	if err != nil {
		return bsafe.Group{}, err
	}
	name := cmp.Or(req.Name, req.ID)
	if name == "" {
		return bsafe.Group{}, fmt.Errorf("%w: groupcreate needs a groupname or groupid", bsafe.ErrBadInput)
	}
	cols, err := cn.collections(ctx)
	if err != nil {
		return bsafe.Group{}, err
	}
	for _, col := range cols {
		if strings.EqualFold(col.Name, name) {
			return bsafe.Group{}, fmt.Errorf("%w: collection %s of team %s has that name", bsafe.ErrAlreadyExists, col.ID, cn.team.ID)
		}
	}
	col, err := cn.client.Collections.Create(ctx, cn.team.ID, name, CollectionAccess{})
	if err != nil {
		return bsafe.Group{}, cn.fail(err, onCollection)
	}
	return groupOf(col), nil
}

// DeleteGroup deletes a collection (code 12 for none). Its items stay in
// the team.
func (k *Connector) DeleteGroup(ctx context.Context, groupID string) error {
	cn, err := k.current()
	if err != nil {
		return err
	}
	cols, err := cn.collections(ctx)
	if err != nil {
		return err
	}
	col, err := cn.findCollection(cols, groupID)
	if err != nil {
		return err
	}
	return cn.fail(cn.client.Collections.Delete(ctx, cn.team.ID, col.ID), onCollection)
}

// The capabilities the connector implements.
var (
	_ bsafe.TargetConnector       = (*Connector)(nil)
	_ bsafe.Verifier              = (*Connector)(nil)
	_ bsafe.AdminVerifier         = (*Connector)(nil)
	_ bsafe.Changer               = (*Connector)(nil)
	_ bsafe.Resetter              = (*Connector)(nil)
	_ bsafe.VerifyResetter        = (*Connector)(nil)
	_ bsafe.UserLister            = (*Connector)(nil)
	_ bsafe.GroupLister           = (*Connector)(nil)
	_ bsafe.MemberLister          = (*Connector)(nil)
	_ bsafe.TemplateChecker       = (*Connector)(nil)
	_ bsafe.Creator               = (*Connector)(nil)
	_ bsafe.UserGroupsLister      = (*Connector)(nil)
	_ bsafe.Deleter               = (*Connector)(nil)
	_ bsafe.Updater               = (*Connector)(nil)
	_ bsafe.GroupMembershipEditor = (*Connector)(nil)
	_ bsafe.GroupProvisioner      = (*Connector)(nil)
	_ bsafe.UserChecker           = (*Connector)(nil)
	_ bsafe.AttributeLister       = (*Connector)(nil)
)
