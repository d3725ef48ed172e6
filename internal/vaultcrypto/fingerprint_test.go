package vaultcrypto

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// The known answer of Bitwarden's SDK test of the account fingerprint
// (bitwarden/sdk, crates/bitwarden-crypto/src/fingerprint.rs,
// test_fingerprint): a user ID, an RSA-2048 SPKI public key (here in
// base64) and the phrase the official clients show for them.
const (
	kaFingerprintUserID = "a09726a0-9590-49d1-a5f5-afe300b6a515"
	kaFingerprintSPKI   = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuyYs8W7NWf0Zv35Ueco93730dtRKi4Jhc6Snar+86drE+ruSfaCWMcbgsAoAj2Pm6KAzaJrTIVCqBERQ23OncpzjfcGAeyf+v3w/gSw/EjihMJ4AG5ICY4hLFYcGdgwa+7is+TVO0i6PEWjKQa3l2+mQo2XY7pg2ngHDMssV4gxSqq+qoBX3+FBhewCYdOV+3cebwsAzz7HwoFTxKViwNW8crbHonhZPhZgfIAzEkzo5MvzQg5azhLKW6vuPfaOQFC5HqPykVnh8OPzO0uzUi3+97CguAu4N2CgwVYXltZuw2fGamdVw3kjbxQPbOE1tL0j7gyTwYKkfUl2m8gMh1QIDAQAB"
	kaFingerprintPhrase = "turban-deftly-anime-chatroom-unselfish"
)

func TestFingerprintPhraseKnownAnswer(t *testing.T) {
	spki, err := base64.StdEncoding.DecodeString(kaFingerprintSPKI)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FingerprintPhrase(kaFingerprintUserID, spki)
	if err != nil {
		t.Fatal(err)
	}
	if got != kaFingerprintPhrase {
		t.Errorf("FingerprintPhrase = %q, want %q", got, kaFingerprintPhrase)
	}
	words, err := FingerprintWords(kaFingerprintUserID, spki)
	if err != nil || strings.Join(words, " ") != "turban deftly anime chatroom unselfish" {
		t.Errorf("FingerprintWords = %q, %v", words, err)
	}
	// The user ID is the info: another ID gives another phrase.
	other, err := FingerprintPhrase(strings.ToUpper(kaFingerprintUserID), spki)
	if err != nil || other == got {
		t.Errorf("phrase of another user ID = %q, %v; want a different phrase", other, err)
	}
}

// TestFingerprintDigestIsHKDFOfTheKeyHash: the 32 bytes are the first
// block of HKDF-Expand, HMAC-SHA256(SHA-256(spki), info || 0x01), computed
// here from the RFC 5869 definition.
func TestFingerprintDigestIsHKDFOfTheKeyHash(t *testing.T) {
	spki, _ := base64.StdEncoding.DecodeString(kaFingerprintSPKI)
	got, err := FingerprintDigest(kaFingerprintUserID, spki)
	if err != nil {
		t.Fatal(err)
	}
	prk := sha256.Sum256(spki)
	m := hmac.New(sha256.New, prk[:])
	m.Write([]byte(kaFingerprintUserID))
	m.Write([]byte{1})
	if want := m.Sum(nil); !hmac.Equal(got, want) {
		t.Errorf("digest = %x, want %x", got, want)
	}
}

// TestEmbeddedWordlist: the list is the EFF file, unmodified (its
// published SHA-256), and parses into 7776 words in dice order.
func TestEmbeddedWordlist(t *testing.T) {
	sum := sha256.Sum256([]byte(effLargeWordlist))
	if got := hex.EncodeToString(sum[:]); got != "addd35536511597a02fa0a9ff1e5284677b8883b83e986e43f15a3db996b903e" {
		t.Errorf("eff_large_wordlist.txt SHA-256 = %s, not the EFF file's", got)
	}
	words, err := effWords()
	if err != nil {
		t.Fatal(err)
	}
	if len(words) != 7776 || words[0] != "abacus" || words[7775] != "zoom" {
		t.Errorf("%d words, first %q, last %q; want 7776 from abacus to zoom", len(words), words[0], words[len(words)-1])
	}
}

// TestEFFWordsIsACopy: EFFWords hands out the list (abacus … zoom) as the
// caller's own slice; writing to it must not reach the list fingerprints
// use, or a caller could change every fingerprint phrase.
func TestEFFWordsIsACopy(t *testing.T) {
	words, err := EFFWords()
	if err != nil {
		t.Fatal(err)
	}
	if len(words) != 7776 || words[0] != "abacus" || words[7775] != "zoom" {
		t.Fatalf("%d words, first %q, last %q; want 7776 from abacus to zoom", len(words), words[0], words[len(words)-1])
	}
	words[0] = "changed"
	again, err := EFFWords()
	if err != nil {
		t.Fatal(err)
	}
	if again[0] != "abacus" {
		t.Errorf("after changing the returned slice, EFFWords()[0] = %q, want abacus", again[0])
	}
}
