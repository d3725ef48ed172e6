package bsafetest_test

import (
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/bsafetest"
	"github.com/google/go-cmp/cmp"
)

// templated returns target() with the template "template" (short ID
// "tpl"), in g-staff.
func templated(t *testing.T) *bsafetest.Connector {
	c := target(t)
	must(t, c.AddTemplate(bsafetest.AccountSpec{ID: "template", ShortID: "tpl", Password: "sensitive-tpl",
		Disabled: true,
		Attrs: attrs.Values{
			{Name: "home", Values: []string{"/home/tpl"}},
			{Name: "dept", Values: []string{"none"}},
			{Name: "mail", Values: []string{"tpl@example.com", "template@example.com"}},
			{Name: "notes", Values: []string{"copied from template"}},
		},
		Groups: []string{"g-staff"}}))
	return c
}

var bob = bsafe.AccountRef{ID: "u-bob", ShortID: "bob", FullName: "Bob B"}

func TestCreateFromTemplate(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   bsafe.Instructions
		want attrs.Values
	}{
		{"default ignore", bsafe.Instructions{}, attrs.Values{}},
		{"default copy", bsafe.Instructions{Default: bsafe.ActionCopy}, attrs.Values{
			{Name: "home", Values: []string{"/home/tpl"}},
			{Name: "dept", Values: []string{"none"}},
			{Name: "mail", Values: []string{"tpl@example.com", "template@example.com"}},
			{Name: "notes", Values: []string{"copied from template"}},
		}},
		// REPLACE replaces the template's ID with the new ID, and its short
		// ID with the new short ID, in one pass.
		{"default replace", bsafe.Instructions{Default: bsafe.ActionReplace}, attrs.Values{
			{Name: "home", Values: []string{"/home/bob"}},
			{Name: "dept", Values: []string{"none"}},
			{Name: "mail", Values: []string{"bob@example.com", "u-bob@example.com"}},
			{Name: "notes", Values: []string{"copied from u-bob"}},
		}},
		{"each action once", bsafe.Instructions{Default: bsafe.ActionIgnore, Attrs: []bsafe.Instruction{
			{Name: "HOME", Action: bsafe.ActionReplace},
			{Name: "dept", Action: bsafe.ActionValue, Values: []string{"sales"}},
			{Name: "mail", Action: bsafe.ActionCopy},
			{Name: "notes", Action: bsafe.ActionIgnore},
			{Name: "phone", Action: bsafe.ActionValue, Values: []string{"1", "2"}},
			{Name: "phone", Action: bsafe.ActionValue, Values: []string{"ignored: the first instruction counts"}},
			{Name: "absent", Action: bsafe.ActionCopy},
		}}, attrs.Values{
			{Name: "home", Values: []string{"/home/bob"}},
			{Name: "dept", Values: []string{"sales"}},
			{Name: "mail", Values: []string{"tpl@example.com", "template@example.com"}},
			{Name: "phone", Values: []string{"1", "2"}},
		}},
		// A default of VALUE has no values to set.
		{"default value", bsafe.Instructions{Default: bsafe.ActionValue}, attrs.Values{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := templated(t)
			got, err := c.Create(ctx, bsafe.CreateRequest{Account: bob, TemplateID: "template", Attrs: tc.in, Password: "sensitive-bob"})
			if err != nil {
				t.Fatal(err)
			}
			want := bsafe.Account{LongID: "u-bob", ShortID: "bob", FullName: "Bob B", Attrs: tc.want, Groups: []string{"g-staff"}}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Create reports (-want +got):\n%s", d)
			}
			stored := lookup(t, c, "u-bob")
			if stored.Password != "sensitive-bob" || stored.Disabled || stored.Locked {
				t.Errorf("the new account: %v (password set: %t; want enabled, unlocked)", stored, stored.Password == "sensitive-bob")
			}
			if d := cmp.Diff(tc.want, stored.Attrs); d != "" {
				t.Errorf("stored attributes (-want +got):\n%s", d)
			}
		})
	}
}

