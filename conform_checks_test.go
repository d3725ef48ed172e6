package bsafe_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/bsafetest"
)

// patched is the reference target with some methods replaced: a nil
// field runs the reference's method.
type patched struct {
	*bsafetest.Connector
	verify, adminVerify func(context.Context, bsafe.AccountRef, string) (bool, error)
	resetExpire         func(context.Context, bsafe.AccountRef, string) error
	updateSubscriber    func(context.Context, bsafe.SubscriberRef, bsafe.AccountRef, string) error
	disable             func(context.Context, bsafe.AccountRef) error
	listUsers           func(context.Context, bsafe.ListOptions) iter.Seq2[bsafe.Account, error]
	listGroups          func(context.Context) iter.Seq2[bsafe.Group, error]
	listMembers         func(context.Context, string) iter.Seq2[bsafe.Member, error]
	listComputers       func(context.Context, bsafe.ResourceType) iter.Seq2[bsafe.Computer, error]
	listSubscribers     func(context.Context, bsafe.ResourceType) iter.Seq2[bsafe.Subscriber, error]
	userGroups          func(context.Context, bsafe.AccountRef) iter.Seq2[string, error]
	checkUser           func(context.Context, bsafe.AccountRef) (bsafe.Account, error)
	userAttributes      func(context.Context, bsafe.AccountRef, bsafe.ListOptions) (bsafe.Account, error)
	checkTemplate       func(context.Context, string) (bsafe.Account, error)
	customOperations    func() []bsafe.CustomOperation
	update              func(context.Context, bsafe.AccountRef, bsafe.Instructions) (bsafe.Account, error)
	create              func(context.Context, bsafe.CreateRequest) (bsafe.Account, error)
	createGroup         func(context.Context, bsafe.GroupRequest) (bsafe.Group, error)
	deleteGroup         func(context.Context, string) error
}

func (p *patched) Verify(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
	if p.verify != nil {
		return p.verify(ctx, a, pw)
	}
	return p.Connector.Verify(ctx, a, pw)
}

func (p *patched) AdminVerify(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
	if p.adminVerify != nil {
		return p.adminVerify(ctx, a, pw)
	}
	return p.Connector.AdminVerify(ctx, a, pw)
}

func (p *patched) ResetExpirePassword(ctx context.Context, a bsafe.AccountRef, pw string) error {
	if p.resetExpire != nil {
		return p.resetExpire(ctx, a, pw)
	}
	return p.Connector.ResetExpirePassword(ctx, a, pw)
}

func (p *patched) UpdateSubscriber(ctx context.Context, s bsafe.SubscriberRef, a bsafe.AccountRef, pw string) error {
	if p.updateSubscriber != nil {
		return p.updateSubscriber(ctx, s, a, pw)
	}
	return p.Connector.UpdateSubscriber(ctx, s, a, pw)
}

func (p *patched) Disable(ctx context.Context, a bsafe.AccountRef) error {
	if p.disable != nil {
		return p.disable(ctx, a)
	}
	return p.Connector.Disable(ctx, a)
}

func (p *patched) ListUsers(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	if p.listUsers != nil {
		return p.listUsers(ctx, o)
	}
	return p.Connector.ListUsers(ctx, o)
}

func (p *patched) ListGroups(ctx context.Context) iter.Seq2[bsafe.Group, error] {
	if p.listGroups != nil {
		return p.listGroups(ctx)
	}
	return p.Connector.ListGroups(ctx)
}

func (p *patched) ListMembers(ctx context.Context, g string) iter.Seq2[bsafe.Member, error] {
	if p.listMembers != nil {
		return p.listMembers(ctx, g)
	}
	return p.Connector.ListMembers(ctx, g)
}

func (p *patched) ListComputers(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Computer, error] {
	if p.listComputers != nil {
		return p.listComputers(ctx, rt)
	}
	return p.Connector.ListComputers(ctx, rt)
}

func (p *patched) ListSubscribers(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Subscriber, error] {
	if p.listSubscribers != nil {
		return p.listSubscribers(ctx, rt)
	}
	return p.Connector.ListSubscribers(ctx, rt)
}

func (p *patched) UserGroups(ctx context.Context, a bsafe.AccountRef) iter.Seq2[string, error] {
	if p.userGroups != nil {
		return p.userGroups(ctx, a)
	}
	return p.Connector.UserGroups(ctx, a)
}

