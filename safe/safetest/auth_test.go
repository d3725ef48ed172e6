package safetest_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

func TestPrelogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		gen        safetest.Generation
		path       string
		email      string
		wantStatus int
		want       preloginResp // compared when wantStatus is 200
		wantNew    bool         // kdfSettings and salt present
	}{
		{"2023 prelogin pbkdf2", safetest.Gen2023, "/identity/accounts/prelogin", "pb@example.com", 200,
			preloginResp{Kdf: 0, KdfIterations: 5000}, false},
		{"2023 prelogin argon2", safetest.Gen2023, "/identity/accounts/prelogin", "ARGON@example.com ", 200,
			preloginResp{Kdf: 1, KdfIterations: 3, KdfMemory: ptr(32), KdfParallelism: ptr(2)}, false},
		{"2023 prelogin/password is 404", safetest.Gen2023, "/identity/accounts/prelogin/password", "pb@example.com", 404,
			preloginResp{}, false},
		{"current prelogin", safetest.GenCurrent, "/identity/accounts/prelogin", "pb@example.com", 200,
			preloginResp{Kdf: 0, KdfIterations: 5000}, true},
		{"current prelogin/password", safetest.GenCurrent, "/identity/accounts/prelogin/password", "argon@example.com", 200,
			preloginResp{Kdf: 1, KdfIterations: 3, KdfMemory: ptr(32), KdfParallelism: ptr(2)}, true},
		{"unknown e-mail gets the default", safetest.GenCurrent, "/identity/accounts/prelogin/password", "nobody@example.com", 200,
			preloginResp{Kdf: 0, KdfIterations: 600000}, true},
	}
	servers := map[safetest.Generation]*safetest.Server{}
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		srv := newServer(t, safetest.WithGeneration(gen))
		addUser(t, srv, "pb@example.com", "pw")
		if _, err := srv.AddUser(safetest.UserSpec{Email: "argon@example.com", Password: "pw", KDF: safetest.Argon2id(3, 32, 2)}); err != nil {
			t.Fatal(err)
		}
		servers[gen] = srv
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(t, servers[tt.gen], "POST", tt.path, "", map[string]string{"email": tt.email})
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", r.status, tt.wantStatus, r.body)
			}
			if r.status != http.StatusOK {
				if e := r.apiError(t); e.Message != "Resource not found." {
					t.Errorf("message = %q", e.Message)
				}
				return
			}
			var got preloginResp
			r.json(t, &got)
			want := tt.want
			if tt.wantNew {
				salt := strings.ToLower(strings.TrimSpace(tt.email))
				want.Salt = &salt
				want.KdfSettings = &struct {
					KdfType     int  `json:"kdfType"`
					Iterations  int  `json:"iterations"`
					Memory      *int `json:"memory"`
					Parallelism *int `json:"parallelism"`
				}{want.Kdf, want.KdfIterations, want.KdfMemory, want.KdfParallelism}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("prelogin (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("missing email", func(t *testing.T) {
		t.Parallel()
		r := do(t, servers[safetest.GenCurrent], "POST", "/identity/accounts/prelogin", "", map[string]string{})
		if r.status != 400 || r.apiError(t).ValidationErrors["Email"] == nil {
			t.Errorf("got %d %s, want 400 with an Email validation error", r.status, r.body)
		}
	})
}

// oauthErr is the identity server's error body.
type oauthErr struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	ErrorModel  *struct {
		Message string `json:"Message"`
		Object  string `json:"Object"`
	} `json:"ErrorModel"`
}

