package attrs_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// want is one expected problem: its setting and a piece of its reason.
type want struct {
	setting attrs.Setting
	reason  string
}

// problemsOf returns the problems of a Check error, failing the test if
// err is neither nil nor a *CheckError.
func problemsOf(t *testing.T, err error) []*attrs.Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	var ce *attrs.CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("error %T %v is not a *CheckError", err, err)
	}
	if !errors.Is(err, attrs.ErrDefinition) {
		t.Errorf("error %v does not match ErrDefinition", err)
	}
	return ce.Problems
}

// expectProblems checks that err holds exactly the wanted problems, in
// order, each about attribute id.
func expectProblems(t *testing.T, err error, id string, wants ...want) {
	t.Helper()
	got := problemsOf(t, err)
	if len(got) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(wants), describe(got))
	}
	for i, w := range wants {
		p := got[i]
		if p.Setting != w.setting || !strings.Contains(p.Reason, w.reason) || p.Attribute != id {
			t.Errorf("problem %d = {%q, %v, %q}, want {%q, %v, reason containing %q}", i, p.Attribute, p.Setting, p.Reason, id, w.setting, w.reason)
		}
	}
}

func describe(ps []*attrs.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\t%v\n", p)
	}
	return b.String()
}

func def(id string, t attrs.Type, change func(d *attrs.Definition)) *attrs.Definition {
	d := attrs.NewDefinition(id, t)
	if change != nil {
		change(d)
	}
	return d
}

func restricted(parent string, actuals ...string) []attrs.RestrictedValue {
	var out []attrs.RestrictedValue
	for _, a := range actuals {
		out = append(out, attrs.RestrictedValue{Parent: parent, Actual: a})
	}
	return out
}

