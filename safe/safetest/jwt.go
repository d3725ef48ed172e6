package safetest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// claims are the access-token claims of a Bitwarden identity server
// (api.md §1.2.5). Clients never verify the signature but read sub, email,
// name, email_verified, premium, exp and client_id.
type claims struct {
	NotBefore     int64    `json:"nbf"`
	Expires       int64    `json:"exp"`
	Issuer        string   `json:"iss"`
	Subject       string   `json:"sub"`
	Premium       bool     `json:"premium"`
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	EmailVerified bool     `json:"email_verified"`
	SecurityStamp string   `json:"sstamp"`
	Device        string   `json:"device"`
	DeviceType    string   `json:"devicetype,omitempty"`
	ClientID      string   `json:"client_id"`
	Scope         []string `json:"scope"`
	AMR           []string `json:"amr"`

	// ClientSub is the subject of a client-credentials token without a
	// user: the team of a team API key (see teamClaims).
	ClientSub string `json:"client_sub,omitempty"`
}

// hasScope reports whether the token grants scope.
func (c *claims) hasScope(scope string) bool {
	for _, s := range c.Scope {
		if s == scope {
			return true
		}
	}
	return false
}

var errBadToken = errors.New("safetest: invalid access token")

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// signJWT returns an HS256 JSON Web Token of c (*claims or *teamClaims).
func signJWT(key []byte, c any) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	signed := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), nil
}

// verifyJWT checks the header, the signature (in constant time) and the
// validity window of token, and returns its claims.
func verifyJWT(key []byte, token string, now time.Time) (*claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] != jwtHeader {
		return nil, errBadToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errBadToken
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, errBadToken
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errBadToken
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errBadToken
	}
	t := now.Unix()
	if t < c.NotBefore || t >= c.Expires {
		return nil, errBadToken
	}
	return &c, nil
}