func TestPasswordGrantErrors(t *testing.T) {
	t.Parallel()
	const email, pw = "alice@example.com", "correct horse"
	type setup struct {
		form   url.Values
		header map[string]string
	}
	tests := []struct {
		name       string
		gen        safetest.Generation
		mutate     func(*setup)
		wantStatus int
		wantError  string // OAuth "error"
		wantMsg    string // ErrorModel.Message ("" = no ErrorModel expected)
	}{
		{"ok current", safetest.GenCurrent, func(*setup) {}, 200, "", ""},
		{"ok current without Auth-Email", safetest.GenCurrent, func(s *setup) { s.header = nil }, 200, "", ""},
		{"ok 2023 with Auth-Email", safetest.Gen2023, func(*setup) {}, 200, "", ""},
		{"ok 2023 with padded Auth-Email", safetest.Gen2023, func(s *setup) {
			s.header = map[string]string{"Auth-Email": base64.URLEncoding.EncodeToString([]byte(email))}
		}, 200, "", ""},
		{"2023 without Auth-Email", safetest.Gen2023, func(s *setup) { s.header = nil }, 400, "invalid_grant", ""},
		{"2023 with another e-mail in Auth-Email", safetest.Gen2023, func(s *setup) { s.header = authEmail("bob@example.com") }, 400, "invalid_grant", ""},
		{"wrong password hash", safetest.GenCurrent, func(s *setup) { s.form.Set("password", "AAAA") }, 400, "invalid_grant", "Username or password is incorrect. Try again."},
		{"wrong password hash 2023", safetest.Gen2023, func(s *setup) { s.form.Set("password", "AAAA") }, 400, "invalid_grant", "Username or password is incorrect. Try again."},
		{"unknown user", safetest.GenCurrent, func(s *setup) { s.form.Set("username", "nobody@example.com") }, 400, "invalid_grant", "Username or password is incorrect. Try again."},
		{"missing deviceIdentifier", safetest.GenCurrent, func(s *setup) { s.form.Del("deviceIdentifier") }, 400, "invalid_grant", "No device information provided."},
		{"non-numeric deviceType", safetest.GenCurrent, func(s *setup) { s.form.Set("deviceType", "linux") }, 400, "invalid_grant", "No device information provided."},
		{"missing deviceName 2023", safetest.Gen2023, func(s *setup) { s.form.Del("deviceName") }, 400, "invalid_grant", "No device information provided."},
		{"wrong scope", safetest.GenCurrent, func(s *setup) { s.form.Set("scope", "api") }, 400, "invalid_scope", ""},
		{"unknown client", safetest.GenCurrent, func(s *setup) { s.form.Set("client_id", "evil") }, 400, "invalid_client", ""},
		{"unknown grant", safetest.GenCurrent, func(s *setup) { s.form.Set("grant_type", "implicit") }, 400, "unsupported_grant_type", ""},
	}
	servers := map[safetest.Generation]*safetest.Server{}
	hashes := map[safetest.Generation]string{}
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		srv := newServer(t, safetest.WithGeneration(gen))
		addUser(t, srv, email, pw)
		servers[gen] = srv
		hashes[gen] = serverHash(t, masterKey(t, srv, email, pw), pw)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &setup{form: passwordForm(email, hashes[tt.gen]), header: authEmail(email)}
			tt.mutate(s)
			r := postForm(t, servers[tt.gen], s.form, s.header)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", r.status, tt.wantStatus, r.body)
			}
			if tt.wantStatus == 200 {
				var tr tokenResp
				r.json(t, &tr)
				if tr.AccessToken == "" || tr.TokenType != "Bearer" || tr.RefreshToken == "" {
					t.Errorf("token response = %s", r.body)
				}
				return
			}
			var e oauthErr
			r.json(t, &e)
			if e.Error != tt.wantError {
				t.Errorf("error = %q, want %q", e.Error, tt.wantError)
			}
			if strings.HasPrefix(tt.name, "2023 with") || strings.HasPrefix(tt.name, "2023 without") {
				// 2023.8 sends only the description for this one.
				if e.Description != "Auth-Email header invalid." {
					t.Errorf("error_description = %q", e.Description)
				}
			}
			switch {
			case tt.wantMsg == "" && e.ErrorModel != nil:
				t.Errorf("unexpected ErrorModel %+v", e.ErrorModel)
			case tt.wantMsg != "" && (e.ErrorModel == nil || e.ErrorModel.Message != tt.wantMsg || e.ErrorModel.Object != "error"):
				t.Errorf("ErrorModel = %+v, want Message %q", e.ErrorModel, tt.wantMsg)
			}
		})
	}
	t.Run("not a form", func(t *testing.T) {
		t.Parallel()
		r := do(t, servers[safetest.GenCurrent], "POST", "/identity/connect/token", "", map[string]string{"grant_type": "password"})
		if r.status != 400 {
			t.Errorf("JSON token request: %d, want 400", r.status)
		}
	})
}

