package bsafe

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// inputKey is a documented top-level pair of the agent input that holds
// one value. Each may be given once: two "acctid"s (or "sysid" and
// "sysID") are ambiguous, and ErrBadInput.
type inputKey uint8

const (
	keyOperation inputKey = iota
	keyAddress
	keyAdminID
	keyAdminPW
	keySysID
	keySysPW
	keyHostID
	keyAcctID
	keyShortID
	keyUserID
	keyFullName
	keyOldPW
	keyNewPW
	keyModelUID
	keyGroupID
	keyGroupName
	keyCustomOp
	keyCustomFile
	keyResourceType
	keyResourceURI
	keyTimeout
	keyListAttributes // a pair or a group
	keyAttributes     // a group (or an empty pair)
	keyAddressComps   // a group
	numInputKeys
)

// inputKeys maps the spellings of the agent input to its keys: the
// documented ones, and "sysID" and "syspassword", the PSLang constants'
// spellings of the second credential.
var inputKeys = map[string]inputKey{
	"operation":      keyOperation,
	"address":        keyAddress,
	"adminid":        keyAdminID,
	"adminpw":        keyAdminPW,
	"sysid":          keySysID,
	"sysID":          keySysID,
	"syspw":          keySysPW,
	"syspassword":    keySysPW,
	"hostid":         keyHostID,
	"acctid":         keyAcctID,
	"shortid":        keyShortID,
	"userid":         keyUserID,
	"fullname":       keyFullName,
	"oldpw":          keyOldPW,
	"newpw":          keyNewPW,
	"modeluid":       keyModelUID,
	"groupid":        keyGroupID,
	"groupname":      keyGroupName,
	"customop":       keyCustomOp,
	"customfilename": keyCustomFile,
	"k_resourceType": keyResourceType,
	"k_resourceURI":  keyResourceURI,
	"timeout":        keyTimeout,
	"listattributes": keyListAttributes,
	"attributes":     keyAttributes,

	"addresscomponents": keyAddressComps,
}

// input is the agent input, read once into typed fields.
type input struct {
	vals [numInputKeys]string
	seen [numInputKeys]bool

	target     Target
	acct       AccountRef
	listAttrs  []string
	attributes *kvgroup.Group // parsed per operation: update allows fewer actions
	timeout    time.Duration  // 0: none
	root       *kvgroup.Group

	secretBuf [6]string // backs secrets, which are rarely more

	// bad is the first problem found in the input. It is reported only
	// once the operation is known to be supported, so that an unknown
	// operation is code 2 whatever else is wrong.
	bad error
}

// badInput returns an ErrBadInput error; the message names keys and
// attributes, never the values.
func badInput(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadInput, fmt.Sprintf(format, args...))
}

func (in *input) fail(err error) {
	if in.bad == nil {
		in.bad = err
	}
}

// read reads the agent input g (nil reads as empty) into in.
func (in *input) read(g *kvgroup.Group) {
	if g == nil {
		return
	}
	in.root = g
	for i := range g.Items {
		it := &g.Items[i]
		if it.Group != nil {
			in.readGroup(it.Group)
			continue
		}
		if it.ValueOnly {
			continue // a bare string at the top level means nothing to the protocol
		}
		k, ok := inputKeys[it.Key]
		if !ok {
			continue // see extra
		}
		switch k {
		case keyAddressComps:
			in.fail(badInput("%q must be a group of address options, not a pair", it.Key))
		case keyAttributes:
			if it.Value != "" {
				in.fail(badInput("%q must be a group of attribute instructions, not a pair", it.Key))
			}
			in.once(k, it.Key, "")
		case keyListAttributes:
			if in.once(k, it.Key, "") && it.Value != "" {
				in.listAttrs = append(in.listAttrs, it.Value)
			}
		default:
			in.once(k, it.Key, it.Value)
		}
	}
	in.target = Target{
		Address:       in.vals[keyAddress],
		Options:       in.target.Options,
		AdminID:       in.vals[keyAdminID],
		AdminPassword: in.vals[keyAdminPW],
		SysID:         in.vals[keySysID],
		SysPassword:   in.vals[keySysPW],
		TargetID:      in.vals[keyHostID],
	}
	in.acct = AccountRef{ID: in.vals[keyAcctID], ShortID: in.vals[keyShortID], FullName: in.vals[keyFullName], UserID: in.vals[keyUserID]}
	if in.seen[keyTimeout] {
		d, err := parseTimeout(in.vals[keyTimeout])
		if err != nil {
			in.fail(err)
		}
		in.timeout = d
	}
}

