package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/internal/bwcli"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// The agent is tested as the program Bravura runs: built with go build,
// fed agent input on stdin, its stdout parsed as agent output, against a
// safetest server over HTTPS whose certificate it trusts only through
// SSL_CERT_FILE.

var (
	buildOnce sync.Once
	agentPath string
	buildErr  error
)

// agentBinary builds the agent once per test process.
func agentBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bsafe-agent-")
		if err != nil {
			buildErr = err
			return
		}
		agentPath = filepath.Join(dir, "agent")
		// go test runs with the go command's directory first in PATH.
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		out, err := exec.Command(goTool, "build", "-o", agentPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return agentPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if agentPath != "" {
		os.RemoveAll(filepath.Dir(agentPath))
	}
	os.Exit(code)
}

const (
	adminEmail    = "admin@example.com"
	adminPassword = "sensitive-admin-master-pw"
	teamName      = "MPR AWS Safe Team"
	adPassword    = "sensitive-ad-pw"
)

// world is a seeded server and what the tests need to know about it.
type world struct {
	srv      *safetest.Server
	certPath string
	admin    *safetest.User
	team     *safetest.Team
	bonnil   *safetest.Collection // a user's collection, named after the profile ID
	shared   *safetest.Collection
	ad       string // "Active Directory", in BONNIL
	tmpl     string // "template"
	trashed  string // "Old VPN", in the trash
}

func newWorld(t *testing.T, gen safetest.Generation) *world {
	t.Helper()
	hook := func(r *http.Request, body []byte) {
		if bytes.Contains(body, []byte("sensitive-")) || strings.Contains(r.URL.String(), "sensitive-") {
			t.Errorf("plaintext on the wire: %s %s", r.Method, r.URL.Path)
		}
	}
	w := &world{srv: safetest.NewServer(safetest.WithGeneration(gen), safetest.WithRequestHook(hook))}
	t.Cleanup(w.srv.Close)
	w.certPath = filepath.Join(t.TempDir(), "safetest.pem")
	if err := w.srv.WriteCertificatePEM(w.certPath); err != nil {
		t.Fatal(err)
	}
	var err error
	must := func(id string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	if w.admin, err = w.srv.AddUser(safetest.UserSpec{Email: adminEmail, Password: adminPassword, KDF: safetest.PBKDF2(5000)}); err != nil {
		t.Fatal(err)
	}
	if w.team, err = w.srv.AddTeam(w.admin, safetest.TeamSpec{Name: teamName}); err != nil {
		t.Fatal(err)
	}
	if w.bonnil, err = w.srv.AddCollection(w.team, "BONNIL"); err != nil {
		t.Fatal(err)
	}
	if w.shared, err = w.srv.AddCollection(w.team, "Shared"); err != nil {
		t.Fatal(err)
	}
	w.ad = must(w.srv.AddItem(w.team, safetest.Item{
		Name: "Active Directory", CollectionIDs: []string{w.bonnil.ID},
		Login:  &safetest.Login{Username: "bonnil", Password: adPassword, URIs: []safetest.URI{{URI: "https://ad.example.com"}}},
		Fields: []safetest.Field{{Name: "assocID", Value: "bonnil"}, {Name: "AccountLink", Value: "ad:bonnil"}},
	}))
	w.tmpl = must(w.srv.AddItem(w.team, safetest.Item{
		Name: "template", Notes: "made from the template", CollectionIDs: []string{w.shared.ID},
		Login:  &safetest.Login{Username: "template-user", Password: "sensitive-template-pw"},
		Fields: []safetest.Field{{Name: "assocID", Value: "template"}, {Name: "AccountLink", Value: "ad:template"}},
	}))
	w.trashed = must(w.srv.AddItem(w.team, safetest.Item{Name: "Old VPN", CollectionIDs: []string{w.bonnil.ID},
		Login: &safetest.Login{Password: "sensitive-vpn"}}))
	c, err := safe.NewClient(w.srv.URL, safe.WithHTTPClient(w.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoginPassword(t.Context(), adminEmail, adminPassword); err != nil {
		t.Fatal(err)
	}
	if err := c.Items.Delete(t.Context(), w.trashed); err != nil { // to the trash
		t.Fatal(err)
	}
	return w
}

// input is agent input for op on the world's team, with extra pairs (key,
// value, key, value, …) and the listDeleted option if set.
func (w *world) input(op string, listDeleted bool, pairs ...string) *kvgroup.Group {
	g := kvgroup.New("", "")
	g.Add("operation", op)
	addr := g.AddGroup("address", "")
	addr.Add("server", w.srv.URL)
	addr.Add("organizationName", teamName)
	if listDeleted {
		addr.Add("listDeleted", "true")
	}
	g.Add("adminid", adminEmail)
	g.Add("adminpw", adminPassword)
	g.Add("timeout", "60")
	for i := 0; i+1 < len(pairs); i += 2 {
		g.Add(pairs[i], pairs[i+1])
	}
	return g
}

// run runs the agent binary on the input text and returns its parsed
// output, its stderr and its exit code.
func (w *world) run(t *testing.T, input []byte, args ...string) (*kvgroup.Group, string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), agentBinary(t), args...)
	// Nothing of the test's environment but the certificate to trust:
	// the agent must find the server's CA through SSL_CERT_FILE.
	cmd.Env = []string{"SSL_CERT_FILE=" + w.certPath, "HOME=" + t.TempDir()}
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running the agent: %v", err)
	}
	for _, s := range []string{adminPassword, adPassword, "sensitive-"} {
		if bytes.Contains(stdout.Bytes(), []byte(s)) || bytes.Contains(stderr.Bytes(), []byte(s)) {
			t.Errorf("the agent's output holds a secret (%q)", s[:10])
		}
	}
	out, perr := kvgroup.ParseBytes(stdout.Bytes())
	if perr != nil {
		t.Fatalf("the agent's stdout is not a KVGroup: %v\n%s\nstderr: %s", perr, stdout.String(), stderr.String())
	}
	return out, stderr.String(), code
}

