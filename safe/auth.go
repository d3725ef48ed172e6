package safe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// LoginOption adjusts one login attempt.
type LoginOption func(*loginOptions)

type loginOptions struct {
	twoFactorProvider *TwoFactorProvider
	twoFactorCode     string
	remember          bool
	newDeviceOTP      string
}

// WithTwoFactor answers a two-factor challenge (see *TwoFactorError): the
// provider and the code it produced. With remember, the server returns a
// remember token (Client.TwoFactorRememberToken); a later login of the same
// device passes it as WithTwoFactor(TwoFactorRemember, token, false) to skip
// the second factor.
func WithTwoFactor(provider TwoFactorProvider, code string, remember bool) LoginOption {
	return func(o *loginOptions) {
		o.twoFactorProvider = &provider
		o.twoFactorCode = code
		o.remember = remember
	}
}

// WithNewDeviceOTP answers a new-device verification challenge
// (ErrNewDevice) with the one-time code the server e-mailed.
func WithNewDeviceOTP(code string) LoginOption {
	return func(o *loginOptions) { o.newDeviceOTP = code }
}

// LoginPassword logs in with the account e-mail and master password:
// prelogin for the KDF parameters, key derivation, the password grant with
// the master-password hash, then unwrapping of the user key and the RSA
// private key. The password never leaves the process.
//
// Errors: ErrWrongPassword, a *TwoFactorError (retry with WithTwoFactor),
// ErrNewDevice (retry with WithNewDeviceOTP), ErrWeakKDF when the server
// asks for KDF parameters below the minimums, or an *APIError.
//
// Key derivation runs at most two at a time in the process (more logins
// wait for a slot, as long as their ctx allows). It cannot be interrupted:
// a login whose ctx ends during the derivation returns at once, and the
// derivation finishes in the background, holding its slot, its result
// wiped.
func (c *Client) LoginPassword(ctx context.Context, email, password string, opts ...LoginOption) error {
	if vaultcrypto.NormalizeEmail(email) == "" {
		return invalidArg("login: empty e-mail")
	}
	if password == "" {
		return invalidArg("login: empty master password")
	}
	var lo loginOptions
	for _, o := range opts {
		o(&lo)
	}
	pre, err := c.prelogin(ctx, email)
	if err != nil {
		return err
	}
	if err := checkSalt("prelogin", pre.salt, email); err != nil {
		return err
	}
	master, err := vaultcrypto.DeriveMasterKeyContext(ctx, password, email, pre.kdf)
	if err != nil {
		return fmt.Errorf("safe: login: %w", err)
	}
	hash, err := master.Hash(password, vaultcrypto.ServerAuthorization)
	if err != nil {
		return err
	}
	form := c.deviceForm()
	form.Set("grant_type", "password")
	form.Set("username", email)
	form.Set("password", hash)
	form.Set("scope", "api offline_access")
	form.Set("client_id", tokenClientID)
	if lo.twoFactorProvider != nil {
		form.Set("twoFactorToken", lo.twoFactorCode)
		form.Set("twoFactorProvider", strconv.Itoa(int(*lo.twoFactorProvider)))
		form.Set("twoFactorRemember", map[bool]string{true: "1", false: "0"}[lo.remember])
	}
	if lo.newDeviceOTP != "" {
		form.Set("newDeviceOtp", lo.newDeviceOTP)
	}
	// Bitwarden servers up to 2025.5 (Bravura Safe among them) refuse a
	// password grant without Auth-Email; newer ones ignore it.
	hdr := map[string]string{"Auth-Email": base64.RawURLEncoding.EncodeToString([]byte(email))}
	tr, err := c.tokenGrant(ctx, form, hdr)
	if err != nil {
		return err
	}
	return c.unlock(tr, master, pre.kdf, email, nil, true, hash)
}

