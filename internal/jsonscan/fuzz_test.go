package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
)

// jsonMaxDepth is encoding/json's nesting limit; decoders compared with
// json.Valid use it.
const jsonMaxDepth = 10000

// fuzzSeeds are starting inputs shared by the fuzz targets.
var fuzzSeeds = []string{
	``, ` `, `null`, `true`, `false`, `nul`, `tru`, `fals`, `nullx`,
	`0`, `-0`, `01`, `-`, `1.`, `1.5`, `1e`, `1e+`, `1E-7`, `-12.5e+3`, `9223372036854775808`,
	`""`, `"abc"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u002B\u00e9\uD83D\uDE00"`, `"\uD800"`, `"\uDC00\uD800"`,
	`"\uD800\u0041"`, `"\u12G4"`, `"\x"`, `"a` + "\x01" + `"`, `"` + "\xff\xfe" + `"`, `"` + "\xed\xa0\x80" + `"`,
	`[]`, `[1,2,3]`, `[1,]`, `[,1]`, `[1 2]`, `[[[]]]`, `[[[`, `]`,
	`{}`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `{"a":{"b":[null,true,{"c":"d"}]}}`, `{"a":1}}`,
	` { "k" : [ 1 , "x" ] } `, "\t[\r\n]\n", `{"a":1,"a":2}`, `{"a":null,"b":[]}`, `[{}, [], ""]`,
	`"0123456789abcdef\u002B0123456789abcdef\"0123456789abcdef"`, "\"0123456789abcdef\xc3\xa90123456789\xff\"",
	`{"\u0041":1,"A":2}`, `[1e400, -1E-400, 123456789012345678901234567890]`,
	`{"object":"sync","ciphers":[{"id":"x","name":"2.AAAA|BBBB\u002BCC==|DDDD","login":{"uris":[{"uri":"https://a"}]}}]}`,
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
}

// walkAll walks the next value with Skip then End.
func skipAll(data []byte, maxDepth int) error {
	d := NewDecoder(data)
	d.SetMaxDepth(maxDepth)
	if err := d.Skip(); err != nil {
		return err
	}
	return d.End()
}

func trimJSONSpace(b []byte) []byte { return bytes.Trim(b, " \t\r\n") }

func FuzzValid(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		want := json.Valid(data)
		err := skipAll(data, jsonMaxDepth)
		if got := err == nil; got != want {
			t.Fatalf("Skip+End accepted=%v (err %v), json.Valid=%v, input %q", got, err, want, data)
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T %v is not a *SyntaxError", err, err)
			}
			if se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("error offset %d out of range [0,%d]", se.Offset, len(data))
			}
		}
		// Raw of the top value is the trimmed input.
		d := NewDecoder(data)
		d.SetMaxDepth(jsonMaxDepth)
		raw, rerr := d.Raw()
		if want {
			if rerr != nil {
				t.Fatalf("Raw: %v", rerr)
			}
			if !bytes.Equal(raw, trimJSONSpace(data)) {
				t.Fatalf("Raw = %q, want %q", raw, trimJSONSpace(data))
			}
			if err := d.End(); err != nil {
				t.Fatalf("End after Raw: %v", err)
			}
		}
		if want {
			checkMemberRaws(t, data)
		}
		// The default depth limit only ever rejects more.
		if err := skipAll(data, 0); err == nil && !want {
			t.Fatalf("default-depth Skip accepted invalid input %q", data)
		}
	})
}

// checkMemberRaws compares Raw of each member or element of a valid
// top-level object or array with encoding/json's json.RawMessage.
func checkMemberRaws(t *testing.T, data []byte) {
	t.Helper()
	d := NewDecoder(data)
	d.SetMaxDepth(jsonMaxDepth)
	switch d.Peek() {
	case Object:
		var want map[string]json.RawMessage
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("json.Unmarshal: %v", err)
		}
		got := map[string]json.RawMessage{}
		err := d.Object(func(key []byte) error {
			raw, err := d.Raw()
			got[string(key)] = raw
			return err
		})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("member Raws %q, %v; encoding/json says %q", got, err, want)
		}
	case Array:
		var want []json.RawMessage
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("json.Unmarshal: %v", err)
		}
		got := []json.RawMessage{}
		err := d.Array(func(int) error {
			raw, err := d.Raw()
			got = append(got, raw)
			return err
		})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("element Raws %q, %v; encoding/json says %q", got, err, want)
		}
	}
}

