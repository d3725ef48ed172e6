package restricted

import (
	"errors"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeOutput: Decode never panics; it returns an Output or an
// error matching ErrOutput, never both, and its errors never quote the
// input. A decoded Output has one entry per parent value, ValuesFor
// agrees with Parents, Err agrees with Retval, and Output.Group reads
// back to an equal Output.
func FuzzDecodeOutput(f *testing.F) {
	for _, s := range []string{
		seedOutput1,
		seedOutput2,
		seedOutput2Intended,
		seedParentFormat,
		`"" "" = { "retval" = "-3" "errmsg" = "x" "parent" "" = { "restrictedvalue" = "" } "parent" "" = { } }`,
		`"" "" = { "retval" = "0" "parent" "sensitive-p" = { "restrictedvalue" = "sensitive-v\"\\" } }`,
		`"" "" = { "retval" = "sensitive-retval" }`,
		`"" "" = { "restrictedvalue" = "sensitive-unterminated }`,
		"# KVGROUP-V1.0\n\"\" \"\" = { \"retval\" = \"0\" \"bare\" \"x\" \"\" = { } }",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := Decode(strings.NewReader(s))
		if err != nil {
			if o != nil {
				t.Fatalf("Decode returned both %+v and %v", o, err)
			}
			if !errors.Is(err, ErrOutput) {
				t.Fatalf("Decode error %v does not match ErrOutput", err)
			}
			if strings.Contains(err.Error(), "sensitive") {
				t.Fatalf("error %q quotes the input", err)
			}
			return
		}
		if (o.Err() == nil) != (o.Retval == 0) {
			t.Fatalf("Err() = %v with Retval %d", o.Err(), o.Retval)
		}
		seen := map[string]bool{}
		for _, p := range o.Parents {
			if seen[p.Parent] {
				t.Fatalf("parent value %q listed twice", p.Parent)
			}
			seen[p.Parent] = true
			if p.Parent != "" {
				if got := o.ValuesFor(p.Parent, false); !cmp.Equal(got, p.Values) {
					t.Fatalf("ValuesFor(%q) = %q, want %q", p.Parent, got, p.Values)
				}
			}
		}
		if got, want := len(o.ValuesFor("", true)), len(o.Values)+len(o.ValuesFor("", false)); got != want {
			t.Fatalf("ValuesFor(\"\", true) has %d values, want the %d root values plus the explicit ones", got, want)
		}
		g, err := kvgroup.ParseBytes(kvgroup.Format(o.Group()))
		if err != nil {
			t.Fatalf("Group() does not parse: %v", err)
		}
		back, err := FromGroup(g)
		if err != nil {
			t.Fatalf("FromGroup(Group()): %v", err)
		}
		if diff := cmp.Diff(o, back); diff != "" {
			t.Fatalf("round trip (-decoded +again):\n%s", diff)
		}
	})
}
