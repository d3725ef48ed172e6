package usermgmt

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/bsafe-go/bsafe/safe"
)

// AccessLevel is a member's access to a collection, one of the five levels
// Bravura offers. The zero value is no level: it prints as "AccessLevel(0)"
// and Access refuses it.
type AccessLevel int

// The five access levels. Each is a combination of the flags the server
// stores for a member's access to a collection (see Access).
const (
	CanView                AccessLevel = iota + 1 // readOnly
	CanViewExceptPasswords                        // readOnly and hidePasswords
	CanEdit                                       // no flag
	CanEditExceptPasswords                        // hidePasswords
	// CanManage is manage: edit the collection's items and its access list.
	// Bravura Safe's 2023.8 server has no manage flag (it came to
	// Bitwarden in 2024), so it cannot be granted there.
	CanManage
)

// DefaultAccessLevel is the level a member gets when nothing says otherwise:
// "Can view", as Bravura's User Management connector defaults to.
const DefaultAccessLevel = CanView

var levelNames = [...]string{
	CanView:                "Can view",
	CanViewExceptPasswords: "Can view except passwords",
	CanEdit:                "Can edit",
	CanEditExceptPasswords: "Can edit except passwords",
	CanManage:              "Can manage",
}

// ErrInvalidAccessLevel is matched by the error of ParseAccessLevel for a
// string that names no level, and of Access for the zero AccessLevel.
var ErrInvalidAccessLevel = errors.New("usermgmt: not an access level")

// String returns the level's name ("Can view except passwords"), or
// "AccessLevel(n)" for a value that is not one of the five.
func (l AccessLevel) String() string {
	if l.valid() {
		return levelNames[l]
	}
	return "AccessLevel(" + strconv.Itoa(int(l)) + ")"
}

func (l AccessLevel) valid() bool { return l >= CanView && l <= CanManage }

// ParseAccessLevel returns the level s names: exactly one of the five
// names String prints, or the spelling of Bravura's documentation, which
// puts a comma before "except" ("Can view, except passwords"). Case and
// spaces count: anything else is ErrInvalidAccessLevel, as a mistyped
// level must never grant more, or less, than was meant.
func ParseAccessLevel(s string) (AccessLevel, error) {
	for l := CanView; l <= CanManage; l++ {
		if s == levelNames[l] {
			return l, nil
		}
	}
	switch s {
	case "Can view, except passwords":
		return CanViewExceptPasswords, nil
	case "Can edit, except passwords":
		return CanEditExceptPasswords, nil
	}
	return 0, fmt.Errorf("%w: %q (want one of %q, %q, %q, %q or %q)", ErrInvalidAccessLevel, truncate(s, 64),
		levelNames[CanView], levelNames[CanViewExceptPasswords], levelNames[CanEdit], levelNames[CanEditExceptPasswords], levelNames[CanManage])
}

// truncate keeps an echoed input short.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// MarshalText writes the level's name; the zero and other invalid values
// are an error.
func (l AccessLevel) MarshalText() ([]byte, error) {
	if !l.valid() {
		return nil, fmt.Errorf("%w: %s", ErrInvalidAccessLevel, l)
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText reads a level as ParseAccessLevel does.
func (l *AccessLevel) UnmarshalText(text []byte) error {
	v, err := ParseAccessLevel(string(text))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Access returns the server's form of the level, for the membership (or
// group) with the given ID.
func (l AccessLevel) Access(id string) (safe.Access, error) {
	a := safe.Access{ID: id}
	switch l {
	case CanView:
		a.ReadOnly = true
	case CanViewExceptPasswords:
		a.ReadOnly, a.HidePasswords = true, true
	case CanEdit:
	case CanEditExceptPasswords:
		a.HidePasswords = true
	case CanManage:
		a.Manage = true
	default:
		return safe.Access{}, fmt.Errorf("%w: %s", ErrInvalidAccessLevel, l)
	}
	return a, nil
}

// LevelOf returns the level of an access the server reports. Manage wins
// over the other flags, since it includes editing; otherwise readOnly and
// hidePasswords pick one of the four others.
func LevelOf(a safe.Access) AccessLevel {
	switch {
	case a.Manage:
		return CanManage
	case a.ReadOnly && a.HidePasswords:
		return CanViewExceptPasswords
	case a.ReadOnly:
		return CanView
	case a.HidePasswords:
		return CanEditExceptPasswords
	}
	return CanEdit
}
