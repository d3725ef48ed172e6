package profile

import (
	"errors"
	"fmt"
	"slices"
)

// ErrState is the error of Restore for a State it cannot use; the error
// says what is wrong.
var ErrState = errors.New("profile: invalid state")

// State is everything an Engine has learnt, apart from its targets: the
// profiles, the accounts of the last discovery's listing, and which
// account is attached to which profile, how, and which were detached by
// hand. [Engine.State] takes it and [Restore] makes an engine from it, so
// that manual attachments, detachments and the stable IDs renames are
// told by survive a restart. It is plain data with JSON tags, for
// encoding/json.
//
// State holds the accounts' attributes as last listed: store it as
// carefully as the listing.
type State struct {
	// Profiles are the profile IDs, in creation order.
	Profiles []string `json:"profiles"`
	// Accounts are the accounts of the last listing, by target and
	// stable ID.
	Accounts []AccountState `json:"accounts"`
}

// AccountState is one account in a [State].
type AccountState struct {
	Account Account `json:"account"`
	// Profile is the ID of the profile the account is attached to, ""
	// for none.
	Profile string `json:"profile,omitempty"`
	// How is how it is attached (0 when it is not), as the values of the
	// How constants, which do not change.
	How How `json:"how,omitempty"`
	// Held marks an account detached by hand (see [Engine.Detach]).
	Held bool `json:"held,omitempty"`
}

// State returns a copy of what e knows (see [State]).
func (e *Engine) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := State{Profiles: make([]string, len(e.profiles)), Accounts: make([]AccountState, 0, len(e.accounts))}
	for i, p := range e.profiles {
		s.Profiles[i] = p.id
	}
	for _, r := range e.accounts {
		a := r.acct
		a.Attrs = a.Attrs.Clone()
		as := AccountState{Account: a, How: r.how, Held: r.held}
		if r.prof != nil {
			as.Profile = r.prof.id
		}
		s.Accounts = append(s.Accounts, as)
	}
	slices.SortFunc(s.Accounts, func(a, b AccountState) int {
		return compareKeys(acctKey{a.Account.Target, a.Account.StableID}, acctKey{b.Account.Target, b.Account.StableID})
	})
	return s
}

// Restore returns an engine for targets (as [New] checks them) that
// knows what s says, as if it had run the discoveries that led to s. It
// fails with ErrState, naming the fault, for a blank or repeated profile
// ID, an account of a target not among targets, without a stable ID or
// listed twice, one attached to a profile s does not have, or with a How
// that does not fit (none for an attached account, one for a free
// account, or an attached account marked Held). To drop a target, drop
// its accounts from s first.
func Restore(targets []Target, s State) (*Engine, error) {
	e, err := New(targets...)
	if err != nil {
		return nil, err
	}
	for _, id := range s.Profiles {
		if blank(id) {
			return nil, fmt.Errorf("%w: a blank profile ID", ErrState)
		}
		if e.exact[id] != nil {
			return nil, fmt.Errorf("%w: profile %q is listed twice", ErrState, id)
		}
		e.create(id)
	}
	for _, as := range s.Accounts {
		a := as.Account
		k := acctKey{a.Target, a.StableID}
		t := e.targets[a.Target]
		switch {
		case t == nil:
			return nil, fmt.Errorf("%w: an account of target %q, which the engine does not have", ErrState, a.Target)
		case a.StableID == "":
			return nil, fmt.Errorf("%w: an account of target %q without a stable ID", ErrState, a.Target)
		case e.accounts[k] != nil:
			return nil, fmt.Errorf("%w: account %q of target %q is listed twice", ErrState, a.StableID, a.Target)
		}
		a.Attrs = a.Attrs.Clone()
		r := &record{acct: a, target: t}
		e.accounts[k] = r
		if as.Profile == "" {
			if as.How != 0 {
				return nil, fmt.Errorf("%w: account %q of target %q is attached (%v) to no profile", ErrState, a.StableID, a.Target, as.How)
			}
			r.held = as.Held
			continue
		}
		p := e.exact[as.Profile]
		switch {
		case p == nil:
			return nil, fmt.Errorf("%w: account %q of target %q is attached to profile %q, which the state does not have", ErrState, a.StableID, a.Target, as.Profile)
		case as.How != Source && as.How != Auto && as.How != Manual:
			return nil, fmt.Errorf("%w: account %q of target %q is attached as %v", ErrState, a.StableID, a.Target, as.How)
		case as.Held:
			return nil, fmt.Errorf("%w: account %q of target %q is both attached and held detached", ErrState, a.StableID, a.Target)
		}
		r.attach(p, as.How)
	}
	return e, nil
}
