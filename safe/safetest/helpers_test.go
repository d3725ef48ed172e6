package safetest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// Test accounts use the minimum PBKDF2 iterations, for speed.
var fastKDF = safetest.PBKDF2(5000)

func newServer(t *testing.T, opts ...safetest.Option) *safetest.Server {
	t.Helper()
	srv := safetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

func addUser(t *testing.T, srv *safetest.Server, email, password string) *safetest.User {
	t.Helper()
	u, err := srv.AddUser(safetest.UserSpec{Email: email, Password: password, KDF: fastKDF})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// apiError is the official error body.
type apiError struct {
	Object           string              `json:"object"`
	Message          string              `json:"message"`
	ValidationErrors map[string][]string `json:"validationErrors"`
}

// response is one HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("status %d, body %q: not JSON: %v", r.status, r.body, err)
	}
}

func (r response) apiError(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.json(t, &e)
	if e.Object != "error" {
		t.Errorf("error body object = %q, want \"error\" (body %s)", e.Object, r.body)
	}
	return e
}

// do sends a request; body is JSON-encoded unless it is a []byte or nil.
func do(t *testing.T, srv *safetest.Server, method, path, token string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, srv, req)
}

func send(t *testing.T, srv *safetest.Server, req *http.Request) response {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK && len(b) > 0 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s %s: 200 with Content-Type %q", req.Method, req.URL.Path, resp.Header.Get("Content-Type"))
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// postForm posts a token request.
func postForm(t *testing.T, srv *safetest.Server, form url.Values, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/identity/connect/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return send(t, srv, req)
}

type preloginResp struct {
	Kdf            int  `json:"kdf"`
	KdfIterations  int  `json:"kdfIterations"`
	KdfMemory      *int `json:"kdfMemory"`
	KdfParallelism *int `json:"kdfParallelism"`
	KdfSettings    *struct {
		KdfType     int  `json:"kdfType"`
		Iterations  int  `json:"iterations"`
		Memory      *int `json:"memory"`
		Parallelism *int `json:"parallelism"`
	} `json:"kdfSettings"`
	Salt *string `json:"salt"`
}

// masterKey does what a client does before the token request: prelogin,
// then derive the master key with the KDF the server announced.
func masterKey(t *testing.T, srv *safetest.Server, email, password string) *vaultcrypto.MasterKey {
	t.Helper()
	r := do(t, srv, "POST", "/identity/accounts/prelogin", "", map[string]string{"email": email})
	if r.status != http.StatusOK {
		t.Fatalf("prelogin: %d %s", r.status, r.body)
	}
	var p preloginResp
	r.json(t, &p)
	cfg := vaultcrypto.KDFConfig{Type: vaultcrypto.KDFType(p.Kdf), Iterations: p.KdfIterations}
	if p.KdfMemory != nil {
		cfg.Memory = *p.KdfMemory
	}
	if p.KdfParallelism != nil {
		cfg.Parallelism = *p.KdfParallelism
	}
	mk, err := vaultcrypto.DeriveMasterKey(password, email, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return mk
}

func serverHash(t *testing.T, mk *vaultcrypto.MasterKey, password string) string {
	t.Helper()
	h, err := mk.Hash(password, vaultcrypto.ServerAuthorization)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// passwordForm is the form the 2026 CLI sends (api.md §1.2.1).
func passwordForm(email, hash string) url.Values {
	return url.Values{
		"scope":            {"api offline_access"},
		"client_id":        {"cli"},
		"deviceType":       {"25"},
		"deviceIdentifier": {"0b7f1d38-8d2b-4c4e-9f0e-3a3e5f1c2d10"},
		"deviceName":       {"linux"},
		"grant_type":       {"password"},
		"username":         {email},
		"password":         {hash},
	}
}

func authEmail(email string) map[string]string {
	return map[string]string{"Auth-Email": base64.RawURLEncoding.EncodeToString([]byte(email))}
}

type tokenResp struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	Key          string `json:"Key"`
	PrivateKey   string `json:"PrivateKey"`
}

// session is a logged-in test client holding the keys a real client
// unwraps: the user key, the RSA private key and the team keys.
type session struct {
	token   string
	refresh string
	userKey *vaultcrypto.SymmetricKey
	private *vaultcrypto.PrivateKey
}

// login logs in with the password grant (sending Auth-Email, which both
// generations accept) and unwraps the account keys from the response.
func login(t *testing.T, srv *safetest.Server, email, password string) *session {
	t.Helper()
	mk := masterKey(t, srv, email, password)
	r := postForm(t, srv, passwordForm(email, serverHash(t, mk, password)), authEmail(email))
	if r.status != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	var tr tokenResp
	r.json(t, &tr)
	key, err := vaultcrypto.ParseEncString(tr.Key)
	if err != nil {
		t.Fatal(err)
	}
	uk, err := mk.UnwrapUserKey(key)
	if err != nil {
		t.Fatalf("unwrapping the user key from the token response: %v", err)
	}
	pk, err := vaultcrypto.ParseEncString(tr.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := uk.UnwrapPrivateKey(pk)
	if err != nil {
		t.Fatalf("unwrapping the private key: %v", err)
	}
	return &session{token: tr.AccessToken, refresh: tr.RefreshToken, userKey: uk, private: priv}
}

// teamKey unwraps a team key from the profile, as a client does.
func (s *session) teamKey(t *testing.T, srv *safetest.Server, teamID string) *vaultcrypto.SymmetricKey {
	t.Helper()
	var p struct {
		Organizations []struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		} `json:"organizations"`
	}
	do(t, srv, "GET", "/api/accounts/profile", s.token, nil).json(t, &p)
	for _, o := range p.Organizations {
		if o.ID == teamID {
			e, err := vaultcrypto.ParseEncString(o.Key)
			if err != nil {
				t.Fatal(err)
			}
			k, err := s.private.UnwrapKey(e)
			if err != nil {
				t.Fatalf("unwrapping the team key: %v", err)
			}
			return k
		}
	}
	t.Fatalf("team %s not in profile", teamID)
	return nil
}

func enc(t *testing.T, k *vaultcrypto.SymmetricKey, s string) string {
	t.Helper()
	e, err := k.EncryptString(s)
	if err != nil {
		t.Fatal(err)
	}
	return e.String()
}

func dec(t *testing.T, k *vaultcrypto.SymmetricKey, s string) string {
	t.Helper()
	e, err := vaultcrypto.ParseEncString(s)
	if err != nil {
		t.Fatal(err)
	}
	p, err := k.DecryptString(e)
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	return p
}

// loginCipher is a minimal encrypted login as a client sends it.
func loginCipher(t *testing.T, k *vaultcrypto.SymmetricKey, name, password string) map[string]any {
	return map[string]any{
		"type":     1,
		"name":     enc(t, k, name),
		"notes":    nil,
		"favorite": false,
		"login":    map[string]any{"username": enc(t, k, "user"), "password": enc(t, k, password), "uris": []any{}},
	}
}

// cipherResp is the part of a cipher response the tests read.
type cipherResp struct {
	Object         string   `json:"object"`
	ID             string   `json:"id"`
	OrganizationID *string  `json:"organizationId"`
	FolderID       *string  `json:"folderId"`
	Name           string   `json:"name"`
	Notes          *string  `json:"notes"`
	Edit           *bool    `json:"edit"`
	ViewPassword   *bool    `json:"viewPassword"`
	CollectionIDs  []string `json:"collectionIds"`
	RevisionDate   string   `json:"revisionDate"`
	CreationDate   string   `json:"creationDate"`
	DeletedDate    *string  `json:"deletedDate"`
	Login          *struct {
		Password *string `json:"password"`
	} `json:"login"`
}

// wrongSecret is s with its first character changed, so surely not s: a
// random secret or hash may begin with any character, "x" included.
func wrongSecret(s string) string {
	if strings.HasPrefix(s, "x") {
		return "y" + s[1:]
	}
	return "x" + s[1:]
}
