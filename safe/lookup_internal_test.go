package safe

import (
	"errors"
	"slices"
	"testing"
)

// TestPick: the one rule of lookups by ID or name. An ID (any case) wins
// over a name, an exact name over names equal ignoring case, several
// matches are an *AmbiguousError with their IDs, never a guess, and
// without byID an ID is only a name.
func TestPick(t *testing.T) {
	type obj struct{ id, name string }
	objs := []obj{{"ID-1", "Alpha"}, {"id-2", "alpha"}, {"id-3", "ALPHA"}, {"id-4", "id-1"}, {"id-5", "beta"}, {"id-6", "Beta"}}
	id := func(o obj) string { return o.id }
	name := func(o obj) string { return o.name }
	for _, tc := range []struct {
		ref     string
		byID    bool
		want    string   // the ID picked, "" for none
		wantAmb []string // the IDs of an ambiguous match
	}{
		{ref: "id-1", byID: true, want: "ID-1"},  // the ID, though id-4 has it as its name
		{ref: "id-1", byID: false, want: "id-4"}, // by name only
		{ref: "alpha", byID: true, want: "id-2"}, // exact beats folded
		{ref: "Alpha", byID: true, want: "ID-1"}, // exact
		{ref: "aLPHA", byID: true, wantAmb: []string{"ID-1", "id-2", "id-3"}},
		{ref: "BETA", byID: true, wantAmb: []string{"id-5", "id-6"}},
		{ref: "gamma", byID: true},
		{ref: "", byID: true},
	} {
		got, ok, err := pick(objs, tc.ref, "thing", tc.byID, id, name)
		var amb *AmbiguousError
		switch {
		case tc.wantAmb != nil:
			if !errors.As(err, &amb) || !errors.Is(err, ErrAmbiguous) || amb.Kind != "thing" || !slices.Equal(amb.IDs, tc.wantAmb) || ok {
				t.Errorf("pick(%q): %v, %v, %v; want ambiguous among %v", tc.ref, got, ok, err, tc.wantAmb)
			}
		case tc.want == "":
			if ok || err != nil {
				t.Errorf("pick(%q): %v, %v, %v; want no match", tc.ref, got, ok, err)
			}
		default:
			if !ok || err != nil || got.id != tc.want {
				t.Errorf("pick(%q, byID %v): %v, %v, %v; want %s", tc.ref, tc.byID, got, ok, err, tc.want)
			}
		}
	}
}
