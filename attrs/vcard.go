package attrs

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// VCardProperty names the vCard 3.0 (RFC 2426) property, or the component
// of a structured property, that a profile attribute maps to. The set is
// closed: these are the "commonly used vCard properties" that seed 003's
// example card uses, with the components of N and ADR each mappable on its
// own, as the card's "N:Doe;John" and "ADR:;;1401 1st Street SE;…" need.
type VCardProperty string

// The vCard properties an attribute can map to.
const (
	VCardFormattedName VCardProperty = "FN"
	VCardNickname      VCardProperty = "NICKNAME"
	VCardBirthday      VCardProperty = "BDAY"
	VCardEmail         VCardProperty = "EMAIL"
	VCardTitle         VCardProperty = "TITLE"
	VCardRole          VCardProperty = "ROLE"
	VCardOrganization  VCardProperty = "ORG"
	VCardNote          VCardProperty = "NOTE"
	VCardURL           VCardProperty = "URL"

	// The components of N, in the order of RFC 2426 §3.1.2.
	VCardFamilyName      VCardProperty = "N.family"
	VCardGivenName       VCardProperty = "N.given"
	VCardAdditionalNames VCardProperty = "N.additional"
	VCardHonorificPrefix VCardProperty = "N.prefix"
	VCardHonorificSuffix VCardProperty = "N.suffix"

	// The components of ADR, in the order of RFC 2426 §3.2.1.
	VCardPOBox           VCardProperty = "ADR.pobox"
	VCardExtendedAddress VCardProperty = "ADR.extended"
	VCardStreet          VCardProperty = "ADR.street"
	VCardLocality        VCardProperty = "ADR.locality"
	VCardRegion          VCardProperty = "ADR.region"
	VCardPostalCode      VCardProperty = "ADR.postalcode"
	VCardCountry         VCardProperty = "ADR.country"

	// Telephone numbers: TEL with its TYPE parameter.
	VCardPhone     VCardProperty = "TEL"
	VCardCellPhone VCardProperty = "TEL;TYPE=CELL"
	VCardHomePhone VCardProperty = "TEL;TYPE=HOME"
	VCardWorkPhone VCardProperty = "TEL;TYPE=WORK"
	VCardFax       VCardProperty = "TEL;TYPE=FAX"
)

var vcardProperties = []VCardProperty{
	VCardFormattedName, VCardNickname, VCardBirthday, VCardEmail, VCardTitle,
	VCardRole, VCardOrganization, VCardNote, VCardURL,
	VCardFamilyName, VCardGivenName, VCardAdditionalNames, VCardHonorificPrefix, VCardHonorificSuffix,
	VCardPOBox, VCardExtendedAddress, VCardStreet, VCardLocality, VCardRegion, VCardPostalCode, VCardCountry,
	VCardPhone, VCardCellPhone, VCardHomePhone, VCardWorkPhone, VCardFax,
}

// Valid reports whether p is one of the declared properties. The empty
// property (no mapping) is not Valid; a definition with VCard "" is fine.
func (p VCardProperty) Valid() bool {
	for _, q := range vcardProperties {
		if p == q {
			return true
		}
	}
	return false
}

// How VCard writes the value of each property. RFC 2426 §4 gives each
// property a value type; text values are escaped, a uri is not (its
// commas and semicolons are its own), and a date is rewritten to the
// ISO 8601 form RFC 2425 §5.8.4 requires.
type vcardKind int

const (
	kindText     vcardKind = iota // one property line per value, text-escaped
	kindURI                       // one property line per value, a uri
	kindFN                        // FN: one line, the first value
	kindDate                      // BDAY: one line, the first value, a date or date-time
	kindTextList                  // NICKNAME: one line, every value, a comma-separated text list
	kindN                         // a component of N
	kindADR                       // a component of ADR
)