// do runs op and requires the given retval and exit code 0.
func (w *world) do(t *testing.T, in *kvgroup.Group, wantRetval string) *kvgroup.Group {
	t.Helper()
	out, stderr, code := w.run(t, kvgroup.Format(in))
	if code != 0 {
		t.Fatalf("%s: exit code %d, stderr %s", in.Get("operation"), code, stderr)
	}
	if got := out.Get("retval"); got != wantRetval {
		t.Fatalf("%s: retval %q (errmsg %q), want %s\n%s", in.Get("operation"), got, out.Get("errmsg"), wantRetval, kvgroup.Format(out))
	}
	return out
}

// accounts returns the account groups of an output by long ID.
func accounts(out *kvgroup.Group) map[string]*kvgroup.Group {
	m := map[string]*kvgroup.Group{}
	for _, a := range out.Groups("account") {
		m[a.Name] = a
	}
	return m
}

// attrValues returns the values of the named attr of an account group.
func attrValues(acct *kvgroup.Group, name string) []string {
	if a := acct.Group("attr", name); a != nil {
		return a.Values("value")
	}
	return nil
}

var generations = []struct {
	name string
	gen  safetest.Generation
	cli  string
}{{"Gen2023", safetest.Gen2023, bwcli.V2023}, {"GenCurrent", safetest.GenCurrent, bwcli.V2026}}

