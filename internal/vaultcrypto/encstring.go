package vaultcrypto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// EncType is the type number of an EncString, the digit before the dot.
type EncType uint8

// EncString types. The names are Bitwarden's.
const (
	AesCbc256B64                   EncType = 0 // legacy, no MAC; read only, user-key unwrap only
	AesCbc128HmacSha256B64         EncType = 1 // legacy; read only
	AesCbc256HmacSha256B64         EncType = 2 // what symmetric encryption writes
	Rsa2048OaepSha256B64           EncType = 3 // read only
	Rsa2048OaepSha1B64             EncType = 4 // what RSA encryption writes
	Rsa2048OaepSha256HmacSha256B64 EncType = 5 // deprecated; MAC ignored; read only
	Rsa2048OaepSha1HmacSha256B64   EncType = 6 // deprecated; MAC ignored; read only
	CoseEncrypt0B64                EncType = 7 // 2025+ "V2"; recognised and refused
)

// partsByType is the number of "|"-separated parts of each type.
var partsByType = [...]int{0: 2, 1: 3, 2: 3, 3: 1, 4: 1, 5: 2, 6: 2, 7: 1}

func (t EncType) symmetric() bool { return t <= AesCbc256HmacSha256B64 }
func (t EncType) hasMAC() bool {
	return t != AesCbc256B64 && t != Rsa2048OaepSha256B64 && t != Rsa2048OaepSha1B64
}

// EncString is one encrypted value: a type, and for the symmetric types an
// IV, a ciphertext and (except type 0) a MAC. Its text form is
// "2.<b64 iv>|<b64 ct>|<b64 mac>"; RSA types have "4.<b64 ct>" and, for the
// deprecated 5 and 6, a trailing "|<b64 mac>" that is ignored.
//
// An EncString holds decoded bytes, so decrypting does not decode base64
// again. Text produced by String is canonical (padded standard base64); an
// input that was not canonical (unpadded, or with non-zero trailing bits, or
// header-less) parses to the same value but does not print back byte for
// byte.
//
// The zero EncString is "no value" (JSON null). EncStrings are ciphertext
// and safe to print.
type EncString struct {
	typ  EncType
	iv   []byte // 16 bytes for the symmetric types, else nil
	data []byte // ciphertext; never empty in a valid EncString
	mac  []byte // 32 bytes for types 1 and 2; anything for 5 and 6; else nil
}

// ParseEncString parses the text form of an EncString. It accepts types 0 to
// 6 and the header-less legacy form (two parts: type 0, three parts: type 1).
// Base64 is decoded permissively, as the Bitwarden SDK does: trailing "="
// may be missing and trailing bits are not checked. Type 7 and unknown
// types give an error matching ErrUnsupportedType; anything malformed gives
// one matching ErrInvalidEncString. Errors never quote the input.
func ParseEncString(s string) (EncString, error) { return parseText(s, nil) }

// parseText is the parser, generic so that UnmarshalText and UnmarshalJSON
// parse []byte without first copying it into a string. The decoded parts
// are appended to buf[:0] when it has room (DecryptText passes a scratch
// buffer), else to one new allocation of the exact size.
func parseText[T ~string | ~[]byte](s T, buf []byte) (EncString, error) {
	if len(s) == 0 {
		return EncString{}, encErr("empty")
	}
	typ, body, err := splitHeader(s)
	if err != nil {
		return EncString{}, err
	}
	// Split the body into parts without allocating.
	var parts [3]T
	n := 0
	for rest := body; ; {
		if n == len(parts) {
			return EncString{}, encErr("type %d has more than %d parts", typ, len(parts))
		}
		i := indexByte(rest, '|')
		if i < 0 {
			parts[n] = rest
			n++
			break
		}
		parts[n] = rest[:i]
		n++
		rest = rest[i+1:]
	}
	if typ == noHeader {
		typ = AesCbc256B64
		if n == 3 {
			typ = AesCbc128HmacSha256B64
		}
	}
	if want := partsByType[typ]; n != want {
		return EncString{}, encErr("type %d has %d parts, want %d", typ, n, want)
	}

	// One allocation holds every decoded part.
	size := 0
	for _, p := range parts[:n] {
		size += decodedLen(p)
	}
	if cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	buf = buf[:0]
	var dec [3][]byte
	for i, p := range parts[:n] {
		start := len(buf)
		if buf, err = appendDecodeBase64(buf, p); err != nil {
			return EncString{}, encErr("type %d part %d: %v", typ, i+1, err)
		}
		dec[i] = buf[start:len(buf):len(buf)]
	}
	e := EncString{typ: typ}
	if typ.symmetric() {
		e.iv, e.data = dec[0], dec[1]
		if typ.hasMAC() {
			e.mac = dec[2]
		}
	} else {
		e.data = dec[0]
		if typ.hasMAC() {
			e.mac = dec[1]
		}
	}
	if err := e.check(); err != nil {
		return EncString{}, err
	}
	return e, nil
}

