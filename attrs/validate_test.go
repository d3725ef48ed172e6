package attrs_test

import (
	"context"
	"errors"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/attrs"
)

// canary is a value that must never show in an error message.
const canary = "sensitive-canary-1"

// hit is one violation as the tests expect it: the rule and the value
// index (-1 for the attribute as a whole).
type hit struct {
	Rule  attrs.Rule
	Index int
}

// outcome splits an error of Validate into its violations and its
// operational errors, walking errors.Join trees.
func outcome(t *testing.T, err error) (hits []hit, ops []*attrs.OpError) {
	t.Helper()
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case *attrs.ValidationError:
			if len(x.Violations) == 0 {
				t.Errorf("a ValidationError without violations: %v", x)
			}
			for _, v := range x.Violations {
				if v.Attribute != x.Attribute {
					t.Errorf("violation of %q inside the error of %q", v.Attribute, x.Attribute)
				}
				hits = append(hits, hit{v.Rule, v.Index})
			}
		case *attrs.OpError:
			ops = append(ops, x)
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		default:
			t.Errorf("unexpected error %T: %v", e, e)
		}
	}
	walk(err)
	return hits, ops
}

// check validates and compares the violations with want; it fails on any
// operational error and on a message that quotes a value.
func check(t *testing.T, d *attrs.Definition, values []string, env attrs.Env, want ...hit) {
	t.Helper()
	err := attrs.Validate(context.Background(), d, values, env)
	hits, ops := outcome(t, err)
	for _, op := range ops {
		t.Errorf("Validate(%q): operational error %v", values, op)
	}
	if diff := cmp.Diff(want, hits); diff != "" {
		t.Errorf("Validate(%q) violations (-want +got):\n%s\nerror: %v", values, diff, err)
	}
	if len(want) == 0 && err != nil {
		t.Errorf("Validate(%q) = %v, want nil", values, err)
	}
	noValueIn(t, err, values)
}

// noValueIn fails when the message of err contains one of values. Values
// too short to tell apart from the message's own words are skipped; the
// canary tests cover the rest.
func noValueIn(t *testing.T, err error, values []string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, v := range values {
		if len(v) >= 8 && strings.Contains(msg, v) {
			t.Errorf("the error quotes the value %q: %s", v, msg)
		}
	}
}

// TestValidateMinValues: seed 003, "Minimum required number of values |
// All | A number greater than 0 means the attribute is required." Blank
// values are empty form fields and do not count.
func TestValidateMinValues(t *testing.T) {
	d := def("PHONE", attrs.String, func(d *attrs.Definition) { d.MinValues = 2; d.MaxValues = attrs.Unlimited })
	check(t, d, nil, attrs.Env{}, hit{attrs.RuleMinValues, -1})
	check(t, d, []string{"", ""}, attrs.Env{}, hit{attrs.RuleMinValues, -1})
	check(t, d, []string{"1", ""}, attrs.Env{}, hit{attrs.RuleMinValues, -1})
	check(t, d, []string{"1", "", "2"}, attrs.Env{})
	check(t, d, []string{"1", "2", "3"}, attrs.Env{})

	optional := def("PHONE", attrs.String, nil) // MinValues 0: optional
	check(t, optional, nil, attrs.Env{})
	check(t, optional, []string{""}, attrs.Env{})

	err := attrs.Validate(context.Background(), def("EMAIL", attrs.String, func(d *attrs.Definition) { d.MinValues = 1 }), nil, attrs.Env{})
	if err == nil || !strings.Contains(err.Error(), "EMAIL") || !strings.Contains(err.Error(), "required") {
		t.Errorf("required and empty: %v, want a message naming EMAIL as required", err)
	}
}

// TestValidateMaxValues: seed 003, "Maximum allowed number of values | ...
// | A number greater than 1 means that multiple values are allowed", "type
// -1 to allow an infinite number of values", and "This number can only be
// set to a positive number or -1. A value of 0 is invalid."
func TestValidateMaxValues(t *testing.T) {
	single := def("NAME", attrs.String, nil)
	check(t, single, []string{"a"}, attrs.Env{})
	check(t, single, []string{"a", "b"}, attrs.Env{}, hit{attrs.RuleMaxValues, -1})
	check(t, single, []string{"a", "", ""}, attrs.Env{}) // blanks are not values
	// "The boolean, date/time, memo, and password attribute types can
	// only have one value": whatever MaxValues says (Check refuses any
	// other MaxValues for them), Validate allows one value.
	for _, typ := range []attrs.Type{attrs.Boolean, attrs.DateTime, attrs.Memo, attrs.Password} {
		for _, maxValues := range []int{5, attrs.Unlimited, 0} {
			d := def("X", typ, func(d *attrs.Definition) { d.MaxValues = maxValues })
			values := map[attrs.Type][]string{
				attrs.Boolean:  {"true", "false"},
				attrs.DateTime: {"1987-07-23 06:00", "1987-07-24 06:00"},
				attrs.Memo:     {"a", "b"},
				attrs.Password: {"a", "b"},
			}[typ]
			check(t, d, values, attrs.Env{}, hit{attrs.RuleMaxValues, -1})
			check(t, d, values[:1], attrs.Env{})
		}
	}

	three := def("ALIAS", attrs.String, func(d *attrs.Definition) { d.MaxValues = 3 })
	check(t, three, []string{"a", "b", "c"}, attrs.Env{})
	check(t, three, []string{"a", "b", "c", "d"}, attrs.Env{}, hit{attrs.RuleMaxValues, -1})

	unlimited := def("ALIAS", attrs.String, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited })
	many := make([]string, 500)
	for i := range many {
		many[i] = "v" + strings.Repeat("x", i)
	}
	check(t, unlimited, many, attrs.Env{})

	for _, bad := range []int{0, -2} {
		d := def("ALIAS", attrs.String, func(d *attrs.Definition) { d.MaxValues = bad })
		err := attrs.Validate(context.Background(), d, []string{"a"}, attrs.Env{})
		_, ops := outcome(t, err)
		if len(ops) != 1 || ops[0].Op != attrs.OpDefinition || ops[0].Attribute != "ALIAS" {
			t.Errorf("MaxValues %d: %v, want one OpError of the definition", bad, err)
		}
	}
}

