package profile_test

import (
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/attrs/profile"
	"github.com/google/go-cmp/cmp"
)

// fuzzTargets cover every kind of target: sources by short ID and by
// attribute (attaching its other accounts by owner), Active Directory,
// a multi-valued attach attribute, and attachment by hand only.
var fuzzTargets = []profile.Target{
	{ID: "HR", SourceOfProfiles: true},
	{ID: "UID", SourceOfProfiles: true, ProfileIDAttribute: "uid", AutoAttach: true, AttachAttribute: "owner"},
	{ID: "AD", AutoAttach: true, ActiveDirectory: true},
	{ID: "Vault", AutoAttach: true, AttachAttribute: "assocID"},
	{ID: "Tickets"},
}

// fuzzScript reads a script: lines of discoveries' accounts, separated by
// "--" lines, and "+profile|target|stable" (Attach), "-target|stable"
// (Detach) lines, which end the listing so far. An account line is
// "t|stable|short|uid|v1,v2|upn", where t's first byte picks a target
// (one more than there are names an unknown target).
type fuzzStep struct {
	listing []profile.Account
	attach  []string // profile, target, stable
	detach  []string // target, stable
}

func fuzzScript(data string) []fuzzStep {
	var steps []fuzzStep
	var cur []profile.Account
	flush := func() { steps = append(steps, fuzzStep{listing: cur}); cur = nil }
	for line := range strings.SplitSeq(data, "\n") {
		switch {
		case line == "--":
			flush()
		case strings.HasPrefix(line, "+"):
			flush()
			f := append(strings.Split(line[1:], "|"), "", "", "")
			steps = append(steps, fuzzStep{attach: f[:3]})
		case strings.HasPrefix(line, "-"):
			flush()
			f := append(strings.Split(line[1:], "|"), "", "")
			steps = append(steps, fuzzStep{detach: f[:2]})
		default:
			f := append(strings.Split(line, "|"), "", "", "", "", "", "")
			target := "Unknown"
			if f[0] != "" {
				if i := int(f[0][0]) % (len(fuzzTargets) + 1); i < len(fuzzTargets) {
					target = fuzzTargets[i].ID
				}
			}
			a := profile.Account{Target: target, StableID: f[1], ShortID: f[2]}
			if f[3] != "" {
				a.Attrs.Set("uid", f[3])
			}
			if f[4] != "" {
				vals := strings.Split(f[4], ",")
				a.Attrs.Set("owner", vals...)
				a.Attrs.Set("assocID", vals...)
			}
			if f[5] != "" {
				a.Attrs.Set("userPrincipalName", f[5])
			}
			cur = append(cur, a)
		}
	}
	flush()
	return steps
}

