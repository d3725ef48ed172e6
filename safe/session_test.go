package safe_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// resumeEnv starts a server with a user and one seeded item, logs in, and
// exports the session.
func resumeEnv(t *testing.T, opts ...safetest.Option) (srv *safetest.Server, itemID string, deviceID string, blob []byte, key string) {
	t.Helper()
	srv = safetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	user, err := srv.AddUser(safetest.UserSpec{Email: testEmail, Password: testPassword, KDF: safetest.PBKDF2(5000)})
	if err != nil {
		t.Fatal(err)
	}
	if itemID, err = srv.AddItem(user, safetest.Item{Name: "Mail", Login: &safetest.Login{Username: "jane", Password: "sensitive-pw"}}); err != nil {
		t.Fatal(err)
	}
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoginPassword(t.Context(), testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	if blob, key, err = c.ExportSession(); err != nil {
		t.Fatal(err)
	}
	return srv, itemID, c.DeviceID(), blob, key
}

func recordingClient(t *testing.T, srv *safetest.Server, deviceID string) (*safe.Client, *pathRecorder) {
	t.Helper()
	rec := &pathRecorder{next: srv.Client().Transport}
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(&http.Client{Transport: rec}), safe.WithDeviceID(deviceID))
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

// TestResumeSessionSkipsLogin resumes an exported session in a second
// client, which reads an item without prelogin, token grant or master
// password.
func TestResumeSessionSkipsLogin(t *testing.T) {
	t.Parallel()
	srv, itemID, dev, blob, key := resumeEnv(t)
	c, rec := recordingClient(t, srv, dev)
	if err := c.ResumeSession(t.Context(), blob, key); err != nil {
		t.Fatal(err)
	}
	it, err := c.Items.Get(t.Context(), itemID)
	if err != nil {
		t.Fatal(err)
	}
	if it.Name != "Mail" || it.Login.Password != "sensitive-pw" {
		t.Errorf("resumed client read %q / %q", it.Name, it.Login.Password)
	}
	for _, u := range rec.all() {
		if strings.Contains(u, "/identity/") {
			t.Errorf("resume made an identity request: %s", u)
		}
	}
	if len(rec.all()) == 0 {
		t.Error("no request recorded")
	}
}

// TestResumeSessionRefreshesExpiredToken: with tokens that are always
// about to expire, resume refreshes at once (a refresh grant, never a
// prelogin or password grant); when the refresh token has expired too,
// the client stays logged out with ErrUnauthorized.
func TestResumeSessionRefreshesExpiredToken(t *testing.T) {
	t.Parallel()
	t.Run("refreshed", func(t *testing.T) {
		t.Parallel()
		srv, itemID, dev, blob, key := resumeEnv(t, safetest.WithTokenLifetime(10*time.Second))
		var grants []string
		c, rec := recordingClient(t, srv, dev)
		rec.body = func(r *http.Request, body []byte) {
			if strings.HasSuffix(r.URL.Path, "/connect/token") {
				for _, kv := range strings.Split(string(body), "&") {
					if strings.HasPrefix(kv, "grant_type=") {
						grants = append(grants, kv)
					}
				}
			}
		}
		if err := c.ResumeSession(t.Context(), blob, key); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Items.Get(t.Context(), itemID); err != nil {
			t.Fatal(err)
		}
		if len(grants) == 0 || slices.ContainsFunc(grants, func(g string) bool { return g != "grant_type=refresh_token" }) {
			t.Errorf("grants %v, want refresh_token only", grants)
		}
		for _, u := range rec.all() {
			if strings.Contains(u, "prelogin") {
				t.Errorf("resume made a prelogin: %s", u)
			}
		}
		// The refresh token is reusable, so the same blob resumes again.
		again, _ := recordingClient(t, srv, dev)
		if err := again.ResumeSession(t.Context(), blob, key); err != nil {
			t.Fatalf("second resume: %v", err)
		}
		if _, err := again.Items.Get(t.Context(), itemID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refresh token expired", func(t *testing.T) {
		t.Parallel()
		srv, _, dev, blob, key := resumeEnv(t, safetest.WithTokenLifetime(10*time.Second), safetest.WithRefreshTokenLifetime(time.Millisecond))
		time.Sleep(5 * time.Millisecond)
		c, _ := recordingClient(t, srv, dev)
		err := c.ResumeSession(t.Context(), blob, key)
		if !errors.Is(err, safe.ErrUnauthorized) {
			t.Errorf("resume = %v, want ErrUnauthorized", err)
		}
		if c.LoggedIn() {
			t.Error("the client is logged in with a session that cannot refresh")
		}
	})
}

// TestResumeSessionRefusesBadInput: a wrong key, a changed blob, garbage,
// or a blob for another server fail with ErrInvalidSession, and no
// request is made (the tokens never leave for another server).
func TestResumeSessionRefusesBadInput(t *testing.T) {
	t.Parallel()
	srv, _, dev, blob, key := resumeEnv(t)
	other := safetest.NewServer()
	t.Cleanup(other.Close)
	otherKey := base64.StdEncoding.EncodeToString(make([]byte, 64))
	changed := tamper(t, blob)
	for _, tc := range []struct {
		name string
		srv  *safetest.Server
		blob []byte
		key  string
		mac  bool
	}{
		{"wrong key", srv, blob, otherKey, true},
		{"changed blob", srv, changed, key, true},
		{"short key", srv, blob, "c2hvcnQ=", false},
		{"not base64", srv, blob, "!!", false},
		{"garbage", srv, []byte("{"), key, false},
		{"empty", srv, nil, key, false},
		{"unknown version", srv, []byte(strings.Replace(string(blob), `"version":1`, `"version":9`, 1)), key, false},
		{"other server", other, blob, key, false},
	} {
		c, rec := recordingClient(t, tc.srv, dev)
		err := c.ResumeSession(t.Context(), tc.blob, tc.key)
		if !errors.Is(err, safe.ErrInvalidSession) || (tc.mac && !errors.Is(err, safe.ErrMAC)) {
			t.Errorf("%s: %v, want ErrInvalidSession (ErrMAC: %v)", tc.name, err, tc.mac)
		}
		if c.LoggedIn() {
			t.Errorf("%s: logged in", tc.name)
		}
		if got := rec.all(); len(got) > 0 {
			t.Errorf("%s: requests %v", tc.name, got)
		}
	}
}

// tamper changes one character of the ciphertext in a session blob.
func tamper(t *testing.T, blob []byte) []byte {
	t.Helper()
	var b struct {
		Version int    `json:"version"`
		Data    string `json:"data"`
	}
	if err := json.Unmarshal(blob, &b); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(b.Data, "|")
	if len(parts) != 3 {
		t.Fatalf("blob data is not a type-2 EncString: %d parts", len(parts))
	}
	ct := []byte(parts[1])
	ct[0] = map[bool]byte{true: 'B', false: 'A'}[ct[0] == 'A']
	parts[1] = string(ct)
	b.Data = strings.Join(parts, "|")
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