func (p *patched) CheckUser(ctx context.Context, a bsafe.AccountRef) (bsafe.Account, error) {
	if p.checkUser != nil {
		return p.checkUser(ctx, a)
	}
	return p.Connector.CheckUser(ctx, a)
}

func (p *patched) UserAttributes(ctx context.Context, a bsafe.AccountRef, o bsafe.ListOptions) (bsafe.Account, error) {
	if p.userAttributes != nil {
		return p.userAttributes(ctx, a, o)
	}
	return p.Connector.UserAttributes(ctx, a, o)
}

func (p *patched) CheckTemplate(ctx context.Context, id string) (bsafe.Account, error) {
	if p.checkTemplate != nil {
		return p.checkTemplate(ctx, id)
	}
	return p.Connector.CheckTemplate(ctx, id)
}

func (p *patched) CustomOperations() []bsafe.CustomOperation {
	if p.customOperations != nil {
		return p.customOperations()
	}
	return p.Connector.CustomOperations()
}

func (p *patched) Update(ctx context.Context, a bsafe.AccountRef, in bsafe.Instructions) (bsafe.Account, error) {
	if p.update != nil {
		return p.update(ctx, a, in)
	}
	return p.Connector.Update(ctx, a, in)
}

func (p *patched) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	if p.create != nil {
		return p.create(ctx, req)
	}
	return p.Connector.Create(ctx, req)
}

func (p *patched) CreateGroup(ctx context.Context, req bsafe.GroupRequest) (bsafe.Group, error) {
	if p.createGroup != nil {
		return p.createGroup(ctx, req)
	}
	return p.Connector.CreateGroup(ctx, req)
}

func (p *patched) DeleteGroup(ctx context.Context, id string) error {
	if p.deleteGroup != nil {
		return p.deleteGroup(ctx, id)
	}
	return p.Connector.DeleteGroup(ctx, id)
}

// edit yields the rows of seq, each changed by f; f returning false
// drops the row. extra rows are yielded at the end.
func edit[T any](seq iter.Seq2[T, error], f func(*T) bool, extra ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if err == nil && f != nil && !f(&v) {
				continue
			}
			if !yield(v, err) {
				return
			}
		}
		for _, v := range extra {
			if !yield(v, nil) {
				return
			}
		}
	}
}

func none[T any](yield func(T, error) bool) {}

