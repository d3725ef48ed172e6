package safetest

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/wire"
)

// visibleCipher returns the cipher with the path's id if c.user can see
// it; anything else is the official 404.
func (c *call) visibleCipher() (*cipherRec, cipherAccess, error) {
	ci := c.st.ciphers[c.id("id")]
	if ci == nil {
		return nil, cipherAccess{}, errNotFound()
	}
	a := c.st.cipherAccess(c.user, ci)
	if !a.visible {
		return nil, cipherAccess{}, errNotFound()
	}
	return ci, a, nil
}

// GET /api/ciphers/{id}
func (s *Server) getCipher(c *call) (any, error) {
	ci, _, err := c.visibleCipher()
	if err != nil {
		return nil, err
	}
	return c.cipherOut(ci, kindCipher), nil
}

// GET /api/ciphers/{id}/details (and /full-details)
func (s *Server) getCipherDetails(c *call) (any, error) {
	ci, _, err := c.visibleCipher()
	if err != nil {
		return nil, err
	}
	return c.cipherOut(ci, kindCipherDetails), nil
}

// GET /api/ciphers
func (s *Server) listCiphers(c *call) (any, error) {
	return c.cipherList(c.st.visibleCiphers(c.user), kindCipherDetails), nil
}

// GET /api/ciphers/organization-details?organizationId=
func (s *Server) orgCipherDetails(c *call) (any, error) {
	orgID := normID(c.query("organizationId"))
	m := c.st.membership(c.user.id, orgID)
	if !m.isManager() && !m.can("editAnyCollection") {
		return nil, errNotFound()
	}
	var cs []seenCipher // the kind has no per-user members: no access needed
	for _, ci := range c.st.ciphers {
		if ci.orgID == orgID {
			cs = append(cs, seenCipher{ci: ci})
		}
	}
	slices.SortFunc(cs, func(a, b seenCipher) int { return compareCiphers(a.ci, b.ci) })
	return c.cipherList(cs, kindCipherMiniDetails), nil
}

// checkFolder validates a folder id of the request against the user's
// folders.
func (c *call) checkFolder(folderID string) error {
	if folderID == "" {
		return nil
	}
	f := c.st.folders[folderID]
	if f == nil || f.userID != c.user.id {
		return errBadRequest(msgInvalidFolder)
	}
	return nil
}

// checkEncryptedFor applies the current server's checks of encryptedFor
// and encryptedByKeyId (api.md §2.3). 2023.8 servers ignore both.
func (c *call) checkEncryptedFor(req *cipherRequest, personal bool) error {
	if !c.current() {
		return nil
	}
	if req.encryptedFor != "" && req.encryptedFor != c.user.id {
		return errBadRequest(msgNotEncFor)
	}
	if personal && req.encryptedByKeyID != "" && c.user.userKeyID != "" &&
		!strings.EqualFold(req.encryptedByKeyID, c.user.userKeyID) {
		return errBadRequest(msgNotEncByKey)
	}
	return nil
}

// createCipher stores a new cipher for c.user; collectionIDs must be
// writable by the user and belong to req's organization.
func (c *call) createCipher(req *cipherRequest, collectionIDs []string) (*cipherRec, error) {
	if err := c.checkCipherType(req); err != nil {
		return nil, err
	}
	if err := c.checkEncryptedFor(req, req.orgID == ""); err != nil {
		return nil, err
	}
	if err := c.checkFolder(req.folderID); err != nil {
		return nil, err
	}
	ci := &cipherRec{
		id:          newID(),
		collections: map[string]bool{},
		folders:     map[string]string{},
		favorites:   map[string]bool{},
		created:     c.now,
		revision:    c.now,
	}
	if req.orgID == "" {
		if len(collectionIDs) > 0 {
			return nil, errBadRequest(msgCollectionOrg)
		}
		ci.userID = c.user.id
	} else {
		m := c.st.membership(c.user.id, req.orgID)
		if m == nil {
			return nil, errNotFound()
		}
		if len(collectionIDs) == 0 && !m.isManager() && !m.can("editAnyCollection") {
			return nil, errBadRequest("You must select at least one collection.")
		}
		for _, id := range collectionIDs {
			col := c.st.collections[normID(id)]
			if col == nil || col.orgID != req.orgID {
				return nil, errBadRequest(msgCollectionOrg)
			}
			if !c.st.canWriteCollection(c.user, col) {
				return nil, errBadRequest(msgCannotEdit)
			}
			ci.collections[col.id] = true
		}
		ci.orgID = req.orgID
	}
	ci.setData(req.data)
	if req.folderID != "" {
		ci.folders[c.user.id] = req.folderID
	}
	if req.favorite {
		ci.favorites[c.user.id] = true
	}
	c.st.ciphers[ci.id] = ci
	c.st.touchCipher(ci, c.now)
	return ci, nil
}

