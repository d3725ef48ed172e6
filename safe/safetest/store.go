package safetest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/wire"
)

// The store is what a real server keeps: account metadata, password
// verifiers and ciphertext. It never holds a key that decrypts anything.
// Every field is guarded by Server.mu.
type store struct {
	users       map[string]*userRec // by id
	byEmail     map[string]*userRec // by normalised e-mail
	orgs        map[string]*orgRec
	members     map[string]*memberRec // by membership id
	collections map[string]*collectionRec
	ciphers     map[string]*cipherRec
	folders     map[string]*folderRec
	groups      map[string]*groupRec
	refresh     map[string]*refreshRec // by sha256 of the token

	last time.Time // last timestamp handed out by tick
}

func newStore() *store {
	return &store{
		users:       map[string]*userRec{},
		byEmail:     map[string]*userRec{},
		orgs:        map[string]*orgRec{},
		members:     map[string]*memberRec{},
		collections: map[string]*collectionRec{},
		ciphers:     map[string]*cipherRec{},
		folders:     map[string]*folderRec{},
		groups:      map[string]*groupRec{},
		refresh:     map[string]*refreshRec{},
	}
}

type kdfParams struct {
	typ, iterations, memory, parallelism int
}

type userRec struct {
	id, email, name string
	kdf             kdfParams

	// The master-password hash is kept as SHA-256(salt ‖ hash), like a
	// server that re-hashes what the client sends.
	authSalt [16]byte
	authHash [32]byte

	key, privateKey, publicKey string // EncStrings and SPKI, as uploaded
	securityStamp              string
	apiKey                     string
	premium                    bool
	created                    time.Time
	revision                   time.Time
	userKeyID                  string

	// forcePasswordReset is set by an account recovery (a temporary
	// password, as the server calls it) and cleared by
	// PUT /api/accounts/update-temp-password; hint is the master-password
	// hint that update sets.
	forcePasswordReset bool
	hint               string

	twoFactor      *twoFactorRec
	newDeviceOTP   string // non-empty: unknown devices must present it
	knownDevices   map[string]bool
	rememberTokens map[string]bool
}

type twoFactorRec struct {
	provider int
	code     string
}

func (u *userRec) setPasswordHash(serverHash string) {
	_, _ = rand.Read(u.authSalt[:])
	u.authHash = u.saltedHash(serverHash)
}

