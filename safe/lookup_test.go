package safe_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// seedFilterVault adds items that each filter tells apart: personal and
// team items, in a folder and not, of three types, with names, usernames,
// URIs and notes that Search must or must not match. It returns the IDs
// by label.
func seedFilterVault(t *testing.T, e *env) map[string]string {
	t.Helper()
	folder, err := e.srv.AddFolder(e.user, "Work")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	add := func(label string, owner safetest.Owner, it safetest.Item) {
		t.Helper()
		if _, ok := owner.(*safetest.Team); ok {
			it.CollectionIDs = []string{e.col.ID}
		}
		id, err := e.srv.AddItem(owner, it)
		if err != nil {
			t.Fatal(err)
		}
		ids[label] = id
	}
	add("personal-login", e.user, safetest.Item{Name: "Mail", FolderID: folder.ID,
		Login:  &safetest.Login{Username: "jane", URIs: []safetest.URI{{URI: "https://mail.example.com"}}},
		Fields: []safetest.Field{{Name: "assocID", Value: "mail-jane"}, {Name: "env", Value: "prod"}}})
	add("personal-card", e.user, safetest.Item{Name: "Visa", FolderID: folder.ID, Card: &safetest.Card{Number: "4111"},
		Fields: []safetest.Field{{Name: "assocID", Value: "MAIL-JANE"}}})
	add("personal-note", e.user, safetest.Item{Type: safetest.TypeSecureNote, Name: "Recovery codes", Notes: "the word Needle is in the notes only",
		Fields: []safetest.Field{{Name: "associd", Value: "mail-jane"}}})
	add("team-login", e.team, safetest.Item{Name: "db01 admin",
		Login:  &safetest.Login{Username: "NEEDLE-user", URIs: []safetest.URI{{URI: "ssh://db01"}}},
		Fields: []safetest.Field{{Name: "assocID", Value: "db01-admin"}, {Name: "env", Value: "prod"}}})
	add("team-login-uri", e.team, safetest.Item{Name: "Wiki",
		Login:  &safetest.Login{Username: "svc", URIs: []safetest.URI{{URI: "https://wiki.example.com"}, {URI: "https://haystack-NeEdLe.example.com"}}},
		Fields: []safetest.Field{{Name: "env", Value: "prod"}, {Name: "assocID", Value: "wiki-svc"}, {Name: "assocID", Value: "db01-admin"}}})
	add("team-card", e.team, safetest.Item{Name: "Corporate needle card", Card: &safetest.Card{Number: "5500"}})
	ids["folder"] = folder.ID
	return ids
}

// listLabels lists the items that pass the filters, as seed labels.
func listLabels(t *testing.T, e *env, ids map[string]string, filters ...safe.Filter) []string {
	t.Helper()
	label := map[string]string{}
	for l, id := range ids {
		label[id] = l
	}
	items, err := e.client.Items.List(t.Context(), filters...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, label[it.ID])
	}
	slices.Sort(out)
	return out
}

// TestFilters checks each filter against seeded items whose expected
// selection is written out by hand; turning any filter into a no-op (or
// dropping the check in query.match) fails its case.
func TestFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.Gen2023)
	ids := seedFilterVault(t, e)
	for _, tc := range []struct {
		name    string
		filters []safe.Filter
		want    []string
	}{
		{"none", nil, []string{"personal-card", "personal-login", "personal-note", "team-card", "team-login", "team-login-uri"}},
		{"InTeam", []safe.Filter{safe.InTeam(e.team.ID)}, []string{"team-card", "team-login", "team-login-uri"}},
		{"InTeam personal", []safe.Filter{safe.InTeam("")}, []string{"personal-card", "personal-login", "personal-note"}},
		{"InTeam unknown", []safe.Filter{safe.InTeam("no-such-team")}, nil},
		{"InFolder", []safe.Filter{safe.InFolder(ids["folder"])}, []string{"personal-card", "personal-login"}},
		{"InFolder none", []safe.Filter{safe.InFolder("")}, []string{"personal-note", "team-card", "team-login", "team-login-uri"}},
		{"OfType card", []safe.Filter{safe.OfType(safe.TypeCard)}, []string{"personal-card", "team-card"}},
		{"OfType note", []safe.Filter{safe.OfType(safe.TypeSecureNote)}, []string{"personal-note"}},
		// Name, username and URI, ignoring case; never notes.
		{"Search", []safe.Filter{safe.Search("nEEdle")}, []string{"team-card", "team-login", "team-login-uri"}},
		{"Search no match", []safe.Filter{safe.Search("recovery-x")}, nil},
		{"InCollection", []safe.Filter{safe.InCollection(e.col.ID)}, []string{"team-card", "team-login", "team-login-uri"}},
		// The first field of the name counts, names and values exactly.
		{"WithField", []safe.Filter{safe.WithField("assocID", "mail-jane")}, []string{"personal-login"}},
		{"WithField first of two", []safe.Filter{safe.WithField("assocID", "db01-admin")}, []string{"team-login"}},
		{"WithField and", []safe.Filter{safe.WithField("env", "prod"), safe.WithField("assocID", "wiki-svc")}, []string{"team-login-uri"}},
		{"WithField none", []safe.Filter{safe.WithField("assocID", "nobody")}, nil},
		{"combined", []safe.Filter{safe.InTeam(e.team.ID), safe.OfType(safe.TypeLogin), safe.Search("needle")}, []string{"team-login", "team-login-uri"}},
	} {
		if got := listLabels(t, e, ids, tc.filters...); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// pathRecorder records every request URL a client sends, and shows each
// request body to body if set.
type pathRecorder struct {
	next http.RoundTripper
	body func(r *http.Request, body []byte)
	mu   sync.Mutex
	urls []string
}

func (p *pathRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if p.body != nil && r.Body != nil {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	p.mu.Lock()
	p.urls = append(p.urls, r.Method+" "+r.URL.RequestURI())
	if p.body != nil {
		p.body(r, body)
	}
	p.mu.Unlock()
	return p.next.RoundTrip(r)
}

func (p *pathRecorder) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.urls = nil
}

func (p *pathRecorder) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.urls)
}

