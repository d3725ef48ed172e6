package bsafetest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/bsafetest"
)

var (
	ctx    = context.Background()
	alice  = bsafe.AccountRef{ID: "u-alice"}
	nobody = bsafe.AccountRef{ID: "u-nobody"}
)

const alicePW = "sensitive-alice-pw"

// target returns a target with alice (password alicePW) in g-staff, and
// the empty group g-empty.
func target(t *testing.T) *bsafetest.Connector {
	t.Helper()
	c := bsafetest.New()
	must(t, c.AddGroup(bsafe.Group{LongID: "g-staff", ShortID: "staff"}))
	must(t, c.AddGroup(bsafe.Group{LongID: "g-empty"}))
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-alice", ShortID: "alice", FullName: "Alice A", Password: alicePW,
		Attrs: attrs.New("department", "sales", "title", "clerk"), Groups: []string{"g-staff"}}))
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless err matches target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got %v, want %v", what, err, target)
	}
	if err != nil && strings.Contains(err.Error(), "sensitive-") {
		t.Errorf("%s: the error repeats a password: %v", what, err)
	}
}

func lookup(t *testing.T, c *bsafetest.Connector, id string) bsafetest.AccountSpec {
	t.Helper()
	a, ok := c.Lookup(id)
	if !ok {
		t.Fatalf("account %q is gone", id)
	}
	return a
}

func TestSeedingErrors(t *testing.T) {
	c := target(t)
	wantErr(t, "AddAccount without ID", c.AddAccount(bsafetest.AccountSpec{}), bsafe.ErrBadInput)
	wantErr(t, "AddAccount twice", c.AddAccount(bsafetest.AccountSpec{ID: "u-alice"}), bsafe.ErrAlreadyExists)
	wantErr(t, "AddAccount in an unknown group", c.AddAccount(bsafetest.AccountSpec{ID: "u-x", Groups: []string{"g-x"}}), bsafe.ErrInvalidGroup)
	if _, ok := c.Lookup("u-x"); ok {
		t.Error("a refused AddAccount added the account")
	}
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-y", Groups: []string{"g-staff", "g-empty", "g-staff"}}))
	if got := lookup(t, c, "u-y").Groups; len(got) != 2 || got[0] != "g-staff" || got[1] != "g-empty" {
		t.Errorf("a group given twice: the account is in %q", got)
	}
	wantErr(t, "AddTemplate twice", errors.Join(c.AddTemplate(bsafetest.AccountSpec{ID: "t"}), c.AddTemplate(bsafetest.AccountSpec{ID: "t"})), bsafe.ErrAlreadyExists)
	wantErr(t, "AddGroup without ID", c.AddGroup(bsafe.Group{}), bsafe.ErrBadInput)
	wantErr(t, "AddGroup twice", c.AddGroup(bsafe.Group{LongID: "g-staff"}), bsafe.ErrAlreadyExists)
	wantErr(t, "NestGroup unknown", c.NestGroup("g-staff", "g-x"), bsafe.ErrInvalidGroup)
	wantErr(t, "NestGroup in itself", c.NestGroup("g-staff", "g-staff"), bsafe.ErrBadInput)
	must(t, c.NestGroup("g-staff", "g-empty"))
	wantErr(t, "NestGroup twice", c.NestGroup("g-staff", "g-empty"), bsafe.ErrAlreadyExists)
	wantErr(t, "AddComputer of a subscriber type", c.AddComputer(bsafe.Computer{ID: "pc", ResourceType: bsafe.TaskSubscribers}), bsafe.ErrBadInput)
	wantErr(t, "AddComputer without ID", c.AddComputer(bsafe.Computer{ResourceType: bsafe.Servers}), bsafe.ErrBadInput)
	must(t, c.AddComputer(bsafe.Computer{ID: "pc", ResourceType: bsafe.Servers}))
	wantErr(t, "AddComputer twice", c.AddComputer(bsafe.Computer{ID: "pc", ResourceType: bsafe.Workstations}), bsafe.ErrAlreadyExists)
	wantErr(t, "AddSubscriber without URI", c.AddSubscriber(bsafe.Subscriber{ResourceType: bsafe.TaskSubscribers}, "x"), bsafe.ErrBadInput)
	wantErr(t, "AddSubscriber of a computer type", c.AddSubscriber(bsafe.Subscriber{URI: "u", ResourceType: bsafe.Servers}, "x"), bsafe.ErrBadInput)
	must(t, c.AddSubscriber(bsafe.Subscriber{URI: "u", ResourceType: bsafe.TaskSubscribers}, "x"))
	wantErr(t, "AddSubscriber twice", c.AddSubscriber(bsafe.Subscriber{URI: "u", ResourceType: bsafe.TaskSubscribers}, "y"), bsafe.ErrAlreadyExists)
	// The same URI under another type is another subscriber.
	must(t, c.AddSubscriber(bsafe.Subscriber{URI: "u", ResourceType: bsafe.ServiceSubscribers}, "y"))
}

