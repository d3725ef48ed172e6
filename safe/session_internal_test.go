package safe

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestExportedSessionHoldsNoPlaintextSecret logs in with a password and
// with an API key, exports the session, and looks for each secret of the
// session in the blob, raw and in every common encoding: the master
// password, the tokens, the API key's secret, the user key and the
// private key.
func TestExportedSessionHoldsNoPlaintextSecret(t *testing.T) {
	t.Parallel()
	const password = "sensitive-canary-master-password"
	srv := safetest.NewServer()
	t.Cleanup(srv.Close)
	user, err := srv.AddUser(safetest.UserSpec{Email: "jane@example.com", Password: password, KDF: safetest.PBKDF2(5000)})
	if err != nil {
		t.Fatal(err)
	}
	for _, apiKey := range []bool{false, true} {
		c, err := NewClient(srv.URL, WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		if apiKey {
			err = c.LoginAPIKey(t.Context(), user.ClientID, user.ClientSecret, password)
		} else {
			err = c.LoginPassword(t.Context(), user.Email, password)
		}
		if err != nil {
			t.Fatal(err)
		}
		blob, key, err := c.ExportSession()
		if err != nil {
			t.Fatal(err)
		}
		s := c.sess
		pkcs8, err := s.privateKey.PKCS8()
		if err != nil {
			t.Fatal(err)
		}
		secrets := map[string][]byte{"password": []byte(password), "access token": []byte(s.access),
			"user key": s.userKey.Bytes(), "private key": pkcs8, "session key": []byte(key)}
		if s.refresh != "" {
			secrets["refresh token"] = []byte(s.refresh)
		}
		if apiKey {
			secrets["API key secret"] = []byte(s.apiKey.clientSecret)
		} else if s.refresh == "" {
			t.Fatal("a password login without a refresh token")
		}
		for name, v := range secrets {
			for enc, form := range map[string]string{"raw": string(v), "base64": base64.StdEncoding.EncodeToString(v),
				"base64url": base64.RawURLEncoding.EncodeToString(v), "hex": hex.EncodeToString(v)} {
				if strings.Contains(string(blob), form) || strings.Contains(string(blob), form[:len(form)*2/3]) {
					t.Errorf("api key %v: the blob holds the %s (%s)", apiKey, name, enc)
				}
			}
		}
		for _, clear := range []string{user.Email, strings.ToLower(user.Email), user.ID} {
			if strings.Contains(string(blob), clear) {
				t.Errorf("the blob shows %q in the clear", clear)
			}
		}
		// The blob is a version and one type-2 EncString.
		var outer map[string]any
		if err := json.Unmarshal(blob, &outer); err != nil || len(outer) != 2 || !strings.HasPrefix(outer["data"].(string), "2.") {
			t.Errorf("blob = %s (%v)", blob, err)
		}
		// And it still resumes.
		c2, err := NewClient(srv.URL, WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		if err := c2.ResumeSession(t.Context(), blob, key); err != nil {
			t.Fatal(err)
		}
		if !c2.sess.userKey.Equal(s.userKey) || c2.sess.access != s.access || c2.sess.refresh != s.refresh ||
			(apiKey && c2.sess.apiKey.clientSecret != s.apiKey.clientSecret) || c2.sess.privateKey == nil || c2.sess.email != s.email {
			t.Errorf("api key %v: the resumed session differs", apiKey)
		}
	}
}

// TestResumeSessionRefusesBadContent seals crafted sessions under a valid
// session key: each is refused with ErrInvalidSession, without a panic,
// a request, or a session left behind.
func TestResumeSessionRefusesBadContent(t *testing.T) {
	t.Parallel()
	key, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	keyText := base64.StdEncoding.EncodeToString(key.Bytes())
	c, err := NewClient("https://safe.test", WithHTTPClient(&http.Client{Transport: noRequests{t}}))
	if err != nil {
		t.Fatal(err)
	}
	good := func() map[string]any {
		return map[string]any{"server": c.baseURL(), "userId": "u1", "accessToken": "a.b.c",
			"expiry": time.Now().Add(time.Hour), "userKey": make([]byte, 64)}
	}
	for name, change := range map[string]func(m map[string]any){
		"short user key":  func(m map[string]any) { m["userKey"] = make([]byte, 10) },
		"no user key":     func(m map[string]any) { delete(m, "userKey") },
		"bad private key": func(m map[string]any) { m["privateKey"] = []byte("not DER") },
		"no access token": func(m map[string]any) { delete(m, "accessToken") },
		"no user":         func(m map[string]any) { delete(m, "userId") },
		"other server":    func(m map[string]any) { m["server"] = "https://elsewhere.test" },
		"weak KDF": func(m map[string]any) {
			m["kdf"] = vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: 1000}
		},
		"not an object": nil,
	} {
		var plain []byte
		if change == nil {
			plain = []byte(`["x"]`)
		} else {
			m := good()
			change(m)
			plain, _ = json.Marshal(m)
		}
		enc, err := key.Encrypt(plain)
		if err != nil {
			t.Fatal(err)
		}
		blob, _ := json.Marshal(sessionBlob{Version: sessionBlobVersion, Data: enc})
		if err := c.ResumeSession(t.Context(), blob, keyText); !errors.Is(err, ErrInvalidSession) {
			t.Errorf("%s: %v, want ErrInvalidSession", name, err)
		}
		if c.LoggedIn() {
			t.Errorf("%s: logged in", name)
		}
	}
	// The untouched session resumes (no request: the token is fresh).
	plain, _ := json.Marshal(good())
	enc, _ := key.Encrypt(plain)
	blob, _ := json.Marshal(sessionBlob{Version: sessionBlobVersion, Data: enc})
	if err := c.ResumeSession(t.Context(), blob, keyText); err != nil || !c.LoggedIn() {
		t.Errorf("good session: %v", err)
	}
}

// noRequests fails the test on any request.
type noRequests struct{ t *testing.T }

func (n noRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	return nil, errors.New("no requests expected")
}
