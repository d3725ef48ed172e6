package safe_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// An owner resets a member's forgotten master password through account
// recovery. The member enrolled beforehand; after the reset the member
// logs in with the new password, is asked to choose one of their own (as
// a current Bitwarden server always asks), and finds the vault as it was.
func ExampleMembersService_ResetPassword() {
	srv := safetest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	fast := safetest.PBKDF2(5000)
	owner, err := srv.AddUser(safetest.UserSpec{Email: "owner@example.com", Password: "owner's password", KDF: fast})
	if err != nil {
		log.Fatal(err)
	}
	bob, err := srv.AddUser(safetest.UserSpec{Email: "bob@example.com", Password: "forgotten", KDF: safetest.Argon2id(2, 16, 1)})
	if err != nil {
		log.Fatal(err)
	}
	team, err := srv.AddTeam(owner, safetest.TeamSpec{Name: "Operations", AccountRecovery: true})
	if err != nil {
		log.Fatal(err)
	}
	member, err := srv.AddMember(team, bob, safetest.RoleUser)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := srv.AddItem(bob, safetest.Item{Name: "bob's notes", Notes: "still here"}); err != nil {
		log.Fatal(err)
	}
	login := func(email, password string) *safe.Client {
		c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
		if err != nil {
			log.Fatal(err)
		}
		if err := c.LoginPassword(ctx, email, password); err != nil {
			log.Fatal(err)
		}
		return c
	}

	// Bob's client enrols, long before he forgets his password.
	if err := login("bob@example.com", "forgotten").Members.EnrollAccountRecovery(ctx, team.ID); err != nil {
		log.Fatal(err)
	}

	// The owner sets a temporary password.
	admin := login("owner@example.com", "owner's password")
	if err := admin.Members.ResetPassword(ctx, team.ID, member.ID, "temporary password"); err != nil {
		log.Fatal(err)
	}

	c := login("bob@example.com", "temporary password")
	fmt.Println("must update:", c.MustUpdatePassword())
	if err := c.UpdateTempPassword(ctx, "bob's own new password", "the long one"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("must update:", c.MustUpdatePassword())
	items, err := c.Items.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		fmt.Println(it.Name+":", it.Notes)
	}
	// Output:
	// must update: true
	// must update: false
	// bob's notes: still here
}
