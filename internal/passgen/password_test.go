package passgen

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestCharacterSets pins bw's sets (read from bw 2026.9.0's generator):
// the special set is eight characters and the unmistakable sets drop
// I, O, l, 0 and 1.
func TestCharacterSets(t *testing.T) {
	if Special != "!@#$%^&*" {
		t.Errorf("Special = %q", Special)
	}
	o := Options{Uppercase: true, Lowercase: true, Numbers: true, Special: true, AvoidAmbiguous: true}
	want := []string{"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!@#$%^&*"}
	for i, c := range o.classes() {
		if c.set != want[i] {
			t.Errorf("unmistakable class %d = %q, want %q", i, c.set, want[i])
		}
	}
}

// classOf names the class of a password character, or "" if none.
func classOf(c byte) string {
	switch {
	case strings.IndexByte(Uppercase, c) >= 0:
		return "u"
	case strings.IndexByte(Lowercase, c) >= 0:
		return "l"
	case strings.IndexByte(Digits, c) >= 0:
		return "n"
	case strings.IndexByte(Special, c) >= 0:
		return "s"
	}
	return ""
}

// TestPasswordClasses: for every non-empty choice of classes, passwords
// have the asked length, only characters of the chosen classes, and each
// chosen class at least its minimum number of times.
func TestPasswordClasses(t *testing.T) {
	for mask := 1; mask < 16; mask++ {
		o := Options{Uppercase: mask&1 != 0, Lowercase: mask&2 != 0, Numbers: mask&4 != 0, Special: mask&8 != 0}
		on := map[string]bool{"u": o.Uppercase, "l": o.Lowercase, "n": o.Numbers, "s": o.Special}
		if o.Numbers {
			o.MinNumbers = 2
		}
		if o.Special {
			o.MinSpecial = 2
		}
		shortest := 0 // what the classes force: 1 for u and l, 2 for n and s
		for c, k := range map[string]int{"u": 1, "l": 1, "n": 2, "s": 2} {
			if on[c] {
				shortest += k
			}
		}
		for _, length := range []int{max(MinLength, shortest), 14, 64} {
			o.Length = length
			for range 50 {
				pw, err := Password(o)
				if err != nil {
					t.Fatalf("%+v: %v", o, err)
				}
				if len(pw) != length {
					t.Fatalf("%+v: length %d", o, len(pw))
				}
				seen := map[string]int{}
				for i := range len(pw) {
					c := classOf(pw[i])
					if !on[c] {
						t.Fatalf("%+v: character %q of class %q not selected", o, pw[i], c)
					}
					seen[c]++
				}
				for c, want := range map[string]int{"u": 1, "l": 1, "n": o.MinNumbers, "s": o.MinSpecial} {
					if on[c] && seen[c] < want {
						t.Fatalf("%+v: class %s appears %d times, want at least %d", o, c, seen[c], want)
					}
				}
			}
		}
	}
}

func TestPasswordMinimumsFillLength(t *testing.T) {
	// Every position forced: 1 upper, 1 lower, 9 digits, 9 special.
	o := Options{Length: 20, Uppercase: true, Lowercase: true, Numbers: true, Special: true, MinNumbers: 9, MinSpecial: 9}
	pw, err := Password(o)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for i := range len(pw) {
		counts[classOf(pw[i])]++
	}
	if counts["u"] != 1 || counts["l"] != 1 || counts["n"] != 9 || counts["s"] != 9 {
		t.Errorf("classes %v, want u1 l1 n9 s9", counts)
	}
}

func TestPasswordAvoidAmbiguous(t *testing.T) {
	o := Options{Length: 200, Uppercase: true, Lowercase: true, Numbers: true, Special: true, AvoidAmbiguous: true}
	for range 200 {
		pw, err := Password(o)
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.IndexAny(pw, "IOl01"); i >= 0 {
			t.Fatalf("ambiguous %q at %d in a password that avoids them", pw[i], i)
		}
	}
	// And without the option they do come up (40,000 characters, each of
	// the five with probability 1/70).
	o.AvoidAmbiguous = false
	found := map[rune]bool{}
	for range 200 {
		pw, _ := Password(o)
		for _, r := range pw {
			if strings.ContainsRune("IOl01", r) {
				found[r] = true
			}
		}
	}
	if len(found) != 5 {
		t.Errorf("without AvoidAmbiguous only %d of the 5 ambiguous characters appeared", len(found))
	}
}

