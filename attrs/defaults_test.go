package attrs_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/attrs"
)

// TestParseBoolDisplayTexts: seed 003's Boolean values, "The default
// choices displayed to end users are True or False, or (None) if the
// attribute is optional", and "To specify other values: … type a text
// string for: Display text for positive value, Display text for negative
// value, Display text for no value".
func TestParseBoolDisplayTexts(t *testing.T) {
	d := attrs.NewDefinition("ACTIVE", attrs.Boolean)
	d.TrueText, d.FalseText, d.NoneText = "Oui", "Non", "(Aucune)"
	type result struct{ v, ok bool }
	for s, want := range map[string]result{
		"true": {true, true}, "TRUE": {true, true}, "True": {true, true}, "1": {true, true},
		"false": {false, true}, "FaLsE": {false, true}, "0": {false, true},
		"Oui": {true, true}, "oui": {true, true}, "OUI": {true, true},
		"Non": {false, true}, "non": {false, true},
		// The text of no value is not a value.
		"(Aucune)": {false, false}, "(None)": {false, false},
		"": {false, false}, " true": {false, false}, "true ": {false, false},
		"yes": {false, false}, "01": {false, false}, "2": {false, false}, "t": {false, false},
	} {
		v, ok := d.ParseBool(s)
		if v != want.v || ok != want.ok {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, %v", s, v, ok, want.v, want.ok)
		}
	}
}

// TestParseBoolDefaultTexts: "The default is True" / "The default is
// False"; NewDefinition sets them, and a bare literal (no texts) still
// reads the words and digits, never the empty string.
func TestParseBoolDefaultTexts(t *testing.T) {
	for _, d := range []*attrs.Definition{attrs.NewDefinition("B", attrs.Boolean), {ID: "B", Type: attrs.Boolean}} {
		if v, ok := d.ParseBool("True"); !v || !ok {
			t.Errorf("%+v: ParseBool(True) = %v, %v", d, v, ok)
		}
		if v, ok := d.ParseBool("false"); v || !ok {
			t.Errorf("%+v: ParseBool(false) = %v, %v", d, v, ok)
		}
		if _, ok := d.ParseBool(""); ok {
			t.Errorf("%+v: ParseBool(\"\") ok", d)
		}
	}
}

// TestParseBoolAmbiguousText: a display text that reads as the other
// value makes that spelling mean nothing rather than either value.
func TestParseBoolAmbiguousText(t *testing.T) {
	d := attrs.NewDefinition("B", attrs.Boolean)
	d.TrueText, d.FalseText = "False", "True" // swapped texts
	for _, s := range []string{"true", "false", "True", "FALSE"} {
		if v, ok := d.ParseBool(s); ok {
			t.Errorf("ParseBool(%q) = %v, true; want not ok", s, v)
		}
	}
	if v, ok := d.ParseBool("1"); !v || !ok {
		t.Errorf("ParseBool(1) = %v, %v", v, ok)
	}
	d.TrueText, d.FalseText = "0", "Nein"
	if _, ok := d.ParseBool("0"); ok {
		t.Error(`ParseBool("0") with TrueText "0" is ok`)
	}
	if v, ok := d.ParseBool("nein"); v || !ok {
		t.Errorf("ParseBool(nein) = %v, %v", v, ok)
	}
}

// TestDefaultsFor: "If the attribute has a parent attribute, you can set
// default values based on each parent value."
func TestDefaultsFor(t *testing.T) {
	d := state()
	d.MaxValues = 2
	d.Defaults = []attrs.Default{{Parent: "US", Value: "wa"}, {Parent: "CA", Value: "AB"}, {Parent: "US", Value: "NY"}, {Parent: "US", Value: ""}}
	for pv, want := range map[string][]string{
		"US": {"WA", "NY"}, // stored upper-case, as restricted actual values are; the blank left out
		"CA": {"AB"},
		"us": nil, // parent values compare exactly: the caller passes the parent's actual value
		"":   nil,
	} {
		if got := d.DefaultsFor(pv); !slices.Equal(got, want) {
			t.Errorf("DefaultsFor(%q) = %q, want %q", pv, got, want)
		}
	}
	// Without restricted values the case is kept.
	memo := def("GREETING", attrs.String, func(d *attrs.Definition) { d.Defaults = []attrs.Default{{Value: "Hello"}} })
	if got := memo.DefaultsFor(""); !slices.Equal(got, []string{"Hello"}) {
		t.Errorf("DefaultsFor = %q", got)
	}
}

// applySchema is a schema whose definitions come before their parents,
// so that ApplyDefaults must order them itself.
func applySchema() attrs.Schema {
	st := state()
	st.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}, {Parent: "CA", Value: "AB"}}
	c := country()
	c.Defaults = []attrs.Default{{Value: "us"}}
	reqOnly := def("VIEWABLE-BY-RECIPIENT", attrs.Boolean, func(d *attrs.Definition) {
		d.RequestOnly = true
		d.Defaults = []attrs.Default{{Value: "False"}}
	})
	kind := def("EMPLOYEE-TYPE", attrs.String, func(d *attrs.Definition) {
		d.Restricted = restricted("", "Employee", "Contractor")
		d.Defaults = []attrs.Default{{Value: "employee"}}
	})
	return attrs.Schema{st, reqOnly, nil, kind, c, attrs.NewDefinition("EMAIL", attrs.String)}
}

