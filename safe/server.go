package safe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// ServerInfo is what the server says about itself at /api/config.
type ServerInfo struct {
	Version string // e.g. "2023.8.3" for Bravura Safe
	GitHash string
	// FeatureStates are the server's feature flags, by name.
	FeatureStates map[string]json.RawMessage
}

// Feature reports whether the boolean feature flag name is on.
func (s *ServerInfo) Feature(name string) bool {
	var on bool
	return json.Unmarshal(s.FeatureStates[name], &on) == nil && on
}

// AtLeast reports whether the server version is at least year.month.patch
// (Bitwarden versions are calendar versions). An unparsable version is
// treated as old.
func (s *ServerInfo) AtLeast(year, month, patch int) bool {
	parts := strings.SplitN(strings.SplitN(s.Version, "-", 2)[0], ".", 4)
	want := [3]int{year, month, patch}
	for i := range 3 {
		if i >= len(parts) {
			return false
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return false
		}
		if n != want[i] {
			return n > want[i]
		}
	}
	return true
}

// ServerInfo returns the server's version and feature flags. It needs no
// login and is cached after the first success.
func (c *Client) ServerInfo(ctx context.Context) (*ServerInfo, error) {
	c.mu.Lock()
	info := c.info
	c.mu.Unlock()
	if info != nil {
		return info, nil
	}
	body, err := c.send(ctx, apiRequest{method: http.MethodGet, url: c.apiURL + "/config", path: "/api/config", maxBody: maxSmallBody})
	if err != nil {
		return nil, err
	}
	info = new(ServerInfo)
	if err := unmarshalJSON("server config", body, info); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.info = info
	c.mu.Unlock()
	return info, nil
}

type preloginResult struct {
	kdf  vaultcrypto.KDFConfig
	salt string
}

// prelogin asks for the account's KDF parameters. Bitwarden servers
// before 2026.4 (Bravura Safe among them) answer at
// /identity/accounts/prelogin; newer clients use
// /identity/accounts/prelogin/password, which 2026 servers also serve.
// The client asks /api/config for the version and tries the route that
// version prefers first, falling back to the other on 404 (or when the
// version is unknown).
func (c *Client) prelogin(ctx context.Context, email string) (preloginResult, error) {
	routes := []string{"/accounts/prelogin", "/accounts/prelogin/password"}
	if info, err := c.ServerInfo(ctx); err == nil && info.AtLeast(2026, 4, 0) {
		routes[0], routes[1] = routes[1], routes[0]
	}
	reqBody, err := json.Marshal(map[string]string{"email": email})
	if err != nil {
		return preloginResult{}, err
	}
	var body []byte
	for i, route := range routes {
		body, err = c.send(ctx, apiRequest{
			method: http.MethodPost, url: c.identityURL + route, path: "/identity" + route,
			body: reqBody, contentType: "application/json", maxBody: maxSmallBody, noEffect: true,
		})
		if err == nil || !errors.Is(err, ErrNotFound) || i == len(routes)-1 {
			break
		}
	}
	if err != nil {
		return preloginResult{}, err
	}
	return parsePrelogin(body)
}

// parsePrelogin reads a prelogin answer: the KDF, which must be within
// the accepted ranges, and the salt newer servers send.
func parsePrelogin(body []byte) (preloginResult, error) {
	var m struct {
		Kdf         *int         `json:"kdf"` // the flat fields of every generation
		Iterations  *int         `json:"kdfIterations"`
		Memory      *int         `json:"kdfMemory"`
		Parallelism *int         `json:"kdfParallelism"`
		Settings    *kdfSettings `json:"kdfSettings"` // newer servers add this
		Salt        string       `json:"salt"`
	}
	if err := unmarshalJSON("prelogin", body, &m); err != nil {
		return preloginResult{}, err
	}
	var cfg vaultcrypto.KDFConfig
	switch {
	case m.Kdf != nil:
		cfg = kdfSettings{Type: m.Kdf, Iterations: m.Iterations, Memory: m.Memory, Parallelism: m.Parallelism}.config()
	case m.Settings != nil:
		cfg = m.Settings.config()
	default:
		return preloginResult{}, errors.New("safe: prelogin response has no KDF parameters")
	}
	if err := cfg.Validate(); err != nil {
		return preloginResult{}, fmt.Errorf("safe: prelogin: %w", err)
	}
	return preloginResult{kdf: cfg, salt: m.Salt}, nil
}