// FuzzDiscover runs random discoveries and manual steps: no panic, and
// after each step every account is attached at most once and only if
// listed, no profile has a blank ID or another's exact ID, sources are on
// sources of profiles, and every auto-attached account matches its
// profile (checked with strings.EqualFold, not the engine's folding).
func FuzzDiscover(f *testing.F) {
	for _, s := range []string{
		"\x00|h1|bob\n\x02|a1|bob|||bob@corp\n--\n\x00|h1|robert\n\x02|a1|bob|||bob@corp",
		"\x00|h1|User1\n\x00|h2|user1\n\x03|v1|x||USER1,Shared\n--\n\x00|h1|User1",
		"\x01|u1|bob|E1\n\x01|u2|bobby|E1\n\x01|u3|adm||E1\n--\n\x01|u1|bob|E2\n\x01|u2|bobby|E2",
		"\x00|h1|bob\n\x00|h2|bob-adm\n+bob|HR|h2\n\x00|h1|rob\n\x00|h2|rob\n-HR|h1\n--\n\x00|h1|bob",
		"\x00|h1|josé\n\x02|a1|JOSÉ\n\x05|x|bob\n\x00||nostable\n\x00|h1|again\n\x04|t1| \t",
		"\x00|h1|a\n\x00|h2|b\n--\n\x00|h1|b\n\x00|h2|a\n--\n\x00|h1|\xff\n\x00|h2|\xfe",
	} {
		f.Add(s)
	}
	isTarget := map[string]profile.Target{}
	for _, t := range fuzzTargets {
		isTarget[t.ID] = t
	}
	f.Fuzz(func(t *testing.T, data string) {
		e, err := profile.New(fuzzTargets...)
		if err != nil {
			t.Fatal(err)
		}
		listed := map[[2]string]profile.Account{}
		for _, step := range fuzzScript(data) {
			discovered := false
			switch {
			case step.attach != nil:
				_ = e.Attach(step.attach[0], step.attach[1], step.attach[2])
			case step.detach != nil:
				_ = e.Detach(step.detach[0], step.detach[1])
			default:
				rep := e.Discover(step.listing)
				discovered = true
				listed = map[[2]string]profile.Account{}
				for _, a := range step.listing {
					k := [2]string{a.Target, a.StableID}
					if _, known := isTarget[a.Target]; known && a.StableID != "" {
						if _, dup := listed[k]; !dup {
							listed[k] = a
						}
					}
				}
				for _, id := range rep.Created {
					if _, ok := e.Profile(id); !ok {
						t.Errorf("created profile %q is missing", id)
					}
				}
			}
			ids := map[string]bool{}
			attached := map[[2]string]string{}
			for p := range e.Profiles() {
				if strings.TrimSpace(p.ID) == "" {
					t.Fatalf("a profile has the blank ID %q", p.ID)
				}
				if ids[p.ID] {
					t.Fatalf("two profiles have the ID %q", p.ID)
				}
				ids[p.ID] = true
				if q, ok := e.Profile(p.ID); !ok || q.ID != p.ID {
					t.Fatalf("Profile(%q) = %v, %v", p.ID, q, ok)
				}
				for _, a := range p.Accounts {
					k := [2]string{a.Account.Target, a.Account.StableID}
					if other, dup := attached[k]; dup {
						t.Fatalf("account %v is attached to %q and %q", k, other, p.ID)
					}
					attached[k] = p.ID
					if _, ok := listed[k]; !ok {
						t.Fatalf("account %v is attached to %q but not listed", k, p.ID)
					}
					target := isTarget[a.Account.Target]
					switch a.How {
					case profile.Source:
						if !target.SourceOfProfiles {
							t.Fatalf("account %v is a source of %q on a target that is not", k, p.ID)
						}
					case profile.Auto:
						if !target.AutoAttach {
							t.Fatalf("account %v is auto-attached to %q on a target without AutoAttach", k, p.ID)
						}
						if discovered && !matches(target, a.Account, p.ID) {
							t.Fatalf("account %v is auto-attached to %q, which none of its values names", k, p.ID)
						}
					case profile.Manual:
					default:
						t.Fatalf("account %v attached %v", k, a.How)
					}
				}
				found := false
				for _, q := range e.Search(p.ID) {
					found = found || q.ID == p.ID
					if !strings.EqualFold(q.ID, p.ID) {
						t.Fatalf("Search(%q) lists %q", p.ID, q.ID)
					}
				}
				if !found {
					t.Fatalf("Search(%q) does not list it", p.ID)
				}
			}
			// Whatever the engine reached, its State restores.
			st := e.State()
			r, err := profile.Restore(fuzzTargets, st)
			if err != nil {
				t.Fatalf("Restore(State()) = %v", err)
			}
			if diff := cmp.Diff(st, r.State()); diff != "" {
				t.Fatalf("Restore(State()).State() (-want +got):\n%s", diff)
			}
		}
	})
}

// matches is the test's own statement of the attach rule.
func matches(t profile.Target, a profile.Account, id string) bool {
	var vals []string
	switch t.AttachAttribute {
	case "":
		vals = append(vals, a.ShortID)
		if t.ActiveDirectory {
			for _, upn := range lookup(a.Attrs, "userPrincipalName") {
				if at := strings.LastIndex(upn, "@"); at >= 0 {
					upn = upn[:at]
				}
				vals = append(vals, upn)
			}
		}
	default:
		vals = lookup(a.Attrs, t.AttachAttribute)
	}
	for _, v := range vals {
		if strings.TrimSpace(v) != "" && strings.EqualFold(v, id) {
			return true
		}
	}
	return false
}

func lookup(v attrs.Values, name string) []string {
	vals, _ := v.Lookup(name)
	return vals
}
