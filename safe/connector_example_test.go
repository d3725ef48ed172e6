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
