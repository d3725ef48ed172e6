package bsafe

import "fmt"

// The listings stream: each row is checked and written as the iterator
// yields it, and only a row count is kept, so that memory does not grow
// with the listing (listgroups excepted, whose groups are read first).

func runListUsers(d *dispatch) error {
	if err := d.serverInfoFirst(); err != nil {
		return err
	}
	n := 0
	for a, err := range d.c.(UserLister).ListUsers(d.ctx, ListOptions{Attributes: d.in.listAttrs}) {
		if err != nil {
			return err
		}
		n++
		if err := checkAccount(d.op, n, &a); err != nil {
			return err
		}
		if err := d.out.account(&a); err != nil {
			return err
		}
	}
	if n == 0 {
		return errNoRows(d.op)
	}
	return nil
}

func runListGroups(d *dispatch) error {
	if err := d.serverInfoFirst(); err != nil {
		return err
	}
	// The groups are read to the end before any ListMembers, so that the
	// connector never runs two listings at once; they are few.
	var groups []Group
	seen := map[string]bool{}
	for g, err := range d.c.(GroupLister).ListGroups(d.ctx) {
		if err != nil {
			return err
		}
		row := len(groups) + 1
		switch {
		case g.LongID == "":
			return errRow(d.op, row, "has an empty group long ID")
		case seen[g.LongID]:
			return errRow(d.op, row, fmt.Sprintf("lists group %q again (a group has at most one owner)", g.LongID))
		}
		seen[g.LongID] = true
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return errNoRows(d.op)
	}
	ml, withMembers := d.c.(MemberLister)
	for i := range groups {
		g := &groups[i]
		if err := d.out.beginGroup(g); err != nil {
			return err
		}
		if withMembers {
			n := 0
			for m, err := range ml.ListMembers(d.ctx, g.LongID) {
				if err != nil {
					return fmt.Errorf("bsafe: listmembers of group %q: %w", g.LongID, err)
				}
				n++
				if m.LongID == "" {
					return fmt.Errorf("bsafe: listmembers of group %q: row %d has an empty member long ID", g.LongID, n)
				}
				if err := d.out.member(&m); err != nil {
					return err
				}
			}
		}
		if err := d.out.end(); err != nil {
			return err
		}
	}
	return nil
}

func runListMembers(d *dispatch) error {
	if err := d.serverInfoFirst(); err != nil {
		return err
	}
	n := 0
	for m, err := range d.c.(MemberLister).ListMembers(d.ctx, d.in.vals[keyGroupID]) {
		if err != nil {
			return err
		}
		n++
		if m.LongID == "" {
			return errRow(d.op, n, "has an empty member long ID")
		}
		if err := d.out.member(&m); err != nil {
			return err
		}
	}
	if n == 0 {
		return errNoRows(d.op)
	}
	return nil
}

// checkComputerType reads the "k_resourceType" of listcomputers.
func checkComputerType(d *dispatch) error {
	rt := ResourceType(d.in.vals[keyResourceType])
	if rt != Workstations && rt != Servers {
		return badInput("\"k_resourceType\" of listcomputers is not %s or %s", Workstations, Servers)
	}
	d.prepared.rt = rt
	return nil
}

// subscriberTypes are the resource types of subscribers.
var subscriberTypes = []ResourceType{TaskSubscribers, IISSubscribers, COMSubscribers, ServiceSubscribers, CustomSubscribers, AdminGroupSubscribers}

// checkSubscriberType reads the "k_resourceType" of listsubscribers and
// updatesubscriber.
func checkSubscriberType(d *dispatch) error {
	rt := ResourceType(d.in.vals[keyResourceType])
	for _, t := range subscriberTypes {
		if rt == t {
			d.prepared.rt = rt
			return nil
		}
	}
	return badInput("\"k_resourceType\" is not a subscriber resource type (%v)", subscriberTypes)
}

func runListComputers(d *dispatch) error {
	if err := d.serverInfoFirst(); err != nil {
		return err
	}
	n := 0
	for c, err := range d.c.(ComputerLister).ListComputers(d.ctx, d.prepared.rt) {
		if err != nil {
			return err
		}
		n++
		if c.ID == "" {
			return errRow(d.op, n, "has an empty id")
		}
		if c.ResourceType == "" {
			c.ResourceType = d.prepared.rt
		}
		if err := d.out.computer(&c); err != nil {
			return err
		}
	}
	if n == 0 {
		return errNoRows(d.op)
	}
	return nil
}

func runListSubscribers(d *dispatch) error {
	if err := d.serverInfoFirst(); err != nil {
		return err
	}
	n := 0
	for s, err := range d.c.(SubscriberLister).ListSubscribers(d.ctx, d.prepared.rt) {
		if err != nil {
			return err
		}
		n++
		switch {
		case s.ID == "" && s.LongID == "":
			return errRow(d.op, n, "has neither an id nor a longid")
		case s.URI == "":
			return errRow(d.op, n, "has an empty uri")
		case s.ID == "":
			// The protocol's default: the long ID followed by the target's ID.
			s.ID = s.LongID + d.in.target.TargetID
		}
		if s.ResourceType == "" {
			s.ResourceType = d.prepared.rt
		}
		if err := d.out.subscriber(&s); err != nil {
			return err
		}
	}
	if n == 0 {
		return errNoRows(d.op)
	}
	return nil
}
