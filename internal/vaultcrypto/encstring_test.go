package vaultcrypto

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseFormatRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"0.NQfjHLr6za7VQVAbrpL81w==|wfrjmyJ0bfwkQlySrhw8dA==",
		"1.CU/oG4VZuxbHoZSDZjCLQw==|kb1HGwAk+fQ275ORfLf5Ew==|8UaEYHyqRZcG37JWhYBOBdEatEXd1u1/wN7OuImolcM=",
		"2.2NokAMS6llUxk26oueMqrA==|6k0QD71SJLy2WEBDkV4esiTrgkP/z7eoSedSesGLGYE=|PE4sb0jpAwZW+tnyPuW43eeWvSxjvdw3xMJlPGbDlYI=",
		vec(t, "rsa_type3"),
		vec(t, "rsa_type4"),
		"5." + vec(t, "rsa_type3")[2:] + "|AA==",
		"6." + vec(t, "rsa_type4")[2:] + "|AA==",
		vec(t, "test_private_key_enc"),
	} {
		e, err := ParseEncString(s)
		if err != nil {
			t.Errorf("ParseEncString(%.20s…): %v", s, err)
			continue
		}
		if want := EncType(s[0] - '0'); e.Type() != want {
			t.Errorf("%.20s…: type %d, want %d", s, e.Type(), want)
		}
		if got := e.String(); got != s {
			t.Errorf("String() = %.40s…, want %.40s…", got, s)
		}
		text, _ := e.MarshalText()
		if string(text) != s {
			t.Errorf("MarshalText = %.40s…", text)
		}
	}
}

func TestParseParts(t *testing.T) {
	t.Parallel()
	// 7.3.1: the parts of the SDK's raw type 2 vector.
	e := mustParse(t, "2.2NokAMS6llUxk26oueMqrA==|6k0QD71SJLy2WEBDkV4esiTrgkP/z7eoSedSesGLGYE=|PE4sb0jpAwZW+tnyPuW43eeWvSxjvdw3xMJlPGbDlYI=")
	for name, got := range map[string][]byte{"iv": e.iv, "ct": e.data, "mac": e.mac} {
		want := map[string]string{
			"iv":  "d8da2400c4ba965531936ea8b9e32aac",
			"ct":  "ea4d100fbd5224bcb6584043915e1eb224eb8243ffcfb7a849e7527ac18b1981",
			"mac": "3c4e2c6f48e9030656fad9f23ee5b8dde796bd2c63bddc37c4c2653c66c39582",
		}[name]
		if !bytes.Equal(got, unhex(t, want)) {
			t.Errorf("%s = %x, want %s", name, got, want)
		}
	}
}