// TestValidateMaxLengthRestricted: seed 003's "Maximum length" table,
// "Restricted values | Maximum length allowed for each value", and the
// settings table, "Maximum field length | String, Integer, Password |
// Maximum length allowed for each value."
func TestValidateMaxLengthRestricted(t *testing.T) {
	d := def("CITY", attrs.String, func(d *attrs.Definition) {
		d.MaxValues = attrs.Unlimited
		d.MaxLength = 4
		d.CaseSensitive = true
		d.Restricted = []attrs.RestrictedValue{{Actual: "Rome"}, {Actual: "Oslo"}, {Actual: "Ōsaka"}, {Actual: "Calgary"}}
	})
	// 4 + 4 = 8 characters in all, but each value is within 4.
	check(t, d, []string{"Rome", "Oslo"}, attrs.Env{})
	// Characters, not bytes: "Ōsaka" is 5 characters (6 bytes).
	check(t, d, []string{"Rome", "Ōsaka", "Calgary"}, attrs.Env{}, hit{attrs.RuleLength, 1}, hit{attrs.RuleLength, 2})
}

// TestValidateMaxLengthUnrestricted: seed 003's "Maximum length" table,
// "Unrestricted values | Total number of characters allowed in the text
// field for the attribute".
func TestValidateMaxLengthUnrestricted(t *testing.T) {
	d := def("NOTES", attrs.String, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited; d.MaxLength = 6 })
	check(t, d, []string{"abc", "def"}, attrs.Env{})
	check(t, d, []string{"abc", "defg"}, attrs.Env{}, hit{attrs.RuleLength, -1})
	check(t, d, []string{"ééé", "", "èèè"}, attrs.Env{}) // 6 characters, 12 bytes
	check(t, d, []string{"abcdefg"}, attrs.Env{}, hit{attrs.RuleLength, -1})

	noLimit := def("NOTES", attrs.String, nil)
	check(t, noLimit, []string{strings.Repeat("x", 100000)}, attrs.Env{})
}

// TestValidateDuplicates: seed 003, "Allow duplicate values | String,
// Integer, User | Determine whether the values for a multi-valued
// attribute must be unique. This does not apply to single-valued
// attributes." Seed 004: "the usage of profile names in the Web
// interface is case insensitive", so User values compare without case.
func TestValidateDuplicates(t *testing.T) {
	multi := func(typ attrs.Type, edit func(d *attrs.Definition)) *attrs.Definition {
		return def("X", typ, func(d *attrs.Definition) {
			d.MaxValues = attrs.Unlimited
			if edit != nil {
				edit(d)
			}
		})
	}
	t.Run("String exactly", func(t *testing.T) {
		d := multi(attrs.String, nil)
		check(t, d, []string{"a", "b", "a", "A", "b"}, attrs.Env{}, hit{attrs.RuleDuplicates, 2}, hit{attrs.RuleDuplicates, 4})
	})
	t.Run("restricted String as actual values", func(t *testing.T) {
		d := multi(attrs.String, func(d *attrs.Definition) {
			d.Restricted = []attrs.RestrictedValue{{Actual: "NY"}, {Actual: "WA"}}
		})
		check(t, d, []string{"ny", "WA", "NY"}, attrs.Env{}, hit{attrs.RuleDuplicates, 2})
	})
	t.Run("case-sensitive restricted String", func(t *testing.T) {
		d := multi(attrs.String, func(d *attrs.Definition) {
			d.CaseSensitive = true
			d.Restricted = []attrs.RestrictedValue{{Actual: "ny"}, {Actual: "NY"}}
		})
		check(t, d, []string{"ny", "NY"}, attrs.Env{})
	})
	t.Run("Integer by number", func(t *testing.T) {
		d := multi(attrs.Integer, nil)
		check(t, d, []string{"7", "+7", "007", "-7", "8"}, attrs.Env{}, hit{attrs.RuleDuplicates, 1}, hit{attrs.RuleDuplicates, 2})
	})
	t.Run("User without case", func(t *testing.T) {
		d := multi(attrs.User, nil)
		check(t, d, []string{"User1", "user1", "USER1", "user2"}, attrs.Env{}, hit{attrs.RuleDuplicates, 1}, hit{attrs.RuleDuplicates, 2})
	})
	t.Run("allowed", func(t *testing.T) {
		d := multi(attrs.String, func(d *attrs.Definition) { d.AllowDuplicates = true })
		check(t, d, []string{"a", "a"}, attrs.Env{})
	})
	t.Run("blank fields are not duplicates", func(t *testing.T) {
		check(t, multi(attrs.String, nil), []string{"", "a", ""}, attrs.Env{})
	})
	t.Run("type without the setting", func(t *testing.T) {
		// Link has no "Allow duplicate values": nothing to enforce.
		check(t, multi(attrs.Link, nil), []string{"https://a.example", "https://a.example"}, attrs.Env{})
	})
	t.Run("single-valued", func(t *testing.T) {
		// Two values of a single-valued attribute break the maximum,
		// not uniqueness: "This does not apply to single-valued
		// attributes."
		check(t, def("X", attrs.String, nil), []string{"a", "a"}, attrs.Env{}, hit{attrs.RuleMaxValues, -1})
	})
}

