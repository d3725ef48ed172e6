package safe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// ErrInvalidSession is matched (errors.Is) by every error of ResumeSession
// that is about the saved session itself: a blob that is malformed, of an
// unknown version, for another server, or that does not decrypt with the
// session key (that error also matches ErrMAC).
var ErrInvalidSession = errors.New("safe: invalid saved session")

// sessionBlobVersion is the version of ExportSession's format.
const sessionBlobVersion = 1

// sessionBlob is the outer JSON of an exported session: a version, and the
// whole session encrypted (type 2: AES-256-CBC with HMAC-SHA256) under the
// session key. Nothing else, not even the e-mail, is in the clear, and the
// MAC covers everything ResumeSession uses.
type sessionBlob struct {
	Version int                   `json:"version"`
	Data    vaultcrypto.EncString `json:"data"`
}

// savedSession is the plaintext inside sessionBlob.Data.
type savedSession struct {
	Server             string                `json:"server"` // the base URL the tokens belong to
	UserID             string                `json:"userId"`
	Email              string                `json:"email"`
	ClientID           string                `json:"clientId"`
	Access             string                `json:"accessToken"`
	Refresh            string                `json:"refreshToken,omitempty"`
	Expiry             time.Time             `json:"expiry"`
	APIKeyID           string                `json:"apiKeyClientId,omitempty"`
	APIKeySecret       string                `json:"apiKeyClientSecret,omitempty"`
	KDF                vaultcrypto.KDFConfig `json:"kdf"`
	UserKey            []byte                `json:"userKey"`              // 64 raw bytes
	PrivateKey         []byte                `json:"privateKey,omitempty"` // PKCS #8 DER
	ForcePasswordReset bool                  `json:"forcePasswordReset,omitempty"`
}

// ExportSession saves the client's session so that another process (or
// this one, later) can resume it with ResumeSession, without the master
// password and without a new key derivation: the way a command-line tool
// unlocks once and runs many commands.
//
// The blob holds the tokens (after LoginAPIKey, the API key too), the
// e-mail, the KDF settings, the user key and the private key, all
// encrypted under sessionKey, a fresh random 64-byte key (base64) made
// for this export. Either alone is of no use; together they are the
// unlocked vault. Keep them apart: store the blob
// on disk, say, and pass the key through the environment, as the
// Bitwarden CLI does with BW_SESSION. A blob may be resumed any number of
// times: the server keeps a refresh token the same when it is used. A
// resumed session lasts as long as its refresh token (or API key); Logout
// on either client does not end the server-side session.
//
// The resuming client must be made for the same server (base URL); give it
// the same device ID too (WithDeviceID(c.DeviceID())), as the server
// records sessions per device.
//
// A team API key session (LoginTeamAPIKey) has no keys to save and cannot
// be exported (ErrTeamKeySession): it costs no key derivation, so log in
// with the key again.
func (c *Client) ExportSession() (blob []byte, sessionKey string, err error) {
	s, err := c.current()
	if err != nil {
		return nil, "", err
	}
	c.mu.Lock()
	saved := savedSession{
		Server: c.baseURL(),
		UserID: s.userID, Email: s.email, ClientID: s.clientID,
		Access: s.access, Refresh: s.refresh, Expiry: s.expiry,
		KDF: s.kdf, UserKey: s.userKey.Bytes(), ForcePasswordReset: s.forcePasswordReset,
	}
	c.mu.Unlock()
	defer clear(saved.UserKey)
	if s.apiKey != nil {
		saved.APIKeyID, saved.APIKeySecret = s.apiKey.clientID, s.apiKey.clientSecret
	}
	if s.privateKey != nil {
		if saved.PrivateKey, err = s.privateKey.PKCS8(); err != nil {
			return nil, "", fmt.Errorf("safe: export session: private key: %w", err)
		}
		defer clear(saved.PrivateKey)
	}
	plain, err := json.Marshal(saved)
	if err != nil {
		return nil, "", fmt.Errorf("safe: export session: %w", err)
	}
	// Best effort: the tokens are Go strings, which cannot be wiped, and
	// encoding/json keeps a copy in a pooled buffer until it is reused.
	defer clear(plain)
	key, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		return nil, "", fmt.Errorf("safe: export session: %w", err)
	}
	enc, err := key.Encrypt(plain)
	if err != nil {
		return nil, "", fmt.Errorf("safe: export session: %w", err)
	}
	blob, err = json.Marshal(sessionBlob{Version: sessionBlobVersion, Data: enc})
	if err != nil {
		return nil, "", fmt.Errorf("safe: export session: %w", err)
	}
	raw := key.Bytes()
	defer clear(raw)
	return blob, base64.StdEncoding.EncodeToString(raw), nil
}

