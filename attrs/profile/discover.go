package profile

import (
	"cmp"
	"slices"
)

// Discover runs one discovery over accounts, the complete current listing
// of every target of the engine, and returns what it changed. An account
// the previous listing had and this one lacks is gone: it leaves its
// profile. A target with no accounts in the listing has none.
//
// In order, a discovery
//
//  1. drops the accounts that are gone;
//  2. renames each profile whose source accounts were all renamed to
//     one new ID (see the package documentation);
//  3. detaches the auto-attached accounts none of whose attach values
//     matches their profile's ID any more;
//  4. makes profiles from the sources of profiles, in alphabetical order
//     (ignoring case, then by bytes), attaching their accounts as Source;
//  5. attaches the remaining accounts of targets with AutoAttach.
//
// Steps 4 and 5 leave alone the accounts detached by hand (Detach).
// Accounts of unknown targets, without a stable ID, or listed twice are
// reported as notices and ignored (the first of a repeated one is used).
func (e *Engine) Discover(accounts []Account) *Report {
	e.mu.Lock()
	defer e.mu.Unlock()
	rep := &Report{}
	listed := e.intake(accounts, rep)
	e.dropGone(listed, rep)
	records := e.refresh(accounts, listed)
	values := sourceValues(records)
	e.renames(values, rep)
	e.recheckAuto(records, rep)
	e.sources(records, values, rep)
	e.autoAttach(records, rep)
	return rep
}

// intake checks the listing: the accounts to use, by key, at their first
// position in accounts.
func (e *Engine) intake(accounts []Account, rep *Report) map[acctKey]int {
	listed := make(map[acctKey]int, len(accounts))
	repeated := map[acctKey]bool{}
	unknown := map[string][]string{}
	var stableless []string
	for i, a := range accounts {
		k := acctKey{a.Target, a.StableID}
		switch {
		case e.targets[a.Target] == nil:
			unknown[a.Target] = append(unknown[a.Target], a.StableID)
		case a.StableID == "":
			stableless = append(stableless, a.Target)
		default:
			if _, dup := listed[k]; dup {
				repeated[k] = true
				continue
			}
			listed[k] = i
		}
	}
	for _, t := range sortedKeys(unknown) {
		rep.Notices = append(rep.Notices, Notice{Kind: UnknownTarget, Target: t, StableIDs: sorted(unknown[t])})
	}
	slices.Sort(stableless)
	for _, t := range slices.Compact(stableless) {
		rep.Notices = append(rep.Notices, Notice{Kind: NoStableID, Target: t})
	}
	keys := make([]acctKey, 0, len(repeated))
	for k := range repeated {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		rep.Notices = append(rep.Notices, Notice{Kind: RepeatedAccount, Target: k.target, StableIDs: []string{k.stable}})
	}
	return listed
}

// dropGone forgets the accounts that are not listed.
func (e *Engine) dropGone(listed map[acctKey]int, rep *Report) {
	var gone []acctKey
	for k := range e.accounts {
		if _, ok := listed[k]; !ok {
			gone = append(gone, k)
		}
	}
	slices.SortFunc(gone, compareKeys)
	for _, k := range gone {
		r := e.accounts[k]
		if r.prof != nil {
			rep.Detached = append(rep.Detached, r.attachment())
			r.detach()
		}
		delete(e.accounts, k)
	}
}

// refresh records the listed accounts as listed now and returns their
// records in listing order.
func (e *Engine) refresh(accounts []Account, listed map[acctKey]int) []*record {
	records := make([]*record, 0, len(listed))
	for i, a := range accounts {
		k := acctKey{a.Target, a.StableID}
		if j, ok := listed[k]; !ok || j != i {
			continue
		}
		a.Attrs = a.Attrs.Clone()
		r := e.accounts[k]
		if r == nil {
			r = &record{target: e.targets[a.Target]}
			e.accounts[k] = r
		}
		r.acct = a
		records = append(records, r)
	}
	return records
}

// holders are the accounts of each source of profiles by profile ID
// value: target ID → value → accounts.
type holders map[string]map[string][]*record

func sourceValues(records []*record) holders {
	h := holders{}
	for _, r := range records {
		if !r.target.SourceOfProfiles {
			continue
		}
		v := r.target.sourceValue(&r.acct)
		if blank(v) {
			continue
		}
		if h[r.target.ID] == nil {
			h[r.target.ID] = map[string][]*record{}
		}
		h[r.target.ID][v] = append(h[r.target.ID][v], r)
	}
	return h
}

// renames renames each profile all of whose accounts on sources of
// profiles have one same new profile ID value, unless that ID is taken.
func (e *Engine) renames(values holders, rep *Report) {
	for _, p := range e.profiles {
		to, targets, ok := p.renamedTo()
		if !ok {
			continue
		}
		if q := e.exact[to]; q != nil {
			rep.Notices = append(rep.Notices, Notice{Kind: RenameConflict, Value: to, Profile: p.id})
			continue
		}
		if t, others := takenOn(values, targets, to, p); len(others) > 0 {
			rep.Notices = append(rep.Notices, Notice{Kind: RenameConflict, Target: t, Value: to, Profile: p.id, StableIDs: others})
			continue
		}
		e.unindex(p)
		rep.Renamed = append(rep.Renamed, Rename{From: p.id, To: to})
		p.id = to
		e.index(p)
	}
}

