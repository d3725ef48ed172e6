package safe

import (
	"crypto/hmac"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/bsafe-go/bsafe/internal/jsonscan"
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/internal/wire"
)

// wireCipher is a cipher object as the server sends it, with the encrypted
// fields still as EncString text. Byte slices alias the response body.
type wireCipher struct {
	id, orgID, folderID    string
	typ                    int
	name, notes, key       []byte
	favorite               bool
	reprompt               int
	edit, viewPassword     bool
	collectionIDs          []string
	hasCollections         bool   // collectionIds present and not null
	created, revised, gone []byte // dates
	login                  *wireLogin
	secureNote             bool
	card                   *[len(cardFields)][]byte
	identity               *[len(identityFields)][]byte
	sshKey                 *[len(sshKeyFields)][]byte
	fields                 []wireField
	history                []wireHistory
}

type wireLogin struct {
	username, password, totp, revised []byte
	uris                              []wireURI
}

type wireURI struct {
	uri, checksum []byte
	match         int // wire number, or -1 for null
}

type wireField struct {
	typ            int
	name, value    []byte
	linkedID       int
	hasLinkedField bool
}

type wireHistory struct{ password, lastUsed []byte }

// The encrypted string fields of cards, identities and SSH keys, in the
// order of the view structs' fields.
var (
	cardFields     = [...]string{"cardholderName", "brand", "number", "expMonth", "expYear", "code"}
	identityFields = [...]string{"title", "firstName", "middleName", "lastName", "address1", "address2", "address3",
		"city", "state", "postalCode", "country", "company", "email", "phone", "ssn", "username", "passportNumber", "licenseNumber"}
	sshKeyFields = [...]string{"privateKey", "publicKey", "keyFingerprint"}
)

// parseState is the reusable scratch of parseCipher: the scanner, the
// unescaping buffer and the wire structures, so that decoding a cipher
// allocates only what the resulting Item keeps.
type parseState struct {
	dec      jsonscan.Decoder
	buf      []byte
	w        wireCipher
	login    wireLogin
	card     [len(cardFields)][]byte
	identity [len(identityFields)][]byte
	sshKey   [len(sshKeyFields)][]byte
}

// parseStates recycles parse states between ciphers and syncs.
var parseStates = sync.Pool{New: func() any { return new(parseState) }}

// cipherID reads the ID of the cipher object raw, and only its members'
// names besides: the last "id", in any case, as parseCipher takes it. ok
// is false for a cipher that does not scan or has no ID (decryptItems
// reports it).
func cipherID(raw []byte) (id string, ok bool) {
	d := jsonscan.NewDecoder(raw)
	err := d.Object(func(k []byte) error {
		if !eq(k, "id") {
			return d.Skip()
		}
		s, isNull, err := d.StringOrNull()
		id, ok = string(s), err == nil && !isNull
		return err
	})
	return id, err == nil && ok
}

