package main

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bsafe-go/bsafe/safe/safetest"
	"github.com/google/go-cmp/cmp"
)

// TestCreateFolder creates folders from the argument and from standard
// input, and checks what the server then holds.
func TestCreateFolder(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	for _, c := range []struct {
		how, stdin, arg, name string
	}{
		{"argument", "", encJSON(t, map[string]any{"name": "Créé <&>"}), "Créé <&>"},
		{"stdin", encJSON(t, map[string]string{"name": "from stdin"}) + "\n", "", "from stdin"},
		{"URL-safe base64 without padding", "", strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(encJSON(t, map[string]string{"name": "??>"})), "="), "??>"},
	} {
		args := []string{"create", "folder"}
		if c.arg != "" {
			args = append(args, c.arg)
		}
		got := decodeObject(t, e.mustRun(c.stdin, e.withKey, args...))
		id, _ := got["id"].(string)
		stored, err := e.srv.Folder(id)
		if err != nil || stored.Name != c.name || stored.UserID != e.user.ID {
			t.Errorf("%s: server holds %+v, %v; want %q", c.how, stored, err, c.name)
		}
		want := map[string]any{"object": "folder", "id": id, "name": c.name}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: output (-want +got):\n%s", c.how, d)
		}
	}
	if n := len(e.list("folders")); n != 2+3+1 {
		t.Errorf("list folders after three creates: %d entries, want 6", n)
	}
}

// TestCreateFolderBadInput: broken base64 or JSON, or a request without a
// name, is one line and exit 1, and nothing is created.
func TestCreateFolderBadInput(t *testing.T) {
	t.Parallel()
	e := newOrgEnv(t, safetest.GenCurrent)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, c := range []struct{ name, stdin, arg, want string }{
		{"no request", "", "", "`requestJson` was not provided."},
		{"not base64", "", "{\"name\":\"x\"}", errBadRequestData.Error()},
		{"not JSON", "", b64("name: x"), errBadRequestData.Error()},
		{"truncated JSON", "", b64(`{"name":"x"`), errBadRequestData.Error()},
		{"JSON array", "", b64(`[{"name":"x"}]`), errBadRequestData.Error()},
		{"JSON string", "", b64(`"x"`), errBadRequestData.Error()},
		{"null", "", b64(`null`), errBadRequestData.Error()},
		{"no name", "", b64(`{}`), "Folder name is required."},
		{"empty name", "", b64(`{"name":""}`), "Folder name is required."},
		{"name of the wrong type", "", b64(`{"name":5}`), "Invalid request data: `name` has the wrong type."},
		{"broken stdin", "%%%", "", errBadRequestData.Error()},
	} {
		args := []string{"create", "folder"}
		if c.arg != "" {
			args = append(args, c.arg)
		}
		t.Run(c.name, func(t *testing.T) { failsWith(t, e.run(c.stdin, e.withKey, args...), c.want) })
	}
	failsWith(t, e.run("", nil, "create", "folder", b64(`{"name":"x"}`)), "Vault is locked.")
	if n := len(e.list("folders")); n != 3 {
		t.Errorf("list folders after bad input: %d entries, want the 3 seeded", n)
	}
}

// lostAnswers is a transport that sends the requests it matches to the
// server and then loses the answer: the server has applied the write, the
// client never hears of it. It counts the requests it matched.
type lostAnswers struct {
	base         http.RoundTripper
	method, path string
	sent         atomic.Int32
}

func (l *lostAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != l.method || !strings.HasPrefix(r.URL.Path, l.path) {
		return l.base.RoundTrip(r)
	}
	l.sent.Add(1)
	resp, err := l.base.RoundTrip(r)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return nil, io.ErrUnexpectedEOF
}

// loseAnswers makes the server's client (which every run of e uses) lose
// the answers to method on paths under path, until the test ends.
func loseAnswers(t *testing.T, e *testEnv, method, path string) *lostAnswers {
	t.Helper()
	c := e.srv.Client()
	l := &lostAnswers{base: c.Transport, method: method, path: path}
	c.Transport = l
	t.Cleanup(func() { c.Transport = l.base })
	return l
}

// TestCreateLostAnswer: a create whose answer is lost after the server
// applied it fails with a line saying it may have been applied, exit 1,
// and is not sent again (which would make a duplicate). A create the
// server never saw (a dropped connection) is reported the same way.
func TestCreateLostAnswer(t *testing.T) {
	t.Parallel()
	t.Run("folder", func(t *testing.T) {
		t.Parallel()
		e := newOrgEnv(t, safetest.GenCurrent)
		l := loseAnswers(t, e.testEnv, http.MethodPost, "/api/folders")
		r := e.run("", e.withKey, "create", "folder", encJSON(t, map[string]string{"name": "lost"}))
		checkMayHaveApplied(t, r)
		if n := l.sent.Load(); n != 1 {
			t.Errorf("the create was sent %d times, want once", n)
		}
		if got := namesOf(e.list("folders", "--search", "lost")); !cmp.Equal(got, []string{"lost"}) {
			t.Errorf("folders named lost on the server: %q, want exactly one", got)
		}

		e.srv.InjectFault(safetest.Fault{Method: http.MethodPost, Path: "/api/folders", Drop: true})
		r = e.run("", e.withKey, "create", "folder", encJSON(t, map[string]string{"name": "dropped"}))
		checkMayHaveApplied(t, r)
		if got := e.list("folders", "--search", "dropped"); len(got) != 0 {
			t.Errorf("a dropped create was repeated: %v", got)
		}
	})
	t.Run("org-collection", func(t *testing.T) {
		t.Parallel()
		e := newOrgEnv(t, safetest.GenCurrent)
		l := loseAnswers(t, e.testEnv, http.MethodPost, "/api/organizations/"+e.team.ID+"/collections")
		r := e.run("", e.withKey, "create", "org-collection", encJSON(t, map[string]string{"organizationId": e.team.ID, "name": "lost"}))
		checkMayHaveApplied(t, r)
		if n := l.sent.Load(); n != 1 {
			t.Errorf("the create was sent %d times, want once", n)
		}
		if got := namesOf(e.list("org-collections", "--organizationid", e.team.ID, "--search", "lost")); !cmp.Equal(got, []string{"lost"}) {
			t.Errorf("collections named lost on the server: %q, want exactly one", got)
		}
	})
}

// checkMayHaveApplied checks for the line of writeError (items_write.go)
// about a lost answer.
func checkMayHaveApplied(t *testing.T, r result) {
	t.Helper()
	failsWith(t, r, "The server may have applied this change, but its answer was lost: check the vault before trying again.")
}
