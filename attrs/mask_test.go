package attrs_test

import (
	"errors"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

// TestMaskSeedExample: seed 003's "NNNN-NN-NN ... to indicate a series of
// numbers".
func TestMaskSeedExample(t *testing.T) {
	m, err := attrs.ParseMask("NNNN-NN-NN")
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]bool{
		"1987-07-23":  true,
		"0000-00-00":  true,
		"1987-7-23":   false, // too short
		"1987-07-233": false, // too long
		"1987/07/23":  false, // wrong literal
		"198a-07-23":  false, // letter for a digit
		"１987-07-23":  false, // a fullwidth digit is not 0-9
		"":            false,
	} {
		if got := m.Match(v); got != want {
			t.Errorf("Match(%q) = %v, want %v", v, got, want)
		}
	}
	if m.Len() != 10 || m.String() != "NNNN-NN-NN" {
		t.Errorf("Len, String = %d, %q", m.Len(), m.String())
	}
}

func TestMaskPlaceholders(t *testing.T) {
	cases := []struct {
		mask, value string
		want        bool
	}{
		{"AAA", "abc", true},
		{"AAA", "äbç", true},
		{"AAA", "ab1", false},
		{"XX", "a1", true},
		{"XX", "a-", false},
		{"???", "a-1", true},
		{"???", "a-", false},
		{`\N\A-N`, "NA-5", true},
		{`\N\A-N`, "5A-5", false},
		{`\\N`, `\7`, true},
		{"nax", "nax", true}, // lower-case letters are literals
		{"nax", "1b2", false},
		{"ID-N", "id-1", false}, // literals keep their case
	}
	for _, c := range cases {
		m, err := attrs.ParseMask(c.mask)
		if err != nil {
			t.Fatalf("ParseMask(%q): %v", c.mask, err)
		}
		if got := m.Match(c.value); got != c.want {
			t.Errorf("%q.Match(%q) = %v, want %v", c.mask, c.value, got, c.want)
		}
	}
}

func TestMaskErrors(t *testing.T) {
	for _, s := range []string{"", `NN\`, "N\xff", `\` + "\xff"} {
		_, err := attrs.ParseMask(s)
		if !errors.Is(err, attrs.ErrMask) {
			t.Errorf("ParseMask(%q) = %v, want ErrMask", s, err)
		}
	}
	m, _ := attrs.ParseMask("N?")
	if m.Match("1\xff") {
		t.Error("invalid UTF-8 matched")
	}
}

func FuzzMask(f *testing.F) {
	f.Add("NNNN-NN-NN", "1987-07-23")
	f.Add(`\N?AX`, "N-b2")
	f.Fuzz(func(t *testing.T, mask, value string) {
		m, err := attrs.ParseMask(mask)
		if err != nil {
			return
		}
		if m.Match(value) && len([]rune(value)) != m.Len() {
			t.Fatalf("%q matched %q of another length", mask, value)
		}
	})
}
