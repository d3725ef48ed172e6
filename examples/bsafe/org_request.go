package main

import (
	"bytes"
	"encoding/json"
)

// checkGUID fails with bw's message unless id has the form of a GUID. The
// ID is printed only through printable, so the line stays one line.
func checkGUID(id string) error {
	if !isGUID(id) {
		return fail("`" + printable(id) + "` is not a GUID.")
	}
	return nil
}

// encodedRequest decodes the JSON object that create and edit of folders
// and collections take (the argument, or standard input: requestJSON) into
// v, a pointer to a struct. Anything but the base64 of one JSON object is
// bw's "Error parsing the encoded request data."; a member of the wrong
// type is named (never its value).
func (a *app) encodedRequest(arg string, v any) error {
	raw, err := a.requestJSON(arg)
	if err != nil {
		return err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return errBadRequestData
	}
	if err := json.Unmarshal(raw, v); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			return fail("Invalid request data: `" + printable(te.Field) + "` has the wrong type.")
		}
		return errBadRequestData
	}
	return nil
}
