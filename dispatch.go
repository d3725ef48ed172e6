package bsafe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// Dispatch runs the one operation of agent input in on c and writes the
// agent output to out.
//
// It returns an error only when writing the output fails (out's writer);
// every failure of the operation itself, bad input included, is reported
// in the output's "retval" (the return code, CodeOf of the error) and
// "errmsg" (the error's text). Dispatch does not panic on any input, and a
// nil in is an input without an operation.
// A connector that panics (a nil iterator, say, or one that goes on after
// yield returned false) fails the operation with ACImplementerFailure
// (20), as does a nil c.
//
// # Input
//
// in is the root group of the agent input (operations.md §1). Dispatch
// reads these top-level keys:
//
//   - "operation": the operation (see Operation). "isexpiredpw" is
//     accepted for "ispwexpired", and "custom_<name>" for "custom" with
//     "customop" = "<name>". A missing, unknown or empty operation, and one
//     c does not implement (see Supported), is ACOperationNotSupported (2).
//   - "address": a plain string is Target.Address; a group of pairs is
//     Target.Options (a repeated key is multi-valued), as is an
//     "addresscomponents" group.
//   - "adminid", "adminpw", "sysid", "syspw" (also spelled "sysID" and
//     "syspassword"), "hostid": the rest of the Target. When c is a
//     TargetConnector, Dispatch passes it to Connect before the operation
//     and runs the operation on the Connector Connect returns (which must
//     support it too).
//   - "acctid", "shortid", "fullname", "userid": the AccountRef.
//   - "oldpw", "newpw", "modeluid", "groupid", "groupname",
//     "k_resourceType", "k_resourceURI", "customop", "customfilename".
//   - "attributes": the create, update and groupcreate instructions
//     (Instructions): a "DEFAULT-ACTION" pair and one
//     "attribute" "<name>" = { "SEQUENCE" "GROUP" "ACTION" "VALUE" } group
//     per attribute. A multi-valued attribute repeats "VALUE"; (ours) a
//     value-only group "VALUE" "" = { "a" "b" } is read too, and both may
//     be mixed, in order. (ours) Key names and actions are read with ASCII
//     case folded, an absent ACTION is VALUE, an absent SEQUENCE or GROUP
//     is 0, and pairs of other keys are ignored. Update takes only VALUE
//     and IGNORE. An unknown action, a non-integer SEQUENCE or GROUP, an
//     empty or repeated attribute name, a pair where a group belongs (or
//     a group where a pair belongs) is ErrBadInput, with a message that
//     names the attribute but none of its values.
//   - "listattributes": the attributes a listing, checkuser or
//     userattributes wants (ListOptions); empty means all. (ours) Each
//     value-only item of the group, and the value of each of its pairs,
//     names one attribute; a plain pair names one.
//   - "timeout": whole seconds, the deadline of the context every
//     connector call of the operation (Connect included) gets. (ours)
//     Absent, empty, "-1" and "0" mean no deadline; anything else that is
//     not a positive integer is ErrBadInput.
//
// Other top-level pairs go to custom operations as CustomRequest.Extra;
// other groups (ConnectionCredential, say) are not read. (ours) Each
// single-valued key may be given once: a second (or both spellings of
// sysid or syspw) is ErrBadInput, as is a group where a pair belongs.
//
// (ours) A required key must be present and non-empty, else the operation
// is ErrBadInput before anything is called on c: "acctid" for every
// account operation, "oldpw" for verify, adminverify and change, "newpw"
// for change, reset, resetexpirepw, verifyreset, updatesubscriber and
// create, "groupid" for the group operations and listmembers, "modeluid"
// for checktemplate, "k_resourceType" (one of the documented
// ResourceType values for the listing) for listcomputers, listsubscribers
// and updatesubscriber, "k_resourceURI" for updatesubscriber, "customop"
// for custom, and "customfilename" for a custom operation of output type
// multiple.
//
// # Output
//
// Dispatch writes one group "" "" = { … } to out (operations.md §2):
//
//	"" "" = {
//	  "result" = "1"                  # verify, adminverify and the is* operations
//	  "stableid" = … "longid" = … "shortid" = …    # create, update, groupcreate
//	  "name" = … "version" = …        # serverinfo
//	  "account" "<longid>" = {
//	    "stableid" = … "shortid" = … "fullname" = …
//	    "attr" "<name>" = { "value" = "…" "value" = "…" }
//	    "group" "<group longid>" = { }
//	  }
//	  "group" "<longid>" = {
//	    "stableid" = … "shortid" = … "description" = … "owner" = … "ownerisgroup" = "0"
//	    "attr" "<name>" = { … }
//	    "member" "<member longid>" = { "isgroup" = "0" "attr" … }
//	  }
//	  "computer" "<id>" = { "name" "restype" "disabled" "attr" … }
//	  "subscriber" "<id>" = { "uri" "restype" "disabled" "acctid" "longid" "shortid" "attr" … }
//	  "custom" "<id>" = { "attr" … }
//	  "retval" = "0"
//	  "errmsg" = ""
//	}
//
// A stableid that the connector left empty is written as the long ID.
// (ours) "retval" and "errmsg" come last, for every operation, so that
// they report the whole run: listing rows are written as the connector's
// iterator yields them (nothing of a listing is held in memory, and no
// state grows with its length), and a listing that fails halfway leaves
// the rows before the failure written, followed by the failing retval.
// Listings are: listusers ("account" rows, each with its "group"s),
// listgroups ("group" rows with their "member"s), listmembers (top-level
// "member" rows, (ours)), listcomputers, listsubscribers and usergroups
// (top-level "group" "<longid>" = { } rows). Checkuser, userattributes and
// checktemplate write one "account"; create and update the ids and the
// "account"; groupcreate the ids and the "group"; a custom operation of
// output type single its one "custom" row.
//
// verify and adminverify write "result" "0" and retval
// ACVerifyFailed (14) for a wrong password, whether the connector said
// false or returned ErrVerifyFailed; the is* operations write "result"
// "1" or "0" with retval 0.
//
// # Secrets
//
// The output never holds a secret of the input: every non-empty value of
// "adminpw", "syspw", "oldpw" and "newpw", and (ours) of each address
// option whose name contains "password", "passwd", "secret", "token",
// "pw", "key" or "credential", is replaced by "[redacted]" wherever it
// occurs in "errmsg" and in every string the connector gave (IDs, names,
// attribute values, and the file of a multiple custom operation), so that a
// connector that echoes a password cannot leak it. (The flags and codes
// Dispatch computes itself are not touched.) Where one secret holds
// another, the longer is replaced whole. The price is that a short
// password ("a", say) is redacted wherever it occurs, inside unrelated
// words too. Dispatch's own messages name keys, attributes, operations
// and IDs, never values.
//
// # Sequences
//
// Dispatch runs the protocol's sequenced operations itself:
//
//   - Every listing (listusers, listgroups, listmembers, listcomputers,
//     listsubscribers) runs ServerInfo first, whose failure fails the
//     listing with the ServerInfo error's code.
//   - create: CheckTemplate(modeluid) first, when c is a TemplateChecker
//     and "modeluid" is set; its failure is ACInvalidModelUser (8) unless
//     it carries a more specific code than ACInvalidUser or
//     ACUnknownError. The template goes to Create as
//     CreateRequest.Template. After Create, UserGroups of the new account
//     when c is a UserGroupsLister; its groups replace those Create
//     reported. (ours) A UserGroups failure does not turn the create,
//     which happened, into a failure: retval stays 0, "errmsg" says what
//     failed, and the account is written with the groups Create reported.
//     An empty long or short ID in Create's (or Update's) answer is
//     written as the input's acctid or shortid, for the same reason.
//   - delete, update and userattributes: CheckUser first, when c is a
//     UserChecker; its failure ends the operation.
//   - listgroups: ListGroups is read to the end first (groups are few),
//     then each group is written, followed by its ListMembers when c is a
//     MemberLister, so that ListMembers never runs inside the ListGroups
//     iterator.
//   - adminverify: AdminVerify, or Verify when c is not an AdminVerifier
//     and has no lockout (is not a Locker), as Supported reports.
//   - verifyreset: VerifyReset when c is a VerifyResetter; else
//     AdminVerify, else Verify (whichever c has, in that order, if any)
//     of "newpw", and Reset unless it matched. (ours) Any verify outcome
//     but a match, an error included, leads to the reset, whose result is
//     the operation's. (ours) Verify is skipped on a Locker, where a
//     mismatch would count towards the intruder lockout; adminverify
//     falls back to verify on the same condition.
//
// # Listing rules
//
// A listing that yields no rows has failed (ACUnknownError, "listusers
// returned no rows"), as do usergroups (the seed says so for it too) and
// a single custom operation. (ours) Within listgroups a group without
// members is fine, and create accepts an account in no groups. A row that
// breaks the contract fails the listing at that row (counted from 1),
// with a message naming the row and the column: an account without a
// LONGID or SHORTID (also for checkuser, userattributes and
// checktemplate), a group or member without a long ID, the same group long
// ID twice in listgroups (a group has at most one owner), a computer
// without an ID, a subscriber without a URI. A subscriber without an ID
// gets its LongID followed by the input's "hostid", as the protocol
// documents; (ours) when both are empty the row fails. An empty restype of
// a computer or subscriber is written as the "k_resourceType" asked for.
//
// # Custom operations
//
// "operation" = "custom" with "customop" = "<name>" (or
// "custom_<name>") runs a custom operation that CustomOperations declares
// (exactly that name; an undeclared one is ACOperationNotSupported). By
// its OutputType: none drains the rows and reports only the code; single
// writes its one row ("custom" "<id>") into the output, and zero or more
// than one row is a failure; multiple writes the rows to the file
// "customfilename" (required; ErrBadInput before anything is called
// without it). (ours) That file is a KVGroup document
// "" "" = { "custom" "<id>" = { "attr" … } … }, written as the rows come
// to a temporary file (mode 0600) in the same directory and renamed over
// the name when complete, so that a failure leaves no partial file.
// (ours) Zero rows make an empty document, not a failure.
func Dispatch(ctx context.Context, c Connector, in *kvgroup.Group, out *kvgroup.Encoder) error {
	// The input and the output of a run live in one pooled struct, which
	// is cleared (secrets and all) before it goes back.
	d := dispatchPool.Get().(*dispatch)
	defer func() {
		*d = dispatch{}
		dispatchPool.Put(d)
	}()
	d.ctx, d.c = ctx, c
	d.in.read(in)
	o := &d.out
	*o = output{enc: out, sc: newScrubber(d.in.secrets())}
	if err := o.begin("", ""); err != nil {
		return err
	}
	err := d.guardedRun()
	if o.closeTo(1) != nil {
		return o.err
	}
	msg := d.note
	if err != nil {
		msg = err.Error()
	}
	if o.err == nil {
		o.err = out.WritePair("retval", strconv.Itoa(int(CodeOf(err))))
	}
	o.pair("errmsg", msg)
	return o.end()
}

