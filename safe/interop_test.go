package safe_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bsafe-go/bsafe/internal/bwcli"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// These tests put bsafe and the official Bitwarden CLI on one server: the
// 2023.9.1 CLI (Bravura era) against a Gen2023 server and the 2026.9.0 CLI
// against a current one. What bsafe writes, the CLI must decrypt exactly;
// what the CLI writes, bsafe must read exactly; and when bsafe edits an
// item the CLI wrote, the CLI must find nothing lost.

// cliItem is the JSON of "bw get item" and "bw create item".
type cliItem struct {
	ID             string     `json:"id,omitempty"`
	OrganizationID *string    `json:"organizationId"`
	FolderID       *string    `json:"folderId"`
	Type           int        `json:"type"`
	Reprompt       int        `json:"reprompt"`
	Name           string     `json:"name"`
	Notes          *string    `json:"notes"`
	Favorite       bool       `json:"favorite"`
	Fields         []cliField `json:"fields"`
	Login          *cliLogin  `json:"login"`
	SecureNote     any        `json:"secureNote,omitempty"`
	CollectionIDs  []string   `json:"collectionIds"`
	PasswordHist   []struct {
		Password string `json:"password"`
	} `json:"passwordHistory,omitempty"`
	RevisionDate string `json:"revisionDate,omitempty"`
}

type cliField struct {
	Name     string  `json:"name"`
	Value    *string `json:"value"`
	Type     int     `json:"type"`
	LinkedID *int    `json:"linkedId"`
}

type cliLogin struct {
	URIs     []cliURI `json:"uris"`
	Username *string  `json:"username"`
	Password *string  `json:"password"`
	TOTP     *string  `json:"totp"`
}

type cliURI struct {
	Match *int   `json:"match"`
	URI   string `json:"uri"`
}

func str(s string) *string { return &s }

type interopEnv struct {
	*env
	cli *bwcli.CLI
}

func newInterop(t *testing.T, version string, gen safetest.Generation, opts ...safe.Option) *interopEnv {
	t.Helper()
	return loginInterop(t, newEnv(t, gen, opts...), version)
}

// loginInterop logs a fresh CLI in to e's server as e's user. The login
// is a full sync: what is on the server by then, the CLI holds without a
// "bw sync" of its own.
func loginInterop(t *testing.T, e *env, version string) *interopEnv {
	t.Helper()
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := e.srv.WriteCertificatePEM(pem); err != nil {
		t.Fatal(err)
	}
	cli := bwcli.New(t, version, e.srv.URL, pem)
	// The 2023.9.1 CLI does not normalise the e-mail it is given before
	// unlocking (its vault then lists as empty); give it the lower-case form.
	if _, err := cli.Login(strings.ToLower(testEmail), testPassword); err != nil {
		t.Fatalf("bw login: %v", err)
	}
	return &interopEnv{env: e, cli: cli}
}

// cliGet syncs the CLI and reads one item.
func (ie *interopEnv) cliGet(t *testing.T, id string) cliItem {
	t.Helper()
	var it cliItem
	if err := ie.cli.GetItemAfterSync(&it, id, true); err != nil {
		t.Fatalf("bw sync + bw get item: %v", err)
	}
	return it
}

var interopPairs = []struct {
	version string
	gen     safetest.Generation
}{{bwcli.V2023, safetest.Gen2023}, {bwcli.V2026, safetest.GenCurrent}}

// forEachCLI runs f for both pairs at once (bwcli.Concurrently: each has
// its own server and CLIs).
func forEachCLI(t *testing.T, f func(t *testing.T, version string, gen safetest.Generation)) {
	if testing.Short() {
		t.Skip("interop tests run the official CLI; skipped with -short")
	}
	var names []string
	for _, p := range interopPairs {
		names = append(names, "bw-"+p.version)
	}
	bwcli.Concurrently(t, names, func(t *testing.T, i int) {
		f(t, interopPairs[i].version, interopPairs[i].gen)
	})
}

