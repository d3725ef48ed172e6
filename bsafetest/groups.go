package bsafetest

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/bsafe-go/bsafe"
)

// group is one group and the groups nested in it.
type group struct {
	bsafe.Group
	subgroups []string
}

// AddGroup adds a group. It fails with bsafe.ErrAlreadyExists when the
// long ID is taken and bsafe.ErrBadInput when it is empty.
func (c *Connector) AddGroup(g bsafe.Group) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g.LongID == "" {
		return badInput("AddGroup", "the group has no long ID")
	}
	if _, ok := c.groups[g.LongID]; ok {
		return fmt.Errorf("bsafetest: AddGroup: group %q: %w", g.LongID, bsafe.ErrAlreadyExists)
	}
	g.Attrs = g.Attrs.Clone()
	c.initMaps()
	c.groups[g.LongID] = &group{Group: g}
	c.groupOrder = append(c.groupOrder, g.LongID)
	return nil
}

// NestGroup makes group child a member of group parent, which
// ListMembers reports with IsGroup set. Unknown groups are
// bsafe.ErrInvalidGroup, a group in itself is bsafe.ErrBadInput, and
// nesting it again is bsafe.ErrAlreadyExists.
func (c *Connector) NestGroup(parent, child string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.groups[parent]
	if !ok {
		return errNoGroup("NestGroup", parent)
	}
	if _, ok := c.groups[child]; !ok {
		return errNoGroup("NestGroup", child)
	}
	if parent == child {
		return badInput("NestGroup", "group %q in itself", parent)
	}
	if slices.Contains(p.subgroups, child) {
		return fmt.Errorf("bsafetest: NestGroup: %q in %q: %w", child, parent, bsafe.ErrAlreadyExists)
	}
	p.subgroups = append(p.subgroups, child)
	return nil
}

// AddToGroup makes the account a member of the group. An unknown account
// is bsafe.ErrInvalidUser, an unknown group bsafe.ErrInvalidGroup, and a
// member already bsafe.ErrUserAlreadyInGroup.
func (c *Connector) AddToGroup(ctx context.Context, acct bsafe.AccountRef, groupID string) error {
	return c.write(ctx, Call{Op: bsafe.OpGroupUserAdd, Account: acct.ID, Group: groupID}, func() error {
		a, err := c.memberAndGroup(bsafe.OpGroupUserAdd, acct, groupID)
		if err != nil {
			return err
		}
		if a.inGroup(groupID) {
			return fmt.Errorf("bsafetest: groupuseradd: %q in %q: %w", acct.ID, groupID, bsafe.ErrUserAlreadyInGroup)
		}
		a.Groups = append(a.Groups, groupID)
		return nil
	})
}

// RemoveFromGroup ends the account's membership of the group. It fails
// as AddToGroup does, and with bsafe.ErrUserNotInGroup for a non-member.
func (c *Connector) RemoveFromGroup(ctx context.Context, acct bsafe.AccountRef, groupID string) error {
	return c.write(ctx, Call{Op: bsafe.OpGroupUserDelete, Account: acct.ID, Group: groupID}, func() error {
		a, err := c.memberAndGroup(bsafe.OpGroupUserDelete, acct, groupID)
		if err != nil {
			return err
		}
		if !a.inGroup(groupID) {
			return fmt.Errorf("bsafetest: groupuserdelete: %q in %q: %w", acct.ID, groupID, bsafe.ErrUserNotInGroup)
		}
		a.Groups = slices.DeleteFunc(a.Groups, func(g string) bool { return g == groupID })
		return nil
	})
}

// memberAndGroup checks both exist, the account first; the caller holds
// the lock.
func (c *Connector) memberAndGroup(op bsafe.Operation, acct bsafe.AccountRef, groupID string) (*account, error) {
	a, err := c.account(op, acct)
	if err != nil {
		return nil, err
	}
	if _, ok := c.groups[groupID]; !ok {
		return nil, errNoGroup(op, groupID)
	}
	return a, nil
}

