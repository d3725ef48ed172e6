package bsafetest_test

import (
	"slices"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/bsafetest"
	"github.com/google/go-cmp/cmp"
)

func members(t *testing.T, c *bsafetest.Connector, group string) []bsafe.Member {
	t.Helper()
	var ms []bsafe.Member
	for m, err := range c.ListMembers(ctx, group) {
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

func userGroups(t *testing.T, c *bsafetest.Connector, acct bsafe.AccountRef) []string {
	t.Helper()
	var gs []string
	for g, err := range c.UserGroups(ctx, acct) {
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	return gs
}

func TestGroupMembership(t *testing.T) {
	c := target(t)
	must(t, c.AddToGroup(ctx, alice, "g-empty"))
	if got := userGroups(t, c, alice); !slices.Equal(got, []string{"g-staff", "g-empty"}) {
		t.Errorf("UserGroups after AddToGroup = %q", got)
	}
	if d := cmp.Diff([]bsafe.Member{{LongID: "u-alice"}}, members(t, c, "g-empty")); d != "" {
		t.Errorf("ListMembers after AddToGroup (-want +got):\n%s", d)
	}
	wantErr(t, "AddToGroup again", c.AddToGroup(ctx, alice, "g-empty"), bsafe.ErrUserAlreadyInGroup)
	must(t, c.RemoveFromGroup(ctx, alice, "g-empty"))
	wantErr(t, "RemoveFromGroup again", c.RemoveFromGroup(ctx, alice, "g-empty"), bsafe.ErrUserNotInGroup)
	if got := userGroups(t, c, alice); !slices.Equal(got, []string{"g-staff"}) {
		t.Errorf("UserGroups after RemoveFromGroup = %q", got)
	}
	wantErr(t, "AddToGroup unknown group", c.AddToGroup(ctx, alice, "g-x"), bsafe.ErrInvalidGroup)
	wantErr(t, "RemoveFromGroup unknown group", c.RemoveFromGroup(ctx, alice, "g-x"), bsafe.ErrInvalidGroup)
	wantErr(t, "AddToGroup unknown account", c.AddToGroup(ctx, nobody, "g-staff"), bsafe.ErrInvalidUser)
	wantErr(t, "RemoveFromGroup unknown account", c.RemoveFromGroup(ctx, nobody, "g-staff"), bsafe.ErrInvalidUser)
	for _, err := range c.UserGroups(ctx, nobody) {
		wantErr(t, "UserGroups unknown", err, bsafe.ErrInvalidUser)
	}
	for _, err := range c.ListMembers(ctx, "g-x") {
		wantErr(t, "ListMembers unknown", err, bsafe.ErrInvalidGroup)
	}
}

func TestGroupProvisioning(t *testing.T) {
	c := target(t)
	g, err := c.CreateGroup(ctx, bsafe.GroupRequest{ID: "g-new", Name: "new", Attrs: bsafe.Instructions{Attrs: []bsafe.Instruction{
		{Name: "description", Action: bsafe.ActionValue, Values: []string{"a new group"}},
		{Name: "ignored", Action: bsafe.ActionIgnore, Values: []string{"x"}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	want := bsafe.Group{LongID: "g-new", ShortID: "new", Description: "a new group",
		Attrs: attrs.Values{{Name: "description", Values: []string{"a new group"}}}}
	if d := cmp.Diff(want, g); d != "" {
		t.Errorf("CreateGroup (-want +got):\n%s", d)
	}
	_, err = c.CreateGroup(ctx, bsafe.GroupRequest{ID: "g-new"})
	wantErr(t, "CreateGroup again", err, bsafe.ErrAlreadyExists)
	_, err = c.CreateGroup(ctx, bsafe.GroupRequest{})
	wantErr(t, "CreateGroup without ID", err, bsafe.ErrBadInput)
	_, err = c.CreateGroup(ctx, bsafe.GroupRequest{ID: "g-copy", Attrs: bsafe.Instructions{Attrs: []bsafe.Instruction{{Name: "x", Action: bsafe.ActionCopy}}}})
	wantErr(t, "CreateGroup with COPY", err, bsafe.ErrBadInput)

	var ids []string
	for g, err := range c.ListGroups(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, g.LongID)
	}
	if !slices.Equal(ids, []string{"g-staff", "g-empty", "g-new"}) {
		t.Errorf("ListGroups = %q", ids)
	}

	// Deleting a group ends every membership of it.
	must(t, c.NestGroup("g-new", "g-staff"))
	must(t, c.NestGroup("g-staff", "g-empty"))
	must(t, c.DeleteGroup(ctx, "g-staff"))
	wantErr(t, "DeleteGroup again", c.DeleteGroup(ctx, "g-staff"), bsafe.ErrInvalidGroup)
	if got := lookup(t, c, "u-alice").Groups; len(got) != 0 {
		t.Errorf("the account is still in %q", got)
	}
	if got := members(t, c, "g-new"); len(got) != 0 {
		t.Errorf("g-new still has members %v", got)
	}
	// The ID is free again, with no members.
	must(t, c.AddGroup(bsafe.Group{LongID: "g-staff"}))
	if got := members(t, c, "g-staff"); len(got) != 0 {
		t.Errorf("the re-added group has members %v", got)
	}
}

func TestListMembersNested(t *testing.T) {
	c := target(t)
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-bert", Groups: []string{"g-staff"}}))
	must(t, c.NestGroup("g-staff", "g-empty"))
	want := []bsafe.Member{{LongID: "u-alice"}, {LongID: "u-bert"}, {LongID: "g-empty", IsGroup: true}}
	if d := cmp.Diff(want, members(t, c, "g-staff")); d != "" {
		t.Errorf("ListMembers (-want +got):\n%s", d)
	}
}
