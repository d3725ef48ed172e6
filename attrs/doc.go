// Package attrs holds account attributes as the connector protocol carries
// them: named, ordered, single- or multi-valued.
//
// Values is the one attribute type of the SDK. The connector contract
// (package bsafe) lists accounts, groups, computers and subscribers with
// it, the dispatcher writes it as "attr" groups of agent output, and the
// Safe connectors fill it from item fields and team members.
//
// # Names and case
//
// An attribute name is matched without regard to ASCII case, as Bravura
// matches attribute names: "assocID" and "ASSOCID" are one attribute, and
// the spelling kept is the first one set. Only ASCII letters fold; every
// other byte, and every value, is compared exactly (so "K" and the Kelvin
// sign are different names). Values keep their order and their case.
package attrs
