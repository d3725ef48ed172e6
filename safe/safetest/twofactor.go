package safetest

import (
	"errors"
	"fmt"
)

// TwoFactorProvider is a two-step login method, numbered as on the wire.
type TwoFactorProvider int

// Two-step login providers.
const (
	TwoFactorAuthenticator TwoFactorProvider = 0
	TwoFactorEmail         TwoFactorProvider = 1
	TwoFactorDuo           TwoFactorProvider = 2
	TwoFactorYubiKey       TwoFactorProvider = 3
	TwoFactorWebAuthn      TwoFactorProvider = 7
)

// RequireTwoFactor turns on two-step login for user: a password grant
// without twoFactorToken gets the official "Two factor required." answer
// listing provider, and one with twoFactorProvider=provider and
// twoFactorToken=code succeeds. With twoFactorRemember=1 the response
// carries a TwoFactorToken that later logins may present as provider 5.
// API-key logins bypass two-step login, as on the official server.
func (s *Server) RequireTwoFactor(user *User, provider TwoFactorProvider, code string) error {
	if code == "" {
		return errors.New("safetest: RequireTwoFactor needs a code")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[user.ID]
	if u == nil {
		return fmt.Errorf("safetest: RequireTwoFactor: %w", ErrNotFound)
	}
	u.twoFactor = &twoFactorRec{provider: int(provider), code: code}
	u.rememberTokens = map[string]bool{}
	s.st.touchUser(u, s.st.tick(s.now()))
	return nil
}

// RequireNewDeviceVerification makes password logins of user from a device
// the server has not seen for that user fail with the official
// "new device verification required" answer, unless the request carries
// newDeviceOtp=otp. A device that has logged in once is known from then on.
// (Official servers added this in 2025; it applies here to both
// generations because a test asked for it.)
func (s *Server) RequireNewDeviceVerification(user *User, otp string) error {
	if otp == "" {
		return errors.New("safetest: RequireNewDeviceVerification needs an OTP")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[user.ID]
	if u == nil {
		return fmt.Errorf("safetest: RequireNewDeviceVerification: %w", ErrNotFound)
	}
	u.newDeviceOTP = otp
	u.knownDevices = map[string]bool{}
	return nil
}

// RevokeSessions changes user's security stamp, as a password change or
// an admin account recovery does: every access and refresh token of the
// user stops working, and synced clients log out ("Stamp has changed").
func (s *Server) RevokeSessions(user *User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[user.ID]
	if u == nil {
		return fmt.Errorf("safetest: RevokeSessions: %w", ErrNotFound)
	}
	u.securityStamp = newID()
	s.st.touchUser(u, s.st.tick(s.now()))
	return nil
}
