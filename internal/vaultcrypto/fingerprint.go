package vaultcrypto

import (
	"crypto/sha256"
	_ "embed"
	"errors"
	"math/big"
	"slices"
	"strings"
	"sync"
)

// Account fingerprints: the phrase that lets an administrator check, out of
// band, that the public key the server hands out for a member is the
// member's own before wrapping a team key to it. Bitwarden clients show it
// to the member (Settings, "fingerprint phrase") and to the administrator
// who confirms them.
//
// The phrase is derived as Bitwarden's clients derive it: the 32 bytes of
// HKDF-Expand (SHA-256) with SHA-256 of the public key's SPKI DER as the
// pseudo-random key and the member's user ID as info, read as one
// big-endian number and written in base 7776, least significant digit
// first, as five words of the EFF large word list.
//
// The word list (eff_large_wordlist.txt) is the EFF Large Wordlist for
// Passphrases, copyright 2016 Electronic Frontier Foundation, published at
// https://www.eff.org/files/2016/07/18/eff_large_wordlist.txt under the
// Creative Commons Attribution 3.0 United States licence
// (https://www.eff.org/copyright). It is embedded unmodified, as Debian's
// diceware package (0.10-2) ships it; see eff_large_wordlist.NOTICE.

//go:embed eff_large_wordlist.txt
var effLargeWordlist string

// fingerprintWords is the number of words of a phrase: enough for 64 bits
// of entropy at log2(7776) ≈ 12.9 bits a word.
const fingerprintWords = 5

// effWordCount is the length of the EFF large list (6^5, five dice).
const effWordCount = 7776

// errWordlist means the embedded word list is damaged (a build problem,
// never an input).
var errWordlist = errors.New("vaultcrypto: the embedded EFF word list is damaged")

// effWords parses the embedded list once: one "dice<TAB>word" a line.
var effWords = sync.OnceValues(func() ([]string, error) {
	lines := strings.Split(strings.TrimSuffix(effLargeWordlist, "\n"), "\n")
	if len(lines) != effWordCount {
		return nil, errWordlist
	}
	words := make([]string, len(lines))
	for i, l := range lines {
		_, w, ok := strings.Cut(l, "\t")
		if !ok || w == "" {
			return nil, errWordlist
		}
		words[i] = w
	}
	return words, nil
})

// EFFWords returns the EFF large word list embedded in this package (the
// 7,776 words, in the list's dice order), for the passphrase generator:
// one embedded copy serves both fingerprints and passphrases. The slice is
// the caller's own copy, so changing it cannot change fingerprints. The
// error means the embedded list is damaged, a build problem.
func EFFWords() ([]string, error) {
	words, err := effWords()
	if err != nil {
		return nil, err
	}
	return slices.Clone(words), nil
}

// FingerprintDigest returns the 32 bytes an account fingerprint is made
// of: HKDF-Expand(SHA-256, PRK = SHA-256(spki), info = material, 32). For
// an account, material is the user ID and spki the account's public key
// (SubjectPublicKeyInfo DER, as the server sends it, base64-decoded).
func FingerprintDigest(material string, spki []byte) ([]byte, error) {
	sum := sha256.Sum256(spki)
	return hkdfExpand(sum[:], material, 32)
}

// FingerprintPhrase returns the account fingerprint of material and spki
// (see FingerprintDigest) as Bitwarden clients print it: the five words of
// FingerprintWords joined by hyphens, such as
// "turban-deftly-anime-chatroom-unselfish". Four words of the list have a
// hyphen of their own ("t-shirt"), so split the words apart with
// FingerprintWords, not by the hyphens.
func FingerprintPhrase(material string, spki []byte) (string, error) {
	words, err := FingerprintWords(material, spki)
	if err != nil {
		return "", err
	}
	return strings.Join(words, "-"), nil
}

// FingerprintWords returns the five words of the account fingerprint of
// material and spki: the digest (FingerprintDigest) read as one
// big-endian number, written in base 7776 least significant digit first,
// each digit a word of the EFF large list.
func FingerprintWords(material string, spki []byte) ([]string, error) {
	digest, err := FingerprintDigest(material, spki)
	if err != nil {
		return nil, err
	}
	list, err := effWords()
	if err != nil {
		return nil, err
	}
	n := new(big.Int).SetBytes(digest)
	base := big.NewInt(effWordCount)
	var rem big.Int
	words := make([]string, fingerprintWords)
	for i := range words {
		n.DivMod(n, base, &rem)
		words[i] = list[rem.Int64()]
	}
	return words, nil
}
