package restricted

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/google/go-cmp/cmp"
)

// Seed 003's first output example ("where there is no parent attribute")
// decodes exactly, and Output.Group writes it back as the same tree.
func TestDecodeSeedOutputNoParent(t *testing.T) {
	o, err := Decode(strings.NewReader(seedOutput1))
	if err != nil {
		t.Fatal(err)
	}
	want := &Output{Retval: 0, Errmsg: "success", Values: []string{"Alberta", "Quebec", "New York", "California"}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Fatalf("Decode (-want +got):\n%s", diff)
	}
	if err := o.Err(); err != nil {
		t.Fatalf("Err() = %v, want nil for retval 0", err)
	}
	g, _ := kvgroup.ParseString(seedOutput1)
	if back := o.Group(); !back.Equal(g) {
		t.Fatalf("Group():\n%s\nwant the seed's tree:\n%s", back, g)
	}
	if got := o.ValuesFor("", true); !cmp.Equal(got, want.Values) {
		t.Fatalf("ValuesFor(\"\", true) = %q, want the root values", got)
	}
}

// Seed 003's second output example is malformed as printed ("parent" =
// "US" = { and unbalanced braces): it is rejected with a
// *kvgroup.SyntaxError, matching ErrOutput, and no partial output.
func TestDecodeSeedOutputWithParentAsPrinted(t *testing.T) {
	o, err := Decode(strings.NewReader(seedOutput2))
	if o != nil {
		t.Fatalf("Decode returned output %+v with the error", o)
	}
	var se *kvgroup.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("Decode error = %v, want a *kvgroup.SyntaxError", err)
	}
	if !errors.Is(err, ErrOutput) {
		t.Fatalf("Decode error = %v, want it to match ErrOutput", err)
	}
	// The first defect is the '=' after "parent" = "US" (column 55).
	if se.Line != 1 || se.Col != 55 {
		t.Errorf("syntax error at %d:%d, want 1:55 (the '=' after \"parent\" = \"US\")", se.Line, se.Col)
	}
}

// The document the second example evidently means decodes to "Other"
// under the empty parent and the values of US and CA. Seed 003: "If the
// parent's value is empty, then any "restrictedvalue" KVPairs not inside
// a "parent" KVGroup ("Other" in the above example) would fall under the
// empty parent value ... If the parent value is not optional, then any
// dangling "restrictedvalue" KVPairs are ignored."
func TestDecodeSeedOutputWithParentIntended(t *testing.T) {
	o, err := Decode(strings.NewReader(seedOutput2Intended))
	if err != nil {
		t.Fatal(err)
	}
	want := &Output{
		Errmsg: "success",
		Values: []string{"Other"},
		Parents: []ParentValues{
			{Parent: "US", Values: []string{"NY", "WA", "TX", "CA"}},
			{Parent: "CA", Values: []string{"AB", "QC"}},
		},
	}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Fatalf("Decode (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		parent   string
		optional bool
		want     []string
	}{
		{"", true, []string{"Other"}}, // dangling values fall under the empty parent
		{"", false, nil},              // ... and are ignored when the parent is not optional
		{"US", false, []string{"NY", "WA", "TX", "CA"}},
		{"US", true, []string{"NY", "WA", "TX", "CA"}}, // root values only for the empty parent
		{"CA", true, []string{"AB", "QC"}},
		{"us", true, nil}, // ValuesFor compares exactly
		{"MX", true, nil},
	} {
		if got := o.ValuesFor(tc.parent, tc.optional); !cmp.Equal(got, tc.want) {
			t.Errorf("ValuesFor(%q, %v) = %q, want %q", tc.parent, tc.optional, got, tc.want)
		}
	}
}

