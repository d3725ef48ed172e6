package vaultcrypto

import (
	"bytes"
	"crypto/aes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestType2PrimitiveVectors(t *testing.T) {
	t.Parallel()
	k := mustSymKey(t, seq(0, 64)) // enc = 00..1f, mac = 20..3f
	// 7.3.1 (SDK test_decrypt_testvector): decrypt, and encrypt with the same IV.
	iv := unhex(t, "d8da2400c4ba965531936ea8b9e32aac")
	wantCT := "ea4d100fbd5224bcb6584043915e1eb224eb8243ffcfb7a849e7527ac18b1981"
	wantMAC := "3c4e2c6f48e9030656fad9f23ee5b8dde796bd2c63bddc37c4c2653c66c39582"
	e := EncString{typ: AesCbc256HmacSha256B64, iv: iv, data: unhex(t, wantCT), mac: unhex(t, wantMAC)}
	pt, err := k.DecryptString(e)
	if err != nil || pt != "Bitwarden SDK test vector" {
		t.Errorf("decrypt = %q, %v", pt, err)
	}
	buf := sealBuffer(len("Bitwarden SDK test vector"))
	copy(buf, iv)
	got := mustSeal(t, k.k, buf, "Bitwarden SDK test vector")
	if hex.EncodeToString(got.data) != wantCT || hex.EncodeToString(got.mac) != wantMAC {
		t.Errorf("encrypt: ct %x mac %x", got.data, got.mac)
	}
	if want := "2.2NokAMS6llUxk26oueMqrA==|6k0QD71SJLy2WEBDkV4esiTrgkP/z7eoSedSesGLGYE=|PE4sb0jpAwZW+tnyPuW43eeWvSxjvdw3xMJlPGbDlYI="; got.String() != want {
		t.Errorf("String() = %s, want %s", got, want)
	}

	// 7.3.2 (SDK test_encrypt_is_deterministic)
	buf = sealBuffer(len("EncryptMe!"))
	copy(buf, unhex(t, "3e00ef2f895f40d67f5bb8e81f09a5a1"))
	if got := mustSeal(t, k.k, buf, "EncryptMe!"); hex.EncodeToString(got.data) != "d64cbb613a92d48c5fa4b1ccb385ac94" {
		t.Errorf("deterministic ct = %x", got.data)
	}
}

func TestSmallDerivedExample(t *testing.T) {
	t.Parallel()
	// 7.8: fixed IV 00..0f, the test account's user key (7.5), "hello".
	k := mustSymKey(t, unb64(t, "bYCsk857hl8QJJtxyRK65tjUrbxKC4aDifJpsml+NIv4W9cVgFvi3qVD+yJTUU2T4UwNKWYtt9pqWf7Q+2WCCg=="))
	buf := sealBuffer(5)
	copy(buf, seq(0, 16))
	want := "2.AAECAwQFBgcICQoLDA0ODw==|8bohdGVZUta7uHGiRbSqSQ==|JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs="
	if got := mustSeal(t, k.k, buf, "hello").String(); got != want {
		t.Errorf("encrypt = %s, want %s", got, want)
	}
	if pt, err := k.DecryptString(mustParse(t, want)); err != nil || pt != "hello" {
		t.Errorf("decrypt = %q, %v", pt, err)
	}
}

