package safe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"
)

// scopeTeamAPI is the scope of a team API key's token, the only one the
// Public API accepts.
const scopeTeamAPI = "api.organization"

// LoginTeamAPIKey logs in with a team's API key: client ID
// "organization.<team id>" and its secret, which a team owner reads in the
// web vault (team settings, API key) or with POST
// /api/organizations/{id}/api-key. The session reaches the team's Public
// API (Client.Public) and nothing else: it has no vault keys, so every
// other call fails with ErrTeamKeySession before anything is sent. The
// token has no refresh token; when it expires, the client repeats the
// grant with the key it keeps in memory, as after LoginAPIKey.
//
// Errors: ErrWrongKeyKind (with ErrInvalidArgument) for a client ID that
// is not "organization.<uuid>", a personal key's "user.<uuid>" included,
// before any request; ErrInvalidAPIKey when the server refuses the ID or
// secret (also when the team may not use the API); or an *APIError. The
// secret appears in no error, log line or %v output.
func (c *Client) LoginTeamAPIKey(ctx context.Context, clientID, clientSecret string) error {
	teamID, ok := strings.CutPrefix(clientID, "organization.")
	if !ok || !isGUID(teamID) {
		return wrongKeyKind(`a team API key's client ID is "organization." and the team's UUID (a personal one, "user.", is for LoginAPIKey)`)
	}
	if clientSecret == "" {
		return invalidArg("login: empty client secret")
	}
	key := &apiKeyCredentials{clientID: clientID, clientSecret: clientSecret}
	tr, err := c.tokenGrant(ctx, c.apiKeyForm(key, true), nil)
	if err != nil {
		return apiKeyError(err)
	}
	cl, err := decodeClaims(tr.AccessToken)
	if err != nil {
		return err
	}
	// The token must be the team's: the Public API acts on the team it
	// names, whatever the client asked for.
	if !strings.EqualFold(cl.ClientSub, teamID) || (cl.ClientID != "" && !strings.EqualFold(cl.ClientID, clientID)) {
		return errors.New("safe: login: the server issued a token for another client than the team API key's")
	}
	s := &session{
		clientID: clientID,
		access:   tr.AccessToken,
		expiry:   tr.expiry(time.Now()),
		apiKey:   key,
		teamID:   strings.ToLower(teamID),
	}
	c.mu.Lock()
	c.sess = s
	c.vault = nil
	c.mu.Unlock()
	return nil
}

// TeamAPIKeySession reports the team of a team API key session
// (LoginTeamAPIKey), or "" and false for any other session or none.
func (c *Client) TeamAPIKeySession() (teamID string, ok bool) {
	s, err := c.session()
	if err != nil || s.teamID == "" {
		return "", false
	}
	return s.teamID, true
}

// PublicService is a team's Public API (/api/public): its members, groups
// and collections, without any vault cryptography. Get it as
// Client.Public, on a client logged in with the team's API key
// (LoginTeamAPIKey). The team is the key's: no call takes a team ID. A
// client logged in as a member gets the server's refusal (a 403, matching
// ErrForbidden) from every call, as the Public API accepts only the team
// API key's token.
//
// # Team API key or admin login
//
// A team API key needs no member account, no master password and no key
// derivation, and survives the departure of any one admin; keep it as
// secret as an admin's password (an owner can rotate it). What it can do:
// list and read members (status, role, e-mail, name, two-factor flag,
// account-recovery enrolment, external ID, collection access), invite,
// update, re-invite and remove members (owners included, never the last
// confirmed owner: the Public API has no acting member, so the rules
// between roles do not apply), create, update and delete groups and set
// their members, and set a collection's external ID and group access or
// delete it.
//
// What it cannot do, for want of vault keys: read collection names
// (PublicCollection has none: they are encrypted with the team key) or
// create collections; confirm an accepted member (that wraps the team key
// to the member's public key: Members.Confirm, with an admin login); reset
// a member's master password through account recovery; read or write
// items. Use an owner's or admin's login (LoginPassword, LoginAPIKey) for
// those, with Client.Members and Client.Collections.
//
// # Generations
//
// Bravura Safe (Bitwarden 2023.8) and current servers differ here:
//
//   - Collection access on 2023.8 has only ReadOnly: HidePasswords and
//     Manage are neither reported nor kept, so an update through the
//     Public API clears them. AccessAll (members and groups) exists only
//     on 2023.8; current servers ignore it.
//   - The member listing of 2023.8 has no collections (PublicMember.
//     Collections is nil; read one member for them), and its collection
//     listing no groups.
//   - On 2023.8, UpdateCollection removes every member's own access to the
//     collection (the server's stored procedure replaces the member list
//     with an empty one); groups keep only what the update gives.
//
// # Writes
//
// Every write is one request, and its result is built from its own
// answer. An update replaces the whole object, as the Public API does
// ("If a property is not provided, the value of the existing property
// will be reset"): read it, change it, write it back. Updates, group and
// member lists and deletes are repeated when their answer is lost (doing
// them twice is doing them once; a repeated delete that finds the object
// gone succeeded); InviteMember, CreateGroup and ReinviteMember are not,
// and a lost answer is an *OutcomeUnknownError: read the members or
// groups before trying again.
type PublicService service