// jwtClaims decodes the middle of a JWT as clients do (without checking
// the signature).
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTokenResponse(t *testing.T) {
	t.Parallel()
	for _, gen := range []safetest.Generation{safetest.Gen2023, safetest.GenCurrent} {
		t.Run(gen.String(), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, safetest.WithGeneration(gen), safetest.WithTokenLifetime(10*time.Minute))
			u, err := srv.AddUser(safetest.UserSpec{Email: "Alice@Example.com", Name: "Alice", Password: "pw", KDF: fastKDF, Premium: true})
			if err != nil {
				t.Fatal(err)
			}
			mk := masterKey(t, srv, "alice@example.com", "pw")
			r := postForm(t, srv, passwordForm("alice@example.com", serverHash(t, mk, "pw")), authEmail("alice@example.com"))
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var body map[string]json.RawMessage
			r.json(t, &body)
			for _, k := range []string{"access_token", "expires_in", "token_type", "refresh_token", "scope", "Key", "PrivateKey",
				"Kdf", "KdfIterations", "KdfMemory", "KdfParallelism", "ResetMasterPassword", "ForcePasswordReset",
				"MasterPasswordPolicy", "UserDecryptionOptions"} {
				if _, ok := body[k]; !ok {
					t.Errorf("token response lacks %s", k)
				}
			}
			if string(body["expires_in"]) != "600" || string(body["scope"]) != `"api offline_access"` {
				t.Errorf("expires_in = %s, scope = %s", body["expires_in"], body["scope"])
			}
			var udo map[string]json.RawMessage
			if err := json.Unmarshal(body["UserDecryptionOptions"], &udo); err != nil {
				t.Fatal(err)
			}
			if string(udo["HasMasterPassword"]) != "true" {
				t.Errorf("UserDecryptionOptions = %s", body["UserDecryptionOptions"])
			}
			_, hasAccountKeys := body["AccountKeys"]
			_, hasUnlock := udo["MasterPasswordUnlock"]
			current := gen == safetest.GenCurrent
			if hasAccountKeys != current || hasUnlock != current {
				t.Errorf("AccountKeys present %v, MasterPasswordUnlock present %v; want both %v", hasAccountKeys, hasUnlock, current)
			}
			// The key material must be what the registering client made.
			var key string
			if err := json.Unmarshal(body["Key"], &key); err != nil {
				t.Fatal(err)
			}
			e, _ := vaultcrypto.ParseEncString(key)
			uk, err := mk.UnwrapUserKey(e)
			if err != nil {
				t.Fatalf("Key does not unwrap with the master key: %v", err)
			}
			var pkStr string
			_ = json.Unmarshal(body["PrivateKey"], &pkStr)
			pe, _ := vaultcrypto.ParseEncString(pkStr)
			priv, err := uk.UnwrapPrivateKey(pe)
			if err != nil {
				t.Fatalf("PrivateKey does not unwrap with the user key: %v", err)
			}
			if current {
				var ak struct {
					Pair struct {
						Wrapped string `json:"wrappedPrivateKey"`
						Public  string `json:"publicKey"`
					} `json:"publicKeyEncryptionKeyPair"`
					Object string `json:"object"`
				}
				if err := json.Unmarshal(body["AccountKeys"], &ak); err != nil {
					t.Fatal(err)
				}
				pub, _ := priv.Public().Base64()
				if ak.Pair.Public != pub || ak.Pair.Wrapped != pkStr || ak.Object != "privateKeys" {
					t.Errorf("AccountKeys = %s", body["AccountKeys"])
				}
				var unlock struct {
					Kdf struct {
						KdfType, Iterations int
					}
					MasterKeyEncryptedUserKey, MasterKeyWrappedUserKey, Salt string
				}
				if err := json.Unmarshal(udo["MasterPasswordUnlock"], &unlock); err != nil {
					t.Fatal(err)
				}
				if unlock.MasterKeyEncryptedUserKey != key || unlock.MasterKeyWrappedUserKey != key ||
					unlock.Salt != "alice@example.com" || unlock.Kdf.Iterations != 5000 {
					t.Errorf("MasterPasswordUnlock = %s", udo["MasterPasswordUnlock"])
				}
			}
			c := jwtClaims(t, string(mustUnquote(t, body["access_token"])))
			for k, want := range map[string]any{
				"sub": u.ID, "email": "Alice@Example.com", "name": "Alice", "email_verified": true,
				"premium": true, "client_id": "cli", "device": "0b7f1d38-8d2b-4c4e-9f0e-3a3e5f1c2d10",
			} {
				if c[k] != want {
					t.Errorf("claim %s = %v, want %v", k, c[k], want)
				}
			}
			for _, k := range []string{"exp", "nbf", "iss", "sstamp", "scope", "amr"} {
				if _, ok := c[k]; !ok {
					t.Errorf("claim %s missing", k)
				}
			}
			if exp, nbf := c["exp"].(float64), c["nbf"].(float64); exp-nbf != 600 {
				t.Errorf("exp - nbf = %v, want the 600 s lifetime", exp-nbf)
			}
		})
	}
}