func TestLegacyVectors(t *testing.T) {
	t.Parallel()
	key32 := seq(0, 32)
	// 7.3.3 (SDK aes256_cbc.rs): type 0 primitive.
	pt, err := decryptLegacy(key32, EncString{typ: AesCbc256B64, iv: seq(0, 16),
		data: unhex(t, "6f10218fcffd6a593a3491f08cd59553a8bc7a39821c23b672e3d7faafb6a966")})
	if err != nil || string(pt) != "Bitwarden SDK test vector" {
		t.Errorf("type 0 primitive = %q, %v", pt, err)
	}
	pt, err = decryptLegacy(key32, EncString{typ: AesCbc256B64, iv: seq(0, 16), data: unb64(t, "ByUF8vhyX4ddU9gcooznwA==")})
	if err != nil || string(pt) != "EncryptMe!" {
		t.Errorf("type 0 primitive 2 = %q, %v", pt, err)
	}
	// 7.3.4 (SDK-old test_decrypt_cbc256): type 0 EncString.
	t0 := mustParse(t, "0.NQfjHLr6za7VQVAbrpL81w==|wfrjmyJ0bfwkQlySrhw8dA==")
	pt, err = decryptLegacy(unb64(t, "hvBMMb1t79YssFZkpetYsM3deyVuQv4r88Uj9gvYe08="), t0)
	if err != nil || string(pt) != "EncryptMe!" {
		t.Errorf("type 0 = %q, %v", pt, err)
	}
	// Downgrade protection (SDK test_decrypt_downgrade_encstring_prevention):
	// the 64-byte key must refuse the MAC-less string.
	k64 := mustSymKey(t, unb64(t, "hvBMMb1t79YssFZkpetYsM3deyVuQv4r88Uj9gvYe0+G8EwxvW3v1iywVmSl61iwzd17JW5C/ivzxSP2C9h7Tw=="))
	if _, err := k64.Decrypt(t0); !errors.Is(err, ErrWrongKeyType) {
		t.Errorf("64-byte key on type 0: %v, want ErrWrongKeyType", err)
	}
	if _, err := k64.DecryptString(t0); !errors.Is(err, ErrWrongKeyType) {
		t.Errorf("64-byte key on type 0 (string): %v, want ErrWrongKeyType", err)
	}
	// 7.3.5 (SDK-old test_decrypt_cbc128_hmac): type 1.
	t1 := mustParse(t, "1.CU/oG4VZuxbHoZSDZjCLQw==|kb1HGwAk+fQ275ORfLf5Ew==|8UaEYHyqRZcG37JWhYBOBdEatEXd1u1/wN7OuImolcM=")
	k1 := unb64(t, "Gt1aZ8kTTgkF80bLtb7LiMZBcxEA2FA5mbvV4x7K208=")
	pt, err = decryptLegacy(k1, t1)
	if err != nil || string(pt) != "EncryptMe!" {
		t.Errorf("type 1 = %q, %v", pt, err)
	}
	t1.mac[0] ^= 1
	if _, err := decryptLegacy(k1, t1); !errors.Is(err, ErrMAC) {
		t.Errorf("type 1 with bad MAC: %v", err)
	}
	if _, err := k64.Decrypt(t1); !errors.Is(err, ErrWrongKeyType) {
		t.Errorf("64-byte key on type 1: %v", err)
	}
	if _, err := decryptLegacy(key32, mustParse(t, vec(t, "test_user_key_enc"))); !errors.Is(err, ErrWrongKeyType) {
		t.Errorf("32-byte key on type 2: %v", err)
	}
	if _, err := decryptLegacy(key32[:31], t0); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("31-byte legacy key: %v", err)
	}
}

// TestTamperType2 flips every bit of IV, ciphertext and MAC of a type 2
// string: each must fail the MAC check and decrypt nothing.
func TestTamperType2(t *testing.T) {
	t.Parallel()
	k := mustSymKey(t, seq(7, 64))
	e, err := k.EncryptString("sensitive-tamper-canary") // 2 blocks
	if err != nil {
		t.Fatal(err)
	}
	flips := 0
	for _, part := range []struct {
		name string
		b    []byte
	}{{"iv", e.iv}, {"ct", e.data}, {"mac", e.mac}} {
		for i := range len(part.b) * 8 {
			part.b[i/8] ^= 1 << (i % 8)
			pt, err := k.DecryptString(e)
			if !errors.Is(err, ErrMAC) || pt != "" {
				t.Fatalf("%s bit %d flipped: %q, %v; want ErrMAC", part.name, i, pt, err)
			}
			if _, err := k.Decrypt(e); !errors.Is(err, ErrMAC) {
				t.Fatalf("%s bit %d flipped (bytes): %v", part.name, i, err)
			}
			part.b[i/8] ^= 1 << (i % 8)
			flips++
		}
	}
	if want := (16 + 32 + 32) * 8; flips != want {
		t.Fatalf("flipped %d bits, want %d", flips, want)
	}
	if pt, err := k.DecryptString(e); err != nil || pt != "sensitive-tamper-canary" {
		t.Fatalf("untampered: %q, %v", pt, err)
	}
	// Wrong key: MAC failure too.
	if _, err := mustSymKey(t, seq(8, 64)).DecryptString(e); !errors.Is(err, ErrMAC) {
		t.Errorf("wrong key: %v", err)
	}
	// Truncated ciphertext (whole block dropped) fails the MAC.
	short := e
	short.data = e.data[:16]
	if _, err := k.Decrypt(short); !errors.Is(err, ErrMAC) {
		t.Errorf("truncated: %v", err)
	}
}

