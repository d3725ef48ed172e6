package passgen

import "strings"

// The character sets, as bw has them.
const (
	Uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	Lowercase = "abcdefghijklmnopqrstuvwxyz"
	Digits    = "0123456789"
	Special   = "!@#$%^&*"
	// Ambiguous is what AvoidAmbiguous leaves out: I, O, l, 0 and 1.
	Ambiguous = "IOl01"
)

// Length bounds and bw's default.
const (
	// MinLength is bw's minimum password length.
	MinLength = 5
	// DefaultLength is bw's default password length.
	DefaultLength = 14
	// MaxLength is this package's bound, against absurd requests; bw
	// (2023.9.1 and 2026.9.0) enforces none on the command line.
	MaxLength = 1024
)

// Options describe a password as bw's generate flags do.
type Options struct {
	// Length is the password's length, MinLength to MaxLength, and at
	// least the number of characters the selected classes require.
	Length int
	// Uppercase, Lowercase, Numbers and Special select the character
	// classes (bw's -u, -l, -n, -s). At least one must be on. Every
	// selected class appears at least once.
	Uppercase, Lowercase, Numbers, Special bool
	// MinNumbers and MinSpecial raise that "at least once" for digits and
	// special characters (bw's --minNumber, --minSpecial). Zero means one
	// when the class is on. A minimum for a class that is off is an error.
	MinNumbers, MinSpecial int
	// AvoidAmbiguous leaves out the characters in Ambiguous (bw's
	// --ambiguous, which 2026.9.0 honours; 2023.9.1 ignores the flag).
	AvoidAmbiguous bool
}

// DefaultOptions are bw's defaults, "-uln --length 14".
func DefaultOptions() Options {
	return Options{Length: DefaultLength, Uppercase: true, Lowercase: true, Numbers: true}
}

// Adjust returns the options as bw's command line treats them, which never
// fails: negative minimums become zero, minimums of classes that are off
// are dropped, a length below MinLength becomes MinLength, and a length
// below what the classes require becomes that sum. Minimums above
// MaxLength, which no password here can meet, are lowered to it. It does
// not select a class (bw's command line falls back to -uln when no class flag is given;
// that is the caller's decision), nor shorten a length above MaxLength.
func (o Options) Adjust() Options {
	o.MinNumbers = min(max(o.MinNumbers, 0), MaxLength)
	o.MinSpecial = min(max(o.MinSpecial, 0), MaxLength)
	if !o.Numbers {
		o.MinNumbers = 0
	}
	if !o.Special {
		o.MinSpecial = 0
	}
	o.Length = max(o.Length, MinLength, o.required())
	return o
}

// required is the number of characters the classes force: one each, or
// the minimum when higher.
func (o Options) required() int {
	n := 0
	for _, c := range o.classes() {
		n += c.min
	}
	return n
}

// A class is a character set and how many of its characters are forced.
type class struct {
	set string
	min int
}

// classes lists the selected classes with their sets (the unmistakable
// ones when avoiding ambiguity) and their forced counts.
func (o Options) classes() []class {
	var cs []class
	add := func(on bool, set string, min int) {
		if !on {
			return
		}
		if o.AvoidAmbiguous {
			set = strings.Map(func(r rune) rune {
				if strings.ContainsRune(Ambiguous, r) {
					return -1
				}
				return r
			}, set)
		}
		cs = append(cs, class{set: set, min: max(min, 1)})
	}
	add(o.Uppercase, Uppercase, 1)
	add(o.Lowercase, Lowercase, 1)
	add(o.Numbers, Digits, o.MinNumbers)
	add(o.Special, Special, o.MinSpecial)
	return cs
}

// validate returns an *OptionError for options Password cannot honour.
func (o Options) validate() error {
	switch {
	case !o.Uppercase && !o.Lowercase && !o.Numbers && !o.Special:
		return &OptionError{Option: "classes", Err: ErrNoClass}
	case o.MinNumbers < 0:
		return &OptionError{Option: "MinNumbers", Value: o.MinNumbers, Err: ErrNegative}
	case o.MinSpecial < 0:
		return &OptionError{Option: "MinSpecial", Value: o.MinSpecial, Err: ErrNegative}
	case o.MinNumbers > MaxLength: // checked before required() sums them, which could overflow
		return &OptionError{Option: "MinNumbers", Value: o.MinNumbers, Limit: MaxLength, Err: ErrTooLong}
	case o.MinSpecial > MaxLength:
		return &OptionError{Option: "MinSpecial", Value: o.MinSpecial, Limit: MaxLength, Err: ErrTooLong}
	case o.MinNumbers > 0 && !o.Numbers:
		return &OptionError{Option: "MinNumbers", Value: o.MinNumbers, Err: ErrClassOff}
	case o.MinSpecial > 0 && !o.Special:
		return &OptionError{Option: "MinSpecial", Value: o.MinSpecial, Err: ErrClassOff}
	case o.Length < MinLength:
		return &OptionError{Option: "Length", Value: o.Length, Limit: MinLength, Err: ErrTooShort}
	case o.Length > MaxLength:
		return &OptionError{Option: "Length", Value: o.Length, Limit: MaxLength, Err: ErrTooLong}
	case o.Length < o.required():
		return &OptionError{Option: "Length", Value: o.Length, Limit: o.required(), Err: ErrTooShort}
	}
	return nil
}

// Password returns a new random password, or an *OptionError when the
// options cannot be met (see [Options.Adjust] for bw's leniency). Every
// selected class appears at least its minimum number of times, every other
// position is drawn from all selected classes together, and the positions
// are shuffled, so no class has a fixed place.
func Password(o Options) (string, error) {
	s := cryptoSampler()
	defer s.wipe()
	return password(o, s)
}

func password(o Options, ix indexer) (string, error) {
	if err := o.validate(); err != nil {
		return "", err
	}
	cs := o.classes()
	var all strings.Builder
	for _, c := range cs {
		all.WriteString(c.set)
	}
	union := all.String()

	out := make([]byte, 0, o.Length)
	defer func() { clear(out[:cap(out)]) }() // the string below is the only copy left
	pick := func(set string) error {
		i, err := ix.intn(len(set))
		if err != nil {
			return err
		}
		out = append(out, set[i])
		return nil
	}
	for _, c := range cs {
		for range c.min {
			if err := pick(c.set); err != nil {
				return "", err
			}
		}
	}
	for len(out) < o.Length {
		if err := pick(union); err != nil {
			return "", err
		}
	}
	if err := shuffle(ix, out); err != nil {
		return "", err
	}
	return string(out), nil
}
