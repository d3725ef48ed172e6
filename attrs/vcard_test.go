package attrs_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bsafe-go/bsafe/attrs"
)

// vcardDef returns a definition of type t mapped to the vCard property p.
func vcardDef(id string, t attrs.Type, p attrs.VCardProperty) *attrs.Definition {
	d := attrs.NewDefinition(id, t)
	d.VCard = p
	d.MaxValues = attrs.Unlimited
	return d
}

// crlf joins lines into the text of a card: each line ends in CRLF.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// seedSchema maps profile attributes to every property of seed 003's
// example card, in the order the card lists its properties.
func seedSchema() attrs.Schema {
	return attrs.Schema{
		vcardDef("EMAIL", attrs.String, attrs.VCardEmail),
		vcardDef("STREET", attrs.String, attrs.VCardStreet),
		vcardDef("CITY", attrs.String, attrs.VCardLocality),
		vcardDef("PROVINCE", attrs.String, attrs.VCardRegion),
		vcardDef("POSTAL_CODE", attrs.String, attrs.VCardPostalCode),
		vcardDef("COUNTRY", attrs.String, attrs.VCardCountry),
		vcardDef("BIRTHDATE", attrs.DateTime, attrs.VCardBirthday),
		vcardDef("CELL_PHONE", attrs.String, attrs.VCardCellPhone),
		vcardDef("COMPANY", attrs.String, attrs.VCardOrganization),
		vcardDef("FAX", attrs.String, attrs.VCardFax),
		vcardDef("FULL_NAME", attrs.String, attrs.VCardFormattedName),
		vcardDef("LAST_NAME", attrs.String, attrs.VCardFamilyName),
		vcardDef("FIRST_NAME", attrs.String, attrs.VCardGivenName),
		vcardDef("NICKNAME", attrs.String, attrs.VCardNickname),
		vcardDef("NOTES", attrs.Memo, attrs.VCardNote),
		vcardDef("HOME_PHONE", attrs.String, attrs.VCardHomePhone),
		vcardDef("JOB_TITLE", attrs.String, attrs.VCardTitle),
		vcardDef("WEBSITE", attrs.Link, attrs.VCardURL),
		vcardDef("WORK_PHONE", attrs.String, attrs.VCardWorkPhone),
		// Not mapped: never on the card.
		attrs.NewDefinition("DEPARTMENT", attrs.String),
	}
}

func seedProfile() attrs.Values {
	return attrs.New(
		"FULL_NAME", "John Doe",
		"FIRST_NAME", "John",
		"LAST_NAME", "Doe",
		"EMAIL", "doejo@example.net",
		"STREET", "1401 1st Street SE",
		"CITY", "Calgary",
		"PROVINCE", "AB",
		"POSTAL_CODE", "T2G 2J3",
		"COUNTRY", "Canada",
		"BIRTHDATE", "1987-07-23 06:00:00",
		"CELL_PHONE", "403-555-4535",
		"COMPANY", "Bravura Security",
		"FAX", "403-555-2545",
		"NICKNAME", "Johnny",
		"NOTES", "Contractor until 2015-12-31",
		"HOME_PHONE", "403-555-6543",
		"JOB_TITLE", "Developer",
		"WEBSITE", "http://www.bravurasecurity.com",
		"WORK_PHONE", "403-555-6541",
		"DEPARTMENT", "R&D",
	)
}

