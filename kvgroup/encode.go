package kvgroup

import (
	"errors"
	"io"
	"strings"
)

// errCycle is returned when a group contains itself.
var errCycle = errors.New("kvgroup: group tree contains a cycle")

// Format returns g as a V1 document: a stable, indented text (two spaces
// per level, one item per line, empty groups as "{ }") ending in a newline,
// which parses back to a tree equal to g. A nil g is written as the empty
// document "" "" = { }.
//
// Strings are always quoted; '\\', '"', newline, carriage return and tab are
// escaped as \\, \", \n, \r and \t. Other bytes, including other control
// characters and invalid UTF-8, are written as they are.
//
// g must be a tree. If it contains a cycle Format returns nil; use an
// [Encoder] to get the error.
func Format(g *Group) []byte {
	n := sizeHint(g, 0, 0)
	w := writer{buf: make([]byte, 0, n+n/32+64)}
	if err := w.document(g, ""); err != nil {
		return nil
	}
	return w.buf
}

// sizeHint estimates the V1 size of g at the given depth (exact without
// escapes). It stops counting at depth startDetectingCycles, so it
// terminates on cycles.
func sizeHint(g *Group, depth, n int) int {
	if g == nil || depth >= startDetectingCycles {
		return n
	}
	ind := 2 * depth
	n += ind + len(g.Key) + len(g.Name) + 10 + ind + 2 // "k" "n" = {\n ... }\n
	for i := range g.Items {
		it := &g.Items[i]
		switch {
		case it.Group != nil:
			n = sizeHint(it.Group, depth+1, n)
		case it.ValueOnly:
			n += ind + 2 + len(it.Value) + 3 // "v"\n
		default:
			n += ind + 2 + len(it.Key) + len(it.Value) + 8 // "k" = "v"\n
		}
	}
	return n
}

// writer renders groups into buf. If out is set, group flushes buf to it
// whenever it holds more than flushThreshold bytes.
type writer struct {
	buf     []byte
	v2      bool
	seen    map[*Group]struct{}
	out     io.Writer
	err     error // write error from out
	flushes int   // number of flushes to out
}

func (w *writer) flush() error {
	if w.err == nil && len(w.buf) > 0 {
		_, w.err = w.out.Write(w.buf)
		w.buf = w.buf[:0]
		w.flushes++
	}
	return w.err
}

const indentSpaces = "                                                                " // 64

func (w *writer) indent(depth int) {
	n := 2 * depth
	for n > len(indentSpaces) {
		w.buf = append(w.buf, indentSpaces...)
		n -= len(indentSpaces)
	}
	w.buf = append(w.buf, indentSpaces[:n]...)
}

// escapeTab marks the bytes that must be escaped in a quoted string.
var escapeTab = [256]byte{'"': '"', '\\': '\\', '\n': 'n', '\r': 'r', '\t': 't'}

func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if e := escapeTab[s[i]]; e != 0 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', e)
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// bareSafe marks the bytes the V2 writer leaves unquoted. They are a subset
// of the bytes a bare token may contain.
var bareSafe = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range []byte("._-/:@!%+*^~$<>?&|[]()") {
		t[c] = true
	}
	return t
}()

func (w *writer) token(s string) {
	if w.v2 && s != "" {
		bare := true
		for i := 0; i < len(s); i++ {
			if !bareSafe[s[i]] {
				bare = false
				break
			}
		}
		if bare {
			w.buf = append(w.buf, s...)
			return
		}
	}
	w.buf = appendQuoted(w.buf, s)
}

func (w *writer) end() {
	if w.v2 {
		w.buf = append(w.buf, ";\n"...)
	} else {
		w.buf = append(w.buf, '\n')
	}
}