func mustUnquote(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTwoFactor(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "tf@example.com", "pw")
	if err := srv.RequireTwoFactor(u, safetest.TwoFactorAuthenticator, "123456"); err != nil {
		t.Fatal(err)
	}
	hash := serverHash(t, masterKey(t, srv, u.Email, "pw"), "pw")

	r := postForm(t, srv, passwordForm(u.Email, hash), nil)
	var required struct {
		Error       string                     `json:"error"`
		Description string                     `json:"error_description"`
		Providers2  map[string]json.RawMessage `json:"TwoFactorProviders2"`
	}
	r.json(t, &required)
	if r.status != 400 || required.Error != "invalid_grant" || required.Description != "Two factor required." {
		t.Fatalf("without a code: %d %s", r.status, r.body)
	}
	if _, ok := required.Providers2["0"]; !ok || len(required.Providers2) != 1 {
		t.Errorf("TwoFactorProviders2 = %v, want provider 0 only", required.Providers2)
	}

	form := passwordForm(u.Email, hash)
	form.Set("twoFactorProvider", "0")
	form.Set("twoFactorToken", "000000")
	form.Set("twoFactorRemember", "0")
	r = postForm(t, srv, form, nil)
	var e oauthErr
	r.json(t, &e)
	if r.status != 400 || e.ErrorModel == nil || e.ErrorModel.Message != "Two-step token is invalid. Try again." {
		t.Errorf("wrong code: %d %s", r.status, r.body)
	}

	form.Set("twoFactorToken", "123456")
	form.Set("twoFactorRemember", "1")
	r = postForm(t, srv, form, nil)
	var ok struct {
		AccessToken    string `json:"access_token"`
		TwoFactorToken string `json:"TwoFactorToken"`
	}
	r.json(t, &ok)
	if r.status != 200 || ok.AccessToken == "" || ok.TwoFactorToken == "" {
		t.Fatalf("right code with remember: %d %s", r.status, r.body)
	}

	form.Set("twoFactorProvider", "5")
	form.Set("twoFactorToken", ok.TwoFactorToken)
	if r := postForm(t, srv, form, nil); r.status != 200 {
		t.Errorf("remembered token: %d %s", r.status, r.body)
	}
	form.Set("twoFactorToken", "not-a-remember-token")
	if r := postForm(t, srv, form, nil); r.status != 400 {
		t.Errorf("bad remembered token: %d, want 400", r.status)
	}
}

