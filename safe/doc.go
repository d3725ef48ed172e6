// Package safe is a client for Bravura Safe vaults, and for any server
// that speaks the Bitwarden API.
//
// The server stores only ciphertext. This package does the cryptography on
// the client: it derives the master key from the master password, unwraps
// the user key, the account's RSA key and the team (organization) keys,
// and encrypts and decrypts every item field, with per-item keys where the
// items have them.
//
// # Logging in
//
//	c, err := safe.NewClient("https://safe.example.com", safe.WithDeviceID(storedID))
//	err = c.LoginPassword(ctx, email, masterPassword)
//	// or, for automation: a personal API key, plus the master password to unlock
//	err = c.LoginAPIKey(ctx, "user.<uuid>", secret, masterPassword)
//
// A login that needs a second factor fails with a *TwoFactorError listing
// the providers; call LoginPassword again with WithTwoFactor. Tokens are
// refreshed by the client, once for all goroutines.
//
// A team's API key ("organization.<uuid>") logs in to the team's Public
// API instead, with no member account and no vault keys:
//
//	err = c.LoginTeamAPIKey(ctx, "organization.<uuid>", secret)
//	for m, err := range c.Public.Members(ctx) { ... }
//
// Such a session manages members, groups and collection access, cannot
// decrypt anything (not even collection names) and fails every vault call
// with ErrTeamKeySession; see PublicService for what each login can do.
//
// A login costs a key derivation (up to seconds, by design). A process
// that must not repeat it saves the unlocked session with ExportSession
// and resumes it with ResumeSession; the blob is encrypted under a fresh
// session key that is kept apart from it.
//
// # Reading and writing
//
// The first read syncs the whole vault (one request), and the first read
// of items decrypts them, in parallel. Later reads use that snapshot, and
// ask the server's cheap revision date at most every sync interval whether
// anything changed. The client's own writes update the snapshot.
//
//	for it, err := range c.Items.All(ctx, safe.InCollection(colID)) { ... }
//	list, err := c.Items.List(ctx, safe.InTeam(team.ID), safe.WithField("assocID", id))
//	it, err := c.Items.Create(ctx, &safe.Item{Name: "AD", TeamID: team.ID,
//		Login: &safe.Login{Username: "bonnil", Password: pw}}, safe.InCollections(colID))
//	it, err = c.Items.SetPassword(ctx, it.ID, newPW) // keeps the password history
//	err = c.Items.Delete(ctx, it.ID)                  // to the trash; Restore, Purge
//
// Updates send the revision date the item was read with, so a concurrent
// change elsewhere fails with ErrConflict instead of being overwritten.
// Members of an item's JSON that this package does not model (written by
// newer clients, say) are kept on update. Update takes only an item read
// from the client; to change some fields of an item by ID, use Edit, which
// reads, changes and writes, and re-applies the change after a conflict:
//
//	it, err = c.Items.Edit(ctx, id, func(it *safe.Item) error { it.Name = "AD (old)"; return nil })
//
// # Team members
//
// Managing a team's members is part of the vault client, on Client.Members
// (package usermgmt builds the User Management connector on it): list
// them, invite by e-mail, confirm a member who accepted (the team key is
// wrapped to the member's public key, whose fingerprint a callback checks
// first), remove, revoke and restore. A member's access to a collection is
// changed with Collections.GrantAccess and RemoveAccess. An invitation
// without a Role invites users (RoleOwner is Role's zero value, so owners
// are invited with Owner set), and so does a Public API member spec.
//
//	invited, err := c.Members.Invite(ctx, team.ID, safe.Invitation{
//		Emails: []string{"jane@example.com"}, Role: safe.RoleUser,
//		Collections: []safe.Access{{ID: colID, ReadOnly: true}}})
//	err = c.Members.Confirm(ctx, team.ID, memberID, func(fp safe.Fingerprint) error {
//		return askAdmin(fp.Phrase()) // the phrase the member reads in their client
//	})
//
// # What a write reports
//
// A write that the server answered is reported as it went: its result is
// built from the server's answer, never from a later read that may fail.
// A write whose answer was lost (a dropped connection, a timeout after
// the request was sent) fails with an error matching ErrOutcomeUnknown (an
// *OutcomeUnknownError): it may have been applied. Retries are decided per
// endpoint: a create is never sent twice; an update, delete, restore or
// purge may be, and a repeat that comes back out of date or not found is
// resolved (the item is read back and compared with what was sent).
//
// # Server generations
//
// Bravura Safe is built on Bitwarden server 2023.8. The client works with
// that generation and with current Bitwarden servers: it sends the
// Auth-Email header the older servers require, reads the KDF from either
// prelogin route (choosing by the version /api/config reports, falling back
// on 404), and accepts both shapes of the token response.
//
// # Account recovery
//
// A member enrols with Members.EnrollAccountRecovery; an owner or admin
// then resets the member's forgotten master password with
// Members.ResetPassword, which re-wraps the member's user key under the
// new password's master key (the member's own KDF) on the client: the
// vault stays as it was. The server's rules (enrolled, confirmed, only
// owners reset owners, not oneself) are checked before anything is
// written. A login after a forced reset reports MustUpdatePassword; the
// member replaces the temporary password with UpdateTempPassword.
//
// # The vault connector
//
// Connector is the "Bravura Safe" connector of the Bravura connector
// protocol: it implements the contract of package bsafe on one team, with
// the team's login items as accounts and its collections as groups, so
// that bsafe.Dispatch can run agent input on it (see examples/agent).
// Connect returns a Connector pinned to its target, so that concurrent
// Dispatch calls for different targets never cross; they share the
// sessions, one login per target and credentials. A reset or change is
// reported only when the server confirms it: the item read back after the
// write holds the new password, or, when that read fails, the server's
// answer to the write did.
//
// # Errors and secrets
//
// Errors match the sentinels of this package with errors.Is (ErrNotFound,
// ErrUnauthorized, ErrForbidden, ErrWrongPassword, ErrInvalidAPIKey,
// ErrConflict, ErrRateLimited, ErrInvalidArgument, ErrWeakKDF, ErrMAC, ...),
// and *APIError, *TwoFactorError, *RateLimitError and *DecryptError
// give details with errors.As. No error, log line or fmt output of this
// package carries a password, key, token or decrypted value: items print
// as their ID and type, and their secret parts as REDACTED.
//
// That holds for fmt with every verb, for log/slog (both handlers, also for
// items nested in slices, maps and structs) and for encoding/json: every
// value that is encrypted on the wire (an item's name, notes and parts,
// and the names of collections and folders) is left out or shows as
// REDACTED. Item.PlaintextJSON is the one, explicit way to export an item
// with its secrets. Values in unexported struct fields are out of reach of
// fmt's and encoding/json's methods: fmt prints them as they are.
//
// For tests, package safetest provides an in-memory server that this
// client, and the official Bitwarden CLI, can use.
package safe
