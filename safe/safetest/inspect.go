package safetest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/internal/wire"
)

// Inspection: tests read back what clients stored, as raw JSON or
// decrypted with the seeding keyring.

// RawCipher returns a stored item as the server holds it: the client's
// JSON plus the server's fields (id, organizationId, collectionIds,
// revisionDate, creationDate, deletedDate), in the form of a
// cipherMiniDetails response. Every secret in it is an EncString.
func (s *Server) RawCipher(id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci := s.st.ciphers[normID(id)]
	if ci == nil {
		return nil, false
	}
	c := &call{s: s, st: s.st}
	return json.RawMessage(c.cipherOut(ci, kindCipherMiniDetails)), true
}

// ItemIDs returns the ids of every stored item, trash included, oldest
// first.
func (s *Server) ItemIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := make([]*cipherRec, 0, len(s.st.ciphers))
	for _, ci := range s.st.ciphers {
		cs = append(cs, ci)
	}
	sortCiphers(cs)
	ids := make([]string, len(cs))
	for i, ci := range cs {
		ids[i] = ci.id
	}
	return ids
}

// Item decrypts a stored item with the keys of its owner (the user key or
// the team key, and the item key if it has one). FolderID and Favorite
// are those of the owner of a personal item, and empty for a team item
// (see ItemFor). It fails with ErrNotFound for an unknown id, and with a
// decryption error if the stored ciphertext is not what a client
// holding the right keys would have written.
func (s *Server) Item(id string) (Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci := s.st.ciphers[normID(id)]
	if ci == nil {
		return Item{}, ErrNotFound
	}
	return s.decryptCipher(ci, ci.userID)
}

// ItemFor decrypts a stored item as user sees it: with user's folder and
// favourite flag. It fails with ErrNotFound if the user cannot see the
// item.
func (s *Server) ItemFor(user *User, id string) (Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci, u := s.st.ciphers[normID(id)], s.st.users[user.ID]
	if ci == nil || u == nil || !s.st.cipherAccess(u, ci).visible {
		return Item{}, ErrNotFound
	}
	return s.decryptCipher(ci, u.id)
}

// Folder decrypts a stored folder's name.
func (s *Server) Folder(id string) (Folder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.folders[normID(id)]
	if f == nil {
		return Folder{}, ErrNotFound
	}
	k := s.keys.users[f.userID]
	if k == nil {
		return Folder{}, ErrNotFound
	}
	name, err := decryptWith(k.userKey, f.name)
	if err != nil {
		return Folder{}, fmt.Errorf("safetest: folder name: %w", err)
	}
	return Folder{ID: f.id, UserID: f.userID, Name: name}, nil
}

// Collection decrypts a stored collection's name.
func (s *Server) Collection(id string) (Collection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	col := s.st.collections[normID(id)]
	if col == nil {
		return Collection{}, ErrNotFound
	}
	k := s.keys.orgs[col.orgID]
	if k == nil {
		return Collection{}, ErrNotFound
	}
	name, err := decryptWith(k, col.name)
	if err != nil {
		return Collection{}, fmt.Errorf("safetest: collection name: %w", err)
	}
	return Collection{ID: col.id, TeamID: col.orgID, Name: name}, nil
}

// CollectionMembers returns the access each member has to a collection,
// keyed by membership id.
func (s *Server) CollectionMembers(id string) (map[string]CollectionAccess, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	col := s.st.collections[normID(id)]
	if col == nil {
		return nil, ErrNotFound
	}
	out := map[string]CollectionAccess{}
	for _, m := range s.st.orgMembers(col.orgID) {
		if a, ok := m.collections[col.id]; ok {
			out[m.id] = CollectionAccess{CollectionID: col.id, ReadOnly: a.readOnly, HidePasswords: a.hidePasswords, Manage: a.manage}
		}
	}
	return out, nil
}