func TestNewDeviceVerification(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "nd@example.com", "pw")
	if err := srv.RequireNewDeviceVerification(u, "424242"); err != nil {
		t.Fatal(err)
	}
	hash := serverHash(t, masterKey(t, srv, u.Email, "pw"), "pw")
	form := passwordForm(u.Email, hash)

	r := postForm(t, srv, form, nil)
	var e oauthErr
	r.json(t, &e)
	if r.status != 400 || e.ErrorModel == nil || e.ErrorModel.Message != "new device verification required" {
		t.Fatalf("new device: %d %s", r.status, r.body)
	}
	form.Set("newDeviceOtp", "111111")
	if r := postForm(t, srv, form, nil); r.status != 400 {
		t.Errorf("wrong OTP: %d, want 400", r.status)
	}
	form.Set("newDeviceOtp", "424242")
	if r := postForm(t, srv, form, nil); r.status != 200 {
		t.Fatalf("right OTP: %d %s", r.status, r.body)
	}
	form.Del("newDeviceOtp")
	if r := postForm(t, srv, form, nil); r.status != 200 {
		t.Errorf("known device without OTP: %d %s", r.status, r.body)
	}
	form.Set("deviceIdentifier", "another-device")
	if r := postForm(t, srv, form, nil); r.status != 400 {
		t.Errorf("another device without OTP: %d, want 400", r.status)
	}
}

func apiKeyForm(clientID, secret string) url.Values {
	return url.Values{
		"scope":            {"api"},
		"client_id":        {clientID},
		"client_secret":    {secret},
		"deviceType":       {"25"},
		"deviceIdentifier": {"5a1e0f7e-7c5e-4d8e-9a57-2f8a1c0c4b11"},
		"deviceName":       {"linux"},
		"grant_type":       {"client_credentials"},
	}
}

func TestAPIKeyGrant(t *testing.T) {
	t.Parallel()
	srv := newServer(t, safetest.WithGeneration(safetest.Gen2023))
	u := addUser(t, srv, "key@example.com", "pw")
	other := addUser(t, srv, "other@example.com", "pw")
	// Two-step login does not apply to API keys.
	if err := srv.RequireTwoFactor(u, safetest.TwoFactorEmail, "999999"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		mutate    func(url.Values)
		wantError string
	}{
		{"ok", func(url.Values) {}, ""},
		{"wrong secret", func(f url.Values) { f.Set("client_secret", wrongSecret(u.ClientSecret)) }, "invalid_client"},
		{"another user's secret", func(f url.Values) { f.Set("client_secret", other.ClientSecret) }, "invalid_client"},
		{"no secret", func(f url.Values) { f.Del("client_secret") }, "invalid_client"},
		{"unknown user", func(f url.Values) { f.Set("client_id", "user.00000000-0000-4000-8000-000000000000") }, "invalid_client"},
		{"organization key", func(f url.Values) { f.Set("client_id", "organization.x"); f.Set("scope", "api.organization") }, "invalid_client"},
		{"wrong scope", func(f url.Values) { f.Set("scope", "api offline_access") }, "invalid_scope"},
		{"no device", func(f url.Values) { f.Del("deviceName") }, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			form := apiKeyForm(u.ClientID, u.ClientSecret)
			tt.mutate(form)
			r := postForm(t, srv, form, nil)
			if tt.wantError != "" {
				var e oauthErr
				r.json(t, &e)
				if r.status != 400 || e.Error != tt.wantError {
					t.Errorf("got %d %s, want 400 %s", r.status, r.body, tt.wantError)
				}
				return
			}
			var body map[string]json.RawMessage
			r.json(t, &body)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if _, ok := body["refresh_token"]; ok {
				t.Errorf("client_credentials response has a refresh_token")
			}
			if string(body["scope"]) != `"api"` || body["Key"] == nil || body["PrivateKey"] == nil {
				t.Errorf("response = %s", r.body)
			}
			tok := mustUnquote(t, body["access_token"])
			if c := jwtClaims(t, tok); c["sub"] != u.ID || c["client_id"] != u.ClientID {
				t.Errorf("claims = %v", c)
			}
			if r := do(t, srv, "GET", "/api/sync", tok, nil); r.status != 200 {
				t.Errorf("sync with the API-key token: %d", r.status)
			}
		})
	}
}

