package jsonscan

import (
	"unicode/utf8"
)

// DefaultMaxDepth is the nesting depth a new Decoder accepts: an array or
// object at top level is at depth 1. It is far more than any server
// response needs and small enough to keep recursive callers safe.
const DefaultMaxDepth = 128

// Kind is the kind of a JSON value, as reported by [Decoder.Peek].
type Kind uint8

// The kinds of JSON values. Invalid means there is no value: the input is
// exhausted, the next byte cannot start a value, or the Decoder has failed.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Object
	Array
)

var kindNames = [...]string{
	Invalid: "invalid",
	Null:    "null",
	Bool:    "bool",
	Number:  "number",
	String:  "string",
	Object:  "object",
	Array:   "array",
}

// String returns the lower-case name of k ("string", "object", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// kindOf classifies a value by its first byte.
var kindOf = func() (t [256]Kind) {
	t['n'] = Null
	t['t'] = Bool
	t['f'] = Bool
	t['"'] = String
	t['{'] = Object
	t['['] = Array
	t['-'] = Number
	for c := '0'; c <= '9'; c++ {
		t[c] = Number
	}
	return t
}()

// A Decoder reads JSON values from a byte slice, pull style: the caller
// asks for the value it expects next ([Decoder.String],
// [Decoder.Object], ...), or skips it. Everything read or skipped is fully
// validated; a document walked to [Decoder.End] without error is one that
// encoding/json's Valid accepts (given a sufficient [Decoder.SetMaxDepth]).
//
// A Decoder never panics and never allocates, except to decode strings that
// contain escapes or invalid UTF-8 (with [Decoder.String],
// [Decoder.StringOrNull] and in object keys; [Decoder.AppendString] only
// grows the caller's buffer), to build
// errors, and to skip a value (with Skip, Raw, or an Object or Array
// callback that consumes nothing) that nests more than 255 levels below
// itself, which takes a [Decoder.SetMaxDepth] above the default. The
// memory for such deep skips is kept for later ones, also across Reset.
//
// # Errors
//
// Syntax errors ([*SyntaxError]) are sticky: once one is returned, every
// later call returns the same error (Peek reports Invalid, Null reports
// false) until [Decoder.Reset]. The same holds when a [Decoder.Object] or
// [Decoder.Array] callback returns an error, since the Decoder is then left
// inside a value. Type errors ([*TypeError]) are not sticky: the value is
// not consumed and may be read another way or skipped.
//
// # Aliasing
//
// Byte slices returned by the Decoder (strings without escapes, object
// keys, [Decoder.Raw], [Decoder.Number]) are sub-slices of the input, with
// their capacity limited to their length so that appending to them never
// overwrites the input. They are valid as long as the input is; copy them
// to retain them past a reuse of the input buffer.
//
// A Decoder must not be used by several goroutines at once; decode parts
// of a document concurrently by giving each goroutine its own Decoder on
// a [Decoder.Raw] slice.
type Decoder struct {
	data     []byte
	pos      int   // offset of the next unread byte
	depth    int   // arrays and objects currently open through Object/Array
	maxDepth int   // maximum total nesting depth
	err      error // sticky error

	// Container stack for the iterative Skip: bit n set means level n is
	// an object. Levels beyond the inline words spill into ext.
	stack [4]uint64
	ext   []uint64
}

// NewDecoder returns a Decoder that reads data, with the default maximum
// depth. The Decoder does not copy or modify data.
func NewDecoder(data []byte) *Decoder {
	return &Decoder{data: data, maxDepth: DefaultMaxDepth}
}

// Reset makes d read data from the start, clearing any error. The maximum
// depth is kept.
func (d *Decoder) Reset(data []byte) {
	d.data = data
	d.pos = 0
	d.depth = 0
	d.err = nil
	if d.maxDepth <= 0 {
		d.maxDepth = DefaultMaxDepth
	}
}

// SetMaxDepth sets the maximum nesting depth of arrays and objects; input
// nested deeper is a syntax error. n <= 0 restores [DefaultMaxDepth].
// encoding/json's limit is 10000.
func (d *Decoder) SetMaxDepth(n int) {
	if n <= 0 {
		n = DefaultMaxDepth
	}
	d.maxDepth = n
}

// Offset returns the offset in the input of the next unread byte (which
// may be whitespace). After a syntax error it is where the last successful
// read ended; the error's own Offset says where the problem is.
func (d *Decoder) Offset() int { return d.pos }

