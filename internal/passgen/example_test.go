package passgen_test

import (
	"fmt"
	"strings"

	"github.com/bsafe-go/bsafe/internal/passgen"
)

// A password as "bw generate -ulns --length 20 --minNumber 3" makes it.
func ExamplePassword() {
	o := passgen.Options{Length: 20, Uppercase: true, Lowercase: true, Numbers: true, Special: true, MinNumbers: 3}
	pw, err := passgen.Password(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(pw), strings.ContainsAny(pw, passgen.Special))
	// Output: 20 true
}

// bw's leniency: "--length 4" becomes 5 characters.
func ExampleOptions_Adjust() {
	o := passgen.Options{Length: 4, Lowercase: true}
	_, err := passgen.Password(o)
	fmt.Println(err)
	pw, _ := passgen.Password(o.Adjust())
	fmt.Println(len(pw))
	// Output:
	// passgen: Length 4 is too short (minimum 5)
	// 5
}

// A passphrase as "bw generate --passphrase --words 4 --separator _
// --capitalize" makes it.
func ExamplePassphrase() {
	p, err := passgen.Passphrase(passgen.PassphraseOptions{Words: 4, Separator: "_", Capitalize: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(strings.Split(p, "_")))
	// Output: 4
}