// ResumeSession restores a session saved by ExportSession, replacing the
// client's own: no master password and no key derivation. If the access
// token has expired (or is about to), it is refreshed first; if that fails
// (the refresh token expired too, say), the client stays logged out and
// the error says why (ErrUnauthorized: log in again). The vault is synced
// by the first read, as after a login.
//
// Errors about the blob and key match ErrInvalidSession: a blob for
// another server is refused, so that its tokens are never sent elsewhere.
func (c *Client) ResumeSession(ctx context.Context, blob []byte, sessionKey string) error {
	saved, err := openSession(blob, sessionKey)
	if err != nil {
		return err
	}
	defer clear(saved.UserKey)
	defer clear(saved.PrivateKey)
	if saved.Server != c.baseURL() {
		return fmt.Errorf("%w: it belongs to another server (%s)", ErrInvalidSession, saved.Server)
	}
	s, err := saved.session()
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.sess = s
	c.vault = nil
	c.mu.Unlock()
	if _, err := c.accessToken(ctx); err != nil {
		c.mu.Lock()
		if c.sess == s {
			c.sess = nil
		}
		c.mu.Unlock()
		return fmt.Errorf("safe: resume session: %w", err)
	}
	return nil
}

// openSession decrypts and parses a blob.
func openSession(blob []byte, sessionKey string) (*savedSession, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sessionKey))
	if err != nil || len(raw) != 64 {
		clear(raw)
		return nil, fmt.Errorf("%w: the session key is not 64 bytes of base64", ErrInvalidSession)
	}
	key, err := vaultcrypto.NewSymmetricKey(raw)
	clear(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSession, err)
	}
	var b sessionBlob
	if err := json.Unmarshal(blob, &b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSession, jsonError(err))
	}
	if b.Version != sessionBlobVersion {
		return nil, fmt.Errorf("%w: unknown version %d", ErrInvalidSession, b.Version)
	}
	if b.Data.IsZero() {
		return nil, fmt.Errorf("%w: no data", ErrInvalidSession)
	}
	plain, err := key.Decrypt(b.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: wrong session key, or the blob was changed: %w", ErrInvalidSession, err)
	}
	defer clear(plain)
	var saved savedSession
	if err := json.Unmarshal(plain, &saved); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSession, jsonError(err))
	}
	if saved.Access == "" || saved.UserID == "" {
		return nil, fmt.Errorf("%w: no access token or user", ErrInvalidSession)
	}
	return &saved, nil
}

// session rebuilds the client's session from the saved one.
func (saved *savedSession) session() (*session, error) {
	// The KDF is used again for a later master-password change or account
	// recovery: a crafted blob must not bring in parameters below the
	// minimums a login would refuse.
	if saved.KDF != (vaultcrypto.KDFConfig{}) {
		if err := saved.KDF.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidSession, err)
		}
	}
	userKey, err := vaultcrypto.NewSymmetricKey(saved.UserKey)
	if err != nil {
		return nil, fmt.Errorf("%w: user key: %w", ErrInvalidSession, err)
	}
	s := &session{
		userID: saved.UserID, email: saved.Email, clientID: saved.ClientID,
		access: saved.Access, refresh: saved.Refresh, expiry: saved.Expiry,
		kdf: saved.KDF, userKey: userKey, forcePasswordReset: saved.ForcePasswordReset,
	}
	if s.clientID == "" {
		s.clientID = tokenClientID
	}
	if saved.APIKeyID != "" {
		s.apiKey = &apiKeyCredentials{clientID: saved.APIKeyID, clientSecret: saved.APIKeySecret}
	}
	if len(saved.PrivateKey) > 0 {
		if s.privateKey, err = vaultcrypto.ParsePrivateKey(saved.PrivateKey); err != nil {
			return nil, fmt.Errorf("%w: private key: %w", ErrInvalidSession, err)
		}
	}
	return s, nil
}

// baseURL is the server's base URL, as given to NewClient (normalised).
func (c *Client) baseURL() string { return strings.TrimSuffix(c.apiURL, "/api") }

// Account returns the logged-in user's ID and e-mail address from the
// session, with no request and no sync: the ID is the access token's
// subject, the e-mail the one the session was opened with (as given to
// LoginPassword; after LoginAPIKey, the token's). It fails with
// ErrNotLoggedIn, or ErrTeamKeySession for a team API key session, which
// has no user. Profile has the server's view of the user, at the cost of
// a sync.
func (c *Client) Account() (userID, email string, err error) {
	s, err := c.current()
	if err != nil {
		return "", "", err
	}
	return s.userID, s.email, nil
}