// endMember ends one object member or array element whose value began at
// start: it skips the value if the callback consumed nothing, then reads
// the separator. It returns the position of the next member's first
// byte, or done after the closing byte closer.
func (d *Decoder) endMember(start int, closer byte, errClose errCode) (i int, done bool, err error) {
	if d.pos == start {
		if err := d.skip(start); err != nil {
			return 0, false, err
		}
	}
	data := d.data
	i = d.pos
	if i < len(data) && data[i] <= ' ' {
		i = skipWS(data, i)
	}
	if i >= len(data) {
		return 0, false, d.fail(i, errEOF)
	}
	switch data[i] {
	case ',':
		i = skipWS(data, i+1)
		if i >= len(data) {
			return 0, false, d.fail(i, errEOF)
		}
		return i, false, nil
	case closer:
		d.pos = i + 1
		d.depth--
		return i, true, nil
	}
	return 0, false, d.fail(i, errClose)
}

// fail records and returns a sticky syntax error.
func (d *Decoder) fail(off int, code errCode) error {
	d.err = &SyntaxError{Offset: off, Msg: errMsgs[code]}
	return d.err
}

// next skips whitespace and returns the offset of the next value. It
// records a syntax error if the input is exhausted.
func (d *Decoder) next() (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	i := d.pos
	if i < len(d.data) && d.data[i] <= ' ' {
		i = skipWS(d.data, i)
	}
	if i >= len(d.data) {
		return 0, d.fail(i, errEOF)
	}
	return i, nil
}

// mismatch builds the error for a value at i that is not of the wanted
// kind. If the value is not even well-formed at its start (an unknown
// byte, a broken literal or number), the error is a sticky syntax error
// instead of a type error. Objects, arrays and strings are not validated
// here; that happens when they are read or skipped.
func (d *Decoder) mismatch(i int, want string) error {
	k := kindOf[d.data[i]]
	off, code := i, errNone
	switch d.data[i] {
	case 't':
		off, code = scanLiteral(d.data, i, "true")
	case 'f':
		off, code = scanLiteral(d.data, i, "false")
	case 'n':
		off, code = scanLiteral(d.data, i, "null")
	default:
		switch k {
		case Invalid:
			code = errExpectValue
		case Number:
			off, code = scanNumber(d.data, i)
		}
	}
	if code != errNone {
		return d.fail(off, code)
	}
	return &TypeError{Offset: i, Want: want, Got: k}
}

// Peek returns the kind of the next value, judged by its first byte,
// without consuming anything. It returns Invalid at the end of the input,
// when the next byte cannot start a value (including ',', ':', '}' and
// ']'), and after an error.
func (d *Decoder) Peek() Kind {
	if d.err != nil {
		return Invalid
	}
	i := skipWS(d.data, d.pos)
	if i >= len(d.data) {
		return Invalid
	}
	return kindOf[d.data[i]]
}

// Object reads an object, calling fn for each member with its key, in
// input order. Duplicate keys are passed to fn each time.
//
// When fn is called, the Decoder is positioned at the member's value, and
// fn must either consume exactly that value, with one read method
// ([Decoder.String], [Decoder.Object], [Decoder.Skip], ...), or consume
// nothing, in which case Object skips the value itself. Reading past the
// value is detected as a syntax error.
//
// key is the decoded key. It aliases the input unless the key contains
// escapes; either way it must not be retained after fn returns without
// copying it. Use [EqualFoldASCII] to match keys case-insensitively.
//
// If fn returns an error, Object stops and returns it, and the Decoder
// stays in that error state (see [Decoder]). A nil fn skips every member.
// If the next value is not an object, Object returns a [*TypeError] and
// consumes nothing.
func (d *Decoder) Object(fn func(key []byte) error) error {
	i, err := d.next()
	if err != nil {
		return err
	}
	data := d.data
	if data[i] != '{' {
		return d.mismatch(i, "object")
	}
	if d.depth >= d.maxDepth {
		return d.fail(i, errDepth)
	}
	d.depth++
	i = skipWS(data, i+1)
	if i >= len(data) {
		return d.fail(i, errEOF)
	}
	if data[i] == '}' {
		d.pos = i + 1
		d.depth--
		return nil
	}
	for {
		if data[i] != '"' {
			return d.fail(i, errExpectKey)
		}
		key, end, err := d.readString(i)
		if err != nil {
			return err
		}
		i = end
		if i < len(data) && data[i] != ':' {
			i = skipWS(data, i)
		}
		if i >= len(data) {
			return d.fail(i, errEOF)
		}
		if data[i] != ':' {
			return d.fail(i, errExpectColon)
		}
		i++
		if i < len(data) && data[i] <= ' ' {
			i = skipWS(data, i)
		}
		if i >= len(data) {
			return d.fail(i, errEOF)
		}
		d.pos = i
		if fn != nil {
			if err := fn(key); err != nil {
				if d.err == nil {
					d.err = err
				}
				return err
			}
			if d.err != nil {
				return d.err
			}
		}
		next, done, err := d.endMember(i, '}', errExpectObjEnd)
		if err != nil || done {
			return err
		}
		i = next
	}
}