// extra returns the top-level pairs of the input that are not documented
// keys, for a custom operation; a repeated key is multi-valued.
func (in *input) extra() attrs.Values {
	var v attrs.Values
	if in.root == nil {
		return v
	}
	for _, it := range in.root.Items {
		if it.Group != nil || it.ValueOnly {
			continue
		}
		if _, documented := inputKeys[it.Key]; !documented {
			v.Add(it.Key, it.Value)
		}
	}
	return v
}

// once records the value of key k (spelled name) and reports whether it
// is the first; a second is ErrBadInput.
func (in *input) once(k inputKey, name, value string) bool {
	if in.seen[k] {
		in.fail(badInput("%q is given twice", name))
		return false
	}
	in.seen[k], in.vals[k] = true, value
	return true
}

// readGroup reads one top-level group of the input.
func (in *input) readGroup(g *kvgroup.Group) {
	k, ok := inputKeys[g.Key]
	if !ok {
		return // ConnectionCredential, termdebug, …: nothing Dispatch uses
	}
	switch k {
	case keyAddress, keyAddressComps:
		// "address" is a plain string or a group of options; both may
		// come, and then both are used, as is "addresscomponents".
		in.readOptions(g)
	case keyAttributes:
		if in.once(k, g.Key, "") {
			in.attributes = g
		}
	case keyListAttributes:
		if in.once(k, g.Key, "") {
			in.readListAttributes(g)
		}
	default:
		in.fail(badInput("%q must be a pair, not a group", g.Key))
	}
}

// readOptions appends the pairs of an "address" or "addresscomponents"
// group to the target's options, a repeated key being multi-valued.
// Inner groups and bare values are not options and are skipped.
func (in *input) readOptions(g *kvgroup.Group) {
	// One backing array for the values of the options, which are
	// single-valued but for a repeated key (whose Add then copies).
	vals := make([]string, 0, len(g.Items))
	if in.target.Options == nil {
		in.target.Options = make(attrs.Values, 0, len(g.Items))
	}
	for i := range g.Items {
		it := &g.Items[i]
		if it.Group != nil || it.ValueOnly {
			continue
		}
		if in.target.Options.Has(it.Key) {
			in.target.Options.Add(it.Key, it.Value)
			continue
		}
		vals = append(vals, it.Value)
		in.target.Options = append(in.target.Options, attrs.Attr{Name: it.Key, Values: vals[len(vals)-1 : len(vals) : len(vals)]})
	}
}

// readListAttributes reads the "listattributes" group: each value-only
// item, and the value of each pair, names one attribute. Empty names
// are skipped; an inner group is ErrBadInput.
func (in *input) readListAttributes(g *kvgroup.Group) {
	for i := range g.Items {
		it := &g.Items[i]
		if it.Group != nil {
			in.fail(badInput("\"listattributes\" holds a group; it takes attribute names"))
			return
		}
		if it.Value != "" {
			in.listAttrs = append(in.listAttrs, it.Value)
		}
	}
}

// maxTimeoutSeconds is the longest timeout a time.Duration holds.
const maxTimeoutSeconds = math.MaxInt64 / int64(time.Second)

// parseTimeout reads "timeout": whole seconds; -1, 0 and the empty string
// mean none.
func parseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil || n < -1 || n > maxTimeoutSeconds:
		return 0, badInput("\"timeout\" is not a number of seconds (-1 for none)")
	case n <= 0:
		return 0, nil
	}
	return time.Duration(n) * time.Second, nil
}

// require returns ErrBadInput unless each of keys is present with a
// non-empty value.
func (in *input) require(keys ...inputKey) error {
	for _, k := range keys {
		if in.vals[k] == "" {
			return badInput("%q is required", canonicalName(k))
		}
	}
	return nil
}

