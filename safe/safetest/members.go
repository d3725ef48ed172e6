package safetest

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Member management: invite, re-invite, confirm, update, remove, revoke
// and restore, with the rules and messages of each generation's server.
// The facts come from, for Gen2023 (Bravura Safe, Bitwarden 2023.8):
//
//   - src/Api/Controllers/OrganizationUsersController.cs (routes, the
//     ManageUsers gate answering 404, which lookups answer 404)
//   - src/Api/Models/Request/Organizations/OrganizationUserRequestModels.cs
//     and src/Api/Models/Request/SelectionReadOnlyRequestModel.cs (bodies)
//   - src/Core/Utilities/StrictEmailAddressListAttribute.cs (e-mail list
//     messages)
//   - src/Core/Services/Implementations/OrganizationService.cs
//     (InviteUsersAsync, ResendInviteAsync, ConfirmUsersAsync,
//     SaveUserAsync, RepositoryDeleteUserAsync, RevokeUserAsync,
//     RestoreUserAsync, ValidateOrganizationUserUpdatePermissions)
//   - src/Core/Context/CurrentContext.cs (ManageUsers: Owner, Admin, or
//     Custom with manageUsers)
//
// and for GenCurrent (bitwarden/server):
//
//   - src/Api/AdminConsole/Controllers/OrganizationUsersController.cs
//     (POST {id}/remove instead of {id}/delete)
//   - src/Core/AdminConsole/OrganizationFeatures/OrganizationUsers/
//     RemoveOrganizationUserCommand.cs, RevokeUser/v1/, RestoreUser/v1/,
//     ConfirmOrganizationUserCommand.cs, UpdateOrganizationUserCommand.cs,
//     InviteUsers/ResendOrganizationInviteCommand.cs
//   - src/Core/AdminConsole/Services/Implementations/OrganizationService.cs
//     (ValidateOrganizationUserUpdatePermissions, the invite's owner rule)
//
// Bravura Safe renamed "Organization" to "Team" in its messages.

// teamWord is what the generation calls an organization in messages.
func (c *call) teamWord() string {
	if c.current() {
		return "Organization"
	}
	return "Team"
}

func (c *call) errNeedsOwner() error {
	return errBadRequest(c.teamWord() + " must have at least one confirmed owner.")
}

// managingMember returns the caller's membership of the path's team if
// the caller may manage its users (CurrentContext.ManageUsers), else the
// official 404.
func (c *call) managingMember() (*memberRec, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, err
	}
	if !m.can("manageUsers") {
		return nil, errNotFound()
	}
	return m, nil
}

