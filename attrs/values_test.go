package attrs_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/google/go-cmp/cmp"
)

func TestValuesKeepOrderAndFoldASCIICase(t *testing.T) {
	var v attrs.Values
	v.Set("username", "bonnil")
	v.Add("uri", "https://a.example")
	v.Add("URI", "https://b.example")
	v.Set("assocID", "BONNIL")
	v.Set("ASSOCID", "bonnil") // the same attribute, replaced in place
	want := attrs.Values{
		{Name: "username", Values: []string{"bonnil"}},
		{Name: "uri", Values: []string{"https://a.example", "https://b.example"}},
		{Name: "assocID", Values: []string{"bonnil"}},
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Fatalf("values (-want +got):\n%s", diff)
	}
	if got := v.Get("Uri"); got != "https://a.example" {
		t.Errorf("Get(Uri) = %q, want the first value", got)
	}
	if got := v.Get("missing"); got != "" {
		t.Errorf("Get(missing) = %q", got)
	}
	if diff := cmp.Diff([]string{"username", "uri", "assocID"}, v.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
}

func TestValuesFoldOnlyASCII(t *testing.T) {
	v := attrs.New("k", "ascii")
	// U+212A KELVIN SIGN folds to k under Unicode rules; attribute names
	// must not, or two different names would be read as one.
	if v.Has("\u212a") {
		t.Errorf("the Kelvin sign matched the name k")
	}
	if !v.Has("K") {
		t.Errorf("K did not match k")
	}
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"", "", true}, {"a", "A", true}, {"Name-1", "nAME-1", true},
		{"a", "b", false}, {"[", "{", false}, {"@", "`", false}, {"ab", "a", false}, {"é", "É", false},
	} {
		if got := attrs.SameName(tc.a, tc.b); got != tc.same {
			t.Errorf("SameName(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestValuesSetEmptyAndDel(t *testing.T) {
	v := attrs.New("a", "1", "b")
	if vals, ok := v.Lookup("b"); !ok || len(vals) != 0 || vals == nil {
		t.Errorf("Lookup(b) = %q, %v; want present and empty", vals, ok)
	}
	if _, ok := v.Lookup("c"); ok {
		t.Errorf("Lookup(c) found an absent name")
	}
	v.Del("A")
	v.Del("nothing")
	if diff := cmp.Diff(attrs.Values{{Name: "b", Values: []string{}}}, v); diff != "" {
		t.Errorf("after Del (-want +got):\n%s", diff)
	}
}

func TestValuesSetCopiesAndCloneIsDeep(t *testing.T) {
	in := []string{"x", "y"}
	var v attrs.Values
	v.Set("m", in...)
	in[0] = "changed"
	if v.Get("m") != "x" {
		t.Errorf("Set kept the caller's slice")
	}
	c := v.Clone()
	c[0].Values[1] = "changed"
	c.Add("new", "1")
	if v[0].Values[1] != "y" || v.Has("new") {
		t.Errorf("Clone shares storage with the original: %v", v)
	}
	if attrs.Values(nil).Clone() != nil {
		t.Errorf("Clone of nil is not nil")
	}
}

func TestValuesSelect(t *testing.T) {
	v := attrs.New("username", "u", "notes", "n", "assocID", "a")
	if diff := cmp.Diff(v, v.Select(nil)); diff != "" {
		t.Errorf("Select(nil) is not everything (-want +got):\n%s", diff)
	}
	got := v.Select([]string{"ASSOCID", "username", "absent"})
	want := attrs.New("username", "u", "assocID", "a") // in v's order
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Select (-want +got):\n%s", diff)
	}
	got[0].Values[0] = "changed"
	if v.Get("username") != "u" {
		t.Errorf("Select shares storage with the original")
	}
}

func TestValuesAll(t *testing.T) {
	v := attrs.New("a", "1", "b", "2", "c", "3")
	var names []string
	for name, vals := range v.All() {
		names = append(names, name+"="+vals[0])
		if name == "b" {
			break
		}
	}
	if !slices.Equal(names, []string{"a=1", "b=2"}) {
		t.Errorf("All yielded %q, want a and b then stop", names)
	}
}

func ExampleValues() {
	var v attrs.Values
	v.Set("username", "bonnil")
	v.Add("_collectionNames", "BONNIL")
	v.Add("_COLLECTIONNAMES", "Shared") // one attribute: names fold ASCII case
	fmt.Println(v.Get("USERNAME"))
	vals, _ := v.Lookup("_collectionNames")
	fmt.Println(vals)
	fmt.Println(v.Names())
	// Output:
	// bonnil
	// [BONNIL Shared]
	// [username _collectionNames]
}