// TestIDsNeverReshapeTheURL calls every method that puts an ID in a URL
// path with IDs that would reach another path, a query or an empty
// segment, or are no GUID. Each must fail before any request carries the ID: the only
// requests allowed are the freshness check and the sync of the vault.
func TestIDsNeverReshapeTheURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.Gen2023)
	rec := &pathRecorder{next: e.srv.Client().Transport}
	c, _ := e.newClient(t, safe.WithHTTPClient(&http.Client{Transport: rec}))
	if err := c.LoginPassword(t.Context(), testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	rec.reset()
	// Single path segments too: the servers name everything by GUID, and
	// 2023.8 answers a 500 (which the client would retry) to some routes
	// whose ID is none, or take another spelling of a GUID.
	bad := []string{"", "../../accounts/evil", "evil/x", "x?evil=1", "x#evil", "..", "evil%2f..", "evil x",
		"not-a-guid", strings.ReplaceAll(e.col.ID, "-", ""), "{" + e.col.ID + "}", e.col.ID + "0"}
	for _, id := range bad {
		calls := map[string]func() error{
			"Items.Get":     func() error { _, err := c.Items.Get(ctx, id); return err },
			"Items.Update":  func() error { _, err := c.Items.Update(ctx, &safe.Item{ID: id, Name: "n"}); return err },
			"Items.Delete":  func() error { return c.Items.Delete(ctx, id) },
			"Items.Restore": func() error { _, err := c.Items.Restore(ctx, id); return err },
			"Items.Purge":   func() error { return c.Items.Purge(ctx, id) },
			"Items.MoveToCollections": func() error {
				_, err := c.Items.MoveToCollections(ctx, id, e.col.ID)
				return err
			},
			"Items.Share":      func() error { _, err := c.Items.Share(ctx, id, e.team.ID, e.col.ID); return err },
			"Items.Share team": func() error { _, err := c.Items.Share(ctx, e.col.ID, id, e.col.ID); return err },
			"Items.Share collection": func() error {
				_, err := c.Items.Share(ctx, e.col.ID, e.team.ID, id)
				return err
			},
			"Collections.Delete":      func() error { return c.Collections.Delete(ctx, e.team.ID, id) },
			"Collections.Delete team": func() error { return c.Collections.Delete(ctx, id, e.col.ID) },
			"Collections.Access":      func() error { _, err := c.Collections.Access(ctx, e.team.ID, id); return err },
			"Collections.ListTeam":    func() error { _, err := c.Collections.ListTeam(ctx, id); return err },
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, safe.ErrInvalidArgument) {
				t.Errorf("%s(%q): %v, want ErrInvalidArgument", name, id, err)
			}
		}
	}
	for _, u := range rec.all() {
		if u != "GET /api/accounts/revision-date" && u != "GET /api/sync?excludeDomains=true" {
			t.Errorf("a request carried a bad ID: %s", u)
		}
	}
}