func (p VCardProperty) kind() vcardKind {
	switch p {
	case VCardURL:
		return kindURI
	case VCardFormattedName:
		return kindFN
	case VCardBirthday:
		return kindDate
	case VCardNickname:
		return kindTextList
	case VCardFamilyName, VCardGivenName, VCardAdditionalNames, VCardHonorificPrefix, VCardHonorificSuffix:
		return kindN
	case VCardPOBox, VCardExtendedAddress, VCardStreet, VCardLocality, VCardRegion, VCardPostalCode, VCardCountry:
		return kindADR
	}
	return kindText
}

// nComponents and adrComponents are the components of N and ADR in the
// order their structured values list them (RFC 2426 §3.1.2 and §3.2.1).
var (
	nComponents   = []VCardProperty{VCardFamilyName, VCardGivenName, VCardAdditionalNames, VCardHonorificPrefix, VCardHonorificSuffix}
	adrComponents = []VCardProperty{VCardPOBox, VCardExtendedAddress, VCardStreet, VCardLocality, VCardRegion, VCardPostalCode, VCardCountry}
)

// VCard returns the profile as a vCard 3.0 contact record (RFC 2426), the
// content of the .vcf file behind seed 003's "Download profile as vCard".
// Each definition with a VCard property contributes the non-blank values
// that profile holds for its ID; blank values ("") are empty form fields,
// not values, as for validation.
//
// VCard returns nil when no definition of s maps to a property: seed 003
// offers the card only "when at least one profile and request attribute
// is mapped to a vCard property". Otherwise the card is always complete,
// even for an empty profile: BEGIN:VCARD, VERSION:3.0, FN and N (which
// RFC 2426 §3.1.1 and §3.1.2 say "MUST be present"), the mapped
// properties, END:VCARD.
//
// The form follows RFC 2425 and RFC 2426:
//   - lines end in CRLF and are folded to at most 75 octets (RFC 2425
//     §5.8.1) by CRLF and one space, never inside a UTF-8 sequence;
//   - text values escape backslash, semicolon and comma with a backslash
//     and write a line break (CRLF, CR or LF) as \n (RFC 2426 §4,
//     ESCAPED-CHAR); the URL is a uri, not text, so it is not escaped,
//     but its control characters and spaces are percent-encoded;
//   - invalid UTF-8 becomes U+FFFD, as do control characters other than
//     tab and line breaks in text: a value cannot break the card's lines.
//
// Serve the card as "text/vcard; charset=utf-8" (or RFC 2425's
// "text/directory; profile=vCard; charset=utf-8"): vCard 3.0 has no
// charset parameter of its own and takes it from the MIME type.
//
// How properties are assembled:
//   - FN is written once, right after VERSION: the first non-blank value
//     of the first definition (in schema order) mapped to it. Without one,
//     FN is derived from N as "prefix given additional family suffix"
//     (the non-empty components, space-separated), and is empty when N is
//     too. Seed 003's example card lists "FN:John Doe" twice; bsafe writes
//     it once, since a second identical formatted name says nothing.
//   - N and ADR are each one property assembled from the definitions
//     mapped to their components, written where the first of them is in
//     the schema (N right after FN when no definition maps to it). Several
//     values of an N component are a comma-separated list, as RFC 2426
//     §3.1.2 allows ("Individual text components can include multiple
//     text values"); the ADR grammar has no lists, so several values of an
//     ADR component are joined by ", " into one text value. N drops its
//     empty trailing components, which the §4 grammar n-value allows and
//     seed 003's "N:Doe;John" does; ADR keeps all seven, as §3.2.1 wants
//     every component "specified in their corresponding position" and the
//     seed's "ADR:;;1401 1st Street SE;Calgary;AB;T2G 2J3;Canada" does. An
//     ADR without any value is not written.
//   - NICKNAME is one property holding every value of every definition
//     mapped to it, a comma-separated text list (RFC 2426 §3.1.3).
//   - BDAY is the first non-blank value, like FN. A value in the form of
//     a Date/time attribute as [Validate] accepts it, "2006-01-02 15:04:05"
//     or "2006-01-02 15:04" (two-digit fields),
//     is written as the ISO 8601 date-time RFC 2425 §5.8.4 requires,
//     "2006-01-02T15:04:05". Seed 003's card shows
//     "BDAY:1987-07-23 06:00:00", with a space, which vCard readers need
//     not accept; bsafe writes "BDAY:1987-07-23T06:00:00". A date-only
//     value is written as it is.
//   - EMAIL, TEL (with its TYPE), URL, TITLE, ROLE, NOTE and ORG are
//     written one property line per value, in the definition's place. An
//     attribute mapped to ORG is the organization name only: a semicolon
//     in it is escaped, never an organizational unit.
//   - Every property but FN is written in schema order, in the place of
//     the first definition mapped to it. The order of seed 003's card is
//     not that of RFC 2426 nor alphabetical; it is reproduced by a schema
//     that lists the attributes in that order (see the tests).
//
// Password attributes are never written, whatever their mapping: the
// card is made to leave the product (seed 003: into "the native contacts
// lists" of phones, or a QR code on screen), where no access control or
// encryption follows it, and no vCard property is meant for a secret.
// Encrypted attributes are written: encryption protects the database, and
// the card shows what the caller passes. VCard does no access control of
// its own: pass in profile only the attributes the viewer may see.
//
// A definition that is nil, maps to an invalid property, or repeats an
// earlier definition's ID (see [SameName]) is ignored; [Schema.Check]
// reports those.
func (s Schema) VCard(profile Values) []byte {
	var (
		lines     []string // the property lines after FN, in schema order
		nAt       = -1     // index in lines where N goes
		adrAt     = -1
		nickAt    = -1
		fn, bday  string
		haveFN    bool
		haveBDay  bool
		bdayAt    = -1
		mapped    bool
		n         = map[VCardProperty][]string{}
		adr       = map[VCardProperty][]string{}
		nicknames []string
		seen      []string
	)
	for _, d := range s {
		if d == nil || !d.VCard.Valid() || d.Type == Password {
			continue
		}
		if slices.ContainsFunc(seen, func(id string) bool { return SameName(id, d.ID) }) {
			continue
		}
		seen = append(seen, d.ID)
		mapped = true
		raw, _ := profile.Lookup(d.ID)
		var values []string
		for _, v := range raw {
			if v != "" {
				values = append(values, v)
			}
		}
		switch d.VCard.kind() {
		case kindFN:
			if !haveFN && len(values) > 0 {
				fn, haveFN = values[0], true
			}
		case kindDate:
			if bdayAt < 0 {
				bdayAt = len(lines)
				lines = append(lines, "") // filled in below
			}
			if !haveBDay && len(values) > 0 {
				bday, haveBDay = values[0], true
			}
		case kindTextList:
			if nickAt < 0 {
				nickAt = len(lines)
				lines = append(lines, "")
			}
			nicknames = append(nicknames, values...)
		case kindN:
			if nAt < 0 {
				nAt = len(lines)
				lines = append(lines, "")
			}
			n[d.VCard] = append(n[d.VCard], values...)
		case kindADR:
			if adrAt < 0 {
				adrAt = len(lines)
				lines = append(lines, "")
			}
			adr[d.VCard] = append(adr[d.VCard], values...)
		case kindURI:
			for _, v := range values {
				lines = append(lines, string(d.VCard)+":"+vcardURIValue(v))
			}
		default:
			for _, v := range values {
				lines = append(lines, string(d.VCard)+":"+vcardTextValue(v))
			}
		}
	}
	if !mapped {
		return nil
	}

	nLine := "N:" + vcardN(n)
	if nAt >= 0 {
		lines[nAt] = nLine
	}
	if adrAt >= 0 {
		lines[adrAt] = vcardADR(adr)
	}
	if nickAt >= 0 && len(nicknames) > 0 {
		lines[nickAt] = "NICKNAME:" + vcardTextList(nicknames)
	}
	if bdayAt >= 0 && haveBDay {
		lines[bdayAt] = "BDAY:" + vcardDateValue(bday)
	}
	if !haveFN {
		fn = vcardNameFromN(n)
	}

	var b []byte
	b = vcardFold(b, "BEGIN:VCARD")
	b = vcardFold(b, "VERSION:3.0")
	b = vcardFold(b, "FN:"+vcardTextValue(fn))
	if nAt < 0 {
		b = vcardFold(b, nLine)
	}
	for _, l := range lines {
		if l != "" { // a reserved place that got no value
			b = vcardFold(b, l)
		}
	}
	return vcardFold(b, "END:VCARD")
}

