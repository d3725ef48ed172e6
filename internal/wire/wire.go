// Package wire holds the numbers of the Bitwarden wire format that both
// the client (package safe) and the test server (package safetest) speak:
// cipher types, URI match kinds, custom-field types, linked-field ids,
// member roles and statuses. Each is written down once, here; the public
// packages map their own enums onto these.
//
// The numbers are those of the official server's C# enums (CipherType,
// UriMatchType, FieldType, LinkedIdType, OrganizationUserType,
// OrganizationUserStatusType).
package wire

// CipherType is the "type" of a cipher.
type CipherType int

// Cipher types. SSH keys arrived with server 2024.12; Bravura Safe's
// 2023.8 server knows types 1 to 4.
const (
	CipherLogin      CipherType = 1
	CipherSecureNote CipherType = 2
	CipherCard       CipherType = 3
	CipherIdentity   CipherType = 4
	CipherSSHKey     CipherType = 5
)

// URIMatch is the "match" of a login URI; null on the wire means the
// client's default (domain matching unless the user changed it).
type URIMatch int

// URI match kinds.
const (
	MatchDomain            URIMatch = 0
	MatchHost              URIMatch = 1
	MatchStartsWith        URIMatch = 2
	MatchExact             URIMatch = 3
	MatchRegularExpression URIMatch = 4
	MatchNever             URIMatch = 5
)

// The public packages number URI matches with 0 meaning "not set" (null on
// the wire) and n > 0 meaning wire match n-1, so that the zero value of a
// URI is the client's default. OptionalMatch and MatchNumber convert.

// OptionalMatch converts the public numbering to the wire: set is false
// for 0 ("not set", sent as null). Numbers out of range stay out of range,
// for the server to refuse.
func OptionalMatch(n int) (m URIMatch, set bool) {
	if n == 0 {
		return 0, false
	}
	return URIMatch(n - 1), true
}

// MatchNumber converts a wire match to the public numbering; a nil match
// (null on the wire) is 0.
func MatchNumber(m *URIMatch) int {
	if m == nil {
		return 0
	}
	return int(*m) + 1
}

// FieldType is the "type" of a custom field.
type FieldType int

// Custom field types.
const (
	FieldText    FieldType = 0
	FieldHidden  FieldType = 1
	FieldBoolean FieldType = 2
	FieldLinked  FieldType = 3 // linkedId names a built-in field; value is null
)

// Linked-field ids of logins (LinkedIdType).
const (
	LinkedLoginUsername = 100
	LinkedLoginPassword = 101
)

// SecureNoteGeneric is the only secure-note "type".
const SecureNoteGeneric = 0

// OrgUserType is a member's role ("type" of a membership).
type OrgUserType int

// Member roles. 3 (Manager) was retired by the official server in 2024;
// 2023.8 (Bravura Safe) still has it.
const (
	RoleOwner   OrgUserType = 0
	RoleAdmin   OrgUserType = 1
	RoleUser    OrgUserType = 2
	RoleManager OrgUserType = 3
	RoleCustom  OrgUserType = 4
)

// OrgUserStatus is the "status" of a membership.
type OrgUserStatus int

// Membership states.
const (
	StatusRevoked   OrgUserStatus = -1
	StatusInvited   OrgUserStatus = 0
	StatusAccepted  OrgUserStatus = 1
	StatusConfirmed OrgUserStatus = 2
)