func (w *writer) document(g *Group, header string) error {
	if header != "" {
		w.buf = append(w.buf, "# "...)
		w.buf = append(w.buf, header...)
		w.buf = append(w.buf, '\n')
	} else if w.v2 {
		w.buf = append(w.buf, "# KVGROUP-V2.0\n"...)
	}
	if g == nil {
		g = &Group{}
	}
	return w.group(g, 0)
}

func (w *writer) open(key, name string, depth int) {
	w.indent(depth)
	w.token(key)
	if !w.v2 || name != "" {
		w.buf = append(w.buf, ' ')
		w.token(name)
	}
	w.buf = append(w.buf, " = {"...)
}

func (w *writer) pair(key, value string, depth int) {
	w.indent(depth)
	w.token(key)
	w.buf = append(w.buf, " = "...)
	w.token(value)
	w.end()
}

func (w *writer) value(v string, depth int) {
	w.indent(depth)
	w.token(v)
	w.end()
}

// startDetectingCycles is the depth from which group pointers are tracked;
// a cycle is found at most one cycle length later.
const startDetectingCycles = 1000

func (w *writer) group(g *Group, depth int) error {
	if depth >= startDetectingCycles {
		if w.seen == nil {
			w.seen = make(map[*Group]struct{})
		}
		if _, ok := w.seen[g]; ok {
			return errCycle
		}
		w.seen[g] = struct{}{}
		defer delete(w.seen, g)
	}
	w.open(g.Key, g.Name, depth)
	if len(g.Items) == 0 {
		w.buf = append(w.buf, " }"...)
		w.end()
		return nil
	}
	w.buf = append(w.buf, '\n')
	for i := range g.Items {
		it := &g.Items[i]
		switch {
		case it.Group != nil:
			if err := w.group(it.Group, depth+1); err != nil {
				return err
			}
		case it.ValueOnly:
			w.value(it.Value, depth+1)
		default:
			w.pair(it.Key, it.Value, depth+1)
		}
		if w.out != nil && len(w.buf) >= flushThreshold {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	w.indent(depth)
	w.buf = append(w.buf, '}')
	w.end()
	return nil
}

// An Encoder writes KVGroup documents to an output stream.
//
// Encode writes a whole tree. For output too large to build in memory (a
// listing of many accounts, say), the streaming methods BeginGroup,
// WritePair, WriteValue, WriteGroup and EndGroup write one document
// piecemeal; the text is the same as Encode would write for the same tree.
//
// The Encoder buffers up to about 64 KiB and flushes at the end of each
// document. Write errors are sticky. If Encode or WriteGroup fails (on a
// write error or a cyclic tree), the part of a large document that was
// already flushed stays written.
type Encoder struct {
	wr     writer
	header string
	depth  int  // groups opened with BeginGroup and not yet ended
	fresh  bool // the innermost open group has no item yet
	err    error
}

const flushThreshold = 64 << 10

// NewEncoder returns an Encoder writing V1 to w.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{wr: writer{out: w}}
}

// SetHeader sets a header such as "KVGROUP-V1.0", written as the comment
// line "# KVGROUP-V1.0" before each following document. The empty string
// (the default) writes no header for V1; V2 output always gets a header,
// "KVGROUP-V2.0" unless set otherwise, so that it is read back as V2. The
// header must not contain a line break.
func (e *Encoder) SetHeader(h string) { e.header = h }

// SetDialect selects V1 (the default; Auto also means V1) or V2 output for
// the following documents. It must not be called inside an open group.
func (e *Encoder) SetDialect(d Dialect) { e.wr.v2 = d == V2 }

func (e *Encoder) checkHeader() error {
	if strings.ContainsAny(e.header, "\r\n") {
		return errors.New("kvgroup: Encoder header contains a line break")
	}
	return nil
}

// Encode writes g as one document followed by a newline (see [Format] for
// the layout). A nil g writes the empty document "" "" = { }.
func (e *Encoder) Encode(g *Group) error {
	if e.err != nil {
		return e.err
	}
	if e.depth > 0 {
		return errors.New("kvgroup: Encode called inside an open group; use WriteGroup")
	}
	if err := e.checkHeader(); err != nil {
		return err
	}
	mark, flushes := len(e.wr.buf), e.wr.flushes
	if err := e.wr.document(g, e.header); err != nil {
		return e.rollback(mark, flushes, err)
	}
	return e.flush()
}

// rollback drops the unflushed output of a write that failed; mark is the
// buffer length and flushes the flush count when it started.
func (e *Encoder) rollback(mark, flushes int, err error) error {
	if e.wr.err != nil {
		e.err = e.wr.err
		return e.err
	}
	if e.wr.flushes != flushes {
		mark = 0
	}
	e.wr.buf = e.wr.buf[:mark]
	return err
}

func (e *Encoder) flush() error {
	if err := e.wr.flush(); err != nil {
		e.err = err
		return err
	}
	return nil
}

func (e *Encoder) maybeFlush() error {
	if len(e.wr.buf) >= flushThreshold {
		return e.flush()
	}
	return nil
}

// BeginGroup opens a group. Outside any group it starts a new document
// (writing the header, if any); inside a group it opens an inner group.
func (e *Encoder) BeginGroup(key, name string) error {
	if e.err != nil {
		return e.err
	}
	if e.depth == 0 {
		if err := e.checkHeader(); err != nil {
			return err
		}
		if e.header != "" {
			e.wr.buf = append(e.wr.buf, "# "...)
			e.wr.buf = append(e.wr.buf, e.header...)
			e.wr.buf = append(e.wr.buf, '\n')
		} else if e.wr.v2 {
			e.wr.buf = append(e.wr.buf, "# KVGROUP-V2.0\n"...)
		}
	}
	e.child()
	e.wr.open(key, name, e.depth)
	e.depth++
	e.fresh = true
	return e.maybeFlush()
}

// child ends the header line of a group that gets its first item.
func (e *Encoder) child() {
	if e.fresh {
		e.wr.buf = append(e.wr.buf, '\n')
		e.fresh = false
	}
}

var errNoGroup = errors.New("kvgroup: no open group (call BeginGroup first)")

// WritePair writes the pair key = value into the innermost open group.
func (e *Encoder) WritePair(key, value string) error {
	if e.err != nil {
		return e.err
	}
	if e.depth == 0 {
		return errNoGroup
	}
	e.child()
	e.wr.pair(key, value, e.depth)
	return e.maybeFlush()
}

// WriteValue writes a value-only item into the innermost open group.
func (e *Encoder) WriteValue(v string) error {
	if e.err != nil {
		return e.err
	}
	if e.depth == 0 {
		return errNoGroup
	}
	e.child()
	e.wr.value(v, e.depth)
	return e.maybeFlush()
}

// WriteGroup writes g as an inner group of the innermost open group.
func (e *Encoder) WriteGroup(g *Group) error {
	if e.err != nil {
		return e.err
	}
	if e.depth == 0 {
		return errNoGroup
	}
	if g == nil {
		g = &Group{}
	}
	mark, flushes, fresh := len(e.wr.buf), e.wr.flushes, e.fresh
	e.child()
	if err := e.wr.group(g, e.depth); err != nil {
		e.fresh = fresh
		return e.rollback(mark, flushes, err)
	}
	return e.maybeFlush()
}

// EndGroup closes the innermost open group. Closing the outermost group
// ends the document and flushes it to the underlying writer.
func (e *Encoder) EndGroup() error {
	if e.err != nil {
		return e.err
	}
	if e.depth == 0 {
		return errNoGroup
	}
	e.depth--
	if e.fresh {
		e.wr.buf = append(e.wr.buf, " }"...)
		e.fresh = false
	} else {
		e.wr.indent(e.depth)
		e.wr.buf = append(e.wr.buf, '}')
	}
	e.wr.end()
	if e.depth == 0 {
		return e.flush()
	}
	return e.maybeFlush()
}
