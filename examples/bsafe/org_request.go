package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"regexp"
	"strings"
)

// guidPattern is bw's test of an ID argument (Utils.isGuid), any case.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$`)

// checkGUID fails with bw's message unless id has the form of a GUID. The
// ID is printed only through printable, so the line stays one line.
func checkGUID(id string) error {
	if !guidPattern.MatchString(id) {
		return fail("`" + printable(id) + "` is not a GUID.")
	}
	return nil
}

// msgBadRequestData is bw's error for an argument that is not base64 JSON.
const msgBadRequestData = "Error parsing the encoded request data."

// encodedRequest returns the JSON object that create and edit take: the
// base64 argument (as "bw encode" makes it) or, without one, standard
// input, as bw reads it. It decodes it into v, which must be a pointer to
// a struct; anything but a base64 encoding of a JSON object is bw's
// "Error parsing the encoded request data.".
func (a *app) encodedRequest(arg string, v any) error {
	if arg == "" && !a.isTerminal(a.stdin) {
		b, err := io.ReadAll(io.LimitReader(a.stdin, maxRequestBytes+1))
		if err != nil {
			return fail("Cannot read standard input.")
		}
		arg = string(b)
	}
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return fail("`requestJson` was not provided.")
	}
	if len(arg) > maxRequestBytes {
		return fail(msgBadRequestData)
	}
	raw, ok := decodeBase64(arg)
	if !ok {
		return fail(msgBadRequestData)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return fail(msgBadRequestData)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		// The error names the field and type only, never a value; bw's
		// message is kept for a JSON that does not parse at all.
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			return fail("Invalid request data: `" + printable(te.Field) + "` has the wrong type.")
		}
		return fail(msgBadRequestData)
	}
	return nil
}

// maxRequestBytes bounds an encoded request (bw has no limit; a collection
// with thousands of access entries stays far below it).
const maxRequestBytes = 8 << 20

// decodeBase64 decodes s in any of the spellings Node's Buffer.from(s,
// "base64") reads: standard or URL alphabet, with or without padding, with
// line breaks.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}
