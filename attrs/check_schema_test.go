package attrs_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// country and state are seed 003's example of "Parent values": "Create an
// attribute, for example COUNTRY, that will be the parent attribute. …
// Create an attribute, for example STATE, that will be the child
// attribute."
func country() *attrs.Definition {
	return def("COUNTRY", attrs.String, func(d *attrs.Definition) {
		d.Restricted = restricted("", "us", "CA") // stored as US and CA
	})
}

func state() *attrs.Definition {
	return def("STATE", attrs.String, func(d *attrs.Definition) {
		d.Parent = "COUNTRY"
		d.Restricted = append(restricted("US", "NY", "WA"), restricted("CA", "AB")...)
		d.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}}
	})
}

// schemaProblem is an expected problem of a schema.
type schemaProblem struct {
	id string
	want
}

func expectSchemaProblems(t *testing.T, s attrs.Schema, wants ...schemaProblem) {
	t.Helper()
	got := problemsOf(t, s.Check())
	if len(got) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(wants), describe(got))
	}
	for i, w := range wants {
		p := got[i]
		if p.Attribute != w.id || p.Setting != w.setting || !strings.Contains(p.Reason, w.reason) {
			t.Errorf("problem %d = {%q, %v, %q}, want {%q, %v, reason containing %q}", i, p.Attribute, p.Setting, p.Reason, w.id, w.setting, w.reason)
		}
	}
}

func TestSchemaCheckValid(t *testing.T) {
	city := def("CITY", attrs.String, func(d *attrs.Definition) {
		d.Parent = "state" // IDs compare without regard to case
		d.Restricted = restricted("NY", "New York")
	})
	if err := (attrs.Schema{city, state(), country()}).Check(); err != nil {
		t.Error(err)
	}
	if err := (attrs.Schema{}).Check(); err != nil {
		t.Error(err)
	}
}