// Array reads an array, calling fn for each element with its index. The
// contract for fn is the same as for [Decoder.Object]: consume exactly the
// element, or nothing (then Array skips it); an error from fn stops the
// iteration and is returned. If the next value is not an array, Array
// returns a [*TypeError] and consumes nothing.
func (d *Decoder) Array(fn func(i int) error) error {
	i, err := d.next()
	if err != nil {
		return err
	}
	data := d.data
	if data[i] != '[' {
		return d.mismatch(i, "array")
	}
	if d.depth >= d.maxDepth {
		return d.fail(i, errDepth)
	}
	d.depth++
	i = skipWS(data, i+1)
	if i >= len(data) {
		return d.fail(i, errEOF)
	}
	if data[i] == ']' {
		d.pos = i + 1
		d.depth--
		return nil
	}
	for n := 0; ; n++ {
		d.pos = i
		if fn != nil {
			if err := fn(n); err != nil {
				if d.err == nil {
					d.err = err
				}
				return err
			}
			if d.err != nil {
				return d.err
			}
		}
		next, done, err := d.endMember(i, ']', errExpectArrEnd)
		if err != nil || done {
			return err
		}
		i = next
	}
}

// String reads a string and returns its decoded bytes, exactly as
// encoding/json would decode it into a Go string: escapes are resolved,
// unpaired UTF-16 surrogates (\uD800) and each byte of invalid UTF-8 become
// U+FFFD.
//
// When the literal contains no escapes and is valid UTF-8 — the common
// case — the result aliases the input (see [Decoder] on aliasing) and
// nothing is allocated; otherwise it is a newly allocated slice. Use
// [Decoder.AppendString] to decode into a reused buffer instead.
func (d *Decoder) String() ([]byte, error) {
	i, err := d.next()
	if err != nil {
		return nil, err
	}
	if d.data[i] != '"' {
		return nil, d.mismatch(i, "string")
	}
	s, end, err := d.readString(i)
	if err != nil {
		return nil, err
	}
	d.pos = end
	return s, nil
}

// AppendString reads a string like [Decoder.String] and appends its
// decoded bytes to dst, never aliasing the input. With a dst of sufficient
// capacity it does not allocate, whatever the string contains. On error dst
// is returned unchanged.
func (d *Decoder) AppendString(dst []byte) ([]byte, error) {
	i, err := d.next()
	if err != nil {
		return dst, err
	}
	data := d.data
	if data[i] != '"' {
		return dst, d.mismatch(i, "string")
	}
	dst, end, code := appendString(dst, data, i+1)
	if code != errNone {
		return dst, d.fail(end, code)
	}
	d.pos = end
	return dst, nil
}

// StringOrNull reads a string or null. For null it returns isNull true and
// a nil s; otherwise it behaves like [Decoder.String].
func (d *Decoder) StringOrNull() (s []byte, isNull bool, err error) {
	i, err := d.next()
	if err != nil {
		return nil, false, err
	}
	switch d.data[i] {
	case '"':
		s, end, err := d.readString(i)
		if err != nil {
			return nil, false, err
		}
		d.pos = end
		return s, false, nil
	case 'n':
		end, code := scanLiteral(d.data, i, "null")
		if code != errNone {
			return nil, false, d.fail(end, code)
		}
		d.pos = end
		return nil, true, nil
	}
	return nil, false, d.mismatch(i, "string or null")
}

// readString reads the string literal whose opening quote is at i and
// returns its decoded form and the offset just after it. It does not move
// d.pos.
func (d *Decoder) readString(i int) (s []byte, end int, err error) {
	data := d.data
	start := i + 1
	j := start
	for {
		j = findSpecialOrNonASCII(data, j)
		if j >= len(data) {
			return nil, 0, d.fail(len(data), errEOF)
		}
		c := data[j]
		if c == '"' {
			return data[start:j:j], j + 1, nil
		}
		if c < utf8.RuneSelf {
			break // escape or control character
		}
		r, size := utf8.DecodeRune(data[j:])
		if r == utf8.RuneError && size == 1 {
			break // invalid UTF-8: must be replaced
		}
		j += size
	}
	// Slow path: find the end (validating), then decode the rest into a
	// new slice.
	end, code := skipString(data, j)
	if code != errNone {
		return nil, 0, d.fail(end, code)
	}
	buf := make([]byte, 0, end-start+2*utf8.UTFMax)
	buf = append(buf, data[start:j]...)
	buf, _, _ = appendString(buf, data, j)
	return buf, end, nil
}

