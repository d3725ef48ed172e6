package profile

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
)

// Errors of the engine's lookups and manual associations, for errors.Is.
var (
	ErrNoProfile     = errors.New("profile: no such profile")
	ErrNoAccount     = errors.New("profile: no such account")
	ErrProfileExists = errors.New("profile: profile exists")
	ErrBlankID       = errors.New("profile: a profile ID cannot be blank")
)

// Engine holds the profiles and which account is attached to which, and
// updates them one discovery at a time. It is safe for concurrent use:
// its methods take turns.
//
// The engine keeps everything in memory and never deletes a profile
// (deleting users is outside it); a profile whose accounts are gone stays,
// and a source account with its ID joins it again. [Engine.State] and
// [Restore] carry what it knows across a restart.
type Engine struct {
	mu       sync.Mutex
	targets  map[string]*Target
	profiles []*prof          // in creation order
	exact    map[string]*prof // by ID
	folded   map[string][]*prof
	accounts map[acctKey]*record
	created  int // profiles ever created, for their order
}

// prof is a profile. seq orders profiles by creation.
type prof struct {
	id       string
	seq      int
	accounts map[acctKey]*record
}

type acctKey struct{ target, stable string }

// record is an account the last discovery listed.
type record struct {
	acct   Account
	target *Target
	prof   *prof // nil: not attached
	how    How
	// held: detached by hand, so discoveries leave it alone until Attach.
	held bool
}

// New returns an engine for targets, with no profiles. It fails with
// ErrTarget for a target without an ID, two targets with one ID, a
// ProfileIDAttribute on a target that is not a source of profiles, and an
// AttachAttribute on one without AutoAttach.
func New(targets ...Target) (*Engine, error) {
	e := &Engine{
		targets:  make(map[string]*Target, len(targets)),
		exact:    map[string]*prof{},
		folded:   map[string][]*prof{},
		accounts: map[acctKey]*record{},
	}
	for _, t := range targets {
		if err := t.check(); err != nil {
			return nil, err
		}
		if _, dup := e.targets[t.ID]; dup {
			return nil, fmt.Errorf("%w: two targets are called %q", ErrTarget, t.ID)
		}
		e.targets[t.ID] = &t
	}
	return e, nil
}

// AddProfile creates a profile with no accounts, as importing users or
// creating one in the web interface does. It fails with ErrProfileExists
// when a profile has exactly this ID (one differing only in case may
// exist), and with ErrBlankID for an ID that is empty or only white
// space.
func (e *Engine) AddProfile(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if blank(id) {
		return ErrBlankID
	}
	if e.exact[id] != nil {
		return fmt.Errorf("%w: %q", ErrProfileExists, id)
	}
	e.create(id)
	return nil
}

// create adds a new profile id; the caller has checked that none has it.
func (e *Engine) create(id string) *prof {
	e.created++
	p := &prof{id: id, seq: e.created, accounts: map[acctKey]*record{}}
	e.profiles = append(e.profiles, p)
	e.index(p)
	return p
}

// index files p under its ID.
func (e *Engine) index(p *prof) {
	e.exact[p.id] = p
	k := foldKey(p.id)
	ps := e.folded[k]
	i, _ := slices.BinarySearchFunc(ps, p, func(a, b *prof) int { return cmp.Compare(a.seq, b.seq) })
	e.folded[k] = slices.Insert(ps, i, p)
}

// unindex removes p from under its ID.
func (e *Engine) unindex(p *prof) {
	delete(e.exact, p.id)
	k := foldKey(p.id)
	e.folded[k] = slices.DeleteFunc(e.folded[k], func(q *prof) bool { return q == p })
	if len(e.folded[k]) == 0 {
		delete(e.folded, k)
	}
}

