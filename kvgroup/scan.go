package kvgroup

import (
	"reflect"
	"strings"
)

// Byte classes of the lexer. A bare (unquoted, V2 only) token is a run of
// cOther bytes, so a bare token never contains white space, a quote, '#',
// '=', a brace, ';' or ','.
const (
	cOther uint8 = iota
	cSpace
	cQuote
	cHash
	cEq
	cLBrace
	cRBrace
	cSep
)

var class = func() (t [256]uint8) {
	for _, c := range []byte{' ', '\t', '\n', '\r', '\v', '\f'} {
		t[c] = cSpace
	}
	t['"'] = cQuote
	t['#'] = cHash
	t['='] = cEq
	t['{'] = cLBrace
	t['}'] = cRBrace
	t[';'] = cSep
	t[','] = cSep
	return t
}()

// limits is Limits with defaults applied; every field is positive.
type limits struct {
	maxDepth int
	maxBytes int64
	maxItems int
}

// frame is an open group during parsing. If direct, its items are
// items[start:] (the tail of the current arena chunk) and become the
// group's Items in place when it closes; otherwise they are pending[start:]
// and are copied into the arena when it closes. Only the innermost frame
// can be direct: opening an inner group moves the outer group's items so
// far to pending.
type frame struct {
	g      *Group
	start  int
	direct bool
}

// Arena chunk bounds (in elements).
const (
	minItemChunk  = 16
	maxItemChunk  = 1 << 16
	minGroupChunk = 4
	maxGroupChunk = 1 << 13
	minEscChunk   = 256 // bytes
	maxEscChunk   = 64 << 10
)

var (
	itemSize  = int(reflect.TypeFor[Item]().Size())
	groupSize = int(reflect.TypeFor[Group]().Size())
)

// parser parses one document held in s. It is a hand-written scanner with
// an explicit stack (no recursion), so deep nesting cannot overflow the
// goroutine stack.
//
// Allocation strategy: strings without escapes are substrings of s (which is
// one allocation per document) and strings with escapes are stored in a
// chunked string arena; items and groups are carved out of chunked arenas.
// The innermost open group writes its items straight into the item arena,
// so a group without inner groups (the common case: an account with its
// attributes) is never copied. Groups with inner groups collect their items
// on a shared pending stack and are copied into the arena when they close.
// A parser may be reused for several documents (the Decoder does); the
// arenas then carry over.
type parser struct {
	s   string
	pos int
	v2  bool
	lim limits

	// Position of s[0] in the whole input, for error reports.
	line0 int   // 1-based line of s[0]
	col0  int   // 1-based byte column of s[0]
	off0  int64 // byte offset of s[0]

	nitems  int
	stack   []frame
	pending []Item
	items   []Item
	groups  []Group
	iChunk  int
	gChunk  int
	scratch []byte

	// esc holds the decoded text of strings with escapes. strings.Builder
	// only ever appends, so substrings of esc.String() stay valid; when it
	// is full a new one is started instead of growing it, so nothing is
	// copied and there is one allocation per chunk, not per string.
	esc      strings.Builder
	escChunk int

	// genBytes counts the arena bytes allocated since the arenas were last
	// dropped. See reset.
	genBytes int
}

// genLimit bounds the arena memory that consecutive documents of a stream
// share. Documents that share an arena chunk keep each other alive, and
// chunks of different kinds rotate at different times, so sharing without
// a bound would chain every document of a stream to the next. Dropping all
// arenas together at a document boundary cuts the chain: a retained
// document keeps at most its own generation (about genLimit bytes plus the
// last chunks) alive.
const genLimit = 256 << 10

func (p *parser) reset(s string, v2 bool, lim limits, line0, col0 int, off0 int64) {
	p.s, p.pos, p.v2, p.lim = s, 0, v2, lim
	p.line0, p.col0, p.off0 = line0, col0, off0
	p.nitems = 0
	p.stack = p.stack[:0]
	p.pending = p.pending[:0]
	if p.iChunk == 0 || p.genBytes >= genLimit {
		p.items, p.groups, p.esc = nil, nil, strings.Builder{}
		p.genBytes = 0
		p.iChunk = min(max(len(s)/40, minItemChunk), maxItemChunk/8)
		p.gChunk = min(max(len(s)/400, minGroupChunk), maxGroupChunk/8)
		p.escChunk = min(max(len(s)/64, minEscChunk), maxEscChunk)
	}
	if p.pending == nil {
		p.pending = make([]Item, 0, min(max(len(s)/64, 16), 1024))
	}
}