// LoginAPIKey logs in with a personal API key (client ID "user.<uuid>" and
// its secret, from the web vault's account settings) and unlocks the vault
// with the master password. API-key logins skip two-factor authentication;
// the master password is still needed because the server never holds a
// key that can decrypt the vault.
//
// Errors: ErrInvalidAPIKey when the server refuses the client ID or secret,
// ErrWrongPassword when the master password does not decrypt the user key,
// ErrWeakKDF, ErrInvalidArgument, or an *APIError.
//
// Key derivation runs at most two at a time in the process (more logins
// wait for a slot, as long as their ctx allows). It cannot be interrupted:
// a login whose ctx ends during the derivation returns at once, and the
// derivation finishes in the background, holding its slot, its result
// wiped.
func (c *Client) LoginAPIKey(ctx context.Context, clientID, clientSecret, password string) error {
	if !strings.HasPrefix(clientID, "user.") {
		return wrongKeyKind(`a personal API key's client ID starts with "user." (a team's, "organization.", is for LoginTeamAPIKey)`)
	}
	if clientSecret == "" || password == "" {
		return invalidArg("login: empty client secret or master password")
	}
	tr, err := c.tokenGrant(ctx, c.apiKeyForm(&apiKeyCredentials{clientID: clientID, clientSecret: clientSecret}, false), nil)
	if err != nil {
		return apiKeyError(err)
	}
	claims, err := parseClaims(tr.AccessToken)
	if err != nil {
		return err
	}
	if vaultcrypto.NormalizeEmail(claims.Email) == "" {
		return errors.New("safe: access token has no e-mail")
	}
	kdf, _ := tr.kdf()
	master, err := vaultcrypto.DeriveMasterKeyContext(ctx, password, claims.Email, kdf)
	if err != nil {
		return fmt.Errorf("safe: login: %w", err)
	}
	hash, err := master.Hash(password, vaultcrypto.ServerAuthorization)
	if err != nil {
		return err
	}
	return c.unlock(tr, master, kdf, claims.Email, &apiKeyCredentials{clientID: clientID, clientSecret: clientSecret}, false, hash)
}

// apiKeyForm is the client-credentials grant of an API key: a personal
// one (scope api) or a team's (scope api.organization). The device fields
// are sent for both: Bitwarden ignores them for a team key, Vaultwarden
// wants them for every client-credentials grant.
func (c *Client) apiKeyForm(k *apiKeyCredentials, team bool) url.Values {
	form := c.deviceForm()
	form.Set("grant_type", "client_credentials")
	form.Set("scope", map[bool]string{false: "api", true: scopeTeamAPI}[team])
	form.Set("client_id", k.clientID)
	form.Set("client_secret", k.clientSecret)
	return form
}

// apiKeyError makes an identity server's invalid_client answer (a client
// ID or secret it does not know) match ErrInvalidAPIKey.
func apiKeyError(err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest && ae.Code == "invalid_client" {
		return fmt.Errorf("%w: %w", ErrInvalidAPIKey, err)
	}
	return err
}

// TwoFactorRememberToken returns the two-factor remember token of the
// current session: set after a login with WithTwoFactor(..., true) when the
// server issued one, else "". Keep it as secret as a password; a later login
// of the same device (same WithDeviceID) passes it as
// WithTwoFactor(TwoFactorRemember, token, false).
func (c *Client) TwoFactorRememberToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return ""
	}
	return c.sess.twoFactorToken
}

// checkSalt refuses a KDF salt from the server (prelogin, token response or
// sync of newer servers) other than the account's normalised e-mail: the
// salt is the e-mail by definition, and a server that chooses another one
// chooses the master key.
func checkSalt(where, salt, email string) error {
	if salt != "" && salt != vaultcrypto.NormalizeEmail(email) {
		return fmt.Errorf("safe: %s: %w: the salt is not the account's e-mail", where, ErrWeakKDF)
	}
	return nil
}

// tokenClientID is the OAuth client the password grant names; refreshes
// use the client_id of the token itself.
const tokenClientID = "cli"

func (c *Client) deviceForm() url.Values {
	return url.Values{
		"deviceType":       {strconv.Itoa(c.cfg.deviceType)},
		"deviceIdentifier": {c.cfg.deviceID},
		"deviceName":       {c.cfg.deviceName},
	}
}

