package safe

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
)

// The account attributes of the connector (see Connector).
const (
	attrCollectionNames      = "_collectionNames"
	attrCollectionIDs        = "collectionIds"
	attrUsername             = "username"
	attrURI                  = "uri"
	attrNotes                = "notes"
	attrFolder               = "folder"
	attrRevisionDate         = "revisionDate"
	attrPasswordRevisionDate = "passwordRevisionDate"
	attrDeleted              = "deleted"
	// attrName sets the item's name in create and update; listings
	// report it as shortid and fullname.
	attrName = "name"
	// attrPassword is reserved: the password is set by reset, change and
	// create's newpw, never as an attribute.
	attrPassword = "password"
)

// builtinAttrs are the attributes that are not custom fields, in listing
// order.
var builtinAttrs = []string{attrCollectionNames, attrCollectionIDs, attrUsername, attrURI, attrNotes, attrFolder,
	attrRevisionDate, attrPasswordRevisionDate, attrDeleted}

// reservedName reports an attribute name that a custom field cannot be
// listed or set under.
func reservedName(name string) bool {
	return slices.ContainsFunc(builtinAttrs, func(b string) bool { return attrs.SameName(b, name) }) ||
		attrs.SameName(name, attrName) || attrs.SameName(name, attrPassword)
}

// dateLayout is how the connector writes dates: RFC 3339, UTC, with
// milliseconds, as the server writes them.
const dateLayout = "2006-01-02T15:04:05.000Z07:00"

func formatDate(t time.Time) []string {
	if t.IsZero() {
		return nil
	}
	return []string{t.UTC().Format(dateLayout)}
}

// items iterates over the team's login items: those out of the trash,
// then, with listDeleted, those in it.
func (cn *connection) items(ctx context.Context) iter.Seq2[*Item, error] {
	return func(yield func(*Item, error) bool) {
		for it, err := range cn.client.Items.All(ctx, InTeam(cn.team.ID), OfType(TypeLogin)) {
			if !yield(it, err) || err != nil {
				return
			}
		}
		if !cn.listDeleted {
			return
		}
		for it, err := range cn.client.Items.All(ctx, InTeam(cn.team.ID), OfType(TypeLogin), Trashed()) {
			if !yield(it, err) || err != nil {
				return
			}
		}
	}
}

// mine reports whether it is one of the connection's accounts.
func (cn *connection) mine(it *Item) bool {
	return it.TeamID == cn.team.ID && it.Type == TypeLogin && (cn.listDeleted || !it.InTrash())
}

// findItem finds the account ref names: an item ID, or else a name that
// exactly one of the team's login items has (see Connector).
func (cn *connection) findItem(ctx context.Context, ref string, about errContext) (*Item, error) {
	notFound := bsafe.ErrInvalidUser
	if about == onTemplate {
		notFound = bsafe.ErrInvalidModelUser
	}
	if ref == "" {
		return nil, fmt.Errorf("%w: no account ID given", notFound)
	}
	if uuidRE.MatchString(ref) {
		it, err := cn.client.Items.Get(ctx, strings.ToLower(ref))
		switch {
		case err == nil && cn.mine(it):
			return it, nil
		case err != nil && !errors.Is(err, ErrNotFound):
			return nil, cn.fail(err, about)
		}
	}
	var found []*Item
	for it, err := range cn.items(ctx) {
		if err != nil {
			return nil, cn.fail(err, about)
		}
		found = append(found, it)
	}
	// Item names are encrypted on the wire: the errors leave ref out. The
	// ID was looked up on the server above.
	it, ok, err := pick(found, ref, "item", false, itemID, itemName)
	switch {
	case err != nil:
		return nil, bsafe.WithCode(bsafe.CodeInvalidObject, fmt.Errorf("%w; name the account by one of these item IDs", err))
	case !ok:
		return nil, fmt.Errorf("%w: no login item of team %s has that ID or name", notFound, cn.team.ID)
	}
	return it, nil
}

func itemID(it *Item) string   { return it.ID }
func itemName(it *Item) string { return it.Name }

// collections returns the team's collections: every one for an
// administrator who manages them, else those assigned to them.
func (cn *connection) collections(ctx context.Context) ([]*Collection, error) {
	cols, err := cn.client.Collections.ListTeam(ctx, cn.team.ID)
	if err == nil {
		return cols, nil
	}
	if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrForbidden) {
		return nil, cn.fail(err, onCollection)
	}
	cols = nil
	for col, err := range cn.client.Collections.All(ctx) {
		if err != nil {
			return nil, cn.fail(err, onCollection)
		}
		if col.TeamID == cn.team.ID {
			cols = append(cols, col)
		}
	}
	return cols, nil
}

