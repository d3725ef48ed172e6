package restricted

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/google/go-cmp/cmp"
)

// countryState is seed 003's parent/child example: COUNTRY (the parent,
// with static restricted values) and STATE, whose values a plugin
// supplies per country.
func countryState(countryMin int) attrs.Schema {
	country := attrs.NewDefinition("COUNTRY", attrs.String)
	country.MinValues = countryMin
	country.Restricted = []attrs.RestrictedValue{{Actual: "US"}, {Actual: "CA"}}
	state := attrs.NewDefinition("STATE", attrs.String)
	state.Parent, state.Plugin = "COUNTRY", "states-plugin"
	return attrs.Schema{country, state}
}

// Source runs the plugin for the definition (Attribute = its ID, Parent
// = its parent's ID, the rest from base) and picks the values for the
// parent value, with the seed's rule for dangling values: "If the parent
// value is not optional, then any dangling "restrictedvalue" KVPairs are
// ignored."
func TestSourceParentValues(t *testing.T) {
	record := filepath.Join(t.TempDir(), "stdin")
	r := testPlugin(t, "hier", recordEnv+"="+record)
	for _, tc := range []struct {
		name       string
		countryMin int
		parent     string
		want       []string
	}{
		{"US", 0, "US", []string{"NY", "WA", "TX", "CA"}},
		{"CA", 1, "CA", []string{"AB", "QC"}},
		{"parent value as an actual value", 0, "us", []string{"NY", "WA", "TX", "CA"}},
		{"empty optional parent", 0, "", []string{"Other"}},
		{"empty required parent", 1, "", nil},
		{"unknown parent value", 0, "MX", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := countryState(tc.countryMin)
			src := r.Source(s, Input{Module: ModuleIDR, Attribute: "overwritten", Parent: "overwritten"})
			got, err := src(context.Background(), s.Lookup("STATE"), tc.parent)
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(got, tc.want) {
				t.Fatalf("values = %q, want %q", got, tc.want)
			}
		})
	}
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	g, err := kvgroup.ParseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if g.Get("attribute") != "STATE" || g.Get("parent") != "COUNTRY" || g.Get("module") != "idr" {
		t.Fatalf("plugin input:\n%s\nwant attribute STATE, parent COUNTRY, module idr", b)
	}
}

// A case-sensitive parent compares parent values exactly.
func TestSourceCaseSensitiveParent(t *testing.T) {
	s := countryState(0)
	s[0].CaseSensitive = true
	src := testPlugin(t, "hier").Source(s, Input{})
	got, err := src(context.Background(), s[1], "us")
	if err != nil {
		t.Fatal(err)
	}
	if got != nil {
		t.Fatalf("values for \"us\" = %q, want none (the parent is case-sensitive)", got)
	}
}

// An attribute without a parent takes the root values.
func TestSourceNoParent(t *testing.T) {
	d := attrs.NewDefinition("PROVINCE", attrs.String)
	d.Plugin = "provinces"
	src := testPlugin(t, "seed1").Source(attrs.Schema{d}, Input{})
	got, err := src(context.Background(), d, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Alberta", "Quebec", "New York", "California"}; !cmp.Equal(got, want) {
		t.Fatalf("values = %q, want %q", got, want)
	}
}

// With an empty Runner.Path, the definition's Plugin is the program.
func TestSourceRunsDefinitionPlugin(t *testing.T) {
	r := testPlugin(t, "seed1")
	d := attrs.NewDefinition("PROVINCE", attrs.String)
	d.Plugin, r.Path = r.Path, ""
	got, err := r.Source(attrs.Schema{d}, Input{})(context.Background(), d, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("values = %q, want the seed's four", got)
	}
}

// Failures come through as Run's errors; a parent missing from the
// schema and a nil definition are errors, not panics.
func TestSourceErrors(t *testing.T) {
	s := countryState(0)
	_, err := testPlugin(t, "retval").Source(s, Input{})(context.Background(), s[1], "US")
	var pe *PluginError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v, want a *PluginError", err)
	}
	src := testPlugin(t, "hier").Source(attrs.Schema{s[1]}, Input{})
	if _, err := src(context.Background(), s[1], "US"); err == nil {
		t.Fatal("parent not in the schema: no error")
	}
	if _, err := src(context.Background(), nil, ""); err == nil {
		t.Fatal("nil definition: no error")
	}
	// No program at all: an error naming the attribute, not os/exec's
	// bare "exec: no command".
	noPlugin := attrs.NewDefinition("PROVINCE", attrs.String)
	_, err = (&Runner{}).Source(attrs.Schema{noPlugin}, Input{})(context.Background(), noPlugin, "")
	if !errors.Is(err, ErrNoPlugin) || !strings.Contains(err.Error(), `"PROVINCE"`) {
		t.Fatalf("no plugin: error = %v, want ErrNoPlugin naming PROVINCE", err)
	}
}

// The seed's Test tab validates a value "against ... the Plugin used to
// generate a list of restricted values": Source plugged into
// attrs.Env.RestrictedValues makes attrs.Validate accept what the plugin
// offers under the parent's value and refuse the rest.
func TestSourceFeedsValidate(t *testing.T) {
	s := countryState(1)
	src := testPlugin(t, "hier").Source(s, Input{Module: ModuleIDR})
	profile := attrs.New("COUNTRY", "CA")
	env := attrs.Env{Values: profile, RestrictedValues: src}
	state := s.Lookup("STATE")
	if err := attrs.Validate(context.Background(), state, []string{"AB"}, env); err != nil {
		t.Fatalf("AB under CA: %v", err)
	}
	// NY is offered under US only.
	err := attrs.Validate(context.Background(), state, []string{"NY"}, env)
	if !errors.Is(err, attrs.RuleRestricted) {
		t.Fatalf("NY under CA: %v, want RuleRestricted", err)
	}
	// The whole profile, through Schema.Validate.
	profile.Set("STATE", "TX")
	if err := s.Validate(context.Background(), profile, attrs.Env{RestrictedValues: src}); !errors.Is(err, attrs.RuleRestricted) {
		t.Fatalf("TX under CA: %v, want RuleRestricted", err)
	}
	profile.Set("COUNTRY", "US")
	if err := s.Validate(context.Background(), profile, attrs.Env{RestrictedValues: src}); err != nil {
		t.Fatalf("TX under US: %v", err)
	}
}