// Number reads a number and returns its text, validated against the JSON
// number grammar, as a sub-slice of the input (see [Decoder] on
// aliasing). Parse it with strconv as needed.
func (d *Decoder) Number() ([]byte, error) {
	i, err := d.next()
	if err != nil {
		return nil, err
	}
	if kindOf[d.data[i]] != Number {
		return nil, d.mismatch(i, "number")
	}
	end, code := scanNumber(d.data, i)
	if code != errNone {
		return nil, d.fail(end, code)
	}
	d.pos = end
	return d.data[i:end:end], nil
}

// Int reads a number that is an integer in the range of int64. A number
// with a fraction or an exponent (even 1.0 or 1e2), or out of range, is a
// [*TypeError] and is not consumed; read it with [Decoder.Number] instead.
func (d *Decoder) Int() (int64, error) {
	i, err := d.next()
	if err != nil {
		return 0, err
	}
	data := d.data
	if kindOf[data[i]] != Number {
		return 0, d.mismatch(i, "integer")
	}
	end, code := scanNumber(data, i)
	if code != errNone {
		return 0, d.fail(end, code)
	}
	num := data[i:end]
	neg := num[0] == '-'
	if neg {
		num = num[1:]
	}
	for _, c := range num {
		if c-'0' >= 10 {
			return 0, &TypeError{Offset: i, Want: "integer", Got: Number}
		}
	}
	// At most 1<<63 in magnitude, which is in range only when negative.
	const limit = 1 << 63
	var u uint64
	for _, c := range num {
		v := uint64(c - '0')
		if u > limit/10 || (u == limit/10 && v > limit%10) {
			return 0, &TypeError{Offset: i, Want: "integer within int64 range", Got: Number}
		}
		u = u*10 + v
	}
	if !neg && u > limit-1 {
		return 0, &TypeError{Offset: i, Want: "integer within int64 range", Got: Number}
	}
	d.pos = end
	if neg {
		return -int64(u), nil // -int64(1<<63) wraps to math.MinInt64, as wanted
	}
	return int64(u), nil
}

// Bool reads true or false.
func (d *Decoder) Bool() (bool, error) {
	i, err := d.next()
	if err != nil {
		return false, err
	}
	var lit string
	switch d.data[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	default:
		return false, d.mismatch(i, "bool")
	}
	end, code := scanLiteral(d.data, i, lit)
	if code != errNone {
		return false, d.fail(end, code)
	}
	d.pos = end
	return lit == "true", nil
}

// Null consumes the next value and returns true if it is null. Otherwise
// it consumes nothing and returns false; any syntax error is then reported
// by the next read.
func (d *Decoder) Null() bool {
	if d.err != nil {
		return false
	}
	i := skipWS(d.data, d.pos)
	if len(d.data)-i >= 4 && string(d.data[i:i+4]) == "null" {
		d.pos = i + 4
		return true
	}
	return false
}

// Skip consumes the next value, of any kind, validating all of it. It is
// iterative, so deep nesting costs no stack; the depth limit still applies.
func (d *Decoder) Skip() error {
	i, err := d.next()
	if err != nil {
		return err
	}
	return d.skip(i)
}

// Raw consumes the next value, validating it like [Decoder.Skip], and
// returns its exact bytes (without surrounding whitespace) as a sub-slice
// of the input (see [Decoder] on aliasing). A Decoder made on the result
// reads the same value.
func (d *Decoder) Raw() ([]byte, error) {
	i, err := d.next()
	if err != nil {
		return nil, err
	}
	if err := d.skip(i); err != nil {
		return nil, err
	}
	return d.data[i:d.pos:d.pos], nil
}

// End reports an error unless only whitespace remains. Call it after
// reading the top-level value to reject trailing data. It does not check
// that a value was read.
func (d *Decoder) End() error {
	if d.err != nil {
		return d.err
	}
	i := skipWS(d.data, d.pos)
	if i < len(d.data) {
		return d.fail(i, errTrailing)
	}
	d.pos = i
	return nil
}