// findCollection finds the group ref names, among cols: a collection ID,
// or else a name exactly one collection has.
func (cn *connection) findCollection(cols []*Collection, ref string) (*Collection, error) {
	if ref == "" {
		return nil, fmt.Errorf("%w: no group ID given", bsafe.ErrInvalidGroup)
	}
	col, ok, err := pick(cols, ref, "collection", true, collectionID, collectionName)
	switch {
	case err != nil:
		return nil, bsafe.WithCode(bsafe.CodeInvalidObject, fmt.Errorf("%w; name the group by one of these collection IDs", err))
	case !ok:
		return nil, fmt.Errorf("%w: no collection of team %s has that ID or name", bsafe.ErrInvalidGroup, cn.team.ID)
	}
	return col, nil
}

// lister turns items into accounts: it holds the names of the team's
// collections and of the folders, read once per listing, and the
// attributes wanted.
type lister struct {
	colNames map[string]string
	folders  map[string]string
	wanted   []string // empty: all
}

// newLister reads what the wanted attributes need.
func (cn *connection) newLister(ctx context.Context, wanted []string) (*lister, error) {
	l := &lister{wanted: wanted}
	if l.want(attrCollectionNames) {
		cols, err := cn.collections(ctx)
		if err != nil {
			return nil, err
		}
		l.colNames = make(map[string]string, len(cols))
		for _, col := range cols {
			l.colNames[col.ID] = col.Name
		}
	}
	if l.want(attrFolder) {
		fs, err := cn.client.Folders.List(ctx)
		if err != nil {
			return nil, cn.fail(err, onItem)
		}
		l.folders = make(map[string]string, len(fs))
		for _, f := range fs {
			l.folders[f.ID] = f.Name
		}
	}
	return l, nil
}

func (l *lister) want(name string) bool {
	return len(l.wanted) == 0 || slices.ContainsFunc(l.wanted, func(w string) bool { return attrs.SameName(w, name) })
}

// account is the account of one item.
func (l *lister) account(it *Item) bsafe.Account {
	a := bsafe.Account{LongID: it.ID, ShortID: it.Name, FullName: it.Name, Groups: slices.Clone(it.CollectionIDs)}
	login := it.Login
	if login == nil {
		login = &Login{}
	}
	set := func(name string, values func() []string) {
		if l.want(name) {
			a.Attrs.Set(name, values()...)
		}
	}
	set(attrCollectionNames, func() []string {
		var names []string
		for _, id := range it.CollectionIDs {
			if n, ok := l.colNames[id]; ok {
				names = append(names, n)
			}
		}
		return names
	})
	set(attrCollectionIDs, func() []string { return it.CollectionIDs })
	set(attrUsername, func() []string { return nonEmpty(login.Username) })
	set(attrURI, func() []string {
		uris := make([]string, len(login.URIs))
		for i, u := range login.URIs {
			uris[i] = u.URI
		}
		return uris
	})
	set(attrNotes, func() []string { return nonEmpty(it.Notes) })
	set(attrFolder, func() []string { return nonEmpty(l.folders[it.FolderID]) })
	set(attrRevisionDate, func() []string { return formatDate(it.RevisionDate) })
	set(attrPasswordRevisionDate, func() []string { return formatDate(login.PasswordRevisionDate) })
	set(attrDeleted, func() []string {
		if it.InTrash() {
			return []string{"1"}
		}
		return []string{"0"}
	})
	for _, f := range it.Fields {
		if f.Name == "" || f.Type == FieldHidden || f.Type == FieldLinked || reservedName(f.Name) || !l.want(f.Name) {
			continue
		}
		a.Attrs.Add(f.Name, f.Value)
	}
	return a
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// ListUsers lists the team's login items as accounts, with the attributes
// opts names (all when it names none). Items in the trash are listed only
// with listDeleted.
func (k *Connector) ListUsers(ctx context.Context, opts bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	return func(yield func(bsafe.Account, error) bool) {
		cn, err := k.current()
		if err != nil {
			yield(bsafe.Account{}, err)
			return
		}
		l, err := cn.newLister(ctx, opts.Attributes)
		if err != nil {
			yield(bsafe.Account{}, err)
			return
		}
		for it, err := range cn.items(ctx) {
			if err != nil {
				yield(bsafe.Account{}, cn.fail(err, onItem))
				return
			}
			if !yield(l.account(it), nil) {
				return
			}
		}
	}
}

// oneAccount is the account acct names, with the attributes wanted.
func (k *Connector) oneAccount(ctx context.Context, ref string, about errContext, wanted []string) (bsafe.Account, error) {
	cn, err := k.current()
	if err != nil {
		return bsafe.Account{}, err
	}
	it, err := cn.findItem(ctx, ref, about)
	if err != nil {
		return bsafe.Account{}, err
	}
	l, err := cn.newLister(ctx, wanted)
	if err != nil {
		return bsafe.Account{}, err
	}
	return l.account(it), nil
}

// CheckUser returns the account with all its attributes, or code 7.
func (k *Connector) CheckUser(ctx context.Context, acct bsafe.AccountRef) (bsafe.Account, error) {
	return k.oneAccount(ctx, refOf(acct), onItem, nil)
}

// UserAttributes returns the account with the attributes opts names (all
// when it names none).
func (k *Connector) UserAttributes(ctx context.Context, acct bsafe.AccountRef, opts bsafe.ListOptions) (bsafe.Account, error) {
	return k.oneAccount(ctx, refOf(acct), onItem, opts.Attributes)
}

// CheckTemplate returns the template item create copies (modeluid: an
// item ID or unique name, such as "template"), or code 8.
func (k *Connector) CheckTemplate(ctx context.Context, templateID string) (bsafe.Account, error) {
	return k.oneAccount(ctx, templateID, onTemplate, nil)
}

// refOf is what names an account: its ID, or else its short ID.
func refOf(acct bsafe.AccountRef) string {
	if acct.ID != "" {
		return acct.ID
	}
	return acct.ShortID
}

// UserGroups yields the IDs of the account's collections, as the server
// holds them now.
func (k *Connector) UserGroups(ctx context.Context, acct bsafe.AccountRef) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		cn, err := k.current()
		if err != nil {
			yield("", err)
			return
		}
		it, err := cn.fresh(ctx, acct)
		if err != nil {
			yield("", err)
			return
		}
		for _, id := range it.CollectionIDs {
			if !yield(id, nil) {
				return
			}
		}
	}
}

