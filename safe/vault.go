package safe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/jsonscan"
	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
	"github.com/bsafe-go/bsafe/internal/wire"
)

// vault is one decrypted snapshot of the account: what a sync returned,
// kept up to date by the client's own writes. It is replaced, never
// mutated, except for its items, which change under Client.mu: they are
// decrypted from ciphers by the first read that needs them
// (Client.decryptItems), and the client's own writes go into items, or
// into pending until they are decrypted.
type vault struct {
	synced   time.Time // when this snapshot was fetched (local clock)
	revision int64     // the account revision date (ms) it reflects
	checked  time.Time // when the revision was last compared with the server

	profile     Profile
	teams       []*Team
	teamKeys    map[string]*vaultcrypto.SymmetricKey
	teamKeyErrs map[string]error // lenient mode: teams whose key did not decrypt
	items       map[string]*Item
	order       []string // item IDs in server order, for stable listings
	itemsReady  bool     // items and order are decrypted from ciphers
	itemsErr    error    // why they did not decrypt (strict mode), kept
	ciphers     [][]byte // the sync answer's raw ciphers, until itemsReady
	pending     []ownWrite
	sess        *session      // whose keys decrypt ciphers
	decrypting  chan struct{} // capacity 1: held by the one decryptItems at work
	fromCache   bool          // taken from the sync cache, not from the server
	cipherIndex *cipherIndex  // ciphers by ID, built by the first Get (undecrypted)
	collections []*Collection
	folders     []*Folder

	// recovery is, per team ID, what account recovery needs to know of the
	// team beyond Team (recovery.go); policiesUnknown is set when the
	// sync's policies did not parse.
	recovery        map[string]teamRecovery
	policiesUnknown bool
}

// Profile is the logged-in user.
type Profile struct {
	ID, Name, Email    string
	Premium            bool
	ForcePasswordReset bool
}

// Team is an organization the user belongs to ("Team" in Bravura Safe).
type Team struct {
	ID                 string
	Name               string
	MembershipID       string // the organization-user ID of the logged-in user; empty on 2023.8 servers (Bravura Safe), which do not send it
	Role               Role
	Status             MemberStatus
	Enabled            bool
	UseResetPassword   bool
	ResetPasswordEnrol bool
	// DecryptErr is set, in lenient mode only (WithLenientDecrypt), when
	// the team key did not decrypt: the team's items and collections are
	// then kept with errors of their own, and writes to the team fail.
	DecryptErr error
}

// Role is a member's role in a team, numbered as on the wire.
type Role int

// Roles.
const (
	// RoleOwner is 0 on the wire, and so Role's zero value. Where a role
	// is asked for (Invitation, PublicMemberSpec), a zero role therefore
	// means RoleUser, and owners are made with an Owner field: a
	// forgotten role never grants the team.
	RoleOwner = Role(wire.RoleOwner)
	RoleAdmin = Role(wire.RoleAdmin)
	RoleUser  = Role(wire.RoleUser)
	// RoleManager is the Manager role of Bravura Safe's 2023.8 server: it
	// manages the collections assigned to it. Current Bitwarden servers
	// retired it in 2024 and refuse it in invites and updates.
	RoleManager = Role(wire.RoleManager)
	RoleCustom  = Role(wire.RoleCustom)
)

// MemberStatus is a membership's state, numbered as on the wire.
type MemberStatus int

// Membership states.
const (
	StatusRevoked   = MemberStatus(wire.StatusRevoked)
	StatusInvited   = MemberStatus(wire.StatusInvited)
	StatusAccepted  = MemberStatus(wire.StatusAccepted)
	StatusConfirmed = MemberStatus(wire.StatusConfirmed)
)

// Collection is a team collection, with the caller's access to it.
type Collection struct {
	ID            string
	TeamID        string
	Name          string
	ExternalID    string
	ReadOnly      bool
	HidePasswords bool
	Manage        bool
	// DecryptErr is set, in lenient mode only, when the name (or the
	// team's key) did not decrypt; Name is then empty.
	DecryptErr error
}

