package attrs

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
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
	msg := "attrs: validating attribute " + e.Attribute + ": "
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
//     invalid".
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
//     as actual values. The parent value is the parent's values in
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
// parent's actual form (the parent's [Definition.ActualValue]), so that a
// profile holding a parent value as typed ("us" for "US") finds the
// child's values for it. Attributes of profile that s does not define are
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

// validation collects the outcome of one Validate call.
type validation struct {
	d          *Definition
	violations []*Violation
	ops        []error
}

func (c *validation) violate(rule Rule, index int, reason string, cause error) {
	c.violations = append(c.violations, &Violation{Attribute: c.d.ID, Rule: rule, Index: index, Reason: reason, Err: cause})
}

func (c *validation) fail(op string, cause error) {
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
	c := &validation{d: d}
	if !d.Type.Valid() {
		c.fail(OpDefinition, errors.New("the type "+d.Type.String()+" is not valid"))
		return c.err()
	}
	count := 0
	for _, v := range values {
		if v != "" {
			count++
		}
	}
	c.checkCount(count)
	c.checkTotalLength(values)

	// Everything compiled or looked up once per call, before the values.
	mask, regex := c.compile()
	allowed, restrictedOK := c.allowed(ctx, env, parents, count)
	seen := make(map[string]int)
	userLookupOK, linkLookupOK := true, true

	for i, v := range values {
		if v == "" {
			continue
		}
		c.checkValueLength(i, v)
		c.checkType(i, v)
		if mask != nil && !mask.Match(v) {
			c.violate(RuleFormat, i, "", nil)
		}
		if regex != nil && !matchesWhole(regex, v) {
			c.violate(RuleRegexp, i, "", nil)
		}
		if restrictedOK && allowed != nil {
			if _, ok := allowed[d.ActualValue(v)]; !ok {
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
	return c.err()
}

// checkCount applies MinValues and MaxValues.
func (c *validation) checkCount(count int) {
	d := c.d
	if count < d.MinValues {
		reason := "has " + plural(count, "value") + ", fewer than the minimum " + strconv.Itoa(d.MinValues)
		if count == 0 {
			reason = "is required and has no value"
		}
		c.violate(RuleMinValues, -1, reason, nil)
	}
	switch {
	case d.MaxValues == Unlimited:
	case d.MaxValues <= 0:
		c.fail(OpDefinition, errors.New("MaxValues "+strconv.Itoa(d.MaxValues)+" is neither a positive number nor -1 (unlimited)"))
	case count > d.MaxValues:
		c.violate(RuleMaxValues, -1, "has "+plural(count, "value")+", more than the maximum "+strconv.Itoa(d.MaxValues), nil)
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
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
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
		layouts := []string{dateTimeSecondsLayout, dateTimeLayout}
		want := "a date and time (YYYY-MM-DD hh:mm or YYYY-MM-DD hh:mm:ss)"
		if c.d.DisplayType == DisplayDateCalendar || c.d.DisplayType == DisplayDateYMD {
			layouts = []string{dateLayout}
			want = "a date (YYYY-MM-DD)"
		}
		for _, layout := range layouts {
			// The round trip refuses what time.Parse tolerates: one-digit
			// hours and fractional seconds.
			if t, err := time.Parse(layout, v); err == nil && t.Format(layout) == v {
				return
			}
		}
		c.violate(RuleDateTime, i, "is not "+want, nil)
	}
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

// compile parses Format and compiles Regexp, reporting an unusable one
// as an OpError.
func (c *validation) compile() (*Mask, *regexp.Regexp) {
	var mask *Mask
	if c.d.Format != "" {
		m, err := ParseMask(c.d.Format)
		if err != nil {
			c.fail(OpDefinition, err)
		} else {
			mask = &m
		}
	}
	var regex *regexp.Regexp
	if c.d.Regexp != "" {
		re, err := regexp.Compile(c.d.Regexp)
		if err != nil {
			c.fail(OpDefinition, fmt.Errorf("the regular expression does not compile: %w", err))
		} else {
			// Leftmost-longest finds a match of the whole value whenever
			// one exists; wrapping the expression in \A(?:…)\z instead
			// would break on one that ends inside \Q without \E.
			re.Longest()
			regex = re
		}
	}
	return mask, regex
}

// matchesWhole reports whether re, set to leftmost-longest, matches all
// of v.
func matchesWhole(re *regexp.Regexp, v string) bool {
	loc := re.FindStringIndex(v)
	return loc != nil && loc[0] == 0 && loc[1] == len(v)
}

// allowed returns the actual values the restricted-value rule allows, nil
// when the attribute has no restricted values, and ok == false when they
// could not be had (then the rule is not checked).
func (c *validation) allowed(ctx context.Context, env Env, parents []string, count int) (set map[string]struct{}, ok bool) {
	d := c.d
	if !d.HasRestricted() || count == 0 {
		return nil, true
	}
	set = make(map[string]struct{})
	if d.Plugin != "" {
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
				set[d.ActualValue(v)] = struct{}{}
			}
		}
		return set, true
	}
	for _, p := range parents {
		for _, r := range d.RestrictedFor(p) {
			set[d.ActualValue(r.Actual)] = struct{}{}
		}
	}
	return set, true
}

// checkDuplicate applies AllowDuplicates; seen maps the comparison key of
// each earlier value to its index.
func (c *validation) checkDuplicate(seen map[string]int, i int, v string) {
	d := c.d
	if d.AllowDuplicates || d.MaxValues == 1 {
		return
	}
	var key string
	switch d.Type {
	case Integer:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			key = strconv.FormatInt(n, 10)
		} else {
			key = d.ActualValue(v) // not a number: RuleInteger reports it
		}
	case String:
		key = v
		if d.HasRestricted() {
			key = d.ActualValue(v)
		}
	case User:
		key = foldKey(v)
	default:
		return
	}
	if first, ok := seen[key]; ok {
		c.violate(RuleDuplicates, i, "repeats value ["+strconv.Itoa(first)+"]", nil)
		return
	}
	seen[key] = i
}

// foldKey returns a key equal for two strings exactly when
// strings.EqualFold says they are equal: each rune replaced by the
// smallest rune of its simple case-folding orbit.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		lowest := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			lowest = min(lowest, f)
		}
		b.WriteRune(lowest)
	}
	return b.String()
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

// plural returns "1 value" or "3 values".
func plural(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