// parseCipher walks one cipher object into st.w, which stays valid until
// st is used again. Unknown members are skipped (and survive updates
// through Item.wire.raw). String values are unescaped into st.buf, grown
// first to len(raw) so that it never moves (the wire strings are
// sub-slices of it): ASP.NET servers write every "+" of an EncString as
// \u002B, and unescaping into one buffer saves an allocation per string.
func parseCipher(raw []byte, st *parseState) (*wireCipher, error) {
	if cap(st.buf) < len(raw) {
		st.buf = make([]byte, 0, len(raw))
	}
	st.dec.Reset(raw)
	w := &st.w
	*w = wireCipher{viewPassword: true, collectionIDs: w.collectionIDs[:0], fields: w.fields[:0], history: w.history[:0]}
	d := &decoder{Decoder: &st.dec, buf: st.buf[:0], st: st}
	err := d.Object(func(k []byte) error {
		var err error
		switch {
		case eq(k, "id"):
			w.id, err = optString(d)
		case eq(k, "organizationId"):
			w.orgID, err = optString(d)
		case eq(k, "folderId"):
			w.folderID, err = optString(d)
		case eq(k, "type"):
			w.typ, err = optInt(d, 0)
		case eq(k, "name"):
			w.name, err = optBytes(d)
		case eq(k, "notes"):
			w.notes, err = optBytes(d)
		case eq(k, "key"):
			w.key, err = optBytes(d)
		case eq(k, "favorite"):
			w.favorite, err = optBool(d, false)
		case eq(k, "reprompt"):
			w.reprompt, err = optInt(d, 0)
		case eq(k, "edit"):
			w.edit, err = optBool(d, false)
		case eq(k, "viewPassword"):
			w.viewPassword, err = optBool(d, true)
		case eq(k, "collectionIds"):
			// A repeated member replaces the earlier one, as the
			// server's JSON reader has it (so for every list below).
			w.hasCollections, w.collectionIDs = !d.Null(), w.collectionIDs[:0]
			err = optArray(d, func() error {
				s, err := optString(d)
				w.collectionIDs = append(w.collectionIDs, s)
				return err
			})
		case eq(k, "creationDate"):
			w.created, err = optBytes(d)
		case eq(k, "revisionDate"):
			w.revised, err = optBytes(d)
		case eq(k, "deletedDate"):
			w.gone, err = optBytes(d)
		case eq(k, "login"):
			err = parseLogin(d, w)
		case eq(k, "secureNote"):
			w.secureNote = !d.Null()
			if w.secureNote {
				err = d.Skip()
			}
		case eq(k, "card"):
			if !d.Null() {
				w.card, st.card = &st.card, [len(cardFields)][]byte{}
				err = parseStrings(d, cardFields[:], w.card[:])
			}
		case eq(k, "identity"):
			if !d.Null() {
				w.identity, st.identity = &st.identity, [len(identityFields)][]byte{}
				err = parseStrings(d, identityFields[:], w.identity[:])
			}
		case eq(k, "sshKey"):
			if !d.Null() {
				w.sshKey, st.sshKey = &st.sshKey, [len(sshKeyFields)][]byte{}
				err = parseStrings(d, sshKeyFields[:], w.sshKey[:])
			}
		case eq(k, "fields"):
			w.fields = w.fields[:0]
			err = optArray(d, func() error {
				var f wireField
				err := d.Object(func(k []byte) error {
					var err error
					switch {
					case eq(k, "type"):
						f.typ, err = optInt(d, 0)
					case eq(k, "name"):
						f.name, err = optBytes(d)
					case eq(k, "value"):
						f.value, err = optBytes(d)
					case eq(k, "linkedId"):
						f.hasLinkedField = !d.Null()
						if f.hasLinkedField {
							f.linkedID, err = optInt(d, 0)
						}
					default:
						err = d.Skip()
					}
					return err
				})
				w.fields = append(w.fields, f)
				return err
			})
		case eq(k, "passwordHistory"):
			w.history = w.history[:0]
			err = optArray(d, func() error {
				var h wireHistory
				err := d.Object(func(k []byte) error {
					var err error
					switch {
					case eq(k, "password"):
						h.password, err = optBytes(d)
					case eq(k, "lastUsedDate"):
						h.lastUsed, err = optBytes(d)
					default:
						err = d.Skip()
					}
					return err
				})
				w.history = append(w.history, h)
				return err
			})
		default:
			err = d.Skip()
		}
		return err
	})
	if err == nil {
		err = d.End()
	}
	if err != nil {
		return nil, err
	}
	if w.id == "" {
		return nil, fmt.Errorf("cipher has no id")
	}
	return w, nil
}

func parseLogin(d *decoder, w *wireCipher) error {
	if d.Null() {
		return nil
	}
	l := &d.st.login
	*l = wireLogin{uris: l.uris[:0]}
	w.login = l
	return d.Object(func(k []byte) error {
		var err error
		switch {
		case eq(k, "username"):
			l.username, err = optBytes(d)
		case eq(k, "password"):
			l.password, err = optBytes(d)
		case eq(k, "totp"):
			l.totp, err = optBytes(d)
		case eq(k, "passwordRevisionDate"):
			l.revised, err = optBytes(d)
		case eq(k, "uris"):
			l.uris = l.uris[:0]
			err = optArray(d, func() error {
				u := wireURI{match: -1}
				err := d.Object(func(k []byte) error {
					var err error
					switch {
					case eq(k, "uri"):
						u.uri, err = optBytes(d)
					case eq(k, "uriChecksum"):
						u.checksum, err = optBytes(d)
					case eq(k, "match"):
						u.match, err = optInt(d, -1)
					default:
						err = d.Skip()
					}
					return err
				})
				l.uris = append(l.uris, u)
				return err
			})
		default:
			err = d.Skip()
		}
		return err
	})
}

// parseStrings reads an object of string (or null) members into out, by
// the index of each member's name in names.
func parseStrings(d *decoder, names []string, out [][]byte) error {
	return d.Object(func(k []byte) error {
		for i, n := range names {
			if eq(k, n) {
				var err error
				out[i], err = optBytes(d)
				return err
			}
		}
		return d.Skip()
	})
}

func eq(k []byte, name string) bool { return jsonscan.EqualFoldASCII(k, name) }

// decoder is a jsonscan.Decoder that unescapes strings into one buffer.
type decoder struct {
	*jsonscan.Decoder
	buf []byte
	st  *parseState
}