func decryptWith(k *vaultcrypto.SymmetricKey, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	e, err := vaultcrypto.ParseEncString(s)
	if err != nil {
		return "", err
	}
	if e.IsZero() {
		return "", nil
	}
	return k.DecryptString(e)
}

// storedCipher is the shape of a stored cipher that Item reads.
type storedCipher struct {
	Type     int     `json:"type"`
	Key      *string `json:"key"`
	Name     *string `json:"name"`
	Notes    *string `json:"notes"`
	Reprompt *int    `json:"reprompt"`
	Login    *struct {
		Username *string `json:"username"`
		Password *string `json:"password"`
		TOTP     *string `json:"totp"`
		URIs     []struct {
			URI   *string `json:"uri"`
			Match *int    `json:"match"`
		} `json:"uris"`
	} `json:"login"`
	Card     map[string]*string `json:"card"`
	Identity map[string]*string `json:"identity"`
	SSHKey   map[string]*string `json:"sshKey"`
	Fields   []struct {
		Type     int     `json:"type"`
		Name     *string `json:"name"`
		Value    *string `json:"value"`
		LinkedID *int    `json:"linkedId"`
	} `json:"fields"`
	PasswordHistory []struct {
		Password *string `json:"password"`
	} `json:"passwordHistory"`
}

// storedMembers is the part of a stored cipher that storedCipher reads,
// with member names matched exactly: encoding/json would also take, say,
// a Kelvin-sign "Key" for "key", which the request parser (by
// jsonscan.EqualFoldASCII, as the official server) keeps as an unknown
// member. Stored names of known members are already canonical.
func storedMembers(d map[string]json.RawMessage) json.RawMessage {
	var (
		cardNames, identityNames, sshNames []string
	)
	for _, f := range (&Card{}).fields() {
		cardNames = append(cardNames, f.name)
	}
	for _, f := range (&Identity{}).fields() {
		identityNames = append(identityNames, f.name)
	}
	for _, f := range (&SSHKey{}).fields() {
		sshNames = append(sshNames, f.name)
	}
	out := exactMembers(d, "type", "key", "name", "notes", "reprompt")
	if l, err := decodeObject(d["login"]); err == nil {
		login := exactMembers(l, "username", "password", "totp")
		login["uris"] = exactList(l["uris"], "uri", "match")
		out["login"] = mustMarshal(login)
	}
	for name, names := range map[string][]string{"card": cardNames, "identity": identityNames, "sshKey": sshNames} {
		if o, err := decodeObject(d[name]); err == nil {
			out[name] = mustMarshal(exactMembers(o, names...))
		}
	}
	out["fields"] = exactList(d["fields"], "type", "name", "value", "linkedId")
	out["passwordHistory"] = exactList(d["passwordHistory"], "password")
	return mustMarshal(out)
}

// exactMembers returns the members of o named exactly as one of names.
func exactMembers(o map[string]json.RawMessage, names ...string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, n := range names {
		if v, ok := o[n]; ok {
			out[n] = v
		}
	}
	return out
}

// exactList applies exactMembers to each object of a JSON array (null if
// raw is not an array).
func exactList(raw json.RawMessage, names ...string) json.RawMessage {
	a, err := decodeArray(raw)
	if err != nil {
		return json.RawMessage("null")
	}
	out := make([]map[string]json.RawMessage, 0, len(a))
	for _, v := range a {
		o, _ := decodeObject(v)
		out = append(out, exactMembers(o, names...))
	}
	return mustMarshal(out)
}

