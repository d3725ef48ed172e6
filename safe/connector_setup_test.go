package safe_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// connectProxy is an HTTP proxy that tunnels CONNECT requests, and counts
// them.
func connectProxy(t *testing.T) (addr string, tunnels *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	tunnels = new(atomic.Int32)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil || req.Method != http.MethodConnect {
					return
				}
				up, err := net.Dial("tcp", req.Host)
				if err != nil {
					fmt.Fprint(c, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
					return
				}
				defer up.Close()
				tunnels.Add(1)
				fmt.Fprint(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				go io.Copy(up, br)
				io.Copy(c, up)
			}()
		}
	}()
	return ln.Addr().String(), tunnels
}

// TestConnectorProxy: the proxy address option sends every request
// through the proxy; a proxy that cannot be reached is code 5, and its
// password is in no error.
func TestConnectorProxy(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.Gen2023)
	addr, tunnels := connectProxy(t)
	logs := &logBuffer{}
	k := safe.NewConnector(safe.WithHTTPClient(e.srv.Client()), safe.WithLogger(slogOf(logs)))
	tt := e.target
	tt.Options = tt.Options.Clone()
	tt.Options.Set("proxy", "http://"+addr)
	if _, err := k.Connect(t.Context(), tt); err != nil {
		t.Fatalf("Connect through the proxy: %v", err)
	}
	if ok, err := k.Verify(t.Context(), ref(e.ad), "sensitive-ad-pw"); err != nil || !ok || tunnels.Load() == 0 {
		t.Errorf("Verify through the proxy: %v, %v, %d tunnels", ok, err, tunnels.Load())
	}

	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	tt.Options.Set("proxy", "http://admin:sensitive-proxy-pw@"+deadAddr)
	_, err = k.Connect(t.Context(), tt)
	wantCode(t, "Connect through a dead proxy", err, bsafe.CodeInvalidServer)

	// A proxy with a transport the connector cannot give one to is refused,
	// not bypassed.
	_, err = e.k.Connect(t.Context(), tt)
	wantCode(t, "a proxy with a custom RoundTripper", err, bsafe.CodeUnknownError)
	checkLogBuffer(t, logs)
}

// TestAttachConnector: a connector on a client the program logged in
// itself; Connect only checks that the target is the same.
func TestAttachConnector(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	if _, err := safe.AttachConnector(ctx, nil, "x", false); err == nil {
		t.Errorf("AttachConnector(nil) succeeded")
	}
	_, err := safe.AttachConnector(ctx, e.client, "no such team", false)
	wantCode(t, "AttachConnector to an unknown team", err, bsafe.CodeInvalidServer)
	k, err := safe.AttachConnector(ctx, e.client, e.team.Name, false)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := k.Verify(ctx, ref("Active Directory"), "sensitive-ad-pw"); err != nil || !ok {
		t.Errorf("Verify: %v, %v", ok, err)
	}
	tt := bsafe.Target{Options: attrs.New("server", e.srv.URL, "organizationName", e.team.ID, "listDeleted", "true"),
		AdminID: "ignored@example.com", AdminPassword: "sensitive-ignored"}
	if _, err := k.Connect(ctx, tt); err != nil {
		t.Fatalf("Connect to the attached target: %v", err)
	}
	if _, err := k.CheckUser(ctx, ref("Old VPN")); err != nil {
		t.Errorf("listDeleted was not taken: %v", err)
	}
	if _, err := k.Connect(ctx, bsafe.Target{}); err != nil {
		t.Errorf("Connect with no address to an attached connector: %v", err)
	}
	if _, err := k.CheckUser(ctx, ref("Old VPN")); bsafe.CodeOf(err) != bsafe.CodeInvalidUser {
		t.Errorf("listDeleted was not cleared: %v", err)
	}
	other, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: "Other Team"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	tt.Options.Set("organizationName", other.Name)
	wantCode(t, "Connect to another team", errOf(k.Connect(ctx, tt)), bsafe.CodeAlreadyConnected)
	// A failed Connect leaves the attached Connector not connected too.
	if _, err := k.ServerInfo(ctx); bsafe.CodeOf(err) != bsafe.CodeNotConnected {
		t.Errorf("ServerInfo after the failed Connect: %v, want code 3", err)
	}
	if _, err := k.Connect(ctx, bsafe.Target{}); err != nil {
		t.Errorf("Connect again: %v", err)
	}
	tt.Options.Set("organizationName", e.team.Name)
	tt.Options.Set("server", "https://safe.example.com")
	wantCode(t, "Connect to another server", errOf(k.Connect(ctx, tt)), bsafe.CodeAlreadyConnected)
}

// TestConnectorPrints: a connector prints its server and team, never its
// fingerprint key.
func TestConnectorPrints(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	want := "safe.Connector(not connected)"
	if got := fmt.Sprintf("%v|%+v|%#v|%s", e.k, e.k, e.k, e.k); got != strings.Repeat(want+"|", 3)+want {
		t.Errorf("printed %s", got)
	}
	e.connect(t)
	want = "safe.Connector(" + e.srv.URL + ", team " + e.team.ID + ")"
	if got := fmt.Sprintf("%+v", e.k); got != want {
		t.Errorf("printed %s, want %s", got, want)
	}
}

// TestConnectorBadOption: an option NewConnector cannot take fails
// Connect as bad input, before anything is sent.
func TestConnectorBadOption(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	k := safe.NewConnector(safe.WithHTTPClient(e.srv.Client()), safe.WithDeviceID("not a UUID"))
	_, err := k.Connect(t.Context(), e.target)
	wantCode(t, "Connect with a bad option", err, bsafe.CodeUnknownError)
	if !errors.Is(err, bsafe.ErrBadInput) {
		t.Errorf("error %v: want bsafe.ErrBadInput", err)
	}
}

// TestConnectorConcurrent: operations and repeated Connects from several
// goroutines share the one session, through the Connectors Connect
// returns and through the Connector itself (run it with -race).
func TestConnectorConcurrent(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	e.connect(t)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 8 {
		wg.Go(func() {
			c, err := e.k.Connect(t.Context(), e.target)
			if err != nil {
				errs <- err
				return
			}
			k := c.(*safe.Connector)
			if ok, err := k.Verify(t.Context(), ref(e.ad), "sensitive-ad-pw"); err != nil || !ok {
				errs <- fmt.Errorf("verify: %v, %w", ok, err)
			}
			if ok, err := e.k.Verify(t.Context(), ref(e.ad), "sensitive-ad-pw"); err != nil || !ok {
				errs <- fmt.Errorf("direct verify: %v, %w", ok, err)
			}
			if _, err := collect(t, k.ListUsers(t.Context(), bsafe.ListOptions{})); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := e.logins.Load(); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// TestConnectorRevokedSession: a session the server revoked is code 11,
// and the next Connect logs in again instead of keeping it.
func TestConnectorRevokedSession(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen, safe.WithSyncInterval(0))
		e.connect(t)
		if err := e.srv.RevokeSessions(e.user); err != nil {
			t.Fatal(err)
		}
		_, err := e.k.Verify(t.Context(), ref(e.ad), "sensitive-ad-pw")
		wantCode(t, "Verify with a revoked session", err, bsafe.CodeAccessDenied)
		e.connect(t)
		if ok, err := e.k.Verify(t.Context(), ref(e.ad), "sensitive-ad-pw"); err != nil || !ok {
			t.Errorf("Verify after Connect: %v, %v", ok, err)
		}
		if n := e.logins.Load(); n < 2 {
			t.Errorf("%d logins, want a new one after the revocation", n)
		}
	})
}