// TestVCardSeedExampleCard: seed 003, "Below is an example of a vCard
// contact record, saved as a .vcf file". The seed prints the card on one
// line; its properties, one to a line, are:
//
//	BEGIN:VCARD
//	VERSION:3.0
//	FN:John Doe
//	EMAIL:doejo@example.net
//	ADR:;;1401 1st Street SE;Calgary;AB;T2G 2J3;Canada
//	BDAY:1987-07-23 06:00:00
//	TEL;TYPE=CELL:403-555-4535
//	ORG:Bravura Security
//	TEL;TYPE=FAX:403-555-2545
//	FN:John Doe
//	N:Doe;John
//	NICKNAME:Johnny
//	NOTE:Contractor until 2015-12-31
//	TEL;TYPE=HOME:403-555-6543
//	TITLE:Developer
//	URL:http://www.bravurasecurity.com
//	TEL;TYPE=WORK:403-555-6541
//	END:VCARD
//
// bsafe's card differs in two lines, both decided in [attrs.Schema.VCard]:
// FN is written once (the seed's second "FN:John Doe", between the fax
// number and N, repeats the first; RFC 2426 §3.1.1 needs one formatted
// name and a second identical one carries nothing), and BDAY is the
// ISO 8601 date-time "1987-07-23T06:00:00" that RFC 2425 §5.8.4 defines,
// not the seed's "1987-07-23 06:00:00" with a space. Every other line,
// and the order, is the seed's.
func TestVCardSeedExampleCard(t *testing.T) {
	want := crlf(
		"BEGIN:VCARD",
		"VERSION:3.0",
		"FN:John Doe",
		"EMAIL:doejo@example.net",
		"ADR:;;1401 1st Street SE;Calgary;AB;T2G 2J3;Canada",
		"BDAY:1987-07-23T06:00:00",
		"TEL;TYPE=CELL:403-555-4535",
		"ORG:Bravura Security",
		"TEL;TYPE=FAX:403-555-2545",
		"N:Doe;John",
		"NICKNAME:Johnny",
		"NOTE:Contractor until 2015-12-31",
		"TEL;TYPE=HOME:403-555-6543",
		"TITLE:Developer",
		"URL:http://www.bravurasecurity.com",
		"TEL;TYPE=WORK:403-555-6541",
		"END:VCARD",
	)
	if got := string(seedSchema().VCard(seedProfile())); got != want {
		t.Errorf("VCard of the seed's profile =\n%s\nwant\n%s", got, want)
	}
}

// TestVCardAttributeNamesFoldCase: the profile's attribute names match the
// definitions' IDs as attribute names do, without regard to ASCII case.
func TestVCardAttributeNamesFoldCase(t *testing.T) {
	s := attrs.Schema{vcardDef("EMAIL", attrs.String, attrs.VCardEmail)}
	got := string(s.VCard(attrs.New("email", "doejo@example.net")))
	if !strings.Contains(got, "\r\nEMAIL:doejo@example.net\r\n") {
		t.Errorf("VCard = %q, want the EMAIL line of attribute \"email\"", got)
	}
}

// TestVCardEmptyProfile: RFC 2426 §3.1.1 and §3.1.2 say FN and N "MUST be
// present", so a schema with a mapping gives a complete card even for a
// profile without values (or with only blank ones), N right after FN
// when no attribute maps to it.
func TestVCardEmptyProfile(t *testing.T) {
	s := attrs.Schema{
		vcardDef("EMAIL", attrs.String, attrs.VCardEmail),
		vcardDef("STREET", attrs.String, attrs.VCardStreet),
		vcardDef("NICKNAME", attrs.String, attrs.VCardNickname),
		vcardDef("BIRTHDATE", attrs.DateTime, attrs.VCardBirthday),
	}
	want := crlf("BEGIN:VCARD", "VERSION:3.0", "FN:", "N:", "END:VCARD")
	for name, profile := range map[string]attrs.Values{
		"nil":    nil,
		"absent": attrs.New("OTHER", "x"),
		"blank":  attrs.New("EMAIL", "", "STREET", "", "NICKNAME", "", "BIRTHDATE", ""),
		"empty":  {{Name: "EMAIL"}, {Name: "STREET"}},
	} {
		if got := string(s.VCard(profile)); got != want {
			t.Errorf("%s profile: VCard = %q, want %q", name, got, want)
		}
	}
}