// gated runs the ManageUsers gate and the body's validation in the
// generation's order. Current servers authorize first ([Authorize<...>]
// runs before model binding); 2023.8 checks ManageUsers inside the action,
// after its global model-state filter has refused an invalid body.
func (c *call) gated(body func() error) (*memberRec, error) {
	if !c.current() {
		if err := body(); err != nil {
			return nil, err
		}
	}
	m, err := c.managingMember()
	if err != nil {
		return nil, err
	}
	if c.current() {
		if err := body(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// pathMember returns the path's member {id} if it belongs to m's team.
func (c *call) pathMember(m *memberRec) *memberRec {
	t := c.st.members[c.id("id")]
	if t == nil || t.orgID != m.orgID {
		return nil
	}
	return t
}

// checkRoleChange is ValidateOrganizationUserUpdatePermissions: whether
// caller may give a member the role newRole (from oldRole, nil when
// inviting).
func (c *call) checkRoleChange(caller *memberRec, newRole Role, oldRole *Role, perms map[string]bool) error {
	if caller.role == RoleOwner {
		return nil
	}
	if newRole == RoleOwner || (oldRole != nil && *oldRole == RoleOwner) {
		return errBadRequest("Only an Owner can configure another Owner's account.")
	}
	if caller.role == RoleAdmin {
		return nil
	}
	if !c.current() && (newRole == RoleCustom || (oldRole != nil && *oldRole == RoleCustom)) {
		return errBadRequest("Only Owners and Admins can configure Custom accounts.")
	}
	if !caller.can("manageUsers") {
		return errBadRequest("Your account does not have permission to manage users.")
	}
	if newRole == RoleAdmin || (oldRole != nil && *oldRole == RoleAdmin) {
		return errBadRequest("Custom users can not manage Admins or Owners.")
	}
	if c.current() && newRole == RoleCustom {
		// ValidateCustomPermissionsGrant: a Custom member grants only
		// permissions they hold.
		for p := range perms {
			if !caller.can(p) {
				return errBadRequest("Custom users can only grant the same custom permissions that they have.")
			}
		}
	}
	return nil
}

// hasConfirmedOwnerExcept reports whether the team has a confirmed owner
// other than the member except.
func (st *store) hasConfirmedOwnerExcept(orgID, except string) bool {
	for _, m := range st.orgMembers(orgID) {
		if m.id != except && m.role == RoleOwner && m.status == statusConfirmed {
			return true
		}
	}
	return false
}

// memberRequest is OrganizationUserInviteRequestModel and
// OrganizationUserUpdateRequestModel: Emails only in the first.
type memberRequest struct {
	Emails      *[]*string         `json:"emails"`
	Type        *int               `json:"type"`
	AccessAll   bool               `json:"accessAll"`
	Permissions map[string]any     `json:"permissions"`
	Collections []selectionRequest `json:"collections"`
	// ForcePasswordReset is Bravura Safe's membership flag (Gen2023 only;
	// see recovery.go).
	ForcePasswordReset bool `json:"forcePasswordReset"`

	// late is the 2023.8 controller's own failure (new Guid(Id) on a
	// collection id that is not a GUID: a 500), after the gate.
	late error
}

// memberRequest decodes and validates an invite (invite true) or an
// update body.
func (c *call) memberRequest(invite bool) (*memberRequest, error) {
	var req memberRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	invalid := map[string][]string{}
	if invite {
		if msg := checkEmailList(req.Emails); msg != "" {
			invalid["Emails"] = []string{msg}
		}
	}
	switch {
	case req.Type == nil:
		invalid["Type"] = []string{"The Type field is required."}
	case !validRole(Role(*req.Type)) && (c.current() || *req.Type != roleManager):
		// Current: [EnumDataType], and Manager (3) is gone. 2023.8 still
		// has Manager, which it treats as a User when it comes to
		// managing members, and would store any other number too: this
		// server refuses those, as it cannot model them.
		invalid["Type"] = []string{"The field Type is invalid."}
	}
	if len(invalid) > 0 {
		return nil, &apiError{status: http.StatusBadRequest, message: msgModelInvalid, validation: invalid}
	}
	if err := c.checkSelectionLists(namedSelections{req.Collections, "Collections", "collections"}); err != nil {
		if _, ok := err.(*apiError); ok {
			return nil, err
		}
		req.late = err
	}
	if c.current() {
		req.AccessAll = false // no such field since 2024
		req.ForcePasswordReset = false
	}
	return &req, nil
}

// roleManager is 2023.8's Manager role, retired since.
const roleManager = 3

func validRole(r Role) bool {
	switch r {
	case RoleOwner, RoleAdmin, RoleUser, RoleCustom:
		return true
	}
	return false
}

// permissionSet is the stored form of a request's Permissions object:
// the generation's names whose value is true.
func (c *call) permissionSet(p map[string]any) map[string]bool {
	names := permissionNames2023
	if c.current() {
		names = permissionNamesCurrent
	}
	out := map[string]bool{}
	for k, v := range p {
		for _, n := range names {
			if strings.EqualFold(k, n) && v == true {
				out[n] = true
			}
		}
	}
	return out
}

// grants turns a request's collection list into the member's access, kept
// to the team's own collections, as the stored procedure does
// (src/Sql/dbo/Stored Procedures/OrganizationUser_UpdateWithCollections.sql;
// a missing list is an empty one, src/Infrastructure.Dapper/DapperHelpers.cs,
// so an update without "collections" removes all access). "manage" exists
// only on current servers; 2023.8 AccessAll members get none.
func (c *call) grants(orgID string, req *memberRequest) map[string]access {
	out := map[string]access{}
	if req.AccessAll {
		return out
	}
	for _, sel := range req.Collections {
		col := c.st.collections[selectionID(sel.ID)]
		if col == nil || col.orgID != orgID {
			continue
		}
		out[col.id] = access{readOnly: sel.ReadOnly, hidePasswords: sel.HidePasswords, manage: sel.Manage && c.current()}
	}
	return out
}

// mayGrant is the current server's ModifyUserAccess check on the
// collections of an invite: managers and editAnyCollection, or members
// who manage each collection. 2023.8 has no such check.
func (c *call) mayGrant(m *memberRec, grants map[string]access) bool {
	if !c.current() || m.isManager() || m.can("editAnyCollection") {
		return true
	}
	for id := range grants {
		if a, ok := m.collections[id]; !ok || !a.manage {
			return false
		}
	}
	return true
}

// POST /api/organizations/{orgId}/users/invite
func (s *Server) inviteOrgUsers(c *call) (any, error) {
	var req *memberRequest
	m, err := c.gated(func() (err error) { req, err = c.memberRequest(true); return err })
	if err != nil {
		return nil, err
	}
	if req.late != nil {
		return nil, req.late
	}
	role := Role(*req.Type)
	grants := c.grants(m.orgID, req)
	if !c.mayGrant(m, grants) {
		return nil, errNotFound()
	}
	if err := c.checkRoleChange(m, role, nil, c.permissionSet(req.Permissions)); err != nil {
		return nil, err
	}
	if role != RoleOwner && !c.st.hasConfirmedOwnerExcept(m.orgID, "") {
		return nil, c.errNeedsOwner()
	}
	seen := map[string]bool{} // Distinct(): case-sensitive, as upstream
	var fresh []string
	for _, e := range *req.Emails {
		if seen[*e] || c.st.knownEmail(m.orgID, *e) {
			continue // already a member or invited: skipped silently
		}
		seen[*e] = true
		fresh = append(fresh, *e)
	}
	if len(fresh) > 0 && req.Collections == nil && (c.current() || !req.AccessAll) {
		// InviteUsersAsync calls invite.Collections.Any() for each address
		// it invites (2023.8 unless AccessAll), and the request model
		// leaves Collections null when the body has none: an
		// ArgumentNullException, collected and rethrown as an
		// AggregateException before anything is stored. A 500.
		return nil, errors.New("ArgumentNullException: Value cannot be null. (Parameter 'source')")
	}
	for _, e := range fresh {
		cols := map[string]access{}
		for k, v := range grants {
			cols[k] = v
		}
		nm := &memberRec{
			id: newID(), orgID: m.orgID, role: role, status: statusInvited,
			email: strings.ToLower(e), accessAll: req.AccessAll, forcePasswordReset: req.ForcePasswordReset,
			permissions: c.permissionSet(req.Permissions), collections: cols, created: c.now,
		}
		c.st.members[nm.id] = nm
	}
	c.st.touchOrg(m.orgID, c.now)
	return nil, nil
}

// knownEmail is SelectKnownEmailsAsync for one address: a member of the
// team invited at it, or whose account has it, case-insensitively.
func (st *store) knownEmail(orgID, email string) bool {
	for _, m := range st.orgMembers(orgID) {
		if strings.EqualFold(m.email, email) {
			return true
		}
		if u := st.users[m.userID]; u != nil && strings.EqualFold(u.email, email) {
			return true
		}
	}
	return false
}

// The e-mail list rules of StrictEmailAddressListAttribute.
var asciiEmail = regexp.MustCompile(`^[\x00-\x7F]+@.+\.\p{L}+$`)

// checkEmailList returns the official message for the first fault of an
// invite's e-mail list, or "".
func checkEmailList(emails *[]*string) string {
	if emails == nil || len(*emails) == 0 {
		if emails == nil {
			return "The Emails field is required."
		}
		return "An email is required."
	}
	if len(*emails) > 20 {
		return "You can only submit up to 20 emails at a time."
	}
	for i, e := range *emails {
		n := strconv.Itoa(i + 1)
		if e == nil || !strictEmail(*e) {
			return "Email #" + n + " is not valid."
		}
		if len(*e) > 256 {
			return "Email #" + n + " is longer than 256 characters."
		}
	}
	return ""
}

// strictEmail approximates StrictEmailAddressAttribute: a bare address
// that parses to itself, ASCII before the @, a dotted domain ending in a
// letter, no white space or control characters.
func strictEmail(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.HasPrefix(domain, ".") {
		return false
	}
	return asciiEmail.MatchString(s)
}

// POST /api/organizations/{orgId}/users/{id}/reinvite. There is no e-mail
// to send; the invite stays as it is.
func (s *Server) reinviteOrgUser(c *call) (any, error) {
	m, err := c.managingMember()
	if err != nil {
		return nil, err
	}
	if t := c.pathMember(m); t == nil || t.status != statusInvited {
		return nil, errBadRequest("User invalid.")
	}
	return nil, nil
}

// bulkRequest is OrganizationUserBulkRequestModel.
type bulkRequest struct {
	IDs *[]string `json:"ids"`
}

// bulkResult is OrganizationUserBulkResponseModel.
type bulkResult struct {
	Object string `json:"object"`
	ID     string `json:"id"`
	Error  string `json:"error"`
}

func (c *call) bulkIDs() ([]string, error) {
	var req bulkRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.IDs == nil {
		return nil, errValidation("Ids", "The Ids field is required.")
	}
	if c.current() && len(*req.IDs) == 0 {
		// [Required, MinLength(1)] since the model became null-safe.
		return nil, errValidation("Ids", "The field Ids must be a string or array type with a minimum length of '1'.")
	}
	var ids []string
	for i, id := range *req.IDs {
		if !guidD.MatchString(id) {
			path := "$.ids[" + strconv.Itoa(i) + "]"
			return nil, errValidation(path, "The JSON value could not be converted to System.Guid. Path: "+path+".")
		}
		ids = append(ids, normID(id))
	}
	return ids, nil
}

// POST /api/organizations/{orgId}/users/reinvite: one result per known
// member, "User invalid." for those not in the invited state.
func (s *Server) bulkReinviteOrgUsers(c *call) (any, error) {
	var ids []string
	m, err := c.gated(func() (err error) { ids, err = c.bulkIDs(); return err })
	if err != nil {
		return nil, err
	}
	var out []bulkResult
	for _, id := range ids {
		t := c.st.members[id]
		if t == nil {
			continue // GetManyAsync finds nothing for it
		}
		r := bulkResult{Object: "OrganizationBulkConfirmResponseModel", ID: t.id}
		if t.orgID != m.orgID || t.status != statusInvited {
			r.Error = "User invalid."
		}
		out = append(out, r)
	}
	return newList(out), nil
}

// confirmKey validates a confirm key: a [Required] string, stored as sent
// (the server cannot check what it wraps).
func confirmKey(k *string, field string) error {
	if k == nil || strings.TrimSpace(*k) == "" {
		return errValidation(field, "The Key field is required.")
	}
	return nil
}

// confirm makes an accepted member confirmed with the team key wrapped to
// them. It reports false for anyone else (ConfirmUsersAsync skips them).
func (c *call) confirm(orgID string, t *memberRec, key string) bool {
	if t == nil || t.orgID != orgID || t.status != statusAccepted || t.userID == "" {
		return false
	}
	t.status, t.key, t.email = statusConfirmed, key, ""
	c.st.touchOrg(orgID, c.now)
	return true
}

// POST /api/organizations/{orgId}/users/{id}/confirm {"key": ...}
func (s *Server) confirmOrgUser(c *call) (any, error) {
	var req struct {
		Key *string `json:"key"`
		// Current servers only: the name of a "My items" collection that
		// a policy (not modelled here) would create.
		DefaultUserCollectionName json.RawMessage `json:"defaultUserCollectionName"`
	}
	m, err := c.gated(func() error {
		if err := c.decode(&req); err != nil {
			return err
		}
		if err := confirmKey(req.Key, "Key"); err != nil {
			return err
		}
		if c.current() {
			return checkEnc(req.DefaultUserCollectionName, "DefaultUserCollectionName", "DefaultUserCollectionName", 1000)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !c.confirm(m.orgID, c.pathMember(m), *req.Key) {
		return nil, errBadRequest("User not valid.")
	}
	return nil, nil
}

// POST /api/organizations/{orgId}/users/confirm {"keys":[{id,key}]}:
// results only for the members that could be confirmed, as upstream.
func (s *Server) bulkConfirmOrgUsers(c *call) (any, error) {
	var req struct {
		Keys *[]struct {
			ID  json.RawMessage `json:"id"`
			Key *string         `json:"key"`
		} `json:"keys"`
	}
	m, err := c.gated(func() error {
		if err := c.decode(&req); err != nil {
			return err
		}
		if req.Keys == nil {
			return errValidation("Keys", "The Keys field is required.")
		}
		for i, k := range *req.Keys {
			if id, ok := rawString(k.ID); !ok || !guidD.MatchString(id) {
				path := "$.keys[" + strconv.Itoa(i) + "].id"
				return errValidation(path, "The JSON value could not be converted to System.Guid. Path: "+path+".")
			}
			if err := confirmKey(k.Key, "Keys["+strconv.Itoa(i)+"].Key"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []bulkResult
	for _, k := range *req.Keys {
		t := c.st.members[selectionID(k.ID)]
		if c.confirm(m.orgID, t, *k.Key) {
			out = append(out, bulkResult{Object: "OrganizationBulkConfirmResponseModel", ID: t.id})
		}
	}
	return newList(out), nil
}

// PUT /api/organizations/{orgId}/users/{id} (and POST on 2023.8):
// OrganizationUserUpdateRequestModel replaces the role, permissions and
// collection access (groups do not exist here).
func (s *Server) putOrgUser(c *call) (any, error) {
	var req *memberRequest
	m, err := c.gated(func() (err error) { req, err = c.memberRequest(false); return err })
	if err != nil {
		return nil, err
	}
	t := c.pathMember(m)
	if t == nil {
		return nil, errNotFound()
	}
	if req.late != nil {
		return nil, req.late
	}
	if c.current() && req.Collections == nil {
		// The current controller reads model.Collections.Select(...) to
		// authorize each posted collection; the request model leaves it
		// null when the body has none: an ArgumentNullException, a 500.
		return nil, errors.New("ArgumentNullException: Value cannot be null. (Parameter 'source')")
	}
	role := Role(*req.Type)
	old := t.role
	if err := c.checkRoleChange(m, role, &old, c.permissionSet(req.Permissions)); err != nil {
		return nil, err
	}
	if role != RoleOwner && !c.st.hasConfirmedOwnerExcept(m.orgID, t.id) {
		return nil, c.errNeedsOwner()
	}
	if c.current() {
		for _, sel := range req.Collections {
			if sel.Manage && (sel.ReadOnly || sel.HidePasswords) {
				return nil, errBadRequest("The Manage property is mutually exclusive and cannot be true while the ReadOnly or HidePasswords properties are also true.")
			}
		}
	}
	t.role, t.accessAll, t.forcePasswordReset = role, req.AccessAll, req.ForcePasswordReset
	t.permissions = c.permissionSet(req.Permissions)
	c.st.touchOrg(m.orgID, c.now) // a member losing access sees it too
	t.collections = c.grants(m.orgID, req)
	return nil, nil
}

// DELETE /api/organizations/{orgId}/users/{id}, and POST .../{id}/delete
// (2023.8) or .../{id}/remove (current).
func (s *Server) deleteOrgUser(c *call) (any, error) {
	m, err := c.managingMember()
	if err != nil {
		return nil, err
	}
	t := c.pathMember(m)
	switch {
	case t == nil && c.current():
		return nil, &apiError{status: http.StatusNotFound, message: "User not found."}
	case t == nil:
		return nil, errBadRequest("User not valid.")
	case t.userID != "" && t.userID == c.user.id:
		return nil, errBadRequest("You cannot remove yourself.")
	}
	if c.current() {
		if t.role == RoleOwner {
			if m.role != RoleOwner {
				return nil, errBadRequest("Only owners can remove other owners.")
			}
			if !c.st.hasConfirmedOwnerExcept(m.orgID, t.id) {
				return nil, c.errNeedsOwner()
			}
		}
		if t.role == RoleAdmin && m.role == RoleCustom {
			return nil, errBadRequest("Custom users can not remove admins.")
		}
	} else {
		if t.role == RoleOwner && m.role != RoleOwner {
			return nil, errBadRequest("Only owners can delete other owners.")
		}
		if !c.st.hasConfirmedOwnerExcept(m.orgID, t.id) {
			return nil, c.errNeedsOwner()
		}
	}
	c.st.touchOrg(m.orgID, c.now) // before: the removed member sees it too
	delete(c.st.members, t.id)
	return nil, nil
}

// revokeTarget is the lookup and the role rules that revoke and restore
// share (verb: "revoke", "restore").
func (c *call) revokeTarget(verb string) (*memberRec, *memberRec, error) {
	m, err := c.managingMember()
	if err != nil {
		return nil, nil, err
	}
	t := c.pathMember(m)
	switch {
	case t == nil:
		return nil, nil, errNotFound()
	case t.userID != "" && t.userID == c.user.id:
		return nil, nil, errBadRequest("You cannot " + verb + " yourself.")
	case t.role == RoleOwner && m.role != RoleOwner:
		return nil, nil, errBadRequest("Only owners can " + verb + " other owners.")
	case c.current() && t.role == RoleAdmin && !m.isManager():
		return nil, nil, errBadRequest("Custom users can not " + verb + " admins.")
	}
	return m, t, nil
}

// PUT|PATCH /api/organizations/{orgId}/users/{id}/revoke: the member keeps
// the record (and key) but loses all access.
func (s *Server) revokeOrgUser(c *call) (any, error) {
	m, t, err := c.revokeTarget("revoke")
	if err != nil {
		return nil, err
	}
	if t.status == statusRevoked {
		return nil, errBadRequest("Already revoked.")
	}
	if !c.st.hasConfirmedOwnerExcept(m.orgID, t.id) {
		return nil, c.errNeedsOwner()
	}
	c.st.touchOrg(m.orgID, c.now)
	t.status = statusRevoked
	return nil, nil
}

// PUT|PATCH /api/organizations/{orgId}/users/{id}/restore: back to the
// status the record shows it had (no user: invited; no key: accepted).
func (s *Server) restoreOrgUser(c *call) (any, error) {
	m, t, err := c.revokeTarget("restore")
	if err != nil {
		return nil, err
	}
	if t.status != statusRevoked {
		return nil, errBadRequest("Already active.")
	}
	switch {
	case t.userID == "":
		t.status = statusInvited
	case t.key == "":
		t.status = statusAccepted
	default:
		t.status = statusConfirmed
	}
	c.st.touchOrg(m.orgID, c.now)
	return nil, nil
}

// PUT /api/organizations/{orgId}/collections/{id}/users (2023.8): a bare
// array of SelectionReadOnlyRequestModel replaces the collection's member
// access. Who may call it is who may edit the collection.
func (s *Server) putOrgCollectionUsers(c *call) (any, error) {
	col, m, err := c.orgCollection()
	if err != nil {
		return nil, err
	}
	if !c.managesCollection(m, col, "editAnyCollection") {
		return nil, errNotFound()
	}
	var users []selectionRequest
	if err := c.decode(&users); err != nil {
		return nil, err
	}
	if err := c.checkSelectionLists(namedSelections{users, "", ""}); err != nil {
		return nil, err
	}
	kept := []selectionRequest{}
	for _, u := range users {
		if mm := c.st.members[selectionID(u.ID)]; mm != nil && mm.orgID == col.orgID {
			kept = append(kept, u)
		}
	}
	c.st.touchOrg(col.orgID, c.now)
	c.applyUsers(col, kept)
	return nil, nil
}
