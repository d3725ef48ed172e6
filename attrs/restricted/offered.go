package restricted

import "github.com/bsafe-go/bsafe/attrs"

// Offered returns what users are offered for attribute d when its parent
// has the value parentValue ("" without a parent) and the plugin returned
// the values returned: seed 003's rule "If a plugin is used to supply
// restricted values, those values which are statically defined ... are
// only displayed if their actual value is returned by the plugin", and
// "The display value used must be set statically; it cannot be returned
// from the plugin".
//
// The result follows the plugin's order. Each value's Actual is
// d.ActualValue of the returned value (upper-cased unless d is
// CaseSensitive, as stored); its Display is that of the static value of
// d for parentValue with the same actual value, or "" (show Actual) when
// there is none. Static values the plugin did not return are not
// offered. A blank returned value is not a selection and is skipped, and
// a value whose actual value was already offered is offered once.
//
// parentValue picks d's static values by exact comparison with their
// Parent (see [attrs.Definition.RestrictedFor]), which are stored as the
// parent's actual values: pass parent.ActualValue(v) for the parent's
// definition parent and its value v, as [Runner.Source] compares them.
func Offered(d *attrs.Definition, parentValue string, returned []string) []attrs.RestrictedValue {
	static := d.RestrictedFor(parentValue)
	var out []attrs.RestrictedValue
	seen := make(map[string]bool, len(returned))
	for _, v := range returned {
		if v == "" {
			continue
		}
		actual := d.ActualValue(v)
		if seen[actual] {
			continue
		}
		seen[actual] = true
		rv := attrs.RestrictedValue{Parent: parentValue, Actual: actual}
		for _, s := range static {
			if d.ActualValue(s.Actual) == actual {
				rv.Display = s.Display
				break
			}
		}
		out = append(out, rv)
	}
	return out
}
