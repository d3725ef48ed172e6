package safe_test

import (
	"bytes"
	"errors"
	"iter"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// connEnv is a safetest team seeded as a Bravura Safe target, and a
// Connector on it whose every request passes a hook and the leak canary,
// and whose logs are kept.
type connEnv struct {
	*env
	k       *safe.Connector
	h       *hook
	logs    *logBuffer
	target  bsafe.Target
	logins  atomic.Int32 // token grants sent
	folder  *safetest.Folder
	other   *safetest.Collection // a second collection, empty
	ad      string               // "Active Directory", in BONNIL, with custom fields
	tmpl    string               // "template", in TEMPLATES
	trashed string               // "Old VPN", in the trash
	dup     [2]string            // two items named "dup"
	tmplCol *safetest.Collection
}

// counter counts the token grants that pass it.
type counter struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (c counter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/identity/connect/token" {
		c.n.Add(1)
	}
	return c.next.RoundTrip(r)
}

func newConnEnv(t *testing.T, gen safetest.Generation, opts ...safe.Option) *connEnv {
	t.Helper()
	// The server's side of the canary: what arrives, not only what the
	// client's transport saw leave.
	hook := func(r *http.Request, body []byte) {
		if strings.Contains(r.URL.String(), "sensitive-") || bytes.Contains(body, []byte("sensitive-")) {
			t.Errorf("the server received a plaintext secret: %s %s", r.Method, r.URL.Path)
		}
	}
	return newConnEnvOn(t, safetest.NewServer(safetest.WithGeneration(gen), safetest.WithRequestHook(hook)), opts...)
}

// newConnEnvOn is newConnEnv on a server the test configured.
func newConnEnvOn(t *testing.T, srv *safetest.Server, opts ...safe.Option) *connEnv {
	t.Helper()
	e := &connEnv{env: newEnvOn(t, srv), logs: &logBuffer{}}
	var err error
	must := func(id string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	if e.folder, err = e.srv.AddFolder(e.user, "Work"); err != nil {
		t.Fatal(err)
	}
	if e.other, err = e.srv.AddCollection(e.team, "OTHER"); err != nil {
		t.Fatal(err)
	}
	if e.tmplCol, err = e.srv.AddCollection(e.team, "TEMPLATES"); err != nil {
		t.Fatal(err)
	}
	e.ad = must(e.srv.AddItem(e.team, safetest.Item{
		Name: "Active Directory", Notes: "corporate AD", FolderID: e.folder.ID, CollectionIDs: []string{e.col.ID},
		Login: &safetest.Login{Username: "bonnil", Password: "sensitive-ad-pw",
			URIs: []safetest.URI{{URI: "https://ad.example.com"}, {URI: "ldaps://dc1.example.com", Match: safetest.MatchHost}}},
		Fields: []safetest.Field{{Name: "assocID", Value: "bonnil"}, {Name: "AccountLink", Value: "ad:bonnil"},
			{Name: "secret", Value: "sensitive-hidden", Type: safetest.FieldHidden}, {Name: "AccountLink", Value: "ad:bonnil2"}},
	}))
	e.tmpl = must(e.srv.AddItem(e.team, safetest.Item{
		Name: "template", Notes: "made from template", CollectionIDs: []string{e.tmplCol.ID},
		Login: &safetest.Login{Username: "template-user", Password: "sensitive-template-pw", TOTP: "sensitive-totp",
			URIs: []safetest.URI{{URI: "https://template.example.com", Match: safetest.MatchExact}}},
		Fields: []safetest.Field{{Name: "assocID", Value: "template"}, {Name: "AccountLink", Value: "link-of-template"},
			{Name: "flag", Value: "true", Type: safetest.FieldBoolean}, {Name: "pin", Value: "sensitive-pin", Type: safetest.FieldHidden},
			{Name: "dropme", Value: "x"}},
	}))
	e.trashed = must(e.srv.AddItem(e.team, safetest.Item{Name: "Old VPN", CollectionIDs: []string{e.col.ID},
		Login: &safetest.Login{Password: "sensitive-vpn"}}))
	for i := range e.dup {
		e.dup[i] = must(e.srv.AddItem(e.team, safetest.Item{Name: "dup", CollectionIDs: []string{e.other.ID}, Login: &safetest.Login{}}))
	}
	// Not accounts: a personal login and a team note.
	must(e.srv.AddItem(e.user, safetest.Item{Name: "personal", Login: &safetest.Login{Password: "sensitive-personal"}}))
	must(e.srv.AddItem(e.team, safetest.Item{Name: "a note", Notes: "not a login", CollectionIDs: []string{e.col.ID}}))
	if err := e.client.Items.Delete(t.Context(), e.trashed); err != nil {
		t.Fatal(err)
	}

	e.h = &hook{next: &canary{t: t, next: e.srv.Client().Transport}}
	opts = append([]safe.Option{
		safe.WithHTTPClient(&http.Client{Transport: counter{next: e.h, n: &e.logins}}),
		safe.WithSyncInterval(0), safe.WithLogger(slogOf(e.logs)),
		safe.WithRetryPolicy(safe.RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second}),
	}, opts...)
	e.k = safe.NewConnector(opts...)
	e.target = bsafe.Target{
		Options: attrs.New("server", e.srv.URL, "organizationName", e.team.Name),
		AdminID: testEmail, AdminPassword: testPassword,
	}
	t.Cleanup(func() { e.checkLogs(t) })
	return e
}