// Folder is a personal folder.
type Folder struct {
	ID           string
	Name         string
	RevisionDate time.Time
	// DecryptErr is set, in lenient mode only, when the name did not
	// decrypt; Name is then empty.
	DecryptErr error
}

// snapshot returns a vault that is fresh enough: synced once, and checked
// against the server's revision date at most every sync interval. All
// goroutines share one sync.
func (c *Client) snapshot(ctx context.Context) (*vault, error) {
	if _, err := c.current(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	v := c.vault
	fresh := v != nil && time.Since(v.checked) < c.cfg.syncInterval
	c.mu.Unlock()
	if fresh {
		return v, nil
	}
	if v != nil {
		rev, err := c.revisionDate(ctx)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		unchanged := rev <= v.revision
		if unchanged {
			v.checked = time.Now()
		}
		c.mu.Unlock()
		if unchanged {
			return v, nil
		}
		return c.sync(ctx, false)
	}
	return c.sync(ctx, true)
}

// Sync fetches the whole vault now, replacing the client's snapshot (and,
// with WithSyncCache, storing the response). It decrypts the profile, the
// team keys, the folders and the collections; the items are decrypted by
// the first read of items that follows, and an item that does not decrypt
// (without WithLenientDecrypt) fails that read, not Sync. Reads sync by
// themselves when needed, so calling Sync is only useful to pick up
// changes made elsewhere at once, or to refresh the sync cache. A Sync
// that starts while a first read is taking the vault from the sync cache
// waits for that read and returns its result: the server has just
// confirmed that nothing changed.
func (c *Client) Sync(ctx context.Context) error {
	_, err := c.sync(ctx, false)
	return err
}

// itemSnapshot is snapshot with its items decrypted. A snapshot from the
// sync cache whose items do not decrypt is replaced by a full sync, as one
// that does not decode is (loadCache); the error of the full sync's items,
// if any, is the one returned.
func (c *Client) itemSnapshot(ctx context.Context) (*vault, error) {
	v, err := c.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	err = c.decryptItems(ctx, v)
	if err != nil && v.fromCache && ctx.Err() == nil {
		c.cfg.logger.WarnContext(ctx, "safe: sync cache: items do not decrypt; ignored, syncing in full", "err", err)
		if v, err = c.sync(ctx, false); err == nil {
			err = c.decryptItems(ctx, v)
		}
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// sync replaces the snapshot: with useCache (the client has none yet),
// from the sync cache if it is current, else by a full sync.
func (c *Client) sync(ctx context.Context, useCache bool) (*vault, error) {
	v, err := c.shared(ctx, &c.syncs, "sync", func(ctx context.Context) (any, error) {
		s, err := c.current()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.syncing, c.writesDuringSync = true, nil
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.syncing, c.writesDuringSync = false, nil
			c.mu.Unlock()
		}()
		var cached <-chan *vault
		if useCache && c.cfg.syncCache != nil {
			lctx, stopLoad := context.WithCancel(ctx)
			defer stopLoad()
			cached = c.startLoadCache(lctx, s)
			// The cache is called from one goroutine at a time
			// (SyncCache): the load ends before this sync does, on
			// every path.
			defer func() {
				if cached != nil {
					stopLoad()
					<-cached
				}
			}()
		}
		// The revision is read first, so that a change made while the
		// sync runs shows up as newer next time.
		rev, err := c.revisionDate(ctx)
		if err != nil {
			return nil, err
		}
		var cv *vault
		if cached != nil {
			cv, cached = <-cached, nil
		}
		if c.cacheIsCurrent(ctx, cv, rev) {
			cv.synced, cv.checked = time.Now(), time.Now()
			return c.install(s, cv)
		}
		body, err := c.send(ctx, apiRequest{method: http.MethodGet, url: c.apiURL + "/sync?excludeDomains=true", path: "/api/sync", auth: true, maxBody: maxSyncBody})
		if err != nil {
			return nil, err
		}
		v, err := c.decodeSync(body, s)
		if err != nil {
			return nil, err
		}
		v.revision, v.synced, v.checked = rev, time.Now(), time.Now()
		// Stored only once it decoded (the items are decrypted later): a
		// response this client cannot read must not be served to the next
		// one, and one whose items do not decrypt is dropped by the next
		// client for a full sync (itemSnapshot). The pair is consistent, as
		// the body was read after rev: it holds at least what rev counts,
		// so a later change (the client's own writes included) always
		// moves the server's revision past it.
		c.toCache(ctx, body, rev)
		return c.install(s, v)
	})
	if err != nil {
		return nil, err
	}
	return v.(*vault), nil
}

// install makes v the snapshot, with the client's own writes made while it
// was read (from the server or the sync cache) applied.
func (c *Client) install(s *session, v *vault) (*vault, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != s {
		return nil, ErrNotLoggedIn // logged out (or in again) meanwhile
	}
	v.replay(c.writesDuringSync)
	c.vault = v
	return v, nil
}

// revisionDate is the account's revision date in ms since the epoch.
func (c *Client) revisionDate(ctx context.Context) (int64, error) {
	body, err := c.send(ctx, apiRequest{method: http.MethodGet, url: c.apiURL + "/accounts/revision-date", path: "/api/accounts/revision-date", auth: true, maxBody: maxSmallBody})
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("safe: revision date is not a number")
	}
	return n, nil
}

// noteWrite records the client's own write (or a fresh read of one item)
// in the snapshot. The snapshot's account revision is left alone: the
// write moved the server's revision to the item's date, but other clients
// may have changed other items between the last sync and this write, and
// taking the item's date as the vault's would hide those changes for good.
// So the next freshness check (at most every sync interval) sees a newer
// revision and syncs. This costs no request on the write itself; the
// price is one full sync per sync interval in which the client wrote.
func (c *Client) noteWrite(it *Item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logWrite(ownWrite{id: it.ID, item: it})
	if v := c.vault; v != nil {
		v.apply(ownWrite{id: it.ID, item: it})
	}
}

// noteRemoval drops an item from the snapshot after a permanent delete.
func (c *Client) noteRemoval(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logWrite(ownWrite{id: id})
	if v := c.vault; v != nil {
		v.apply(ownWrite{id: id})
	}
}

// ownWrite is an item the client wrote (or read back), or, with item nil,
// one it removed for good; or, with stale set, a write whose result the
// client could not take in (see invalidate).
type ownWrite struct {
	id    string
	item  *Item
	stale bool
}

// logWrite keeps w for the sync that is running, if any (c.mu held): its
// snapshot was read from the server before w, or while w was on its way.
func (c *Client) logWrite(w ownWrite) {
	if c.syncing {
		c.writesDuringSync = append(c.writesDuringSync, w)
	}
}

// replay applies to a new snapshot the client's own writes made while it
// was fetched, so that a sync never hides the client's own write from
// itself (and a next write of that item never fails as out of date for
// want of its new revision date).
func (v *vault) replay(ws []ownWrite) {
	for _, w := range ws {
		v.apply(w)
	}
}

// apply puts one own write into the snapshot. An item is replaced only by
// a version at least as new: a sync whose answer already holds a later
// version (another client's, written after ours) keeps it.
func (v *vault) apply(w ownWrite) {
	if w.stale {
		v.checked, v.revision = time.Time{}, 0
		return
	}
	if !v.itemsReady {
		v.pending = append(v.pending, w) // decryptItems replays it; Get checks it
		return
	}
	if w.item == nil {
		delete(v.items, w.id)
		return
	}
	cur, ok := v.items[w.id]
	if !ok {
		v.order = append(v.order, w.id)
	} else if cur != nil && cur.RevisionDate.After(w.item.RevisionDate) {
		return
	}
	v.items[w.id] = w.item
}

// invalidate marks the snapshot stale: the next read syncs. It follows
// writes whose result the client cannot reconstruct (collections,
// folders), and writes that succeeded (or may have) when reading their
// result back failed.
func (c *Client) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logWrite(ownWrite{stale: true}) // a running sync's answer may predate the write
	if c.vault != nil {
		c.vault.apply(ownWrite{stale: true})
	}
}

