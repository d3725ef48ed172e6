package safetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Groups: the minimum the Public API needs. A group has a name, an
// external id, collection access and members. The Public API's groups
// controller (Gen2023: src/Api/Public/Controllers/GroupsController.cs,
// src/Core/OrganizationFeatures/Groups/{Create,Update}GroupCommand.cs;
// GenCurrent: src/Api/AdminConsole/Public/Controllers/GroupsController.cs,
// src/Core/AdminConsole/OrganizationFeatures/Groups/) creates, updates,
// deletes and lists them; the member listing of the internal API reports
// each member's groups.
//
// Not modelled: the collection access of a group does not yet give its
// members access to items (the official server's stored procedures join
// CollectionGroup and GroupUser into every access check); on this server
// only a member's own access counts, which is stricter, never laxer. The
// internal API's group endpoints (/api/organizations/{id}/groups) are not
// served.

// groupRec is a group. Its collections and members are kept as the
// Group, CollectionGroup and GroupUser rows are; rows naming a collection
// or member that is gone are dropped when read (the cascades of the
// official schema), so that removing either elsewhere needs no change
// here.
type groupRec struct {
	id, orgID, name, externalID string
	accessAll                   bool // Gen2023 only
	collections                 map[string]access
	members                     map[string]bool // membership ids
	created, revision           time.Time
}

// groupCollections returns g's collection access that still names a
// collection of its team, by collection id.
func (st *store) groupCollections(g *groupRec) map[string]access {
	out := map[string]access{}
	for id, a := range g.collections {
		if col := st.collections[id]; col != nil && col.orgID == g.orgID {
			out[id] = a
		}
	}
	return out
}

