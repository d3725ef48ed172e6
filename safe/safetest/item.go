package safetest

import (
	"time"

	"github.com/bsafe-go/bsafe/internal/wire"
)

// ItemType is the type of a vault item, numbered as on the wire and as
// safe.ItemType.
type ItemType int

// Item types.
const (
	TypeLogin      = ItemType(wire.CipherLogin)
	TypeSecureNote = ItemType(wire.CipherSecureNote)
	TypeCard       = ItemType(wire.CipherCard)
	TypeIdentity   = ItemType(wire.CipherIdentity)
	TypeSSHKey     = ItemType(wire.CipherSSHKey) // servers from 2024.12 (GenCurrent)
)

// FieldType is the type of a custom field, numbered as on the wire and as
// safe.FieldType.
type FieldType int

// Custom field types.
const (
	FieldText    = FieldType(wire.FieldText)
	FieldHidden  = FieldType(wire.FieldHidden)
	FieldBoolean = FieldType(wire.FieldBoolean) // Value is "true" or "false"
	FieldLinked  = FieldType(wire.FieldLinked)  // LinkedID names the built-in field; no Value
)

// Linked-field ids of login items (for FieldLinked).
const (
	LinkedUsername = wire.LinkedLoginUsername
	LinkedPassword = wire.LinkedLoginPassword
)

// URIMatch is a login URI's match detection, numbered as safe.URIMatch:
// the zero value MatchDefault is "not set" (null on the wire: the client's
// default), and MatchDomain to MatchNever are the wire's 0 to 5.
type URIMatch int

// URI match types.
const (
	MatchDefault           URIMatch = 0
	MatchDomain            URIMatch = 1 + URIMatch(wire.MatchDomain)
	MatchHost              URIMatch = 1 + URIMatch(wire.MatchHost)
	MatchStartsWith        URIMatch = 1 + URIMatch(wire.MatchStartsWith)
	MatchExact             URIMatch = 1 + URIMatch(wire.MatchExact)
	MatchRegularExpression URIMatch = 1 + URIMatch(wire.MatchRegularExpression)
	MatchNever             URIMatch = 1 + URIMatch(wire.MatchNever)
)

// An Item is a vault item in plaintext: what AddItem encrypts, and what
// Item and ItemFor decrypt. AddItem sends an empty optional string as null,
// as clients do; the name is always encrypted, even when empty.
type Item struct {
	// ID is set by Item and ItemFor; AddItem ignores it.
	ID string

	// Type defaults to TypeLogin when Login is set, TypeCard when Card is
	// set, TypeIdentity when Identity is set, TypeSSHKey when SSHKey is
	// set, and TypeSecureNote otherwise.
	Type     ItemType
	Name     string
	Notes    string
	Favorite bool
	Reprompt bool // ask for the master password before showing it

	Login    *Login
	Card     *Card
	Identity *Identity
	SSHKey   *SSHKey
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

// URI is one URI of a login. The zero Match, MatchDefault, means the
// client's default.
type URI struct {
	URI   string
	Match URIMatch
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

// SSHKey is the SSH-key part of an item.
type SSHKey struct {
	PrivateKey, PublicKey, KeyFingerprint string
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
	case it.SSHKey != nil:
		return TypeSSHKey
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

// fields pairs the wire names of an SSH key's members with its fields.
func (k *SSHKey) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{{"privateKey", &k.PrivateKey}, {"publicKey", &k.PublicKey}, {"keyFingerprint", &k.KeyFingerprint}}
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