// setBit records whether nesting level n (>= 1) of the current Skip is an
// object.
func (d *Decoder) setBit(n int, obj bool) {
	w, b := n>>6, uint(n&63)
	p := d.word(w)
	if obj {
		*p |= 1 << b
	} else {
		*p &^= 1 << b
	}
}

func (d *Decoder) bit(n int) bool {
	return *d.word(n >> 6)>>uint(n&63)&1 != 0
}

func (d *Decoder) word(w int) *uint64 {
	if w < len(d.stack) {
		return &d.stack[w]
	}
	w -= len(d.stack)
	for len(d.ext) <= w {
		d.ext = append(d.ext, 0)
	}
	return &d.ext[w]
}

// skip consumes the value starting at offset i (already past whitespace,
// i < len(d.data)) and leaves d.pos after it.
func (d *Decoder) skip(i int) error {
	data := d.data
	room := d.maxDepth - d.depth // levels this value may open
	top := 0                     // levels open now
	inObj := false               // whether level top is an object
	var code errCode
value:
	for {
		// A value is due at i.
		if i < len(data) && data[i] <= ' ' {
			i = skipWS(data, i)
		}
		if i >= len(data) {
			return d.fail(i, errEOF)
		}
		switch c := data[i]; c {
		case '"':
			if i, code = skipString(data, i+1); code != errNone {
				return d.fail(i, code)
			}
		case '{', '[':
			if top >= room {
				return d.fail(i, errDepth)
			}
			obj := c == '{'
			i = skipWS(data, i+1)
			if i >= len(data) {
				return d.fail(i, errEOF)
			}
			if obj && data[i] == '}' || !obj && data[i] == ']' {
				i++ // empty container: a complete value
				break
			}
			top++
			d.setBit(top, obj)
			inObj = obj
			if obj {
				if i, code = skipKey(data, i); code != errNone {
					return d.fail(i, code)
				}
			}
			continue value
		case 't':
			if i, code = scanLiteral(data, i, "true"); code != errNone {
				return d.fail(i, code)
			}
		case 'f':
			if i, code = scanLiteral(data, i, "false"); code != errNone {
				return d.fail(i, code)
			}
		case 'n':
			if i, code = scanLiteral(data, i, "null"); code != errNone {
				return d.fail(i, code)
			}
		default:
			if c != '-' && c-'0' >= 10 {
				return d.fail(i, errExpectValue)
			}
			if i, code = scanNumber(data, i); code != errNone {
				return d.fail(i, code)
			}
		}
		// A value ended at i: close containers until one continues.
		for top > 0 {
			if i < len(data) && data[i] <= ' ' {
				i = skipWS(data, i)
			}
			if i >= len(data) {
				return d.fail(i, errEOF)
			}
			switch c := data[i]; {
			case c == ',':
				i++
				if inObj {
					if i < len(data) && data[i] <= ' ' {
						i = skipWS(data, i)
					}
					if i, code = skipKey(data, i); code != errNone {
						return d.fail(i, code)
					}
				}
				continue value
			case inObj && c == '}', !inObj && c == ']':
				i++
				top--
				inObj = top > 0 && d.bit(top)
			case inObj:
				return d.fail(i, errExpectObjEnd)
			default:
				return d.fail(i, errExpectArrEnd)
			}
		}
		d.pos = i
		return nil
	}
}

// skipKey validates an object key and the colon after it, starting at i
// (past whitespace), and returns the offset just after the colon.
func skipKey(data []byte, i int) (int, errCode) {
	if i >= len(data) {
		return i, errEOF
	}
	if data[i] != '"' {
		return i, errExpectKey
	}
	i, code := skipString(data, i+1)
	if code != errNone {
		return i, code
	}
	if i < len(data) && data[i] != ':' {
		i = skipWS(data, i)
	}
	if i >= len(data) {
		return i, errEOF
	}
	if data[i] != ':' {
		return i, errExpectColon
	}
	return i + 1, errNone
}

// EqualFoldASCII reports whether key equals name with ASCII letters
// compared case-insensitively, so that "revisionDate" matches
// "RevisionDate". Other bytes, including non-ASCII ones, must match
// exactly: unlike strings.EqualFold, the Kelvin sign does not match "k",
// nor the long s "s", as they do not in the official server's member
// lookup. It is the one rule by which bsafe matches a JSON member key to
// a member name, in the client and in the test server alike.
func EqualFoldASCII[K ~string | ~[]byte](key K, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := 0; i < len(key); i++ {
		a, b := key[i], name[i]
		if a == b {
			continue
		}
		if a|0x20 != b|0x20 || (a|0x20)-'a' >= 26 {
			return false
		}
	}
	return true
}