func TestRefreshAndRevocation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "r@example.com", "pw")
	s := login(t, srv, u.Email, "pw")
	refresh := func(tok, clientID string) response {
		return postForm(t, srv, url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {tok}}, nil)
	}
	r := refresh(s.refresh, "cli")
	var tr tokenResp
	r.json(t, &tr)
	if r.status != 200 || tr.AccessToken == "" || tr.RefreshToken != s.refresh {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	if r := do(t, srv, "GET", "/api/accounts/profile", tr.AccessToken, nil); r.status != 200 {
		t.Errorf("refreshed token: %d", r.status)
	}
	for name, r := range map[string]response{
		"unknown token":   refresh("not-a-token", "cli"),
		"other client_id": refresh(s.refresh, "web"),
	} {
		var e oauthErr
		r.json(t, &e)
		if r.status != 400 || e.Error != "invalid_grant" {
			t.Errorf("%s: %d %s, want 400 invalid_grant", name, r.status, r.body)
		}
	}
	if err := srv.RevokeSessions(u); err != nil {
		t.Fatal(err)
	}
	if r := do(t, srv, "GET", "/api/accounts/profile", tr.AccessToken, nil); r.status != 401 {
		t.Errorf("access token after RevokeSessions: %d, want 401", r.status)
	}
	if r := refresh(s.refresh, "cli"); r.status != 400 {
		t.Errorf("refresh token after RevokeSessions: %d, want 400", r.status)
	}
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv := newServer(t, safetest.WithClock(clock.now), safetest.WithTokenLifetime(2*time.Minute),
		safetest.WithRefreshTokenLifetime(time.Hour))
	u := addUser(t, srv, "exp@example.com", "pw")
	s := login(t, srv, u.Email, "pw")
	if r := do(t, srv, "GET", "/api/sync", s.token, nil); r.status != 200 {
		t.Fatalf("fresh token: %d", r.status)
	}
	clock.advance(2 * time.Minute)
	r := do(t, srv, "GET", "/api/sync", s.token, nil)
	if r.status != 401 {
		t.Fatalf("expired token: %d, want 401", r.status)
	}
	if e := r.apiError(t); e.Message != "Unauthorized." {
		t.Errorf("message = %q", e.Message)
	}
	rr := postForm(t, srv, url.Values{"grant_type": {"refresh_token"}, "client_id": {"cli"}, "refresh_token": {s.refresh}}, nil)
	var tr tokenResp
	rr.json(t, &tr)
	if rr.status != 200 {
		t.Fatalf("refresh after expiry: %d %s", rr.status, rr.body)
	}
	if r := do(t, srv, "GET", "/api/sync", tr.AccessToken, nil); r.status != 200 {
		t.Errorf("refreshed token: %d", r.status)
	}
	clock.advance(time.Hour)
	if rr := postForm(t, srv, url.Values{"grant_type": {"refresh_token"}, "client_id": {"cli"}, "refresh_token": {s.refresh}}, nil); rr.status != 400 {
		t.Errorf("expired refresh token: %d, want 400", rr.status)
	}
}

func TestBearerRequired(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := addUser(t, srv, "b@example.com", "pw")
	s := login(t, srv, u.Email, "pw")
	parts := strings.Split(s.token, ".")
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"`+u.ID+`","exp":9999999999,"nbf":0,"scope":["api"]}`)) + "." + parts[2]
	for name, tok := range map[string]string{"none": "", "garbage": "abc", "forged": forged, "truncated": s.token[:len(s.token)-2]} {
		if r := do(t, srv, "GET", "/api/sync", tok, nil); r.status != 401 {
			t.Errorf("%s token: %d, want 401", name, r.status)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/api/sync", nil)
	req.Header.Set("Authorization", "bearer "+s.token)
	if r := send(t, srv, req); r.status != 200 {
		t.Errorf("lower-case scheme: %d, want 200", r.status)
	}
}