// position converts an offset in s to a line and column.
func (p *parser) position(pos int) (line, col int) {
	pre := p.s[:pos]
	nl := strings.Count(pre, "\n")
	if nl == 0 {
		return p.line0, p.col0 + pos
	}
	return p.line0 + nl, pos - strings.LastIndexByte(pre, '\n')
}

func (p *parser) errAt(pos int, msg string) error {
	line, col := p.position(pos)
	return &SyntaxError{Line: line, Col: col, Offset: p.off0 + int64(pos), Msg: msg}
}

// describe names the token at pos without revealing its content.
func (p *parser) describe(pos int) string {
	if pos >= len(p.s) {
		return "end of input"
	}
	c := p.s[pos]
	switch c {
	case '"':
		return "string"
	case '{', '}', '=', ';', ',':
		return "'" + string(rune(c)) + "'"
	}
	if c < 0x20 || c == 0x7f {
		return "control character"
	}
	return "unquoted text"
}

func (p *parser) unexpected(pos int, want string) error {
	return p.errAt(pos, "unexpected "+p.describe(pos)+", expected "+want)
}

func (p *parser) limitErr(name string, max int64, pos int) error {
	return &LimitError{Limit: name, Max: max, Offset: p.off0 + int64(pos)}
}

// skipTrivia skips white space and comments.
func (p *parser) skipTrivia() {
	s, i := p.s, p.pos
	for i < len(s) {
		switch class[s[i]] {
		case cSpace:
			i++
		case cHash:
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
			} else {
				i += j + 1
			}
		default:
			p.pos = i
			return
		}
	}
	p.pos = i
}

// skipLeading skips white space and comments before a document and returns
// the last "KVGROUP-Vx.y" header comment found among them.
func (p *parser) skipLeading() (header string) {
	s, i := p.s, p.pos
	for i < len(s) {
		switch class[s[i]] {
		case cSpace:
			i++
		case cHash:
			j := strings.IndexByte(s[i:], '\n')
			end := len(s)
			if j >= 0 {
				end = i + j
			}
			if h, ok := parseHeader(s[i+1 : end]); ok {
				header = h
			}
			i = end
		default:
			p.pos = i
			return header
		}
	}
	p.pos = i
	return header
}

// parseHeader recognises the text of a header comment: optional blanks,
// "KVGROUP-V<digits>.<digits>", then the end or a blank (anything may
// follow, as in "# KVGROUP-V1.0   <- a note"). It returns the version
// token, such as "KVGROUP-V1.0". Comment lines longer than maxHeaderLine
// bytes are never headers (the Decoder does not buffer them).
func parseHeader(text string) (string, bool) {
	if len(text) > maxHeaderLine {
		return "", false
	}
	t := strings.TrimLeft(text, " \t\v\f")
	const prefix = "KVGROUP-V"
	if !strings.HasPrefix(t, prefix) {
		return "", false
	}
	if i := strings.IndexAny(t, " \t\r\v\f"); i >= 0 {
		t = t[:i]
	}
	v := t[len(prefix):]
	dot := strings.IndexByte(v, '.')
	if dot <= 0 || dot == len(v)-1 || !allDigits(v[:dot]) || !allDigits(v[dot+1:]) {
		return "", false
	}
	return t, true
}

