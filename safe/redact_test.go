package safe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestItemsNeverPrintSecrets prints an item, its parts and a client in
// every common way and checks that no decrypted value shows.
func TestItemsNeverPrintSecrets(t *testing.T) {
	t.Parallel()
	it := &Item{ID: "item-1", TeamID: "team-1", Type: TypeLogin, Name: "sensitive-name", Notes: "sensitive-notes",
		Login: &Login{Username: "sensitive-user", Password: "sensitive-pw", TOTP: "sensitive-totp",
			URIs: []URI{{URI: "https://sensitive-uri"}}},
		Card:            &Card{Number: "sensitive-4111"},
		Identity:        &Identity{SSN: "sensitive-ssn"},
		SSHKey:          &SSHKey{PrivateKey: "sensitive-ssh"},
		Fields:          []Field{{Name: "sensitive-fname", Value: "sensitive-fvalue", Type: FieldHidden}},
		PasswordHistory: []PasswordHistoryEntry{{Password: "sensitive-old", LastUsedDate: time.Now()}},
	}
	c := newFakeClient(t, nil)
	c.sess.access = "sensitive-token"
	var out bytes.Buffer
	for _, v := range []any{it, *it, it.Login, *it.Login, it.Card, it.Identity, it.SSHKey, it.Fields, it.Fields[0],
		it.PasswordHistory, c, struct{ I *Item }{it}, []*Item{it}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("item", "item", it, "login", it.Login, "client", c, "fields", it.Fields, "uris", it.Login.URIs, "history", it.PasswordHistory)
	slog.New(slog.NewTextHandler(&out, nil)).Info("item", "item", *it, "login", *it.Login)
	if strings.Contains(out.String(), "sensitive-") {
		t.Errorf("a secret was printed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "item-1") || !strings.Contains(out.String(), "REDACTED") {
		t.Errorf("output lacks the ID or the redaction marker:\n%s", out.String())
	}
}

// canaryItem is an item with a distinct canary in every string that is
// encrypted on the wire. TestCanaryItemCoversEveryField keeps it complete
// as the types grow.
func canaryItem() *Item {
	c := func(s string) string { return "sensitive-canary-" + s }
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &Item{
		ID: "item-1", TeamID: "team-1", FolderID: "folder-1", CollectionIDs: []string{"col-1"},
		Type: TypeLogin, Name: c("name"), Notes: c("notes"), Favorite: true, Reprompt: true,
		Login: &Login{Username: c("username"), Password: c("password"), TOTP: c("totp"),
			URIs: URIs{{URI: c("uri"), Match: MatchExact}}, PasswordRevisionDate: t0},
		SecureNote: &SecureNote{},
		Card: &Card{CardholderName: c("cardholder"), Brand: c("brand"), Number: c("number"),
			ExpMonth: c("expmonth"), ExpYear: c("expyear"), Code: c("code")},
		Identity: &Identity{Title: c("title"), FirstName: c("first"), MiddleName: c("middle"), LastName: c("last"),
			Address1: c("addr1"), Address2: c("addr2"), Address3: c("addr3"), City: c("city"), State: c("state"),
			PostalCode: c("postal"), Country: c("country"), Company: c("company"), Email: c("email"),
			Phone: c("phone"), SSN: c("ssn"), Username: c("idusername"), PassportNumber: c("passport"),
			LicenseNumber: c("license")},
		SSHKey:          &SSHKey{PrivateKey: c("sshpriv"), PublicKey: c("sshpub"), KeyFingerprint: c("sshfp")},
		Fields:          Fields{{Name: c("fieldname"), Value: c("fieldvalue"), Type: FieldHidden}, {Name: c("linkname"), Type: FieldLinked, LinkedID: 101}},
		PasswordHistory: PasswordHistory{{Password: c("oldpassword"), LastUsedDate: t0}},
		CreationDate:    t0, RevisionDate: t0,
	}
}

// canaries returns every canary string in v, walking structs, pointers
// and slices; notCanary collects the strings that are not canaries, with
// their paths.
func canaries(v reflect.Value, path string, found *[]string, notCanary *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			canaries(v.Elem(), path, found, notCanary)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				canaries(v.Field(i), path+"."+f.Name, found, notCanary)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			canaries(v.Index(i), fmt.Sprintf("%s[%d]", path, i), found, notCanary)
		}
	case reflect.String:
		if s := v.String(); strings.HasPrefix(s, "sensitive-canary-") {
			*found = append(*found, s)
		} else {
			*notCanary = append(*notCanary, path+"="+s)
		}
	}
}

