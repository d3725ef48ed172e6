package restricted

import (
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/google/go-cmp/cmp"
)

func employeeType() *attrs.Definition {
	d := attrs.NewDefinition("EMPLOYEE-TYPE", attrs.String)
	d.Plugin = "emptype-plugin"
	d.Restricted = []attrs.RestrictedValue{
		{Actual: "EMPLOYEE", Display: "Employee"},
		{Actual: "CONTRACTOR", Display: "Contractor"},
		{Actual: "STUDENT", Display: "Student"},
	}
	return d
}

// Seed 003: "If a plugin is used to supply restricted values, those
// values which are statically defined ... are only displayed if their
// actual value is returned by the plugin." And "If the display value is
// set for an actual value, then the Requests app uses the display value
// rather than the actual value. The display value used must be set
// statically; it cannot be returned from the plugin."
func TestOfferedStaticOnlyWhenReturned(t *testing.T) {
	got := Offered(employeeType(), "", []string{"INTERN", "CONTRACTOR"})
	want := []attrs.RestrictedValue{
		{Actual: "INTERN"}, // no static value: shown as its actual value
		{Actual: "CONTRACTOR", Display: "Contractor"},
		// EMPLOYEE and STUDENT are static but not returned: not offered.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Offered (-want +got):\n%s", diff)
	}
	if got := Offered(employeeType(), "", nil); len(got) != 0 {
		t.Fatalf("Offered with nothing returned = %+v, want nothing (static values need the plugin)", got)
	}
}

// Seed 003: "The actual value will be stored uppercase unless the
// Restricted values are case-sensitive option is selected." Returned
// values match static ones by actual value, so case folds unless the
// attribute is case-sensitive; repeats and blanks are dropped.
func TestOfferedActualValues(t *testing.T) {
	got := Offered(employeeType(), "", []string{"contractor", "", "Contractor", "intern"})
	want := []attrs.RestrictedValue{
		{Actual: "CONTRACTOR", Display: "Contractor"},
		{Actual: "INTERN"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("not case-sensitive (-want +got):\n%s", diff)
	}

	cs := employeeType()
	cs.CaseSensitive = true
	got = Offered(cs, "", []string{"contractor", "CONTRACTOR", "contractor"})
	want = []attrs.RestrictedValue{
		{Actual: "contractor"}, // differs from the static CONTRACTOR
		{Actual: "CONTRACTOR", Display: "Contractor"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("case-sensitive (-want +got):\n%s", diff)
	}
}

// With a parent attribute, display texts come from the static values of
// the given parent value only ("Select a Parent value, then enter Actual
// value and Displayed value").
func TestOfferedPerParentValue(t *testing.T) {
	d := attrs.NewDefinition("STATE", attrs.String)
	d.Parent, d.Plugin = "COUNTRY", "states"
	d.Restricted = []attrs.RestrictedValue{
		{Parent: "US", Actual: "CA", Display: "California"},
		{Parent: "CA", Actual: "AB", Display: "Alberta"},
	}
	got := Offered(d, "US", []string{"CA", "AB", "NY"})
	want := []attrs.RestrictedValue{
		{Parent: "US", Actual: "CA", Display: "California"},
		{Parent: "US", Actual: "AB"}, // Alberta is CA's, not US's
		{Parent: "US", Actual: "NY"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Offered(US) (-want +got):\n%s", diff)
	}
}
