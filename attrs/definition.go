package attrs

import (
	"strconv"
	"strings"
)

// This file declares profile and request attribute definitions: the
// settings of Bravura's "Profile and request attribute information" page,
// as seed 003 ("Defining profile and request attributes") lists them. The
// checks live in check.go, validation in validate.go, the format mask in
// mask.go and the vCard mapping in vcard.go.

// Type is the type of a profile and request attribute.
type Type int

// The attribute types of seed 003. The zero Type is invalid, so that a
// definition that forgot its type fails [Definition.Check].
const (
	String Type = iota + 1
	Integer
	Boolean
	DateTime
	Memo
	Password
	User
	Link
	File
	ManagedSystem
	DiscoveredSystem
	ManageableAccount
)

var typeNames = [...]string{
	String:            "String",
	Integer:           "Integer",
	Boolean:           "Boolean",
	DateTime:          "Date/time",
	Memo:              "Memo",
	Password:          "Password",
	User:              "User",
	Link:              "Link",
	File:              "File",
	ManagedSystem:     "Managed system",
	DiscoveredSystem:  "Discovered system",
	ManageableAccount: "Manageable account",
}

// String returns the type's name as Bravura shows it, such as "Date/time".
func (t Type) String() string {
	if t.Valid() {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Valid reports whether t is one of the declared types.
func (t Type) Valid() bool { return t >= String && t <= ManageableAccount }

// MultiValued reports whether attributes of type t may hold more than one
// value. Seed 003 contradicts itself here: its settings table allows a
// maximum number of values for "All except Boolean, Memo, Password, and
// Date/time", while its prose says "Only string and integer attribute
// types can have more than 1 value". bsafe follows the table, because the
// table also allows duplicate-value checks for User attributes, which only
// make sense for several values. So Boolean, Memo, Password and Date/time
// are single-valued and every other type may be multi-valued.
func (t Type) MultiValued() bool {
	switch t {
	case Boolean, Memo, Password, DateTime:
		return false
	}
	return t.Valid()
}

// DisplayType says how users select or enter values. Each is valid only
// for some types (see [Definition.Check]).
type DisplayType int

// The display types of seed 003. The zero DisplayType is "the default" of
// the attribute's type.
const (
	DisplayDefault DisplayType = iota
	// Boolean.
	DisplayDropDown
	DisplayCheckbox
	DisplayRadioButtons
	// Date/time: "Date/time", "Date only (calendar)" and
	// "Date only (YYYY-MM-DD)". The first takes a date and a time, the
	// other two a date only.
	DisplayDateTime
	DisplayDateCalendar
	DisplayDateYMD
	// String with restricted values that allows several values:
	// "Drop-down" (DisplayDropDown) or "Drop-down with two-columns".
	DisplayTwoColumns
)

var displayNames = [...]string{
	DisplayDefault:      "(default)",
	DisplayDropDown:     "Drop-down",
	DisplayCheckbox:     "Checkbox",
	DisplayRadioButtons: "Radio buttons",
	DisplayDateTime:     "Date/time",
	DisplayDateCalendar: "Date only (calendar)",
	DisplayDateYMD:      "Date only (YYYY-MM-DD)",
	DisplayTwoColumns:   "Drop-down with two-columns",
}

// String returns the display type's name as Bravura shows it.
func (d DisplayType) String() string {
	if d >= 0 && int(d) < len(displayNames) {
		return displayNames[d]
	}
	return "DisplayType(" + strconv.Itoa(int(d)) + ")"
}

// Unlimited is the MaxValues that allows any number of values (the
// product's -1).
const Unlimited = -1

// RestrictedValue is one allowed value of an attribute with restricted
// values. Actual is what is stored and written to target systems; Display
// is what users see ("" shows Actual). Parent is the value of the parent
// attribute under which this value is offered; it is "" for attributes
// without a parent.
type RestrictedValue struct {
	Parent  string
	Actual  string
	Display string
}

// Default is one default value of an attribute, offered when its parent
// attribute has the value Parent ("" for attributes without a parent). An
// attribute with several default values has several Defaults.
type Default struct {
	Parent string
	Value  string
}

// Definition is a profile and request attribute: its ID, its type and the
// settings of seed 003's table. Not every setting is allowed for every
// type; [Definition.Check] reports a setting used with a type the table
// does not name. Build one with [NewDefinition], which fills in the
// product's defaults; a bare literal has MaxValues 0, which the product
// rejects, and so does Check.
//
// A Definition is plain data: the package never changes one, and it may
// be shared between goroutines once built.
type Definition struct {
	// ID is the attribute's ID, such as "EMAIL". IDs compare as
	// attribute names do (see [SameName]).
	ID string
	// Type is the attribute's type.
	Type Type
	// Description is the attribute's name as users see it.
	Description string

	// DisplayType (Boolean, Date/time, String): how users select or enter
	// values.
	DisplayType DisplayType
	// ValidateUser (User): the value must be the profile ID of an
	// existing user; [Validate] asks [Env.UserExists].
	ValidateUser bool
	// DisplayAsImage (Link, File): show the link or file as a 100 x 100
	// image.
	DisplayAsImage bool
	// ValidateLink (Link): check the link before accepting it; [Validate]
	// asks [Env.CheckLink].
	ValidateLink bool
	// MinValues (all types): the minimum number of values; more than 0
	// makes the attribute required.
	MinValues int
	// MaxValues (all types; more than 1 only for types where
	// [Type.MultiValued]): the maximum number of values, a positive number
	// or [Unlimited]. 0 is invalid.
	MaxValues int
	// MaxLength (String, Integer, Password): the maximum length in
	// characters (Unicode code points). For an attribute with restricted
	// values it bounds each value; for one without, the total of all its
	// values, as seed 003's "Maximum length" table says. 0 means no limit.
	MaxLength int
	// AllowDuplicates (String, Integer, User): a multi-valued attribute
	// may hold the same value twice. It does not apply to single values.
	AllowDuplicates bool
	// SentInEmails (all but Password and File): include the attribute in
	// e-mail notifications.
	SentInEmails bool
	// ProfileComparison (all but Password and File): show the attribute
	// on the profile comparison page. Such an attribute cannot be
	// encrypted.
	ProfileComparison bool
	// AuthChains (String, Integer, Password, Date/time): the attribute can
	// be used in authentication chains.
	AuthChains bool
	// RequestOnly (all types): the values belong to requests and are not
	// saved with the profile. Defaults always apply to such attributes.
	RequestOnly bool
	// EditableOnlyOnCreation (all types): the value cannot change after
	// the request is created.
	EditableOnlyOnCreation bool
	// TrackChanges (all but File): keep the attribute's history.
	TrackChanges bool
	// VerifyValue (String, Integer, Password): users re-type the value.
	VerifyValue bool
	// InvalidatesAuthorizations (all types): an authorizer's change
	// invalidates earlier authorizations of the request.
	InvalidatesAuthorizations bool
	// AdvancedSearch (all types): the attribute may be used in advanced
	// search criteria. Not with Encrypted.
	AdvancedSearch bool
	// DisplayInReports (all types; on by default): show the values in
	// reports. An encrypted attribute's values are masked there.
	DisplayInReports bool
	// VCard (all types): the vCard property the attribute maps to, or "".
	VCard VCardProperty
	// Notes (all types): help text shown in wizards.
	Notes string
	// InputDescription (String, Memo, Integer, Password, File): tells
	// users how to enter values, such as "YYYY-MM-DD". Required with
	// Regexp.
	InputDescription string
	// Format (String, Password, File): a format mask that every value
	// must match, such as "NNNN-NN-NN"; see [ParseMask] for the mask
	// language.
	Format string
	// Regexp (String, Memo, Integer, Password): a regular expression, in
	// Go's RE2 syntax, that every value must match as a whole. It
	// requires InputDescription.
	Regexp string
	// CaseSensitive (String, Integer): restricted values keep their case.
	// Otherwise actual values are upper-cased (see
	// [Definition.ActualValue]).
	CaseSensitive bool
	// Plugin (String, Integer): the program that supplies restricted
	// values (see package attrs/restricted). "" defines them statically.
	Plugin string
	// Parent (String, Integer): the ID of the parent attribute. Both
	// attributes must have restricted values, and this attribute's
	// restricted values and defaults are given per parent value.
	Parent string
	// TrueText, FalseText and NoneText (Boolean): the display texts of
	// the positive, negative and missing value. NewDefinition sets the
	// product's defaults "True", "False" and "(None)".
	TrueText, FalseText, NoneText string
	// Defaults (String, Integer, Boolean): default values, per parent
	// value. They apply to request-only attributes and to new profiles,
	// never to existing profiles (see [Schema.ApplyDefaults]).
	Defaults []Default
	// InheritValidation (all types; on by default): take validation
	// enforcement from the attribute group.
	InheritValidation bool
	// Encrypted (all but User, Managed system, Discovered system and
	// Manageable account): the values are encrypted in the database. An
	// encrypted attribute cannot be used in advanced search, mapped to an
	// account attribute or compared, and is masked in reports.
	Encrypted bool
	// AccountAttributes are the account attributes this attribute is
	// mapped to, as "TARGETID/attribute" or just "attribute". Bravura
	// configures the mapping on the target system rather than on this
	// page; it is here so that Check can refuse mapping an encrypted
	// attribute.
	AccountAttributes []string

	// Restricted are the static restricted values (String, Integer).
	// With a Plugin, a static value is only offered when the plugin
	// returns its actual value; it then supplies the display text.
	Restricted []RestrictedValue
}

// NewDefinition returns a definition with the product's defaults: one
// value at most, shown in reports, inheriting validation from its group,
// and for Boolean the display texts "True", "False" and "(None)". Two
// built-in IDs (compared as [SameName] does) get more, where the type
// has the setting:
//
//   - EMAIL is AuthChains. Seed 003: "This is enabled for the EMAIL
//     attribute by default." Check does not require it: it is a default,
//     which an administrator may turn off.
//   - PREFERRED_DATEFORMAT and PREFERRED_TIMEFORMAT are CaseSensitive.
//     Seed 003: "When configuring date/time attributes
//     (PREFERRED_DATEFORMAT and PREFERRED_TIMEFORMAT), ensure that they
//     are case-sensitive." Their values are format patterns, in which case
//     matters ("MM" is not "mm"), so bsafe reads "date/time attributes"
//     as the attributes that hold date and time formats, String
//     attributes (CaseSensitive is for String and Integer only), and
//     [Definition.Check] refuses them with restricted values that are
//     not case-sensitive.
func NewDefinition(id string, t Type) *Definition {
	d := &Definition{
		ID:                id,
		Type:              t,
		MaxValues:         1,
		DisplayInReports:  true,
		InheritValidation: true,
	}
	if t == Boolean {
		d.TrueText, d.FalseText, d.NoneText = "True", "False", "(None)"
	}
	if SameName(id, "EMAIL") && SettingAuthChains.AllowedFor(t) {
		d.AuthChains = true
	}
	if isFormatPatternID(id) && SettingCaseSensitive.AllowedFor(t) {
		d.CaseSensitive = true
	}
	return d
}

// isFormatPatternID reports whether id is one of the attributes that hold
// date and time format patterns, which seed 003 wants case-sensitive.
func isFormatPatternID(id string) bool {
	return SameName(id, "PREFERRED_DATEFORMAT") || SameName(id, "PREFERRED_TIMEFORMAT")
}

// ActualValue returns s as the attribute stores a restricted value:
// upper-cased (with [strings.ToUpper]) unless the definition is
// CaseSensitive. Validation compares restricted values, and duplicates of
// them, in this form.
func (d *Definition) ActualValue(s string) string {
	if d.CaseSensitive {
		return s
	}
	return strings.ToUpper(s)
}

// HasRestricted reports whether the attribute's values are restricted:
// defined statically or supplied by a plugin.
func (d *Definition) HasRestricted() bool { return len(d.Restricted) > 0 || d.Plugin != "" }

// RestrictedFor returns the static restricted values offered when the
// parent attribute has the value parentValue (for an attribute without a
// parent, pass ""). Parent values compare as actual values of the parent
// do, which this definition cannot know: they compare exactly here, so
// pass the parent's actual value.
func (d *Definition) RestrictedFor(parentValue string) []RestrictedValue {
	var out []RestrictedValue
	for _, r := range d.Restricted {
		if r.Parent == parentValue {
			out = append(out, r)
		}
	}
	return out
}

// Schema is a set of definitions that may refer to each other (through
// Parent). Order matters only for output: [Schema.Check] reports problems
// and [Schema.VCard] writes properties in this order.
type Schema []*Definition

// Lookup returns the definition with the given ID, or nil.
func (s Schema) Lookup(id string) *Definition {
	for _, d := range s {
		if d != nil && SameName(d.ID, id) {
			return d
		}
	}
	return nil
}
