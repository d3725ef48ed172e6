package jsonscan

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// Low-level scanning primitives. Each works on the whole input slice and an
// index into it, and reports failure as an errCode together with the offset
// of the offending byte (len(data) when the input ends early). None of them
// panics, and none allocates except appendString, when dst must grow.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// String byte classes, for the byte-at-a-time tails of the string loops.
const (
	clsSpecial  = 1 << iota // '"', '\\' or a control character (< 0x20)
	clsNonASCII             // >= 0x80
)

var strClass = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = clsSpecial
	}
	t['"'] = clsSpecial
	t['\\'] = clsSpecial
	for c := 0x80; c < 0x100; c++ {
		t[c] = clsNonASCII
	}
	return t
}()

// specialMask returns a word whose lowest set bit is the top bit of the
// first byte of w (little-endian order) that is '"', '\\' or below 0x20, or
// zero if there is none. Bits above the lowest may be spurious (borrows),
// so only the lowest set bit may be used.
//
// x = w ^ 0x02.. maps '"' (0x22) to 0x20 and control characters to control
// characters, and no other byte below 0x21, so one "less than 0x21" test
// finds both; a "zero byte" test on w ^ '\\'.. finds backslashes.
func specialMask(w uint64) uint64 {
	x := w ^ (lsb * 0x02)
	b := w ^ (lsb * '\\')
	return (((x - lsb*0x21) &^ x) | ((b - lsb) &^ b)) & msb
}

