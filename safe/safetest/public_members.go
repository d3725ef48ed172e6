package safetest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Members of the Public API. Gen2023: src/Api/Public/Controllers/
// MembersController.cs, src/Api/Models/Public/{MemberBaseModel.cs,
// Request/Member*RequestModel.cs, Response/MemberResponseModel.cs} and
// OrganizationService's InviteUserAsync, SaveUserAsync,
// UpdateUserGroupsAsync, DeleteUserAsync and ResendInviteAsync, all called
// with no acting user, so none of the role rules between members apply.
// GenCurrent: src/Api/AdminConsole/Public/Controllers/MembersController.cs,
// the models beside it, InviteOrganizationUsersCommand and
// UpdateOrganizationUserCommand (which checks that every collection and
// group named is the team's). Not served: current servers' POST
// .../{id}/revoke and .../{id}/restore.

// publicMemberRequest is MemberCreateRequestModel (Email only there) and
// MemberUpdateRequestModel.
type publicMemberRequest struct {
	Email       *string            `json:"email"`
	Type        *int               `json:"type"`
	AccessAll   *bool              `json:"accessAll"`
	ExternalID  *string            `json:"externalId"`
	Collections *[]association     `json:"collections"`
	Groups      *[]json.RawMessage `json:"groups"`
	Permissions map[string]any     `json:"permissions"` // current servers only
}

// checkedMember is a validated publicMemberRequest.
type checkedMember struct {
	req         publicMemberRequest
	role        Role
	collections []assoc  // nil: none given
	groups      []string // nil: none given
}

// memberRequest binds and validates a member body (invite: the create
// model, with Email).
func (c *call) publicMemberRequest(ms modelState, invite bool) *checkedMember {
	var m checkedMember
	if !c.decodePublic(ms, &m.req) {
		return nil
	}
	r := &m.req
	if invite {
		switch {
		case r.Email == nil:
			ms.add("Email", "The Email field is required.")
		case len(*r.Email) > 256:
			ms.add("Email", "The field Email must be a string with a maximum length of 256.")
		case !strictEmail(*r.Email):
			ms.add("Email", "The Email field is not a supported e-mail address format.")
		}
	}
	switch {
	case r.Type == nil:
		ms.add("Type", "The Type field is required.")
	case !validRole(Role(*r.Type)) && (c.current() || *r.Type != roleManager):
		// Current: [EnumDataType]. 2023.8 binds any number; this server
		// refuses those it cannot model, as the internal API does.
		ms.add("Type", "The field Type is invalid.")
	default:
		m.role = Role(*r.Type)
	}
	if !c.current() && r.AccessAll == nil {
		ms.add("AccessAll", "The AccessAll field is required.")
	}
	checkLength(ms, "ExternalId", r.ExternalID, 300)
	if r.Collections != nil {
		m.collections = c.checkAssociations(ms, "Collections", *r.Collections)
	}
	if r.Groups != nil {
		m.groups = guidList(ms, "groups", *r.Groups)
	}
	if len(ms) == 0 && c.current() && r.Permissions != nil && m.role != RoleCustom {
		// IValidatableObject, run once the properties are valid.
		ms.add("", "Only users with the Custom role may use custom permissions.")
	}
	return &m
}

// accessAll is the request's AccessAll on 2023.8, false on current
// servers (which have no such field).
func (m *checkedMember) accessAll(c *call) bool {
	return !c.current() && m.req.AccessAll != nil && *m.req.AccessAll
}

// publicMemberOut is MemberResponseModel. details selects the constructor
// from OrganizationUserUserDetails (name, two-factor, the account's
// e-mail) over the one from the bare OrganizationUser (no name, the
// invited address); collections nil is null.
func (c *call) publicMemberOut(m *memberRec, details bool, collections []assocJSON) map[string]any {
	out := map[string]any{
		"object":                "member",
		"id":                    m.id,
		"userId":                optString(m.userID),
		"name":                  nil,
		"email":                 optString(m.email),
		"twoFactorEnabled":      false,
		"status":                m.status,
		"collections":           collections,
		"type":                  int(m.role),
		"externalId":            optString(m.externalID),
		"resetPasswordEnrolled": c.enrolled(m), // MemberBaseModel/MemberResponseModel; an empty key is stored as none
	}
	if u := c.st.users[m.userID]; details && u != nil {
		out["name"], out["email"], out["twoFactorEnabled"] = u.name, u.email, u.twoFactor != nil
	}
	if c.current() {
		out["ssoExternalId"] = nil
		out["permissions"] = nil
		if m.role == RoleCustom {
			out["permissions"] = c.permissionsJSON(m)
		}
	} else {
		out["accessAll"] = m.accessAll
	}
	return out
}

