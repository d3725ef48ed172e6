package safetest

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
)

// The team API key: the client "organization.<team id>" whose secret is
// the team's OrganizationApiKey of type Default, with the one scope
// api.organization, for the Public API. Facts from, for both generations:
//
//   - src/Identity/IdentityServer/ClientStore.cs CreateOrganizationClientAsync
//     (2023.8; current: ClientProviders/OrganizationClientProvider.cs): the
//     id after "organization." must parse as a GUID of an existing team,
//     the client is enabled only if the team is enabled and may use the
//     API (Enabled = org.Enabled && org.UseApi), its token lives an hour
//     and carries the client claims sub (the team id) and type, which
//     IdentityServer prefixes "client_" (ClientClaimsPrefix is left at
//     its default, unlike the personal key's client).
//   - CustomTokenRequestValidator.ValidateAsync returns at once for an
//     "organization" client: no device fields are needed and the answer
//     has no keys, no KDF and no refresh token.
//   - src/Core/Context/CurrentContext.cs: the API takes the team from
//     client_sub when client_id starts with "organization.".
//   - src/Api/Controllers/OrganizationsController.cs (current:
//     src/Api/AdminConsole/Controllers/OrganizationsController.cs) ApiKey
//     and RotateApiKey: only the team's owners, with their master
//     password hash.

// teamClaims are the claims of a team API key's access token.
type teamClaims struct {
	NotBefore  int64    `json:"nbf"`
	Expires    int64    `json:"exp"`
	Issuer     string   `json:"iss"`
	ClientID   string   `json:"client_id"`
	ClientSub  string   `json:"client_sub"`
	ClientType string   `json:"client_type"`
	JWTID      string   `json:"jti"`
	IssuedAt   int64    `json:"iat"`
	Scope      []string `json:"scope"`
}

// scopeTeamAPI is the Public API's scope (ApiScopes.ApiOrganization).
const scopeTeamAPI = "api.organization"

// teamKeyGrant is the client-credentials grant of a team API key; teamID
// is what follows "organization." in the client id.
func (s *Server) teamKeyGrant(c *call, f tokenForm, teamID string) (any, error) {
	id, ok := canonicalGUID(teamID)
	o := c.st.orgs[id]
	secret := f.get("client_secret")
	// IdentityServer answers an unknown, disabled or wrongly authenticated
	// client alike.
	if !ok || o == nil || o.apiDisabled || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(o.apiKey)) != 1 {
		return nil, newOAuthError("invalid_client", "", "")
	}
	scope, ok := grantedScope(f.get("scope"), scopeTeamAPI)
	if !ok {
		return nil, newOAuthError("invalid_scope", "", "")
	}
	now := s.now()
	tok, err := signJWT(s.jwtKey, &teamClaims{
		NotBefore:  now.Unix(),
		Expires:    now.Add(s.cfg.tokenLifetime).Unix(),
		Issuer:     s.URL + "|login",
		ClientID:   "organization." + o.id,
		ClientSub:  o.id,
		ClientType: "Organization",
		JWTID:      strings.ToUpper(strings.ReplaceAll(newID(), "-", "")),
		IssuedAt:   now.Unix(),
		Scope:      []string{scope},
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"access_token": tok,
		"expires_in":   int(s.cfg.tokenLifetime.Seconds()),
		"token_type":   "Bearer",
		"scope":        scope,
	}, nil
}

// canonicalGUID returns s in the form the store keys ids by (lower case,
// "D" format) if .NET's Guid.TryParse accepts it.
func canonicalGUID(s string) (string, bool) {
	if !dotnetGUID(s) {
		return "", false
	}
	s = strings.Trim(normID(s), "{}()")
	if len(s) == 32 {
		s = s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
	}
	return s, true
}

// orgAPIKeyRequest is OrganizationApiKeyRequestModel: a
// SecretVerificationRequestModel and the key type.
type orgAPIKeyRequest struct {
	MasterPasswordHash    *string `json:"masterPasswordHash"`
	OTP                   *string `json:"otp"`
	AuthRequestAccessCode *string `json:"authRequestAccessCode"`
	Type                  int     `json:"type"`
}

