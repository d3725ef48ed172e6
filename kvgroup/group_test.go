package kvgroup_test

import (
	"reflect"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// lookupDoc is seed 003's output with a parent attribute (corrected), plus
// value-only items and an empty value.
var lookupDoc = root(
	kv("restrictedvalue", "Other"),
	sub("parent", "US", kv("restrictedvalue", "NY"), kv("restrictedvalue", "WA")),
	sub("parent", "CA", kv("restrictedvalue", "AB")),
	sub("parent", "US", kv("restrictedvalue", "dup")),
	kv("errmsg", ""),
	val("v1"),
	kv("retval", "0"),
	val("v2"),
	kv("restrictedvalue", "Last"),
)

func TestLookups(t *testing.T) {
	t.Parallel()
	g := lookupDoc
	if got := g.Get("restrictedvalue"); got != "Other" {
		t.Errorf("Get = %q", got)
	}
	if got, ok := g.Lookup("errmsg"); got != "" || !ok {
		t.Errorf("Lookup(errmsg) = %q, %v", got, ok)
	}
	if got, ok := g.Lookup("missing"); got != "" || ok {
		t.Errorf("Lookup(missing) = %q, %v", got, ok)
	}
	// Value-only items and groups are not pairs.
	if _, ok := g.Lookup("parent"); ok {
		t.Error("Lookup found a group as a pair")
	}
	if _, ok := g.Lookup(""); ok {
		t.Error("Lookup(\"\") found a value-only item")
	}
	if got := g.Values("restrictedvalue"); !reflect.DeepEqual(got, []string{"Other", "Last"}) {
		t.Errorf("Values = %q", got)
	}
	if got := g.Values("missing"); got != nil {
		t.Errorf("Values(missing) = %q", got)
	}
	if got := g.List(); !reflect.DeepEqual(got, []string{"v1", "v2"}) {
		t.Errorf("List = %q", got)
	}
	if got := g.Keys(); !reflect.DeepEqual(got, []string{"restrictedvalue", "errmsg", "retval"}) {
		t.Errorf("Keys = %q", got)
	}
	us := g.Group("parent", "US")
	if us == nil || !reflect.DeepEqual(us.Values("restrictedvalue"), []string{"NY", "WA"}) {
		t.Errorf("Group(parent, US) = %v", us)
	}
	if g.Group("parent", "MX") != nil || g.Group("Parent", "US") != nil {
		t.Error("Group found a missing group")
	}
	if c := g.FirstGroup("parent"); c != us {
		t.Error("FirstGroup is not the first parent group")
	}
	all := g.Groups("parent")
	if len(all) != 3 || all[0].Name != "US" || all[1].Name != "CA" || all[2].Get("restrictedvalue") != "dup" {
		t.Errorf("Groups = %v", all)
	}
	if g.Groups("none") != nil || g.FirstGroup("none") != nil {
		t.Error("found groups for a missing key")
	}
}

func TestNilGroupLookups(t *testing.T) {
	t.Parallel()
	var g *kvgroup.Group
	if g.Get("a") != "" || g.Values("a") != nil || g.List() != nil || g.Keys() != nil ||
		g.Group("a", "") != nil || g.FirstGroup("a") != nil || g.Groups("a") != nil || !g.IsEmpty() {
		t.Fatal("nil group lookups")
	}
	if _, ok := g.Lookup("a"); ok {
		t.Fatal("nil Lookup")
	}
	// Chained lookups through a missing group do not panic.
	if lookupDoc.Group("no", "such").Get("x") != "" {
		t.Fatal("chained lookup")
	}
}

func TestBuilders(t *testing.T) {
	t.Parallel()
	g := kvgroup.New("", "")
	g.Add("errmsg", "success").Add("retval", "1")
	us := g.AddGroup("parent", "US")
	us.Add("restrictedvalue", "NY").AddValue("x")
	g.Append(grp("empty", "")).AddValue("last")
	g.Set("retval", "0")
	want := root(
		kv("errmsg", "success"),
		kv("retval", "0"),
		sub("parent", "US", kv("restrictedvalue", "NY"), val("x")),
		sub("empty", ""),
		val("last"),
	)
	wantTree(t, g, want)
}

func TestSet(t *testing.T) {
	t.Parallel()
	g := root(kv("a", "1"), val("a"), kv("b", "x"), kv("a", "2"), sub("a", ""), kv("a", "3"))
	g.Set("a", "new")
	wantTree(t, g, root(kv("a", "new"), val("a"), kv("b", "x"), sub("a", "")))
	g.Set("c", "added")
	wantTree(t, g, root(kv("a", "new"), val("a"), kv("b", "x"), sub("a", ""), kv("c", "added")))
}

func TestIsEmpty(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		g    *kvgroup.Group
		want bool
	}{
		{nil, true},
		{root(), true},
		{grp("k", "n"), true},
		{&kvgroup.Group{Items: []kvgroup.Item{}}, true},
		{root(kv("", "")), false},
		{root(val("")), false},
		{root(sub("", "")), false},
	} {
		if got := tc.g.IsEmpty(); got != tc.want {
			t.Errorf("IsEmpty(%s) = %v", dump(tc.g), got)
		}
	}
}

func TestEqual(t *testing.T) {
	t.Parallel()
	base := func() *kvgroup.Group {
		return root(kv("a", "1"), val("v"), sub("g", "n", kv("b", "2")))
	}
	if !base().Equal(base()) {
		t.Fatal("equal trees differ")
	}
	var nilG *kvgroup.Group
	if !nilG.Equal(nil) || nilG.Equal(root()) || root().Equal(nil) {
		t.Fatal("nil handling")
	}
	if !root().Equal(&kvgroup.Group{Items: []kvgroup.Item{}}) {
		t.Fatal("nil and empty Items differ")
	}
	// Fields that do not belong to an item's kind are ignored.
	if !root(kvgroup.Item{Key: "ignored", Value: "v", ValueOnly: true}).Equal(root(val("v"))) {
		t.Fatal("key of a value-only item compared")
	}
	if !root(kvgroup.Item{Key: "x", Value: "y", Group: grp("g", "")}).Equal(root(sub("g", ""))) {
		t.Fatal("key/value of a group item compared")
	}
	different := []*kvgroup.Group{
		grp("x", "", kv("a", "1"), val("v"), sub("g", "n", kv("b", "2"))),
		grp("", "x", kv("a", "1"), val("v"), sub("g", "n", kv("b", "2"))),
		root(kv("a", "2"), val("v"), sub("g", "n", kv("b", "2"))),
		root(kv("A", "1"), val("v"), sub("g", "n", kv("b", "2"))),
		root(kv("a", "1"), kv("", "v"), sub("g", "n", kv("b", "2"))),
		root(kv("a", "1"), val("w"), sub("g", "n", kv("b", "2"))),
		root(kv("a", "1"), val("v"), sub("g", "m", kv("b", "2"))),
		root(kv("a", "1"), val("v"), sub("g", "n", kv("b", "3"))),
		root(kv("a", "1"), val("v"), sub("g", "n")),
		root(kv("a", "1"), val("v")),
		root(val("v"), kv("a", "1"), sub("g", "n", kv("b", "2"))),
		root(kv("a", "1"), val("v"), kv("g", "n")),
	}
	for i, d := range different {
		if base().Equal(d) || d.Equal(base()) {
			t.Errorf("case %d: reported equal:\n%s", i, dump(d))
		}
	}
}