func (e *connEnv) connect(t *testing.T) {
	t.Helper()
	if _, err := e.k.Connect(t.Context(), e.target); err != nil {
		t.Fatalf("Connect: %v", err)
	}
}

// checkLogs fails if a log line of the connector (or its client) carries
// a plaintext marked sensitive.
func (e *connEnv) checkLogs(t *testing.T) { checkLogBuffer(t, e.logs) }

func slogOf(l *logBuffer) *slog.Logger { return slog.New(l) }

func checkLogBuffer(t *testing.T, l *logBuffer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.recs {
		line := r.Message
		r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
		if strings.Contains(line, "sensitive-") || strings.Contains(line, "canary-") {
			t.Errorf("a log line carries a secret: %s", r.Message)
		}
	}
}

// wantCode checks an error's return code, and that its message carries no
// secret.
func wantCode(t *testing.T, what string, err error, want bsafe.Code) {
	t.Helper()
	if got := bsafe.CodeOf(err); got != want {
		t.Errorf("%s: code %s (%v), want %s", what, got, err, want)
	}
	noSecret(t, what, err)
}

func noSecret(t *testing.T, what string, err error) {
	t.Helper()
	// canary- marks a secret that must go to the server (an API key's
	// secret) but nowhere else.
	if err != nil && (strings.Contains(err.Error(), "sensitive-") || strings.Contains(err.Error(), "canary-")) {
		t.Errorf("%s: the error carries a secret", what)
	}
}

func collect[T any](t *testing.T, seq iter.Seq2[T, error]) ([]T, error) {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func ref(id string) bsafe.AccountRef { return bsafe.AccountRef{ID: id} }

// stored is the item as the server holds it.
func (e *connEnv) stored(t *testing.T, id string) safetest.Item {
	t.Helper()
	it, err := e.srv.Item(id)
	if err != nil {
		t.Fatalf("server item %s: %v", id, err)
	}
	return it
}

func TestConnectorConnect(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		ctx := t.Context()
		if _, err := e.k.ServerInfo(ctx); bsafe.CodeOf(err) != bsafe.CodeNotConnected {
			t.Errorf("ServerInfo before Connect: %v, want code 3", err)
		}
		e.connect(t)
		info, err := e.k.ServerInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Version != gen.Version() || info.Name != "Bravura Safe, team MPR AWS Safe Team ("+e.team.ID+")" {
			t.Errorf("ServerInfo = %+v", info)
		}
		// The same target again: the session is kept.
		e.connect(t)
		tt := e.target
		tt.Options = tt.Options.Clone()
		tt.Options.Set("listDeleted", "yes")
		if _, err := e.k.Connect(ctx, tt); err != nil {
			t.Fatal(err)
		}
		if n := e.logins.Load(); n != 1 {
			t.Errorf("%d logins for three Connects to one target, want 1", n)
		}
		// The team by ID is another target: a new login.
		tt.Options.Set("organizationName", strings.ToUpper(e.team.ID))
		if _, err := e.k.Connect(ctx, tt); err != nil {
			t.Fatal(err)
		}
		if n := e.logins.Load(); n != 2 {
			t.Errorf("%d logins after another target, want 2", n)
		}
		// The API key, with the master password to unlock.
		tt = e.target
		tt.SysID, tt.SysPassword = e.user.ClientID, e.user.ClientSecret
		if _, err := e.k.Connect(ctx, tt); err != nil {
			t.Fatalf("Connect with the API key: %v", err)
		}
		if n := e.logins.Load(); n != 3 {
			t.Errorf("%d logins after other credentials, want 3", n)
		}
		if ok, err := e.k.Verify(ctx, ref(e.ad), "sensitive-ad-pw"); err != nil || !ok {
			t.Errorf("Verify through the API-key session: %v, %v", ok, err)
		}
		// The plain address is the server when the option is absent.
		tt = e.target
		tt.Address, tt.Options = e.srv.URL, attrs.New("organizationName", e.team.Name)
		if _, err := e.k.Connect(ctx, tt); err != nil {
			t.Errorf("Connect with the plain address: %v", err)
		}
	})
}

