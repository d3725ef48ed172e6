package safe_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"slices"

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
		// With remember, the server issues a token for this device.
		err = c.LoginPassword(ctx, "jane@example.com", "correct horse battery staple",
			safe.WithTwoFactor(tf.Providers[0], "123456", true))
	}
	fmt.Println(err, c.LoggedIn())

	// Next time, the same device (keep c.DeviceID() with WithDeviceID)
	// presents the token instead of a code. Store it like a password.
	remember := c.TwoFactorRememberToken()
	next, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()), safe.WithDeviceID(c.DeviceID()))
	if err != nil {
		log.Fatal(err)
	}
	err = next.LoginPassword(ctx, "jane@example.com", "correct horse battery staple",
		safe.WithTwoFactor(safe.TwoFactorRemember, remember, false))
	fmt.Println(err, next.LoggedIn())
	// Output:
	// true
	// second factor needed: [0]
	// <nil> true
	// <nil> true
}

// login returns a client logged in to the example server.
func login(srv *safetest.Server) *safe.Client {
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	if err := c.LoginPassword(context.Background(), "jane@example.com", "correct horse battery staple"); err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleItemsService_All() {
	srv, user, team, col := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	for _, it := range []struct {
		owner safetest.Owner
		item  safetest.Item
	}{
		{team, safetest.Item{Name: "db01 admin", CollectionIDs: []string{col.ID},
			Login:  &safetest.Login{Username: "admin", URIs: []safetest.URI{{URI: "ssh://db01.example.com"}}},
			Fields: []safetest.Field{{Name: "assocID", Value: "db01-admin"}}}},
		{team, safetest.Item{Name: "db02 admin", CollectionIDs: []string{col.ID},
			Login:  &safetest.Login{Username: "admin", URIs: []safetest.URI{{URI: "ssh://db02.example.com"}}},
			Fields: []safetest.Field{{Name: "assocID", Value: "db02-admin"}}}},
		{team, safetest.Item{Name: "Corporate card", CollectionIDs: []string{col.ID}, Card: &safetest.Card{Number: "4111111111111111"}}},
		{user, safetest.Item{Name: "Personal mail", Login: &safetest.Login{Username: "jane"}}},
	} {
		if _, err := srv.AddItem(it.owner, it.item); err != nil {
			log.Fatal(err)
		}
	}
	c := login(srv)

	// The item a connector manages, by its custom field.
	for it, err := range c.Items.All(ctx, safe.WithField("assocID", "db02-admin")) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("assocID db02-admin:", it.Name)
	}
	// Filters combine with AND.
	n := 0
	for _, err := range c.Items.All(ctx, safe.InTeam(team.ID), safe.OfType(safe.TypeLogin), safe.Search("EXAMPLE.COM")) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println("team logins on example.com:", n)
	personal, err := c.Items.List(ctx, safe.InTeam(""))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("personal items:", len(personal), personal[0].Name)
	// Output:
	// assocID db02-admin: db02 admin
	// team logins on example.com: 2
	// personal items: 1 Personal mail
}

func ExampleItemsService_SetPassword() {
	srv, _, team, col := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	c := login(srv)

	it, err := c.Items.Create(ctx, &safe.Item{
		Type:   safe.TypeLogin,
		Name:   "Active Directory",
		TeamID: team.ID,
		Login:  &safe.Login{Username: "bonnil", Password: "Initial-Pa55word!"},
	}, safe.InCollections(col.ID))
	if err != nil {
		log.Fatal(err)
	}
	it, err = c.Items.SetPassword(ctx, it.ID, "Rotated-Pa55word!")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(it.Login.Password)
	fmt.Println(len(it.PasswordHistory), it.PasswordHistory[0].Password)
	fmt.Println(it.Login) // the part itself never prints its secrets
	// Output:
	// Rotated-Pa55word!
	// 1 Initial-Pa55word!
	// REDACTED
}

