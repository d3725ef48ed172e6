package safe_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// exampleOwner logs the owner of exampleServer's team in.
func exampleOwner(ctx context.Context, srv *safetest.Server) *safe.Client {
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	if err := c.LoginPassword(ctx, "jane@example.com", "correct horse battery staple"); err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleMembersService_Invite() {
	srv, _, team, col := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	c := exampleOwner(ctx, srv)

	invited, err := c.Members.Invite(ctx, team.ID, safe.Invitation{
		Emails:      []string{"ann@example.com", "bob@example.com"},
		Role:        safe.RoleUser,
		Collections: []safe.Access{{ID: col.ID, ReadOnly: true}}, // "Can view"
	})
	var ou *safe.OutcomeUnknownError
	if errors.As(err, &ou) && ou.Applied {
		log.Fatal("invited, but the members could not be read back: list them later")
	}
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range invited {
		fmt.Println(m.Email, m.Role, m.Status, len(m.Collections), "collection")
	}
	// Output:
	// ann@example.com user invited 1 collection
	// bob@example.com user invited 1 collection
}

func ExampleMembersService_Confirm() {
	srv, _, team, _ := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	c := exampleOwner(ctx, srv)

	ann, err := srv.AddUser(safetest.UserSpec{Email: "ann@example.com", Password: "ann's master password", KDF: safetest.PBKDF2(5000)})
	if err != nil {
		log.Fatal(err)
	}
	invited, err := c.Members.Invite(ctx, team.ID, safe.Invitation{Emails: []string{ann.Email}, Role: safe.RoleUser})
	if err != nil {
		log.Fatal(err)
	}
	// Ann follows the link of the invitation e-mail (the test server's
	// seeding does it here): she has accepted, and waits to be confirmed.
	if _, err := srv.AcceptInvite(team, ann); err != nil {
		log.Fatal(err)
	}

	err = c.Members.Confirm(ctx, team.ID, invited[0].ID, func(fp safe.Fingerprint) error {
		// Ask Ann for the phrase her client shows, and compare. Here it
		// is only printed in part: it differs for every key.
		fmt.Println("Ann's key:", fp.UserID == ann.ID, "- words in its phrase:", len(fp.Words()))
		return nil // or an error, and nothing is confirmed
	})
	if err != nil {
		log.Fatal(err)
	}
	m, err := c.Members.Get(ctx, team.ID, invited[0].ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Email, m.Status)

	// A member who has not accepted cannot be confirmed.
	bob, err := c.Members.Invite(ctx, team.ID, safe.Invitation{Emails: []string{"bob@example.com"}, Role: safe.RoleUser})
	if err != nil {
		log.Fatal(err)
	}
	err = c.Members.Confirm(ctx, team.ID, bob[0].ID, nil)
	fmt.Println(errors.Is(err, safe.ErrNotAccepted))
	// Output:
	// Ann's key: true - words in its phrase: 5
	// ann@example.com confirmed
	// true
}