// TestConnectorConnectFailures: the bad targets of the issue, each with
// its code, none quoting a secret; a failed Connect leaves the connector
// not connected, even when it was connected before.
func TestConnectorConnectFailures(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		with := func(f func(*bsafe.Target)) bsafe.Target {
			tt := e.target
			tt.Options = tt.Options.Clone()
			f(&tt)
			return tt
		}
		for _, tc := range []struct {
			name string
			t    bsafe.Target
			want bsafe.Code
		}{
			{"wrong admin password", with(func(t *bsafe.Target) { t.AdminPassword = "sensitive-wrong" }), bsafe.CodeAccessDenied},
			{"unknown admin", with(func(t *bsafe.Target) { t.AdminID = "nobody@example.com" }), bsafe.CodeAccessDenied},
			{"no admin password", with(func(t *bsafe.Target) { t.AdminPassword = "" }), bsafe.CodeAccessDenied},
			{"wrong API secret", with(func(t *bsafe.Target) { t.SysID, t.SysPassword = e.user.ClientID, "canary-wrong-secret" }), bsafe.CodeAccessDenied},
			{"API key without secret", with(func(t *bsafe.Target) { t.SysID = e.user.ClientID }), bsafe.CodeAccessDenied},
			{"malformed API client ID", with(func(t *bsafe.Target) { t.SysID, t.SysPassword = "sensitive-id", "sensitive-secret" }), bsafe.CodeAccessDenied},
			{"API key, wrong master password", with(func(t *bsafe.Target) {
				t.SysID, t.SysPassword, t.AdminPassword = e.user.ClientID, e.user.ClientSecret, "sensitive-wrong"
			}), bsafe.CodeAccessDenied},
			{"API key of another account than adminid", with(func(t *bsafe.Target) {
				t.SysID, t.SysPassword, t.AdminID = e.user.ClientID, e.user.ClientSecret, "other@example.com"
			}), bsafe.CodeAccessDenied},
			{"unknown team", with(func(t *bsafe.Target) { t.Options.Set("organizationName", "No Such Team") }), bsafe.CodeInvalidServer},
			{"no team", with(func(t *bsafe.Target) { t.Options.Del("organizationName") }), bsafe.CodeInvalidServer},
			{"no server", with(func(t *bsafe.Target) { t.Options.Del("server") }), bsafe.CodeInvalidServer},
			{"not a URL", with(func(t *bsafe.Target) { t.Options.Set("server", "ftp://sensitive-x@host") }), bsafe.CodeInvalidServer},
			{"nothing listens", with(func(t *bsafe.Target) { t.Options.Set("server", "https://127.0.0.1:1") }), bsafe.CodeInvalidServer},
			{"bad proxy", with(func(t *bsafe.Target) { t.Options.Set("proxy", "::sensitive-proxy") }), bsafe.CodeInvalidServer},
			{"bad listDeleted", with(func(t *bsafe.Target) { t.Options.Set("listDeleted", "maybe") }), bsafe.CodeUnknownError},
		} {
			e.connect(t)
			_, err := e.k.Connect(t.Context(), tc.t)
			wantCode(t, tc.name, err, tc.want)
			if _, err := e.k.ServerInfo(t.Context()); bsafe.CodeOf(err) != bsafe.CodeNotConnected {
				t.Errorf("%s: ServerInfo after the failed Connect: %v, want code 3", tc.name, err)
			}
		}
	})
}

// TestConnectorAmbiguousTeam: two teams of one name are code 38, naming
// both IDs; either ID connects.
func TestConnectorAmbiguousTeam(t *testing.T) {
	t.Parallel()
	e := newConnEnv(t, safetest.GenCurrent)
	twin, err := e.srv.AddTeam(e.user, safetest.TeamSpec{Name: e.team.Name})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.k.Connect(t.Context(), e.target)
	wantCode(t, "two teams of that name", err, bsafe.CodeInvalidObject)
	if err == nil || !strings.Contains(err.Error(), e.team.ID) || !strings.Contains(err.Error(), twin.ID) {
		t.Errorf("the error does not name both teams: %v", err)
	}
}

func TestConnectorVerifyChangeReset(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		ctx := t.Context()
		// No lockout: wrong passwords change nothing for the right one.
		for range 5 {
			if ok, err := e.k.Verify(ctx, ref(e.ad), "sensitive-wrong"); err != nil || ok {
				t.Fatalf("Verify(wrong) = %v, %v", ok, err)
			}
		}
		for _, byName := range []string{e.ad, strings.ToUpper(e.ad), "Active Directory", "active directory"} {
			if ok, err := e.k.AdminVerify(ctx, ref(byName), "sensitive-ad-pw"); err != nil || !ok {
				t.Errorf("AdminVerify(%q) = %v, %v", byName, ok, err)
			}
		}
		if ok, err := e.k.Verify(ctx, ref(e.ad), "sensitive-ad-p"); err != nil || ok {
			t.Errorf("Verify(a prefix) = %v, %v", ok, err)
		}
		if ok, err := e.k.Verify(ctx, ref(e.dup[0]), ""); err != nil || ok {
			t.Errorf("Verify(\"\") of an item without a password = %v, %v", ok, err)
		}

		err := e.k.Change(ctx, ref(e.ad), "sensitive-wrong", "sensitive-new-1")
		wantCode(t, "Change with a wrong old password", err, bsafe.CodeVerifyFailed)
		if got := e.stored(t, e.ad); got.Login.Password != "sensitive-ad-pw" {
			t.Fatalf("a refused change changed the password")
		}
		if err := e.k.Change(ctx, ref(e.ad), "sensitive-ad-pw", "sensitive-new-1"); err != nil {
			t.Fatalf("Change: %v", err)
		}
		if err := e.k.Reset(ctx, ref("Active Directory"), "sensitive-new-2"); err != nil {
			t.Fatalf("Reset: %v", err)
		}
		got := e.stored(t, e.ad)
		if got.Login.Password != "sensitive-new-2" || !slices.Equal(got.PasswordHistory, []string{"sensitive-new-1", "sensitive-ad-pw"}) {
			t.Errorf("after change and reset: history %d entries", len(got.PasswordHistory))
		}
		if ok, err := e.k.Verify(ctx, ref(e.ad), "sensitive-new-2"); err != nil || !ok {
			t.Errorf("Verify(new) = %v, %v", ok, err)
		}

		// verifyreset: nothing to do when the password is already set.
		var puts atomic.Int32
		e.h.set(func(r *http.Request, next http.RoundTripper) (*http.Response, error) {
			if r.Method == http.MethodPut {
				puts.Add(1)
			}
			return next.RoundTrip(r)
		})
		if err := e.k.VerifyReset(ctx, ref(e.ad), "sensitive-new-2"); err != nil || puts.Load() != 0 {
			t.Errorf("VerifyReset to the current password: %v, %d writes", err, puts.Load())
		}
		if err := e.k.VerifyReset(ctx, ref(e.ad), "sensitive-new-3"); err != nil || puts.Load() != 1 {
			t.Errorf("VerifyReset to a new password: %v, %d writes", err, puts.Load())
		}
		if got := e.stored(t, e.ad); got.Login.Password != "sensitive-new-3" {
			t.Errorf("VerifyReset did not set the password")
		}
		e.h.set(nil)

		// Passwords of the items listed ever after show no trace.
		accts, err := collect(t, e.k.ListUsers(ctx, bsafe.ListOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range accts {
			for n, vs := range a.Attrs.All() {
				if slices.ContainsFunc(vs, func(v string) bool { return strings.Contains(v, "sensitive-") }) {
					t.Errorf("listing: attribute %s of %s carries a secret", n, a.LongID)
				}
			}
		}
	})
}

