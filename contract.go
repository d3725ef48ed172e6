package bsafe

import (
	"context"
	"iter"
)

// Connector is the one interface every connector implements: serverinfo,
// which must succeed for any listing to count. Every other operation is an
// optional capability interface below, in the style of database/sql/driver:
// a connector implements the ones its target supports, and Dispatch reports
// the rest as ACOperationNotSupported. Where the protocol says a family of
// operations is all or nothing (enable, disable and isenabled, say), one
// interface holds the whole family.
//
// Methods return errors that CodeOf maps to return codes: the sentinels of
// this package (ErrInvalidUser, ErrAlreadyExists, …), or WithCode for any
// other code. A connector is used from one goroutine at a time unless its
// documentation says more.
type Connector interface {
	ServerInfo(ctx context.Context) (ServerInfo, error)
}

// TargetConnector is a connector that takes its address and credentials
// from the agent input. Dispatch calls Connect before the operation and
// runs the operation on the Connector that Connect returns, which works on
// that target with those credentials only. Two Dispatch calls for
// different targets can so share one TargetConnector at the same time.
//
// Connect may return the receiver itself, when it serves one target; it
// should reuse a session it already has for the same target and
// credentials rather than log in again. The Connector returned must not
// be nil when the error is nil.
type TargetConnector interface {
	Connector
	Connect(ctx context.Context, t Target) (Connector, error)
}

// Verifier runs verify: whether password is the account's current
// password. A wrong password is (false, nil); where the target has an
// intruder lockout, a wrong password counts towards it.
type Verifier interface {
	Connector
	Verify(ctx context.Context, acct AccountRef, password string) (bool, error)
}

// AdminVerifier runs adminverify: Verify without counting a wrong
// password towards any intruder lockout. Without it, Dispatch runs
// adminverify as verify when the connector is not a Locker (a target with
// no lockout has nothing to count).
type AdminVerifier interface {
	Connector
	AdminVerify(ctx context.Context, acct AccountRef, password string) (bool, error)
}

// Changer runs change: from a known current password to a new one,
// clearing any lockout and setting expiry per the target's policy. A wrong
// oldPW is ErrVerifyFailed.
type Changer interface {
	Connector
	Change(ctx context.Context, acct AccountRef, oldPW, newPW string) error
}

// Resetter runs reset: sets the password without the current one, clears
// any lockout, and leaves a disabled account disabled (a target that
// cannot set the password of a disabled account refuses with
// ErrAccountDisabled, code 29). It returns nil only when the target holds
// the new password.
type Resetter interface {
	Connector
	Reset(ctx context.Context, acct AccountRef, newPW string) error
}

// ResetExpirer runs resetexpirepw: Reset, then expire the new password so
// that the user must change it at the next login.
type ResetExpirer interface {
	Connector
	ResetExpirePassword(ctx context.Context, acct AccountRef, newPW string) error
}

// VerifyResetter runs verifyreset: nothing when newPW is already the
// password, else a reset. Without it, Dispatch runs adminverify then reset,
// else verify then reset, else reset, as the protocol documents.
type VerifyResetter interface {
	Connector
	VerifyReset(ctx context.Context, acct AccountRef, newPW string) error
}

// SubscriberUpdater runs updatesubscriber: sets the password a subscriber
// (a service, task, … running as acct) uses.
type SubscriberUpdater interface {
	Connector
	UpdateSubscriber(ctx context.Context, sub SubscriberRef, acct AccountRef, newPW string) error
}

// Enabler runs isenabled, enable and disable. Enable and Disable succeed
// when the account is already in that state.
type Enabler interface {
	Connector
	IsEnabled(ctx context.Context, acct AccountRef) (bool, error)
	Enable(ctx context.Context, acct AccountRef) error
	Disable(ctx context.Context, acct AccountRef) error
}

// Locker runs islocked, lock and unlock (the intruder lockout).
type Locker interface {
	Connector
	IsLocked(ctx context.Context, acct AccountRef) (bool, error)
	Lock(ctx context.Context, acct AccountRef) error
	Unlock(ctx context.Context, acct AccountRef) error
}

// PasswordExpirer runs ispwexpired (also spelled isexpiredpw), expirepw
// and unexpirepw.
type PasswordExpirer interface {
	Connector
	IsPasswordExpired(ctx context.Context, acct AccountRef) (bool, error)
	ExpirePassword(ctx context.Context, acct AccountRef) error
	UnexpirePassword(ctx context.Context, acct AccountRef) error
}

// AccountExpirer runs isacctexpired, expireacct and unexpireacct.
type AccountExpirer interface {
	Connector
	IsAccountExpired(ctx context.Context, acct AccountRef) (bool, error)
	ExpireAccount(ctx context.Context, acct AccountRef) error
	UnexpireAccount(ctx context.Context, acct AccountRef) error
}

