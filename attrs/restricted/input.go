package restricted

import (
	"slices"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// The values of [Input.Module]: where the plugin is being run from. Seed
// 003 lists them as "<idp|ids|idr|idwfm>" and names two of the modules:
// the View and update profile (IDR) module and the Workflow Manager
// Service (idwfm), which runs the plugin when a request is submitted.
const (
	ModuleIDP   = "idp"
	ModuleIDS   = "ids"
	ModuleIDR   = "idr"
	ModuleIDWFM = "idwfm"
)

// Input is what a restricted-value plugin reads on its standard input:
// the attribute it runs for, where and for whom. Every field is optional
// but Attribute; [Input.Group] writes the non-empty ones.
type Input struct {
	// Attribute is the ID of the attribute whose values are wanted
	// ("attribute").
	Attribute string
	// Module is where the plugin runs from, one of the Module constants
	// ("module").
	Module string
	// UserID is the recipient's profile ID, if known ("userid"). It is
	// empty for a new user whose profile ID a generator will make. Seed
	// 003 says the pair "is empty if a profile ID generator is used";
	// bsafe then leaves the pair out, as Group does every empty field
	// (the seed's example input has no "userid" either), and a plugin
	// reads a missing pair as an empty one.
	UserID string
	// RequestID is the ID of the request ("requestID").
	RequestID string
	// SessionID is the viewer's session ID ("sessionid").
	SessionID string
	// Operations are the operation codes that may be requested, such as
	// "GRUA" ("operation", zero or more).
	Operations []string
	// Parent is the ID of the attribute's parent attribute, if it has one
	// ("parent").
	Parent string
	// UserName is the full name of the user the plugin runs for
	// ("username"). The seed says it is "Omitted if the userid is
	// empty", so Group writes it only with a UserID.
	UserName string
	// Recipient is the user the request is for ("recipient" "<profile
	// ID>"). Its ID names the group; the seed says "The KVGroup name is
	// not present if the request is for a new user", so a Recipient with
	// an empty ID gives "recipient" "".
	Recipient *User
	// Request holds the request details ("request" ""), passed through
	// as they are: bsafe does not model requests. Its own key and name
	// are not used.
	Request *kvgroup.Group
	// Requester, Viewer and Model are the requester, the viewer and the
	// model user of a profile comparison ("requester", "viewer" and
	// "model", each a group named "user").
	Requester, Viewer, Model *User
}

// User is one user in an [Input]: the seed's example viewer is
// "viewer" "user" = { "id" = "crysta.soria" "name" = "Crysta Soria" }.
// Profile attributes are written as Bravura writes them in plugin
// KVGroups, one group per attribute:
//
//	"attribute" "EMAIL" = { "value" "" = { "value" = "a@example.com" } }
type User struct {
	// ID is the profile ID ("id").
	ID string
	// Name is the full name ("name").
	Name string
	// Attributes are the user's profile attributes.
	Attributes attrs.Values
	// Extra holds further items of the user's group, written after the
	// others as they are; [InputFromGroup] puts every item it does not
	// read into it. Its own key and name are not used.
	Extra *kvgroup.Group
}

// Group returns in as the plugin reads it, the anonymous root group
// "" "" = { ... }. Empty fields are left out, but "attribute", which is
// always written. Pairs come first, in the alphabetical order of their
// keys as in the seed's example (attribute, module, operation, parent,
// requestID, sessionid, userid, username), then the user and request
// groups, also alphabetically (model, recipient, request, requester,
// viewer); plugins look items up by key, so the order is for stable
// output only.
func (in *Input) Group() *kvgroup.Group {
	g := kvgroup.New("", "")
	g.Add("attribute", in.Attribute)
	addIf(g, "module", in.Module)
	for _, op := range in.Operations {
		g.Add("operation", op)
	}
	addIf(g, "parent", in.Parent)
	addIf(g, "requestID", in.RequestID)
	addIf(g, "sessionid", in.SessionID)
	addIf(g, "userid", in.UserID)
	if in.UserID != "" {
		addIf(g, "username", in.UserName)
	}
	if in.Model != nil {
		g.Append(in.Model.group("model", "user"))
	}
	if in.Recipient != nil {
		g.Append(in.Recipient.group("recipient", in.Recipient.ID))
	}
	if in.Request != nil {
		r := g.AddGroup("request", "")
		r.Items = slices.Clone(in.Request.Items)
	}
	if in.Requester != nil {
		g.Append(in.Requester.group("requester", "user"))
	}
	if in.Viewer != nil {
		g.Append(in.Viewer.group("viewer", "user"))
	}
	return g
}

func addIf(g *kvgroup.Group, key, value string) {
	if value != "" {
		g.Add(key, value)
	}
}

// group writes u as the group key name = { ... }.
func (u *User) group(key, name string) *kvgroup.Group {
	g := kvgroup.New(key, name)
	addIf(g, "id", u.ID)
	addIf(g, "name", u.Name)
	for id, values := range u.Attributes.All() {
		v := g.AddGroup("attribute", id).AddGroup("value", "")
		for _, s := range values {
			v.Add("value", s)
		}
	}
	if u.Extra != nil {
		g.Items = append(g.Items, u.Extra.Items...)
	}
	return g
}

// InputFromGroup reads an Input from g, the document a plugin receives;
// it is the counterpart of [Input.Group], for plugins written in Go and
// for tests. The first of repeated pairs and groups counts (but
// "operation", which is multi-valued); unknown root items are ignored.
// Items of a user group that are not "id", "name" or an "attribute"
// group go to [User.Extra]. A recipient without an "id" pair takes its
// ID from the group's name. It returns an error only for a nil g.
func InputFromGroup(g *kvgroup.Group) (*Input, error) {
	if g == nil {
		return nil, errNilGroup
	}
	in := &Input{
		Attribute:  g.Get("attribute"),
		Module:     g.Get("module"),
		UserID:     g.Get("userid"),
		RequestID:  g.Get("requestID"),
		SessionID:  g.Get("sessionid"),
		Operations: g.Values("operation"),
		Parent:     g.Get("parent"),
		UserName:   g.Get("username"),
		Request:    g.FirstGroup("request"),
		Requester:  userFromGroup(g.FirstGroup("requester")),
		Viewer:     userFromGroup(g.FirstGroup("viewer")),
		Model:      userFromGroup(g.FirstGroup("model")),
	}
	if rg := g.FirstGroup("recipient"); rg != nil {
		in.Recipient = userFromGroup(rg)
		if _, ok := rg.Lookup("id"); !ok {
			in.Recipient.ID = rg.Name
		}
	}
	return in, nil
}

func userFromGroup(g *kvgroup.Group) *User {
	if g == nil {
		return nil
	}
	u := &User{}
	var seenID, seenName bool
	var extra []kvgroup.Item
	for _, it := range g.Items {
		switch {
		case it.Group != nil && it.Group.Key == "attribute":
			var values []string
			if v := it.Group.Group("value", ""); v != nil {
				values = v.Values("value")
			}
			u.Attributes.Add(it.Group.Name, values...)
		case it.Group == nil && !it.ValueOnly && it.Key == "id" && !seenID:
			u.ID, seenID = it.Value, true
		case it.Group == nil && !it.ValueOnly && it.Key == "name" && !seenName:
			u.Name, seenName = it.Value, true
		default:
			extra = append(extra, it)
		}
	}
	if len(extra) > 0 {
		u.Extra = &kvgroup.Group{Items: extra}
	}
	return u
}