// PublicMember is a team member as the Public API reports it.
type PublicMember struct {
	ID         string // the membership (organization-user) ID
	UserID     string // empty while invited
	Name       string // empty while invited, and in InviteMember's answer
	Email      string
	Role       Role
	Status     MemberStatus
	ExternalID string
	// AccessAll: the member sees every collection (Bravura Safe 2023.8
	// only).
	AccessAll             bool
	TwoFactorEnabled      bool
	ResetPasswordEnrolled bool
	// Collections is the member's own collection access; nil when the
	// server did not say (Bravura Safe's member listing). In the answer to
	// InviteMember and UpdateMember it is what was sent, as the server
	// echoes it.
	Collections []Access
}

// PublicMemberSpec is what InviteMember and UpdateMember send: the whole
// member, as the Public API replaces every property. Build an update from
// the member with PublicMember.Spec, which keeps an owner an owner.
type PublicMemberSpec struct {
	Email string // InviteMember only
	// Role is the member's role: RoleAdmin, RoleUser, RoleManager (Bravura
	// Safe 2023.8 only) or RoleCustom. Its zero value, which is
	// RoleOwner's number, means RoleUser: a spec that forgets its role
	// never makes an owner (use Owner for that).
	Role Role
	// Owner makes the member an owner. Role must then be zero
	// (RoleOwner); another role is an error matching ErrInvalidArgument.
	Owner      bool
	AccessAll  bool // Bravura Safe 2023.8 only; current servers ignore it
	ExternalID string
	// Collections replaces the member's collection access; nil is none.
	Collections []Access
	// Groups (group IDs) replaces the member's groups; nil leaves them as
	// they are (InviteMember: none).
	Groups []string
}

// PublicGroup is a group of the team.
type PublicGroup struct {
	ID         string
	Name       string
	ExternalID string
	AccessAll  bool // Bravura Safe 2023.8 only
	// Collections is the group's collection access; in the answer to
	// CreateGroup and UpdateGroup, what was sent (nil: not sent).
	Collections []Access
}

// PublicGroupSpec is what CreateGroup and UpdateGroup send.
type PublicGroupSpec struct {
	Name       string // required, at most 100 characters
	ExternalID string
	AccessAll  bool // Bravura Safe 2023.8 only
	// Collections replaces the group's collection access; nil leaves it
	// as it is (CreateGroup: none).
	Collections []Access
}

// PublicCollection is a team collection as the Public API reports it:
// without its name, which is encrypted with the team key and cannot be
// read with a team API key (log in as a member and use
// Collections.ListTeam for names).
type PublicCollection struct {
	ID         string
	ExternalID string
	// Groups is the groups' access to the collection; nil when the server
	// did not say (Bravura Safe's collection listing).
	Groups []Access
}

// PublicCollectionSpec is what UpdateCollection sends.
type PublicCollectionSpec struct {
	ExternalID string
	// Groups replaces the groups' access; nil sends none (null), which
	// current servers read as "leave as is" and Bravura Safe 2023.8 as
	// "no groups".
	Groups []Access
}

// publicAccess is AssociationWithPermissions on the wire. HidePasswords
// and Manage are omitted when false, as 2023.8 knows neither.
type publicAccess struct {
	ID            string `json:"id"`
	ReadOnly      bool   `json:"readOnly"`
	HidePasswords bool   `json:"hidePasswords,omitempty"`
	Manage        bool   `json:"manage,omitempty"`
}

