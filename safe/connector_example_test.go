package safe_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// The vault connector on a team: connect with the target's address and
// credentials, reset an item's password (confirmed by reading it back),
// and list the team's items as accounts.
func ExampleConnector() {
	srv, _, team, col := exampleServer()
	defer srv.Close()
	if _, err := srv.AddItem(team, safetest.Item{Name: "Active Directory", CollectionIDs: []string{col.ID},
		Login:  &safetest.Login{Username: "bonnil", Password: "old-password"},
		Fields: []safetest.Field{{Name: "assocID", Value: "bonnil"}}}); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	k := safe.NewConnector(safe.WithHTTPClient(srv.Client()))
	defer k.Close() // logs out the cached sessions, dropping their keys
	_, err := k.Connect(ctx, bsafe.Target{
		Options: attrs.New("server", srv.URL, "organizationName", "Operations"),
		AdminID: "jane@example.com", AdminPassword: "correct horse battery staple",
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := k.Reset(ctx, bsafe.AccountRef{ID: "Active Directory"}, "new-password"); err != nil {
		log.Fatal(bsafe.CodeOf(err), err)
	}
	ok, _ := k.Verify(ctx, bsafe.AccountRef{ID: "Active Directory"}, "new-password")
	fmt.Println("verified:", ok)

	for a, err := range k.ListUsers(ctx, bsafe.ListOptions{Attributes: []string{"_collectionNames", "assocID"}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(a.ShortID, a.Attrs.Get("_collectionNames"), a.Attrs.Get("assocID"))
	}

	err = k.Reset(ctx, bsafe.AccountRef{ID: "no such item"}, "new-password")
	fmt.Println(bsafe.CodeOf(err))
	// Output:
	// verified: true
	// Active Directory Servers bonnil
	// ACInvalidUser
}

// A program that serves several targets at once uses the Connector that
// Connect returns: it stays on its own team whatever Connects come later,
// while the sessions are shared (one login per target and credentials).
func ExampleConnector_Connect() {
	srv, user, team, col := exampleServer()
	defer srv.Close()
	finance, err := srv.AddTeam(user, safetest.TeamSpec{Name: "Finance"})
	if err != nil {
		log.Fatal(err)
	}
	financeCol, err := srv.AddCollection(finance, "Servers")
	if err != nil {
		log.Fatal(err)
	}
	ids := map[string]string{}
	for _, t := range []struct {
		team *safetest.Team
		col  *safetest.Collection
	}{{team, col}, {finance, financeCol}} {
		// An item of the same name in each team.
		id, err := srv.AddItem(t.team, safetest.Item{Name: "Active Directory", CollectionIDs: []string{t.col.ID},
			Login: &safetest.Login{Password: "old-password"}})
		if err != nil {
			log.Fatal(err)
		}
		ids[t.team.Name] = id
	}
	ctx := context.Background()
	k := safe.NewConnector(safe.WithHTTPClient(srv.Client()))
	defer k.Close() // logs out the cached sessions, dropping their keys
	connect := func(team string) *safe.Connector {
		c, err := k.Connect(ctx, bsafe.Target{
			Options: attrs.New("server", srv.URL, "organizationName", team),
			AdminID: "jane@example.com", AdminPassword: "correct horse battery staple",
		})
		if err != nil {
			log.Fatal(err)
		}
		return c.(*safe.Connector)
	}
	ops, fin := connect("Operations"), connect("Finance")

	// ops is still on Operations, though k's last Connect was to Finance.
	if err := ops.Reset(ctx, bsafe.AccountRef{ID: "Active Directory"}, "ops-password"); err != nil {
		log.Fatal(err)
	}
	opsItem, _ := ops.CheckUser(ctx, bsafe.AccountRef{ID: "Active Directory"})
	finItem, _ := fin.CheckUser(ctx, bsafe.AccountRef{ID: "Active Directory"})
	fmt.Println("ops reset the Operations item:", opsItem.LongID == ids["Operations"])
	fmt.Println("fin sees the Finance item:", finItem.LongID == ids["Finance"])
	ok, _ := fin.Verify(ctx, bsafe.AccountRef{ID: "Active Directory"}, "old-password")
	fmt.Println("the Finance item kept its password:", ok)
	// Output:
	// ops reset the Operations item: true
	// fin sees the Finance item: true
	// the Finance item kept its password: true
}
