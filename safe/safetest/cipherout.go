package safetest

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Cipher responses are written by hand rather than with encoding/json: a
// sync of a large vault is tens of megabytes of cipher objects, and
// building each as a map[string]any for encoding/json to sort and compact
// costs more than everything else the server does.
//
// The output is byte for byte what encoding/json writes for the map
// described below: members sorted by key, compact, with encoding/json's
// HTML-safe escaping. The members of a cipher object are
//
//   - defaults: notes, fields, passwordHistory, login, card, identity
//     and secureNote (and key and sshKey for GenCurrent) are null and reprompt is 0
//     unless the stored cipher has them;
//   - the stored cipher's members (cipherRec.data), encoded once when the
//     cipher is written (cipherRec.setData);
//   - the server's members, which take precedence: object, id,
//     organizationId, organizationUseTotp, creationDate, revisionDate,
//     deletedDate and attachments; for the "cipher" and "cipherDetails"
//     kinds the viewer's folderId, favorite, edit and viewPassword (and
//     permissions and archivedDate for GenCurrent); for the "details"
//     kinds collectionIds.

// encMember is a stored cipher member as encoding/json writes the member
// of a map: `"key":value`, compact and HTML-escaped.
type encMember struct {
	key  string
	json []byte
}

// setData stores d as the cipher's client data and encodes its members.
// d must not be modified afterwards.
func (ci *cipherRec) setData(d map[string]json.RawMessage) {
	ci.data = d
	ci.enc, ci.encSize = encodeMembers(d)
}

// encodeMembers encodes the members of d sorted by key, into one buffer.
func encodeMembers(d map[string]json.RawMessage) ([]encMember, int) {
	keys := sortedKeys(d)
	vals := make([][]byte, len(keys))
	size := 0
	for i, k := range keys {
		v, err := json.Marshal(d[k])
		if err != nil {
			// Stored values come from json.Unmarshal or json.Marshal and
			// are valid JSON, so this does not happen.
			v = []byte("null")
		}
		vals[i] = v
		size += len(k) + len(v) + 8 // quotes, colon and some escaping
	}
	buf := make([]byte, 0, size)
	ms := make([]encMember, len(keys))
	for i, k := range keys {
		start := len(buf)
		buf = appendJSONString(buf, k)
		buf = append(buf, ':')
		buf = append(buf, vals[i]...)
		ms[i] = encMember{key: k, json: buf[start:len(buf):len(buf)]}
	}
	return ms, len(buf)
}

// A cipher member the server writes, or a default the stored cipher may
// override.
type slotKind uint8

const (
	slotNull     slotKind = iota // default null
	slotReprompt                 // default 0
	slotObject
	slotID
	slotOrgID
	slotOrgUseTotp
	slotCreationDate
	slotRevisionDate
	slotDeletedDate
	slotAttachments
	slotFolderID
	slotFavorite
	slotEdit
	slotViewPassword
	slotPermissions
	slotArchivedDate
	slotCollectionIDs
)

// isDefault reports whether a stored member of the same name wins.
func (k slotKind) isDefault() bool { return k == slotNull || k == slotReprompt }

type slot struct {
	key    string
	prefix string // `"key":`
	kind   slotKind
	max    int // an upper bound of the value's length, except collectionIds
}

// cipherLayouts holds the sorted slots of each kind of cipher object, for
// GenCurrent (index 1) and Gen2023 (index 0).
var cipherLayouts = func() (l [2][len(cipherKindNames)][]slot) {
	for cur := range 2 {
		for kind := range cipherKind(len(cipherKindNames)) {
			l[cur][kind] = newLayout(cur == 1, kind)
		}
	}
	return l
}()

// cipherLayoutSizes is the most a cipher object's slots take, with braces
// and commas.
var cipherLayoutSizes = func() (n [2][len(cipherKindNames)]int) {
	for cur := range cipherLayouts {
		for kind, slots := range cipherLayouts[cur] {
			n[cur][kind] = 2
			for _, s := range slots {
				n[cur][kind] += len(s.prefix) + s.max + 1
			}
		}
	}
	return n
}()

func newLayout(current bool, kind cipherKind) []slot {
	const (
		idLen   = 2 + 36
		timeLen = 2 + len("2006-01-02T15:04:05.000000Z")
	)
	var slots []slot
	add := func(key string, k slotKind, max int) {
		slots = append(slots, slot{key: key, prefix: string(appendJSONString(nil, key)) + ":", kind: k, max: max})
	}
	for _, k := range []string{"notes", "fields", "passwordHistory", "login", "card", "identity", "secureNote"} {
		add(k, slotNull, 4)
	}
	if current {
		// 2023.8's response model has neither member: a stored key (only
		// seeded, see AddItem) is still sent.
		add("key", slotNull, 4)
		add("sshKey", slotNull, 4)
	}
	add("reprompt", slotReprompt, 1)
	add("object", slotObject, 2+len(cipherKindNames[kind]))
	add("id", slotID, idLen)
	add("organizationId", slotOrgID, idLen)
	add("organizationUseTotp", slotOrgUseTotp, 5)
	add("creationDate", slotCreationDate, timeLen)
	add("revisionDate", slotRevisionDate, timeLen)
	add("deletedDate", slotDeletedDate, timeLen)
	add("attachments", slotAttachments, 4)
	if kind == kindCipher || kind == kindCipherDetails {
		add("folderId", slotFolderID, idLen)
		add("favorite", slotFavorite, 5)
		add("edit", slotEdit, 5)
		add("viewPassword", slotViewPassword, 5)
		if current {
			add("permissions", slotPermissions, len(`{"delete":false,"restore":false}`))
			add("archivedDate", slotArchivedDate, 4)
		}
	}
	if kind == kindCipherDetails || kind == kindCipherMiniDetails {
		add("collectionIds", slotCollectionIDs, 2)
	}
	slices.SortFunc(slots, func(a, b slot) int { return strings.Compare(a.key, b.key) })
	return slots
}