// Lookup and the listings hand out copies: changing them changes nothing.
func TestCopies(t *testing.T) {
	c := target(t)
	a := lookup(t, c, "u-alice")
	a.Attrs.Set("department", "changed")
	a.Groups[0] = "changed"
	for row := range c.ListUsers(ctx, bsafe.ListOptions{}) {
		row.Attrs.Set("title", "changed")
		row.Groups[0] = "changed"
	}
	got := lookup(t, c, "u-alice")
	if got.Attrs.Get("department") != "sales" || got.Attrs.Get("title") != "clerk" || got.Groups[0] != "g-staff" {
		t.Errorf("a copy's change reached the target: %v", got)
	}
}

func TestAccountSpecHidesPassword(t *testing.T) {
	a := lookup(t, target(t), "u-alice")
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("seeded", "account", a)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("seeded", "account", a)
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%v %+v %#v %s", a, a, a, a), string(js), logged.String()} {
		if strings.Contains(s, alicePW) {
			t.Errorf("printed AccountSpec shows the password: %s", s)
		}
		if !strings.Contains(s, "u-alice") {
			t.Errorf("printed AccountSpec lacks the ID: %s", s)
		}
	}
}

func TestVerify(t *testing.T) {
	c := target(t)
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{alicePW, true},
		{"wrong", false},
		{alicePW[:len(alicePW)-1], false}, // a prefix
		{alicePW + "x", false},            // longer
		{strings.ToUpper(alicePW), false}, // passwords are case-sensitive
		{"", false},
	} {
		for name, verify := range map[string]func(context.Context, bsafe.AccountRef, string) (bool, error){"Verify": c.Verify, "AdminVerify": c.AdminVerify} {
			got, err := verify(ctx, alice, tc.pw)
			if err != nil || got != tc.want {
				t.Errorf("%s(%d-byte password) = %t, %v; want %t", name, len(tc.pw), got, err, tc.want)
			}
		}
	}
	_, err := c.Verify(ctx, nobody, alicePW)
	wantErr(t, "Verify of an unknown account", err, bsafe.ErrInvalidUser)
	_, err = c.AdminVerify(ctx, nobody, alicePW)
	wantErr(t, "AdminVerify of an unknown account", err, bsafe.ErrInvalidUser)
}

func TestLockout(t *testing.T) {
	c := target(t)
	c.SetLockout(2)
	isLocked := func() bool { return lookup(t, c, "u-alice").Locked }
	c.Verify(ctx, alice, "wrong")
	c.Verify(ctx, alice, alicePW) // a right password clears the count
	c.Verify(ctx, alice, "wrong")
	for range 5 {
		c.AdminVerify(ctx, alice, "wrong") // never counts
	}
	if isLocked() {
		t.Fatal("locked after one wrong Verify since the right one")
	}
	c.Verify(ctx, alice, "wrong")
	if !isLocked() {
		t.Fatal("not locked after two wrong Verify in a row")
	}
	must(t, c.Unlock(ctx, alice))
	c.Verify(ctx, alice, "wrong")
	if isLocked() {
		t.Error("Unlock did not clear the count")
	}
	c.Verify(ctx, alice, "wrong")
	must(t, c.Reset(ctx, alice, "sensitive-new"))
	c.Verify(ctx, alice, "wrong")
	if isLocked() {
		t.Error("Reset did not clear the lockout and the count")
	}
}