func toPublicAccess(list []Access) []publicAccess {
	if list == nil {
		return nil
	}
	out := make([]publicAccess, len(list))
	for i, a := range list {
		out[i] = publicAccess(a)
	}
	return out
}

func fromPublicAccess(list []publicAccess) []Access {
	if list == nil {
		return nil
	}
	out := make([]Access, len(list))
	for i, a := range list {
		out[i] = Access(a)
	}
	return out
}

type publicMemberJSON struct {
	ID                    string         `json:"id"`
	UserID                string         `json:"userId"`
	Name                  string         `json:"name"`
	Email                 string         `json:"email"`
	Type                  Role           `json:"type"`
	Status                MemberStatus   `json:"status"`
	ExternalID            string         `json:"externalId"`
	AccessAll             bool           `json:"accessAll"`
	TwoFactorEnabled      bool           `json:"twoFactorEnabled"`
	ResetPasswordEnrolled bool           `json:"resetPasswordEnrolled"`
	Collections           []publicAccess `json:"collections"`
}

func (m *publicMemberJSON) member() *PublicMember {
	return &PublicMember{ID: m.ID, UserID: m.UserID, Name: m.Name, Email: m.Email, Role: m.Type, Status: m.Status,
		ExternalID: m.ExternalID, AccessAll: m.AccessAll, TwoFactorEnabled: m.TwoFactorEnabled,
		ResetPasswordEnrolled: m.ResetPasswordEnrolled, Collections: fromPublicAccess(m.Collections)}
}

type publicGroupJSON struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	ExternalID  string         `json:"externalId"`
	AccessAll   bool           `json:"accessAll"`
	Collections []publicAccess `json:"collections"`
}

func (g *publicGroupJSON) group() *PublicGroup {
	return &PublicGroup{ID: g.ID, Name: g.Name, ExternalID: g.ExternalID, AccessAll: g.AccessAll, Collections: fromPublicAccess(g.Collections)}
}

type publicCollectionJSON struct {
	ID         string         `json:"id"`
	ExternalID string         `json:"externalId"`
	Groups     []publicAccess `json:"groups"`
}

func (c *publicCollectionJSON) collection() *PublicCollection {
	return &PublicCollection{ID: c.ID, ExternalID: c.ExternalID, Groups: fromPublicAccess(c.Groups)}
}

// request is a request to the Public API: path is what follows
// /api/public. A body that cannot be encoded fails the request before it
// is sent.
func (s *PublicService) request(method, path string, body any, retry retryMode) apiRequest {
	r := apiRequest{method: method, url: s.c.apiURL + "/public" + path, path: "/api/public" + path,
		auth: true, public: true, retry: retry}
	if body != nil {
		r.body, r.bodyErr = json.Marshal(body)
		if r.bodyErr != nil {
			r.bodyErr = fmt.Errorf("safe: %s %s: encoding the body: %w", method, r.path, r.bodyErr)
		}
		r.contentType = "application/json"
	}
	return r
}

// get reads one Public API object into v.
func (s *PublicService) get(ctx context.Context, what, path string, v any) error {
	body, err := s.c.send(ctx, s.request(http.MethodGet, path, nil, retryReads))
	if err != nil {
		return err
	}
	return unmarshalJSON(what, body, v)
}

// publicList is the Public API's list envelope. Its lists are not paged:
// a continuation token would mean objects this client cannot fetch.
type publicList[T any] struct {
	Data              []T    `json:"data"`
	ContinuationToken string `json:"continuationToken"`
}

// publicAll iterates over a Public API listing.
func publicAll[T, V any](ctx context.Context, s *PublicService, what, path string, conv func(*T) V) iter.Seq2[V, error] {
	return func(yield func(V, error) bool) {
		var zero V
		var l publicList[T]
		if err := s.get(ctx, what, path, &l); err != nil {
			yield(zero, err)
			return
		}
		if l.ContinuationToken != "" {
			yield(zero, fmt.Errorf("safe: %s: the server pages the listing, which the Public API does not do", what))
			return
		}
		for i := range l.Data {
			if !yield(conv(&l.Data[i]), nil) {
				return
			}
		}
	}
}

