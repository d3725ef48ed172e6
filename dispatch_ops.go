package bsafe

import (
	"fmt"
)

// handlers holds every operation Dispatch knows: exactly those of the
// capabilities table (a test checks it).
var handlers = map[Operation]handler{
	OpServerInfo: {run: func(d *dispatch) error {
		info, err := d.c.ServerInfo(d.ctx)
		if err != nil {
			return err
		}
		d.out.pair("name", info.Name)
		return d.out.pair("version", info.Version)
	}},

	OpVerify: {need: []inputKey{keyAcctID, keyOldPW}, run: func(d *dispatch) error {
		return d.verifyResult(d.c.(Verifier).Verify(d.ctx, d.in.acct, d.in.vals[keyOldPW]))
	}},
	OpAdminVerify: {need: []inputKey{keyAcctID, keyOldPW}, run: func(d *dispatch) error {
		pw := d.in.vals[keyOldPW]
		if av, ok := d.c.(AdminVerifier); ok {
			return d.verifyResult(av.AdminVerify(d.ctx, d.in.acct, pw))
		}
		return d.verifyResult(d.c.(Verifier).Verify(d.ctx, d.in.acct, pw))
	}},
	OpChange: {need: []inputKey{keyAcctID, keyOldPW, keyNewPW}, run: func(d *dispatch) error {
		return d.c.(Changer).Change(d.ctx, d.in.acct, d.in.vals[keyOldPW], d.in.vals[keyNewPW])
	}},
	OpReset: {need: []inputKey{keyAcctID, keyNewPW}, run: func(d *dispatch) error {
		return d.c.(Resetter).Reset(d.ctx, d.in.acct, d.in.vals[keyNewPW])
	}},
	OpResetExpirePW: {need: []inputKey{keyAcctID, keyNewPW}, run: func(d *dispatch) error {
		return d.c.(ResetExpirer).ResetExpirePassword(d.ctx, d.in.acct, d.in.vals[keyNewPW])
	}},
	OpVerifyReset: {need: []inputKey{keyAcctID, keyNewPW}, run: runVerifyReset},
	OpUpdateSubscriber: {need: []inputKey{keyAcctID, keyNewPW, keyResourceType, keyResourceURI}, check: checkSubscriberType, run: func(d *dispatch) error {
		sub := SubscriberRef{ResourceType: d.prepared.rt, URI: d.in.vals[keyResourceURI]}
		return d.c.(SubscriberUpdater).UpdateSubscriber(d.ctx, sub, d.in.acct, d.in.vals[keyNewPW])
	}},

	OpIsEnabled: acctBool(func(d *dispatch) (bool, error) { return d.c.(Enabler).IsEnabled(d.ctx, d.in.acct) }),
	OpEnable:    acctOp(func(d *dispatch) error { return d.c.(Enabler).Enable(d.ctx, d.in.acct) }),
	OpDisable:   acctOp(func(d *dispatch) error { return d.c.(Enabler).Disable(d.ctx, d.in.acct) }),

	OpIsLocked: acctBool(func(d *dispatch) (bool, error) { return d.c.(Locker).IsLocked(d.ctx, d.in.acct) }),
	OpLock:     acctOp(func(d *dispatch) error { return d.c.(Locker).Lock(d.ctx, d.in.acct) }),
	OpUnlock:   acctOp(func(d *dispatch) error { return d.c.(Locker).Unlock(d.ctx, d.in.acct) }),

	OpIsPWExpired: acctBool(func(d *dispatch) (bool, error) { return d.c.(PasswordExpirer).IsPasswordExpired(d.ctx, d.in.acct) }),
	OpExpirePW:    acctOp(func(d *dispatch) error { return d.c.(PasswordExpirer).ExpirePassword(d.ctx, d.in.acct) }),
	OpUnexpirePW:  acctOp(func(d *dispatch) error { return d.c.(PasswordExpirer).UnexpirePassword(d.ctx, d.in.acct) }),

	OpIsAcctExpired: acctBool(func(d *dispatch) (bool, error) { return d.c.(AccountExpirer).IsAccountExpired(d.ctx, d.in.acct) }),
	OpExpireAcct:    acctOp(func(d *dispatch) error { return d.c.(AccountExpirer).ExpireAccount(d.ctx, d.in.acct) }),
	OpUnexpireAcct:  acctOp(func(d *dispatch) error { return d.c.(AccountExpirer).UnexpireAccount(d.ctx, d.in.acct) }),

	OpListUsers:       {run: runListUsers},
	OpListGroups:      {run: runListGroups},
	OpListMembers:     {need: []inputKey{keyGroupID}, run: runListMembers},
	OpListComputers:   {need: []inputKey{keyResourceType}, check: checkComputerType, run: runListComputers},
	OpListSubscribers: {need: []inputKey{keyResourceType}, check: checkSubscriberType, run: runListSubscribers},

	OpCheckTemplate: {need: []inputKey{keyModelUID}, run: func(d *dispatch) error {
		t, err := d.c.(TemplateChecker).CheckTemplate(d.ctx, d.in.vals[keyModelUID])
		if err != nil {
			return templateError(err)
		}
		return d.oneAccount(&t)
	}},
	OpCreate:     {need: []inputKey{keyAcctID, keyNewPW}, check: checkInstructions(false), run: runCreate},
	OpUserGroups: {need: []inputKey{keyAcctID}, run: runUserGroups},
	OpDelete: acctOp(func(d *dispatch) error {
		if err := d.checkUserFirst(); err != nil {
			return err
		}
		return d.c.(Deleter).Delete(d.ctx, d.in.acct)
	}),
	OpUpdate: {need: []inputKey{keyAcctID}, check: checkInstructions(true), run: func(d *dispatch) error {
		if err := d.checkUserFirst(); err != nil {
			return err
		}
		a, err := d.c.(Updater).Update(d.ctx, d.in.acct, d.prepared.ins)
		if err != nil {
			return err
		}
		a = d.filled(a)
		return d.writtenAccount(&a)
	}},

	OpGroupUserAdd: {need: []inputKey{keyAcctID, keyGroupID}, check: checkGroupAddAttrs, run: func(d *dispatch) error {
		if ga, ok := d.c.(GroupAddAttributer); ok {
			return ga.AddToGroupAttrs(d.ctx, d.in.acct, d.in.vals[keyGroupID], d.prepared.ins)
		}
		return d.c.(GroupMembershipEditor).AddToGroup(d.ctx, d.in.acct, d.in.vals[keyGroupID])
	}},
	OpGroupUserDelete: {need: []inputKey{keyAcctID, keyGroupID}, run: func(d *dispatch) error {
		return d.c.(GroupMembershipEditor).RemoveFromGroup(d.ctx, d.in.acct, d.in.vals[keyGroupID])
	}},
	OpGroupCreate: {need: []inputKey{keyGroupID}, check: checkInstructions(false), run: func(d *dispatch) error {
		req := GroupRequest{ID: d.in.vals[keyGroupID], Name: d.in.vals[keyGroupName], Attrs: d.prepared.ins}
		g, err := d.c.(GroupProvisioner).CreateGroup(d.ctx, req)
		if err != nil {
			return err
		}
		if g.LongID == "" {
			g.LongID = req.ID // the group exists; a thin answer does not undo that
		}
		d.out.ids(g.StableID, g.LongID, g.ShortID)
		d.out.beginGroup(&g)
		return d.out.end()
	}},
	OpGroupDelete: {need: []inputKey{keyGroupID}, run: func(d *dispatch) error {
		return d.c.(GroupProvisioner).DeleteGroup(d.ctx, d.in.vals[keyGroupID])
	}},

	OpCheckUser: acctOp(func(d *dispatch) error {
		a, err := d.c.(UserChecker).CheckUser(d.ctx, d.in.acct)
		if err != nil {
			return err
		}
		return d.oneAccount(&a)
	}),
	OpUserAttributes: acctOp(func(d *dispatch) error {
		if err := d.checkUserFirst(); err != nil {
			return err
		}
		a, err := d.c.(AttributeLister).UserAttributes(d.ctx, d.in.acct, ListOptions{Attributes: d.in.listAttrs})
		if err != nil {
			return err
		}
		return d.oneAccount(&a)
	}),

	OpCustom: {check: checkCustom, run: runCustom},
}

