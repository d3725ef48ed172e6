package safetest

import "time"

// ItemType is the type of a vault item, numbered as on the wire.
type ItemType int

// Item types.
const (
	TypeLogin      ItemType = 1
	TypeSecureNote ItemType = 2
	TypeCard       ItemType = 3
	TypeIdentity   ItemType = 4
)

// FieldType is the type of a custom field, numbered as on the wire.
type FieldType int

// Custom field types.
const (
	FieldText    FieldType = 0
	FieldHidden  FieldType = 1
	FieldBoolean FieldType = 2 // Value is "true" or "false"
	FieldLinked  FieldType = 3 // LinkedID names the built-in field; no Value
)

// Linked-field ids of login items (for FieldLinked).
const (
	LinkedUsername = 100
	LinkedPassword = 101
)

// URIMatch is a login URI's match detection, numbered as on the wire.
type URIMatch int

// URI match types.
const (
	MatchDomain            URIMatch = 0
	MatchHost              URIMatch = 1
	MatchStartsWith        URIMatch = 2
	MatchExact             URIMatch = 3
	MatchRegularExpression URIMatch = 4
	MatchNever             URIMatch = 5
)

// An Item is a vault item in plaintext: what AddItem encrypts, and what
// Item and ItemFor decrypt. AddItem sends an empty optional string as null,
// as clients do; the name is always encrypted, even when empty.
type Item struct {
	// ID is set by Item and ItemFor; AddItem ignores it.
	ID string

	// Type defaults to TypeLogin when Login is set, TypeCard when Card is
	// set, TypeIdentity when Identity is set, and TypeSecureNote otherwise.
	Type     ItemType
	Name     string
	Notes    string
	Favorite bool
	Reprompt bool // ask for the master password before showing it

	Login    *Login
	Card     *Card
	Identity *Identity
	Fields   []Field

	// CollectionIDs places a team item in collections.
	CollectionIDs []string

	// FolderID files the item in a folder. Folders and Favorite are per
	// user: AddItem sets both for the folder's owner, or else for the
	// item's owner (the team's owner for a team item).
	FolderID string

	// ItemKey gives the item its own key, wrapped with the user's or the
	// team's key; every field is then encrypted with the item key. Item
	// and ItemFor set it when the stored item has such a key.
	ItemKey bool

	// Set by Item and ItemFor; AddItem ignores them.
	TeamID          string
	Created         time.Time
	Revised         time.Time
	Deleted         time.Time // zero unless the item is in the trash
	PasswordHistory []string  // passwords of the password history, as stored
}

// Login is the login part of an item.
type Login struct {
	Username string
	Password string
	TOTP     string
	URIs     []URI
}

// URI is one URI of a login. A nil Match means the client's default.
type URI struct {
	URI   string
	Match *URIMatch
}

// Field is a custom field.
type Field struct {
	Name     string
	Value    string
	Type     FieldType
	LinkedID int // for FieldLinked: LinkedUsername, LinkedPassword, ...
}

// Card is the card part of an item.
type Card struct {
	CardholderName, Brand, Number, ExpMonth, ExpYear, Code string
}

// Identity is the identity part of an item.
type Identity struct {
	Title, FirstName, MiddleName, LastName string
	Address1, Address2, Address3           string
	City, State, PostalCode, Country       string
	Company, Email, Phone, SSN, Username   string
	PassportNumber, LicenseNumber          string
}

func (it *Item) itemType() ItemType {
	switch {
	case it.Type != 0:
		return it.Type
	case it.Login != nil:
		return TypeLogin
	case it.Card != nil:
		return TypeCard
	case it.Identity != nil:
		return TypeIdentity
	}
	return TypeSecureNote
}

// fields pairs the wire names of an identity's members with its fields,
// for encrypting and decrypting them in one loop.
func (id *Identity) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{
		{"title", &id.Title}, {"firstName", &id.FirstName}, {"middleName", &id.MiddleName},
		{"lastName", &id.LastName}, {"address1", &id.Address1}, {"address2", &id.Address2},
		{"address3", &id.Address3}, {"city", &id.City}, {"state", &id.State},
		{"postalCode", &id.PostalCode}, {"country", &id.Country}, {"company", &id.Company},
		{"email", &id.Email}, {"phone", &id.Phone}, {"ssn", &id.SSN}, {"username", &id.Username},
		{"passportNumber", &id.PassportNumber}, {"licenseNumber", &id.LicenseNumber},
	}
}

// fields pairs the wire names of a card's members with its fields.
func (c *Card) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{
		{"cardholderName", &c.CardholderName}, {"brand", &c.Brand}, {"number", &c.Number},
		{"expMonth", &c.ExpMonth}, {"expYear", &c.ExpYear}, {"code", &c.Code},
	}
}