// TestSchemaCheckRules: the rules between definitions.
func TestSchemaCheckRules(t *testing.T) {
	cases := []struct {
		name, seed string
		s          attrs.Schema
		wants      []schemaProblem
	}{
		{
			name: "nil definition", seed: "(a schema of definitions: a missing one is a problem, not a panic)",
			s:     attrs.Schema{country(), nil},
			wants: []schemaProblem{{"", want{0, "definition 2 of the schema is nil"}}},
		},
		{
			name: "empty ID named by position", seed: "(an attribute is named by its ID)",
			s:     attrs.Schema{country(), attrs.NewDefinition("", attrs.Memo)},
			wants: []schemaProblem{{"", want{0, "the ID is empty (definition 2 of the schema)"}}},
		},
		{
			name: "unique IDs", seed: "Enter the ID of the parent in the Parent attribute field of the child attribute.",
			s:     attrs.Schema{attrs.NewDefinition("EMAIL", attrs.String), attrs.NewDefinition("Email", attrs.Memo)},
			wants: []schemaProblem{{"Email", want{0, "the ID is also the ID of definition 1"}}},
		},
		{
			name: "parent exists", seed: "Click Update. If the parent ID is valid, its values are added as settings for restricted and default values.",
			s:     attrs.Schema{state()},
			wants: []schemaProblem{{"STATE", want{attrs.SettingParent, `names "COUNTRY", which is not a definition of the schema`}}},
		},
		{
			name: "parent has restricted values", seed: "Both parent and child attributes must have restricted values.",
			s:     attrs.Schema{attrs.NewDefinition("COUNTRY", attrs.String), state()},
			wants: []schemaProblem{{"STATE", want{attrs.SettingParent, "which has no restricted values"}}},
		},
		{
			name: "no parent cycle", seed: "Attributes can be inter-related in a hierarchical relationship … (for example, country > state/province > city > office location)",
			s: attrs.Schema{
				def("A", attrs.String, func(d *attrs.Definition) { d.Parent, d.Plugin = "B", "a.py" }),
				def("B", attrs.String, func(d *attrs.Definition) { d.Parent, d.Plugin = "C", "b.py" }),
				def("C", attrs.String, func(d *attrs.Definition) { d.Parent, d.Plugin = "A", "c.py" }),
				def("D", attrs.String, func(d *attrs.Definition) { d.Parent, d.Plugin = "A", "d.py" }), // into the cycle, not on it
			},
			wants: []schemaProblem{
				{"A", want{attrs.SettingParent, "leads back to the attribute"}},
				{"B", want{attrs.SettingParent, "leads back to the attribute"}},
				{"C", want{attrs.SettingParent, "leads back to the attribute"}},
			},
		},
		{
			name: "restricted parent values are the parent's actual values", seed: "Select a Parent value, then enter Actual value and Displayed value. … The actual value will be stored uppercase",
			s: attrs.Schema{country(), def("STATE", attrs.String, func(d *attrs.Definition) {
				d.Parent = "COUNTRY"
				d.Restricted = append(restricted("us", "NY"), restricted("MX", "JAL")...)
			})},
			wants: []schemaProblem{
				{"STATE", want{0, `restricted value 1 has a parent value that is not an actual value of "COUNTRY"`}},
				{"STATE", want{0, "restricted value 2 has a parent value"}},
			},
		},
		{
			name: "default parent values are the parent's actual values", seed: "If the attribute has a parent attribute, you can set default values based on each parent value. The parent's restricted values must be defined first.",
			s: attrs.Schema{country(), def("STATE", attrs.String, func(d *attrs.Definition) {
				d.Parent = "COUNTRY"
				d.Restricted = restricted("US", "NY")
				d.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}, {Parent: "GB", Value: "NY"}}
			})},
			wants: []schemaProblem{
				{"STATE", want{attrs.SettingDefaults, "default 2: not one of the restricted values"}},
				{"STATE", want{attrs.SettingDefaults, `default 2 has a parent value that is not an actual value of "COUNTRY"`}},
			},
		},
		{
			name: "empty parent value only for an optional parent", seed: `If the parent value is not optional, then any dangling "restrictedvalue" KVPairs are ignored.`,
			s: attrs.Schema{
				def("COUNTRY", attrs.String, func(d *attrs.Definition) { d.MinValues, d.Restricted = 1, restricted("", "US") }),
				def("STATE", attrs.String, func(d *attrs.Definition) {
					d.Parent = "COUNTRY"
					d.Restricted = append(restricted("US", "NY"), restricted("", "OTHER")...)
					d.Defaults = []attrs.Default{{Value: "OTHER"}}
				}),
			},
			wants: []schemaProblem{
				{"STATE", want{0, "restricted value 2 has a parent value that is not an actual value"}},
				{"STATE", want{attrs.SettingDefaults, "default 1 has a parent value that is not an actual value"}},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Logf("seed 003: %s", c.seed)
			expectSchemaProblems(t, c.s, c.wants...)
		})
	}
}

// TestSchemaCheckEmptyParentValueOptional: "If the parent's value is
// empty, then any "restrictedvalue" KVPairs not inside a "parent" KVGroup
// … would fall under the empty parent value."
func TestSchemaCheckEmptyParentValueOptional(t *testing.T) {
	st := def("STATE", attrs.String, func(d *attrs.Definition) {
		d.Parent = "COUNTRY"
		d.Restricted = append(restricted("US", "NY"), restricted("", "OTHER")...)
		d.Defaults = []attrs.Default{{Value: "OTHER"}}
	})
	if err := (attrs.Schema{country(), st}).Check(); err != nil {
		t.Error(err)
	}
}

// TestSchemaCheckPluginParent: a parent whose values come from a plugin
// cannot be checked statically, so its children's parent values are
// taken as given.
func TestSchemaCheckPluginParent(t *testing.T) {
	c := def("COUNTRY", attrs.String, func(d *attrs.Definition) { d.Plugin = "countries.py" })
	if err := (attrs.Schema{c, state()}).Check(); err != nil {
		t.Error(err)
	}
}

