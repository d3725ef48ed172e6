// Package bsafetest provides an in-memory target system for tests of code
// that uses the connector contract of package bsafe, in the spirit of
// net/http/httptest: a Connector that implements every capability
// interface of the contract over accounts, groups, templates, computers
// and subscribers held in memory.
//
// Connector authors compare their connector with it, users of
// bsafe.Dispatch and of password-management code drive it as a fake
// target, and bsafe.TestConnector passes against it, so it is also the
// reference for what the contract's godoc says a connector does.
//
// The target is seeded with AddAccount, AddTemplate, AddGroup, NestGroup,
// AddComputer, AddSubscriber and AddCustom; Lookup and
// SubscriberPassword read its state back; SetFault injects failures
// before or after an operation takes effect. A Connector is safe for
// concurrent use.
package bsafetest
