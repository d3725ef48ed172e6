package bsafe

import (
	"cmp"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// redacted replaces a secret of the input wherever it shows in the output.
const redacted = "[redacted]"

// scrubber replaces the secrets of the agent input in strings bound for
// the output.
type scrubber struct {
	secrets []string // non-empty, distinct, longest first
	min     int      // the length of the shortest
}

// newScrubber returns a scrubber of secrets, whose array it reuses.
func newScrubber(secrets []string) scrubber {
	s := secrets[:0]
	for _, v := range secrets {
		if v != "" && !slices.Contains(s, v) {
			s = append(s, v)
		}
	}
	// Longest first, so that a secret holding another is replaced whole.
	slices.SortFunc(s, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	sc := scrubber{secrets: s}
	if len(s) > 0 {
		sc.min = len(s[len(s)-1])
	}
	return sc
}

// clean returns str with every occurrence of a secret replaced by
// "[redacted]". At each position the longest secret that starts there
// is replaced, and the replacement itself is never searched again.
func (sc scrubber) clean(str string) string {
	if len(sc.secrets) == 0 || len(str) < sc.min {
		return str
	}
	found := false
	for _, s := range sc.secrets {
		if strings.Contains(str, s) {
			found = true
			break
		}
	}
	if !found {
		return str
	}
	var b strings.Builder
	b.Grow(len(str))
	for i := 0; i < len(str); {
		matched := 0
		for _, s := range sc.secrets {
			if strings.HasPrefix(str[i:], s) {
				matched = len(s)
				break // the longest, as secrets are sorted so
			}
		}
		if matched > 0 {
			b.WriteString(redacted)
			i += matched
			continue
		}
		b.WriteByte(str[i])
		i++
	}
	return b.String()
}

// output writes the agent output (or a custom operation's file) through
// an Encoder, scrubbing every string that did not come from Dispatch
// itself. Its first write error is sticky: every later call returns it.
type output struct {
	enc   *kvgroup.Encoder
	sc    scrubber
	depth int // groups open
	err   error
}

func (o *output) begin(key, name string) error {
	if o.err == nil {
		o.err = o.enc.BeginGroup(key, o.sc.clean(name))
		o.depth++
	}
	return o.err
}

func (o *output) end() error {
	if o.err == nil {
		o.err = o.enc.EndGroup()
		o.depth--
	}
	return o.err
}

// closeTo closes open groups until depth are left.
func (o *output) closeTo(depth int) error {
	for o.err == nil && o.depth > depth {
		o.end()
	}
	return o.err
}

// pair writes key = value, value scrubbed.
func (o *output) pair(key, value string) error {
	if o.err == nil {
		o.err = o.enc.WritePair(key, o.sc.clean(value))
	}
	return o.err
}

// flag writes a "0"/"1" pair that Dispatch itself computed; it is not
// scrubbed, so that a password of "1" does not hide a result.
func (o *output) flag(key string, v bool) error {
	if o.err == nil {
		s := "0"
		if v {
			s = "1"
		}
		o.err = o.enc.WritePair(key, s)
	}
	return o.err
}

// emptyGroup writes key name = { }.
func (o *output) emptyGroup(key, name string) error {
	o.begin(key, name)
	return o.end()
}

// writeAttrs writes each attribute as "attr" "<name>" = { "value" = … }.
func (o *output) writeAttrs(v attrs.Values) error {
	for _, a := range v {
		o.begin("attr", a.Name)
		for _, val := range a.Values {
			o.pair("value", val)
		}
		o.end()
	}
	return o.err
}

// account writes "account" "<longid>" = { … }.
func (o *output) account(a *Account) error {
	o.begin("account", a.LongID)
	o.pair("stableid", cmp.Or(a.StableID, a.LongID))
	o.pair("shortid", a.ShortID)
	o.pair("fullname", a.FullName)
	o.writeAttrs(a.Attrs)
	for _, g := range a.Groups {
		o.emptyGroup("group", g)
	}
	return o.end()
}

// ids writes the top-level "stableid", "longid" and "shortid" of create,
// update and groupcreate.
func (o *output) ids(stable, long, short string) error {
	o.pair("stableid", cmp.Or(stable, long))
	o.pair("longid", long)
	return o.pair("shortid", short)
}

// beginGroup opens "group" "<longid>" = { … } and writes the group's
// own pairs and attributes; the caller writes the members and closes it.
func (o *output) beginGroup(g *Group) error {
	o.begin("group", g.LongID)
	o.pair("stableid", cmp.Or(g.StableID, g.LongID))
	o.pair("shortid", g.ShortID)
	o.pair("description", g.Description)
	o.pair("owner", g.Owner)
	o.flag("ownerisgroup", g.OwnerIsGroup)
	return o.writeAttrs(g.Attrs)
}

// member writes "member" "<longid>" = { "isgroup" … }.
func (o *output) member(m *Member) error {
	o.begin("member", m.LongID)
	o.flag("isgroup", m.IsGroup)
	o.writeAttrs(m.Attrs)
	return o.end()
}

// computer writes "computer" "<id>" = { … }.
func (o *output) computer(c *Computer) error {
	o.begin("computer", c.ID)
	o.pair("name", c.Name)
	o.pair("restype", string(c.ResourceType))
	o.flag("disabled", c.Disabled)
	o.writeAttrs(c.Attrs)
	return o.end()
}

// subscriber writes "subscriber" "<id>" = { … }.
func (o *output) subscriber(s *Subscriber) error {
	o.begin("subscriber", s.ID)
	o.pair("uri", s.URI)
	o.pair("restype", string(s.ResourceType))
	o.flag("disabled", s.Disabled)
	o.pair("acctid", s.AcctID)
	o.pair("longid", s.LongID)
	o.pair("shortid", s.ShortID)
	o.writeAttrs(s.Attrs)
	return o.end()
}

// custom writes "custom" "<id>" = { "attr" … }.
func (o *output) custom(r *CustomRow) error {
	o.begin("custom", r.ID)
	o.writeAttrs(r.Attrs)
	return o.end()
}
