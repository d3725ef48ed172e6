package bsafe

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/bsafe-go/bsafe/attrs"
)

// ServerInfo is what the serverinfo operation reports about the target.
type ServerInfo struct {
	Name    string // the target system's product or instance name
	Version string
}

// Target is where and as whom a connector works: the address and the two
// credentials of the agent input. Dispatch passes it to Connect.
//
// Its String, GoString, LogValue and MarshalJSON methods leave the
// passwords out, so a Target can be printed or logged.
type Target struct {
	// Address is the "address" key when it is a plain string.
	Address string
	// Options are the address options: the pairs of an "address" or
	// "addresscomponents" group (for Bravura Safe: server,
	// organizationName, proxy, listDeleted, defaultAccessLevel).
	Options attrs.Values
	// AdminID and AdminPassword are "adminid" and "adminpw", the first
	// credential.
	AdminID, AdminPassword string
	// SysID and SysPassword are "sysid" and "syspw", the second credential.
	SysID, SysPassword string
	// TargetID is the agent input's "hostid", the target's ID in Bravura.
	TargetID string
}

// String describes the target without its passwords.
func (t Target) String() string {
	return fmt.Sprintf("bsafe.Target{Address:%q Options:%v AdminID:%q SysID:%q TargetID:%q}",
		t.Address, t.Options.Names(), t.AdminID, t.SysID, t.TargetID)
}

// GoString is String, so that %#v hides the passwords too.
func (t Target) GoString() string { return t.String() }

// Format writes String for every verb, so that no verb (%d and %x
// included, which would print the fields) shows a password.
func (t Target) Format(s fmt.State, _ rune) { io.WriteString(s, t.String()) }

// LogValue logs the target without its passwords.
func (t Target) LogValue() slog.Value {
	return slog.GroupValue(slog.String("address", t.Address), slog.Any("options", t.Options.Names()),
		slog.String("adminid", t.AdminID), slog.String("sysid", t.SysID), slog.String("targetid", t.TargetID))
}

// MarshalJSON writes the target without its passwords, and only the
// names of its options (an option may hold a secret too).
func (t Target) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Address  string   `json:"address,omitempty"`
		Options  []string `json:"options,omitempty"`
		AdminID  string   `json:"adminid,omitempty"`
		SysID    string   `json:"sysid,omitempty"`
		TargetID string   `json:"targetid,omitempty"`
	}{t.Address, t.Options.Names(), t.AdminID, t.SysID, t.TargetID})
}

// AccountRef names the account an operation is about, as the agent input
// gives it. ID ("acctid") is the account's long ID, as a listing reported
// it; the other fields are what Bravura knows besides and may be empty.
type AccountRef struct {
	ID       string // "acctid"
	ShortID  string // "shortid"
	FullName string // "fullname"
	UserID   string // "userid": the Bravura profile ID the account belongs to
}

// Account is an account as listings, checkuser, checktemplate and create
// report it.
type Account struct {
	// StableID survives renames; empty means the same as LongID.
	StableID string
	// LongID is the account's ID on the target, which later operations
	// get back as "acctid". Required.
	LongID string
	// ShortID is the short name, which Bravura can use to attach the
	// account to a profile. Required.
	ShortID  string
	FullName string
	Attrs    attrs.Values
	// Groups are the long IDs of the groups the account is a member of.
	Groups []string
}

// Group is a managed group as listgroups and groupcreate report it.
type Group struct {
	StableID    string // empty means the same as LongID
	LongID      string // required
	ShortID     string
	Description string
	// Owner is the long ID of the group's one owner, or empty.
	Owner string
	// OwnerIsGroup says the owner is a group, not an account.
	OwnerIsGroup bool
	Attrs        attrs.Values
}

// Member is one member of a group, as listmembers reports it.
type Member struct {
	LongID  string // the member's long ID; required
	IsGroup bool   // the member is a group, not an account
	Attrs   attrs.Values
}

// ResourceType is the kind of computer or subscriber a listing asks for,
// the agent input's "k_resourceType".
type ResourceType string

// The resource types of listcomputers and listsubscribers.
const (
	Workstations ResourceType = "ls_compwkstn" // listcomputers
	Servers      ResourceType = "ls_compsvr"   // listcomputers

	TaskSubscribers       ResourceType = "ls_taskacct"  // scheduled tasks
	IISSubscribers        ResourceType = "ls_iisacct"   // IIS
	COMSubscribers        ResourceType = "ls_comacct"   // DCOM/COM+
	ServiceSubscribers    ResourceType = "ls_scmacct"   // services
	CustomSubscribers     ResourceType = "ls_cusacct"   // user defined
	AdminGroupSubscribers ResourceType = "ls_admmember" // administrative group members
)