// perClassCounts generates n passwords with every class on and counts
// each character within its class.
func perClassCounts(t *testing.T, ix indexer, n int) map[string][]int {
	t.Helper()
	o := Options{Length: 128, Uppercase: true, Lowercase: true, Numbers: true, Special: true}
	sets := map[string]string{"u": Uppercase, "l": Lowercase, "n": Digits, "s": Special}
	counts := map[string][]int{}
	for c, set := range sets {
		counts[c] = make([]int, len(set))
	}
	for range n {
		pw, err := password(o, ix)
		if err != nil {
			t.Fatal(err)
		}
		for i := range len(pw) {
			c := classOf(pw[i])
			counts[c][strings.IndexByte(sets[c], pw[i])]++
		}
	}
	return counts
}

// TestPasswordUniform: within each class every character is equally
// likely (the chi-square check), and the same check run over a
// modulo-biased indexer fails, so it is able to fail.
func TestPasswordUniform(t *testing.T) {
	for c, counts := range perClassCounts(t, cryptoSampler(), 2000) {
		if msg := uniformError(counts); msg != "" {
			t.Errorf("class %s: %s", c, msg)
		}
	}
	biased := perClassCounts(t, moduloIndexer{}, 2000)
	if msg := uniformError(biased["l"]); msg == "" {
		t.Error("the per-class check passed passwords drawn with byte % n; it cannot catch modulo bias")
	}
}

// TestPasswordClassShare: with every class on and no forced minimums
// beyond one each, the free positions come from the union, so over many
// characters each class's share is its size out of 70 (26, 26, 10, 8) plus
// the forced one per password. A generator that picked a class first and
// then a character (a common shortcut) would give each class a quarter.
func TestPasswordClassShare(t *testing.T) {
	const n, length = 2000, 128
	counts := perClassCounts(t, cryptoSampler(), n)
	free := float64(n * (length - 4))
	for c, size := range map[string]float64{"u": 26, "l": 26, "n": 10, "s": 8} {
		total := 0
		for _, k := range counts[c] {
			total += k
		}
		want := free*size/70 + n
		if d := float64(total) - want; d*d > 36*want { // six standard deviations, roughly
			t.Errorf("class %s: %d characters, want about %.0f", c, total, want)
		}
	}
}