const maxHeaderLine = 256

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// headerMajor returns the major version of a header such as "KVGROUP-V2.0",
// or 0 if h is empty.
func headerMajor(h string) int {
	const prefix = "KVGROUP-V"
	if len(h) <= len(prefix) {
		return 0
	}
	n := 0
	for _, c := range []byte(h[len(prefix):]) {
		if c < '0' || c > '9' || n > 1000 {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func (p *parser) isTokenStart(c byte) bool {
	return c == '"' || (p.v2 && class[c] == cOther)
}

// token reads a quoted string or (V2) a bare token at p.pos, which must be a
// token start.
func (p *parser) token() (string, error) {
	if p.s[p.pos] == '"' {
		return p.quoted()
	}
	s, i := p.s, p.pos
	for i < len(s) && class[s[i]] == cOther {
		i++
	}
	t := s[p.pos:i]
	p.pos = i
	return t, nil
}

// quoted reads the quoted string starting at p.pos. Without escapes the
// result is a substring of the document; with escapes it is decoded into
// the escape arena.
func (p *parser) quoted() (string, error) {
	s := p.s
	start := p.pos + 1
	q := strings.IndexByte(s[start:], '"')
	if q < 0 {
		if b := strings.IndexByte(s[start:], '\\'); b >= 0 {
			return p.quotedSlow(start, start+b)
		}
		return "", p.errAt(start-1, "unterminated string")
	}
	t := s[start : start+q]
	if b := strings.IndexByte(t, '\\'); b >= 0 {
		return p.quotedSlow(start, start+b)
	}
	p.pos = start + q + 1
	return t, nil
}

func (p *parser) quotedSlow(start, i int) (string, error) {
	s := p.s
	buf := append(p.scratch[:0], s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch c {
		case '"':
			p.pos = i + 1
			p.scratch = buf
			return p.intern(buf), nil
		case '\\':
			i++
			if i == len(s) {
				continue
			}
			c = s[i]
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			}
		}
		buf = append(buf, c)
		i++
	}
	p.scratch = buf
	return "", p.errAt(start-1, "unterminated string")
}

// intern returns b as a string stored in the escape arena.
func (p *parser) intern(b []byte) string {
	if p.esc.Cap()-p.esc.Len() < len(b) {
		p.esc = strings.Builder{}
		p.esc.Grow(max(p.escChunk, len(b)))
		p.genBytes += p.esc.Cap()
		p.escChunk = min(p.escChunk*2, maxEscChunk)
	}
	start := p.esc.Len()
	p.esc.Write(b)
	return p.esc.String()[start:]
}

func (p *parser) newGroup(key, name string) *Group {
	if len(p.groups) == cap(p.groups) {
		p.groups = make([]Group, 0, p.gChunk)
		p.genBytes += p.gChunk * groupSize
		p.gChunk = min(p.gChunk*2, maxGroupChunk)
	}
	p.groups = p.groups[:len(p.groups)+1]
	g := &p.groups[len(p.groups)-1]
	g.Key, g.Name = key, name
	return g
}

func (p *parser) allocItems(n int) []Item {
	if n > p.iChunk {
		p.genBytes += n * itemSize
		return make([]Item, n)
	}
	if cap(p.items)-len(p.items) < n {
		p.items = make([]Item, 0, p.iChunk)
		p.genBytes += p.iChunk * itemSize
		p.iChunk = min(p.iChunk*2, maxItemChunk)
	}
	l := len(p.items)
	p.items = p.items[:l+n]
	return p.items[l : l+n : l+n]
}

// countItem counts an item starting at pos against MaxItems.
func (p *parser) countItem(pos int) error {
	p.nitems++
	if p.nitems > p.lim.maxItems {
		return p.limitErr("MaxItems", int64(p.lim.maxItems), pos)
	}
	return nil
}

// open opens an inner group whose text starts at pos.
func (p *parser) open(key, name string, pos int) error {
	if len(p.stack) >= p.lim.maxDepth {
		return p.limitErr("MaxDepth", int64(p.lim.maxDepth), pos)
	}
	if err := p.countItem(pos); err != nil {
		return err
	}
	g := p.newGroup(key, name)
	top := &p.stack[len(p.stack)-1]
	if top.direct {
		// The outer group stops being innermost: move its items to
		// pending and give the arena space back to the inner group.
		start := len(p.pending)
		p.pending = append(p.pending, p.items[top.start:]...)
		clear(p.items[top.start:])
		p.items = p.items[:top.start]
		top.start, top.direct = start, false
	}
	p.pending = append(p.pending, Item{Group: g})
	p.stack = append(p.stack, frame{g: g, start: len(p.items), direct: true})
	return nil
}

// add appends it to the innermost open group.
func (p *parser) add(it Item) {
	top := &p.stack[len(p.stack)-1]
	if !top.direct {
		p.pending = append(p.pending, it)
		return
	}
	if len(p.items) == cap(p.items) {
		// Chunk full: continue in a new chunk, taking this group's items
		// along so that they stay contiguous.
		n := len(p.items) - top.start
		size := max(p.iChunk, 2*n)
		p.iChunk = min(p.iChunk*2, maxItemChunk)
		chunk := make([]Item, n, size)
		p.genBytes += size * itemSize
		copy(chunk, p.items[top.start:])
		clear(p.items[top.start:])
		p.items = chunk
		top.start = 0
	}
	p.items = append(p.items, it)
}

func (p *parser) close() {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	if f.direct {
		if n := len(p.items) - f.start; n > 0 {
			f.g.Items = p.items[f.start:len(p.items):len(p.items)]
		}
		return
	}
	n := len(p.pending) - f.start
	if n == 0 {
		return
	}
	if len(p.stack) == 0 && n > 64 {
		// A large root: hand the pending buffer over instead of copying.
		f.g.Items = p.pending[:n:n]
		p.pending = nil
		return
	}
	items := p.allocItems(n)
	copy(items, p.pending[f.start:])
	clear(p.pending[f.start:])
	f.g.Items = items
	p.pending = p.pending[:f.start]
}

// parseRoot parses one group starting at p.pos (the first byte of its key)
// and returns it. On success p.pos is just after the closing brace.
func (p *parser) parseRoot() (*Group, error) {
	s := p.s
	if p.pos >= len(s) || !p.isTokenStart(s[p.pos]) {
		return nil, p.unexpected(p.pos, "string (group key)")
	}
	key, err := p.token()
	if err != nil {
		return nil, err
	}
	p.skipTrivia()
	var name string
	if !(p.v2 && p.pos < len(s) && s[p.pos] == '=') {
		if p.pos >= len(s) || !p.isTokenStart(s[p.pos]) {
			return nil, p.unexpected(p.pos, "string (group name)")
		}
		if name, err = p.token(); err != nil {
			return nil, err
		}
		p.skipTrivia()
	}
	if p.pos >= len(s) || s[p.pos] != '=' {
		return nil, p.unexpected(p.pos, "'='")
	}
	p.pos++
	p.skipTrivia()
	if p.pos >= len(s) || s[p.pos] != '{' {
		return nil, p.unexpected(p.pos, "'{'")
	}
	p.pos++
	if p.lim.maxDepth < 1 {
		return nil, p.limitErr("MaxDepth", int64(p.lim.maxDepth), 0)
	}
	root := p.newGroup(key, name)
	p.stack = append(p.stack[:0], frame{g: root, start: len(p.items), direct: true})
	if err := p.body(); err != nil {
		// Drop references into this document so a reused parser does not
		// keep it alive.
		clear(p.pending)
		p.pending = p.pending[:0]
		p.items = nil
		return nil, err
	}
	return root, nil
}

// body parses items until the root group is closed.
func (p *parser) body() error {
	for {
		p.skipTrivia()
		if p.pos >= len(p.s) {
			if p.v2 {
				return p.unexpected(p.pos, "string, unquoted value or '}'")
			}
			return p.unexpected(p.pos, "string or '}'")
		}
		c := p.s[p.pos]
		switch {
		case c == '}':
			p.pos++
			p.close()
			if len(p.stack) == 0 {
				return nil
			}
		case p.isTokenStart(c):
			if err := p.item(); err != nil {
				return err
			}
		case p.v2 && class[c] == cSep:
			p.pos++
		default:
			if p.v2 {
				return p.unexpected(p.pos, "string, unquoted value or '}'")
			}
			return p.unexpected(p.pos, "string or '}'")
		}
	}
}

// item parses a pair, a value-only item or the opening of an inner group.
//
//	k = v        pair
//	k n = {      group (k, n)
//	k = {        group (k, "") (V2 only)
//	k            value-only item, when none of the above follows
func (p *parser) item() error {
	s := p.s
	start := p.pos
	k, err := p.token()
	if err != nil {
		return err
	}
	p.skipTrivia()
	if p.pos < len(s) {
		c := s[p.pos]
		if c == '=' {
			p.pos++
			p.skipTrivia()
			if p.pos < len(s) {
				c = s[p.pos]
				if p.isTokenStart(c) {
					v, err := p.token()
					if err != nil {
						return err
					}
					if err := p.countItem(start); err != nil {
						return err
					}
					p.add(Item{Key: k, Value: v})
					return nil
				}
				if c == '{' && p.v2 {
					p.pos++
					return p.open(k, "", start)
				}
			}
			if p.v2 {
				return p.unexpected(p.pos, "value or '{'")
			}
			return p.unexpected(p.pos, "string")
		}
		if p.isTokenStart(c) {
			// Either the group header "k n = {" or a value-only k
			// followed by another item.
			save := p.pos
			n, err := p.token()
			if err != nil {
				return err
			}
			p.skipTrivia()
			if p.pos < len(s) && s[p.pos] == '=' {
				p.pos++
				p.skipTrivia()
				if p.pos < len(s) && s[p.pos] == '{' {
					p.pos++
					return p.open(k, n, start)
				}
			}
			p.pos = save
		}
	}
	if err := p.countItem(start); err != nil {
		return err
	}
	p.add(Item{Value: k, ValueOnly: true})
	return nil
}
