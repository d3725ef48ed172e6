package attrs_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// TestCheckAndValidateAgree: a value that Definition.Check refuses as a
// default or a restricted value is a value that Validate refuses, and
// the other way round, because both compare values with one key and
// apply the same value rules. Each case gives the answer the seed's rule
// asks for, written out, for both.
func TestCheckAndValidateAgree(t *testing.T) {
	cases := []struct {
		name, seed string
		d          *attrs.Definition
		// values are set as the defaults of d (no parent) for Check, and
		// validated as the attribute's values.
		values []string
		// rule is the Validate violation wanted (0 = none); check is a
		// piece of the Check problem wanted ("" = none).
		rule  attrs.Rule
		at    int // the violation's index
		check string
	}{
		{
			name: "unrestricted String compares exactly", seed: "Allow duplicate values: Determine whether the values for a multi-valued attribute must be unique.",
			d:      def("X", attrs.String, func(d *attrs.Definition) { d.MaxValues = 3 }),
			values: []string{"a", "A"},
		},
		{
			name: "restricted String compares as actual values", seed: "The actual value will be stored uppercase unless the Restricted values are case-sensitive option is selected.",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.MaxValues, d.Restricted = 3, restricted("", "A", "B")
			}),
			values: []string{"a", "A"},
			rule:   attrs.RuleDuplicates, at: 1, check: "default 2: repeats default 1",
		},
		{
			name: "Integer restricted value by number", seed: "You can supply one or more restricted values for an integer or string type attribute.",
			d:      def("X", attrs.Integer, func(d *attrs.Definition) { d.Restricted = restricted("", "7") }),
			values: []string{"+07"},
		},
		{
			name: "Integer duplicates by number", seed: "Determine whether the values for a multi-valued attribute must be unique.",
			d:      def("X", attrs.Integer, func(d *attrs.Definition) { d.MaxValues = 2 }),
			values: []string{"0", "-0"},
			rule:   attrs.RuleDuplicates, at: 1, check: "default 2: repeats default 1",
		},
		{
			name: "Format applies to defaults", seed: "Format requirement of input values: For example, type NNNN-NN-NN to indicate a series of numbers.",
			d:      def("X", attrs.String, func(d *attrs.Definition) { d.Format = "NN" }),
			values: []string{"ab"},
			rule:   attrs.RuleFormat, check: "default 1: does not match the format requirement",
		},
		{
			name: "Regexp applies to defaults", seed: "Regular expression used for validation of input values",
			d: def("X", attrs.Integer, func(d *attrs.Definition) {
				d.Regexp, d.InputDescription = "[1-9][0-9]*", "a positive number"
			}),
			values: []string{"-4"},
			rule:   attrs.RuleRegexp, check: "default 1: does not match the regular expression",
		},
		{
			name: "maximum field length of all defaults together", seed: "Maximum field length: Maximum length allowed for each value. (without restricted values: the total of all values)",
			d:      def("X", attrs.String, func(d *attrs.Definition) { d.MaxValues, d.MaxLength = 2, 5 }),
			values: []string{"abc", "def"},
			rule:   attrs.RuleLength, at: -1, check: "has 6 characters in all, more than the maximum 5",
		},
		{
			name: "Integer form", seed: "Default values | String, Integer, Boolean",
			d:      def("X", attrs.Integer, nil),
			values: []string{"1.5"},
			rule:   attrs.RuleInteger, check: "default 1: is not a decimal integer",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Logf("seed 003: %s", c.seed)
			var hits []hit
			if c.rule != 0 {
				hits = []hit{{c.rule, c.at}}
			}
			check(t, c.d, c.values, attrs.Env{}, hits...)

			d := *c.d
			d.Defaults = nil
			for _, v := range c.values {
				d.Defaults = append(d.Defaults, attrs.Default{Value: v})
			}
			if c.check == "" {
				if err := d.Check(); err != nil {
					t.Errorf("Check: %v, want nil", err)
				}
			} else {
				expectProblems(t, d.Check(), "X", want{attrs.SettingDefaults, c.check})
			}
		})
	}
}

// TestCheckRestrictedValueRules: restricted actual values are values the
// attribute stores, so the value rules of Validate apply to them; and
// two of them are the same value when Validate would say so.
func TestCheckRestrictedValueRules(t *testing.T) {
	t.Run("Format", func(t *testing.T) {
		// "Format requirement of input values": a restricted value that
		// no user could type is refused.
		d := def("X", attrs.String, func(d *attrs.Definition) { d.Format, d.Restricted = "NN", restricted("", "12", "AB") })
		expectProblems(t, d.Check(), "X", want{0, "restricted value 2: does not match the format requirement"})
	})
	t.Run("Regexp", func(t *testing.T) {
		d := def("X", attrs.String, func(d *attrs.Definition) {
			d.Regexp, d.InputDescription, d.Restricted = "[A-Z]+", "letters", restricted("", "AB", "A1")
		})
		expectProblems(t, d.Check(), "X", want{0, "restricted value 2: does not match the regular expression"})
	})
	t.Run("Integer by number", func(t *testing.T) {
		// "+7" and "7" are one number, as Validate's duplicates compare.
		d := def("X", attrs.Integer, func(d *attrs.Definition) { d.Restricted = restricted("", "+7", "7", "0", "-0") })
		expectProblems(t, d.Check(), "X",
			want{0, "restricted value 2 has the actual value of restricted value 1"},
			want{0, "restricted value 4 has the actual value of restricted value 3"})
		if err := attrs.Validate(context.Background(), d, []string{"07"}, attrs.Env{}); err != nil {
			t.Errorf(`Validate("07") against restricted "7": %v, want nil`, err)
		}
	})
}

