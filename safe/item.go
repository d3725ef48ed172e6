package safe

import (
	"fmt"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/internal/wire"
)

// ItemType is the kind of a vault item, numbered as on the wire.
type ItemType int

// Item types.
const (
	TypeLogin      = ItemType(wire.CipherLogin)
	TypeSecureNote = ItemType(wire.CipherSecureNote)
	TypeCard       = ItemType(wire.CipherCard)
	TypeIdentity   = ItemType(wire.CipherIdentity)
	TypeSSHKey     = ItemType(wire.CipherSSHKey)
)

func (t ItemType) String() string {
	switch t {
	case TypeLogin:
		return "login"
	case TypeSecureNote:
		return "secure note"
	case TypeCard:
		return "card"
	case TypeIdentity:
		return "identity"
	case TypeSSHKey:
		return "SSH key"
	}
	return fmt.Sprintf("ItemType(%d)", int(t))
}

// Item is a decrypted vault item ("cipher" on the wire). Fields that are
// encrypted on the wire are plaintext here.
//
// An Item prints (fmt, any verb), logs (log/slog) and encodes
// (encoding/json) only its ID, type and team: never its name, notes or
// secrets, also when it sits in a slice, map or struct. PlaintextJSON is
// the one way to export its decrypted content (see "Errors and secrets"
// in the package documentation).
type Item struct {
	ID            string
	TeamID        string // the organization; "" for a personal item
	FolderID      string
	CollectionIDs []string
	Type          ItemType
	Name          string
	Notes         string
	Favorite      bool
	Reprompt      bool // ask for the master password before showing secrets

	Login      *Login
	SecureNote *SecureNote
	Card       *Card
	Identity   *Identity
	SSHKey     *SSHKey

	Fields          Fields
	PasswordHistory PasswordHistory

	CreationDate time.Time
	RevisionDate time.Time // sent back on update to detect conflicts
	DeletedDate  time.Time // zero unless the item is in the trash

	// Edit and ViewPassword are the caller's rights on a team item.
	Edit, ViewPassword bool
	// HasItemKey reports whether the item is encrypted under its own key.
	HasItemKey bool

	// DecryptErrors lists the fields that failed to decrypt; only in
	// lenient mode (WithLenientDecrypt), otherwise such an item is an error.
	DecryptErrors []*DecryptError

	wire wireState // what the server sent, for round-trip-safe updates
}

// wireState is the server's JSON of an item, kept so that an update keeps
// every member bsafe does not model, and the item's key. (The unwrapped
// item key is not kept: for a large vault the key schedules would cost a
// third as much memory as the sync response itself, and an update unwraps
// the key again in a microsecond.)
type wireState struct {
	raw            []byte // the cipher object as last received
	hasCollections bool   // raw carries the item's collections (sync, details)
}

// cipherFacts are the members of a cipher's wire JSON that writes check,
// read with the one cipher parser (and its one member-name rule).
type cipherFacts struct {
	id, teamID string
	key        vaultcrypto.EncString // the item's wrapped key; zero for none
	revision   time.Time
}

// readFacts reads the facts of a cipher object.
func readFacts(raw []byte) (cipherFacts, error) {
	st := parseStates.Get().(*parseState)
	defer parseStates.Put(st)
	w, err := parseCipher(raw, st)
	if err != nil {
		return cipherFacts{}, fmt.Errorf("safe: item: %w", err)
	}
	f := cipherFacts{id: w.id, teamID: w.orgID}
	if len(w.key) > 0 {
		if err := f.key.UnmarshalText(w.key); err != nil {
			return cipherFacts{}, &DecryptError{Kind: "item", ID: w.id, Field: "key", Err: err}
		}
	}
	if f.revision, err = parseTime(w.revised); err != nil {
		return cipherFacts{}, fmt.Errorf("safe: item %s: bad revisionDate", w.id)
	}
	return f, nil
}

// itemKey unwraps a cipher's own key with the user or team key; nil when
// the item has none.
func (f cipherFacts) itemKey(wrapping *vaultcrypto.SymmetricKey) (*vaultcrypto.SymmetricKey, error) {
	if f.key.IsZero() {
		return nil, nil
	}
	return wrapping.UnwrapKey(f.key)
}