func TestCreateWithoutTemplate(t *testing.T) {
	c := templated(t)
	got, err := c.Create(ctx, bsafe.CreateRequest{Account: bsafe.AccountRef{ID: "u-bob"}, Password: "p",
		Attrs: bsafe.Instructions{Default: bsafe.ActionCopy, Attrs: []bsafe.Instruction{
			{Name: "home", Action: bsafe.ActionCopy},
			{Name: "dept", Action: bsafe.ActionValue, Values: []string{"sales"}},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	want := bsafe.Account{LongID: "u-bob", ShortID: "u-bob", Attrs: attrs.Values{{Name: "dept", Values: []string{"sales"}}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Create without a template (-want +got):\n%s", d)
	}
}

func TestCreateRefusals(t *testing.T) {
	c := templated(t)
	req := bsafe.CreateRequest{Account: bob, TemplateID: "template", Password: "sensitive-bob"}
	for _, tc := range []struct {
		name string
		edit func(*bsafe.CreateRequest)
		want error
	}{
		{"exists", func(r *bsafe.CreateRequest) { r.Account.ID = "u-alice" }, bsafe.ErrAlreadyExists},
		{"unknown template", func(r *bsafe.CreateRequest) { r.TemplateID = "nope" }, bsafe.ErrInvalidModelUser},
		{"no ID", func(r *bsafe.CreateRequest) { r.Account.ID = "" }, bsafe.ErrBadInput},
		{"unknown action", func(r *bsafe.CreateRequest) {
			r.Attrs.Attrs = []bsafe.Instruction{{Name: "dept", Action: "MERGE"}}
		}, bsafe.ErrBadInput},
		{"unknown default", func(r *bsafe.CreateRequest) { r.Attrs.Default = "copy" }, bsafe.ErrBadInput},
		{"empty password", func(r *bsafe.CreateRequest) { r.Password = "" }, bsafe.ErrInvalidPassword},
	} {
		r := req
		tc.edit(&r)
		_, err := c.Create(ctx, r)
		wantErr(t, "Create: "+tc.name, err, tc.want)
		if _, ok := c.Lookup("u-bob"); ok {
			t.Fatalf("Create: %s: a refused create added the account", tc.name)
		}
	}
	if a := lookup(t, c, "u-alice"); a.Password != alicePW {
		t.Error("a refused create of an existing account changed it")
	}
}

func TestCheckTemplate(t *testing.T) {
	c := templated(t)
	tpl, err := c.CheckTemplate(ctx, "template")
	if err != nil || tpl.LongID != "template" || tpl.ShortID != "tpl" || tpl.Attrs.Get("home") != "/home/tpl" || len(tpl.Groups) != 1 {
		t.Errorf("CheckTemplate = %+v, %v", tpl, err)
	}
	_, err = c.CheckTemplate(ctx, "nope")
	wantErr(t, "CheckTemplate unknown", err, bsafe.ErrInvalidModelUser)
	// Templates are not accounts.
	_, err = c.CheckUser(ctx, bsafe.AccountRef{ID: "template"})
	wantErr(t, "CheckUser of a template", err, bsafe.ErrInvalidUser)
	for a := range c.ListUsers(ctx, bsafe.ListOptions{}) {
		if a.LongID == "template" {
			t.Error("ListUsers lists the template")
		}
	}
}

func TestDelete(t *testing.T) {
	c := target(t)
	must(t, c.Delete(ctx, alice))
	if _, ok := c.Lookup("u-alice"); ok {
		t.Fatal("Delete left the account")
	}
	wantErr(t, "Delete again", c.Delete(ctx, alice), bsafe.ErrInvalidUser)
	for a, err := range c.ListUsers(ctx, bsafe.ListOptions{}) {
		t.Errorf("ListUsers after the only account's delete yields %q, %v", a.LongID, err)
	}
	for m, err := range c.ListMembers(ctx, "g-staff") {
		t.Errorf("ListMembers after the member's delete yields %q, %v", m.LongID, err)
	}
	// The ID is free again.
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-alice"}))
}

func TestUpdate(t *testing.T) {
	c := target(t)
	got, err := c.Update(ctx, alice, bsafe.Instructions{Default: bsafe.ActionCopy, Attrs: []bsafe.Instruction{
		{Name: "Department", Action: bsafe.ActionValue, Values: []string{"support"}},
		{Name: "title", Action: bsafe.ActionIgnore, Values: []string{"ignored"}},
		{Name: "phone", Action: bsafe.ActionValue, Values: []string{"1", "2"}},
		{Name: "fax", Action: bsafe.ActionValue},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := attrs.Values{
		{Name: "department", Values: []string{"support"}},
		{Name: "title", Values: []string{"clerk"}},
		{Name: "phone", Values: []string{"1", "2"}},
		{Name: "fax", Values: []string{}},
	}
	if d := cmp.Diff(want, got.Attrs); d != "" {
		t.Errorf("Update reports (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, lookup(t, c, "u-alice").Attrs); d != "" {
		t.Errorf("Update stored (-want +got):\n%s", d)
	}
	for _, a := range []bsafe.Action{bsafe.ActionCopy, bsafe.ActionReplace, "", "value"} {
		_, err := c.Update(ctx, alice, bsafe.Instructions{Attrs: []bsafe.Instruction{
			{Name: "department", Action: bsafe.ActionValue, Values: []string{"changed"}},
			{Name: "title", Action: a},
		}})
		wantErr(t, "Update with action "+string(a), err, bsafe.ErrBadInput)
	}
	if lookup(t, c, "u-alice").Attrs.Get("department") != "support" {
		t.Error("a refused Update changed the account")
	}
	_, err = c.Update(ctx, nobody, bsafe.Instructions{})
	wantErr(t, "Update unknown", err, bsafe.ErrInvalidUser)
}

func TestListUsers(t *testing.T) {
	c := target(t)
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-carol", StableID: "s-carol", Attrs: attrs.New("title", "boss")}))
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-bert"}))
	var got []bsafe.Account
	for a, err := range c.ListUsers(ctx, bsafe.ListOptions{Attributes: []string{"Title", "absent"}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	want := []bsafe.Account{
		{LongID: "u-alice", ShortID: "alice", FullName: "Alice A", Attrs: attrs.Values{{Name: "title", Values: []string{"clerk"}}}, Groups: []string{"g-staff"}},
		{StableID: "s-carol", LongID: "u-carol", ShortID: "u-carol", Attrs: attrs.Values{{Name: "title", Values: []string{"boss"}}}},
		{LongID: "u-bert", ShortID: "u-bert"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ListUsers narrowed to Title, in the order added (-want +got):\n%s", d)
	}
	n := 0
	for range c.ListUsers(ctx, bsafe.ListOptions{}) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break after one row: %d rows", n)
	}
}
