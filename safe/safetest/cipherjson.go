package safetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/jsonscan"
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/internal/wire"
)

// A cipher is stored as the JSON object the client sent, minus the fields
// the server manages or that only make sense in a request. Whatever else
// the client sent, including fields this server has never heard of, is
// echoed back unchanged, so that newer clients' data round-trips.

// storedCipherFields are the known top-level fields kept in the store.
var storedCipherFields = []string{
	"type", "reprompt", "key", "name", "notes", "fields", "passwordHistory",
	"login", "card", "identity", "secureNote", "sshKey",
	"bankAccount", "driversLicense", "passport",
}

// requestCipherFields are read from the request but kept elsewhere
// (organizationId, per-user folder and favourite) or only checked.
var requestCipherFields = []string{
	"organizationId", "folderId", "favorite", "lastKnownRevisionDate",
	"encryptedFor", "encryptedByKeyId",
}

// droppedCipherFields are request-only or server-managed: never stored.
var droppedCipherFields = []string{
	"attachments", "attachments2", "data", "partialData", "archivedDate",
	"collectionIds", "id", "revisionDate", "creationDate", "deletedDate",
	"edit", "viewPassword", "organizationUseTotp", "object", "permissions",
}

// canonicalField returns the canonical camelCase spelling of a known
// top-level cipher member, matched by jsonscan.EqualFoldASCII, so that
// "Name" or "organizationID" are the same member as "name" and
// "organizationId".
func canonicalField(k string) (string, bool) {
	for _, list := range [][]string{storedCipherFields, requestCipherFields, droppedCipherFields} {
		for _, f := range list {
			if jsonscan.EqualFoldASCII(k, f) {
				return f, true
			}
		}
	}
	return "", false
}

var droppedSet = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range droppedCipherFields {
		m[f] = true
	}
	return m
}()

// cipherRequest is a parsed and validated cipher create or update body.
type cipherRequest struct {
	data             map[string]json.RawMessage
	orgID            string
	folderID         string
	favorite         bool
	lastKnown        time.Time // zero: absent or unparsable
	encryptedFor     string
	encryptedByKeyID string
}

// maxCipherType is the highest cipher type current servers define (8,
// passport); wire names the ones this module reads.
const maxCipherType = 8

// Field length limits of the official server, in encrypted characters.
const (
	maxNameLen       = 1000
	maxNotesLen      = 10000
	maxFieldValueLen = 5000
)

// parseCipherRequest validates a cipher request object. path prefixes
// validation-error keys (for the "cipher" of /ciphers/create).
func parseCipherRequest(raw json.RawMessage, path string) (*cipherRequest, error) {
	obj, err := decodeObject(raw)
	if err != nil {
		return nil, errValidation(path, "The cipher must be a JSON object.")
	}
	req := &cipherRequest{data: map[string]json.RawMessage{}}
	seen := map[string]bool{}
	for k, v := range obj {
		canon, known := canonicalField(k)
		if !known {
			req.data[k] = v
			continue
		}
		if seen[canon] {
			return nil, errValidation(path+upperFirst(canon), "The field "+upperFirst(canon)+" is given more than once.")
		}
		seen[canon] = true
		if droppedSet[canon] {
			continue
		}
		switch canon {
		case "organizationId":
			s, err := optionalString(v)
			if err != nil {
				return nil, errValidation(path+"OrganizationId", "The OrganizationId field is invalid.")
			}
			req.orgID = normID(s)
		case "folderId":
			s, err := optionalString(v)
			if err != nil {
				return nil, errValidation(path+"FolderId", "The FolderId field is invalid.")
			}
			req.folderID = normID(s)
		case "favorite":
			if !isNull(v) {
				if err := json.Unmarshal(v, &req.favorite); err != nil {
					return nil, errValidation(path+"Favorite", "The Favorite field is invalid.")
				}
			}
		case "lastKnownRevisionDate":
			if s, err := optionalString(v); err == nil {
				req.lastKnown = parseClientTime(s)
			}
		case "encryptedFor":
			s, _ := optionalString(v)
			req.encryptedFor = normID(s)
		case "encryptedByKeyId":
			req.encryptedByKeyID, _ = optionalString(v)
		default:
			req.data[canon] = v
		}
	}
	if err := req.validate(path); err != nil {
		return nil, err
	}
	return req, nil
}

