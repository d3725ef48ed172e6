package attrs

import "strconv"

// Setting is one row of seed 003's settings table ("Parameters for profile
// and request attributes vary depending on the attribute's type"): a field
// of [Definition] and the types that may use it. A [Problem] names the
// setting it is about; the zero Setting is none.
type Setting int

// The settings, in the order of seed 003's table.
const (
	SettingDisplayType               Setting = iota + 1 // DisplayType
	SettingValidateUser                                 // ValidateUser
	SettingDisplayAsImage                               // DisplayAsImage
	SettingValidateLink                                 // ValidateLink
	SettingMinValues                                    // MinValues
	SettingMaxValues                                    // MaxValues
	SettingMaxLength                                    // MaxLength
	SettingAllowDuplicates                              // AllowDuplicates
	SettingSentInEmails                                 // SentInEmails
	SettingProfileComparison                            // ProfileComparison
	SettingAuthChains                                   // AuthChains
	SettingRequestOnly                                  // RequestOnly
	SettingEditableOnlyOnCreation                       // EditableOnlyOnCreation
	SettingTrackChanges                                 // TrackChanges
	SettingVerifyValue                                  // VerifyValue
	SettingInvalidatesAuthorizations                    // InvalidatesAuthorizations
	SettingAdvancedSearch                               // AdvancedSearch
	SettingDisplayInReports                             // DisplayInReports
	SettingVCard                                        // VCard
	SettingNotes                                        // Notes
	SettingInputDescription                             // InputDescription
	SettingFormat                                       // Format
	SettingRegexp                                       // Regexp
	SettingCaseSensitive                                // CaseSensitive
	SettingPlugin                                       // Plugin
	SettingParent                                       // Parent
	SettingTrueText                                     // TrueText
	SettingFalseText                                    // FalseText
	SettingNoneText                                     // NoneText
	SettingDefaults                                     // Defaults
	SettingInheritValidation                            // InheritValidation
	SettingEncrypt                                      // Encrypted
)

// settingRow is a row of the table: the setting's name as the seed gives
// it and its Type column, as the set of types allowed (nil = "All").
type settingRow struct {
	name  string
	types []Type
}