// renamedTo returns the one profile ID value that all of p's accounts on
// sources of profiles have, and their targets, when it is a new ID. At
// least one of them must be a Source: an account attached by hand or
// automatically never renames a profile by itself.
func (p *prof) renamedTo() (to string, targets []string, ok bool) {
	first, source := true, false
	for _, r := range p.accounts {
		if !r.target.SourceOfProfiles {
			continue
		}
		v := r.target.sourceValue(&r.acct)
		if first {
			to, first = v, false
		} else if v != to {
			return "", nil, false
		}
		source = source || r.how == Source
		targets = append(targets, r.target.ID)
	}
	if !source || blank(to) || to == p.id {
		return "", nil, false
	}
	slices.Sort(targets)
	return to, slices.Compact(targets), true
}

// takenOn returns the first of targets on which an account not attached
// to p has the profile ID value to, and those accounts' stable IDs.
func takenOn(values holders, targets []string, to string, p *prof) (string, []string) {
	for _, t := range targets {
		var others []string
		for _, r := range values[t][to] {
			if r.prof != p {
				others = append(others, r.acct.StableID)
			}
		}
		if len(others) > 0 {
			return t, sorted(others)
		}
	}
	return "", nil
}

// recheckAuto detaches the auto-attached accounts that no longer match
// their profile's ID.
func (e *Engine) recheckAuto(records []*record, rep *Report) {
	for _, r := range records {
		if r.prof == nil || r.how != Auto {
			continue
		}
		id := foldKey(r.prof.id)
		if slices.ContainsFunc(r.target.attachValues(&r.acct), func(v string) bool { return foldKey(v) == id }) {
			continue
		}
		rep.Detached = append(rep.Detached, r.attachment())
		r.detach()
	}
}

// sources makes and joins profiles from the free accounts of the sources
// of profiles whose profile ID values are neither blank nor duplicated.
func (e *Engine) sources(records []*record, values holders, rep *Report) {
	byValue := map[string][]*record{}
	type dupKey struct{ target, value string }
	var dups []dupKey
	seen := map[dupKey]bool{}
	for _, r := range records {
		if r.prof != nil || r.held || !r.target.SourceOfProfiles {
			continue
		}
		v := r.target.sourceValue(&r.acct)
		if blank(v) {
			continue
		}
		if len(values[r.target.ID][v]) > 1 {
			if k := (dupKey{r.target.ID, v}); !seen[k] {
				seen[k] = true
				dups = append(dups, k)
			}
			continue
		}
		byValue[v] = append(byValue[v], r)
	}
	slices.SortFunc(dups, func(a, b dupKey) int { return cmp.Or(cmp.Compare(a.target, b.target), cmp.Compare(a.value, b.value)) })
	for _, d := range dups {
		var ids []string
		for _, r := range values[d.target][d.value] {
			ids = append(ids, r.acct.StableID)
		}
		rep.Notices = append(rep.Notices, Notice{Kind: DuplicateAccounts, Target: d.target, Value: d.value, StableIDs: sorted(ids)})
	}
	ids := sortedKeys(byValue)
	slices.SortFunc(ids, alphabetical)
	for _, id := range ids {
		p := e.exact[id]
		if p == nil {
			p = e.create(id)
			rep.Created = append(rep.Created, id)
		}
		for _, r := range byValue[id] {
			r.attach(p, Source)
			rep.Attached = append(rep.Attached, r.attachment())
		}
	}
}

// autoAttach attaches the free accounts of targets with AutoAttach to the
// profile their attach values match.
func (e *Engine) autoAttach(records []*record, rep *Report) {
	for _, r := range records {
		if r.prof != nil || r.held || !r.target.AutoAttach {
			continue
		}
		if p := e.match(r.target.attachValues(&r.acct)); p != nil {
			r.attach(p, Auto)
			rep.Attached = append(rep.Attached, r.attachment())
		}
	}
}

// match returns the profile that one of values names, ignoring case: one
// named exactly is preferred, then the first created.
func (e *Engine) match(values []string) *prof {
	var best *prof
	bestExact := false
	for _, v := range values {
		p, exact := e.exact[v], true
		if p == nil {
			exact = false
			if ps := e.folded[foldKey(v)]; len(ps) > 0 {
				p = ps[0]
			}
		}
		switch {
		case p == nil:
		case best == nil, exact && !bestExact, exact == bestExact && p.seq < best.seq:
			best, bestExact = p, exact
		}
	}
	return best
}

func compareKeys(a, b acctKey) int {
	return cmp.Or(cmp.Compare(a.target, b.target), cmp.Compare(a.stable, b.stable))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