func (req *cipherRequest) validate(path string) error {
	d := req.data
	t, ok := d["type"]
	if !ok || isNull(t) {
		return errValidation(path+"Type", "The Type field is required.")
	}
	var typ int
	if err := json.Unmarshal(t, &typ); err != nil || typ < int(wire.CipherLogin) || typ > maxCipherType {
		return errValidation(path+"Type", "The Type field is invalid.")
	}
	n, ok := d["name"]
	if !ok || isNull(n) {
		return errValidation(path+"Name", "The Name field is required.")
	}
	if err := checkEnc(n, path+"Name", "Name", maxNameLen); err != nil {
		return err
	}
	if err := checkEnc(d["notes"], path+"Notes", "Notes", maxNotesLen); err != nil {
		return err
	}
	if err := checkEnc(d["key"], path+"Key", "Key", 0); err != nil {
		return err
	}
	if v, ok := d["reprompt"]; ok && !isNull(v) {
		var r int
		if err := json.Unmarshal(v, &r); err != nil || r < 0 || r > 1 {
			return errValidation(path+"Reprompt", "The Reprompt field is invalid.")
		}
	}
	if err := req.cleanLogin(path + "Login"); err != nil {
		return err
	}
	if err := req.cleanFields(path + "Fields"); err != nil {
		return err
	}
	if err := checkHistory(d["passwordHistory"], path+"PasswordHistory"); err != nil {
		return err
	}
	for _, name := range []string{"card", "identity", "sshKey"} {
		if err := checkAllEnc(d[name], path+upperFirst(name)); err != nil {
			return err
		}
	}
	for _, name := range []string{"secureNote", "bankAccount", "driversLicense", "passport"} {
		if v, ok := d[name]; ok && !isNull(v) {
			if _, err := decodeObject(v); err != nil {
				return errValidation(path+upperFirst(name), "The "+upperFirst(name)+" field must be an object.")
			}
		}
	}
	return nil
}

// cleanLogin validates login and strips the "response" keys the JS clients
// put in it and in its uris. It also sets the legacy login.uri to the first
// URI when the client did not send one, as the official server does.
func (req *cipherRequest) cleanLogin(path string) error {
	v, ok := req.data["login"]
	if !ok || isNull(v) {
		return nil
	}
	login, err := decodeObject(v)
	if err != nil {
		return errValidation(path, "The Login field must be an object.")
	}
	login = canonicalize(login, "username", "password", "totp", "uris", "uri", "passwordRevisionDate", "autofillOnPageLoad", "fido2Credentials")
	deleteFold(login, "response")
	for _, f := range []string{"username", "password", "totp", "uri"} {
		if err := checkEnc(login[f], path+"."+upperFirst(f), upperFirst(f), 0); err != nil {
			return err
		}
	}
	if u, ok := login["uris"]; ok && !isNull(u) {
		uris, err := decodeArray(u)
		if err != nil {
			return errValidation(path+".Uris", "The Uris field must be an array.")
		}
		out := make([]map[string]json.RawMessage, len(uris))
		for i, raw := range uris {
			p := fmt.Sprintf("%s.Uris[%d]", path, i)
			uri, err := decodeObject(raw)
			if err != nil {
				return errValidation(p, "A URI must be an object.")
			}
			uri = canonicalize(uri, "uri", "uriChecksum", "match")
			deleteFold(uri, "response")
			if err := checkEnc(uri["uri"], p+".Uri", "Uri", 0); err != nil {
				return err
			}
			if err := checkEnc(uri["uriChecksum"], p+".UriChecksum", "UriChecksum", 0); err != nil {
				return err
			}
			if m, ok := uri["match"]; ok && !isNull(m) {
				var match int
				if err := json.Unmarshal(m, &match); err != nil || match < int(wire.MatchDomain) || match > int(wire.MatchNever) {
					return errValidation(p+".Match", "The Match field is invalid.")
				}
			}
			out[i] = uri
		}
		login["uris"] = mustMarshal(out)
		if _, has := login["uri"]; !has && len(out) > 0 {
			if first, ok := out[0]["uri"]; ok {
				login["uri"] = first
			}
		}
	}
	req.data["login"] = mustMarshal(login)
	return nil
}

// cleanFields validates custom fields and strips their "response" keys.
func (req *cipherRequest) cleanFields(path string) error {
	v, ok := req.data["fields"]
	if !ok || isNull(v) {
		return nil
	}
	fields, err := decodeArray(v)
	if err != nil {
		return errValidation(path, "The Fields field must be an array.")
	}
	out := make([]map[string]json.RawMessage, len(fields))
	for i, raw := range fields {
		p := fmt.Sprintf("%s[%d]", path, i)
		f, err := decodeObject(raw)
		if err != nil {
			return errValidation(p, "A field must be an object.")
		}
		f = canonicalize(f, "type", "name", "value", "linkedId")
		deleteFold(f, "response")
		if err := checkEnc(f["name"], p+".Name", "Name", maxFieldValueLen); err != nil {
			return err
		}
		if err := checkEnc(f["value"], p+".Value", "Value", maxFieldValueLen); err != nil {
			return err
		}
		if t, ok := f["type"]; ok && !isNull(t) {
			var typ int
			if err := json.Unmarshal(t, &typ); err != nil || typ < int(wire.FieldText) || typ > int(wire.FieldLinked) {
				return errValidation(p+".Type", "The Type field is invalid.")
			}
		}
		if l, ok := f["linkedId"]; ok && !isNull(l) {
			var id int
			if err := json.Unmarshal(l, &id); err != nil {
				return errValidation(p+".LinkedId", "The LinkedId field is invalid.")
			}
		}
		out[i] = f
	}
	req.data["fields"] = mustMarshal(out)
	return nil
}

