package attrs_test

import "github.com/bsafe-go/bsafe/attrs"

// temporary: helper A's check_test.go has the same helper; delete this
// file at merge

// def returns NewDefinition(id, t) after change, if any, has set it up.
func def(id string, t attrs.Type, change func(d *attrs.Definition)) *attrs.Definition {
	d := attrs.NewDefinition(id, t)
	if change != nil {
		change(d)
	}
	return d
}