// unlock turns a token response into a session: it unwraps the user key
// with the master key and the private key with the user key. used is the
// KDF the master key was derived with; the KDF and salt the token response
// names must be acceptable too (the session keeps used). serverChecked says whether the server verified the password hash (a
// password grant); if not, a user key that does not decrypt means a wrong
// password. authHash is the login's master-password hash, kept for account
// recovery enrolment.
func (c *Client) unlock(tr *tokenResponse, master *vaultcrypto.MasterKey, used vaultcrypto.KDFConfig, email string, apiKey *apiKeyCredentials, serverChecked bool, authHash string) error {
	claims, err := parseClaims(tr.AccessToken)
	if err != nil {
		return err
	}
	kdf, salt := tr.kdf()
	if kdf != (vaultcrypto.KDFConfig{}) {
		if err := kdf.Validate(); err != nil {
			return fmt.Errorf("safe: token response: %w", err)
		}
	}
	if err := checkSalt("token response", salt, email); err != nil {
		return err
	}
	protected := tr.Key
	if protected.IsZero() && tr.UserDecryptionOptions != nil && tr.UserDecryptionOptions.MasterPasswordUnlock != nil {
		mpu := tr.UserDecryptionOptions.MasterPasswordUnlock
		protected = mpu.MasterKeyWrappedUserKey
		if protected.IsZero() {
			protected = mpu.MasterKeyEncryptedUserKey
		}
	}
	if protected.IsZero() {
		return errors.New("safe: login: the server sent no user key (accounts without a master password are not supported)")
	}
	if t := protected.Type(); (t == vaultcrypto.AesCbc256B64 || t == vaultcrypto.AesCbc128HmacSha256B64) && !c.cfg.legacyUserKeys {
		return fmt.Errorf("%w (EncString type %d); see WithLegacyUserKeys", ErrLegacyUserKey, int(t))
	}
	userKey, err := master.UnwrapUserKey(protected)
	if err != nil {
		if errors.Is(err, vaultcrypto.ErrMAC) {
			if !serverChecked {
				// Nobody checked the password but the key itself.
				return fmt.Errorf("%w: the master password does not decrypt the user key: %w", ErrWrongPassword, err)
			}
			// The server accepted the password hash, so the password is
			// right; the key does not match it.
			return fmt.Errorf("safe: login: the user key does not decrypt with this password: %w", err)
		}
		return fmt.Errorf("safe: login: %w", err)
	}
	var priv *vaultcrypto.PrivateKey
	wrappedPriv := tr.PrivateKey
	if wrappedPriv.IsZero() && tr.AccountKeys != nil && tr.AccountKeys.PublicKeyEncryptionKeyPair != nil {
		wrappedPriv = tr.AccountKeys.PublicKeyEncryptionKeyPair.WrappedPrivateKey
	}
	if !wrappedPriv.IsZero() {
		if priv, err = userKey.UnwrapPrivateKey(wrappedPriv); err != nil {
			return fmt.Errorf("safe: login: private key: %w", err)
		}
	}
	s := &session{
		userID:             claims.Sub,
		email:              email,
		clientID:           claims.ClientID,
		access:             tr.AccessToken,
		refresh:            tr.RefreshToken,
		expiry:             tr.expiry(time.Now()),
		apiKey:             apiKey,
		kdf:                used,
		userKey:            userKey,
		privateKey:         priv,
		forcePasswordReset: tr.ForcePasswordReset,
		twoFactorToken:     tr.TwoFactorToken,
		authHash:           authHash,
	}
	if s.clientID == "" {
		s.clientID = tokenClientID
	}
	c.mu.Lock()
	c.sess = s
	c.vault = nil
	c.mu.Unlock()
	return nil
}

