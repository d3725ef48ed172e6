package attrs_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// fuzzDefinitions cover every rule: counts, lengths, duplicates, the
// three parsed types, mask, regexp, static and plugin restricted values
// with a parent, user and link lookups.
func fuzzDefinitions() []*attrs.Definition {
	return []*attrs.Definition{
		def("S", attrs.String, func(d *attrs.Definition) {
			d.MinValues, d.MaxValues, d.MaxLength = 1, 3, 12
			d.Format = "NNNN-NN-NN"
			d.Regexp = `1.*|\Q2.`
			d.InputDescription = "a date"
		}),
		def("R", attrs.String, func(d *attrs.Definition) {
			d.MaxValues, d.MaxLength = attrs.Unlimited, 3
			d.Parent = "S"
			d.Restricted = []attrs.RestrictedValue{{Actual: "NY"}, {Parent: "1987-07-23", Actual: "AB"}}
		}),
		def("P", attrs.Integer, func(d *attrs.Definition) {
			d.MaxValues = 4
			d.Plugin = "plugin"
			d.Parent = "R"
		}),
		def("I", attrs.Integer, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited }),
		def("B", attrs.Boolean, func(d *attrs.Definition) { d.TrueText, d.FalseText = "Oui", "Non" }),
		def("D", attrs.DateTime, nil),
		def("Y", attrs.DateTime, func(d *attrs.Definition) { d.DisplayType = attrs.DisplayDateYMD }),
		def("U", attrs.User, func(d *attrs.Definition) { d.MaxValues = attrs.Unlimited; d.ValidateUser = true }),
		def("L", attrs.Link, func(d *attrs.Definition) { d.MaxValues = 2; d.ValidateLink = true }),
		def("W", attrs.Password, func(d *attrs.Definition) { d.MaxLength = 8; d.Format = `A\N?X` }),
	}
}

// messageAlphabet is every character the package's own messages use
// (IDs of fuzzDefinitions included). A value with any other character
// cannot hide in a message made of these.
// quotedID is an attribute ID of fuzzDefinitions as messages quote it.
var quotedID = regexp.MustCompile(`attribute "[A-Z]"`)

func inMessageAlphabet(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" :;,.()[]-/", r)
}

// FuzzValidate: random values against the definitions of a schema: no
// panic, and no message quotes a value. Values are the input split at
// newlines; the canary is always one of them.
func FuzzValidate(f *testing.F) {
	f.Add("1987-07-23\nNY\n7\ntrue\n1987-07-23 06:00:00")
	f.Add("\n\n\nab\nAB\n+7\n007\nOui\nnon\n2024-02-29")
	f.Add("\xff\xfe\x00\n1\n9223372036854775808\n!!!\nhttps://x.example/?token=abc")
	f.Add("x1-y\nA7zQ\nÖ1é2\n2.\n1")
	schema := attrs.Schema(fuzzDefinitions())
	env := attrs.Env{
		RestrictedValues: func(_ context.Context, d *attrs.Definition, parent string) ([]string, error) {
			if parent == "AB" {
				return nil, errors.New("plugin failed")
			}
			return []string{"1", "22", "333"}, nil
		},
		UserExists: func(_ context.Context, id string) (bool, error) {
			if strings.HasPrefix(id, "down") {
				return false, errors.New("directory unavailable")
			}
			return len(id)%2 == 0, nil
		},
		// This checker quotes the link, as net/http's errors do; the
		// message must not.
		CheckLink: func(_ context.Context, link string) error {
			if strings.HasPrefix(link, "https://") {
				return nil
			}
			return errors.New("refused " + link)
		},
	}
	f.Fuzz(func(t *testing.T, input string) {
		values := append(strings.Split(input, "\n"), canary)
		// Every definition against the same values, and the schema over a
		// profile where each attribute holds them.
		for _, d := range schema {
			err := attrs.Validate(context.Background(), d, values, attrs.Env{
				Values: attrs.Values{{Name: "S", Values: values}, {Name: "R", Values: values}},

				RestrictedValues: env.RestrictedValues, UserExists: env.UserExists, CheckLink: env.CheckLink,
			})
			checkFuzzMessage(t, err)
			var verr *attrs.ValidationError
			if errors.As(err, &verr) {
				for _, v := range verr.Violations {
					if v.Index < -1 || v.Index >= len(values) || (v.Index >= 0 && values[v.Index] == "") {
						t.Fatalf("%s: violation %v points at no value", d.ID, v)
					}
				}
			}
		}
		var profile attrs.Values
		for _, d := range schema {
			profile.Set(d.ID, values...)
		}
		checkFuzzMessage(t, schema.Validate(context.Background(), profile, env))
	})
}

// checkFuzzMessage checks the message of err and of each violation
// inside it.
func checkFuzzMessage(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	checkFuzzText(t, err.Error())
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case *attrs.ValidationError:
			for _, v := range x.Violations {
				checkFuzzText(t, v.Error())
			}
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		}
	}
	walk(err)
}

func checkFuzzText(t *testing.T, msg string) {
	t.Helper()
	if strings.Contains(msg, canary) {
		t.Fatalf("the message quotes the canary: %s", msg)
	}
	// The quotes around the attribute IDs (one capital letter each) are
	// the message's own.
	for _, r := range quotedID.ReplaceAllString(msg, "attribute ID") {
		if !inMessageAlphabet(r) && r != '\n' { // errors.Join separates with newlines
			t.Fatalf("the message has %q, which only a value can have brought: %s", r, msg)
		}
	}
}