// TestValidateUserFold: User values compare as strings.EqualFold does
// (seed 004: "the usage of profile names in the Web interface is case
// insensitive"), including the Kelvin sign, which upper-casing does not
// fold into "K".
func TestValidateUserFold(t *testing.T) {
	d := def("MANAGER", attrs.User, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited })
	check(t, d, []string{"k", "\u212a"}, attrs.Env{}, hit{attrs.RuleDuplicates, 1})
	err := attrs.Validate(context.Background(), d, []string{"k", "\u212a"}, attrs.Env{})
	if !errors.Is(err, attrs.RuleDuplicates) {
		t.Errorf("errors.Is(%v, RuleDuplicates) = false", err)
	}
}

// TestCheckDefaultsCountUsableMaximum: the defaults are counted against
// the maximum number of values only when it is usable. "This number can
// only be set to a positive number or -1. A value of 0 is invalid.": a
// MaxValues of 0 or -3 is its own problem, not a maximum the defaults
// exceed; and "The boolean, date/time, memo, and password attribute types
// can only have one value", so a Boolean's maximum is 1.
func TestCheckDefaultsCountUsableMaximum(t *testing.T) {
	for _, maxValues := range []int{0, -3} {
		d := def("X", attrs.String, func(d *attrs.Definition) {
			d.MaxValues, d.AllowDuplicates = maxValues, true
			d.Defaults = []attrs.Default{{Value: "a"}}
		})
		expectProblems(t, d.Check(), "X", want{attrs.SettingMaxValues, "must be a positive number or -1"})
	}
	b := def("X", attrs.Boolean, func(d *attrs.Definition) {
		d.MaxValues = 5
		d.Defaults = []attrs.Default{{Value: "true"}, {Value: "false"}}
	})
	expectProblems(t, b.Check(), "X",
		want{attrs.SettingMaxValues, "must be 1"},
		want{attrs.SettingDefaults, "has 2 values, more than the maximum 1"})
}

// TestIntegerParentValues: an Integer parent's values compare by number
// (review F2, carried to parent values): a profile holding "07" finds the
// child's values under the parent value "7", and a child that files its
// values under "+7" is refused by Schema.Check, since no value of the
// parent would find them. Seed 003: "If the attribute has a parent
// attribute, you can set default values based on each parent value."
func TestIntegerParentValues(t *testing.T) {
	level := def("LEVEL", attrs.Integer, func(d *attrs.Definition) { d.Restricted = restricted("", "7", "8") })
	grade := def("GRADE", attrs.String, func(d *attrs.Definition) {
		d.Parent = "LEVEL"
		d.Restricted = append(restricted("7", "SENIOR"), restricted("8", "LEAD")...)
		d.Defaults = []attrs.Default{{Parent: "7", Value: "SENIOR"}}
	})
	s := attrs.Schema{level, grade}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	profile := attrs.Values{{Name: "LEVEL", Values: []string{"07"}}, {Name: "GRADE", Values: []string{"SENIOR"}}}
	if err := s.Validate(context.Background(), profile, attrs.Env{}); err != nil {
		t.Errorf("LEVEL 07, GRADE SENIOR: %v, want nil", err)
	}
	got := s.ApplyDefaults(attrs.Values{{Name: "LEVEL", Values: []string{"+07"}}}, true)
	if vals, _ := got.Lookup("GRADE"); len(vals) != 1 || vals[0] != "SENIOR" {
		t.Errorf("ApplyDefaults with LEVEL +07: GRADE %q, want [SENIOR]", vals)
	}
	grade.Defaults = nil
	grade.Restricted[0].Parent = "+7"
	expectSchemaProblems(t, s, schemaProblem{"GRADE", want{0, "restricted value 1 has a parent value that is not an actual value"}})
}

// FoldProfileID agrees with strings.EqualFold, on the ASCII fast path and
// off it (the Kelvin sign, the long s, the title-case digraph, the sigmas,
// invalid UTF-8).
func TestFoldProfileIDIsEqualFold(t *testing.T) {
	words := []string{"", "a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "user1", "USER1", "User1", "josé", "JOSÉ",
		"ǆ", "ǅ", "Ǆ", "ß", "ẞ", "\xff", "\xfe", "\ufffd", "Σ", "σ", "ς", "user2", "_", "@"}
	for _, a := range words {
		for _, b := range words {
			if got, want := attrs.FoldProfileID(a) == attrs.FoldProfileID(b), strings.EqualFold(a, b); got != want {
				t.Errorf("FoldProfileID(%q) == FoldProfileID(%q) is %v, EqualFold says %v", a, b, got, want)
			}
		}
	}
}
