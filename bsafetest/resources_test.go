package bsafetest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
)

func TestComputers(t *testing.T) {
	c := target(t)
	must(t, c.AddComputer(bsafe.Computer{ID: "pc-1", Name: "one", ResourceType: bsafe.Workstations, Attrs: attrs.New("os", "linux")}))
	must(t, c.AddComputer(bsafe.Computer{ID: "srv-1", ResourceType: bsafe.Servers, Disabled: true}))
	must(t, c.AddComputer(bsafe.Computer{ID: "pc-2", ResourceType: bsafe.Workstations}))
	for rt, want := range map[bsafe.ResourceType][]string{bsafe.Workstations: {"pc-1", "pc-2"}, bsafe.Servers: {"srv-1"}} {
		var got []string
		for comp, err := range c.ListComputers(ctx, rt) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, comp.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("ListComputers(%s) = %q, want %q", rt, got, want)
		}
	}
	for _, err := range c.ListComputers(ctx, bsafe.TaskSubscribers) {
		wantErr(t, "ListComputers of a subscriber type", err, bsafe.ErrBadInput)
	}
}

func TestSubscribers(t *testing.T) {
	c := target(t)
	task := bsafe.SubscriberRef{ResourceType: bsafe.TaskSubscribers, URI: `host\nightly`}
	must(t, c.AddSubscriber(bsafe.Subscriber{URI: task.URI, ResourceType: task.ResourceType, LongID: "u-alice"}, "sensitive-old"))
	must(t, c.AddSubscriber(bsafe.Subscriber{URI: "svc", ResourceType: bsafe.ServiceSubscribers, LongID: "u-other"}, "sensitive-old"))
	must(t, c.AddSubscriber(bsafe.Subscriber{URI: "any", ResourceType: bsafe.ServiceSubscribers}, "sensitive-old"))

	var uris []string
	for s, err := range c.ListSubscribers(ctx, bsafe.ServiceSubscribers) {
		if err != nil {
			t.Fatal(err)
		}
		uris = append(uris, s.URI)
	}
	if !slices.Equal(uris, []string{"svc", "any"}) {
		t.Errorf("ListSubscribers(services) = %q", uris)
	}
	for _, err := range c.ListSubscribers(ctx, bsafe.Servers) {
		wantErr(t, "ListSubscribers of a computer type", err, bsafe.ErrBadInput)
	}

	must(t, c.UpdateSubscriber(ctx, task, alice, "sensitive-new"))
	if pw, ok := c.SubscriberPassword(task.ResourceType, task.URI); !ok || pw != "sensitive-new" {
		t.Error("UpdateSubscriber did not set the password")
	}
	must(t, c.UpdateSubscriber(ctx, bsafe.SubscriberRef{ResourceType: bsafe.ServiceSubscribers, URI: "any"}, alice, "sensitive-new"))
	wantErr(t, "UpdateSubscriber of another account's subscriber",
		c.UpdateSubscriber(ctx, bsafe.SubscriberRef{ResourceType: bsafe.ServiceSubscribers, URI: "svc"}, alice, "sensitive-new"), bsafe.ErrInvalidObject)
	wantErr(t, "UpdateSubscriber unknown subscriber", c.UpdateSubscriber(ctx, bsafe.SubscriberRef{ResourceType: bsafe.TaskSubscribers, URI: "svc"}, alice, "x"), bsafe.ErrObjectNotFound)
	wantErr(t, "UpdateSubscriber unknown account", c.UpdateSubscriber(ctx, task, nobody, "x"), bsafe.ErrInvalidUser)
	wantErr(t, "UpdateSubscriber empty password", c.UpdateSubscriber(ctx, task, alice, ""), bsafe.ErrInvalidPassword)
	if pw, _ := c.SubscriberPassword(task.ResourceType, task.URI); pw != "sensitive-new" {
		t.Error("a refused UpdateSubscriber changed the password")
	}
	if _, ok := c.SubscriberPassword(bsafe.TaskSubscribers, "nope"); ok {
		t.Error("SubscriberPassword of an unknown subscriber")
	}
}

func TestCustom(t *testing.T) {
	c := target(t)
	var seen bsafe.CustomRequest
	must(t, c.AddCustom(bsafe.CustomOperation{Name: "report", Output: bsafe.OutputMultiple},
		func(ctx context.Context, req bsafe.CustomRequest) ([]bsafe.CustomRow, error) {
			seen = req
			// The function may call the Connector: no lock is held.
			a, err := c.CheckUser(ctx, req.Account)
			if err != nil {
				return nil, err
			}
			return []bsafe.CustomRow{{ID: a.LongID}, {ID: "second"}}, nil
		}))
	must(t, c.AddCustom(bsafe.CustomOperation{Name: "fail", Output: bsafe.OutputNone},
		func(context.Context, bsafe.CustomRequest) ([]bsafe.CustomRow, error) { return nil, bsafe.ErrDenied }))
	wantErr(t, "AddCustom twice", c.AddCustom(bsafe.CustomOperation{Name: "fail", Output: bsafe.OutputNone},
		func(context.Context, bsafe.CustomRequest) ([]bsafe.CustomRow, error) { return nil, nil }), bsafe.ErrAlreadyExists)
	wantErr(t, "AddCustom bad output", c.AddCustom(bsafe.CustomOperation{Name: "x", Output: "many"},
		func(context.Context, bsafe.CustomRequest) ([]bsafe.CustomRow, error) { return nil, nil }), bsafe.ErrBadInput)
	wantErr(t, "AddCustom nil", c.AddCustom(bsafe.CustomOperation{Name: "x", Output: bsafe.OutputNone}, nil), bsafe.ErrBadInput)
	wantErr(t, "AddCustom no name", c.AddCustom(bsafe.CustomOperation{Output: bsafe.OutputNone},
		func(context.Context, bsafe.CustomRequest) ([]bsafe.CustomRow, error) { return nil, nil }), bsafe.ErrBadInput)

	want := []bsafe.CustomOperation{{Name: "report", Output: bsafe.OutputMultiple}, {Name: "fail", Output: bsafe.OutputNone}}
	if got := c.CustomOperations(); !slices.Equal(got, want) {
		t.Errorf("CustomOperations = %v", got)
	}
	var ids []string
	for r, err := range c.Custom(ctx, bsafe.CustomRequest{Op: "report", Account: alice, GroupID: "g-staff"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"u-alice", "second"}) || seen.GroupID != "g-staff" {
		t.Errorf("Custom yields %q; the function saw %v", ids, seen)
	}
	for _, err := range c.Custom(ctx, bsafe.CustomRequest{Op: "fail"}) {
		wantErr(t, "a failing custom operation", err, bsafe.ErrDenied)
	}
	for _, err := range c.Custom(ctx, bsafe.CustomRequest{Op: "undeclared"}) {
		wantErr(t, "an undeclared custom operation", err, bsafe.ErrNotSupported)
	}
	n := 0
	for range c.Custom(ctx, bsafe.CustomRequest{Op: "report", Account: alice}) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break after one custom row: %d rows", n)
	}
}