// vcardN returns the value of N: each component a comma-separated list,
// the components separated by semicolons, empty trailing ones dropped.
func vcardN(n map[VCardProperty][]string) string {
	parts := make([]string, len(nComponents))
	for i, c := range nComponents {
		parts[i] = vcardTextList(n[c])
	}
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, ";")
}

// vcardADR returns the ADR property line with all seven components, or ""
// when none has a value.
func vcardADR(adr map[VCardProperty][]string) string {
	parts := make([]string, len(adrComponents))
	empty := true
	for i, c := range adrComponents {
		if len(adr[c]) > 0 {
			parts[i] = vcardTextValue(strings.Join(adr[c], ", "))
			empty = false
		}
	}
	if empty {
		return ""
	}
	return "ADR:" + strings.Join(parts, ";")
}

// vcardNameFromN derives a formatted name from the components of N in the
// order a Western name is written: prefix, given, additional, family,
// suffix.
func vcardNameFromN(n map[VCardProperty][]string) string {
	var words []string
	for _, c := range []VCardProperty{VCardHonorificPrefix, VCardGivenName, VCardAdditionalNames, VCardFamilyName, VCardHonorificSuffix} {
		words = append(words, n[c]...)
	}
	return strings.Join(words, " ")
}

// vcardTextList escapes each value and joins them with commas, the
// text-list of RFC 2426 §4.
func vcardTextList(values []string) string {
	escaped := make([]string, len(values))
	for i, v := range values {
		escaped[i] = vcardTextValue(v)
	}
	return strings.Join(escaped, ",")
}

