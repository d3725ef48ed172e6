package attrs

import "strconv"

// This file declares what [Validate] reports: the rules of seed 003's
// "Test" tab and settings table, one [Violation] per broken rule and value,
// and the [ValidationError] that gathers them. No error text of this file
// contains an attribute value, because values may be passwords: a
// violation names the attribute ID and the value's index instead.

// Rule is one validation rule. Each Rule is also an error, so that
// errors.Is(err, attrs.RuleFormat) tells whether err, or any error it
// wraps or joins, reports a broken format requirement. Being an error,
// a Rule prints with %v as its Error text; call String for its name.
type Rule int

// The validation rules. The zero Rule is no rule.
const (
	// RuleMinValues: fewer values than "Minimum required number of
	// values" (MinValues).
	RuleMinValues Rule = iota + 1
	// RuleMaxValues: more values than "Maximum allowed number of values"
	// (MaxValues).
	RuleMaxValues
	// RuleLength: longer than "Maximum field length" (MaxLength): one
	// value of an attribute with restricted values, or all values together
	// of one without.
	RuleLength
	// RuleDuplicates: a value repeats an earlier one while "Allow
	// duplicate values" (AllowDuplicates) is off.
	RuleDuplicates
	// RuleInteger: a value of an Integer attribute is not a decimal
	// 64-bit integer.
	RuleInteger
	// RuleBoolean: a value of a Boolean attribute is not a Boolean (see
	// [Definition.ParseBool]).
	RuleBoolean
	// RuleDateTime: a value of a Date/time attribute is not in the form
	// its display type takes.
	RuleDateTime
	// RuleFormat: a value does not match "Format requirement of input
	// values" (Format, see [ParseMask]).
	RuleFormat
	// RuleRegexp: a value does not match "Regular expression used for
	// validation of input values" (Regexp) as a whole.
	RuleRegexp
	// RuleRestricted: a value is not one of the restricted values, static
	// or from the plugin, offered for the parent's value.
	RuleRestricted
	// RuleUser: "Validate user" (ValidateUser) is on and a value is not
	// the profile ID of an existing user.
	RuleUser
	// RuleLink: "Validate attribute value" (ValidateLink) is on and the
	// link checker refused a value.
	RuleLink
)

var ruleNames = [...]string{
	RuleMinValues:  "Minimum required number of values",
	RuleMaxValues:  "Maximum allowed number of values",
	RuleLength:     "Maximum field length",
	RuleDuplicates: "Allow duplicate values",
	RuleInteger:    "Integer",
	RuleBoolean:    "Boolean",
	RuleDateTime:   "Date/time",
	RuleFormat:     "Format requirement of input values",
	RuleRegexp:     "Regular expression used for validation of input values",
	RuleRestricted: "Restricted values",
	RuleUser:       "Validate user",
	RuleLink:       "Validate attribute value",
}

// rulePhrases say what is wrong, for Error and for a Violation without a
// Reason.
var rulePhrases = [...]string{
	RuleMinValues:  "too few values",
	RuleMaxValues:  "too many values",
	RuleLength:     "value too long",
	RuleDuplicates: "duplicate value",
	RuleInteger:    "not an integer",
	RuleBoolean:    "not a Boolean value",
	RuleDateTime:   "not a date/time in the expected form",
	RuleFormat:     "does not match the format requirement",
	RuleRegexp:     "does not match the regular expression",
	RuleRestricted: "not one of the restricted values",
	RuleUser:       "not the profile ID of an existing user",
	RuleLink:       "the link was refused",
}

// Valid reports whether r is one of the declared rules.
func (r Rule) Valid() bool { return r >= RuleMinValues && r <= RuleLink }

// ruleSettings are the settings the rules enforce; the type rules
// (Integer, Boolean, Date/time) and the restricted values are no row of
// seed 003's settings table.
var ruleSettings = [...]Setting{
	RuleMinValues:  SettingMinValues,
	RuleMaxValues:  SettingMaxValues,
	RuleLength:     SettingMaxLength,
	RuleDuplicates: SettingAllowDuplicates,
	RuleFormat:     SettingFormat,
	RuleRegexp:     SettingRegexp,
	RuleUser:       SettingValidateUser,
	RuleLink:       SettingValidateLink,
}