// TestBadPadding authenticates ciphertexts whose padding is wrong: the MAC
// passes, and the padding check must still refuse them.
func TestBadPadding(t *testing.T) {
	t.Parallel()
	raw := seq(3, 64)
	k := mustSymKey(t, raw)
	block, err := aes.NewCipher(raw[:32])
	if err != nil {
		t.Fatal(err)
	}
	for _, last := range [][]byte{
		bytes.Repeat([]byte{0}, 16),                       // pad byte 0
		bytes.Repeat([]byte{17}, 16),                      // pad byte > 16
		append(bytes.Repeat([]byte{'a'}, 14), 1, 2),       // 2 but previous byte is 1
		append(bytes.Repeat([]byte{'a'}, 12), 3, 4, 4, 4), // 4 but one byte is 3
	} {
		iv := seq(0, 16)
		ct := make([]byte, 16)
		x := make([]byte, 16)
		for i := range x {
			x[i] = last[i] ^ iv[i]
		}
		block.Encrypt(ct, x)
		m := hmac.New(sha256.New, raw[32:])
		m.Write(iv)
		m.Write(ct)
		e := EncString{typ: AesCbc256HmacSha256B64, iv: iv, data: ct, mac: m.Sum(nil)}
		if _, err := k.Decrypt(e); !errors.Is(err, ErrDecrypt) {
			t.Errorf("padding %x: %v, want ErrDecrypt", last, err)
		}
		if _, err := k.DecryptString(e); !errors.Is(err, ErrDecrypt) {
			t.Errorf("padding %x (string): %v, want ErrDecrypt", last, err)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	k, err := GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	for n := range 70 {
		p := seq(n, n)
		e, err := k.Encrypt(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := (n/16 + 1) * 16; len(e.data) != want {
			t.Errorf("len %d: ciphertext %d bytes, want %d", n, len(e.data), want)
		}
		e2, err := ParseEncString(e.String())
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.Decrypt(e2)
		if err != nil || !bytes.Equal(got, p) {
			t.Errorf("len %d: round trip = %x, %v", n, got, err)
		}
	}
	// Fresh IVs: the same plaintext never encrypts to the same string.
	a, _ := k.EncryptString("same")
	b, _ := k.EncryptString("same")
	if bytes.Equal(a.iv, b.iv) || a.String() == b.String() {
		t.Error("two encryptions share an IV")
	}
	// Non-UTF-8 plaintext is refused by DecryptString, kept by Decrypt.
	e, _ := k.Encrypt([]byte{0xff, 0xfe})
	if _, err := k.DecryptString(e); !errors.Is(err, ErrDecrypt) {
		t.Errorf("non-UTF-8: %v", err)
	}
	if got, err := k.Decrypt(e); err != nil || !bytes.Equal(got, []byte{0xff, 0xfe}) {
		t.Errorf("Decrypt non-UTF-8 = %x, %v", got, err)
	}
	// Long plaintext (beyond the pooled scratch size).
	long := bytes.Repeat([]byte("x"), 10_000)
	e, _ = k.Encrypt(long)
	if s, err := k.DecryptString(e); err != nil || s != string(long) {
		t.Errorf("long round trip failed: %v", err)
	}
	// The zero EncString decrypts to an error, not a panic.
	if _, err := k.Decrypt(EncString{}); !errors.Is(err, ErrInvalidEncString) {
		t.Errorf("zero EncString: %v", err)
	}
}

func TestKeyWrapping(t *testing.T) {
	t.Parallel()
	outer, _ := GenerateSymmetricKey()
	inner, _ := GenerateSymmetricKey()
	w, err := outer.WrapKey(inner)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.data) != 80 {
		t.Errorf("wrapped 64-byte key: %d bytes of ciphertext, want 80", len(w.data))
	}
	got, err := outer.UnwrapKey(w)
	if err != nil || !got.Equal(inner) {
		t.Fatalf("UnwrapKey: %v", err)
	}
	// A plaintext of the wrong size is not a key.
	e, _ := outer.Encrypt(make([]byte, 32))
	if _, err := outer.UnwrapKey(e); !errors.Is(err, ErrDecrypt) {
		t.Errorf("32-byte plaintext unwrapped: %v", err)
	}
	if _, err := NewSymmetricKey(make([]byte, 32)); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("NewSymmetricKey(32 bytes): %v", err)
	}
	// Master key wraps and unwraps the user key.
	m := mustMasterKey(t, seq(1, 32))
	wu, err := m.WrapUserKey(inner)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := m.UnwrapUserKey(wu); err != nil || !got.Equal(inner) {
		t.Errorf("UnwrapUserKey: %v", err)
	}
	if _, err := mustMasterKey(t, seq(2, 32)).UnwrapUserKey(wu); !errors.Is(err, ErrMAC) {
		t.Errorf("wrong master key: %v, want ErrMAC", err)
	}
	if _, err := m.UnwrapUserKey(mustParse(t, vec(t, "rsa_type4"))); !errors.Is(err, ErrWrongKeyType) {
		t.Errorf("RSA string as user key: %v", err)
	}
	if _, err := masterKeyFromBytes(make([]byte, 31)); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("31-byte master key: %v", err)
	}
}

