package safe

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrAmbiguous is matched (errors.Is) by the error of a lookup by name
// that more than one object answers: Client.Team and CollectionsService.Find.
// The error is an *AmbiguousError, which lists the IDs to choose from.
var ErrAmbiguous = errors.New("safe: the name is ambiguous")

// AmbiguousError says that a name matched several objects. Look the
// object up by one of IDs instead. It matches ErrAmbiguous.
type AmbiguousError struct {
	Kind string   // "team", "collection" or "item"
	IDs  []string // the IDs of every object that matched, in server order
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("safe: %d %ss have that name: %s", len(e.IDs), e.Kind, strings.Join(e.IDs, ", "))
}

// Unwrap returns ErrAmbiguous.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// matchName is the rule of every lookup by name: the objects whose name
// equals name exactly; if there are none, those whose name equals it
// ignoring case (Unicode case folding). It returns the indexes of the
// matches in names.
func matchName(names []string, name string) []int {
	var exact, folded []int
	for i, n := range names {
		switch {
		case n == name:
			exact = append(exact, i)
		case strings.EqualFold(n, name):
			folded = append(folded, i)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return folded
}

// pick is the rule of every lookup of an object by ID or name: with byID,
// the object whose ID equals ref ignoring case; else the one whose name
// matchName picks. No match is ok false; several are an *AmbiguousError
// of kind, listing their IDs.
func pick[T any](objs []T, ref, kind string, byID bool, id, name func(T) string) (obj T, ok bool, err error) {
	if byID {
		for _, o := range objs {
			if strings.EqualFold(id(o), ref) {
				return o, true, nil
			}
		}
	}
	names := make([]string, len(objs))
	for i, o := range objs {
		names[i] = name(o)
	}
	switch m := matchName(names, ref); len(m) {
	case 0:
		return obj, false, nil
	case 1:
		return objs[m[0]], true, nil
	default:
		e := &AmbiguousError{Kind: kind}
		for _, i := range m {
			e.IDs = append(e.IDs, id(objs[i]))
		}
		return obj, false, e
	}
}

func teamID(t *Team) string               { return t.ID }
func teamName(t *Team) string             { return t.Name }
func collectionID(c *Collection) string   { return c.ID }
func collectionName(c *Collection) string { return c.Name }

// lookupTeam picks the team with the given ID (a GUID, in any case), or
// else the one with the given name (see Client.Team).
func lookupTeam(teams []*Team, nameOrID string) (*Team, error) {
	t, ok, err := pick(teams, nameOrID, "team", true, teamID, teamName)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: team %q", ErrNotFound, nameOrID)
	}
	return t, nil
}

// Find returns the collection of the team teamID that has the given name,
// among the collections the user can use (those All lists, from the synced
// vault). A name that equals one collection's name exactly picks it;
// otherwise names are compared ignoring case. It returns an error matching
// ErrNotFound if no collection has the name, and an *AmbiguousError
// (ErrAmbiguous), listing the IDs, if several have it.
//
// A team manager looking for a collection that is not assigned to them
// lists the team's collections with ListTeam.
func (s *CollectionsService) Find(ctx context.Context, teamID, name string) (*Collection, error) {
	if err := validID(teamID); err != nil {
		return nil, err
	}
	var cols []*Collection
	for col, err := range s.All(ctx) {
		if err != nil {
			return nil, err
		}
		if col.TeamID == teamID {
			cols = append(cols, col)
		}
	}
	// The name is encrypted on the wire, so the errors leave it out.
	col, ok, err := pick(cols, name, "collection", false, collectionID, collectionName)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: no collection of team %s has that name", ErrNotFound, teamID)
	}
	return col, nil
}