var dispatchPool = sync.Pool{New: func() any { return new(dispatch) }}

// dispatch is one run of Dispatch.
type dispatch struct {
	ctx context.Context
	c   Connector
	in  input
	out output

	op         Operation
	customName string
	prepared   prepared
	// note is the "errmsg" of an operation that succeeded with something
	// to say (a create whose usergroups failed).
	note string
}

// prepared is what a handler's check derived from the input.
type prepared struct {
	ins    Instructions
	rt     ResourceType
	custom CustomOperation
}

// handler runs one operation: check validates the input before anything
// is called on the connector, run runs it.
type handler struct {
	need  []inputKey
	check func(d *dispatch) error
	run   func(d *dispatch) error
}

// guardedRun is run, with a connector's panic (a nil iterator, an
// iterator that goes on after yield said stop, …) turned into
// ACImplementerFailure, so that the agent still answers. The panic's value
// is left out of the message (it may hold anything, secrets included);
// its type is named.
func (d *dispatch) guardedRun() (err error) {
	defer func() {
		if r := recover(); r != nil {
			// The value's type helps the implementer; the value itself
			// may hold anything.
			err = WithCode(CodeImplementerFailure, fmt.Errorf("bsafe: %s: the connector panicked (a %T)", cmp.Or(d.op, "dispatch"), r))
		}
	}()
	if d.c == nil {
		return WithCode(CodeImplementerFailure, errors.New("bsafe: Dispatch was given a nil Connector"))
	}
	return d.run()
}

