package main

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe/safe"
)

// The JSON shapes of bw 2026.9.0 for folders, collections, organizations
// and their members (its FolderResponse, CollectionResponse,
// OrganizationCollectionResponse, OrganizationResponse and
// OrganizationUserResponse). Members are in bw's order, for --pretty.
//
// bw 2023.9.1 differs: its org-collection has no "users", and its access
// entries have no "manage"; its "No Folder" entry has "id": null. bsafe
// prints the 2026 shapes whatever the server's generation.

// folderData is bw's folder.
type folderData struct {
	Object string  `json:"object"`
	ID     *string `json:"id"`
	Name   string  `json:"name"`
}

// noFolderName is the name bw gives the entry it appends to "list folders"
// for the items in no folder (its "noneFolder" message in English).
const noFolderName = "No Folder"

func folderShape(f *safe.Folder) folderData {
	id := f.ID
	return folderData{Object: "folder", ID: &id, Name: f.Name}
}

// collectionData is bw's collection.
type collectionData struct {
	Object         string      `json:"object"`
	ID             string      `json:"id"`
	OrganizationID string      `json:"organizationId"`
	Name           string      `json:"name"`
	ExternalID     maybeString `json:"externalId,omitzero"`
}

// maybeString is a member bw prints as a string, as null, or not at all
// (a JavaScript undefined, which JSON.stringify leaves out).
type maybeString struct {
	present bool
	value   *string
}

// IsZero makes omitzero leave out an absent member.
func (m maybeString) IsZero() bool { return !m.present }

// MarshalJSON prints the value, or null.
func (m maybeString) MarshalJSON() ([]byte, error) { return json.Marshal(m.value) }

// absentIfEmpty is s, left out when empty: bw 2026.9.0 prints a synced
// collection's unset externalId so ("list collections").
func absentIfEmpty(s string) maybeString { return maybeString{present: s != "", value: nullable(s)} }

// nullIfEmpty is s, null when empty: what bw prints for a collection it
// read from the team's collection list ("list org-collections").
func nullIfEmpty(s string) maybeString { return maybeString{present: true, value: nullable(s)} }

// collectionShape is c in bw's shape, its externalId as ext.
func collectionShape(c *safe.Collection, ext maybeString) collectionData {
	return collectionData{Object: "collection", ID: c.ID, OrganizationID: c.TeamID, Name: c.Name, ExternalID: ext}
}

// orgCollectionData is bw's org-collection: a collection with its access
// lists, what create and edit of an org-collection print.
type orgCollectionData struct {
	collectionData
	Groups []accessData `json:"groups"`
	Users  []accessData `json:"users"`
}

// accessData is bw's SelectionReadOnly: a group's or member's access.
type accessData struct {
	ID            string `json:"id"`
	ReadOnly      bool   `json:"readOnly"`
	HidePasswords bool   `json:"hidePasswords"`
	Manage        bool   `json:"manage"`
}

// orgCollectionShape is what create and edit of an org-collection print.
// bw prints the externalId of the request (so: not at all when the
// request has none), ext here.
func orgCollectionShape(c *safe.Collection, ext maybeString, access safe.CollectionAccess) orgCollectionData {
	d := orgCollectionData{collectionData: collectionShape(c, ext), Groups: accessShapes(access.Groups), Users: accessShapes(access.Users)}
	d.Object = "org-collection"
	return d
}

func accessShapes(list []safe.Access) []accessData {
	out := make([]accessData, 0, len(list))
	for _, a := range list {
		out = append(out, accessData(a))
	}
	return out
}

// organizationData is bw's organization: the user's membership of it.
type organizationData struct {
	Object  string `json:"object"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	Status  int    `json:"status"`
	Type    int    `json:"type"`
	Enabled bool   `json:"enabled"`
}

func organizationShape(t *safe.Team) organizationData {
	return organizationData{Object: "organization", ID: t.ID, Name: t.Name, Status: int(t.Status), Type: int(t.Role), Enabled: t.Enabled}
}

// orgMemberData is bw's org-member.
type orgMemberData struct {
	Object           string  `json:"object"`
	ID               string  `json:"id"`
	Email            string  `json:"email"`
	Name             *string `json:"name"`
	Status           int     `json:"status"`
	Type             int     `json:"type"`
	TwoFactorEnabled bool    `json:"twoFactorEnabled"`
}

func orgMemberShape(m *safe.Member) orgMemberData {
	return orgMemberData{Object: "org-member", ID: m.ID, Email: m.Email, Name: nullable(m.Name),
		Status: int(m.Status), Type: int(m.Role), TwoFactorEnabled: m.TwoFactorEnabled}
}

// nullable is s, or nil (JSON null) for "", as the server sends an unset
// string.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// sortByName sorts list by name as bw lists folders and collections:
// ignoring case (bw uses the locale's collation, which agrees on plain
// names), the original order kept between equal names.
func sortByName[T any](list []T, name func(T) string) {
	slices.SortStableFunc(list, func(a, b T) int {
		return cmp.Compare(strings.ToLower(name(a)), strings.ToLower(name(b)))
	})
}

// matchesSearch is bw's search of folders, collections and organizations:
// the name contains the term, ignoring case. An empty (or blank) term
// matches everything.
func matchesSearch(name, term string) bool {
	if strings.TrimSpace(term) == "" {
		return true
	}
	return strings.Contains(strings.ToLower(name), strings.ToLower(term))
}