// storedMemberCollections renders m's own collection access.
func (c *call) storedMemberCollections(m *memberRec) []assocJSON {
	out := []assocJSON{}
	for _, id := range sortedKeys(m.collections) {
		out = append(out, c.assocOut(id, m.collections[id]))
	}
	return out
}

// pathMemberOf returns the member id if it belongs to o, or the bare 404.
func (c *call) pathMemberOf(id string, o *orgRec) (*memberRec, error) {
	m := c.st.members[id]
	if m == nil || m.orgID != o.id {
		return nil, errPublicNotFound
	}
	return m, nil
}

// memberCollections turns checked associations into a member's access,
// kept to the team's collections (OrganizationUser_CreateWithCollections,
// _UpdateWithCollections).
func (c *call) memberCollections(orgID string, list []assoc) map[string]access {
	out := map[string]access{}
	for _, x := range list {
		if col := c.st.collections[x.id]; col != nil && col.orgID == orgID {
			out[x.id] = x.a
		}
	}
	return out
}

// GET /api/public/members: 2023.8 lists no collections (null); current
// servers list each member's.
func (s *Server) publicListMembers(c *call, o *orgRec) (any, error) {
	var out []any
	for _, m := range c.st.orgMembers(o.id) {
		var cols []assocJSON
		if c.current() {
			cols = c.storedMemberCollections(m)
		}
		out = append(out, c.publicMemberOut(m, true, cols))
	}
	return c.publicList(out), nil
}

// GET /api/public/members/{id}
func (s *Server) publicGetMember(c *call, o *orgRec) (any, error) {
	m, err := pathOf(c, o, (*call).pathMemberOf)
	if err != nil {
		return nil, err
	}
	return c.publicMemberOut(m, true, c.storedMemberCollections(m)), nil
}

// POST /api/public/members: invites one e-mail. The answer is the new
// member with the request's collections echoed.
func (s *Server) publicInviteMember(c *call, o *orgRec) (any, error) {
	ms := modelState{}
	req := c.publicMemberRequest(ms, true)
	if err := ms.err(); err != nil {
		return nil, err
	}
	if c.current() {
		if err := c.checkManage(req.collections); err != nil {
			return nil, err
		}
	} else if req.role != RoleOwner && !c.st.hasConfirmedOwnerExcept(o.id, "") {
		return nil, publicBadRequest("Team must have at least one confirmed owner.")
	}
	email := *req.req.Email
	if c.st.knownEmail(o.id, email) {
		return nil, publicBadRequest("This user has already been invited.")
	}
	if !c.current() && !req.accessAll(c) && req.req.Collections == nil {
		// SaveUsersSendInvitesAsync calls invite.Collections.Any() on the
		// null list inside its per-e-mail try block; the ArgumentNullException
		// comes back in an AggregateException, a 400 of its own shape.
		return nil, &publicError{status: http.StatusBadRequest, message: "Errors have occurred.",
			errors: map[string][]string{"An error has occurred.": {"Value cannot be null. (Parameter 'source')"}}}
	}
	m := &memberRec{
		id: newID(), orgID: o.id, role: req.role, status: statusInvited,
		email: strings.ToLower(email), externalID: deref(req.req.ExternalID), accessAll: req.accessAll(c),
		permissions: map[string]bool{}, collections: map[string]access{}, created: c.now,
	}
	if c.current() && req.role == RoleCustom && req.req.Permissions != nil {
		m.permissions = c.permissionSet(req.req.Permissions)
	}
	if !m.accessAll {
		m.collections = c.memberCollections(o.id, req.collections)
	}
	c.st.members[m.id] = m
	c.st.setMemberGroups(m, req.groups)
	c.st.touchOrg(o.id, c.now)
	return c.publicMemberOut(m, false, c.assocsOut(req.collections, req.req.Collections != nil)), nil
}

