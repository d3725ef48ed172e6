package main

import "context"

// TODO(issue 11): the folder, collection and organization commands. Each
// fails with "not implemented yet" until written.

func (a *app) listFolders(context.Context, *input) (*output, error) { return nil, errNotImplemented }
func (a *app) listCollections(context.Context, *input) (*output, error) {
	return nil, errNotImplemented
}
func (a *app) listOrganizations(context.Context, *input) (*output, error) {
	return nil, errNotImplemented
}
func (a *app) listOrgCollections(context.Context, *input) (*output, error) {
	return nil, errNotImplemented
}
func (a *app) listOrgMembers(context.Context, *input) (*output, error) { return nil, errNotImplemented }
func (a *app) createFolder(context.Context, *input) (*output, error)   { return nil, errNotImplemented }
func (a *app) createOrgCollection(context.Context, *input) (*output, error) {
	return nil, errNotImplemented
}
func (a *app) editOrgCollection(context.Context, *input) (*output, error) {
	return nil, errNotImplemented
}
func (a *app) confirmOrgMember(context.Context, *input) (*output, error) {
	return nil, errNotImplemented
}
