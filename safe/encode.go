package safe

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/jsonscan"
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/internal/wire"
)

// responseOnly are the members of a cipher response that a request must not
// carry back: the server computes them (or, for attachments, expects a
// different shape in requests).
var responseOnly = []string{
	"object", "id", "organizationUseTotp", "revisionDate", "creationDate", "deletedDate",
	"edit", "viewPassword", "permissions", "collectionIds", "attachments", "data", "partialData",
}

// encoder encrypts the fields of one item for a request.
type encoder struct {
	key *vaultcrypto.SymmetricKey
	err error
}

// enc encrypts a string field; the empty string is sent as null, as the
// official clients do.
func (e *encoder) enc(s string) json.RawMessage {
	if s == "" || e.err != nil {
		return json.RawMessage("null")
	}
	es, err := e.key.EncryptString(s)
	if err != nil {
		e.err = err
		return json.RawMessage("null")
	}
	b, _ := es.MarshalJSON() // cannot fail
	return b
}

// jsonValue encodes a request body or member. Plain values cannot fail,
// but an object may carry a json.RawMessage that is not valid JSON (a
// member kept from the server's answer), so the error is returned.
func jsonValue(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("safe: encode request: %w", jsonError(err))
	}
	return b, nil
}

// value encodes a member of the item; the first error is kept in e.err.
func (e *encoder) value(v any) json.RawMessage {
	b, err := jsonValue(v)
	if err != nil {
		if e.err == nil {
			e.err = err
		}
		return json.RawMessage("null")
	}
	return b
}