// TestVCardNothingMapped: seed 003, "When at least one profile and request
// attribute is mapped to a vCard property, users can view profile
// information as a vCard contact record": without a mapping there is no
// card, and VCard returns nil.
func TestVCardNothingMapped(t *testing.T) {
	pw := vcardDef("PASSWORD", attrs.Password, attrs.VCardNote) // never written, so no mapping
	for name, s := range map[string]attrs.Schema{
		"nil schema":    nil,
		"no mapping":    {attrs.NewDefinition("EMAIL", attrs.String)},
		"nil only":      {nil},
		"password only": {pw},
		"invalid only":  {vcardDef("X", attrs.String, "X-CUSTOM")},
	} {
		if got := s.VCard(attrs.New("EMAIL", "doejo@example.net", "PASSWORD", "sensitive-pw", "X", "x")); got != nil {
			t.Errorf("%s: VCard = %q, want nil", name, got)
		}
	}
}

// TestVCardFNDerivedFromN: FN "MUST be present" (RFC 2426 §3.1.1); without
// an attribute mapped to FN, or without a value for it, bsafe derives it
// from N: prefix, given, additional, family, suffix.
func TestVCardFNDerivedFromN(t *testing.T) {
	s := attrs.Schema{
		vcardDef("FULL_NAME", attrs.String, attrs.VCardFormattedName),
		vcardDef("LAST", attrs.String, attrs.VCardFamilyName),
		vcardDef("FIRST", attrs.String, attrs.VCardGivenName),
		vcardDef("MIDDLE", attrs.String, attrs.VCardAdditionalNames),
		vcardDef("PREFIX", attrs.String, attrs.VCardHonorificPrefix),
		vcardDef("SUFFIX", attrs.String, attrs.VCardHonorificSuffix),
	}
	profile := attrs.New("FULL_NAME", "", "LAST", "Public", "FIRST", "John", "MIDDLE", "Quinlan", "PREFIX", "Mr.", "SUFFIX", "Esq.")
	want := crlf("BEGIN:VCARD", "VERSION:3.0",
		"FN:Mr. John Quinlan Public Esq.",
		"N:Public;John;Quinlan;Mr.;Esq.",
		"END:VCARD")
	if got := string(s.VCard(profile)); got != want {
		t.Errorf("VCard = %q, want %q", got, want)
	}
	// A given name alone: FN is that name; N keeps the empty family name
	// before it and drops the empty trailing components.
	want = crlf("BEGIN:VCARD", "VERSION:3.0", "FN:John", "N:;John", "END:VCARD")
	if got := string(s.VCard(attrs.New("FIRST", "John"))); got != want {
		t.Errorf("given name only: VCard = %q, want %q", got, want)
	}
}

// TestVCardADRKeepsAllComponents: RFC 2426 §3.2.1 wants ADR's components
// "specified in their corresponding position", as the seed's
// "ADR:;;1401 1st Street SE;…" keeps its empty PO box and extended
// address: one value gives all seven components. Several values of one
// component are one text value joined by ", " (the ADR grammar has no
// lists), with the comma escaped.
func TestVCardADRKeepsAllComponents(t *testing.T) {
	s := attrs.Schema{
		vcardDef("POBOX", attrs.String, attrs.VCardPOBox),
		vcardDef("EXT", attrs.String, attrs.VCardExtendedAddress),
		vcardDef("STREET", attrs.String, attrs.VCardStreet),
		vcardDef("CITY", attrs.String, attrs.VCardLocality),
		vcardDef("REGION", attrs.String, attrs.VCardRegion),
		vcardDef("ZIP", attrs.String, attrs.VCardPostalCode),
		vcardDef("COUNTRY", attrs.String, attrs.VCardCountry),
	}
	for _, c := range []struct {
		profile attrs.Values
		adr     string
	}{
		{attrs.New("CITY", "Calgary"), "ADR:;;;Calgary;;;"},
		{attrs.New("COUNTRY", "Canada"), "ADR:;;;;;;Canada"},
		{attrs.New("POBOX", "PO Box 7"), "ADR:PO Box 7;;;;;;"},
		{attrs.New("POBOX", "1", "EXT", "2", "STREET", "3", "CITY", "4", "REGION", "5", "ZIP", "6", "COUNTRY", "7"), "ADR:1;2;3;4;5;6;7"},
		{attrs.Values{{Name: "STREET", Values: []string{"1401 1st Street SE", "", "Suite 200"}}}, `ADR:;;1401 1st Street SE\, Suite 200;;;;`},
		{attrs.New("CITY", "St. John's; NL"), `ADR:;;;St. John's\; NL;;;`},
	} {
		want := crlf("BEGIN:VCARD", "VERSION:3.0", "FN:", "N:", c.adr, "END:VCARD")
		if got := string(s.VCard(c.profile)); got != want {
			t.Errorf("VCard(%v) = %q, want %q", c.profile, got, want)
		}
	}
}

