package safetest_test

import (
	"bytes"
	"fmt"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestHandshakeErrorsStayOffStderr: a client that does not trust the
// server's certificate makes net/http log a TLS handshake error. The
// server must send it to its log option, or drop it, and never to the
// standard logger, which writes to os.Stderr. Not parallel: it swaps the
// standard logger's output.
func TestHandshakeErrorsStayOffStderr(t *testing.T) {
	var std bytes.Buffer
	defer log.SetOutput(log.Writer())
	log.SetOutput(&std)

	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	for _, opts := range [][]safetest.Option{{safetest.WithLogf(logf)}, nil} {
		srv := safetest.NewServer(opts...)
		untrusting := &http.Client{Transport: &http.Transport{}}
		if _, err := untrusting.Get(srv.URL + "/api/config"); err == nil {
			t.Fatal("a client that does not trust the certificate connected")
		}
		untrusting.CloseIdleConnections()
		srv.Close() // waits for the connection's goroutine, which logs
	}
	if std.Len() > 0 {
		t.Errorf("the server wrote to the standard logger: %q", std.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || !strings.Contains(lines[0], "TLS handshake error") {
		t.Fatalf("log option got %q, want the one handshake error", lines)
	}
}
