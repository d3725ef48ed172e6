package safetest

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// collectionJSON is a collection object; which fields it has depends on
// the kind and the generation, so it is built as a map.
type collectionJSON = map[string]any

type collectionKind int

const (
	kindCollection              collectionKind = iota // "collection"
	kindCollectionDetails                             // + the caller's access
	kindCollectionAccessDetails                       // + assigned, users, groups
)

var collectionKindNames = [...]string{"collection", "collectionDetails", "collectionAccessDetails"}

func (c *call) collectionOut(col *collectionRec, kind collectionKind) collectionJSON {
	out := collectionJSON{
		"object":         collectionKindNames[kind],
		"id":             col.id,
		"organizationId": col.orgID,
		"name":           col.name,
		"externalId":     optString(col.externalID),
	}
	if c.current() {
		out["type"] = 0
		out["defaultUserCollectionEmail"] = nil
	}
	if kind == kindCollection {
		return out
	}
	a, _ := c.st.collectionAccess(c.user, col)
	out["readOnly"] = a.readOnly
	out["hidePasswords"] = a.hidePasswords
	if c.current() {
		out["manage"] = a.manage
	}
	if kind == kindCollectionAccessDetails {
		assigned := false
		if m := c.st.membership(c.user.id, col.orgID); m != nil {
			_, assigned = m.collections[col.id]
		}
		out["assigned"] = assigned
		out["groups"] = c.groupSelections(col)
		out["users"] = c.selections(col)
		if c.current() {
			out["unmanaged"] = false
		}
	}
	return out
}

// selectionJSON is SelectionReadOnlyResponseModel: one member's access.
type selectionJSON struct {
	ID            string `json:"id"`
	ReadOnly      bool   `json:"readOnly"`
	HidePasswords bool   `json:"hidePasswords"`
	Manage        *bool  `json:"manage,omitempty"`
}

func (c *call) selection(id string, a access) selectionJSON {
	s := selectionJSON{ID: id, ReadOnly: a.readOnly, HidePasswords: a.hidePasswords}
	if c.current() {
		m := a.manage
		s.Manage = &m
	}
	return s
}

// selections lists the members assigned to col.
func (c *call) selections(col *collectionRec) []selectionJSON {
	out := []selectionJSON{}
	for _, m := range c.st.orgMembers(col.orgID) {
		if a, ok := m.collections[col.id]; ok {
			out = append(out, c.selection(m.id, a))
		}
	}
	return out
}

// orgMember returns the caller's confirmed membership of the path's
// organization, or the official 404.
func (c *call) orgMember() (*memberRec, error) {
	m := c.st.membership(c.user.id, c.id("orgId"))
	if m == nil {
		return nil, errNotFound()
	}
	return m, nil
}

// orgCollection returns the path's collection if it belongs to the path's
// organization and the caller may see it.
func (c *call) orgCollection() (*collectionRec, *memberRec, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, nil, err
	}
	col := c.st.collections[c.id("id")]
	if col == nil || col.orgID != m.orgID {
		return nil, nil, errNotFound()
	}
	if _, ok := c.st.collectionAccess(c.user, col); !ok && !m.can("editAnyCollection") {
		return nil, nil, errNotFound()
	}
	return col, m, nil
}

func (c *call) orgCollections(orgID string) []*collectionRec {
	var out []*collectionRec
	for _, col := range c.st.collections {
		if col.orgID == orgID {
			out = append(out, col)
		}
	}
	sortCollections(out)
	return out
}

// GET /api/collections: the caller's collections in every team.
func (s *Server) userCollections(c *call) (any, error) {
	var out []collectionJSON
	for _, col := range c.st.visibleCollections(c.user) {
		out = append(out, c.collectionOut(col, kindCollectionDetails))
	}
	return newList(out), nil
}

// viewsAll reports whether m may list every collection of its team.
func viewsAll(m *memberRec) bool {
	return m.can("editAnyCollection") || m.can("deleteAnyCollection") ||
		m.can("manageGroups") || m.can("manageUsers")
}

// GET /api/organizations/{orgId}/collections. Managers get every
// collection; on GenCurrent other members get the assigned ones they
// manage, on Gen2023 a 404 (the CLI then uses GET /api/collections).
func (s *Server) listOrgCollections(c *call) (any, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, err
	}
	var out []collectionJSON
	switch {
	case viewsAll(m):
		for _, col := range c.orgCollections(m.orgID) {
			out = append(out, c.collectionOut(col, kindCollection))
		}
	case c.current():
		for _, col := range c.orgCollections(m.orgID) {
			if a, ok := m.collections[col.id]; ok && a.manage {
				out = append(out, c.collectionOut(col, kindCollection))
			}
		}
	default:
		return nil, errNotFound()
	}
	return newList(out), nil
}