// TestConcurrentUse shares one key between goroutines (run it with -race):
// the pooled HMAC states and scratch buffers must not leak between calls.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	k, _ := GenerateSymmetricKey()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				want := strings.Repeat(string(rune('a'+g)), i%40)
				e, err := k.EncryptString(want)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := k.DecryptString(mustParse(t, e.String()))
				if err != nil || got != want {
					t.Errorf("goroutine %d: got %q, %v; want %q", g, got, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestDecryptText(t *testing.T) {
	t.Parallel()
	k := mustSymKey(t, unb64(t, "bYCsk857hl8QJJtxyRK65tjUrbxKC4aDifJpsml+NIv4W9cVgFvi3qVD+yJTUU2T4UwNKWYtt9pqWf7Q+2WCCg=="))
	// crypto.md 7.8: the small derived example.
	got, err := k.DecryptText([]byte("2.AAECAwQFBgcICQoLDA0ODw==|8bohdGVZUta7uHGiRbSqSQ==|JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs="))
	if err != nil || got != "hello" {
		t.Errorf("DecryptText = %q, %v", got, err)
	}
	for _, tt := range []struct {
		text string
		want error
	}{
		{"", ErrInvalidEncString},
		{"2.AAECAwQFBgcICQoLDA0ODw==|8bohdGVZUta7uHGiRbSqSQ==|KbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs=", ErrMAC},
		{"0.NQfjHLr6za7VQVAbrpL81w==|wfrjmyJ0bfwkQlySrhw8dA==", ErrWrongKeyType},
		{"7.AAAA", ErrUnsupportedType},
	} {
		if _, err := k.DecryptText([]byte(tt.text)); !errors.Is(err, tt.want) {
			t.Errorf("DecryptText(%q) = %v, want %v", tt.text, err, tt.want)
		}
	}
}

func mustSeal(t *testing.T, k *symmetricKey, buf []byte, p string) EncString {
	t.Helper()
	e, err := sealWithIV(k, buf, []byte(p))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestDamagedMACStateIsAnError: a key whose saved HMAC state cannot be
// restored fails with ErrInvalidKey instead of panicking.
func TestDamagedMACStateIsAnError(t *testing.T) {
	t.Parallel()
	k, err := GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	e, err := k.EncryptString("secret")
	if err != nil {
		t.Fatal(err)
	}
	clear(k.k.mac[:4]) // the digest state's magic header
	if _, err := k.DecryptString(e); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("DecryptString: err = %v, want ErrInvalidKey", err)
	}
	if _, err := k.EncryptString("secret"); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("EncryptString: err = %v, want ErrInvalidKey", err)
	}
	k2, _ := GenerateSymmetricKey()
	clear(k2.k.mac[k2.k.macState : k2.k.macState+4]) // the outer pad's state only
	if _, err := k2.Encrypt([]byte("secret")); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Encrypt with a damaged outer state: err = %v, want ErrInvalidKey", err)
	}
}

// TestEncryptBufferParts: EncryptBuffer of several parts is the binary
// form of their concatenation (it decrypts, also through ParseEncBuffer and
// Decrypt, to the joined bytes), at every length around a block boundary;
// DecryptBuffer leaves its input as it was; a flipped bit anywhere fails
// the MAC.
func TestEncryptBufferParts(t *testing.T) {
	k, err := GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	for n := range 40 {
		a := bytes.Repeat([]byte{'a'}, n)
		b := []byte("-then-b")
		buf, err := k.EncryptBuffer(a, nil, b)
		if err != nil {
			t.Fatal(err)
		}
		want := append(append([]byte(nil), a...), b...)
		before := bytes.Clone(buf)
		got, err := k.DecryptBuffer(buf)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("n=%d: DecryptBuffer = %q, %v; want %q", n, got, err, want)
		}
		if !bytes.Equal(buf, before) {
			t.Fatalf("n=%d: DecryptBuffer changed its input", n)
		}
		e, err := ParseEncBuffer(buf)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := k.Decrypt(e); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("n=%d: Decrypt(ParseEncBuffer) = %q, %v", n, got, err)
		}
		for i := range buf {
			bad := bytes.Clone(buf)
			bad[i] ^= 0x40
			if _, err := k.DecryptBuffer(bad); err == nil {
				t.Fatalf("n=%d: a flipped bit at %d decrypted", n, i)
			}
		}
	}
}