// TestVCardTextEscaping: RFC 2426 §4, ESCAPED-CHAR: "\\" encodes a
// backslash, "\;" a semicolon, "\," a comma, "\n" a line break. A colon
// and a double quote are text as they are. The structure separators of N
// (";" between components, "," between values) and NICKNAME (",") stay
// unescaped; the same characters inside a value are escaped. ORG's value
// is the organization name only: its semicolon does not start a unit.
func TestVCardTextEscaping(t *testing.T) {
	s := attrs.Schema{
		vcardDef("NOTES", attrs.Memo, attrs.VCardNote),
		vcardDef("LAST", attrs.String, attrs.VCardFamilyName),
		vcardDef("MIDDLE", attrs.String, attrs.VCardAdditionalNames),
		vcardDef("NICK", attrs.String, attrs.VCardNickname),
		vcardDef("COMPANY", attrs.String, attrs.VCardOrganization),
		vcardDef("FULL_NAME", attrs.String, attrs.VCardFormattedName),
	}
	profile := attrs.Values{
		{Name: "NOTES", Values: []string{`back\slash; semi, comma: colon "quote"`, "crlf\r\nlf\ncr\rend", "tab\tkept"}},
		{Name: "LAST", Values: []string{"Doe;Smith"}},
		{Name: "MIDDLE", Values: []string{"Paul", "Q,R"}},
		{Name: "NICK", Values: []string{"Johnny", "J, D"}},
		{Name: "COMPANY", Values: []string{"Bravura; Security"}},
		{Name: "FULL_NAME", Values: []string{`Doe, John\Jr`}},
	}
	want := crlf(
		"BEGIN:VCARD",
		"VERSION:3.0",
		`FN:Doe\, John\\Jr`,
		`NOTE:back\\slash\; semi\, comma: colon "quote"`,
		`NOTE:crlf\nlf\ncr\nend`,
		"NOTE:tab\tkept",
		`N:Doe\;Smith;;Paul,Q\,R`,
		`NICKNAME:Johnny,J\, D`,
		`ORG:Bravura\; Security`,
		"END:VCARD",
	)
	if got := string(s.VCard(profile)); got != want {
		t.Errorf("VCard =\n%q\nwant\n%q", got, want)
	}
}

// TestVCardURLIsNotText: URL's value is a uri (RFC 2426 §3.6.8), not
// text: its commas and semicolons are written as they are. Spaces and
// control characters, which no URI holds and which could break the line,
// are percent-encoded.
func TestVCardURLIsNotText(t *testing.T) {
	s := attrs.Schema{vcardDef("WEBSITE", attrs.Link, attrs.VCardURL)}
	got := string(s.VCard(attrs.New("WEBSITE", "http://example.net/a,b;c=d e\r\nf\\g")))
	if want := "\r\nURL:http://example.net/a,b;c=d%20e%0D%0Af\\g\r\n"; !strings.Contains(got, want) {
		t.Errorf("VCard = %q, want it to contain %q", got, want)
	}
}

