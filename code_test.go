package bsafe_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/bsafe-go/bsafe"
)

// The protocol's names, as operations.md §4 lists them.
var protocolNames = map[bsafe.Code]string{
	0: "ACSuccess", 1: "ACUnknownError", 2: "ACOperationNotSupported", 3: "ACNotConnected",
	4: "ACAlreadyConnected", 5: "ACInvalidServer", 6: "ACObjectAlreadyExists", 7: "ACInvalidUser",
	8: "ACInvalidModelUser", 9: "ACUserNotInGroup", 10: "ACTimeout", 11: "ACAccessDenied",
	12: "ACInvalidGroup", 13: "ACUserAlreadyGroupMember", 14: "ACVerifyFailed", 15: "ACInitFailed",
	16: "ACLockFailed", 17: "ACScriptError", 18: "ACNotLicensed", 19: "ACLogFileFailure",
	20: "ACImplementerFailure", 21: "ACAdminLocked", 22: "ACInvalidPasswd", 23: "ACDelayLoadError",
	24: "ACReadOnlyResource", 25: "ACPluginAborted", 26: "ACPasswordLocked", 27: "ACPasswordExpired",
	28: "ACAccountExpired", 29: "ACAccountDisabled", 30: "ACOperationRolledback", 31: "ACOperationAborted",
	32: "ACOperationRollbackFailed", 33: "ACEndOfFile", 34: "ACGroupAlreadyGroupMember", 35: "ACGroupNotInGroup",
	36: "ACObjectDoesNotExist", 37: "ACResponseLater", 38: "ACInvalidObject", 39: "ACAlreadyRelated",
	40: "ACNotRelated", 41: "ACTryAgainLater", 42: "ACDenied", 43: "ACReturnUnknown", 0xffff: "ACNull",
}

func TestCodeNames(t *testing.T) {
	for c, want := range protocolNames {
		if got := c.String(); got != want || !c.Known() {
			t.Errorf("Code(%d) = %q, known %v; want %q", uint16(c), got, c.Known(), want)
		}
	}
	for _, c := range []bsafe.Code{44, 100, 0xfffe} {
		if c.Known() || c.String() != fmt.Sprintf("Code(%d)", uint16(c)) {
			t.Errorf("Code(%d): known %v, %q", uint16(c), c.Known(), c.String())
		}
	}
	named := map[bsafe.Code]bsafe.Code{
		bsafe.CodeSuccess: 0, bsafe.CodeOperationNotSupported: 2, bsafe.CodeObjectAlreadyExists: 6,
		bsafe.CodeInvalidUser: 7, bsafe.CodeUserNotInGroup: 9, bsafe.CodeTimeout: 10, bsafe.CodeAccessDenied: 11,
		bsafe.CodeInvalidGroup: 12, bsafe.CodeVerifyFailed: 14, bsafe.CodeInvalidPassword: 22,
		bsafe.CodeInvalidObject: 38, bsafe.CodeTryAgainLater: 41, bsafe.CodeReturnUnknown: 43, bsafe.CodeNull: 0xffff,
	}
	for c, n := range named {
		if c != n {
			t.Errorf("%s = %d, want %d", c, uint16(c), uint16(n))
		}
	}
}

func TestCodeOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bsafe.Code
	}{
		{"nil", nil, 0},
		{"plain error", errors.New("boom"), 1},
		{"not supported", fmt.Errorf("x: %w", bsafe.ErrNotSupported), 2},
		{"already exists", fmt.Errorf("x: %w", bsafe.ErrAlreadyExists), 6},
		{"invalid user", bsafe.ErrInvalidUser, 7},
		{"not in group", bsafe.ErrUserNotInGroup, 9},
		{"verify failed", bsafe.ErrVerifyFailed, 14},
		{"invalid group", bsafe.ErrInvalidGroup, 12},
		{"try again", bsafe.ErrTryAgainLater, 41},
		{"explicit code", bsafe.WithCode(bsafe.CodeDenied, errors.New("no")), 42},
		{"explicit code wins over a sentinel", fmt.Errorf("ctx: %w", bsafe.WithCode(bsafe.CodeInvalidGroup, bsafe.ErrInvalidUser)), 12},
		{"deadline", fmt.Errorf("safe: GET /api/sync: %w", context.DeadlineExceeded), 10},
		{"bad input", fmt.Errorf("x: %w", bsafe.ErrBadInput), 1},
	} {
		if got := bsafe.CodeOf(tc.err); got != tc.want {
			t.Errorf("%s: CodeOf = %s, want %s", tc.name, got, tc.want)
		}
	}
	if bsafe.WithCode(bsafe.CodeDenied, nil) != nil {
		t.Errorf("WithCode(c, nil) is not nil")
	}
}

func ExampleCodeOf() {
	err := fmt.Errorf("reset bonnil: %w", bsafe.ErrVerifyFailed)
	c := bsafe.CodeOf(err)
	fmt.Println(uint16(c), c)
	fmt.Println(bsafe.CodeOf(bsafe.WithCode(bsafe.CodeAdminLocked, errors.New("locked by the target"))))
	// Output:
	// 14 ACVerifyFailed
	// ACAdminLocked
}
