package safe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// identityServer is a fake identity server for one account, whose
// prelogin and token answers a test can change.
type identityServer struct {
	email, password string
	prelogin        map[string]any
	token           map[string]any
	tokenRequests   int
}

func newIdentityServer(t testing.TB) *identityServer {
	t.Helper()
	const email, password = "jane@example.com", "sensitive-pw"
	kdf := vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: vaultcrypto.MinPBKDF2Iterations}
	master, err := vaultcrypto.DeriveMasterKey(password, email, kdf)
	if err != nil {
		t.Fatal(err)
	}
	uk, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := master.WrapUserKey(uk)
	if err != nil {
		t.Fatal(err)
	}
	return &identityServer{
		email: email, password: password,
		prelogin: map[string]any{"kdf": 0, "kdfIterations": kdf.Iterations},
		token: map[string]any{
			"access_token": fakeJWT(t, map[string]any{"sub": "u1", "email": email, "client_id": "cli"}),
			"expires_in":   3600, "token_type": "Bearer", "refresh_token": "r1",
			"Key": wrapped.String(), "Kdf": 0, "KdfIterations": kdf.Iterations,
		},
	}
}

func fakeJWT(t testing.TB, claims map[string]any) string {
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return "e30." + base64.RawURLEncoding.EncodeToString(b) + ".sig"
}

func (s *identityServer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
	}
	var v any
	switch {
	case strings.HasSuffix(r.URL.Path, "/accounts/prelogin"):
		v = s.prelogin
	case strings.HasSuffix(r.URL.Path, "/connect/token"):
		s.tokenRequests++
		v = s.token
	default:
		return respond(404, `{}`), nil
	}
	b, _ := json.Marshal(v)
	return respond(200, string(b)), nil
}

