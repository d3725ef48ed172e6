// Package attrs holds account attributes as the connector protocol carries
// them, and Bravura's profile and request attribute definitions: their
// settings, the checks of a definition, the validation of values against
// it, defaults, and the vCard view of a profile.
//
// # Values
//
// Values is the one attribute type of the SDK: named, ordered, single- or
// multi-valued. The connector contract (package bsafe) lists accounts,
// groups, computers and subscribers with it, the dispatcher writes it as
// "attr" groups of agent output, the Safe connectors fill it from item
// fields and team members, and a profile is a Values too.
//
// An attribute name is matched without regard to ASCII case, as Bravura
// matches attribute names: "assocID" and "ASSOCID" are one attribute, and
// the spelling kept is the first one set. Only ASCII letters fold; every
// other byte, and every value, is compared exactly (so "K" and the Kelvin
// sign are different names). Values keep their order and their case.
//
// # Definitions
//
// A Definition is a profile and request attribute with every setting of
// Bravura's "Profile and request attribute information" page (seed 003 of
// the project's sources): its Type, the number of values, length, format
// mask, regular expression, restricted values (static, from a plugin, per
// parent value), defaults, the Boolean display texts, encryption and the
// rest. Each setting is allowed only for some types; Setting names the
// rows of the seed's table and Setting.AllowedFor their Type column.
// NewDefinition fills in the product's defaults.
//
// Definition.Check and Schema.Check report every inconsistent setting at
// once, as a *CheckError of *Problem values (each matches ErrDefinition).
// A Schema is a set of definitions that may refer to each other as parent
// and child.
//
// # Validation
//
// Validate checks values against a definition the way the product's Test
// tab does, and reports every violation: a *ValidationError of *Violation
// values, each naming its Rule (errors.Is(err, attrs.RuleFormat)). What
// validation needs from outside (the values of a parent attribute, a
// restricted-value plugin, a user lookup, a link checker) comes in an Env;
// a failed lookup is an *OpError, not a violation. Schema.Validate checks
// a whole profile.
//
// Definition.Check runs a definition's own defaults and restricted values
// through the same value rules, with the same comparison of values, so
// that Check never accepts a default that Validate would refuse.
//
// No error of this package quotes an attribute value, since values may be
// passwords: errors name the attribute (its ID quoted) and the value's
// index. Nor do they quote a definition's regular expression.
//
// # Defaults, reports and vCard
//
// Schema.ApplyDefaults fills in defaults for request-only attributes and
// new profiles, parents first. Definition.ReportValues masks what a report
// must not show. Schema.VCard renders a profile as a vCard 3.0 record
// through each definition's VCard property.
//
// # Related packages
//
// Package attrs/restricted speaks the restricted-value plugin protocol
// (KVGroup in, KVGroup out) and runs such plugins; its Runner.Source plugs
// into Env.RestrictedValues. Package attrs/profile derives profile IDs from
// source-of-profile targets and attaches accounts to profiles
// (auto-association), renames included.
package attrs