// CreateGroup adds the group req names: its long ID is req.ID, its short
// ID req.Name (empty meaning the ID), its attributes the values of the
// ActionValue instructions, and its Description the attribute
// "description" among them. A taken ID is bsafe.ErrAlreadyExists; an
// empty one, or an action other than ActionValue and ActionIgnore,
// bsafe.ErrBadInput.
func (c *Connector) CreateGroup(ctx context.Context, req bsafe.GroupRequest) (bsafe.Group, error) {
	const op = bsafe.OpGroupCreate
	if req.ID == "" {
		return bsafe.Group{}, badInput(op, "the request names no group")
	}
	if err := checkActions(op, bsafe.Instructions{Attrs: req.Attrs.Attrs}, false); err != nil {
		return bsafe.Group{}, err
	}
	var created bsafe.Group
	err := c.write(ctx, Call{Op: op, Group: req.ID}, func() error {
		if _, ok := c.groups[req.ID]; ok {
			return fmt.Errorf("bsafetest: groupcreate: group %q: %w", req.ID, bsafe.ErrAlreadyExists)
		}
		g := bsafe.Group{LongID: req.ID, ShortID: cmpOr(req.Name, req.ID)}
		for _, ins := range req.Attrs.Attrs {
			if ins.Action == bsafe.ActionValue {
				g.Attrs.Set(ins.Name, ins.Values...)
			}
		}
		g.Description = g.Attrs.Get("description")
		c.initMaps()
		c.groups[g.LongID] = &group{Group: g}
		c.groupOrder = append(c.groupOrder, g.LongID)
		created = g
		created.Attrs = g.Attrs.Clone()
		return nil
	})
	if err != nil {
		return bsafe.Group{}, err
	}
	return created, nil
}

// DeleteGroup removes the group, and every membership of it (of
// accounts, templates and nested groups). An unknown group is
// bsafe.ErrInvalidGroup.
func (c *Connector) DeleteGroup(ctx context.Context, groupID string) error {
	return c.write(ctx, Call{Op: bsafe.OpGroupDelete, Group: groupID}, func() error {
		if _, ok := c.groups[groupID]; !ok {
			return errNoGroup(bsafe.OpGroupDelete, groupID)
		}
		delete(c.groups, groupID)
		isIt := func(id string) bool { return id == groupID }
		c.groupOrder = slices.DeleteFunc(c.groupOrder, isIt)
		for _, g := range c.groups {
			g.subgroups = slices.DeleteFunc(g.subgroups, isIt)
		}
		for _, m := range []map[string]*account{c.accounts, c.templates} {
			for _, a := range m {
				a.Groups = slices.DeleteFunc(a.Groups, isIt)
			}
		}
		return nil
	})
}

// ListGroups yields every group, in the order they were added.
func (c *Connector) ListGroups(ctx context.Context) iter.Seq2[bsafe.Group, error] {
	return snapshot(ctx, c, Call{Op: bsafe.OpListGroups}, func() ([]bsafe.Group, error) {
		rows := make([]bsafe.Group, 0, len(c.groupOrder))
		for _, id := range c.groupOrder {
			g := c.groups[id].Group
			g.Attrs = g.Attrs.Clone()
			rows = append(rows, g)
		}
		return rows, nil
	})
}

// ListMembers yields the group's member accounts, in the order the
// accounts were added, then its nested groups. An unknown group is
// bsafe.ErrInvalidGroup.
func (c *Connector) ListMembers(ctx context.Context, groupID string) iter.Seq2[bsafe.Member, error] {
	return snapshot(ctx, c, Call{Op: bsafe.OpListMembers, Group: groupID}, func() ([]bsafe.Member, error) {
		g, ok := c.groups[groupID]
		if !ok {
			return nil, errNoGroup(bsafe.OpListMembers, groupID)
		}
		var rows []bsafe.Member
		for _, id := range c.accountOrder {
			if c.accounts[id].inGroup(groupID) {
				rows = append(rows, bsafe.Member{LongID: id})
			}
		}
		for _, id := range g.subgroups {
			rows = append(rows, bsafe.Member{LongID: id, IsGroup: true})
		}
		return rows, nil
	})
}

// snapshot yields what take returns, which runs under the lock once the
// iteration starts; the rows are yielded without the lock held.
func snapshot[T any](ctx context.Context, c *Connector, call Call, take func() ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := c.enter(ctx, call); err != nil {
			yield(zero, err)
			return
		}
		c.mu.Lock()
		rows, err := take()
		c.mu.Unlock()
		if err != nil {
			yield(zero, err)
			return
		}
		for _, r := range rows {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}
