package attrs_test

import (
	"slices"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
)

var allTypes = []attrs.Type{
	attrs.String, attrs.Integer, attrs.Boolean, attrs.DateTime, attrs.Memo, attrs.Password,
	attrs.User, attrs.Link, attrs.File, attrs.ManagedSystem, attrs.DiscoveredSystem, attrs.ManageableAccount,
}

// except returns allTypes without the given ones: the table's "All
// except …".
func except(excluded ...attrs.Type) []attrs.Type {
	var out []attrs.Type
	for _, t := range allTypes {
		if !slices.Contains(excluded, t) {
			out = append(out, t)
		}
	}
	return out
}

// seedTable is seed 003's settings table as the seed prints it: the
// "Setting" and "Type" columns, row by row, typed in from the seed (not
// from setting.go).
var seedTable = []struct {
	setting attrs.Setting
	name    string
	types   []attrs.Type
}{
	{attrs.SettingDisplayType, "Display type", []attrs.Type{attrs.Boolean, attrs.DateTime, attrs.String}},
	{attrs.SettingValidateUser, "Validate user", []attrs.Type{attrs.User}},
	{attrs.SettingDisplayAsImage, "Display as an image", []attrs.Type{attrs.Link, attrs.File}},
	{attrs.SettingValidateLink, "Validate attribute value", []attrs.Type{attrs.Link}},
	{attrs.SettingMinValues, "Minimum required number of values", allTypes},
	// "All except Boolean, Memo, Password, and Date/time".
	{attrs.SettingMaxValues, "Maximum allowed number of values", except(attrs.Boolean, attrs.Memo, attrs.Password, attrs.DateTime)},
	{attrs.SettingMaxLength, "Maximum field length", []attrs.Type{attrs.String, attrs.Integer, attrs.Password}},
	{attrs.SettingAllowDuplicates, "Allow duplicate values", []attrs.Type{attrs.String, attrs.Integer, attrs.User}},
	{attrs.SettingSentInEmails, "Sent in emails", except(attrs.Password, attrs.File)},
	{attrs.SettingProfileComparison, "Allow for profile comparison", except(attrs.Password, attrs.File)},
	{attrs.SettingAuthChains, "Allow for authentication chains", []attrs.Type{attrs.String, attrs.Integer, attrs.Password, attrs.DateTime}},
	{attrs.SettingRequestOnly, "Only use for requests (do not apply to a user profile)", allTypes},
	{attrs.SettingEditableOnlyOnCreation, "Editable only on request creation", allTypes},
	{attrs.SettingTrackChanges, "Track changes", except(attrs.File)},
	// "String, Integer, Password (recommended)".
	{attrs.SettingVerifyValue, "Users must verify and confirm the value", []attrs.Type{attrs.String, attrs.Integer, attrs.Password}},
	{attrs.SettingInvalidatesAuthorizations, "Changes made will invalidate authorizations", allTypes},
	{attrs.SettingAdvancedSearch, "Allow in advanced search criteria", allTypes},
	{attrs.SettingDisplayInReports, "Display in reports", allTypes},
	{attrs.SettingVCard, "Map to vCard property", allTypes},
	{attrs.SettingNotes, "Notes", allTypes},
	{attrs.SettingInputDescription, "Description of input values", []attrs.Type{attrs.String, attrs.Memo, attrs.Integer, attrs.Password, attrs.File}},
	{attrs.SettingFormat, "Format requirement of input values", []attrs.Type{attrs.String, attrs.Password, attrs.File}},
	{attrs.SettingRegexp, "Regular expression used for validation of input values", []attrs.Type{attrs.String, attrs.Memo, attrs.Integer, attrs.Password}},
	{attrs.SettingCaseSensitive, "Restricted values are case-sensitive", []attrs.Type{attrs.String, attrs.Integer}},
	{attrs.SettingPlugin, "Plugin used to generate a list of restricted values", []attrs.Type{attrs.String, attrs.Integer}},
	// The row's description is the plugin row's, copied; its Type column
	// is kept (see setting.go).
	{attrs.SettingParent, "Parent attribute", []attrs.Type{attrs.String, attrs.Integer}},
	{attrs.SettingTrueText, "Display text for positive value", []attrs.Type{attrs.Boolean}},
	{attrs.SettingFalseText, "Display text for negative value", []attrs.Type{attrs.Boolean}},
	{attrs.SettingNoneText, "Display text for no value", []attrs.Type{attrs.Boolean}},
	{attrs.SettingDefaults, "Default values", []attrs.Type{attrs.String, attrs.Integer, attrs.Boolean}},
	{attrs.SettingInheritValidation, "Inherit validation enforcement from attribute group", allTypes},
	{attrs.SettingEncrypt, "Encrypt this attribute in the database", except(attrs.User, attrs.ManagedSystem, attrs.DiscoveredSystem, attrs.ManageableAccount)},
}

// TestSettingsTable: every row of seed 003's settings table, "Parameters
// for profile and request attributes vary depending on the attribute's
// type, as listed in the table below": its name and exactly the types of
// its Type column.
func TestSettingsTable(t *testing.T) {
	var want []attrs.Setting
	for _, row := range seedTable {
		want = append(want, row.setting)
		if got := row.setting.String(); got != row.name {
			t.Errorf("%d.String() = %q, want %q", row.setting, got, row.name)
		}
		for _, typ := range allTypes {
			if got, w := row.setting.AllowedFor(typ), slices.Contains(row.types, typ); got != w {
				t.Errorf("%s.AllowedFor(%s) = %v, want %v", row.name, typ, got, w)
			}
		}
		if row.setting.AllowedFor(0) || row.setting.AllowedFor(attrs.ManageableAccount+1) {
			t.Errorf("%s is allowed for an invalid type", row.name)
		}
	}
	if got := attrs.Settings(); !slices.Equal(got, want) {
		t.Errorf("Settings() = %v,\nwant the table's rows %v", got, want)
	}
	for _, s := range []attrs.Setting{0, attrs.SettingEncrypt + 1, -1} {
		if s.Valid() || s.AllowedFor(attrs.String) {
			t.Errorf("Setting(%d) is valid or allowed", int(s))
		}
	}
	if got := attrs.Setting(0).String(); got != "Setting(0)" {
		t.Errorf("Setting(0).String() = %q", got)
	}
}