// indexByte is bytes.IndexByte or strings.IndexByte, which are vectorized:
// an EncString is scanned for its separators byte by byte otherwise, and
// that was a fifth of decrypting a synced vault.
func indexByte[T ~string | ~[]byte](s T, c byte) int {
	switch v := any(s).(type) {
	case []byte:
		return bytes.IndexByte(v, c)
	case string:
		return strings.IndexByte(v, c)
	}
	for i := 0; i < len(s); i++ { // a named string or byte-slice type
		if s[i] == c {
			return i
		}
	}
	return -1
}

// noHeader marks a header-less legacy string during parsing.
const noHeader EncType = 0xff

// splitHeader returns the type and the text after "T.". A string with no
// dot is header-less legacy (type decided by its part count).
func splitHeader[T ~string | ~[]byte](s T) (EncType, T, error) {
	dot := indexByte(s, '.')
	if dot < 0 {
		return noHeader, s, nil
	}
	if indexByte(s[dot+1:], '.') >= 0 {
		return 0, s, encErr("more than one '.'")
	}
	// A canonical header is one decimal digit; anything else numeric is an
	// unknown type, anything non-numeric is malformed.
	head := s[:dot]
	if len(head) == 0 {
		return 0, s, encErr("missing type")
	}
	for i := 0; i < len(head); i++ {
		if head[i] < '0' || head[i] > '9' {
			return 0, s, encErr("type is not a number")
		}
	}
	if len(head) != 1 {
		if n, err := strconv.Atoi(string(head)); err == nil && n <= int(CoseEncrypt0B64) {
			return 0, s, encErr("type %d is not written as one digit", n)
		}
		return 0, s, fmt.Errorf("%w: type %.10s", ErrUnsupportedType, head)
	}
	typ := EncType(head[0] - '0')
	if typ == CoseEncrypt0B64 {
		return 0, s, fmt.Errorf("%w: type 7 (COSE, V2 encryption) is not supported", ErrUnsupportedType)
	}
	if int(typ) >= len(partsByType) {
		return 0, s, fmt.Errorf("%w: type %d", ErrUnsupportedType, typ)
	}
	return typ, s[dot+1:], nil
}

// check enforces the part sizes of each type.
func (e EncString) check() error {
	if e.typ.symmetric() {
		if len(e.iv) != 16 {
			return encErr("type %d IV is %d bytes, want 16", e.typ, len(e.iv))
		}
		if len(e.data) == 0 || len(e.data)%16 != 0 {
			return encErr("type %d ciphertext is %d bytes, want a non-zero multiple of 16", e.typ, len(e.data))
		}
		if e.typ.hasMAC() && len(e.mac) != 32 {
			return encErr("type %d MAC is %d bytes, want 32", e.typ, len(e.mac))
		}
		return nil
	}
	if len(e.data) == 0 {
		return encErr("type %d ciphertext is empty", e.typ)
	}
	return nil
}

// Type returns the EncString's type number.
func (e EncString) Type() EncType { return e.typ }

// IsZero reports whether e is the zero EncString ("no value").
func (e EncString) IsZero() bool { return e.data == nil }

// String returns the canonical text form, or "" for the zero EncString.
func (e EncString) String() string {
	if e.IsZero() {
		return ""
	}
	sc := getScratch(e.textLen())
	defer putScratch(sc)
	return string(e.appendText(*sc))
}

func (e EncString) appendText(b []byte) []byte {
	if e.IsZero() {
		return b
	}
	b = append(b, '0'+byte(e.typ), '.')
	if e.iv != nil {
		b = base64.StdEncoding.AppendEncode(b, e.iv)
		b = append(b, '|')
	}
	b = base64.StdEncoding.AppendEncode(b, e.data)
	if e.mac != nil {
		b = append(b, '|')
		b = base64.StdEncoding.AppendEncode(b, e.mac)
	}
	return b
}

