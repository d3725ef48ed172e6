package attrs

import "strings"

// temporary: helper A's defaults.go replaces this

// ParseBool reads s as a value of a Boolean attribute: "true", "false",
// "1", "0", TrueText or FalseText, without regard to case. A text that
// reads as both values, NoneText and anything else give ok == false.
func (d *Definition) ParseBool(s string) (v bool, ok bool) {
	isTrue := strings.EqualFold(s, "true") || s == "1" || (d.TrueText != "" && strings.EqualFold(s, d.TrueText))
	isFalse := strings.EqualFold(s, "false") || s == "0" || (d.FalseText != "" && strings.EqualFold(s, d.FalseText))
	if isTrue == isFalse {
		return false, false
	}
	return isTrue, true
}
