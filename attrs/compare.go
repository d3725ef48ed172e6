package attrs

import (
	"strconv"
	"strings"
	"unicode"
)

// compareKey returns the form in which two values of d are the same
// value: equal keys, equal values. It is the one comparison of values in
// the package, used alike by [Validate] (duplicates, restricted values)
// and by [Definition.Check] (restricted values that repeat, defaults that
// repeat or are not restricted values), so that the two never disagree:
//
//   - Integer: by number, so "7", "+7", "007" and "+07" are one value (and
//     so are "0" and "-0"). ok is false for a value that is not an
//     integer ([RuleInteger] reports it); its key is then its actual value.
//   - String with restricted values: the actual value
//     ([Definition.ActualValue]: upper-cased unless CaseSensitive).
//   - String without restricted values, and every other type but User:
//     exactly, as typed.
//   - User: without regard to case, as [strings.EqualFold] compares, since
//     profile IDs are: seed 004 says "the usage of profile names in the
//     Web interface is case insensitive".
func (d *Definition) compareKey(v string) (key string, ok bool) {
	switch d.Type {
	case Integer:
		n, err := parseInteger(v)
		if err != nil {
			return d.ActualValue(v), false
		}
		return strconv.FormatInt(n, 10), true
	case String:
		if d.HasRestricted() {
			return d.ActualValue(v), true
		}
	case User:
		return foldKey(v), true
	}
	return v, true
}

// parseInteger reads a value of an Integer attribute: an optional sign
// and decimal digits, within int64, nothing trimmed. Its error is
// strconv's, which quotes the value: keep it out of messages.
func parseInteger(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) }

// foldKey returns a key equal for two strings exactly when
// strings.EqualFold says they are equal: each rune replaced by the
// smallest rune of its simple case-folding orbit.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		lowest := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			lowest = min(lowest, f)
		}
		b.WriteRune(lowest)
	}
	return b.String()
}
