package jsonscan

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// syncDoc builds a synthetic Bitwarden /api/sync response with n ciphers.
// With aspnet set, '+' in base64 is written as \u002B, as ASP.NET's
// System.Text.Json does; otherwise the document has no escapes at all.
func syncDoc(n int, aspnet bool) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var w bytes.Buffer
	b64 := func(n int) string {
		raw := make([]byte, n)
		for i := range raw {
			raw[i] = byte(rng.Uint32())
		}
		s := base64.StdEncoding.EncodeToString(raw)
		if aspnet {
			s = strings.ReplaceAll(s, "+", `\u002B`)
		}
		return s
	}
	// A type-2 EncString of a plaintext of about plain bytes.
	enc := func(plain int) string {
		ct := (plain/16 + 1) * 16
		return `"2.` + b64(16) + "|" + b64(ct) + "|" + b64(32) + `"`
	}
	uuid := func() string {
		return fmt.Sprintf(`"%08x-%04x-%04x-%04x-%012x"`, rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
	}
	orNull := func(p float64, s func() string) string {
		if rng.Float64() < p {
			return s()
		}
		return "null"
	}
	date := func() string {
		return fmt.Sprintf(`"2024-%02d-%02dT%02d:%02d:%02d.%07dZ"`, 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(10000000))
	}

	w.WriteString(`{"object":"sync","profile":{"id":` + uuid() + `,"name":"Test User","email":"user@example.com","emailVerified":true,"premium":false,"key":` + enc(64) + `,"privateKey":` + enc(1200) + `,"securityStamp":` + uuid() + `,"organizations":[],"object":"profile"},`)
	w.WriteString(`"folders":[`)
	for i := range 20 {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(`{"id":` + uuid() + `,"name":` + enc(12) + `,"revisionDate":` + date() + `,"object":"folder"}`)
	}
	w.WriteString(`],"collections":[],"policies":[],"ciphers":[`)
	for i := range n {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(`{"id":` + uuid() + `,"organizationId":` + orNull(0.3, uuid) + `,"folderId":` + orNull(0.5, uuid) + `,"type":1`)
		w.WriteString(`,"name":` + enc(5+rng.IntN(30)) + `,"notes":` + orNull(0.4, func() string { return enc(rng.IntN(200)) }))
		w.WriteString(`,"login":{"uris":[`)
		for j := range 1 + rng.IntN(3) {
			if j > 0 {
				w.WriteByte(',')
			}
			w.WriteString(`{"uri":` + enc(20+rng.IntN(60)) + `,"uriChecksum":` + enc(44) + `,"match":null}`)
		}
		w.WriteString(`],"username":` + enc(8+rng.IntN(24)) + `,"password":` + enc(12+rng.IntN(20)) + `,"passwordRevisionDate":` + orNull(0.3, date) + `,"totp":` + orNull(0.2, func() string { return enc(32) }) + `,"autofillOnPageLoad":null,"fido2Credentials":[]}`)
		w.WriteString(`,"card":null,"identity":null,"secureNote":null,"sshKey":null,"fields":[`)
		for j := range rng.IntN(3) {
			if j > 0 {
				w.WriteByte(',')
			}
			w.WriteString(`{"name":` + enc(4+rng.IntN(12)) + `,"value":` + enc(4+rng.IntN(40)) + `,"type":0,"linkedId":null}`)
		}
		w.WriteString(`],"passwordHistory":[`)
		for j := range rng.IntN(2) {
			if j > 0 {
				w.WriteByte(',')
			}
			w.WriteString(`{"password":` + enc(12+rng.IntN(20)) + `,"lastUsedDate":` + date() + `}`)
		}
		w.WriteString(`],"attachments":null,"organizationUseTotp":false,"revisionDate":` + date() + `,"creationDate":` + date() + `,"deletedDate":null,"reprompt":0,"key":` + orNull(0.5, func() string { return enc(64) }))
		w.WriteString(`,"favorite":false,"edit":true,"viewPassword":true,"permissions":{"delete":true,"restore":true},"collectionIds":[],"object":"cipherDetails"}`)
	}
	w.WriteString(`],"domains":null,"sends":[]}`)
	return w.Bytes()
}

const benchCiphers = 10000

var benchDocs = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		"plain":  syncDoc(benchCiphers, false),
		"aspnet": syncDoc(benchCiphers, true),
	}
})

// forDocs runs fn as a sub-benchmark on each synthetic document.
func forDocs(b *testing.B, fn func(b *testing.B, doc []byte)) {
	for _, name := range []string{"plain", "aspnet"} {
		doc := benchDocs()[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			fn(b, doc)
		})
	}
}

