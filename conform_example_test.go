package bsafe_test

import (
	"context"
	"fmt"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/bsafetest"
)

// TestConnector runs against a target seeded with what the fixture names.
// In a connector's own tests it is called from a Test function, with
// t.Fatal(err) when it returns an error.
func ExampleTestConnector() {
	target := bsafetest.New()
	_ = target.AddGroup(bsafe.Group{LongID: "g-staff", ShortID: "staff"})
	_ = target.AddAccount(bsafetest.AccountSpec{
		ID: "u-alice", ShortID: "alice", FullName: "Alice", Password: "correct horse",
		Attrs: attrs.New("department", "sales"),
	})
	_ = target.AddTemplate(bsafetest.AccountSpec{ID: "template", Attrs: attrs.New("department", "none")})
	_ = target.AddSubscriber(bsafe.Subscriber{URI: `host1\backup`, ResourceType: bsafe.TaskSubscribers, LongID: "u-alice"}, "correct horse")

	err := bsafe.TestConnector(context.Background(), target, bsafe.Fixture{
		Account:     bsafe.AccountRef{ID: "u-alice"},
		Password:    "correct horse",
		NewPassword: "battery staple",
		Template:    "template",
		NewAccount:  bsafe.AccountRef{ID: "u-bob", ShortID: "bob"},
		Group:       "g-staff",
		NewGroup:    bsafe.GroupRequest{ID: "g-new", Name: "new"},
		Attribute:   "department",
		Subscriber:  bsafe.SubscriberRef{ResourceType: bsafe.TaskSubscribers, URI: `host1\backup`},
	})
	fmt.Println(err)
	// Output:
	// <nil>
}
