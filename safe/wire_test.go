package safe_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestEnumsAgreeWithSafetest: a test seeds with safetest's enums and
// checks with safe's, so a constant of one name must be the same number
// in both packages (one numbering per concept).
func TestEnumsAgreeWithSafetest(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		safe, stest int
	}{
		{"TypeLogin", int(safe.TypeLogin), int(safetest.TypeLogin)},
		{"TypeSecureNote", int(safe.TypeSecureNote), int(safetest.TypeSecureNote)},
		{"TypeCard", int(safe.TypeCard), int(safetest.TypeCard)},
		{"TypeIdentity", int(safe.TypeIdentity), int(safetest.TypeIdentity)},
		{"TypeSSHKey", int(safe.TypeSSHKey), int(safetest.TypeSSHKey)},
		{"MatchDefault", int(safe.MatchDefault), int(safetest.MatchDefault)},
		{"MatchDomain", int(safe.MatchDomain), int(safetest.MatchDomain)},
		{"MatchHost", int(safe.MatchHost), int(safetest.MatchHost)},
		{"MatchStartsWith", int(safe.MatchStartsWith), int(safetest.MatchStartsWith)},
		{"MatchExact", int(safe.MatchExact), int(safetest.MatchExact)},
		{"MatchRegularExpression", int(safe.MatchRegularExpression), int(safetest.MatchRegularExpression)},
		{"MatchNever", int(safe.MatchNever), int(safetest.MatchNever)},
		{"FieldText", int(safe.FieldText), int(safetest.FieldText)},
		{"FieldHidden", int(safe.FieldHidden), int(safetest.FieldHidden)},
		{"FieldBoolean", int(safe.FieldBoolean), int(safetest.FieldBoolean)},
		{"FieldLinked", int(safe.FieldLinked), int(safetest.FieldLinked)},
		{"RoleOwner", int(safe.RoleOwner), int(safetest.RoleOwner)},
		{"RoleAdmin", int(safe.RoleAdmin), int(safetest.RoleAdmin)},
		{"RoleUser", int(safe.RoleUser), int(safetest.RoleUser)},
		{"RoleCustom", int(safe.RoleCustom), int(safetest.RoleCustom)},
	} {
		if c.safe != c.stest {
			t.Errorf("%s: safe %d, safetest %d", c.name, c.safe, c.stest)
		}
	}
}

var (
	safeMatches     = []safe.URIMatch{safe.MatchDefault, safe.MatchDomain, safe.MatchHost, safe.MatchStartsWith, safe.MatchExact, safe.MatchRegularExpression, safe.MatchNever}
	safetestMatches = []safetest.URIMatch{safetest.MatchDefault, safetest.MatchDomain, safetest.MatchHost, safetest.MatchStartsWith, safetest.MatchExact, safetest.MatchRegularExpression, safetest.MatchNever}
)

// TestWireEnumsRoundTrip: every URI match kind and an SSH-key item seeded
// through safetest read back through safe as the same-named values, and
// the other way round.
func TestWireEnumsRoundTrip(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		ctx := t.Context()
		var seededURIs []safetest.URI
		for i, m := range safetestMatches {
			seededURIs = append(seededURIs, safetest.URI{URI: "https://" + string(rune('a'+i)) + ".example.com", Match: m})
		}
		id, err := e.srv.AddItem(e.user, safetest.Item{Name: "matches", Login: &safetest.Login{URIs: seededURIs}})
		if err != nil {
			t.Fatal(err)
		}
		it, err := e.client.Items.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var got []safe.URIMatch
		for _, u := range it.Login.URIs {
			got = append(got, u.Match)
		}
		if diff := cmp.Diff(safeMatches, got); diff != "" {
			t.Errorf("safe read safetest's matches (-want +got):\n%s", diff)
		}

		var uris safe.URIs
		for i, m := range safeMatches {
			uris = append(uris, safe.URI{URI: "https://" + string(rune('a'+i)) + ".example.org", Match: m})
		}
		created, err := e.client.Items.Create(ctx, &safe.Item{Type: safe.TypeLogin, Name: "written", Login: &safe.Login{URIs: uris}})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := e.srv.Item(created.ID)
		if err != nil {
			t.Fatal(err)
		}
		var gotStored []safetest.URIMatch
		for _, u := range stored.Login.URIs {
			gotStored = append(gotStored, u.Match)
		}
		if diff := cmp.Diff(safetestMatches, gotStored); diff != "" {
			t.Errorf("safetest read safe's matches (-want +got):\n%s", diff)
		}

		key := &safetest.SSHKey{PrivateKey: "sensitive-private-key", PublicKey: "ssh-ed25519 AAAA", KeyFingerprint: "SHA256:fp"}
		sshID, err := e.srv.AddItem(e.team, safetest.Item{Name: "ssh", SSHKey: key, CollectionIDs: []string{e.col.ID}})
		if gen == safetest.Gen2023 {
			// 2023.8 has no SSH-key type: its request model throws, a 500.
			if err == nil {
				t.Fatal("Gen2023 stored an SSH-key item")
			}
			_, err := e.client.Items.Create(ctx, &safe.Item{Type: safe.TypeSSHKey, Name: "ssh", SSHKey: &safe.SSHKey{PrivateKey: "sensitive-k"}})
			var ae *safe.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 500 {
				t.Errorf("creating an SSH key on Gen2023: %v, want the server's 500", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		sshItem, err := e.client.Items.Get(ctx, sshID)
		if err != nil {
			t.Fatal(err)
		}
		if sshItem.Type != safe.TypeSSHKey || sshItem.SSHKey == nil || sshItem.SSHKey.PrivateKey != key.PrivateKey ||
			sshItem.SSHKey.PublicKey != key.PublicKey || sshItem.SSHKey.KeyFingerprint != key.KeyFingerprint {
			t.Errorf("safe read the seeded SSH key as type %v, %+v", sshItem.Type, sshItem.SSHKey)
		}
		written, err := e.client.Items.Create(ctx, &safe.Item{Type: safe.TypeSSHKey, Name: "ssh 2",
			SSHKey: &safe.SSHKey{PrivateKey: "sensitive-k2", PublicKey: "ssh-rsa BBBB", KeyFingerprint: "SHA256:fp2"}})
		if err != nil {
			t.Fatal(err)
		}
		back, err := e.srv.Item(written.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&safetest.SSHKey{PrivateKey: "sensitive-k2", PublicKey: "ssh-rsa BBBB", KeyFingerprint: "SHA256:fp2"}, back.SSHKey); back.Type != safetest.TypeSSHKey || diff != "" {
			t.Errorf("safetest read safe's SSH key as type %v (-want +got):\n%s", back.Type, diff)
		}
	})
}
