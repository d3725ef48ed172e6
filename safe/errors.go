package safe

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Sentinel errors. Errors from this package wrap or match one of these, so
// callers test with errors.Is; *APIError, *TwoFactorError, *RateLimitError
// and *DecryptError carry the details for errors.As. No error ever contains
// a password, key, token or decrypted value.
var (
	ErrNotFound = errors.New("safe: not found")
	// ErrUnauthorized is a 401: the access token was refused, or the
	// session expired and could not be renewed. Logging in again helps.
	ErrUnauthorized = errors.New("safe: unauthorized")
	// ErrForbidden is a 403: the server knows the caller and refuses the
	// request. Logging in again does not help.
	ErrForbidden         = errors.New("safe: forbidden")
	ErrTwoFactorRequired = errors.New("safe: two-factor authentication required")
	ErrNewDevice         = errors.New("safe: new-device verification required")
	// ErrWrongPassword is a wrong e-mail or master password: refused by
	// the server (password logins), or a master password that does not
	// decrypt the user key (API-key logins, where the server never sees
	// the password).
	ErrWrongPassword = errors.New("safe: wrong e-mail or master password")
	// ErrInvalidAPIKey is an API-key login whose client ID or secret the
	// identity server refused (OAuth invalid_client).
	ErrInvalidAPIKey = errors.New("safe: API key client ID or secret refused")
	ErrConflict      = errors.New("safe: the item was changed by someone else; sync and try again")
	ErrRateLimited   = errors.New("safe: rate limited by the server")
	// ErrNotLoggedIn means the client holds no session: it never logged
	// in, logged out, or the session ended (a new login or a Logout)
	// while a request was under way.
	ErrNotLoggedIn = errors.New("safe: not logged in")
	ErrNoTeamKey   = errors.New("safe: no key for this team")
	// ErrInvalidArgument is a caller mistake found before anything is
	// sent: a nil item, an empty name, an ID that is not a GUID, a bad
	// option value.
	ErrInvalidArgument = errors.New("safe: invalid argument")
	// ErrLegacyUserKey is an account whose user key is wrapped with a
	// pre-2018 EncString type (0 or 1). The server chooses that type, so
	// such keys are refused unless WithLegacyUserKeys allows them.
	ErrLegacyUserKey = errors.New("safe: the account's user key uses a legacy encryption type")
	// ErrWrongKeyKind is an API key given to the login of the other kind:
	// a team's ("organization.<id>") to LoginAPIKey, or a personal one
	// ("user.<id>") or anything else to LoginTeamAPIKey. Nothing is sent.
	// It also matches ErrInvalidArgument.
	ErrWrongKeyKind = errors.New("safe: wrong kind of API key")
	// ErrTeamKeySession is a call that needs a user login (the vault, its
	// keys, the internal API) made on a team API key session, which holds
	// a token for the team's Public API and no keys. Nothing is sent.
	ErrTeamKeySession = errors.New("safe: a team API key session has no vault keys and reaches only the Public API; log in as a member (LoginPassword, LoginAPIKey) for this call")

	// Cryptographic failures, from the vault's cryptography core.
	ErrMAC              = vaultcrypto.ErrMAC              // ciphertext tampered with, or the wrong key
	ErrInvalidEncString = vaultcrypto.ErrInvalidEncString // malformed encrypted value
	ErrWeakKDF          = vaultcrypto.ErrWeakKDF          // server asked for KDF parameters out of range, or another salt
)

// invalidArg returns an error matching ErrInvalidArgument. The message
// must name the mistake, never a secret value.
func invalidArg(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidArgument}, args...)...)
}

// wrongKeyKind returns an error matching ErrWrongKeyKind and
// ErrInvalidArgument.
func wrongKeyKind(msg string) error {
	return fmt.Errorf("%w: %w: %s", ErrInvalidArgument, ErrWrongKeyKind, msg)
}

