package attrs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file checks definitions against seed 003's rules, the way the
// "Profile and request attribute information" page refuses a setting. A
// definition's values are never quoted in a problem: restricted and
// default values are named by their index, because a definition may be
// built from data an administrator does not want in logs.

// ErrDefinition is matched (with [errors.Is]) by every [Problem], and so
// by every error of [Definition.Check] and [Schema.Check].
var ErrDefinition = errors.New("attrs: invalid attribute definition")

// Problem is one inconsistency of a definition, or of a schema.
type Problem struct {
	// Attribute is the ID of the definition the problem is about; "" when
	// the definition has no ID or is missing (nil).
	Attribute string
	// Setting is the setting at fault, or 0 when the problem is about the
	// definition as a whole (its ID, its type, its restricted values).
	Setting Setting
	// Reason says what is wrong, in words; it never quotes a value. It
	// names restricted values and defaults by their place in the
	// definition, counted from 1 as an administrator counts the rows of
	// a list ("default 2"), where a [Violation]'s Index counts from 0 as
	// Go indexes the values given to [Validate]. A problem about a
	// default or a restricted value breaking one of Validate's rules says
	// "default 2: " and the violation's reason; its Setting is
	// SettingDefaults for a default and 0 for a restricted value (what is
	// at fault is the value, not the setting the rule enforces, which
	// [Rule.Setting] names).
	Reason string
}

// Error returns the problem as "attrs: attribute "ID": Setting: reason".
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString("attrs: " + attributeLabel(p.Attribute))
	if p.Setting != 0 {
		b.WriteString(": " + p.Setting.String())
	}
	b.WriteString(": " + p.Reason)
	return b.String()
}

// Is reports whether target is [ErrDefinition].
func (p *Problem) Is(target error) bool { return target == ErrDefinition }

// CheckError is every problem that [Definition.Check] or [Schema.Check]
// found, in the order of the definitions.
type CheckError struct {
	Problems []*Problem
}

// Error returns the number of problems and the first few.
func (e *CheckError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].Error()
	}
	head := "attrs: " + plural(len(e.Problems), "problem") + " in attribute definitions"
	return summary(head, e.Problems, func(p *Problem) string { return strings.TrimPrefix(p.Error(), "attrs: ") })
}

// Unwrap returns the problems, so that [errors.As] finds a *Problem and
// [errors.Is] finds [ErrDefinition].
func (e *CheckError) Unwrap() []error { return asErrors(e.Problems) }

// problems collects the problems of one check.
type problems struct {
	list []*Problem
}

func (ps *problems) add(id string, s Setting, format string, args ...any) {
	ps.list = append(ps.list, &Problem{Attribute: id, Setting: s, Reason: fmt.Sprintf(format, args...)})
}

// addViolations adds a problem with setting s for each violation c
// found, naming the value as c names it, and clears them.
func (ps *problems) addViolations(s Setting, c *validation) {
	for _, v := range c.violations {
		ps.add(c.d.ID, s, "%s: %s", c.name(v.Index), v.reason())
	}
	c.violations = nil
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &CheckError{Problems: ps.list}
}