// refreshToken gets a new access token, once for all goroutines that saw
// stale expire: with the refresh token after a password login, or by
// repeating the client-credentials grant after an API-key login.
func (c *Client) refreshToken(ctx context.Context, stale string) error {
	_, err := c.shared(ctx, &c.refreshes, "refresh", func(ctx context.Context) (any, error) {
		s, err := c.session()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		already := s.access != stale && time.Until(s.expiry) > refreshMargin
		refresh, clientID := s.refresh, s.clientID
		c.mu.Unlock()
		if already {
			return nil, nil
		}
		form := url.Values{}
		switch {
		case refresh != "":
			form.Set("grant_type", "refresh_token")
			form.Set("client_id", clientID)
			form.Set("refresh_token", refresh)
		case s.apiKey != nil:
			form = c.apiKeyForm(s.apiKey, s.teamID != "")
		default:
			return nil, fmt.Errorf("%w: the session expired; log in again", ErrUnauthorized)
		}
		tr, err := c.tokenGrant(ctx, form, nil)
		if err != nil {
			var ae *APIError
			if errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest {
				return nil, fmt.Errorf("%w: the session expired; log in again: %w", ErrUnauthorized, err)
			}
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.sess != s {
			return nil, fmt.Errorf("%w: the session ended during a token refresh", ErrNotLoggedIn)
		}
		s.access = tr.AccessToken
		s.expiry = tr.expiry(time.Now())
		if tr.RefreshToken != "" {
			s.refresh = tr.RefreshToken
		}
		return nil, nil
	})
	return err
}

// tokenResponse is the identity server's answer to a grant. Its custom
// fields are PascalCase; encoding/json matches either casing.
type tokenResponse struct {
	AccessToken        string                `json:"access_token"`
	ExpiresIn          int                   `json:"expires_in"`
	TokenType          string                `json:"token_type"`
	RefreshToken       string                `json:"refresh_token"`
	Key                vaultcrypto.EncString `json:"Key"`
	PrivateKey         vaultcrypto.EncString `json:"PrivateKey"`
	Kdf                *int                  `json:"Kdf"`
	KdfIterations      *int                  `json:"KdfIterations"`
	KdfMemory          *int                  `json:"KdfMemory"`
	KdfParallelism     *int                  `json:"KdfParallelism"`
	ForcePasswordReset bool                  `json:"ForcePasswordReset"`
	TwoFactorToken     string                `json:"TwoFactorToken"` // a remember token, after twoFactorRemember=1
	AccountKeys        *struct {
		PublicKeyEncryptionKeyPair *struct {
			WrappedPrivateKey vaultcrypto.EncString `json:"wrappedPrivateKey"`
		} `json:"publicKeyEncryptionKeyPair"`
	} `json:"AccountKeys"`
	UserDecryptionOptions *struct {
		MasterPasswordUnlock *struct {
			Kdf                       kdfSettings           `json:"Kdf"`
			MasterKeyWrappedUserKey   vaultcrypto.EncString `json:"MasterKeyWrappedUserKey"`
			MasterKeyEncryptedUserKey vaultcrypto.EncString `json:"MasterKeyEncryptedUserKey"`
			Salt                      string                `json:"Salt"`
		} `json:"MasterPasswordUnlock"`
	} `json:"UserDecryptionOptions"`
}

func (t *tokenResponse) expiry(now time.Time) time.Time {
	if t.ExpiresIn <= 0 {
		return now.Add(time.Hour)
	}
	return now.Add(time.Duration(t.ExpiresIn) * time.Second)
}

// kdf returns the account's KDF from the token response (the flat Kdf*
// fields of every generation, else MasterPasswordUnlock of newer servers),
// and the salt if the server sent one.
func (t *tokenResponse) kdf() (vaultcrypto.KDFConfig, string) {
	var mpu kdfSettings
	salt := ""
	if t.UserDecryptionOptions != nil && t.UserDecryptionOptions.MasterPasswordUnlock != nil {
		mpu = t.UserDecryptionOptions.MasterPasswordUnlock.Kdf
		salt = t.UserDecryptionOptions.MasterPasswordUnlock.Salt
	}
	if t.Kdf != nil {
		return kdfSettings{Type: t.Kdf, Iterations: t.KdfIterations, Memory: t.KdfMemory, Parallelism: t.KdfParallelism}.config(), salt
	}
	return mpu.config(), salt
}

// kdfSettings is the KDF object of prelogin ("kdfSettings") and of
// MasterPasswordUnlock ("Kdf"), in either casing.
type kdfSettings struct {
	Type        *int `json:"kdfType"`
	Iterations  *int `json:"iterations"`
	Memory      *int `json:"memory"`
	Parallelism *int `json:"parallelism"`
}

func (k kdfSettings) config() vaultcrypto.KDFConfig {
	v := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	return vaultcrypto.KDFConfig{Type: vaultcrypto.KDFType(v(k.Type)), Iterations: v(k.Iterations), Memory: v(k.Memory), Parallelism: v(k.Parallelism)}
}

// tokenGrant posts a grant to the identity server and decodes its answer,
// turning the identity server's error bodies into typed errors.
func (c *Client) tokenGrant(ctx context.Context, form url.Values, header map[string]string) (*tokenResponse, error) {
	body, err := c.send(ctx, apiRequest{
		method:      http.MethodPost,
		url:         c.identityURL + "/connect/token",
		path:        "/identity/connect/token",
		body:        []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded; charset=utf-8",
		header:      header,
		maxBody:     maxSmallBody,
		noEffect:    true,
	})
	if err != nil {
		return nil, identityError(err)
	}
	return parseTokenResponse(body)
}

// parseTokenResponse reads a successful grant's answer.
func parseTokenResponse(body []byte) (*tokenResponse, error) {
	var tr tokenResponse
	if err := unmarshalJSON("token response", body, &tr); err != nil {
		return nil, err
	}
	if tr.AccessToken == "" {
		return nil, errors.New("safe: token response has no access token")
	}
	return &tr, nil
}

// identityError refines an *APIError from the token endpoint: a two-factor
// challenge, a new-device challenge, or a wrong password.
func identityError(err error) error {
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest {
		return err
	}
	if ae.twoFactor != nil {
		return ae.twoFactor
	}
	if strings.EqualFold(strings.TrimSpace(ae.Message), "new device verification required") {
		return fmt.Errorf("%w: %w", ErrNewDevice, err)
	}
	if errors.Is(ae, ErrWrongPassword) {
		return fmt.Errorf("%w: %w", ErrWrongPassword, err)
	}
	return err
}

// parseTwoFactor reads TwoFactorProviders2 from an identity error body.
func parseTwoFactor(body []byte) *TwoFactorError {
	var m struct {
		Providers2 map[string]json.RawMessage `json:"TwoFactorProviders2"`
	}
	if json.Unmarshal(body, &m) != nil || len(m.Providers2) == 0 {
		return nil
	}
	e := &TwoFactorError{}
	for k := range m.Providers2 {
		if n, err := strconv.Atoi(k); err == nil {
			e.Providers = append(e.Providers, TwoFactorProvider(n))
		}
	}
	sort.Slice(e.Providers, func(i, j int) bool { return e.Providers[i] < e.Providers[j] })
	return e
}

// claims are the access-token claims the client reads. The signature is
// the server's business; the client only reads its own token.
type claims struct {
	Sub      string `json:"sub"`
	Email    string `json:"email"`
	ClientID string `json:"client_id"`
	// ClientSub is the subject of a token without a user: the team of a
	// team API key's token.
	ClientSub string `json:"client_sub"`
}

// parseClaims reads the claims of a user's token, which has a subject.
func parseClaims(jwt string) (claims, error) {
	cl, err := decodeClaims(jwt)
	if err == nil && cl.Sub == "" {
		return cl, errors.New("safe: access token has no subject")
	}
	return cl, err
}

// decodeClaims reads the claims of any access token.
func decodeClaims(jwt string) (claims, error) {
	var cl claims
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return cl, errors.New("safe: access token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return cl, errors.New("safe: access token payload is not base64url")
	}
	if err := json.Unmarshal(payload, &cl); err != nil {
		return cl, errors.New("safe: access token payload is not JSON")
	}
	return cl, nil
}

// jsonError keeps the position and kind of a JSON error but drops any
// excerpt of the input, which may hold secrets.
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("malformed JSON at offset %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("JSON field %q has type %s, want %s", te.Field, te.Value, te.Type)
	}
	return errors.New("malformed JSON")
}
