package safe

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// CollectionsService reads and writes team collections. Get it as
// Client.Collections.
type CollectionsService service

// Access is one user's or group's access to a collection. For users, ID is
// the membership (organization-user) ID, not the user ID.
type Access struct {
	ID            string `json:"id"`
	ReadOnly      bool   `json:"readOnly"`
	HidePasswords bool   `json:"hidePasswords"`
	Manage        bool   `json:"manage"`
}

// checkAccessList refuses an access list the server would refuse or
// misread: an ID that is no GUID, one that comes twice, or manage
// together with read-only or hide-passwords (current servers refuse it;
// the five access levels never combine them). what names the IDs in
// errors ("collection", "member").
func checkAccessList(list []Access, what string) error {
	seen := make(map[string]bool, len(list))
	for i, a := range list {
		if err := checkAccessEntry(a); err != nil {
			return fmt.Errorf("%w (%s access #%d)", err, what, i+1)
		}
		k := strings.ToLower(a.ID)
		if seen[k] {
			return invalidArg("%s %s comes twice in the access list", what, a.ID)
		}
		seen[k] = true
	}
	return nil
}

// checkAccessEntry checks one access entry (see checkAccessList).
func checkAccessEntry(a Access) error {
	if err := validID(a.ID); err != nil {
		return err
	}
	if a.Manage && (a.ReadOnly || a.HidePasswords) {
		return invalidArg("manage access cannot be read-only or hide passwords")
	}
	return nil
}

// CollectionAccess is the access list of a collection.
type CollectionAccess struct {
	Users  []Access
	Groups []Access
}

// All iterates over the collections assigned to the user, from the synced
// vault, with the user's own access to each.
func (s *CollectionsService) All(ctx context.Context) iter.Seq2[*Collection, error] {
	return func(yield func(*Collection, error) bool) {
		v, err := s.c.snapshot(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		s.c.mu.Lock()
		cols := append([]*Collection(nil), v.collections...)
		s.c.mu.Unlock()
		for _, col := range cols {
			cp := *col
			if !yield(&cp, nil) {
				return
			}
		}
	}
}

// ListTeam returns every collection of a team that the caller manages
// (owners and admins: all of them).
func (s *CollectionsService) ListTeam(ctx context.Context, teamID string) ([]*Collection, error) {
	key, err := s.c.teamKey(ctx, teamID)
	if err != nil {
		return nil, err
	}
	body, err := s.c.send(ctx, s.req(http.MethodGet, teamID, "", nil))
	if err != nil {
		return nil, err
	}
	var list struct {
		Data []wireCollection `json:"data"`
	}
	if err := unmarshalJSON("collections", body, &list); err != nil {
		return nil, err
	}
	out := make([]*Collection, 0, len(list.Data))
	for i := range list.Data {
		col, err := list.Data[i].decrypt(key)
		if err != nil {
			return nil, err
		}
		out = append(out, col)
	}
	return out, nil
}

// Create makes a collection in a team. With no users in access (nil), the
// caller is given manage access, so that the new collection stays visible
// to them. A caller who may not list the team's members (a Custom role
// that only creates collections) is not named: the server then decides,
// and a 2023.8 server assigns the creator itself when the role edits only
// assigned collections.
func (s *CollectionsService) Create(ctx context.Context, teamID, name string, access CollectionAccess) (*Collection, error) {
	key, err := s.c.teamKey(ctx, teamID)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, invalidArg("a collection needs a name")
	}
	if access.Users == nil {
		id, err := s.c.membershipID(ctx, teamID)
		if err != nil {
			return nil, err
		}
		access.Users = []Access{}
		if id != "" {
			access.Users = []Access{{ID: id, Manage: true}}
		}
	}
	encName, err := key.EncryptString(name)
	if err != nil {
		return nil, err
	}
	req := s.req(http.MethodPost, teamID, "", collectionBody(encName, "", access))
	body, err := s.c.send(ctx, req)
	if err != nil {
		return nil, s.c.writeFailed("", err)
	}
	var w wireCollection
	if err := unmarshalJSON("collection", body, &w); err != nil {
		return nil, s.c.appliedUnreadable(&req, "", err)
	}
	s.c.invalidate()
	col, err := w.decrypt(key)
	if err != nil {
		return nil, s.c.appliedUnreadable(&req, w.ID, err)
	}
	return col, nil
}

// membershipID returns the caller's membership (organization-user) ID in a
// team. Current servers put it in the profile; Bravura Safe's 2023.8
// server does not, so it is looked up in the team's member list by the
// logged-in user's ID. It is "" when the caller may not list the members
// (the server answers 404).
func (c *Client) membershipID(ctx context.Context, teamID string) (string, error) {
	team, err := c.Team(ctx, teamID)
	if err != nil {
		return "", err
	}
	if team.MembershipID != "" {
		return team.MembershipID, nil
	}
	sess, err := c.current()
	if err != nil {
		return "", err
	}
	members, err := c.Members.List(ctx, teamID)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, m := range members {
		if m.UserID != "" && strings.EqualFold(m.UserID, sess.userID) {
			return m.ID, nil
		}
	}
	return "", nil
}

