// Package usermgmt manages the people of a Bravura Safe team: members,
// their access to collections, invitations, and the administrator reset of
// a member's master password through account recovery.
//
// It is being built (see the project's issues). What exists today is
// AccessLevel, the five access levels of a member to a collection, as
// Bravura names them ("Can view", "Can edit except passwords", …) and as
// the server stores them (the readOnly, hidePasswords and manage flags of
// safe.Access).
package usermgmt