func (c *call) genIndex() int {
	if c.current() {
		return 1
	}
	return 0
}

// needsAccess reports whether the kind has the viewer's members.
func (k cipherKind) needsAccess() bool { return k == kindCipher || k == kindCipherDetails }

// cipherOut renders a stored cipher as c.user sees it.
func (c *call) cipherOut(ci *cipherRec, kind cipherKind) jsonBytes {
	var a cipherAccess
	if kind.needsAccess() {
		a = c.st.cipherAccess(c.user, ci)
	}
	return c.appendCipher(make([]byte, 0, c.cipherSize(ci, kind)), ci, kind, a)
}

// cipherSize is an estimate (usually an upper bound) of the length of the
// cipher object.
func (c *call) cipherSize(ci *cipherRec, kind cipherKind) int {
	return ci.encSize + len(ci.enc) + cipherLayoutSizes[c.genIndex()][kind] + 39*len(ci.collections)
}

// appendCipher appends the cipher object of ci as c.user, whose access to
// it is a, sees it.
func (c *call) appendCipher(b []byte, ci *cipherRec, kind cipherKind, a cipherAccess) []byte {
	slots := cipherLayouts[c.genIndex()][kind]
	data := ci.enc
	b = append(b, '{')
	i, j := 0, 0
	for n := 0; i < len(slots) || j < len(data); n++ {
		if n > 0 {
			b = append(b, ',')
		}
		if j < len(data) && (i == len(slots) || data[j].key < slots[i].key) {
			b = append(b, data[j].json...)
			j++
			continue
		}
		s := &slots[i]
		i++
		if j < len(data) && data[j].key == s.key {
			j++
			if s.kind.isDefault() {
				b = append(b, data[j-1].json...)
				continue
			}
		}
		b = append(b, s.prefix...)
		b = c.appendSlot(b, s.kind, ci, kind, a)
	}
	return append(b, '}')
}

func (c *call) appendSlot(b []byte, k slotKind, ci *cipherRec, kind cipherKind, a cipherAccess) []byte {
	switch k {
	case slotNull, slotAttachments, slotArchivedDate:
		return append(b, "null"...)
	case slotReprompt:
		return append(b, '0')
	case slotObject:
		return appendJSONString(b, cipherKindNames[kind])
	case slotID:
		return appendJSONString(b, ci.id)
	case slotOrgID:
		return appendOptString(b, ci.orgID)
	case slotOrgUseTotp:
		return appendBool(b, ci.orgID != "")
	case slotCreationDate:
		return appendTime(b, ci.created)
	case slotRevisionDate:
		return appendTime(b, ci.revision)
	case slotDeletedDate:
		if ci.deleted.IsZero() {
			return append(b, "null"...)
		}
		return appendTime(b, ci.deleted)
	case slotFolderID:
		return appendOptString(b, ci.folders[c.user.id])
	case slotFavorite:
		return appendBool(b, ci.favorites[c.user.id])
	case slotEdit:
		return appendBool(b, a.edit)
	case slotViewPassword:
		return appendBool(b, a.viewPassword)
	case slotPermissions:
		b = append(b, `{"delete":`...)
		b = appendBool(b, a.edit)
		b = append(b, `,"restore":`...)
		b = appendBool(b, a.edit)
		return append(b, '}')
	case slotCollectionIDs:
		return appendSortedSet(b, ci.collections)
	}
	panic("safetest: unknown cipher slot")
}

// appendCipherList appends a list envelope of the ciphers as c.user sees
// them, in order.
func (c *call) appendCipherList(b []byte, cs []seenCipher, kind cipherKind) []byte {
	b = append(b, `{"object":"list","data":[`...)
	for i, v := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = c.appendCipher(b, v.ci, kind, v.a)
	}
	return append(b, `],"continuationToken":null}`...)
}

// cipherList renders a list of ciphers, sized up front.
func (c *call) cipherList(cs []seenCipher, kind cipherKind) jsonBytes {
	n := 64
	for _, v := range cs {
		n += c.cipherSize(v.ci, kind) + 1
	}
	return c.appendCipherList(make([]byte, 0, n), cs, kind)
}

// JSON value writers, each writing what encoding/json writes.

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML-safe, invalid UTF-8 replaced).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil { // strings always marshal
				return append(b, `""`...)
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendOptString appends s, or null if it is empty.
func appendOptString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, s)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendTime appends t as fmtTime formats it, quoted.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	b = append(b, '"')
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		b = t.AppendFormat(b, timeLayout)
		return append(b, '"')
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1000, 6)
	return append(b, 'Z', '"')
}

// appendDigits appends the last n decimal digits of v ≥ 0, zero-padded.
func appendDigits(b []byte, v, n int) []byte {
	b = append(b, make([]byte, n)...) // does not allocate
	for i := len(b) - 1; i >= len(b)-n; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// appendSortedSet appends the members of m that are set, sorted, as a
// JSON array of strings.
func appendSortedSet(b []byte, m map[string]bool) []byte {
	var small [8]string
	ids := small[:0]
	for k, ok := range m {
		if ok {
			ids = append(ids, k)
		}
	}
	slices.Sort(ids)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, id)
	}
	return append(b, ']')
}