func (d *dispatch) run() error {
	op, customName, err := d.in.resolveOperation()
	if err != nil {
		return err
	}
	if !supports(d.c, op) {
		return fmt.Errorf("%w: %s", ErrNotSupported, op)
	}
	if d.in.bad != nil {
		return d.in.bad
	}
	d.op, d.customName = op, customName
	h := handlers[op]
	if err := d.in.require(h.need...); err != nil {
		return err
	}
	if h.check != nil {
		if err := h.check(d); err != nil {
			return err
		}
	}
	if d.in.timeout > 0 {
		var cancel context.CancelFunc
		d.ctx, cancel = context.WithTimeout(d.ctx, d.in.timeout)
		defer cancel()
	}
	if tc, ok := d.c.(TargetConnector); ok {
		conn, err := tc.Connect(d.ctx, d.in.target)
		if err != nil {
			return err
		}
		if conn == nil {
			return WithCode(CodeImplementerFailure, errors.New("bsafe: Connect returned no connector and no error"))
		}
		// The operation runs on the connector bound to this target, which
		// must run it too, by its own declarations (custom operations).
		d.c = conn
		if !supports(d.c, op) {
			return fmt.Errorf("%w: %s (by the connector Connect returned)", ErrNotSupported, op)
		}
		if op == OpCustom { // the only check that reads the connector
			if err := h.check(d); err != nil {
				return err
			}
		}
	}
	return h.run(d)
}