// acctOp is an operation on the account "acctid" with no result.
func acctOp(run func(d *dispatch) error) handler {
	return handler{need: []inputKey{keyAcctID}, run: run}
}

// acctBool is an is* operation on the account "acctid".
func acctBool(run func(d *dispatch) (bool, error)) handler {
	return handler{need: []inputKey{keyAcctID}, run: func(d *dispatch) error { return d.boolResult(run(d)) }}
}

// checkInstructions reads "attributes" before anything is called.
func checkInstructions(forUpdate bool) func(d *dispatch) error {
	return func(d *dispatch) error {
		ins, err := d.in.instructions(forUpdate)
		d.prepared.ins = ins
		return err
	}
}

// checkGroupAddAttrs reads the attributes of groupuseradd for a
// connector that takes them; the others never read them, so that an input
// they ignored before does not start failing.
func checkGroupAddAttrs(d *dispatch) error {
	if _, ok := d.c.(GroupAddAttributer); !ok {
		return nil
	}
	return checkInstructions(false)(d)
}

// oneAccount writes the one account of checkuser, userattributes and
// checktemplate, which must have its leading columns.
func (d *dispatch) oneAccount(a *Account) error {
	if err := checkAccount(d.op, 1, a); err != nil {
		return err
	}
	return d.out.account(a)
}