// APIError is an error response from the server.
type APIError struct {
	StatusCode int
	Method     string
	Path       string // the URL path, which never carries secrets
	// Message is the server's message, shortened to maxMessageLen.
	Message string
	// Code is the OAuth error code of identity responses ("invalid_grant").
	Code string
	// ValidationErrors maps a request field to the server's complaints.
	ValidationErrors map[string][]string

	twoFactor *TwoFactorError // set on identity answers that ask for a second factor
}

const maxMessageLen = 300

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "safe: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is makes an APIError match the sentinel for its status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrConflict:
		return e.StatusCode == http.StatusConflict ||
			(e.StatusCode == http.StatusBadRequest && isOutOfDateMessage(e.Message))
	case ErrWrongPassword:
		return e.StatusCode == http.StatusBadRequest && e.Code == "invalid_grant" &&
			strings.Contains(strings.ToLower(e.Message), "username or password is incorrect")
	}
	return false
}

// isOutOfDateMessage recognises the revision-date conflict messages of
// Bitwarden ("The item cannot be saved because it is out of date...") and
// Vaultwarden ("The client copy of this cipher is out of date...").
func isOutOfDateMessage(m string) bool {
	return strings.Contains(strings.ToLower(m), "out of date")
}

// TwoFactorProvider identifies a second factor, numbered as the server
// numbers them.
type TwoFactorProvider int

// Two-factor providers.
const (
	TwoFactorAuthenticator   TwoFactorProvider = 0
	TwoFactorEmail           TwoFactorProvider = 1
	TwoFactorDuo             TwoFactorProvider = 2
	TwoFactorYubiKey         TwoFactorProvider = 3
	TwoFactorU2F             TwoFactorProvider = 4
	TwoFactorRemember        TwoFactorProvider = 5
	TwoFactorOrganizationDuo TwoFactorProvider = 6
	TwoFactorWebAuthn        TwoFactorProvider = 7
	TwoFactorRecoveryCode    TwoFactorProvider = 8
)

// TwoFactorError says that the login needs a second factor and which ones
// the account offers. Retry the login with WithTwoFactor. It matches
// ErrTwoFactorRequired.
type TwoFactorError struct {
	Providers []TwoFactorProvider
}

func (e *TwoFactorError) Error() string {
	return fmt.Sprintf("safe: two-factor authentication required (providers %v)", e.Providers)
}

// Unwrap returns ErrTwoFactorRequired.
func (e *TwoFactorError) Unwrap() error { return ErrTwoFactorRequired }

// RateLimitError is returned when the server kept answering 429 after the
// retries the RetryPolicy allows, or asked for a longer wait than it allows.
// It matches ErrRateLimited.
type RateLimitError struct {
	RetryAfter time.Duration // what the server asked for; 0 if it did not say
	Err        *APIError
}

func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("safe: rate limited by the server; retry after %s", e.RetryAfter)
	}
	return "safe: rate limited by the server"
}

// Unwrap returns the underlying APIError (which matches ErrRateLimited).
func (e *RateLimitError) Unwrap() error { return e.Err }

// DecryptError reports an encrypted field that did not decrypt. It names
// the object and the field, never the value.
type DecryptError struct {
	Kind  string // "item", "collection", "folder", "team"
	ID    string
	Field string // e.g. "login.password", "fields[2].value"
	Err   error
}

func (e *DecryptError) Error() string {
	return fmt.Sprintf("safe: cannot decrypt %s %s field %s: %v", e.Kind, e.ID, e.Field, e.Err)
}

// Unwrap returns the cryptographic error.
func (e *DecryptError) Unwrap() error { return e.Err }

// ErrOutcomeUnknown is matched by a write whose request may have been
// applied by the server although its answer never arrived (a dropped
// connection, a timeout after the request was sent, an unreadable answer).
// The write may or may not have happened: read the item (after a Sync)
// before repeating it, since repeating a Create can make a duplicate.
var ErrOutcomeUnknown = errors.New("safe: the outcome of the write is unknown")

