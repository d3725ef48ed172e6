// Package jsonscan is a strict JSON pull scanner over a byte slice, for
// decoding large server responses by hand. It does not allocate on the
// common path (see Aliasing and allocation).
//
// The vault client decodes Bitwarden's /api/sync response, tens of
// megabytes holding thousands of cipher objects whose fields are mostly
// EncStrings. encoding/json builds a value for everything and copies every
// string; a hand-written decoder on a [Decoder] instead walks the document,
// picks out the fields it knows, takes their strings in place, and skips
// the rest:
//
//	d := jsonscan.NewDecoder(body)
//	err := d.Object(func(key []byte) error {
//		switch {
//		case jsonscan.EqualFoldASCII(key, "ciphers"):
//			return d.Array(func(int) error {
//				raw, err := d.Raw() // one cipher, decoded later elsewhere
//				...
//			})
//		case jsonscan.EqualFoldASCII(key, "profile"):
//			return decodeProfile(d)
//		}
//		return nil // unknown member: skipped (and validated) by Object
//	})
//	if err == nil {
//		err = d.End()
//	}
//
// # Pull style
//
// The caller asks for the value it expects next: [Decoder.Object] and
// [Decoder.Array] iterate with a callback per member or element,
// [Decoder.String], [Decoder.Int], [Decoder.Number], [Decoder.Bool] and
// [Decoder.Null] read scalars, [Decoder.Skip] passes over any value and
// [Decoder.Raw] returns one value's bytes, for example to decode each
// cipher on another goroutine with its own Decoder. [Decoder.Peek] tells
// which kind of value comes next, for fields the server may send as
// different kinds. A callback that consumes nothing has its value skipped
// for it, so ignoring unknown fields costs no code.
//
// Keys are matched with [EqualFoldASCII] because servers differ in
// capitalisation: ASP.NET sends "RevisionDate" or "revisionDate"
// depending on its configuration.
//
// # Strictness
//
// Everything the Decoder reads or skips is fully validated: a document
// whose top-level value is walked without error and followed by a
// successful [Decoder.End] is exactly one that encoding/json's Valid
// accepts (with [Decoder.SetMaxDepth] at 10000, encoding/json's limit; the
// default is a lower [DefaultMaxDepth]). Strings decode exactly as
// encoding/json decodes them into a Go string, including its replacement
// of unpaired surrogates and invalid UTF-8 with U+FFFD.
//
// # Aliasing and allocation
//
// The Decoder never copies the input. Slices it returns — object keys and
// strings without escapes, [Decoder.Raw], [Decoder.Number] — are
// sub-slices of the input with capacity equal to their length. They are
// valid while the input is; callers that keep them beyond the input's
// lifetime, or that reuse or wipe the input buffer, must copy them first.
// Strings with escapes (ASP.NET escapes '+' in base64 as \u002B) are
// decoded into a new slice, or with [Decoder.AppendString] into a buffer
// the caller reuses, which keeps a walk free of allocations. (An object
// key with escapes is always decoded into a new slice.)
//
// # Errors and secrets
//
// Errors ([*SyntaxError], [*TypeError]) carry an offset and a fixed
// description, never bytes of the input, because the input may contain
// secrets. Syntax errors are sticky: after one, the Decoder returns it
// from every call; so is an error returned by an [Decoder.Object] or
// [Decoder.Array] callback, which leaves the Decoder inside a value. Type
// errors are not: the value is left unread.
package jsonscan