// Profile returns the logged-in user's profile.
func (c *Client) Profile(ctx context.Context) (Profile, error) {
	v, err := c.snapshot(ctx)
	if err != nil {
		return Profile{}, err
	}
	return v.profile, nil
}

// Teams returns the teams (organizations) the user belongs to.
func (c *Client) Teams(ctx context.Context) ([]*Team, error) {
	v, err := c.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Team, len(v.teams))
	for i, t := range v.teams {
		cp := *t
		out[i] = &cp
	}
	return out, nil
}

// Team returns the team with the given ID (in any case, as GUIDs are) or,
// failing that, name. A name that equals one team's name exactly picks
// it; otherwise names are compared ignoring case. It returns an error matching ErrNotFound if no
// team has the ID or name, and an *AmbiguousError (ErrAmbiguous), listing
// the IDs, if several teams have the name: it never guesses.
func (c *Client) Team(ctx context.Context, nameOrID string) (*Team, error) {
	teams, err := c.Teams(ctx)
	if err != nil {
		return nil, err
	}
	return lookupTeam(teams, nameOrID)
}

// keyFor returns the key that protects objects of a team, or the user key
// for personal ones.
func (v *vault) keyFor(s *session, teamID string) (*vaultcrypto.SymmetricKey, error) {
	if teamID == "" {
		return s.userKey, nil
	}
	k := v.teamKeys[teamID]
	if k == nil {
		if err := v.teamKeyErrs[teamID]; err != nil {
			return nil, fmt.Errorf("%w %s: %w", ErrNoTeamKey, teamID, err)
		}
		return nil, fmt.Errorf("%w %s", ErrNoTeamKey, teamID)
	}
	return k, nil
}

