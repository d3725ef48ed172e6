// Package safetest is an in-memory server that speaks the Bitwarden wire
// API, which Bravura Safe shares, for tests. It is to a Bravura Safe
// client what net/http/httptest is to an HTTP client: start one in a test,
// seed it with accounts, teams and items, point any client at Server.URL
// (the Go SDK, the official Bitwarden CLI, curl) and inspect what the
// client stored.
//
//	srv := safetest.NewServer()                 // HTTPS on 127.0.0.1:random
//	defer srv.Close()
//	alice, _ := srv.AddUser(safetest.UserSpec{Email: "alice@example.com", Password: pw})
//	team, _ := srv.AddTeam(alice, safetest.TeamSpec{Name: "Ops", DefaultCollection: "Servers"})
//	id, _ := srv.AddItem(team, safetest.Item{Name: "db", Login: &safetest.Login{Password: "s3cret"},
//		CollectionIDs: []string{team.DefaultCollectionID}})
//	// ... run the client against srv.URL with srv.Client() ...
//	item, _ := srv.Item(id)                      // what the client left there, decrypted
//
// # TLS
//
// NewServer serves HTTPS with a certificate made for the server (valid for
// 127.0.0.1, ::1 and localhost), because the official CLI refuses plain
// http URLs since 2025. Server.Client trusts it; for Node.js clients write
// it with WriteCertificatePEM and set NODE_EXTRA_CA_CERTS. Go clients that
// prefer plain HTTP use NewUnstartedServer and Start.
//
// # Generations
//
// WithGeneration picks the server release to imitate. GenCurrent (the
// default) is a current Bitwarden server, which the 2026 CLI needs.
// Gen2023 is Bravura Safe, a fork of Bitwarden server 2023.8: prelogin
// only at /identity/accounts/prelogin, the Auth-Email header required on
// password logins, no AccountKeys or MasterPasswordUnlock in the token
// response, no userDecryption in sync, no collections_v2, no
// key-management/user-key-id, an empty answer to PUT
// /api/ciphers/{id}/collections, and "Team mismatch" instead of
// "Organization mismatch". The endpoints of each generation are listed in
// routes.go; every other path answers the official 404 error body.
//
// # What is stored
//
// Like a real server, the store holds only what clients upload: the
// master-password hash (re-hashed), wrapped keys and EncStrings. A cipher
// is kept as the JSON object the client sent, minus what the official
// server drops (the JS clients' junk "response" keys in login, its uris and
// fields; lastKnownRevisionDate, encryptedFor, encryptedByKeyId,
// attachments, attachments2, data) and plus the server's own fields (id,
// organizationId, per-user folderId and favorite, collectionIds,
// revisionDate, creationDate, deletedDate, edit, viewPassword, permissions,
// organizationUseTotp, object). Everything else a client sends is echoed
// back unchanged, so fields of newer clients round-trip. "data" is never
// sent. Gen2023 drops a cipher's "key" as Bravura Safe does (its request
// model has no Key member: per-item keys came with Bitwarden 2023.9.1), so
// an item a client encrypts under its own key there is unreadable; AddItem
// still seeds item keys on Gen2023, to model a vault written elsewhere.
// Create, update, share and restore answer the "cipher" shape, without
// collectionIds, as both generations of the real server do.
//
// Seeding happens the way a client registers: AddUser derives the master
// key and makes a user key and an RSA key pair with real cryptography,
// AddTeam makes a team key and key pair and wraps the team key to the
// owner's public key, AddItem encrypts with the user, team or per-item key.
// The keys stay in a seeding keyring beside the store, never reachable over
// HTTP; Item, ItemFor, Folder and Collection use it to decrypt whatever a
// client stored, and RawCipher shows the ciphertext as stored.
//
// # What is enforced
//
//   - The master-password hash (constant-time), on the password grant and
//     on verify-password and api-key; the grant's client_id, scope and
//     device fields; Auth-Email on Gen2023; optional two-step login
//     (RequireTwoFactor) and new-device verification
//     (RequireNewDeviceVerification), with the official error shapes.
//   - Bearer tokens: HS256 JWTs with the claims clients read, their expiry
//     (WithTokenLifetime, WithClock), and the account's security stamp
//     (RevokeSessions). Refresh tokens for password logins only; API-key
//     logins (client_credentials, client_id user.<id>, scope api) get none.
//   - Team membership and collection access: only confirmed members have
//     any (invited, accepted and revoked ones none); Owners and Admins, and
//     on Gen2023 members with accessAll, see and edit everything in their
//     team; other members see items of their
//     collections, may change them only through a collection without
//     readOnly, and get viewPassword false through hidePasswords. Items a
//     user cannot see answer 404; items they can see but not change answer
//     400 "You do not have permissions to edit this.".
//   - Member management (members.go), with each generation's messages
//     ("Team" in Bravura Safe's where upstream says "Organization"):
//     invite (Invited status, the address kept until acceptance; known
//     addresses skipped; the e-mail list rules of the official
//     validator), re-invite (invited members only), confirm (Accepted
//     members only, else 400 "User not valid."; the key sent is what the
//     member's profile then carries), update, remove, revoke (status -1:
//     no access) and restore (back to invited, accepted or confirmed, as
//     the record shows). Only Owners, Admins and Custom members with
//     manageUsers may call them (else 404); only Owners may make, change,
//     remove, revoke or restore an Owner; Custom members may not touch
//     Admins (and on Gen2023 not Custom roles either in invites and
//     updates); nobody removes, revokes or restores themself; the last
//     confirmed Owner stays. AcceptInvite stands in for the e-mailed
//     acceptance link.
//   - Account recovery (recovery.go): the team key pair (POST .../keys by
//     those who manage account recovery; TeamSpec.WithoutKeyPair seeds a
//     team without one; GET .../public-key and its alias GET .../keys
//     answer the public key alone, to any logged-in user), the plan's UseResetPassword and the ResetPassword
//     policy (TeamSpec, SetAccountRecoveryPolicy; the policy is in the
//     sync), enrolment and withdrawal (a member enrols only themself;
//     current servers want the master-password hash), the reset details,
//     and the reset at PUT .../reset-password (Gen2023) or
//     .../recover-account (GenCurrent, 204): only Owners, Admins and
//     Custom members with manageResetPassword (else 404), only Owners
//     reset Owners, Custom members neither Owners nor Admins, the member
//     confirmed (on GenCurrent also accepted or revoked) and enrolled. A
//     reset ends the member's sessions; it forces a password update
//     (ForcePasswordReset in the login and the profile) always on
//     GenCurrent and, as Bravura Safe does, on Gen2023 only if the
//     resetting admin's membership has the flag (SetForcePasswordResetFlag,
//     or forcePasswordReset in an invite or update); PUT
//     /api/accounts/update-temp-password clears it. AccountRecoveryEnrollment,
//     TeamKeyPair, MustUpdatePassword and PasswordHint inspect the result.
//   - The team API key (public_apikey.go): Team.ClientID
//     ("organization.<id>") and Team.ClientSecret log in with
//     grant_type=client_credentials and scope api.organization (no device
//     fields, no keys, no refresh token in the answer; the client, then
//     the scope, are checked in IdentityServer's order). Owners read and
//     rotate it at POST /api/organizations/{id}/api-key and
//     .../rotate-api-key; SetTeamAPI turns the team's API use off.
//   - The Public API (public*.go): members, groups and collections under
//     /api/public, for a team API key's token only. A user's token gets a
//     bare 403 there, and a team token gets one on every user endpoint.
//     Each generation's shapes (accessAll and "continuationToken" on
//     Gen2023; hidePasswords, manage and permissions on GenCurrent), its
//     public error model ("errors", not "validationErrors"), bare 404s for
//     other teams' objects, and its quirks: on Gen2023 an invite without
//     "collections" fails with a 400, and a collection update removes
//     every member's own access to it.
//   - Groups (public_groups.go), with members and collection access,
//     reported in the member listings' "groups". A group's collection
//     access does not yet give its members access to items.
//   - Revision dates: an update whose lastKnownRevisionDate is more than a
//     second off the stored one is refused (400 "The item cannot be saved
//     because it is out of date. ..."); creation ignores it. The account
//     revision date (GET /api/accounts/revision-date, epoch milliseconds)
//     advances on every write to anything the user can see.
//   - Trash: soft delete sets deletedDate, restore clears it, DELETE removes
//     the item for good.
//   - Request validation: every field the official server marks
//     [EncryptedString] must be null or a well-formed EncString (so a
//     client that leaks a plaintext gets a 400), with the official length
//     limits; malformed JSON answers 400 with the official error body;
//     bodies over the cap (WithMaxBodyBytes) answer 413. The server never
//     panics on input.
//
// Answers are 200 with application/json (never 201) or an empty 200, as
// the official server gives them. API JSON is camelCase; the identity
// token response uses snake_case OAuth fields and PascalCase Bitwarden
// fields (Key, PrivateKey, Kdf..., UserDecryptionOptions), as upstream.
//
// # Faults
//
// InjectFault makes the next matching requests slow, fail with a status
// (429 with Retry-After, 500, 503, ...) or lose their connection, to test
// a client's retries. WithRequestHook sees every request body, for
// plaintext-leak checks.
//
// # Not implemented yet
//
// The accept endpoint itself (AcceptInvite seeds its effect), the
// internal API's group endpoints and the item access groups give, policies
// other than ResetPassword and the policy endpoints (a policy can refuse a
// confirm or restore), seat limits, Sends, attachments, and the Public
// API's events, policies, import and (current servers') member revoke and
// restore. The handlers are one file per area, so these are additions, not
// rewrites.
package safetest
