package safe_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// benchServer is a TLS safetest server holding the benchmark vault: n
// logins with username, password, one URI, notes and two custom fields;
// those inTeam picks in the team's collection "Servers", the others
// personal; half with per-item keys. The account uses the minimum PBKDF2
// iterations (5,000, about 1 ms) so that the KDF, benchmarked on its own
// in internal/vaultcrypto, does not dominate.
func benchServer(b *testing.B, n int, inTeam func(i int) bool) (*safetest.Server, *safetest.User) {
	b.Helper()
	srv := safetest.NewServer()
	b.Cleanup(srv.Close)
	user, err := srv.AddUser(safetest.UserSpec{Email: "bench@example.com", Password: "bench-password", KDF: safetest.PBKDF2(5000)})
	if err != nil {
		b.Fatal(err)
	}
	team, err := srv.AddTeam(user, safetest.TeamSpec{Name: "Bench Team"})
	if err != nil {
		b.Fatal(err)
	}
	col, err := srv.AddCollection(team, "Servers")
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		it := safetest.Item{
			Name:    fmt.Sprintf("Server account %d (production)", i),
			Notes:   strings.Repeat(fmt.Sprintf("Rotated by the connector, ticket CHG%07d. ", i), 6),
			ItemKey: i%4 < 2,
			Login: &safetest.Login{Username: fmt.Sprintf("svc-account-%05d@corp.example.com", i), Password: fmt.Sprintf("Zx9!q%08dLm#Rt7$wP2&", i),
				URIs: []safetest.URI{{URI: fmt.Sprintf("https://host%05d.corp.example.com:8443/login", i)}}},
			Fields: []safetest.Field{{Name: "assocID", Value: fmt.Sprintf("user%05d", i)},
				{Name: "AccountLink", Value: fmt.Sprintf("ad://corp.example.com/CN=user%05d,OU=Service", i), Type: safetest.FieldHidden}},
		}
		var owner safetest.Owner = user
		if inTeam(i) {
			owner, it.CollectionIDs = team, []string{col.ID}
		}
		if _, err := srv.AddItem(owner, it); err != nil {
			b.Fatal(err)
		}
	}
	return srv, user
}

// halfInTeam puts every other item in the team.
func halfInTeam(i int) bool { return i%2 == 0 }

// BenchmarkLoginSync10k is a cold start against a server over TLS on
// loopback: prelogin, KDF, token, the team key, sync and decryption of all
// 10,000 items.
func BenchmarkLoginSync10k(b *testing.B) {
	srv, _ := benchServer(b, 10_000, halfInTeam)
	hc := srv.Client()
	b.ReportAllocs()
	for b.Loop() {
		c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(hc))
		if err != nil {
			b.Fatal(err)
		}
		if err := c.LoginPassword(b.Context(), "bench@example.com", "bench-password"); err != nil {
			b.Fatal(err)
		}
		// The first listing: Sync alone no longer decrypts the items.
		if items, err := c.Items.List(b.Context()); err != nil || len(items) != 10_000 {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
}

// BenchmarkWriteThroughput creates and then updates items with 8
// goroutines sharing one client; items/s is reported.
func BenchmarkWriteThroughput(b *testing.B) {
	for _, op := range []string{"create", "update"} {
		b.Run(op, func(b *testing.B) {
			srv, _ := benchServer(b, 100, halfInTeam)
			c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()), safe.WithItemKeys(safe.ItemKeysAlways))
			if err != nil {
				b.Fatal(err)
			}
			if err := c.LoginPassword(b.Context(), "bench@example.com", "bench-password"); err != nil {
				b.Fatal(err)
			}
			items, err := c.Items.List(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.ReportAllocs()
			const workers = 8
			for b.Loop() {
				errs := make(chan error, workers)
				for range workers {
					go func() {
						n := next.Add(1)
						var err error
						if op == "create" {
							_, err = c.Items.Create(b.Context(), &safe.Item{Name: "new item", Login: &safe.Login{Username: "u", Password: "p"},
								Fields: safe.Fields{{Name: "assocID", Value: "x"}}})
						} else {
							_, err = c.Items.SetPassword(b.Context(), items[int(n)%len(items)].ID, fmt.Sprintf("pw-%d", n))
						}
						errs <- err
					}()
				}
				for range workers {
					if err := <-errs; err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*workers)/b.Elapsed().Seconds(), "items/s")
		})
	}
}