func optBytes(d *decoder) ([]byte, error) {
	if d.Null() {
		return nil, nil
	}
	start := len(d.buf)
	var err error
	d.buf, err = d.AppendString(d.buf)
	return d.buf[start:len(d.buf):len(d.buf)], err
}

func optString(d *decoder) (string, error) {
	s, err := optBytes(d)
	return string(s), err
}

func optInt(d *decoder, ifNull int) (int, error) {
	if d.Null() {
		return ifNull, nil
	}
	n, err := d.Int()
	if n < -1<<31 || n > 1<<31-1 {
		return 0, fmt.Errorf("integer out of range")
	}
	return int(n), err
}

func optBool(d *decoder, ifNull bool) (bool, error) {
	if d.Null() {
		return ifNull, nil
	}
	return d.Bool()
}

func optArray(d *decoder, elem func() error) error {
	if d.Null() {
		return nil
	}
	return d.Array(func(int) error { return elem() })
}

func parseTime(b []byte) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, string(b))
}

// decryptItem decodes and decrypts one cipher of a snapshot.
func (c *Client) decryptItem(v *vault, s *session, raw []byte) (*Item, error) {
	st := parseStates.Get().(*parseState)
	defer parseStates.Put(st)
	w, err := parseCipher(raw, st)
	if err != nil {
		return nil, fmt.Errorf("safe: item: %w", err)
	}
	key, err := v.keyFor(s, w.orgID)
	if err != nil {
		if !c.cfg.lenient {
			return nil, &DecryptError{Kind: "item", ID: w.id, Field: "key", Err: err}
		}
		key = nil // kept, with the error and its encrypted fields empty
	}
	return w.decrypt(raw, key, c.cfg.lenient, err)
}

// decrypt turns the wire form into a view. wrapping is the user key or the
// team key; the item's own key, if it has one, is unwrapped with it. In
// lenient mode wrapping may be nil, with keyErr saying why (a team key that
// did not decrypt): the item is then kept with that error and its encrypted
// fields empty, as when its own key does not decrypt.
func (w *wireCipher) decrypt(raw []byte, wrapping *vaultcrypto.SymmetricKey, lenient bool, keyErr error) (*Item, error) {
	it := &Item{
		ID: w.id, TeamID: w.orgID, FolderID: w.folderID, CollectionIDs: slices.Clone(w.collectionIDs),
		Type: ItemType(w.typ), Favorite: w.favorite, Reprompt: w.reprompt == 1,
		Edit: w.edit, ViewPassword: w.viewPassword,
	}
	dec := fieldDecrypter{it: it, key: wrapping, lenient: lenient}
	if wrapping == nil {
		dec.fail(field("key"), keyErr)
	}
	if len(w.key) > 0 {
		it.HasItemKey = true
		if wrapping != nil {
			var e vaultcrypto.EncString
			err := e.UnmarshalText(w.key)
			var k *vaultcrypto.SymmetricKey
			if err == nil {
				k, err = wrapping.UnwrapKey(e)
			}
			if err != nil {
				// Without its key nothing of the item decrypts.
				if !lenient {
					return nil, &DecryptError{Kind: "item", ID: w.id, Field: "key", Err: err}
				}
				dec.fail(field("key"), err)
			}
			dec.key = k
		}
	}
	it.wire = wireState{raw: raw, hasCollections: w.hasCollections}

	var err error
	dates := []struct {
		dst *time.Time
		src []byte
		f   string
	}{{&it.CreationDate, w.created, "creationDate"}, {&it.RevisionDate, w.revised, "revisionDate"}, {&it.DeletedDate, w.gone, "deletedDate"}}
	for _, dt := range dates {
		if *dt.dst, err = parseTime(dt.src); err != nil {
			return nil, fmt.Errorf("safe: item %s: bad %s", w.id, dt.f)
		}
	}
	it.Name = dec.str(field("name"), w.name)
	it.Notes = dec.str(field("notes"), w.notes)
	if l := w.login; l != nil {
		it.Login = &Login{
			Username: dec.str(field("login.username"), l.username),
			Password: dec.str(field("login.password"), l.password),
			TOTP:     dec.str(field("login.totp"), l.totp),
		}
		if it.Login.PasswordRevisionDate, err = parseTime(l.revised); err != nil {
			return nil, fmt.Errorf("safe: item %s: bad login.passwordRevisionDate", w.id)
		}
		for i, u := range l.uris {
			uri := dec.str(at("login.uris", i, "uri"), u.uri)
			if len(u.checksum) > 0 && it.HasItemKey && !dec.checksumOK(at("login.uris", i, "uriChecksum"), uri, u.checksum) {
				continue // as the official clients do: a URI whose checksum fails is dropped
			}
			it.Login.URIs = append(it.Login.URIs, URI{URI: uri, Match: matchFromWire(u.match)})
		}
	}
	if w.secureNote {
		it.SecureNote = &SecureNote{}
	}
	if w.card != nil {
		var v [len(cardFields)]string
		dec.strs("card", cardFields[:], w.card[:], v[:])
		it.Card = &Card{CardholderName: v[0], Brand: v[1], Number: v[2], ExpMonth: v[3], ExpYear: v[4], Code: v[5]}
	}
	if w.identity != nil {
		var v [len(identityFields)]string
		dec.strs("identity", identityFields[:], w.identity[:], v[:])
		it.Identity = &Identity{Title: v[0], FirstName: v[1], MiddleName: v[2], LastName: v[3],
			Address1: v[4], Address2: v[5], Address3: v[6], City: v[7], State: v[8], PostalCode: v[9], Country: v[10],
			Company: v[11], Email: v[12], Phone: v[13], SSN: v[14], Username: v[15], PassportNumber: v[16], LicenseNumber: v[17]}
	}
	if w.sshKey != nil {
		var v [len(sshKeyFields)]string
		dec.strs("sshKey", sshKeyFields[:], w.sshKey[:], v[:])
		it.SSHKey = &SSHKey{PrivateKey: v[0], PublicKey: v[1], KeyFingerprint: v[2]}
	}
	if len(w.fields) > 0 {
		it.Fields = make(Fields, len(w.fields))
		for i, f := range w.fields {
			it.Fields[i] = Field{
				Type:     FieldType(f.typ),
				Name:     dec.str(at("fields", i, "name"), f.name),
				Value:    dec.str(at("fields", i, "value"), f.value),
				LinkedID: f.linkedID,
			}
		}
	}
	if len(w.history) > 0 {
		it.PasswordHistory = make(PasswordHistory, len(w.history))
		for i, h := range w.history {
			it.PasswordHistory[i].Password = dec.str(at("passwordHistory", i, "password"), h.password)
			if it.PasswordHistory[i].LastUsedDate, err = parseTime(h.lastUsed); err != nil {
				return nil, fmt.Errorf("safe: item %s: bad passwordHistory[%d].lastUsedDate", w.id, i)
			}
		}
	}
	if dec.err != nil {
		return nil, dec.err
	}
	return it, nil
}