func (e EncString) textLen() int {
	n := 2 + base64.StdEncoding.EncodedLen(len(e.data))
	if e.iv != nil {
		n += 1 + base64.StdEncoding.EncodedLen(len(e.iv))
	}
	if e.mac != nil {
		n += 1 + base64.StdEncoding.EncodedLen(len(e.mac))
	}
	return n
}

// MarshalText implements encoding.TextMarshaler. The zero EncString
// marshals to empty text.
func (e EncString) MarshalText() ([]byte, error) {
	if e.IsZero() {
		return []byte{}, nil
	}
	return e.appendText(make([]byte, 0, e.textLen())), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. Empty text gives the
// zero EncString.
func (e *EncString) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*e = EncString{}
		return nil
	}
	v, err := parseText(text, nil)
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// MarshalJSON writes the text form as a JSON string, and the zero
// EncString as null, which is how Bitwarden clients send an empty field.
func (e EncString) MarshalJSON() ([]byte, error) {
	if e.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, e.textLen()+2)
	b = append(b, '"')
	b = e.appendText(b) // base64, digits, '.' and '|' need no JSON escaping
	return append(b, '"'), nil
}

// UnmarshalJSON reads a JSON string; null and "" give the zero EncString.
// JSON escapes are decoded: ASP.NET servers (Bitwarden's among them) write
// "+" as \u002B.
func (e *EncString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*e = EncString{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return encErr("JSON value is not a string")
	}
	text := b[1 : len(b)-1]
	if bytes.IndexByte(text, '\\') >= 0 {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return encErr("bad JSON string")
		}
		text = []byte(s)
	}
	return e.UnmarshalText(text)
}

// ParseEncBuffer parses the binary form of an EncString used for attachment
// and Send files: [type][iv 16][mac 32][ciphertext] for type 2 and
// [type][iv 16][ciphertext] for type 0. The result does not alias b.
func ParseEncBuffer(b []byte) (EncString, error) { return parseEncBuffer(b, true) }

// parseEncBuffer is ParseEncBuffer; without keep, the EncString aliases b
// (for a caller that is done with it before b can change).
func parseEncBuffer(b []byte, keep bool) (EncString, error) {
	if len(b) == 0 {
		return EncString{}, encErr("empty buffer")
	}
	typ := EncType(b[0])
	var e EncString
	switch typ {
	case AesCbc256HmacSha256B64:
		if len(b) < 1+16+32 {
			return EncString{}, encErr("type 2 buffer is %d bytes, want at least %d", len(b), 1+16+32+16)
		}
		c := b[1:len(b):len(b)]
		if keep {
			c = append([]byte(nil), c...)
		}
		e = EncString{typ: typ, iv: c[:16:16], mac: c[16:48:48], data: c[48:]}
	case AesCbc256B64:
		if len(b) < 1+16 {
			return EncString{}, encErr("type 0 buffer is %d bytes, want at least %d", len(b), 1+16+16)
		}
		c := b[1:len(b):len(b)]
		if keep {
			c = append([]byte(nil), c...)
		}
		e = EncString{typ: typ, iv: c[:16:16], data: c[16:]}
	case CoseEncrypt0B64:
		return EncString{}, fmt.Errorf("%w: type 7 (COSE, V2 encryption) is not supported", ErrUnsupportedType)
	default:
		if typ < CoseEncrypt0B64 {
			return EncString{}, encErr("type %d has no binary form", typ)
		}
		return EncString{}, fmt.Errorf("%w: type %d", ErrUnsupportedType, typ)
	}
	if err := e.check(); err != nil {
		return EncString{}, err
	}
	return e, nil
}

// Buffer returns the binary form of a type 0 or type 2 EncString (see
// ParseEncBuffer).
func (e EncString) Buffer() ([]byte, error) {
	switch {
	case e.IsZero():
		return nil, encErr("zero EncString has no binary form")
	case e.typ == AesCbc256HmacSha256B64:
		b := make([]byte, 0, 1+len(e.iv)+len(e.mac)+len(e.data))
		b = append(b, byte(e.typ))
		b = append(b, e.iv...)
		b = append(b, e.mac...)
		return append(b, e.data...), nil
	case e.typ == AesCbc256B64:
		b := make([]byte, 0, 1+len(e.iv)+len(e.data))
		b = append(b, byte(e.typ))
		b = append(b, e.iv...)
		return append(b, e.data...), nil
	}
	return nil, encErr("type %d has no binary form", e.typ)
}