// TestAgentOperations drives the binary through every operation the Safe
// connector supports, on both server generations, and checks each
// answer against what the server holds.
func TestAgentOperations(t *testing.T) {
	for _, g := range generations {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, g.gen)

			out := w.do(t, w.input("serverinfo", false), "0")
			if out.Get("version") == "" {
				t.Errorf("serverinfo: no version\n%s", kvgroup.Format(out))
			}

			// Listings: the trashed item only with listDeleted.
			out = w.do(t, w.input("listusers", false), "0")
			accts := accounts(out)
			ad := accts[w.ad]
			if ad == nil || accts[w.tmpl] == nil || accts[w.trashed] != nil {
				t.Fatalf("listusers: accounts %v; want AD and template, not the trashed item", keys(accts))
			}
			if ad.Get("shortid") != "Active Directory" || ad.Get("fullname") != "Active Directory" {
				t.Errorf("listusers: AD shortid %q fullname %q", ad.Get("shortid"), ad.Get("fullname"))
			}
			for name, want := range map[string][]string{
				"_collectionNames": {"BONNIL"}, "collectionIds": {w.bonnil.ID}, "username": {"bonnil"},
				"uri": {"https://ad.example.com"}, "assocID": {"bonnil"}, "AccountLink": {"ad:bonnil"}, "deleted": {"0"},
			} {
				if got := attrValues(ad, name); !slices.Equal(got, want) {
					t.Errorf("listusers: AD %s = %q, want %q", name, got, want)
				}
			}
			if ad.Group("group", w.bonnil.ID) == nil {
				t.Errorf("listusers: AD is not listed in the BONNIL group\n%s", kvgroup.Format(ad))
			}
			out = w.do(t, w.input("listusers", true), "0")
			if tr := accounts(out)[w.trashed]; tr == nil || !slices.Equal(attrValues(tr, "deleted"), []string{"1"}) {
				t.Errorf("listusers with listDeleted: the trashed item is missing or not marked deleted\n%s", kvgroup.Format(out))
			}
			// listattributes narrows the attributes.
			in := w.input("listusers", false)
			in.AddGroup("listattributes", "").AddValue("assocID")
			out = w.do(t, in, "0")
			if a := accounts(out)[w.ad]; a == nil || len(a.Groups("attr")) != 1 || attrValues(a, "assocID")[0] != "bonnil" {
				t.Errorf("listusers with listattributes assocID: %s", kvgroup.Format(a))
			}

			out = w.do(t, w.input("listgroups", false), "0")
			var bonnilGroup *kvgroup.Group
			for _, grp := range out.Groups("group") {
				if grp.Name == w.bonnil.ID {
					bonnilGroup = grp
				}
			}
			if bonnilGroup == nil || bonnilGroup.Get("shortid") != "BONNIL" || bonnilGroup.Group("member", w.ad) == nil {
				t.Fatalf("listgroups: BONNIL missing, misnamed or without AD as a member\n%s", kvgroup.Format(out))
			}
			out = w.do(t, w.input("listmembers", false, "groupid", w.bonnil.ID), "0")
			if len(out.Groups("member")) == 0 {
				t.Errorf("listmembers: no members\n%s", kvgroup.Format(out))
			}

			// One account: by ID, and by its unique name.
			for _, id := range []string{w.ad, "Active Directory"} {
				out = w.do(t, w.input("checkuser", false, "acctid", id), "0")
				if accounts(out)[w.ad] == nil {
					t.Errorf("checkuser %q: %s", id, kvgroup.Format(out))
				}
			}
			out = w.do(t, w.input("userattributes", false, "acctid", w.ad), "0")
			if a := accounts(out)[w.ad]; a == nil || attrValues(a, "username")[0] != "bonnil" {
				t.Errorf("userattributes: %s", kvgroup.Format(out))
			}
			out = w.do(t, w.input("checktemplate", false, "modeluid", "template"), "0")
			if accounts(out)[w.tmpl] == nil {
				t.Errorf("checktemplate: %s", kvgroup.Format(out))
			}
			out = w.do(t, w.input("usergroups", false, "acctid", w.ad), "0")
			if out.Group("group", w.bonnil.ID) == nil {
				t.Errorf("usergroups: %s", kvgroup.Format(out))
			}

			// Passwords.
			out = w.do(t, w.input("verify", false, "acctid", w.ad, "oldpw", adPassword), "0")
			if out.Get("result") != "1" {
				t.Errorf("verify with the right password: result %q", out.Get("result"))
			}
			out = w.do(t, w.input("adminverify", false, "acctid", w.ad, "oldpw", "sensitive-wrong"), "14")
			if out.Get("result") != "0" {
				t.Errorf("adminverify with a wrong password: result %q", out.Get("result"))
			}
			w.do(t, w.input("change", false, "acctid", w.ad, "oldpw", "sensitive-wrong", "newpw", "sensitive-changed"), "14")
			w.do(t, w.input("change", false, "acctid", w.ad, "oldpw", adPassword, "newpw", "sensitive-changed"), "0")
			w.wantPassword(t, w.ad, "sensitive-changed")
			w.do(t, w.input("reset", false, "acctid", w.ad, "newpw", "sensitive-reset"), "0")
			w.wantPassword(t, w.ad, "sensitive-reset")
			w.do(t, w.input("verifyreset", false, "acctid", w.ad, "newpw", "sensitive-verifyreset"), "0")
			w.wantPassword(t, w.ad, "sensitive-verifyreset")

			// Groups: create, add and remove the item, delete.
			out = w.do(t, w.input("groupcreate", false, "groupid", "NEWGROUP"), "0")
			newGroup := out.Get("longid")
			if col, err := w.srv.Collection(newGroup); err != nil || col.Name != "NEWGROUP" {
				t.Fatalf("groupcreate: collection %q: %+v, %v", newGroup, col, err)
			}
			w.do(t, w.input("groupcreate", false, "groupid", "NEWGROUP"), "6")
			w.do(t, w.input("groupuseradd", false, "acctid", w.ad, "groupid", newGroup), "0")
			w.do(t, w.input("groupuseradd", false, "acctid", w.ad, "groupid", newGroup), "13")
			if it, _ := w.srv.Item(w.ad); !slices.Contains(it.CollectionIDs, newGroup) {
				t.Errorf("groupuseradd: the item is in %v, not in %s", it.CollectionIDs, newGroup)
			}
			w.do(t, w.input("groupuserdelete", false, "acctid", w.ad, "groupid", newGroup), "0")
			w.do(t, w.input("groupuserdelete", false, "acctid", w.ad, "groupid", newGroup), "9")
			if it, _ := w.srv.Item(w.ad); slices.Contains(it.CollectionIDs, newGroup) {
				t.Errorf("groupuserdelete: the item is still in %s", newGroup)
			}
			w.do(t, w.input("groupdelete", false, "groupid", newGroup), "0")
			if _, err := w.srv.Collection(newGroup); err == nil {
				t.Errorf("groupdelete: the collection is still there")
			}
			w.do(t, w.input("groupdelete", false, "groupid", newGroup), "12")

			// Create from the template, update, delete.
			in = w.input("create", false, "acctid", "Payroll", "modeluid", "template", "newpw", "sensitive-payroll")
			a := in.AddGroup("attributes", "")
			a.Add("DEFAULT-ACTION", "COPY")
			a.AddGroup("attribute", "assocID").Add("ACTION", "VALUE").Add("VALUE", "payroll")
			a.AddGroup("attribute", "_collectionNames").Add("ACTION", "VALUE").Add("VALUE", "BONNIL").Add("VALUE", "Shared")
			a.AddGroup("attribute", "notes").Add("ACTION", "IGNORE")
			out = w.do(t, in, "0")
			created := out.Get("longid")
			it, err := w.srv.Item(created)
			if err != nil {
				t.Fatalf("create: no item %q: %v\n%s", created, err, kvgroup.Format(out))
			}
			if it.Name != "Payroll" || it.Login == nil || it.Login.Password != "sensitive-payroll" || it.Login.Username != "template-user" || it.Notes != "" {
				t.Errorf("create: item %q, username %q, notes %q; want Payroll with the new password, the template's username and no notes",
					it.Name, it.Login.Username, it.Notes)
			}
			if fields := fieldMap(it.Fields); fields["assocID"] != "payroll" || fields["AccountLink"] != "ad:template" {
				t.Errorf("create: fields %v; want assocID payroll and AccountLink copied", fields)
			}
			if !sameSet(it.CollectionIDs, []string{w.bonnil.ID, w.shared.ID}) {
				t.Errorf("create: collections %v, want BONNIL and Shared", it.CollectionIDs)
			}
			w.do(t, in, "6") // the name is taken now

			in = w.input("update", false, "acctid", created)
			in.AddGroup("attributes", "").AddGroup("attribute", "username").Add("ACTION", "VALUE").Add("VALUE", "payroll-user")
			w.do(t, in, "0")
			if it, _ := w.srv.Item(created); it.Login == nil || it.Login.Username != "payroll-user" {
				t.Errorf("update: username not set")
			}

			w.do(t, w.input("delete", false, "acctid", created), "0")
			if slices.Contains(w.srv.ItemIDs(), created) {
				t.Errorf("delete: the item still exists (in the trash?); delete through the connector is permanent")
			}
			w.do(t, w.input("delete", false, "acctid", created), "7")
		})
	}
}

