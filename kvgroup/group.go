package kvgroup

// Group is a KVGroup: a key, a name and an ordered list of items.
//
// Items keeps the document order, and duplicates are kept: a key that
// appears several times is a multi-valued key, and several inner groups may
// share a key (and even a key and a name).
//
// The zero Group is the anonymous empty group "" "" = { }, which is also the
// empty document used as a protocol signal (see [Group.IsEmpty]).
//
// Groups returned by the parser share backing arrays with other groups of
// the same document; every Items slice is capped to its own length, so
// appending to one group never changes another.
type Group struct {
	Key   string
	Name  string
	Items []Item
}

// Item is one entry of a [Group]. It is one of three kinds:
//
//   - an inner group, if Group is non-nil (Key, Value and ValueOnly are then
//     ignored; the inner group's key and name are Group.Key and Group.Name);
//   - a value-only list entry, if ValueOnly is set: only Value is used. These
//     come from V2 lists such as objects = {ACCT;GRP;} and from bare strings
//     inside a V1 group;
//   - otherwise a pair Key = Value.
//
// The zero Item is the pair "" = "", which is legal.
type Item struct {
	Key       string
	Value     string
	Group     *Group
	ValueOnly bool
}

// New returns an empty group with the given key and name.
// New("", "") is the usual anonymous document root.
func New(key, name string) *Group {
	return &Group{Key: key, Name: name}
}

// Add appends the pair key = value and returns g, so calls can be chained.
// Existing pairs with the same key are kept (the key becomes multi-valued).
func (g *Group) Add(key, value string) *Group {
	g.Items = append(g.Items, Item{Key: key, Value: value})
	return g
}

// AddValue appends a value-only (list) item and returns g.
func (g *Group) AddValue(value string) *Group {
	g.Items = append(g.Items, Item{Value: value, ValueOnly: true})
	return g
}

// AddGroup appends a new empty inner group with the given key and name and
// returns the new group (not g), so that it can be filled.
func (g *Group) AddGroup(key, name string) *Group {
	c := &Group{Key: key, Name: name}
	g.Items = append(g.Items, Item{Group: c})
	return c
}

// Append appends child as an inner group and returns g.
func (g *Group) Append(child *Group) *Group {
	g.Items = append(g.Items, Item{Group: child})
	return g
}

// Set makes value the only value of key: the first pair with that key gets
// the new value and later pairs with that key are removed. If there is no
// such pair, Set appends one. It returns g.
func (g *Group) Set(key, value string) *Group {
	found := false
	out := g.Items[:0]
	for _, it := range g.Items {
		if isPair(it) && it.Key == key {
			if found {
				continue
			}
			found = true
			it.Value = value
		}
		out = append(out, it)
	}
	clear(g.Items[len(out):])
	g.Items = out
	if !found {
		g.Add(key, value)
	}
	return g
}

func isPair(it Item) bool { return it.Group == nil && !it.ValueOnly }

// IsEmpty reports whether g has no items. A nil group is empty.
//
// The empty document "" "" = { } is the streaming-plugin signal for "next"
// or "end of list"; IsEmpty is the test for it. The group's key and name are
// not considered; check them too if the distinction matters.
func (g *Group) IsEmpty() bool { return g == nil || len(g.Items) == 0 }

// Get returns the first value of the pair with the given key, or "" if there
// is none. Keys are case-sensitive. Use [Group.Lookup] to tell a missing key
// from an empty value.
func (g *Group) Get(key string) string {
	v, _ := g.Lookup(key)
	return v
}

// Lookup returns the first value of the pair with the given key and whether
// such a pair exists.
func (g *Group) Lookup(key string) (string, bool) {
	if g == nil {
		return "", false
	}
	for i := range g.Items {
		it := &g.Items[i]
		if it.Key == key && isPair(*it) {
			return it.Value, true
		}
	}
	return "", false
}

// Values returns the values of all pairs with the given key, in order, or
// nil if there are none.
func (g *Group) Values(key string) []string {
	if g == nil {
		return nil
	}
	var out []string
	for i := range g.Items {
		it := &g.Items[i]
		if it.Key == key && isPair(*it) {
			out = append(out, it.Value)
		}
	}
	return out
}

// List returns the values of the value-only items of g, in order, or nil if
// there are none.
func (g *Group) List() []string {
	if g == nil {
		return nil
	}
	var out []string
	for i := range g.Items {
		if it := &g.Items[i]; it.ValueOnly && it.Group == nil {
			out = append(out, it.Value)
		}
	}
	return out
}

// Group returns the first inner group with the given key and name, or nil.
func (g *Group) Group(key, name string) *Group {
	if g == nil {
		return nil
	}
	for _, it := range g.Items {
		if c := it.Group; c != nil && c.Key == key && c.Name == name {
			return c
		}
	}
	return nil
}

// FirstGroup returns the first inner group with the given key, whatever its
// name, or nil.
func (g *Group) FirstGroup(key string) *Group {
	if g == nil {
		return nil
	}
	for _, it := range g.Items {
		if c := it.Group; c != nil && c.Key == key {
			return c
		}
	}
	return nil
}

// Groups returns all inner groups with the given key, in order, or nil.
func (g *Group) Groups(key string) []*Group {
	if g == nil {
		return nil
	}
	var out []*Group
	for _, it := range g.Items {
		if c := it.Group; c != nil && c.Key == key {
			out = append(out, c)
		}
	}
	return out
}

// Keys returns the distinct keys of the pairs of g, in order of first
// appearance. Inner groups and value-only items are not included.
func (g *Group) Keys() []string {
	if g == nil {
		return nil
	}
	var out []string
	seen := make(map[string]struct{})
	for i := range g.Items {
		it := &g.Items[i]
		if !isPair(*it) {
			continue
		}
		if _, ok := seen[it.Key]; !ok {
			seen[it.Key] = struct{}{}
			out = append(out, it.Key)
		}
	}
	return out
}

// Equal reports whether g and h are the same tree: same key, name and items
// in the same order, compared recursively. For value-only items only the
// value is compared; for inner groups only the inner group. An empty Items
// slice equals a nil one, and two nil groups are equal. The trees must not
// contain cycles.
func (g *Group) Equal(h *Group) bool {
	if g == nil || h == nil {
		return g == h
	}
	if g == h {
		return true
	}
	if g.Key != h.Key || g.Name != h.Name || len(g.Items) != len(h.Items) {
		return false
	}
	for i := range g.Items {
		a, b := &g.Items[i], &h.Items[i]
		switch {
		case a.Group != nil || b.Group != nil:
			if a.Group == nil || b.Group == nil || !a.Group.Equal(b.Group) {
				return false
			}
		case a.ValueOnly || b.ValueOnly:
			if a.ValueOnly != b.ValueOnly || a.Value != b.Value {
				return false
			}
		default:
			if a.Key != b.Key || a.Value != b.Value {
				return false
			}
		}
	}
	return true
}

// String returns g in V1 text form, as [Format] does.
func (g *Group) String() string {
	return string(Format(g))
}
