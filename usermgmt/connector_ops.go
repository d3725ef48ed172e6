package usermgmt

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe"
)

// The attributes of an account, in the order listings write them.
const (
	attrEmail        = "email"
	attrStatus       = "status"
	attrType         = "type"
	attrTwoFactor    = "twoFactorEnabled"
	attrEnrolled     = "resetPasswordEnrolled"
	attrExternalID   = "externalId"
	attrCollections  = "_collectionNames"
	attrAssocID      = "assocID"
	attrAccessLevel  = "_accessLevel" // groupuseradd's input; write-only
	attrMemberAccess = "accessLevel"  // listmembers' output
)

// flag is how a listing writes a boolean attribute.
func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// AssocID is the assocID attribute of a member with the given e-mail
// address: the address trimmed and in lower case (see Connector).
func AssocID(email string) string { return vaultcrypto.NormalizeEmail(email) }

// account is a member as the connector reports it. names maps collection
// IDs to names, for _collectionNames; wanted narrows the attributes (empty:
// all).
func account(m *safe.Member, names map[string]string, wanted []string) bsafe.Account {
	a := bsafe.Account{LongID: m.ID, ShortID: m.Email, FullName: m.Name}
	var v attrs.Values
	v.Set(attrEmail, m.Email)
	v.Set(attrStatus, m.Status.String())
	v.Set(attrType, m.Role.String())
	v.Set(attrTwoFactor, flag(m.TwoFactorEnabled))
	v.Set(attrEnrolled, flag(m.ResetPasswordEnrolled))
	v.Set(attrExternalID, m.ExternalID)
	cols := make([]string, 0, len(m.Collections))
	for _, c := range m.Collections {
		a.Groups = append(a.Groups, c.ID)
		if n, ok := names[c.ID]; ok {
			cols = append(cols, n)
		}
	}
	v.Set(attrCollections, cols...)
	v.Set(attrAssocID, AssocID(m.Email))
	if len(wanted) > 0 {
		v = v.Select(wanted)
	}
	a.Attrs = v
	return a
}

// wants reports whether a listing of the attributes wanted (empty: all)
// includes name.
func wants(wanted []string, name string) bool {
	return len(wanted) == 0 || slices.ContainsFunc(wanted, func(w string) bool { return attrs.SameName(w, name) })
}

// collectionNames maps the team's collection IDs to their names, when the
// attributes wanted include _collectionNames.
func (p *Connector) collectionNames(ctx context.Context, wanted []string) (map[string]string, error) {
	if !wants(wanted, attrCollections) {
		return nil, nil
	}
	cols, err := p.vault.Groups(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(cols))
	for _, c := range cols {
		names[c.ID] = c.Name
	}
	return names, nil
}

// ListUsers lists the team's members (see Connector for the attributes).
func (k *Connector) ListUsers(ctx context.Context, opts bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	return func(yield func(bsafe.Account, error) bool) {
		p, c, team, err := k.session()
		if err != nil {
			yield(bsafe.Account{}, err)
			return
		}
		names, err := p.collectionNames(ctx, opts.Attributes)
		if err != nil {
			yield(bsafe.Account{}, err)
			return
		}
		for m, err := range p.members(ctx, c, team) {
			if err != nil {
				yield(bsafe.Account{}, p.errAccount(err))
				return
			}
			if !yield(account(m, names, opts.Attributes), nil) {
				return
			}
		}
	}
}

// members iterates over the team's members.
func (p *Connector) members(ctx context.Context, c *safe.Client, team *safe.Team) iter.Seq2[*safe.Member, error] {
	return c.Members.All(ctx, team.ID)
}

// refOf is the acctid of an operation: the account ID, else its short ID.
func refOf(acct bsafe.AccountRef) string {
	if acct.ID != "" {
		return acct.ID
	}
	return acct.ShortID
}