// jsonString encodes a string: encoding/json cannot fail on one.
func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// uriChecksum is the checksum newer clients store (encrypted) beside each
// login URI: base64 of its SHA-256.
func uriChecksum(uri string) string {
	sum := sha256.Sum256([]byte(uri))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// list encodes a list, or null when it is empty, as the official
// clients send empty fields and password histories.
func (e *encoder) list(l []object) json.RawMessage {
	if len(l) == 0 {
		return json.RawMessage("null")
	}
	return e.value(l)
}

func jsonTime(t time.Time) json.RawMessage {
	if t.IsZero() {
		return json.RawMessage("null")
	}
	return jsonString(t.UTC().Format("2006-01-02T15:04:05.000Z"))
}

func jsonID(id string) json.RawMessage {
	if id == "" {
		return json.RawMessage("null")
	}
	return jsonString(id)
}

// object is a JSON object being edited: members we do not model keep
// their raw JSON.
type object map[string]json.RawMessage

// baseObject decodes the member key of a wire object (which may be absent
// or null) for editing.
func baseObject(raw json.RawMessage) object {
	o := object{}
	if len(raw) > 0 && string(raw) != "null" {
		_ = json.Unmarshal(raw, &o) // a non-object becomes a fresh one
	}
	return o
}

// set replaces a member, dropping any other spelling of its name (servers
// may send PascalCase, and a request must not carry a member twice).
func (o object) set(name string, v json.RawMessage) {
	for k := range o {
		if jsonscan.EqualFoldASCII(k, name) && k != name {
			delete(o, k)
		}
	}
	o[name] = v
}

func (o object) del(name string) {
	for k := range o {
		if jsonscan.EqualFoldASCII(k, name) {
			delete(o, k)
		}
	}
}

func (o object) get(name string) json.RawMessage {
	for k, v := range o {
		if jsonscan.EqualFoldASCII(k, name) {
			return v
		}
	}
	return nil
}

// encodeItem builds the cipher request body for it. base is the item's
// wire JSON (nil for a new item): every member bsafe does not model is
// kept as it was. key encrypts the fields; wrappedKey, if not zero, is the
// item's own key wrapped with the team or user key.
func encodeItem(it *Item, base []byte, key *vaultcrypto.SymmetricKey, wrappedKey vaultcrypto.EncString, revision time.Time) (object, error) {
	o := baseObject(base)
	for _, k := range responseOnly {
		o.del(k)
	}
	e := &encoder{key: key}
	o.set("type", e.value(int(it.Type)))
	o.set("organizationId", jsonID(it.TeamID))
	o.set("folderId", jsonID(it.FolderID))
	o.set("favorite", e.value(it.Favorite))
	o.set("reprompt", e.value(map[bool]int{true: 1}[it.Reprompt]))
	if wrappedKey.IsZero() {
		o.set("key", json.RawMessage("null"))
	} else {
		b, _ := wrappedKey.MarshalJSON()
		o.set("key", b)
	}
	o.set("name", e.enc(it.Name))
	o.set("notes", e.enc(it.Notes))
	if !revision.IsZero() {
		o.set("lastKnownRevisionDate", jsonTime(revision))
	}

	fields := make([]object, len(it.Fields))
	for i, f := range it.Fields {
		value := f.Value
		if f.Type == FieldBoolean {
			value = map[bool]string{true: "true", false: "false"}[strings.EqualFold(strings.TrimSpace(value), "true")]
		}
		linked := json.RawMessage("null")
		if f.Type == FieldLinked {
			linked, value = e.value(f.LinkedID), ""
		}
		fields[i] = object{"type": e.value(int(f.Type)), "name": e.enc(f.Name), "value": e.enc(value), "linkedId": linked}
	}
	o.set("fields", e.list(fields))
	history := make([]object, len(it.PasswordHistory))
	for i, h := range it.PasswordHistory {
		history[i] = object{"password": e.enc(h.Password), "lastUsedDate": jsonTime(h.LastUsedDate)}
	}
	o.set("passwordHistory", e.list(history))

	// The type-specific parts: only the item's own is sent; its members
	// that bsafe does not model are kept from base.
	prev := map[string]json.RawMessage{}
	for _, part := range []string{"login", "secureNote", "card", "identity", "sshKey"} {
		prev[part] = o.get(part)
		o.set(part, json.RawMessage("null"))
	}
	switch {
	case it.Login != nil:
		l := baseObject(prev["login"])
		l.del("response")
		l.del("uri") // the legacy copy of uris[0]; the server derives it
		l.set("username", e.enc(it.Login.Username))
		l.set("password", e.enc(it.Login.Password))
		l.set("totp", e.enc(it.Login.TOTP))
		l.set("passwordRevisionDate", jsonTime(it.Login.PasswordRevisionDate))
		uris := make([]object, len(it.Login.URIs))
		for i, u := range it.Login.URIs {
			match := json.RawMessage("null")
			if m, set := wire.OptionalMatch(int(u.Match)); set {
				match = e.value(int(m))
			}
			uris[i] = object{"uri": e.enc(u.URI), "uriChecksum": e.enc(uriChecksum(u.URI)), "match": match}
		}
		l.set("uris", e.value(uris))
		o.set("login", e.value(l))
	case it.SecureNote != nil || it.Type == TypeSecureNote:
		o.set("secureNote", e.value(map[string]int{"type": wire.SecureNoteGeneric}))
	case it.Card != nil:
		v := it.Card
		o.set("card", e.value(mergeStrings(prev["card"], e, cardFields[:],
			[]string{v.CardholderName, v.Brand, v.Number, v.ExpMonth, v.ExpYear, v.Code})))
	case it.Identity != nil:
		v := it.Identity
		o.set("identity", e.value(mergeStrings(prev["identity"], e, identityFields[:],
			[]string{v.Title, v.FirstName, v.MiddleName, v.LastName, v.Address1, v.Address2, v.Address3,
				v.City, v.State, v.PostalCode, v.Country, v.Company, v.Email, v.Phone, v.SSN, v.Username,
				v.PassportNumber, v.LicenseNumber})))
	case it.SSHKey != nil:
		v := it.SSHKey
		o.set("sshKey", e.value(mergeStrings(prev["sshKey"], e, sshKeyFields[:],
			[]string{v.PrivateKey, v.PublicKey, v.KeyFingerprint})))
	}
	if e.err != nil {
		return nil, fmt.Errorf("safe: encrypt item: %w", e.err)
	}
	return o, nil
}

// mergeStrings encrypts values as the members names of a part's wire
// object (prev, possibly nil), keeping its other members.
func mergeStrings(prev json.RawMessage, e *encoder, names, values []string) object {
	o := baseObject(prev)
	for i, n := range names {
		o.set(n, e.enc(values[i]))
	}
	return o
}
