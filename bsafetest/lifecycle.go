package bsafetest

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
)

// CheckUser reports the account with all its attributes.
func (c *Connector) CheckUser(ctx context.Context, acct bsafe.AccountRef) (bsafe.Account, error) {
	return c.readAccount(ctx, bsafe.OpCheckUser, acct, nil)
}

// UserAttributes reports the account with the attributes opts names (all
// when it names none).
func (c *Connector) UserAttributes(ctx context.Context, acct bsafe.AccountRef, opts bsafe.ListOptions) (bsafe.Account, error) {
	return c.readAccount(ctx, bsafe.OpUserAttributes, acct, opts.Attributes)
}

func (c *Connector) readAccount(ctx context.Context, op bsafe.Operation, acct bsafe.AccountRef, sel []string) (bsafe.Account, error) {
	if err := c.enter(ctx, Call{Op: op, Account: acct.ID}); err != nil {
		return bsafe.Account{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.account(op, acct)
	if err != nil {
		return bsafe.Account{}, err
	}
	return a.view(sel), nil
}

// CheckTemplate reports the template AddTemplate added under templateID,
// or fails with bsafe.ErrInvalidModelUser.
func (c *Connector) CheckTemplate(ctx context.Context, templateID string) (bsafe.Account, error) {
	if err := c.enter(ctx, Call{Op: bsafe.OpCheckTemplate, Account: templateID}); err != nil {
		return bsafe.Account{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.templates[templateID]
	if !ok {
		return bsafe.Account{}, fmt.Errorf("bsafetest: checktemplate: %q: %w", templateID, bsafe.ErrInvalidModelUser)
	}
	return t.view(nil), nil
}

// Create adds the account req names (its ID is the new account's long
// ID; its ShortID, empty meaning the ID, and FullName are kept), with
// req.Password, enabled, unlocked and unexpired.
//
// With a TemplateID, the template AddTemplate added under it is copied
// (an unknown one is bsafe.ErrInvalidModelUser; req.Template is not
// consulted): the new account joins the template's groups, and each of
// the template's attributes is treated by its instruction in req.Attrs,
// or by req.Attrs.Default when none names it: ActionValue sets the
// instruction's values (a Default of ActionValue, having none, sets
// nothing), ActionIgnore leaves the attribute out, ActionCopy copies the
// template's values, and ActionReplace copies them with every occurrence
// of the template's ID replaced by the new account's ID, and of the
// template's short ID by the new short ID. Instructions that name no
// attribute of the template set their values when they are ActionValue.
// Without a template only the ActionValue instructions count.
//
// An account that exists already is bsafe.ErrAlreadyExists; an empty ID
// or an unknown action is bsafe.ErrBadInput; a password the policy
// refuses is bsafe.ErrInvalidPassword. Nothing is added when Create
// fails.
func (c *Connector) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	const op = bsafe.OpCreate
	id := req.Account.ID
	if id == "" {
		return bsafe.Account{}, badInput(op, "the request names no account")
	}
	if err := checkActions(op, req.Attrs, true); err != nil {
		return bsafe.Account{}, err
	}
	var created bsafe.Account
	err := c.write(ctx, Call{Op: op, Account: id}, func() error {
		if _, ok := c.accounts[id]; ok {
			return fmt.Errorf("bsafetest: create: account %q: %w", id, bsafe.ErrAlreadyExists)
		}
		var tmpl *account
		if req.TemplateID != "" {
			var ok bool
			if tmpl, ok = c.templates[req.TemplateID]; !ok {
				return fmt.Errorf("bsafetest: create: template %q: %w", req.TemplateID, bsafe.ErrInvalidModelUser)
			}
		}
		if err := c.acceptable(op, req.Password); err != nil {
			return err
		}
		a := &account{AccountSpec: AccountSpec{
			ID:       id,
			ShortID:  cmpOr(req.Account.ShortID, id),
			FullName: req.Account.FullName,
			Password: req.Password,
		}}
		a.Attrs = createAttrs(req.Attrs, tmpl, a)
		if tmpl != nil {
			a.Groups = slices.Clone(tmpl.Groups)
		}
		c.initMaps()
		c.accounts[id] = a
		c.accountOrder = append(c.accountOrder, id)
		created = a.view(nil)
		return nil
	})
	if err != nil {
		return bsafe.Account{}, err
	}
	return created, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkActions refuses an action that is not one of the four, and, for
// update (create false), the two that need a template.
func checkActions(op bsafe.Operation, in bsafe.Instructions, create bool) error {
	valid := func(a bsafe.Action) bool {
		return a == bsafe.ActionValue || a == bsafe.ActionIgnore || create && a.Valid()
	}
	if in.Default != "" && !valid(in.Default) {
		return badInput(op, "DEFAULT-ACTION %q", in.Default)
	}
	for _, ins := range in.Attrs {
		if !valid(ins.Action) {
			return badInput(op, "attribute %q: ACTION %q", ins.Name, ins.Action)
		}
	}
	return nil
}

// createAttrs computes the new account's attributes as Create documents.
func createAttrs(in bsafe.Instructions, tmpl, a *account) attrs.Values {
	out := attrs.Values{}
	def := in.Default
	if def == "" {
		def = bsafe.ActionIgnore
	}
	if tmpl != nil {
		var olds []string
		for _, p := range [][2]string{{tmpl.ID, a.ID}, {tmpl.ShortID, a.ShortID}} {
			if p[0] != "" { // an empty old string would match everywhere
				olds = append(olds, p[0], p[1])
			}
		}
		replacer := strings.NewReplacer(olds...)
		for _, t := range tmpl.Attrs {
			ins, named := in.Lookup(t.Name)
			action := def
			if named {
				action = ins.Action
			}
			switch action {
			case bsafe.ActionValue:
				if named {
					out.Set(t.Name, ins.Values...)
				}
			case bsafe.ActionCopy:
				out.Set(t.Name, t.Values...)
			case bsafe.ActionReplace:
				vals := make([]string, len(t.Values))
				for i, v := range t.Values {
					vals[i] = replacer.Replace(v)
				}
				out.Set(t.Name, vals...)
			}
		}
	}
	for i, ins := range in.Attrs {
		if ins.Action != bsafe.ActionValue || (tmpl != nil && tmpl.Attrs.Has(ins.Name)) {
			continue
		}
		// The first instruction for a name counts, as Lookup reads them.
		if slices.ContainsFunc(in.Attrs[:i], func(p bsafe.Instruction) bool { return attrs.SameName(p.Name, ins.Name) }) {
			continue
		}
		out.Set(ins.Name, ins.Values...)
	}
	return out
}

// Delete removes the account.
func (c *Connector) Delete(ctx context.Context, acct bsafe.AccountRef) error {
	return c.write(ctx, Call{Op: bsafe.OpDelete, Account: acct.ID}, func() error {
		if _, err := c.account(bsafe.OpDelete, acct); err != nil {
			return err
		}
		delete(c.accounts, acct.ID)
		c.accountOrder = slices.DeleteFunc(c.accountOrder, func(id string) bool { return id == acct.ID })
		return nil
	})
}

// Update sets each attribute an ActionValue instruction names to its
// values (no values leaves it present and empty), leaves the others
// alone, and reports the account with all its attributes. The actions
// that need a template (ActionCopy, ActionReplace) are bsafe.ErrBadInput,
// as is any other unknown action; Default is not used. Nothing changes
// when Update fails.
func (c *Connector) Update(ctx context.Context, acct bsafe.AccountRef, changes bsafe.Instructions) (bsafe.Account, error) {
	const op = bsafe.OpUpdate
	if err := checkActions(op, bsafe.Instructions{Attrs: changes.Attrs}, false); err != nil {
		return bsafe.Account{}, err
	}
	var updated bsafe.Account
	err := c.write(ctx, Call{Op: op, Account: acct.ID}, func() error {
		a, err := c.account(op, acct)
		if err != nil {
			return err
		}
		for _, ins := range changes.Attrs {
			if ins.Action == bsafe.ActionValue {
				a.Attrs.Set(ins.Name, ins.Values...)
			}
		}
		updated = a.view(nil)
		return nil
	})
	if err != nil {
		return bsafe.Account{}, err
	}
	return updated, nil
}

// ListUsers yields every account, in the order they were added, with the
// attributes opts names (all when it names none) and their groups.
func (c *Connector) ListUsers(ctx context.Context, opts bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	sel := slices.Clone(opts.Attributes)
	return snapshot(ctx, c, Call{Op: bsafe.OpListUsers}, func() ([]bsafe.Account, error) {
		rows := make([]bsafe.Account, 0, len(c.accountOrder))
		for _, id := range c.accountOrder {
			rows = append(rows, c.accounts[id].view(sel))
		}
		return rows, nil
	})
}

// UserGroups yields the IDs of the account's groups.
func (c *Connector) UserGroups(ctx context.Context, acct bsafe.AccountRef) iter.Seq2[string, error] {
	return snapshot(ctx, c, Call{Op: bsafe.OpUserGroups, Account: acct.ID}, func() ([]string, error) {
		a, err := c.account(bsafe.OpUserGroups, acct)
		if err != nil {
			return nil, err
		}
		return slices.Clone(a.Groups), nil
	})
}
