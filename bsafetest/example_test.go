package bsafetest_test

import (
	"context"
	"fmt"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/bsafetest"
)

// A test seeds the target, runs the code under test against it, and reads
// the outcome back.
func ExampleConnector() {
	ctx := context.Background()
	target := bsafetest.New()
	_ = target.AddGroup(bsafe.Group{LongID: "g-staff", ShortID: "staff"})
	_ = target.AddAccount(bsafetest.AccountSpec{
		ID: "u-alice", ShortID: "alice", Password: "old password",
		Attrs: attrs.New("department", "sales"), Groups: []string{"g-staff"},
	})

	// The code under test sees a bsafe.Connector.
	var c bsafe.Connector = target
	if r, ok := c.(bsafe.Resetter); ok {
		fmt.Println("reset:", r.Reset(ctx, bsafe.AccountRef{ID: "u-alice"}, "new password"))
	}
	for a, err := range target.ListUsers(ctx, bsafe.ListOptions{}) {
		fmt.Println(a.LongID, a.ShortID, a.Attrs.Get("department"), a.Groups, err)
	}
	ok, _ := target.Verify(ctx, bsafe.AccountRef{ID: "u-alice"}, "new password")
	fmt.Println("new password verifies:", ok)
	_, err := target.CheckUser(ctx, bsafe.AccountRef{ID: "u-nobody"})
	fmt.Println(bsafe.CodeOf(err))
	// Output:
	// reset: <nil>
	// u-alice alice sales [g-staff] <nil>
	// new password verifies: true
	// ACInvalidUser
}
