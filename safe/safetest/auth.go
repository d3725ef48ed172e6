package safetest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Prelogin: POST /identity/accounts/prelogin (both generations) and
// POST /identity/accounts/prelogin/password (GenCurrent).
func (s *Server) prelogin(c *call) (any, error) {
	var req struct {
		Email *string `json:"email"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Email == nil || strings.TrimSpace(*req.Email) == "" {
		return nil, errValidation("Email", "The Email field is required.")
	}
	salt := vaultcrypto.NormalizeEmail(*req.Email)
	// Unknown e-mails get the default KDF, not an error: no enumeration.
	k := kdfParams{typ: int(vaultcrypto.PBKDF2SHA256), iterations: vaultcrypto.DefaultPBKDF2.Iterations}
	if u := c.st.byEmail[salt]; u != nil {
		k = u.kdf
	}
	type preloginResp struct {
		Kdf            int          `json:"kdf"`
		KdfIterations  int          `json:"kdfIterations"`
		KdfMemory      *int         `json:"kdfMemory"`
		KdfParallelism *int         `json:"kdfParallelism"`
		KdfSettings    *kdfSettings `json:"kdfSettings,omitempty"`
		Salt           string       `json:"salt,omitempty"`
	}
	resp := preloginResp{Kdf: k.typ, KdfIterations: k.iterations, KdfMemory: k.memPtr(), KdfParallelism: k.parPtr()}
	if c.current() {
		resp.KdfSettings = k.settings()
		resp.Salt = salt
	}
	return resp, nil
}

type kdfSettings struct {
	KdfType     int  `json:"kdfType"`
	Iterations  int  `json:"iterations"`
	Memory      *int `json:"memory"`
	Parallelism *int `json:"parallelism"`
}

// kdfSettingsPascal is the same object inside the PascalCase token
// response.
type kdfSettingsPascal struct {
	KdfType     int  `json:"KdfType"`
	Iterations  int  `json:"Iterations"`
	Memory      *int `json:"Memory"`
	Parallelism *int `json:"Parallelism"`
}

func (k kdfParams) memPtr() *int {
	if k.typ != int(vaultcrypto.Argon2id) {
		return nil
	}
	v := k.memory
	return &v
}

func (k kdfParams) parPtr() *int {
	if k.typ != int(vaultcrypto.Argon2id) {
		return nil
	}
	v := k.parallelism
	return &v
}

func (k kdfParams) settings() *kdfSettings {
	return &kdfSettings{KdfType: k.typ, Iterations: k.iterations, Memory: k.memPtr(), Parallelism: k.parPtr()}
}

// tokenForm reads the token request's form. Field names are matched
// exactly first, then case-insensitively without underscores, as
// vaultwarden does.
type tokenForm map[string]string

func parseTokenForm(body []byte) (tokenForm, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	f := tokenForm{}
	for k, vs := range v {
		if len(vs) > 0 {
			f[normFormKey(k)] = vs[0]
		}
	}
	return f, nil
}

func normFormKey(k string) string { return strings.ToLower(strings.ReplaceAll(k, "_", "")) }

func (f tokenForm) get(k string) string { return f[normFormKey(k)] }

// token: POST /identity/connect/token.
func (s *Server) token(c *call) (any, error) {
	ct := c.r.Header.Get("Content-Type")
	if !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return nil, newOAuthError("invalid_request", "", "")
	}
	f, err := parseTokenForm(c.body)
	if err != nil {
		return nil, newOAuthError("invalid_request", "", "")
	}
	switch f.get("grant_type") {
	case "password":
		return s.passwordGrant(c, f)
	case "client_credentials":
		return s.clientCredentialsGrant(c, f)
	case "refresh_token":
		return s.refreshGrant(c, f)
	case "":
		return nil, newOAuthError("invalid_request", "", "")
	default:
		return nil, newOAuthError("unsupported_grant_type", "", "")
	}
}

var passwordClients = map[string]bool{"web": true, "browser": true, "desktop": true, "mobile": true, "cli": true, "connector": true}

type device struct{ id, name, typ string }

func deviceOf(f tokenForm) (device, bool) {
	d := device{id: f.get("deviceIdentifier"), name: f.get("deviceName"), typ: f.get("deviceType")}
	if d.id == "" || d.name == "" || d.typ == "" {
		return d, false
	}
	if _, err := strconv.Atoi(d.typ); err != nil {
		return d, false
	}
	return d, true
}

func (s *Server) passwordGrant(c *call, f tokenForm) (any, error) {
	clientID := f.get("client_id")
	if !passwordClients[clientID] {
		return nil, newOAuthError("invalid_client", "", "")
	}
	if f.get("scope") != "api offline_access" {
		return nil, newOAuthError("invalid_scope", "", "")
	}
	username, password := f.get("username"), f.get("password")
	if username == "" || password == "" {
		return nil, newOAuthError("invalid_grant", "", msgWrongPassword)
	}
	dev, ok := deviceOf(f)
	if !ok {
		return nil, newOAuthError("invalid_grant", msgNoDevice, msgNoDevice)
	}
	if s.cfg.gen == Gen2023 && !authEmailOK(c.r.Header.Get("Auth-Email"), username) {
		// 2023.8 answers this one without an ErrorModel.
		return nil, newOAuthError("invalid_grant", msgAuthEmail, "")
	}
	u := c.st.byEmail[vaultcrypto.NormalizeEmail(username)]
	if u == nil || !u.checkPassword(password) {
		return nil, newOAuthError("invalid_grant", "invalid_username_or_password", msgWrongPassword)
	}
	var rememberToken string
	if u.twoFactor != nil {
		tok, prov := f.get("twoFactorToken"), f.get("twoFactorProvider")
		switch {
		case tok == "":
			return nil, twoFactorRequired(u)
		case prov == "5" && u.rememberTokens[tok]:
			// "Remember me" token from an earlier login.
		case prov == strconv.Itoa(u.twoFactor.provider) &&
			subtle.ConstantTimeCompare([]byte(tok), []byte(u.twoFactor.code)) == 1:
			if f.get("twoFactorRemember") == "1" {
				rememberToken = randomToken(32)
				u.rememberTokens[rememberToken] = true
			}
		default:
			return nil, newOAuthError("invalid_grant", msgTwoFactorBad, msgTwoFactorBad)
		}
	}
	if u.newDeviceOTP != "" && !u.knownDevices[dev.id] {
		otp := f.get("newDeviceOtp")
		if otp == "" || subtle.ConstantTimeCompare([]byte(otp), []byte(u.newDeviceOTP)) != 1 {
			return nil, newOAuthError("invalid_grant", msgNewDevice, msgNewDevice)
		}
	}
	u.knownDevices[dev.id] = true
	resp, err := s.issue(c, u, clientID, dev, []string{"api", "offline_access"}, true)
	if err != nil {
		return nil, err
	}
	if rememberToken != "" {
		resp["TwoFactorToken"] = rememberToken
	}
	return resp, nil
}

// authEmailOK checks the Auth-Email header of 2023.8 servers:
// base64url(username), padding optional.
func authEmailOK(header, username string) bool {
	if header == "" {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(header, "="))
	return err == nil && string(b) == username
}

func twoFactorRequired(u *userRec) *oauthError {
	p := strconv.Itoa(u.twoFactor.provider)
	var data any
	if u.twoFactor.provider == int(TwoFactorEmail) {
		data = map[string]any{"Email": maskEmail(u.email)}
	}
	return &oauthError{status: http.StatusBadRequest, body: map[string]any{
		"error":                "invalid_grant",
		"error_description":    "Two factor required.",
		"TwoFactorProviders":   []string{p},
		"TwoFactorProviders2":  map[string]any{p: data},
		"MasterPasswordPolicy": map[string]any{"Object": "masterPasswordPolicy"},
	}}
}

func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	return local[:1] + "***@" + domain
}

// clientCredentialsGrant serves the API keys, in IdentityServer's order
// (src/Identity/IdentityServer/ClientStore.cs, then IdentityServer4's
// ClientSecretValidator and TokenRequestValidator, then Bitwarden's
// CustomTokenRequestValidator): the client and its secret
// (invalid_client), the scope against the client's allowed scopes
// (invalid_scope), and only for personal keys the device fields.
func (s *Server) clientCredentialsGrant(c *call, f tokenForm) (any, error) {
	clientID := f.get("client_id")
	if teamID, ok := strings.CutPrefix(clientID, "organization."); ok {
		return s.teamKeyGrant(c, f, teamID)
	}
	userID, ok := strings.CutPrefix(clientID, "user.")
	if !ok {
		return nil, newOAuthError("invalid_client", "", "")
	}
	u := c.st.users[normID(userID)]
	secret := f.get("client_secret")
	if u == nil || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(u.apiKey)) != 1 {
		return nil, newOAuthError("invalid_client", "", "")
	}
	scope, ok := grantedScope(f.get("scope"), "api")
	if !ok {
		return nil, newOAuthError("invalid_scope", "", "")
	}
	dev, ok := deviceOf(f)
	if !ok {
		return nil, newOAuthError("invalid_grant", msgNoDevice, msgNoDevice)
	}
	// API-key logins bypass two-factor and new-device checks.
	u.knownDevices[dev.id] = true
	return s.issue(c, u, clientID, dev, []string{scope}, false)
}

// grantedScope is IdentityServer4's scope check of a client-credentials
// request for a client allowed the one scope allowed: no scope asks for
// every allowed one, and each scope asked for must be allowed.
func grantedScope(requested, allowed string) (string, bool) {
	fields := strings.Fields(requested)
	if len(fields) == 0 {
		return allowed, true
	}
	for _, f := range fields {
		if f != allowed {
			return "", false
		}
	}
	return allowed, true
}

func (s *Server) refreshGrant(c *call, f tokenForm) (any, error) {
	tok := f.get("refresh_token")
	if tok == "" {
		return nil, newOAuthError("invalid_grant", "", "")
	}
	key := refreshKey(tok)
	rec := c.st.refresh[key]
	if rec == nil {
		return nil, newOAuthError("invalid_grant", "", "")
	}
	u := c.st.users[rec.userID]
	if u == nil || rec.stamp != u.securityStamp || !c.s.now().Before(rec.expires) {
		delete(c.st.refresh, key)
		return nil, newOAuthError("invalid_grant", "", "")
	}
	if cid := f.get("client_id"); cid != "" && cid != rec.clientID {
		return nil, newOAuthError("invalid_grant", "", "")
	}
	access, err := s.accessToken(u, rec.clientID, device{id: rec.device}, []string{"api", "offline_access"})
	if err != nil {
		return nil, err
	}
	// Refresh tokens are reusable (IdentityServer "ReUse"), so the same one
	// is returned.
	return map[string]any{
		"access_token":  access,
		"expires_in":    int(s.cfg.tokenLifetime.Seconds()),
		"token_type":    "Bearer",
		"refresh_token": tok,
		"scope":         "api offline_access",
	}, nil
}

func refreshKey(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return string(h[:])
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) accessToken(u *userRec, clientID string, dev device, scope []string) (string, error) {
	now := s.now()
	return signJWT(s.jwtKey, &claims{
		NotBefore:     now.Unix(),
		Expires:       now.Add(s.cfg.tokenLifetime).Unix(),
		Issuer:        s.URL + "|login",
		Subject:       u.id,
		Premium:       u.premium,
		Name:          u.name,
		Email:         u.email,
		EmailVerified: true,
		SecurityStamp: u.securityStamp,
		Device:        dev.id,
		DeviceType:    dev.typ,
		ClientID:      clientID,
		Scope:         scope,
		AMR:           []string{"Application"},
	})
}

// issue builds a successful token response with the account's key
// material (api.md §1.2.4). withRefresh is false for client_credentials.
func (s *Server) issue(c *call, u *userRec, clientID string, dev device, scope []string, withRefresh bool) (map[string]any, error) {
	access, err := s.accessToken(u, clientID, dev, scope)
	if err != nil {
		return nil, err
	}
	resp := map[string]any{
		"access_token":         access,
		"expires_in":           int(s.cfg.tokenLifetime.Seconds()),
		"token_type":           "Bearer",
		"scope":                strings.Join(scope, " "),
		"Key":                  u.key,
		"PrivateKey":           u.privateKey,
		"Kdf":                  u.kdf.typ,
		"KdfIterations":        u.kdf.iterations,
		"KdfMemory":            u.kdf.memPtr(),
		"KdfParallelism":       u.kdf.parPtr(),
		"ResetMasterPassword":  false,
		"ForcePasswordReset":   u.forcePasswordReset,
		"MasterPasswordPolicy": map[string]any{"Object": "masterPasswordPolicy"},
	}
	udo := map[string]any{
		"HasMasterPassword": true,
		"Object":            "userDecryptionOptions",
	}
	if c.current() {
		resp["AccountKeys"] = accountKeys(u)
		udo["MasterPasswordUnlock"] = map[string]any{
			"Kdf": kdfSettingsPascal{
				KdfType: u.kdf.typ, Iterations: u.kdf.iterations,
				Memory: u.kdf.memPtr(), Parallelism: u.kdf.parPtr(),
			},
			"MasterKeyEncryptedUserKey": u.key,
			"MasterKeyWrappedUserKey":   u.key,
			"Salt":                      vaultcrypto.NormalizeEmail(u.email),
		}
	}
	resp["UserDecryptionOptions"] = udo
	if withRefresh {
		tok := randomToken(48)
		c.st.refresh[refreshKey(tok)] = &refreshRec{
			userID: u.id, clientID: clientID, device: dev.id,
			stamp: u.securityStamp, expires: s.now().Add(s.cfg.refreshLifetime),
		}
		resp["refresh_token"] = tok
	}
	return resp, nil
}

// accountKeysJSON is the current servers' "privateKeys" object, camelCase
// even inside the PascalCase token response.
type accountKeysJSON struct {
	PublicKeyEncryptionKeyPair keyPairJSON `json:"publicKeyEncryptionKeyPair"`
	SignatureKeyPair           any         `json:"signatureKeyPair"`
	SecurityState              any         `json:"securityState"`
	Object                     string      `json:"object"`
}

type keyPairJSON struct {
	WrappedPrivateKey string  `json:"wrappedPrivateKey"`
	PublicKey         string  `json:"publicKey"`
	SignedPublicKey   *string `json:"signedPublicKey"`
	Object            string  `json:"object"`
}

func accountKeys(u *userRec) *accountKeysJSON {
	return &accountKeysJSON{
		PublicKeyEncryptionKeyPair: keyPairJSON{
			WrappedPrivateKey: u.privateKey,
			PublicKey:         u.publicKey,
			Object:            "publicKeyEncryptionKeyPair",
		},
		Object: "privateKeys",
	}
}
