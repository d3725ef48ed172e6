package safe_test

import (
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// TestConnectorConformance runs the conformance kit on the connector, on
// both server generations, and checks that the kit left the fixture's
// item as it found it.
func TestConnectorConformance(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newConnEnv(t, gen)
		e.connect(t)
		f := bsafe.Fixture{
			Account: ref(e.ad), Password: "sensitive-ad-pw", NewPassword: "sensitive-kit-new",
			Template: "template", NewAccount: bsafe.AccountRef{ID: "kit-new-account"},
			Group: e.other.ID, NewGroup: bsafe.GroupRequest{ID: "KIT-GROUP", Name: "KIT-GROUP"},
			Attribute: "assocID",
		}
		before := e.stored(t, e.ad)
		if err := bsafe.TestConnector(t.Context(), e.k, f); err != nil {
			t.Fatal(err)
		}
		after := e.stored(t, e.ad)
		if after.Login.Password != before.Login.Password || len(after.Fields) != len(before.Fields) || after.Fields[0] != before.Fields[0] {
			t.Errorf("the kit did not leave the account as it found it")
		}
		for _, id := range e.srv.ItemIDs() {
			if it, _ := e.srv.Item(id); it.Name == "kit-new-account" {
				t.Errorf("the kit's new account is still there")
			}
		}
	})
}