// vcardTextValue escapes s as an RFC 2426 §4 text-value: backslash,
// semicolon and comma get a backslash, a line break (CRLF, CR or LF)
// becomes \n, and invalid UTF-8 and control characters other than tab
// become U+FFFD, since the grammar's SAFE-CHAR has no room for them.
func vcardTextValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				size = 2
			}
			b.WriteString(`\n`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// vcardURIValue writes s as a uri value: as it is, but for spaces and
// control characters, which a URI cannot hold and which would break the
// line, percent-encoded (RFC 3986 §2.1), and invalid UTF-8 as U+FFFD.
func vcardURIValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r <= 0x20 || r == 0x7f:
			b.WriteByte('%')
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&0xf])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// vcardDateValue writes a BDAY value: a value in the form of a Date/time
// attribute (see parseDateTime, the form [Validate] accepts) as the
// ISO 8601 date-time "2006-01-02T15:04:05" (RFC 2425 §5.8.4 has no space
// form and requires the seconds), anything else as text, so that it
// cannot break the line. A value Validate refuses, such as
// "1987-07-23 6:00", is not read as a date-time here either.
func vcardDateValue(s string) string {
	if t, ok := parseDateTime(s, false); ok {
		return t.Format("2006-01-02T15:04:05")
	}
	return vcardTextValue(s)
}

// vcardFold appends line to b with a CRLF, folded as RFC 2425 §5.8.1
// says: no line longer than 75 octets, excluding the line break, each
// continuation starting with one space (which counts toward its 75). A
// fold never splits a UTF-8 sequence; line is valid UTF-8, so stepping
// back to a rune start is enough.
func vcardFold(b []byte, line string) []byte {
	const maxOctets = 75
	limit := maxOctets
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b = append(b, line[:cut]...)
		b = append(b, "\r\n "...)
		line = line[cut:]
		limit = maxOctets - 1
	}
	b = append(b, line...)
	return append(b, "\r\n"...)
}