// TestValidateInteger: the Integer type of seed 003 ("Integer" in the
// settings table's Type column); bsafe reads an optional sign and decimal
// digits within int64, and trims nothing.
func TestValidateInteger(t *testing.T) {
	d := def("AGE", attrs.Integer, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited; d.AllowDuplicates = true })
	check(t, d, []string{"42", "-7", "+7", "007", "0", "9223372036854775807", "-9223372036854775808"}, attrs.Env{})
	bad := []string{"4.2", "0x10", "1e3", " 5", "5 ", "1_000", "١٢", "--1", "+", "five", "9223372036854775808"}
	var want []hit
	for i := range bad {
		want = append(want, hit{attrs.RuleInteger, i})
	}
	check(t, d, bad, attrs.Env{}, want...)
}

// TestValidateBoolean: seed 003, "Boolean attributes require users to
// select a true or false value. The default choices displayed to end
// users are True or False, or (None) if the attribute is optional", and
// the rows "Display text for positive value" / "Display text for negative
// value". "(None)" is the display of no value: the value is then blank.
func TestValidateBoolean(t *testing.T) {
	d := def("ACTIVE", attrs.Boolean, nil)
	for _, v := range []string{"True", "false", "TRUE", "1", "0", ""} {
		check(t, d, []string{v}, attrs.Env{})
	}
	for _, v := range []string{"yes", "(None)", "2", "t", " true"} {
		check(t, d, []string{v}, attrs.Env{}, hit{attrs.RuleBoolean, 0})
	}
	custom := def("ACTIVE", attrs.Boolean, func(d *attrs.Definition) { d.TrueText, d.FalseText, d.NoneText = "Yes", "No", "Unknown" })
	for _, v := range []string{"yes", "NO", "true", "0"} {
		check(t, custom, []string{v}, attrs.Env{})
	}
	for _, v := range []string{"Y", "Unknown"} {
		check(t, custom, []string{v}, attrs.Env{}, hit{attrs.RuleBoolean, 0})
	}
}

// TestValidateDateTime: seed 003, "For date/time attributes the options
// are "Date/time" or "Date only (calendar)" ... or "Date only
// (YYYY-MM-DD)"". The date-and-time form is the seed's example card's
// "BDAY:1987-07-23 06:00:00", seconds optional.
func TestValidateDateTime(t *testing.T) {
	good := []string{"1987-07-23 06:00:00", "1987-07-23 06:00", "2024-02-29 23:59:59"}
	bad := []string{
		"1987-07-23", "1987-07-23T06:00:00", "1987-07-23 6:00", "1987-07-23 06:00:00.5",
		"1987-7-23 06:00", "2023-02-29 10:00", "1987-07-23 24:00", "1987-07-23 06:00 ", "87-07-23 06:00",
	}
	for _, display := range []attrs.DisplayType{attrs.DisplayDefault, attrs.DisplayDateTime} {
		d := def("BIRTHDAY", attrs.DateTime, func(d *attrs.Definition) { d.DisplayType = display })
		for _, v := range good {
			check(t, d, []string{v}, attrs.Env{})
		}
		for _, v := range bad {
			check(t, d, []string{v}, attrs.Env{}, hit{attrs.RuleDateTime, 0})
		}
	}
	for _, display := range []attrs.DisplayType{attrs.DisplayDateCalendar, attrs.DisplayDateYMD} {
		d := def("BIRTHDAY", attrs.DateTime, func(d *attrs.Definition) { d.DisplayType = display })
		for _, v := range []string{"1987-07-23", "2024-02-29"} {
			check(t, d, []string{v}, attrs.Env{})
		}
		for _, v := range []string{"1987-07-23 06:00:00", "1987-7-23", "2023-02-29", "1987-13-01", "23.07.1987", "19870723"} {
			check(t, d, []string{v}, attrs.Env{}, hit{attrs.RuleDateTime, 0})
		}
	}
}