// TestAgentBadInput: failures are outputs with their codes and exit code
// 0; only a broken input stream exits non-zero.
func TestAgentBadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t, safetest.Gen2023)
	w.do(t, w.input("frobnicate", false), "2")
	w.do(t, w.input("reset", false, "newpw", "sensitive-x"), "1") // no acctid
	w.do(t, w.input("reset", false, "acctid", "no such item", "newpw", "sensitive-x"), "7")
	w.do(t, w.input("groupuseradd", false, "acctid", w.ad, "groupid", "no such collection"), "12")
	w.do(t, w.input("groupuseradd", false, "acctid", w.ad, "groupid", w.bonnil.ID), "13")
	w.do(t, w.input("create", false, "acctid", "X", "modeluid", "no such template", "newpw", "sensitive-x"), "8")

	in := w.input("listusers", false)
	in.Set("adminpw", "sensitive-wrong-master-pw")
	w.do(t, in, "11")
	in = w.input("listusers", false)
	in.Group("address", "").Set("organizationName", "No Such Team")
	w.do(t, in, "5")

	in = w.input("create", false, "acctid", "X", "modeluid", "template", "newpw", "sensitive-x")
	in.AddGroup("attributes", "").AddGroup("attribute", "assocID").Add("ACTION", "EXPLODE")
	out := w.do(t, in, "1")
	if !strings.Contains(out.Get("errmsg"), "assocID") {
		t.Errorf("a malformed attributes group: errmsg %q does not name the attribute", out.Get("errmsg"))
	}
	if slices.ContainsFunc(w.srv.ItemIDs(), func(id string) bool { it, _ := w.srv.Item(id); return it.Name == "X" }) {
		t.Errorf("bad input created an item")
	}

	for _, broken := range []string{"", `"" "" = { "operation" = "listusers" `, "\"\" \"\" = { \"adminpw\" = \"sensitive-admin-master-pw\" oops"} {
		out, stderr, code := w.run(t, []byte(broken))
		if code != exitBroken || out.Get("retval") != "1" || stderr == "" {
			t.Errorf("broken input %q: exit %d, retval %q, stderr %q; want exit %d, retval 1 and a message",
				broken, code, out.Get("retval"), stderr, exitBroken)
		}
	}
}