// write sends a write and decodes its answer into v (nil: none). id names
// the object written, for an *OutcomeUnknownError. A repeated delete whose
// repeat finds the object gone succeeded (goneOK).
func (s *PublicService) write(ctx context.Context, r apiRequest, id string, v any, goneOK bool) error {
	body, err := s.c.send(ctx, r)
	if err != nil {
		if _, replayed := mayHaveApplied(err); goneOK && replayed && errors.Is(err, ErrNotFound) {
			return nil
		}
		return s.c.writeFailed(id, err)
	}
	if v == nil {
		return nil
	}
	if err := unmarshalJSON(r.path, body, v); err != nil {
		return s.c.appliedUnreadable(&r, id, err)
	}
	return nil
}

// Members iterates over the team's members. On Bravura Safe 2023.8 their
// Collections are nil (the listing has none): read a member with Member
// for its collection access.
func (s *PublicService) Members(ctx context.Context) iter.Seq2[*PublicMember, error] {
	return publicAll(ctx, s, "public members", "/members", (*publicMemberJSON).member)
}

// Member returns one member of the team, with its collection access. An
// unknown member, or one of another team, matches ErrNotFound.
func (s *PublicService) Member(ctx context.Context, memberID string) (*PublicMember, error) {
	if err := validID(memberID); err != nil {
		return nil, err
	}
	var m publicMemberJSON
	if err := s.get(ctx, "public member", "/members/"+memberID, &m); err != nil {
		return nil, err
	}
	return m.member(), nil
}

// memberBody is MemberCreateRequestModel / MemberUpdateRequestModel.
// Collections is always sent (2023.8 fails an invite without it) and
// AccessAll too (2023.8 requires it; current servers ignore it).
type memberBody struct {
	Email       string         `json:"email,omitempty"`
	Type        Role           `json:"type"`
	AccessAll   bool           `json:"accessAll"`
	ExternalID  *string        `json:"externalId"`
	Collections []publicAccess `json:"collections"`
	Groups      *[]string      `json:"groups,omitempty"` // nil: keep the member's groups
}

// Spec returns the spec that UpdateMember needs to leave the member as it
// is: its role (Owner for an owner), external ID, AccessAll and
// collection access, and its groups kept. Change it and send it. The
// Collections of a member from Bravura Safe's member listing are nil (see
// Members): read the member with Member first, or the update removes its
// collection access.
func (m *PublicMember) Spec() PublicMemberSpec {
	return PublicMemberSpec{Role: m.Role, Owner: m.Role == RoleOwner, AccessAll: m.AccessAll, ExternalID: m.ExternalID,
		Collections: slices.Clone(m.Collections)}
}

func (spec *PublicMemberSpec) body(invite bool) (memberBody, error) {
	role, err := grantedRole(spec.Role, spec.Owner)
	if err != nil {
		return memberBody{}, err
	}
	b := memberBody{Type: role, AccessAll: spec.AccessAll, Collections: toPublicAccess(spec.Collections)}
	if spec.Groups != nil {
		groups := spec.Groups
		b.Groups = &groups
	}
	if b.Collections == nil {
		b.Collections = []publicAccess{}
	}
	if spec.ExternalID != "" {
		b.ExternalID = &spec.ExternalID
	}
	if invite {
		if strings.TrimSpace(spec.Email) == "" {
			return b, invalidArg("invite: empty e-mail")
		}
		b.Email = spec.Email
	} else if spec.Email != "" {
		return b, invalidArg("update: a member's e-mail cannot be changed")
	}
	if err := checkAccessList(spec.Collections, "collection"); err != nil {
		return b, err
	}
	if err := validID(spec.Groups...); err != nil {
		return b, fmt.Errorf("member groups: %w", err)
	}
	return b, nil
}

// InviteMember invites one e-mail address to the team with the spec's
// role and access, and returns the invited member (its Collections are
// those sent). An address already a member or invited fails with the
// server's 400 ("This user has already been invited.").
//
// It is never repeated once it may have reached the server: a lost
// answer is an *OutcomeUnknownError (not Applied); Members tells whether
// the invite was made.
func (s *PublicService) InviteMember(ctx context.Context, spec PublicMemberSpec) (*PublicMember, error) {
	b, err := spec.body(true)
	if err != nil {
		return nil, err
	}
	var m publicMemberJSON
	if err := s.write(ctx, s.request(http.MethodPost, "/members", b, retryReads), "", &m, false); err != nil {
		return nil, err
	}
	return m.member(), nil
}