func (u *userRec) saltedHash(serverHash string) [32]byte {
	h := sha256.New()
	h.Write(u.authSalt[:])
	h.Write([]byte(serverHash))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// checkPassword compares a client's master-password hash in constant time.
func (u *userRec) checkPassword(serverHash string) bool {
	got := u.saltedHash(serverHash)
	return subtle.ConstantTimeCompare(got[:], u.authHash[:]) == 1
}

type orgRec struct {
	id, name, billingEmail string
	publicKey, privateKey  string // SPKI and EncString under the org key; empty: no key pair
	created                time.Time

	// The team API key (OrganizationApiKey of type Default), and whether
	// its client may log in (Organization.Enabled && UseApi).
	apiKey         string
	apiKeyRevision time.Time
	apiDisabled    bool

	// Account recovery (recovery.go): the plan's UseResetPassword, and
	// the team's ResetPassword policy (type 8) with its auto-enrolment
	// option. recoveryPolicyID is the policy's id once it was enabled.
	useResetPassword       bool
	recoveryPolicy         bool
	recoveryAutoEnroll     bool
	recoveryPolicyID       string
	recoveryPolicyRevision time.Time
}

// Membership roles and statuses, numbered as on the wire.
const (
	statusInvited   = int(wire.StatusInvited)
	statusAccepted  = int(wire.StatusAccepted)
	statusConfirmed = int(wire.StatusConfirmed)
	statusRevoked   = int(wire.StatusRevoked)
)

type access struct {
	readOnly, hidePasswords, manage bool
}

type memberRec struct {
	id, orgID, userID string
	role              Role
	status            int
	key               string // org key wrapped to the member's public key
	email             string // the invited address, until the invite is accepted
	externalID        string
	accessAll         bool            // Gen2023 only: every collection, read and write
	permissions       map[string]bool // Custom role permissions
	collections       map[string]access
	created           time.Time

	// resetPasswordKey is the member's user key wrapped to the team's
	// public key (account recovery enrolment), as the member's client
	// sent it; empty: not enrolled.
	resetPasswordKey string
	// forcePasswordReset is Bravura Safe's membership flag (Gen2023):
	// an account recovery by this member makes the reset member update
	// the temporary password (see recovery.go).
	forcePasswordReset bool
}

type collectionRec struct {
	id, orgID, name, externalID string
}

type cipherRec struct {
	id     string
	userID string // owner of a personal cipher
	orgID  string // owning organisation of an org cipher

	// data is what the client sent, cleaned of request-only and server
	// fields (see cleanCipher). Values are never modified in place. Set
	// it with setData, which also fills enc.
	data map[string]json.RawMessage

	// enc is data's members encoded for responses, sorted by key, and
	// encSize their total length (see cipherout.go).
	enc     []encMember
	encSize int

	collections map[string]bool
	folders     map[string]string // user id → folder id
	favorites   map[string]bool   // user id → favourite
	created     time.Time
	revision    time.Time
	deleted     time.Time // zero: not in the trash
}

type folderRec struct {
	id, userID, name string
	revision         time.Time
}

type refreshRec struct {
	userID, clientID, device string
	stamp                    string
	expires                  time.Time
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// normID lower-cases an id from a URL or body so that GUIDs match in any
// case, as they do in the official server.
func normID(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// tick returns a timestamp (millisecond precision, as clients compare
// revision dates) strictly after every earlier one, so that revision dates
// always advance. Under bursts of writes the server's clock may run a few
// milliseconds ahead of the real one; it never runs behind.
func (st *store) tick(now time.Time) time.Time {
	t := now.UTC().Truncate(time.Millisecond)
	if !t.After(st.last) {
		t = st.last.Add(time.Millisecond)
	}
	st.last = t
	return t
}

// touchUser bumps the account revision date of u.
func (st *store) touchUser(u *userRec, t time.Time) {
	if t.After(u.revision) {
		u.revision = t
	}
}

// touchOrg bumps the account revision date of every member of an
// organization: anything that changes in it may be visible to each.
func (st *store) touchOrg(orgID string, t time.Time) {
	for _, m := range st.members {
		if m.orgID == orgID {
			if u := st.users[m.userID]; u != nil {
				st.touchUser(u, t)
			}
		}
	}
}

// touchCipher bumps everyone who can see c.
func (st *store) touchCipher(c *cipherRec, t time.Time) {
	if c.orgID != "" {
		st.touchOrg(c.orgID, t)
		return
	}
	if u := st.users[c.userID]; u != nil {
		st.touchUser(u, t)
	}
}

// membership returns u's confirmed membership of org, or nil.
func (st *store) membership(userID, orgID string) *memberRec {
	for _, m := range st.members {
		if m.orgID == orgID && m.userID == userID && m.status == statusConfirmed {
			return m
		}
	}
	return nil
}

// userMemberships returns u's confirmed memberships, sorted by org id.
func (st *store) userMemberships(userID string) []*memberRec {
	var ms []*memberRec
	for _, m := range st.members {
		if m.userID == userID && m.status == statusConfirmed {
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(a, b *memberRec) int { return strings.Compare(a.orgID, b.orgID) })
	return ms
}

func (st *store) orgMembers(orgID string) []*memberRec {
	var ms []*memberRec
	for _, m := range st.members {
		if m.orgID == orgID {
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(a, b *memberRec) int { return a.created.Compare(b.created) })
	return ms
}

// isManager reports whether m sees and edits everything in its
// organization: Owners and Admins (and, before 2024, "access all" members).
func (m *memberRec) isManager() bool {
	return m != nil && (m.role == RoleOwner || m.role == RoleAdmin)
}

// can reports whether m holds a Custom-role permission, or is a manager.
func (m *memberRec) can(perm string) bool {
	if m == nil {
		return false
	}
	return m.isManager() || (m.role == RoleCustom && m.permissions[perm])
}

// cipherAccess is what a user may do with a cipher.
type cipherAccess struct {
	visible, edit, viewPassword, manage bool
}

func (st *store) cipherAccess(u *userRec, c *cipherRec) cipherAccess {
	if c.orgID == "" {
		return personalAccess(u, c)
	}
	return orgAccess(st.membership(u.id, c.orgID), c)
}

func personalAccess(u *userRec, c *cipherRec) cipherAccess {
	if c.userID == u.id {
		return cipherAccess{true, true, true, true}
	}
	return cipherAccess{}
}

// orgAccess is the access to a team cipher that membership m (nil: none)
// of its organization gives.
func orgAccess(m *memberRec, c *cipherRec) cipherAccess {
	if m == nil {
		return cipherAccess{}
	}
	if m.isManager() || m.accessAll || m.can("editAnyCollection") {
		return cipherAccess{true, true, true, true}
	}
	var a cipherAccess
	for colID := range c.collections {
		g, ok := m.collections[colID]
		if !ok {
			continue
		}
		a.visible = true
		a.edit = a.edit || !g.readOnly
		a.viewPassword = a.viewPassword || !g.hidePasswords
		a.manage = a.manage || g.manage
	}
	return a
}

// collectionAccess returns u's access to a collection and whether u may see
// it at all (assigned, or a manager of its organization).
func (st *store) collectionAccess(u *userRec, col *collectionRec) (access, bool) {
	m := st.membership(u.id, col.orgID)
	if m == nil {
		return access{}, false
	}
	if m.isManager() {
		return access{manage: true}, true
	}
	if m.accessAll {
		return access{}, true
	}
	a, ok := m.collections[col.id]
	return a, ok
}

// canWriteCollection reports whether u may put items in col.
func (st *store) canWriteCollection(u *userRec, col *collectionRec) bool {
	a, ok := st.collectionAccess(u, col)
	return ok && !a.readOnly
}

// seenCipher is a cipher and a user's access to it.
type seenCipher struct {
	ci *cipherRec
	a  cipherAccess
}

// visibleCiphers returns the ciphers u can see, trash included, in a stable
// order (creation time, then id), with u's access to each.
func (st *store) visibleCiphers(u *userRec) []seenCipher {
	var ms map[string]*memberRec // org id → u's membership, looked up once
	out := make([]seenCipher, 0, len(st.ciphers))
	for _, c := range st.ciphers {
		var a cipherAccess
		if c.orgID == "" {
			a = personalAccess(u, c)
		} else {
			if ms == nil {
				ms = map[string]*memberRec{}
			}
			m, ok := ms[c.orgID]
			if !ok {
				m = st.membership(u.id, c.orgID)
				ms[c.orgID] = m
			}
			a = orgAccess(m, c)
		}
		if a.visible {
			out = append(out, seenCipher{c, a})
		}
	}
	slices.SortFunc(out, func(a, b seenCipher) int { return compareCiphers(a.ci, b.ci) })
	return out
}

func sortCiphers(cs []*cipherRec) { slices.SortFunc(cs, compareCiphers) }

// compareCiphers orders ciphers by creation time, then id.
func compareCiphers(a, b *cipherRec) int {
	if c := a.created.Compare(b.created); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// visibleCollections returns the collections u can see with u's access.
func (st *store) visibleCollections(u *userRec) []*collectionRec {
	var out []*collectionRec
	for _, col := range st.collections {
		if _, ok := st.collectionAccess(u, col); ok {
			out = append(out, col)
		}
	}
	sortCollections(out)
	return out
}

func sortCollections(cs []*collectionRec) {
	slices.SortFunc(cs, func(a, b *collectionRec) int { return strings.Compare(a.id, b.id) })
}

func (st *store) userFolders(userID string) []*folderRec {
	var out []*folderRec
	for _, f := range st.folders {
		if f.userID == userID {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *folderRec) int { return strings.Compare(a.id, b.id) })
	return out
}

// deleteCipher removes a cipher for good.
func (st *store) deleteCipher(c *cipherRec, t time.Time) {
	delete(st.ciphers, c.id)
	st.touchCipher(c, t)
}
