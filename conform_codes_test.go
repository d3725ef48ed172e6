package bsafe_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/bsafetest"
)

// uncoded is the reference target with every error stripped of its
// code: it fails where it should, but always with ACUnknownError.
type uncoded struct{ r *bsafetest.Connector }

var errUncoded = errors.New("it failed")

func strip(err error) error {
	if err == nil {
		return nil
	}
	return errUncoded
}

func stripSeq[T any](seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if !yield(v, strip(err)) {
				return
			}
		}
	}
}

func (u uncoded) ServerInfo(ctx context.Context) (bsafe.ServerInfo, error) {
	i, err := u.r.ServerInfo(ctx)
	return i, strip(err)
}
func (u uncoded) Verify(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
	ok, err := u.r.Verify(ctx, a, pw)
	return ok, strip(err)
}
func (u uncoded) AdminVerify(ctx context.Context, a bsafe.AccountRef, pw string) (bool, error) {
	ok, err := u.r.AdminVerify(ctx, a, pw)
	return ok, strip(err)
}
func (u uncoded) Change(ctx context.Context, a bsafe.AccountRef, o, n string) error {
	return strip(u.r.Change(ctx, a, o, n))
}
func (u uncoded) Reset(ctx context.Context, a bsafe.AccountRef, pw string) error {
	return strip(u.r.Reset(ctx, a, pw))
}
func (u uncoded) ResetExpirePassword(ctx context.Context, a bsafe.AccountRef, pw string) error {
	return strip(u.r.ResetExpirePassword(ctx, a, pw))
}
func (u uncoded) VerifyReset(ctx context.Context, a bsafe.AccountRef, pw string) error {
	return strip(u.r.VerifyReset(ctx, a, pw))
}
func (u uncoded) IsEnabled(ctx context.Context, a bsafe.AccountRef) (bool, error) {
	v, err := u.r.IsEnabled(ctx, a)
	return v, strip(err)
}
func (u uncoded) Enable(ctx context.Context, a bsafe.AccountRef) error {
	return strip(u.r.Enable(ctx, a))
}
func (u uncoded) Disable(ctx context.Context, a bsafe.AccountRef) error {
	return strip(u.r.Disable(ctx, a))
}
func (u uncoded) IsAccountExpired(ctx context.Context, a bsafe.AccountRef) (bool, error) {
	v, err := u.r.IsAccountExpired(ctx, a)
	return v, strip(err)
}
func (u uncoded) ExpireAccount(ctx context.Context, a bsafe.AccountRef) error {
	return strip(u.r.ExpireAccount(ctx, a))
}
func (u uncoded) UnexpireAccount(ctx context.Context, a bsafe.AccountRef) error {
	return strip(u.r.UnexpireAccount(ctx, a))
}
func (u uncoded) ListUsers(ctx context.Context, o bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	return stripSeq(u.r.ListUsers(ctx, o))
}
func (u uncoded) ListGroups(ctx context.Context) iter.Seq2[bsafe.Group, error] {
	return stripSeq(u.r.ListGroups(ctx))
}
func (u uncoded) ListMembers(ctx context.Context, g string) iter.Seq2[bsafe.Member, error] {
	return stripSeq(u.r.ListMembers(ctx, g))
}
func (u uncoded) UserGroups(ctx context.Context, a bsafe.AccountRef) iter.Seq2[string, error] {
	return stripSeq(u.r.UserGroups(ctx, a))
}
func (u uncoded) CheckUser(ctx context.Context, a bsafe.AccountRef) (bsafe.Account, error) {
	acc, err := u.r.CheckUser(ctx, a)
	return acc, strip(err)
}
func (u uncoded) UserAttributes(ctx context.Context, a bsafe.AccountRef, o bsafe.ListOptions) (bsafe.Account, error) {
	acc, err := u.r.UserAttributes(ctx, a, o)
	return acc, strip(err)
}
func (u uncoded) CheckTemplate(ctx context.Context, id string) (bsafe.Account, error) {
	acc, err := u.r.CheckTemplate(ctx, id)
	return acc, strip(err)
}
func (u uncoded) Create(ctx context.Context, req bsafe.CreateRequest) (bsafe.Account, error) {
	acc, err := u.r.Create(ctx, req)
	return acc, strip(err)
}
func (u uncoded) Delete(ctx context.Context, a bsafe.AccountRef) error {
	return strip(u.r.Delete(ctx, a))
}
func (u uncoded) Update(ctx context.Context, a bsafe.AccountRef, in bsafe.Instructions) (bsafe.Account, error) {
	acc, err := u.r.Update(ctx, a, in)
	return acc, strip(err)
}
func (u uncoded) AddToGroup(ctx context.Context, a bsafe.AccountRef, g string) error {
	return strip(u.r.AddToGroup(ctx, a, g))
}
func (u uncoded) RemoveFromGroup(ctx context.Context, a bsafe.AccountRef, g string) error {
	return strip(u.r.RemoveFromGroup(ctx, a, g))
}
func (u uncoded) CreateGroup(ctx context.Context, req bsafe.GroupRequest) (bsafe.Group, error) {
	g, err := u.r.CreateGroup(ctx, req)
	return g, strip(err)
}
func (u uncoded) DeleteGroup(ctx context.Context, g string) error {
	return strip(u.r.DeleteGroup(ctx, g))
}

