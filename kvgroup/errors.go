package kvgroup

import (
	"errors"
	"fmt"
	"reflect"
)

// SyntaxError reports malformed KVGroup text.
//
// Line and Col are 1-based; Col counts bytes (not runes) from the start of
// the line, like go/scanner. Offset is the 0-based byte offset from the start
// of the input (for a [Decoder], from the start of the stream). A UTF-8 byte
// order mark counts in Offset but not in Col.
//
// Values in a KVGroup are often secrets (passwords, API keys), so a
// SyntaxError never quotes the input. Msg names the kind of token found
// ("string", "unquoted text", "'='", "end of input", ...) and what was
// expected instead; it never contains the content of a string or of unquoted
// text.
type SyntaxError struct {
	Line   int
	Col    int
	Offset int64
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("kvgroup: syntax error at line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// ErrLimit is matched (with [errors.Is]) by every [*LimitError].
var ErrLimit = errors.New("kvgroup: limit exceeded")

// ErrEncoding is returned when the input starts with a UTF-16 or UTF-32 byte
// order mark. KVGroup text is read as UTF-8 only; convert the input first,
// for example with golang.org/x/text/encoding/unicode.
var ErrEncoding = errors.New("kvgroup: unsupported text encoding (UTF-16 or UTF-32 byte order mark); input must be UTF-8")

// LimitError reports a document that exceeds one of the configured [Limits].
// It matches [ErrLimit] with [errors.Is].
type LimitError struct {
	Limit  string // "MaxDepth", "MaxBytes" or "MaxItems"
	Max    int64  // the configured maximum
	Offset int64  // byte offset (from the start of the input) where the limit was hit
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("kvgroup: document exceeds %s (%d) at byte offset %d", e.Limit, e.Max, e.Offset)
}

// Is reports whether target is [ErrLimit].
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// UnsupportedTypeError is returned by [Marshal], [Unmarshal] and their Group
// variants for a Go type that has no KVGroup mapping, such as a map, a
// channel, an interface or a nested slice.
type UnsupportedTypeError struct {
	Type  reflect.Type
	Field string // Go field path such as "Config.Extra"; empty for the top-level value
}

func (e *UnsupportedTypeError) Error() string {
	if e.Field == "" {
		return "kvgroup: unsupported type " + e.Type.String()
	}
	return "kvgroup: unsupported type " + e.Type.String() + " for field " + e.Field
}

// UnmarshalTypeError reports a value that cannot be converted to the Go type
// of the field it maps to, for example "abc" for an int field. It names the
// key but never the value, which may be secret.
type UnmarshalTypeError struct {
	Key  string       // the KVGroup key
	Type reflect.Type // the Go type that could not hold the value
	Err  error        // the underlying cause, such as strconv.ErrSyntax
}

func (e *UnmarshalTypeError) Error() string {
	s := fmt.Sprintf("kvgroup: cannot unmarshal value of key %q into Go value of type %s", e.Key, e.Type)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *UnmarshalTypeError) Unwrap() error { return e.Err }

// InvalidUnmarshalError describes an invalid argument passed to [Unmarshal]
// or [UnmarshalGroup]: it must be a non-nil pointer.
type InvalidUnmarshalError struct {
	Type reflect.Type
}

func (e *InvalidUnmarshalError) Error() string {
	if e.Type == nil {
		return "kvgroup: Unmarshal(nil)"
	}
	if e.Type.Kind() != reflect.Pointer {
		return "kvgroup: Unmarshal(non-pointer " + e.Type.String() + ")"
	}
	return "kvgroup: Unmarshal(nil " + e.Type.String() + ")"
}
