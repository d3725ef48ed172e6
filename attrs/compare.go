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
		return FoldProfileID(v), true
	}
	return v, true
}

// parseInteger reads a value of an Integer attribute: an optional sign
// and decimal digits, within int64, nothing trimmed. Its error is
// strconv's, which quotes the value: keep it out of messages.
func parseInteger(v string) (int64, error) { return strconv.ParseInt(v, 10, 64) }

// FoldProfileID returns the key under which profile IDs that differ only
// in case meet: two IDs have the same key exactly when [strings.EqualFold]
// says they are equal. Seed 004: Bravura "preserves the case of what is
// imported or entered", but "the usage of profile names in the Web
// interface is case insensitive". Package attrs/profile indexes profiles
// by it, and User values compare by it.
//
// Each rune is replaced by the smallest rune of its Unicode simple-folding
// orbit; for ASCII that is the upper-case letter (for k and s too, whose
// orbits hold the Kelvin sign and the long s), so ASCII IDs take a fast
// path. Invalid UTF-8 bytes fold as U+FFFD, as EqualFold reads them.
func FoldProfileID(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s)
	}
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
