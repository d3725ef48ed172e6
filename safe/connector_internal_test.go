package safe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
)

// TestConnectorErrorCodes: the vault client's errors, as the connector
// maps them.
func TestConnectorErrorCodes(t *testing.T) {
	t.Parallel()
	apiErr := func(status int) error { return &APIError{StatusCode: status, Method: "GET", Path: "/api/sync"} }
	unknown := &OutcomeUnknownError{Method: "PUT", Path: "/api/ciphers/x", Err: context.DeadlineExceeded}
	for _, tc := range []struct {
		name string
		err  error
		want bsafe.Code
	}{
		{"not found", apiErr(404), bsafe.CodeInvalidUser},
		{"unauthorized", apiErr(401), bsafe.CodeAccessDenied},
		{"forbidden", apiErr(403), bsafe.CodeAccessDenied},
		{"rate limited", &RateLimitError{Err: apiErr(429).(*APIError)}, bsafe.CodeTryAgainLater},
		{"conflict", fmt.Errorf("%w: x", ErrConflict), bsafe.CodeTryAgainLater},
		{"deadline", fmt.Errorf("safe: GET /api/sync: %w", context.DeadlineExceeded), bsafe.CodeTimeout},
		{"outcome unknown after a deadline", unknown, bsafe.CodeUnknownError},
		{"outcome unknown after a conflict", &OutcomeUnknownError{Err: ErrConflict}, bsafe.CodeUnknownError},
		{"ambiguous", &AmbiguousError{Kind: "team", IDs: []string{"a", "b"}}, bsafe.CodeInvalidObject},
		{"not logged in", ErrNotLoggedIn, bsafe.CodeNotConnected},
		{"wrong password", ErrWrongPassword, bsafe.CodeAccessDenied},
		{"bad API key", ErrInvalidAPIKey, bsafe.CodeAccessDenied},
		{"two factor", &TwoFactorError{}, bsafe.CodeAccessDenied},
		{"outcome unknown after a 429", &OutcomeUnknownError{Method: "PUT", Path: "/api/ciphers/x", Err: apiErr(429)}, bsafe.CodeUnknownError},
		{"outcome unknown after a 404", &OutcomeUnknownError{Method: "PUT", Path: "/api/ciphers/x", Err: apiErr(404)}, bsafe.CodeUnknownError},
		{"an explicit code is kept", fmt.Errorf("ctx: %w", bsafe.WithCode(bsafe.CodeInvalidGroup, ErrNotFound)), bsafe.CodeInvalidGroup},
		{"a sentinel of bsafe is kept", fmt.Errorf("x: %w", bsafe.ErrVerifyFailed), bsafe.CodeVerifyFailed},
		{"a bad argument", invalidArg("bad ID"), bsafe.CodeUnknownError},
		{"anything else", errors.New("boom"), bsafe.CodeUnknownError},
	} {
		if got := bsafe.CodeOf(connectorError(tc.err, onItem)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name  string
		err   error
		about errContext
		want  bsafe.Code
	}{
		{"not found, for a collection", apiErr(404), onCollection, bsafe.CodeInvalidGroup},
		{"not found, for a template", apiErr(404), onTemplate, bsafe.CodeInvalidModelUser},
		{"not found, at login: no vault server there", apiErr(404), onLogin, bsafe.CodeInvalidServer},
		{"a refused connection, at login", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, onLogin, bsafe.CodeInvalidServer},
		{"a refused connection, later", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, onItem, bsafe.CodeUnknownError},
		{"an HTML page, at login", ErrNotVaultServer, onLogin, bsafe.CodeInvalidServer},
		{"a malformed API key, at login", invalidArg("client ID"), onLogin, bsafe.CodeAccessDenied},
		{"nil", nil, onItem, bsafe.CodeSuccess},
	} {
		if got := bsafe.CodeOf(connectorError(tc.err, tc.about)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// FuzzConnectorInput feeds arbitrary address options and attribute
// instructions to what reads them: no panic, errors that quote no
// address option (a proxy URL may hold a password), and no instruction
// that reaches the password or names a collection the team lacks.
func FuzzConnectorInput(f *testing.F) {
	f.Add("https://safe.example.com", "Team", "proxy.example.com:3128", "true", "assocID", "REPLACE", "template-x", "COPY")
	f.Add("", "", "", "", "password", "VALUE", "x", "")
	f.Add("https://h", "T", "::", "maybe", "_collectionNames", "VALUE", "col", "IGNORE")
	f.Add("https://h", "T", "", "0", "uri", "COPY", "", "MOVE")
	f.Fuzz(func(t *testing.T, server, team, proxy, listDeleted, name, action, value, def string) {
		tg := bsafe.Target{Options: attrs.New("server", server, "organizationName", team,
			"proxy", "http://u:sensitive-"+proxy+"@h", "listDeleted", listDeleted)}
		if _, err := parseAddress(tg, false); err != nil && strings.Contains(err.Error(), "sensitive-") {
			t.Fatalf("the error quotes the proxy: %v", err)
		}
		in := bsafe.Instructions{Default: bsafe.Action(def), Attrs: []bsafe.Instruction{
			{Name: name, Action: bsafe.Action(action), Values: []string{value}},
			{Name: value, Action: bsafe.Action(action), Values: []string{name, value}},
		}}
		tmpl := &Item{Name: value, Type: TypeLogin, Notes: name, CollectionIDs: []string{"c1"},
			Login:  &Login{Username: value, Password: "template-pw", URIs: URIs{{URI: value + name}}},
			Fields: Fields{{Name: name, Value: value}, {Name: value, Value: name, Type: FieldHidden}}}
		cols := []*Collection{{ID: "c1", Name: value}, {ID: "c2", Name: name}}
		cn := &connection{teamSession: &teamSession{team: &Team{ID: "t"}}}
		if checkInstructions(in, true) == nil {
			for _, tm := range []*Item{tmpl, nil} {
				it, ids, err := cn.newItem(tm, "new", bsafe.CreateRequest{Attrs: in, Password: "new-pw"}, cols)
				if err != nil {
					continue
				}
				if it.Name != "new" || it.Login.Password != "new-pw" || it.TeamID != "t" || it.Type != TypeLogin {
					t.Fatalf("newItem: name %q, password kept %v, team %q", it.Name, it.Login.Password == "new-pw", it.TeamID)
				}
				for _, id := range ids {
					if id != "c1" && id != "c2" {
						t.Fatalf("newItem placed the item in %q", id)
					}
				}
			}
		}
		if checkInstructions(in, false) == nil {
			it := tmpl.Clone()
			if err := applyValues(it, in); err == nil && (it.Login.Password != "template-pw" || !slices.Equal(it.CollectionIDs, []string{"c1"})) {
				t.Fatalf("update changed the password or the collections")
			}
		}
	})
}
