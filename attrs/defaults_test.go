package attrs_test

import (
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// TestParseBoolDisplayTexts: seed 003's Boolean values, "The default
// choices displayed to end users are True or False, or (None) if the
// attribute is optional", and "To specify other values: … type a text
// string for: Display text for positive value, Display text for negative
// value, Display text for no value".
func TestParseBoolDisplayTexts(t *testing.T) {
	d := attrs.NewDefinition("ACTIVE", attrs.Boolean)
	d.TrueText, d.FalseText, d.NoneText = "Oui", "Non", "(Aucune)"
	type result struct{ v, ok bool }
	for s, want := range map[string]result{
		"true": {true, true}, "TRUE": {true, true}, "True": {true, true}, "1": {true, true},
		"false": {false, true}, "FaLsE": {false, true}, "0": {false, true},
		"Oui": {true, true}, "oui": {true, true}, "OUI": {true, true},
		"Non": {false, true}, "non": {false, true},
		// The text of no value is not a value.
		"(Aucune)": {false, false}, "(None)": {false, false},
		"": {false, false}, " true": {false, false}, "true ": {false, false},
		"yes": {false, false}, "01": {false, false}, "2": {false, false}, "t": {false, false},
	} {
		v, ok := d.ParseBool(s)
		if v != want.v || ok != want.ok {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, %v", s, v, ok, want.v, want.ok)
		}
	}
}

// TestParseBoolDefaultTexts: "The default is True" / "The default is
// False"; NewDefinition sets them, and a bare literal (no texts) still
// reads the words and digits, never the empty string.
func TestParseBoolDefaultTexts(t *testing.T) {
	for _, d := range []*attrs.Definition{attrs.NewDefinition("B", attrs.Boolean), {ID: "B", Type: attrs.Boolean}} {
		if v, ok := d.ParseBool("True"); !v || !ok {
			t.Errorf("%+v: ParseBool(True) = %v, %v", d, v, ok)
		}
		if v, ok := d.ParseBool("false"); v || !ok {
			t.Errorf("%+v: ParseBool(false) = %v, %v", d, v, ok)
		}
		if _, ok := d.ParseBool(""); ok {
			t.Errorf("%+v: ParseBool(\"\") ok", d)
		}
	}
}

// TestParseBoolAmbiguousText: a display text that reads as the other
// value makes that spelling mean nothing rather than either value.
func TestParseBoolAmbiguousText(t *testing.T) {
	d := attrs.NewDefinition("B", attrs.Boolean)
	d.TrueText, d.FalseText = "False", "True" // swapped texts
	for _, s := range []string{"true", "false", "True", "FALSE"} {
		if v, ok := d.ParseBool(s); ok {
			t.Errorf("ParseBool(%q) = %v, true; want not ok", s, v)
		}
	}
	if v, ok := d.ParseBool("1"); !v || !ok {
		t.Errorf("ParseBool(1) = %v, %v", v, ok)
	}
	d.TrueText, d.FalseText = "0", "Nein"
	if _, ok := d.ParseBool("0"); ok {
		t.Error(`ParseBool("0") with TrueText "0" is ok`)
	}
	if v, ok := d.ParseBool("nein"); v || !ok {
		t.Errorf("ParseBool(nein) = %v, %v", v, ok)
	}
}
