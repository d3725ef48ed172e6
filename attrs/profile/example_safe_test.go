package profile_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/attrs/profile"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// Bravura Safe's convention (seed 000, "Configuring Bravura Safe
// collections for auto-association"): the Safe target is not a source of
// profile IDs, attaches accounts automatically, and attaches by the
// _collectionNames account attribute. A collection is named after a
// profile ID, and each login item in it is an account of that profile.
// Here the profile User1 comes from an HR system; the Safe team's items
// are listed through the vault connector.
func Example_safeCollections() {
	ctx := context.Background()
	srv := safetest.NewServer()
	defer srv.Close()
	admin, err := srv.AddUser(safetest.UserSpec{Email: "admin@example.com", Password: "admin-pw", KDF: safetest.PBKDF2(5000)}) // cheap, for tests
	if err != nil {
		log.Fatal(err)
	}
	team, err := srv.AddTeam(admin, safetest.TeamSpec{Name: "Enterprise"})
	if err != nil {
		log.Fatal(err)
	}
	user1, _ := srv.AddCollection(team, "User1")
	shared, _ := srv.AddCollection(team, "Shared")
	for _, it := range []struct {
		name string
		in   []string
	}{
		{"Active Directory", []string{user1.ID}},
		{"Mail", []string{user1.ID}},
		{"VPN", []string{shared.ID, user1.ID}}, // any one collection name matches
		{"Printer", []string{shared.ID}},       // no profile "Shared"
	} {
		if _, err := srv.AddItem(team, safetest.Item{Name: it.name, CollectionIDs: it.in, Login: &safetest.Login{Password: "pw"}}); err != nil {
			log.Fatal(err)
		}
	}

	k := safe.NewConnector(safe.WithHTTPClient(srv.Client()))
	defer k.Close()
	if _, err := k.Connect(ctx, bsafe.Target{
		Options: attrs.New("server", srv.URL, "organizationName", "Enterprise"),
		AdminID: "admin@example.com", AdminPassword: "admin-pw",
	}); err != nil {
		log.Fatal(err)
	}
	accounts := []profile.Account{{Target: "HR", StableID: "e1001", ShortID: "User1"}}
	for a, err := range k.ListUsers(ctx, bsafe.ListOptions{Attributes: []string{"_collectionNames"}}) {
		if err != nil {
			log.Fatal(err)
		}
		accounts = append(accounts, profile.FromAccount("Safe", a))
	}

	e, err := profile.New(
		profile.Target{ID: "HR", SourceOfProfiles: true},
		profile.Target{ID: "Safe", AutoAttach: true, AttachAttribute: "_collectionNames"},
	)
	if err != nil {
		log.Fatal(err)
	}
	e.Discover(accounts)
	p, _ := e.Profile("user1")
	var lines []string
	for _, a := range p.Accounts {
		names, _ := a.Account.Attrs.Lookup("_collectionNames")
		names = slices.Sorted(slices.Values(names)) // in the order the server keeps the item's collections
		lines = append(lines, fmt.Sprintf("%s %q (%s) %v", a.Account.Target, a.Account.ShortID, a.How, names))
	}
	slices.Sort(lines) // item IDs, the stable IDs, are random
	fmt.Println(p.ID + ":\n  " + strings.Join(lines, "\n  "))
	// Output:
	// User1:
	//   HR "User1" (source) []
	//   Safe "Active Directory" (auto) [User1]
	//   Safe "Mail" (auto) [User1]
	//   Safe "VPN" (auto) [Shared User1]
}