// InTrash reports whether the item is soft-deleted.
func (it *Item) InTrash() bool { return !it.DeletedDate.IsZero() }

// Login holds the login part of a TypeLogin item.
type Login struct {
	secret

	Username             string
	Password             string
	TOTP                 string
	URIs                 URIs
	PasswordRevisionDate time.Time
}

// URI is one website or application of a login.
type URI struct {
	secret

	URI   string
	Match URIMatch
}

// URIMatch is how a URI is matched for autofill. The zero value means "not
// set" (the client's default); the others map to the wire numbers 0 to 5.
type URIMatch int

// URI match kinds.
const (
	MatchDefault           URIMatch = 0
	MatchDomain            URIMatch = 1 + URIMatch(wire.MatchDomain)
	MatchHost              URIMatch = 1 + URIMatch(wire.MatchHost)
	MatchStartsWith        URIMatch = 1 + URIMatch(wire.MatchStartsWith)
	MatchExact             URIMatch = 1 + URIMatch(wire.MatchExact)
	MatchRegularExpression URIMatch = 1 + URIMatch(wire.MatchRegularExpression)
	MatchNever             URIMatch = 1 + URIMatch(wire.MatchNever)
)

// SecureNote holds the (empty) secure-note part; the text is Item.Notes.
type SecureNote struct{}

// Card holds a payment card.
type Card struct {
	secret

	CardholderName, Brand, Number, ExpMonth, ExpYear, Code string
}

// Identity holds a person's details.
type Identity struct {
	secret

	Title, FirstName, MiddleName, LastName                         string
	Address1, Address2, Address3, City, State, PostalCode, Country string
	Company, Email, Phone, SSN, Username                           string
	PassportNumber, LicenseNumber                                  string
}

// SSHKey holds an SSH key pair (servers from 2024.12).
type SSHKey struct {
	secret

	PrivateKey, PublicKey, KeyFingerprint string
}

// FieldType is the kind of a custom field.
type FieldType int

// Custom field types, numbered as on the wire.
const (
	FieldText    = FieldType(wire.FieldText)
	FieldHidden  = FieldType(wire.FieldHidden)
	FieldBoolean = FieldType(wire.FieldBoolean) // Value is "true" or "false"
	FieldLinked  = FieldType(wire.FieldLinked)  // LinkedID names a built-in field; Value is empty
)

// Field is a custom field. Connectors use them for values such as assocID
// and AccountLink.
type Field struct {
	secret

	Name     string
	Value    string
	Type     FieldType
	LinkedID int // for FieldLinked: 100 username, 101 password (logins)
}

// PasswordHistoryEntry is a previous password of a login.
type PasswordHistoryEntry struct {
	secret

	Password     string
	LastUsedDate time.Time
}

// Field returns the value of the first custom field with the given name.
func (it *Item) Field(name string) (string, bool) {
	for _, f := range it.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// Clone returns a deep copy, so that the copy can be changed without
// touching the original (or the client's cache).
func (it *Item) Clone() *Item {
	c := *it
	c.CollectionIDs = append([]string(nil), it.CollectionIDs...)
	c.Fields = append(Fields(nil), it.Fields...)
	c.PasswordHistory = append(PasswordHistory(nil), it.PasswordHistory...)
	c.DecryptErrors = append([]*DecryptError(nil), it.DecryptErrors...)
	if it.Login != nil {
		l := *it.Login
		l.URIs = append(URIs(nil), it.Login.URIs...)
		c.Login = &l
	}
	if it.SecureNote != nil {
		c.SecureNote = &SecureNote{}
	}
	if it.Card != nil {
		v := *it.Card
		c.Card = &v
	}
	if it.Identity != nil {
		v := *it.Identity
		c.Identity = &v
	}
	if it.SSHKey != nil {
		v := *it.SSHKey
		c.SSHKey = &v
	}
	return &c
}

// Fields is the list of an item's custom fields.
type Fields []Field

// URIs is the list of a login's URIs.
type URIs []URI

// PasswordHistory is a login's list of previous passwords, newest first.
type PasswordHistory []PasswordHistoryEntry