// canonicalName is the documented spelling of k.
func canonicalName(k inputKey) string {
	for _, name := range []string{"operation", "address", "adminid", "adminpw", "sysid", "syspw", "hostid",
		"acctid", "shortid", "userid", "fullname", "oldpw", "newpw", "modeluid", "groupid", "groupname",
		"customop", "customfilename", "k_resourceType", "k_resourceURI", "timeout", "listattributes", "attributes",
		"addresscomponents"} {
		if inputKeys[name] == k {
			return name
		}
	}
	return "?"
}

// secrets returns the input's secret values, the ones Dispatch scrubs
// from its output: the four passwords, and the address options whose name
// says they hold a secret.
func (in *input) secrets() []string {
	s := append(in.secretBuf[:0], in.vals[keyAdminPW], in.vals[keySysPW], in.vals[keyOldPW], in.vals[keyNewPW])
	for _, o := range in.target.Options {
		if secretOption(o.Name) {
			s = append(s, o.Values...)
		}
	}
	return s
}

// secretOption reports whether an address option's name says it holds a
// secret (a proxy password, an API token, …).
func secretOption(name string) bool {
	for _, w := range secretWords {
		if containsFold(name, w) {
			return true
		}
	}
	return false
}

var secretWords = []string{"password", "passwd", "secret", "token", "pw", "key", "credential"}

