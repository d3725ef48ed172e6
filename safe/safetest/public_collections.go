package safetest

import "time"

// Collections of the Public API: no names (they are encrypted with the
// team key, which a team API key cannot reach) and no create. Gen2023:
// src/Api/Public/Controllers/CollectionsController.cs with
// src/Api/Models/Public/{CollectionBaseModel.cs,
// Request/CollectionUpdateRequestModel.cs,
// Response/CollectionResponseModel.cs} and CollectionService.SaveAsync;
// GenCurrent: src/Api/AdminConsole/Public/Controllers/
// CollectionsController.cs, src/Api/AdminConsole/Models/Public and
// UpdateCollectionCommand.

// publicCollectionOut is CollectionResponseModel; groups nil is null.
func (c *call) publicCollectionOut(col *collectionRec, groups []assocJSON) map[string]any {
	return map[string]any{
		"object":     "collection",
		"id":         col.id,
		"externalId": optString(col.externalID),
		"groups":     groups,
	}
}

// collectionGroups renders the groups with access to col (CollectionGroup).
func (c *call) collectionGroups(col *collectionRec) []assocJSON {
	out := []assocJSON{}
	for _, g := range c.st.orgGroups(col.orgID) {
		if a, ok := g.collections[col.id]; ok {
			out = append(out, c.assocOut(g.id, a))
		}
	}
	return out
}

// pathCollectionOf returns the collection id if it belongs to o, or the
// bare 404.
func (c *call) pathCollectionOf(id string, o *orgRec) (*collectionRec, error) {
	col := c.st.collections[id]
	if col == nil || col.orgID != o.id {
		return nil, errPublicNotFound
	}
	return col, nil
}

// GET /api/public/collections: 2023.8 lists no groups (null); current
// servers list each collection's.
func (s *Server) publicListCollections(c *call, o *orgRec) (any, error) {
	var out []any
	for _, col := range c.orgCollections(o.id) {
		var groups []assocJSON
		if c.current() {
			groups = c.collectionGroups(col)
		}
		out = append(out, c.publicCollectionOut(col, groups))
	}
	return c.publicList(out), nil
}

// GET /api/public/collections/{id}
func (s *Server) publicGetCollection(c *call, o *orgRec) (any, error) {
	col, err := pathOf(c, o, (*call).pathCollectionOf)
	if err != nil {
		return nil, err
	}
	return c.publicCollectionOut(col, c.collectionGroups(col)), nil
}

// PUT /api/public/collections/{id} {"externalId","groups"}: the external
// id and the groups' access are replaced.
//
// On 2023.8 the update goes through CollectionService.SaveAsync with no
// users: CollectionRepository.ReplaceAsync turns the missing list into an
// empty one and Collection_UpdateWithGroupsAndUsers merges it, so every
// member's own access to the collection is removed, and a null "groups"
// removes every group's. Current servers change only what is given
// (groups null: kept; members: kept).
func (s *Server) publicPutCollection(c *call, o *orgRec) (any, error) {
	ms := modelState{}
	id := c.pathGUID(ms)
	var req struct {
		ExternalID *string        `json:"externalId"`
		Groups     *[]association `json:"groups"`
	}
	var groups []assoc
	if c.decodePublic(ms, &req) {
		checkLength(ms, "ExternalId", req.ExternalID, 300)
		if req.Groups != nil {
			groups = c.checkAssociations(ms, "Groups", *req.Groups)
		}
	}
	if err := ms.err(); err != nil {
		return nil, err
	}
	col, err := c.pathCollectionOf(id, o)
	if err != nil {
		return nil, err
	}
	if err := c.checkManage(groups); err != nil {
		return nil, err
	}
	col.externalID = deref(req.ExternalID)
	c.st.touchOrg(o.id, c.now) // members about to lose access see it too
	if req.Groups != nil || !c.current() {
		c.st.setCollectionGroups(col, groups)
	}
	if !c.current() {
		for _, m := range c.st.orgMembers(o.id) {
			delete(m.collections, col.id)
		}
	}
	return c.publicCollectionOut(col, c.assocsOut(groups, req.Groups != nil)), nil
}

// setCollectionGroups is the group half of the collection update: the
// groups of col's team in list get its access, the others lose it.
func (st *store) setCollectionGroups(col *collectionRec, list []assoc) {
	want := map[string]access{}
	for _, x := range list {
		want[x.id] = x.a
	}
	for _, g := range st.groups {
		if g.orgID != col.orgID {
			continue
		}
		if a, ok := want[g.id]; ok {
			g.collections[col.id] = a
		} else {
			delete(g.collections, col.id)
		}
	}
}

// DELETE /api/public/collections/{id}: as the internal API's delete.
func (s *Server) publicDeleteCollection(c *call, o *orgRec) (any, error) {
	col, err := pathOf(c, o, (*call).pathCollectionOf)
	if err != nil {
		return nil, err
	}
	c.st.deleteCollection(col, c.now)
	return nil, nil
}

// deleteCollection removes col for good: members and groups lose their
// access to it, and its items stay in the team without it.
func (st *store) deleteCollection(col *collectionRec, now time.Time) {
	st.touchOrg(col.orgID, now)
	for _, m := range st.orgMembers(col.orgID) {
		delete(m.collections, col.id)
	}
	for _, g := range st.groups {
		delete(g.collections, col.id)
	}
	for _, ci := range st.ciphers {
		if ci.collections[col.id] {
			delete(ci.collections, col.id)
			ci.revision = now
		}
	}
	delete(st.collections, col.id)
}
