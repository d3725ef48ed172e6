package safe_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// exampleServer starts an in-memory server with a user, a team and a
// collection, as a test or a demo would.
func exampleServer() (*safetest.Server, *safetest.User, *safetest.Team, *safetest.Collection) {
	srv := safetest.NewServer()
	user, err := srv.AddUser(safetest.UserSpec{Email: "jane@example.com", Password: "correct horse battery staple", KDF: safetest.PBKDF2(5000)})
	if err != nil {
		log.Fatal(err)
	}
	team, err := srv.AddTeam(user, safetest.TeamSpec{Name: "Operations"})
	if err != nil {
		log.Fatal(err)
	}
	col, err := srv.AddCollection(team, "Servers")
	if err != nil {
		log.Fatal(err)
	}
	return srv, user, team, col
}

func Example() {
	srv, _, team, col := exampleServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	if err := c.LoginPassword(ctx, "jane@example.com", "correct horse battery staple"); err != nil {
		log.Fatal(err)
	}

	it, err := c.Items.Create(ctx, &safe.Item{
		Name:   "db01 admin",
		TeamID: team.ID,
		Login:  &safe.Login{Username: "admin", Password: "first-password"},
		Fields: safe.Fields{{Name: "assocID", Value: "db01-admin"}},
	}, safe.InCollections(col.ID))
	if err != nil {
		log.Fatal(err)
	}
	it, err = c.Items.SetPassword(ctx, it.ID, "second-password")
	if err != nil {
		log.Fatal(err)
	}

	for it, err := range c.Items.All(ctx, safe.InCollection(col.ID)) {
		if err != nil {
			log.Fatal(err)
		}
		assoc, _ := it.Field("assocID")
		fmt.Println(it.Name, it.Login.Username, assoc, len(it.PasswordHistory), "old password(s)")
	}
	fmt.Println(it.Login, it.Fields) // secrets do not print
	// Output:
	// db01 admin admin db01-admin 1 old password(s)
	// REDACTED [REDACTED]
}

func ExampleClient_LoginPassword_twoFactor() {
	srv, user, _, _ := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	if err := srv.RequireTwoFactor(user, safetest.TwoFactorAuthenticator, "123456"); err != nil {
		log.Fatal(err)
	}
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	err = c.LoginPassword(ctx, "jane@example.com", "wrong password")
	fmt.Println(errors.Is(err, safe.ErrWrongPassword))

	err = c.LoginPassword(ctx, "jane@example.com", "correct horse battery staple")
	var tf *safe.TwoFactorError
	if errors.As(err, &tf) {
		fmt.Println("second factor needed:", tf.Providers)
		// Ask the user for a code from one of tf.Providers, then:
		err = c.LoginPassword(ctx, "jane@example.com", "correct horse battery staple",
			safe.WithTwoFactor(tf.Providers[0], "123456", false))
	}
	fmt.Println(err, c.LoggedIn())
	// Output:
	// true
	// second factor needed: [0]
	// <nil> true
}