// OutcomeUnknownError is a write whose outcome is unknown: what was sent,
// and why its answer is missing. It matches ErrOutcomeUnknown and, through
// Unwrap, the cause.
type OutcomeUnknownError struct {
	Method string
	Path   string // the URL path, which never carries secrets
	ItemID string // the item (or folder, collection) written, when known; for a create, only from an answer
	// Applied reports that the server answered the write with success, so
	// it was applied: only its answer could not be read or decrypted, and
	// what the server now holds is unknown to the client.
	Applied bool
	Err     error // the cause
}

func (e *OutcomeUnknownError) Error() string {
	item := ""
	if e.ItemID != "" {
		item = " (item " + e.ItemID + ")"
	}
	cause := "unknown cause"
	if e.Err != nil {
		// The cause usually names the same request: say it once.
		cause = strings.TrimPrefix(e.Err.Error(), "safe: "+e.Method+" "+e.Path+": ")
	}
	if e.Applied {
		return fmt.Sprintf("safe: %s %s%s: the write was applied, but its answer could not be read: %s", e.Method, e.Path, item, cause)
	}
	return fmt.Sprintf("safe: %s %s%s: outcome unknown, the write may have been applied: %s", e.Method, e.Path, item, cause)
}

// Is makes an OutcomeUnknownError match ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns the cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Errors of member management.
var (
	// ErrNotAccepted: only a member who accepted the invitation (status
	// accepted) can be confirmed; nothing was sent.
	ErrNotAccepted = errors.New("safe: the member has not accepted the invitation (or is already confirmed)")
	// ErrNotInvited: only a member who has not yet accepted (status
	// invited) can be invited again.
	ErrNotInvited = errors.New("safe: the member is not in the invited state")
	// ErrManageUnsupported: "Can manage" access (Access.Manage) on a server
	// without it (Bravura Safe's 2023.8 server, which would silently drop
	// it); nothing was sent.
	ErrManageUnsupported = errors.New("safe: the server has no manage access to collections (Bravura Safe 2023.8)")
)

// Errors of item writes.
var (
	// ErrHandBuiltItem: Update needs an item read from the client, whose
	// wire state and revision date it writes back; use Items.Edit to
	// change some fields of an item by ID.
	ErrHandBuiltItem = errors.New("safe: Update needs an item read from the client (Get, List, Create); use Items.Edit to change fields by ID")
	// ErrItemKeysUnsupported: ItemKeysAlways on a server that does not
	// keep per-item keys (before 2023.9.1, which includes Bravura Safe).
	ErrItemKeysUnsupported = errors.New("safe: the server does not keep per-item keys (needs 2023.9.1 or later); use ItemKeysAuto or ItemKeysNever")
	// ErrItemKeyNotKept: the server dropped the item key a write sent, and
	// the item could not be repaired.
	ErrItemKeyNotKept = errors.New("safe: the server did not keep the item's own key")
)

// Errors of account recovery (MembersService.EnrollAccountRecovery,
// WithdrawAccountRecovery and ResetPassword, Client.UpdateTempPassword).
// Each is found before the write is sent, from the client's snapshot and
// the team's member list, or read from the server's refusal.
var (
	// ErrRecoveryDisabled: the team does not offer account recovery (its
	// plan lacks it, or its account recovery policy is off).
	ErrRecoveryDisabled = errors.New("safe: account recovery is not enabled for this team")
	// ErrNotEnrolled: the member has not enrolled in the team's account
	// recovery, so no admin can reset their password.
	ErrNotEnrolled = errors.New("safe: the member is not enrolled in account recovery")
	// ErrNotConfirmed: the membership is not in a state whose password
	// the server lets an admin reset (confirmed; on servers since 2026.4
	// also accepted or revoked).
	ErrNotConfirmed = errors.New("safe: the membership is not confirmed")
	// ErrNoTemporaryPassword: UpdateTempPassword on a session whose login
	// did not ask for a password update (see Client.MustUpdatePassword).
	ErrNoTemporaryPassword = errors.New("safe: the account has no temporary password to update")
)