func (s *Server) decryptCipher(ci *cipherRec, viewer string) (Item, error) {
	var key *vaultcrypto.SymmetricKey
	if ci.orgID != "" {
		key = s.keys.orgs[ci.orgID]
	} else if k := s.keys.users[ci.userID]; k != nil {
		key = k.userKey
	}
	if key == nil {
		return Item{}, ErrNotFound
	}
	var sc storedCipher
	if err := json.Unmarshal(storedMembers(ci.data), &sc); err != nil {
		return Item{}, fmt.Errorf("safetest: stored item is not cipher JSON: %w", err)
	}
	d := &decrypter{key: key}
	item := Item{
		ID:            ci.id,
		Type:          ItemType(sc.Type),
		TeamID:        ci.orgID,
		CollectionIDs: sortedSet(ci.collections),
		Created:       ci.created,
		Revised:       ci.revision,
		Deleted:       ci.deleted,
	}
	if viewer != "" {
		item.FolderID = ci.folders[viewer]
		item.Favorite = ci.favorites[viewer]
	}
	if sc.Key != nil && *sc.Key != "" {
		itemKey, err := unwrapItemKey(key, *sc.Key)
		if err != nil {
			return Item{}, fmt.Errorf("safetest: item key: %w", err)
		}
		d.key = itemKey
		item.ItemKey = true
	}
	item.Name = d.str("name", sc.Name)
	item.Notes = d.str("notes", sc.Notes)
	item.Reprompt = sc.Reprompt != nil && *sc.Reprompt == 1
	if l := sc.Login; l != nil {
		item.Login = &Login{
			Username: d.str("login.username", l.Username),
			Password: d.str("login.password", l.Password),
			TOTP:     d.str("login.totp", l.TOTP),
		}
		for _, u := range l.URIs {
			uri := URI{URI: d.str("login.uris.uri", u.URI)}
			if u.Match != nil {
				m := wire.URIMatch(*u.Match)
				uri.Match = URIMatch(wire.MatchNumber(&m))
			}
			item.Login.URIs = append(item.Login.URIs, uri)
		}
	}
	if sc.Card != nil {
		item.Card = &Card{}
		for _, f := range item.Card.fields() {
			*f.v = d.str("card."+f.name, sc.Card[f.name])
		}
	}
	if sc.Identity != nil {
		item.Identity = &Identity{}
		for _, f := range item.Identity.fields() {
			*f.v = d.str("identity."+f.name, sc.Identity[f.name])
		}
	}
	if sc.SSHKey != nil {
		item.SSHKey = &SSHKey{}
		for _, f := range item.SSHKey.fields() {
			*f.v = d.str("sshKey."+f.name, sc.SSHKey[f.name])
		}
	}
	for _, f := range sc.Fields {
		field := Field{Type: FieldType(f.Type), Name: d.str("fields.name", f.Name), Value: d.str("fields.value", f.Value)}
		if f.LinkedID != nil {
			field.LinkedID = *f.LinkedID
		}
		item.Fields = append(item.Fields, field)
	}
	for _, h := range sc.PasswordHistory {
		item.PasswordHistory = append(item.PasswordHistory, d.str("passwordHistory.password", h.Password))
	}
	if d.err != nil {
		return Item{}, d.err
	}
	return item, nil
}

func unwrapItemKey(k *vaultcrypto.SymmetricKey, wrapped string) (*vaultcrypto.SymmetricKey, error) {
	e, err := vaultcrypto.ParseEncString(wrapped)
	if err != nil {
		return nil, err
	}
	return k.UnwrapKey(e)
}

// decrypter decrypts a run of fields, remembering the first failure and
// naming the field (never its content).
type decrypter struct {
	key *vaultcrypto.SymmetricKey
	err error
}

func (d *decrypter) str(field string, s *string) string {
	if s == nil || d.err != nil {
		return ""
	}
	v, err := decryptWith(d.key, *s)
	if err != nil {
		d.err = fmt.Errorf("safetest: decrypt %s: %w", field, err)
		return ""
	}
	return v
}

// uriChecksum is base64(SHA-256(uri)), the plaintext of login.uris[].uriChecksum.
func uriChecksum(uri string) string {
	h := sha256.Sum256([]byte(uri))
	return base64.StdEncoding.EncodeToString(h[:])
}