// lookup finds a profile as the web interface does, ignoring case: the
// profile with exactly this ID, else the first created of those whose ID
// differs only in case.
func (e *Engine) lookup(id string) *prof {
	if p := e.exact[id]; p != nil {
		return p
	}
	if ps := e.folded[foldKey(id)]; len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// Profile returns a snapshot of the profile id, looked up ignoring case:
// the profile with exactly this ID if there is one, else the first
// created of those whose IDs differ from id only in case.
func (e *Engine) Profile(id string) (*Profile, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.lookup(id)
	if p == nil {
		return nil, false
	}
	return p.snapshot(), true
}

// Search returns a snapshot of every profile whose ID is id ignoring
// case, in creation order: seed 004's "a search for user1 will also
// list User1". Profile picks one of them; Search lists them all.
func (e *Engine) Search(id string) []*Profile {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := e.folded[foldKey(id)]
	out := make([]*Profile, len(ps))
	for i, p := range ps {
		out[i] = p.snapshot()
	}
	return out
}

// ProfileOf returns a snapshot of the profile that the account stableID
// of target is attached to; false when the account is not attached or
// not in the last discovery's listing.
func (e *Engine) ProfileOf(target, stableID string) (*Profile, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.accounts[acctKey{target, stableID}]
	if r == nil || r.prof == nil {
		return nil, false
	}
	return r.prof.snapshot(), true
}

// Profiles yields a snapshot of every profile, in creation order. The
// snapshots are taken before the first is yielded.
func (e *Engine) Profiles() iter.Seq[*Profile] {
	e.mu.Lock()
	snaps := make([]*Profile, len(e.profiles))
	for i, p := range e.profiles {
		snaps[i] = p.snapshot()
	}
	e.mu.Unlock()
	return slices.Values(snaps)
}

func (p *prof) snapshot() *Profile {
	s := &Profile{ID: p.id, Accounts: make([]Attachment, 0, len(p.accounts))}
	for _, r := range p.accounts {
		s.Accounts = append(s.Accounts, r.attachment())
	}
	slices.SortFunc(s.Accounts, func(a, b Attachment) int {
		return cmp.Or(cmp.Compare(a.Account.Target, b.Account.Target), cmp.Compare(a.Account.StableID, b.Account.StableID))
	})
	return s
}

func (r *record) attachment() Attachment {
	a := r.acct
	a.Attrs = a.Attrs.Clone()
	return Attachment{Profile: r.prof.id, Account: a, How: r.how}
}

// attach attaches r to p; r is not attached.
func (r *record) attach(p *prof, how How) {
	r.prof, r.how, r.held = p, how, false
	p.accounts[acctKey{r.acct.Target, r.acct.StableID}] = r
}

// detach detaches r, which is attached.
func (r *record) detach() {
	delete(r.prof.accounts, acctKey{r.acct.Target, r.acct.StableID})
	r.prof, r.how = nil, 0
}

// Attach attaches the account stableID of target to the profile
// profileID (looked up as Profile does) by hand, moving it from any
// profile it is attached to. A manually attached account stays attached
// through renames of the account and of the profile, for as long as
// discoveries list it. The account must be in the last discovery's
// listing: else the error is ErrNoAccount; an unknown profile is
// ErrNoProfile.
func (e *Engine) Attach(profileID, target, stableID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.lookup(profileID)
	if p == nil {
		return fmt.Errorf("%w: %q", ErrNoProfile, profileID)
	}
	r := e.accounts[acctKey{target, stableID}]
	if r == nil {
		return fmt.Errorf("%w: %q on target %q", ErrNoAccount, stableID, target)
	}
	if r.prof != nil {
		r.detach()
	}
	r.attach(p, Manual)
	return nil
}

// Detach detaches the account stableID of target from its profile by
// hand. Discoveries then leave it detached (they neither make a profile
// from it nor attach it) until Attach, or until a listing no longer has
// it. Detaching an account that is not attached only holds it so. An
// account that is not in the last discovery's listing is ErrNoAccount.
func (e *Engine) Detach(target, stableID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.accounts[acctKey{target, stableID}]
	if r == nil {
		return fmt.Errorf("%w: %q on target %q", ErrNoAccount, stableID, target)
	}
	if r.prof != nil {
		r.detach()
	}
	r.held = true
	return nil
}