// Seed 003: "The plugin can also specify an explicit "parent" ""
// KVGroup for this case." Its values follow the dangling ones; bsafe
// keeps them also for a required parent (documented at ValuesFor).
// Groups repeating a parent value are merged.
func TestValuesForExplicitEmptyParent(t *testing.T) {
	o, err := Decode(strings.NewReader(`"" "" = {
		"restrictedvalue" = "Dangling"
		"parent" "" = { "restrictedvalue" = "Explicit" }
		"parent" "US" = { "restrictedvalue" = "NY" }
		"parent" "US" = { "restrictedvalue" = "WA" }
		"retval" = "0" }`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := o.ValuesFor("", true), []string{"Dangling", "Explicit"}; !cmp.Equal(got, want) {
		t.Errorf("ValuesFor(\"\", true) = %q, want %q", got, want)
	}
	if got, want := o.ValuesFor("", false), []string{"Explicit"}; !cmp.Equal(got, want) {
		t.Errorf("ValuesFor(\"\", false) = %q, want %q", got, want)
	}
	if got, want := o.Parents, []ParentValues{{Parent: "", Values: []string{"Explicit"}}, {Parent: "US", Values: []string{"NY", "WA"}}}; !cmp.Equal(got, want) {
		t.Errorf("Parents = %+v, want %+v", got, want)
	}
}

// The seed's format line "parent" "<parent value>" { lacks KVGroup's
// '='; bsafe reads standard syntax only and rejects it.
func TestDecodeSeedParentFormatLine(t *testing.T) {
	_, err := Decode(strings.NewReader(seedParentFormat))
	var se *kvgroup.SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, ErrOutput) {
		t.Fatalf("Decode error = %v, want a *kvgroup.SyntaxError matching ErrOutput", err)
	}
}

// Seed 003: "retval" is "Mandatory; zero is success and non-zero is
// failure".
func TestDecodeRetval(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		ok        bool
		retval    int
	}{
		{"missing", `"" "" = { "errmsg" = "success" "restrictedvalue" = "A" }`, false, 0},
		{"not an integer", `"" "" = { "retval" = "sensitive-zero" }`, false, 0},
		{"empty", `"" "" = { "retval" = "" }`, false, 0},
		{"blank around", `"" "" = { "retval" = " 0" }`, false, 0},
		{"only in a parent group", `"" "" = { "parent" "US" = { "retval" = "0" } }`, false, 0},
		{"zero", `"" "" = { "retval" = "0" }`, true, 0},
		{"failure", `"" "" = { "retval" = "3" }`, true, 3},
		{"negative", `"" "" = { "retval" = "-1" }`, true, -1},
		{"first counts", `"" "" = { "retval" = "0" "retval" = "1" }`, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Decode(strings.NewReader(tc.doc))
			if !tc.ok {
				if err == nil || !errors.Is(err, ErrOutput) {
					t.Fatalf("Decode error = %v, want one matching ErrOutput", err)
				}
				if !strings.Contains(err.Error(), `"retval"`) {
					t.Errorf("error %q does not name the key \"retval\"", err)
				}
				if strings.Contains(err.Error(), "sensitive") {
					t.Errorf("error %q quotes the value", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Retval != tc.retval {
				t.Fatalf("Retval = %d, want %d", o.Retval, tc.retval)
			}
		})
	}
}

// Seed 003: "restrictedvalue" = "<value>" # 1 or more. bsafe reads a
// successful output without any as no values offered, not as an error.
func TestFromGroupNoValues(t *testing.T) {
	o, err := Decode(strings.NewReader(`"" "" = { "errmsg" = "none" "parent" "US" = { } "retval" = "0" }`))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := &Output{Errmsg: "none", Parents: []ParentValues{{Parent: "US"}}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Fatalf("Decode (-want +got):\n%s", diff)
	}
	if o.Err() != nil || len(o.ValuesFor("", true)) != 0 || len(o.ValuesFor("US", false)) != 0 {
		t.Fatalf("Err() = %v, ValuesFor = %q, %q; want nil and no values", o.Err(), o.ValuesFor("", true), o.ValuesFor("US", false))
	}
}

// A non-zero retval is a *PluginError carrying retval and errmsg.
func TestOutputErr(t *testing.T) {
	o, err := Decode(strings.NewReader(`"" "" = { "errmsg" = "county unknown" "retval" = "5" }`))
	if err != nil {
		t.Fatal(err)
	}
	var pe *PluginError
	if !errors.As(o.Err(), &pe) {
		t.Fatalf("Err() = %v, want a *PluginError", o.Err())
	}
	if pe.Retval != 5 || pe.Errmsg != "county unknown" {
		t.Fatalf("PluginError = %+v, want retval 5, errmsg county unknown", pe)
	}
	if got, want := pe.Error(), `restricted: plugin failed with retval 5`; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

// A plugin's errmsg may echo its input (profile attributes): Error()
// shows the retval only, also through wrapping as a validation error
// would, and Errmsg keeps the text for display.
func TestPluginErrorHidesErrmsg(t *testing.T) {
	o, err := Decode(strings.NewReader(`"" "" = { "errmsg" = "no state for SSN ` + canary + `" "retval" = "3" }`))
	if err != nil {
		t.Fatal(err)
	}
	wrapped := fmt.Errorf("attribute STATE: %w", o.Err())
	for _, s := range []string{o.Err().Error(), wrapped.Error(), fmt.Sprintf("%v %+v", o.Err(), wrapped)} {
		if strings.Contains(s, canary) || strings.Contains(s, "SSN") {
			t.Fatalf("error text %q shows the plugin's errmsg", s)
		}
	}
	var pe *PluginError
	if !errors.As(wrapped, &pe) || pe.Errmsg != "no state for SSN "+canary {
		t.Fatalf("Errmsg = %+v, want the plugin's message", pe)
	}
}

// Decode reads at most DefaultMaxOutput bytes: a larger document is an
// ErrOutput wrapping a *kvgroup.LimitError.
func TestDecodeSizeLimit(t *testing.T) {
	doc := `"" "" = { "retval" = "0" "restrictedvalue" = "` + strings.Repeat("x", DefaultMaxOutput) + `" }`
	_, err := Decode(strings.NewReader(doc))
	var le *kvgroup.LimitError
	if !errors.As(err, &le) || !errors.Is(err, ErrOutput) {
		t.Fatalf("Decode error = %v, want a *kvgroup.LimitError matching ErrOutput", err)
	}
	if le.Limit != "MaxBytes" {
		t.Fatalf("limit %q, want MaxBytes", le.Limit)
	}
}

// Output is exactly one document: a second one, or garbage after it,
// is rejected; so are no document and a bad reader.
func TestDecodeMalformed(t *testing.T) {
	for name, doc := range map[string]string{
		"two documents": `"" "" = { "retval" = "0" } "" "" = { "retval" = "1" }`,
		"trailing text": `"" "" = { "retval" = "0" } junk`,
		"empty":         ``,
		"not kvgroup":   `retval=0`,
		"unterminated":  `"" "" = { "retval" = "0"`,
		"V2 syntax":     "# KVGROUP-V2.0\nout = { retval = 0; };",
	} {
		t.Run(name, func(t *testing.T) {
			o, err := Decode(strings.NewReader(doc))
			if o != nil || !errors.Is(err, ErrOutput) {
				t.Fatalf("Decode = %+v, %v; want nil and an error matching ErrOutput", o, err)
			}
		})
	}
	if _, err := Decode(errReader{}); err == nil {
		t.Fatal("Decode of a failing reader: no error")
	}
	if _, err := FromGroup(nil); err == nil {
		t.Fatal("FromGroup(nil): no error")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("read failed") }

// Items the protocol does not define are ignored: value-only items,
// other pairs, other groups, "restrictedvalue" nested deeper than a
// "parent" group.
func TestFromGroupIgnoresUnknownItems(t *testing.T) {
	o, err := Decode(strings.NewReader(`# KVGROUP-V1.0
	"" "" = {
		"bare"
		"other" = "x"
		"misc" "" = { "restrictedvalue" = "NotMine" }
		"parent" "US" = { "inner" "" = { "restrictedvalue" = "Deep" } "restrictedvalue" = "NY" }
		"restrictedvalue" = "A"
		"retval" = "0"
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Output{Values: []string{"A"}, Parents: []ParentValues{{Parent: "US", Values: []string{"NY"}}}}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