// fresh finds the account and reads its item from the server, not the
// client's snapshot: what verify compares and group edits start from.
func (cn *connection) fresh(ctx context.Context, acct bsafe.AccountRef) (*Item, error) {
	it, err := cn.findItem(ctx, refOf(acct), onItem)
	if err != nil {
		return nil, err
	}
	it, err = cn.client.Items.fetch(ctx, it.ID)
	if err != nil {
		return nil, cn.fail(err, onItem)
	}
	return it, nil
}

// ListGroups lists the team's collections: longid is the collection ID,
// shortid and description its name.
func (k *Connector) ListGroups(ctx context.Context) iter.Seq2[bsafe.Group, error] {
	return func(yield func(bsafe.Group, error) bool) {
		cn, err := k.current()
		if err != nil {
			yield(bsafe.Group{}, err)
			return
		}
		cols, err := cn.collections(ctx)
		if err != nil {
			yield(bsafe.Group{}, err)
			return
		}
		for _, col := range cols {
			if !yield(groupOf(col), nil) {
				return
			}
		}
	}
}

func groupOf(col *Collection) bsafe.Group {
	return bsafe.Group{LongID: col.ID, ShortID: col.Name, Description: col.Name}
}

// ListMembers lists the login items in a collection (a collection ID or
// unique name; code 12 for none). Items in the trash are members only
// with listDeleted.
func (k *Connector) ListMembers(ctx context.Context, groupID string) iter.Seq2[bsafe.Member, error] {
	return func(yield func(bsafe.Member, error) bool) {
		cn, err := k.current()
		if err != nil {
			yield(bsafe.Member{}, err)
			return
		}
		cols, err := cn.collections(ctx)
		if err != nil {
			yield(bsafe.Member{}, err)
			return
		}
		col, err := cn.findCollection(cols, groupID)
		if err != nil {
			yield(bsafe.Member{}, err)
			return
		}
		for it, err := range cn.items(ctx) {
			if err != nil {
				yield(bsafe.Member{}, cn.fail(err, onItem))
				return
			}
			if slices.Contains(it.CollectionIDs, col.ID) && !yield(bsafe.Member{LongID: it.ID}, nil) {
				return
			}
		}
	}
}
