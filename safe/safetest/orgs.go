package safetest

import "errors"

// Team (organization) endpoints: listing members and the team keys.
// Member management (invite, confirm, remove, ...) is in members.go,
// account recovery in recovery.go.

// managesUsers reports whether m may see the team's member list. 2023.8
// lets anyone who views or manages collections or groups list it; current
// servers only those who manage users.
func (c *call) managesUsers(m *memberRec) bool {
	if c.current() {
		return m.can("manageUsers")
	}
	for _, p := range []string{"manageUsers", "manageGroups", "editAnyCollection", "deleteAnyCollection",
		"editAssignedCollections", "deleteAssignedCollections"} {
		if m.can(p) {
			return true
		}
	}
	return false
}

// memberOut renders a membership as organizationUserUserDetails (list) or
// organizationUserDetails (single), the two response models of
// OrganizationUserResponseModel.cs (src/Api/Models/Response/Organizations/
// on 2023.8, src/Api/AdminConsole/Models/Response/Organizations/ now).
// Neither has an organizationId; only the list's model has the user's
// name, e-mail, avatar colour, two-factor flag and SSO binding.
func (c *call) memberOut(m *memberRec, object string, withCollections, withGroups bool) map[string]any {
	u := c.st.users[m.userID]
	out := map[string]any{
		"object":                object,
		"id":                    m.id,
		"userId":                optString(m.userID),
		"type":                  int(m.role),
		"status":                m.status,
		"externalId":            optString(m.externalID),
		"accessSecretsManager":  false,
		"permissions":           c.permissionsJSON(m),
		"resetPasswordEnrolled": c.enrolled(m),
		"usesKeyConnector":      false,
	}
	if object == "organizationUserUserDetails" {
		out["name"], out["email"], out["avatarColor"] = nil, nil, nil
		out["twoFactorEnabled"], out["ssoBound"] = false, false
		if u != nil {
			out["name"] = u.name
			out["email"] = u.email
			out["twoFactorEnabled"] = u.twoFactor != nil
		} else {
			out["email"] = optString(m.email) // invited: the address the invite went to
		}
	}
	if c.current() {
		out["hasMasterPassword"] = true
		out["claimedByOrganization"] = false
		out["creationDate"] = fmtTime(m.created)
	} else {
		out["accessAll"] = m.accessAll
		out["forcePasswordReset"] = m.forcePasswordReset // Bravura Safe's membership flag
	}
	if withCollections {
		cols := []selectionJSON{}
		for _, id := range sortedKeys(m.collections) {
			cols = append(cols, c.selection(id, m.collections[id]))
		}
		out["collections"] = cols
	}
	if withGroups {
		out["groups"] = c.st.memberGroupIDs(m)
	}
	return out
}

// GET /api/organizations/{orgId}/users[?includeCollections=true&includeGroups=true]
func (s *Server) listOrgUsers(c *call) (any, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, err
	}
	// Current servers show those who manage account recovery, but not
	// users, the confirmed members enrolled in it
	// (OrganizationUserUserDetailsQuery.GetAccountRecoveryEnrolledUsers).
	enrolledOnly := c.current() && !c.managesUsers(m) && m.can("manageResetPassword")
	if !c.managesUsers(m) && !enrolledOnly {
		return nil, errNotFound()
	}
	withCols, withGroups := c.queryBool("includeCollections"), c.queryBool("includeGroups")
	var out []map[string]any
	for _, mm := range c.st.orgMembers(m.orgID) {
		if enrolledOnly && (mm.status != statusConfirmed || !c.enrolled(mm)) {
			continue
		}
		out = append(out, c.memberOut(mm, "organizationUserUserDetails", withCols, withGroups))
	}
	return newList(out), nil
}

// GET /api/organizations/{orgId}/users/{id}. Current servers authorize
// ManageUsers on the path's team and answer 404 for a member of another
// team. 2023.8 ignores the path's team: it parses the id (new Guid(id), a
// 500 for anything that is not a GUID), loads that membership and checks
// ManageUsers on the membership's own team, so a caller who manages two
// teams reads a member of either through the other's path.
func (s *Server) getOrgUser(c *call) (any, error) {
	if !c.current() && !dotnetGUID(c.r.PathValue("id")) {
		return nil, errors.New("FormatException: Guid should contain 32 digits with 4 dashes")
	}
	orgID := c.id("orgId")
	target := c.st.members[c.id("id")]
	if target != nil && !c.current() {
		orgID = target.orgID
	}
	m := c.st.membership(c.user.id, orgID)
	if m == nil || !m.can("manageUsers") || target == nil || target.orgID != m.orgID {
		return nil, errNotFound()
	}
	return c.memberOut(target, "organizationUserDetails", true, c.queryBool("includeGroups")), nil
}

// GET /api/organizations/{orgId}/users/mini-details (GenCurrent): any
// member may list the team's members.
func (s *Server) listOrgUsersMini(c *call) (any, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, mm := range c.st.orgMembers(m.orgID) {
		o := map[string]any{
			"object": "organizationUserUserMiniDetails",
			"id":     mm.id,
			"userId": optString(mm.userID),
			"type":   int(mm.role),
			"status": mm.status,
			"name":   nil,
			"email":  nil,
		}
		if u := c.st.users[mm.userID]; u != nil {
			o["name"], o["email"] = u.name, u.email
		} else {
			o["email"] = optString(mm.email)
		}
		out = append(out, o)
	}
	return newList(out), nil
}

// GET /api/organizations/{orgId}/public-key, and GET .../keys, its alias
// since 2023.8 ("TDL-136 Renamed to public-key (2023.8), left for
// backwards compatability with older clients"): the team's public key
// alone, OrganizationPublicKeyResponseModel, on both generations. The
// server checks no membership: any logged-in user reads any team's public
// key (an accepted member enrols in account recovery with it before being
// confirmed), and an unknown team is a 404; new Guid(id) fails an id that
// is no Guid with a 500. Bravura-Security/bravura-safe_server
// src/Api/AdminConsole/Controllers/OrganizationsController.cs (GetPublicKey,
// GetKeys; commits e9c307e2 and 075d2d58), and bitwarden/server's, the same
// to this day (033e1591). No GET route serves the private key here: POST
// .../keys answers it to the client that uploaded it, and current
// upstream's GET .../private-key (ManageUsers, behind the GenerateInviteLink
// feature flag) is not served.
func (s *Server) orgPublicKey(c *call) (any, error) {
	id, ok := canonicalGUID(c.r.PathValue("orgId"))
	if !ok {
		return nil, errors.New("FormatException: Guid should contain 32 digits with 4 dashes")
	}
	o := c.st.orgs[id]
	if o == nil {
		return nil, errNotFound()
	}
	return map[string]any{"object": "organizationPublicKey", "publicKey": optString(o.publicKey)}, nil
}