// POST /api/organizations/{id}/api-key, and rotate-api-key with rotate
// set: the team API key's secret (a new one when rotating) for an owner
// who proves the master password. Tokens issued with the old secret stay
// valid until they expire, as JWTs do.
func (s *Server) orgAPIKeyRoute(rotate bool) handlerFunc {
	return func(c *call) (any, error) {
		var req orgAPIKeyRequest
		if err := c.decode(&req); err != nil {
			return nil, err
		}
		if req.MasterPasswordHash != nil && len(*req.MasterPasswordHash) > 300 {
			return nil, errValidation("MasterPasswordHash", "The field MasterPasswordHash must be a string with a maximum length of 300.")
		}
		secret := req.MasterPasswordHash
		if secret == nil || *secret == "" {
			secret = req.OTP
		}
		if (secret == nil || *secret == "") && (req.AuthRequestAccessCode == nil || *req.AuthRequestAccessCode == "") {
			return nil, errValidation("", "MasterPasswordHash, OTP or AccessCode must be supplied.")
		}
		id, ok := canonicalGUID(c.r.PathValue("id"))
		if !ok {
			// new Guid(id) throws: an unhandled exception.
			return nil, errors.New("safetest: organization id is not a GUID")
		}
		m := c.st.membership(c.user.id, id)
		if m == nil || m.role != RoleOwner {
			return nil, errNotFound() // HasApiKeyAccessAsync: OrganizationOwner
		}
		if req.Type != 0 {
			// Billing-sync and SCIM keys need an Enterprise plan, which
			// this server does not model; other numbers are not key types.
			return nil, errNotFound()
		}
		// The server checks the secret itself: an OTP or an access code is
		// not the master password hash, and this server sends no OTPs.
		if req.MasterPasswordHash == nil || !c.user.checkPassword(*req.MasterPasswordHash) {
			return nil, errValidation("MasterPasswordHash", msgInvalidPassword)
		}
		o := c.st.orgs[id]
		if rotate {
			o.apiKey, o.apiKeyRevision = newAPIKey(), c.now
		}
		return map[string]any{
			"object":       "apiKey",
			"apiKey":       o.apiKey,
			"revisionDate": fmtTime(o.apiKeyRevision),
		}, nil
	}
}

// SetTeamAPI enables or disables the team API key's client, as a team
// that is disabled, or whose plan lost "use API", has it disabled: its
// logins are then refused like a wrong secret (invalid_client). Tokens
// already issued keep working until they expire.
func (s *Server) SetTeamAPI(team *Team, enabled bool) error {
	if team == nil {
		return errors.New("safetest: SetTeamAPI needs a team")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orgs[team.ID]
	if o == nil {
		return fmt.Errorf("safetest: SetTeamAPI: %w", ErrNotFound)
	}
	o.apiDisabled = !enabled
	return nil
}

// TeamAPIKey returns the team API key's current secret, which a rotation
// (POST .../rotate-api-key) replaces.
func (s *Server) TeamAPIKey(team *Team) (string, error) {
	if team == nil {
		return "", errors.New("safetest: TeamAPIKey needs a team")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orgs[team.ID]
	if o == nil {
		return "", fmt.Errorf("safetest: TeamAPIKey: %w", ErrNotFound)
	}
	return o.apiKey, nil
}

// RotateTeamAPIKey replaces the team API key's secret, as an owner does in
// the web vault (POST .../rotate-api-key), and returns the new one. The
// old secret no longer logs in; tokens issued with it stay valid until
// they expire.
func (s *Server) RotateTeamAPIKey(team *Team) (string, error) {
	if team == nil {
		return "", errors.New("safetest: RotateTeamAPIKey needs a team")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orgs[team.ID]
	if o == nil {
		return "", fmt.Errorf("safetest: RotateTeamAPIKey: %w", ErrNotFound)
	}
	o.apiKey, o.apiKeyRevision = newAPIKey(), s.st.tick(s.now())
	return o.apiKey, nil
}
