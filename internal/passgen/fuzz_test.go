package passgen

import (
	"errors"
	"math"
	"testing"
)

// FuzzOptions: any options either give a password of the asked length
// whose classes meet their minimums, or an *OptionError; never a panic.
// Adjust'ed options with a class selected and a length within MaxLength
// always succeed.
func FuzzOptions(f *testing.F) {
	f.Add(14, uint8(7), 0, 0, false)
	f.Add(4, uint8(15), 3, 3, true)
	f.Add(-1, uint8(0), -5, 9, false)
	f.Add(MaxLength+1, uint8(8), 0, 1000, true)
	f.Add(14, uint8(12), math.MaxInt, math.MaxInt, false)
	f.Fuzz(func(t *testing.T, length int, classes uint8, minNumbers, minSpecial int, avoid bool) {
		// Minimums stay unbounded: huge ones must be refused before they are
		// summed (an overflow would pass the length check).
		o := Options{Length: length, Uppercase: classes&1 != 0, Lowercase: classes&2 != 0,
			Numbers: classes&4 != 0, Special: classes&8 != 0,
			MinNumbers: minNumbers, MinSpecial: minSpecial, AvoidAmbiguous: avoid}
		check := func(o Options) error {
			pw, err := Password(o)
			if err != nil {
				var oe *OptionError
				if !errors.As(err, &oe) {
					t.Fatalf("%+v: %v is not an *OptionError", o, err)
				}
				return err
			}
			if len(pw) != o.Length {
				t.Fatalf("%+v: length %d", o, len(pw))
			}
			digits, special := 0, 0
			for i := range len(pw) {
				switch classOf(pw[i]) {
				case "n":
					digits++
				case "s":
					special++
				}
			}
			if digits < o.MinNumbers || special < o.MinSpecial {
				t.Fatalf("%+v: %d digits, %d special", o, digits, special)
			}
			return nil
		}
		_ = check(o)
		if a := o.Adjust(); classes&15 != 0 && a.Length <= MaxLength {
			if err := check(a); err != nil {
				t.Fatalf("Adjust()ed %+v failed: %v", a, err)
			}
		}
	})
}
