package safe

import (
	"context"
	"net/http"
)

// MembersService lists team members. Get it as Client.Members. Managing
// members (invite, confirm, remove, account recovery) is in package
// usermgmt.
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
	Collections           []Access
	Groups                []string
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
	var list struct {
		Data []struct {
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
		} `json:"data"`
	}
	if err := unmarshalJSON("members", body, &list); err != nil {
		return nil, err
	}
	out := make([]*Member, len(list.Data))
	for i, m := range list.Data {
		out[i] = &Member{ID: m.ID, UserID: m.UserID, Name: m.Name, Email: m.Email, Role: m.Type, Status: m.Status,
			ExternalID: m.ExternalID, ResetPasswordEnrolled: m.ResetPasswordEnrolled, TwoFactorEnabled: m.TwoFactorEnabled,
			Collections: m.Collections, Groups: m.Groups}
	}
	return out, nil
}