// find returns the member an acctid names: a member ID, else an e-mail
// address (e-mail addresses are unique in a team); code 7 for none.
func (p *Connector) find(ctx context.Context, c *safe.Client, team *safe.Team, acct bsafe.AccountRef) (*safe.Member, error) {
	ref := strings.TrimSpace(refOf(acct))
	if ref == "" {
		return nil, fmt.Errorf("%w: no acctid given", bsafe.ErrInvalidUser)
	}
	email := vaultcrypto.NormalizeEmail(ref)
	var byEmail *safe.Member
	for m, err := range p.members(ctx, c, team) {
		if err != nil {
			return nil, p.errAccount(err)
		}
		if strings.EqualFold(m.ID, ref) {
			return m, nil
		}
		if byEmail == nil && m.Email != "" && vaultcrypto.NormalizeEmail(m.Email) == email {
			byEmail = m
		}
	}
	if byEmail == nil {
		return nil, fmt.Errorf("%w: team %s has no member with that ID or e-mail address", bsafe.ErrInvalidUser, team.ID)
	}
	return byEmail, nil
}

// memberOp is what an operation on one member works with.
type memberOp struct {
	p    *Connector
	c    *safe.Client
	team *safe.Team
	m    *safe.Member
}

// member finds the member acct names, on the current session.
func (k *Connector) member(ctx context.Context, acct bsafe.AccountRef) (*memberOp, error) {
	p, c, team, err := k.session()
	if err != nil {
		return nil, err
	}
	m, err := p.find(ctx, c, team, acct)
	if err != nil {
		return nil, err
	}
	return &memberOp{p: p, c: c, team: team, m: m}, nil
}

// one is checkuser and userattributes.
func (k *Connector) one(ctx context.Context, acct bsafe.AccountRef, wanted []string) (bsafe.Account, error) {
	op, err := k.member(ctx, acct)
	if err != nil {
		return bsafe.Account{}, err
	}
	names, err := op.p.collectionNames(ctx, wanted)
	if err != nil {
		return bsafe.Account{}, err
	}
	return account(op.m, names, wanted), nil
}

// CheckUser reports one member with every attribute (code 7 for none).
func (k *Connector) CheckUser(ctx context.Context, acct bsafe.AccountRef) (bsafe.Account, error) {
	return k.one(ctx, acct, nil)
}

// UserAttributes reports one member's attributes, those opts names or
// all.
func (k *Connector) UserAttributes(ctx context.Context, acct bsafe.AccountRef, opts bsafe.ListOptions) (bsafe.Account, error) {
	return k.one(ctx, acct, opts.Attributes)
}

// UserGroups lists the IDs of the collections the member has access to
// of their own.
func (k *Connector) UserGroups(ctx context.Context, acct bsafe.AccountRef) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		op, err := k.member(ctx, acct)
		if err != nil {
			yield("", err)
			return
		}
		for _, a := range op.m.Collections {
			if !yield(a.ID, nil) {
				return
			}
		}
	}
}

// ListGroups lists the team's collections, as the vault connector does.
func (k *Connector) ListGroups(ctx context.Context) iter.Seq2[bsafe.Group, error] {
	p, err := k.current()
	if err != nil {
		return func(yield func(bsafe.Group, error) bool) { yield(bsafe.Group{}, err) }
	}
	return p.vault.ListGroups(ctx)
}

// CreateGroup makes a collection, as the vault connector does.
func (k *Connector) CreateGroup(ctx context.Context, req bsafe.GroupRequest) (bsafe.Group, error) {
	p, err := k.current()
	if err != nil {
		return bsafe.Group{}, err
	}
	return p.vault.CreateGroup(ctx, req)
}

// DeleteGroup deletes a collection, as the vault connector does.
func (k *Connector) DeleteGroup(ctx context.Context, groupID string) error {
	p, err := k.current()
	if err != nil {
		return err
	}
	return p.vault.DeleteGroup(ctx, groupID)
}