func (s *identityServer) login(t *testing.T, opts ...Option) (*Client, error) {
	t.Helper()
	c, err := NewClient("https://safe.test", append([]Option{WithHTTPClient(&http.Client{Transport: s}), WithRetryPolicy(RetryPolicy{})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, c.LoginPassword(context.Background(), s.email, s.password)
}

func TestServerChosenKDFRefused(t *testing.T) {
	if _, err := newIdentityServer(t).login(t); err != nil {
		t.Fatalf("baseline login: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(s *identityServer)
	}{
		{"prelogin weak PBKDF2", func(s *identityServer) { s.prelogin["kdfIterations"] = 1000 }},
		{"prelogin weak Argon2id", func(s *identityServer) {
			s.prelogin = map[string]any{"kdf": 1, "kdfIterations": 3, "kdfMemory": 1, "kdfParallelism": 1}
		}},
		{"prelogin salt", func(s *identityServer) { s.prelogin["salt"] = "attacker@example.com" }},
		{"token weak flat KDF", func(s *identityServer) { s.token["KdfIterations"] = 1 }},
		{"token weak MasterPasswordUnlock KDF", func(s *identityServer) {
			delete(s.token, "Kdf")
			delete(s.token, "KdfIterations")
			s.token["UserDecryptionOptions"] = map[string]any{"MasterPasswordUnlock": map[string]any{
				"Kdf": map[string]any{"KdfType": 0, "Iterations": 100}, "MasterKeyWrappedUserKey": s.token["Key"], "Salt": s.email}}
		}},
		{"token salt", func(s *identityServer) {
			s.token["UserDecryptionOptions"] = map[string]any{"MasterPasswordUnlock": map[string]any{
				"Kdf": map[string]any{"KdfType": 0, "Iterations": 5000}, "MasterKeyWrappedUserKey": s.token["Key"], "Salt": "other@example.com"}}
		}},
	} {
		s := newIdentityServer(t)
		tc.change(s)
		c, err := s.login(t)
		if !errors.Is(err, ErrWeakKDF) || c.LoggedIn() {
			t.Errorf("%s: err = %v, want ErrWeakKDF and no session", tc.name, err)
		}
	}
	// API-key logins take the KDF and salt from the token response.
	for _, tc := range []struct {
		name   string
		change func(s *identityServer)
	}{
		{"api key: token weak KDF", func(s *identityServer) { s.token["KdfIterations"] = 1 }},
		{"api key: token salt", func(s *identityServer) {
			s.token["UserDecryptionOptions"] = map[string]any{"MasterPasswordUnlock": map[string]any{"Salt": "other@example.com"}}
		}},
	} {
		s := newIdentityServer(t)
		tc.change(s)
		c, err := NewClient("https://safe.test", WithHTTPClient(&http.Client{Transport: s}), WithRetryPolicy(RetryPolicy{}))
		if err != nil {
			t.Fatal(err)
		}
		err = c.LoginAPIKey(context.Background(), "user.u1", "secret", s.password)
		if !errors.Is(err, ErrWeakKDF) || c.LoggedIn() {
			t.Errorf("%s: err = %v, want ErrWeakKDF and no session", tc.name, err)
		}
	}
	// The right salt, in another case and with spaces, is the e-mail.
	s := newIdentityServer(t)
	s.prelogin["salt"] = "jane@example.com"
	s.email = " Jane@Example.COM "
	if _, err := s.login(t); err != nil {
		t.Errorf("normalised e-mail as salt: %v", err)
	}
}

func TestSessionKeepsTheKDFUsed(t *testing.T) {
	s := newIdentityServer(t)
	s.token["KdfIterations"] = 700_000 // acceptable, but not what was used
	c, err := s.login(t)
	if err != nil {
		t.Fatal(err)
	}
	if want := (vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: vaultcrypto.MinPBKDF2Iterations}); c.sess.kdf != want {
		t.Errorf("session KDF = %+v, want the prelogin's %+v", c.sess.kdf, want)
	}
}

func TestSyncWithWeakKDFRefused(t *testing.T) {
	a := newTestAccount(t)
	a.sess.email = "Jane@Example.com"
	c, _ := NewClient("https://x")
	for _, tc := range []struct {
		name string
		ud   map[string]any
		ok   bool
	}{
		{"good", map[string]any{"kdf": map[string]any{"kdfType": 0, "iterations": 600000}, "salt": "jane@example.com"}, true},
		{"weak PBKDF2", map[string]any{"kdf": map[string]any{"kdfType": 0, "iterations": 1}, "salt": "jane@example.com"}, false},
		{"weak Argon2id", map[string]any{"kdf": map[string]any{"kdfType": 1, "iterations": 1, "memory": 64, "parallelism": 4}, "salt": "jane@example.com"}, false},
		{"salt", map[string]any{"kdf": map[string]any{"kdfType": 0, "iterations": 600000}, "salt": "mallory@example.com"}, false},
	} {
		var doc map[string]any
		if err := json.Unmarshal(a.syncJSON(t), &doc); err != nil {
			t.Fatal(err)
		}
		doc["userDecryption"] = map[string]any{"masterPasswordUnlock": tc.ud}
		body, _ := json.Marshal(doc)
		_, err := c.decodeAll(context.Background(), body, a.sess)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && !errors.Is(err, ErrWeakKDF) {
			t.Errorf("%s: err = %v, want ErrWeakKDF", tc.name, err)
		}
	}
}

// A user key of a legacy EncString type is refused unless the caller opts
// in: the server chooses the type.
func TestLegacyUserKeyOptIn(t *testing.T) {
	b, err := os.ReadFile("../internal/vaultcrypto/testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vec map[string]any
	if err := json.Unmarshal(b, &vec); err != nil {
		t.Fatal(err)
	}
	legacyKey, _ := vec["legacy_user_key_enc"].(string)
	if !strings.HasPrefix(legacyKey, "0.") {
		t.Fatalf("vector legacy_user_key_enc is not type 0: %.2s", legacyKey)
	}
	s := newIdentityServer(t)
	s.email, s.password = "legacy@bitwarden.com", "asdfasdfasdf"
	s.prelogin["kdfIterations"] = vaultcrypto.DefaultPBKDF2.Iterations
	s.token["KdfIterations"] = vaultcrypto.DefaultPBKDF2.Iterations
	s.token["access_token"] = fakeJWT(t, map[string]any{"sub": "u1", "email": s.email})
	s.token["Key"] = legacyKey
	if c, err := s.login(t); !errors.Is(err, ErrLegacyUserKey) || c.LoggedIn() {
		t.Errorf("default: err = %v, want ErrLegacyUserKey", err)
	}
	if _, err := s.login(t, WithLegacyUserKeys()); err != nil {
		t.Errorf("WithLegacyUserKeys: %v", err)
	}
}