// Computer is one computer object, as listcomputers reports it.
type Computer struct {
	ID           string // universally unique; required
	Name         string
	ResourceType ResourceType
	Disabled     bool
	Attrs        attrs.Values
}

// Subscriber is one subscriber of an account (a service, task, …
// running as it), as listsubscribers reports it.
type Subscriber struct {
	// ID is unique; when empty, Dispatch reports LongID followed by the
	// target's ID, as the protocol documents.
	ID           string
	URI          string // unique; required
	ResourceType ResourceType
	Disabled     bool
	AcctID       string // the account name as the subscriber uses it
	LongID       string
	ShortID      string
	Attrs        attrs.Values
}

// SubscriberRef names the subscriber updatesubscriber is about.
type SubscriberRef struct {
	ResourceType ResourceType // "k_resourceType"
	URI          string       // "k_resourceURI", as listsubscribers reported it
}

// Action says how create or update treats one attribute (the "ACTION" of
// an attribute instruction).
type Action string

// The attribute actions of create and update. Update knows only
// ActionValue and ActionIgnore.
const (
	ActionValue   Action = "VALUE"   // set the given values
	ActionIgnore  Action = "IGNORE"  // leave the attribute alone
	ActionCopy    Action = "COPY"    // copy the template's values
	ActionReplace Action = "REPLACE" // copy the template's values, with the template's ID replaced by the new account's
)

// Valid reports whether a is one of the four actions.
func (a Action) Valid() bool {
	switch a {
	case ActionValue, ActionIgnore, ActionCopy, ActionReplace:
		return true
	}
	return false
}

// Sequence values of an attribute instruction.
const (
	SetWhileCreating = -1 // set the attribute in the create call itself
	SetAfterCreating = 0  // set it after the account exists
)

// Instruction is what create or update does with one attribute: one
// "attribute" group of the agent input's "attributes".
type Instruction struct {
	Name     string
	Action   Action
	Sequence int // SetWhileCreating or SetAfterCreating (or a later step)
	Group    int // the instruction's "GROUP", 0 unless given
	// Values are the values to set for ActionValue, in order; several
	// for a multi-valued attribute.
	Values []string
}

// Instructions are the agent input's "attributes" group: a default action
// for the template's attributes it does not name, and one instruction
// per attribute it does.
type Instructions struct {
	// Default is "DEFAULT-ACTION"; empty means ActionIgnore.
	Default Action
	Attrs   []Instruction
}

// Lookup returns the instruction for name (ASCII case folded, as in
// package attrs).
func (in Instructions) Lookup(name string) (Instruction, bool) {
	for _, a := range in.Attrs {
		if attrs.SameName(a.Name, name) {
			return a, true
		}
	}
	return Instruction{}, false
}

// CreateRequest is the input of create.
type CreateRequest struct {
	// Account names the new account: its ID ("acctid"), short ID and
	// full name as Bravura chose them.
	Account AccountRef
	// TemplateID is "modeluid", the template account to copy, if any.
	TemplateID string
	// Template is the template as checktemplate reported it, when the
	// connector is a TemplateChecker and TemplateID is set; else nil.
	Template *Account
	Attrs    Instructions
	Password string // "newpw", the new account's password
}

// GroupRequest is the input of groupcreate.
type GroupRequest struct {
	ID    string // "groupid"
	Name  string // "groupname"
	Attrs Instructions
}

// ListOptions narrow a listing.
type ListOptions struct {
	// Attributes are the attributes wanted ("listattributes"); empty means
	// every attribute.
	Attributes []string
}

// OutputType says what a custom operation returns.
type OutputType string

// The output types of custom operations.
const (
	OutputNone     OutputType = "none"     // the return code only
	OutputSingle   OutputType = "single"   // one row, in the agent output
	OutputMultiple OutputType = "multiple" // rows, written to "customfilename"
)

// CustomOperation declares one custom operation a CustomOperator runs.
type CustomOperation struct {
	Name   string // as "customop" names it, without the "custom_" prefix
	Output OutputType
}

// CustomRequest is the input of a custom operation: every documented key
// of the agent input, typed, and the undocumented top-level pairs as
// Extra. The credentials are not in it; the connector got them in Connect.
type CustomRequest struct {
	Op          string // "customop"
	Account     AccountRef
	GroupID     string // "groupid"
	GroupName   string // "groupname"
	TemplateID  string // "modeluid"
	OldPassword string // "oldpw"
	NewPassword string // "newpw"
	Attrs       Instructions
	// Extra holds the input's other top-level pairs, in order.
	Extra attrs.Values
}