// Setting returns the setting whose value the rule enforces, such as
// [SettingFormat] for RuleFormat, or 0 for the rules of a type's own form
// (RuleInteger, RuleBoolean, RuleDateTime) and for RuleRestricted, which
// enforces the restricted values (a tab of their own, or a Plugin), not
// a setting, and for an invalid Rule.
func (r Rule) Setting() Setting {
	if r.Valid() {
		return ruleSettings[r]
	}
	return 0
}

// String returns the name of the setting or type the rule enforces, as
// seed 003 names it, such as "Format requirement of input values".
func (r Rule) String() string {
	if r.Valid() {
		return ruleNames[r]
	}
	return "Rule(" + strconv.Itoa(int(r)) + ")"
}

// Error returns "attrs: " and what breaking the rule means, such as
// "attrs: too many values".
func (r Rule) Error() string {
	if r.Valid() {
		return "attrs: " + rulePhrases[r]
	}
	return "attrs: broken " + r.String()
}

// Violation is one broken rule: of one value (Index >= 0) or of the
// attribute as a whole (Index == -1, as for the number of values).
// errors.Is(v, r) is true for the violation's own Rule r.
type Violation struct {
	// Attribute is the ID of the attribute.
	Attribute string
	// Rule is the rule broken.
	Rule Rule
	// Index is the position of the value in the values given to
	// [Validate], blank values included, or -1 for the attribute as a
	// whole.
	Index int
	// Reason says what is wrong, in words that never quote a value, such
	// as "has 3 values, more than the maximum 2".
	Reason string
	// Err is the cause given by a caller-supplied check, such as
	// [Env.CheckLink]'s error, or nil. Its text is not part of Error,
	// because checkers commonly quote what they checked (net/http's errors
	// quote the URL); reach it with errors.As or errors.Is.
	Err error
}

// Error returns the attribute ID, the value index and the reason, never
// the value: `attrs: attribute "ID": value [2]: reason`.
func (v *Violation) Error() string {
	return "attrs: " + attributeLabel(v.Attribute) + ": " + v.detail()
}

// detail is the violation without its attribute: "value [2]: reason",
// or the reason alone for the attribute as a whole.
func (v *Violation) detail() string {
	if v.Index >= 0 {
		return valueName(v.Index) + ": " + v.reason()
	}
	return v.reason()
}

func (v *Violation) reason() string {
	if v.Reason != "" {
		return v.Reason
	}
	if v.Rule.Valid() {
		return rulePhrases[v.Rule]
	}
	return "broken " + v.Rule.String()
}

// Is reports whether target is the violation's Rule.
func (v *Violation) Is(target error) bool {
	r, ok := target.(Rule)
	return ok && r == v.Rule
}

// Unwrap returns Err.
func (v *Violation) Unwrap() error { return v.Err }

// ValidationError holds every violation of one attribute's values, in the
// order [Validate] checks them: the attribute as a whole first, then each
// value in order.
type ValidationError struct {
	// Attribute is the ID of the attribute.
	Attribute string
	// Violations are the broken rules; never empty in an error that
	// Validate returns.
	Violations []*Violation
}

// Error returns the number of violations and the first few, never a
// value.
func (e *ValidationError) Error() string {
	if len(e.Violations) == 1 {
		return e.Violations[0].Error()
	}
	head := "attrs: " + attributeLabel(e.Attribute) + ": " + plural(len(e.Violations), "violation")
	return summary(head, e.Violations, (*Violation).detail)
}

// Unwrap returns the violations, so that errors.Is(err, attrs.RuleFormat)
// and errors.As(err, &violation) look into them.
func (e *ValidationError) Unwrap() []error { return asErrors(e.Violations) }