// TestValidateFormat: seed 003, "Format requirement of input values |
// String, Password, File | For example, type NNNN-NN-NN to indicate a
// series of numbers." An unusable mask is an operational error.
func TestValidateFormat(t *testing.T) {
	d := def("EMPLOYEE-NUMBER", attrs.String, func(d *attrs.Definition) { d.MaxValues = 3; d.Format = "NNNN-NN-NN" })
	check(t, d, []string{"1987-07-23", "0000-00-00"}, attrs.Env{})
	check(t, d, []string{"1987-07-23", "1987-7-23", "abcd-ef-gh"}, attrs.Env{}, hit{attrs.RuleFormat, 1}, hit{attrs.RuleFormat, 2})

	broken := def("EMPLOYEE-NUMBER", attrs.String, func(d *attrs.Definition) { d.Format = `NN\` })
	err := attrs.Validate(context.Background(), broken, []string{"12"}, attrs.Env{})
	_, ops := outcome(t, err)
	if len(ops) != 1 || ops[0].Op != attrs.OpDefinition || !errors.Is(err, attrs.ErrMask) {
		t.Errorf("broken mask: %v, want an OpError of the definition wrapping ErrMask", err)
	}
}

// TestValidateRegexp: seed 003, "Regular expression used for validation
// of input values | String, Memo, Integer, Password". The expression must
// match the whole value.
func TestValidateRegexp(t *testing.T) {
	cases := []struct {
		re    string
		value string
		ok    bool
	}{
		{`[0-9]+`, "123", true},
		{`[0-9]+`, "12a", false}, // a match of part of the value is not enough
		{`[0-9]+`, "a12", false},
		{`a|ab`, "ab", true}, // leftmost-first would stop at "a"
		{`\Qa.b`, "a.b", true},
		{`\Qa.b`, "axb", false},
		{`(?m)^a$`, "a\nb", false},
		{`(?i)abc`, "ABC", true},
		{`x*`, "", true}, // blank: not a value, never checked
	}
	for _, c := range cases {
		d := def("CODE", attrs.String, func(d *attrs.Definition) { d.Regexp = c.re; d.InputDescription = "a code" })
		var want []hit
		if !c.ok {
			want = []hit{{attrs.RuleRegexp, 0}}
		}
		check(t, d, []string{c.value}, attrs.Env{}, want...)
	}
	memo := def("BIO", attrs.Memo, func(d *attrs.Definition) { d.Regexp = `[^<>]*`; d.InputDescription = "no markup" })
	check(t, memo, []string{"<b>"}, attrs.Env{}, hit{attrs.RuleRegexp, 0})

	broken := def("CODE", attrs.String, func(d *attrs.Definition) { d.Regexp = `([0-9]` })
	err := attrs.Validate(context.Background(), broken, []string{"1"}, attrs.Env{})
	hits, ops := outcome(t, err)
	if len(hits) != 0 || len(ops) != 1 || ops[0].Op != attrs.OpDefinition || !errors.Is(err, attrs.ErrRegexp) {
		t.Errorf("regexp that does not compile: %v, want one OpError of the definition matching ErrRegexp", err)
	}
	// The message gives the kind of fault, never the expression, which
	// regexp's own *syntax.Error quotes (and through errors.As would let
	// a caller print): a definition's settings stay out of messages.
	secret := def("CODE", attrs.String, func(d *attrs.Definition) { d.Regexp = `(sensitive-canary-regexp` })
	err = attrs.Validate(context.Background(), secret, []string{"1"}, attrs.Env{})
	var syntaxErr *syntax.Error
	if err == nil || strings.Contains(err.Error(), "sensitive-canary") || errors.As(err, &syntaxErr) {
		t.Errorf("Validate with a broken regexp: %v (a *syntax.Error reachable: %v), want neither its text nor the *syntax.Error", err, syntaxErr != nil)
	}
	if !strings.Contains(err.Error(), "missing closing )") {
		t.Errorf("Validate with a broken regexp: %v, want the kind of fault", err)
	}
	cerr := secret.Check()
	if cerr == nil || strings.Contains(cerr.Error(), "sensitive-canary") {
		t.Errorf("Check with a broken regexp: %v, want a problem without the expression", cerr)
	}
}

// TestValidateRestrictedStatic: seed 003's "Test" tab validates "against
// ... any manually entered restricted values"; "The actual value will be
// stored uppercase unless the Restricted values are case-sensitive option
// is selected."
func TestValidateRestrictedStatic(t *testing.T) {
	d := def("EMPLOYEE-TYPE", attrs.String, func(d *attrs.Definition) {
		d.MaxValues = attrs.Unlimited
		d.Restricted = []attrs.RestrictedValue{
			{Actual: "EMPLOYEE", Display: "Employee"},
			{Actual: "CONTRACTOR", Display: "Contractor"},
			{Actual: "STUDENT", Display: "Student"},
		}
	})
	check(t, d, []string{"EMPLOYEE", "contractor", "Student"}, attrs.Env{})
	// The display text is not the value when they differ; here
	// "Employee" is the actual value upper-cased, so only "Intern" fails.
	check(t, d, []string{"Intern", "employee"}, attrs.Env{}, hit{attrs.RuleRestricted, 0})

	sensitive := def("DATEFORMAT", attrs.String, func(d *attrs.Definition) {
		d.CaseSensitive = true
		d.Restricted = []attrs.RestrictedValue{{Actual: "yyyy-MM-dd"}}
	})
	check(t, sensitive, []string{"yyyy-MM-dd"}, attrs.Env{})
	check(t, sensitive, []string{"YYYY-MM-DD"}, attrs.Env{}, hit{attrs.RuleRestricted, 0})

	integer := def("LEVEL", attrs.Integer, func(d *attrs.Definition) {
		d.Restricted = []attrs.RestrictedValue{{Actual: "1"}, {Actual: "2"}}
	})
	check(t, integer, []string{"2"}, attrs.Env{})
	check(t, integer, []string{"3"}, attrs.Env{}, hit{attrs.RuleRestricted, 0})
}

// TestValidateRestrictedParent: seed 003, "the value they select for a
// parent attribute will determine the values that are available for a
// child attribute", with "restricted values per parent value". A
// multi-valued parent offers the union; no parent value is the empty
// parent value.
func TestValidateRestrictedParent(t *testing.T) {
	state := def("STATE", attrs.String, func(d *attrs.Definition) {
		d.Parent = "COUNTRY"
		d.Restricted = []attrs.RestrictedValue{
			{Parent: "US", Actual: "NY"}, {Parent: "US", Actual: "WA"},
			{Parent: "CA", Actual: "AB"}, {Parent: "CA", Actual: "QC"},
			{Parent: "", Actual: "OTHER"},
		}
	})
	us := attrs.Env{Values: attrs.New("COUNTRY", "US")}
	check(t, state, []string{"NY"}, us)
	check(t, state, []string{"AB"}, us, hit{attrs.RuleRestricted, 0})
	check(t, state, []string{"OTHER"}, us, hit{attrs.RuleRestricted, 0})
	check(t, state, []string{"AB"}, attrs.Env{Values: attrs.New("country", "CA")}) // attribute names ignore case

	both := attrs.Env{Values: attrs.Values{{Name: "COUNTRY", Values: []string{"US", "", "CA"}}}}
	check(t, state, []string{"AB"}, both)
	check(t, state, []string{"WA"}, both)
	check(t, state, []string{"OTHER"}, both, hit{attrs.RuleRestricted, 0}) // the blank field is no parent value

	for _, none := range []attrs.Env{{}, {Values: attrs.New("COUNTRY", "")}} {
		check(t, state, []string{"OTHER"}, none)
		check(t, state, []string{"NY"}, none, hit{attrs.RuleRestricted, 0})
	}
}

// stubPlugin is an Env.RestrictedValues that records its calls.
type stubPlugin struct {
	values map[string][]string // by parent value
	err    error
	calls  []string // parent values asked
}

func (p *stubPlugin) lookup(_ context.Context, d *attrs.Definition, parentValue string) ([]string, error) {
	p.calls = append(p.calls, d.ID+"/"+parentValue)
	if p.err != nil {
		return nil, p.err
	}
	return p.values[parentValue], nil
}

// TestValidateRestrictedPlugin: seed 003, "If a plugin is used to supply
// restricted values, those values which are statically defined ... are
// only displayed if their actual value is returned by the plugin", and
// "If the attribute value does not match one of the values returned by
// the plugin, then request will be denied."
func TestValidateRestrictedPlugin(t *testing.T) {
	d := def("STATE", attrs.String, func(d *attrs.Definition) {
		d.MaxValues = attrs.Unlimited
		d.Plugin = "states.exe"
		d.Parent = "COUNTRY"
		d.Restricted = []attrs.RestrictedValue{{Parent: "US", Actual: "NY", Display: "New York"}, {Parent: "US", Actual: "TX", Display: "Texas"}}
	})
	p := &stubPlugin{values: map[string][]string{"US": {"NY", "WA"}, "CA": {"AB"}, "": {"Other"}}}
	env := attrs.Env{Values: attrs.New("COUNTRY", "US"), RestrictedValues: p.lookup}
	// TX is static but the plugin does not return it; WA is not static
	// but the plugin returns it. Case folds as for actual values.
	check(t, d, []string{"NY", "wa", "TX", "AB"}, env, hit{attrs.RuleRestricted, 2}, hit{attrs.RuleRestricted, 3})
	if diff := cmp.Diff([]string{"STATE/US"}, p.calls); diff != "" {
		t.Errorf("plugin calls (-want +got):\n%s", diff)
	}

	p.calls = nil
	check(t, d, []string{"OTHER"}, attrs.Env{RestrictedValues: p.lookup})
	check(t, d, nil, attrs.Env{RestrictedValues: p.lookup})
	check(t, d, []string{""}, attrs.Env{RestrictedValues: p.lookup})
	if diff := cmp.Diff([]string{"STATE/"}, p.calls); diff != "" {
		t.Errorf("plugin calls (-want +got); no values need no plugin:\n%s", diff)
	}

	t.Run("plugin fails", func(t *testing.T) {
		down := errors.New("plugin timed out")
		failing := &stubPlugin{err: down}
		// Two values over the maximum of 1 is still reported beside the
		// operational error.
		one := *d
		one.MaxValues = 1
		err := attrs.Validate(context.Background(), &one, []string{"NY", "XX"}, attrs.Env{RestrictedValues: failing.lookup})
		hits, ops := outcome(t, err)
		if diff := cmp.Diff([]hit{{attrs.RuleMaxValues, -1}}, hits); diff != "" {
			t.Errorf("violations beside the failure (-want +got):\n%s", diff)
		}
		if len(ops) != 1 || ops[0].Op != attrs.OpRestrictedValues || ops[0].Attribute != "STATE" || !errors.Is(err, down) {
			t.Errorf("failing plugin: %v, want an OpError of RestrictedValues wrapping the cause", err)
		}
		if errors.Is(err, attrs.RuleRestricted) {
			t.Errorf("a failing plugin is no verdict on the values: %v", err)
		}
	})
	t.Run("no plugin lookup", func(t *testing.T) {
		err := attrs.Validate(context.Background(), d, []string{"NY"}, attrs.Env{})
		_, ops := outcome(t, err)
		if len(ops) != 1 || ops[0].Op != attrs.OpRestrictedValues || !errors.Is(err, attrs.ErrNoLookup) {
			t.Errorf("nil RestrictedValues: %v, want an OpError wrapping ErrNoLookup", err)
		}
	})
}

// TestValidateUser: seed 003, "Validate user | User | Determine whether
// the profile ID entered for a user-type attribute is a valid or invalid
// user."
func TestValidateUser(t *testing.T) {
	d := def("MANAGER", attrs.User, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited; d.ValidateUser = true })
	var asked []string
	exists := func(_ context.Context, id string) (bool, error) {
		asked = append(asked, id)
		return id == "crysta.soria", nil
	}
	check(t, d, []string{"crysta.soria", "", "nobody"}, attrs.Env{UserExists: exists}, hit{attrs.RuleUser, 2})
	if diff := cmp.Diff([]string{"crysta.soria", "nobody"}, asked); diff != "" {
		t.Errorf("lookups (-want +got):\n%s", diff)
	}
	// Without ValidateUser, no lookup.
	asked = nil
	check(t, def("MANAGER", attrs.User, nil), []string{"nobody"}, attrs.Env{UserExists: exists})
	if len(asked) != 0 {
		t.Errorf("looked up %q without ValidateUser", asked)
	}

	t.Run("lookup fails", func(t *testing.T) {
		down := errors.New("directory unavailable")
		calls := 0
		failing := func(context.Context, string) (bool, error) { calls++; return false, down }
		err := attrs.Validate(context.Background(), d, []string{"a", "b", "c"}, attrs.Env{UserExists: failing})
		hits, ops := outcome(t, err)
		if len(hits) != 0 || len(ops) != 1 || ops[0].Op != attrs.OpUserExists || !errors.Is(err, down) {
			t.Errorf("failing lookup: %v, want only an OpError of UserExists wrapping the cause", err)
		}
		if calls != 1 {
			t.Errorf("the failing lookup was called %d times, want 1 (no asking in vain)", calls)
		}
	})
	t.Run("no lookup", func(t *testing.T) {
		err := attrs.Validate(context.Background(), d, []string{"a"}, attrs.Env{})
		if !errors.Is(err, attrs.ErrNoLookup) {
			t.Errorf("nil UserExists: %v, want ErrNoLookup", err)
		}
	})
}

// TestValidateLink: seed 003, "Validate attribute value | Link | Checks
// whether the specified link is valid before accepting the value."
func TestValidateLink(t *testing.T) {
	d := def("HOMEPAGE", attrs.Link, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited; d.ValidateLink = true })
	notFound := errors.New("404 Not Found")
	checker := func(_ context.Context, link string) error {
		if strings.HasPrefix(link, "https://ok.example/") {
			return nil
		}
		// As net/http does, the checker quotes the link: Validate must
		// keep this text out of its message.
		return &linkError{link: link, err: notFound}
	}
	link := "https://gone.example/" + canary
	err := attrs.Validate(context.Background(), d, []string{"https://ok.example/a", link}, attrs.Env{CheckLink: checker})
	hits, ops := outcome(t, err)
	if diff := cmp.Diff([]hit{{attrs.RuleLink, 1}}, hits); diff != "" || len(ops) != 0 {
		t.Errorf("violations (-want +got):\n%s\nops: %v", diff, ops)
	}
	if !errors.Is(err, attrs.RuleLink) || !errors.Is(err, notFound) {
		t.Errorf("%v: want RuleLink, and the checker's error reachable", err)
	}
	var le *linkError
	if !errors.As(err, &le) || le.link != link {
		t.Errorf("errors.As to the checker's error type failed: %v", err)
	}
	if strings.Contains(err.Error(), canary) || strings.Contains(err.Error(), "gone.example") {
		t.Errorf("the message quotes the link: %s", err)
	}

	t.Run("ctx ended", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		calls := 0
		honest := func(ctx context.Context, _ string) error { calls++; return ctx.Err() }
		err := attrs.Validate(ctx, d, []string{"https://a.example", "https://b.example"}, attrs.Env{CheckLink: honest})
		hits, ops := outcome(t, err)
		if len(hits) != 0 || len(ops) != 1 || ops[0].Op != attrs.OpCheckLink || !errors.Is(err, context.Canceled) {
			t.Errorf("canceled: %v, want an OpError (not a refused link) wrapping context.Canceled", err)
		}
		if calls != 1 {
			t.Errorf("checker called %d times after ctx ended, want 1", calls)
		}
	})
	t.Run("no checker", func(t *testing.T) {
		err := attrs.Validate(context.Background(), d, []string{"https://a.example"}, attrs.Env{})
		_, ops := outcome(t, err)
		if len(ops) != 1 || ops[0].Op != attrs.OpCheckLink || !errors.Is(err, attrs.ErrNoLookup) {
			t.Errorf("nil CheckLink: %v, want an OpError wrapping ErrNoLookup", err)
		}
	})
}

type linkError struct {
	link string
	err  error
}

func (e *linkError) Error() string { return "Head " + `"` + e.link + `": ` + e.err.Error() }
func (e *linkError) Unwrap() error { return e.err }

// TestValidateSeedTestTab: seed 003, "Testing the validity of attribute
// values": "The value entered is validated against the Format requirement
// of input values setting, the Regular expression used for validation of
// input values setting, the Plugin used to generate a list of restricted
// values, and any manually entered restricted values." One value breaking
// all of them gives every violation at once.
func TestValidateSeedTestTab(t *testing.T) {
	d := def("EMPLOYEE-NUMBER", attrs.String, func(d *attrs.Definition) {
		d.Format = "NNNN-NN-NN"
		d.Regexp = `1.*`
		d.InputDescription = "starts with 1"
		d.Restricted = []attrs.RestrictedValue{{Actual: "1987-07-23"}}
	})
	check(t, d, []string{"1987-07-23"}, attrs.Env{})
	check(t, d, []string{"2000-01-01"}, attrs.Env{}, hit{attrs.RuleRegexp, 0}, hit{attrs.RuleRestricted, 0})
	check(t, d, []string{"x"}, attrs.Env{}, hit{attrs.RuleFormat, 0}, hit{attrs.RuleRegexp, 0}, hit{attrs.RuleRestricted, 0})

	withPlugin := *d
	withPlugin.Plugin = "numbers.exe"
	p := &stubPlugin{values: map[string][]string{"": {"1000-00-00"}}}
	check(t, &withPlugin, []string{"1000-00-00"}, attrs.Env{RestrictedValues: p.lookup})
	// The static value is not returned by the plugin: refused.
	check(t, &withPlugin, []string{"1987-07-23"}, attrs.Env{RestrictedValues: p.lookup}, hit{attrs.RuleRestricted, 0})
}

// TestValidateEveryViolation: the "returns every violation": the
// whole-attribute rules first, then each value's in order.
func TestValidateEveryViolation(t *testing.T) {
	d := def("CODES", attrs.Integer, func(d *attrs.Definition) {
		d.MinValues = 1
		d.MaxValues = 2
		d.MaxLength = 5
		d.Regexp = `[0-9]*`
		d.InputDescription = "digits"
	})
	check(t, d, []string{"12", "abc", "", "12", "+3"}, attrs.Env{},
		hit{attrs.RuleMaxValues, -1},
		hit{attrs.RuleLength, -1},
		hit{attrs.RuleInteger, 1}, hit{attrs.RuleRegexp, 1},
		hit{attrs.RuleDuplicates, 3},
		hit{attrs.RuleRegexp, 4},
	)
}

// TestValidateNoValueInErrors: "Never quote an attribute VALUE in an
// error string (values may be passwords)": the canary breaks every rule,
// and no message shows it.
func TestValidateNoValueInErrors(t *testing.T) {
	ctx := context.Background()
	env := attrs.Env{
		Values:           attrs.New("PARENT", canary),
		RestrictedValues: func(context.Context, *attrs.Definition, string) ([]string, error) { return []string{"A"}, nil },
		UserExists:       func(context.Context, string) (bool, error) { return false, nil },
		CheckLink:        func(_ context.Context, link string) error { return errors.New("bad link " + link) },
	}
	defs := []*attrs.Definition{
		def("P1", attrs.Password, func(d *attrs.Definition) {
			d.MinValues = 4
			d.MaxLength = 4
			d.Format = "NNNN"
			d.Regexp = `[0-9]+`
			d.InputDescription = "digits"
		}),
		def("S1", attrs.String, func(d *attrs.Definition) {
			d.MaxValues = 2
			d.MaxLength = 4
			d.Parent = "PARENT"
			d.Restricted = []attrs.RestrictedValue{{Parent: canary, Actual: "A"}}
		}),
		def("S2", attrs.String, func(d *attrs.Definition) { d.Plugin = "p"; d.MaxValues = 2 }),
		def("I1", attrs.Integer, func(d *attrs.Definition) { d.MaxValues = 3 }),
		def("B1", attrs.Boolean, nil),
		def("D1", attrs.DateTime, nil),
		def("U1", attrs.User, func(d *attrs.Definition) { d.ValidateUser = true; d.MaxValues = 3 }),
		def("L1", attrs.Link, func(d *attrs.Definition) { d.ValidateLink = true }),
	}
	var rules []attrs.Rule
	for _, d := range defs {
		err := attrs.Validate(ctx, d, []string{canary, canary, canary}, env)
		if err == nil {
			t.Errorf("%s: the canary passed", d.ID)
			continue
		}
		if strings.Contains(err.Error(), canary) || strings.Contains(err.Error(), "sensitive") {
			t.Errorf("%s: the message quotes the value: %s", d.ID, err)
		}
		var verr *attrs.ValidationError
		if errors.As(err, &verr) {
			for _, v := range verr.Violations {
				rules = append(rules, v.Rule)
				if strings.Contains(v.Error(), canary) || strings.Contains(v.Reason, canary) {
					t.Errorf("%s: %v quotes the value", d.ID, v)
				}
			}
		}
	}
	for r := attrs.RuleMinValues; r <= attrs.RuleLink; r++ {
		found := false
		for _, got := range rules {
			found = found || got == r
		}
		if !found {
			t.Errorf("no definition broke %v with the canary; the test misses that rule", r)
		}
	}
}

// TestSchemaValidate: a schema validates every definition against the
// profile, joins all the errors, and reads parent values there in the
// parent's actual form.
func TestSchemaValidate(t *testing.T) {
	country := def("COUNTRY", attrs.String, func(d *attrs.Definition) {
		d.MinValues = 1
		d.Restricted = []attrs.RestrictedValue{{Actual: "US"}, {Actual: "CA"}}
	})
	state := def("STATE", attrs.String, func(d *attrs.Definition) {
		d.Parent = "country"
		d.Restricted = []attrs.RestrictedValue{{Parent: "US", Actual: "NY"}, {Parent: "CA", Actual: "AB"}}
	})
	email := def("EMAIL", attrs.String, func(d *attrs.Definition) {
		d.MinValues = 1
		d.Regexp = `[^@]+@[^@]+`
		d.InputDescription = "an e-mail address"
	})
	schema := attrs.Schema{country, nil, state, email}
	ctx := context.Background()

	// "us" as typed: the parent's actual value is "US", whose child
	// values include NY.
	if err := schema.Validate(ctx, attrs.New("country", "us", "state", "ny", "EMAIL", "a@b"), attrs.Env{}); err != nil {
		t.Errorf("valid profile: %v", err)
	}

	err := schema.Validate(ctx, attrs.New("COUNTRY", "US", "STATE", "AB", "unknown", canary), attrs.Env{Values: attrs.New("COUNTRY", "CA")})
	var attrsSeen []string
	var walk func(error)
	walk = func(e error) {
		if v, ok := e.(*attrs.ValidationError); ok {
			attrsSeen = append(attrsSeen, v.Attribute)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				walk(inner)
			}
		}
	}
	walk(err)
	// STATE: AB is offered under CA, and the profile (not env.Values)
	// says US. EMAIL: required. The attribute "unknown" is not defined.
	if diff := cmp.Diff([]string{"STATE", "EMAIL"}, attrsSeen); diff != "" {
		t.Errorf("attributes with errors (-want +got):\n%s\nerror: %v", diff, err)
	}
	if !errors.Is(err, attrs.RuleRestricted) || !errors.Is(err, attrs.RuleMinValues) || errors.Is(err, attrs.RuleFormat) {
		t.Errorf("errors.Is over the joined errors: %v", err)
	}
}

// TestValidateNilAndInvalidDefinition: bad definitions are operational
// errors, never panics.
func TestValidateNilAndInvalidDefinition(t *testing.T) {
	ctx := context.Background()
	err := attrs.Validate(ctx, nil, []string{"a"}, attrs.Env{})
	var op *attrs.OpError
	if !errors.As(err, &op) || op.Op != attrs.OpDefinition {
		t.Errorf("nil definition: %v", err)
	}
	err = attrs.Validate(ctx, &attrs.Definition{ID: "X", MaxValues: 1}, []string{"a"}, attrs.Env{})
	if !errors.As(err, &op) || op.Op != attrs.OpDefinition || op.Attribute != "X" {
		t.Errorf("zero Type: %v", err)
	}
}
