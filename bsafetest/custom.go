package bsafetest

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/bsafe-go/bsafe"
)

// CustomFunc runs one custom operation for AddCustom. It runs without the
// Connector's lock held, so it may call the Connector.
type CustomFunc func(ctx context.Context, req bsafe.CustomRequest) ([]bsafe.CustomRow, error)

type custom struct {
	op bsafe.CustomOperation
	fn CustomFunc
}

// AddCustom declares the custom operation op, which Custom runs with fn.
// An empty name, an output type that is not one of the three, a nil fn
// (all bsafe.ErrBadInput) and a name declared already
// (bsafe.ErrAlreadyExists) are refused.
func (c *Connector) AddCustom(op bsafe.CustomOperation, fn CustomFunc) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case op.Name == "":
		return badInput("AddCustom", "the operation has no name")
	case op.Output != bsafe.OutputNone && op.Output != bsafe.OutputSingle && op.Output != bsafe.OutputMultiple:
		return badInput("AddCustom", "operation %q: output type %q", op.Name, op.Output)
	case fn == nil:
		return badInput("AddCustom", "operation %q has no function", op.Name)
	}
	if slices.ContainsFunc(c.customs, func(o custom) bool { return o.op.Name == op.Name }) {
		return fmt.Errorf("bsafetest: AddCustom: %q: %w", op.Name, bsafe.ErrAlreadyExists)
	}
	c.customs = append(c.customs, custom{op, fn})
	return nil
}

// CustomOperations returns the operations AddCustom declared, in order.
func (c *Connector) CustomOperations() []bsafe.CustomOperation {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops := make([]bsafe.CustomOperation, len(c.customs))
	for i, o := range c.customs {
		ops[i] = o.op
	}
	return ops
}

// Custom runs the declared operation req.Op names and yields the rows its
// function returns, or its error. An undeclared operation is
// bsafe.ErrNotSupported.
func (c *Connector) Custom(ctx context.Context, req bsafe.CustomRequest) iter.Seq2[bsafe.CustomRow, error] {
	return func(yield func(bsafe.CustomRow, error) bool) {
		if err := c.enter(ctx, Call{Op: bsafe.OpCustom, Account: req.Account.ID, Group: req.GroupID}); err != nil {
			yield(bsafe.CustomRow{}, err)
			return
		}
		c.mu.Lock()
		i := slices.IndexFunc(c.customs, func(o custom) bool { return o.op.Name == req.Op })
		var fn CustomFunc
		if i >= 0 {
			fn = c.customs[i].fn
		}
		c.mu.Unlock()
		if fn == nil {
			yield(bsafe.CustomRow{}, fmt.Errorf("bsafetest: custom operation %q: %w", req.Op, bsafe.ErrNotSupported))
			return
		}
		rows, err := fn(ctx, req)
		if err != nil {
			yield(bsafe.CustomRow{}, err)
			return
		}
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}
