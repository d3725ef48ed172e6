package bsafe

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// Code is a connector return code, as agents report it in "retval": 0 is
// success, 1 to 43 name the failures of the Bravura connector protocol,
// and 0xffff is the null code.
type Code uint16

// The return codes of the connector protocol. String gives the protocol's
// own names (CodeSuccess is "ACSuccess").
const (
	CodeSuccess                Code = 0
	CodeUnknownError           Code = 1
	CodeOperationNotSupported  Code = 2
	CodeNotConnected           Code = 3
	CodeAlreadyConnected       Code = 4
	CodeInvalidServer          Code = 5
	CodeObjectAlreadyExists    Code = 6
	CodeInvalidUser            Code = 7
	CodeInvalidModelUser       Code = 8
	CodeUserNotInGroup         Code = 9
	CodeTimeout                Code = 10
	CodeAccessDenied           Code = 11
	CodeInvalidGroup           Code = 12
	CodeUserAlreadyGroupMember Code = 13
	CodeVerifyFailed           Code = 14 // a wrong password, and nothing else
	CodeInitFailed             Code = 15
	CodeLockFailed             Code = 16
	CodeScriptError            Code = 17
	CodeNotLicensed            Code = 18
	CodeLogFileFailure         Code = 19
	CodeImplementerFailure     Code = 20
	CodeAdminLocked            Code = 21
	CodeInvalidPassword        Code = 22 // the new password breaks the target's policy
	CodeDelayLoadError         Code = 23
	CodeReadOnlyResource       Code = 24
	CodePluginAborted          Code = 25
	CodePasswordLocked         Code = 26
	CodePasswordExpired        Code = 27
	CodeAccountExpired         Code = 28
	CodeAccountDisabled        Code = 29
	CodeOperationRolledBack    Code = 30
	CodeOperationAborted       Code = 31
	CodeRollbackFailed         Code = 32
	CodeEndOfFile              Code = 33
	CodeGroupAlreadyMember     Code = 34
	CodeGroupNotInGroup        Code = 35
	CodeObjectDoesNotExist     Code = 36
	CodeResponseLater          Code = 37
	CodeInvalidObject          Code = 38
	CodeAlreadyRelated         Code = 39
	CodeNotRelated             Code = 40
	CodeTryAgainLater          Code = 41
	CodeDenied                 Code = 42
	CodeReturnUnknown          Code = 43
	CodeNull                   Code = 0xffff
)

var codeNames = [...]string{
	"ACSuccess", "ACUnknownError", "ACOperationNotSupported", "ACNotConnected", "ACAlreadyConnected",
	"ACInvalidServer", "ACObjectAlreadyExists", "ACInvalidUser", "ACInvalidModelUser", "ACUserNotInGroup",
	"ACTimeout", "ACAccessDenied", "ACInvalidGroup", "ACUserAlreadyGroupMember", "ACVerifyFailed",
	"ACInitFailed", "ACLockFailed", "ACScriptError", "ACNotLicensed", "ACLogFileFailure",
	"ACImplementerFailure", "ACAdminLocked", "ACInvalidPasswd", "ACDelayLoadError", "ACReadOnlyResource",
	"ACPluginAborted", "ACPasswordLocked", "ACPasswordExpired", "ACAccountExpired", "ACAccountDisabled",
	"ACOperationRolledback", "ACOperationAborted", "ACOperationRollbackFailed", "ACEndOfFile", "ACGroupAlreadyGroupMember",
	"ACGroupNotInGroup", "ACObjectDoesNotExist", "ACResponseLater", "ACInvalidObject", "ACAlreadyRelated",
	"ACNotRelated", "ACTryAgainLater", "ACDenied", "ACReturnUnknown",
}

