package attrs

import (
	"iter"
	"slices"
)

// Attr is one attribute: a name and its values, in order. A single-valued
// attribute has one value; an attribute with no values is present but
// empty, which a listing reports as such.
type Attr struct {
	Name   string
	Values []string
}

// Value returns the first value, or "" when there is none.
func (a Attr) Value() string {
	if len(a.Values) == 0 {
		return ""
	}
	return a.Values[0]
}

// Values is an ordered list of attributes with distinct names (see the
// package documentation for how names compare). The zero value is empty
// and ready to use; a literal is fine too:
//
//	v := attrs.Values{{Name: "username", Values: []string{"bonnil"}}}
//
// The methods that change it keep the order: Set replaces in place, Add
// and a new name append. A literal with two spellings of one name is
// read through its first.
type Values []Attr

// New returns Values holding name and values pairs: New("a", "1", "b", "2").
// A trailing name without a value is an empty attribute.
func New(pairs ...string) Values {
	var v Values
	for i := 0; i < len(pairs); i += 2 {
		if i+1 < len(pairs) {
			v.Add(pairs[i], pairs[i+1])
		} else {
			v.Set(pairs[i])
		}
	}
	return v
}

// index returns the position of name, or -1.
func (v Values) index(name string) int {
	for i := range v {
		if SameName(v[i].Name, name) {
			return i
		}
	}
	return -1
}

// Get returns the first value of name, or "" when it is absent or empty.
func (v Values) Get(name string) string {
	if i := v.index(name); i >= 0 {
		return v[i].Value()
	}
	return ""
}

// Lookup returns the values of name and whether it is present. The slice
// is the list's own; copy it before changing it.
func (v Values) Lookup(name string) ([]string, bool) {
	if i := v.index(name); i >= 0 {
		return v[i].Values, true
	}
	return nil, false
}

// Has reports whether name is present, even with no values.
func (v Values) Has(name string) bool { return v.index(name) >= 0 }

// Set makes values the values of name, in place if it is present and at
// the end if not. Set with no values leaves name present and empty.
func (v *Values) Set(name string, values ...string) {
	vals := slices.Clone(values)
	if vals == nil {
		vals = []string{}
	}
	if i := v.index(name); i >= 0 {
		(*v)[i].Values = vals
		return
	}
	*v = append(*v, Attr{Name: name, Values: vals})
}

// Add appends values to name, adding name at the end if it is absent.
func (v *Values) Add(name string, values ...string) {
	if i := v.index(name); i >= 0 {
		(*v)[i].Values = append((*v)[i].Values, values...)
		return
	}
	v.Set(name, values...)
}

// Del removes name.
func (v *Values) Del(name string) {
	if i := v.index(name); i >= 0 {
		*v = slices.Delete(*v, i, i+1)
	}
}

// Names returns the attribute names in order.
func (v Values) Names() []string {
	names := make([]string, len(v))
	for i := range v {
		names[i] = v[i].Name
	}
	return names
}

// All yields each name with its values, in order.
func (v Values) All() iter.Seq2[string, []string] {
	return func(yield func(string, []string) bool) {
		for _, a := range v {
			if !yield(a.Name, a.Values) {
				return
			}
		}
	}
}

// Select returns the attributes named in names, in the order of v. An
// empty names selects everything, as an empty "listattributes" asks for
// every attribute.
func (v Values) Select(names []string) Values {
	if len(names) == 0 {
		return v.Clone()
	}
	var out Values
	for _, a := range v {
		if slices.ContainsFunc(names, func(n string) bool { return SameName(n, a.Name) }) {
			out = append(out, Attr{Name: a.Name, Values: slices.Clone(a.Values)})
		}
	}
	return out
}

// Clone returns a deep copy.
func (v Values) Clone() Values {
	if v == nil {
		return nil
	}
	out := make(Values, len(v))
	for i, a := range v {
		out[i] = Attr{Name: a.Name, Values: slices.Clone(a.Values)}
	}
	return out
}

// SameName reports whether two attribute names are the same attribute:
// equal but for the case of ASCII letters.
func SameName(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