func runVerifyReset(d *dispatch) error {
	pw := d.in.vals[keyNewPW]
	if vr, ok := d.c.(VerifyResetter); ok {
		return vr.VerifyReset(d.ctx, d.in.acct, pw)
	}
	var (
		match bool
		err   error
	)
	switch c := d.c.(type) {
	case AdminVerifier:
		match, err = c.AdminVerify(d.ctx, d.in.acct, pw)
	case Verifier:
		// (ours) Not on a target with a lockout, where a verify of a
		// password that is about to be set would count as an intruder's.
		if adminVerifiesByVerify(c) {
			match, err = c.Verify(d.ctx, d.in.acct, pw)
		}
	}
	if match && err == nil {
		return nil
	}
	return d.c.(Resetter).Reset(d.ctx, d.in.acct, pw)
}

func runCreate(d *dispatch) error {
	req := CreateRequest{Account: d.in.acct, TemplateID: d.in.vals[keyModelUID], Attrs: d.prepared.ins, Password: d.in.vals[keyNewPW]}
	if tc, ok := d.c.(TemplateChecker); ok && req.TemplateID != "" {
		t, err := tc.CheckTemplate(d.ctx, req.TemplateID)
		if err != nil {
			return templateError(err)
		}
		req.Template = &t
	}
	a, err := d.c.(Creator).Create(d.ctx, req)
	if err != nil {
		return err
	}
	a = d.filled(a)
	if ug, ok := d.c.(UserGroupsLister); ok {
		ref := AccountRef{ID: a.LongID, ShortID: a.ShortID, FullName: a.FullName, UserID: d.in.acct.UserID}
		var groups []string
		for g, err := range ug.UserGroups(d.ctx, ref) {
			if err == nil && g == "" {
				err = errRow(OpUserGroups, len(groups)+1, "is an empty group long ID")
			}
			if err != nil {
				groups = nil
				d.note = fmt.Sprintf("bsafe: create: the account was created, but usergroups failed: %v", err)
				break
			}
			groups = append(groups, g)
		}
		if d.note == "" {
			a.Groups = groups
		}
	}
	return d.writtenAccount(&a)
}

func runUserGroups(d *dispatch) error {
	n := 0
	for g, err := range d.c.(UserGroupsLister).UserGroups(d.ctx, d.in.acct) {
		if err != nil {
			return err
		}
		n++
		if g == "" {
			return errRow(d.op, n, "is an empty group long ID")
		}
		if err := d.out.emptyGroup("group", g); err != nil {
			return err
		}
	}
	if n == 0 {
		return errNoRows(d.op)
	}
	return nil
}