func TestChange(t *testing.T) {
	c := target(t)
	must(t, c.Lock(ctx, alice))
	must(t, c.ExpirePassword(ctx, alice))
	wantErr(t, "Change from a wrong password", c.Change(ctx, alice, "wrong", "sensitive-new"), bsafe.ErrVerifyFailed)
	if a := lookup(t, c, "u-alice"); a.Password != alicePW || !a.Locked || !a.PasswordExpired {
		t.Fatalf("a refused Change changed the account: %v", a)
	}
	wantErr(t, "Change to an empty password", c.Change(ctx, alice, alicePW, ""), bsafe.ErrInvalidPassword)
	must(t, c.Change(ctx, alice, alicePW, "sensitive-new"))
	if a := lookup(t, c, "u-alice"); a.Password != "sensitive-new" || a.Locked || a.PasswordExpired {
		t.Errorf("after Change: %v, password changed: %t", a, a.Password == "sensitive-new")
	}
	wantErr(t, "Change of an unknown account", c.Change(ctx, nobody, "a", "b"), bsafe.ErrInvalidUser)
}

func TestReset(t *testing.T) {
	c := target(t)
	must(t, c.Disable(ctx, alice))
	must(t, c.Lock(ctx, alice))
	must(t, c.ExpirePassword(ctx, alice))
	must(t, c.Reset(ctx, alice, "sensitive-new"))
	a := lookup(t, c, "u-alice")
	if a.Password != "sensitive-new" || !a.Disabled || a.Locked || a.PasswordExpired {
		t.Errorf("after Reset: %v (want disabled, unlocked, unexpired), password set: %t", a, a.Password == "sensitive-new")
	}
	must(t, c.ResetExpirePassword(ctx, alice, "sensitive-newer"))
	if a := lookup(t, c, "u-alice"); a.Password != "sensitive-newer" || !a.PasswordExpired {
		t.Errorf("after ResetExpirePassword: %v, password set: %t", a, a.Password == "sensitive-newer")
	}
	wantErr(t, "Reset to empty", c.Reset(ctx, alice, ""), bsafe.ErrInvalidPassword)
	wantErr(t, "Reset of an unknown account", c.Reset(ctx, nobody, "x"), bsafe.ErrInvalidUser)
	wantErr(t, "ResetExpirePassword of an unknown account", c.ResetExpirePassword(ctx, nobody, "x"), bsafe.ErrInvalidUser)

	c.SetPasswordPolicy(func(pw string) bool { return len(pw) >= 20 })
	wantErr(t, "Reset against the policy", c.Reset(ctx, alice, "sensitive-short"), bsafe.ErrInvalidPassword)
	if lookup(t, c, "u-alice").Password != "sensitive-newer" {
		t.Error("a refused Reset set the password")
	}
	must(t, c.Reset(ctx, alice, "sensitive-long-enough-pw"))
	c.SetPasswordPolicy(nil)
	must(t, c.Reset(ctx, alice, "s"))
}

func TestVerifyReset(t *testing.T) {
	c := target(t)
	must(t, c.Lock(ctx, alice))
	// The current password: no reset, so the lockout a reset clears stays.
	must(t, c.VerifyReset(ctx, alice, alicePW))
	if a := lookup(t, c, "u-alice"); !a.Locked || a.Password != alicePW {
		t.Errorf("VerifyReset with the current password changed the account: %v", a)
	}
	must(t, c.VerifyReset(ctx, alice, "sensitive-new"))
	if a := lookup(t, c, "u-alice"); a.Locked || a.Password != "sensitive-new" {
		t.Errorf("VerifyReset with a new password did not reset: %v", a)
	}
	wantErr(t, "VerifyReset of an unknown account", c.VerifyReset(ctx, nobody, "x"), bsafe.ErrInvalidUser)
	wantErr(t, "VerifyReset to empty", c.VerifyReset(ctx, alice, ""), bsafe.ErrInvalidPassword)
}

