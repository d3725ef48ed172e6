package attrs

import (
	"strconv"
	"strings"
)

// This file holds the one shape of the package's error messages:
//
//	attrs: attribute "ID": Setting: reason               (a Problem)
//	attrs: attribute "ID": value [i]: reason             (a Violation)
//	attrs: attribute "ID": RestrictedValues failed: …    (an OpError)
//	attrs: attribute "ID": 3 violations: …; …; and 1 more
//	attrs: 5 problems in attribute definitions: …; …
//
// An attribute ID is quoted (strconv.Quote), so that an ID holding a line
// break or a quote cannot forge a line of a log; a value never appears.

// maxShown is how many problems or violations a message spells out; the
// rest are counted, so that a schema with many bad definitions or an
// attribute with a thousand bad values still gives a readable message.
// The error's slice has them all.
const maxShown = 3

// attributeLabel names an attribute in a message: `attribute "ID"`, or
// "attribute definition" when the ID is empty.
func attributeLabel(id string) string {
	if id == "" {
		return "attribute definition"
	}
	return "attribute " + strconv.Quote(id)
}

// summary returns head, then the first maxShown items as show gives
// them, and the number of the others.
func summary[E any](head string, items []E, show func(E) string) string {
	var b strings.Builder
	b.WriteString(head)
	for i, it := range items {
		if i == maxShown {
			b.WriteString("; and " + strconv.Itoa(len(items)-i) + " more")
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(show(it))
	}
	return b.String()
}

// asErrors returns items as a []error, for an Unwrap() []error.
func asErrors[E error](items []E) []error {
	out := make([]error, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// plural returns "1 value" or "3 values".
func plural(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
