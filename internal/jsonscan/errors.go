package jsonscan

import "strconv"

// A SyntaxError reports input that is not valid JSON, or a Decoder used out
// of order (for example a value read where a ',' is due). Offset is the
// byte offset of the offending byte, or len(data) when the input ends too
// early.
//
// The message never contains bytes of the input, which may hold secrets: it
// says only where the problem is and what was expected there.
type SyntaxError struct {
	Offset int    // byte offset in the input
	Msg    string // fixed description, e.g. "expected ',' or '}' after object member"
}

// Error returns "jsonscan: syntax error at offset N: " and the message.
func (e *SyntaxError) Error() string {
	return "jsonscan: syntax error at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// A TypeError reports a well-formed value of the wrong kind for the method
// called, for example [Decoder.String] on a number, or [Decoder.Int] on a
// number with a fraction. The value is not consumed: the caller may read it
// with another method or [Decoder.Skip] it, and the Decoder stays usable.
//
// Like [SyntaxError], it carries no bytes of the input.
type TypeError struct {
	Offset int    // byte offset of the first byte of the value
	Want   string // what the caller asked for, e.g. "string", "integer"
	Got    Kind   // the kind of the value found
}

// Error returns "jsonscan: at offset N: expected WANT, found KIND".
func (e *TypeError) Error() string {
	return "jsonscan: at offset " + strconv.Itoa(e.Offset) + ": expected " + e.Want + ", found " + e.Got.String()
}

// errCode identifies a fixed syntax error message. Zero means no error.
type errCode uint8

const (
	errNone errCode = iota
	errEOF
	errExpectValue
	errCtlInString
	errBadEscape
	errBadNumber
	errBadLiteral
	errExpectKey
	errExpectColon
	errExpectObjEnd
	errExpectArrEnd
	errDepth
	errTrailing
)

var errMsgs = [...]string{
	errNone:         "no error",
	errEOF:          "unexpected end of input",
	errExpectValue:  "expected a value",
	errCtlInString:  "control character in string",
	errBadEscape:    "invalid escape sequence in string",
	errBadNumber:    "invalid number",
	errBadLiteral:   "invalid literal (expected true, false or null)",
	errExpectKey:    "expected string for object key",
	errExpectColon:  "expected ':' after object key",
	errExpectObjEnd: "expected ',' or '}' after object member",
	errExpectArrEnd: "expected ',' or ']' after array element",
	errDepth:        "exceeded maximum nesting depth",
	errTrailing:     "unexpected data after top-level value",
}