// String returns the protocol's name of the code ("ACInvalidUser"), or
// "Code(n)" for a number the protocol does not define.
func (c Code) String() string {
	switch {
	case int(c) < len(codeNames):
		return codeNames[c]
	case c == CodeNull:
		return "ACNull"
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// Known reports whether the protocol defines c.
func (c Code) Known() bool { return int(c) < len(codeNames) || c == CodeNull }

// Sentinel errors for connectors to return (wrapped as they like); each
// maps to its code through CodeOf. An error that matches none of them, and
// carries no *CodeError, maps to CodeUnknownError.
var (
	ErrNotSupported       = errors.New("bsafe: operation not supported")                 // 2
	ErrNotConnected       = errors.New("bsafe: not connected to the target")             // 3
	ErrInvalidServer      = errors.New("bsafe: invalid server or address")               // 5
	ErrAlreadyExists      = errors.New("bsafe: the object already exists")               // 6
	ErrInvalidUser        = errors.New("bsafe: no such account")                         // 7
	ErrInvalidModelUser   = errors.New("bsafe: no such template account")                // 8
	ErrUserNotInGroup     = errors.New("bsafe: the account is not in the group")         // 9
	ErrTimeout            = errors.New("bsafe: timed out")                               // 10
	ErrAccessDenied       = errors.New("bsafe: access denied")                           // 11
	ErrInvalidGroup       = errors.New("bsafe: no such group")                           // 12
	ErrUserAlreadyInGroup = errors.New("bsafe: the account is already in the group")     // 13
	ErrVerifyFailed       = errors.New("bsafe: wrong password")                          // 14
	ErrInvalidPassword    = errors.New("bsafe: the password breaks the target's policy") // 22
	ErrReadOnly           = errors.New("bsafe: the resource is read-only")               // 24
	ErrPasswordExpired    = errors.New("bsafe: the password has expired")                // 27
	ErrAccountExpired     = errors.New("bsafe: the account has expired")                 // 28
	ErrAccountDisabled    = errors.New("bsafe: the account is disabled")                 // 29
	ErrObjectNotFound     = errors.New("bsafe: no such object")                          // 36
	ErrInvalidObject      = errors.New("bsafe: invalid or ambiguous object")             // 38
	ErrTryAgainLater      = errors.New("bsafe: try again later")                         // 41
	ErrDenied             = errors.New("bsafe: denied")                                  // 42

	// ErrBadInput is agent input Dispatch cannot run: a missing required
	// key, a malformed "attributes" group, a bad timeout. It maps to
	// CodeUnknownError, as the protocol has no code of its own for it.
	ErrBadInput = errors.New("bsafe: bad agent input") // 1
)

// CodeError is an error with an explicit return code, for failures the
// sentinels do not name. CodeOf finds it through any wrapping.
type CodeError struct {
	Code Code
	Err  error // the cause; may be nil
}

// Error describes the code and the cause.
func (e *CodeError) Error() string {
	if e.Err == nil {
		return "bsafe: " + e.Code.String()
	}
	return fmt.Sprintf("bsafe: %s: %v", e.Code, e.Err)
}

// Unwrap returns the cause.
func (e *CodeError) Unwrap() error { return e.Err }

// WithCode returns err carrying code c (nil stays nil).
func WithCode(c Code, err error) error {
	if err == nil {
		return nil
	}
	return &CodeError{Code: c, Err: err}
}

// codeOrder maps errors to codes, first match wins: the connector
// protocol's sentinels, then a context deadline as a timeout. (The Safe
// connectors map the vault client's errors themselves, with WithCode, so
// that this package does not depend on the client.)
var codeOrder = []struct {
	err  error
	code Code
}{
	{ErrNotSupported, CodeOperationNotSupported},
	{ErrNotConnected, CodeNotConnected},
	{ErrInvalidServer, CodeInvalidServer},
	{ErrAlreadyExists, CodeObjectAlreadyExists},
	{ErrInvalidUser, CodeInvalidUser},
	{ErrInvalidModelUser, CodeInvalidModelUser},
	{ErrUserNotInGroup, CodeUserNotInGroup},
	{ErrTimeout, CodeTimeout},
	{ErrAccessDenied, CodeAccessDenied},
	{ErrInvalidGroup, CodeInvalidGroup},
	{ErrUserAlreadyInGroup, CodeUserAlreadyGroupMember},
	{ErrVerifyFailed, CodeVerifyFailed},
	{ErrInvalidPassword, CodeInvalidPassword},
	{ErrReadOnly, CodeReadOnlyResource},
	{ErrPasswordExpired, CodePasswordExpired},
	{ErrAccountExpired, CodeAccountExpired},
	{ErrAccountDisabled, CodeAccountDisabled},
	{ErrObjectNotFound, CodeObjectDoesNotExist},
	{ErrInvalidObject, CodeInvalidObject},
	{ErrTryAgainLater, CodeTryAgainLater},
	{ErrDenied, CodeDenied},
	{ErrBadInput, CodeUnknownError},
	{context.DeadlineExceeded, CodeTimeout},
}

// CodeOf returns the return code for err: CodeSuccess for nil, the code of
// the outermost *CodeError in its chain, else the code of the first
// sentinel of this package it matches, else CodeTimeout for
// context.DeadlineExceeded, else CodeUnknownError.
func CodeOf(err error) Code {
	if err == nil {
		return CodeSuccess
	}
	var ce *CodeError
	if errors.As(err, &ce) {
		return ce.Code
	}
	for _, m := range codeOrder {
		if errors.Is(err, m.err) {
			return m.code
		}
	}
	return CodeUnknownError
}