// TestTeamLookupNeverGuesses checks Client.Team: the ID wins over a name,
// a unique name (exact, or else ignoring case) picks its team, and a name
// two teams share is ErrAmbiguous with both IDs.
func TestTeamLookupNeverGuesses(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.Gen2023)
	a, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: "Ops"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: "Ops"})
	if err != nil {
		t.Fatal(err)
	}
	// A team named like another team's ID: the ID still wins.
	if _, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: a.ID}); err != nil {
		t.Fatal(err)
	}
	mixed, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: "Mixed Case"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := e.client.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ arg, want string }{
		{a.ID, a.ID}, {b.ID, b.ID}, {e.team.ID, e.team.ID}, {strings.ToUpper(b.ID), b.ID},
		{"MPR AWS Safe Team", e.team.ID}, {"mpr aws safe team", e.team.ID}, {"mixed case", mixed.ID},
	} {
		got, err := e.client.Team(ctx, tc.arg)
		if err != nil || got.ID != tc.want {
			t.Errorf("Team(%q) = %v, %v; want %s", tc.arg, got, err, tc.want)
		}
	}
	for _, arg := range []string{"Ops", "ops"} {
		_, err = e.client.Team(ctx, arg)
		var ae *safe.AmbiguousError
		if !errors.Is(err, safe.ErrAmbiguous) || !errors.As(err, &ae) {
			t.Fatalf("Team(%q) = %v, want ErrAmbiguous", arg, err)
		}
		if got := slices.Sorted(slices.Values(ae.IDs)); !slices.Equal(got, slices.Sorted(slices.Values([]string{a.ID, b.ID}))) {
			t.Errorf("ambiguous IDs %v, want %s and %s", ae.IDs, a.ID, b.ID)
		}
		if !strings.Contains(err.Error(), a.ID) || !strings.Contains(err.Error(), b.ID) {
			t.Errorf("error %q does not list the IDs", err)
		}
	}
	if _, err := e.client.Team(ctx, "Nope"); !errors.Is(err, safe.ErrNotFound) {
		t.Errorf("Team(unknown) = %v, want ErrNotFound", err)
	}
}

// TestCollectionsFind checks the lookup by name within a team: found,
// not found, ambiguous (with the IDs, never the name), exact case first,
// and never a collection of another team.
func TestCollectionsFind(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.Gen2023)
	other, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(team *safetest.Team, name string) string {
		t.Helper()
		col, err := e.srv.AddCollection(team, name)
		if err != nil {
			t.Fatal(err)
		}
		return col.ID
	}
	dup1, dup2 := mk(e.team, "sensitive-dup"), mk(e.team, "sensitive-dup")
	upper, lower := mk(e.team, "Servers"), mk(e.team, "servers")
	onlyOther := mk(other, "Elsewhere")
	mk(other, "BONNIL")
	ctx := t.Context()
	for _, tc := range []struct{ team, name, want string }{
		{e.team.ID, "BONNIL", e.col.ID},
		{e.team.ID, "bonnil", e.col.ID},
		{e.team.ID, "Servers", upper},
		{e.team.ID, "servers", lower},
		{other.ID, "Elsewhere", onlyOther},
	} {
		col, err := e.client.Collections.Find(ctx, tc.team, tc.name)
		if err != nil || col.ID != tc.want || col.TeamID != tc.team {
			t.Errorf("Find(%s, %q) = %v, %v; want %s", tc.team, tc.name, col, err, tc.want)
		}
	}
	if _, err := e.client.Collections.Find(ctx, e.team.ID, "Elsewhere"); !errors.Is(err, safe.ErrNotFound) {
		t.Errorf("Find(another team's collection) = %v, want ErrNotFound", err)
	}
	// No exact match, and two ignoring case.
	if _, err := e.client.Collections.Find(ctx, e.team.ID, "SERVERS"); !errors.Is(err, safe.ErrAmbiguous) {
		t.Errorf("Find(SERVERS) = %v, want ErrAmbiguous", err)
	}
	_, err = e.client.Collections.Find(ctx, e.team.ID, "sensitive-dup")
	var ae *safe.AmbiguousError
	if !errors.Is(err, safe.ErrAmbiguous) || !errors.As(err, &ae) || ae.Kind != "collection" {
		t.Fatalf("Find(duplicate) = %v, want ErrAmbiguous", err)
	}
	if got := slices.Sorted(slices.Values(ae.IDs)); !slices.Equal(got, slices.Sorted(slices.Values([]string{dup1, dup2}))) {
		t.Errorf("ambiguous IDs %v, want %s and %s", ae.IDs, dup1, dup2)
	}
	if strings.Contains(err.Error(), "sensitive-") {
		t.Errorf("the error shows the collection name: %v", err)
	}
	if _, err := e.client.Collections.Find(ctx, "../x", "BONNIL"); err == nil {
		t.Error("Find with a bad team ID succeeded")
	}
}
