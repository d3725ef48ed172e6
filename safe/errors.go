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
	ErrNotFound          = errors.New("safe: not found")
	ErrUnauthorized      = errors.New("safe: unauthorized")
	ErrTwoFactorRequired = errors.New("safe: two-factor authentication required")
	ErrNewDevice         = errors.New("safe: new-device verification required")
	ErrWrongPassword     = errors.New("safe: wrong e-mail or master password")
	ErrConflict          = errors.New("safe: the item was changed by someone else; sync and try again")
	ErrRateLimited       = errors.New("safe: rate limited by the server")
	ErrNotLoggedIn       = errors.New("safe: not logged in")
	ErrNoTeamKey         = errors.New("safe: no key for this team")

	// Cryptographic failures, from the vault's cryptography core.
	ErrMAC              = vaultcrypto.ErrMAC              // ciphertext tampered with, or the wrong key
	ErrInvalidEncString = vaultcrypto.ErrInvalidEncString // malformed encrypted value
	ErrWeakKDF          = vaultcrypto.ErrWeakKDF          // server asked for KDF parameters out of range
)

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
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
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
	ItemID string // the item written, when known (not for a Create)
	Err    error  // the cause
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
	return fmt.Sprintf("safe: %s %s%s: outcome unknown, the write may have been applied: %s", e.Method, e.Path, item, cause)
}

// Is makes an OutcomeUnknownError match ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns the cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

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

// errInvalidArgument marks a caller's mistake (a nil or contradictory
// item, a bad ID).
// TODO(lead): make this ErrInvalidArgument once it lands in errors.go.
var errInvalidArgument = errors.New("safe: invalid argument")