// ListMembers lists the members with access of their own to a collection
// (a collection ID or unique name; code 12 for none), with their access
// level as the attribute accessLevel.
func (k *Connector) ListMembers(ctx context.Context, groupID string) iter.Seq2[bsafe.Member, error] {
	return func(yield func(bsafe.Member, error) bool) {
		p, c, team, err := k.session()
		if err != nil {
			yield(bsafe.Member{}, err)
			return
		}
		col, _, err := p.vault.FindGroup(ctx, groupID)
		if err != nil {
			yield(bsafe.Member{}, err)
			return
		}
		access, err := c.Collections.Access(ctx, team.ID, col.ID)
		if err != nil {
			yield(bsafe.Member{}, p.errGroup(err))
			return
		}
		for _, u := range access.Users {
			if !yield(bsafe.Member{LongID: u.ID, Attrs: attrs.New(attrMemberAccess, LevelOf(u).String())}, nil) {
				return
			}
		}
	}
}

// AddToGroup grants the member access to a collection at the target's
// defaultAccessLevel (code 13 when they have access of their own already,
// 12 for no such collection).
func (k *Connector) AddToGroup(ctx context.Context, acct bsafe.AccountRef, groupID string) error {
	return k.AddToGroupAttrs(ctx, acct, groupID, bsafe.Instructions{})
}