// Every documented code the kit asks for: a connector that fails in the
// right places, but never with the right code, is told each of them.
func TestConnectorCodes(t *testing.T) {
	vs := violations(t, uncoded{kitTarget(t)}, kitFixture())
	for _, w := range [][3]string{
		{"verify", "Verify of an unknown account", "ACInvalidUser (7)"},
		{"adminverify", "AdminVerify of an unknown account", "ACInvalidUser (7)"},
		{"reset", "Reset of an unknown account", "ACInvalidUser (7)"},
		{"resetexpirepw", "ResetExpirePassword of an unknown account", "ACInvalidUser (7)"},
		{"change", "Change from a wrong old password", "ACVerifyFailed (14)"},
		{"change", "Change of an unknown account", "ACInvalidUser (7)"},
		{"verifyreset", "VerifyReset of an unknown account", "ACInvalidUser (7)"},
		{"isenabled", "IsEnabled of an unknown account", "ACInvalidUser (7)"},
		{"enable", "Enable of an unknown account", "ACInvalidUser (7)"},
		{"disable", "Disable of an unknown account", "ACInvalidUser (7)"},
		{"isacctexpired", "IsAccountExpired of an unknown account", "ACInvalidUser (7)"},
		{"expireacct", "ExpireAccount of an unknown account", "ACInvalidUser (7)"},
		{"unexpireacct", "UnexpireAccount of an unknown account", "ACInvalidUser (7)"},
		{"listmembers", "ListMembers of an unknown group", "ACInvalidGroup (12)"},
		{"usergroups", "UserGroups of an unknown account", "ACInvalidUser (7)"},
		{"checkuser", "CheckUser of an unknown account", "ACInvalidUser (7)"},
		{"userattributes", "UserAttributes of an unknown account", "ACInvalidUser (7)"},
		{"checktemplate", "CheckTemplate of an unknown template", "ACInvalidModelUser (8)"},
		{"update", "Update of an unknown account", "ACInvalidUser (7)"},
		{"groupuseradd", "AddToGroup of a member", "ACUserAlreadyGroupMember (13)"},
		{"groupuserdelete", "RemoveFromGroup of a non-member", "ACUserNotInGroup (9)"},
		{"groupuseradd", "AddToGroup to an unknown group", "ACInvalidGroup (12)"},
		{"groupuserdelete", "RemoveFromGroup from an unknown group", "ACInvalidGroup (12)"},
		{"groupuseradd", "AddToGroup of an unknown account", "ACInvalidUser (7)"},
		{"groupcreate", "CreateGroup of a group that exists", "ACObjectAlreadyExists (6)"},
		{"groupdelete", "DeleteGroup of a deleted group", "ACInvalidGroup (12)"},
		{"delete", "Delete of an unknown account", "ACInvalidUser (7)"},
	} {
		wantViolation(t, vs, w[0]+": ", w[1]+": got ACUnknownError (1): it failed; want "+w[2])
	}
	// Create is not tried: CheckUser must first say the fixture's
	// NewAccount does not exist (7), and here it cannot.
	wantViolation(t, vs, "fixture: ", `NewAccount "u-bob" must not exist, but CheckUser of it gives ACUnknownError (1)`)

	// With a CheckUser that keeps its codes, the create checks run.
	vs = violations(t, uncodedButCheckUser{uncoded{kitTarget(t)}}, kitFixture())
	for _, w := range [][3]string{
		{"create", "Create from an unknown template", "ACInvalidModelUser (8)"},
		{"create", "Create of an account that exists", "ACObjectAlreadyExists (6)"},
		{"delete", "Delete of a deleted account", "ACInvalidUser (7)"},
	} {
		wantViolation(t, vs, w[0]+": ", w[1]+": got ACUnknownError (1): it failed; want "+w[2])
	}
}

type uncodedButCheckUser struct{ uncoded }

func (u uncodedButCheckUser) CheckUser(ctx context.Context, a bsafe.AccountRef) (bsafe.Account, error) {
	return u.r.CheckUser(ctx, a)
}
