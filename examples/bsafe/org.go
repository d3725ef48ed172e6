package main

import (
	"context"
	"strings"

	"github.com/bsafe-go/bsafe/safe"
)

// The folder, collection and organization commands: "list folders",
// "list collections", "list organizations", "list org-collections",
// "list org-members" here; create, edit and confirm in org_write.go; the
// JSON shapes in shapes_org.go.

// listFolders is "list folders [--search term]": the user's folders by
// name, then bw's "No Folder" entry (the items in no folder), which a
// search also matches by its name.
func (a *app) listFolders(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	folders, err := c.Folders.List(ctx)
	if err != nil {
		return nil, err
	}
	sortByName(folders, func(f *safe.Folder) string { return f.Name })
	search, _ := in.value("search")
	out := []folderData{}
	for _, f := range folders {
		if matchesSearch(f.Name, search) {
			out = append(out, folderShape(f))
		}
	}
	if matchesSearch(noFolderName, search) {
		// bw 2026.9.0 prints the entry's id as "" (2023.9.1: null).
		empty := ""
		out = append(out, folderData{Object: "folder", ID: &empty, Name: noFolderName})
	}
	return list(out), nil
}

// listCollections is "list collections [--search term]
// [--organizationid id]": the collections the user can use, by name.
func (a *app) listCollections(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	teamID, byTeam := in.value("organizationid")
	var cols []*safe.Collection
	for col, err := range c.Collections.All(ctx) {
		if err != nil {
			return nil, err
		}
		if !byTeam || strings.EqualFold(col.TeamID, teamID) {
			cols = append(cols, col)
		}
	}
	return list(collectionList(cols, in, absentIfEmpty)), nil
}

// collectionList is cols by name, narrowed by --search, in bw's shape with
// the externalId as ext makes it.
func collectionList(cols []*safe.Collection, in *input, ext func(string) maybeString) []collectionData {
	sortByName(cols, func(c *safe.Collection) string { return c.Name })
	search, _ := in.value("search")
	out := []collectionData{}
	for _, col := range cols {
		if matchesSearch(col.Name, search) {
			out = append(out, collectionShape(col, ext(col.ExternalID)))
		}
	}
	return out
}

// listOrganizations is "list organizations [--search term]": the teams the
// user is a member of.
func (a *app) listOrganizations(ctx context.Context, in *input) (*output, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, err
	}
	teams, err := c.Teams(ctx)
	if err != nil {
		return nil, err
	}
	search, _ := in.value("search")
	out := []organizationData{}
	for _, t := range teams {
		if matchesSearch(t.Name, search) {
			out = append(out, organizationShape(t))
		}
	}
	return list(out), nil
}

// listOrgCollections is "list org-collections --organizationid id
// [--search term]": every collection of the team for its owners and
// admins (as bw, which asks the server for the team's collections when
// the user may view them all), else the user's own collections of it.
func (a *app) listOrgCollections(ctx context.Context, in *input) (*output, error) {
	c, team, err := a.orgCommand(ctx, in)
	if err != nil {
		return nil, err
	}
	cols, err := teamCollections(ctx, c, team)
	if err != nil {
		return nil, err
	}
	return list(collectionList(cols, in, nullIfEmpty)), nil
}

// teamCollections returns the collections of team that the user sees:
// all of them for owners and admins, else those they have access to.
func teamCollections(ctx context.Context, c *safe.Client, team *safe.Team) ([]*safe.Collection, error) {
	if team.Role == safe.RoleOwner || team.Role == safe.RoleAdmin {
		return c.Collections.ListTeam(ctx, team.ID)
	}
	var cols []*safe.Collection
	for col, err := range c.Collections.All(ctx) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(col.TeamID, team.ID) {
			cols = append(cols, col)
		}
	}
	return cols, nil
}

// listOrgMembers is "list org-members --organizationid id": the team's
// members, in the server's order.
func (a *app) listOrgMembers(ctx context.Context, in *input) (*output, error) {
	c, team, err := a.orgCommand(ctx, in)
	if err != nil {
		return nil, err
	}
	members, err := c.Members.List(ctx, team.ID)
	if err != nil {
		return nil, err
	}
	out := make([]orgMemberData, 0, len(members))
	for _, m := range members {
		out = append(out, orgMemberShape(m))
	}
	return list(out), nil
}

// orgCommand starts a command on the team of --organizationid, which must
// be given, be a GUID and name one of the user's teams (bw's checks and
// messages, in its order).
func (a *app) orgCommand(ctx context.Context, in *input) (*safe.Client, *safe.Team, error) {
	c, err := a.unlocked(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, _ := in.value("organizationid")
	if id == "" {
		return nil, nil, fail("`organizationid` option is required.")
	}
	if err := checkGUID(id); err != nil {
		return nil, nil, err
	}
	team, err := findTeam(ctx, c, id)
	if err != nil {
		return nil, nil, err
	}
	return c, team, nil
}

// findTeam returns the user's team with the ID, or bw's "Organization not
// found.".
func findTeam(ctx context.Context, c *safe.Client, id string) (*safe.Team, error) {
	teams, err := c.Teams(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		if strings.EqualFold(t.ID, id) {
			return t, nil
		}
	}
	return nil, fail("Organization not found.")
}
