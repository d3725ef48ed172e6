package safetest

import (
	"crypto/subtle"
	"encoding/json"
	"maps"
	"regexp"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// config: GET /api/config, with or without a token.
func (s *Server) config(c *call) (any, error) {
	base := s.URL
	flags := maps.Clone(s.cfg.features)
	if flags == nil {
		flags = map[string]any{}
	}
	env := map[string]any{
		"vault":         base,
		"api":           base + "/api",
		"identity":      base + "/identity",
		"notifications": base + "/notifications",
		"sso":           "",
	}
	resp := map[string]any{
		"object":        "config",
		"version":       s.cfg.gen.Version(),
		"gitHash":       "safetest",
		"server":        nil,
		"environment":   env,
		"featureStates": flags,
	}
	if c.current() {
		env["cloudRegion"] = nil
		resp["push"] = map[string]any{"pushTechnology": 0, "vapidPublicKey": nil}
		resp["settings"] = map[string]any{"disableUserRegistration": true}
		resp["communication"] = nil
	}
	return resp, nil
}

type profileJSON struct {
	Object                  string           `json:"object"`
	ID                      string           `json:"id"`
	Name                    string           `json:"name"`
	Email                   string           `json:"email"`
	EmailVerified           bool             `json:"emailVerified"`
	Premium                 bool             `json:"premium"`
	PremiumFromOrganization bool             `json:"premiumFromOrganization"`
	MasterPasswordHint      *string          `json:"masterPasswordHint"`
	Culture                 string           `json:"culture"`
	TwoFactorEnabled        bool             `json:"twoFactorEnabled"`
	Key                     string           `json:"key"`
	PrivateKey              string           `json:"privateKey"`
	AccountKeys             *accountKeysJSON `json:"accountKeys,omitempty"`
	SecurityStamp           string           `json:"securityStamp"`
	ForcePasswordReset      bool             `json:"forcePasswordReset"`
	UsesKeyConnector        bool             `json:"usesKeyConnector"`
	AvatarColor             *string          `json:"avatarColor"`
	CreationDate            string           `json:"creationDate"`
	VerifyDevices           *bool            `json:"verifyDevices,omitempty"`
	Organizations           []profileOrgJSON `json:"organizations"`
	Providers               []any            `json:"providers"`
	ProviderOrganizations   []any            `json:"providerOrganizations"`
}

// profileOrgJSON is one entry of profile.organizations: the member's view
// of a team, with the team key wrapped to the member's public key. Its
// members differ by generation (see profileOrg), so it is built as a map.
type profileOrgJSON = map[string]any

// permissionNames are the Custom-role permissions of the official server's
// Permissions model on 2023.8; current servers dropped the two "assigned
// collections" ones and added manageAccessRules.
var (
	permissionNames2023 = []string{
		"accessEventLogs", "accessImportExport", "accessReports", "createNewCollections",
		"editAnyCollection", "deleteAnyCollection", "editAssignedCollections", "deleteAssignedCollections",
		"manageGroups", "managePolicies", "manageSso", "manageUsers", "manageResetPassword", "manageScim",
	}
	permissionNamesCurrent = []string{
		"accessEventLogs", "accessImportExport", "accessReports", "createNewCollections",
		"editAnyCollection", "deleteAnyCollection",
		"manageGroups", "managePolicies", "manageSso", "manageUsers", "manageResetPassword", "manageScim",
		"manageAccessRules",
	}
)

func (c *call) permissionsJSON(m *memberRec) map[string]bool {
	names := permissionNames2023
	if c.current() {
		names = permissionNamesCurrent
	}
	out := make(map[string]bool, len(names))
	for _, p := range names {
		out[p] = m.role == RoleCustom && m.permissions[p]
	}
	return out
}

// profileOrg renders m's organization o as ProfileOrganizationResponseModel
// of the generation. 2023.8 (and Bravura Safe's fork of it) has no
// organizationUserId: a client must find its membership ID elsewhere.
func (c *call) profileOrg(m *memberRec, o *orgRec) profileOrgJSON {
	out := profileOrgJSON{
		"object":                        "profileOrganization",
		"id":                            o.id,
		"name":                          o.name,
		"key":                           m.key,
		"status":                        m.status,
		"type":                          int(m.role),
		"enabled":                       true,
		"userId":                        c.user.id,
		"permissions":                   c.permissionsJSON(m),
		"usePolicies":                   true,
		"useSso":                        false,
		"useKeyConnector":               false,
		"useScim":                       false,
		"useGroups":                     true,
		"useDirectory":                  false,
		"useEvents":                     false, // keeps clients from posting /events/collect
		"useTotp":                       true,
		"use2fa":                        true,
		"useApi":                        true,
		"useResetPassword":              o.useResetPassword,
		"useSecretsManager":             false,
		"usePasswordManager":            true,
		"usersGetPremium":               true,
		"useCustomPermissions":          true,
		"useActivateAutofillPolicy":     false,
		"selfHost":                      true,
		"seats":                         nil,
		"maxCollections":                nil,
		"maxStorageGb":                  nil,
		"ssoBound":                      false,
		"identifier":                    nil,
		"resetPasswordEnrolled":         c.enrolled(m),
		"hasPublicAndPrivateKeys":       o.publicKey != "" && o.privateKey != "",
		"providerId":                    nil,
		"providerName":                  nil,
		"providerType":                  nil,
		"keyConnectorEnabled":           false,
		"keyConnectorUrl":               nil,
		"accessSecretsManager":          false,
		"familySponsorshipFriendlyName": nil,
		"familySponsorshipAvailable":    false,
		"familySponsorshipLastSyncDate": nil,
		"familySponsorshipValidUntil":   nil,
		"familySponsorshipToDelete":     nil,
	}
	if !c.current() {
		out["planProductType"] = 3 // Enterprise
		return out
	}
	for k, v := range map[string]any{
		"organizationUserId":                   m.id,
		"productTierType":                      3, // Enterprise
		"limitCollectionCreation":              false,
		"limitCollectionDeletion":              false,
		"limitItemDeletion":                    false,
		"allowAdminAccessToAllCollectionItems": true,
		"ssoEnabled":                           false,
		"ssoMemberDecryptionType":              nil,
		"accessPam":                            false,
		"userIsClaimedByOrganization":          false,
		"isAdminInitiated":                     false,
		"useRiskInsights":                      false,
		"useOrganizationDomains":               false,
		"useAdminSponsoredFamilies":            false,
		"useAutomaticUserConfirmation":         false,
		"useDisableSMAdsForUsers":              false,
		"usePhishingBlocker":                   false,
		"useMyItems":                           false,
		"useInviteLinks":                       false,
		"usePam":                               false,
	} {
		out[k] = v
	}
	return out
}

func (c *call) profile() profileJSON {
	u := c.user
	p := profileJSON{
		Object:                "profile",
		ID:                    u.id,
		Name:                  u.name,
		Email:                 u.email,
		EmailVerified:         true,
		Premium:               u.premium,
		Culture:               "en-US",
		TwoFactorEnabled:      u.twoFactor != nil,
		Key:                   u.key,
		PrivateKey:            u.privateKey,
		SecurityStamp:         u.securityStamp,
		ForcePasswordReset:    u.forcePasswordReset,
		CreationDate:          fmtTime(u.created),
		Organizations:         []profileOrgJSON{},
		Providers:             []any{},
		ProviderOrganizations: []any{},
	}
	if c.current() {
		p.AccountKeys = accountKeys(u)
		f := false
		p.VerifyDevices = &f
	}
	for _, m := range c.st.userMemberships(u.id) {
		o := c.st.orgs[m.orgID]
		if o == nil {
			continue
		}
		p.Organizations = append(p.Organizations, c.profileOrg(m, o))
	}
	return p
}

// GET /api/accounts/profile
func (s *Server) getProfile(c *call) (any, error) { return c.profile(), nil }

// GET /api/accounts/revision-date: epoch milliseconds, a bare number.
func (s *Server) revisionDate(c *call) (any, error) { return c.user.revision.UnixMilli(), nil }

type secretVerification struct {
	MasterPasswordHash *string `json:"masterPasswordHash"`
}

func (c *call) verifyPassword() error {
	var req secretVerification
	if err := c.decode(&req); err != nil {
		return err
	}
	if req.MasterPasswordHash == nil || !c.user.checkPassword(*req.MasterPasswordHash) {
		return errValidation("MasterPasswordHash", msgInvalidPassword)
	}
	return nil
}

// POST /api/accounts/verify-password
func (s *Server) verifyPasswordRoute(c *call) (any, error) {
	if err := c.verifyPassword(); err != nil {
		return nil, err
	}
	return map[string]any{"object": "masterPasswordPolicy"}, nil
}

// POST /api/accounts/api-key (and rotate-api-key with rotate set).
func (s *Server) apiKeyRoute(rotate bool) handlerFunc {
	return func(c *call) (any, error) {
		if err := c.verifyPassword(); err != nil {
			return nil, err
		}
		if rotate {
			c.user.apiKey = newAPIKey()
			c.st.touchUser(c.user, c.now)
		}
		return map[string]any{
			"object":       "apiKey",
			"apiKey":       c.user.apiKey,
			"revisionDate": fmtTime(c.user.revision),
		}, nil
	}
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// POST /api/accounts/key-management/user-key-id (GenCurrent).
func (s *Server) setUserKeyID(c *call) (any, error) {
	var req struct {
		UserKeyID *string `json:"userKeyId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.UserKeyID == nil || !hex32.MatchString(*req.UserKeyID) {
		return nil, errValidation("UserKeyId", "The UserKeyId field is not a valid key id.")
	}
	if c.user.userKeyID != "" && subtle.ConstantTimeCompare([]byte(c.user.userKeyID), []byte(*req.UserKeyID)) != 1 {
		return nil, errBadRequest("User key id is already set.")
	}
	c.user.userKeyID = *req.UserKeyID
	return nil, nil
}

// GET /api/users/{id}/public-key
func (s *Server) userPublicKey(c *call) (any, error) {
	u := c.st.users[c.id("id")]
	if u == nil {
		return nil, errNotFound()
	}
	return map[string]any{"object": "userKey", "userId": u.id, "publicKey": u.publicKey}, nil
}

// GET /api/sync
//
// The answer is written by hand, in encoding/json's order (sorted keys):
// the ciphers are most of it and are appended straight into one buffer
// sized from the stored ciphers; the other members are small and
// marshalled with encoding/json.
func (s *Server) sync(c *call) (any, error) {
	u := c.user
	folders := []folderJSON{}
	for _, f := range c.st.userFolders(u.id) {
		folders = append(folders, folderOut(f))
	}
	cols := []collectionJSON{}
	for _, col := range c.st.visibleCollections(u) {
		cols = append(cols, c.collectionOut(col, kindCollectionDetails))
	}
	var domains any
	if !c.queryBool("excludeDomains") {
		domains = map[string]any{
			"object": "domains", "equivalentDomains": []any{}, "globalEquivalentDomains": []any{},
		}
	}
	// Every member but "ciphers", which sorts first, in key order.
	type member struct {
		key string
		v   any
	}
	rest := []member{
		{"collections", cols},
		{"domains", domains},
		{"folders", folders},
		{"object", "sync"},
		{"policies", c.policiesOut()},
		{"profile", c.profile()},
		{"sends", []any{}},
	}
	if c.current() {
		rest = append(rest, member{"userDecryption", map[string]any{
			"masterPasswordUnlock": map[string]any{
				"kdf":                       u.kdf.settings(),
				"masterKeyEncryptedUserKey": u.key,
				"masterKeyWrappedUserKey":   u.key,
				"salt":                      vaultcrypto.NormalizeEmail(u.email),
			},
			"userKeyId": optString(u.userKeyID),
		}})
	}
	parts := make([][]byte, len(rest))
	n := len(`{"ciphers":[]}`)
	for i, m := range rest {
		b, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		parts[i] = b
		n += len(m.key) + len(b) + 4
	}
	ciphers := c.st.visibleCiphers(u)
	for _, v := range ciphers {
		n += c.cipherSize(v.ci, kindCipherDetails) + 1
	}
	b := c.s.buffer(n)
	b = append(b, `{"ciphers":[`...)
	for i, v := range ciphers {
		if i > 0 {
			b = append(b, ',')
		}
		b = c.appendCipher(b, v.ci, kindCipherDetails, v.a)
	}
	b = append(b, ']')
	for i, m := range rest {
		b = append(b, ',')
		b = appendJSONString(b, m.key)
		b = append(b, ':')
		b = append(b, parts[i]...)
	}
	return pooledJSON(append(b, '}')), nil
}

// POST /events/collect: accepted and dropped.
func (s *Server) collectEvents(c *call) (any, error) { return nil, nil }
