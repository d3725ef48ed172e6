package safetest

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/internal/wire"
)

// Seeding works the way real clients register and write: the keys are made
// on the "client" side with real cryptography, and the server's store
// receives only what a client uploads (the password hash, wrapped keys,
// EncStrings). The keys themselves stay in the seeding keyring, apart from
// the store and never reachable over HTTP, so that later seeding can
// encrypt for an account and tests can decrypt what any client stored.

// ErrNotFound reports a user, team, collection, folder or item the server
// does not have (or, for ItemFor, one the user cannot see).
var ErrNotFound = errors.New("safetest: not found")

// keyring holds the keys the seeding side made: what the registering
// clients would remember. Guarded by Server.mu.
type keyring struct {
	users map[string]*userKeys
	orgs  map[string]*vaultcrypto.SymmetricKey
}

type userKeys struct {
	userKey *vaultcrypto.SymmetricKey
	private *vaultcrypto.PrivateKey
}

func newKeyring() keyring {
	return keyring{users: map[string]*userKeys{}, orgs: map[string]*vaultcrypto.SymmetricKey{}}
}

// UserSpec describes an account for AddUser.
type UserSpec struct {
	Email    string // required; the KDF salt is its trimmed lower-case form
	Name     string // defaults to the part of Email before "@"
	Password string // the master password; required
	KDF      KDF    // defaults to PBKDF2(600000)
	Premium  bool
}

// A User is a seeded account.
type User struct {
	ID    string
	Email string
	Name  string

	// ClientID and ClientSecret are the account's personal API key, for
	// grant_type=client_credentials (bw login --apikey).
	ClientID     string
	ClientSecret string
}

func (u *User) owner() (userID, teamID string) { return u.ID, "" }

// Role is a member's role in a team, numbered as on the wire.
type Role int

// Member roles. (3, Manager, was retired by the official server.)
const (
	RoleOwner  = Role(wire.RoleOwner)
	RoleAdmin  = Role(wire.RoleAdmin)
	RoleUser   = Role(wire.RoleUser)
	RoleCustom = Role(wire.RoleCustom)
)

// A Team is a seeded organization ("team" in Bravura Safe).
type Team struct {
	ID   string
	Name string

	// OwnerMemberID is the owner's membership (organization user) id.
	OwnerMemberID string

	// DefaultCollectionID is the collection made from
	// TeamSpec.DefaultCollection, if any.
	DefaultCollectionID string

	// ClientID ("organization.<team id>") and ClientSecret are the team
	// API key, for grant_type=client_credentials with scope
	// api.organization and the Public API. The official server makes the
	// key with the team; POST /api/organizations/{id}/rotate-api-key
	// replaces the secret (this one then no longer logs in).
	ClientID     string
	ClientSecret string

	ownerUserID string
}

func (t *Team) owner() (userID, teamID string) { return t.ownerUserID, t.ID }

// TeamSpec describes a team for AddTeam.
type TeamSpec struct {
	Name string // required

	// DefaultCollection, if not empty, names a collection created with the
	// team, as the official client's "create organization" does.
	DefaultCollection string

	// WithoutKeyPair makes a team without an RSA key pair, as teams
	// created before account recovery existed are: a client must make
	// one (POST /api/organizations/{id}/keys) before members can enrol.
	WithoutKeyPair bool

	// AccountRecovery turns on the team's account recovery policy (the
	// ResetPassword policy, type 8), without which members cannot enrol
	// and admins cannot reset passwords. AutoEnroll is its "automatic
	// enrolment" option, under which members cannot withdraw. See also
	// SetAccountRecoveryPolicy.
	AccountRecovery, AutoEnroll bool

	// WithoutResetPassword makes a team whose plan lacks account recovery
	// (the organization's UseResetPassword off).
	WithoutResetPassword bool
}

// A Member is a team membership: confirmed when AddMember made it,
// accepted when AcceptInvite did.
type Member struct {
	ID     string // the membership ("organization user") id
	TeamID string
	UserID string
	Role   Role
}

// A Collection is a seeded collection.
type Collection struct {
	ID     string
	TeamID string
	Name   string
}

// A Folder is a seeded folder.
type Folder struct {
	ID     string
	UserID string
	Name   string
}

// CollectionAccess grants a member access to a collection (AddMember).
type CollectionAccess struct {
	CollectionID  string
	ReadOnly      bool
	HidePasswords bool
	Manage        bool
}

