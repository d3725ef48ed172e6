package restricted

import (
	"fmt"
	"io"
	"strconv"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// DefaultMaxOutput bounds the plugin output that [Decode] reads, and what
// a [Runner] reads when its MaxOutput is 0: 1 MiB, room for some tens of
// thousands of values.
const DefaultMaxOutput = 1 << 20

// outputMaxDepth bounds the nesting of plugin output. The protocol needs
// three levels (root, "parent" group, nothing deeper); the slack lets a
// plugin add harmless extra groups.
const outputMaxDepth = 32

// Output is what a restricted-value plugin writes on its standard output:
//
//	"" "" = {
//	  "errmsg" = "success"
//	  "restrictedvalue" = "Other"
//	  "parent" "US" = { "restrictedvalue" = "NY" "restrictedvalue" = "WA" }
//	  "retval" = "0"
//	}
type Output struct {
	// Retval is the plugin's result: 0 is success, anything else failure
	// (see [Output.Err]). The seed calls it "Mandatory".
	Retval int
	// Errmsg is the plugin's message ("errmsg").
	Errmsg string
	// Values are the root's "restrictedvalue" pairs, in order. For an
	// attribute with a parent they are the "dangling" values (see
	// [Output.ValuesFor]).
	Values []string
	// Parents are the "parent" groups: the values offered for each value
	// of the parent attribute, one entry per distinct parent value in
	// the order of first appearance.
	Parents []ParentValues
}

// ParentValues are the values a plugin offers when the parent attribute
// has the value Parent: a group "parent" "<Parent>" = { "restrictedvalue"
// = ... }. Several groups for the same Parent are merged into one, in
// order.
type ParentValues struct {
	Parent string
	Values []string
}

// Decode reads one plugin output document from r, of at most
// [DefaultMaxOutput] bytes, and returns it as FromGroup does. Input that
// is not one well-formed V1 KVGroup document, or that is larger, gives an
// error matching [ErrOutput] that wraps the *kvgroup.SyntaxError or
// *kvgroup.LimitError.
//
// Seed 003's second output example ("where a parent attribute has been
// set") is malformed as printed: it writes "parent" = "US" = { and
// leaves its braces unbalanced. bsafe does not guess: that text is
// rejected with a *kvgroup.SyntaxError and no values. The document it
// evidently means, with groups "parent" "US" = { ... } and "parent" "CA"
// = { ... } at the root and errmsg and retval at the root, decodes to
// the root value "Other" and the values of US and CA. Likewise the seed's
// format line "parent" "<parent value>" { lacks the '=' of KVGroup
// syntax: bsafe requires the '=' and rejects the line as printed.
func Decode(r io.Reader) (*Output, error) {
	data, err := io.ReadAll(io.LimitReader(r, DefaultMaxOutput+1))
	if err != nil {
		return nil, fmt.Errorf("restricted: reading plugin output: %w", err)
	}
	return decode(string(data), DefaultMaxOutput)
}

// decode parses s, a document of at most maxBytes bytes.
func decode(s string, maxBytes int64) (*Output, error) {
	g, err := kvgroup.ParseStringWith(s, kvgroup.V1, kvgroup.Limits{MaxDepth: outputMaxDepth, MaxBytes: maxBytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutput, err)
	}
	return FromGroup(g)
}

// FromGroup reads an Output from g, a parsed plugin output document.
// "retval" must be present and a decimal integer (an optional sign and
// digits, no blanks); otherwise the error matches [ErrOutput] and names
// the key, never the value. The first "retval" and "errmsg" count. Items
// the protocol does not define are ignored, as are "retval" and "errmsg"
// inside a "parent" group.
//
// Seed 003 says "restrictedvalue" is "1 or more"; bsafe accepts a
// successful output with none (and "parent" groups with none) as
// offering no values, without an error: the plugin ran and answered,
// and an empty answer is what a plugin that finds no value for this user
// can say.
func FromGroup(g *kvgroup.Group) (*Output, error) {
	if g == nil {
		return nil, errNilGroup
	}
	o := &Output{}
	var retval string
	var haveRetval, haveErrmsg bool
	for _, it := range g.Items {
		switch {
		case it.Group != nil:
			if it.Group.Key == "parent" {
				o.addParent(it.Group.Name, it.Group.Values("restrictedvalue"))
			}
		case it.ValueOnly:
		case it.Key == "restrictedvalue":
			o.Values = append(o.Values, it.Value)
		case it.Key == "retval" && !haveRetval:
			retval, haveRetval = it.Value, true
		case it.Key == "errmsg" && !haveErrmsg:
			o.Errmsg, haveErrmsg = it.Value, true
		}
	}
	if !haveRetval {
		return nil, fmt.Errorf(`%w: no "retval"`, ErrOutput)
	}
	n, err := strconv.Atoi(retval)
	if err != nil {
		return nil, fmt.Errorf(`%w: "retval" is not an integer`, ErrOutput)
	}
	o.Retval = n
	return o, nil
}

func (o *Output) addParent(parent string, values []string) {
	for i := range o.Parents {
		if o.Parents[i].Parent == parent {
			o.Parents[i].Values = append(o.Parents[i].Values, values...)
			return
		}
	}
	o.Parents = append(o.Parents, ParentValues{Parent: parent, Values: values})
}

// ValuesFor returns the values offered when the parent attribute has the
// value parentValue (for an attribute without a parent, pass "" and
// true). Parent values compare exactly; [Runner.Source] compares them as
// the parent's actual values instead.
//
// Seed 003: "If the parent's value is empty, then any "restrictedvalue"
// KVPairs not inside a "parent" KVGroup ... would fall under the empty
// parent value. The plugin can also specify an explicit "parent" ""
// KVGroup for this case. If the parent value is not optional, then any
// dangling "restrictedvalue" KVPairs are ignored." So for the empty
// parentValue the result is the root values (only when parentOptional)
// followed by those of an explicit "parent" "" group; bsafe keeps the
// explicit group even for a required parent, as the plugin asked for it
// by name. For any other parentValue it is the values of the "parent"
// groups with that name.
func (o *Output) ValuesFor(parentValue string, parentOptional bool) []string {
	return o.valuesFor(parentValue, parentOptional, func(a, b string) bool { return a == b })
}

// valuesFor is ValuesFor with a comparison of parent values.
func (o *Output) valuesFor(parentValue string, parentOptional bool, same func(a, b string) bool) []string {
	var out []string
	if parentValue == "" && parentOptional {
		out = append(out, o.Values...)
	}
	for _, p := range o.Parents {
		if same(p.Parent, parentValue) {
			out = append(out, p.Values...)
		}
	}
	return out
}

// Err returns a *PluginError when the plugin reported failure (Retval is
// not 0), and nil otherwise.
func (o *Output) Err() error {
	if o.Retval == 0 {
		return nil
	}
	return &PluginError{Retval: o.Retval, Errmsg: o.Errmsg}
}

// Group returns o as a plugin writes it, for plugins written in Go and
// for tests: "errmsg", the root "restrictedvalue" pairs and "retval" (in
// that order, the alphabetical order of the seed's example), then one
// "parent" group per [ParentValues]. [FromGroup] reads it back to an
// equal Output.
func (o *Output) Group() *kvgroup.Group {
	g := kvgroup.New("", "")
	g.Add("errmsg", o.Errmsg)
	for _, v := range o.Values {
		g.Add("restrictedvalue", v)
	}
	g.Add("retval", strconv.Itoa(o.Retval))
	for _, p := range o.Parents {
		pg := g.AddGroup("parent", p.Parent)
		for _, v := range p.Values {
			pg.Add("restrictedvalue", v)
		}
	}
	return g
}
