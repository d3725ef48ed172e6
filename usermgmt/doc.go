// Package usermgmt is the "Bravura Safe User Management" connector: the
// people of a Bravura Safe team, who log into Safe, as the accounts of a
// Bravura target system, and the team's collections as its groups.
//
// Connector implements the connector contract of package bsafe on a
// team: listing members (with their status, type, two-factor and
// account-recovery flags, external ID, collections and assocID),
// inviting, removing, revoking and restoring them, confirming an accepted
// member, granting and removing access to collections at an AccessLevel,
// and resetting a member's master password through account recovery. It
// is built on the vault client: the member calls are safe.Client.Members
// and safe.Client.Collections, which programs that are not connectors
// call directly, and the sessions, targets and return codes are those of
// safe.Connector.
//
// AccessLevel is the access of a member to a collection as Bravura names
// it ("Can view", "Can edit except passwords", …) and as the server stores
// it (the readOnly, hidePasswords and manage flags of safe.Access).
//
// # Which credential does what
//
// A target gives the connector an owner's or administrator's e-mail and
// master password (adminid, adminpw), and optionally the team's API key
// (sysid, syspw: client_id "organization.…" and client_secret). The
// administrator's login does everything that needs the vault's
// cryptography: confirming a member (the team key is wrapped to the
// member's public key), resetting a master password (the member's user key
// is unwrapped with the team's private key and re-wrapped), and reading
// collection names (encrypted with the team key). The team API key is a
// management-only credential for the Public API (safe.Client.Public): it
// has no keys, so it reads members, groups and collection metadata but
// never a collection name or an item; the connector uses it where only
// the Public API can act, setting a member's external ID.
package usermgmt