// TestAgentResetReadByOfficialCLI: a password the agent reset is what the
// official Bitwarden CLI reads from the server.
func TestAgentResetReadByOfficialCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("the official CLI is slow; go test without -short runs it")
	}
	t.Parallel()
	var names []string
	for _, g := range generations {
		names = append(names, g.name)
	}
	// Both at once: a server and a CLI data directory each.
	bwcli.Concurrently(t, names, func(t *testing.T, i int) {
		g := generations[i]
		w := newWorld(t, g.gen)
		const newPW = "sensitive-reset-for-the-cli"
		w.do(t, w.input("reset", false, "acctid", "Active Directory", "newpw", newPW), "0")
		cli := bwcli.New(t, g.cli, w.srv.URL, w.certPath)
		if _, err := cli.Login(adminEmail, adminPassword); err != nil {
			t.Fatalf("bw login: %v", err)
		}
		var item struct {
			Login struct {
				Password string `json:"password"`
			} `json:"login"`
			PasswordHistory []struct {
				Password string `json:"password"`
			} `json:"passwordHistory"`
		}
		// The login, after the reset, is a full sync: the CLI holds
		// the item as the agent left it.
		if err := cli.JSONOnItem(&item, "get", "item", w.ad); err != nil {
			t.Fatalf("bw get item: %v", err)
		}
		if item.Login.Password != newPW {
			t.Errorf("the CLI reads a password of %d characters, not the one the agent set", len(item.Login.Password))
		}
		if len(item.PasswordHistory) == 0 || item.PasswordHistory[0].Password != adPassword {
			t.Errorf("the CLI reads no password history with the old password")
		}
	})
}

func (w *world) wantPassword(t *testing.T, id, want string) {
	t.Helper()
	it, err := w.srv.Item(id)
	if err != nil || it.Login == nil || it.Login.Password != want {
		t.Errorf("item %s does not hold the expected password (err %v)", id, err)
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func fieldMap(fs []safetest.Field) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.Name] = f.Value
	}
	return m
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
