package safe

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/bsafe-go/bsafe"
)

// TestConnectorErrorCodes: the vault client's errors, as the connector
// maps them.
func TestConnectorErrorCodes(t *testing.T) {
	t.Parallel()
	apiErr := func(status int) error { return &APIError{StatusCode: status, Method: "GET", Path: "/api/sync"} }
	unknown := &OutcomeUnknownError{Method: "PUT", Path: "/api/ciphers/x", Err: context.DeadlineExceeded}
	for _, tc := range []struct {
		name string
		err  error
		want bsafe.Code
	}{
		{"not found", apiErr(404), bsafe.CodeInvalidUser},
		{"unauthorized", apiErr(401), bsafe.CodeAccessDenied},
		{"forbidden", apiErr(403), bsafe.CodeAccessDenied},
		{"rate limited", &RateLimitError{Err: apiErr(429).(*APIError)}, bsafe.CodeTryAgainLater},
		{"conflict", fmt.Errorf("%w: x", ErrConflict), bsafe.CodeTryAgainLater},
		{"deadline", fmt.Errorf("safe: GET /api/sync: %w", context.DeadlineExceeded), bsafe.CodeTimeout},
		{"outcome unknown after a deadline", unknown, bsafe.CodeUnknownError},
		{"outcome unknown after a conflict", &OutcomeUnknownError{Err: ErrConflict}, bsafe.CodeUnknownError},
		{"ambiguous", &AmbiguousError{Kind: "team", IDs: []string{"a", "b"}}, bsafe.CodeInvalidObject},
		{"not logged in", ErrNotLoggedIn, bsafe.CodeNotConnected},
		{"wrong password", ErrWrongPassword, bsafe.CodeAccessDenied},
		{"bad API key", ErrInvalidAPIKey, bsafe.CodeAccessDenied},
		{"two factor", &TwoFactorError{}, bsafe.CodeAccessDenied},
		{"anything else", errors.New("boom"), bsafe.CodeUnknownError},
	} {
		if got := bsafe.CodeOf(connectorError(tc.err, onItem)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := bsafe.CodeOf(connectorError(apiErr(404), onCollection)); got != bsafe.CodeInvalidGroup {
		t.Errorf("not found, for a collection: %s, want ACInvalidGroup", got)
	}
}
