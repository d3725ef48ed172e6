package safe

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestForbiddenIsNotUnauthorized(t *testing.T) {
	e403 := &APIError{StatusCode: http.StatusForbidden, Method: "GET", Path: "/api/sync"}
	if !errors.Is(e403, ErrForbidden) || errors.Is(e403, ErrUnauthorized) {
		t.Errorf("403: Is(ErrForbidden) = %v, Is(ErrUnauthorized) = %v", errors.Is(e403, ErrForbidden), errors.Is(e403, ErrUnauthorized))
	}
	e401 := &APIError{StatusCode: http.StatusUnauthorized, Method: "GET", Path: "/api/sync"}
	if errors.Is(e401, ErrForbidden) || !errors.Is(e401, ErrUnauthorized) {
		t.Error("401 must match ErrUnauthorized only")
	}
}

// A session that ends while its token is being refreshed gives the
// exported ErrNotLoggedIn.
func TestRefreshAfterLogoutIsNotLoggedIn(t *testing.T) {
	var c *Client
	c = newFakeClient(t, rtFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/connect/token") {
			io.Copy(io.Discard, r.Body)
			c.Logout()
			return respond(200, `{"access_token":"tok-2","expires_in":3600,"token_type":"Bearer"}`), nil
		}
		return respond(200, `{}`), nil
	}))
	c.sess.expiry = time.Now() // due for a refresh
	if _, err := c.accessToken(t.Context()); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("err = %v, want ErrNotLoggedIn", err)
	}
}
