package bsafetest

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/bsafe-go/bsafe"
)

var (
	computerTypes   = []bsafe.ResourceType{bsafe.Workstations, bsafe.Servers}
	subscriberTypes = []bsafe.ResourceType{bsafe.TaskSubscribers, bsafe.IISSubscribers, bsafe.COMSubscribers,
		bsafe.ServiceSubscribers, bsafe.CustomSubscribers, bsafe.AdminGroupSubscribers}
)

// AddComputer adds a computer, which ListComputers reports for its
// ResourceType (bsafe.Workstations or bsafe.Servers). An empty ID or
// another resource type is bsafe.ErrBadInput, a taken ID
// bsafe.ErrAlreadyExists.
func (c *Connector) AddComputer(comp bsafe.Computer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if comp.ID == "" {
		return badInput("AddComputer", "the computer has no ID")
	}
	if !slices.Contains(computerTypes, comp.ResourceType) {
		return badInput("AddComputer", "resource type %q is not one of listcomputers", comp.ResourceType)
	}
	if slices.ContainsFunc(c.computers, func(o bsafe.Computer) bool { return o.ID == comp.ID }) {
		return fmt.Errorf("bsafetest: AddComputer: computer %q: %w", comp.ID, bsafe.ErrAlreadyExists)
	}
	comp.Attrs = comp.Attrs.Clone()
	c.computers = append(c.computers, comp)
	return nil
}

// ListComputers yields the computers of resource type rt, in the order
// they were added. A type other than bsafe.Workstations and bsafe.Servers
// is bsafe.ErrBadInput.
func (c *Connector) ListComputers(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Computer, error] {
	return snapshot(ctx, c, Call{Op: bsafe.OpListComputers}, func() ([]bsafe.Computer, error) {
		if !slices.Contains(computerTypes, rt) {
			return nil, badInput(bsafe.OpListComputers, "resource type %q", rt)
		}
		var rows []bsafe.Computer
		for _, comp := range c.computers {
			if comp.ResourceType == rt {
				comp.Attrs = comp.Attrs.Clone()
				rows = append(rows, comp)
			}
		}
		return rows, nil
	})
}

// subscriber is one subscriber and the password it uses.
type subscriber struct {
	bsafe.Subscriber
	password string
}

// AddSubscriber adds a subscriber using password, which ListSubscribers
// reports for its ResourceType and UpdateSubscriber changes. Its URI is
// required and unique within its resource type, which must be one of the
// six of listsubscribers; LongID, when set, is the ID of the account it
// runs as. Failures are bsafe.ErrBadInput and bsafe.ErrAlreadyExists.
func (c *Connector) AddSubscriber(sub bsafe.Subscriber, password string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sub.URI == "" {
		return badInput("AddSubscriber", "the subscriber has no URI")
	}
	if !slices.Contains(subscriberTypes, sub.ResourceType) {
		return badInput("AddSubscriber", "resource type %q is not one of listsubscribers", sub.ResourceType)
	}
	if c.subscriber(sub.ResourceType, sub.URI) != nil {
		return fmt.Errorf("bsafetest: AddSubscriber: %s %q: %w", sub.ResourceType, sub.URI, bsafe.ErrAlreadyExists)
	}
	sub.Attrs = sub.Attrs.Clone()
	c.subscribers = append(c.subscribers, &subscriber{Subscriber: sub, password: password})
	return nil
}

// subscriber finds one; the caller holds the lock.
func (c *Connector) subscriber(rt bsafe.ResourceType, uri string) *subscriber {
	for _, s := range c.subscribers {
		if s.ResourceType == rt && s.URI == uri {
			return s
		}
	}
	return nil
}

// SubscriberPassword returns the password the subscriber uses, and
// whether it exists.
func (c *Connector) SubscriberPassword(rt bsafe.ResourceType, uri string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.subscriber(rt, uri)
	if s == nil {
		return "", false
	}
	return s.password, true
}

// ListSubscribers yields the subscribers of resource type rt, in the
// order they were added. A type not of listsubscribers is
// bsafe.ErrBadInput.
func (c *Connector) ListSubscribers(ctx context.Context, rt bsafe.ResourceType) iter.Seq2[bsafe.Subscriber, error] {
	return snapshot(ctx, c, Call{Op: bsafe.OpListSubscribers}, func() ([]bsafe.Subscriber, error) {
		if !slices.Contains(subscriberTypes, rt) {
			return nil, badInput(bsafe.OpListSubscribers, "resource type %q", rt)
		}
		var rows []bsafe.Subscriber
		for _, s := range c.subscribers {
			if s.ResourceType == rt {
				row := s.Subscriber
				row.Attrs = row.Attrs.Clone()
				rows = append(rows, row)
			}
		}
		return rows, nil
	})
}

// UpdateSubscriber sets the password the subscriber uses. An unknown
// subscriber is bsafe.ErrObjectNotFound, an unknown account
// bsafe.ErrInvalidUser, a subscriber that runs as another account
// bsafe.ErrInvalidObject, and a password the policy refuses
// bsafe.ErrInvalidPassword.
func (c *Connector) UpdateSubscriber(ctx context.Context, sub bsafe.SubscriberRef, acct bsafe.AccountRef, newPW string) error {
	const op = bsafe.OpUpdateSubscriber
	return c.write(ctx, Call{Op: op, Account: acct.ID}, func() error {
		s := c.subscriber(sub.ResourceType, sub.URI)
		if s == nil {
			return fmt.Errorf("bsafetest: updatesubscriber: %s %q: %w", sub.ResourceType, sub.URI, bsafe.ErrObjectNotFound)
		}
		if _, err := c.account(op, acct); err != nil {
			return err
		}
		if s.LongID != "" && s.LongID != acct.ID {
			return fmt.Errorf("bsafetest: updatesubscriber: %q runs as %q, not %q: %w", sub.URI, s.LongID, acct.ID, bsafe.ErrInvalidObject)
		}
		if err := c.acceptable(op, newPW); err != nil {
			return err
		}
		s.password = newPW
		return nil
	})
}