// unmarshalJSON decodes small, non-hot responses with encoding/json,
// keeping secrets out of errors. encoding/json matches member names with
// Unicode case folding, under which the Kelvin sign is "k" and the long s
// is "s"; bsafe reads cipher JSON by ASCII case folding only
// (jsonscan.EqualFoldASCII). So that every answer is read by that one
// rule, an answer with a member name holding either character, which no
// server sends, is refused.
func unmarshalJSON(what string, data []byte, v any) error {
	if lookalikeMemberName(data) {
		return fmt.Errorf("safe: %s: %w", what, errLookalikeMember)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("safe: %s: %w", what, jsonError(err))
	}
	return nil
}

// The two characters that Unicode case folding maps onto ASCII letters.
var (
	kelvinSign = []byte("\u212A")
	longS      = []byte("\u017F")
)

var errLookalikeMember = errors.New("a JSON member name has a character that folds onto an ASCII letter (U+212A or U+017F)")

// lookalikeMemberName reports whether any object member name in data
// holds the Kelvin sign or the long s. Answers without an escape or
// either character, almost all of them, are not walked.
func lookalikeMemberName(data []byte) bool {
	if !bytes.Contains(data, []byte(`\u`)) && !bytes.Contains(data, kelvinSign) && !bytes.Contains(data, longS) {
		return false
	}
	d := jsonscan.NewDecoder(data)
	found := false
	var walk func() error
	walk = func() error {
		switch d.Peek() {
		case jsonscan.Object:
			return d.Object(func(key []byte) error {
				if bytes.Contains(key, kelvinSign) || bytes.Contains(key, longS) {
					found = true
					return errLookalikeMember
				}
				return walk()
			})
		case jsonscan.Array:
			return d.Array(func(int) error { return walk() })
		}
		return d.Skip()
	}
	_ = walk() // a syntax error is encoding/json's to report
	return found
}
