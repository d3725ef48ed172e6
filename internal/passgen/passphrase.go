package passgen

import (
	"strconv"
	"strings"
	"sync"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Word count bounds and bw's defaults.
const (
	// MinWords is bw's minimum passphrase length in words.
	MinWords = 3
	// DefaultWords is bw 2026.9.0's default; 2023.9.1's was 3.
	DefaultWords = 6
	// MaxWords is this package's bound, against absurd requests; bw
	// enforces none on the command line.
	MaxWords = 128
	// DefaultSeparator is bw's default word separator.
	DefaultSeparator = "-"
)

// PassphraseOptions describe a passphrase as bw's "generate --passphrase"
// flags do.
type PassphraseOptions struct {
	// Words is the number of words, MinWords to MaxWords (bw's --words).
	Words int
	// Separator goes between words; it may be empty (bw's --separator,
	// whose "space" and "empty" spellings and first-character rule are
	// the command line's business).
	Separator string
	// Capitalize upper-cases each word's first letter (bw's --capitalize).
	Capitalize bool
	// IncludeNumber appends one random digit to one random word (bw's
	// --includeNumber).
	IncludeNumber bool
}

// DefaultPassphraseOptions are bw 2026.9.0's defaults: six words joined by
// "-", lower case, no number.
func DefaultPassphraseOptions() PassphraseOptions {
	return PassphraseOptions{Words: DefaultWords, Separator: DefaultSeparator}
}

// Adjust returns the options as bw's command line treats them: fewer than
// MinWords words become MinWords.
func (o PassphraseOptions) Adjust() PassphraseOptions {
	o.Words = max(o.Words, MinWords)
	return o
}

// wordList is the EFF large list, from the copy vaultcrypto embeds.
var wordList = sync.OnceValues(vaultcrypto.EFFWords)

// Passphrase returns a new random passphrase of words from the EFF large
// word list (7,776 words, about 12.9 bits each), or an *OptionError when
// the word count is out of bounds.
func Passphrase(o PassphraseOptions) (string, error) {
	s := cryptoSampler()
	defer s.wipe()
	return passphrase(o, s)
}

func passphrase(o PassphraseOptions, ix indexer) (string, error) {
	switch {
	case o.Words < MinWords:
		return "", &OptionError{Option: "Words", Value: o.Words, Limit: MinWords, Err: ErrTooShort}
	case o.Words > MaxWords:
		return "", &OptionError{Option: "Words", Value: o.Words, Limit: MaxWords, Err: ErrTooLong}
	}
	list, err := wordList()
	if err != nil {
		return "", err
	}
	lucky := -1 // the word that gets the digit
	if o.IncludeNumber {
		if lucky, err = ix.intn(o.Words); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	for i := range o.Words {
		w, err := ix.intn(len(list))
		if err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteString(o.Separator)
		}
		word := list[w]
		if o.Capitalize {
			// EFF words are lower-case ASCII, so one byte is one letter.
			b.WriteString(strings.ToUpper(word[:1]))
			word = word[1:]
		}
		b.WriteString(word)
		if i == lucky {
			d, err := ix.intn(10)
			if err != nil {
				return "", err
			}
			b.WriteString(strconv.Itoa(d))
		}
	}
	return b.String(), nil
}
