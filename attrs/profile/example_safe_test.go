package profile_test

import (
	"cmp"
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
	user1, err := srv.AddCollection(team, "User1")
	if err != nil {
		log.Fatal(err)
	}
	shared, err := srv.AddCollection(team, "Shared")
	if err != nil {
		log.Fatal(err)
	}
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
		// bsafe.Account's StableID is "empty means the same as LongID".
		accounts = append(accounts, profile.Account{Target: "Safe", StableID: cmp.Or(a.StableID, a.LongID), ShortID: a.ShortID, Attrs: a.Attrs})
	}

	e, err := profile.New(
		profile.Target{ID: "HR", SourceOfProfiles: true},
		profile.Target{ID: "Safe", AutoAttach: true, AttachAttribute: "_collectionNames"},
	)
	if err != nil {
		log.Fatal(err)
	}
	rep := e.Discover(accounts)
	fmt.Println("created:", rep.Created)
	var lines []string
	for _, at := range rep.Attached {
		names, _ := at.Account.Attrs.Lookup("_collectionNames")
		// Sorted: the order of an item's collections is the server's.
		names = slices.Sorted(slices.Values(names))
		lines = append(lines, fmt.Sprintf("%s: %s %q (%s) %v", at.Profile, at.Account.Target, at.Account.ShortID, at.How, names))
	}
	slices.Sort(lines) // item IDs, the stable IDs and so the report's order, are random
	fmt.Println("attached:\n  " + strings.Join(lines, "\n  "))
	// Printer is only in the collection Shared, and there is no profile
	// Shared: it stays unattached.
	p, _ := e.Profile("user1") // lookups ignore case
	fmt.Println("accounts of", p.ID+":", len(p.Accounts))
	// Output:
	// created: [User1]
	// attached:
	//   User1: HR "User1" (source) []
	//   User1: Safe "Active Directory" (auto) [User1]
	//   User1: Safe "Mail" (auto) [User1]
	//   User1: Safe "VPN" (auto) [Shared User1]
	// accounts of User1: 4
}