// TestCLIReadsWhatBsafeWrote: items written by bsafe, with every field
// type, per-item keys on and off, personal and in a team collection.
//
// bsafe writes every item first, one client per item-key policy on the
// same server and account, and then one CLI logs in (its login syncs) and
// reads each of them: one CLI login per server generation, not one per
// policy, and no "bw sync" per item.
func TestCLIReadsWhatBsafeWrote(t *testing.T) {
	t.Parallel()
	forEachCLI(t, func(t *testing.T, version string, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		type written struct {
			policy safe.ItemKeyPolicy
			team   bool
			id     string
		}
		var items []written
		for _, policy := range []safe.ItemKeyPolicy{safe.ItemKeysNever, safe.ItemKeysAlways} {
			if policy == safe.ItemKeysAlways && gen == safetest.Gen2023 {
				continue // refused on 2023.8, which drops item keys (TestCreateUpdateDeleteRestorePurge)
			}
			client, _ := e.newClient(t, safe.WithItemKeys(policy))
			if err := client.LoginPassword(ctx, testEmail, testPassword); err != nil {
				t.Fatalf("login: %v", err)
			}
			for _, team := range []bool{false, true} {
				item := &safe.Item{
					Name: "written by bsafe", Notes: "sensitive-notes ✓\nline 2",
					Login: &safe.Login{Username: "bonnil", Password: "sensitive-pw", TOTP: "JBSWY3DPEHPK3PXP",
						URIs: safe.URIs{{URI: "https://ad.example.com", Match: safe.MatchExact}, {URI: "ldap://dc1"}}},
					Fields: safe.Fields{{Name: "assocID", Value: "bonnil"}, {Name: "hidden", Value: "sensitive-h", Type: safe.FieldHidden},
						{Name: "flag", Value: "true", Type: safe.FieldBoolean}, {Name: "pw", Type: safe.FieldLinked, LinkedID: 101}},
				}
				var opts []safe.CreateOption
				if team {
					item.TeamID = e.team.ID
					opts = append(opts, safe.InCollections(e.col.ID))
				}
				created, err := client.Items.Create(ctx, item, opts...)
				if err != nil {
					t.Fatal(err)
				}
				items = append(items, written{policy, team, created.ID})
				if !team {
					// Shared into the team before the CLI logs in, the
					// personal item's copy is read as the team's,
					// decrypted under the team key: one more bw get.
					mine, err := client.Items.Create(ctx, item)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := client.Items.Share(ctx, mine.ID, e.team.ID, e.col.ID); err != nil {
						t.Fatalf("Share: %v", err)
					}
					items = append(items, written{policy, true, mine.ID})
				}
			}
		}
		ie := loginInterop(t, e, version)
		for _, w := range items {
			var got cliItem
			if err := ie.cli.JSONOnItem(&got, "get", "item", w.id); err != nil {
				t.Fatalf("bw get item: %v", err)
			}
			exact, linked := 3, 101
			want := cliItem{
				ID: w.id, Type: 1, Name: "written by bsafe", Notes: str("sensitive-notes ✓\nline 2"),
				Fields: []cliField{{Name: "assocID", Value: str("bonnil")}, {Name: "hidden", Value: str("sensitive-h"), Type: 1},
					{Name: "flag", Value: str("true"), Type: 2}, {Name: "pw", Type: 3, LinkedID: &linked}},
				Login: &cliLogin{Username: str("bonnil"), Password: str("sensitive-pw"), TOTP: str("JBSWY3DPEHPK3PXP"),
					URIs: []cliURI{{URI: "https://ad.example.com", Match: &exact}, {URI: "ldap://dc1"}}},
				CollectionIDs: []string{},
			}
			if w.team {
				want.OrganizationID, want.CollectionIDs = &e.team.ID, []string{e.col.ID}
			}
			got.RevisionDate = ""
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("policy %v, team %v: the CLI read (-want +got):\n%s", w.policy, w.team, diff)
			}
		}
	})
}