// UpdateMember replaces a member's role, external ID and collection
// access, and its groups when spec.Groups is not nil, and returns the
// member (its Collections are those sent). A spec without a role makes
// the member a user, an owner included: start from PublicMember.Spec. The
// team must keep a confirmed owner.
func (s *PublicService) UpdateMember(ctx context.Context, memberID string, spec PublicMemberSpec) (*PublicMember, error) {
	if err := validID(memberID); err != nil {
		return nil, err
	}
	b, err := spec.body(false)
	if err != nil {
		return nil, err
	}
	var m publicMemberJSON
	r := s.request(http.MethodPut, "/members/"+memberID, b, retryReplay)
	if err := s.write(ctx, r, memberID, &m, false); err != nil {
		return nil, err
	}
	return m.member(), nil
}

// MemberGroupIDs returns the IDs of the groups a member belongs to.
func (s *PublicService) MemberGroupIDs(ctx context.Context, memberID string) ([]string, error) {
	if err := validID(memberID); err != nil {
		return nil, err
	}
	var ids []string
	if err := s.get(ctx, "public member group ids", "/members/"+memberID+"/group-ids", &ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// SetMemberGroups makes the member belong to exactly the given groups
// (IDs that are not the team's groups are dropped by the server).
func (s *PublicService) SetMemberGroups(ctx context.Context, memberID string, groupIDs []string) error {
	if err := validID(memberID); err != nil {
		return err
	}
	ids, err := uuidList("member groups", groupIDs)
	if err != nil {
		return err
	}
	r := s.request(http.MethodPut, "/members/"+memberID+"/group-ids", map[string][]string{"groupIds": ids}, retryReplay)
	return s.write(ctx, r, memberID, nil, false)
}

// RemoveMember removes a member from the team (the account stays). The
// last confirmed owner cannot be removed.
func (s *PublicService) RemoveMember(ctx context.Context, memberID string) error {
	if err := validID(memberID); err != nil {
		return err
	}
	return s.write(ctx, s.request(http.MethodDelete, "/members/"+memberID, nil, retryReplay), memberID, nil, true)
}

// ReinviteMember sends an invited member's invitation e-mail again; any
// other member fails with the server's 400 ("User invalid."). A lost
// answer is not repeated (that would be a second e-mail).
func (s *PublicService) ReinviteMember(ctx context.Context, memberID string) error {
	if err := validID(memberID); err != nil {
		return err
	}
	return s.write(ctx, s.request(http.MethodPost, "/members/"+memberID+"/reinvite", nil, retryReads), memberID, nil, false)
}

// Groups iterates over the team's groups, with their collection access.
func (s *PublicService) Groups(ctx context.Context) iter.Seq2[*PublicGroup, error] {
	return publicAll(ctx, s, "public groups", "/groups", (*publicGroupJSON).group)
}

// Group returns one group of the team. An unknown group matches
// ErrNotFound.
func (s *PublicService) Group(ctx context.Context, groupID string) (*PublicGroup, error) {
	if err := validID(groupID); err != nil {
		return nil, err
	}
	var g publicGroupJSON
	if err := s.get(ctx, "public group", "/groups/"+groupID, &g); err != nil {
		return nil, err
	}
	return g.group(), nil
}

type groupBody struct {
	Name        string         `json:"name"`
	AccessAll   bool           `json:"accessAll"`
	ExternalID  *string        `json:"externalId"`
	Collections []publicAccess `json:"collections"`
}

func (spec *PublicGroupSpec) body() (groupBody, error) {
	if strings.TrimSpace(spec.Name) == "" {
		return groupBody{}, invalidArg("group: empty name")
	}
	if err := checkAccessList(spec.Collections, "collection"); err != nil {
		return groupBody{}, err
	}
	b := groupBody{Name: spec.Name, AccessAll: spec.AccessAll, Collections: toPublicAccess(spec.Collections)}
	if spec.ExternalID != "" {
		b.ExternalID = &spec.ExternalID
	}
	return b, nil
}

// CreateGroup creates a group and returns it. It is never repeated once it
// may have reached the server: a lost answer is an *OutcomeUnknownError;
// Groups tells whether the group was made.
func (s *PublicService) CreateGroup(ctx context.Context, spec PublicGroupSpec) (*PublicGroup, error) {
	b, err := spec.body()
	if err != nil {
		return nil, err
	}
	var g publicGroupJSON
	if err := s.write(ctx, s.request(http.MethodPost, "/groups", b, retryReads), "", &g, false); err != nil {
		return nil, err
	}
	return g.group(), nil
}

// UpdateGroup replaces a group's name, external ID and (when
// spec.Collections is not nil) collection access, and returns it.
func (s *PublicService) UpdateGroup(ctx context.Context, groupID string, spec PublicGroupSpec) (*PublicGroup, error) {
	if err := validID(groupID); err != nil {
		return nil, err
	}
	b, err := spec.body()
	if err != nil {
		return nil, err
	}
	var g publicGroupJSON
	if err := s.write(ctx, s.request(http.MethodPut, "/groups/"+groupID, b, retryReplay), groupID, &g, false); err != nil {
		return nil, err
	}
	return g.group(), nil
}

// DeleteGroup deletes a group; its members stay in the team.
func (s *PublicService) DeleteGroup(ctx context.Context, groupID string) error {
	if err := validID(groupID); err != nil {
		return err
	}
	return s.write(ctx, s.request(http.MethodDelete, "/groups/"+groupID, nil, retryReplay), groupID, nil, true)
}

// GroupMemberIDs returns the membership IDs of a group's members.
func (s *PublicService) GroupMemberIDs(ctx context.Context, groupID string) ([]string, error) {
	if err := validID(groupID); err != nil {
		return nil, err
	}
	var ids []string
	if err := s.get(ctx, "public group member ids", "/groups/"+groupID+"/member-ids", &ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// SetGroupMembers makes exactly the given members (membership IDs) the
// group's (IDs that are not the team's members are dropped by the
// server).
func (s *PublicService) SetGroupMembers(ctx context.Context, groupID string, memberIDs []string) error {
	if err := validID(groupID); err != nil {
		return err
	}
	ids, err := uuidList("group members", memberIDs)
	if err != nil {
		return err
	}
	r := s.request(http.MethodPut, "/groups/"+groupID+"/member-ids", map[string][]string{"memberIds": ids}, retryReplay)
	return s.write(ctx, r, groupID, nil, false)
}

// uuidList checks a list of IDs; nil becomes empty (the server fails on a
// null list).
func uuidList(what string, ids []string) ([]string, error) {
	if err := validID(ids...); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

// Collections iterates over the team's collections, without names (see
// PublicCollection). On Bravura Safe 2023.8 their Groups are nil.
func (s *PublicService) Collections(ctx context.Context) iter.Seq2[*PublicCollection, error] {
	return publicAll(ctx, s, "public collections", "/collections", (*publicCollectionJSON).collection)
}

// Collection returns one collection of the team, with its groups' access
// and without its name.
func (s *PublicService) Collection(ctx context.Context, collectionID string) (*PublicCollection, error) {
	if err := validID(collectionID); err != nil {
		return nil, err
	}
	var col publicCollectionJSON
	if err := s.get(ctx, "public collection", "/collections/"+collectionID, &col); err != nil {
		return nil, err
	}
	return col.collection(), nil
}

// UpdateCollection replaces a collection's external ID and its groups'
// access (see PublicCollectionSpec.Groups), and returns it (its Groups
// are those sent).
//
// On Bravura Safe 2023.8 this also removes every member's own access to
// the collection: that server's update replaces the member list with an
// empty one. Give the access back with an admin login
// (Collections.GrantAccess), or update through the internal API instead.
func (s *PublicService) UpdateCollection(ctx context.Context, collectionID string, spec PublicCollectionSpec) (*PublicCollection, error) {
	if err := validID(collectionID); err != nil {
		return nil, err
	}
	if err := checkAccessList(spec.Groups, "group"); err != nil {
		return nil, err
	}
	b := struct {
		ExternalID *string        `json:"externalId"`
		Groups     []publicAccess `json:"groups"`
	}{Groups: toPublicAccess(spec.Groups)}
	if spec.ExternalID != "" {
		b.ExternalID = &spec.ExternalID
	}
	var col publicCollectionJSON
	r := s.request(http.MethodPut, "/collections/"+collectionID, b, retryReplay)
	if err := s.write(ctx, r, collectionID, &col, false); err != nil {
		return nil, err
	}
	return col.collection(), nil
}

// DeleteCollection deletes a collection for good; its items stay in the
// team.
func (s *PublicService) DeleteCollection(ctx context.Context, collectionID string) error {
	if err := validID(collectionID); err != nil {
		return err
	}
	return s.write(ctx, s.request(http.MethodDelete, "/collections/"+collectionID, nil, retryReplay), collectionID, nil, true)
}