// GET /api/organizations/{orgId}/collections/details
func (s *Server) listOrgCollectionDetails(c *call) (any, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, err
	}
	var out []collectionJSON
	for _, col := range c.orgCollections(m.orgID) {
		if _, assigned := m.collections[col.id]; assigned || viewsAll(m) {
			out = append(out, c.collectionOut(col, kindCollectionAccessDetails))
		}
	}
	return newList(out), nil
}

// GET /api/organizations/{orgId}/collections/{id}
func (s *Server) getOrgCollection(c *call) (any, error) {
	col, _, err := c.orgCollection()
	if err != nil {
		return nil, err
	}
	return c.collectionOut(col, kindCollection), nil
}

// GET /api/organizations/{orgId}/collections/{id}/details
func (s *Server) getOrgCollectionDetails(c *call) (any, error) {
	col, _, err := c.orgCollection()
	if err != nil {
		return nil, err
	}
	return c.collectionOut(col, kindCollectionAccessDetails), nil
}

// GET /api/organizations/{orgId}/collections/{id}/users: a bare array.
func (s *Server) getOrgCollectionUsers(c *call) (any, error) {
	col, _, err := c.orgCollection()
	if err != nil {
		return nil, err
	}
	return c.selections(col), nil
}

// selectionRequest is SelectionReadOnlyRequestModel: one user's (by
// membership ID) or group's access. ID stays raw: how it is checked
// depends on the generation (see checkSelections).
type selectionRequest struct {
	ID            json.RawMessage `json:"id"`
	ReadOnly      bool            `json:"readOnly"`
	HidePasswords bool            `json:"hidePasswords"`
	Manage        bool            `json:"manage"`
}

type collectionRequest struct {
	Name       *string             `json:"name"`
	ExternalID *string             `json:"externalId"`
	Groups     []selectionRequest  `json:"groups"`
	Users      *[]selectionRequest `json:"users"`
}

func (c *call) collectionRequest(orgID string) (*collectionRequest, error) {
	var req collectionRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Name == nil {
		return nil, errValidation("Name", "The Name field is required.")
	}
	if err := checkEnc(mustMarshal(*req.Name), "Name", "Name", maxNameLen); err != nil {
		return nil, err
	}
	var users []selectionRequest
	if req.Users != nil {
		users = *req.Users
	}
	if err := c.checkSelections(users, req.Groups); err != nil {
		return nil, err
	}
	// Ids that name no member (or group) of this team are dropped, as the
	// official server's stored procedure keeps only the organization's own.
	// Groups do not exist on this server yet, so every group id is dropped.
	if req.Users != nil {
		kept := []selectionRequest{}
		for _, u := range users {
			if m := c.st.members[selectionID(u.ID)]; m != nil && m.orgID == orgID {
				kept = append(kept, u)
			}
		}
		req.Users = &kept
	}
	return &req, nil
}

// selectionID is the checked selection id in the canonical form (lower
// case, "D" format) that the store keys members by.
func selectionID(raw json.RawMessage) string {
	s, _ := rawString(raw)
	s = strings.Trim(normID(s), "{}()")
	if len(s) == 32 {
		s = s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
	}
	return s
}

// checkSelections validates the ids of a collection request's access
// lists as the generation's server does:
//
//   - 2023.8: Id is a [Required] string. A missing, null, empty or blank
//     id is a model-state 400 ("Users[0].Id": "The Id field is required.");
//     a string that is not a GUID passes validation and then fails
//     new Guid(Id) in the controller: a 500.
//   - current: Id is a Guid. Anything but a GUID in the "D" format fails
//     JSON conversion: a model-state 400 keyed by the JSON path (the
//     official message also gives the line and byte position, left out
//     here). A missing id is the empty GUID, which names no one.
func (c *call) checkSelections(users, groups []selectionRequest) error {
	return c.checkSelectionLists(namedSelections{users, "Users", "users"}, namedSelections{groups, "Groups", "groups"})
}

// namedSelections is an access list of a request with its property name
// in model-state keys (model) and in JSON paths (json); both empty for a
// body that is the list itself.
type namedSelections struct {
	list        []selectionRequest
	model, json string
}