// Rename gives a collection a new name; its access list is unchanged.
func (s *CollectionsService) Rename(ctx context.Context, teamID, id, name string) error {
	key, err := s.c.teamKey(ctx, teamID)
	if err != nil {
		return err
	}
	d, err := s.details(ctx, teamID, id)
	if err != nil {
		return err
	}
	encName, err := key.EncryptString(name)
	if err != nil {
		return err
	}
	_, err = s.c.send(ctx, s.req(http.MethodPut, teamID, id, collectionBody(encName, d.ExternalID, d.access())))
	s.c.invalidate()
	return err
}

// Access returns the users and groups that can use a collection.
func (s *CollectionsService) Access(ctx context.Context, teamID, id string) (*CollectionAccess, error) {
	d, err := s.details(ctx, teamID, id)
	if err != nil {
		return nil, err
	}
	a := d.access()
	return &a, nil
}

// SetAccess replaces the access list of a collection. To change the
// access of one member, use GrantAccess or RemoveAccess.
func (s *CollectionsService) SetAccess(ctx context.Context, teamID, id string, access CollectionAccess) error {
	d, err := s.details(ctx, teamID, id)
	if err != nil {
		return err
	}
	_, err = s.putAccess(ctx, teamID, id, d, access)
	return err
}

// Delete deletes a collection. Its items stay in the team.
func (s *CollectionsService) Delete(ctx context.Context, teamID, id string) error {
	if err := validID(id); err != nil {
		return err
	}
	if err := validID(teamID); err != nil {
		return err
	}
	_, err := s.c.send(ctx, s.req(http.MethodDelete, teamID, id, nil))
	s.c.invalidate()
	return err
}

func (s *CollectionsService) req(method, teamID, id string, body any) apiRequest {
	path := "/organizations/" + teamID + "/collections"
	if id != "" {
		path += "/" + id
	}
	r := apiRequest{method: method, url: s.c.apiURL + path, path: "/api" + path, auth: true}
	if body != nil {
		r.body, r.bodyErr = jsonValue(body)
		r.contentType = "application/json"
	}
	return r
}

func collectionBody(name vaultcrypto.EncString, externalID string, a CollectionAccess) map[string]any {
	nonNil := func(l []Access) []Access {
		if l == nil {
			return []Access{}
		}
		return l
	}
	return map[string]any{"name": name, "externalId": jsonID(externalID), "users": nonNil(a.Users), "groups": nonNil(a.Groups)}
}

type collectionDetails struct {
	Name       vaultcrypto.EncString `json:"name"`
	ExternalID string                `json:"externalId"`
	Users      []Access              `json:"users"`
	Groups     []Access              `json:"groups"`
}

func (d *collectionDetails) access() CollectionAccess {
	return CollectionAccess{Users: d.Users, Groups: d.Groups}
}

// details reads a collection with its access list. Servers that leave the
// users out of the details (older generations) are asked for them apart.
func (s *CollectionsService) details(ctx context.Context, teamID, id string) (*collectionDetails, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	if err := validID(teamID); err != nil {
		return nil, err
	}
	r := s.req(http.MethodGet, teamID, id, nil)
	r.url, r.path = r.url+"/details", r.path+"/details"
	body, err := s.c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	var d collectionDetails
	if err := unmarshalJSON("collection details", body, &d); err != nil {
		return nil, err
	}
	if d.Users == nil {
		u := s.req(http.MethodGet, teamID, id, nil)
		u.url, u.path = u.url+"/users", u.path+"/users"
		body, err := s.c.send(ctx, u)
		if err != nil {
			return nil, err
		}
		if err := unmarshalJSON("collection users", body, &d.Users); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// teamKey returns the key of a team the user holds.
func (c *Client) teamKey(ctx context.Context, teamID string) (*vaultcrypto.SymmetricKey, error) {
	if err := validID(teamID); err != nil {
		return nil, err
	}
	k, err := c.keyFor(ctx, teamID)
	if err != nil {
		return nil, fmt.Errorf("safe: team %s: %w", teamID, err)
	}
	return k, nil
}

// keyFor returns the key that protects a team's objects, or the user key
// for personal ones (teamID "").
func (c *Client) keyFor(ctx context.Context, teamID string) (*vaultcrypto.SymmetricKey, error) {
	sess, err := c.current()
	if err != nil {
		return nil, err
	}
	v, err := c.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return v.keyFor(sess, teamID)
}