// dropUnmodelled removes from a client's cipher request what the
// server's request model has no member for, as ASP.NET's model binding
// does: Bravura Safe's (2023.8) CipherRequestModel and Cipher entity have
// no Key (per-item keys came with Bitwarden 2023.9.1), so an item key a
// client sends is dropped, and the item's fields stay encrypted under it.
func (c *call) dropUnmodelled(req *cipherRequest) {
	if !c.current() {
		delete(req.data, "key")
	}
}

// Create, update, share and restore answer with the server's
// CipherResponseModel ("object":"cipher"), which has no collectionIds;
// only GET .../details, the cipher list and sync carry them.

// checkCipherType refuses, on Gen2023, the types that 2023.8 does not
// know (SSH keys and later): its CipherRequestModel throws "Unsupported
// type", which the client sees as a 500.
func (c *call) checkCipherType(req *cipherRequest) error {
	var typ wire.CipherType
	_ = json.Unmarshal(req.data["type"], &typ) // validated by parseCipherRequest
	if !c.current() && typ > wire.CipherIdentity {
		return errors.New("safetest: unsupported cipher type") // the official 500
	}
	return nil
}

// POST /api/ciphers
func (s *Server) postCipher(c *call) (any, error) {
	req, err := parseCipherRequest(c.body, "")
	if err != nil {
		return nil, err
	}
	c.dropUnmodelled(req)
	ci, err := c.createCipher(req, nil)
	if err != nil {
		return nil, err
	}
	return c.cipherOut(ci, kindCipher), nil
}

// innerCipher reads the required "cipher" member of a request that wraps
// one (create with collections, share).
func (c *call) innerCipher(raw json.RawMessage) (*cipherRequest, error) {
	if raw == nil || isNull(raw) {
		return nil, errValidation("Cipher", "The Cipher field is required.")
	}
	req, err := parseCipherRequest(raw, "Cipher.")
	if err != nil {
		return nil, err
	}
	c.dropUnmodelled(req)
	return req, nil
}

// cipherWithCollections reads the {"cipher": {...}, "collectionIds": [...]}
// body of /ciphers/create.
func (c *call) cipherWithCollections() (*cipherRequest, []string, error) {
	var body struct {
		Cipher        json.RawMessage `json:"cipher"`
		CollectionIDs []string        `json:"collectionIds"`
	}
	if err := c.decode(&body); err != nil {
		return nil, nil, err
	}
	req, err := c.innerCipher(body.Cipher)
	if err != nil {
		return nil, nil, err
	}
	return req, body.CollectionIDs, nil
}

// POST /api/ciphers/create: {"cipher": {...}, "collectionIds": [...]}
func (s *Server) postCipherCreate(c *call) (any, error) {
	req, collectionIDs, err := c.cipherWithCollections()
	if err != nil {
		return nil, err
	}
	ci, err := c.createCipher(req, collectionIDs)
	if err != nil {
		return nil, err
	}
	return c.cipherOut(ci, kindCipher), nil
}

// PUT /api/ciphers/{id} (and legacy POST)
func (s *Server) putCipher(c *call) (any, error) {
	ci, a, err := c.visibleCipher()
	if err != nil {
		return nil, err
	}
	req, err := parseCipherRequest(c.body, "")
	if err != nil {
		return nil, err
	}
	c.dropUnmodelled(req)
	if err := c.checkCipherType(req); err != nil {
		return nil, err
	}
	if req.orgID != ci.orgID {
		if c.current() {
			return nil, errBadRequest("Organization mismatch. Re-sync if you recently moved this item, then try again.")
		}
		return nil, errBadRequest("Team mismatch. Re-sync if you recently moved this item, then try again.")
	}
	if !a.edit {
		return nil, errBadRequest(msgCannotEdit)
	}
	if err := c.checkEncryptedFor(req, ci.orgID == ""); err != nil {
		return nil, err
	}
	if err := checkRevision(ci, req.lastKnown); err != nil {
		return nil, err
	}
	if err := c.checkFolder(req.folderID); err != nil {
		return nil, err
	}
	ci.setData(req.data)
	setPerUser(ci, c.user.id, req.folderID, req.favorite)
	ci.revision = c.now
	c.st.touchCipher(ci, c.now)
	return c.cipherOut(ci, kindCipher), nil
}