// Check reports every problem of d on its own: nil, or a *[CheckError]
// listing them all. It cannot see the other definitions; [Schema.Check]
// adds the problems between them (duplicate IDs, parents). The rules are
// seed 003's, each quoted in the comments of the code:
//
//   - an ID, and a valid Type;
//   - each setting left unset on a type its table row does not name
//     ([Setting.AllowedFor]); DisplayType one of the type's display types;
//   - MinValues 0 or more; MaxValues positive or [Unlimited], 1 for the
//     single-valued types, and not below MinValues; MaxLength 0 or more;
//   - a Regexp that compiles, with an InputDescription; a Format that
//     parses ([ParseMask]); a VCard property bsafe maps;
//   - Boolean display texts that read as one value each;
//   - a Parent other than the attribute itself, with restricted values;
//   - restricted values: for String and Integer only, a non-empty actual
//     value without "!!!", passing the value rules of [Validate] (the
//     type's form, the field length, Format, Regexp), none repeating
//     another under one parent value, and a parent value only with a
//     Parent;
//   - defaults: for String, Integer and Boolean only, non-empty, and for
//     each parent value passing [Validate]'s rules as the attribute's
//     values (its form, length, Format, Regexp, number of values,
//     duplicates and static restricted values);
//   - Encrypted without AdvancedSearch, AccountAttributes or
//     ProfileComparison;
//   - PREFERRED_DATEFORMAT and PREFERRED_TIMEFORMAT with restricted
//     values are CaseSensitive (see [NewDefinition]).
//
// Where the seed leaves a choice:
//
//   - An invalid Type is reported alone with the checks that do not
//     depend on the type, since every other setting would be "not for
//     this type".
//   - Restricted values (the seed's "Restricted values" tab, not a row of
//     its table) are for String and Integer only ("You can supply one or
//     more restricted values for an integer or string type attribute");
//     their problems have Setting 0.
//   - With a Plugin, the defaults are not compared with the static
//     restricted values: the plugin decides at run time which values are
//     offered, and a static value is offered only if the plugin returns it.
//   - A Boolean TrueText or FalseText that reads as the other value (see
//     [Definition.ParseBool]), and a NoneText that reads as a value, are
//     problems: Seed 003 says only that the texts replace "True", "False"
//     and "(None)"; bsafe refuses texts that would make a value mean
//     either.
//
// A nil definition is one problem, "the definition is nil", not a panic.
func (d *Definition) Check() error {
	var ps problems
	if d == nil {
		ps.add("", 0, "the definition is nil")
		return ps.err()
	}
	d.check(&ps)
	return ps.err()
}

func (d *Definition) check(ps *problems) {
	id := d.ID
	if id == "" {
		ps.add(id, 0, "the ID is empty")
	}
	// "A number greater than 0 means the attribute is required": a
	// negative minimum means nothing.
	if d.MinValues < 0 {
		ps.add(id, SettingMinValues, "is %d; it must be 0 or more", d.MinValues)
	}
	if !d.Type.Valid() {
		ps.add(id, 0, "the type %s is not one of seed 003's types", d.Type)
		return
	}
	d.checkSettingsForType(ps)
	d.checkCounts(ps)
	d.checkDisplayType(ps)
	if d.MaxLength < 0 {
		ps.add(id, SettingMaxLength, "is %d; it must be 0 (no limit) or more", d.MaxLength)
	}
	d.checkInput(ps)
	if d.VCard != "" && !d.VCard.Valid() {
		ps.add(id, SettingVCard, "%q is not a vCard property bsafe maps", string(d.VCard))
	}
	d.checkBooleanTexts(ps)
	d.checkParent(ps)
	// "When configuring date/time attributes (PREFERRED_DATEFORMAT and
	// PREFERRED_TIMEFORMAT), ensure that they are case-sensitive." (see
	// NewDefinition).
	if isFormatPatternID(id) && d.HasRestricted() && !d.CaseSensitive && SettingCaseSensitive.AllowedFor(d.Type) {
		ps.add(id, SettingCaseSensitive, "must be on for a date or time format attribute: its values are format patterns, which upper-casing would change")
	}
	d.checkRestricted(ps)
	d.checkDefaults(ps)
	d.checkEncryption(ps)
}

// checkSettingsForType: each setting only for the types of its row in the
// table.
func (d *Definition) checkSettingsForType(ps *problems) {
	for s := SettingDisplayType; s <= SettingEncrypt; s++ {
		// MaxValues has its own, clearer rule in checkCounts.
		if s == SettingMaxValues || s.AllowedFor(d.Type) || !d.settingUsed(s) {
			continue
		}
		ps.add(d.ID, s, "is not available for %s attributes", d.Type)
	}
	if len(d.Restricted) > 0 && d.Type != String && d.Type != Integer {
		ps.add(d.ID, 0, "restricted values are only for String and Integer attributes, not %s", d.Type)
	}
}

