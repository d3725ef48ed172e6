package bsafe

import (
	"fmt"
	"iter"
	"os"
	"path/filepath"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// checkCustom finds the declared custom operation and checks its input
// before anything runs.
func checkCustom(d *dispatch) error {
	if d.customName == "" {
		return badInput("%q is required", "customop")
	}
	found := false
	for _, op := range d.c.(CustomOperator).CustomOperations() {
		if op.Name == d.customName {
			d.prepared.custom, found = op, true
			break
		}
	}
	if !found {
		return fmt.Errorf("%w: custom operation %q is not declared", ErrNotSupported, truncate(d.customName, 64))
	}
	switch d.prepared.custom.Output {
	case OutputNone, OutputSingle:
	case OutputMultiple:
		if err := d.in.require(keyCustomFile); err != nil {
			return err
		}
	default:
		return fmt.Errorf("bsafe: custom operation %q declares an unknown output type %q", d.customName, truncate(string(d.prepared.custom.Output), 64))
	}
	return checkInstructions(false)(d)
}

func runCustom(d *dispatch) error {
	in := &d.in
	req := CustomRequest{
		Op:          d.customName,
		Account:     in.acct,
		GroupID:     in.vals[keyGroupID],
		GroupName:   in.vals[keyGroupName],
		TemplateID:  in.vals[keyModelUID],
		OldPassword: in.vals[keyOldPW],
		NewPassword: in.vals[keyNewPW],
		Attrs:       d.prepared.ins,
		Extra:       in.extra(),
	}
	rows := d.c.(CustomOperator).Custom(d.ctx, req)
	switch d.prepared.custom.Output {
	case OutputNone:
		for _, err := range rows {
			if err != nil {
				return err
			}
		}
		return nil
	case OutputSingle:
		var (
			row CustomRow
			n   int
		)
		for r, err := range rows {
			if err != nil {
				return err
			}
			if n++; n > 1 {
				return fmt.Errorf("bsafe: custom operation %q of output type single returned more than one row", d.customName)
			}
			row = r
		}
		if n == 0 {
			return fmt.Errorf("bsafe: custom operation %q of output type single returned no rows", d.customName)
		}
		return d.out.custom(&row)
	}
	return d.customFile(rows)
}

// customFile writes the rows of a multiple custom operation to
// "customfilename": to a temporary file in its directory first, renamed
// over the name once complete, so that a failure leaves no partial file.
func (d *dispatch) customFile(rows iter.Seq2[CustomRow, error]) (err error) {
	name := d.in.vals[keyCustomFile]
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("bsafe: custom operation %q: %w", d.customName, err)
	}
	tmp := f.Name()
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			os.Remove(tmp)
		}
	}()
	o := &output{enc: kvgroup.NewEncoder(f), sc: d.out.sc}
	o.begin("", "")
	for r, rerr := range rows {
		if rerr != nil {
			return rerr
		}
		if o.custom(&r) != nil {
			break
		}
	}
	if o.end() != nil {
		return fmt.Errorf("bsafe: custom operation %q: writing %q: %w", d.customName, name, o.err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("bsafe: custom operation %q: writing %q: %w", d.customName, name, err)
	}
	cerr := f.Close()
	f = nil
	if cerr != nil {
		return fmt.Errorf("bsafe: custom operation %q: writing %q: %w", d.customName, name, cerr)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("bsafe: custom operation %q: %w", d.customName, err)
	}
	return nil
}
