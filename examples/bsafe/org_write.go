package main

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe/safe"
)

// The writes on folders, collections and members: "create folder",
// "create org-collection", "edit org-collection", "confirm org-member".
// Each checks its input before it sends anything, and never repeats a
// write whose answer was lost (package safe decides what is repeated).

// folderRequest is bw's folder request (FolderExport).
type folderRequest struct {
	Name *string `json:"name"`
}

// createFolder is "create folder <encodedJson>".
func (a *app) createFolder(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	var req folderRequest
	if err := a.encodedRequest(in.arg(0), &req); err != nil {
		return nil, err
	}
	if req.Name == nil || *req.Name == "" {
		return nil, fail("Folder name is required.")
	}
	f, err := c.Folders.Create(ctx, *req.Name)
	if err != nil {
		return nil, writeError(err)
	}
	return object(folderShape(f)), nil
}

// orgCollectionRequest is bw's org-collection request
// (OrganizationCollectionRequest). A missing or null list is nil, an empty
// one is not: bw tells them apart (no users on create means the creator
// with manage access; on edit, the list as it is).
type orgCollectionRequest struct {
	OrganizationID *string         `json:"organizationId"`
	Name           *string         `json:"name"`
	ExternalID     json.RawMessage `json:"externalId"` // absent: nil; null: "null"
	Groups         *[]accessInput  `json:"groups"`
	Users          *[]accessInput  `json:"users"`
}

// externalID is the request's externalId: absent, null or a string; ok is
// false for a value of another type.
func (r *orgCollectionRequest) externalID() (ext maybeString, ok bool) {
	if r.ExternalID == nil {
		return maybeString{}, true
	}
	var s *string
	if err := json.Unmarshal(r.ExternalID, &s); err != nil {
		return maybeString{}, false
	}
	return maybeString{present: true, value: s}, true
}

// accessInput is one entry of a request's groups or users.
type accessInput struct {
	ID            string `json:"id"`
	ReadOnly      bool   `json:"readOnly"`
	HidePasswords bool   `json:"hidePasswords"`
	Manage        bool   `json:"manage"`
}

// accessList is l as package safe's list; nil stays nil.
func accessList(l *[]accessInput) []safe.Access {
	if l == nil {
		return nil
	}
	out := make([]safe.Access, 0, len(*l))
	for _, a := range *l {
		out = append(out, safe.Access(a))
	}
	return out
}

// orgCollectionTeam checks the decoded request of create and edit
// org-collection with bw 2026.9.0's rules and messages: the team from
// --organizationid or the request (the two must agree), a name. It returns
// the team ID and the request's externalId (absent or null: bsafe sets
// none).
func orgCollectionTeam(in *input, req *orgCollectionRequest) (teamID string, ext maybeString, err error) {
	flagID, _ := in.value("organizationid")
	reqID := ""
	if req.OrganizationID != nil {
		reqID = *req.OrganizationID
	}
	teamID = flagID
	if strings.TrimSpace(teamID) == "" {
		teamID = reqID
	}
	if strings.TrimSpace(teamID) == "" {
		return "", ext, fail("An organization id is required, either via the `--organizationid` option " +
			"(or `organizationId` query parameter when using `bw serve`), or the request's `organizationId` property.")
	}
	if err := checkGUID(teamID); err != nil {
		return "", ext, err
	}
	if strings.TrimSpace(flagID) != "" && strings.TrimSpace(reqID) != "" && flagID != reqID {
		return "", ext, fail("The `--organizationid` option (or `organizationId` query parameter) does not match " +
			"the request's `organizationId` property.")
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return "", ext, fail("Collection name is required.")
	}
	ext, ok := req.externalID()
	if !ok {
		return "", ext, fail("Invalid request data: `externalId` has the wrong type.")
	}
	if ext.value != nil && *ext.value != "" {
		// Package safe writes collections without choosing the external ID
		// (only directory sync and the Public API set it).
		return "", ext, fail("bsafe cannot set a collection's `externalId`; leave it out or null.")
	}
	return teamID, ext, nil
}

// createOrgCollection is "create org-collection <encodedJson>
// [--organizationid id]". It prints the collection with the access lists
// the server holds, read back after the create.
func (a *app) createOrgCollection(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	var req orgCollectionRequest
	if err := a.encodedRequest(in.arg(0), &req); err != nil {
		return nil, err
	}
	teamID, ext, err := orgCollectionTeam(in, &req)
	if err != nil {
		return nil, err
	}
	if _, err := keyedTeam(ctx, c, teamID); err != nil {
		return nil, err
	}
	access := safe.CollectionAccess{Users: accessList(req.Users), Groups: accessList(req.Groups)}
	col, err := c.Collections.Create(ctx, teamID, *req.Name, access)
	if err != nil {
		return nil, writeError(err)
	}
	got, err := c.Collections.Access(ctx, teamID, col.ID)
	if err != nil {
		return nil, fail("Collection " + col.ID + " was created, but reading its access lists back failed: " + errorMessage(err))
	}
	return object(orgCollectionShape(col, ext, *got)), nil
}

