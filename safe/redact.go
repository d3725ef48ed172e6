package safe

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Redaction. Every value that is encrypted on the wire is a secret once
// decrypted: an item's name, notes and parts, and the names of collections
// and folders. The types that hold such values redact themselves in each
// of the three ways a program usually turns a value into text, so that a
// value passed to a logger, an error message or a JSON encoder, also deep
// inside a slice, map or struct, never shows a secret:
//
//   - fmt, with every verb: String, GoString and Format;
//   - log/slog at the top level of an attribute: LogValue;
//   - encoding/json, which is also how slog's JSONHandler prints nested
//     values (slog resolves LogValuer only at the top level): MarshalJSON.
//     slog's TextHandler prints nested values with fmt's %+v.
//
// An Item shows its ID, type and team; a Collection its ID and team; a
// Folder its ID. The secret-bearing parts (Login, URI, Card, Identity,
// SSHKey, Field, PasswordHistoryEntry) show the marker REDACTED, and the
// lists Fields, URIs and PasswordHistory their length and the marker.
//
// What this cannot cover: fmt and encoding/json cannot call methods on a
// value in an unexported struct field, so fmt prints such a value's fields
// as they are (encoding/json skips them). Hold items in exported fields, or
// behind a pointer, in structs that may be printed.
//
// The one way to get the decrypted content as JSON is Item.PlaintextJSON.

const redacted = "REDACTED"

var redactedJSON = []byte(`"` + redacted + `"`)

// secret is embedded in the parts of an item that hold secrets (Login,
// URI, Card, Identity, SSHKey, Field, PasswordHistoryEntry). Its methods,
// promoted to those types, make fmt (every verb), log/slog and
// encoding/json print a marker instead of the values.
type secret struct{}

// String returns a redaction marker.
func (secret) String() string { return redacted }

// GoString returns a redaction marker.
func (secret) GoString() string { return redacted }

// Format prints a redaction marker for every verb.
func (secret) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

// LogValue logs a redaction marker.
func (secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes a redaction marker, the JSON string "REDACTED". To
// export an item's secrets, use Item.PlaintextJSON.
func (secret) MarshalJSON() ([]byte, error) { return redactedJSON, nil }

// String describes the item without any of its encrypted fields.
func (it Item) String() string {
	if it.TeamID != "" {
		return fmt.Sprintf("safe.Item{ID: %q, Type: %s, TeamID: %q}", it.ID, it.Type, it.TeamID)
	}
	return fmt.Sprintf("safe.Item{ID: %q, Type: %s}", it.ID, it.Type)
}

// GoString is String.
func (it Item) GoString() string { return it.String() }

// Format prints String for every verb.
func (it Item) Format(f fmt.State, _ rune) { io.WriteString(f, it.String()) }

// LogValue logs the ID, type and team only.
func (it Item) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", it.ID), slog.String("type", it.Type.String()), slog.String("team", it.TeamID))
}

// MarshalJSON encodes what LogValue logs: {"id", "type", "team"}, and
// nothing that is encrypted on the wire. It does not export the item: use
// PlaintextJSON for that.
func (it Item) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Team string `json:"team"`
	}{it.ID, it.Type.String(), it.TeamID})
}

// LogValue logs a redaction marker and the number of fields.
func (f Fields) LogValue() slog.Value { return slog.StringValue(f.redacted()) }

// MarshalJSON encodes what LogValue logs, as a JSON string.
func (f Fields) MarshalJSON() ([]byte, error) { return json.Marshal(f.redacted()) }

func (f Fields) redacted() string { return fmt.Sprintf("[%d fields %s]", len(f), redacted) }

// LogValue logs a redaction marker and the number of URIs.
func (u URIs) LogValue() slog.Value { return slog.StringValue(u.redacted()) }

// MarshalJSON encodes what LogValue logs, as a JSON string.
func (u URIs) MarshalJSON() ([]byte, error) { return json.Marshal(u.redacted()) }

func (u URIs) redacted() string { return fmt.Sprintf("[%d URIs %s]", len(u), redacted) }

