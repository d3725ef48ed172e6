package safe_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// exampleCache keeps the sync response in memory; a real one writes it to
// a file (examples/bsafe encrypts it under its session key).
type exampleCache struct {
	body []byte
	rev  int64
}

func (c *exampleCache) LoadSync(context.Context) ([]byte, int64, bool, error) {
	return c.body, c.rev, c.body != nil, nil
}

func (c *exampleCache) StoreSync(_ context.Context, body []byte, rev int64) error {
	c.body, c.rev = bytes.Clone(body), rev // the client keeps body: copy it
	return nil
}

// syncCounter counts the full syncs that pass it.
type syncCounter struct{ n atomic.Int32 }

func (s *syncCounter) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/api/sync") {
			s.n.Add(1)
		}
		return next.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func ExampleWithSyncCache() {
	srv, user, _, _ := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	if _, err := srv.AddItem(user, safetest.Item{Name: "Mail", Login: &safetest.Login{Username: "jane"}}); err != nil {
		log.Fatal(err)
	}
	cache := &exampleCache{}
	var syncs syncCounter
	run := func() {
		// One run of a short-lived program: a new client each time.
		c, err := safe.NewClient(srv.URL, safe.WithSyncCache(cache),
			safe.WithHTTPClient(&http.Client{Transport: syncs.wrap(srv.Client().Transport)}))
		if err != nil {
			log.Fatal(err)
		}
		if err := c.LoginPassword(ctx, "jane@example.com", "correct horse battery staple"); err != nil {
			log.Fatal(err)
		}
		items, err := c.Items.List(ctx, safe.InTeam(""))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(items[0].Name, "full syncs so far:", syncs.n.Load())
	}
	run() // syncs in full and stores the response
	run() // the server's revision is unchanged: decoded from the cache
	// Output:
	// Mail full syncs so far: 1
	// Mail full syncs so far: 1
}
