package kvgroup

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
)

// Dialect selects the KVGroup syntax to read or write.
type Dialect uint8

const (
	// Auto reads V2 if the document is preceded by a "# KVGROUP-V2.x" (or
	// higher) header comment and V1 otherwise. For writing it means V1.
	Auto Dialect = iota
	// V1 is the quoted wire format used by agents and plugins.
	V1
	// V2 is the configuration-file dialect: bare tokens, ';' or ','
	// separators and "name = { ... };" groups. The V2 reader also accepts
	// all of V1.
	V2
)

// String returns "Auto", "V1" or "V2".
func (d Dialect) String() string {
	switch d {
	case Auto:
		return "Auto"
	case V1:
		return "V1"
	case V2:
		return "V2"
	}
	return "Dialect(" + itoa(int(d)) + ")"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Limits bound the resources a single document may use, to protect against
// hostile input. A zero field means the default; a negative field means no
// limit.
type Limits struct {
	// MaxDepth is the maximum nesting depth of groups; the root group is
	// depth 1. Default DefaultMaxDepth.
	MaxDepth int
	// MaxBytes is the maximum size of one document in bytes. For Parse,
	// ParseBytes and ParseString it bounds the whole input; for a Decoder it
	// bounds each document from the first byte of its root group to its
	// closing brace (comments and blanks between documents are skipped
	// without being buffered). Default DefaultMaxBytes.
	MaxBytes int64
	// MaxItems is the maximum number of items (pairs, value-only items and
	// inner groups, at all levels) in one document. Default DefaultMaxItems.
	MaxItems int
}

// Default limits, used for zero fields of [Limits]. They are sized so that
// a hostile document costs at most about a hundred megabytes: a parsed item
// takes about 100 bytes, so 1 million tiny items (3 MB of input) make about
// 100 MB of tree, and 16 MiB bounds what is buffered. A listing of 20,000
// accounts with 10 attributes each (about 10 MB, 220,000 items) fits. Raise
// them with [Limits] (ParseStringWith, Decoder.SetLimits) for larger
// trusted documents.
const (
	DefaultMaxDepth = 1000
	DefaultMaxBytes = 16 << 20 // 16 MiB
	DefaultMaxItems = 1_000_000
)

func (l Limits) resolve() limits {
	r := limits{maxDepth: l.MaxDepth, maxBytes: l.MaxBytes, maxItems: l.MaxItems}
	switch {
	case r.maxDepth == 0:
		r.maxDepth = DefaultMaxDepth
	case r.maxDepth < 0:
		r.maxDepth = math.MaxInt
	}
	switch {
	case r.maxBytes == 0:
		r.maxBytes = DefaultMaxBytes
	case r.maxBytes < 0:
		r.maxBytes = math.MaxInt64
	}
	switch {
	case r.maxItems == 0:
		r.maxItems = DefaultMaxItems
	case r.maxItems < 0:
		r.maxItems = math.MaxInt
	}
	return r
}

// Parse reads all of r and parses it as exactly one document, with the Auto
// dialect and the default limits. Anything but comments and white space
// after the document is an error; use a [Decoder] for streams.
func Parse(r io.Reader) (*Group, error) {
	lim := Limits{}.resolve()
	var sb strings.Builder
	if l, ok := r.(interface{ Len() int }); ok && int64(l.Len()) <= lim.maxBytes {
		sb.Grow(l.Len())
	}
	n, err := io.Copy(&sb, io.LimitReader(r, lim.maxBytes+1))
	if err != nil {
		return nil, err
	}
	if n > lim.maxBytes {
		return nil, &LimitError{Limit: "MaxBytes", Max: lim.maxBytes, Offset: lim.maxBytes}
	}
	return parseString(sb.String(), Auto, lim)
}

// ParseBytes parses data as exactly one document (see [Parse]). The result
// does not refer to data.
func ParseBytes(data []byte) (*Group, error) {
	lim := Limits{}.resolve()
	if int64(len(data)) > lim.maxBytes {
		return nil, &LimitError{Limit: "MaxBytes", Max: lim.maxBytes, Offset: lim.maxBytes}
	}
	return parseString(string(data), Auto, lim)
}

// ParseString parses s as exactly one document (see [Parse]). Strings
// without escapes in the result are substrings of s, so ParseString does
// not copy the input.
func ParseString(s string) (*Group, error) {
	return parseString(s, Auto, Limits{}.resolve())
}

// ParseStringWith is [ParseString] with an explicit dialect and limits.
func ParseStringWith(s string, d Dialect, l Limits) (*Group, error) {
	return parseString(s, d, l.resolve())
}

func parseString(s string, d Dialect, lim limits) (*Group, error) {
	if int64(len(s)) > lim.maxBytes {
		return nil, &LimitError{Limit: "MaxBytes", Max: lim.maxBytes, Offset: lim.maxBytes}
	}
	off := 0
	switch bom(s) {
	case bomUTF8:
		off = 3
	case bomOther:
		return nil, ErrEncoding
	}
	var p parser
	p.reset(s[off:], false, lim, 1, 1, int64(off))
	header := p.skipLeading()
	p.v2 = d == V2 || (d == Auto && headerMajor(header) >= 2)
	g, err := p.parseRoot()
	if err != nil {
		return nil, err
	}
	for {
		p.skipTrivia()
		if p.v2 && p.pos < len(p.s) && p.s[p.pos] == ';' {
			p.pos++
			continue
		}
		break
	}
	if p.pos < len(p.s) {
		return nil, p.errAt(p.pos, "unexpected "+p.describe(p.pos)+" after the end of the document (use a Decoder for a stream of documents)")
	}
	return g, nil
}

const (
	bomNone = iota
	bomUTF8
	bomOther
)

func bom(s string) int {
	switch {
	case len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF:
		return bomUTF8
	case len(s) >= 2 && (s[0] == 0xFE && s[1] == 0xFF || s[0] == 0xFF && s[1] == 0xFE):
		return bomOther // UTF-16 BE/LE, or UTF-32 LE (FF FE 00 00)
	case len(s) >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF:
		return bomOther // UTF-32 BE
	}
	return bomNone
}

// A Decoder reads a stream of KVGroup documents, such as the series of
// groups a streaming plugin receives on stdin. Each document may be
// preceded by comments, including a "# KVGROUP-Vx.y" header (see
// [Decoder.Header]).
//
// The Decoder buffers one document at a time: memory use is bounded by the
// largest document (and Limits.MaxBytes), not by the length of the stream.
// It may read past the end of the current document into its buffer.
// Consecutive small documents share allocation chunks (up to about 256 KiB
// together), so keeping one decoded document may keep a few neighbours
// alive, but never the whole stream.
type Decoder struct {
	r       io.Reader
	buf     []byte
	pos     int   // first unconsumed byte of buf
	rerr    error // sticky error from r (io.EOF at the end)
	err     error // sticky decode error
	errDone bool  // err has been returned by Decode
	lim     limits
	dialect Dialect

	header  string // header of the last decoded document
	pending string // header seen before the next document

	lastRaw, lastHeader string // cache for noteHeader

	off     int64 // stream offset of buf[pos]
	line    int   // line of buf[pos]
	lineOff int64 // stream offset of the first column of that line
	semi    bool  // last document was V2: skip an optional ';'

	p parser
}

// NewDecoder returns a Decoder reading from r with the Auto dialect and the
// default limits.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: r, lim: Limits{}.resolve(), line: 1}
}