// checkCounts: the minimum and maximum numbers of values.
func (d *Definition) checkCounts(ps *problems) {
	id := d.ID
	switch {
	case !d.Type.MultiValued() && d.MaxValues != 1:
		// "The boolean, date/time, memo, and password attribute types can
		// only have one value."
		ps.add(id, SettingMaxValues, "is %d; %s attributes have one value, so it must be 1", d.MaxValues, d.Type)
	case d.MaxValues == 0:
		// "This number can only be set to a positive number or -1. A value
		// of 0 is invalid."
		ps.add(id, SettingMaxValues, "is 0, which is invalid; it must be a positive number or -1 (unlimited)")
	case d.MaxValues < Unlimited:
		ps.add(id, SettingMaxValues, "is %d; it must be a positive number or -1 (unlimited)", d.MaxValues)
	case d.MaxValues != Unlimited && d.MinValues > d.MaxValues:
		ps.add(id, SettingMinValues, "is %d, more than the maximum of %d", d.MinValues, d.MaxValues)
	}
}

// checkDisplayType: the display types of the setting's description.
func (d *Definition) checkDisplayType(ps *problems) {
	dt := d.DisplayType
	if dt == DisplayDefault {
		return
	}
	var ok bool
	switch d.Type {
	case Boolean:
		// "For boolean attributes the options are "Drop-down",
		// "Checkbox", or "Radio buttons"."
		ok = dt == DisplayDropDown || dt == DisplayCheckbox || dt == DisplayRadioButtons
	case DateTime:
		// "For date/time attributes the options are "Date/time" or "Date
		// only (calendar)" … or "Date only (YYYY-MM-DD)"."
		ok = dt == DisplayDateTime || dt == DisplayDateCalendar || dt == DisplayDateYMD
	case String:
		// "For string attributes with restricted values it becomes
		// available only if the attribute allows multiple values and the
		// options are "Drop-down" or "Drop-down with two-columns"."
		if dt != DisplayDropDown && dt != DisplayTwoColumns {
			break
		}
		if !d.HasRestricted() || d.MaxValues == 1 {
			ps.add(d.ID, SettingDisplayType, "%s is only for String attributes with restricted values that allow several values", dt)
			return
		}
		ok = true
	default:
		return // reported by checkSettingsForType
	}
	if !ok {
		ps.add(d.ID, SettingDisplayType, "%s is not a display type of %s attributes", dt, d.Type)
	}
}

// checkInput: the regular expression and the format mask, parsed as
// [Validate] parses them.
func (d *Definition) checkInput(ps *problems) {
	id := d.ID
	_, maskErr, _, regexErr := d.compileInput()
	if regexErr != nil {
		// The error gives the kind of fault, never the expression.
		ps.add(id, SettingRegexp, "%s", strings.TrimPrefix(regexErr.Error(), "attrs: "))
	}
	// "If you use a regular expression for validation the Description of
	// input values is required."
	if d.Regexp != "" && strings.TrimSpace(d.InputDescription) == "" {
		ps.add(id, SettingInputDescription, "is required with a regular expression")
	}
	if maskErr != nil {
		ps.add(id, SettingFormat, "%s", strings.TrimPrefix(maskErr.Error(), "attrs: "))
	}
}

// checkBooleanTexts: texts that would make a value read as either.
func (d *Definition) checkBooleanTexts(ps *problems) {
	if d.Type != Boolean {
		return
	}
	if v, ok := d.ParseBool(d.TrueText); d.TrueText != "" && (!ok || !v) {
		ps.add(d.ID, SettingTrueText, "reads as the negative value too")
	}
	if v, ok := d.ParseBool(d.FalseText); d.FalseText != "" && (!ok || v) {
		ps.add(d.ID, SettingFalseText, "reads as the positive value too")
	}
	if d.NoneText != "" && (matchesBool(d.NoneText, "true", "1", d.TrueText) || matchesBool(d.NoneText, "false", "0", d.FalseText)) {
		ps.add(d.ID, SettingNoneText, "reads as a value; it must differ from the positive and negative texts")
	}
}

// checkParent: the child's side of a parent/child pair.
func (d *Definition) checkParent(ps *problems) {
	if d.Parent == "" {
		return
	}
	if SameName(d.Parent, d.ID) {
		ps.add(d.ID, SettingParent, "names the attribute itself")
	}
	// "Both parent and child attributes must have restricted values."
	if !d.HasRestricted() && (d.Type == String || d.Type == Integer) {
		ps.add(d.ID, SettingParent, "needs restricted values: both parent and child attributes must have them")
	}
}