// TestApplyDefaultsNewProfile: "Default values are always used for
// request-only attributes, or for profile attributes during requests for
// new profiles." A parent's own default chooses its child's, though the
// child comes first in the schema.
func TestApplyDefaultsNewProfile(t *testing.T) {
	got := applySchema().ApplyDefaults(nil, true)
	// Added at the end in the order filled: COUNTRY before its child.
	want := attrs.New("COUNTRY", "US", "STATE", "NY", "VIEWABLE-BY-RECIPIENT", "False", "EMPLOYEE-TYPE", "EMPLOYEE")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyDefaults (-want +got):\n%s", diff)
	}
}

// TestApplyDefaultsExistingProfile: "They are not applied to profile
// attributes of existing users", while request-only attributes ("not
// saved with the user's profile") still get theirs.
func TestApplyDefaultsExistingProfile(t *testing.T) {
	got := applySchema().ApplyDefaults(attrs.New("EMAIL", "doejo@example.net"), false)
	want := attrs.New("EMAIL", "doejo@example.net", "VIEWABLE-BY-RECIPIENT", "False")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyDefaults (-want +got):\n%s", diff)
	}
}

// TestApplyDefaultsKeepsValues: "unless a user intervenes and changes
// them, the default values are entered": a value the user gave stays; an
// attribute with only blanks (empty form fields) is filled in place; the
// parent's value, as the user typed it, picks the child's defaults in the
// parent's stored form; the input is not changed.
func TestApplyDefaultsKeepsValues(t *testing.T) {
	in := attrs.Values{
		{Name: "employee-type", Values: []string{"Contractor"}},
		{Name: "State", Values: []string{"", ""}},
		{Name: "country", Values: []string{"", "ca"}},
	}
	before := in.Clone()
	got := applySchema().ApplyDefaults(in, true)
	want := attrs.Values{
		{Name: "employee-type", Values: []string{"Contractor"}},
		{Name: "State", Values: []string{"AB"}},
		{Name: "country", Values: []string{"", "ca"}},
		{Name: "VIEWABLE-BY-RECIPIENT", Values: []string{"False"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyDefaults (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, in); diff != "" {
		t.Errorf("ApplyDefaults changed its input (-before +after):\n%s", diff)
	}
}

// TestApplyDefaultsMultiValuedParent: a parent with several values gives
// the defaults of each, each value once.
func TestApplyDefaultsMultiValuedParent(t *testing.T) {
	c := country()
	c.MaxValues = attrs.Unlimited
	st := state()
	st.MaxValues = attrs.Unlimited
	st.Restricted = append(st.Restricted, restricted("CA", "NY")...) // a New York in Canada, say
	st.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}, {Parent: "US", Value: "WA"}, {Parent: "CA", Value: "AB"}, {Parent: "CA", Value: "NY"}}
	got := attrs.Schema{st, c}.ApplyDefaults(attrs.New("COUNTRY", "US", "COUNTRY", "CA", "COUNTRY", "us"), true)
	if vals, _ := got.Lookup("STATE"); !slices.Equal(vals, []string{"NY", "WA", "AB"}) {
		t.Errorf("STATE = %q, want NY, WA, AB", vals)
	}
}

// TestApplyDefaultsEmptyParent: a parent without a value gives the
// defaults of the empty parent value, and a parent cycle (which
// Schema.Check reports) does not make ApplyDefaults loop.
func TestApplyDefaultsEmptyParent(t *testing.T) {
	a := def("A", attrs.String, func(d *attrs.Definition) {
		d.Parent, d.Plugin = "B", "a.py"
		d.Defaults = []attrs.Default{{Value: "a-empty"}, {Parent: "B-VALUE", Value: "a-b"}}
	})
	b := def("B", attrs.String, func(d *attrs.Definition) {
		d.Parent, d.Plugin, d.CaseSensitive = "A", "b.py", true
		d.Defaults = []attrs.Default{{Value: "B-VALUE"}}
	})
	// A is visited first, goes to its parent B, whose parent A closes the
	// cycle: B takes its default for an empty A, then A its default for B's.
	got := attrs.Schema{a, b, a}.ApplyDefaults(nil, true)
	want := attrs.New("B", "B-VALUE", "A", "A-B")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ApplyDefaults (-want +got):\n%s", diff)
	}
	if got := (attrs.Schema{}).ApplyDefaults(nil, true); got != nil {
		t.Errorf("empty schema, nil values: %v", got)
	}
}

// TestApplyDefaultsDuplicateID: a later definition with an earlier one's
// ID is ignored, as Schema.Lookup ignores it.
func TestApplyDefaultsDuplicateID(t *testing.T) {
	first := def("X", attrs.String, nil)
	second := def("x", attrs.String, func(d *attrs.Definition) { d.Defaults = []attrs.Default{{Value: "2"}} })
	if got := (attrs.Schema{first, second}).ApplyDefaults(nil, true); got != nil {
		t.Errorf("ApplyDefaults = %v, want nothing", got)
	}
}

