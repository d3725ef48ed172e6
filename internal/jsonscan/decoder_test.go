package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestPeek(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
	}{
		{``, Invalid},
		{`   `, Invalid},
		{`null`, Null},
		{`nope`, Null}, // Peek judges by the first byte only
		{`true`, Bool},
		{`false`, Bool},
		{`0`, Number},
		{`-1`, Number},
		{`9`, Number},
		{`"x"`, String},
		{` {}`, Object},
		{"\t\r\n[]", Array},
		{`+1`, Invalid},
		{`.5`, Invalid},
		{`,`, Invalid},
		{`:`, Invalid},
		{`}`, Invalid},
		{`]`, Invalid},
		{`'x'`, Invalid},
		{"\xef\xbb\xbf{}", Invalid}, // a BOM is not whitespace
	}
	for _, tt := range tests {
		d := NewDecoder([]byte(tt.in))
		if got := d.Peek(); got != tt.want {
			t.Errorf("Peek(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if d.Offset() != 0 {
			t.Errorf("Peek(%q) moved the offset to %d", tt.in, d.Offset())
		}
	}
}

func TestKindString(t *testing.T) {
	want := []string{"invalid", "null", "bool", "number", "string", "object", "array"}
	for k, w := range want {
		if got := Kind(k).String(); got != w {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, w)
		}
	}
	if got := Kind(200).String(); got != "invalid" {
		t.Errorf("Kind(200).String() = %q", got)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		alias bool // result must point into the input
	}{
		{`""`, "", false},
		{`"abc"`, "abc", true},
		{` "padded" `, "padded", true},
		{`"0123456789abcdefghijklmnopqrstuvwxyz"`, "0123456789abcdefghijklmnopqrstuvwxyz", true},
		{`"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t", false},
		{`"\u002B"`, "+", false},
		{`"AAAA\u002BBBB\u002bCC=="`, "AAAA+BBB+CC==", false},
		{`"\u00e9\u00E9"`, "éé", false},
		{`"\u0000"`, "\x00", false},
		{`"\u20AC"`, "€", false},
		{`"\uD83D\uDE00"`, "\U0001F600", false},
		{`"\ud83d\ude00"`, "\U0001F600", false},
		{`"\uD800"`, "\uFFFD", false},
		{`"\uDC00"`, "\uFFFD", false},
		{`"\uDC00\uD800"`, "\uFFFD\uFFFD", false},
		{`"\uD800\u0041"`, "\uFFFDA", false},
		{`"\uD800\uD800\uDC00"`, "\uFFFD\U00010000", false},
		{`"\uD800\n"`, "\uFFFD\n", false},
		{`"\uD800x"`, "\uFFFDx", false},
		{`"é€😀"`, "é€😀", true},
		{"\"a\x7fb\"", "a\x7fb", true},
		{"\"\xff\"", "\uFFFD", false},
		{"\"ab\xc3\"", "ab\uFFFD", false},
		{"\"\xed\xa0\x80\"", "\uFFFD\uFFFD\uFFFD", false}, // UTF-8 encoded surrogate
		{"\"\xc0\xaf\"", "\uFFFD\uFFFD", false},           // overlong
		{"\"\xf0\x9f\x98\"", "\uFFFD\uFFFD\uFFFD", false}, // truncated 4-byte sequence
		{"\"\xef\xbf\xbd\"", "\uFFFD", true},              // a real U+FFFD is kept
	}
	for _, tt := range tests {
		// Check the hand-written expectation against encoding/json too.
		var oracle string
		if err := json.Unmarshal([]byte(tt.in), &oracle); err != nil || oracle != tt.want {
			t.Fatalf("bad test %q: encoding/json gives %q, %v", tt.in, oracle, err)
		}
		data := []byte(tt.in)
		d := NewDecoder(data)
		got, err := d.String()
		if err != nil || string(got) != tt.want {
			t.Errorf("String(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		if err := d.End(); err != nil {
			t.Errorf("End after String(%q): %v", tt.in, err)
		}
		start := bytes.IndexByte(data, '"') + 1
		if aliased := len(got) > 0 && &got[0] == &data[start]; aliased != tt.alias {
			t.Errorf("String(%q) aliased=%v, want %v", tt.in, aliased, tt.alias)
		}
		if tt.alias && cap(got) != len(got) {
			t.Errorf("String(%q): aliased result has cap %d > len %d", tt.in, cap(got), len(got))
		}

		d.Reset(data)
		buf := make([]byte, 0, 64)
		app, err := d.AppendString(buf[:1])
		if err != nil || string(app[1:]) != tt.want {
			t.Errorf("AppendString(%q) = %q, %v", tt.in, app, err)
		}

		d.Reset(data)
		s, isNull, err := d.StringOrNull()
		if err != nil || isNull || string(s) != tt.want {
			t.Errorf("StringOrNull(%q) = %q, %v, %v", tt.in, s, isNull, err)
		}
	}
}

// TestStringPositions moves an escape, a control character and a
// multi-byte rune across the word boundaries of the 8-byte scanning loop.
func TestStringPositions(t *testing.T) {
	for p := 0; p < 20; p++ {
		for q := 0; q < 12; q++ {
			pre, post := strings.Repeat("a", p), strings.Repeat("b", q)

			in := `"` + pre + `\n` + post + `"`
			d := NewDecoder([]byte(in))
			if got, err := d.String(); err != nil || string(got) != pre+"\n"+post {
				t.Fatalf("String(%q) = %q, %v", in, got, err)
			}
			d = NewDecoder([]byte(in))
			if err := d.Skip(); err != nil || d.Offset() != len(in) {
				t.Fatalf("Skip(%q) = %v at %d", in, err, d.Offset())
			}

			in = `"` + pre + "é" + post + `"`
			d = NewDecoder([]byte(in))
			if got, err := d.String(); err != nil || string(got) != pre+"é"+post {
				t.Fatalf("String(%q) = %q, %v", in, got, err)
			}

			in = `"` + pre + "\xff" + post + `"`
			d = NewDecoder([]byte(in))
			if got, err := d.String(); err != nil || string(got) != pre+"\uFFFD"+post {
				t.Fatalf("String(%q) = %q, %v", in, got, err)
			}

			for _, ctl := range []string{"\x00", "\x1f", "\n"} {
				in = `"` + pre + ctl + post + `"`
				wantErr := &SyntaxError{Offset: 1 + p, Msg: "control character in string"}
				d = NewDecoder([]byte(in))
				if _, err := d.String(); !sameSyntaxError(err, wantErr) {
					t.Fatalf("String(%q) error %v, want %v", in, err, wantErr)
				}
				d = NewDecoder([]byte(in))
				if err := d.Skip(); !sameSyntaxError(err, wantErr) {
					t.Fatalf("Skip(%q) error %v, want %v", in, err, wantErr)
				}
			}

			// Unterminated.
			in = `"` + pre + post
			d = NewDecoder([]byte(in))
			if err := d.Skip(); !sameSyntaxError(err, &SyntaxError{Offset: len(in), Msg: "unexpected end of input"}) {
				t.Fatalf("Skip(%q) error %v", in, err)
			}
		}
	}
}