func TestSyncDoc(t *testing.T) {
	for name, doc := range benchDocs() {
		if !json.Valid(doc) {
			t.Fatalf("%s: synthetic document is not valid JSON", name)
		}
		t.Logf("%s: %d bytes, %d ciphers", name, len(doc), benchCiphers)
	}
	// The walks used by the benchmarks agree with encoding/json.
	doc := benchDocs()["aspnet"]
	var want struct{ Ciphers []json.RawMessage }
	if err := json.Unmarshal(doc, &want); err != nil {
		t.Fatal(err)
	}
	raws, err := cipherRaws(NewDecoder(doc), nil)
	if err != nil || len(raws) != len(want.Ciphers) {
		t.Fatalf("cipherRaws: %d, %v", len(raws), err)
	}
	for i := range raws {
		if !bytes.Equal(raws[i], want.Ciphers[i]) {
			t.Fatalf("cipher %d differs", i)
		}
	}
	var c0 struct{ Name string }
	if err := json.Unmarshal(raws[0], &c0); err != nil {
		t.Fatal(err)
	}
	var first []byte
	d := NewDecoder(raws[0])
	d.Object(func(key []byte) error {
		if EqualFoldASCII(key, "name") {
			var err error
			first, err = d.AppendString(nil)
			return err
		}
		return nil
	})
	if string(first) != c0.Name {
		t.Fatalf("name %q, encoding/json says %q", first, c0.Name)
	}
}

// cipherRaws appends the raw bytes of each element of the top-level
// "ciphers" array to dst.
func cipherRaws(d *Decoder, dst [][]byte) ([][]byte, error) {
	err := d.Object(func(key []byte) error {
		if !EqualFoldASCII(key, "ciphers") {
			return nil
		}
		return d.Array(func(int) error {
			raw, err := d.Raw()
			dst = append(dst, raw)
			return err
		})
	})
	if err == nil {
		err = d.End()
	}
	return dst, err
}

// BenchmarkSkip validates the whole document.
func BenchmarkSkip(b *testing.B) {
	forDocs(b, func(b *testing.B, doc []byte) {
		d := NewDecoder(doc)
		for b.Loop() {
			d.Reset(doc)
			if err := d.Skip(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCipherRaw takes Raw of every cipher, into a reused slice.
func BenchmarkCipherRaw(b *testing.B) {
	forDocs(b, func(b *testing.B, doc []byte) {
		d := NewDecoder(doc)
		raws := make([][]byte, 0, benchCiphers)
		for b.Loop() {
			d.Reset(doc)
			var err error
			if raws, err = cipherRaws(d, raws[:0]); err != nil || len(raws) != benchCiphers {
				b.Fatal(err)
			}
		}
	})
}

// walkStrings reads every string in the next value with String (or, with
// buf non-nil, AppendString into *buf) and skips everything else.
func walkStrings(d *Decoder, buf *[]byte, total *int) error {
	switch d.Peek() {
	case Object:
		return d.Object(func([]byte) error { return walkStrings(d, buf, total) })
	case Array:
		return d.Array(func(int) error { return walkStrings(d, buf, total) })
	case String:
		if buf != nil {
			var err error
			*buf, err = d.AppendString((*buf)[:0])
			*total += len(*buf)
			return err
		}
		s, err := d.String()
		*total += len(s)
		return err
	}
	return d.Skip()
}

// walkCiphers walks every string of every cipher with walkStrings.
func walkCiphers(d *Decoder, buf *[]byte) (int, error) {
	total := 0
	err := d.Object(func(key []byte) error {
		if !EqualFoldASCII(key, "ciphers") {
			return nil
		}
		return d.Array(func(int) error { return walkStrings(d, buf, &total) })
	})
	if err == nil {
		err = d.End()
	}
	return total, err
}

// BenchmarkWalkString reads every string of every cipher with String.
// On the aspnet document most strings have a \u002B escape and String
// allocates for each of them.
func BenchmarkWalkString(b *testing.B) {
	forDocs(b, func(b *testing.B, doc []byte) {
		d := NewDecoder(doc)
		for b.Loop() {
			d.Reset(doc)
			if _, err := walkCiphers(d, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkWalkAppendString reads every string of every cipher with
// AppendString into one reused buffer.
func BenchmarkWalkAppendString(b *testing.B) {
	forDocs(b, func(b *testing.B, doc []byte) {
		d := NewDecoder(doc)
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			d.Reset(doc)
			if _, err := walkCiphers(d, &buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStdlibValid is encoding/json.Valid on the same documents, for
// comparison with BenchmarkSkip.
func BenchmarkStdlibValid(b *testing.B) {
	forDocs(b, func(b *testing.B, doc []byte) {
		for b.Loop() {
			if !json.Valid(doc) {
				b.Fatal("invalid")
			}
		}
	})
}

// BenchmarkStdlibCipherRaw is encoding/json's nearest equivalent of
// BenchmarkCipherRaw: unmarshaling the ciphers as json.RawMessage.
func BenchmarkStdlibCipherRaw(b *testing.B) {
	forDocs(b, func(b *testing.B, doc []byte) {
		for b.Loop() {
			var v struct{ Ciphers []json.RawMessage }
			if err := json.Unmarshal(doc, &v); err != nil || len(v.Ciphers) != benchCiphers {
				b.Fatal(err)
			}
		}
	})
}
