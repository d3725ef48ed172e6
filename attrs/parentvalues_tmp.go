package attrs

// temporary: helper A's defaults.go replaces this (same name, signature
// and behaviour)

// parentValues returns the non-blank values of the parent attribute name
// in v, as the parent's actual values when parent (its definition, or
// nil) has restricted values, or the empty parent value "" when there
// are none.
func parentValues(v Values, name string, parent *Definition) []string {
	var out []string
	if name != "" {
		vals, _ := v.Lookup(name)
		for _, p := range vals {
			if p == "" {
				continue
			}
			if parent != nil && parent.HasRestricted() {
				p = parent.ActualValue(p)
			}
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