// editOrgCollection is "edit org-collection <id> <encodedJson>
// [--organizationid id]": the name and the access lists the request gives
// (a list left out or null stays as it is). Package safe writes the name
// and the lists apart, so a change of both is two writes; each is made
// only when it changes something.
func (a *app) editOrgCollection(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	id := strings.ToLower(in.arg(0))
	var req orgCollectionRequest
	if err := a.encodedRequest(in.arg(1), &req); err != nil {
		return nil, err
	}
	if err := checkGUID(id); err != nil {
		return nil, err
	}
	teamID, ext, err := orgCollectionTeam(in, &req)
	if err != nil {
		return nil, err
	}
	team, err := keyedTeam(ctx, c, teamID)
	if err != nil {
		return nil, err
	}
	cols, err := teamCollections(ctx, c, team)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(cols, func(col *safe.Collection) bool { return strings.EqualFold(col.ID, id) })
	if i < 0 {
		return nil, fail("Not found.")
	}
	col := cols[i]
	cur, err := c.Collections.Access(ctx, team.ID, col.ID)
	if err != nil {
		return nil, err
	}
	want := *cur // what the request asks for
	if req.Users != nil {
		want.Users = accessList(req.Users)
	}
	if req.Groups != nil {
		want.Groups = accessList(req.Groups)
	}
	accessChanged := !sameAccess(cur.Users, want.Users) || !sameAccess(cur.Groups, want.Groups)
	if accessChanged {
		if err := c.Collections.SetAccess(ctx, team.ID, col.ID, want); err != nil {
			return nil, writeError(err)
		}
	}
	if *req.Name != col.Name {
		if err := c.Collections.Rename(ctx, team.ID, col.ID, *req.Name); err != nil {
			if accessChanged {
				return nil, fail("The collection's access was changed, but renaming it failed: " + errorMessage(writeError(err)))
			}
			return nil, writeError(err)
		}
		col.Name = *req.Name
	}
	got := cur
	if accessChanged {
		// As create, print the lists the server holds, which may differ
		// from the request's (a server drops what it does not support).
		if got, err = c.Collections.Access(ctx, team.ID, col.ID); err != nil {
			return nil, fail("Collection " + col.ID + " was changed, but reading its access lists back failed: " + errorMessage(err))
		}
	}
	return object(orgCollectionShape(col, ext, *got)), nil
}

// keyedTeam returns the user's team with the ID, or bw's error for a team
// whose key the user does not hold.
func keyedTeam(ctx context.Context, c *safe.Client, id string) (*safe.Team, error) {
	team, err := findTeam(ctx, c, id)
	var ce *cliError
	if errors.As(err, &ce) {
		return nil, fail("No encryption key for this organization.")
	}
	return team, err
}

// sameAccess reports whether two access lists hold the same entries, in
// any order (IDs compared ignoring case).
func sameAccess(a, b []safe.Access) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(x safe.Access) safe.Access { x.ID = strings.ToLower(x.ID); return x }
	seen := make(map[safe.Access]int, len(a))
	for _, x := range a {
		seen[key(x)]++
	}
	for _, x := range b {
		if seen[key(x)] == 0 {
			return false
		}
		seen[key(x)]--
	}
	return true
}

// confirmOrgMember is "confirm org-member <id> --organizationid id": the
// team key is wrapped to the member's public key as the server gives it.
// As bw, nothing checks the key's fingerprint (bw prompts for none); use
// the web vault, or package safe's Members.Confirm with a check, where
// that matters. It prints nothing on success, as bw.
func (a *app) confirmOrgMember(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	teamID, _ := in.value("organizationid")
	if teamID == "" {
		return nil, fail("--organizationid <organizationid> required.")
	}
	id := strings.ToLower(in.arg(0))
	if err := checkGUID(id); err != nil {
		return nil, err
	}
	if err := checkGUID(teamID); err != nil {
		return nil, err
	}
	if _, err := keyedTeam(ctx, c, teamID); err != nil {
		return nil, err
	}
	if err := c.Members.Confirm(ctx, teamID, id, nil); err != nil {
		return nil, writeError(err)
	}
	return nil, nil
}
