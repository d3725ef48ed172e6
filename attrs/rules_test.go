package attrs_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// TestRuleNames: each rule is named after the setting or type of seed
// 003 that it enforces, and each is an error of its own.
func TestRuleNames(t *testing.T) {
	want := map[attrs.Rule]string{
		attrs.RuleMinValues:  "Minimum required number of values",
		attrs.RuleMaxValues:  "Maximum allowed number of values",
		attrs.RuleLength:     "Maximum field length",
		attrs.RuleDuplicates: "Allow duplicate values",
		attrs.RuleInteger:    "Integer",
		attrs.RuleBoolean:    "Boolean",
		attrs.RuleDateTime:   "Date/time",
		attrs.RuleFormat:     "Format requirement of input values",
		attrs.RuleRegexp:     "Regular expression used for validation of input values",
		attrs.RuleRestricted: "Restricted values",
		attrs.RuleUser:       "Validate user",
		attrs.RuleLink:       "Validate attribute value",
	}
	phrases := map[string]attrs.Rule{}
	for r, name := range want {
		if r.String() != name {
			t.Errorf("%d.String() = %q, want %q", int(r), r.String(), name)
		}
		msg := r.Error()
		if !strings.HasPrefix(msg, "attrs: ") || len(msg) <= len("attrs: ") {
			t.Errorf("%v.Error() = %q, want \"attrs: \" and a phrase", r, msg)
		}
		if other, dup := phrases[msg]; dup {
			t.Errorf("%v and %v share the message %q", r, other, msg)
		}
		phrases[msg] = r
	}
	if got := attrs.Rule(0).String(); got != "Rule(0)" {
		t.Errorf("Rule(0).String() = %q", got)
	}
	if got := attrs.Rule(99).Error(); !strings.HasPrefix(got, "attrs: ") {
		t.Errorf("Rule(99).Error() = %q", got)
	}
}

// TestViolationError: a violation names the attribute and the index,
// never the value, matches its own rule only, and unwraps to its cause.
func TestViolationError(t *testing.T) {
	cause := errors.New("refused")
	v := &attrs.Violation{Attribute: "HOMEPAGE", Rule: attrs.RuleLink, Index: 2, Err: cause}
	if got, want := v.Error(), `attrs: attribute "HOMEPAGE": value [2]: the link was refused`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(v, attrs.RuleLink) || errors.Is(v, attrs.RuleFormat) || !errors.Is(v, cause) {
		t.Errorf("errors.Is: RuleLink %v, RuleFormat %v, cause %v", errors.Is(v, attrs.RuleLink), errors.Is(v, attrs.RuleFormat), errors.Is(v, cause))
	}
	whole := &attrs.Violation{Attribute: "PHONE", Rule: attrs.RuleMaxValues, Index: -1, Reason: "has 3 values, more than the maximum 2"}
	if got, want := whole.Error(), `attrs: attribute "PHONE": has 3 values, more than the maximum 2`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("saving: %w", whole)
	if !errors.Is(wrapped, attrs.RuleMaxValues) {
		t.Errorf("errors.Is through %%w failed")
	}
}

// TestValidationErrorMessage: the count and the first few violations;
// the rest counted, not listed.
func TestValidationErrorMessage(t *testing.T) {
	one := &attrs.ValidationError{Attribute: "A", Violations: []*attrs.Violation{{Attribute: "A", Rule: attrs.RuleFormat, Index: 0}}}
	if got, want := one.Error(), `attrs: attribute "A": value [0]: does not match the format requirement`; got != want {
		t.Errorf("one: %q, want %q", got, want)
	}
	var vs []*attrs.Violation
	vs = append(vs, &attrs.Violation{Attribute: "A", Rule: attrs.RuleMinValues, Index: -1, Reason: "is required and has no value"})
	for i := range 4 {
		vs = append(vs, &attrs.Violation{Attribute: "A", Rule: attrs.RuleInteger, Index: i})
	}
	e := &attrs.ValidationError{Attribute: "A", Violations: vs}
	want := `attrs: attribute "A": 5 violations: is required and has no value; value [0]: not an integer; value [1]: not an integer; and 2 more`
	if got := e.Error(); got != want {
		t.Errorf("five:\n got %q\nwant %q", got, want)
	}
	if len(e.Unwrap()) != 5 || !errors.Is(e, attrs.RuleInteger) || errors.Is(e, attrs.RuleUser) {
		t.Errorf("Unwrap/Is over the violations")
	}
	var v *attrs.Violation
	if !errors.As(e, &v) || v.Rule != attrs.RuleMinValues {
		t.Errorf("errors.As gives the first violation, got %v", v)
	}
}

