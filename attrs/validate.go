package attrs

import (
	"context"
	"errors"
	"regexp"
	"regexp/syntax"
	"strconv"
	"time"
	"unicode/utf8"
)

// Env is what [Validate] needs besides the definition and the values: the
// other attributes, and the caller's lookups for the rules that cannot be
// decided from the definition alone. A nil lookup is fine as long as no
// definition needs it.
type Env struct {
	// Values are the other attributes of the profile or request. A child
	// attribute's parent value is read here, in the parent's actual form
	// (as stored; see [Definition.ActualValue]). [Schema.Validate] sets
	// it to the profile and converts parent values itself.
	Values Values
	// RestrictedValues returns the restricted values a plugin offers for
	// d when its parent has the value parentValue ("" for no parent or no
	// parent value). Package attrs/restricted supplies one. Validate calls
	// it for attributes with a Plugin; an error is an operational
	// failure, not a violation.
	RestrictedValues func(ctx context.Context, d *Definition, parentValue string) ([]string, error)
	// UserExists reports whether profileID is the profile ID of an
	// existing user, for attributes with ValidateUser. An error is an
	// operational failure, not a violation.
	UserExists func(ctx context.Context, profileID string) (bool, error)
	// CheckLink checks a link, for attributes with ValidateLink. A
	// non-nil error refuses the link: it becomes a [RuleLink] violation
	// with Err set (its text stays out of the violation's message).
	CheckLink func(ctx context.Context, link string) error
}

// ErrNoLookup is wrapped by the [OpError] of a definition that needs a
// lookup of [Env] that is nil.
var ErrNoLookup = errors.New("attrs: the lookup is not set in Env")

// The Op values of [OpError].
const (
	OpDefinition       = "definition"       // the definition cannot be used as it is
	OpRestrictedValues = "RestrictedValues" // Env.RestrictedValues failed or is nil
	OpUserExists       = "UserExists"       // Env.UserExists failed or is nil
	OpCheckLink        = "CheckLink"        // Env.CheckLink is nil, or ctx ended while it ran
)

// OpError is an operational failure of [Validate]: the values could not
// be checked against some rule, because the definition is unusable (a
// regular expression that does not compile, say) or a lookup of [Env]
// failed or is missing. It is not a verdict on the values; the rules
// that could be checked are reported beside it.
//
// Error includes the cause's text: an operator needs it to fix the
// lookup or the definition. The lookups receive identifiers (profile IDs,
// parent values), and their errors are the caller's own text; a lookup
// should not quote secrets in its errors.
type OpError struct {
	// Attribute is the ID of the attribute being validated.
	Attribute string
	// Op is what failed: one of OpDefinition, OpRestrictedValues,
	// OpUserExists, OpCheckLink.
	Op string
	// Err is the cause.
	Err error
}

