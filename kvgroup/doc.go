// Package kvgroup reads and writes KVGroups, the text format that Bravura
// agents, connectors and plugins exchange on stdin and stdout, and that
// some Bravura configuration files (.con platform definitions, for
// example) are written in.
//
// # Model
//
// A [Group] has a key, a name and an ordered list of [Item] values. An item
// is a pair (key = value), an inner group, or a value-only list entry.
// Order and duplicates are kept: a repeated pair key is a multi-valued key
// ("restrictedvalue" = "Alberta" "restrictedvalue" = "Quebec"), and several
// inner groups may share a key and even a name. Keys are case-sensitive;
// the empty key and the empty value are legal. A document is one group,
// usually the anonymous root "" "" = { ... }.
//
// Lookups follow the PSLang kvg* functions: [Group.Get] and [Group.Lookup]
// (first value), [Group.Values] (all values), [Group.Group] (first group by
// key and name), [Group.Groups] (all groups by key), [Group.Keys] (distinct
// pair keys) and [Group.List] (value-only items). [Group.Add],
// [Group.AddGroup], [Group.AddValue], [Group.Append] and [Group.Set] build
// output. [Group.Equal] compares trees.
//
// # V1 syntax (the wire format)
//
//	# KVGROUP-V1.0                      optional header, a comment
//	"" "" = {
//	  "errmsg" = "success"              # a comment runs to end of line
//	  "restrictedvalue" = "Alberta" "restrictedvalue" = "Quebec"
//	  "parent" "US" = {
//	    "restrictedvalue" = "NY"
//	  }
//	  "listattributes" "" = { }
//	}
//
// Strings are double-quoted. A backslash escapes the next byte: \n, \r and
// \t are newline, carriage return and tab, and any other \X is X (so \\ is
// a backslash and \" a quote). Raw newlines and any other bytes are
// accepted inside quotes. '#' starts a comment outside quotes. Items are
// separated by white space only, and several may share a line.
//
// A quoted string in a group that is not followed by '=' (nor by a second
// string and "= {") is a value-only item. Bravura's documents do not show a
// V1 spelling for value-only lists; this reading of bare strings, suggested
// by the reference material, lets every tree, including those read from V2,
// be written in V1.
//
// Input is UTF-8. A UTF-8 byte order mark is skipped. A UTF-16 or UTF-32
// byte order mark gives [ErrEncoding]: this package does not transcode;
// convert such input (for example with golang.org/x/text) before parsing.
// Invalid UTF-8 inside strings is passed through unchanged.
//
// # V2 syntax (configuration files)
//
//	# KVGROUP-V2.0
//	agtbsafe = {
//	  agent = agtpython.exe;
//	  objects = {ACCT;ASSET;GRP;ROLE;};
//	  "listGroups" = { "CN=IT,OU=G"; "CN=Sales,OU=G"; };
//	};
//
// V2 adds unquoted tokens (a run of bytes other than white space, '"', '#',
// '=', '{', '}', ';' and ','; backslashes in them are literal), ';' or ','
// after any item (optional, and repeatable), groups written "key = { ... }"
// (empty name) or "key name = { ... }", and lists of value-only items. The
// V2 reader accepts all of V1. A document is read as V2 when its header
// comment says "KVGROUP-V2.x" (or a later major version), or when the
// dialect is set to [V2] ([ParseStringWith], [Decoder.SetDialect]).
//
// # Reading
//
// [Parse], [ParseBytes] and [ParseString] read exactly one document.
// A [Decoder] reads a stream of documents, as streaming plugins receive
// them; [Decoder.Header] gives the "KVGROUP-Vx.y" header that preceded the
// last document. The empty document "" "" = { } is used in such streams as
// a "next" or "end of list" signal: test for it with [Group.IsEmpty].
//
// [Limits] bound the depth, size and item count of each document (by
// default 1000 levels, 16 MiB and 1 million items); past them the reader
// returns a [*LimitError], which matches [ErrLimit]. The reader has no
// recursion and does not panic on any input.
//
// # Errors and secrets
//
// Malformed input gives a [*SyntaxError] with a 1-based line and byte
// column and the byte offset. KVGroup values are often passwords, so error
// messages never quote the input: they name the kind of token found
// ("string", "unquoted text", "'='", "end of input") and what was expected.
// [*UnmarshalTypeError] likewise names the key but not the value.
//
// # Writing
//
// [Format] and [Encoder] write V1 in a stable layout: two spaces of
// indentation per level, one item per line, empty groups as "{ }", a
// newline at the end. Output parses back to an equal tree. The writer
// escapes backslash, quote, newline, carriage return and tab, and writes
// other bytes as they are. [Encoder.SetDialect] selects V2 output (with a
// "# KVGROUP-V2.0" header and ';' after each item); [Encoder.SetHeader] adds
// a header comment. For large output, [Encoder.BeginGroup],
// [Encoder.WritePair] and [Encoder.EndGroup] stream a document without
// building the tree.
//
// # Go values
//
// [Marshal] and [Unmarshal] map structs to groups in the manner of
// encoding/json, with `kvg:"key,omitempty"` tags; see [MarshalGroup] for the
// rules. A struct field maps to an inner group whose key is the field's key
// and whose name is held by the inner struct's field tagged `kvg:",name"`;
// a slice of structs maps to repeated groups with the same key. A []string
// field is a multi-valued key.
//
// # Performance
//
// The reader is a hand-written byte scanner. A document is held as one
// string; strings without escapes are substrings of it, strings with
// escapes are decoded into a shared chunk, and items and groups are carved
// from chunked arrays, so parsing costs a few allocations per document
// whatever its size (about 35 for a 10 MB listing of 220,000 items).
// Groups from one document therefore share memory: keeping any part of a
// document keeps its text alive (and, for a Decoder, possibly a few
// neighbouring small documents). Each Items slice is capped at its length,
// so appending to it never overwrites a neighbour.
package kvgroup
