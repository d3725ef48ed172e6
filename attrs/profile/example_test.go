package profile_test

import (
	"fmt"
	"log"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/attrs/profile"
)

// A source of profiles (HR) and an Active Directory target that attaches
// by logon name: the first discovery makes a profile and attaches the AD
// account; after HR renames the account, the second renames the profile,
// and the AD account, whose names no longer match, is detached.
func ExampleEngine_Discover() {
	e, err := profile.New(
		profile.Target{ID: "HR", SourceOfProfiles: true},
		profile.Target{ID: "AD", AutoAttach: true, ActiveDirectory: true},
	)
	if err != nil {
		log.Fatal(err)
	}
	ad := profile.Account{Target: "AD", StableID: "guid-7", ShortID: "bob",
		Attrs: attrs.New("userPrincipalName", "bob@corp.example")}

	r := e.Discover([]profile.Account{{Target: "HR", StableID: "e1001", ShortID: "bob"}, ad})
	fmt.Println("created:", r.Created)
	for _, a := range r.Attached {
		fmt.Println("attached:", a.Account.Target, a.Account.ShortID, "to", a.Profile, "by", a.How)
	}

	r = e.Discover([]profile.Account{{Target: "HR", StableID: "e1001", ShortID: "robert"}, ad})
	fmt.Println("renamed:", r.Renamed)
	for _, a := range r.Detached {
		fmt.Println("detached:", a.Account.Target, a.Account.ShortID, "from", a.Profile)
	}
	p, _ := e.Profile("ROBERT")
	fmt.Println(p.ID, "has", len(p.Accounts), "account")
	// Output:
	// created: [bob]
	// attached: HR bob to bob by source
	// attached: AD bob to bob by auto
	// renamed: [{bob robert}]
	// detached: AD bob from robert
	// robert has 1 account
}