// LogValue logs a redaction marker and the number of entries.
func (p PasswordHistory) LogValue() slog.Value { return slog.StringValue(p.redacted()) }

// MarshalJSON encodes what LogValue logs, as a JSON string.
func (p PasswordHistory) MarshalJSON() ([]byte, error) { return json.Marshal(p.redacted()) }

func (p PasswordHistory) redacted() string {
	return fmt.Sprintf("[%d passwords %s]", len(p), redacted)
}

// String describes the collection by its ID and team. Its name is
// encrypted on the wire, so, like an item's name, it is left out; read
// Name to show it.
func (c Collection) String() string {
	return fmt.Sprintf("safe.Collection{ID: %q, TeamID: %q}", c.ID, c.TeamID)
}

// GoString is String.
func (c Collection) GoString() string { return c.String() }

// Format prints String for every verb.
func (c Collection) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// LogValue logs the ID and team only.
func (c Collection) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", c.ID), slog.String("team", c.TeamID))
}

// MarshalJSON encodes what LogValue logs: {"id", "team"}.
func (c Collection) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID   string `json:"id"`
		Team string `json:"team"`
	}{c.ID, c.TeamID})
}

// String describes the folder by its ID. Its name is encrypted on the
// wire, so it is left out; read Name to show it.
func (f Folder) String() string { return fmt.Sprintf("safe.Folder{ID: %q}", f.ID) }

// GoString is String.
func (f Folder) GoString() string { return f.String() }

// Format prints String for every verb.
func (f Folder) Format(s fmt.State, _ rune) { io.WriteString(s, f.String()) }

// LogValue logs the ID only.
func (f Folder) LogValue() slog.Value { return slog.GroupValue(slog.String("id", f.ID)) }

// MarshalJSON encodes what LogValue logs: {"id"}.
func (f Folder) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID string `json:"id"`
	}{f.ID})
}

// PlaintextJSON returns the item with every decrypted field, as JSON in
// the member names of the Bitwarden unencrypted JSON export ("name",
// "notes", "login": {"username", "password", "totp", "uris": [{"uri",
// "match"}]}, "fields": [{"name", "value", "type", "linkedId"}], ...),
// with URI matches and types in their wire numbers.
//
// The result holds the item's secrets in plaintext. It is the one way to
// export them as JSON: json.Marshal of an Item, and of each of its parts,
// is redacted. Handle the bytes as the password itself: never log them,
// and overwrite or drop them as soon as they are used. The format is for
// export: json.Unmarshal into an Item does not read it back.
func (it *Item) PlaintextJSON() ([]byte, error) {
	if it == nil {
		return []byte("null"), nil
	}
	return json.Marshal(plaintextItem(it))
}

// exportItem and its parts are the shape of PlaintextJSON: plain structs
// without redacting methods.
type exportItem struct {
	ID              string          `json:"id"`
	OrganizationID  *string         `json:"organizationId"`
	FolderID        *string         `json:"folderId"`
	CollectionIDs   []string        `json:"collectionIds"`
	Type            int             `json:"type"`
	Name            string          `json:"name"`
	Notes           *string         `json:"notes"`
	Favorite        bool            `json:"favorite"`
	Reprompt        int             `json:"reprompt"`
	Login           *exportLogin    `json:"login,omitempty"`
	SecureNote      *exportNote     `json:"secureNote,omitempty"`
	Card            *exportCard     `json:"card,omitempty"`
	Identity        *exportIdentity `json:"identity,omitempty"`
	SSHKey          *exportSSHKey   `json:"sshKey,omitempty"`
	Fields          []exportField   `json:"fields,omitempty"`
	PasswordHistory []exportHistory `json:"passwordHistory,omitempty"`
	CreationDate    *time.Time      `json:"creationDate"`
	RevisionDate    *time.Time      `json:"revisionDate"`
	DeletedDate     *time.Time      `json:"deletedDate"`
}

type exportLogin struct {
	Username             string      `json:"username"`
	Password             string      `json:"password"`
	TOTP                 string      `json:"totp"`
	URIs                 []exportURI `json:"uris"`
	PasswordRevisionDate *time.Time  `json:"passwordRevisionDate"`
}