// checkSelectionLists checks the ids of access lists as checkSelections
// describes.
func (c *call) checkSelectionLists(lists ...namedSelections) error {
	invalid := map[string][]string{}
	unparsable := false
	for _, l := range lists {
		for i, sel := range l.list {
			idx := "[" + strconv.Itoa(i) + "]"
			s, isString := rawString(sel.ID)
			path := "$." + l.json + idx + ".id"
			if l.json == "" {
				path = "$" + idx + ".id"
			}
			if c.current() {
				if len(sel.ID) > 0 && !isNull(sel.ID) && (!isString || !guidD.MatchString(s)) {
					invalid[path] = append(invalid[path], "The JSON value could not be converted to System.Guid. Path: "+path+".")
				}
				continue
			}
			switch {
			case len(sel.ID) > 0 && !isNull(sel.ID) && !isString:
				invalid[path] = append(invalid[path], "The JSON value could not be converted to System.String. Path: "+path+".")
			case strings.TrimSpace(s) == "":
				key := l.model + idx + ".Id"
				invalid[key] = append(invalid[key], "The Id field is required.")
			case !dotnetGUID(s):
				unparsable = true
			}
		}
	}
	if len(invalid) > 0 {
		return &apiError{status: http.StatusBadRequest, message: msgModelInvalid, validation: invalid}
	}
	if unparsable {
		return errors.New("safetest: selection id is not a GUID") // the official 500
	}
	return nil
}

// rawString returns the string a raw JSON value holds, if it is one.
func rawString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

var (
	guidD   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	guidN   = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	guidBox = regexp.MustCompile(`^[{(][0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}[})]$`)
)

// dotnetGUID reports whether .NET's new Guid(s) accepts s: the "D", "N",
// "B" and "P" formats, surrounding white space allowed.
func dotnetGUID(s string) bool {
	s = strings.TrimSpace(s)
	if guidBox.MatchString(s) {
		return (s[0] == '{') == (s[len(s)-1] == '}')
	}
	return guidD.MatchString(s) || guidN.MatchString(s)
}

// applyUsers replaces a collection's member access with the request's
// (already reduced to members of the collection's team). "manage" exists
// only on current servers.
func (c *call) applyUsers(col *collectionRec, users []selectionRequest) {
	for _, m := range c.st.orgMembers(col.orgID) {
		delete(m.collections, col.id)
	}
	for _, u := range users {
		m := c.st.members[selectionID(u.ID)]
		m.collections[col.id] = access{readOnly: u.ReadOnly, hidePasswords: u.HidePasswords, manage: u.Manage && c.current()}
	}
}

// POST /api/organizations/{orgId}/collections
func (s *Server) postOrgCollection(c *call) (any, error) {
	m, err := c.orgMember()
	if err != nil {
		return nil, err
	}
	if !m.can("createNewCollections") {
		return nil, errNotFound()
	}
	req, err := c.collectionRequest(m.orgID)
	if err != nil {
		return nil, err
	}
	col := &collectionRec{id: newID(), orgID: m.orgID, name: *req.Name}
	if req.ExternalID != nil {
		col.externalID = *req.ExternalID
	}
	c.st.collections[col.id] = col
	if req.Users != nil {
		c.applyUsers(col, *req.Users)
	}
	// 2023.8 gives a creator who edits only assigned collections access to
	// the new one (CollectionService.SaveAsync's assignUserId).
	if !c.current() && !m.can("editAnyCollection") && m.can("editAssignedCollections") {
		m.collections[col.id] = access{}
	}
	c.st.touchOrg(col.orgID, c.now)
	if c.current() {
		return c.collectionOut(col, kindCollectionAccessDetails), nil
	}
	return c.collectionOut(col, kindCollection), nil
}

// managesCollection reports whether m may edit or delete col: managers,
// Custom roles with the permission, and (current servers) members with
// manage access to it.
func (c *call) managesCollection(m *memberRec, col *collectionRec, perm string) bool {
	if m.can(perm) {
		return true
	}
	a, ok := m.collections[col.id]
	return c.current() && ok && a.manage
}

// PUT /api/organizations/{orgId}/collections/{id} (and legacy POST)
func (s *Server) putOrgCollection(c *call) (any, error) {
	col, m, err := c.orgCollection()
	if err != nil {
		return nil, err
	}
	if !c.managesCollection(m, col, "editAnyCollection") {
		return nil, errNotFound()
	}
	req, err := c.collectionRequest(m.orgID)
	if err != nil {
		return nil, err
	}
	col.name = *req.Name
	col.externalID = ""
	if req.ExternalID != nil {
		col.externalID = *req.ExternalID
	}
	c.st.touchOrg(col.orgID, c.now) // members about to lose access see it too
	if req.Users != nil {
		c.applyUsers(col, *req.Users)
	}
	c.st.touchOrg(col.orgID, c.now)
	if c.current() {
		return c.collectionOut(col, kindCollectionAccessDetails), nil
	}
	return c.collectionOut(col, kindCollection), nil
}

// DELETE /api/organizations/{orgId}/collections/{id} (and legacy POST
// .../delete). Items in it stay in the team.
func (s *Server) deleteOrgCollection(c *call) (any, error) {
	col, m, err := c.orgCollection()
	if err != nil {
		return nil, err
	}
	if !c.managesCollection(m, col, "deleteAnyCollection") {
		return nil, errNotFound()
	}
	c.st.deleteCollection(col, c.now)
	return nil, nil
}