// groupMemberIDs returns the ids of g's members that are still members of
// its team, sorted.
func (st *store) groupMemberIDs(g *groupRec) []string {
	out := []string{}
	for id := range g.members {
		if m := st.members[id]; m != nil && m.orgID == g.orgID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// memberGroupIDs returns the ids of the groups m belongs to, sorted: what
// GroupUser_ReadGroupIdsByOrganizationUserId reads.
func (st *store) memberGroupIDs(m *memberRec) []string {
	out := []string{}
	for _, g := range st.groups {
		if g.orgID == m.orgID && g.members[m.id] {
			out = append(out, g.id)
		}
	}
	slices.Sort(out)
	return out
}

// orgGroups returns a team's groups by creation, then id.
func (st *store) orgGroups(orgID string) []*groupRec {
	var out []*groupRec
	for _, g := range st.groups {
		if g.orgID == orgID {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b *groupRec) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}

// setMemberGroups is GroupUser_UpdateGroups: m's groups become those of
// ids that are groups of m's team.
func (st *store) setMemberGroups(m *memberRec, ids []string) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, g := range st.groups {
		if g.orgID != m.orgID {
			continue
		}
		if want[g.id] {
			g.members[m.id] = true
		} else {
			delete(g.members, m.id)
		}
	}
}

// setGroupMembers is GroupUser_UpdateUsers: g's members become those of
// ids that are members of g's team.
func (st *store) setGroupMembers(g *groupRec, ids []string) {
	g.members = map[string]bool{}
	for _, id := range ids {
		if m := st.members[id]; m != nil && m.orgID == g.orgID {
			g.members[id] = true
		}
	}
}

// setGroupCollections replaces g's collection access with the checked
// associations that name collections of its team.
func (st *store) setGroupCollections(g *groupRec, list []assoc) {
	g.collections = map[string]access{}
	for _, x := range list {
		if col := st.collections[x.id]; col != nil && col.orgID == g.orgID {
			g.collections[x.id] = x.a
		}
	}
}

// A Group is a seeded group of a team.
type Group struct {
	ID     string
	TeamID string
	Name   string
}

// AddGroup creates a group of team with the given members (membership
// ids), as an admin does in the web vault. Its collection access is set
// through the Public API (PUT /api/public/groups/{id}).
func (s *Server) AddGroup(team *Team, name string, memberIDs ...string) (*Group, error) {
	if team == nil || name == "" {
		return nil, errors.New("safetest: AddGroup needs a team and a name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.orgs[team.ID] == nil {
		return nil, fmt.Errorf("safetest: AddGroup: team: %w", ErrNotFound)
	}
	for _, id := range memberIDs {
		if m := s.st.members[normID(id)]; m == nil || m.orgID != team.ID {
			return nil, fmt.Errorf("safetest: AddGroup: member %q: %w", id, ErrNotFound)
		}
	}
	now := s.st.tick(s.now())
	g := &groupRec{id: newID(), orgID: team.ID, name: name, collections: map[string]access{}, members: map[string]bool{},
		created: now, revision: now}
	for _, id := range memberIDs {
		g.members[normID(id)] = true
	}
	s.st.groups[g.id] = g
	s.st.touchOrg(team.ID, now)
	return &Group{ID: g.id, TeamID: team.ID, Name: name}, nil
}

// groupRequest is GroupCreateUpdateRequestModel.
type groupRequest struct {
	Name        *string        `json:"name"`
	AccessAll   *bool          `json:"accessAll"`
	ExternalID  *string        `json:"externalId"`
	Collections *[]association `json:"collections"`
}

// checkedGroup is a validated groupRequest.
type checkedGroup struct {
	req         groupRequest
	collections []assoc // nil: none given
}

// groupRequest binds and validates the body of a group create or update.
func (c *call) groupRequest(ms modelState) *checkedGroup {
	var g checkedGroup
	if !c.decodePublic(ms, &g.req) {
		return nil
	}
	if g.req.Name == nil {
		ms.add("Name", "The Name field is required.")
	}
	checkLength(ms, "Name", g.req.Name, 100)
	if !c.current() && g.req.AccessAll == nil {
		ms.add("AccessAll", "The AccessAll field is required.")
	}
	checkLength(ms, "ExternalId", g.req.ExternalID, 300)
	if g.req.Collections != nil {
		g.collections = c.checkAssociations(ms, "Collections", *g.req.Collections)
	}
	return &g
}

// publicGroupOut is GroupResponseModel; collections nil is null.
func (c *call) publicGroupOut(g *groupRec, collections []assocJSON) map[string]any {
	out := map[string]any{
		"object":      "group",
		"id":          g.id,
		"name":        g.name,
		"externalId":  optString(g.externalID),
		"collections": collections,
	}
	if !c.current() {
		out["accessAll"] = g.accessAll
	}
	return out
}

// storedGroupCollections renders g's stored collection access.
func (c *call) storedGroupCollections(g *groupRec) []assocJSON {
	cols := c.st.groupCollections(g)
	out := []assocJSON{}
	for _, id := range sortedKeys(cols) {
		out = append(out, c.assocOut(id, cols[id]))
	}
	return out
}

// pathGroup returns the path's group if it belongs to o, or the bare 404.
func (c *call) pathGroup(id string, o *orgRec) (*groupRec, error) {
	g := c.st.groups[id]
	if g == nil || g.orgID != o.id {
		return nil, errPublicNotFound
	}
	return g, nil
}

// GET /api/public/groups: every group with its collections.
func (s *Server) publicListGroups(c *call, o *orgRec) (any, error) {
	var out []any
	for _, g := range c.st.orgGroups(o.id) {
		out = append(out, c.publicGroupOut(g, c.storedGroupCollections(g)))
	}
	return c.publicList(out), nil
}

// GET /api/public/groups/{id}
func (s *Server) publicGetGroup(c *call, o *orgRec) (any, error) {
	g, err := pathOf(c, o, (*call).pathGroup)
	if err != nil {
		return nil, err
	}
	return c.publicGroupOut(g, c.storedGroupCollections(g)), nil
}

// POST /api/public/groups: the answer echoes the request's collections.
func (s *Server) publicPostGroup(c *call, o *orgRec) (any, error) {
	ms := modelState{}
	req := c.groupRequest(ms)
	if err := ms.err(); err != nil {
		return nil, err
	}
	if err := c.checkManage(req.collections); err != nil {
		return nil, err
	}
	g := &groupRec{id: newID(), orgID: o.id, collections: map[string]access{}, members: map[string]bool{},
		created: c.now, revision: c.now}
	c.applyGroup(g, req)
	if req.collections != nil {
		c.st.setGroupCollections(g, req.collections)
	}
	c.st.groups[g.id] = g
	c.st.touchOrg(o.id, c.now)
	return c.publicGroupOut(g, c.assocsOut(req.collections, req.req.Collections != nil)), nil
}

// applyGroup is ToGroup: name, access-all and external id are replaced.
func (c *call) applyGroup(g *groupRec, req *checkedGroup) {
	g.name = *req.req.Name
	g.accessAll = !c.current() && *req.req.AccessAll
	g.externalID = deref(req.req.ExternalID)
	g.revision = c.now
}

// PUT /api/public/groups/{id}: collections null keeps the group's
// collection access; a list replaces it. Current servers first check that
// every listed collection is the team's (a 404 otherwise).
func (s *Server) publicPutGroup(c *call, o *orgRec) (any, error) {
	ms := modelState{}
	id := c.pathGUID(ms)
	req := c.groupRequest(ms)
	if err := ms.err(); err != nil {
		return nil, err
	}
	g, err := c.pathGroup(id, o)
	if err != nil {
		return nil, err
	}
	if c.current() {
		for _, x := range req.collections {
			if col := c.st.collections[x.id]; col == nil || col.orgID != o.id {
				return nil, publicNotFoundException()
			}
		}
		if err := c.checkManage(req.collections); err != nil {
			return nil, err
		}
	}
	c.applyGroup(g, req)
	if req.collections != nil {
		c.st.setGroupCollections(g, req.collections)
	}
	c.st.touchOrg(o.id, c.now)
	return c.publicGroupOut(g, c.assocsOut(req.collections, req.req.Collections != nil)), nil
}

// DELETE /api/public/groups/{id}: its CollectionGroup and GroupUser rows
// go with it.
func (s *Server) publicDeleteGroup(c *call, o *orgRec) (any, error) {
	g, err := pathOf(c, o, (*call).pathGroup)
	if err != nil {
		return nil, err
	}
	c.st.touchOrg(o.id, c.now)
	delete(c.st.groups, g.id)
	return nil, nil
}

// GET /api/public/groups/{id}/member-ids: a bare array.
func (s *Server) publicGroupMemberIDs(c *call, o *orgRec) (any, error) {
	g, err := pathOf(c, o, (*call).pathGroup)
	if err != nil {
		return nil, err
	}
	return c.st.groupMemberIDs(g), nil
}

// PUT /api/public/groups/{id}/member-ids {"memberIds":[...]}: ids that
// are not members of the team are dropped (GroupUser_UpdateUsers).
func (s *Server) publicPutGroupMemberIDs(c *call, o *orgRec) (any, error) {
	var req struct {
		MemberIDs *[]json.RawMessage `json:"memberIds"`
	}
	id, ids, err := c.bindIDList(&req, &req.MemberIDs, "memberIds")
	if err != nil {
		return nil, err
	}
	g, err := c.pathGroup(id, o)
	if err != nil {
		return nil, err
	}
	if req.MemberIDs == nil {
		// UpdateUsersAsync enumerates the null list: an unhandled
		// exception.
		return nil, errPublicServerError
	}
	c.st.setGroupMembers(g, ids)
	c.st.touchOrg(o.id, c.now)
	return nil, nil
}

// groupSelections lists the groups with access to col, as the internal
// API's collection details do (SelectionReadOnlyResponseModel).
func (c *call) groupSelections(col *collectionRec) []selectionJSON {
	out := []selectionJSON{}
	for _, g := range c.st.orgGroups(col.orgID) {
		if a, ok := g.collections[col.id]; ok {
			out = append(out, c.selection(g.id, a))
		}
	}
	return out
}