// TestCheckValid: definitions that follow every rule pass, so that the
// rule tests below fail for their own reason only.
func TestCheckValid(t *testing.T) {
	for _, typ := range allTypes {
		if err := attrs.NewDefinition("A", typ).Check(); err != nil {
			t.Errorf("NewDefinition(%s): %v", typ, err)
		}
	}
	for name, d := range map[string]*attrs.Definition{
		// "type -1 to allow an infinite number of values".
		"unlimited": def("PHONES", attrs.String, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited; d.MinValues = 5 }),
		"two-columns": def("ROLES", attrs.String, func(d *attrs.Definition) {
			d.MaxValues, d.DisplayType, d.Restricted = 3, attrs.DisplayTwoColumns, restricted("", "A", "B")
		}),
		"checkbox":  def("ACTIVE", attrs.Boolean, func(d *attrs.Definition) { d.DisplayType = attrs.DisplayCheckbox }),
		"date only": def("BIRTHDAY", attrs.DateTime, func(d *attrs.Definition) { d.DisplayType = attrs.DisplayDateYMD }),
		"regexp": def("EMPNO", attrs.String, func(d *attrs.Definition) {
			d.Regexp, d.InputDescription, d.Format = `[0-9]{4}`, "four digits", "NNNN"
		}),
		"encrypted": def("SSN", attrs.String, func(d *attrs.Definition) { d.Encrypted, d.DisplayInReports = true, true }),
		"boolean default": def("ACTIVE", attrs.Boolean, func(d *attrs.Definition) {
			d.TrueText, d.FalseText = "Oui", "Non"
			d.Defaults = []attrs.Default{{Value: "oui"}}
		}),
		"restricted defaults": def("EMPLOYEE-TYPE", attrs.String, func(d *attrs.Definition) {
			d.MaxValues = 2
			d.Restricted = restricted("", "Employee", "Contractor", "Student")
			d.Defaults = []attrs.Default{{Value: "employee"}, {Value: "STUDENT"}}
		}),
		"integer restricted": def("LEVEL", attrs.Integer, func(d *attrs.Definition) {
			d.Restricted = restricted("", "-12", "+7", "0")
			d.Defaults = []attrs.Default{{Value: "+7"}}
		}),
		"bangs apart": def("A", attrs.String, func(d *attrs.Definition) { d.Restricted = restricted("", "a!!b!c") }),
		"vcard":       def("EMAIL", attrs.String, func(d *attrs.Definition) { d.VCard = attrs.VCardEmail }),
	} {
		if err := d.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestCheckRules: one case per rule of seed 003 that a single definition
// can break; seed quotes the seed's words for the rule.
func TestCheckRules(t *testing.T) {
	cases := []struct {
		name, seed string
		d          *attrs.Definition
		wants      []want
	}{
		{
			name: "ID required", seed: "(an attribute is named by its ID: the child names its parent by it)",
			d:     def("", attrs.String, nil),
			wants: []want{{0, "the ID is empty"}},
		},
		{
			name: "type required", seed: "Parameters for profile and request attributes vary depending on the attribute's type",
			d:     &attrs.Definition{ID: "X", MaxValues: 1, MaxLength: 5},
			wants: []want{{0, "the type Type(0) is not"}},
		},
		{
			name: "type unknown", seed: "(the types of the seed)",
			d:     &attrs.Definition{ID: "X", Type: attrs.ManageableAccount + 1, MaxValues: 1},
			wants: []want{{0, "the type Type(13) is not"}},
		},
		{
			name: "minimum not negative", seed: "A number greater than 0 means the attribute is required.",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.MinValues = -1 }),
			wants: []want{{attrs.SettingMinValues, "must be 0 or more"}},
		},
		{
			name: "minimum not negative, invalid type too", seed: "A number greater than 0 means the attribute is required.",
			d:     &attrs.Definition{ID: "X", MinValues: -1, MaxValues: 1},
			wants: []want{{attrs.SettingMinValues, "must be 0 or more"}, {0, "the type"}},
		},
		{
			name: "maximum 0 invalid", seed: "This number can only be set to a positive number or -1. A value of 0 is invalid.",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.MaxValues = 0 }),
			wants: []want{{attrs.SettingMaxValues, "is 0, which is invalid"}},
		},
		{
			name: "maximum negative other than -1", seed: "This number can only be set to a positive number or -1.",
			d:     def("X", attrs.Integer, func(d *attrs.Definition) { d.MaxValues = -2 }),
			wants: []want{{attrs.SettingMaxValues, "must be a positive number or -1"}},
		},
		{
			name: "bare literal has maximum 0", seed: "A value of 0 is invalid.",
			d:     &attrs.Definition{ID: "X", Type: attrs.Link},
			wants: []want{{attrs.SettingMaxValues, "is 0, which is invalid"}},
		},
		{
			name: "single-valued Boolean", seed: "The boolean, date/time, memo, and password attribute types can only have one value.",
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.MaxValues = 2 }),
			wants: []want{{attrs.SettingMaxValues, "Boolean attributes have one value, so it must be 1"}},
		},
		{
			name: "single-valued Date/time unlimited", seed: "The boolean, date/time, memo, and password attribute types can only have one value.",
			d:     def("X", attrs.DateTime, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited }),
			wants: []want{{attrs.SettingMaxValues, "must be 1"}},
		},
		{
			name: "single-valued Memo 0", seed: "The boolean, date/time, memo, and password attribute types can only have one value.",
			d:     def("X", attrs.Memo, func(d *attrs.Definition) { d.MaxValues = 0 }),
			wants: []want{{attrs.SettingMaxValues, "must be 1"}},
		},
		{
			name: "single-valued Password", seed: "The boolean, date/time, memo, and password attribute types can only have one value.",
			d:     def("X", attrs.Password, func(d *attrs.Definition) { d.MaxValues = 3 }),
			wants: []want{{attrs.SettingMaxValues, "must be 1"}},
		},
		{
			name: "minimum above maximum", seed: "Minimum required number of values / Maximum allowed number of values",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.MinValues, d.MaxValues = 3, 2 }),
			wants: []want{{attrs.SettingMinValues, "is 3, more than the maximum of 2"}},
		},
		{
			name: "required single value", seed: "A number greater than 0 means the attribute is required.",
			d:     def("X", attrs.Memo, func(d *attrs.Definition) { d.MinValues = 2 }),
			wants: []want{{attrs.SettingMinValues, "more than the maximum of 1"}},
		},
		{
			name: "maximum length negative", seed: "Maximum field length: Maximum length allowed for each value.",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.MaxLength = -1 }),
			wants: []want{{attrs.SettingMaxLength, "must be 0 (no limit) or more"}},
		},
		{
			name: "Boolean display types", seed: `For boolean attributes the options are "Drop-down", "Checkbox", or "Radio buttons".`,
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.DisplayType = attrs.DisplayDateTime }),
			wants: []want{{attrs.SettingDisplayType, "Date/time is not a display type of Boolean attributes"}},
		},
		{
			name: "Boolean display type out of range", seed: `For boolean attributes the options are "Drop-down", "Checkbox", or "Radio buttons".`,
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.DisplayType = 99 }),
			wants: []want{{attrs.SettingDisplayType, "DisplayType(99) is not a display type"}},
		},
		{
			name: "Date/time display types", seed: `For date/time attributes the options are "Date/time" or "Date only (calendar)" … or "Date only (YYYY-MM-DD)"`,
			d:     def("X", attrs.DateTime, func(d *attrs.Definition) { d.DisplayType = attrs.DisplayRadioButtons }),
			wants: []want{{attrs.SettingDisplayType, "Radio buttons is not a display type of Date/time"}},
		},
		{
			name: "String display type needs restricted values", seed: "For string attributes with restricted values it becomes available only if the attribute allows multiple values",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.MaxValues, d.DisplayType = 5, attrs.DisplayDropDown }),
			wants: []want{{attrs.SettingDisplayType, "only for String attributes with restricted values that allow several values"}},
		},
		{
			name: "String display type needs several values", seed: "it becomes available only if the attribute allows multiple values",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.DisplayType, d.Restricted = attrs.DisplayTwoColumns, restricted("", "A")
			}),
			wants: []want{{attrs.SettingDisplayType, "that allow several values"}},
		},
		{
			name: "String display types", seed: `the options are "Drop-down" or "Drop-down with two-columns"`,
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.MaxValues, d.DisplayType, d.Restricted = 2, attrs.DisplayCheckbox, restricted("", "A")
			}),
			wants: []want{{attrs.SettingDisplayType, "Checkbox is not a display type of String"}},
		},
		{
			name: "regexp compiles", seed: "Regular expression used for validation of input values",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.Regexp, d.InputDescription = "(ab", "ab" }),
			wants: []want{{attrs.SettingRegexp, "does not compile: missing closing )"}},
		},
		{
			name: "regexp needs a description", seed: "If you use a regular expression for validation the Description of input values is required.",
			d:     def("X", attrs.Memo, func(d *attrs.Definition) { d.Regexp = "a+" }),
			wants: []want{{attrs.SettingInputDescription, "is required with a regular expression"}},
		},
		{
			name: "regexp needs a description, not blanks", seed: "If you use a regular expression for validation the Description of input values is required.",
			d:     def("X", attrs.Integer, func(d *attrs.Definition) { d.Regexp, d.InputDescription = "[0-9]+", " \t" }),
			wants: []want{{attrs.SettingInputDescription, "is required"}},
		},
		{
			name: "format parses", seed: "For example, type NNNN-NN-NN to indicate a series of numbers.",
			d:     def("X", attrs.Password, func(d *attrs.Definition) { d.Format = `NN\` }),
			wants: []want{{attrs.SettingFormat, "lone backslash"}},
		},
		{
			name: "vCard property", seed: "Map profile and request attributes to commonly used vCard properties",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.VCard = "X-SKYPE" }),
			wants: []want{{attrs.SettingVCard, `"X-SKYPE" is not a vCard property`}},
		},
		{
			name: "restricted values only String and Integer", seed: "You can supply one or more restricted values for an integer or string type attribute.",
			d:     def("X", attrs.Memo, func(d *attrs.Definition) { d.Restricted = restricted("", "A") }),
			wants: []want{{0, "restricted values are only for String and Integer attributes, not Memo"}},
		},
		{
			name: "actual value required", seed: "type the Actual value, to be recorded in the database",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.Restricted = []attrs.RestrictedValue{{Actual: "A"}, {Display: "Nothing"}}
			}),
			wants: []want{{0, "restricted value 2 has an empty actual value"}},
		},
		{
			name: "no !!! in actual values", seed: "The !!! sequence must therefore be avoided in actual values. If localization is required, specify the macro tag in the displayed value instead.",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.Restricted = []attrs.RestrictedValue{{Actual: "A", Display: "!!!EMPLOYEE!!!"}, {Actual: "!!!B!!!"}}
			}),
			wants: []want{{0, "restricted value 2 has an actual value containing !!!"}},
		},
		{
			name: "Integer actual values", seed: "You can supply one or more restricted values for an integer or string type attribute.",
			d:     def("X", attrs.Integer, func(d *attrs.Definition) { d.Restricted = restricted("", "1", "1.5", "99999999999999999999") }),
			wants: []want{{0, "restricted value 2: is not a decimal integer"}, {0, "restricted value 3: is out of the range of a 64-bit integer"}},
		},
		{
			name: "restricted value within the maximum length", seed: "Restricted values | Maximum length allowed for each value",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.MaxLength, d.Restricted = 3, restricted("", "ÄÖÜ", "ABCD") }),
			wants: []want{{0, "restricted value 2: has 4 characters, more than the maximum 3"}},
		},
		{
			name: "actual values unique, upper-cased", seed: "The actual value will be stored uppercase unless the Restricted values are case-sensitive option is selected.",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.Restricted = restricted("", "Employee", "Contractor", "EMPLOYEE") }),
			wants: []want{{0, "restricted value 3 has the actual value of restricted value 1"}},
		},
		{
			name: "restricted value parent needs a parent attribute", seed: "Select a Parent value, then enter Actual value and Displayed value.",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.Restricted = restricted("US", "NY") }),
			wants: []want{{0, "restricted value 1 has a parent value but the attribute has no parent attribute"}},
		},
		{
			name: "parent is another attribute", seed: "Enter the ID of the parent in the Parent attribute field of the child attribute.",
			d:     def("STATE", attrs.String, func(d *attrs.Definition) { d.Parent, d.Restricted = "state", restricted("", "NY") }),
			wants: []want{{attrs.SettingParent, "names the attribute itself"}},
		},
		{
			name: "child has restricted values", seed: "Both parent and child attributes must have restricted values.",
			d:     def("STATE", attrs.String, func(d *attrs.Definition) { d.Parent = "COUNTRY" }),
			wants: []want{{attrs.SettingParent, "needs restricted values"}},
		},
		{
			name: "Boolean defaults", seed: "selecting from the list of values (restricted or boolean values)",
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.Defaults = []attrs.Default{{Value: "yes"}} }),
			wants: []want{{attrs.SettingDefaults, "default 1: is not true, false, 1, 0 or a display text"}},
		},
		{
			name: "Integer defaults", seed: "Default values | String, Integer, Boolean",
			d: def("X", attrs.Integer, func(d *attrs.Definition) {
				d.MaxValues, d.Defaults = 2, []attrs.Default{{Value: "12"}, {Value: "twelve"}}
			}),
			wants: []want{{attrs.SettingDefaults, "default 2: is not a decimal integer"}},
		},
		{
			name: "defaults not empty", seed: "define Default values by typing them in the text box",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.Defaults = []attrs.Default{{Value: ""}} }),
			wants: []want{{attrs.SettingDefaults, "default 1 is empty"}},
		},
		{
			name: "restricted defaults among the values", seed: "If you define restricted values for the attribute, you can select them from a drop-down list for this option.",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.Restricted = restricted("", "Employee", "Contractor")
				d.Defaults = []attrs.Default{{Value: "Student"}}
			}),
			wants: []want{{attrs.SettingDefaults, "default 1: not one of the restricted values"}},
		},
		{
			name: "restricted defaults case-sensitive", seed: "The restricted values entered will maintain their case.",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.CaseSensitive = true
				d.Restricted = restricted("", "Employee")
				d.Defaults = []attrs.Default{{Value: "EMPLOYEE"}}
			}),
			wants: []want{{attrs.SettingDefaults, "default 1: not one of the restricted values"}},
		},
		{
			name: "restricted defaults per parent value", seed: "If the attribute has a parent attribute, you can set default values based on each parent value.",
			d: def("STATE", attrs.String, func(d *attrs.Definition) {
				d.Parent = "COUNTRY"
				d.Restricted = append(restricted("US", "NY", "WA"), restricted("CA", "AB")...)
				d.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}, {Parent: "CA", Value: "NY"}}
			}),
			wants: []want{{attrs.SettingDefaults, "default 2: not one of the restricted values"}},
		},
		{
			name: "default parent needs a parent attribute", seed: "If the attribute has a parent attribute, you can set default values based on each parent value.",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}} }),
			wants: []want{{attrs.SettingDefaults, "default 1 has a parent value but the attribute has no parent attribute"}},
		},
		{
			name: "defaults within the maximum", seed: "A number greater than 1 means that multiple values are allowed.",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				d.MaxValues, d.AllowDuplicates = 2, true
				d.Defaults = []attrs.Default{{Value: "a"}, {Value: "b"}, {Value: "c"}, {Value: "d"}}
			}),
			wants: []want{{attrs.SettingDefaults, "the defaults for the parent value of default 1: has 4 values, more than the maximum 2"}},
		},
		{
			name: "defaults unique", seed: "Determine whether the values for a multi-valued attribute must be unique.",
			d: def("X", attrs.String, func(d *attrs.Definition) {
				// Unrestricted strings compare exactly, as in Validate
				// (see TestCheckAndValidateAgree): "A" is not "a".
				d.MaxValues = 4
				d.Defaults = []attrs.Default{{Value: "a"}, {Value: "b"}, {Value: "A"}, {Value: "a"}}
			}),
			wants: []want{{attrs.SettingDefaults, "default 4: repeats default 1"}},
		},
		{
			name: "Integer defaults unique as numbers", seed: "Determine whether the values for a multi-valued attribute must be unique.",
			d: def("X", attrs.Integer, func(d *attrs.Definition) {
				d.MaxValues = attrs.Unlimited
				d.Defaults = []attrs.Default{{Value: "7"}, {Value: "+07"}}
			}),
			wants: []want{{attrs.SettingDefaults, "default 2: repeats default 1"}},
		},
		{
			name: "encrypted not in advanced search", seed: "If encrypted, the attribute cannot be used in advanced search criteria",
			d:     def("X", attrs.String, func(d *attrs.Definition) { d.Encrypted, d.AdvancedSearch = true, true }),
			wants: []want{{attrs.SettingEncrypt, "cannot be used in advanced search criteria"}},
		},
		{
			name: "encrypted not mapped", seed: "If encrypted, the attribute cannot be … mapped to an account attribute",
			d:     def("X", attrs.Memo, func(d *attrs.Definition) { d.Encrypted, d.AccountAttributes = true, []string{"AD/description"} }),
			wants: []want{{attrs.SettingEncrypt, "cannot be mapped to an account attribute"}},
		},
		{
			name: "encrypted not compared", seed: "Allow for profile comparison: These attributes cannot be encrypted in the database. / Encrypt: … or used in profile comparisons.",
			d:     def("X", attrs.Integer, func(d *attrs.Definition) { d.Encrypted, d.ProfileComparison = true, true }),
			wants: []want{{attrs.SettingEncrypt, "cannot be used in profile comparisons"}},
		},
		{
			name: "encrypted, every constraint", seed: "If encrypted, the attribute cannot be used in advanced search criteria, mapped to an account attribute, or used in profile comparisons.",
			d: def("X", attrs.DateTime, func(d *attrs.Definition) {
				d.Encrypted, d.AdvancedSearch, d.ProfileComparison, d.AccountAttributes = true, true, true, []string{"hired"}
			}),
			wants: []want{{attrs.SettingEncrypt, "advanced search"}, {attrs.SettingEncrypt, "account attribute"}, {attrs.SettingEncrypt, "profile comparisons"}},
		},
		{
			name: "positive text reads as negative", seed: "Display text for positive value: The default is True.",
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.TrueText = "0" }),
			wants: []want{{attrs.SettingTrueText, "reads as the negative value too"}},
		},
		{
			name: "negative text reads as positive", seed: "Display text for negative value: The default is False.",
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.FalseText = "1" }),
			wants: []want{{attrs.SettingFalseText, "reads as the positive value too"}},
		},
		{
			name: "texts alike", seed: "Boolean attributes require users to select a true or false value.",
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.TrueText, d.FalseText = "Ja", "JA" }),
			wants: []want{{attrs.SettingTrueText, "negative"}, {attrs.SettingFalseText, "positive"}},
		},
		{
			name: "no-value text reads as a value", seed: "Display text for no value: The default is (None).",
			d:     def("X", attrs.Boolean, func(d *attrs.Definition) { d.NoneText = "TRUE" }),
			wants: []want{{attrs.SettingNoneText, "reads as a value"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Logf("seed 003: %s", c.seed)
			expectProblems(t, c.d.Check(), c.d.ID, c.wants...)
		})
	}
}

// TestCheckPluginDefaults: with a plugin, static checks of defaults are
// skipped, as "those values which are statically defined … are only
// displayed if their actual value is returned by the plugin": the plugin,
// not the static list, decides what may be chosen.
func TestCheckPluginDefaults(t *testing.T) {
	d := def("X", attrs.String, func(d *attrs.Definition) {
		d.Plugin = "states.py"
		d.Restricted = restricted("", "Alberta")
		d.Defaults = []attrs.Default{{Value: "Quebec"}}
	})
	if err := d.Check(); err != nil {
		t.Error(err)
	}
	d.Plugin = ""
	expectProblems(t, d.Check(), "X", want{attrs.SettingDefaults, "not one of the restricted values"})
}

// TestCheckDuplicatesAllowed: "Allow duplicate values" turns the defaults'
// uniqueness off, and restricted values under different parents may share
// an actual value.
func TestCheckDuplicatesAllowed(t *testing.T) {
	d := def("CITY", attrs.String, func(d *attrs.Definition) {
		d.MaxValues, d.AllowDuplicates, d.Parent = 3, true, "STATE"
		d.Restricted = append(restricted("WA", "Springfield"), restricted("IL", "Springfield")...)
		d.Defaults = []attrs.Default{{Parent: "WA", Value: "Springfield"}, {Parent: "WA", Value: "springfield"}, {Parent: "IL", Value: "SPRINGFIELD"}}
	})
	if err := d.Check(); err != nil {
		t.Error(err)
	}
	d.AllowDuplicates = false
	expectProblems(t, d.Check(), "CITY", want{attrs.SettingDefaults, "default 2: repeats default 1"})
	d.CaseSensitive = true
	expectProblems(t, d.Check(), "CITY", want{attrs.SettingDefaults, "default 2: not one of the restricted values"}, want{attrs.SettingDefaults, "default 3: not one of the restricted values"})
}

// TestCheckDefaultsPerParentCount: the maximum bounds the defaults of one
// parent value, not of all parent values together.
func TestCheckDefaultsPerParentCount(t *testing.T) {
	d := def("STATE", attrs.String, func(d *attrs.Definition) {
		d.Parent = "COUNTRY"
		d.Restricted = append(restricted("US", "NY", "WA"), restricted("CA", "AB", "QC")...)
		d.Defaults = []attrs.Default{{Parent: "US", Value: "NY"}, {Parent: "CA", Value: "AB"}}
	})
	if err := d.Check(); err != nil {
		t.Error(err)
	}
	d.Defaults = append(d.Defaults, attrs.Default{Parent: "CA", Value: "QC"})
	expectProblems(t, d.Check(), "STATE", want{attrs.SettingDefaults, "the defaults for the parent value of default 2: has 2 values, more than the maximum 1"})
}

// setters set each setting to a used (non-default) value that is valid
// in itself, so that on a type whose table row does not name the setting
// the only problem is the type.
var setters = map[attrs.Setting]func(d *attrs.Definition){
	attrs.SettingDisplayType:     func(d *attrs.Definition) { d.DisplayType = attrs.DisplayDropDown },
	attrs.SettingValidateUser:    func(d *attrs.Definition) { d.ValidateUser = true },
	attrs.SettingDisplayAsImage:  func(d *attrs.Definition) { d.DisplayAsImage = true },
	attrs.SettingValidateLink:    func(d *attrs.Definition) { d.ValidateLink = true },
	attrs.SettingMaxValues:       func(d *attrs.Definition) { d.MaxValues = 2 },
	attrs.SettingMaxLength:       func(d *attrs.Definition) { d.MaxLength = 10 },
	attrs.SettingAllowDuplicates: func(d *attrs.Definition) { d.AllowDuplicates = true },
	attrs.SettingSentInEmails:    func(d *attrs.Definition) { d.SentInEmails = true },
	attrs.SettingProfileComparison: func(d *attrs.Definition) {
		d.ProfileComparison = true
	},
	attrs.SettingAuthChains:       func(d *attrs.Definition) { d.AuthChains = true },
	attrs.SettingTrackChanges:     func(d *attrs.Definition) { d.TrackChanges = true },
	attrs.SettingVerifyValue:      func(d *attrs.Definition) { d.VerifyValue = true },
	attrs.SettingInputDescription: func(d *attrs.Definition) { d.InputDescription = "digits" },
	attrs.SettingFormat:           func(d *attrs.Definition) { d.Format = "NNNN" },
	attrs.SettingRegexp:           func(d *attrs.Definition) { d.Regexp = "[0-9]+"; d.InputDescription = "digits" },
	attrs.SettingCaseSensitive:    func(d *attrs.Definition) { d.CaseSensitive = true },
	attrs.SettingPlugin:           func(d *attrs.Definition) { d.Plugin = "plugin.py" },
	attrs.SettingParent:           func(d *attrs.Definition) { d.Parent = "COUNTRY" },
	attrs.SettingTrueText:         func(d *attrs.Definition) { d.TrueText = "Oui" },
	attrs.SettingFalseText:        func(d *attrs.Definition) { d.FalseText = "Non" },
	attrs.SettingNoneText:         func(d *attrs.Definition) { d.NoneText = "-" },
	attrs.SettingDefaults:         func(d *attrs.Definition) { d.Defaults = []attrs.Default{{Value: "1"}} },
	attrs.SettingEncrypt:          func(d *attrs.Definition) { d.Encrypted = true },
	attrs.SettingMinValues:        func(d *attrs.Definition) { d.MinValues = 1 },
	attrs.SettingRequestOnly:      func(d *attrs.Definition) { d.RequestOnly = true },
	attrs.SettingEditableOnlyOnCreation: func(d *attrs.Definition) {
		d.EditableOnlyOnCreation = true
	},
	attrs.SettingInvalidatesAuthorizations: func(d *attrs.Definition) { d.InvalidatesAuthorizations = true },
	attrs.SettingAdvancedSearch:            func(d *attrs.Definition) { d.AdvancedSearch = true },
	attrs.SettingDisplayInReports:          func(d *attrs.Definition) { d.DisplayInReports = false },
	attrs.SettingVCard:                     func(d *attrs.Definition) { d.VCard = attrs.VCardNote },
	attrs.SettingNotes:                     func(d *attrs.Definition) { d.Notes = "help" },
	attrs.SettingInheritValidation:         func(d *attrs.Definition) { d.InheritValidation = false },
}

// TestCheckSettingOnlyForItsTypes: the issue's "every setting in the
// seed's table, each allowed only for the types the table names". For
// each row and each type its Type column leaves out (typed in from the
// seed in seedTable), setting it gives a problem naming that setting; for
// each type the column names, the setting alone gives none of that kind.
func TestCheckSettingOnlyForItsTypes(t *testing.T) {
	for _, row := range seedTable {
		set, ok := setters[row.setting]
		if !ok {
			t.Errorf("no setter for %s", row.name)
			continue
		}
		for _, typ := range allTypes {
			d := attrs.NewDefinition("A", typ)
			set(d)
			allowed := false
			for _, a := range row.types {
				allowed = allowed || a == typ
			}
			var found bool
			for _, p := range problemsOf(t, d.Check()) {
				if p.Setting == row.setting && (strings.Contains(p.Reason, "is not available for "+typ.String()) ||
					row.setting == attrs.SettingMaxValues && strings.Contains(p.Reason, "must be 1")) {
					found = true
				}
			}
			if found == allowed {
				t.Errorf("%s on a %s attribute: reported as not for the type = %v, want %v", row.name, typ, found, !allowed)
			}
		}
	}
}

// TestCheckEveryProblemAtOnce: Check reports every problem of a
// definition, not the first.
func TestCheckEveryProblemAtOnce(t *testing.T) {
	d := def("X", attrs.Memo, func(d *attrs.Definition) {
		d.MinValues, d.MaxLength, d.Format, d.Regexp, d.ValidateUser = -1, 5, "NN", "(", true
	})
	expectProblems(t, d.Check(), "X",
		want{attrs.SettingMinValues, "0 or more"},
		want{attrs.SettingValidateUser, "not available for Memo"},
		want{attrs.SettingMaxLength, "not available for Memo"},
		want{attrs.SettingFormat, "not available for Memo"},
		want{attrs.SettingRegexp, "does not compile"},
		want{attrs.SettingInputDescription, "is required"},
	)
}

// TestProblemError: the message names the attribute and the setting by
// the seed's row name, and a problem matches ErrDefinition.
func TestProblemError(t *testing.T) {
	p := &attrs.Problem{Attribute: "EMAIL", Setting: attrs.SettingMaxValues, Reason: "is 0, which is invalid"}
	if got, want := p.Error(), `attrs: attribute "EMAIL": Maximum allowed number of values: is 0, which is invalid`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	p = &attrs.Problem{Reason: "the ID is empty"}
	if got, want := p.Error(), `attrs: attribute definition: the ID is empty`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(p, attrs.ErrDefinition) || errors.Is(p, attrs.ErrMask) {
		t.Error("Problem.Is")
	}
	one := &attrs.CheckError{Problems: []*attrs.Problem{p}}
	if one.Error() != p.Error() {
		t.Errorf("one problem: %q", one.Error())
	}
	var ps []*attrs.Problem
	for i := range 5 {
		ps = append(ps, &attrs.Problem{Attribute: fmt.Sprint("A", i), Reason: "bad"})
	}
	many := &attrs.CheckError{Problems: ps}
	if got, want := many.Error(), `attrs: 5 problems in attribute definitions: attribute "A0": bad; attribute "A1": bad; attribute "A2": bad; and 2 more`; got != want {
		t.Errorf("Error() = %q,\nwant %q", got, want)
	}
	var got *attrs.Problem
	if !errors.As(error(many), &got) || got != ps[0] {
		t.Error("errors.As does not find the first problem")
	}
}

// FuzzCheck: any definition, however odd, gives problems rather than a
// panic; no problem quotes a restricted or default value (canaries); and
// ApplyDefaults and ReportValues cope with it too.
func FuzzCheck(f *testing.F) {
	f.Add(int(attrs.String), 1, 0, 0, "", "", "EMPLOYEE", "", "EMPLOYEE", "", "")
	f.Add(int(attrs.Boolean), 2, 1, 0, "(", `N\`, "!!!x", "US", "yes", "False", "P")
	f.Add(int(attrs.Integer), attrs.Unlimited, -3, -1, "[0-9]+", "NN", "1.5", "", "07", "", "X")
	f.Add(0, 0, 0, 0, "\xff", "\xff", "\xff", "\xff", "\xff", "\xff", "\xff")
	f.Fuzz(func(t *testing.T, typ, maxValues, minValues, maxLength int, re, format, actual, parent, dflt, trueText, parentID string) {
		// Settings and IDs may be quoted; only values carry the canary.
		for _, s := range []*string{&re, &format, &trueText, &parentID} {
			for strings.Contains(*s, "sensitive-") {
				*s = strings.ReplaceAll(*s, "sensitive-", "")
			}
		}
		d := &attrs.Definition{
			ID: "A", Type: attrs.Type(typ), MaxValues: maxValues, MinValues: minValues, MaxLength: maxLength,
			Regexp: re, Format: format, TrueText: trueText, Parent: parentID,
			Restricted: []attrs.RestrictedValue{{Parent: "sensitive-" + parent, Actual: "sensitive-" + actual}, {Actual: "sensitive-" + actual}},
			Defaults:   []attrs.Default{{Parent: "sensitive-" + parent, Value: "sensitive-" + dflt}, {Value: "sensitive-" + dflt}},
		}
		p := attrs.NewDefinition("P", attrs.String)
		p.Restricted = []attrs.RestrictedValue{{Actual: "sensitive-" + parent}}
		s := attrs.Schema{d, p, nil}
		for _, err := range []error{d.Check(), s.Check()} {
			if err == nil {
				continue
			}
			if strings.Contains(err.Error(), "sensitive-") {
				t.Errorf("error quotes a value: %v", err)
			}
			for _, p := range problemsOf(t, err) {
				if strings.Contains(p.Error(), "sensitive-") {
					t.Errorf("problem quotes a value: %v", p)
				}
			}
		}
		s.ApplyDefaults(attrs.New("P", parent), true)
		d.ReportValues([]string{actual})
		d.ParseBool(dflt)
	})
}

// TestBuiltInAttributeDefaults: two sentences of seed 003 about built-in
// attributes (review F6).
func TestBuiltInAttributeDefaults(t *testing.T) {
	// "Allow for authentication chains | String, Integer, Password,
	// Date/time | … This is enabled for the EMAIL attribute by default."
	if d := attrs.NewDefinition("email", attrs.String); !d.AuthChains {
		t.Error(`NewDefinition("email", String).AuthChains = false`)
	}
	if d := attrs.NewDefinition("PHONE", attrs.String); d.AuthChains {
		t.Error(`NewDefinition("PHONE", String).AuthChains = true`)
	}
	if d := attrs.NewDefinition("EMAIL", attrs.Memo); d.AuthChains || d.Check() != nil {
		t.Errorf(`NewDefinition("EMAIL", Memo): AuthChains %v, Check %v; the Memo type has no such setting`, d.AuthChains, d.Check())
	}
	// "When configuring date/time attributes (PREFERRED_DATEFORMAT and
	// PREFERRED_TIMEFORMAT), ensure that they are case-sensitive."
	for _, id := range []string{"PREFERRED_DATEFORMAT", "preferred_timeformat"} {
		d := attrs.NewDefinition(id, attrs.String)
		if !d.CaseSensitive {
			t.Errorf("NewDefinition(%q, String).CaseSensitive = false", id)
		}
		d.Restricted = restricted("", "yyyy-MM-dd", "dd.MM.yyyy")
		if err := d.Check(); err != nil {
			t.Errorf("%s, case-sensitive: %v", id, err)
		}
		d.CaseSensitive = false
		expectProblems(t, d.Check(), id, want{attrs.SettingCaseSensitive, "must be on for a date or time format attribute"})
	}
	if d := attrs.NewDefinition("LOCALE", attrs.String); d.CaseSensitive {
		t.Error(`NewDefinition("LOCALE", String).CaseSensitive = true`)
	}
}