func TestPasswordValidation(t *testing.T) {
	all := Options{Length: 14, Uppercase: true, Lowercase: true, Numbers: true, Special: true}
	with := func(f func(*Options)) Options { o := all; f(&o); return o }
	cases := []struct {
		name   string
		o      Options
		option string
		reason error
	}{
		{"no class", Options{Length: 14}, "classes", ErrNoClass},
		{"below bw minimum", with(func(o *Options) { o.Length = 4 }), "Length", ErrTooShort},
		{"zero length", with(func(o *Options) { o.Length = 0 }), "Length", ErrTooShort},
		{"negative length", with(func(o *Options) { o.Length = -1 }), "Length", ErrTooShort},
		{"above maximum", with(func(o *Options) { o.Length = MaxLength + 1 }), "Length", ErrTooLong},
		{"classes need more", with(func(o *Options) { o.Length = 10; o.MinNumbers = 5; o.MinSpecial = 4 }), "Length", ErrTooShort},
		{"minimums that overflow", with(func(o *Options) { o.MinNumbers = math.MaxInt; o.MinSpecial = math.MaxInt }), "MinNumbers", ErrTooLong},
		{"minSpecial above maximum", with(func(o *Options) { o.MinSpecial = MaxLength + 1 }), "MinSpecial", ErrTooLong},
		{"negative minNumber", with(func(o *Options) { o.MinNumbers = -1 }), "MinNumbers", ErrNegative},
		{"negative minSpecial", with(func(o *Options) { o.MinSpecial = -1 }), "MinSpecial", ErrNegative},
		{"minNumber, numbers off", with(func(o *Options) { o.Numbers = false; o.MinNumbers = 2 }), "MinNumbers", ErrClassOff},
		{"minSpecial, special off", with(func(o *Options) { o.Special = false; o.MinSpecial = 2 }), "MinSpecial", ErrClassOff},
	}
	for _, tc := range cases {
		pw, err := Password(tc.o)
		if !errors.Is(err, tc.reason) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.reason)
			continue
		}
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Option != tc.option {
			t.Errorf("%s: err = %#v, want an *OptionError for %s", tc.name, err, tc.option)
		}
		if pw != "" {
			t.Errorf("%s: returned %q with the error", tc.name, pw)
		}
	}
	// Boundaries that are allowed.
	for _, o := range []Options{
		with(func(o *Options) { o.Length = MinLength }),
		with(func(o *Options) { o.Length = MaxLength }),
		with(func(o *Options) { o.Length = 11; o.MinNumbers = 5; o.MinSpecial = 4 }),
	} {
		if _, err := Password(o); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

func TestOptionErrorMessage(t *testing.T) {
	_, err := Password(Options{Length: 3, Lowercase: true})
	if got, want := err.Error(), "passgen: Length 3 is too short (minimum 5)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	_, err = Password(Options{Length: 10, Numbers: true, MinNumbers: 11})
	if got, want := err.Error(), "passgen: Length 10 is too short (minimum 11)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

// TestAdjust: bw's leniency, on cases run against the installed bw
// 2023.9.1 and 2026.9.0 ("bw generate <flags>", output length counted).
func TestAdjust(t *testing.T) {
	cases := []struct {
		flags string
		in    Options
		want  Options
	}{
		{"--length 4", Options{Length: 4, Uppercase: true, Lowercase: true, Numbers: true},
			Options{Length: 5, Uppercase: true, Lowercase: true, Numbers: true}},
		{"--length -3", Options{Length: -3, Lowercase: true},
			Options{Length: 5, Lowercase: true}},
		{"-ulns --length 5 --minNumber 3 --minSpecial 3 (bw prints 8 characters)",
			Options{Length: 5, Uppercase: true, Lowercase: true, Numbers: true, Special: true, MinNumbers: 3, MinSpecial: 3},
			Options{Length: 8, Uppercase: true, Lowercase: true, Numbers: true, Special: true, MinNumbers: 3, MinSpecial: 3}},
		{"-n --minNumber 12 --length 5 (bw prints 12 digits)", Options{Length: 5, Numbers: true, MinNumbers: 12},
			Options{Length: 12, Numbers: true, MinNumbers: 12}},
		{"-ul --minNumber 3 (bw prints no digit)", Options{Length: 14, Uppercase: true, Lowercase: true, MinNumbers: 3},
			Options{Length: 14, Uppercase: true, Lowercase: true}},
		{"--length 200 (kept)", Options{Length: 200, Lowercase: true}, Options{Length: 200, Lowercase: true}},
		{"huge minimums (capped, then too long for Password)", Options{Length: 14, Numbers: true, Special: true, MinNumbers: math.MaxInt, MinSpecial: math.MaxInt},
			Options{Length: 2 * MaxLength, Numbers: true, Special: true, MinNumbers: MaxLength, MinSpecial: MaxLength}},
		{"negative minimums", Options{Length: 14, Numbers: true, Special: true, MinNumbers: -2, MinSpecial: -1},
			Options{Length: 14, Numbers: true, Special: true}},
	}
	for _, tc := range cases {
		got := tc.in.Adjust()
		if got != tc.want {
			t.Errorf("%s: Adjust() = %+v, want %+v", tc.flags, got, tc.want)
		}
		_, err := Password(got)
		switch {
		case got.Length > MaxLength && !errors.Is(err, ErrTooLong):
			t.Errorf("%s: Password(Adjust()) = %v, want ErrTooLong", tc.flags, err)
		case got.Length <= MaxLength && err != nil:
			t.Errorf("%s: Password(Adjust()) failed: %v", tc.flags, err)
		}
	}
	// Adjust leaves the no-class case to the caller.
	if _, err := Password(Options{}.Adjust()); !errors.Is(err, ErrNoClass) {
		t.Errorf("Password(Options{}.Adjust()) = %v, want ErrNoClass", err)
	}
}

func TestDefaultOptions(t *testing.T) {
	want := Options{Length: 14, Uppercase: true, Lowercase: true, Numbers: true}
	if got := DefaultOptions(); got != want {
		t.Errorf("DefaultOptions() = %+v, want bw's -uln --length 14", got)
	}
}