// TestVCardMultiValues: EMAIL, TEL, URL, TITLE, ROLE, NOTE and ORG give
// one property line per value, in the place of their attribute (two
// attributes mapped to one property each in their own place); blank values
// are skipped; NICKNAME is one line, a comma-separated list of every
// value; FN and BDAY take the first value of the first attribute that has
// one.
func TestVCardMultiValues(t *testing.T) {
	s := attrs.Schema{
		vcardDef("FULL_NAME", attrs.String, attrs.VCardFormattedName),
		vcardDef("ALIAS", attrs.String, attrs.VCardFormattedName),
		vcardDef("EMAIL", attrs.String, attrs.VCardEmail),
		vcardDef("NICK", attrs.String, attrs.VCardNickname),
		vcardDef("CELL", attrs.String, attrs.VCardCellPhone),
		vcardDef("PHONE", attrs.String, attrs.VCardPhone),
		vcardDef("BIRTHDATE", attrs.DateTime, attrs.VCardBirthday),
		vcardDef("BIRTHDATE2", attrs.DateTime, attrs.VCardBirthday),
		vcardDef("ROLES", attrs.String, attrs.VCardRole),
		vcardDef("WEB", attrs.Link, attrs.VCardURL),
		vcardDef("NICK2", attrs.String, attrs.VCardNickname),
		vcardDef("EMAIL2", attrs.String, attrs.VCardEmail),
	}
	profile := attrs.Values{
		{Name: "FULL_NAME", Values: []string{"", "John Doe", "Johnathan Doe"}},
		{Name: "ALIAS", Values: []string{"JD"}},
		{Name: "EMAIL", Values: []string{"doejo@example.net", "", "john@example.com"}},
		{Name: "NICK", Values: []string{"Johnny", "Jo"}},
		{Name: "CELL", Values: []string{"403-555-4535", "403-555-0000"}},
		{Name: "PHONE", Values: []string{"403-555-1111"}},
		{Name: "BIRTHDATE", Values: []string{""}},
		{Name: "BIRTHDATE2", Values: []string{"1987-07-23", "1990-01-01"}},
		{Name: "ROLES", Values: []string{"Developer", "Reviewer"}},
		{Name: "WEB", Values: []string{"http://a.example", "http://b.example"}},
		{Name: "NICK2", Values: []string{"JD"}},
		{Name: "EMAIL2", Values: []string{"doe@example.org"}},
	}
	want := crlf(
		"BEGIN:VCARD",
		"VERSION:3.0",
		"FN:John Doe",
		"N:",
		"EMAIL:doejo@example.net",
		"EMAIL:john@example.com",
		"NICKNAME:Johnny,Jo,JD",
		"TEL;TYPE=CELL:403-555-4535",
		"TEL;TYPE=CELL:403-555-0000",
		"TEL:403-555-1111",
		"BDAY:1987-07-23",
		"ROLE:Developer",
		"ROLE:Reviewer",
		"URL:http://a.example",
		"URL:http://b.example",
		"EMAIL:doe@example.org",
		"END:VCARD",
	)
	if got := string(s.VCard(profile)); got != want {
		t.Errorf("VCard =\n%s\nwant\n%s", got, want)
	}
}

// TestVCardBirthday: a Date/time attribute's value ("2006-01-02 15:04:05"
// or "2006-01-02 15:04") is written as RFC 2425 §5.8.4's date-time, with
// "T" and seconds; a date is written as it is; anything else is escaped
// text, so that it cannot break the card.
func TestVCardBirthday(t *testing.T) {
	s := attrs.Schema{vcardDef("BIRTHDATE", attrs.DateTime, attrs.VCardBirthday)}
	for value, want := range map[string]string{
		"1987-07-23 06:00:00": "BDAY:1987-07-23T06:00:00",
		"1987-07-23 06:00":    "BDAY:1987-07-23T06:00:00",
		"1987-07-23":          "BDAY:1987-07-23",
		"23 July 1987; noon":  `BDAY:23 July 1987\; noon`,
		"1987-07-23 25:00:00": "BDAY:1987-07-23 25:00:00", // no such hour: not a date-time, written as text
		// A one-digit hour is not a Date/time value for Validate
		// (TestValidateDateTime), so not for VCard either: one reading.
		"1987-07-23 6:00":   "BDAY:1987-07-23 6:00",
		"1987-07-23\n06:00": `BDAY:1987-07-23\n06:00`,
	} {
		got := string(s.VCard(attrs.New("BIRTHDATE", value)))
		if !strings.Contains(got, "\r\n"+want+"\r\n") {
			t.Errorf("BIRTHDATE %q: VCard = %q, want the line %q", value, got, want)
		}
	}
}