// Error returns the attribute, the operation and the cause.
func (e *OpError) Error() string {
	msg := "attrs: " + attributeLabel(e.Attribute) + ": "
	if e.Op == OpDefinition {
		msg += "unusable definition"
	} else {
		msg += e.Op + " failed"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns Err.
func (e *OpError) Unwrap() error { return e.Err }

// The layouts of Date/time values. Seed 003 names the display types
// ("Date/time", "Date only (calendar)", "Date only (YYYY-MM-DD)") but not
// the forms values take; bsafe takes the form of the seed's example vCard
// ("BDAY:1987-07-23 06:00:00"), with or without seconds, and the date
// alone for the two date-only display types.
const (
	dateTimeSecondsLayout = "2006-01-02 15:04:05"
	dateTimeLayout        = "2006-01-02 15:04"
	dateLayout            = "2006-01-02"
)

// Validate checks values, the values of the attribute that d defines,
// against every rule that d's settings and type make: seed 003's "Test"
// tab (the format requirement, the regular expression, the plugin's and
// the static restricted values) and the settings of its table (the
// numbers of values, the field length, duplicates, user and link
// validation), and the type's own form (Integer, Boolean, Date/time).
//
// It returns nil when the values pass; a *[ValidationError] with every
// violation when they do not; and when some rule could not be checked,
// errors.Join of that *ValidationError (if any) and an *[OpError] naming
// the attribute and wrapping the cause. errors.Is(err, attrs.RuleFormat)
// and the like tell which rules broke. No error contains a value.
//
// Blank values ("") are not values: they are the empty fields of a form.
// They count toward no number and break no rule; Index still counts them,
// so that it points at the field. Nothing is trimmed: " 5" is not an
// integer.
//
// The rules, with where seed 003 leaves a choice:
//
//   - RuleMinValues, RuleMaxValues: the number of values against MinValues
//     and MaxValues ([Unlimited] allows any number). A MaxValues of 0 or
//     below -1 is unusable (an OpError), as the seed says "A value of 0 is
//     invalid". Boolean, Date/time, Memo and Password attributes allow one
//     value whatever MaxValues says: "The boolean, date/time, memo, and
//     password attribute types can only have one value".
//   - RuleLength: MaxLength counts characters (Unicode code points), per
//     value for an attribute with restricted values and all values
//     together for one without, per the seed's "Maximum length" table.
//   - RuleDuplicates: only for String, Integer and User, the types with
//     "Allow duplicate values", and only when more than one value is
//     allowed ("This does not apply to single-valued attributes").
//     Restricted values compare as actual values ([Definition.ActualValue]),
//     other strings exactly, integers by number ("7", "+7" and "007" are
//     one), and profile IDs without regard to case, as seed 004 says
//     profile names are used.
//   - RuleInteger: an optional sign and decimal digits, within int64.
//   - RuleBoolean: what [Definition.ParseBool] accepts. The NoneText is
//     the display of no value, so it is not a value: send "" instead.
//   - RuleDateTime: "2006-01-02 15:04:05" or "2006-01-02 15:04" for the
//     display types Date/time and the default, "2006-01-02" for the two
//     date-only ones; a real date, two-digit fields, nothing else.
//   - RuleFormat: every value matches the mask (see [ParseMask]).
//   - RuleRegexp: every value matches the regular expression as a whole
//     (a match of part of the value is not enough).
//   - RuleRestricted: with a Plugin, the allowed values are what
//     env.RestrictedValues returns, and static values count only when it
//     returns them (the seed: they "are only displayed if their actual
//     value is returned by the plugin"); without one, the static values
//     for the parent value ([Definition.RestrictedFor]). Values compare
//     as for duplicates (integers by number, "07" is "7"; strings as
//     actual values). The parent value is the parent's values in
//     env.Values; when the parent holds several, a value offered under
//     any of them is allowed (the seed does not say; the union is what a
//     form showing all of them would offer). No parent value is the
//     empty parent value "".
//   - RuleUser: env.UserExists must say yes to each value.
//   - RuleLink: env.CheckLink must accept each value. If ctx ends while
//     it runs, that is an OpError, not a refused link.
//
// Each setting is applied when it is set; Validate does not check that
// the type allows it ([Definition.Check] does). Regular expressions and
// masks are compiled on each call, which costs microseconds; cache the
// result of Validate, not the definition, if that matters.
func Validate(ctx context.Context, d *Definition, values []string, env Env) error {
	if d == nil {
		return &OpError{Op: OpDefinition, Err: errors.New("nil definition")}
	}
	return validate(ctx, d, values, env, parentValues(env.Values, d.Parent, nil))
}

// Validate validates every definition of s against its values in profile
// (see [Validate]), with env.Values set to profile, and returns all the
// errors joined (errors.Join), or nil. Parent values are converted to the
// parent's actual form (the parent's [Definition.ActualValue]; an Integer
// parent's to its plain decimal number), so that a profile holding a
// parent value as typed ("us" for "US", "07" for "7") finds the child's
// values for it. Attributes of profile that s does not define are
// not checked, and nil definitions are skipped: [Schema.Check] reports
// them.
func (s Schema) Validate(ctx context.Context, profile Values, env Env) error {
	env.Values = profile
	var errs []error
	for _, d := range s {
		if d == nil {
			continue
		}
		var parent *Definition
		if d.Parent != "" {
			parent = s.Lookup(d.Parent)
		}
		values, _ := profile.Lookup(d.ID)
		if err := validate(ctx, d, values, env, parentValues(profile, d.Parent, parent)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// validation collects the outcome of one run of the value rules. The same
// rules serve [Validate] and [Definition.Check] (which runs them on the
// definition's own defaults and restricted values, in static mode), so
// that a value the one refuses the other refuses too.
type validation struct {
	d *Definition
	// static is Check's mode: no lookups of Env (plugin, users, links),
	// no MinValues (defaults need not fill a required attribute), and an
	// unusable definition is not reported (Check reports it itself).
	static bool
	// name says how a reason refers to the value at index i: "value [i]"
	// for Validate, "default 2" for Check.
	name func(i int) string

	mask  *Mask
	regex *regexp.Regexp

	violations []*Violation
	ops        []error
}

// newValidation prepares the value rules of d: Format and Regexp are
// parsed once, here, and an unusable one is an OpError.
func newValidation(d *Definition, static bool, name func(int) string) *validation {
	c := &validation{d: d, static: static, name: name}
	if c.name == nil {
		c.name = valueName
	}
	var maskErr, regexErr error
	c.mask, maskErr, c.regex, regexErr = d.compileInput()
	for _, err := range []error{maskErr, regexErr} {
		if err != nil {
			c.fail(OpDefinition, err)
		}
	}
	return c
}

// valueName is how Validate names a value: by its 0-based index.
func valueName(i int) string { return "value [" + strconv.Itoa(i) + "]" }

func (c *validation) violate(rule Rule, index int, reason string, cause error) {
	c.violations = append(c.violations, &Violation{Attribute: c.d.ID, Rule: rule, Index: index, Reason: reason, Err: cause})
}

func (c *validation) fail(op string, cause error) {
	if c.static {
		return
	}
	c.ops = append(c.ops, &OpError{Attribute: c.d.ID, Op: op, Err: cause})
}

func (c *validation) err() error {
	var verr error
	if len(c.violations) > 0 {
		verr = &ValidationError{Attribute: c.d.ID, Violations: c.violations}
	}
	if len(c.ops) == 0 {
		return verr
	}
	return errors.Join(append([]error{verr}, c.ops...)...)
}

func validate(ctx context.Context, d *Definition, values []string, env Env, parents []string) error {
	if !d.Type.Valid() {
		c := &validation{d: d}
		c.fail(OpDefinition, errors.New("the type "+d.Type.String()+" is not valid"))
		return c.err()
	}
	c := newValidation(d, false, nil)
	c.run(ctx, env, values, parents)
	return c.err()
}

// run applies every rule to values. parents are the parent attribute's
// values (see parentValues).
func (c *validation) run(ctx context.Context, env Env, values []string, parents []string) {
	d := c.d
	count := 0
	for _, v := range values {
		if v != "" {
			count++
		}
	}
	c.checkCount(count)
	c.checkTotalLength(values)

	// Looked up once per call, before the values.
	allowed, restrictedOK := c.allowed(ctx, env, parents, count)
	seen := make(map[string]int)
	userLookupOK, linkLookupOK := !c.static, !c.static

	for i, v := range values {
		if v == "" {
			continue
		}
		c.valueRules(i, v)
		if restrictedOK && allowed != nil {
			if k, _ := d.compareKey(v); !allowed[k] {
				c.violate(RuleRestricted, i, "", nil)
			}
		}
		c.checkDuplicate(seen, i, v)
		if d.ValidateUser && userLookupOK {
			userLookupOK = c.checkUser(ctx, env, i, v)
		}
		if d.ValidateLink && linkLookupOK {
			linkLookupOK = c.checkLink(ctx, env, i, v)
		}
	}
}

// valueRules applies the rules that one value meets or breaks on its
// own, whatever the others: the field length of a value with restricted
// values, the type's form, Format and Regexp.
func (c *validation) valueRules(i int, v string) {
	c.checkValueLength(i, v)
	c.checkType(i, v)
	if c.mask != nil && !c.mask.Match(v) {
		c.violate(RuleFormat, i, "", nil)
	}
	if c.regex != nil && !matchesWhole(c.regex, v) {
		c.violate(RuleRegexp, i, "", nil)
	}
}

// maxValues is the number of values d allows: MaxValues, or 1 for the
// single-valued types whatever MaxValues says (seed 003: "The boolean,
// date/time, memo, and password attribute types can only have one
// value"). It may be [Unlimited], or 0 or below -1 for an unusable
// MaxValues.
func (d *Definition) maxValues() int {
	if !d.Type.MultiValued() {
		return 1
	}
	return d.MaxValues
}

// checkCount applies MinValues and MaxValues.
func (c *validation) checkCount(count int) {
	d := c.d
	if count < d.MinValues && !c.static {
		reason := "has " + plural(count, "value") + ", fewer than the minimum " + strconv.Itoa(d.MinValues)
		if count == 0 {
			reason = "is required and has no value"
		}
		c.violate(RuleMinValues, -1, reason, nil)
	}
	switch limit := d.maxValues(); {
	case limit == Unlimited:
	case limit <= 0:
		c.fail(OpDefinition, errors.New("MaxValues "+strconv.Itoa(d.MaxValues)+" is neither a positive number nor -1 (unlimited)"))
	case count > limit:
		c.violate(RuleMaxValues, -1, "has "+plural(count, "value")+", more than the maximum "+strconv.Itoa(limit), nil)
	}
}

// checkTotalLength applies MaxLength to all values together, for an
// attribute without restricted values.
func (c *validation) checkTotalLength(values []string) {
	if c.d.MaxLength <= 0 || c.d.HasRestricted() {
		return
	}
	total := 0
	for _, v := range values {
		total += utf8.RuneCountInString(v)
	}
	if total > c.d.MaxLength {
		c.violate(RuleLength, -1, "has "+plural(total, "character")+" in all, more than the maximum "+strconv.Itoa(c.d.MaxLength), nil)
	}
}

// checkValueLength applies MaxLength to one value, for an attribute with
// restricted values.
func (c *validation) checkValueLength(i int, v string) {
	if c.d.MaxLength <= 0 || !c.d.HasRestricted() {
		return
	}
	if n := utf8.RuneCountInString(v); n > c.d.MaxLength {
		c.violate(RuleLength, i, "has "+plural(n, "character")+", more than the maximum "+strconv.Itoa(c.d.MaxLength), nil)
	}
}

// checkType applies the form of Integer, Boolean and Date/time values.
func (c *validation) checkType(i int, v string) {
	switch c.d.Type {
	case Integer:
		if _, err := parseInteger(v); err != nil {
			// The strconv error quotes the value: keep it out.
			reason := "is not a decimal integer"
			if errors.Is(err, strconv.ErrRange) {
				reason = "is out of the range of a 64-bit integer"
			}
			c.violate(RuleInteger, i, reason, nil)
		}
	case Boolean:
		if _, ok := c.d.ParseBool(v); !ok {
			c.violate(RuleBoolean, i, "is not "+boolChoices(c.d), nil)
		}
	case DateTime:
		dateOnly := c.d.DisplayType == DisplayDateCalendar || c.d.DisplayType == DisplayDateYMD
		if _, ok := parseDateTime(v, dateOnly); ok {
			return
		}
		want := "a date and time (YYYY-MM-DD hh:mm or YYYY-MM-DD hh:mm:ss)"
		if dateOnly {
			want = "a date (YYYY-MM-DD)"
		}
		c.violate(RuleDateTime, i, "is not "+want, nil)
	}
}

// parseDateTime reads a value of a Date/time attribute: with dateOnly, a
// date "2006-01-02"; otherwise a date and time "2006-01-02 15:04:05" or
// "2006-01-02 15:04". A real date, two-digit fields, nothing else: the
// round trip refuses what time.Parse tolerates (one-digit hours,
// fractional seconds).
func parseDateTime(v string, dateOnly bool) (time.Time, bool) {
	layouts := []string{dateTimeSecondsLayout, dateTimeLayout}
	if dateOnly {
		layouts = []string{dateLayout}
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, v); err == nil && t.Format(layout) == v {
			return t, true
		}
	}
	return time.Time{}, false
}

// boolChoices names the accepted Boolean values for a reason: the
// display texts are configuration, not values.
func boolChoices(d *Definition) string {
	s := "true, false, 1 or 0"
	if d.TrueText != "" || d.FalseText != "" {
		s = "true, false, 1, 0 or a display text"
	}
	return s
}

// ErrRegexp is matched (with [errors.Is]) by the error of a Regexp that
// does not compile, within an [OpError] of [Validate]. Its text gives the
// kind of fault only (such as "missing closing )"), never a piece of the
// expression: regexp's own errors quote it, and a definition's settings
// stay out of messages like its values.
var ErrRegexp = errors.New("attrs: invalid regular expression")

type regexpError struct{ code syntax.ErrorCode }

func (e *regexpError) Error() string {
	msg := "attrs: the regular expression does not compile"
	if e.code != "" {
		msg += ": " + string(e.code)
	}
	return msg
}

func (e *regexpError) Is(target error) bool { return target == ErrRegexp }

// compileInput parses Format and compiles Regexp, as Validate and Check
// both need them: nil and nil for a setting that is empty, nil and an
// error matching [ErrMask] or [ErrRegexp] for one that is unusable.
func (d *Definition) compileInput() (mask *Mask, maskErr error, regex *regexp.Regexp, regexErr error) {
	if d.Format != "" {
		m, err := ParseMask(d.Format)
		if err != nil {
			maskErr = err
		} else {
			mask = &m
		}
	}
	if d.Regexp != "" {
		re, err := regexp.Compile(d.Regexp)
		if err != nil {
			var se *syntax.Error
			code := syntax.ErrorCode("")
			if errors.As(err, &se) {
				code = se.Code
			}
			regexErr = &regexpError{code}
		} else {
			// Leftmost-longest finds a match of the whole value whenever
			// one exists; wrapping the expression in \A(?:…)\z instead
			// would break on one that ends inside \Q without \E.
			re.Longest()
			regex = re
		}
	}
	return mask, maskErr, regex, regexErr
}

// matchesWhole reports whether re, set to leftmost-longest, matches all
// of v.
func matchesWhole(re *regexp.Regexp, v string) bool {
	loc := re.FindStringIndex(v)
	return loc != nil && loc[0] == 0 && loc[1] == len(v)
}

// allowed returns the keys ([Definition.compareKey]) of the values the
// restricted-value rule allows, nil when the attribute has no restricted
// values (or, in static mode, a plugin), and ok == false when they could
// not be had (then the rule is not checked).
func (c *validation) allowed(ctx context.Context, env Env, parents []string, count int) (set map[string]bool, ok bool) {
	d := c.d
	if !d.HasRestricted() || count == 0 {
		return nil, true
	}
	set = make(map[string]bool)
	if d.Plugin != "" {
		if c.static {
			// The plugin decides at run time what is offered.
			return nil, true
		}
		if env.RestrictedValues == nil {
			c.fail(OpRestrictedValues, ErrNoLookup)
			return nil, false
		}
		for _, p := range parents {
			vals, err := env.RestrictedValues(ctx, d, p)
			if err != nil {
				c.fail(OpRestrictedValues, err)
				return nil, false
			}
			for _, v := range vals {
				k, _ := d.compareKey(v)
				set[k] = true
			}
		}
		return set, true
	}
	for _, p := range parents {
		for _, r := range d.RestrictedFor(p) {
			k, _ := d.compareKey(r.Actual)
			set[k] = true
		}
	}
	return set, true
}

// checkDuplicate applies AllowDuplicates; seen maps the comparison key of
// each earlier value to its index.
func (c *validation) checkDuplicate(seen map[string]int, i int, v string) {
	d := c.d
	if d.AllowDuplicates || d.maxValues() == 1 || !SettingAllowDuplicates.AllowedFor(d.Type) {
		return
	}
	key, _ := d.compareKey(v)
	if first, ok := seen[key]; ok {
		c.violate(RuleDuplicates, i, "repeats "+c.name(first), nil)
		return
	}
	seen[key] = i
}

// checkUser applies ValidateUser to one value. It returns false when the
// lookup failed, so that the others are not asked in vain.
func (c *validation) checkUser(ctx context.Context, env Env, i int, v string) bool {
	if env.UserExists == nil {
		c.fail(OpUserExists, ErrNoLookup)
		return false
	}
	exists, err := env.UserExists(ctx, v)
	if err != nil {
		c.fail(OpUserExists, err)
		return false
	}
	if !exists {
		c.violate(RuleUser, i, "", nil)
	}
	return true
}

// checkLink applies ValidateLink to one value. It returns false when the
// checker is missing or ctx has ended.
func (c *validation) checkLink(ctx context.Context, env Env, i int, v string) bool {
	if env.CheckLink == nil {
		c.fail(OpCheckLink, ErrNoLookup)
		return false
	}
	err := env.CheckLink(ctx, v)
	if err == nil {
		return true
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The link was not refused; the check was cut short.
		c.fail(OpCheckLink, ctxErr)
		return false
	}
	c.violate(RuleLink, i, "", err)
	return true
}