// supports reports whether c runs op, by the table Supported reads, so
// that the two never disagree.
func supports(c Connector, op Operation) bool {
	for _, cp := range capabilities {
		if cp.op == op {
			return cp.has(c)
		}
	}
	return false
}

// errNoRows is a listing that yielded nothing, which the protocol counts
// as a failure.
func errNoRows(op Operation) error {
	return fmt.Errorf("bsafe: %s returned no rows", op)
}

// errRow is a row that breaks the listing contract.
func errRow(op Operation, row int, what string) error {
	return fmt.Errorf("bsafe: %s: row %d %s", op, row, what)
}

// checkAccount enforces the leading columns of an account row.
func checkAccount(op Operation, row int, a *Account) error {
	switch {
	case a.LongID == "":
		return errRow(op, row, "has an empty LONGID")
	case a.ShortID == "":
		return errRow(op, row, "has an empty SHORTID")
	}
	return nil
}

// templateError maps a CheckTemplate failure to ACInvalidModelUser unless
// it says something more specific.
func templateError(err error) error {
	switch CodeOf(err) {
	case CodeUnknownError, CodeInvalidUser:
		return WithCode(CodeInvalidModelUser, err)
	}
	return err
}

// isWrongPassword reports whether err is a wrong password.
func isWrongPassword(err error) bool { return CodeOf(err) == CodeVerifyFailed }

// verifyResult writes the result of verify or adminverify.
func (d *dispatch) verifyResult(ok bool, err error) error {
	switch {
	case err != nil && isWrongPassword(err):
		d.out.flag("result", false)
		return err
	case err != nil:
		return err
	}
	d.out.flag("result", ok)
	if !ok {
		return ErrVerifyFailed
	}
	return nil
}

// boolResult writes the result of an is* operation.
func (d *dispatch) boolResult(ok bool, err error) error {
	if err != nil {
		return err
	}
	return d.out.flag("result", ok)
}

// serverInfoFirst runs the ServerInfo every listing depends on.
func (d *dispatch) serverInfoFirst() error {
	if _, err := d.c.ServerInfo(d.ctx); err != nil {
		return fmt.Errorf("bsafe: %s: serverinfo failed, and a listing needs it: %w", d.op, err)
	}
	return nil
}

// checkUserFirst runs CheckUser when the connector has it.
func (d *dispatch) checkUserFirst() error {
	if uc, ok := d.c.(UserChecker); ok {
		if _, err := uc.CheckUser(d.ctx, d.in.acct); err != nil {
			return err
		}
	}
	return nil
}

// filled returns a, the answer of a write, with an empty long or short
// ID taken from the input: the write happened, and must not be reported
// as failed because its answer was thin.
func (d *dispatch) filled(a Account) Account {
	a.LongID = cmp.Or(a.LongID, d.in.acct.ID)
	a.ShortID = cmp.Or(a.ShortID, d.in.acct.ShortID)
	return a
}

// writtenAccount writes the ids and the account of create and update.
func (d *dispatch) writtenAccount(a *Account) error {
	d.out.ids(a.StableID, a.LongID, a.ShortID)
	return d.out.account(a)
}
