package safe

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
)

// MembersService lists and manages the members of a team: invitations,
// confirmation (wrapping the team key to the member), removal,
// revocation and restoration. Get it as Client.Members. Member management
// is part of the vault client rather than of package usermgmt because it
// needs the client's transport (with its write-outcome and retry rules)
// and the team keys of the logged-in session; usermgmt builds the User
// Management connector on it. Collection access of one member is set
// with Client.Collections (GrantAccess, RemoveAccess).
//
// The writes, and reading one member, need a caller who manages the
// team's users (an owner, an admin, or a Custom member with "manage
// users"); the server answers others as if the team had no such member
// (ErrNotFound).
//
// # Retries
//
// Each write is repeated after an attempt whose answer was lost only
// where a repeat cannot do harm, and a repeat's refusal is read as what
// it means:
//
//   - Invite is repeated: the server skips every address that already
//     belongs to a member of the team, so a repeat invites nobody twice
//     and never fails as "already invited". The members are then read back.
//   - Reinvite is repeated: its only effect is an e-mail.
//   - Confirm, Remove, Revoke and Restore are repeated, and a repeat the
//     server refuses (2023.8 answers 400 to a member it no longer finds in
//     the state the request needs, current servers 404 to a removed one)
//     is settled by reading the member back: in the state the write sets
//     (confirmed; gone; revoked; active), the write succeeded.
//
// A write whose outcome stays unknown fails with an *OutcomeUnknownError.
type MembersService service

// Member is a team membership.
type Member struct {
	ID                    string // the membership (organization-user) ID
	UserID                string // empty while invited
	Name, Email           string
	Role                  Role
	Status                MemberStatus
	ExternalID            string
	ResetPasswordEnrolled bool
	TwoFactorEnabled      bool
	Collections           []Access // Access.ID is a collection ID
	Groups                []string
}

var roleNames = map[Role]string{RoleOwner: "owner", RoleAdmin: "admin", RoleUser: "user", RoleManager: "manager", RoleCustom: "custom"}

// String returns the role's name: "owner", "admin", "user", "manager" or
// "custom", or "Role(n)" for a number the server does not define.
func (r Role) String() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return "Role(" + strconv.Itoa(int(r)) + ")"
}

var statusNames = map[MemberStatus]string{StatusRevoked: "revoked", StatusInvited: "invited", StatusAccepted: "accepted", StatusConfirmed: "confirmed"}

// String returns the state's name: "invited", "accepted", "confirmed" or
// "revoked", or "MemberStatus(n)" for a number the server does not
// define.
func (s MemberStatus) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return "MemberStatus(" + strconv.Itoa(int(s)) + ")"
}

// All iterates over the members of a team, with their collection access.
// The server answers the whole list at once; an error is yielded once and
// ends the iteration.
func (s *MembersService) All(ctx context.Context, teamID string) iter.Seq2[*Member, error] {
	return func(yield func(*Member, error) bool) {
		ms, err := s.List(ctx, teamID)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, m := range ms {
			if !yield(m, nil) {
				return
			}
		}
	}
}

// List returns the members of a team, with their collection access.
func (s *MembersService) List(ctx context.Context, teamID string) ([]*Member, error) {
	if err := validID(teamID); err != nil {
		return nil, err
	}
	path := "/organizations/" + teamID + "/users"
	body, err := s.c.send(ctx, apiRequest{method: http.MethodGet, url: s.c.apiURL + path + "?includeCollections=true&includeGroups=true",
		path: "/api" + path, auth: true})
	if err != nil {
		return nil, err
	}
	return parseMembers(body)
}

// parseMembers reads the answer of GET .../users.
func parseMembers(body []byte) ([]*Member, error) {
	var list struct {
		Data []wireMember `json:"data"`
	}
	if err := unmarshalJSON("members", body, &list); err != nil {
		return nil, err
	}
	out := make([]*Member, len(list.Data))
	for i := range list.Data {
		out[i] = list.Data[i].member()
	}
	return out, nil
}

// Get returns one member of a team, or an error matching ErrNotFound if
// the team has no member with that ID. It reads the team's member list:
// the server's single-member answer has neither the name, the e-mail nor
// the two-factor flag, and on Bravura Safe's 2023.8 server it is not
// bound to the team in the path.
func (s *MembersService) Get(ctx context.Context, teamID, memberID string) (*Member, error) {
	if err := validID(teamID, memberID); err != nil {
		return nil, err
	}
	for m, err := range s.All(ctx, teamID) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(m.ID, memberID) {
			return m, nil
		}
	}
	return nil, memberNotFound(teamID, memberID)
}

func memberNotFound(teamID, memberID string) error {
	return fmt.Errorf("%w: team %s has no member %s", ErrNotFound, teamID, memberID)
}

// state reads a member the writes check and settle with, from the team's
// member list: the server's single-member answer would be smaller, but
// Bravura Safe's 2023.8 server gives it for a member of any team the
// caller manages, whatever the team in the path, so it cannot prove that
// the member is the path team's (a write would then wrap this team's key
// to another team's member, or misreport the server's refusal).
func (s *MembersService) state(ctx context.Context, teamID, memberID string) (*Member, error) {
	return s.Get(ctx, teamID, memberID)
}

// memberReq is a request on /organizations/{teamID}/users/{memberID}{suffix}.
func (s *MembersService) memberReq(method, teamID, memberID, suffix string, body any) apiRequest {
	path := "/organizations/" + teamID + "/users"
	if memberID != "" {
		path += "/" + memberID
	}
	path += suffix
	r := apiRequest{method: method, url: s.c.apiURL + path, path: "/api" + path, auth: true}
	if body != nil {
		r.body, r.bodyErr = jsonValue(body)
		r.contentType = "application/json"
	}
	return r
}

// wireMember is OrganizationUserUserDetails (list) and
// OrganizationUserDetails (single, without name, email and
// twoFactorEnabled).
type wireMember struct {
	ID                    string       `json:"id"`
	UserID                string       `json:"userId"`
	Name                  string       `json:"name"`
	Email                 string       `json:"email"`
	Type                  Role         `json:"type"`
	Status                MemberStatus `json:"status"`
	ExternalID            string       `json:"externalId"`
	ResetPasswordEnrolled bool         `json:"resetPasswordEnrolled"`
	TwoFactorEnabled      bool         `json:"twoFactorEnabled"`
	Collections           []Access     `json:"collections"`
	Groups                []string     `json:"groups"`
}

func (m *wireMember) member() *Member {
	return &Member{ID: m.ID, UserID: m.UserID, Name: m.Name, Email: m.Email, Role: m.Type, Status: m.Status,
		ExternalID: m.ExternalID, ResetPasswordEnrolled: m.ResetPasswordEnrolled, TwoFactorEnabled: m.TwoFactorEnabled,
		Collections: m.Collections, Groups: m.Groups}
}