// allExcept returns every type but the given ones, for the table's "All
// except …" rows.
func allExcept(excluded ...Type) []Type {
	var out []Type
	for t := String; t <= ManageableAccount; t++ {
		if !containsType(excluded, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsType(ts []Type, t Type) bool {
	for _, u := range ts {
		if u == t {
			return true
		}
	}
	return false
}

// settingRows is seed 003's table, row by row. Two rows are odd in the
// seed. "Parent attribute" repeats the description of the plugin row
// above it ("You can use a plugin to supply one or more restricted
// values…"), a copy-paste slip: its Type column, String and Integer,
// agrees with "Both parent and child attributes must have restricted
// values", which only those types have, so the column is kept. "Maximum
// allowed number of values" says "All except Boolean, Memo, Password, and
// Date/time" where the prose says only String and Integer: bsafe follows
// the table (see [Type.MultiValued]), and those four types keep the
// setting at 1, its value for a single value (see [Setting.AllowedFor]).
// "Users must verify and confirm the value" marks Password "(recommended)",
// which is advice, not a restriction: the column is String, Integer and
// Password. (The seed's "Track changes" description breaks off after "You
// can also configure the"; its Type column, "All except File", is whole.)
var settingRows = [...]settingRow{
	SettingDisplayType:               {"Display type", []Type{Boolean, DateTime, String}},
	SettingValidateUser:              {"Validate user", []Type{User}},
	SettingDisplayAsImage:            {"Display as an image", []Type{Link, File}},
	SettingValidateLink:              {"Validate attribute value", []Type{Link}},
	SettingMinValues:                 {"Minimum required number of values", nil},
	SettingMaxValues:                 {"Maximum allowed number of values", allExcept(Boolean, Memo, Password, DateTime)},
	SettingMaxLength:                 {"Maximum field length", []Type{String, Integer, Password}},
	SettingAllowDuplicates:           {"Allow duplicate values", []Type{String, Integer, User}},
	SettingSentInEmails:              {"Sent in emails", allExcept(Password, File)},
	SettingProfileComparison:         {"Allow for profile comparison", allExcept(Password, File)},
	SettingAuthChains:                {"Allow for authentication chains", []Type{String, Integer, Password, DateTime}},
	SettingRequestOnly:               {"Only use for requests (do not apply to a user profile)", nil},
	SettingEditableOnlyOnCreation:    {"Editable only on request creation", nil},
	SettingTrackChanges:              {"Track changes", allExcept(File)},
	SettingVerifyValue:               {"Users must verify and confirm the value", []Type{String, Integer, Password}},
	SettingInvalidatesAuthorizations: {"Changes made will invalidate authorizations", nil},
	SettingAdvancedSearch:            {"Allow in advanced search criteria", nil},
	SettingDisplayInReports:          {"Display in reports", nil},
	SettingVCard:                     {"Map to vCard property", nil},
	SettingNotes:                     {"Notes", nil},
	SettingInputDescription:          {"Description of input values", []Type{String, Memo, Integer, Password, File}},
	SettingFormat:                    {"Format requirement of input values", []Type{String, Password, File}},
	SettingRegexp:                    {"Regular expression used for validation of input values", []Type{String, Memo, Integer, Password}},
	SettingCaseSensitive:             {"Restricted values are case-sensitive", []Type{String, Integer}},
	SettingPlugin:                    {"Plugin used to generate a list of restricted values", []Type{String, Integer}},
	SettingParent:                    {"Parent attribute", []Type{String, Integer}},
	SettingTrueText:                  {"Display text for positive value", []Type{Boolean}},
	SettingFalseText:                 {"Display text for negative value", []Type{Boolean}},
	SettingNoneText:                  {"Display text for no value", []Type{Boolean}},
	SettingDefaults:                  {"Default values", []Type{String, Integer, Boolean}},
	SettingInheritValidation:         {"Inherit validation enforcement from attribute group", nil},
	SettingEncrypt:                   {"Encrypt this attribute in the database", allExcept(User, ManagedSystem, DiscoveredSystem, ManageableAccount)},
}

// Valid reports whether s is one of the declared settings.
func (s Setting) Valid() bool { return s >= SettingDisplayType && s <= SettingEncrypt }

// String returns the setting's name as seed 003's table gives it, such as
// "Maximum allowed number of values".
func (s Setting) String() string {
	if s.Valid() {
		return settingRows[s].name
	}
	return "Setting(" + strconv.Itoa(int(s)) + ")"
}

// AllowedFor reports whether the table's Type column names t for the
// setting. Rows marked "All" allow every valid type; no setting allows an
// invalid type. [Definition.Check] reports a setting that is not at its
// unset value on a type the row does not name; for
// [SettingMaxValues] the unset value is 1, since every attribute holds at
// least one value (see [Type.MultiValued]).
func (s Setting) AllowedFor(t Type) bool {
	if !s.Valid() || !t.Valid() {
		return false
	}
	types := settingRows[s].types
	return types == nil || containsType(types, t)
}

// Settings returns every setting, in the order of seed 003's table.
func Settings() []Setting {
	out := make([]Setting, 0, SettingEncrypt)
	for s := SettingDisplayType; s <= SettingEncrypt; s++ {
		out = append(out, s)
	}
	return out
}

// settingUsed reports whether d's field for s differs from its unset
// value, which a type the table does not name must keep. The settings the
// table allows for every type are always "unused" here.
func (d *Definition) settingUsed(s Setting) bool {
	switch s {
	case SettingDisplayType:
		return d.DisplayType != DisplayDefault
	case SettingValidateUser:
		return d.ValidateUser
	case SettingDisplayAsImage:
		return d.DisplayAsImage
	case SettingValidateLink:
		return d.ValidateLink
	case SettingMaxValues:
		return d.MaxValues != 1
	case SettingMaxLength:
		return d.MaxLength != 0
	case SettingAllowDuplicates:
		return d.AllowDuplicates
	case SettingSentInEmails:
		return d.SentInEmails
	case SettingProfileComparison:
		return d.ProfileComparison
	case SettingAuthChains:
		return d.AuthChains
	case SettingTrackChanges:
		return d.TrackChanges
	case SettingVerifyValue:
		return d.VerifyValue
	case SettingInputDescription:
		return d.InputDescription != ""
	case SettingFormat:
		return d.Format != ""
	case SettingRegexp:
		return d.Regexp != ""
	case SettingCaseSensitive:
		return d.CaseSensitive
	case SettingPlugin:
		return d.Plugin != ""
	case SettingParent:
		return d.Parent != ""
	case SettingTrueText:
		return d.TrueText != ""
	case SettingFalseText:
		return d.FalseText != ""
	case SettingNoneText:
		return d.NoneText != ""
	case SettingDefaults:
		return len(d.Defaults) > 0
	case SettingEncrypt:
		return d.Encrypted
	}
	// MinValues, RequestOnly, EditableOnlyOnCreation,
	// InvalidatesAuthorizations, AdvancedSearch, DisplayInReports, VCard,
	// Notes and InheritValidation: "All".
	return false
}