// SetLimits sets the limits applied to each following document.
func (d *Decoder) SetLimits(l Limits) { d.lim = l.resolve() }

// SetDialect sets the dialect of the following documents. With Auto (the
// default) each document is read as V2 if its header says so, else as V1.
func (d *Decoder) SetDialect(v Dialect) { d.dialect = v }

// Header returns the "KVGROUP-Vx.y" header comment (without the '#' and
// surrounding blanks) that preceded the document most recently returned by
// Decode, or "" if there was none.
func (d *Decoder) Header() string { return d.header }

// InputOffset returns the stream offset just after the last decoded
// document.
func (d *Decoder) InputOffset() int64 { return d.off }

// More reports whether another document (or an error not yet returned by
// Decode) follows. It skips white space and comments, reading from the
// underlying reader as needed. After Decode has returned an error, More
// returns false.
func (d *Decoder) More() bool {
	if d.err != nil {
		return !d.errDone
	}
	if d.skipTrivia() {
		return true
	}
	if d.err == nil && d.rerr != nil && d.rerr != io.EOF {
		d.err = d.rerr
	}
	return d.err != nil
}

// Decode reads the next document. At the end of the stream it returns
// (nil, io.EOF). A document cut short by the end of the stream is a
// *SyntaxError. Errors are sticky: once Decode has failed, it keeps
// returning the same error.
func (d *Decoder) Decode() (*Group, error) {
	if d.err == nil && !d.skipTrivia() && d.err == nil {
		if d.rerr != nil && d.rerr != io.EOF {
			d.err = d.rerr
		} else {
			return nil, io.EOF
		}
	}
	if d.err != nil {
		d.errDone = true
		return nil, d.err
	}
	n, err := d.frame()
	if err != nil {
		return nil, d.fail(err)
	}
	header := d.pending
	d.pending = ""
	v2 := d.dialect == V2 || (d.dialect == Auto && headerMajor(header) >= 2)
	doc := string(d.buf[d.pos : d.pos+n])
	d.p.reset(doc, v2, d.lim, d.line, int(d.off-d.lineOff)+1, d.off)
	g, err := d.p.parseRoot()
	if err == nil && d.p.pos != len(doc) {
		err = d.p.errAt(d.p.pos, "internal error: document framing mismatch")
	}
	d.p.s = ""
	d.header = header
	d.semi = v2
	if err != nil {
		return nil, d.fail(err)
	}
	d.skip(n)
	return g, nil
}