// Each family's setters are idempotent, the getter reflects them, and an
// unknown account is ErrInvalidUser.
func TestStateFamilies(t *testing.T) {
	c := target(t)
	for _, f := range []struct {
		name    string
		is      func(context.Context, bsafe.AccountRef) (bool, error)
		on, off func(context.Context, bsafe.AccountRef) error
		field   func(bsafetest.AccountSpec) bool
	}{
		{"enabled", c.IsEnabled, c.Enable, c.Disable, func(a bsafetest.AccountSpec) bool { return !a.Disabled }},
		{"locked", c.IsLocked, c.Lock, c.Unlock, func(a bsafetest.AccountSpec) bool { return a.Locked }},
		{"password expired", c.IsPasswordExpired, c.ExpirePassword, c.UnexpirePassword, func(a bsafetest.AccountSpec) bool { return a.PasswordExpired }},
		{"account expired", c.IsAccountExpired, c.ExpireAccount, c.UnexpireAccount, func(a bsafetest.AccountSpec) bool { return a.AccountExpired }},
	} {
		for _, step := range []struct {
			set  func(context.Context, bsafe.AccountRef) error
			want bool
		}{{f.on, true}, {f.on, true}, {f.off, false}, {f.off, false}, {f.on, true}} {
			if err := step.set(ctx, alice); err != nil {
				t.Errorf("%s: setting %t: %v", f.name, step.want, err)
			}
			got, err := f.is(ctx, alice)
			if err != nil || got != step.want || f.field(lookup(t, c, "u-alice")) != step.want {
				t.Errorf("%s: after setting %t: getter %t, %v; stored %t", f.name, step.want, got, err, f.field(lookup(t, c, "u-alice")))
			}
		}
		_, err := f.is(ctx, nobody)
		wantErr(t, f.name+": get of an unknown account", err, bsafe.ErrInvalidUser)
		wantErr(t, f.name+": set of an unknown account", f.on(ctx, nobody), bsafe.ErrInvalidUser)
		wantErr(t, f.name+": clear of an unknown account", f.off(ctx, nobody), bsafe.ErrInvalidUser)
	}
	// The families are apart: setting one leaves the others.
	c2 := target(t)
	must(t, c2.Lock(ctx, alice))
	if a := lookup(t, c2, "u-alice"); a.Disabled || a.PasswordExpired || a.AccountExpired {
		t.Errorf("Lock changed other states: %v", a)
	}
}

func TestCheckUserAndAttributes(t *testing.T) {
	c := target(t)
	a, err := c.CheckUser(ctx, alice)
	if err != nil || a.LongID != "u-alice" || a.ShortID != "alice" || a.FullName != "Alice A" ||
		a.Attrs.Get("department") != "sales" || a.Attrs.Get("title") != "clerk" || len(a.Attrs) != 2 ||
		len(a.Groups) != 1 || a.Groups[0] != "g-staff" {
		t.Errorf("CheckUser = %+v, %v", a, err)
	}
	one, err := c.UserAttributes(ctx, alice, bsafe.ListOptions{Attributes: []string{"TITLE"}})
	if err != nil || len(one.Attrs) != 1 || one.Attrs[0].Name != "title" || one.Attrs.Get("title") != "clerk" {
		t.Errorf("UserAttributes narrowed to TITLE = %+v, %v", one.Attrs, err)
	}
	_, err = c.CheckUser(ctx, nobody)
	wantErr(t, "CheckUser unknown", err, bsafe.ErrInvalidUser)
	_, err = c.UserAttributes(ctx, nobody, bsafe.ListOptions{})
	wantErr(t, "UserAttributes unknown", err, bsafe.ErrInvalidUser)
	// A ShortID left empty is the ID.
	must(t, c.AddAccount(bsafetest.AccountSpec{ID: "u-dave"}))
	if d, _ := c.CheckUser(ctx, bsafe.AccountRef{ID: "u-dave"}); d.ShortID != "u-dave" {
		t.Errorf("ShortID of an account seeded without one: %q", d.ShortID)
	}
	// IDs are exact.
	_, err = c.CheckUser(ctx, bsafe.AccountRef{ID: "U-ALICE"})
	wantErr(t, "CheckUser in another case", err, bsafe.ErrInvalidUser)
}
