package safe_test

import (
	"errors"
	"testing"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

func TestLoginAPIKeyErrors(t *testing.T) {
	t.Parallel()
	forEachGeneration(t, func(t *testing.T, gen safetest.Generation) {
		e := newEnv(t, gen)
		c, _ := e.newClient(t)
		err := c.LoginAPIKey(t.Context(), e.user.ClientID, e.user.ClientSecret, "sensitive-wrong-password")
		if !errors.Is(err, safe.ErrWrongPassword) || !errors.Is(err, safe.ErrMAC) {
			t.Errorf("wrong master password: %v, want ErrWrongPassword (and ErrMAC)", err)
		}
		err = c.LoginAPIKey(t.Context(), e.user.ClientID, "wrong-secret", testPassword)
		if !errors.Is(err, safe.ErrInvalidAPIKey) || errors.Is(err, safe.ErrWrongPassword) {
			t.Errorf("wrong client secret: %v, want ErrInvalidAPIKey", err)
		}
		if c.LoggedIn() {
			t.Error("logged in after failed logins")
		}
	})
}

func TestArgumentErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	ctx := t.Context()
	fresh, cn := e.newClient(t)
	_, err1 := e.client.Items.Create(ctx, nil)
	_, err2 := e.client.Items.Get(ctx, "../config")
	_, err3 := e.client.Folders.Create(ctx, "")
	_, err4 := e.client.Collections.Create(ctx, e.team.ID, "", safe.CollectionAccess{})
	_, err5 := safe.NewClient("ftp://example.com")
	_, err6 := safe.NewClient("https://example.com", safe.WithMaxConcurrency(0))
	for i, err := range []error{
		err1, err2, err3, err4, err5, err6,
		e.client.Items.Delete(ctx, ""),
		fresh.LoginAPIKey(ctx, "organization.x", "secret", testPassword),
		fresh.LoginPassword(ctx, "", testPassword),
		fresh.LoginPassword(ctx, "  \t", testPassword),
		fresh.LoginPassword(ctx, testEmail, ""),
	} {
		if !errors.Is(err, safe.ErrInvalidArgument) {
			t.Errorf("case %d: %v, want ErrInvalidArgument", i, err)
		}
	}
	if cn.requests != 0 {
		t.Errorf("%d requests sent for refused logins, want 0", cn.requests)
	}
}

func TestTwoFactorRememberToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, safetest.GenCurrent)
	if err := e.srv.RequireTwoFactor(e.user, safetest.TwoFactorAuthenticator, "123456"); err != nil {
		t.Fatal(err)
	}
	c, _ := e.newClient(t)
	if err := c.LoginPassword(t.Context(), testEmail, testPassword, safe.WithTwoFactor(safe.TwoFactorAuthenticator, "123456", false)); err != nil {
		t.Fatal(err)
	}
	if tok := c.TwoFactorRememberToken(); tok != "" {
		t.Errorf("remember token without remember: %q", tok)
	}
	if err := c.LoginPassword(t.Context(), testEmail, testPassword, safe.WithTwoFactor(safe.TwoFactorAuthenticator, "123456", true)); err != nil {
		t.Fatal(err)
	}
	tok := c.TwoFactorRememberToken()
	if tok == "" {
		t.Fatal("no remember token after a login with remember")
	}
	// The same device logs in again with the token instead of a code.
	again, _ := e.newClient(t, safe.WithDeviceID(c.DeviceID()))
	if err := again.LoginPassword(t.Context(), testEmail, testPassword, safe.WithTwoFactor(safe.TwoFactorRemember, tok, false)); err != nil {
		t.Fatalf("login with the remember token: %v", err)
	}
	if err := again.LoginPassword(t.Context(), testEmail, testPassword, safe.WithTwoFactor(safe.TwoFactorRemember, "not-the-token", false)); err == nil {
		t.Error("a wrong remember token was accepted")
	}
	c.Logout()
	if tok := c.TwoFactorRememberToken(); tok != "" {
		t.Error("remember token survives Logout")
	}
}