func checkHistory(v json.RawMessage, path string) error {
	if v == nil || isNull(v) {
		return nil
	}
	hist, err := decodeArray(v)
	if err != nil {
		return errValidation(path, "The PasswordHistory field must be an array.")
	}
	for i, raw := range hist {
		p := fmt.Sprintf("%s[%d]", path, i)
		h, err := decodeObject(raw)
		if err != nil {
			return errValidation(p, "A password history entry must be an object.")
		}
		h = canonicalize(h, "password", "lastUsedDate")
		pw, ok := h["password"]
		if !ok || isNull(pw) {
			return errValidation(p+".Password", "The Password field is required.")
		}
		if err := checkEnc(pw, p+".Password", "Password", 5000); err != nil {
			return err
		}
	}
	return nil
}

// checkAllEnc checks that every string member of an object (a card, an
// identity, an SSH key: all of their fields are encrypted) is an EncString.
func checkAllEnc(v json.RawMessage, path string) error {
	if v == nil || isNull(v) {
		return nil
	}
	obj, err := decodeObject(v)
	if err != nil {
		return errValidation(path, "The field must be an object.")
	}
	for _, k := range sortedKeys(obj) {
		val := bytes.TrimSpace(obj[k])
		if len(val) > 0 && val[0] == '"' {
			if err := checkEnc(val, path+"."+upperFirst(k), upperFirst(k), 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkEnc enforces the official [EncryptedString] rule: null (or absent)
// is fine; anything else must be a non-blank, well-formed EncString. max
// > 0 also enforces [EncryptedStringLength].
func checkEnc(v json.RawMessage, path, display string, max int) error {
	if v == nil || isNull(v) {
		return nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil || strings.TrimSpace(s) == "" {
		return errValidation(path, display+" is not a valid encrypted string.")
	}
	if _, err := vaultcrypto.ParseEncString(s); err != nil {
		return errValidation(path, display+" is not a valid encrypted string.")
	}
	if max > 0 && len(s) > max {
		return errValidation(path, fmt.Sprintf("The field %s exceeds the maximum encrypted value length of %d characters.", display, max))
	}
	return nil
}

// The kinds of cipher object the server answers with.
type cipherKind int

const (
	kindCipher            cipherKind = iota // per-user fields, no collectionIds
	kindCipherDetails                       // per-user fields and collectionIds
	kindCipherMini                          // neither
	kindCipherMiniDetails                   // collectionIds only
)

var cipherKindNames = [...]string{"cipher", "cipherDetails", "cipherMini", "cipherMiniDetails"}

// JSON helpers. None of them panics on any input.

func isNull(v json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

func decodeObject(v json.RawMessage) (map[string]json.RawMessage, error) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("not an object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(t, &m); err != nil {
		return nil, err
	}
	return m, nil
}

func decodeArray(v json.RawMessage) ([]json.RawMessage, error) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || t[0] != '[' {
		return nil, fmt.Errorf("not an array")
	}
	var a []json.RawMessage
	if err := json.Unmarshal(t, &a); err != nil {
		return nil, err
	}
	return a, nil
}

// optionalString reads a JSON string or null ("" for null).
func optionalString(v json.RawMessage) (string, error) {
	if isNull(v) {
		return "", nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// canonicalize renames keys that match one of names (by
// jsonscan.EqualFoldASCII) to that spelling (the last one wins if a client
// sends both).
func canonicalize(m map[string]json.RawMessage, names ...string) map[string]json.RawMessage {
	for _, k := range sortedKeys(m) {
		for _, n := range names {
			if k != n && jsonscan.EqualFoldASCII(k, n) {
				m[n] = m[k]
				delete(m, k)
			}
		}
	}
	return m
}

func deleteFold(m map[string]json.RawMessage, name string) {
	for k := range m {
		if jsonscan.EqualFoldASCII(k, name) {
			delete(m, k)
		}
	}
}

func mustMarshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps of json.RawMessage that came from json.Unmarshal are
		// marshalled here, and those always marshal.
		return json.RawMessage("null")
	}
	return b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k, ok := range m {
		if ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parseClientTime reads a date a client sends back (ISO 8601, with or
// without zone; .NET's "0001-01-01T00:00:00" gives the zero time).
func parseClientTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() <= 1 {
				return time.Time{}
			}
			return t
		}
	}
	return time.Time{}
}
