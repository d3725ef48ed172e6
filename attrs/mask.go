package attrs

import (
	"errors"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Seed 003 gives "NNNN-NN-NN" as an example of a format requirement ("to
// indicate a series of numbers") but does not define the notation. This is
// bsafe's own: a mask is a sequence of positions, one per character of the
// value.
//
//	N   a decimal digit, 0 to 9
//	A   a letter (any Unicode letter)
//	X   a letter or a decimal digit
//	?   any one character
//	\c  the character c itself (so \N is a literal N and \\ a backslash)
//	    any other character stands for itself, case and all
//
// The placeholders are upper-case only: "n", "a" and "x" are literal
// letters. A value matches when it has exactly as many characters as the
// mask has positions and each character fits its position.

// Mask is a parsed format mask. The zero Mask matches only the empty value.
type Mask struct {
	src string
	pos []maskPos
}

type maskPos struct {
	kind    byte // 'N', 'A', 'X', '?' or 0 for a literal
	literal rune
}

// ErrMask is matched by every error of [ParseMask].
var ErrMask = errors.New("attrs: invalid format mask")

// ParseMask parses a format mask in the language above. An empty mask, a
// trailing backslash and invalid UTF-8 are errors matching [ErrMask].
func ParseMask(s string) (Mask, error) {
	if s == "" {
		return Mask{}, maskError("is empty", -1)
	}
	m := Mask{src: s}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return Mask{}, maskError("is not valid UTF-8", i)
		}
		switch r {
		case 'N', 'A', 'X', '?':
			m.pos = append(m.pos, maskPos{kind: byte(r)})
		case '\\':
			if i+n >= len(s) {
				return Mask{}, maskError("ends in a lone backslash", i)
			}
			lit, ln := utf8.DecodeRuneInString(s[i+n:])
			if lit == utf8.RuneError && ln <= 1 {
				return Mask{}, maskError("is not valid UTF-8", i+n)
			}
			m.pos = append(m.pos, maskPos{literal: lit})
			n += ln
		default:
			m.pos = append(m.pos, maskPos{literal: r})
		}
		i += n
	}
	return m, nil
}

func maskError(reason string, offset int) error {
	msg := "the format mask " + reason
	if offset >= 0 {
		msg += " at byte " + strconv.Itoa(offset)
	}
	return &maskErr{msg}
}

type maskErr struct{ msg string }

func (e *maskErr) Error() string        { return "attrs: " + e.msg }
func (e *maskErr) Is(target error) bool { return target == ErrMask }

// String returns the mask as it was written.
func (m Mask) String() string { return m.src }

// Len returns the number of characters a matching value has.
func (m Mask) Len() int { return len(m.pos) }

// Match reports whether value fits the mask. Invalid UTF-8 never matches.
func (m Mask) Match(value string) bool {
	i := 0
	for _, p := range m.pos {
		if i >= len(value) {
			return false
		}
		r, n := utf8.DecodeRuneInString(value[i:])
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		i += n
		switch p.kind {
		case 'N':
			if r < '0' || r > '9' {
				return false
			}
		case 'A':
			if !unicode.IsLetter(r) {
				return false
			}
		case 'X':
			if !unicode.IsLetter(r) && (r < '0' || r > '9') {
				return false
			}
		case '?':
		default:
			if r != p.literal {
				return false
			}
		}
	}
	return i == len(value)
}