func sameSyntaxError(err error, want *SyntaxError) bool {
	var se *SyntaxError
	return errors.As(err, &se) && *se == *want
}

// TestSyntaxErrors checks offsets and messages, hand-computed, through
// Skip and through a walk with the typed methods.
func TestSyntaxErrors(t *testing.T) {
	const (
		eof     = "unexpected end of input"
		value   = "expected a value"
		ctl     = "control character in string"
		esc     = "invalid escape sequence in string"
		num     = "invalid number"
		lit     = "invalid literal (expected true, false or null)"
		key     = "expected string for object key"
		colon   = "expected ':' after object key"
		objEnd  = "expected ',' or '}' after object member"
		arrEnd  = "expected ',' or ']' after array element"
		trailer = "unexpected data after top-level value"
	)
	tests := []struct {
		in  string
		off int
		msg string
	}{
		{``, 0, eof},
		{`   `, 3, eof},
		{`x`, 0, value},
		{`.5`, 0, value},
		{`+1`, 0, value},
		{`'a'`, 0, value},
		{`[1,]`, 3, value},
		{`[,1]`, 1, value},
		{`[1 2]`, 3, arrEnd},
		{`[1}`, 2, arrEnd},
		{`[true false]`, 6, arrEnd},
		{`[`, 1, eof},
		{`[1,`, 3, eof},
		{`[1`, 2, eof},
		{`{"a" 1}`, 5, colon},
		{`{"a"}`, 4, colon},
		{`{"a":1,}`, 7, key},
		{`{1:2}`, 1, key},
		{`{,}`, 1, key},
		{`{"a":1]`, 6, objEnd},
		{`{"a":1 "b":2}`, 7, objEnd},
		{`{"a":}`, 5, value},
		{`{"a"`, 4, eof},
		{`{"a":`, 5, eof},
		{`{"a":1`, 6, eof},
		{`{`, 1, eof},
		{`"abc`, 4, eof},
		{"\"a\x01\"", 2, ctl},
		{"\"a\tb\"", 2, ctl},
		{`"\x"`, 2, esc},
		{`"\'"`, 2, esc},
		{`"\U0041"`, 2, esc},
		{`"\u12G4"`, 5, esc},
		{`"\u12`, 5, eof},
		{`"\`, 2, eof},
		{`-`, 1, eof},
		{`-a`, 1, num},
		{`--1`, 1, num},
		{`1.`, 2, eof},
		{`1.e5`, 2, num},
		{`1e`, 2, eof},
		{`1e+`, 3, eof},
		{`1ex`, 2, num},
		{`[1.x]`, 3, num},
		{`01`, 1, trailer},
		{`-01`, 2, trailer},
		{`1 2`, 2, trailer},
		{`{"a":1}}`, 7, trailer},
		{`tru`, 3, eof},
		{`trux`, 3, lit},
		{`nul1`, 3, lit},
		{`fals`, 4, eof},
		{`True`, 0, value},
		{`[nulL]`, 4, lit},
		{`truex`, 4, trailer},
	}
	for _, tt := range tests {
		if json.Valid([]byte(tt.in)) {
			t.Fatalf("bad test: %q is valid JSON", tt.in)
		}
		want := &SyntaxError{Offset: tt.off, Msg: tt.msg}

		d := NewDecoder([]byte(tt.in))
		err := d.Skip()
		if err == nil {
			err = d.End()
		}
		if !sameSyntaxError(err, want) {
			t.Errorf("Skip+End(%q) error %v, want %v", tt.in, err, want)
		}

		d = NewDecoder([]byte(tt.in))
		err = walk(d, new(bytes.Buffer))
		if err == nil {
			err = d.End()
		}
		if !sameSyntaxError(err, want) {
			t.Errorf("walk+End(%q) error %v, want %v", tt.in, err, want)
		}
		if got := err.Error(); !strings.HasPrefix(got, "jsonscan: syntax error at offset "+strconv.Itoa(tt.off)+": ") {
			t.Errorf("Error() = %q", got)
		}
	}
}

// TestErrorsCarryNoInput makes sure error text never echoes the input.
func TestErrorsCarryNoInput(t *testing.T) {
	const secret = "hunter2"
	inputs := []string{
		`{"password":"hunter2` + "\x01" + `"}`,
		`{"password":"hunter2\q"}`,
		`{"hunter2" "x"}`,
		`["hunter2" "hunter2"]`,
		`"hunter2"hunter2`,
		`hunter2`,
		`[1hunter2]`,
		`{"password":hunter2}`,
	}
	for _, in := range inputs {
		d := NewDecoder([]byte(in))
		err := walk(d, new(bytes.Buffer))
		if err == nil {
			err = d.End()
		}
		if err == nil {
			t.Fatalf("%q: no error", in)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "hunter") {
			t.Errorf("%q: error %q contains input bytes", in, err)
		}
	}
	// Type errors too.
	d := NewDecoder([]byte(`"hunter2"`))
	_, err := d.Int()
	if err == nil || strings.Contains(err.Error(), "hunter") {
		t.Errorf("Int on a string: error %v", err)
	}
}

func TestNumber(t *testing.T) {
	valid := []string{`0`, `-0`, `1`, `-1`, `10`, `1234567890`, `0.5`, `-0.0`, `1.25`, `1e5`, `1E5`, `1e+5`, `1e-5`, `1.5e-05`, `-12.5E+3`, `123456789012345678901234567890`}
	for _, in := range valid {
		for _, wrapped := range []string{in, " " + in + " ", "[" + in + "]"} {
			if !json.Valid([]byte(wrapped)) {
				t.Fatalf("bad test %q", wrapped)
			}
		}
		d := NewDecoder([]byte(" " + in + ","))
		got, err := d.Number()
		if err != nil || string(got) != in {
			t.Errorf("Number(%q) = %q, %v", in, got, err)
		}
		if cap(got) != len(got) {
			t.Errorf("Number(%q): cap %d > len %d", in, cap(got), len(got))
		}
	}
	d := NewDecoder([]byte(`"1"`))
	_, err := d.Number()
	var te *TypeError
	if !errors.As(err, &te) || *te != (TypeError{Offset: 0, Want: "number", Got: String}) {
		t.Errorf("Number on a string: %v", err)
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		te   string // Want of the expected *TypeError, "" for success
	}{
		{`0`, 0, ""},
		{`-0`, 0, ""},
		{`7`, 7, ""},
		{`-42`, -42, ""},
		{`9223372036854775807`, math.MaxInt64, ""},
		{`-9223372036854775808`, math.MinInt64, ""},
		{`9223372036854775808`, 0, "integer within int64 range"},
		{`-9223372036854775809`, 0, "integer within int64 range"},
		{`18446744073709551615`, 0, "integer within int64 range"},
		{`18446744073709551616`, 0, "integer within int64 range"},
		{`99999999999999999999999`, 0, "integer within int64 range"},
		{`1.0`, 0, "integer"},
		{`1e2`, 0, "integer"},
		{`-5E0`, 0, "integer"},
		{`99999999999999999999.5`, 0, "integer"},
		{`"1"`, 0, "integer"},
		{`true`, 0, "integer"},
		{`null`, 0, "integer"},
		{`[1]`, 0, "integer"},
	}
	for _, tt := range tests {
		d := NewDecoder([]byte(tt.in))
		got, err := d.Int()
		if tt.te == "" {
			if err != nil || got != tt.want {
				t.Errorf("Int(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
			// strconv as an oracle.
			if p, perr := strconv.ParseInt(tt.in, 10, 64); perr != nil || p != got {
				t.Errorf("Int(%q) = %d, strconv says %d, %v", tt.in, got, p, perr)
			}
			if d.Offset() != len(tt.in) {
				t.Errorf("Int(%q) left offset %d", tt.in, d.Offset())
			}
			continue
		}
		var te *TypeError
		if !errors.As(err, &te) || te.Want != tt.te || te.Offset != 0 {
			t.Errorf("Int(%q) error %v, want TypeError wanting %q", tt.in, err, tt.te)
			continue
		}
		// Not consumed, not sticky: the value can still be skipped.
		if d.Offset() != 0 {
			t.Errorf("Int(%q) moved the offset after a type error", tt.in)
		}
		if err := d.Skip(); err != nil {
			t.Errorf("Skip after Int(%q) type error: %v", tt.in, err)
		}
	}
	// Broken numbers are syntax errors, not type errors.
	d := NewDecoder([]byte(`1.`))
	if _, err := d.Int(); !sameSyntaxError(err, &SyntaxError{Offset: 2, Msg: "unexpected end of input"}) {
		t.Errorf("Int(1.) error %v", err)
	}
}

func TestBoolNull(t *testing.T) {
	d := NewDecoder([]byte(`[true,false,null]`))
	var got []string
	err := d.Array(func(i int) error {
		if d.Null() {
			got = append(got, "null")
			return nil
		}
		b, err := d.Bool()
		got = append(got, strconv.FormatBool(b))
		return err
	})
	if err != nil || strings.Join(got, ",") != "true,false,null" {
		t.Errorf("got %v, %v", got, err)
	}

	d = NewDecoder([]byte(`"true"`))
	if d.Null() {
		t.Error("Null on a string returned true")
	}
	_, err = d.Bool()
	var te *TypeError
	if !errors.As(err, &te) || *te != (TypeError{Offset: 0, Want: "bool", Got: String}) {
		t.Errorf("Bool on a string: %v", err)
	}
	d = NewDecoder([]byte(`  nul`))
	if d.Null() {
		t.Error("Null accepted nul")
	}
	if d.Offset() != 0 {
		t.Error("failed Null moved the offset")
	}
	if _, err := d.Bool(); !sameSyntaxError(err, &SyntaxError{Offset: 5, Msg: "unexpected end of input"}) {
		t.Errorf("Bool on nul: %v", err)
	}

	d = NewDecoder([]byte(`null`))
	s, isNull, err := d.StringOrNull()
	if s != nil || !isNull || err != nil || d.End() != nil {
		t.Errorf("StringOrNull(null) = %q, %v, %v", s, isNull, err)
	}
	d = NewDecoder([]byte(`5`))
	if _, _, err := d.StringOrNull(); !errors.As(err, &te) || te.Want != "string or null" || te.Got != Number {
		t.Errorf("StringOrNull(5): %v", err)
	}
}

func TestTypeErrors(t *testing.T) {
	in := []byte(`{"n":12.5,"s":"x","o":{},"a":[],"b":true,"z":null}`)
	reads := map[string]func(d *Decoder) error{
		"string":         func(d *Decoder) error { _, err := d.String(); return err },
		"string or null": func(d *Decoder) error { _, _, err := d.StringOrNull(); return err },
		"number":         func(d *Decoder) error { _, err := d.Number(); return err },
		"integer":        func(d *Decoder) error { _, err := d.Int(); return err },
		"bool":           func(d *Decoder) error { _, err := d.Bool(); return err },
		"object":         func(d *Decoder) error { return d.Object(nil) },
		"array":          func(d *Decoder) error { return d.Array(nil) },
	}
	kinds := map[string]Kind{"n": Number, "s": String, "o": Object, "a": Array, "b": Bool, "z": Null}
	accepts := map[string][]Kind{
		"string":         {String},
		"string or null": {String, Null},
		"number":         {Number},
		"integer":        {}, // 12.5 is not an integer
		"bool":           {Bool},
		"object":         {Object},
		"array":          {Array},
	}
	for want, read := range reads {
		d := NewDecoder(in)
		err := d.Object(func(key []byte) error {
			got := kinds[string(key)]
			off := d.Offset()
			err := read(d)
			ok := false
			for _, k := range accepts[want] {
				ok = ok || k == got
			}
			if ok {
				if err != nil {
					t.Errorf("%s on %v: %v", want, got, err)
				}
				return nil
			}
			var te *TypeError
			if !errors.As(err, &te) || *te != (TypeError{Offset: off, Want: want, Got: got}) {
				t.Errorf("%s on %v at %d: error %#v", want, got, off, err)
			}
			if d.Offset() != off {
				t.Errorf("%s on %v: type error moved the offset", want, got)
			}
			return nil // the value is skipped by Object
		})
		if err != nil || d.End() != nil {
			t.Errorf("%s: walk failed: %v", want, err)
		}
	}
	te := &TypeError{Offset: 3, Want: "string", Got: Number}
	if got := te.Error(); got != "jsonscan: at offset 3: expected string, found number" {
		t.Errorf("Error() = %q", got)
	}
}

func TestObjectContract(t *testing.T) {
	in := []byte(`{"a":{"x":[1,2]},"b":"bee","c":[true,{"d":null}],"d":4}`)

	t.Run("consume nothing", func(t *testing.T) {
		d := NewDecoder(in)
		var keys []string
		err := d.Object(func(key []byte) error {
			keys = append(keys, string(key))
			return nil
		})
		if err != nil || d.End() != nil || strings.Join(keys, ",") != "a,b,c,d" {
			t.Errorf("keys %v, err %v", keys, err)
		}
	})

	t.Run("nil callback", func(t *testing.T) {
		d := NewDecoder(in)
		if err := d.Object(nil); err != nil || d.End() != nil {
			t.Errorf("err %v", err)
		}
	})

	t.Run("pick one", func(t *testing.T) {
		d := NewDecoder(in)
		var b string
		err := d.Object(func(key []byte) error {
			if string(key) == "b" {
				s, err := d.String()
				b = string(s)
				return err
			}
			return nil
		})
		if err != nil || b != "bee" {
			t.Errorf("b %q, err %v", b, err)
		}
	})

	t.Run("consume too much", func(t *testing.T) {
		d := NewDecoder(in)
		err := d.Object(func(key []byte) error {
			if string(key) == "b" {
				d.String()
				_, err := d.String() // reads past the value: the ',' at 26
				if err == nil {
					t.Error("second String succeeded")
				}
			}
			return nil // the error is swallowed, but it is sticky
		})
		if !sameSyntaxError(err, &SyntaxError{Offset: 26, Msg: "expected a value"}) {
			t.Errorf("err %v", err)
		}
	})

	t.Run("skip twice", func(t *testing.T) {
		d := NewDecoder([]byte(`{"a":1,"b":2}`))
		err := d.Object(func(key []byte) error {
			d.Skip()
			d.Skip()
			return nil
		})
		if !sameSyntaxError(err, &SyntaxError{Offset: 6, Msg: "expected a value"}) {
			t.Errorf("err %v", err)
		}
	})

	t.Run("callback error stops", func(t *testing.T) {
		stop := errors.New("stop")
		d := NewDecoder(in)
		calls := 0
		err := d.Object(func(key []byte) error {
			calls++
			if string(key) == "b" {
				return stop
			}
			return nil
		})
		if err != stop || calls != 2 {
			t.Errorf("err %v after %d calls", err, calls)
		}
		// The Decoder is left inside the object: it stays failed.
		if d.Peek() != Invalid || d.End() != stop || d.Skip() != stop {
			t.Error("Decoder usable after a callback error")
		}
		d.Reset(in)
		if err := d.Skip(); err != nil {
			t.Errorf("after Reset: %v", err)
		}
	})

	t.Run("nested error swallowed", func(t *testing.T) {
		// An inner Object whose callback fails, the error ignored by the
		// outer callback: the outer Object must still fail.
		stop := errors.New("stop")
		d := NewDecoder(in)
		err := d.Object(func(key []byte) error {
			if string(key) == "a" {
				_ = d.Object(func([]byte) error { return stop })
			}
			return nil
		})
		if err != stop {
			t.Errorf("err %v", err)
		}
	})

	t.Run("escaped key", func(t *testing.T) {
		d := NewDecoder([]byte(`{"a\u0062c":1,"\u00e9":2}`))
		var keys []string
		if err := d.Object(func(key []byte) error {
			keys = append(keys, string(key))
			return nil
		}); err != nil || strings.Join(keys, ",") != "abc,é" {
			t.Errorf("keys %q, err %v", keys, err)
		}
	})

	t.Run("whitespace", func(t *testing.T) {
		d := NewDecoder([]byte(" {\n \"a\" :\t1 ,\r\n \"b\" : [ ] } "))
		var sum int64
		err := d.Object(func(key []byte) error {
			if string(key) == "a" {
				v, err := d.Int()
				sum += v
				return err
			}
			return d.Array(func(int) error { return errors.New("no elements expected") })
		})
		if err != nil || d.End() != nil || sum != 1 {
			t.Errorf("sum %d, err %v", sum, err)
		}
	})
}

func TestArrayContract(t *testing.T) {
	in := []byte(`[1,"two",[3],{"four":4},null]`)
	d := NewDecoder(in)
	var idx []int
	if err := d.Array(func(i int) error {
		idx = append(idx, i)
		return nil
	}); err != nil || d.End() != nil || len(idx) != 5 || idx[4] != 4 {
		t.Errorf("indexes %v, err %v", idx, err)
	}

	stop := errors.New("stop")
	d = NewDecoder(in)
	calls := 0
	err := d.Array(func(i int) error {
		calls++
		if i == 2 {
			return stop
		}
		return d.Skip()
	})
	if err != stop || calls != 3 {
		t.Errorf("err %v after %d calls", err, calls)
	}

	d = NewDecoder(in)
	var raws []string
	if err := d.Array(func(int) error {
		raw, err := d.Raw()
		raws = append(raws, string(raw))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(raws, " "); got != `1 "two" [3] {"four":4} null` {
		t.Errorf("raws %s", got)
	}

	d = NewDecoder([]byte(`[1,2]`))
	err = d.Array(func(int) error {
		d.Skip()
		d.Skip()
		return nil
	})
	if !sameSyntaxError(err, &SyntaxError{Offset: 2, Msg: "expected a value"}) {
		t.Errorf("err %v", err)
	}
}

func TestRaw(t *testing.T) {
	in := []byte(` {"a": [1, {"b" : "c"}] , "d":"e"} `)
	d := NewDecoder(in)
	raw, err := d.Raw()
	if err != nil || string(raw) != `{"a": [1, {"b" : "c"}] , "d":"e"}` || cap(raw) != len(raw) {
		t.Fatalf("Raw = %q, %v", raw, err)
	}
	if d.End() != nil {
		t.Fatal("End failed")
	}
	d = NewDecoder(in)
	var inner string
	d.Object(func(key []byte) error {
		if string(key) == "a" {
			r, err := d.Raw()
			inner = string(r)
			return err
		}
		return nil
	})
	if inner != `[1, {"b" : "c"}]` {
		t.Errorf("inner Raw = %q", inner)
	}
}

func TestStickyErrors(t *testing.T) {
	d := NewDecoder([]byte(`[1,x] "rest"`))
	err := d.Skip()
	if !sameSyntaxError(err, &SyntaxError{Offset: 3, Msg: "expected a value"}) {
		t.Fatalf("err %v", err)
	}
	if _, e := d.String(); e != err {
		t.Errorf("String after error: %v", e)
	}
	if _, e := d.Raw(); e != err {
		t.Errorf("Raw after error: %v", e)
	}
	if e := d.Object(nil); e != err {
		t.Errorf("Object after error: %v", e)
	}
	if d.Peek() != Invalid || d.Null() || d.End() != err {
		t.Error("Peek/Null/End after error")
	}
	d.Reset([]byte(`"ok"`))
	if s, err := d.String(); err != nil || string(s) != "ok" {
		t.Errorf("after Reset: %q, %v", s, err)
	}
}

func TestDepth(t *testing.T) {
	nest := func(n int) []byte {
		inner := "0"
		if n%2 == 1 {
			inner = "[]"
		}
		return []byte(strings.Repeat(`[{"k":`, n/2) + inner + strings.Repeat(`}]`, n/2))
	}
	tooDeep := "exceeded maximum nesting depth"

	for _, tt := range []struct {
		max, n int
		ok     bool
	}{
		{0, DefaultMaxDepth, true}, // 0: default
		{0, DefaultMaxDepth + 1, false},
		{1, 1, true},
		{1, 2, false},
		{300, 300, true}, // deeper than the inline Skip stack
		{300, 301, false},
		{jsonMaxDepth, jsonMaxDepth, true},
		{jsonMaxDepth, jsonMaxDepth + 1, false},
	} {
		in := nest(tt.n)
		if tt.max == jsonMaxDepth && json.Valid(in) != tt.ok {
			t.Fatalf("bad test: json.Valid(depth %d) = %v", tt.n, !tt.ok)
		}
		d := NewDecoder(in)
		d.SetMaxDepth(tt.max)
		err := d.Skip()
		if tt.ok != (err == nil) {
			t.Errorf("max %d, depth %d: Skip: %v", tt.max, tt.n, err)
		}
		if !tt.ok {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Msg != tooDeep {
				t.Errorf("max %d, depth %d: error %v", tt.max, tt.n, err)
			}
		}
		d = NewDecoder(in)
		d.SetMaxDepth(tt.max)
		err = walk(d, new(bytes.Buffer))
		if tt.ok != (err == nil) {
			t.Errorf("max %d, depth %d: walk: %v", tt.max, tt.n, err)
		}
	}

	// Empty containers count too, as in encoding/json.
	d := NewDecoder([]byte(`[[]]`))
	d.SetMaxDepth(1)
	if err := d.Skip(); err == nil {
		t.Error("[[]] accepted at max depth 1")
	}
	// Skip inside Object counts the levels Object opened.
	d = NewDecoder([]byte(`{"a":[[1]]}`))
	d.SetMaxDepth(2)
	if err := d.Object(nil); err == nil {
		t.Error(`{"a":[[1]]} accepted at max depth 2`)
	}

	// Mismatched closers deep in the spilled stack.
	in := append(nest(600)[:0:0], nest(600)...)
	in[len(in)-300] = ']' // was '}'
	if json.Valid(in) {
		t.Fatal("bad test")
	}
	d = NewDecoder(in)
	d.SetMaxDepth(jsonMaxDepth)
	if err := d.Skip(); !sameSyntaxError(err, &SyntaxError{Offset: len(in) - 300, Msg: "expected ',' or '}' after object member"}) {
		t.Errorf("deep mismatch: %v", err)
	}
}

func TestEnd(t *testing.T) {
	d := NewDecoder([]byte(" \t\r\n"))
	if err := d.End(); err != nil {
		t.Errorf("End on whitespace: %v", err)
	}
	d = NewDecoder([]byte(`1 2`))
	d.Skip()
	if err := d.End(); !sameSyntaxError(err, &SyntaxError{Offset: 2, Msg: "unexpected data after top-level value"}) {
		t.Errorf("End: %v", err)
	}
}

func TestEqualFoldASCII(t *testing.T) {
	tests := []struct {
		key, name string
		want      bool
	}{
		{"", "", true},
		{"revisionDate", "revisionDate", true},
		{"RevisionDate", "revisionDate", true},
		{"REVISIONDATE", "revisiondate", true},
		{"revisionDate", "revisionDat", false},
		{"revisionDatf", "revisionDate", false},
		{"@", "`", false}, // 0x40 and 0x60 differ only in bit 0x20
		{"[", "{", false},
		{"]", "}", false},
		{"^", "~", false},
		{"_", "\x7f", false},
		{"É", "é", false}, // no Unicode folding
		{"é", "é", true},
		{"K", "\u212a", false}, // Kelvin sign: strings.EqualFold would say true
		{"id1", "ID1", true},
		{"a1", "A!", false}, // '1' (0x31) and '!' (0x21)
	}
	for _, tt := range tests {
		if got := EqualFoldASCII([]byte(tt.key), tt.name); got != tt.want {
			t.Errorf("EqualFoldASCII(%q, %q) = %v", tt.key, tt.name, got)
		}
	}
	// Exhaustive over pairs of bytes, against a plain definition.
	lower := func(c byte) byte {
		if 'A' <= c && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
	for a := range 256 {
		for b := range 256 {
			want := lower(byte(a)) == lower(byte(b))
			if got := EqualFoldASCII([]byte{byte(a)}, string([]byte{byte(b)})); got != want {
				t.Fatalf("EqualFoldASCII(%#x, %#x) = %v", a, b, got)
			}
		}
	}
}

// TestAllocs checks that walking escape-free input allocates nothing.
func TestAllocs(t *testing.T) {
	in := []byte(`{"object":"sync","ciphers":[{"id":"0f1e","name":"2.AAAA|BBBB|CCCC","type":1,"favorite":false,` +
		`"login":{"uris":[{"uri":"https://example.com","match":null}],"totp":null},"fields":[]}],"n":-12.5e3}`)
	d := NewDecoder(in)
	var strs, nums int
	var walkStrings func() error
	walkStrings = func() error {
		switch d.Peek() {
		case Object:
			return d.Object(func([]byte) error { return walkStrings() })
		case Array:
			return d.Array(func(int) error { return walkStrings() })
		case String:
			s, err := d.String()
			strs += len(s)
			return err
		case Number:
			n, err := d.Number()
			nums += len(n)
			return err
		}
		return d.Skip()
	}
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(in)
		if err := walkStrings(); err != nil {
			t.Fatal(err)
		}
		if err := d.End(); err != nil {
			t.Fatal(err)
		}
		d.Reset(in)
		if _, err := d.Raw(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("walk allocates %v times", allocs)
	}

	esc := []byte(`["a\u002Bb","\uD83D\uDE00"]`)
	buf := make([]byte, 0, 64)
	allocs = testing.AllocsPerRun(100, func() {
		d.Reset(esc)
		d.Array(func(int) error {
			var err error
			buf, err = d.AppendString(buf[:0])
			return err
		})
	})
	if allocs != 0 {
		t.Errorf("AppendString into a reused buffer allocates %v times", allocs)
	}
}

// TestFindSpecial checks the word-at-a-time search against a byte loop
// for every byte value at every position of a word, after every prefix
// length that changes the word alignment.
func TestFindSpecial(t *testing.T) {
	special := func(c byte, nonASCII bool) bool {
		return c == '"' || c == '\\' || c < 0x20 || (nonASCII && c >= 0x80)
	}
	want := func(data []byte, nonASCII bool) int {
		for i, c := range data {
			if special(c, nonASCII) {
				return i
			}
		}
		return len(data)
	}
	buf := make([]byte, 40)
	for v := range 256 {
		for p := range 24 {
			for n := p + 1; n <= len(buf); n += 7 {
				for k := range buf {
					buf[k] = 'a'
				}
				buf[p] = byte(v)
				// A second special byte later, so that borrows from the
				// first cannot hide behind it.
				if p+3 < n {
					buf[p+3] = '"'
				}
				data := buf[:n]
				if got, w := findSpecial(data, 0), want(data, false); got != w {
					t.Fatalf("findSpecial(%q) = %d, want %d", data, got, w)
				}
				if got, w := findSpecialOrNonASCII(data, 0), want(data, true); got != w {
					t.Fatalf("findSpecialOrNonASCII(%q) = %d, want %d", data, got, w)
				}
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	dst := []byte("keep")
	for _, tt := range []struct {
		in  string
		err *SyntaxError
	}{
		{`"abc`, &SyntaxError{Offset: 4, Msg: "unexpected end of input"}},
		{`"a\qc"`, &SyntaxError{Offset: 3, Msg: "invalid escape sequence in string"}},
		{"\"\xc3\xa9\x01\"", &SyntaxError{Offset: 3, Msg: "control character in string"}},
		{`"\u00e9\u12`, &SyntaxError{Offset: 11, Msg: "unexpected end of input"}},
		{``, &SyntaxError{Offset: 0, Msg: "unexpected end of input"}},
	} {
		d := NewDecoder([]byte(tt.in))
		got, err := d.AppendString(dst)
		if !sameSyntaxError(err, tt.err) || string(got) != "keep" {
			t.Errorf("AppendString(%q) = %q, %v; want %v", tt.in, got, err, tt.err)
		}
		d = NewDecoder([]byte(tt.in))
		if _, err := d.String(); !sameSyntaxError(err, tt.err) {
			t.Errorf("String(%q) error %v; want %v", tt.in, err, tt.err)
		}
		d = NewDecoder([]byte(tt.in))
		if _, _, err := d.StringOrNull(); !sameSyntaxError(err, tt.err) {
			t.Errorf("StringOrNull(%q) error %v; want %v", tt.in, err, tt.err)
		}
	}

	d := NewDecoder([]byte(`nulL`))
	if _, _, err := d.StringOrNull(); !sameSyntaxError(err, &SyntaxError{Offset: 3, Msg: "invalid literal (expected true, false or null)"}) {
		t.Errorf("StringOrNull(nulL): %v", err)
	}
	d = NewDecoder([]byte(`[1]`))
	got, err := d.AppendString(dst)
	var te *TypeError
	if !errors.As(err, &te) || *te != (TypeError{Offset: 0, Want: "string", Got: Array}) || string(got) != "keep" {
		t.Errorf("AppendString on an array: %q, %v", got, err)
	}
	d = NewDecoder([]byte(`-x`))
	if _, err := d.Number(); !sameSyntaxError(err, &SyntaxError{Offset: 1, Msg: "invalid number"}) {
		t.Errorf("Number(-x): %v", err)
	}
	d = NewDecoder([]byte(`tru`))
	if _, err := d.Bool(); !sameSyntaxError(err, &SyntaxError{Offset: 3, Msg: "unexpected end of input"}) {
		t.Errorf("Bool(tru): %v", err)
	}
	// A type error on a broken literal or number is a syntax error.
	d = NewDecoder([]byte(`fals`))
	if _, err := d.String(); !sameSyntaxError(err, &SyntaxError{Offset: 4, Msg: "unexpected end of input"}) {
		t.Errorf("String(fals): %v", err)
	}
	d = NewDecoder([]byte(`-`))
	if _, err := d.String(); !sameSyntaxError(err, &SyntaxError{Offset: 1, Msg: "unexpected end of input"}) {
		t.Errorf("String(-): %v", err)
	}
}

// TestEqualFoldASCIIStrings: string keys (as the test server's maps hold
// them) follow the same rule as []byte keys.
func TestEqualFoldASCIIStrings(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		key, name string
		want      bool
	}{
		{"RevisionDate", "revisionDate", true},
		{"revisionDat", "revisionDate", false},
		{"\u212Aey", "key", false},     // Kelvin sign: strings.EqualFold says true
		{"note\u017F", "notes", false}, // long s: strings.EqualFold says true
		{"k[y", "k{y", false},
	} {
		if got := EqualFoldASCII(c.key, c.name); got != c.want {
			t.Errorf("EqualFoldASCII(%q, %q) = %v, want %v", c.key, c.name, got, c.want)
		}
		if got := EqualFoldASCII([]byte(c.key), c.name); got != c.want {
			t.Errorf("EqualFoldASCII([]byte(%q), %q) = %v, want %v", c.key, c.name, got, c.want)
		}
	}
}
