package passgen

import (
	"errors"
	"fmt"
)

// Reasons an option is refused, for errors.Is on the error Password or
// Passphrase returns (an *OptionError wrapping one of these).
var (
	// ErrNoClass: no character class (upper, lower, numbers, special) is on.
	ErrNoClass = errors.New("no character class selected")
	// ErrTooShort: a length or word count below the minimum, or a length
	// below the sum of the characters the selected classes require.
	ErrTooShort = errors.New("too short")
	// ErrTooLong: a length or word count above this package's maximum.
	ErrTooLong = errors.New("too long")
	// ErrNegative: a negative minimum count.
	ErrNegative = errors.New("negative")
	// ErrClassOff: a minimum count for a class that is not selected.
	ErrClassOff = errors.New("minimum for a class that is not selected")
)

// An OptionError is an option Password or Passphrase cannot honour. It
// holds the option's name and value, never a generated secret.
type OptionError struct {
	Option string // the Options or PassphraseOptions field, e.g. "Length"
	Value  int    // the value given
	Limit  int    // the bound it broke, when Err is ErrTooShort or ErrTooLong
	Err    error  // one of the Err… reasons above
}

// Error says which option is wrong and why.
func (e *OptionError) Error() string {
	switch {
	case errors.Is(e.Err, ErrTooShort):
		return fmt.Sprintf("passgen: %s %d is too short (minimum %d)", e.Option, e.Value, e.Limit)
	case errors.Is(e.Err, ErrTooLong):
		return fmt.Sprintf("passgen: %s %d is too long (maximum %d)", e.Option, e.Value, e.Limit)
	case errors.Is(e.Err, ErrNoClass):
		return "passgen: no character class selected (uppercase, lowercase, numbers or special)"
	default:
		return fmt.Sprintf("passgen: %s %d: %v", e.Option, e.Value, e.Err)
	}
}

// Unwrap returns the reason, for errors.Is.
func (e *OptionError) Unwrap() error { return e.Err }
