package main

import (
	"context"
	"strconv"

	"github.com/bsafe-go/bsafe/internal/passgen"
)

// generateFlags are bw's "generate" options, spelled as bw spells them.
var generateFlags = []flagDef{
	{name: "uppercase", short: 'u'}, {name: "lowercase", short: 'l'},
	{name: "number", short: 'n'}, {name: "special", short: 's'},
	{name: "passphrase", short: 'p'},
	{name: "length", value: true}, {name: "words", value: true},
	{name: "minNumber", value: true}, {name: "minSpecial", value: true},
	{name: "separator", value: true}, {name: "capitalize"}, {name: "includeNumber"},
	{name: "ambiguous"},
}

// cmdGenerate is "generate": a password (by default bw's -uln --length 14)
// or, with --passphrase, a passphrase. Like bw it never refuses numbers:
// a length or word count it cannot use falls back to bw's value, and
// options that cannot be met are raised to what can (passgen's Adjust).
// It needs no session.
func (a *app) cmdGenerate(_ context.Context, in *input) (*output, error) {
	if in.has("passphrase") {
		o := passgen.DefaultPassphraseOptions()
		o.Words = intFlag(in, "words", o.Words)
		if sep, ok := in.value("separator"); ok {
			switch sep {
			case "space":
				o.Separator = " "
			case "empty":
				o.Separator = ""
			default:
				// bw keeps the first character only.
				for _, r := range sep {
					o.Separator = string(r)
					break
				}
			}
		}
		o.Capitalize = in.has("capitalize")
		o.IncludeNumber = in.has("includeNumber")
		s, err := passgen.Passphrase(o.Adjust())
		if err != nil {
			return nil, err
		}
		return text(s), nil
	}
	o := passgen.DefaultOptions()
	if in.has("uppercase") || in.has("lowercase") || in.has("number") || in.has("special") {
		o.Uppercase, o.Lowercase = in.has("uppercase"), in.has("lowercase")
		o.Numbers, o.Special = in.has("number"), in.has("special")
	}
	o.Length = intFlag(in, "length", o.Length)
	o.MinNumbers = intFlag(in, "minNumber", 0)
	o.MinSpecial = intFlag(in, "minSpecial", 0)
	o.AvoidAmbiguous = in.has("ambiguous")
	s, err := passgen.Password(o.Adjust())
	if err != nil {
		return nil, err
	}
	return text(s), nil
}

// intFlag reads a numeric flag; a missing or non-numeric value gives def,
// as bw's generate falls back to its defaults.
func intFlag(in *input, name string, def int) int {
	v, ok := in.value(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}