// checkRestricted: the static restricted values. Each actual value must
// pass the value rules of [Validate] (the type's form, the field length,
// Format and Regexp): it is a value the attribute stores, so Seed 003's
// "Format requirement of input values" and "Regular expression used for
// validation of input values" apply to it as to a typed value; a display
// value is not checked. Two values under one parent value are the same
// when [Validate] would call them duplicates (as actual values, integers
// by number).
func (d *Definition) checkRestricted(ps *problems) {
	c := newValidation(d, true, func(i int) string { return "restricted value " + strconv.Itoa(i+1) })
	type key struct{ parent, actual string }
	seen := make(map[key]int, len(d.Restricted))
	for i, r := range d.Restricted {
		n := i + 1
		if r.Actual == "" {
			ps.add(d.ID, 0, "restricted value %d has an empty actual value", n)
			continue
		}
		// Seed 003's Caution: "If actual values contain the sequence !!!,
		// Bravura Security Fabric will treat them as macros … This will
		// lead to the values being rejected, due to restricted list
		// mismatch. The !!! sequence must therefore be avoided in actual
		// values."
		if strings.Contains(r.Actual, "!!!") {
			ps.add(d.ID, 0, "restricted value %d has an actual value containing !!!, which Bravura expands as a macro; put macros in the displayed value", n)
		}
		c.valueRules(i, r.Actual)
		ps.addViolations(0, c)
		if r.Parent != "" && d.Parent == "" {
			ps.add(d.ID, 0, "restricted value %d has a parent value but the attribute has no parent attribute", n)
		}
		k, _ := d.compareKey(r.Actual)
		if first, dup := seen[key{r.Parent, k}]; dup {
			ps.add(d.ID, 0, "restricted value %d has the actual value of restricted value %d under the same parent value", n, first)
			continue
		}
		seen[key{r.Parent, k}] = n
	}
}

// checkDefaults: the default values. The defaults for one parent value
// are the values the attribute gets when the parent has that value, so
// they go through [Validate]'s rules as such values would, in one code
// path: the type's form (a Boolean default is what [Definition.ParseBool]
// reads), the field length, Format, Regexp, "Maximum allowed number of
// values", duplicates, and the static restricted values for that parent
// value. Not MinValues (a default need not fill a required attribute),
// and not the lookups of [Env]: with a Plugin, the defaults are not
// compared with the static restricted values, since the plugin decides
// at run time what is offered.
func (d *Definition) checkDefaults(ps *problems) {
	id := d.ID
	for i, df := range d.Defaults {
		if df.Parent != "" && d.Parent == "" {
			ps.add(id, SettingDefaults, "default %d has a parent value but the attribute has no parent attribute", i+1)
		}
		if df.Value == "" {
			// A blank is an empty field, not a value.
			ps.add(id, SettingDefaults, "default %d is empty", i+1)
		}
	}
	done := map[string]bool{}
	for first, df := range d.Defaults {
		if done[df.Parent] {
			continue
		}
		done[df.Parent] = true
		// The other parents' defaults are left blank, so that the index
		// of each value is its default's.
		values := make([]string, len(d.Defaults))
		for j, o := range d.Defaults {
			if o.Parent == df.Parent {
				values[j] = o.Value
			}
		}
		c := newValidation(d, true, func(j int) string {
			if j < 0 {
				return "the defaults for the parent value of default " + strconv.Itoa(first+1)
			}
			return "default " + strconv.Itoa(j+1)
		})
		c.run(context.Background(), Env{}, values, []string{df.Parent})
		ps.addViolations(SettingDefaults, c)
	}
}

// checkEncryption: "If encrypted, the attribute cannot be used in advanced
// search criteria, mapped to an account attribute, or used in profile
// comparisons."
func (d *Definition) checkEncryption(ps *problems) {
	if !d.Encrypted || !SettingEncrypt.AllowedFor(d.Type) {
		return
	}
	if d.AdvancedSearch {
		ps.add(d.ID, SettingEncrypt, "an encrypted attribute cannot be used in advanced search criteria")
	}
	if len(d.AccountAttributes) > 0 {
		ps.add(d.ID, SettingEncrypt, "an encrypted attribute cannot be mapped to an account attribute")
	}
	// The comparison row says the same from its side: "These attributes
	// cannot be encrypted in the database." One rule, one problem.
	if d.ProfileComparison && SettingProfileComparison.AllowedFor(d.Type) {
		ps.add(d.ID, SettingEncrypt, "an encrypted attribute cannot be used in profile comparisons")
	}
}