// TestOpErrorMessage: the operational error names the attribute and
// what failed, and keeps the cause.
func TestOpErrorMessage(t *testing.T) {
	cause := errors.New("exit status 2")
	e := &attrs.OpError{Attribute: "STATE", Op: attrs.OpRestrictedValues, Err: cause}
	if got, want := e.Error(), `attrs: attribute "STATE": RestrictedValues failed: exit status 2`; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if !errors.Is(e, cause) {
		t.Errorf("cause not reachable")
	}
	d := &attrs.OpError{Attribute: "CODE", Op: attrs.OpDefinition, Err: errors.New("bad")}
	if got, want := d.Error(), `attrs: attribute "CODE": unusable definition: bad`; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// TestMessagesQuoteIDs: every message quotes the attribute ID, so that an
// ID holding a line break cannot forge a second line of a log; an empty
// ID reads "attribute definition".
func TestMessagesQuoteIDs(t *testing.T) {
	const id = "A\nattrs: forged"
	v := &attrs.Violation{Attribute: id, Rule: attrs.RuleFormat, Index: 0}
	for _, e := range []error{
		v,
		&attrs.ValidationError{Attribute: id, Violations: []*attrs.Violation{v, v}},
		&attrs.OpError{Attribute: id, Op: attrs.OpUserExists, Err: attrs.ErrNoLookup},
		&attrs.Problem{Attribute: id, Reason: "bad"},
	} {
		if msg := e.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, `attribute "A\nattrs: forged"`) {
			t.Errorf("%T: %q, want the ID quoted", e, msg)
		}
	}
	for _, e := range []error{
		&attrs.Violation{Rule: attrs.RuleFormat, Index: 0},
		&attrs.OpError{Op: attrs.OpDefinition, Err: errors.New("nil definition")},
	} {
		if msg := e.Error(); !strings.HasPrefix(msg, "attrs: attribute definition: ") {
			t.Errorf("%T without an ID: %q", e, msg)
		}
	}
}

// TestRuleSetting: each rule names the row of seed 003's settings table
// it enforces; the type rules and the restricted values have none.
func TestRuleSetting(t *testing.T) {
	want := map[attrs.Rule]attrs.Setting{
		attrs.RuleMinValues:  attrs.SettingMinValues,
		attrs.RuleMaxValues:  attrs.SettingMaxValues,
		attrs.RuleLength:     attrs.SettingMaxLength,
		attrs.RuleDuplicates: attrs.SettingAllowDuplicates,
		attrs.RuleInteger:    0,
		attrs.RuleBoolean:    0,
		attrs.RuleDateTime:   0,
		attrs.RuleFormat:     attrs.SettingFormat,
		attrs.RuleRegexp:     attrs.SettingRegexp,
		attrs.RuleRestricted: 0,
		attrs.RuleUser:       attrs.SettingValidateUser,
		attrs.RuleLink:       attrs.SettingValidateLink,
		0:                    0,
		99:                   0,
	}
	for r, s := range want {
		if got := r.Setting(); got != s {
			t.Errorf("%v.Setting() = %v, want %v", r, got, s)
		}
		if r.Valid() != (r >= attrs.RuleMinValues && r <= attrs.RuleLink) {
			t.Errorf("%d.Valid() = %v", int(r), r.Valid())
		}
	}
	// The rule's name is its setting's, where it has one.
	for r, s := range want {
		if s != 0 && r.String() != s.String() {
			t.Errorf("%v: String %q, setting %q", r, r.String(), s.String())
		}
	}
}
