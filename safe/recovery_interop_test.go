package safe_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/internal/bwcli"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

// The proof of account recovery: after bsafe resets a member's password
// on safetest, the official CLI (2023.9.1 on Gen2023, 2026.9.0 on
// GenCurrent) logs in as the member with the new password and decrypts
// every item the member read before, personal and team; the old password
// is refused. Where the reset forces a password update, the CLI refuses a
// password login outright ("An organization administrator recently changed
// your master password ... You have been logged out.": both versions check
// ForcePasswordReset after the login and, with no terminal to prompt, log
// out; 2026.9.0 does so even with one), while an API-key login followed by
// "bw unlock" with the new password still works; bsafe then replaces the
// temporary password with UpdateTempPassword, and the CLI logs in with that.

// forcedMessage is the start of both CLI versions' refusal.
const forcedMessage = "An organization administrator recently changed your master password"

func TestCLIAfterAccountRecovery(t *testing.T) {
	t.Parallel()
	forEachCLI(t, func(t *testing.T, version string, gen safetest.Generation) {
		kdfs := []safetest.KDF{safetest.PBKDF2(100_000), safetest.Argon2id(2, 16, 1)}
		// Each flow has its own server and CLIs: they run side by side.
		bwcli.Concurrently(t, []string{"pbkdf2", "argon2id"}, func(t *testing.T, i int) {
			cliRecoveryFlow(t, version, gen, kdfs[i])
		})
	})
}

func cliRecoveryFlow(t *testing.T, version string, gen safetest.Generation, kdf safetest.KDF) {
	e := newRecEnv(t, gen, kdf, safetest.TeamSpec{AccountRecovery: true})
	ctx := t.Context()
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := e.srv.WriteCertificatePEM(pem); err != nil {
		t.Fatal(err)
	}
	// The 2023.9.1 CLI wants the e-mail as stored, lower-case here.
	email := strings.ToLower(e.memberEmail)
	newCLI := func() *bwcli.CLI { return bwcli.New(t, version, e.srv.URL, pem) }
	// cliReads logs a fresh CLI in (with the password, or with the API key
	// and then unlocking) and reads both items. A refused password login
	// must leave the CLI logged out. The login's own full sync (the first
	// in a fresh data directory) fetches the items: no "bw sync" is needed
	// before reading them, and JSONOnItem syncs if the CLI lost what that
	// sync fetched (its own state race, see bwcli.RunOnItem).
	cliReads := func(password string, apiKey bool) ([2]string, error) {
		cli := newCLI()
		defer func() {
			if t.Failed() {
				return
			}
			var st struct {
				Status string `json:"status"`
			}
			if err := cli.JSON(&st, "status"); err != nil {
				t.Errorf("bw status: %v", err)
			}
			if cli.Session() == "" && !apiKey && st.Status != "unauthenticated" {
				t.Errorf("bw status after a refused login: %q, want unauthenticated", st.Status)
			}
		}()
		if apiKey {
			if err := cli.LoginAPIKey(e.member.ClientID, e.member.ClientSecret); err != nil {
				return [2]string{}, err
			}
			if _, err := cli.Unlock(password); err != nil {
				return [2]string{}, err
			}
		} else if _, err := cli.Login(email, password); err != nil {
			return [2]string{}, err
		}
		var out [2]string
		for i, id := range []string{e.personalID, e.teamItemID} {
			var it cliItem
			if err := cli.JSONOnItem(&it, "get", "item", id); err != nil {
				t.Fatalf("bw get item %s: %v", id, err)
			}
			pw := ""
			if it.Login != nil && it.Login.Password != nil {
				pw = *it.Login.Password
			}
			out[i] = it.Name + "/" + pw
		}
		return out, nil
	}
	bsafeReads := func(password string) ([2]string, *safe.Client) {
		c, _ := e.client(t, e.memberEmail, password)
		return e.readable(t, c), c
	}

	before, _ := bsafeReads(memberPW)
	cliBefore, err := cliReads(memberPW, false)
	if err != nil {
		t.Fatalf("bw login before the reset: %v", err)
	}
	if cliBefore != before {
		t.Fatalf("before the reset the CLI reads %v, bsafe %v", cliBefore, before)
	}
	e.enrolMember(t)
	owner, _ := e.client(t, "owner@example.com", ownerPW)

	// First reset: Bravura Safe does not force an update (the owner's
	// membership has no ForcePasswordReset flag); Bitwarden always does.
	const pw1 = "sensitive-reset-one"
	if err := owner.Members.ResetPassword(ctx, e.team.ID, e.memberM.ID, pw1); err != nil {
		t.Fatalf("ResetPassword: %v", err)
	}
	if _, err := cliReads(memberPW, false); err == nil || strings.Contains(err.Error(), forcedMessage) {
		t.Errorf("bw login with the old password: %v, want a refusal", err)
	}
	forced := gen == safetest.GenCurrent
	if got, err := cliReads(pw1, false); forced {
		checkForcedRefusal(t, err)
		if got, err = cliReads(pw1, true); err != nil || got != before {
			t.Errorf("bw login --apikey and bw unlock with the reset password: %v, %v; want %v", got, err, before)
		}
	} else if err != nil || got != before {
		t.Errorf("bw login with the reset password: %v, %v; want %v", got, err, before)
	}
	got, c := bsafeReads(pw1)
	if got != before {
		t.Errorf("bsafe with the reset password reads %v, want %v", got, before)
	}
	if c.MustUpdatePassword() != forced {
		t.Errorf("MustUpdatePassword = %v, want %v", c.MustUpdatePassword(), forced)
	}

	// Second reset, forced on both generations (on Gen2023 by the flag of
	// the owner's membership): the CLI refuses the login until bsafe has
	// replaced the temporary password.
	if err := e.srv.SetForcePasswordResetFlag(e.ownerM, true); err != nil {
		t.Fatal(err)
	}
	const pw2, pw3 = "sensitive-reset-two", "sensitive-own-three"
	if err := owner.Members.ResetPassword(ctx, e.team.ID, e.memberM.ID, pw2); err != nil {
		t.Fatalf("second ResetPassword: %v", err)
	}
	_, err = cliReads(pw2, false)
	checkForcedRefusal(t, err)
	c, _ = e.client(t, e.memberEmail, pw2)
	if !c.MustUpdatePassword() {
		t.Fatal("MustUpdatePassword = false after a forced reset")
	}
	if err := c.UpdateTempPassword(ctx, pw3, "what I chose"); err != nil {
		t.Fatalf("UpdateTempPassword: %v", err)
	}
	if got := e.readable(t, c); got != before {
		t.Errorf("bsafe after UpdateTempPassword reads %v, want %v", got, before)
	}
	if got, err := cliReads(pw3, false); err != nil || got != before {
		t.Errorf("bw login after UpdateTempPassword: %v, %v; want %v", got, err, before)
	}
	if _, err := cliReads(pw2, false); err == nil || strings.Contains(err.Error(), forcedMessage) {
		t.Errorf("bw login with the replaced temporary password: %v, want a refusal", err)
	}
}

// checkForcedRefusal checks that a CLI login failed because of the forced
// update, and logged the CLI out.
func checkForcedRefusal(t *testing.T, err error) {
	t.Helper()
	t.Logf("bw login after a forced reset: %v", err)
	if err == nil || !strings.Contains(err.Error(), forcedMessage) || !strings.Contains(err.Error(), "You have been logged out") {
		t.Errorf("bw login after a forced reset: %v, want the CLI's refusal (%q ... logged out)", err, forcedMessage)
	}
}