func (d *Decoder) fail(err error) error {
	d.err = err
	d.errDone = true
	return err
}

// skip consumes n buffered bytes, keeping the line count.
func (d *Decoder) skip(n int) {
	seg := d.buf[d.pos : d.pos+n]
	if k := bytes.Count(seg, []byte{'\n'}); k > 0 {
		d.line += k
		d.lineOff = d.off + int64(bytes.LastIndexByte(seg, '\n')) + 1
	}
	d.off += int64(n)
	d.pos += n
}

const minBuf = 16 << 10

// fill reads more data into buf, compacting and growing it as needed. It
// reports whether new data arrived.
func (d *Decoder) fill() bool {
	if d.rerr != nil {
		return false
	}
	if d.pos > 0 {
		n := copy(d.buf, d.buf[d.pos:])
		d.buf = d.buf[:n]
		d.pos = 0
	}
	if len(d.buf) == cap(d.buf) {
		nb := make([]byte, len(d.buf), max(2*cap(d.buf), minBuf))
		copy(nb, d.buf)
		d.buf = nb
	}
	for range 100 {
		n, err := d.r.Read(d.buf[len(d.buf):cap(d.buf)])
		if n < 0 || n > cap(d.buf)-len(d.buf) {
			d.rerr = errors.New("kvgroup: invalid Read count from io.Reader")
			return false
		}
		d.buf = d.buf[:len(d.buf)+n]
		if err != nil {
			d.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	d.rerr = io.ErrNoProgress
	return false
}

// ensure tries to have at least n unconsumed bytes buffered.
func (d *Decoder) ensure(n int) bool {
	for len(d.buf)-d.pos < n {
		if !d.fill() {
			return false
		}
	}
	return true
}

// skipTrivia skips blanks, comments, a leading byte order mark and (after a V2
// document) ';' before the next document, noting header comments. It
// reports whether a byte of a document is available.
func (d *Decoder) skipTrivia() bool {
	for {
		if d.pos >= len(d.buf) && !d.fill() {
			return false
		}
		c := d.buf[d.pos]
		switch {
		case class[c] == cSpace:
			i := d.pos + 1
			for i < len(d.buf) && class[d.buf[i]] == cSpace {
				i++
			}
			d.skip(i - d.pos)
		case c == '#':
			d.skipComment()
		case c == ';' && d.semi:
			d.skip(1)
		case d.off == 0 && (c == 0xEF || c == 0xFE || c == 0xFF || c == 0):
			// A byte order mark counts only at the start of the stream, as
			// for Parse: anywhere else U+FEFF is text.
			d.ensure(4)
			switch bom(string(d.buf[d.pos:min(d.pos+4, len(d.buf))])) {
			case bomUTF8:
				atLineStart := d.off == d.lineOff
				d.skip(3)
				if atLineStart {
					d.lineOff = d.off
				}
			case bomOther:
				d.err = ErrEncoding
				return false
			default:
				return true
			}
		default:
			return true
		}
	}
}

// skipComment skips a comment starting at buf[pos] == '#'. Long comments
// are discarded as they stream by instead of being buffered.
func (d *Decoder) skipComment() {
	long := false
	for {
		rest := d.buf[d.pos:]
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			if !long {
				d.noteHeader(rest[1:i])
			}
			d.skip(i + 1)
			return
		}
		if len(rest) > maxHeaderLine+1 {
			long = true
			d.skip(len(rest))
		}
		if !d.fill() {
			rest = d.buf[d.pos:]
			if !long && len(rest) > 0 {
				d.noteHeader(rest[1:])
			}
			d.skip(len(rest))
			return
		}
	}
}

func (d *Decoder) noteHeader(text []byte) {
	if !bytes.Contains(text, []byte("KVGROUP-V")) {
		return
	}
	// Streams usually repeat the same header line: reuse its string.
	if string(text) == d.lastRaw {
		d.pending = d.lastHeader
		return
	}
	raw := string(text)
	if h, ok := parseHeader(raw); ok {
		d.pending = h
		d.lastRaw, d.lastHeader = raw, h
	}
}

// frame finds the end of the document starting at buf[pos] by matching
// braces outside strings and comments, reading more input as needed. It
// returns the document's length. If the input ends first, it returns what
// is buffered and the parser reports the syntax error.
func (d *Decoder) frame() (int, error) {
	const (
		stNormal = iota
		stString
		stEscape
		stComment
	)
	st, depth, j := stNormal, 0, 0
	for {
		buf := d.buf[d.pos:]
	scan:
		for j < len(buf) {
			switch st {
			case stNormal:
				switch buf[j] {
				case '"':
					st = stString
				case '#':
					st = stComment
				case '{':
					depth++
				case '}':
					depth--
					if depth <= 0 {
						j++
						break scan
					}
				}
				j++
			case stString:
				b := buf[j:]
				q := bytes.IndexByte(b, '"')
				var bs int
				if q < 0 {
					bs = bytes.IndexByte(b, '\\')
				} else {
					bs = bytes.IndexByte(b[:q], '\\')
				}
				switch {
				case bs >= 0:
					j += bs + 1
					st = stEscape
				case q >= 0:
					j += q + 1
					st = stNormal
				default:
					j = len(buf)
				}
			case stEscape:
				j++
				st = stString
			case stComment:
				k := bytes.IndexByte(buf[j:], '\n')
				if k < 0 {
					j = len(buf)
				} else {
					j += k + 1
					st = stNormal
				}
			}
		}
		if int64(j) > d.lim.maxBytes {
			return 0, &LimitError{Limit: "MaxBytes", Max: d.lim.maxBytes, Offset: d.off + d.lim.maxBytes}
		}
		if depth <= 0 && j > 0 && st == stNormal && buf[j-1] == '}' {
			return j, nil
		}
		if !d.fill() {
			if d.rerr != nil && d.rerr != io.EOF {
				return 0, d.rerr
			}
			return len(d.buf) - d.pos, nil
		}
	}
}