// TestBsafeReadsAndEditsWhatCLIWrote: the CLI creates and edits an item,
// bsafe reads exactly that, then edits it, and the CLI finds nothing lost.
func TestBsafeReadsAndEditsWhatCLIWrote(t *testing.T) {
	t.Parallel()
	forEachCLI(t, func(t *testing.T, version string, gen safetest.Generation) {
		ie := newInterop(t, version, gen)
		ctx := t.Context()
		exact, never, linked := 3, 5, 100
		in := cliItem{
			OrganizationID: &ie.team.ID, Type: 1, Name: "written by the CLI", Notes: str("first notes"),
			Fields: []cliField{{Name: "assocID", Value: str("before-edit"), Type: 0}, {Name: "hidden", Value: str("sensitive-cli-hidden"), Type: 1},
				{Name: "flag", Value: str("false"), Type: 2}, {Name: "user-link", Type: 3, LinkedID: &linked}},
			Login: &cliLogin{Username: str("cli-user"), Password: str("sensitive-cli-pw"),
				URIs: []cliURI{{URI: "https://cli.example.com", Match: &exact}, {URI: "https://other.example.com", Match: &never}}},
			CollectionIDs: []string{ie.col.ID},
		}
		enc, err := bwcli.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		var created cliItem
		if err := ie.cli.JSON(&created, "create", "item", enc, "--organizationid", ie.team.ID); err != nil {
			t.Fatalf("bw create item: %v", err)
		}

		// bw edit item: change the notes and a field value.
		created.Notes = str("cli notes\nsecond line")
		created.Fields[0].Value = str("cli-user")
		edited, err := bwcli.Encode(created)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ie.cli.RunOnItem("edit", "item", created.ID, edited); err != nil {
			t.Fatalf("bw edit item: %v", err)
		}

		if err := ie.client.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		it, err := ie.client.Items.Get(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantItem := &safe.Item{ID: created.ID, TeamID: ie.team.ID, CollectionIDs: []string{ie.col.ID}, Type: safe.TypeLogin,
			Name: "written by the CLI", Notes: "cli notes\nsecond line",
			Login: &safe.Login{Username: "cli-user", Password: "sensitive-cli-pw",
				URIs: safe.URIs{{URI: "https://cli.example.com", Match: safe.MatchExact}, {URI: "https://other.example.com", Match: safe.MatchNever}}},
			Fields: safe.Fields{{Name: "assocID", Value: "cli-user"}, {Name: "hidden", Value: "sensitive-cli-hidden", Type: safe.FieldHidden},
				{Name: "flag", Value: "false", Type: safe.FieldBoolean}, {Name: "user-link", Type: safe.FieldLinked, LinkedID: 100}},
		}
		if diff := cmp.Diff(wantItem, it, itemOpts...); diff != "" {
			t.Errorf("bsafe read (-want +got):\n%s", diff)
		}

		before := ie.cliGet(t, created.ID)
		it.Fields = append(it.Fields, safe.Field{Name: "AccountLink", Value: "AD:cli-user"})
		if _, err := ie.client.Items.Update(ctx, it); err != nil {
			t.Fatal(err)
		}
		if _, err := ie.client.Items.SetPassword(ctx, it.ID, "sensitive-rotated"); err != nil {
			t.Fatal(err)
		}
		after := ie.cliGet(t, created.ID)
		// Everything but the edits must be as the CLI wrote it.
		want := before
		want.Fields = append(slices.Clone(before.Fields), cliField{Name: "AccountLink", Value: str("AD:cli-user")})
		want.Login.Password = str("sensitive-rotated")
		if len(after.PasswordHist) != 1 || after.PasswordHist[0].Password != "sensitive-cli-pw" {
			t.Errorf("password history after rotation: %+v", after.PasswordHist)
		}
		want.PasswordHist, want.RevisionDate = after.PasswordHist, after.RevisionDate
		if diff := cmp.Diff(want, after, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("after bsafe's edit the CLI reads (-want +got):\n%s", diff)
		}
	})
}

var itemOpts = []cmp.Option{
	cmpopts.IgnoreUnexported(safe.Item{}, safe.Login{}, safe.URI{}, safe.Field{}, safe.PasswordHistoryEntry{}),
	cmpopts.IgnoreFields(safe.Item{}, "CreationDate", "RevisionDate", "Edit", "ViewPassword", "HasItemKey"),
	cmpopts.EquateEmpty(),
}