func TestConnectorLookups(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		ctx := t.Context()
		_, err := e.k.CheckUser(ctx, ref("dup"))
		wantCode(t, "an ambiguous name", err, bsafe.CodeInvalidObject)
		if err == nil || !strings.Contains(err.Error(), e.dup[0]) || !strings.Contains(err.Error(), e.dup[1]) {
			t.Errorf("the ambiguity does not name both items: %v", err)
		}
		err = e.k.Reset(ctx, ref("DUP"), "sensitive-x")
		wantCode(t, "reset of an ambiguous name", err, bsafe.CodeInvalidObject)
		for _, id := range e.dup {
			if got := e.stored(t, id); got.Login.Password != "" {
				t.Errorf("an ambiguous reset changed %s", id)
			}
		}
		for _, unknown := range []string{"no such item", "00000000-0000-4000-8000-000000000000", "", "a note", "personal", e.trashed, "Old VPN"} {
			_, err := e.k.CheckUser(ctx, ref(unknown))
			wantCode(t, "CheckUser("+unknown+")", err, bsafe.CodeInvalidUser)
			wantCode(t, "Reset("+unknown+")", e.k.Reset(ctx, ref(unknown), "sensitive-x"), bsafe.CodeInvalidUser)
		}
		_, err = e.k.CheckTemplate(ctx, "no such template")
		wantCode(t, "an unknown template", err, bsafe.CodeInvalidModelUser)
		tmpl, err := e.k.CheckTemplate(ctx, "template")
		if err != nil || tmpl.LongID != e.tmpl {
			t.Errorf("CheckTemplate(template) = %+v, %v", tmpl, err)
		}
		// By short ID when there is no acctid.
		if a, err := e.k.CheckUser(ctx, bsafe.AccountRef{ShortID: "Active Directory"}); err != nil || a.LongID != e.ad {
			t.Errorf("CheckUser by shortid = %v, %v", a.LongID, err)
		}
		if err := e.k.AddToGroup(ctx, ref(e.ad), "NO SUCH COLLECTION"); bsafe.CodeOf(err) != bsafe.CodeInvalidGroup {
			t.Errorf("an unknown collection: %v, want code 12", err)
		}
	})
}

// wantAttrs is the listing of the seeded Active Directory item.
func (e *connEnv) wantAD(t *testing.T) bsafe.Account {
	st := e.stored(t, e.ad)
	return bsafe.Account{LongID: e.ad, ShortID: "Active Directory", FullName: "Active Directory", Groups: []string{e.col.ID},
		Attrs: attrs.Values{
			{Name: "_collectionNames", Values: []string{"BONNIL"}},
			{Name: "collectionIds", Values: []string{e.col.ID}},
			{Name: "username", Values: []string{"bonnil"}},
			{Name: "uri", Values: []string{"https://ad.example.com", "ldaps://dc1.example.com"}},
			{Name: "notes", Values: []string{"corporate AD"}},
			{Name: "folder", Values: []string{"Work"}},
			{Name: "revisionDate", Values: []string{st.Revised.UTC().Format("2006-01-02T15:04:05.000Z")}},
			{Name: "passwordRevisionDate", Values: []string{}},
			{Name: "deleted", Values: []string{"0"}},
			{Name: "assocID", Values: []string{"bonnil"}},
			{Name: "AccountLink", Values: []string{"ad:bonnil", "ad:bonnil2"}},
		}}
}