// AddToGroupAttrs is AddToGroup at the access level of the attribute
// _accessLevel (one of the five AccessLevel strings; code 1 for another),
// else the target's defaultAccessLevel. Other attributes are code 1.
func (k *Connector) AddToGroupAttrs(ctx context.Context, acct bsafe.AccountRef, groupID string, in bsafe.Instructions) error {
	p, c, team, err := k.session()
	if err != nil {
		return err
	}
	level, err := p.accessLevel(in)
	if err != nil {
		return err
	}
	col, m, access, err := p.membership(ctx, c, team, acct, groupID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(access.Users, func(a safe.Access) bool { return a.ID == m.ID }) {
		return fmt.Errorf("usermgmt connector: member %s, collection %s: %w", m.ID, col.ID, bsafe.ErrUserAlreadyInGroup)
	}
	a, err := level.Access(m.ID)
	if err != nil {
		return fmt.Errorf("%w: %w", bsafe.ErrBadInput, err)
	}
	return p.errGroup(c.Collections.GrantAccess(ctx, team.ID, col.ID, a))
}

// accessLevel reads groupuseradd's attributes.
func (p *Connector) accessLevel(in bsafe.Instructions) (AccessLevel, error) {
	level := p.level
	for _, ins := range in.Attrs {
		if ins.Action == bsafe.ActionIgnore {
			continue
		}
		if !attrs.SameName(ins.Name, attrAccessLevel) {
			return 0, fmt.Errorf("%w: groupuseradd takes only the attribute %s", bsafe.ErrBadInput, attrAccessLevel)
		}
		if ins.Action != bsafe.ActionValue || len(ins.Values) != 1 {
			return 0, fmt.Errorf("%w: %s takes one value (ACTION VALUE)", bsafe.ErrBadInput, attrAccessLevel)
		}
		l, err := ParseAccessLevel(ins.Values[0])
		if err != nil {
			return 0, fmt.Errorf("%w: %s: %w", bsafe.ErrBadInput, attrAccessLevel, err)
		}
		level = l
	}
	return level, nil
}

// membership finds a member, a collection and the collection's access.
func (p *Connector) membership(ctx context.Context, c *safe.Client, team *safe.Team, acct bsafe.AccountRef, groupID string) (*safe.Collection, *safe.Member, *safe.CollectionAccess, error) {
	col, _, err := p.vault.FindGroup(ctx, groupID)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := p.find(ctx, c, team, acct)
	if err != nil {
		return nil, nil, nil, err
	}
	access, err := c.Collections.Access(ctx, team.ID, col.ID)
	if err != nil {
		return nil, nil, nil, p.errGroup(err)
	}
	return col, m, access, nil
}

// RemoveFromGroup takes the member's own access to a collection away
// (code 9 when they have none).
func (k *Connector) RemoveFromGroup(ctx context.Context, acct bsafe.AccountRef, groupID string) error {
	p, c, team, err := k.session()
	if err != nil {
		return err
	}
	col, m, access, err := p.membership(ctx, c, team, acct, groupID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(access.Users, func(a safe.Access) bool { return a.ID == m.ID }) {
		return fmt.Errorf("usermgmt connector: member %s, collection %s: %w", m.ID, col.ID, bsafe.ErrUserNotInGroup)
	}
	return p.errGroup(c.Collections.RemoveAccess(ctx, team.ID, col.ID, m.ID))
}

// IsEnabled reports whether the member is not revoked.
func (k *Connector) IsEnabled(ctx context.Context, acct bsafe.AccountRef) (bool, error) {
	op, err := k.member(ctx, acct)
	if err != nil {
		return false, err
	}
	return op.m.Status != safe.StatusRevoked, nil
}

// Enable restores a revoked member; a member who is not revoked is left
// alone.
func (k *Connector) Enable(ctx context.Context, acct bsafe.AccountRef) error {
	return k.setEnabled(ctx, acct, true)
}

// Disable revokes the member; a revoked member is left alone.
func (k *Connector) Disable(ctx context.Context, acct bsafe.AccountRef) error {
	return k.setEnabled(ctx, acct, false)
}

func (k *Connector) setEnabled(ctx context.Context, acct bsafe.AccountRef, enable bool) error {
	op, err := k.member(ctx, acct)
	if err != nil {
		return err
	}
	p, c, team, m := op.p, op.c, op.team, op.m
	revoked := m.Status == safe.StatusRevoked
	switch {
	case enable && revoked:
		err = c.Members.Restore(ctx, team.ID, m.ID)
	case !enable && !revoked:
		err = c.Members.Revoke(ctx, team.ID, m.ID)
	}
	return p.errAccount(err)
}

// Delete removes the member from the team.
func (k *Connector) Delete(ctx context.Context, acct bsafe.AccountRef) error {
	op, err := k.member(ctx, acct)
	if err != nil {
		return err
	}
	p, c, team, m := op.p, op.c, op.team, op.m
	return p.errAccount(c.Members.Remove(ctx, team.ID, m.ID))
}

// Reset sets the member's master password through account recovery (see
// Connector).
func (k *Connector) Reset(ctx context.Context, acct bsafe.AccountRef, newPW string) error {
	op, err := k.member(ctx, acct)
	if err != nil {
		return err
	}
	p, c, team, m := op.p, op.c, op.team, op.m
	if m.Status == safe.StatusRevoked {
		return fmt.Errorf("usermgmt connector: member %s is revoked: restore (enable) them before a reset: %w", m.ID, bsafe.ErrAccountDisabled)
	}
	return p.errRule(c.Members.ResetPassword(ctx, team.ID, m.ID, newPW))
}

// errRule maps the errors of the rules the client checks before a
// request (not enrolled, not accepted, an owner reset by an admin, …) to
// code 42, and the others as errAccount does.
func (p *Connector) errRule(err error) error {
	if err == nil {
		return nil
	}
	// A write whose outcome is unknown is code 1, whatever refusal a
	// repeat of it met: it may have been applied.
	if errors.Is(err, safe.ErrOutcomeUnknown) {
		return p.errAccount(err)
	}
	for _, rule := range ruleErrors {
		if errors.Is(err, rule) {
			return bsafe.WithCode(bsafe.CodeDenied, err)
		}
	}
	return p.errAccount(err)
}

// Create invites a member (see Connector).
func (k *Connector) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	p, c, team, err := k.session()
	if err != nil {
		return bsafe.Account{}, err
	}
	inv, ext, cols, err := p.invitation(ctx, req)
	if err != nil {
		return bsafe.Account{}, err
	}
	var pub *safe.Client
	if ext != "" {
		// Only the Public API sets an external ID; the one invitation
		// carries it, so that no second write can fail after the first.
		if pub, err = p.vault.TeamAPIClient(); err != nil {
			return bsafe.Account{}, err
		}
	}
	if _, err := p.find(ctx, c, team, bsafe.AccountRef{ID: inv.Emails[0]}); err == nil {
		return bsafe.Account{}, fmt.Errorf("usermgmt connector: team %s has a member with that e-mail address: %w", team.ID, bsafe.ErrAlreadyExists)
	} else if bsafe.CodeOf(err) != bsafe.CodeInvalidUser {
		return bsafe.Account{}, err
	}
	var members []*safe.Member
	if pub != nil {
		pm, err := pub.Public.InviteMember(ctx, safe.PublicMemberSpec{Email: inv.Emails[0], Role: inv.Role, Owner: inv.Owner, ExternalID: ext, Collections: inv.Collections})
		if err != nil {
			return bsafe.Account{}, p.errAccount(err)
		}
		members = []*safe.Member{{ID: pm.ID, UserID: pm.UserID, Email: pm.Email, Role: pm.Role, Status: pm.Status,
			ExternalID: pm.ExternalID, Collections: pm.Collections}}
	} else if members, err = c.Members.Invite(ctx, team.ID, inv); err != nil {
		return bsafe.Account{}, p.errAccount(err)
	}
	if len(members) != 1 {
		return bsafe.Account{}, bsafe.WithCode(bsafe.CodeUnknownError, fmt.Errorf("usermgmt connector: the invitation was sent, but the server lists %d members for it", len(members)))
	}
	names := make(map[string]string, len(cols))
	for _, col := range cols {
		names[col.ID] = col.Name
	}
	return account(members[0], names, nil), nil
}

// invitation reads create's input: the e-mail address, the type, the
// external ID and the collections.
func (p *Connector) invitation(ctx context.Context, req bsafe.CreateRequest) (inv safe.Invitation, ext string, cols []*safe.Collection, err error) {
	inv = safe.Invitation{Role: safe.RoleUser}
	email := strings.TrimSpace(refOf(req.Account))
	var colRefs []string
	for _, ins := range req.Attrs.Attrs {
		if ins.Action == bsafe.ActionIgnore {
			continue
		}
		if ins.Action != bsafe.ActionValue {
			return inv, "", nil, fmt.Errorf("%w: create takes attribute values (ACTION VALUE), not %s: members have no template", bsafe.ErrBadInput, ins.Action)
		}
		one := func() (string, error) {
			if len(ins.Values) != 1 {
				return "", fmt.Errorf("%w: the attribute %s takes one value", bsafe.ErrBadInput, ins.Name)
			}
			return strings.TrimSpace(ins.Values[0]), nil
		}
		switch {
		case attrs.SameName(ins.Name, attrEmail):
			email, err = one()
		case attrs.SameName(ins.Name, attrType):
			var s string
			if s, err = one(); err == nil {
				inv.Role, err = parseRole(s)
				inv.Owner = inv.Role == safe.RoleOwner
			}
		case attrs.SameName(ins.Name, attrExternalID):
			ext, err = one()
		case attrs.SameName(ins.Name, attrCollections):
			colRefs = ins.Values
		default:
			err = fmt.Errorf("%w: create cannot set the attribute %s (it sets %s, %s, %s and %s)", bsafe.ErrBadInput,
				ins.Name, attrEmail, attrType, attrExternalID, attrCollections)
		}
		if err != nil {
			return inv, "", nil, err
		}
	}
	if email == "" || !strings.Contains(email, "@") {
		return inv, "", nil, fmt.Errorf("%w: create needs an e-mail address (the attribute email, or the acctid)", bsafe.ErrBadInput)
	}
	inv.Emails = []string{email}
	for _, ref := range colRefs {
		col, _, err := p.vault.FindGroup(ctx, ref)
		if err != nil {
			return inv, "", nil, err
		}
		a, err := p.level.Access(col.ID)
		if err != nil {
			return inv, "", nil, err
		}
		inv.Collections = append(inv.Collections, a)
		cols = append(cols, col)
	}
	return inv, ext, cols, nil
}

// parseRole reads the attribute type.
func parseRole(s string) (safe.Role, error) {
	for _, r := range []safe.Role{safe.RoleOwner, safe.RoleAdmin, safe.RoleUser, safe.RoleManager, safe.RoleCustom} {
		if strings.EqualFold(s, r.String()) {
			return r, nil
		}
	}
	return 0, fmt.Errorf("%w: the attribute type is owner, admin, user, manager or custom", bsafe.ErrBadInput)
}

// Update sets the member's externalId through the Public API (see
// Connector), and reports the member as it then is.
func (k *Connector) Update(ctx context.Context, acct bsafe.AccountRef, changes bsafe.Instructions) (bsafe.Account, error) {
	p, c, team, err := k.session()
	if err != nil {
		return bsafe.Account{}, err
	}
	var ext *string
	for _, ins := range changes.Attrs {
		switch {
		case ins.Action == bsafe.ActionIgnore:
		case !attrs.SameName(ins.Name, attrExternalID):
			return bsafe.Account{}, fmt.Errorf("%w: update sets only the attribute %s", bsafe.ErrBadInput, attrExternalID)
		case len(ins.Values) > 1:
			return bsafe.Account{}, fmt.Errorf("%w: the attribute %s takes one value", bsafe.ErrBadInput, attrExternalID)
		default:
			v := strings.Join(ins.Values, "")
			ext = &v
		}
	}
	m, err := p.find(ctx, c, team, acct)
	if err != nil {
		return bsafe.Account{}, err
	}
	// Everything the answer needs is read before the write, so that a
	// write the server applied is never reported as failed.
	names, err := p.collectionNames(ctx, nil)
	if err != nil || ext == nil || m.ExternalID == *ext {
		return account(m, names, nil), err
	}
	pub, err := p.vault.TeamAPIClient()
	if err != nil {
		return bsafe.Account{}, err
	}
	pm, err := pub.Public.Member(ctx, m.ID)
	if err != nil {
		return bsafe.Account{}, p.errAccount(err)
	}
	if pm.Role == safe.RoleCustom {
		return bsafe.Account{}, fmt.Errorf("usermgmt connector: member %s has the custom role, whose permissions the Public API would not keep: %w", m.ID, bsafe.ErrDenied)
	}
	spec := pm.Spec() // the member as it is, an owner still an owner
	spec.ExternalID = *ext
	if _, err := pub.Public.UpdateMember(ctx, m.ID, spec); err != nil {
		return bsafe.Account{}, p.errAccount(err)
	}
	m.ExternalID = *ext
	return account(m, names, nil), nil
}

// opConfirm is the custom operation that confirms an accepted member.
const opConfirm = "confirm"

// CustomOperations declares custom_confirm.
func (k *Connector) CustomOperations() []bsafe.CustomOperation {
	return []bsafe.CustomOperation{{Name: opConfirm, Output: bsafe.OutputNone}}
}

// Custom runs custom_confirm: it confirms the accepted member acctid
// names, wrapping the team key to the public key the server holds for
// them. The connector cannot compare the key's fingerprint with the
// member out of band: it trusts the server's key, as a confirmation
// without a fingerprint check in the web vault does. Programs that check
// fingerprints call MembersService.Confirm with a check function.
func (k *Connector) Custom(ctx context.Context, req bsafe.CustomRequest) iter.Seq2[bsafe.CustomRow, error] {
	return func(yield func(bsafe.CustomRow, error) bool) {
		if req.Op != opConfirm {
			yield(bsafe.CustomRow{}, fmt.Errorf("usermgmt connector: custom_%s: %w", req.Op, bsafe.ErrNotSupported))
			return
		}
		op, err := k.member(ctx, req.Account)
		if err != nil {
			yield(bsafe.CustomRow{}, err)
			return
		}
		if err := op.c.Members.Confirm(ctx, op.team.ID, op.m.ID, nil); err != nil {
			yield(bsafe.CustomRow{}, op.p.errRule(err))
		}
	}
}
