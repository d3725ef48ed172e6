package vaultcrypto_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

// Unlocking an account: derive the master key from the password, check the
// hash a server would check, and unwrap the user key from the token
// response's "Key". The data is Bitwarden's public test account.
func Example() {
	kdf := vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: 600_000} // from prelogin
	master, err := vaultcrypto.DeriveMasterKey("asdfasdfasdf", "test@bitwarden.com", kdf)
	if err != nil {
		log.Fatal(err)
	}
	hash, err := master.Hash("asdfasdfasdf", vaultcrypto.ServerAuthorization)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("server hash:", hash)

	protected, err := vaultcrypto.ParseEncString("2.Q/2PhzcC7GdeiMHhWguYAQ==|GpqzVdr0go0ug5cZh1n+uixeBC3oC90CIe0hd/HWA/pTRDZ8ane4fmsEIcuc8eMKUt55Y2q/fbNzsYu41YTZzzsJUSeqVjT8/iTQtgnNdpo=|dwI+uyvZ1h/iZ03VQ+/wrGEFYVewBUUl/syYgjsNMbE=")
	if err != nil {
		log.Fatal(err)
	}
	userKey, err := master.UnwrapUserKey(protected)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("user key:", userKey) // keys never print

	field, _ := vaultcrypto.ParseEncString("2.AAECAwQFBgcICQoLDA0ODw==|8bohdGVZUta7uHGiRbSqSQ==|JbrpaUrKVqn0PcUWKRCDIma03oZG48jMvTPeZcQdeOs=")
	plain, err := userKey.DecryptString(field)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("field:", plain)
	// Output:
	// server hash: 8HT+qrqqhBaGEIHp9mwuv1ivoW9r6yaauAkOCYbe+SM=
	// user key: SymmetricKey(REDACTED)
	// field: hello
}

func ExampleSymmetricKey_EncryptString() {
	itemKey, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		log.Fatal(err)
	}
	enc, err := itemKey.EncryptString("s3cr3t-p4ss")
	if err != nil {
		log.Fatal(err)
	}
	text := enc.String() // "2.<iv>|<ciphertext>|<mac>", what goes on the wire
	fmt.Println(text[:2], len(text))

	parsed, err := vaultcrypto.ParseEncString(text)
	if err != nil {
		log.Fatal(err)
	}
	plain, err := itemKey.DecryptString(parsed)
	fmt.Println(plain, err)

	// Tampering is detected before anything is decrypted.
	flipped := []byte(text)
	if flipped[30] != 'A' { // change one ciphertext character
		flipped[30] = 'A'
	} else {
		flipped[30] = 'B'
	}
	tampered, _ := vaultcrypto.ParseEncString(string(flipped))
	_, err = itemKey.DecryptString(tampered)
	fmt.Println(errors.Is(err, vaultcrypto.ErrMAC))
	// Output:
	// 2. 96
	// s3cr3t-p4ss <nil>
	// true
}

func ExampleKDFConfig_Validate() {
	// A server asking for 1,000 PBKDF2 iterations is refused.
	err := vaultcrypto.KDFConfig{Type: vaultcrypto.PBKDF2SHA256, Iterations: 1000}.Validate()
	var kdfErr *vaultcrypto.KDFError
	fmt.Println(errors.As(err, &kdfErr), kdfErr.Param, kdfErr.Min)
	fmt.Println(err)
	// Output:
	// true iterations 5000
	// vaultcrypto: PBKDF2-SHA256 iterations = 1000 is outside the accepted range [5000, 2000000]
}