// Check reports every problem of every definition and the problems
// between them, all at once: nil, or a *[CheckError] with the problems in
// schema order. Beyond [Definition.Check] it requires:
//
//   - no nil definition;
//   - unique IDs, as [SameName] compares them (the later one is reported);
//   - a Parent that names another definition of the schema, which has
//     restricted values ("Both parent and child attributes must have
//     restricted values");
//   - no cycle through Parent;
//   - when the parent's restricted values are static (no Plugin), every
//     parent value of the child's restricted values and defaults is an
//     actual value of the parent, in the form in which the parent
//     compares values (its [Definition.ActualValue]; for an Integer
//     parent the number in plain decimal, "7" and not "+7" or "07"), as
//     [Definition.RestrictedFor] compares exactly and [Schema.Validate]
//     and [Schema.ApplyDefaults] bring the parent's value to that form. The empty parent value is allowed only when the parent is
//     optional (MinValues 0): Seed 003 says, of plugin output, that
//     values "not inside a "parent" KVGroup … would fall under the empty
//     parent value" and "If the parent value is not optional, then any
//     dangling "restrictedvalue" KVPairs are ignored"; bsafe applies the
//     same rule to static values.
func (s Schema) Check() error {
	var ps problems
	for i, d := range s {
		if d == nil {
			ps.add("", 0, "definition %d of the schema is nil", i+1)
			continue
		}
		start := len(ps.list)
		d.check(&ps)
		if d.ID == "" {
			// Name the definition by its place, as it has no ID.
			for _, p := range ps.list[start:] {
				p.Reason += fmt.Sprintf(" (definition %d of the schema)", i+1)
			}
		}
		if d.ID != "" {
			if first := s.index(d.ID); first < i {
				ps.add(d.ID, 0, "the ID is also the ID of definition %d of the schema", first+1)
			}
		}
		s.checkParentOf(d, &ps)
	}
	return ps.err()
}

// index returns the position of the first definition with the given ID,
// or -1.
func (s Schema) index(id string) int {
	for i, d := range s {
		if d != nil && SameName(d.ID, id) {
			return i
		}
	}
	return -1
}

// checkParentOf: the schema's side of d's parent.
func (s Schema) checkParentOf(d *Definition, ps *problems) {
	if d.Parent == "" || SameName(d.Parent, d.ID) {
		return // none, or reported by Definition.Check
	}
	p := s.Lookup(d.Parent)
	if p == nil {
		ps.add(d.ID, SettingParent, "names %q, which is not a definition of the schema", d.Parent)
		return
	}
	if !p.HasRestricted() {
		ps.add(d.ID, SettingParent, "names %q, which has no restricted values: both parent and child attributes must have them", p.ID)
	}
	if s.parentCycle(d) {
		ps.add(d.ID, SettingParent, "leads back to the attribute through parent attributes")
		return
	}
	if p.Plugin != "" || len(p.Restricted) == 0 {
		return // the parent's values are not known statically
	}
	parentValues := map[string]bool{}
	for _, r := range p.Restricted {
		k, _ := p.compareKey(r.Actual)
		parentValues[k] = true
	}
	ok := func(v string) bool {
		if v == "" {
			return p.MinValues == 0
		}
		return parentValues[v]
	}
	for i, r := range d.Restricted {
		if !ok(r.Parent) {
			ps.add(d.ID, 0, "restricted value %d has a parent value that is not an actual value of %q", i+1, p.ID)
		}
	}
	for i, df := range d.Defaults {
		if !ok(df.Parent) {
			ps.add(d.ID, SettingDefaults, "default %d has a parent value that is not an actual value of %q", i+1, p.ID)
		}
	}
}

// parentCycle reports whether following Parent from d comes back to d.
// A chain that ends in a cycle d is not part of is not d's problem: that
// cycle is reported on its own members.
func (s Schema) parentCycle(d *Definition) bool {
	cur := d
	for range len(s) {
		if cur.Parent == "" {
			return false
		}
		cur = s.Lookup(cur.Parent)
		if cur == nil {
			return false
		}
		if cur == d {
			return true
		}
	}
	return false
}