func TestParseLenient(t *testing.T) {
	t.Parallel()
	canonical := "2.2NokAMS6llUxk26oueMqrA==|6k0QD71SJLy2WEBDkV4esiTrgkP/z7eoSedSesGLGYE=|PE4sb0jpAwZW+tnyPuW43eeWvSxjvdw3xMJlPGbDlYI="
	for _, s := range []string{
		// padding missing, as the SDK's permissive decoder allows
		strings.ReplaceAll(canonical, "=", ""),
		// non-zero trailing bits in the IV ("rA==" → "rB=="): same bytes
		strings.Replace(canonical, "rA==", "rB==", 1),
	} {
		e, err := ParseEncString(s)
		if err != nil {
			t.Errorf("ParseEncString(%q): %v", s, err)
			continue
		}
		if got := e.String(); got != canonical {
			t.Errorf("String() = %q, want canonical %q", got, canonical)
		}
	}
	// Header-less legacy strings: two parts are type 0, three are type 1.
	if e := mustParse(t, "NQfjHLr6za7VQVAbrpL81w==|wfrjmyJ0bfwkQlySrhw8dA=="); e.Type() != AesCbc256B64 {
		t.Errorf("header-less 2 parts: type %d", e.Type())
	}
	if e := mustParse(t, "CU/oG4VZuxbHoZSDZjCLQw==|kb1HGwAk+fQ275ORfLf5Ew==|8UaEYHyqRZcG37JWhYBOBdEatEXd1u1/wN7OuImolcM="); e.Type() != AesCbc128HmacSha256B64 {
		t.Errorf("header-less 3 parts: type %d", e.Type())
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	iv := "AAECAwQFBgcICQoLDA0ODw=="
	ct := "8bohdGVZUta7uHGiRbSqSQ=="
	mac := "JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs="
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrInvalidEncString},
		{"2.", ErrInvalidEncString},
		{".abc", ErrInvalidEncString},
		{"x." + iv, ErrInvalidEncString},
		{"-1." + iv, ErrInvalidEncString},
		{"02." + iv + "|" + ct + "|" + mac, ErrInvalidEncString},
		{"2.2." + iv, ErrInvalidEncString},
		// 7.3.7: unknown and unsupported types
		{"8.ABC", ErrUnsupportedType},
		{"7.ABC", ErrUnsupportedType},
		{"9." + iv, ErrUnsupportedType},
		{"123456789012345678901234567890." + iv, ErrUnsupportedType},
		// wrong part counts
		{"2." + iv + "|" + ct, ErrInvalidEncString},
		{"2." + iv + "|" + ct + "|" + mac + "|" + mac, ErrInvalidEncString},
		{"0." + iv + "|" + ct + "|" + mac, ErrInvalidEncString},
		{"4." + ct + "|" + mac, ErrInvalidEncString},
		{"6." + ct, ErrInvalidEncString},
		{"2.||", ErrInvalidEncString},
		// truncated parts
		{"2." + iv[:20] + "|" + ct + "|" + mac, ErrInvalidEncString},
		{"2." + iv + "|" + ct[:20] + "|" + mac, ErrInvalidEncString},
		{"2." + iv + "|" + ct + "|" + mac[:40], ErrInvalidEncString},
		{"2." + iv + "||" + mac, ErrInvalidEncString},
		{"4.", ErrInvalidEncString},
		// bad base64
		{"2." + iv + "|" + ct + "|" + strings.Replace(mac, "J", "*", 1), ErrInvalidEncString},
		{"2." + iv + "|" + ct + "|" + strings.Replace(mac, "J", "-", 1), ErrInvalidEncString}, // URL alphabet
		{"2." + iv + "|" + ct[:10] + "\n" + ct[10:] + "|" + mac, ErrInvalidEncString},
		{"2." + iv + "|" + ct + "|" + mac[:5], ErrInvalidEncString}, // 4k+1 characters
		{"2." + iv + "|" + "=" + ct + "|" + mac, ErrInvalidEncString},
	}
	for _, tt := range tests {
		_, err := ParseEncString(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseEncString(%q) error = %v, want %v", tt.in, err, tt.want)
			continue
		}
		// Errors must not quote the input: it may be a plaintext stored by
		// a broken client.
		if len(tt.in) > 4 && strings.Contains(err.Error(), tt.in[2:]) {
			t.Errorf("error %q quotes the input", err)
		}
	}
}

func TestEncStringJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		Name  EncString  `json:"name"`
		Notes EncString  `json:"notes"`
		Key   *EncString `json:"key"`
	}
	in := `{"name":"2.AAECAwQFBgcICQoLDA0ODw==|8bohdGVZUta7uHGiRbSqSQ==|JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs=","notes":null,"key":null}`
	var d doc
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	if d.Name.Type() != AesCbc256HmacSha256B64 || !d.Notes.IsZero() || d.Key != nil {
		t.Fatalf("decoded %+v", d)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("Marshal = %s, want %s", out, in)
	}
	if err := json.Unmarshal([]byte(`{"name":""}`), &d); err != nil || !d.Name.IsZero() {
		t.Errorf(`"" should decode to the zero EncString: %v %+v`, err, d.Name)
	}
	// ASP.NET escapes '+' as \u002B.
	escaped := `{"name":"2.d3rzo0P8rxV9Hs1m1BmAjw==|JOwna6i0zs\u002Bm7ZghwrZRuw==|SJqKreLag1ID\u002Bg6H1OdmQr0T5zTrVWKzD6hGy3fDqB0="}`
	if err := json.Unmarshal([]byte(escaped), &d); err != nil {
		t.Fatal(err)
	}
	if want := "2.d3rzo0P8rxV9Hs1m1BmAjw==|JOwna6i0zs+m7ZghwrZRuw==|SJqKreLag1ID+g6H1OdmQr0T5zTrVWKzD6hGy3fDqB0="; d.Name.String() != want {
		t.Errorf("escaped JSON decoded to %s, want %s", d.Name, want)
	}
	for _, bad := range []string{`{"name":"2.abc"}`, `{"name":5}`, `{"name":"2.AAEC\u0000wQFBgcICQoLDA0ODw==|8bohdGVZUta7uHGiRbSqSQ==|JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs="}`} {
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}

