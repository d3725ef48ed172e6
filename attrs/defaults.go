package attrs

import "strings"

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
// refuses such texts. Leading and trailing spaces are not trimmed.
func (d *Definition) ParseBool(s string) (v bool, ok bool) {
	isTrue := matchesBool(s, "true", "1", d.TrueText)
	isFalse := matchesBool(s, "false", "0", d.FalseText)
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