// TestSchemaCheckAllAtOnce: the issue's "Schema.Check() reports every
// inconsistent definition at once", in schema order, each definition's
// own problems before the schema's.
func TestSchemaCheckAllAtOnce(t *testing.T) {
	s := attrs.Schema{
		def("A", attrs.Boolean, func(d *attrs.Definition) { d.MaxValues = 0 }),
		nil,
		def("B", attrs.String, func(d *attrs.Definition) { d.Parent, d.Restricted = "NOPE", restricted("X", "1") }),
		country(),
		def("a", attrs.Integer, func(d *attrs.Definition) { d.Restricted = restricted("", "one") }),
	}
	expectSchemaProblems(t, s,
		schemaProblem{"A", want{attrs.SettingMaxValues, "must be 1"}},
		schemaProblem{"", want{0, "definition 2 of the schema is nil"}},
		schemaProblem{"B", want{attrs.SettingParent, `names "NOPE"`}},
		schemaProblem{"a", want{0, "restricted value 1: is not a decimal integer"}},
		schemaProblem{"a", want{0, "the ID is also the ID of definition 1"}},
	)
	msg := s.Check().Error()
	if !strings.HasPrefix(msg, "attrs: 5 problems in attribute definitions: ") || !strings.HasSuffix(msg, "; and 2 more") {
		t.Errorf("Error() = %q", msg)
	}
}

// TestCheckNeverQuotesValues: restricted and default values may be
// anything an administrator typed; problems name them by index. Canary
// values break every value rule.
func TestCheckNeverQuotesValues(t *testing.T) {
	s := attrs.Schema{
		def("P", attrs.String, func(d *attrs.Definition) {
			d.Restricted = restricted("", "sensitive-parent")
		}),
		def("C", attrs.Integer, func(d *attrs.Definition) {
			d.Parent, d.MaxValues, d.MaxLength = "P", 1, 5
			d.Restricted = append(restricted("sensitive-p1", "sensitive-!!!-1", "sensitive-!!!-1"), attrs.RestrictedValue{Parent: "SENSITIVE-PARENT", Actual: "sensitive-2"})
			d.Defaults = []attrs.Default{{Parent: "sensitive-p2", Value: "sensitive-3"}, {Parent: "sensitive-p2", Value: "sensitive-3"}}
		}),
		def("B", attrs.Boolean, func(d *attrs.Definition) {
			d.Defaults = []attrs.Default{{Value: "sensitive-4"}}
		}),
	}
	err := s.Check()
	ps := problemsOf(t, err)
	if len(ps) < 10 {
		t.Fatalf("only %d problems:\n%s", len(ps), describe(ps))
	}
	for _, p := range ps {
		if strings.Contains(strings.ToLower(p.Error()), "sensitive") {
			t.Errorf("problem quotes a value: %v", p)
		}
	}
	if strings.Contains(strings.ToLower(err.Error()), "sensitive") {
		t.Errorf("error quotes a value: %v", err)
	}
	if !errors.Is(err, attrs.ErrDefinition) {
		t.Error("not ErrDefinition")
	}
}

// A schema with seed 003's COUNTRY and STATE, where STATE's restricted
// values were entered under a parent value COUNTRY does not have, and a
// regular expression came without its description. Check lists every
// problem at once.
func ExampleSchema_Check() {
	country := attrs.NewDefinition("COUNTRY", attrs.String)
	country.Restricted = []attrs.RestrictedValue{{Actual: "US"}, {Actual: "CA"}}

	state := attrs.NewDefinition("STATE", attrs.String)
	state.Parent = "COUNTRY"
	state.Restricted = []attrs.RestrictedValue{{Parent: "US", Actual: "NY"}, {Parent: "MX", Actual: "JAL"}}
	state.Regexp = "[A-Z]{2,3}"

	err := attrs.Schema{country, state}.Check()
	var ce *attrs.CheckError
	if errors.As(err, &ce) {
		for _, p := range ce.Problems {
			fmt.Println(p)
		}
	}
	fmt.Println(errors.Is(err, attrs.ErrDefinition))
	// Output:
	// attrs: attribute "STATE": Description of input values: is required with a regular expression
	// attrs: attribute "STATE": restricted value 2 has a parent value that is not an actual value of "COUNTRY"
	// true
}
