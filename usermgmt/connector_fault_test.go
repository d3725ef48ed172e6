package usermgmt_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
	"github.com/bsafe-go/bsafe/usermgmt"
)

// loser is a transport that loses the answer to the first request whose
// method and path match, after the server has handled it.
type loser struct {
	next   http.RoundTripper
	method string
	suffix string

	mu   sync.Mutex
	lost int
	sent int
}

func (l *loser) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if r.Method != l.method || !strings.HasSuffix(r.URL.Path, l.suffix) {
		return resp, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	if err == nil && l.lost == 0 {
		l.lost++
		resp.Body.Close()
		return nil, errors.New("connection reset after the server answered")
	}
	return resp, err
}

// withLoser makes the env's connector lose one answer.
func (e *umEnv) withLoser(t *testing.T, method, suffix string) *loser {
	t.Helper()
	l := &loser{next: e.srv.Client().Transport, method: method, suffix: suffix}
	e.k.Close()
	e.k = usermgmt.NewConnector(safe.WithHTTPClient(&http.Client{Transport: l}), safe.WithSyncInterval(0))
	t.Cleanup(func() { e.k.Close() })
	return l
}

// TestConnectorLostAnswers: writes whose answer is lost after the server
// applied them are reported as they are: a reset and a web invitation are
// repeated into one success; an invitation through the Public API (with
// an externalId) is not repeated, and is code 1, never a code that says
// "not done" — and there is exactly one member.
func TestConnectorLostAnswers(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		t.Run("reset", func(t *testing.T) {
			e := newUMEnv(t, gen)
			e.enrol(t)
			suffix := "/reset-password"
			if gen == safetest.GenCurrent {
				suffix = "/recover-account"
			}
			l := e.withLoser(t, http.MethodPut, suffix)
			const newPW = "sensitive-alice-lost-pw"
			if out := e.dispatch(t, "reset", "acctid", e.aliceM.ID, "newpw", newPW); retval(out) != "0" {
				t.Fatalf("reset with a lost answer: %s %s", retval(out), out.Get("errmsg"))
			}
			if l.lost != 1 {
				t.Fatalf("the reset's answer was not lost (%d sent)", l.sent)
			}
			e.client(t, "alice@example.com", newPW)
		})
		t.Run("invite", func(t *testing.T) {
			e := newUMEnv(t, gen)
			l := e.withLoser(t, http.MethodPost, "/users/invite")
			out := e.dispatch(t, "create", "acctid", "dave@example.com", "newpw", "sensitive-unused")
			if retval(out) != "0" || out.Get("longid") == "" {
				t.Fatalf("create with a lost answer: %s %s", retval(out), out.Get("errmsg"))
			}
			if l.lost != 1 {
				t.Fatalf("the invitation's answer was not lost")
			}
			if n := e.membersWith(t, "dave@example.com"); n != 1 {
				t.Errorf("%d members for dave, want 1", n)
			}
		})
		t.Run("public invite", func(t *testing.T) {
			e := newUMEnv(t, gen)
			e.target.SysID, e.target.SysPassword = e.team.ClientID, e.team.ClientSecret
			l := e.withLoser(t, http.MethodPost, "/public/members")
			in := withAttr(e.input("create", "acctid", "erin@example.com", "newpw", "sensitive-unused",
				"sysid", e.team.ClientID, "syspw", e.team.ClientSecret), "externalId", "E-42")
			out := e.run(t, in)
			if l.lost != 1 || l.sent != 1 {
				t.Fatalf("the Public API invitation: lost %d, sent %d, want 1 and 1 (never repeated)", l.lost, l.sent)
			}
			if retval(out) != "1" || !strings.Contains(out.Get("errmsg"), "unknown") {
				t.Errorf("create whose Public API answer was lost: %s %q, want 1 saying the outcome is unknown", retval(out), out.Get("errmsg"))
			}
			if n := e.membersWith(t, "erin@example.com"); n != 1 {
				t.Errorf("%d members for erin, want 1 (the invitation reached the server)", n)
			}
		})
	})
}

// membersWith counts the team's members with an e-mail address.
func (e *umEnv) membersWith(t *testing.T, email string) int {
	t.Helper()
	owner := e.client(t, ownerEmail, ownerPassword)
	n := 0
	for m, err := range owner.Members.All(t.Context(), e.team.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(m.Email, email) {
			n++
		}
	}
	return n
}
