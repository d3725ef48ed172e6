package bsafe

// Operation is the name of a connector operation, as the agent input's
// "operation" key gives it.
type Operation string

// The documented operations, in the order of the protocol's reference.
const (
	OpServerInfo       Operation = "serverinfo"
	OpVerify           Operation = "verify"
	OpAdminVerify      Operation = "adminverify"
	OpChange           Operation = "change"
	OpReset            Operation = "reset"
	OpResetExpirePW    Operation = "resetexpirepw"
	OpVerifyReset      Operation = "verifyreset"
	OpUpdateSubscriber Operation = "updatesubscriber"
	OpIsEnabled        Operation = "isenabled"
	OpEnable           Operation = "enable"
	OpDisable          Operation = "disable"
	OpIsLocked         Operation = "islocked"
	OpLock             Operation = "lock"
	OpUnlock           Operation = "unlock"
	OpIsPWExpired      Operation = "ispwexpired" // Dispatch also accepts "isexpiredpw"
	OpExpirePW         Operation = "expirepw"
	OpUnexpirePW       Operation = "unexpirepw"
	OpIsAcctExpired    Operation = "isacctexpired"
	OpExpireAcct       Operation = "expireacct"
	OpUnexpireAcct     Operation = "unexpireacct"
	OpListUsers        Operation = "listusers"
	OpListGroups       Operation = "listgroups"
	OpListMembers      Operation = "listmembers"
	OpListComputers    Operation = "listcomputers"
	OpListSubscribers  Operation = "listsubscribers"
	OpCheckTemplate    Operation = "checktemplate"
	OpCreate           Operation = "create"
	OpUserGroups       Operation = "usergroups"
	OpDelete           Operation = "delete"
	OpUpdate           Operation = "update"
	OpGroupUserAdd     Operation = "groupuseradd"
	OpGroupUserDelete  Operation = "groupuserdelete"
	OpGroupCreate      Operation = "groupcreate"
	OpGroupDelete      Operation = "groupdelete"
	OpCheckUser        Operation = "checkuser"
	OpUserAttributes   Operation = "userattributes"
	OpCustom           Operation = "custom" // with "customop" naming the custom operation
)

// isExpiredPW is the seed documents' spelling of OpIsPWExpired.
const isExpiredPW Operation = "isexpiredpw"

// capabilities maps each operation to whether a connector can run it, in
// the order Supported reports them.
var capabilities = []struct {
	op  Operation
	has func(Connector) bool
}{
	{OpServerInfo, func(Connector) bool { return true }},
	{OpVerify, is[Verifier]},
	{OpAdminVerify, func(c Connector) bool { return is[AdminVerifier](c) || adminVerifiesByVerify(c) }},
	{OpChange, is[Changer]},
	{OpReset, is[Resetter]},
	{OpResetExpirePW, is[ResetExpirer]},
	{OpVerifyReset, func(c Connector) bool { return is[VerifyResetter](c) || is[Resetter](c) }},
	{OpUpdateSubscriber, is[SubscriberUpdater]},
	{OpIsEnabled, is[Enabler]},
	{OpEnable, is[Enabler]},
	{OpDisable, is[Enabler]},
	{OpIsLocked, is[Locker]},
	{OpLock, is[Locker]},
	{OpUnlock, is[Locker]},
	{OpIsPWExpired, is[PasswordExpirer]},
	{OpExpirePW, is[PasswordExpirer]},
	{OpUnexpirePW, is[PasswordExpirer]},
	{OpIsAcctExpired, is[AccountExpirer]},
	{OpExpireAcct, is[AccountExpirer]},
	{OpUnexpireAcct, is[AccountExpirer]},
	{OpListUsers, is[UserLister]},
	{OpListGroups, is[GroupLister]},
	{OpListMembers, is[MemberLister]},
	{OpListComputers, is[ComputerLister]},
	{OpListSubscribers, is[SubscriberLister]},
	{OpCheckTemplate, is[TemplateChecker]},
	{OpCreate, is[Creator]},
	{OpUserGroups, is[UserGroupsLister]},
	{OpDelete, is[Deleter]},
	{OpUpdate, is[Updater]},
	{OpGroupUserAdd, is[GroupMembershipEditor]},
	{OpGroupUserDelete, is[GroupMembershipEditor]},
	{OpGroupCreate, is[GroupProvisioner]},
	{OpGroupDelete, is[GroupProvisioner]},
	{OpCheckUser, is[UserChecker]},
	{OpUserAttributes, is[AttributeLister]},
	{OpCustom, is[CustomOperator]},
}

func is[T any](c Connector) bool { _, ok := c.(T); return ok }

// adminVerifiesByVerify reports whether adminverify falls back to verify:
// the connector verifies, and has no intruder lockout a wrong password
// could count towards.
func adminVerifiesByVerify(c Connector) bool { return is[Verifier](c) && !is[Locker](c) }

// Supported returns the operations c can run through Dispatch, in the
// order of the protocol's reference: serverinfo always, each operation of
// every capability interface c implements, adminverify and verifyreset
// where Dispatch runs them through their documented fallbacks, and
// OpCustom for a CustomOperator (whose own operations it declares).
func Supported(c Connector) []Operation {
	var ops []Operation
	for _, cap := range capabilities {
		if cap.has(c) {
			ops = append(ops, cap.op)
		}
	}
	return ops
}
