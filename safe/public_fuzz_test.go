package safe

import (
	"context"
	"encoding/base64"
	"net/http"
	"testing"
)

// FuzzTeamLogin feeds a team API key login an arbitrary token answer and
// a member listing: no panic; a login that succeeds is a team session
// for the key's team, one that fails leaves no session, and the listing
// yields members or an error, never a nil member.
func FuzzTeamLogin(f *testing.F) {
	const team = "3f1c1c2e-8a43-4b61-9d7e-0c9a1f2b3c4d"
	jwt := func(claims string) string {
		return "e30." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".sig"
	}
	good := `{"access_token":"` + jwt(`{"client_id":"organization.`+team+`","client_sub":"`+team+`","scope":["api.organization"]}`) +
		`","expires_in":3600,"token_type":"Bearer","scope":"api.organization"}`
	f.Add([]byte(good), []byte(`{"object":"list","data":[{"object":"member","id":"m","collections":null}],"continuationToken":null}`))
	f.Add([]byte(good), []byte(`{"object":"list","data":[{"id":"m","collections":[{"id":"c","readOnly":true,"hidePasswords":false,"manage":false}]}]}`))
	f.Add([]byte(`{"access_token":"`+jwt(`{"client_sub":"someone else"}`)+`"}`), []byte(`{"data":null,"continuationToken":"x"}`))
	f.Add([]byte(`{"access_token":"a.b.c"}`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, token, listing []byte) {
		c, err := NewClient("https://safe.test", WithHTTPClient(&http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == "/identity/connect/token" {
				return respond(200, string(token)), nil
			}
			return respond(200, string(listing)), nil
		})}), WithRetryPolicy(RetryPolicy{MaxRetries: 0}))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.LoginTeamAPIKey(context.Background(), "organization."+team, "secret"); err != nil {
			if c.sess != nil {
				t.Fatalf("a failed login left a session: %v", err)
			}
			return
		}
		if id, ok := c.TeamAPIKeySession(); !ok || id != team || c.sess.access == "" {
			t.Fatalf("login succeeded as %q, %v", id, ok)
		}
		for m, err := range c.Public.Members(context.Background()) {
			if err == nil && m == nil {
				t.Fatal("a nil member without an error")
			}
		}
	})
}