// MemberAccess grants a member access to a collection (AddCollection).
type MemberAccess struct {
	MemberID      string
	ReadOnly      bool
	HidePasswords bool
	Manage        bool
}

// An Owner owns items: a *User (personal vault) or a *Team.
type Owner interface {
	owner() (userID, teamID string)
}

func newAPIKey() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// AddUser registers an account as a client does: it derives the master
// key, makes a user key and an RSA key pair, and stores the password hash
// and the wrapped keys. The returned User carries the account's ids and
// API key.
func (s *Server) AddUser(spec UserSpec) (*User, error) {
	email := strings.TrimSpace(spec.Email)
	if email == "" || spec.Password == "" {
		return nil, errors.New("safetest: AddUser needs an e-mail and a password")
	}
	kdf := spec.KDF.config()
	master, err := vaultcrypto.DeriveMasterKey(spec.Password, email, kdf)
	if err != nil {
		return nil, fmt.Errorf("safetest: AddUser: %w", err)
	}
	hash, err := master.Hash(spec.Password, vaultcrypto.ServerAuthorization)
	if err != nil {
		return nil, err
	}
	userKey, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		return nil, err
	}
	protected, err := master.WrapUserKey(userKey)
	if err != nil {
		return nil, err
	}
	priv, err := vaultcrypto.GeneratePrivateKey()
	if err != nil {
		return nil, err
	}
	wrappedPriv, err := userKey.WrapPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	pub, err := priv.Public().Base64()
	if err != nil {
		return nil, err
	}
	name := spec.Name
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	norm := vaultcrypto.NormalizeEmail(email)
	if s.st.byEmail[norm] != nil {
		return nil, fmt.Errorf("safetest: AddUser: %s is already registered", email)
	}
	now := s.st.tick(s.now())
	u := &userRec{
		id:             newID(),
		email:          email,
		name:           name,
		kdf:            spec.KDF.params(),
		key:            protected.String(),
		privateKey:     wrappedPriv.String(),
		publicKey:      pub,
		securityStamp:  newID(),
		apiKey:         newAPIKey(),
		premium:        spec.Premium,
		created:        now,
		revision:       now,
		knownDevices:   map[string]bool{},
		rememberTokens: map[string]bool{},
	}
	u.setPasswordHash(hash)
	s.st.users[u.id] = u
	s.st.byEmail[norm] = u
	s.keys.users[u.id] = &userKeys{userKey: userKey, private: priv}
	return &User{ID: u.id, Email: email, Name: name, ClientID: "user." + u.id, ClientSecret: u.apiKey}, nil
}

// AddTeam creates a team owned by owner, as the official client's "create
// organization" does: a team key, a team RSA key pair (private key wrapped
// with the team key; none with spec.WithoutKeyPair) and the owner's
// confirmed membership with the team key wrapped to the owner's public
// key.
func (s *Server) AddTeam(owner *User, spec TeamSpec) (*Team, error) {
	if owner == nil || spec.Name == "" {
		return nil, errors.New("safetest: AddTeam needs an owner and a name")
	}
	orgKey, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		return nil, err
	}
	var orgPub, wrappedOrgPriv string
	if !spec.WithoutKeyPair {
		if orgPub, wrappedOrgPriv, err = newTeamKeyPair(orgKey); err != nil {
			return nil, err
		}
	}
	var colName string
	if spec.DefaultCollection != "" {
		n, err := orgKey.EncryptString(spec.DefaultCollection)
		if err != nil {
			return nil, err
		}
		colName = n.String()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[owner.ID]
	if u == nil {
		return nil, fmt.Errorf("safetest: AddTeam: owner: %w", ErrNotFound)
	}
	memberKey, err := wrapTo(u.publicKey, orgKey)
	if err != nil {
		return nil, err
	}
	now := s.st.tick(s.now())
	o := &orgRec{id: newID(), name: spec.Name, billingEmail: u.email, publicKey: orgPub, privateKey: wrappedOrgPriv, created: now,
		apiKey: newAPIKey(), apiKeyRevision: now, useResetPassword: !spec.WithoutResetPassword}
	o.setRecoveryPolicy(spec.AccountRecovery, spec.AutoEnroll, now)
	m := &memberRec{
		id: newID(), orgID: o.id, userID: u.id, role: RoleOwner, status: statusConfirmed,
		key: memberKey, collections: map[string]access{}, permissions: map[string]bool{}, created: now,
	}
	s.st.orgs[o.id] = o
	s.st.members[m.id] = m
	s.keys.orgs[o.id] = orgKey
	t := &Team{ID: o.id, Name: o.name, OwnerMemberID: m.id, ClientID: "organization." + o.id, ClientSecret: o.apiKey, ownerUserID: u.id}
	if colName != "" {
		col := &collectionRec{id: newID(), orgID: o.id, name: colName}
		s.st.collections[col.id] = col
		m.collections[col.id] = access{manage: true}
		t.DefaultCollectionID = col.id
	}
	s.st.touchUser(u, now)
	return t, nil
}