func ExampleItemsService_Share() {
	srv, _, team, col := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	c := login(srv)

	// A personal item, moved into the team's collection "Servers".
	it, err := c.Items.Create(ctx, &safe.Item{Name: "Backup server", Login: &safe.Login{Password: "Pa55word!"}})
	if err != nil {
		log.Fatal(err)
	}
	shared, err := c.Items.Share(ctx, it.ID, team.ID, col.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shared.ID == it.ID, shared.TeamID == team.ID, slices.Equal(shared.CollectionIDs, []string{col.ID}))
	// Output:
	// true true true
}

func ExampleCollectionsService_Find() {
	srv, _, team, col := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	// A second collection with the name of an existing one.
	if _, err := srv.AddCollection(team, "Servers"); err != nil {
		log.Fatal(err)
	}
	if _, err := srv.AddCollection(team, "Applications"); err != nil {
		log.Fatal(err)
	}
	c := login(srv)

	apps, err := c.Collections.Find(ctx, team.ID, "applications") // case is ignored if no name matches exactly
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(apps.Name)

	_, err = c.Collections.Find(ctx, team.ID, "Servers")
	var ae *safe.AmbiguousError
	if errors.As(err, &ae) {
		// Both IDs are listed; pick one and use it instead of the name.
		fmt.Println(errors.Is(err, safe.ErrAmbiguous), len(ae.IDs), slices.Contains(ae.IDs, col.ID))
	}
	_, err = c.Collections.Find(ctx, team.ID, "Databases")
	fmt.Println(errors.Is(err, safe.ErrNotFound))
	// Output:
	// Applications
	// true 2 true
	// true
}

func ExampleClient_Team() {
	srv, user, team, _ := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	// Two more teams, with the same name.
	for range 2 {
		if _, err := srv.AddTeam(user, safetest.TeamSpec{Name: "Audit"}); err != nil {
			log.Fatal(err)
		}
	}
	c := login(srv)

	ops, err := c.Team(ctx, "operations") // a unique name, in any case
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ops.Name, ops.ID == team.ID)

	byID, err := c.Team(ctx, team.ID) // an ID always wins
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(byID.Name)

	_, err = c.Team(ctx, "Audit") // never the first of two
	fmt.Println(errors.Is(err, safe.ErrAmbiguous))
	// Output:
	// Operations true
	// Operations
	// true
}

func ExampleClient_ExportSession() {
	srv, user, _, _ := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	if _, err := srv.AddItem(user, safetest.Item{Name: "Mail", Login: &safetest.Login{Username: "jane"}}); err != nil {
		log.Fatal(err)
	}

	// One process logs in (one key derivation) and saves the session:
	// the blob to a file, the key to the environment, say.
	first := login(srv)
	blob, sessionKey, err := first.ExportSession()
	if err != nil {
		log.Fatal(err)
	}

	// Another resumes it, with no master password and no key derivation.
	second, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()), safe.WithDeviceID(first.DeviceID()))
	if err != nil {
		log.Fatal(err)
	}
	if err := second.ResumeSession(ctx, blob, sessionKey); err != nil {
		log.Fatal(err)
	}
	items, err := second.Items.List(ctx, safe.InTeam(""))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(second.LoggedIn(), items[0].Name)

	// The blob alone is of no use.
	err = second.ResumeSession(ctx, blob, "bm90IHRoZSBrZXk=")
	fmt.Println(errors.Is(err, safe.ErrInvalidSession))
	// Output:
	// true Mail
	// true
}

func ExampleItem_PlaintextJSON() {
	it := &safe.Item{ID: "4a1c", Type: safe.TypeLogin, Name: "db01 admin",
		Login: &safe.Login{Username: "admin", Password: "s3cret"}}

	redacted, _ := json.Marshal(map[string]any{"item": it, "login": it.Login})
	fmt.Println(string(redacted)) // json.Marshal never shows a secret

	plain, err := it.PlaintextJSON() // the one explicit export
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(plain))
	// Output:
	// {"item":{"id":"4a1c","type":"login","team":""},"login":"REDACTED"}
	// {"id":"4a1c","organizationId":null,"folderId":null,"collectionIds":[],"type":1,"name":"db01 admin","notes":null,"favorite":false,"reprompt":0,"login":{"username":"admin","password":"s3cret","totp":"","uris":[],"passwordRevisionDate":null},"creationDate":null,"revisionDate":null,"deletedDate":null}
}