// checkRevision is the official optimistic-concurrency check (api.md
// §6.4): a stale client copy (more than a second off) is refused.
func checkRevision(ci *cipherRec, lastKnown time.Time) error {
	if lastKnown.IsZero() {
		return nil
	}
	d := ci.revision.Sub(lastKnown)
	if d < 0 {
		d = -d
	}
	if d > time.Second {
		return errBadRequest(msgOutOfDate)
	}
	return nil
}

func setPerUser(ci *cipherRec, userID, folderID string, favorite bool) {
	if folderID == "" {
		delete(ci.folders, userID)
	} else {
		ci.folders[userID] = folderID
	}
	if favorite {
		ci.favorites[userID] = true
	} else {
		delete(ci.favorites, userID)
	}
}

// PUT /api/ciphers/{id}/partial: folder and favourite only, allowed on
// read-only items too.
func (s *Server) putCipherPartial(c *call) (any, error) {
	ci, _, err := c.visibleCipher()
	if err != nil {
		return nil, err
	}
	var req struct {
		FolderID *string `json:"folderId"`
		Favorite bool    `json:"favorite"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	folderID := ""
	if req.FolderID != nil {
		folderID = normID(*req.FolderID)
	}
	if err := c.checkFolder(folderID); err != nil {
		return nil, err
	}
	setPerUser(ci, c.user.id, folderID, req.Favorite)
	c.st.touchUser(c.user, c.now)
	return c.cipherOut(ci, kindCipher), nil
}

// PUT /api/ciphers/{id}/share (and legacy POST): move a personal cipher
// into a team, re-encrypted under the team key by the client. The checks
// are the server's, in its order (2023.8: Hitachi-ID/bravura-safe_server;
// current: bitwarden/server):
//   - model validation, src/Api/Vault/Models/Request/CipherRequestModel.cs
//     CipherShareRequestModel: collectionIds and cipher are [Required] (and
//     the cipher's own members valid); only then does Validate add "Cipher
//     OrganizationId is required." and "You must select at least one
//     collection.";
//   - src/Api/Vault/Controllers/CiphersController.cs PutShare: a cipher
//     that does not exist or is not the caller's own (a team cipher has no
//     owner, so an item already in a team is refused here too), or a team
//     the caller is not a confirmed member of: 404;
//   - current servers only: encryptedFor must be the caller
//     (ValidateCipherEncryptedByUser; no key id check, as for team items);
//   - src/Core/Vault/Services/Implementations/CipherService.cs
//     ValidateCipherCanBeShared: lastKnownRevisionDate, when sent, within a
//     second of the stored revision;
//   - Cipher_UpdateCollections.sql: collections the caller cannot write,
//     or of another team, are left out without an error; only a caller who
//     can write no collection of the team at all gets 400 "Unable to save."
//     and nothing changes;
//   - Cipher_UpdateWithCollections.sql: the type never changes; 2023.8
//     keeps the stored folders, favourites and reprompt, current servers
//     take the caller's folder, favourite and reprompt (and key) from the
//     request. The folder is not checked.
//
// The answer is a "cipher" (CipherResponseModel), without collectionIds.
func (s *Server) putCipherShare(c *call) (any, error) {
	req, collectionIDs, err := c.shareRequest()
	if err != nil {
		return nil, err
	}
	ci := c.st.ciphers[c.id("id")]
	if ci == nil || ci.orgID != "" || ci.userID != c.user.id || c.st.membership(c.user.id, req.orgID) == nil {
		return nil, errNotFound()
	}
	if err := c.checkEncryptedFor(req, false); err != nil {
		return nil, err
	}
	if err := checkRevision(ci, req.lastKnown); err != nil {
		return nil, err
	}
	writable := false
	for _, col := range c.st.collections {
		if col.orgID == req.orgID && c.st.canWriteCollection(c.user, col) {
			writable = true
			break
		}
	}
	if !writable {
		return nil, errBadRequest("Unable to save.")
	}
	cols := map[string]bool{}
	for _, id := range collectionIDs {
		if col := c.st.collections[normID(id)]; col != nil && col.orgID == req.orgID && c.st.canWriteCollection(c.user, col) {
			cols[col.id] = true
		}
	}
	data := req.data
	data["type"] = ci.data["type"]
	if !c.current() {
		if r, ok := ci.data["reprompt"]; ok {
			data["reprompt"] = r
		} else {
			delete(data, "reprompt")
		}
	}
	ci.setData(data)
	if c.current() {
		setPerUser(ci, c.user.id, req.folderID, req.favorite)
	}
	ci.userID = ""
	ci.orgID = req.orgID
	ci.collections = cols
	ci.revision = c.now
	c.st.touchUser(c.user, c.now)
	c.st.touchCipher(ci, c.now)
	return c.cipherOut(ci, kindCipher), nil
}

// shareRequest reads and validates the body of /ciphers/{id}/share as
// CipherShareRequestModel is validated (see putCipherShare).
func (c *call) shareRequest() (*cipherRequest, []string, error) {
	var body struct {
		Cipher        json.RawMessage `json:"cipher"`
		CollectionIDs *[]string       `json:"collectionIds"`
	}
	if err := c.decode(&body); err != nil {
		return nil, nil, err
	}
	if body.CollectionIDs == nil {
		return nil, nil, errValidation("CollectionIds", "The CollectionIds field is required.")
	}
	req, err := c.innerCipher(body.Cipher)
	if err != nil {
		return nil, nil, err
	}
	invalid := map[string][]string{}
	if req.orgID == "" {
		invalid["OrganizationId"] = []string{"Cipher OrganizationId is required."}
	}
	if len(*body.CollectionIDs) == 0 {
		invalid["CollectionIds"] = []string{"You must select at least one collection."}
	}
	if len(invalid) > 0 {
		return nil, nil, &apiError{status: http.StatusBadRequest, message: msgModelInvalid, validation: invalid}
	}
	return req, *body.CollectionIDs, nil
}

// setCollections replaces a team cipher's collections as the user may:
// collections the user cannot write keep their assignment.
func (c *call) setCollections(ci *cipherRec, ids []string) error {
	if ci.orgID == "" {
		return errBadRequest(msgNotInOrg)
	}
	want := map[string]bool{}
	for _, id := range ids {
		col := c.st.collections[normID(id)]
		if col == nil || col.orgID != ci.orgID {
			return errBadRequest(msgCollectionOrg)
		}
		want[col.id] = true
	}
	next := map[string]bool{}
	for id := range ci.collections {
		if col := c.st.collections[id]; col != nil && !c.st.canWriteCollection(c.user, col) {
			next[id] = true
		}
	}
	for id := range want {
		if c.st.canWriteCollection(c.user, c.st.collections[id]) {
			next[id] = true
		}
	}
	c.st.touchOrg(ci.orgID, c.now) // before: members who lose access see the change
	ci.collections = next
	ci.revision = c.now
	c.st.touchOrg(ci.orgID, c.now)
	return nil
}

type collectionIDsBody struct {
	CollectionIDs []string `json:"collectionIds"`
}

// putCollections sets the collections of the cipher in the path from a
// {"collectionIds": [...]} body: the common part of /collections and
// /collections_v2.
func (c *call) putCollections() (*cipherRec, error) {
	ci, _, err := c.visibleCipher()
	if err != nil {
		return nil, err
	}
	var body collectionIDsBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	if err := c.setCollections(ci, body.CollectionIDs); err != nil {
		return nil, err
	}
	return ci, nil
}

// PUT /api/ciphers/{id}/collections (and legacy POST). 2023.8 answers an
// empty 200, current servers the cipher.
func (s *Server) putCipherCollections(c *call) (any, error) {
	ci, err := c.putCollections()
	if err != nil {
		return nil, err
	}
	if !c.current() {
		return nil, nil
	}
	if !c.st.cipherAccess(c.user, ci).visible {
		return nil, errNotFound()
	}
	return c.cipherOut(ci, kindCipherDetails), nil
}

// PUT /api/ciphers/{id}/collections_v2 (GenCurrent).
func (s *Server) putCipherCollectionsV2(c *call) (any, error) {
	ci, err := c.putCollections()
	if err != nil {
		return nil, err
	}
	resp := map[string]any{"object": "optionalCipherDetails", "unavailable": true, "cipher": nil}
	if c.st.cipherAccess(c.user, ci).visible {
		resp["unavailable"] = false
		resp["cipher"] = c.cipherOut(ci, kindCipherDetails)
	}
	return resp, nil
}

// editableCipher returns the cipher in the path if the caller may change
// it, else the official 400 with msg.
func (c *call) editableCipher(msg string) (*cipherRec, error) {
	ci, a, err := c.visibleCipher()
	if err != nil {
		return nil, err
	}
	if !a.edit {
		return nil, errBadRequest(msg)
	}
	return ci, nil
}

// PUT /api/ciphers/{id}/delete: move to the trash.
func (s *Server) softDeleteCipher(c *call) (any, error) {
	ci, err := c.editableCipher(msgCannotDelete)
	if err != nil {
		return nil, err
	}
	c.softDelete(ci)
	return nil, nil
}

func (c *call) softDelete(ci *cipherRec) {
	if !ci.deleted.IsZero() {
		return
	}
	ci.deleted = c.now
	ci.revision = c.now
	c.st.touchCipher(ci, c.now)
}

// DELETE /api/ciphers/{id} (and legacy POST .../delete): delete for good.
func (s *Server) deleteCipher(c *call) (any, error) {
	ci, err := c.editableCipher(msgCannotDelete)
	if err != nil {
		return nil, err
	}
	c.st.deleteCipher(ci, c.now)
	return nil, nil
}

// PUT /api/ciphers/{id}/restore: out of the trash.
func (s *Server) restoreCipher(c *call) (any, error) {
	ci, err := c.editableCipher(msgCannotRestore)
	if err != nil {
		return nil, err
	}
	c.restore(ci)
	return c.cipherOut(ci, kindCipher), nil
}

func (c *call) restore(ci *cipherRec) {
	if ci.deleted.IsZero() {
		return
	}
	ci.deleted = time.Time{}
	ci.revision = c.now
	c.st.touchCipher(ci, c.now)
}

type bulkIDs struct {
	IDs            []string `json:"ids"`
	OrganizationID *string  `json:"organizationId"`
}

// bulk applies f to every listed cipher the user can edit, skipping the
// rest as the official server does.
func (c *call) bulk(f func(*cipherRec)) error {
	var body bulkIDs
	if err := c.decode(&body); err != nil {
		return err
	}
	if len(body.IDs) > 500 {
		return errBadRequest("You can only process up to 500 items at once.")
	}
	for _, id := range body.IDs {
		ci := c.st.ciphers[normID(id)]
		if ci != nil && c.st.cipherAccess(c.user, ci).edit {
			f(ci)
		}
	}
	return nil
}

// PUT /api/ciphers/delete: bulk soft delete.
func (s *Server) bulkSoftDelete(c *call) (any, error) {
	return nil, c.bulk(c.softDelete)
}

// DELETE /api/ciphers (and legacy POST /api/ciphers/delete): bulk
// permanent delete.
func (s *Server) bulkDelete(c *call) (any, error) {
	return nil, c.bulk(func(ci *cipherRec) { c.st.deleteCipher(ci, c.now) })
}

// PUT /api/ciphers/restore: bulk restore; answers the restored ciphers,
// as "cipher" objects on 2023.8 (ListResponseModel<CipherResponseModel>)
// and "cipherMini" ones on current servers.
func (s *Server) bulkRestore(c *call) (any, error) {
	kind := kindCipherMini
	if !c.current() {
		kind = kindCipher
	}
	// Each cipher is rendered as it is when restored.
	out := []byte(`{"object":"list","data":[`)
	n := 0
	err := c.bulk(func(ci *cipherRec) {
		c.restore(ci)
		if n > 0 {
			out = append(out, ',')
		}
		n++
		var a cipherAccess
		if kind.needsAccess() {
			a = c.st.cipherAccess(c.user, ci)
		}
		out = c.appendCipher(out, ci, kind, a)
	})
	if err != nil {
		return nil, err
	}
	return jsonBytes(append(out, `],"continuationToken":null}`...)), nil
}

// PUT /api/ciphers/move: {"ids": [...], "folderId": ...}
func (s *Server) moveCiphers(c *call) (any, error) {
	var body struct {
		IDs      []string `json:"ids"`
		FolderID *string  `json:"folderId"`
	}
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	folderID := ""
	if body.FolderID != nil {
		folderID = normID(*body.FolderID)
	}
	if err := c.checkFolder(folderID); err != nil {
		return nil, err
	}
	for _, id := range body.IDs {
		ci := c.st.ciphers[normID(id)]
		if ci != nil && c.st.cipherAccess(c.user, ci).visible {
			setPerUser(ci, c.user.id, folderID, ci.favorites[c.user.id])
		}
	}
	c.st.touchUser(c.user, c.now)
	return nil, nil
}