func TestBufferVector(t *testing.T) {
	t.Parallel()
	// 7.3.6 (SDK test_enc_from_to_buffer)
	s := "2.pMS6/icTQABtulw52pq2lg==|XXbxKxDTh+mWiN1HjH2N1w==|Q6PkuT+KX/axrgN9ubD5Ajk2YNwxQkgs3WJM0S0wtG8="
	want := []byte{2, 164, 196, 186, 254, 39, 19, 64, 0, 109, 186, 92, 57, 218, 154, 182, 150, 67, 163, 228, 185, 63, 138, 95, 246, 177, 174, 3, 125, 185, 176, 249, 2, 57, 54, 96, 220, 49, 66, 72, 44, 221, 98, 76, 209, 45, 48, 180, 111, 93, 118, 241, 43, 16, 211, 135, 233, 150, 136, 221, 71, 140, 125, 141, 215}
	got, err := mustParse(t, s).Buffer()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Buffer() = %v\nwant %v", got, want)
	}
	e, err := ParseEncBuffer(want)
	if err != nil {
		t.Fatal(err)
	}
	if e.String() != s {
		t.Errorf("ParseEncBuffer → %s, want %s", e, s)
	}
	// The result must not alias the input.
	want[1] ^= 0xff
	if e.String() != s {
		t.Error("ParseEncBuffer result aliases its input")
	}
	// Type 0 binary form.
	t0 := mustParse(t, "0.NQfjHLr6za7VQVAbrpL81w==|wfrjmyJ0bfwkQlySrhw8dA==")
	b0, err := t0.Buffer()
	if err != nil || len(b0) != 33 || b0[0] != 0 {
		t.Fatalf("type 0 Buffer = %v, %v", b0, err)
	}
	if e, err := ParseEncBuffer(b0); err != nil || e.String() != t0.String() {
		t.Errorf("type 0 round trip: %v %v", e, err)
	}
}

func TestBufferErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   []byte
		want error
	}{
		{nil, ErrInvalidEncString},
		{[]byte{2}, ErrInvalidEncString},
		{append([]byte{2}, make([]byte, 48)...), ErrInvalidEncString},    // no ciphertext
		{append([]byte{2}, make([]byte, 48+15)...), ErrInvalidEncString}, // partial block
		{append([]byte{0}, make([]byte, 16)...), ErrInvalidEncString},
		{append([]byte{4}, make([]byte, 256)...), ErrInvalidEncString},
		{append([]byte{7}, make([]byte, 64)...), ErrUnsupportedType},
		{append([]byte{200}, make([]byte, 64)...), ErrUnsupportedType},
	} {
		if _, err := ParseEncBuffer(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("ParseEncBuffer(% x…) = %v, want %v", tt.in[:min(len(tt.in), 2)], err, tt.want)
		}
	}
	if _, err := mustParse(t, vec(t, "rsa_type4")).Buffer(); !errors.Is(err, ErrInvalidEncString) {
		t.Errorf("RSA Buffer() error = %v", err)
	}
	if _, err := (EncString{}).Buffer(); err == nil {
		t.Error("zero Buffer() succeeded")
	}
}

func TestBase64DecoderMatchesStdlib(t *testing.T) {
	t.Parallel()
	// Every length and every alphabet character, against encoding/base64.
	for n := range 70 {
		src := seq(n*7, n)
		enc := b64(src)
		for _, s := range []string{enc, strings.TrimRight(enc, "=")} {
			got, err := appendDecodeBase64(nil, s)
			if err != nil || !bytes.Equal(got, src) {
				t.Fatalf("decode(%q) = %x, %v; want %x", s, got, err, src)
			}
		}
	}
	if got, err := appendDecodeBase64(nil, b64Alphabet); err != nil || b64(got) != b64Alphabet {
		t.Errorf("alphabet round trip: %s %v", b64(got), err)
	}
}
