package main

import "context"

// TODO(issue 11): the item commands. Each fails with "not implemented yet"
// until written.

func (a *app) listItems(context.Context, *input) (*output, error)   { return nil, errNotImplemented }
func (a *app) getItem(context.Context, *input) (*output, error)     { return nil, errNotImplemented }
func (a *app) getUsername(context.Context, *input) (*output, error) { return nil, errNotImplemented }
func (a *app) getPassword(context.Context, *input) (*output, error) { return nil, errNotImplemented }
func (a *app) getURI(context.Context, *input) (*output, error)      { return nil, errNotImplemented }
func (a *app) getNotes(context.Context, *input) (*output, error)    { return nil, errNotImplemented }
func (a *app) getExposed(context.Context, *input) (*output, error)  { return nil, errNotImplemented }
func (a *app) getTemplate(context.Context, *input) (*output, error) { return nil, errNotImplemented }
func (a *app) createItem(context.Context, *input) (*output, error)  { return nil, errNotImplemented }
func (a *app) editItem(context.Context, *input) (*output, error)    { return nil, errNotImplemented }
func (a *app) editItemCollections(context.Context, *input) (*output, error) {
	return nil, errNotImplemented
}
func (a *app) deleteItem(context.Context, *input) (*output, error)  { return nil, errNotImplemented }
func (a *app) restoreItem(context.Context, *input) (*output, error) { return nil, errNotImplemented }
func (a *app) moveItem(context.Context, *input) (*output, error)    { return nil, errNotImplemented }