type exportURI struct {
	URI   string `json:"uri"`
	Match *int   `json:"match"` // null: the client's default
}

type exportNote struct {
	Type int `json:"type"`
}

type exportCard struct {
	CardholderName string `json:"cardholderName"`
	Brand          string `json:"brand"`
	Number         string `json:"number"`
	ExpMonth       string `json:"expMonth"`
	ExpYear        string `json:"expYear"`
	Code           string `json:"code"`
}

type exportIdentity struct {
	Title          string `json:"title"`
	FirstName      string `json:"firstName"`
	MiddleName     string `json:"middleName"`
	LastName       string `json:"lastName"`
	Address1       string `json:"address1"`
	Address2       string `json:"address2"`
	Address3       string `json:"address3"`
	City           string `json:"city"`
	State          string `json:"state"`
	PostalCode     string `json:"postalCode"`
	Country        string `json:"country"`
	Company        string `json:"company"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
	SSN            string `json:"ssn"`
	Username       string `json:"username"`
	PassportNumber string `json:"passportNumber"`
	LicenseNumber  string `json:"licenseNumber"`
}

type exportSSHKey struct {
	PrivateKey     string `json:"privateKey"`
	PublicKey      string `json:"publicKey"`
	KeyFingerprint string `json:"keyFingerprint"`
}

type exportField struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Type     int    `json:"type"`
	LinkedID *int   `json:"linkedId"`
}

type exportHistory struct {
	Password     string     `json:"password"`
	LastUsedDate *time.Time `json:"lastUsedDate"`
}

func plaintextItem(it *Item) *exportItem {
	optString := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	optTime := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.UTC()
		return &t
	}
	e := &exportItem{
		ID: it.ID, OrganizationID: optString(it.TeamID), FolderID: optString(it.FolderID),
		CollectionIDs: append([]string{}, it.CollectionIDs...),
		Type:          int(it.Type), Name: it.Name, Notes: optString(it.Notes), Favorite: it.Favorite,
		CreationDate: optTime(it.CreationDate), RevisionDate: optTime(it.RevisionDate), DeletedDate: optTime(it.DeletedDate),
	}
	if it.Reprompt {
		e.Reprompt = 1
	}
	if l := it.Login; l != nil {
		el := &exportLogin{Username: l.Username, Password: l.Password, TOTP: l.TOTP,
			URIs: []exportURI{}, PasswordRevisionDate: optTime(l.PasswordRevisionDate)}
		for _, u := range l.URIs {
			eu := exportURI{URI: u.URI}
			if u.Match != MatchDefault {
				m := int(u.Match) - 1
				eu.Match = &m
			}
			el.URIs = append(el.URIs, eu)
		}
		e.Login = el
	}
	if it.SecureNote != nil {
		e.SecureNote = &exportNote{}
	}
	if c := it.Card; c != nil {
		e.Card = &exportCard{c.CardholderName, c.Brand, c.Number, c.ExpMonth, c.ExpYear, c.Code}
	}
	if v := it.Identity; v != nil {
		e.Identity = &exportIdentity{v.Title, v.FirstName, v.MiddleName, v.LastName, v.Address1, v.Address2, v.Address3,
			v.City, v.State, v.PostalCode, v.Country, v.Company, v.Email, v.Phone, v.SSN, v.Username,
			v.PassportNumber, v.LicenseNumber}
	}
	if k := it.SSHKey; k != nil {
		e.SSHKey = &exportSSHKey{k.PrivateKey, k.PublicKey, k.KeyFingerprint}
	}
	for _, f := range it.Fields {
		ef := exportField{Name: f.Name, Value: f.Value, Type: int(f.Type)}
		if f.Type == FieldLinked {
			id := f.LinkedID
			ef.LinkedID = &id
		}
		e.Fields = append(e.Fields, ef)
	}
	for _, h := range it.PasswordHistory {
		e.PasswordHistory = append(e.PasswordHistory, exportHistory{Password: h.Password, LastUsedDate: optTime(h.LastUsedDate)})
	}
	return e
}
