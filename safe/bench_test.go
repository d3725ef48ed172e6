package safe

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// benchVault builds the sync response of the benchmark vault: n logins,
// each with username, password, one URI, notes and two custom fields; half
// in a team, half with per-item keys. Values have realistic lengths.
func benchVault(b testing.TB, n int) (*testAccount, []byte) {
	a := newTestAccount(b)
	ciphers := make([]map[string]any, n)
	for i := range n {
		team := ""
		wrapping := a.sess.userKey
		if i%2 == 0 {
			team, wrapping = a.teamID, a.teamKey
		}
		key, wrapped := wrapping, any(nil)
		if i%4 < 2 {
			key, _ = vaultcrypto.GenerateSymmetricKey()
			w, _ := wrapping.WrapKey(key)
			wrapped = w.String()
		}
		e := func(s string) string { return enc(b, key, s) }
		ciphers[i] = map[string]any{
			"object": "cipherDetails", "id": fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), "organizationId": nilIfEmpty(team),
			"folderId": nil, "type": 1, "name": e(fmt.Sprintf("Server account %d (production)", i)),
			"notes": e(strings.Repeat(fmt.Sprintf("Rotated by the connector, ticket CHG%07d. ", i), 6)),
			"key":   wrapped, "favorite": false, "reprompt": 0, "edit": true, "viewPassword": true, "organizationUseTotp": true,
			"collectionIds": []string{}, "creationDate": "2026-10-01T09:00:00.1234567Z", "revisionDate": "2026-11-01T10:00:00.1234567Z",
			"deletedDate": nil, "attachments": nil, "secureNote": nil, "card": nil, "identity": nil, "sshKey": nil,
			"login": map[string]any{
				"username": e(fmt.Sprintf("svc-account-%05d@corp.example.com", i)), "password": e(fmt.Sprintf("Zx9!q%08dLm#Rt7$wP2&", i)),
				"totp": nil, "passwordRevisionDate": "2026-10-02T00:00:00Z", "fido2Credentials": []any{}, "autofillOnPageLoad": nil,
				"uris": []any{map[string]any{"uri": e(fmt.Sprintf("https://host%05d.corp.example.com:8443/login", i)), "match": nil}},
			},
			"fields": []any{
				map[string]any{"type": 0, "name": e("assocID"), "value": e(fmt.Sprintf("user%05d", i)), "linkedId": nil},
				map[string]any{"type": 1, "name": e("AccountLink"), "value": e(fmt.Sprintf("ad://corp.example.com/CN=user%05d,OU=Service", i)), "linkedId": nil},
			},
			"passwordHistory": nil,
		}
	}
	return a, a.syncJSON(b, ciphers...)
}

// BenchmarkDecodeSync10k decodes and decrypts the sync response of a
// 10,000-item vault held in memory. B/op (every byte allocated, so an upper
// bound of the extra heap) is reported against the JSON size as alloc/json.
//
// The "aspnet" variant writes "+" as \u002B, as the ASP.NET servers of
// Bitwarden and Bravura Safe do, so that most EncStrings carry an escape.
func BenchmarkDecodeSync10k(b *testing.B) {
	a, plain := benchVault(b, 10_000)
	aspnet := []byte(strings.ReplaceAll(string(plain), "+", `\u002B`))
	for _, tc := range []struct {
		name string
		body []byte
	}{{"plain", plain}, {"aspnet", aspnet}} {
		b.Run(tc.name, func(b *testing.B) {
			c, _ := NewClient("https://x")
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			b.ReportMetric(float64(len(tc.body))/1e6, "jsonMB")
			for b.Loop() {
				v, err := c.decodeAll(context.Background(), tc.body, a.sess)
				if err != nil || len(v.items) != 10_000 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeSyncStructure10k is what Sync itself decodes of the same
// response: the profile, keys, folders and collections, and the place of
// every cipher, leaving the items to the first read of items.
func BenchmarkDecodeSyncStructure10k(b *testing.B) {
	a, body := benchVault(b, 10_000)
	c, _ := NewClient("https://x")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := c.decodeSync(body, a.sess)
		if err != nil || len(v.ciphers) != 10_000 {
			b.Fatal(err)
		}
	}
}

func TestBenchVaultShape(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large vault")
	}
	a, body := benchVault(t, 200)
	c, _ := NewClient("https://x")
	v, err := c.decodeAll(context.Background(), body, a.sess)
	if err != nil {
		t.Fatal(err)
	}
	keys, team := 0, 0
	for _, it := range v.items {
		if it.HasItemKey {
			keys++
		}
		if it.TeamID != "" {
			team++
		}
		if len(it.Fields) != 2 || it.Login == nil || len(it.Login.URIs) != 1 || it.Notes == "" {
			t.Fatalf("item %s has the wrong shape", it.ID)
		}
	}
	if keys != 100 || team != 100 {
		t.Errorf("%d with item keys, %d in the team; want 100 and 100", keys, team)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkDecodeSync10kHeap measures the heap while a 10,000-item sync
// response is decoded: the peak of live heap objects (sampled every 50 µs
// through runtime/metrics, with the default GOGC) and what is still live
// afterwards, both including the response itself, reported against the
// JSON size.
func BenchmarkDecodeSync10kHeap(b *testing.B) {
	a, body := benchVault(b, 10_000)
	c, _ := NewClient("https://x")
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	var peak, retained uint64
	for b.Loop() {
		runtime.GC()
		var max atomic.Uint64
		done := make(chan struct{})
		go func() {
			t := time.NewTicker(50 * time.Microsecond)
			defer t.Stop()
			for {
				if h := heap(); h > max.Load() {
					max.Store(h)
				}
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		}()
		v, err := c.decodeAll(context.Background(), body, a.sess)
		close(done)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		retained = heap()
		peak = max.Load()
		runtime.KeepAlive(v)
	}
	size := float64(len(body))
	b.ReportMetric(float64(peak)/size, "peak/json")
	b.ReportMetric(float64(retained)/size, "retained/json")
	b.ReportMetric(size/1e6, "jsonMB")
}