// PUT /api/public/members/{id}: every property is replaced, collections
// included (null is none); groups are replaced only when given.
func (s *Server) publicPutMember(c *call, o *orgRec) (any, error) {
	ms := modelState{}
	id := c.pathGUID(ms)
	req := c.publicMemberRequest(ms, false)
	if err := ms.err(); err != nil {
		return nil, err
	}
	m, err := c.pathMemberOf(id, o)
	if err != nil {
		return nil, err
	}
	if c.current() {
		// UpdateOrganizationUserCommand: every collection and group named
		// must be the team's.
		for _, x := range req.collections {
			if col := c.st.collections[x.id]; col == nil || col.orgID != o.id {
				return nil, publicNotFoundException()
			}
		}
		for _, gid := range req.groups {
			if g := c.st.groups[gid]; g == nil || g.orgID != o.id {
				return nil, publicNotFoundException()
			}
		}
	}
	if req.role != RoleOwner && !c.st.hasConfirmedOwnerExcept(o.id, m.id) {
		return nil, publicBadRequest(c.teamWord() + " must have at least one confirmed owner.")
	}
	if err := c.checkManage(req.collections); err != nil {
		return nil, err
	}
	m.role, m.externalID, m.accessAll = req.role, deref(req.req.ExternalID), req.accessAll(c)
	if c.current() && req.role == RoleCustom && req.req.Permissions != nil {
		m.permissions = c.permissionSet(req.req.Permissions)
	}
	c.st.touchOrg(o.id, c.now) // a member losing access sees it too
	m.collections = map[string]access{}
	if !m.accessAll {
		m.collections = c.memberCollections(o.id, req.collections)
	}
	if req.groups != nil {
		c.st.setMemberGroups(m, req.groups)
	}
	return c.publicMemberOut(m, m.userID != "", c.assocsOut(req.collections, req.req.Collections != nil)), nil
}

// DELETE /api/public/members/{id}: no acting user, so owners may go too,
// but not the last confirmed one.
func (s *Server) publicDeleteMember(c *call, o *orgRec) (any, error) {
	m, err := pathOf(c, o, (*call).pathMemberOf)
	if err != nil {
		return nil, err
	}
	if !c.st.hasConfirmedOwnerExcept(o.id, m.id) {
		return nil, publicBadRequest(c.teamWord() + " must have at least one confirmed owner.")
	}
	c.st.touchOrg(o.id, c.now) // before: the removed member sees it too
	delete(c.st.members, m.id)
	return nil, nil
}

// GET /api/public/members/{id}/group-ids: a bare array.
func (s *Server) publicMemberGroupIDs(c *call, o *orgRec) (any, error) {
	m, err := pathOf(c, o, (*call).pathMemberOf)
	if err != nil {
		return nil, err
	}
	return c.st.memberGroupIDs(m), nil
}

// PUT /api/public/members/{id}/group-ids {"groupIds":[...]}: ids that are
// not groups of the team are dropped (GroupUser_UpdateGroups).
func (s *Server) publicPutMemberGroupIDs(c *call, o *orgRec) (any, error) {
	var req struct {
		GroupIDs *[]json.RawMessage `json:"groupIds"`
	}
	id, ids, err := c.bindIDList(&req, &req.GroupIDs, "groupIds")
	if err != nil {
		return nil, err
	}
	m, err := c.pathMemberOf(id, o)
	if err != nil {
		return nil, err
	}
	if req.GroupIDs == nil {
		// UpdateGroupsAsync enumerates the null list: an unhandled
		// exception.
		return nil, errPublicServerError
	}
	c.st.setMemberGroups(m, ids)
	c.st.touchOrg(o.id, c.now)
	return nil, nil
}

// POST /api/public/members/{id}/reinvite: there is no e-mail to send; only
// an invited member may be re-invited.
func (s *Server) publicReinviteMember(c *call, o *orgRec) (any, error) {
	m, err := pathOf(c, o, (*call).pathMemberOf)
	if err != nil {
		return nil, err
	}
	if m.status != statusInvited {
		return nil, publicBadRequest("User invalid.")
	}
	return nil, nil
}