// fieldDecrypter decrypts the fields of one item, remembering the first
// failure (strict) or collecting them all (lenient). A nil key (lenient
// mode only) is a key that failed, already listed as the "key" error: every
// encrypted field is then left empty without an error of its own.
type fieldDecrypter struct {
	it      *Item
	key     *vaultcrypto.SymmetricKey
	lenient bool
	err     error
}

func (d *fieldDecrypter) fail(f fieldRef, err error) {
	de := &DecryptError{Kind: "item", ID: d.it.ID, Field: f.String(), Err: err}
	if d.lenient {
		d.it.DecryptErrors = append(d.it.DecryptErrors, de)
	} else if d.err == nil {
		d.err = de
	}
}

// str decrypts one EncString field; null or "" is the empty string.
func (d *fieldDecrypter) str(field fieldRef, text []byte) string {
	if len(text) == 0 || d.key == nil || (d.err != nil && !d.lenient) {
		return ""
	}
	s, err := d.key.DecryptText(text)
	if err != nil {
		d.fail(field, err)
		return ""
	}
	return s
}

func (d *fieldDecrypter) strs(part string, names []string, texts [][]byte, out []string) {
	for i := range names {
		out[i] = d.str(fieldRef{part: part, name: names[i], idx: -1}, texts[i])
	}
}

// checksumOK verifies a URI checksum (the encrypted uriChecksum), in
// constant time.
func (d *fieldDecrypter) checksumOK(field fieldRef, uri string, text []byte) bool {
	return hmac.Equal([]byte(d.str(field, text)), []byte(uriChecksum(uri)))
}

// fieldRef names a field for a DecryptError. It is formatted only when
// something fails, so that decrypting costs no string building.
type fieldRef struct {
	part string // "" or a part ("login", "card") or a list ("fields")
	idx  int    // index into the list, or -1
	name string
}

func field(name string) fieldRef { return fieldRef{name: name, idx: -1} }

func at(list string, i int, name string) fieldRef { return fieldRef{part: list, idx: i, name: name} }

func (f fieldRef) String() string {
	switch {
	case f.part == "":
		return f.name
	case f.idx < 0:
		return f.part + "." + f.name
	}
	return fmt.Sprintf("%s[%d].%s", f.part, f.idx, f.name)
}

// matchFromWire converts a decoded wire match (-1 for null) to URIMatch.
func matchFromWire(n int) URIMatch {
	if n < 0 {
		return MatchDefault
	}
	m := wire.URIMatch(n)
	return URIMatch(wire.MatchNumber(&m))
}