// containsFold reports whether s contains the lower-case ASCII word w,
// ASCII case folded (without allocating, as strings.ToLower would).
func containsFold(s, w string) bool {
outer:
	for i := 0; i+len(w) <= len(s); i++ {
		for j := 0; j < len(w); j++ {
			if lowerASCII(s[i+j]) != w[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// instructions reads the "attributes" group. forUpdate allows only the
// actions update knows (VALUE and IGNORE).
//
// The group holds a "DEFAULT-ACTION" pair and one "attribute" "<name>"
// group per attribute, with "SEQUENCE", "GROUP" and "ACTION" pairs and
// the values as repeated "VALUE" pairs, a "VALUE" group of value-only
// items, or both (in order). Key names and actions are read with ASCII
// case folded; an absent ACTION is VALUE; other pairs are ignored, so that
// an input with keys of a later protocol still runs.
func (in *input) instructions(forUpdate bool) (Instructions, error) {
	var out Instructions
	if in.attributes == nil {
		return out, nil
	}
	out.Attrs = make([]Instruction, 0, len(in.attributes.Items))
	// One backing array for the values of all the instructions.
	vals := make([]string, 0, 2*len(in.attributes.Items))
	seenDefault := false
	for i := range in.attributes.Items {
		it := &in.attributes.Items[i]
		switch {
		case it.Group != nil:
			g := it.Group
			if !strings.EqualFold(g.Key, "attribute") {
				return Instructions{}, badInput("\"attributes\" holds a group %q; it takes \"attribute\" groups and DEFAULT-ACTION", g.Key)
			}
			ins, err := readInstruction(g, forUpdate, &vals)
			if err != nil {
				return Instructions{}, err
			}
			if _, dup := out.Lookup(ins.Name); dup {
				return Instructions{}, badInput("attribute %q is given twice", ins.Name)
			}
			out.Attrs = append(out.Attrs, ins)
		case it.ValueOnly:
			return Instructions{}, badInput("\"attributes\" holds a bare value; it takes \"attribute\" groups and DEFAULT-ACTION")
		case strings.EqualFold(it.Key, "DEFAULT-ACTION"):
			if seenDefault {
				return Instructions{}, badInput("DEFAULT-ACTION is given twice")
			}
			seenDefault = true
			a, ok := readAction(it.Value, forUpdate)
			if !ok {
				return Instructions{}, badInput("DEFAULT-ACTION is not %s", actionList(forUpdate))
			}
			out.Default = a
		case strings.EqualFold(it.Key, "attribute"):
			return Instructions{}, badInput("\"attribute\" must be a group \"attribute\" \"<name>\" = { … }, not a pair")
		}
	}
	return out, nil
}

// readInstruction reads one "attribute" "<name>" group, appending its
// values to *vals, of which ins.Values is the (capped) tail.
func readInstruction(g *kvgroup.Group, forUpdate bool, vals *[]string) (Instruction, error) {
	ins := Instruction{Name: g.Name, Action: ActionValue}
	start := len(*vals)
	if ins.Name == "" {
		return Instruction{}, badInput("an \"attribute\" group has an empty name")
	}
	var seenSeq, seenGroup, seenAction bool
	for i := range g.Items {
		it := &g.Items[i]
		switch {
		case it.Group != nil:
			if !strings.EqualFold(it.Group.Key, "VALUE") {
				return Instruction{}, badInput("attribute %q holds a group %q; only VALUE may be a group", ins.Name, it.Group.Key)
			}
			for j := range it.Group.Items {
				v := &it.Group.Items[j]
				if !v.ValueOnly || v.Group != nil {
					return Instruction{}, badInput("attribute %q: a VALUE group holds only bare values", ins.Name)
				}
				*vals = append(*vals, v.Value)
			}
		case it.ValueOnly:
			return Instruction{}, badInput("attribute %q holds a bare value; values go in VALUE", ins.Name)
		case strings.EqualFold(it.Key, "VALUE"):
			*vals = append(*vals, it.Value)
		case strings.EqualFold(it.Key, "ACTION"):
			a, ok := readAction(it.Value, forUpdate)
			switch {
			case seenAction:
				return Instruction{}, badInput("attribute %q: ACTION is given twice", ins.Name)
			case !ok:
				return Instruction{}, badInput("attribute %q: ACTION is not %s", ins.Name, actionList(forUpdate))
			}
			seenAction, ins.Action = true, a
		case strings.EqualFold(it.Key, "SEQUENCE"):
			n, err := strconv.Atoi(strings.TrimSpace(it.Value))
			switch {
			case seenSeq:
				return Instruction{}, badInput("attribute %q: SEQUENCE is given twice", ins.Name)
			case err != nil:
				return Instruction{}, badInput("attribute %q: SEQUENCE is not an integer", ins.Name)
			}
			seenSeq, ins.Sequence = true, n
		case strings.EqualFold(it.Key, "GROUP"):
			n, err := strconv.Atoi(strings.TrimSpace(it.Value))
			switch {
			case seenGroup:
				return Instruction{}, badInput("attribute %q: GROUP is given twice", ins.Name)
			case err != nil:
				return Instruction{}, badInput("attribute %q: GROUP is not an integer", ins.Name)
			}
			seenGroup, ins.Group = true, n
		}
	}
	if n := len(*vals); n > start {
		ins.Values = (*vals)[start:n:n]
	}
	return ins, nil
}

// readAction reads an ACTION or DEFAULT-ACTION value, ASCII case folded.
func readAction(s string, forUpdate bool) (Action, bool) {
	a := Action(strings.ToUpper(strings.TrimSpace(s)))
	if forUpdate {
		return a, a == ActionValue || a == ActionIgnore
	}
	return a, a.Valid()
}

func actionList(forUpdate bool) string {
	if forUpdate {
		return "VALUE or IGNORE (update knows no others)"
	}
	return "VALUE, IGNORE, COPY or REPLACE"
}

// errNoOperation is the input without an "operation".
var errNoOperation = fmt.Errorf("%w: the agent input has no \"operation\"", ErrNotSupported)

// resolveOperation returns the operation the input names and, for
// "custom_<name>", the custom operation's name.
func (in *input) resolveOperation() (Operation, string, error) {
	name := in.vals[keyOperation]
	if name == "" {
		return "", "", errNoOperation
	}
	op := Operation(name)
	if op == isExpiredPW {
		return OpIsPWExpired, "", nil
	}
	if custom, ok := strings.CutPrefix(name, "custom_"); ok && custom != "" {
		if c := in.vals[keyCustomOp]; c != "" && c != custom {
			return "", "", badInput("\"operation\" and \"customop\" name different custom operations")
		}
		return OpCustom, custom, nil
	}
	if _, ok := handlers[op]; !ok {
		return "", "", fmt.Errorf("%w: unknown operation %q", ErrNotSupported, truncate(name, 64))
	}
	return op, in.vals[keyCustomOp], nil
}

// truncate cuts s to at most n bytes, for names quoted in messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
