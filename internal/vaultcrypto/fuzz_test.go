package vaultcrypto

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, name := range []string{"test_user_key_enc", "test_collection_name", "rsa_type3", "rsa_type4", "legacy_user_key_enc", "cipher_name_enc"} {
		f.Add(vectors()[name])
	}
	for _, s := range []string{
		"", "2.", "2.||", "7.AAAA", "8.ABC", "0.NQfjHLr6za7VQVAbrpL81w==|wfrjmyJ0bfwkQlySrhw8dA==",
		"1.CU/oG4VZuxbHoZSDZjCLQw==|kb1HGwAk+fQ275ORfLf5Ew==|8UaEYHyqRZcG37JWhYBOBdEatEXd1u1/wN7OuImolcM=",
		"2.AAECAwQFBgcICQoLDA0ODw==|8bohdGVZUta7uHGiRbSqSQ==|JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs=",
		"2.AAECAwQFBgcICQoLDA0ODw|8bohdGVZUta7uHGiRbSqSQ|JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs",
		"NQfjHLr6za7VQVAbrpL81w==|wfrjmyJ0bfwkQlySrhw8dA==",
		"6." + vectors()["rsa_type4"][2:] + "|AA==",
	} {
		f.Add(s)
	}
}

// FuzzParseEncString: no panic on any input; a valid input parses to a
// value whose canonical form parses back to the same value, and equals the
// input whenever the input was canonical; and the decoder agrees with
// encoding/base64 on every part.
func FuzzParseEncString(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEncString(s)
		// The []byte instantiation (UnmarshalText, what JSON decoding
		// uses) agrees with the string one, error for error (except for
		// "", which UnmarshalText takes as the zero EncString).
		var viaBytes EncString
		if errB := viaBytes.UnmarshalText([]byte(s)); s != "" && (errB == nil) != (err == nil) ||
			err == nil && (viaBytes.typ != e.typ || !bytes.Equal(viaBytes.iv, e.iv) || !bytes.Equal(viaBytes.data, e.data) || !bytes.Equal(viaBytes.mac, e.mac)) {
			t.Fatalf("ParseEncString: %v; UnmarshalText: %v, or another value", err, errB)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidEncString) && !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("error %v matches neither sentinel", err)
			}
			if !e.IsZero() {
				t.Fatalf("error with non-zero value")
			}
			return
		}
		out := e.String()
		again, err := ParseEncString(out)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v", err)
		}
		if again.typ != e.typ || !bytes.Equal(again.iv, e.iv) || !bytes.Equal(again.data, e.data) || !bytes.Equal(again.mac, e.mac) {
			t.Fatalf("parse(format(parse(x))) != parse(x)")
		}
		if again.String() != out {
			t.Fatalf("format is not stable")
		}
		if isCanonical(s) && out != s {
			t.Fatalf("canonical input %q formatted as %q", s, out)
		}
		// Oracle: each part decodes as encoding/base64 decodes it.
		body := s
		if i := strings.IndexByte(s, '.'); i >= 0 {
			body = s[i+1:]
		}
		var got []byte
		for _, p := range []([]byte){e.iv, e.data, e.mac} {
			got = append(got, p...)
		}
		var want []byte
		for _, p := range strings.Split(body, "|") {
			d, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(p, "="))
			if err != nil {
				t.Fatalf("parsed, but encoding/base64 rejects part: %v", err)
			}
			want = append(want, d...)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("decoded parts differ from encoding/base64")
		}
		// The binary form round-trips where it exists.
		if b, err := e.Buffer(); err == nil {
			if be, err := ParseEncBuffer(b); err != nil || be.String() != out {
				t.Fatalf("binary round trip: %v", err)
			}
		}
	})
}

// isCanonical reports whether s is "T." followed by parts in padded
// standard base64 with zero trailing bits.
func isCanonical(s string) bool {
	i := strings.IndexByte(s, '.')
	if i != 1 {
		return false
	}
	for _, p := range strings.Split(s[2:], "|") {
		d, err := base64.StdEncoding.Strict().DecodeString(p)
		if err != nil || base64.StdEncoding.EncodeToString(d) != p {
			return false
		}
	}
	return true
}

// FuzzDecrypt feeds arbitrary text to every decryption path with fixed keys:
// nothing may panic, and nothing forged may decrypt.
func FuzzDecrypt(f *testing.F) {
	addSeeds(f)
	sym, _ := NewSymmetricKey(seq(0, 64))
	mk, _ := masterKeyFromBytes(seq(0, 32))
	blkKey := rsaFuzzKey(f)
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEncString(s)
		if err != nil {
			return
		}
		if pt, err := sym.DecryptText([]byte(s)); err == nil {
			t.Fatalf("forged text decrypted to %q", pt)
		}
		if pt, err := sym.DecryptString(e); err == nil {
			t.Fatalf("forged EncString decrypted to %q", pt)
		}
		if _, err := sym.Decrypt(e); err == nil {
			t.Fatal("forged EncString decrypted")
		}
		_, _ = sym.UnwrapKey(e)
		_, _ = sym.UnwrapPrivateKey(e)
		_, _ = mk.UnwrapUserKey(e) // type 0 has no MAC, so it may "succeed"
		_, _ = blkKey.Decrypt(e)
		if b, err := e.Buffer(); err == nil {
			if _, err := sym.DecryptBuffer(b); err == nil {
				t.Fatal("forged buffer decrypted")
			}
		}
	})
}

// FuzzEncryptRoundTrip: every plaintext survives encrypt → text → parse →
// decrypt.
func FuzzEncryptRoundTrip(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("hello"))
	f.Add(bytes.Repeat([]byte{16}, 16))
	k, _ := GenerateSymmetricKey()
	f.Fuzz(func(t *testing.T, p []byte) {
		e, err := k.Encrypt(p)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := ParseEncString(e.String())
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.Decrypt(parsed)
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("round trip: %v", err)
		}
		b, err := k.EncryptBuffer(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := k.DecryptBuffer(b); err != nil || !bytes.Equal(got, p) {
			t.Fatalf("buffer round trip: %v", err)
		}
	})
}

// FuzzParseEncBuffer: no panic on any binary input.
func FuzzParseEncBuffer(f *testing.F) {
	f.Add([]byte{2})
	f.Add(append([]byte{2}, make([]byte, 64)...))
	f.Add(append([]byte{0}, make([]byte, 32)...))
	k, _ := NewSymmetricKey(seq(0, 64))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEncBuffer(b)
		if err != nil {
			return
		}
		out, err := e.Buffer()
		if err != nil || !bytes.Equal(out, b) {
			t.Fatalf("binary form does not round-trip: %v", err)
		}
		if _, err := k.DecryptBuffer(b); err == nil {
			t.Fatal("forged buffer decrypted")
		}
	})
}

func rsaFuzzKey(f *testing.F) *PrivateKey {
	blk, _ := pem.Decode([]byte(vectors()["rsa_private_key_pem"]))
	pk, err := ParsePrivateKey(blk.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	return pk
}