// Every check of the kit, one broken connector each: the kit names the
// defect, in the operation's words.
func TestConnectorEveryCheck(t *testing.T) {
	errOther := errors.New("the target failed")
	for _, tc := range []struct {
		name    string
		patch   func(p *patched)
		fixture func(*bsafe.Fixture)
		want    []string
	}{
		{"verify says false for the password", func(p *patched) {
			p.verify = func(context.Context, bsafe.AccountRef, string) (bool, error) { return false, nil }
		}, nil, []string{"verify: ", "Verify says false for the account's password (Fixture.Password)"}},
		{"verify of the new password fails", func(p *patched) {
			p.adminVerify = func(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
				if pw == kitNewPassword {
					return false, errOther
				}
				return p.Connector.AdminVerify(ctx, a, pw)
			}
		}, nil, []string{"reset: ", "after Reset, AdminVerify of the new password failed: ACUnknownError (1)"}},
		{"verify of the old password fails", func(p *patched) {
			p.adminVerify = func(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
				ok, err := p.Connector.AdminVerify(ctx, a, pw)
				if pw == kitPassword && !ok {
					return false, errOther
				}
				return ok, err
			}
		}, nil, []string{"reset: ", "after Reset, AdminVerify of the old password failed: ACUnknownError (1)"}},
		{"old password still verifies", func(p *patched) {
			p.adminVerify = func(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
				ok, err := p.Connector.AdminVerify(ctx, a, pw)
				return ok || pw == kitPassword, err
			}
		}, nil, []string{"reset: ", "after Reset, AdminVerify says the old password is still the account's password"}},
		{"resetexpirepw not expiring", func(p *patched) { p.resetExpire = p.Reset },
			nil, []string{"resetexpirepw: ", "IsPasswordExpired says the new password has not expired"}},
		{"updatesubscriber of anything", func(p *patched) {
			p.updateSubscriber = func(ctx context.Context, s bsafe.SubscriberRef, a bsafe.AccountRef, pw string) error {
				if _, ok := p.SubscriberPassword(s.ResourceType, s.URI); !ok {
					return nil
				}
				return p.Connector.UpdateSubscriber(ctx, s, a, pw)
			}
		}, nil, []string{"updatesubscriber: ", "UpdateSubscriber of an unknown subscriber URI succeeded"}},
		{"disable that does nothing", func(p *patched) {
			p.disable = func(ctx context.Context, a bsafe.AccountRef) error { _, err := p.IsEnabled(ctx, a); return err }
		}, nil, []string{"disable: ", "Disable reported success, but IsEnabled then says true"}},
		{"nil listing", func(p *patched) {
			p.listGroups = func(context.Context) iter.Seq2[bsafe.Group, error] { return nil }
		}, nil, []string{"listgroups: ", "ListGroups returned a nil sequence"}},
		{"listusers without rows", func(p *patched) {
			p.listUsers = func(context.Context, bsafe.ListOptions) iter.Seq2[bsafe.Account, error] { return none[bsafe.Account] }
		}, nil, []string{"listusers: ", "ListUsers yielded no rows; a listing without rows has failed"}},
		{"listusers without the fixture's account", func(p *patched) {
			p.listUsers = func(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
				return edit(p.Connector.ListUsers(ctx, o), func(a *bsafe.Account) bool { return a.LongID != "u-alice" })
			}
		}, nil, []string{"listusers: ", `ListUsers did not list the fixture's account "u-alice"`}},
		{"narrowed listusers without the fixture's account", func(p *patched) {
			p.listUsers = func(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
				return edit(p.Connector.ListUsers(ctx, o), func(a *bsafe.Account) bool { return a.LongID != "u-alice" || len(o.Attributes) == 0 })
			}
		}, nil, []string{"listusers: ", `ListUsers narrowed to attribute "department" did not list the fixture's account`}},
		{"narrowed listusers with other values", func(p *patched) {
			p.listUsers = func(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
				return edit(p.Connector.ListUsers(ctx, o), func(a *bsafe.Account) bool {
					if len(o.Attributes) > 0 {
						a.Attrs.Set("department", "other")
					}
					return true
				})
			}
		}, nil, []string{"listusers: ", `ListUsers narrowed to attribute "department" reports ["other"] for the fixture's account; the full listing reports ["sales"]`}},
		{"listusers row without LongID", func(p *patched) {
			p.listUsers = func(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
				return edit(p.Connector.ListUsers(ctx, o), nil, bsafe.Account{ShortID: "ghost"})
			}
		}, nil, []string{"listusers: ", `row 3 (ShortID "ghost") has an empty LongID`}},
		{"listusers repeating a row", func(p *patched) {
			p.listUsers = func(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
				return edit(p.Connector.ListUsers(ctx, o), nil, bsafe.Account{LongID: "u-alice", ShortID: "alice"})
			}
		}, nil, []string{"listusers: ", `row 3 repeats the LongID "u-alice" of row 1`}},
		{"listgroups row without LongID", func(p *patched) {
			p.listGroups = func(ctx context.Context) iter.Seq2[bsafe.Group, error] {
				return edit(p.Connector.ListGroups(ctx), nil, bsafe.Group{ShortID: "ghost"})
			}
		}, nil, []string{"listgroups: ", `row 3 (ShortID "ghost") has an empty LongID`}},
		{"listgroups repeating a row", func(p *patched) {
			p.listGroups = func(ctx context.Context) iter.Seq2[bsafe.Group, error] {
				return edit(p.Connector.ListGroups(ctx), nil, bsafe.Group{LongID: "g-staff"})
			}
		}, nil, []string{"listgroups: ", `row 3 repeats the LongID "g-staff" of row 1`}},
		{"listgroups owner group without a name", func(p *patched) {
			p.listGroups = func(ctx context.Context) iter.Seq2[bsafe.Group, error] {
				return edit(p.Connector.ListGroups(ctx), func(g *bsafe.Group) bool { g.OwnerIsGroup = true; return true })
			}
		}, nil, []string{"listgroups: ", `row 1 (LongID "g-staff") says its owner is a group, but names no owner`}},
		{"listgroups without rows", func(p *patched) {
			p.listGroups = func(context.Context) iter.Seq2[bsafe.Group, error] { return none[bsafe.Group] }
		}, nil, []string{"listgroups: ", "ListGroups yielded no rows"}},
		{"listgroups without the fixture's group", func(p *patched) {
			p.listGroups = func(ctx context.Context) iter.Seq2[bsafe.Group, error] {
				return edit(p.Connector.ListGroups(ctx), func(g *bsafe.Group) bool { return g.LongID != "g-staff" })
			}
		}, nil, []string{"listgroups: ", `ListGroups did not list the fixture's group "g-staff"`}},
		{"listmembers row without LongID", func(p *patched) {
			p.listMembers = func(ctx context.Context, g string) iter.Seq2[bsafe.Member, error] {
				return edit(p.Connector.ListMembers(ctx, g), nil, bsafe.Member{})
			}
		}, nil, []string{"listmembers: ", "ListMembers of the fixture's group: row 1 has an empty LongID"}},
		{"usergroups row without ID", func(p *patched) {
			p.userGroups = func(ctx context.Context, a bsafe.AccountRef) iter.Seq2[string, error] {
				return edit(p.Connector.UserGroups(ctx, a), nil, "")
			}
		}, nil, []string{"usergroups: ", "UserGroups of the fixture's account: row 1 is an empty group ID"}},
		{"usergroups not showing an add", func(p *patched) {
			p.userGroups = func(ctx context.Context, a bsafe.AccountRef) iter.Seq2[string, error] {
				return edit(p.Connector.UserGroups(ctx, a), func(g *string) bool { return *g != "g-staff" })
			}
		}, nil, []string{"groupuseradd: ", "AddToGroup reported success, but UserGroups then says membership is false"}},
		{"listmembers not showing an add", func(p *patched) {
			p.listMembers = func(ctx context.Context, g string) iter.Seq2[bsafe.Member, error] {
				return edit(p.Connector.ListMembers(ctx, g), func(m *bsafe.Member) bool { return m.LongID != "u-alice" })
			}
		}, nil, []string{"groupuseradd: ", "AddToGroup reported success, but ListMembers then says membership is false"}},
		{"checkuser with another long ID", func(p *patched) {
			p.checkUser = func(ctx context.Context, a bsafe.AccountRef) (bsafe.Account, error) {
				acc, err := p.Connector.CheckUser(ctx, a)
				acc.LongID = "other"
				return acc, err
			}
		}, nil, []string{"checkuser: ", `CheckUser reports the long ID "other" for the account "u-alice"`}},
		{"checkuser without ShortID", func(p *patched) {
			p.checkUser = func(ctx context.Context, a bsafe.AccountRef) (bsafe.Account, error) {
				acc, err := p.Connector.CheckUser(ctx, a)
				acc.ShortID = ""
				return acc, err
			}
		}, nil, []string{"checkuser: ", `CheckUser reports an empty ShortID for the account "u-alice"`}},
		{"userattributes ignoring narrowing", func(p *patched) {
			p.userAttributes = func(ctx context.Context, a bsafe.AccountRef, _ bsafe.ListOptions) (bsafe.Account, error) {
				return p.Connector.UserAttributes(ctx, a, bsafe.ListOptions{})
			}
		}, nil, []string{"userattributes: ", `UserAttributes narrowed to "department" reports attribute "title", which was not asked for`}},
		{"userattributes narrowed with other values", userAttrs(func(acc *bsafe.Account, o bsafe.ListOptions) {
			if len(o.Attributes) > 0 {
				acc.Attrs.Set("department", "other")
			}
		}), nil, []string{"userattributes: ", `UserAttributes narrowed to "department" reports ["other"]; unnarrowed it reports ["sales"]`}},
		{"userattributes with another full name", userAttrs(func(acc *bsafe.Account, _ bsafe.ListOptions) { acc.FullName = "Other" }),
			nil, []string{"userattributes: ", `UserAttributes reports ShortID "alice", FullName "Other"; CheckUser reports "alice", "Alice"`}},
		{"userattributes lacking an attribute", userAttrs(func(acc *bsafe.Account, _ bsafe.ListOptions) { acc.Attrs.Del("title") }),
			nil, []string{"userattributes: ", `UserAttributes lacks attribute "title", which CheckUser reports`}},
		{"userattributes with other values", userAttrs(func(acc *bsafe.Account, o bsafe.ListOptions) {
			if len(o.Attributes) == 0 {
				acc.Attrs.Set("title", "boss")
			}
		}), nil, []string{"userattributes: ", `UserAttributes reports ["boss"] for attribute "title"; CheckUser reports ["clerk"]`}},
		{"userattributes with an extra attribute", userAttrs(func(acc *bsafe.Account, o bsafe.ListOptions) {
			if len(o.Attributes) == 0 {
				acc.Attrs.Set("extra", "x")
			}
		}), nil, []string{"userattributes: ", `UserAttributes reports attribute "extra", which CheckUser lacks`}},
		{"checktemplate without ShortID", func(p *patched) {
			p.checkTemplate = func(ctx context.Context, id string) (bsafe.Account, error) {
				acc, err := p.Connector.CheckTemplate(ctx, id)
				acc.ShortID = ""
				return acc, err
			}
		}, nil, []string{"checktemplate: ", `CheckTemplate reports LongID "template", ShortID ""; both are required`}},
		{"listcomputers row without ID", func(p *patched) {
			p.listComputers = func(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Computer, error] {
				return edit(p.Connector.ListComputers(ctx, rt), nil, bsafe.Computer{Name: "ghost"})
			}
		}, nil, []string{"listcomputers: ", `ListComputers(ls_compwkstn): row 2 (Name "ghost") has an empty ID`}},
		{"listcomputers repeating a row", func(p *patched) {
			p.listComputers = func(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Computer, error] {
				return edit(p.Connector.ListComputers(ctx, rt), nil, bsafe.Computer{ID: "pc-2"}, bsafe.Computer{ID: "pc-2"})
			}
		}, nil, []string{"listcomputers: ", `ListComputers(ls_compsvr): row 2 repeats the ID "pc-2" of row 1`}},
		{"listcomputers of another type", func(p *patched) {
			p.listComputers = func(ctx context.Context, _ bsafe.ResourceType) iter.Seq2[bsafe.Computer, error] {
				return p.Connector.ListComputers(ctx, bsafe.Workstations)
			}
		}, nil, []string{"listcomputers: ", `ListComputers(ls_compsvr): row 1 (ID "pc-1") has resource type "ls_compwkstn"`}},
		{"listsubscribers row without URI", func(p *patched) {
			p.listSubscribers = func(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Subscriber, error] {
				return edit(p.Connector.ListSubscribers(ctx, rt), nil, bsafe.Subscriber{ID: "ghost"})
			}
		}, nil, []string{"listsubscribers: ", `ListSubscribers(ls_taskacct): row 2 (ID "ghost") has an empty URI`}},
		{"listsubscribers repeating a row", func(p *patched) {
			p.listSubscribers = func(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Subscriber, error] {
				return edit(p.Connector.ListSubscribers(ctx, rt), nil, bsafe.Subscriber{URI: `host1\backup`})
			}
		}, nil, []string{"listsubscribers: ", `ListSubscribers(ls_taskacct): row 2 repeats the URI "host1\\backup" of row 1`}},
		{"listsubscribers of another type", func(p *patched) {
			p.listSubscribers = func(ctx context.Context, _ bsafe.ResourceType) iter.Seq2[bsafe.Subscriber, error] {
				return p.Connector.ListSubscribers(ctx, bsafe.TaskSubscribers)
			}
		}, nil, []string{"listsubscribers: ", `ListSubscribers(ls_iisacct): row 1 (URI "host1\\backup") has resource type "ls_taskacct"`}},
		{"custom operation without a name", customs(bsafe.CustomOperation{Output: bsafe.OutputNone}),
			nil, []string{"custom: ", "custom operation 1 has no name"}},
		{"custom operation with its prefix", customs(bsafe.CustomOperation{Name: "custom_x", Output: bsafe.OutputNone}),
			nil, []string{"custom: ", `custom operation "custom_x" is declared with its custom_ prefix`}},
		{"custom operation twice", customs(bsafe.CustomOperation{Name: "x", Output: bsafe.OutputNone}, bsafe.CustomOperation{Name: "x", Output: bsafe.OutputSingle}),
			nil, []string{"custom: ", `custom operation "x" is declared twice`}},
		{"custom operation of no output type", customs(bsafe.CustomOperation{Name: "x", Output: "many"}),
			nil, []string{"custom: ", `custom operation "x" has output type "many"; want none, single or multiple`}},
		{"update reporting the old account", func(p *patched) {
			p.update = func(ctx context.Context, a bsafe.AccountRef, in bsafe.Instructions) (bsafe.Account, error) {
				before, err := p.Connector.CheckUser(ctx, a)
				if err != nil {
					return before, err
				}
				_, err = p.Connector.Update(ctx, a, in)
				return before, err
			}
		}, nil, []string{"update: ", `Update of attribute "department" to "bsafe-kit-`, `reports ["sales"]; it reports the account as it now is`}},
		{"groupcreate without LongID", func(p *patched) {
			p.createGroup = func(ctx context.Context, req bsafe.GroupRequest) (bsafe.Group, error) {
				g, err := p.Connector.CreateGroup(ctx, req)
				g.LongID = ""
				return g, err
			}
		}, nil, []string{"groupcreate: ", "CreateGroup reports an empty LongID"}},
		{"groupcreate not listed", func(p *patched) {
			p.listGroups = func(ctx context.Context) iter.Seq2[bsafe.Group, error] {
				return edit(p.Connector.ListGroups(ctx), func(g *bsafe.Group) bool { return g.LongID != "g-new" })
			}
		}, nil, []string{"groupcreate: ", `CreateGroup reported success, but ListGroups does not list the group "g-new"`}},
		{"groupdelete that does not take", func(p *patched) {
			p.deleteGroup = func(ctx context.Context, id string) error { return nil }
		}, nil, []string{"groupdelete: ", `DeleteGroup reported success, but ListGroups still lists the group "g-new"`}},
		{"fixture's new account exists", nil, func(f *bsafe.Fixture) { f.NewAccount.ID = "u-carol" },
			[]string{"fixture: ", `NewAccount "u-carol" must not exist, but CheckUser of it gives ACSuccess (0)`}},
		{"create without LongID", func(p *patched) {
			p.create = func(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
				a, err := p.Connector.Create(ctx, req)
				a.LongID = ""
				return a, err
			}
		}, nil, []string{"create: ", "Create reports an empty LongID"}},
		{"create without ShortID", func(p *patched) {
			p.create = func(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
				a, err := p.Connector.Create(ctx, req)
				a.ShortID = ""
				return a, err
			}
		}, nil, []string{"create: ", "Create reports an empty ShortID"}},
		{"create ignoring an attribute", func(p *patched) {
			p.create = func(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
				req.Attrs = bsafe.Instructions{}
				return p.Connector.Create(ctx, req)
			}
		}, nil, []string{"create: ", `Create was asked to set attribute "department" to "bsafe-kit-`, "but CheckUser then reports []"}},
		{"create not listed", func(p *patched) {
			p.listUsers = func(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
				return edit(p.Connector.ListUsers(ctx, o), func(a *bsafe.Account) bool { return a.LongID != "u-bob" })
			}
		}, nil, []string{"create: ", `Create reported success, but ListUsers does not list the account "u-bob"`}},
		{"deleted account still listed", func(p *patched) {
			p.listUsers = func(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
				if _, ok := p.Lookup("u-bob"); ok {
					return p.Connector.ListUsers(ctx, o)
				}
				return edit(p.Connector.ListUsers(ctx, o), nil, bsafe.Account{LongID: "u-bob", ShortID: "bob"})
			}
		}, nil, []string{"delete: ", `Delete reported success, but ListUsers still lists the account "u-bob"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := kitTarget(t)
			if err := r.AddComputer(bsafe.Computer{ID: "pc-2", ResourceType: bsafe.Servers}); err != nil {
				t.Fatal(err)
			}
			p := &patched{Connector: r}
			if tc.patch != nil {
				tc.patch(p)
			}
			f := kitFixture()
			if tc.fixture != nil {
				tc.fixture(&f)
			}
			wantViolation(t, violations(t, p, f), tc.want[0], tc.want[1:]...)
		})
	}
}

// userAttrs patches UserAttributes to change what the reference reports.
func userAttrs(change func(*bsafe.Account, bsafe.ListOptions)) func(*patched) {
	return func(p *patched) {
		p.userAttributes = func(ctx context.Context, a bsafe.AccountRef, o bsafe.ListOptions) (bsafe.Account, error) {
			acc, err := p.Connector.UserAttributes(ctx, a, o)
			if err == nil {
				acc.Attrs = acc.Attrs.Clone()
				change(&acc, o)
			}
			return acc, err
		}
	}
}

// customs patches CustomOperations to declare ops.
func customs(ops ...bsafe.CustomOperation) func(*patched) {
	return func(p *patched) {
		p.customOperations = func() []bsafe.CustomOperation { return ops }
	}
}
