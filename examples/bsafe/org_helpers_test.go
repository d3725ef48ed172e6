package main

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// orgEnv is a testEnv whose user (alice) owns a team "Ops" with three
// collections (alice's own two folders besides), one group, and a second
// member, bob, a plain user with read-only access to "Servers" only. Carol
// is invited, has accepted, and waits to be confirmed.
type orgEnv struct {
	*testEnv
	key               string // alice's session key
	team              *safetest.Team
	servers, db, zeta *safetest.Collection
	group             *safetest.Group
	bob, carol        *safetest.User
	bobMember         *safetest.Member
	carolID           string // carol's membership ID
	folderA, folderB  *safetest.Folder
	withKey           map[string]string
}

const (
	bobEmail   = "bob@example.com"
	carolEmail = "carol@example.com"
)

func newOrgEnv(t *testing.T, gen safetest.Generation) *orgEnv {
	t.Helper()
	e := &orgEnv{testEnv: newTestEnv(t, gen)}
	srv := e.srv
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	e.team, err = srv.AddTeam(e.user, safetest.TeamSpec{Name: "Ops"})
	must(err)
	e.bob, err = srv.AddUser(safetest.UserSpec{Email: bobEmail, Name: "Bob", Password: testPassword, KDF: safetest.PBKDF2(5000)})
	must(err)
	e.carol, err = srv.AddUser(safetest.UserSpec{Email: carolEmail, Password: testPassword, KDF: safetest.PBKDF2(5000)})
	must(err)
	// Out of name order, to see the sort.
	e.zeta, err = srv.AddCollection(e.team, "zeta")
	must(err)
	e.servers, err = srv.AddCollection(e.team, "Servers")
	must(err)
	e.db, err = srv.AddCollection(e.team, "Databases")
	must(err)
	e.bobMember, err = srv.AddMember(e.team, e.bob, safetest.RoleUser, safetest.CollectionAccess{CollectionID: e.servers.ID, ReadOnly: true})
	must(err)
	e.group, err = srv.AddGroup(e.team, "Admins", e.bobMember.ID)
	must(err)
	e.folderB, err = srv.AddFolder(e.user, "work")
	must(err)
	e.folderA, err = srv.AddFolder(e.user, "Home")
	must(err)

	// Carol: invited by alice through the SDK, then accepted.
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	must(err)
	must(c.LoginPassword(t.Context(), testEmail, testPassword))
	invited, err := c.Members.Invite(t.Context(), e.team.ID, safe.Invitation{Emails: []string{carolEmail}, Role: safe.RoleUser})
	must(err)
	e.carolID = invited[0].ID
	_, err = srv.AcceptInvite(e.team, e.carol)
	must(err)

	e.key = e.login()
	e.withKey = map[string]string{"BW_SESSION": e.key}
	return e
}

// asBob is a second app-data directory on the same server, logged in as
// bob; it returns his session environment.
func (e *orgEnv) asBob() (*testEnv, map[string]string) {
	e.t.Helper()
	b := &testEnv{t: e.t, srv: e.srv, user: e.bob, dir: filepath.Join(e.t.TempDir(), "bob"), env: e.env}
	b.mustRun("", nil, "config", "server", e.srv.URL)
	key := b.mustRun("", nil, "login", bobEmail, "--passwordenv", "BW_PASSWORD", "--raw")
	checkSessionKey(e.t, key)
	return b, map[string]string{"BW_SESSION": key}
}

// list runs a list command with alice's key and decodes its JSON array.
func (e *orgEnv) list(args ...string) []map[string]any {
	e.t.Helper()
	return decodeList(e.t, e.mustRun("", e.withKey, append([]string{"list"}, args...)...))
}

func decodeList(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil || out == nil {
		t.Fatalf("not a JSON array: %q: %v", s, err)
	}
	return out
}

func decodeObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil || out == nil {
		t.Fatalf("not a JSON object: %q: %v", s, err)
	}
	return out
}

// encJSON is the base64 of v's JSON, as "bw encode" makes it.
func encJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// namesOf is the "name" member of each object.
func namesOf(list []map[string]any) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i], _ = o["name"].(string)
	}
	return out
}

// jsonOf is v as the generic JSON values decodeList yields, for comparing
// expected objects with cmp.
func jsonOf(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