func FuzzString(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{`abc`, `\u002B`, `\uD83D\uDE00`, `\uD800\uD800\uDC00`, "\xf0\x9f\x98", "\xc3\xa9\xc3", `\/\\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, lit := range [][]byte{b, append(append([]byte{'"'}, b...), '"')} {
			checkString(t, lit)
		}
	})
}

// checkString compares String, AppendString and StringOrNull on lit with
// encoding/json unmarshaling into a Go string.
func checkString(t *testing.T, lit []byte) {
	t.Helper()
	var want string
	jerr := json.Unmarshal(lit, &want)
	isStr := jerr == nil && len(trimJSONSpace(lit)) > 0 && trimJSONSpace(lit)[0] == '"'

	d := NewDecoder(lit)
	got, err := d.String()
	if err == nil {
		err = d.End()
	}
	if isStr != (err == nil) {
		t.Fatalf("String accepted=%v (err %v), json.Unmarshal string ok=%v, input %q", err == nil, err, isStr, lit)
	}
	if !isStr {
		return
	}
	if string(got) != want {
		t.Fatalf("String(%q) = %q, want %q", lit, got, want)
	}
	// Appending to the result must never write into the input.
	before := string(lit)
	_ = append(got, 'X')
	if string(lit) != before {
		t.Fatalf("appending to String result modified the input")
	}

	d = NewDecoder(lit)
	prefix := []byte("pre")
	app, err := d.AppendString(prefix)
	if err != nil || string(app) != "pre"+want {
		t.Fatalf("AppendString(%q) = %q, %v; want %q", lit, app, err, "pre"+want)
	}

	d = NewDecoder(lit)
	s, isNull, err := d.StringOrNull()
	if err != nil || isNull || string(s) != want {
		t.Fatalf("StringOrNull(%q) = %q, %v, %v", lit, s, isNull, err)
	}
}

func FuzzWalk(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Any input, any depth limit: no panic.
		for _, depth := range []int{1, 3, 0} {
			d := NewDecoder(data)
			d.SetMaxDepth(depth)
			var buf bytes.Buffer
			if walk(d, &buf) == nil {
				_ = d.End()
			}
		}

		d := NewDecoder(data)
		d.SetMaxDepth(jsonMaxDepth)
		var buf bytes.Buffer
		err := walk(d, &buf)
		if err == nil {
			err = d.End()
		}
		valid := json.Valid(data)
		if valid != (err == nil) {
			t.Fatalf("walk accepted=%v (err %v), json.Valid=%v, input %q", err == nil, err, valid, data)
		}
		if !valid {
			return
		}
		var want, got any
		werr := json.Unmarshal(data, &want)
		gerr := json.Unmarshal(buf.Bytes(), &got)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("unmarshal errors differ: input %v, re-encoded %v (re-encoded %q)", werr, gerr, buf.Bytes())
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("re-encoded walk differs:\ninput  %q\noutput %q\nwant %#v\ngot  %#v", data, buf.Bytes(), want, got)
		}
	})
}

// walk reads the next value with the typed methods and writes it back out
// as JSON with a minimal encoder written for the tests.
func walk(d *Decoder, w *bytes.Buffer) error {
	switch d.Peek() {
	case Object:
		w.WriteByte('{')
		n := 0
		err := d.Object(func(key []byte) error {
			if n > 0 {
				w.WriteByte(',')
			}
			n++
			writeString(w, key)
			w.WriteByte(':')
			return walk(d, w)
		})
		w.WriteByte('}')
		return err
	case Array:
		w.WriteByte('[')
		err := d.Array(func(i int) error {
			if i > 0 {
				w.WriteByte(',')
			}
			return walk(d, w)
		})
		w.WriteByte(']')
		return err
	case String:
		s, err := d.String()
		writeString(w, s)
		return err
	case Number:
		// Prefer Int; a TypeError leaves the number for Number.
		if v, err := d.Int(); err == nil {
			w.WriteString(strconv.FormatInt(v, 10))
			return nil
		} else if _, ok := err.(*TypeError); !ok {
			return err
		}
		n, err := d.Number()
		w.Write(n)
		return err
	case Bool:
		v, err := d.Bool()
		w.WriteString(strconv.FormatBool(v))
		return err
	case Null:
		if d.Null() {
			w.WriteString("null")
			return nil
		}
		// A broken literal: Skip reports the syntax error.
	}
	// Not a value: Skip must fail.
	if err := d.Skip(); err != nil {
		return err
	}
	return errors.New("Skip accepted a value the typed reads refused")
}

// writeString writes s as a JSON string literal, escaping only what JSON
// requires.
func writeString(w *bytes.Buffer, s []byte) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case c < 0x20:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&15])
		default:
			w.WriteByte(c)
		}
	}
	w.WriteByte('"')
}