// CustomRow is one row a custom operation returns.
type CustomRow struct {
	ID    string
	Attrs attrs.Values
}

// String describes the request without the password.
func (r CreateRequest) String() string {
	return fmt.Sprintf("bsafe.CreateRequest{Account:%+v TemplateID:%q Attrs:%d}", r.Account, r.TemplateID, len(r.Attrs.Attrs))
}

// GoString is String, so that %#v hides the password too.
func (r CreateRequest) GoString() string { return r.String() }

// Format writes String for every verb, so that no verb (%d and %x
// included, which would print the fields) shows a password.
func (r CreateRequest) Format(s fmt.State, _ rune) { io.WriteString(s, r.String()) }

// LogValue logs the request without the password.
func (r CreateRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("acctid", r.Account.ID), slog.String("modeluid", r.TemplateID))
}

// MarshalJSON writes the request without the password.
func (r CreateRequest) MarshalJSON() ([]byte, error) {
	type plain CreateRequest
	p := plain(r)
	p.Password = ""
	return json.Marshal(p)
}

// String describes the request without the passwords.
func (r CustomRequest) String() string {
	return fmt.Sprintf("bsafe.CustomRequest{Op:%q Account:%+v GroupID:%q Extra:%v}", r.Op, r.Account, r.GroupID, r.Extra.Names())
}

// GoString is String, so that %#v hides the passwords too.
func (r CustomRequest) GoString() string { return r.String() }

// Format writes String for every verb, so that no verb (%d and %x
// included, which would print the fields) shows a password.
func (r CustomRequest) Format(s fmt.State, _ rune) { io.WriteString(s, r.String()) }

// LogValue logs the request without the passwords.
func (r CustomRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("customop", r.Op), slog.String("acctid", r.Account.ID))
}

// MarshalJSON writes the request without the passwords.
func (r CustomRequest) MarshalJSON() ([]byte, error) {
	type plain CustomRequest
	p := plain(r)
	p.OldPassword, p.NewPassword = "", ""
	return json.Marshal(p)
}

// Fixture tells TestConnector what on the target it may use. The kit
// changes the target (it resets, enables, creates and deletes), so point it
// at a test system. What the connector claims and the fixture does not
// name is reported as a violation, never skipped.
type Fixture struct {
	// Account is an existing account the kit verifies, resets, enables and
	// disables, locks, expires and lists; it is left with Password and in
	// its first state at the end where the connector can restore them.
	Account AccountRef
	// Password is Account's current password.
	Password string
	// NewPassword is a password the target accepts for Account, other
	// than Password; create gives it to NewAccount too.
	NewPassword string
	// Template is the template account ("modeluid") create copies; empty
	// means create without one.
	Template string
	// NewAccount names an account that does not exist; the kit creates
	// and then deletes it.
	NewAccount AccountRef
	// Group is an existing group Account is not a member of; the kit adds
	// Account to it and removes it again.
	Group string
	// NewGroup names a group that does not exist; the kit creates and
	// then deletes it.
	NewGroup GroupRequest
	// Attribute names an attribute of Account that update may set: the
	// kit sets it to a value of its own, reads it back, and sets it back
	// to what it was. Create sets it on NewAccount too, when given.
	Attribute string
	// Subscriber is a subscriber running as Account, which the kit sets
	// to NewPassword and then back to Password (updatesubscriber).
	Subscriber SubscriberRef
}

// String describes the fixture without its passwords.
func (f Fixture) String() string {
	return fmt.Sprintf("bsafe.Fixture{Account:%+v Template:%q NewAccount:%+v Group:%q NewGroup:%+v Attribute:%q Subscriber:%+v}",
		f.Account, f.Template, f.NewAccount, f.Group, f.NewGroup, f.Attribute, f.Subscriber)
}

// GoString is String, so that %#v hides the passwords too.
func (f Fixture) GoString() string { return f.String() }

// Format writes String for every verb, so that no verb (%d and %x
// included, which would print the fields) shows a password.
func (f Fixture) Format(s fmt.State, _ rune) { io.WriteString(s, f.String()) }

// LogValue logs the fixture without its passwords.
func (f Fixture) LogValue() slog.Value {
	return slog.GroupValue(slog.String("account", f.Account.ID), slog.String("template", f.Template),
		slog.String("newaccount", f.NewAccount.ID), slog.String("group", f.Group), slog.String("newgroup", f.NewGroup.ID))
}

// MarshalJSON writes the fixture without its passwords.
func (f Fixture) MarshalJSON() ([]byte, error) {
	type plain Fixture
	p := plain(f)
	p.Password, p.NewPassword = "", ""
	return json.Marshal(p)
}