// wrapTo wraps a team key to a member's public key, as an admin's client
// does when it confirms the member (it reads the key from
// GET /api/users/{id}/public-key).
func wrapTo(publicKey string, orgKey *vaultcrypto.SymmetricKey) (string, error) {
	pub, err := vaultcrypto.ParsePublicKeyBase64(publicKey)
	if err != nil {
		return "", err
	}
	k, err := pub.WrapKey(orgKey)
	if err != nil {
		return "", err
	}
	return k.String(), nil
}

// AddMember makes user a confirmed member of team with the given role and
// collection access. Owners and Admins see every collection whatever the
// access list says.
func (s *Server) AddMember(team *Team, user *User, role Role, grants ...CollectionAccess) (*Member, error) {
	if team == nil || user == nil {
		return nil, errors.New("safetest: AddMember needs a team and a user")
	}
	switch role {
	case RoleOwner, RoleAdmin, RoleUser, RoleCustom:
	default:
		return nil, fmt.Errorf("safetest: AddMember: invalid role %d", role)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, o, orgKey := s.st.users[user.ID], s.st.orgs[team.ID], s.keys.orgs[team.ID]
	if u == nil || o == nil || orgKey == nil {
		return nil, fmt.Errorf("safetest: AddMember: %w", ErrNotFound)
	}
	for _, m := range s.st.members {
		if m.orgID == o.id && m.userID == u.id {
			return nil, errors.New("safetest: AddMember: already a member")
		}
	}
	cols := map[string]access{}
	for _, g := range grants {
		col := s.st.collections[normID(g.CollectionID)]
		if col == nil || col.orgID != o.id {
			return nil, fmt.Errorf("safetest: AddMember: collection %q: %w", g.CollectionID, ErrNotFound)
		}
		cols[col.id] = access{readOnly: g.ReadOnly, hidePasswords: g.HidePasswords, manage: g.Manage}
	}
	key, err := wrapTo(u.publicKey, orgKey)
	if err != nil {
		return nil, err
	}
	now := s.st.tick(s.now())
	m := &memberRec{
		id: newID(), orgID: o.id, userID: u.id, role: role, status: statusConfirmed,
		key: key, collections: cols, permissions: map[string]bool{}, created: now,
	}
	s.st.members[m.id] = m
	s.st.touchOrg(o.id, now)
	return &Member{ID: m.id, TeamID: o.id, UserID: u.id, Role: role}, nil
}

// AcceptInvite makes user accept the pending invite of team addressed to
// user's e-mail, as the official client does with the invite link's
// token (the link would come by e-mail, which this server does not
// send): the membership gets user's id and the Accepted status, and no
// team key until an admin confirms it (POST .../users/{id}/confirm).
func (s *Server) AcceptInvite(team *Team, user *User) (*Member, error) {
	if team == nil || user == nil {
		return nil, errors.New("safetest: AcceptInvite needs a team and a user")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[user.ID]
	if u == nil {
		return nil, fmt.Errorf("safetest: AcceptInvite: user: %w", ErrNotFound)
	}
	var invite *memberRec
	for _, m := range s.st.members {
		if m.orgID != team.ID {
			continue
		}
		if m.userID == u.id {
			return nil, errors.New("safetest: AcceptInvite: already a member")
		}
		if m.status == statusInvited && m.userID == "" && strings.EqualFold(m.email, u.email) {
			invite = m
		}
	}
	if invite == nil {
		return nil, fmt.Errorf("safetest: AcceptInvite: no invite for the user: %w", ErrNotFound)
	}
	invite.userID, invite.status, invite.email = u.id, statusAccepted, ""
	s.st.touchOrg(team.ID, s.st.tick(s.now()))
	return &Member{ID: invite.id, TeamID: team.ID, UserID: u.id, Role: invite.role}, nil
}

// SetCustomPermissions sets the permissions of a RoleCustom member, by
// their wire names: "createNewCollections", "editAnyCollection",
// "deleteAnyCollection", "manageUsers", "manageGroups", ...
func (s *Server) SetCustomPermissions(member *Member, perms ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.members[member.ID]
	if m == nil {
		return fmt.Errorf("safetest: SetCustomPermissions: %w", ErrNotFound)
	}
	if m.role != RoleCustom {
		return errors.New("safetest: SetCustomPermissions: member's role is not RoleCustom")
	}
	m.permissions = map[string]bool{}
	for _, p := range perms {
		m.permissions[p] = true
	}
	s.st.touchOrg(m.orgID, s.st.tick(s.now()))
	return nil
}

// AddCollection creates a collection in team, its name encrypted with the
// team key, and grants the listed members access to it.
func (s *Server) AddCollection(team *Team, name string, grants ...MemberAccess) (*Collection, error) {
	if team == nil || name == "" {
		return nil, errors.New("safetest: AddCollection needs a team and a name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	orgKey := s.keys.orgs[team.ID]
	if orgKey == nil {
		return nil, fmt.Errorf("safetest: AddCollection: team: %w", ErrNotFound)
	}
	for _, g := range grants {
		m := s.st.members[normID(g.MemberID)]
		if m == nil || m.orgID != team.ID {
			return nil, fmt.Errorf("safetest: AddCollection: member %q: %w", g.MemberID, ErrNotFound)
		}
	}
	enc, err := orgKey.EncryptString(name)
	if err != nil {
		return nil, err
	}
	col := &collectionRec{id: newID(), orgID: team.ID, name: enc.String()}
	s.st.collections[col.id] = col
	for _, g := range grants {
		s.st.members[normID(g.MemberID)].collections[col.id] = access{
			readOnly: g.ReadOnly, hidePasswords: g.HidePasswords, manage: g.Manage,
		}
	}
	s.st.touchOrg(team.ID, s.st.tick(s.now()))
	return &Collection{ID: col.id, TeamID: team.ID, Name: name}, nil
}

// AddFolder creates a folder for user, its name encrypted with the user
// key.
func (s *Server) AddFolder(user *User, name string) (*Folder, error) {
	if user == nil || name == "" {
		return nil, errors.New("safetest: AddFolder needs a user and a name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, u := s.keys.users[user.ID], s.st.users[user.ID]
	if keys == nil || u == nil {
		return nil, fmt.Errorf("safetest: AddFolder: %w", ErrNotFound)
	}
	enc, err := keys.userKey.EncryptString(name)
	if err != nil {
		return nil, err
	}
	now := s.st.tick(s.now())
	f := &folderRec{id: newID(), userID: u.id, name: enc.String(), revision: now}
	s.st.folders[f.id] = f
	s.st.touchUser(u, now)
	return &Folder{ID: f.id, UserID: u.id, Name: name}, nil
}

// AddItem encrypts item as a client does, with the user key for a *User
// owner or the team key for a *Team (and with a fresh item key when
// item.ItemKey is set), and stores it through the same path as
// POST /api/ciphers/create. It returns the item's id.
func (s *Server) AddItem(owner Owner, item Item) (string, error) {
	if owner == nil {
		return "", errors.New("safetest: AddItem needs an owner")
	}
	userID, teamID := owner.owner()
	s.mu.Lock()
	defer s.mu.Unlock()
	var key *vaultcrypto.SymmetricKey
	if teamID != "" {
		key = s.keys.orgs[teamID]
	} else if k := s.keys.users[userID]; k != nil {
		key = k.userKey
	}
	u := s.st.users[userID]
	if key == nil || u == nil {
		return "", fmt.Errorf("safetest: AddItem: owner: %w", ErrNotFound)
	}
	folderOwner := u
	if item.FolderID != "" {
		f := s.st.folders[normID(item.FolderID)]
		if f == nil {
			return "", fmt.Errorf("safetest: AddItem: folder: %w", ErrNotFound)
		}
		folderOwner = s.st.users[f.userID]
	}
	body, err := encryptItem(&item, key, teamID)
	if err != nil {
		return "", err
	}
	req, err := parseCipherRequest(body, "")
	if err != nil {
		return "", fmt.Errorf("safetest: AddItem: %w", err)
	}
	// Act as the team's owner (or the user): seeding goes through the same
	// checks as a client's request.
	req.folderID, req.favorite = "", false
	c := &call{s: s, st: s.st, now: s.st.tick(s.now()), user: u}
	ci, err := c.createCipher(req, item.CollectionIDs)
	if err != nil {
		return "", fmt.Errorf("safetest: AddItem: %w", err)
	}
	setPerUser(ci, folderOwner.id, normID(item.FolderID), item.Favorite)
	return ci.id, nil
}

// encryptItem builds the JSON a client sends for item.
func encryptItem(item *Item, key *vaultcrypto.SymmetricKey, teamID string) (json.RawMessage, error) {
	e := &encrypter{key: key}
	body := map[string]any{
		"type":            int(item.itemType()),
		"organizationId":  optString(teamID),
		"reprompt":        0,
		"key":             nil,
		"passwordHistory": nil,
		"login":           nil,
		"secureNote":      nil,
		"card":            nil,
		"identity":        nil,
		"sshKey":          nil,
		"fields":          nil,
	}
	if item.Reprompt {
		body["reprompt"] = 1
	}
	if item.ItemKey {
		itemKey, err := vaultcrypto.GenerateSymmetricKey()
		if err != nil {
			return nil, err
		}
		wrapped, err := key.WrapKey(itemKey)
		if err != nil {
			return nil, err
		}
		body["key"] = wrapped.String()
		e.key = itemKey
	}
	body["name"] = e.str(item.Name)
	body["notes"] = e.opt(item.Notes)
	switch item.itemType() {
	case TypeLogin:
		l := item.Login
		if l == nil {
			l = &Login{}
		}
		var uris []map[string]any
		for _, u := range l.URIs {
			var match any
			if m, set := wire.OptionalMatch(int(u.Match)); set {
				match = int(m)
			}
			uris = append(uris, map[string]any{
				"uri":         e.opt(u.URI),
				"uriChecksum": e.checksum(u.URI),
				"match":       match,
			})
		}
		body["login"] = map[string]any{
			"username":             e.opt(l.Username),
			"password":             e.opt(l.Password),
			"totp":                 e.opt(l.TOTP),
			"uris":                 uris,
			"passwordRevisionDate": nil,
		}
	case TypeSecureNote:
		body["secureNote"] = map[string]any{"type": wire.SecureNoteGeneric}
	case TypeCard:
		c := item.Card
		if c == nil {
			c = &Card{}
		}
		m := map[string]any{}
		for _, f := range c.fields() {
			m[f.name] = e.opt(*f.v)
		}
		body["card"] = m
	case TypeIdentity:
		id := item.Identity
		if id == nil {
			id = &Identity{}
		}
		m := map[string]any{}
		for _, f := range id.fields() {
			m[f.name] = e.opt(*f.v)
		}
		body["identity"] = m
	case TypeSSHKey:
		k := item.SSHKey
		if k == nil {
			k = &SSHKey{}
		}
		m := map[string]any{}
		for _, f := range k.fields() {
			m[f.name] = e.opt(*f.v)
		}
		body["sshKey"] = m
	}
	if len(item.Fields) > 0 {
		var fields []map[string]any
		for _, f := range item.Fields {
			fm := map[string]any{"type": int(f.Type), "name": e.opt(f.Name), "value": e.opt(f.Value), "linkedId": nil}
			if f.Type == FieldLinked {
				fm["value"] = nil
				fm["linkedId"] = f.LinkedID
			}
			fields = append(fields, fm)
		}
		body["fields"] = fields
	}
	if e.err != nil {
		return nil, e.err
	}
	return json.Marshal(body)
}

// encrypter encrypts a run of strings, remembering the first error.
type encrypter struct {
	key *vaultcrypto.SymmetricKey
	err error
}

func (e *encrypter) str(s string) string {
	if e.err != nil {
		return ""
	}
	v, err := e.key.EncryptString(s)
	if err != nil {
		e.err = err
		return ""
	}
	return v.String()
}

// opt encrypts s, or gives null for "", as clients send empty fields.
func (e *encrypter) opt(s string) any {
	if s == "" {
		return nil
	}
	return e.str(s)
}

// checksum is the URI checksum current clients write (crypto.md §4.11).
func (e *encrypter) checksum(uri string) any {
	if uri == "" {
		return nil
	}
	return e.str(uriChecksum(uri))
}
