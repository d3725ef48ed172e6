package kvgroup_test

import (
	"io"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// seedCase is one example file from testdata (see testdata/README.md).
type seedCase struct {
	file     string
	dialect  kvgroup.Dialect
	fragment bool // a list of items: wrapped in "" "" = { ... }
	want     *kvgroup.Group
	err      *errWant
}

var seedCases = []seedCase{
	// Seed 003: restricted-value plugin.
	{
		file: "seed003-input-template-flat.kvg",
		// The first comment swallows the rest of the single line.
		err: &errWant{2, 1, "unexpected end of input, expected string or '}'"},
	},
	{
		file: "seed003-input-template.kvg",
		err:  &errWant{9, 26, "unexpected unquoted text"},
	},
	{
		file:    "seed003-input-template.kvg",
		dialect: kvgroup.V2,
		want: root(
			kv("attribute", "<attribute id>"),
			kv("module", "<idp|ids|idr|idwfm>"),
			kv("userid", "<profile ID>"),
			kv("requestID", "<request ID>"),
			kv("sessionid", "<session ID>"),
			kv("operation", "<operation type>"),
			kv("parent", "<parent attribute>"),
			kv("username", "<full name>"),
			sub("recipient", "<user>", val("...")),
			sub("request", "", val("...")),
			sub("requester", "user", val("...")),
			sub("viewer", "user", val("...")),
			sub("model", "user", val("...")),
		),
	},
	{
		file: "seed003-input-example.kvg",
		want: root(
			kv("attribute", "STATE"),
			kv("module", "idr"),
			kv("operation", "GRUA"),
			kv("parent", "COUNTY"),
			kv("requestID", "536C788C1D12B58CADCDCCE4FD0E3D62"),
			kv("sessionid", "Scced6c11-2387-4e0d-a09a-d42ed23360cc"),
			sub("viewer", "user",
				kv("id", "crysta.soria"),
				kv("name", "Crysta Soria"),
			),
		),
	},
	{
		file: "seed003-output-template-flat.kvg",
		err:  &errWant{2, 1, "unexpected end of input"},
	},
	{
		file: "seed003-output-template.kvg",
		want: root(
			kv("errmsg", "<return message>"),
			kv("retval", "0"),
			kv("restrictedvalue", "<value>"),
		),
	},
	{
		file: "seed003-parent-template-flat.kvg",
		err:  &errWant{1, 27, "unexpected '{', expected '='"},
	},
	{
		file:    "seed003-parent-template.kvg",
		dialect: kvgroup.V2,
		err:     &errWant{1, 27, "unexpected '{', expected '='"},
	},
	{
		file: "seed003-output-example.kvg",
		want: root(
			kv("errmsg", "success"),
			kv("restrictedvalue", "Alberta"),
			kv("restrictedvalue", "Quebec"),
			kv("restrictedvalue", "New York"),
			kv("restrictedvalue", "California"),
			kv("retval", "0"),
		),
	},
	{
		// "parent" = "US" = { ...: the pair "parent" = "US" is followed by
		// a stray '='.
		file: "seed003-output-parent-example.kvg",
		err:  &errWant{1, 55, "unexpected '=', expected string or '}'"},
	},
	{
		file:    "seed003-output-parent-example.kvg",
		dialect: kvgroup.V2,
		err:     &errWant{1, 55, "unexpected '='"},
	},
	{
		file: "seed003-output-parent-corrected.kvg",
		want: root(
			kv("restrictedvalue", "Other"),
			sub("parent", "US",
				kv("restrictedvalue", "NY"),
				kv("restrictedvalue", "WA"),
				kv("restrictedvalue", "TX"),
				kv("restrictedvalue", "CA"),
			),
			sub("parent", "CA",
				kv("restrictedvalue", "AB"),
				kv("restrictedvalue", "QC"),
			),
			kv("errmsg", "success"),
			kv("retval", "0"),
		),
	},

	// Seed 002: scripted connector operations.
	{
		file:     "seed002-listcomputers-columns.fragment",
		fragment: true,
		want:     root(kv("column", "ip"), kv("column", "os"), kv("column", "location")),
	},
	{
		file:     "seed002-listsubscribers-columns.fragment",
		fragment: true,
		want:     root(kv("column", "sid"), kv("column", "domain"), kv("column", "Comment"), kv("column", "islocal")),
	},
	{
		file:     "seed002-outputtype.fragment",
		fragment: true,
		want:     root(kv("outputType", "none"), kv("outputType", "single"), kv("outputType", "multiple")),
	},
	{
		file: "seed002-custom-operation.kvg",
		err:  &errWant{1, 3, "unexpected unquoted text, expected string (group key)"},
	},
	{
		file:    "seed002-custom-operation.kvg",
		dialect: kvgroup.V2,
		want:    grp("operation", "custom_customop", kv("outputType", "xxx")),
	},

	// bravura-reference.md §1–2 and kvgroup.md.
	{
		file: "ref-capitals.kvg",
		want: grp("capitals", "world capitals grouped by continent",
			sub("NA", "North America",
				kv("USA", "Washington"),
				kv("Canada", "Ottawa"),
			),
			sub("Eur", "Europe",
				kv("Britain", "London"),
			),
		),
	},
	{
		file: "ref-stream.kvg",
		// Parse reads one document only.
		err: &errWant{7, 1, "unexpected string after the end of the document"},
	},
	{
		file: "ref-agent-input-list.kvg",
		want: root(
			kv("address", "agtdos.psl"),
			kv("adminid", "null"),
			kv("adminpw", "<encrypted password value>"),
			kv("hostid", "DOS"),
			kv("listdbfilename", `C:\Program Files\Hitachi ID\IDM Suite\default\psconfig\AGTDOS.db`),
			kv("operation", "listobj"),
			kv("platformname", "Win32 Console Script"),
			kv("timeout", "-1"),
			sub("listattributes", ""),
		),
	},
	{
		file: "ref-agent-input-termdebug.kvg",
		err:  &errWant{16, 8, "unexpected unquoted text"},
	},
	{
		file:    "ref-agent-input-termdebug.kvg",
		dialect: kvgroup.V2,
		want: root(
			kv("address", "telnet_unix.psl"),
			kv("adminid", "root"),
			kv("adminpw", "<encrypted password value>"),
			kv("hostid", "SSH1"),
			kv("listfilename", `C:\listing-test.txt`),
			kv("instance", "globoco"),
			sub("listresource", ""),
			kv("operation", "list"),
			kv("timeout", "30"),
			sub("termdebug", "",
				kv("address", "127.0.0.1"),
				kv("port", "3210"),
				val("..."),
			),
		),
	},
	{
		file: "ref-attributes.kvg",
		err:  &errWant{9, 24, "unexpected unquoted text"},
	},
	{
		file:    "ref-attributes.kvg",
		dialect: kvgroup.V2,
		want: grp("attributes", "",
			kv("DEFAULT-ACTION", "COPY"),
			sub("attribute", "givenName",
				kv("SEQUENCE", "0"),
				kv("GROUP", "0"),
				kv("ACTION", "VALUE"),
				kv("VALUE", "John"),
			),
			sub("attribute", "sn", val("...")),
		),
	},
	{
		file: "ref-connection-credential.kvg",
		want: grp("ConnectionCredential", "",
			sub("AdminCredential", "", kv("admin1", "{AES}…"), kv("admin2", "{AES}…")),
			sub("SysCredential", "", kv("sysadm1", "{AES}…")),
		),
	},
	{
		file: "ref-plugin-output.kvg",
		want: root(
			kv("errmsg", ""),
			kv("retval", "0"),
			sub("authorizer", "marliese.capek", kv("email", "marliese.capek@norse.bravurasecurity.com")),
		),
	},
	{
		file: "ref-attribute-values.kvg",
		want: grp("attribute", "<attribute ID>",
			sub("value", "", kv("value", "<value>")),
		),
	},
	{
		file: "ref-submit-buttons.kvg",
		want: grp("submit-buttons", "", kv("", "")),
	},
	{
		file:     "ref-op-allowed.fragment",
		fragment: true,
		want:     root(kv("OP_ALLOWED", "NETRES"), kv("OP_ALLOWED", "CREATE")),
	},
	{
		file:     "ref-escapes.fragment",
		fragment: true,
		want: root(
			kv("listdbfilename", `C:\Program Files\Hitachi ID\IDM Suite\default\psconfig\AGTDOS.db`),
			kv("PS_LOCK_DIR", `C:\Program Files\Bravura Security\Bravura Security Fabric\Locks\`),
			kv("command", `c:\cywgin\bin\bash -c "/bin/telnet.exe localhost 3210 | tee /tmp/log1; sleep 3600"`),
			kv("errmsg", ""),
			kv("retval", "0"),
		),
	},
	{
		file: "ref-v2-departments.kvg",
		// No header, so Auto reads V1, where ';' is not allowed.
		err: &errWant{1, 29, "unexpected ';'"},
	},
	{
		file:    "ref-v2-departments.kvg",
		dialect: kvgroup.V2,
		want:    grp("departments", "", val("sales"), val("marketing")),
	},
	{
		file:     "ref-v2-lists.fragment",
		dialect:  kvgroup.V2,
		fragment: true,
		want: root(
			sub("listGroups", "", val("CN=IT,…"), val("CN=Sales,…")),
			sub("objects", "", val("ACCT"), val("ASSET"), val("GRP"), val("ROLE")),
			sub("regBlacklist", "", val(`^IDAPISOAP\\endpoints`), val("SENDER_EMAIL"), val("ServerAddress")),
			kv("system", "false"),
		),
	},
	{
		file: "ref-v2-updinst.kvg",
		want: grp("updinst", "cfg"),
	},
	{
		file:    "ref-v2-updinst.kvg",
		dialect: kvgroup.V2,
		want:    grp("updinst", "cfg"),
	},
	{
		file: "ref-v2-con-template.kvg", // has a KVGROUP-V2.0 header: Auto reads V2
		want: grp("<name>", "",
			kv("agent", "<binaryToRun>"),
			kv("script", "<script>"),
			kv("category", "<category>"),
			kv("platform", "<platformId>"),
			kv("description", "<languageTagName>"),
		),
	},
	{
		file:    "ref-v2-con-template.kvg",
		dialect: kvgroup.V1, // forced V1: bare tokens are errors
		err:     &errWant{2, 1, "unexpected unquoted text"},
	},
	{
		file: "spec-v1-example.kvg",
		want: root(
			kv("errmsg", "success"),
			kv("restrictedvalue", "Alberta"),
			kv("restrictedvalue", "Quebec"),
			sub("parent", "US", kv("restrictedvalue", "NY")),
			sub("listattributes", ""),
		),
	},
	{
		file: "spec-v2-example.kvg",
		want: grp("agtbsafe", "",
			kv("agent", "agtpython.exe"),
			kv("script", "agtbsafe.py"),
			kv("category", "SCRIPT"),
			sub("objects", "", val("ACCT"), val("ASSET"), val("GRP"), val("ROLE")),
			sub("listGroups", "", val("CN=IT,OU=G"), val("CN=Sales,OU=G")),
		),
	},
}

func TestSeedExamples(t *testing.T) {
	t.Parallel()
	for _, tc := range seedCases {
		t.Run(tc.file+"/"+tc.dialect.String(), func(t *testing.T) {
			t.Parallel()
			text := readTestdata(t, tc.file)
			if tc.fragment {
				text = "\"\" \"\" = {\n" + text + "}\n"
			}
			g, err := kvgroup.ParseStringWith(text, tc.dialect, kvgroup.Limits{})
			if tc.err != nil {
				if g != nil {
					t.Errorf("got a group along with the error")
				}
				wantSyntaxError(t, err, *tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantTree(t, g, tc.want)
			roundTrip(t, g)
		})
	}
}

// TestSeedStream reads the two-document stream of bravura-reference §1.2
// with a Decoder and checks the headers.
func TestSeedStream(t *testing.T) {
	t.Parallel()
	dec := kvgroup.NewDecoder(strings.NewReader(readTestdata(t, "ref-stream.kvg")))
	want := []*kvgroup.Group{
		grp("prequest", "", kv("description", "PREQ1"), kv("itemID", "PREQ1")),
		grp("prequest", "", kv("description", "PREQ2"), kv("itemID", "PREQ2")),
	}
	for i, w := range want {
		if !dec.More() {
			t.Fatalf("More() = false before document %d", i)
		}
		g, err := dec.Decode()
		if err != nil {
			t.Fatal(err)
		}
		wantTree(t, g, w)
		if h := dec.Header(); h != "KVGROUP-V1.0" {
			t.Errorf("document %d: Header() = %q", i, h)
		}
	}
	if dec.More() {
		t.Fatal("More() = true after the last document")
	}
	if _, err := dec.Decode(); err != io.EOF {
		t.Fatalf("Decode at end: %v, want io.EOF", err)
	}
}

// TestSeedHeaders checks the header exposed for the spec examples.
func TestSeedHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ file, header string }{
		{"spec-v1-example.kvg", "KVGROUP-V1.0"},
		{"spec-v2-example.kvg", "KVGROUP-V2.0"},
		{"ref-capitals.kvg", ""},
	} {
		dec := kvgroup.NewDecoder(strings.NewReader(readTestdata(t, tc.file)))
		if _, err := dec.Decode(); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if got := dec.Header(); got != tc.header {
			t.Errorf("%s: Header() = %q, want %q", tc.file, got, tc.header)
		}
	}
}
