package passgen

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

func effSet(t *testing.T) map[string]bool {
	t.Helper()
	words, err := vaultcrypto.EFFWords()
	if err != nil {
		t.Fatal(err)
	}
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

func TestPassphraseWords(t *testing.T) {
	eff := effSet(t)
	for _, o := range []PassphraseOptions{
		DefaultPassphraseOptions(),
		{Words: MinWords, Separator: "_"},
		{Words: 20, Separator: "+"},
	} {
		for range 100 {
			p, err := Passphrase(o)
			if err != nil {
				t.Fatal(err)
			}
			// EFF words may hold "-" themselves (drop-down), so split on a
			// separator that no word contains.
			if o.Separator == "-" {
				continue
			}
			words := strings.Split(p, o.Separator)
			if len(words) != o.Words {
				t.Fatalf("%q: %d words, want %d", p, len(words), o.Words)
			}
			for _, w := range words {
				if !eff[w] {
					t.Fatalf("%q: %q is not an EFF word", p, w)
				}
			}
		}
	}
	if p, _ := Passphrase(DefaultPassphraseOptions()); strings.Count(p, "-") < DefaultWords-1 {
		t.Errorf("default passphrase %q has fewer than %d separators", p, DefaultWords-1)
	}
}

func TestPassphraseEmptySeparator(t *testing.T) {
	eff := effSet(t)
	p, err := Passphrase(PassphraseOptions{Words: 3, Separator: ""})
	if err != nil {
		t.Fatal(err)
	}
	// Some split of p into three EFF words must exist.
	ok := false
	for i := 1; i < len(p) && !ok; i++ {
		for j := i + 1; j < len(p); j++ {
			if eff[p[:i]] && eff[p[i:j]] && eff[p[j:]] {
				ok = true
				break
			}
		}
	}
	if !ok {
		t.Errorf("%q is not three EFF words run together", p)
	}
}

func TestPassphraseCapitalizeAndNumber(t *testing.T) {
	eff := effSet(t)
	o := PassphraseOptions{Words: 5, Separator: " ", Capitalize: true, IncludeNumber: true}
	luckyPositions := map[int]bool{}
	for range 300 {
		p, err := Passphrase(o)
		if err != nil {
			t.Fatal(err)
		}
		withDigit := 0
		for i, w := range strings.Split(p, " ") {
			if !unicode.IsUpper(rune(w[0])) {
				t.Fatalf("%q: word %q not capitalized", p, w)
			}
			base := strings.ToLower(w[:1]) + w[1:]
			if last := base[len(base)-1]; last >= '0' && last <= '9' {
				base = base[:len(base)-1]
				withDigit++
				luckyPositions[i] = true
			}
			if !eff[base] {
				t.Fatalf("%q: %q is not an EFF word", p, base)
			}
		}
		if withDigit != 1 {
			t.Fatalf("%q: %d words carry a digit, want 1", p, withDigit)
		}
	}
	if len(luckyPositions) != o.Words {
		t.Errorf("the digit went to positions %v only, want every one of %d in 300 tries", luckyPositions, o.Words)
	}
	p, _ := Passphrase(PassphraseOptions{Words: 4, Separator: "."})
	if strings.ContainsAny(p, "0123456789") || p != strings.ToLower(p) {
		t.Errorf("%q: digits or capitals without the options", p)
	}
}

func TestPassphraseValidation(t *testing.T) {
	for _, tc := range []struct {
		words  int
		reason error
	}{{2, ErrTooShort}, {0, ErrTooShort}, {-5, ErrTooShort}, {MaxWords + 1, ErrTooLong}} {
		p, err := Passphrase(PassphraseOptions{Words: tc.words, Separator: "-"})
		var oe *OptionError
		if !errors.Is(err, tc.reason) || !errors.As(err, &oe) || oe.Option != "Words" || p != "" {
			t.Errorf("Words %d: %q, %v; want an *OptionError for Words, %v", tc.words, p, err, tc.reason)
		}
	}
	if _, err := Passphrase(PassphraseOptions{Words: MaxWords}); err != nil {
		t.Errorf("Words = MaxWords: %v", err)
	}
	// bw: "--words 2" and "--words 0" give three words.
	if got := (PassphraseOptions{Words: 2}).Adjust().Words; got != 3 {
		t.Errorf("Adjust of 2 words = %d, want 3", got)
	}
	if got := (PassphraseOptions{Words: 25}).Adjust().Words; got != 25 {
		t.Errorf("Adjust of 25 words = %d, want 25 (bw keeps it)", got)
	}
}

// TestPassphraseUniform: word choices are uniform over the 7,776 words
// (on the four-byte path of intn), and the check fails a modulo-biased
// draw. A 32-bit modulo's bias is far too small to see, so the biased run
// reduces 16-bit values: 65536 mod 7776 = 3328, so the first 3,328 words
// come up 9 times for every 8 of the others.
func TestPassphraseUniform(t *testing.T) {
	const draws = 7776 * 60
	s := cryptoSampler()
	counts := make([]int, 7776)
	for range draws {
		v, err := s.intn(7776)
		if err != nil {
			t.Fatal(err)
		}
		counts[v]++
	}
	if msg := uniformError(counts); msg != "" {
		t.Errorf("intn(7776): %s", msg)
	}
	biased := make([]int, 7776)
	for range draws {
		v, _ := s.intn(1 << 16)
		biased[v%7776]++
	}
	if msg := uniformError(biased); msg == "" {
		t.Error("the check passed 16-bit values reduced modulo 7776")
	}
}