// TestVCardFolding: RFC 2425 §5.8.1: "Lines of text SHOULD NOT be longer
// than 75 octets, excluding the line break", folded by a CRLF and one
// space; the space counts toward the continuation's 75 octets, so a
// continuation carries 74 octets of the line. A fold never splits a
// UTF-8 sequence: it moves before the character.
func TestVCardFolding(t *testing.T) {
	s := attrs.Schema{vcardDef("NOTES", attrs.Memo, attrs.VCardNote)}
	a := strings.Repeat
	for _, c := range []struct {
		name  string
		note  string
		lines []string // the NOTE line as written, folded
	}{
		{"exactly 75 octets", a("x", 70), []string{"NOTE:" + a("x", 70)}},
		{"76 octets", a("x", 71), []string{"NOTE:" + a("x", 70), " x"}},
		{"three lines", a("x", 70+74+5), []string{"NOTE:" + a("x", 70), " " + a("x", 74), " " + a("x", 5)}},
		// "é" is 2 octets, at octets 75 and 76 of the line: the fold
		// moves before it, leaving 74 octets.
		{"2-octet character across the fold", a("a", 69) + "éb", []string{"NOTE:" + a("a", 69), " éb"}},
		// "é" ends exactly at octet 75: no need to move the fold.
		{"2-octet character before the fold", a("a", 68) + "éb", []string{"NOTE:" + a("a", 68) + "é", " b"}},
		// "😀" is 4 octets, at octets 74 to 77.
		{"4-octet character across the fold", a("a", 68) + "😀b", []string{"NOTE:" + a("a", 68), " 😀b"}},
		// An escape sequence may be split: unfolding joins it again.
		{"escape across the fold", a("a", 69) + ";", []string{"NOTE:" + a("a", 69) + `\`, " ;"}},
		// Continuations hold 74 octets: a run of 3-octet characters
		// folds at 72 (24 characters) on the continuation.
		{"3-octet characters", a("a", 70) + a("€", 30), []string{"NOTE:" + a("a", 70), " " + a("€", 24), " " + a("€", 6)}},
	} {
		want := crlf(append(append([]string{"BEGIN:VCARD", "VERSION:3.0", "FN:", "N:"}, c.lines...), "END:VCARD")...)
		got := string(s.VCard(attrs.New("NOTES", c.note)))
		if got != want {
			t.Errorf("%s: VCard =\n%q\nwant\n%q", c.name, got, want)
		}
		checkCardLines(t, got)
	}
}

// TestVCardInvalidUTF8AndControls: the card is valid UTF-8 whatever the
// profile holds: each invalid byte becomes U+FFFD, and so does a control
// character other than tab and line breaks (RFC 2426 §4's SAFE-CHAR has no
// control characters), in text and in a uri.
func TestVCardInvalidUTF8AndControls(t *testing.T) {
	s := attrs.Schema{
		vcardDef("NOTES", attrs.Memo, attrs.VCardNote),
		vcardDef("WEB", attrs.Link, attrs.VCardURL),
	}
	got := string(s.VCard(attrs.New("NOTES", "a\xffb\xc3(\x00c\x1bd\x7fe", "WEB", "http://x/\xfe\x01")))
	want := crlf("BEGIN:VCARD", "VERSION:3.0", "FN:", "N:",
		"NOTE:a\uFFFDb\uFFFD(\uFFFDc\uFFFDd\uFFFDe",
		"URL:http://x/\uFFFD%01",
		"END:VCARD")
	if got != want {
		t.Errorf("VCard = %q, want %q", got, want)
	}
	checkCardLines(t, got)
}

// TestVCardPasswordNeverWritten: a Password attribute is never on the card,
// whatever it maps to: the card leaves the product (seed 003: into "the
// native contacts lists" of phones, as a QR code), where nothing protects
// a secret. An Encrypted attribute is written: the card shows what the
// caller passes, and encryption is about the database.
func TestVCardPasswordNeverWritten(t *testing.T) {
	encrypted := vcardDef("SSN", attrs.String, attrs.VCardNote)
	encrypted.Encrypted = true
	s := attrs.Schema{
		vcardDef("PASSWORD", attrs.Password, attrs.VCardNote),
		vcardDef("PIN", attrs.Password, attrs.VCardFormattedName),
		vcardDef("OLD_PW", attrs.Password, attrs.VCardFamilyName),
		encrypted,
	}
	got := string(s.VCard(attrs.New("PASSWORD", "sensitive-password", "PIN", "sensitive-pin", "OLD_PW", "sensitive-old", "SSN", "123-45-678")))
	if strings.Contains(got, "sensitive-") {
		t.Errorf("VCard wrote a password: %q", got)
	}
	want := crlf("BEGIN:VCARD", "VERSION:3.0", "FN:", "N:", "NOTE:123-45-678", "END:VCARD")
	if got != want {
		t.Errorf("VCard = %q, want %q", got, want)
	}
}

// TestVCardIgnoresBadDefinitions: a nil definition, one with an invalid
// property, and one repeating an earlier ID (as Schema.Lookup, the first
// wins) add nothing; Schema.Check reports them.
func TestVCardIgnoresBadDefinitions(t *testing.T) {
	s := attrs.Schema{
		nil,
		vcardDef("EMAIL", attrs.String, attrs.VCardEmail),
		vcardDef("X", attrs.String, "X-CUSTOM"),
		vcardDef("email", attrs.String, attrs.VCardNote),
	}
	want := crlf("BEGIN:VCARD", "VERSION:3.0", "FN:", "N:", "EMAIL:doejo@example.net", "END:VCARD")
	if got := string(s.VCard(attrs.New("EMAIL", "doejo@example.net", "X", "x"))); got != want {
		t.Errorf("VCard = %q, want %q", got, want)
	}
}

// checkCardLines checks the physical form of a card: valid UTF-8, every
// line ended by CRLF (no bare CR or LF), none longer than 75 octets.
func checkCardLines(t *testing.T, card string) {
	t.Helper()
	if !utf8.ValidString(card) {
		t.Errorf("card is not valid UTF-8: %q", card)
	}
	if !strings.HasSuffix(card, "\r\n") {
		t.Errorf("card does not end in CRLF: %q", card)
	}
	for i, line := range strings.Split(strings.TrimSuffix(card, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, more than 75: %q", i, len(line), line)
		}
	}
}

// unfoldCard undoes RFC 2425 §5.8.1 folding and splits the card into its
// logical lines.
func unfoldCard(card string) []string {
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(card, "\r\n ", ""), "\r\n"), "\r\n")
}

// unescapeText decodes an RFC 2426 text value; ok is false for a
// backslash that starts no ESCAPED-CHAR, or an unescaped ';' or ','.
func unescapeText(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", false
			}
			i++
			switch s[i] {
			case '\\', ';', ',':
				b.WriteByte(s[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", false
			}
		case ';', ',':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// expectedText is what a text value should read back as: independent of
// the code under test, it applies the documented replacements (invalid
// UTF-8 and controls other than tab to U+FFFD, CRLF, CR and LF to a line
// break).
func expectedText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteRune(utf8.RuneError) // an invalid byte
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FuzzVCard: whatever the values, the card parses back: valid UTF-8,
// CRLF line ends, no line over 75 octets, no bare CR or LF; unfolded,
// BEGIN, VERSION, FN, N first and END last, every line NAME[;params]:VALUE;
// and the NOTE and FN text values read back as the values written.
func FuzzVCard(f *testing.F) {
	f.Add("Contractor until 2015-12-31", "John Doe", "Johnny", "http://www.bravurasecurity.com", "1401 1st Street SE", "1987-07-23 06:00:00")
	f.Add(`a\b;c,d`, "x\r\ny", "a,b", "http://x/a b", "\xff\xfe", "1987-07-23")
	f.Add(strings.Repeat("é", 80), strings.Repeat("😀", 30), "", "", "", "")
	f.Add("\r", "\n", "\x00", "\x7f", ";", "not a date")
	names := []attrs.VCardProperty{attrs.VCardNote, attrs.VCardFormattedName, attrs.VCardNickname, attrs.VCardURL, attrs.VCardStreet, attrs.VCardBirthday}
	var s attrs.Schema
	for i, p := range names {
		s = append(s, vcardDef(fmt.Sprint("A", i), attrs.String, p))
	}
	s = append(s, vcardDef("GIVEN", attrs.String, attrs.VCardGivenName), vcardDef("CELL", attrs.String, attrs.VCardCellPhone))
	f.Fuzz(func(t *testing.T, note, fn, nick, url, street, bday string) {
		profile := attrs.New("A0", note, "A1", fn, "A2", nick, "A3", url, "A4", street, "A5", bday, "GIVEN", fn, "CELL", note)
		card := string(s.VCard(profile))
		checkCardLines(t, card)
		lines := unfoldCard(card)
		if len(lines) < 5 || lines[0] != "BEGIN:VCARD" || lines[1] != "VERSION:3.0" ||
			!strings.HasPrefix(lines[2], "FN:") || lines[len(lines)-1] != "END:VCARD" {
			t.Fatalf("card structure wrong: %q", lines)
		}
		var notes int
		for _, l := range lines {
			name, value, ok := strings.Cut(l, ":")
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				t.Errorf("line is not NAME:VALUE: %q", l)
				continue
			}
			switch name {
			case "NOTE":
				notes++
				if got, ok := unescapeText(value); !ok || got != expectedText(note) {
					t.Errorf("NOTE reads back as %q (ok %v), want %q", got, ok, expectedText(note))
				}
			case "FN":
				if fn == "" {
					break // derived from N, which holds the same value
				}
				if got, ok := unescapeText(value); !ok || got != expectedText(fn) {
					t.Errorf("FN reads back as %q (ok %v), want %q", got, ok, expectedText(fn))
				}
			}
		}
		if want := min(len(note), 1); notes != want {
			t.Errorf("%d NOTE lines for note %q, want %d", notes, note, want)
		}
	})
}

// A profile rendered as a .vcf file: attributes map to vCard properties
// through their definitions' VCard setting, N and ADR assembled from their
// components. The card's lines end in CRLF; they are printed here as plain
// lines.
func ExampleSchema_VCard() {
	mapped := func(id string, t attrs.Type, p attrs.VCardProperty) *attrs.Definition {
		d := attrs.NewDefinition(id, t)
		d.VCard = p
		return d
	}
	emails := mapped("EMAIL", attrs.String, attrs.VCardEmail)
	emails.MaxValues = attrs.Unlimited
	schema := attrs.Schema{
		mapped("FIRST_NAME", attrs.String, attrs.VCardGivenName),
		mapped("LAST_NAME", attrs.String, attrs.VCardFamilyName),
		emails,
		mapped("CITY", attrs.String, attrs.VCardLocality),
		mapped("COMPANY", attrs.String, attrs.VCardOrganization),
		mapped("PASSWORD", attrs.Password, attrs.VCardNote), // never on a card
	}
	profile := attrs.New(
		"FIRST_NAME", "John",
		"LAST_NAME", "Doe",
		"EMAIL", "doejo@example.net",
		"EMAIL", "john.doe@example.com",
		"CITY", "Calgary",
		"COMPANY", "Bravura Security, Inc.",
		"PASSWORD", "sensitive-secret",
	)
	card := schema.VCard(profile)
	fmt.Print(strings.ReplaceAll(string(card), "\r\n", "\n"))
	// Output:
	// BEGIN:VCARD
	// VERSION:3.0
	// FN:John Doe
	// N:Doe;John
	// EMAIL:doejo@example.net
	// EMAIL:john.doe@example.com
	// ADR:;;;Calgary;;;
	// ORG:Bravura Security\, Inc.
	// END:VCARD
}
