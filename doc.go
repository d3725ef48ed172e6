// Package bsafe is a pure-Go SDK for Bravura Safe, the password vault built
// on the Bitwarden server, and for the Bravura connector protocol.
//
// Bravura Safe speaks Bitwarden's wire API and uses Bitwarden's client-side
// encryption: the server stores only ciphertext, and every key is derived,
// wrapped and unwrapped on the client. bsafe does all of that in Go, with
// no Node.js CLI and no cgo, so identity-management products and
// vault-automation tools can embed it directly.
//
// # Packages
//
// The SDK is being built in layers. What exists today:
//
//   - kvgroup: the KVGroup text format that Bravura agents and plugins speak,
//     with Decoder/Encoder and Marshal/Unmarshal in the style of
//     encoding/json.
//   - safe: the vault client (login, sync, items, collections, folders,
//     trash, members) and safe.Connector, the Bravura Safe vault connector,
//     with safe/safetest, an in-memory Bitwarden-compatible server for
//     tests, used like net/http/httptest.
//   - bsafe (this package): the connector contract. Connector and one
//     optional capability interface per family of documented operations,
//     in the style of database/sql/driver, so every operation is a typed
//     call; Supported; Dispatch, which runs one operation of agent input
//     and streams the agent output; the return codes (Code, with the
//     protocol's names), the sentinel errors connectors return, and
//     CodeOf; and TestConnector, the conformance kit.
//   - bsafetest: an in-memory target that implements the whole contract,
//     for tests.
//   - attrs: attribute values (Values: named, ordered, single- or
//     multi-valued), the one attribute type of the whole SDK; profile and
//     request attribute definitions, their checks, validation, defaults
//     and the vCard view of a profile.
//   - attrs/restricted: the restricted-value plugin protocol and a runner
//     for such plugins.
//   - attrs/profile: profile IDs from source-of-profile targets and the
//     auto-association of accounts, renames included.
//
// The cryptography core (key derivation, EncStrings, the key hierarchy) is
// internal; the packages above expose what callers need of it.
//
//   - usermgmt: the User Management connector, built on the member
//     management of safe (Client.Members), and AccessLevel, the five
//     access levels of a member to a collection.
//
// Planned, and not in the module yet: safe/massreset, mass password
// onboarding and reset.
//
// # Security
//
// Key derivation refuses parameters below Bitwarden's minimums, so that a
// malicious server cannot make a client derive a weak key. MACs are
// verified in constant time before anything is decrypted. Keys and other
// secrets redact themselves when printed or logged, and errors never carry
// passwords, keys, tokens or plaintext.
package bsafe