// findSpecial returns the index of the first byte at or after i that is
// '"', '\\' or a control character, or len(data) if there is none.
func findSpecial(data []byte, i int) int {
	for i+16 <= len(data) {
		m1 := specialMask(binary.LittleEndian.Uint64(data[i:]))
		m2 := specialMask(binary.LittleEndian.Uint64(data[i+8:]))
		if m1|m2 != 0 {
			if m1 != 0 {
				return i + bits.TrailingZeros64(m1)>>3
			}
			return i + 8 + bits.TrailingZeros64(m2)>>3
		}
		i += 16
	}
	if i+8 <= len(data) {
		if m := specialMask(binary.LittleEndian.Uint64(data[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(data) && strClass[data[i]]&clsSpecial == 0 {
		i++
	}
	return i
}

// findSpecialOrNonASCII is findSpecial that also stops at bytes >= 0x80.
func findSpecialOrNonASCII(data []byte, i int) int {
	for i+8 <= len(data) {
		w := binary.LittleEndian.Uint64(data[i:])
		if m := specialMask(w) | w&msb; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
	for i < len(data) && strClass[data[i]] == 0 {
		i++
	}
	return i
}

// skipWS returns the index of the first byte at or after i that is not
// JSON whitespace (space, tab, LF, CR).
func skipWS(data []byte, i int) int {
	for i < len(data) {
		c := data[i]
		if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			break
		}
		i++
	}
	return i
}

func isHex(c byte) bool {
	return c-'0' < 10 || (c|0x20)-'a' < 6
}

func hexVal(c byte) rune {
	if c <= '9' {
		return rune(c - '0')
	}
	return rune(c|0x20) - 'a' + 10
}

// skipString validates the rest of a string literal whose opening quote is
// at i-1 and returns the index just after its closing quote.
// Bytes >= 0x80 are accepted without UTF-8 validation, as encoding/json's
// Valid does.
func skipString(data []byte, i int) (int, errCode) {
	for {
		i = findSpecial(data, i)
		if i >= len(data) {
			return len(data), errEOF
		}
		switch data[i] {
		case '"':
			return i + 1, errNone
		case '\\':
			var code errCode
			if i, code = skipEscape(data, i); code != errNone {
				return i, code
			}
		default:
			return i, errCtlInString
		}
	}
}

// skipEscape validates the escape sequence starting with the backslash at i
// and returns the index just after it.
func skipEscape(data []byte, i int) (int, errCode) {
	if i+1 >= len(data) {
		return len(data), errEOF
	}
	switch data[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, errNone
	case 'u':
		if len(data)-i >= 6 && isHex(data[i+2]) && isHex(data[i+3]) && isHex(data[i+4]) && isHex(data[i+5]) {
			return i + 6, errNone
		}
		for k := i + 2; k < i+6; k++ {
			if k >= len(data) {
				return len(data), errEOF
			}
			if !isHex(data[k]) {
				return k, errBadEscape
			}
		}
		return i + 6, errNone
	}
	return i + 1, errBadEscape
}

// scanNumber validates a number starting at i, where data[i] is '-' or a
// digit, and returns the index just after it. The number grammar is
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. What follows the number
// is checked by the caller.
func scanNumber(data []byte, i int) (int, errCode) {
	if i < len(data) && data[i] == '-' {
		i++
	}
	if i >= len(data) {
		return i, errEOF
	}
	switch c := data[i]; {
	case c == '0':
		i++
	case c-'1' < 9:
		i++
		for i < len(data) && data[i]-'0' < 10 {
			i++
		}
	default:
		return i, errBadNumber
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) {
			return i, errEOF
		}
		if data[i]-'0' >= 10 {
			return i, errBadNumber
		}
		for i < len(data) && data[i]-'0' < 10 {
			i++
		}
	}
	if i < len(data) && data[i]|0x20 == 'e' {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) {
			return i, errEOF
		}
		if data[i]-'0' >= 10 {
			return i, errBadNumber
		}
		for i < len(data) && data[i]-'0' < 10 {
			i++
		}
	}
	return i, errNone
}

// scanLiteral checks that lit ("true", "false" or "null") starts at i and
// returns the index just after it.
func scanLiteral(data []byte, i int, lit string) (int, errCode) {
	if len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit {
		return i + len(lit), errNone
	}
	for k := 0; k < len(lit); k++ {
		if i+k >= len(data) {
			return len(data), errEOF
		}
		if data[i+k] != lit[k] {
			return i + k, errBadLiteral
		}
	}
	return i + len(lit), errNone // unreachable: the fast check matched
}

// appendString validates the rest of a string literal whose opening quote
// is at i-1, appends its decoded form to dst, and returns the index just
// after the closing quote. It decodes exactly as encoding/json does when
// unmarshaling into a Go string: escapes are resolved, \u escapes that are
// not part of a valid surrogate pair become U+FFFD, and each byte of
// invalid UTF-8 becomes U+FFFD. On error dst is returned unchanged.
func appendString(dst, data []byte, i int) ([]byte, int, errCode) {
	n := len(dst)
	for {
		j := findSpecialOrNonASCII(data, i)
		dst = append(dst, data[i:j]...)
		if j >= len(data) {
			return dst[:n], len(data), errEOF
		}
		switch c := data[j]; {
		case c == '"':
			return dst, j + 1, errNone
		case c == '\\':
			next, code := skipEscape(data, j)
			if code != errNone {
				return dst[:n], next, code
			}
			switch e := data[j+1]; e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := getu4(data, j)
				if utf16.IsSurrogate(rr) {
					// A pair only if a valid low surrogate escape follows;
					// anything else leaves the next bytes for the loop.
					if dec := utf16.DecodeRune(rr, getu4(data, next)); dec != utf8.RuneError {
						rr = dec
						next += 6
					} else {
						rr = utf8.RuneError
					}
				}
				dst = utf8.AppendRune(dst, rr)
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
			i = next
		case c < 0x20:
			return dst[:n], j, errCtlInString
		default: // non-ASCII
			rr, size := utf8.DecodeRune(data[j:])
			if rr == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, data[j:j+size]...)
			}
			i = j + size
		}
	}
}

// getu4 decodes the \uXXXX escape at s[i:], or returns -1 if there is none.
func getu4(s []byte, i int) rune {
	if i < 0 || len(s)-i < 6 || s[i] != '\\' || s[i+1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[i+2 : i+6] {
		if !isHex(c) {
			return -1
		}
		r = r<<4 | hexVal(c)
	}
	return r
}
