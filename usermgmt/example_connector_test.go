package usermgmt_test

import (
	"context"
	"fmt"
	"log"
	"slices"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
	"github.com/bsafe-go/bsafe/usermgmt"
)

// ExampleConnector lists a team's members through the User Management
// connector, then gives one of them access to a collection at an access
// level, as groupuseradd with _accessLevel does.
func ExampleConnector() {
	ctx := context.Background()
	srv := safetest.NewServer()
	defer srv.Close()
	owner, _ := srv.AddUser(safetest.UserSpec{Email: "owner@example.com", Password: "owner-pw", KDF: safetest.PBKDF2(5000)})
	jane, _ := srv.AddUser(safetest.UserSpec{Email: "jane@example.com", Password: "jane-pw", KDF: safetest.PBKDF2(5000)})
	team, _ := srv.AddTeam(owner, safetest.TeamSpec{Name: "Ops"})
	srv.AddCollection(team, "Servers")
	srv.AddMember(team, jane, safetest.RoleUser)

	k := usermgmt.NewConnector(safe.WithHTTPClient(srv.Client()))
	defer k.Close()
	c, err := k.Connect(ctx, bsafe.Target{
		Options: attrs.New("server", srv.URL, "organizationName", "Ops", "defaultAccessLevel", "Can view"),
		AdminID: "owner@example.com", AdminPassword: "owner-pw",
	})
	if err != nil {
		log.Fatal(err)
	}
	um := c.(*usermgmt.Connector)
	var rows []string
	for a, err := range um.ListUsers(ctx, bsafe.ListOptions{Attributes: []string{"status", "type"}}) {
		if err != nil {
			log.Fatal(err)
		}
		rows = append(rows, fmt.Sprintf("%s: %s %s", a.ShortID, a.Attrs.Get("type"), a.Attrs.Get("status")))
	}
	slices.Sort(rows)
	for _, r := range rows {
		fmt.Println(r)
	}

	level := bsafe.Instructions{Attrs: []bsafe.Instruction{{Name: "_accessLevel", Action: bsafe.ActionValue, Values: []string{"Can edit, except passwords"}}}}
	if err := um.AddToGroupAttrs(ctx, bsafe.AccountRef{ID: "jane@example.com"}, "Servers", level); err != nil {
		log.Fatal(err)
	}
	for m, err := range um.ListMembers(ctx, "Servers") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("Servers:", m.Attrs.Get("accessLevel"))
	}
	// Output:
	// jane@example.com: user confirmed
	// owner@example.com: owner confirmed
	// Servers: Can edit except passwords
}