func TestConnectorListings(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		ctx := t.Context()
		accts, err := collect(t, e.k.ListUsers(ctx, bsafe.ListOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]bsafe.Account{}
		for _, a := range accts {
			byID[a.LongID] = a
		}
		wantIDs := []string{e.ad, e.tmpl, e.dup[0], e.dup[1]}
		if got := slices.Sorted(func(y func(string) bool) {
			for id := range byID {
				y(id)
			}
		}); !slices.Equal(got, slices.Sorted(slices.Values(wantIDs))) || len(accts) != 4 {
			t.Fatalf("listed %v, want the four team logins %v", got, wantIDs)
		}
		if diff := cmp.Diff(e.wantAD(t), byID[e.ad]); diff != "" {
			t.Errorf("Active Directory (-want +got):\n%s", diff)
		}
		if a := byID[e.tmpl]; a.Attrs.Has("pin") || !slices.Equal(a.Attrs.Names()[9:], []string{"assocID", "AccountLink", "flag", "dropme"}) {
			t.Errorf("template's custom attributes: %v (the hidden field must not be listed)", a.Attrs.Names())
		}

		// Only the attributes asked for.
		accts, err = collect(t, e.k.ListUsers(ctx, bsafe.ListOptions{Attributes: []string{"ASSOCID", "_collectionnames"}}))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range accts {
			if a.LongID == e.ad && !cmp.Equal(a.Attrs, attrs.Values{{Name: "_collectionNames", Values: []string{"BONNIL"}}, {Name: "assocID", Values: []string{"bonnil"}}}) {
				t.Errorf("selected attributes: %v", a.Attrs)
			}
		}
		ua, err := e.k.UserAttributes(ctx, ref(e.ad), bsafe.ListOptions{Attributes: []string{"uri"}})
		if err != nil || !cmp.Equal(ua.Attrs, attrs.Values{{Name: "uri", Values: []string{"https://ad.example.com", "ldaps://dc1.example.com"}}}) {
			t.Errorf("UserAttributes(uri) = %v, %v", ua.Attrs, err)
		}
		cu, err := e.k.CheckUser(ctx, ref("Active Directory"))
		if diff := cmp.Diff(e.wantAD(t), cu); err != nil || diff != "" {
			t.Errorf("CheckUser: %v (-want +got):\n%s", err, diff)
		}
		groups, err := collect(t, e.k.UserGroups(ctx, ref(e.ad)))
		if err != nil || !slices.Equal(groups, []string{e.col.ID}) {
			t.Errorf("UserGroups = %v, %v", groups, err)
		}

		// Groups and members.
		gs, err := collect(t, e.k.ListGroups(ctx))
		if err != nil {
			t.Fatal(err)
		}
		wantGroups := []bsafe.Group{
			{LongID: e.col.ID, ShortID: "BONNIL", Description: "BONNIL"},
			{LongID: e.other.ID, ShortID: "OTHER", Description: "OTHER"},
			{LongID: e.tmplCol.ID, ShortID: "TEMPLATES", Description: "TEMPLATES"},
		}
		sortGroups := func(g []bsafe.Group) {
			slices.SortFunc(g, func(a, b bsafe.Group) int { return strings.Compare(a.ShortID, b.ShortID) })
		}
		sortGroups(gs)
		if diff := cmp.Diff(wantGroups, gs); diff != "" {
			t.Errorf("ListGroups (-want +got):\n%s", diff)
		}
		members, err := collect(t, e.k.ListMembers(ctx, "bonnil"))
		if err != nil || !cmp.Equal(members, []bsafe.Member{{LongID: e.ad}}) {
			t.Errorf("ListMembers(bonnil) = %v, %v (the trashed item and the note are no members)", members, err)
		}
		members, err = collect(t, e.k.ListMembers(ctx, e.other.ID))
		if err != nil || len(members) != 2 {
			t.Errorf("ListMembers(OTHER) = %v, %v", members, err)
		}
		_, err = collect(t, e.k.ListMembers(ctx, "NOPE"))
		wantCode(t, "ListMembers of an unknown collection", err, bsafe.CodeInvalidGroup)

		// listDeleted: the trashed item too, with deleted = 1, and it can
		// be found.
		tt := e.target
		tt.Options = tt.Options.Clone()
		tt.Options.Set("listDeleted", "TRUE")
		if _, err := e.k.Connect(ctx, tt); err != nil {
			t.Fatal(err)
		}
		accts, err = collect(t, e.k.ListUsers(ctx, bsafe.ListOptions{Attributes: []string{"deleted"}}))
		if err != nil {
			t.Fatal(err)
		}
		deleted := map[string]string{}
		for _, a := range accts {
			deleted[a.LongID] = a.Attrs.Get("deleted")
		}
		if len(accts) != 5 || deleted[e.trashed] != "1" || deleted[e.ad] != "0" {
			t.Errorf("listDeleted listing: %v", deleted)
		}
		if a, err := e.k.CheckUser(ctx, ref("Old VPN")); err != nil || a.LongID != e.trashed {
			t.Errorf("CheckUser of the trashed item with listDeleted: %v, %v", a.LongID, err)
		}
		members, err = collect(t, e.k.ListMembers(ctx, "BONNIL"))
		if err != nil || len(members) != 2 {
			t.Errorf("ListMembers(BONNIL) with listDeleted = %v, %v", members, err)
		}
	})
}