// UserLister runs listusers. The sequence yields each account once; an
// error ends it. A listing that yields nothing has failed, as the protocol
// says; Dispatch reports it so.
type UserLister interface {
	Connector
	ListUsers(ctx context.Context, opts ListOptions) iter.Seq2[Account, error]
}

// GroupLister runs listgroups. Dispatch follows it with ListMembers for
// each group when the connector is a MemberLister.
type GroupLister interface {
	Connector
	ListGroups(ctx context.Context) iter.Seq2[Group, error]
}

// MemberLister runs listmembers: the members of one group.
type MemberLister interface {
	Connector
	ListMembers(ctx context.Context, groupID string) iter.Seq2[Member, error]
}

// ComputerLister runs listcomputers for Workstations or Servers.
type ComputerLister interface {
	Connector
	ListComputers(ctx context.Context, rt ResourceType) iter.Seq2[Computer, error]
}

// SubscriberLister runs listsubscribers for one subscriber resource type.
type SubscriberLister interface {
	Connector
	ListSubscribers(ctx context.Context, rt ResourceType) iter.Seq2[Subscriber, error]
}

// TemplateChecker runs checktemplate: the template account create copies.
// An unknown template is ErrInvalidModelUser.
type TemplateChecker interface {
	Connector
	CheckTemplate(ctx context.Context, templateID string) (Account, error)
}

// Creator runs create. Dispatch runs checktemplate first when the
// connector is a TemplateChecker and a template is named, and usergroups
// after it when the connector is a UserGroupsLister. An account that
// exists already is ErrAlreadyExists.
type Creator interface {
	Connector
	Create(ctx context.Context, req CreateRequest) (Account, error)
}

// UserGroupsLister runs usergroups: the long IDs of the groups an account
// is in.
type UserGroupsLister interface {
	Connector
	UserGroups(ctx context.Context, acct AccountRef) iter.Seq2[string, error]
}

// Deleter runs delete. Dispatch runs checkuser first when the connector is
// a UserChecker.
type Deleter interface {
	Connector
	Delete(ctx context.Context, acct AccountRef) error
}

// Updater runs update: sets attributes of an existing account and reports
// it as it now is. Dispatch runs checkuser first when the connector is a
// UserChecker.
type Updater interface {
	Connector
	Update(ctx context.Context, acct AccountRef, changes Instructions) (Account, error)
}

// GroupMembershipEditor runs groupuseradd and groupuserdelete. Adding a
// member again is ErrUserAlreadyInGroup; removing a non-member is
// ErrUserNotInGroup; an unknown group is ErrInvalidGroup.
type GroupMembershipEditor interface {
	Connector
	AddToGroup(ctx context.Context, acct AccountRef, groupID string) error
	RemoveFromGroup(ctx context.Context, acct AccountRef, groupID string) error
}

// GroupAddAttributer is a GroupMembershipEditor whose groupuseradd reads
// the input's attributes: those of the membership itself, such as the
// access level ("_accessLevel") the User Management connector grants.
// Dispatch calls AddToGroupAttrs instead of AddToGroup on a connector that
// has it, and refuses malformed attributes (code 1) before the call.
type GroupAddAttributer interface {
	GroupMembershipEditor
	AddToGroupAttrs(ctx context.Context, acct AccountRef, groupID string, attrs Instructions) error
}

// GroupProvisioner runs groupcreate and groupdelete. A group that exists
// already is ErrAlreadyExists; deleting an unknown one is ErrInvalidGroup.
type GroupProvisioner interface {
	Connector
	CreateGroup(ctx context.Context, req GroupRequest) (Group, error)
	DeleteGroup(ctx context.Context, groupID string) error
}

// UserChecker runs checkuser: the account, with its attributes, or
// ErrInvalidUser.
type UserChecker interface {
	Connector
	CheckUser(ctx context.Context, acct AccountRef) (Account, error)
}

// AttributeLister runs userattributes: one account's attributes, those
// named in opts or all. Dispatch runs checkuser first when the connector
// is a UserChecker.
type AttributeLister interface {
	Connector
	UserAttributes(ctx context.Context, acct AccountRef, opts ListOptions) (Account, error)
}

// CustomOperator runs custom operations. CustomOperations declares them;
// Dispatch refuses an undeclared "customop" with ACOperationNotSupported
// and treats the rows Custom yields by the declared OutputType: none
// drops them, single writes the one row into the agent output (more
// than one is an error), multiple writes them to "customfilename".
type CustomOperator interface {
	Connector
	CustomOperations() []CustomOperation
	Custom(ctx context.Context, req CustomRequest) iter.Seq2[CustomRow, error]
}