// TestReportValues: "Display in reports: Allow or disallow the attribute
// values to be displayed in reports. This is enabled by default." and
// "Encrypted attribute values are masked in reports."
func TestReportValues(t *testing.T) {
	vals := []string{"sensitive-a", "", "sensitive-longer-value"}
	plain := attrs.NewDefinition("NOTE", attrs.String)
	got := plain.ReportValues(vals)
	if !slices.Equal(got, vals) {
		t.Errorf("plain: %q", got)
	}
	got[0] = "changed"
	if vals[0] != "sensitive-a" {
		t.Error("ReportValues returned its input, not a copy")
	}

	enc := def("SSN", attrs.String, func(d *attrs.Definition) { d.Encrypted = true })
	// One fixed mask, whatever the length; a blank stays blank.
	if got, want := enc.ReportValues(vals), []string{"********", "", "********"}; !slices.Equal(got, want) {
		t.Errorf("encrypted: %q, want %q", got, want)
	}
	// bsafe's addition: Password values are masked, encrypted or not.
	pw := attrs.NewDefinition("PIN", attrs.Password)
	if got, want := pw.ReportValues(vals), []string{"********", "", "********"}; !slices.Equal(got, want) {
		t.Errorf("password: %q, want %q", got, want)
	}

	hidden := def("SALARY", attrs.Integer, func(d *attrs.Definition) { d.DisplayInReports = false })
	if got := hidden.ReportValues(vals); got != nil {
		t.Errorf("not in reports: %q", got)
	}
	if got := enc.ReportValues(nil); got == nil || len(got) != 0 {
		t.Errorf("no values: %#v, want empty and non-nil (shown, nothing to show)", got)
	}
}

// Defaults fill a new profile's empty attributes; a child's defaults
// follow its parent's value, here the parent's own default. For an
// existing profile only request-only attributes get theirs.
func ExampleSchema_ApplyDefaults() {
	country := attrs.NewDefinition("COUNTRY", attrs.String)
	country.Restricted = []attrs.RestrictedValue{{Actual: "US"}, {Actual: "CA"}}
	country.Defaults = []attrs.Default{{Value: "CA"}}

	state := attrs.NewDefinition("STATE", attrs.String)
	state.Parent = "COUNTRY"
	state.Restricted = []attrs.RestrictedValue{{Parent: "US", Actual: "NY"}, {Parent: "CA", Actual: "AB"}}
	state.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}, {Parent: "CA", Value: "AB"}}

	viewable := attrs.NewDefinition("VIEWABLE-BY-RECIPIENT", attrs.Boolean)
	viewable.RequestOnly = true
	viewable.Defaults = []attrs.Default{{Value: "True"}}

	schema := attrs.Schema{state, country, viewable}
	for name, vals := range schema.ApplyDefaults(nil, true).All() {
		fmt.Println("new:", name, vals)
	}
	existing := attrs.New("COUNTRY", "us")
	for name, vals := range schema.ApplyDefaults(existing, false).All() {
		fmt.Println("existing:", name, vals)
	}
	// Output:
	// new: COUNTRY [CA]
	// new: STATE [AB]
	// new: VIEWABLE-BY-RECIPIENT [True]
	// existing: COUNTRY [us]
	// existing: VIEWABLE-BY-RECIPIENT [True]
}

// TestNilDefinition: the methods of this file and Check take a nil
// definition without a panic (review F7): Check reports it as a problem,
// ParseBool reads the plain words only, DefaultsFor and ReportValues
// give nothing.
func TestNilDefinition(t *testing.T) {
	var d *attrs.Definition
	expectProblems(t, d.Check(), "", want{0, "the definition is nil"})
	if v, ok := d.ParseBool("TRUE"); !v || !ok {
		t.Errorf(`nil ParseBool("TRUE") = %v, %v`, v, ok)
	}
	if _, ok := d.ParseBool("Oui"); ok {
		t.Errorf(`nil ParseBool("Oui") ok, want no display texts`)
	}
	if got := d.DefaultsFor(""); got != nil {
		t.Errorf("nil DefaultsFor = %q", got)
	}
	if got := d.ReportValues([]string{"a"}); got != nil {
		t.Errorf("nil ReportValues = %q", got)
	}
}

// TestReportValuesShownButEmpty: nil means "not shown" only; an attribute
// shown in reports ("Allow or disallow the attribute values to be
// displayed in reports") with no values gives an empty slice.
func TestReportValuesShownButEmpty(t *testing.T) {
	d := attrs.NewDefinition("PHONE", attrs.String)
	if got := d.ReportValues(nil); got == nil || len(got) != 0 {
		t.Errorf("shown, no values: %#v, want an empty non-nil slice", got)
	}
	d.DisplayInReports = false
	if got := d.ReportValues(nil); got != nil {
		t.Errorf("hidden: %#v, want nil", got)
	}
}