func TestConnectorCreate(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		ctx := t.Context()
		req := bsafe.CreateRequest{
			Account:    bsafe.AccountRef{ID: "bonnil-ad", ShortID: "ignored", FullName: "Bonnie Luton"},
			TemplateID: "template", Password: "sensitive-created-pw",
			Attrs: bsafe.Instructions{Default: bsafe.ActionCopy, Attrs: []bsafe.Instruction{
				{Name: "associd", Action: bsafe.ActionReplace},
				{Name: "AccountLink", Action: bsafe.ActionValue, Values: []string{"ad:bonnil", "ad:bonnil-2"}},
				{Name: "dropme", Action: bsafe.ActionIgnore},
				{Name: "uri", Action: bsafe.ActionReplace},
				{Name: "notes", Action: bsafe.ActionValue, Values: []string{"for bonnil"}},
				{Name: "_collectionNames", Action: bsafe.ActionValue, Values: []string{"bonnil", "OTHER"}},
				{Name: "collectionIds", Action: bsafe.ActionIgnore},
				{Name: "costCenter", Action: bsafe.ActionValue, Values: []string{"cc-1"}},
				{Name: "neverThere", Action: bsafe.ActionCopy},
			}},
		}
		a, err := e.k.Create(ctx, req)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		got := e.stored(t, a.LongID)
		want := safetest.Item{
			ID: a.LongID, Type: safetest.TypeLogin, Name: "bonnil-ad", Notes: "for bonnil", TeamID: e.team.ID,
			CollectionIDs: slices.Sorted(slices.Values([]string{e.col.ID, e.other.ID})),
			Login: &safetest.Login{Username: "template-user", Password: "sensitive-created-pw",
				URIs: []safetest.URI{{URI: "https://bonnil-ad.example.com", Match: safetest.MatchExact}}},
			Fields: []safetest.Field{{Name: "assocID", Value: "bonnil-ad"}, {Name: "AccountLink", Value: "ad:bonnil"}, {Name: "AccountLink", Value: "ad:bonnil-2"},
				{Name: "flag", Value: "true", Type: safetest.FieldBoolean}, {Name: "pin", Value: "sensitive-pin", Type: safetest.FieldHidden},
				{Name: "costCenter", Value: "cc-1"}},
		}
		got.CollectionIDs = slices.Sorted(slices.Values(got.CollectionIDs))
		if diff := cmp.Diff(want, got, cmpIgnoreDates); diff != "" {
			t.Errorf("created item (-want +got):\n%s", diff)
		}
		if a.ShortID != "bonnil-ad" || a.Attrs.Get("assocID") != "bonnil-ad" || len(a.Groups) != 2 {
			t.Errorf("Create returned %+v", a)
		}

		// IGNORE by default: only the VALUE instructions count.
		b, err := e.k.Create(ctx, bsafe.CreateRequest{Account: ref("plain"), TemplateID: e.tmpl, Password: "sensitive-p",
			Attrs: bsafe.Instructions{Attrs: []bsafe.Instruction{{Name: "collectionIds", Action: bsafe.ActionValue, Values: []string{e.other.ID}}}}})
		if err != nil {
			t.Fatal(err)
		}
		got = e.stored(t, b.LongID)
		if got.Login.Username != "" || got.Notes != "" || len(got.Fields) != 0 || len(got.Login.URIs) != 0 || !slices.Equal(got.CollectionIDs, []string{e.other.ID}) {
			t.Errorf("created with IGNORE: %+v", got)
		}
		// COPY of everything copies the collections too.
		c, err := e.k.Create(ctx, bsafe.CreateRequest{Account: ref("copied"), TemplateID: "TEMPLATE", Password: "sensitive-p",
			Attrs: bsafe.Instructions{Default: bsafe.ActionCopy}})
		if err != nil {
			t.Fatal(err)
		}
		if got = e.stored(t, c.LongID); !slices.Equal(got.CollectionIDs, []string{e.tmplCol.ID}) || len(got.Fields) != 5 || got.Login.TOTP != "" {
			t.Errorf("created with COPY: collections %v, %d fields, TOTP copied %v", got.CollectionIDs, len(got.Fields), got.Login.TOTP != "")
		}
		// Without a template.
		d, err := e.k.Create(ctx, bsafe.CreateRequest{Account: bsafe.AccountRef{ShortID: "no template"}, Password: "sensitive-p",
			Attrs: bsafe.Instructions{Default: bsafe.ActionCopy, Attrs: []bsafe.Instruction{{Name: "username", Action: bsafe.ActionValue, Values: []string{"u"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		if got = e.stored(t, d.LongID); got.Name != "no template" || got.Login.Username != "u" || got.Login.Password != "sensitive-p" {
			t.Errorf("created without a template: %q %q", got.Name, got.Login.Username)
		}

		before := len(e.srv.ItemIDs())
		for _, tc := range []struct {
			name string
			req  bsafe.CreateRequest
			want bsafe.Code
		}{
			{"a missing template", bsafe.CreateRequest{Account: ref("x1"), TemplateID: "no such template", Password: "sensitive-p"}, bsafe.CodeInvalidModelUser},
			{"a name that exists", bsafe.CreateRequest{Account: ref("ACTIVE DIRECTORY"), Password: "sensitive-p"}, bsafe.CodeObjectAlreadyExists},
			{"an ambiguous template", bsafe.CreateRequest{Account: ref("x2"), TemplateID: "dup", Password: "sensitive-p"}, bsafe.CodeInvalidObject},
			{"an unknown collection", bsafe.CreateRequest{Account: ref("x3"), Password: "sensitive-p", Attrs: bsafe.Instructions{Attrs: []bsafe.Instruction{
				{Name: "_collectionNames", Action: bsafe.ActionValue, Values: []string{"NOPE"}}}}}, bsafe.CodeInvalidGroup},
			{"an unknown collection ID", bsafe.CreateRequest{Account: ref("x4"), Password: "sensitive-p", Attrs: bsafe.Instructions{Attrs: []bsafe.Instruction{
				{Name: "collectionIds", Action: bsafe.ActionValue, Values: []string{"00000000-0000-4000-8000-000000000000"}}}}}, bsafe.CodeInvalidGroup},
			{"a password attribute", bsafe.CreateRequest{Account: ref("x5"), Attrs: bsafe.Instructions{Attrs: []bsafe.Instruction{
				{Name: "password", Action: bsafe.ActionValue, Values: []string{"sensitive-p"}}}}}, bsafe.CodeUnknownError},
			{"a bad action", bsafe.CreateRequest{Account: ref("x6"), Attrs: bsafe.Instructions{Attrs: []bsafe.Instruction{
				{Name: "notes", Action: "MOVE"}}}}, bsafe.CodeUnknownError},
			{"no name", bsafe.CreateRequest{Password: "sensitive-p"}, bsafe.CodeUnknownError},
		} {
			_, err := e.k.Create(ctx, tc.req)
			wantCode(t, "Create with "+tc.name, err, tc.want)
		}
		if after := len(e.srv.ItemIDs()); after != before {
			t.Errorf("the refused creates made %d items", after-before)
		}
	})
}

var cmpIgnoreDates = cmp.FilterPath(func(p cmp.Path) bool {
	switch p.Last().String() {
	case ".Created", ".Revised", ".Deleted":
		return true
	}
	return false
}, cmp.Ignore())

func TestConnectorDeleteUpdate(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		ctx := t.Context()
		a, err := e.k.Update(ctx, ref("Active Directory"), bsafe.Instructions{Attrs: []bsafe.Instruction{
			{Name: "name", Action: bsafe.ActionValue, Values: []string{"AD (bonnil)"}},
			{Name: "USERNAME", Action: bsafe.ActionValue, Values: []string{"bonnil2"}},
			{Name: "uri", Action: bsafe.ActionValue, Values: []string{"ldaps://dc1.example.com", "https://new.example.com"}},
			{Name: "notes", Action: bsafe.ActionIgnore, Values: []string{"not this"}},
			{Name: "accountlink", Action: bsafe.ActionValue, Values: []string{"ad:one"}},
			{Name: "secret", Action: bsafe.ActionValue, Values: []string{"sensitive-hidden-2"}},
			{Name: "newField", Action: bsafe.ActionValue, Values: []string{"n"}},
			{Name: "assocID", Action: bsafe.ActionValue},
		}})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		got := e.stored(t, e.ad)
		want := safetest.Item{ID: e.ad, Type: safetest.TypeLogin, Name: "AD (bonnil)", Notes: "corporate AD", TeamID: e.team.ID,
			CollectionIDs: []string{e.col.ID},
			Login: &safetest.Login{Username: "bonnil2", Password: "sensitive-ad-pw",
				URIs: []safetest.URI{{URI: "ldaps://dc1.example.com", Match: safetest.MatchHost}, {URI: "https://new.example.com"}}},
			Fields: []safetest.Field{{Name: "AccountLink", Value: "ad:one"}, {Name: "secret", Value: "sensitive-hidden-2", Type: safetest.FieldHidden},
				{Name: "newField", Value: "n"}},
		}
		if diff := cmp.Diff(want, got, cmpIgnoreDates); diff != "" {
			t.Errorf("updated item (-want +got):\n%s", diff)
		}
		if a.ShortID != "AD (bonnil)" || a.Attrs.Get("username") != "bonnil2" {
			t.Errorf("Update returned %+v", a)
		}
		for _, tc := range []struct {
			name string
			in   bsafe.Instruction
			want bsafe.Code
		}{
			{"a name another item has", bsafe.Instruction{Name: "name", Action: bsafe.ActionValue, Values: []string{"template"}}, bsafe.CodeObjectAlreadyExists},
			{"COPY", bsafe.Instruction{Name: "notes", Action: bsafe.ActionCopy}, bsafe.CodeUnknownError},
			{"a read-only attribute", bsafe.Instruction{Name: "revisionDate", Action: bsafe.ActionValue, Values: []string{"x"}}, bsafe.CodeUnknownError},
			{"the password", bsafe.Instruction{Name: "Password", Action: bsafe.ActionValue, Values: []string{"sensitive-x"}}, bsafe.CodeUnknownError},
			{"collections", bsafe.Instruction{Name: "_collectionNames", Action: bsafe.ActionValue, Values: []string{"OTHER"}}, bsafe.CodeUnknownError},
			{"two usernames", bsafe.Instruction{Name: "username", Action: bsafe.ActionValue, Values: []string{"a", "b"}}, bsafe.CodeUnknownError},
		} {
			_, err := e.k.Update(ctx, ref(e.ad), bsafe.Instructions{Attrs: []bsafe.Instruction{tc.in}})
			wantCode(t, "Update with "+tc.name, err, tc.want)
		}
		if diff := cmp.Diff(want, e.stored(t, e.ad), cmpIgnoreDates); diff != "" {
			t.Errorf("refused updates changed the item (-want +got):\n%s", diff)
		}
		_, err = e.k.Update(ctx, ref("nope"), bsafe.Instructions{})
		wantCode(t, "Update of an unknown item", err, bsafe.CodeInvalidUser)

		// Delete is permanent.
		if err := e.k.Delete(ctx, ref("AD (bonnil)")); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := e.srv.Item(e.ad); !errors.Is(err, safetest.ErrNotFound) {
			t.Errorf("after Delete the server still has the item (in the trash?): %v", err)
		}
		wantCode(t, "Delete again", e.k.Delete(ctx, ref(e.ad)), bsafe.CodeInvalidUser)
		// A trashed item is deleted for good with listDeleted.
		tt := e.target
		tt.Options = tt.Options.Clone()
		tt.Options.Set("listDeleted", "1")
		if _, err := e.k.Connect(ctx, tt); err != nil {
			t.Fatal(err)
		}
		if err := e.k.Delete(ctx, ref(e.trashed)); err != nil {
			t.Fatalf("Delete of a trashed item: %v", err)
		}
		if _, err := e.srv.Item(e.trashed); !errors.Is(err, safetest.ErrNotFound) {
			t.Errorf("the trashed item is still there: %v", err)
		}
	})
}

func TestConnectorGroups(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		ctx := t.Context()
		if err := e.k.AddToGroup(ctx, ref(e.ad), "other"); err != nil {
			t.Fatalf("AddToGroup: %v", err)
		}
		if got := e.stored(t, e.ad); !slices.Equal(slices.Sorted(slices.Values(got.CollectionIDs)), slices.Sorted(slices.Values([]string{e.col.ID, e.other.ID}))) {
			t.Errorf("collections after AddToGroup: %v", got.CollectionIDs)
		}
		wantCode(t, "AddToGroup again", e.k.AddToGroup(ctx, ref(e.ad), e.other.ID), bsafe.CodeUserAlreadyGroupMember)
		if err := e.k.RemoveFromGroup(ctx, ref(e.ad), "BONNIL"); err != nil {
			t.Fatalf("RemoveFromGroup: %v", err)
		}
		if got := e.stored(t, e.ad); !slices.Equal(got.CollectionIDs, []string{e.other.ID}) {
			t.Errorf("collections after RemoveFromGroup: %v", got.CollectionIDs)
		}
		wantCode(t, "RemoveFromGroup again", e.k.RemoveFromGroup(ctx, ref(e.ad), e.col.ID), bsafe.CodeUserNotInGroup)
		wantCode(t, "AddToGroup of an unknown collection", e.k.AddToGroup(ctx, ref(e.ad), "NOPE"), bsafe.CodeInvalidGroup)
		wantCode(t, "RemoveFromGroup of an unknown item", e.k.RemoveFromGroup(ctx, ref("nope"), e.col.ID), bsafe.CodeInvalidUser)

		g, err := e.k.CreateGroup(ctx, bsafe.GroupRequest{ID: "NEWUSER", Name: "NEWUSER"})
		if err != nil {
			t.Fatalf("CreateGroup: %v", err)
		}
		if col, err := e.srv.Collection(g.LongID); err != nil || col.Name != "NEWUSER" || col.TeamID != e.team.ID || g.ShortID != "NEWUSER" {
			t.Errorf("created collection: %+v, %v (group %+v)", col, err, g)
		}
		_, err = e.k.CreateGroup(ctx, bsafe.GroupRequest{ID: "newuser"})
		wantCode(t, "CreateGroup of a name that exists", err, bsafe.CodeObjectAlreadyExists)
		if err := e.k.AddToGroup(ctx, ref(e.ad), "NEWUSER"); err != nil {
			t.Errorf("AddToGroup to the new collection: %v", err)
		}
		if err := e.k.DeleteGroup(ctx, "NEWUSER"); err != nil {
			t.Fatalf("DeleteGroup: %v", err)
		}
		if _, err := e.srv.Collection(g.LongID); !errors.Is(err, safetest.ErrNotFound) {
			t.Errorf("the collection is still there: %v", err)
		}
		if _, err := e.srv.Item(e.ad); err != nil {
			t.Errorf("deleting the collection deleted its item: %v", err)
		}
		wantCode(t, "DeleteGroup again", e.k.DeleteGroup(ctx, g.LongID), bsafe.CodeInvalidGroup)
	})
}

// errOf is the error of a Connect, for checks that only want the error.
func errOf(_ bsafe.Connector, err error) error { return err }