// TestCanaryItemCoversEveryField fails when Item or one of its parts gains
// a string that canaryItem leaves without a canary: the redaction tests
// would not see it leak.
func TestCanaryItemCoversEveryField(t *testing.T) {
	t.Parallel()
	var found, other []string
	canaries(reflect.ValueOf(canaryItem()), "Item", &found, &other)
	// The IDs are not encrypted on the wire, and the second field is a
	// linked one, which has no value.
	want := []string{"Item.ID=item-1", "Item.TeamID=team-1", "Item.FolderID=folder-1", "Item.CollectionIDs[0]=col-1", "Item.Fields[1].Value="}
	if diff := cmp.Diff(want, other); diff != "" {
		t.Errorf("strings without a canary (-want +got):\n%s", diff)
	}
	if len(found) < 35 {
		t.Errorf("only %d canaries", len(found))
	}
}

// redactionShapes are the ways a program may hold items and their parts
// when it logs, prints or encodes them.
func redactionShapes() map[string]any {
	it := canaryItem()
	col := &Collection{ID: "col-1", TeamID: "team-1", Name: "sensitive-canary-collection"}
	fol := &Folder{ID: "folder-1", Name: "sensitive-canary-folder"}
	type holder struct {
		Item   *Item
		Value  Item
		Logins []Login
		ByName map[string]*Item
		Fields Fields
	}
	return map[string]any{
		"*Item":                it,
		"Item":                 *it,
		"[]*Item":              []*Item{it, nil},
		"[]Item":               []Item{*it},
		"map[string]*Item":     map[string]*Item{"k": it},
		"map[string]Item":      map[string]Item{"k": *it},
		"struct{*Item}":        struct{ I *Item }{it},
		"struct{Item}":         struct{ I Item }{*it},
		"holder":               holder{it, *it, []Login{*it.Login}, map[string]*Item{"k": it}, it.Fields},
		"*holder":              &holder{it, *it, []Login{*it.Login}, map[string]*Item{"k": it}, it.Fields},
		"*Login":               it.Login,
		"Login":                *it.Login,
		"[]Login":              []Login{*it.Login},
		"[]*Login":             []*Login{it.Login},
		"map[string]Login":     map[string]Login{"k": *it.Login},
		"URIs":                 it.Login.URIs,
		"[]URI":                []URI(it.Login.URIs),
		"URI":                  it.Login.URIs[0],
		"*Card":                it.Card,
		"[]Card":               []Card{*it.Card},
		"*Identity":            it.Identity,
		"[]Identity":           []Identity{*it.Identity},
		"*SSHKey":              it.SSHKey,
		"[]SSHKey":             []SSHKey{*it.SSHKey},
		"Fields":               it.Fields,
		"[]Field":              []Field(it.Fields),
		"Field":                it.Fields[0],
		"PasswordHistory":      it.PasswordHistory,
		"[]PasswordHistoryEnt": []PasswordHistoryEntry(it.PasswordHistory),
		"PasswordHistoryEntry": it.PasswordHistory[0],
		"*Collection":          col,
		"[]Collection":         []Collection{*col},
		"[]*Collection":        []*Collection{col},
		"*Folder":              fol,
		"[]Folder":             []Folder{*fol},
		"map[string]*Folder":   map[string]*Folder{"k": fol},
	}
}

// TestRedactionThroughJSONSlogAndFmt encodes, logs and prints each shape
// and checks that no canary shows. Without the MarshalJSON methods the
// encoding/json and slog JSONHandler cases fail (slog resolves LogValuer
// only at the top level and encodes the rest with encoding/json).
func TestRedactionThroughJSONSlogAndFmt(t *testing.T) {
	t.Parallel()
	for name, v := range redactionShapes() {
		check := func(how, out string) {
			t.Helper()
			if strings.Contains(out, "sensitive-") {
				t.Errorf("%s of %s shows a secret:\n%s", how, name, out)
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Errorf("json.Marshal(%s): %v", name, err)
		}
		check("encoding/json", string(b))
		ib, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Errorf("json.MarshalIndent(%s): %v", name, err)
		}
		check("encoding/json indented", string(ib))
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v, slog.Group("g", "v", v))
		if strings.Contains(buf.String(), "!ERROR") {
			t.Errorf("slog JSON of %s: %s", name, buf.String())
		}
		check("slog JSONHandler", buf.String())
		buf.Reset()
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v, slog.Group("g", "v", v))
		check("slog TextHandler", buf.String())
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			check("fmt "+verb, fmt.Sprintf(verb, v))
		}
	}
}

