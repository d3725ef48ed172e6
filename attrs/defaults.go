package attrs

import (
	"slices"
	"strings"
)

// This file holds what a definition's values mean before any rule is
// checked: how a Boolean value reads, which defaults apply, and what a
// report shows.

// ParseBool reads s as a value of a Boolean attribute. It accepts "true",
// "false", "1" and "0", and the definition's TrueText and FalseText (an
// empty text is no text), all without regard to case (as
// [strings.EqualFold] compares). Seed 003 lets the display texts replace
// "True" and "False" in the user interface, so a value typed or stored as
// the display text reads as the value it stands for.
//
// NoneText is the display of no value, not a value: ParseBool reports
// ok == false for it, as for any other text. So it does for a text that
// reads as both values (such as a TrueText "0", or TrueText and FalseText
// spelled alike), because either reading could be wrong; [Definition.Check]
// refuses such texts. Leading and trailing spaces are not trimmed. A nil
// definition has no display texts: it reads the words and digits only.
func (d *Definition) ParseBool(s string) (v bool, ok bool) {
	var trueText, falseText string
	if d != nil {
		trueText, falseText = d.TrueText, d.FalseText
	}
	isTrue := matchesBool(s, "true", "1", trueText)
	isFalse := matchesBool(s, "false", "0", falseText)
	if isTrue == isFalse {
		return false, false
	}
	return isTrue, true
}

// matchesBool reports whether s is the word, the digit or the display
// text of one Boolean value.
func matchesBool(s, word, digit, text string) bool {
	return strings.EqualFold(s, word) || s == digit || (text != "" && strings.EqualFold(s, text))
}

// DefaultsFor returns the default values offered when the parent
// attribute has the value parentValue (pass "" for an attribute without a
// parent), in the order of Defaults. Parent values compare exactly, as in
// [Definition.RestrictedFor]: pass the parent's actual value. Empty
// defaults are left out, as a blank is an empty field, not a value. The
// defaults of an attribute with restricted values are returned as it
// stores them, in the form of [Definition.ActualValue] ("The actual value
// will be stored uppercase unless the Restricted values are
// case-sensitive option is selected"). A nil definition has no defaults.
func (d *Definition) DefaultsFor(parentValue string) []string {
	if d == nil {
		return nil
	}
	var out []string
	for _, df := range d.Defaults {
		if df.Parent != parentValue || df.Value == "" {
			continue
		}
		v := df.Value
		if d.HasRestricted() {
			v = d.ActualValue(v)
		}
		out = append(out, v)
	}
	return out
}

// ApplyDefaults returns a copy of v in which every attribute of the
// schema that has no value (it is absent, or all its values are blank)
// holds its defaults, as seed 003 says: "Default values are always used
// for request-only attributes, or for profile attributes during requests
// for new profiles. They are not applied to profile attributes of
// existing users." So a definition's defaults apply when it is
// RequestOnly or newProfile is true. v itself is not changed.
//
// A child's defaults are those of its parent's value in the result, so a
// parent's own default chooses the child's; parents are filled first,
// whatever the schema's order. The parent's value is read in its stored
// form (upper-cased unless case-sensitive; an Integer as its plain
// decimal number); a parent with no value gives
// the empty parent value, and a parent with several values gives the
// defaults of each in turn, each value once. An attribute absent from v
// is added at the end, in the order filled (a parent before its child);
// one present but blank is filled in place.
//
// ApplyDefaults does not check the schema (see [Schema.Check]): nil
// definitions are skipped, a definition with the ID of an earlier one is
// ignored as [Schema.Lookup] ignores it, and a cycle of parents is cut
// where it closes rather than followed.
func (s Schema) ApplyDefaults(v Values, newProfile bool) Values {
	out := v.Clone()
	const (
		unvisited = iota
		inProgress
		done
	)
	state := make(map[*Definition]int, len(s))
	var apply func(d *Definition)
	apply = func(d *Definition) {
		if state[d] != unvisited {
			return // done, or a parent cycle closing here
		}
		state[d] = inProgress
		var parent *Definition
		if d.Parent != "" {
			if parent = s.Lookup(d.Parent); parent != nil {
				apply(parent)
			}
		}
		state[d] = done
		if (!d.RequestOnly && !newProfile) || hasValue(out, d.ID) {
			return
		}
		if defaults := d.defaultsUnder(parentValues(out, d.Parent, parent)); len(defaults) > 0 {
			out.Set(d.ID, defaults...)
		}
	}
	for _, d := range s {
		if d != nil && d.ID != "" && s.Lookup(d.ID) == d {
			apply(d)
		}
	}
	return out
}

// hasValue reports whether v holds a non-blank value of name.
func hasValue(v Values, name string) bool {
	vals, _ := v.Lookup(name)
	for _, s := range vals {
		if s != "" {
			return true
		}
	}
	return false
}

// parentValues returns the non-blank values of the parent attribute in
// v, in the form in which the parent compares them
// ([Definition.compareKey]: the actual value, an integer as its decimal
// number), or the empty parent value when it has none. parent is the
// parent's definition, nil if the schema has none.
func parentValues(v Values, name string, parent *Definition) []string {
	if name == "" {
		return []string{""}
	}
	var out []string
	vals, _ := v.Lookup(name)
	for _, s := range vals {
		if s == "" {
			continue
		}
		if parent != nil && parent.HasRestricted() {
			s, _ = parent.compareKey(s)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// defaultsUnder returns the defaults of each parent value in turn: all of
// the first one's, then those of the others that are not already in.
func (d *Definition) defaultsUnder(parentValues []string) []string {
	var out []string
	seenParent := map[string]bool{}
	for i, pv := range parentValues {
		if seenParent[pv] {
			continue
		}
		seenParent[pv] = true
		for _, v := range d.DefaultsFor(pv) {
			if i == 0 || !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// ReportMask is what a report shows for each value of an encrypted or
// Password attribute: one fixed text, so that a report does not give
// away a value's length.
const ReportMask = "********"

// ReportValues returns what a report shows of the attribute's values:
// nil when the definition is not DisplayInReports ("Allow or disallow the
// attribute values to be displayed in reports"), otherwise a copy of
// values in which each non-blank value is [ReportMask] when the attribute
// is Encrypted ("Encrypted attribute values are masked in reports"). Seed
// 003 masks only encrypted attributes; bsafe masks Password attributes
// too, as their values are secrets whether or not the database encrypts
// them. Blank values stay blank: an empty field hides nothing.
//
// The result is nil exactly when the report shows nothing of the
// attribute (not DisplayInReports, or a nil definition); an attribute
// that is shown but has no values gives an empty, non-nil slice, so that
// a report can tell "hidden" from "empty".
func (d *Definition) ReportValues(values []string) []string {
	if d == nil || !d.DisplayInReports {
		return nil
	}
	out := append(make([]string, 0, len(values)), values...)
	if d.Encrypted || d.Type == Password {
		for i, v := range out {
			if v != "" {
				out[i] = ReportMask
			}
		}
	}
	return out
}
