package vaultcrypto

import (
	"encoding/pem"
	"testing"
)

// Run with: go test -run '^$' -bench . -benchmem -cpu 1 ./internal/vaultcrypto/

func BenchmarkPBKDF2600k(b *testing.B) {
	for b.Loop() {
		if _, err := DeriveMasterKey("correct horse battery staple", "user@example.com", DefaultPBKDF2); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkArgon2idM64T3P4(b *testing.B) {
	for b.Loop() {
		if _, err := DeriveMasterKey("correct horse battery staple", "user@example.com", DefaultArgon2id); err != nil {
			b.Fatal(err)
		}
	}
}

// benchField is a 20-byte username, the typical short vault field.
const benchField = "jane.doe@example.org"

func benchKey(b *testing.B) *SymmetricKey {
	k, err := GenerateSymmetricKey()
	if err != nil {
		b.Fatal(err)
	}
	return k
}

// BenchmarkDecryptField decrypts one parsed type 2 field to a string: the
// per-field cost of reading a synced vault.
func BenchmarkDecryptField(b *testing.B) {
	k := benchKey(b)
	e, _ := k.EncryptString(benchField)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchField)))
	for b.Loop() {
		if s, err := k.DecryptString(e); err != nil || len(s) != len(benchField) {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDecryptField is the same from the EncString text.
func BenchmarkParseDecryptField(b *testing.B) {
	k := benchKey(b)
	e, _ := k.EncryptString(benchField)
	text := e.String()
	b.ReportAllocs()
	for b.Loop() {
		p, err := ParseEncString(text)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := k.DecryptString(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptText is the same in one step, as the sync decoder does.
func BenchmarkDecryptText(b *testing.B) {
	k := benchKey(b)
	e, _ := k.EncryptString(benchField)
	text := []byte(e.String())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.DecryptText(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncryptField encrypts one short field to an EncString.
func BenchmarkEncryptField(b *testing.B) {
	k := benchKey(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchField)))
	for b.Loop() {
		if _, err := k.EncryptString(benchField); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncryptFieldText adds formatting to text, as for a request body.
func BenchmarkEncryptFieldText(b *testing.B) {
	k := benchKey(b)
	b.ReportAllocs()
	for b.Loop() {
		e, err := k.EncryptString(benchField)
		if err != nil {
			b.Fatal(err)
		}
		_ = e.String()
	}
}

// BenchmarkUnwrapOrgKey unwraps a type 4 organization key with the
// account's RSA-2048 private key.
func BenchmarkUnwrapOrgKey(b *testing.B) {
	blk, _ := pem.Decode([]byte(vectors()["rsa_private_key_pem"]))
	pk, err := ParsePrivateKey(blk.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	orgKey := benchKey(b)
	w, err := pk.Public().WrapKey(orgKey)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pk.UnwrapKey(w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrapOrgKey wraps an organization key for a member (type 4).
func BenchmarkWrapOrgKey(b *testing.B) {
	blk, _ := pem.Decode([]byte(vectors()["rsa_private_key_pem"]))
	pk, err := ParsePrivateKey(blk.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	pub, orgKey := pk.Public(), benchKey(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pub.WrapKey(orgKey); err != nil {
			b.Fatal(err)
		}
	}
}

// benchBuffer is the size of a 10,000-item sync response, which
// examples/bsafe keeps encrypted at rest with EncryptBuffer.
const benchBuffer = 20 << 20

// BenchmarkEncryptBuffer encrypts benchBuffer bytes in the binary form.
func BenchmarkEncryptBuffer(b *testing.B) {
	k := benchKey(b)
	p := make([]byte, benchBuffer)
	b.SetBytes(benchBuffer)
	for b.Loop() {
		if _, err := k.EncryptBuffer(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptBuffer authenticates and decrypts it again.
func BenchmarkDecryptBuffer(b *testing.B) {
	k := benchKey(b)
	enc, err := k.EncryptBuffer(make([]byte, benchBuffer))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchBuffer)
	for b.Loop() {
		if p, err := k.DecryptBuffer(enc); err != nil || len(p) != benchBuffer {
			b.Fatal(err)
		}
	}
}