// TestRedactedJSONShape pins what the redacted encodings hold, so that a
// marker, not an empty or broken value, stands for each secret.
func TestRedactedJSONShape(t *testing.T) {
	t.Parallel()
	it := canaryItem()
	for _, tc := range []struct {
		v    any
		want string
	}{
		{it, `{"id":"item-1","type":"login","team":"team-1"}`},
		{[]Login{*it.Login}, `["REDACTED"]`},
		{it.Login.URIs[0], `"REDACTED"`},
		{it.Card, `"REDACTED"`},
		{it.Identity, `"REDACTED"`},
		{it.SSHKey, `"REDACTED"`},
		{it.Fields[0], `"REDACTED"`},
		{it.PasswordHistory[0], `"REDACTED"`},
		{it.Fields, `"[2 fields REDACTED]"`},
		{it.Login.URIs, `"[1 URIs REDACTED]"`},
		{it.PasswordHistory, `"[1 passwords REDACTED]"`},
		{Collection{ID: "c", TeamID: "t", Name: "n"}, `{"id":"c","team":"t"}`},
		{&Folder{ID: "f", Name: "n"}, `{"id":"f"}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("json.Marshal(%T) = %s, %v; want %s", tc.v, b, err, tc.want)
		}
	}
}

// TestPlaintextJSONExportsEverything checks that the one plaintext export
// carries every canary, in the Bitwarden export member names.
func TestPlaintextJSONExportsEverything(t *testing.T) {
	t.Parallel()
	it := canaryItem()
	b, err := it.PlaintextJSON()
	if err != nil {
		t.Fatal(err)
	}
	var found, other []string
	canaries(reflect.ValueOf(it), "Item", &found, &other)
	for _, s := range found {
		if !strings.Contains(string(b), `"`+s+`"`) {
			t.Errorf("PlaintextJSON lacks %s:\n%s", s, b)
		}
	}
	var m struct {
		ID             string `json:"id"`
		OrganizationID string `json:"organizationId"`
		Type           int    `json:"type"`
		Reprompt       int    `json:"reprompt"`
		Login          struct {
			Password string `json:"password"`
			URIs     []struct {
				URI   string `json:"uri"`
				Match *int   `json:"match"`
			} `json:"uris"`
		} `json:"login"`
		Card struct {
			Number string `json:"number"`
		} `json:"card"`
		Fields []struct {
			Name     string `json:"name"`
			Value    string `json:"value"`
			Type     int    `json:"type"`
			LinkedID *int   `json:"linkedId"`
		} `json:"fields"`
		PasswordHistory []struct {
			Password string `json:"password"`
		} `json:"passwordHistory"`
		RevisionDate time.Time `json:"revisionDate"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "item-1" || m.OrganizationID != "team-1" || m.Type != 1 || m.Reprompt != 1 ||
		m.Login.Password != "sensitive-canary-password" || len(m.Login.URIs) != 1 ||
		m.Login.URIs[0].Match == nil || *m.Login.URIs[0].Match != 3 || // MatchExact is 3 on the wire
		m.Card.Number != "sensitive-canary-number" || len(m.Fields) != 2 || m.Fields[0].Type != 1 ||
		m.Fields[0].LinkedID != nil || m.Fields[1].LinkedID == nil || *m.Fields[1].LinkedID != 101 ||
		len(m.PasswordHistory) != 1 || m.PasswordHistory[0].Password != "sensitive-canary-oldpassword" ||
		!m.RevisionDate.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("PlaintextJSON = %s", b)
	}
	if b, err := (*Item)(nil).PlaintextJSON(); err != nil || string(b) != "null" {
		t.Errorf("nil item: %s, %v", b, err)
	}
}
