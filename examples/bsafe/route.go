package main

import "context"

// The vault commands name an object after the command ("list items",
// "get password <id>", "create org-collection"). Each command has a table
// from object to the function that does it; the functions live in the
// file of their object: items.go (items and their fields) and org.go
// (folders, collections, organizations and their members).
//
// An object a command does not know is bw's "Unknown object." error.

type objectRun func(a *app, ctx context.Context, in *input) (*output, error)

var (
	listObjects = map[string]objectRun{
		"items":           (*app).listItems,
		"folders":         (*app).listFolders,
		"collections":     (*app).listCollections,
		"organizations":   (*app).listOrganizations,
		"org-collections": (*app).listOrgCollections,
		"org-members":     (*app).listOrgMembers,
	}
	getObjects = map[string]objectRun{
		"item":     (*app).getItem,
		"username": (*app).getUsername,
		"password": (*app).getPassword,
		"uri":      (*app).getURI,
		"notes":    (*app).getNotes,
		"exposed":  (*app).getExposed,
		"template": (*app).getTemplate,
	}
	createObjects = map[string]objectRun{
		"item":           (*app).createItem,
		"folder":         (*app).createFolder,
		"org-collection": (*app).createOrgCollection,
	}
	editObjects = map[string]objectRun{
		"item":             (*app).editItem,
		"item-collections": (*app).editItemCollections,
		"org-collection":   (*app).editOrgCollection,
	}
	deleteObjects  = map[string]objectRun{"item": (*app).deleteItem}
	restoreObjects = map[string]objectRun{"item": (*app).restoreItem}
	confirmObjects = map[string]objectRun{"org-member": (*app).confirmOrgMember}
)

// route runs the function for in's first argument (the object) in table,
// with the object removed from in.args.
func route(table map[string]objectRun, a *app, ctx context.Context, in *input) (*output, error) {
	if len(in.args) == 0 {
		return nil, fail("`object` argument is required.")
	}
	run, ok := table[in.args[0]]
	if !ok {
		return nil, fail("Unknown object.")
	}
	in.args = in.args[1:]
	return run(a, ctx, in)
}

func (a *app) cmdList(ctx context.Context, in *input) (*output, error) {
	return route(listObjects, a, ctx, in)
}

func (a *app) cmdGet(ctx context.Context, in *input) (*output, error) {
	return route(getObjects, a, ctx, in)
}

func (a *app) cmdCreate(ctx context.Context, in *input) (*output, error) {
	return route(createObjects, a, ctx, in)
}

func (a *app) cmdEdit(ctx context.Context, in *input) (*output, error) {
	return route(editObjects, a, ctx, in)
}

func (a *app) cmdDelete(ctx context.Context, in *input) (*output, error) {
	return route(deleteObjects, a, ctx, in)
}

func (a *app) cmdRestore(ctx context.Context, in *input) (*output, error) {
	return route(restoreObjects, a, ctx, in)
}

func (a *app) cmdConfirm(ctx context.Context, in *input) (*output, error) {
	return route(confirmObjects, a, ctx, in)
}

// cmdMove is "move <itemid> <organizationid> [encodedJson]": it has no
// object.
func (a *app) cmdMove(ctx context.Context, in *input) (*output, error) { return a.moveItem(ctx, in) }
