// Command quickstart walks through the Bravura Safe key hierarchy with
// bsafe's cryptography core, entirely in memory: it registers a demo
// account the way a client does, unlocks it again from the password, gives
// it a team key, and round-trips an item field under a per-item key.
//
// It prints each step and never prints a secret: keys print as
// "REDACTED", and the demo password is only ever compared.
//
//	go run ./examples/quickstart
//
// Later versions run the same walk against an embedded safetest server.
package main

import (
	"crypto/subtle"
	"fmt"
	"io"
	"os"

	"github.com/bsafe-go/bsafe/internal/vaultcrypto"
)

const (
	email    = "Demo.User@example.com"
	password = "correct horse battery staple" // demo only
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	kdf := vaultcrypto.DefaultPBKDF2

	// 1. Registration: the client makes every key; the server only ever
	// sees the password hash and wrapped (encrypted) keys.
	fmt.Fprintf(w, "1. register %s with %s, %d iterations (salt %q)\n",
		email, kdf.Type, kdf.Iterations, vaultcrypto.NormalizeEmail(email))
	master, err := vaultcrypto.DeriveMasterKey(password, email, kdf)
	if err != nil {
		return err
	}
	serverHash, err := master.Hash(password, vaultcrypto.ServerAuthorization)
	if err != nil {
		return err
	}
	userKey, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		return err
	}
	protectedUserKey, err := master.WrapUserKey(userKey)
	if err != nil {
		return err
	}
	accountKey, err := vaultcrypto.GeneratePrivateKey()
	if err != nil {
		return err
	}
	protectedPrivateKey, err := userKey.WrapPrivateKey(accountKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   master key %v, user key %v\n", master, userKey)
	fmt.Fprintf(w, "   stored on the server: a %d-character password hash, Key %s…, PrivateKey %s…\n",
		len(serverHash), prefix(protectedUserKey), prefix(protectedPrivateKey))

	// 2. Login and unlock: derive again, and unwrap what the server returns.
	fmt.Fprintln(w, "2. unlock from the password")
	again, err := vaultcrypto.DeriveMasterKey(password, " demo.user@EXAMPLE.com ", kdf)
	if err != nil {
		return err
	}
	hash, err := again.Hash(password, vaultcrypto.ServerAuthorization)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "   password hash matches:", subtle.ConstantTimeCompare([]byte(hash), []byte(serverHash)) == 1)
	unlocked, err := again.UnwrapUserKey(protectedUserKey)
	if err != nil {
		return err
	}
	privateKey, err := unlocked.UnwrapPrivateKey(protectedPrivateKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   user key unwrapped, same key: %v; private key unwrapped: %v\n", unlocked.Equal(userKey), privateKey)

	wrong, err := vaultcrypto.DeriveMasterKey("not the password", email, kdf)
	if err != nil {
		return err
	}
	_, err = wrong.UnwrapUserKey(protectedUserKey)
	fmt.Fprintln(w, "   a wrong password is refused:", err)

	// 3. A team (organization): its key reaches each member wrapped to the
	// member's RSA public key.
	fmt.Fprintln(w, "3. join a team")
	teamKey, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		return err
	}
	membershipKey, err := privateKey.Public().WrapKey(teamKey)
	if err != nil {
		return err
	}
	myTeamKey, err := privateKey.UnwrapKey(membershipKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   team key arrives as %s… (RSA-OAEP), unwrapped: %v\n", prefix(membershipKey), myTeamKey.Equal(teamKey))

	// 4. An item in the team, with its own per-item key.
	fmt.Fprintln(w, "4. write and read an item field")
	itemKey, err := vaultcrypto.GenerateSymmetricKey()
	if err != nil {
		return err
	}
	wrappedItemKey, err := myTeamKey.WrapKey(itemKey)
	if err != nil {
		return err
	}
	username, err := itemKey.EncryptString("jane.doe")
	if err != nil {
		return err
	}
	itemPassword, err := itemKey.EncryptString("s3cr3t-Pa55")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   item key %s…, username %s…, password %s…\n", prefix(wrappedItemKey), prefix(username), prefix(itemPassword))

	readKey, err := myTeamKey.UnwrapKey(wrappedItemKey)
	if err != nil {
		return err
	}
	u, err := readKey.DecryptString(username)
	if err != nil {
		return err
	}
	p, err := readKey.DecryptString(itemPassword)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   read back: username %q, password of %d characters (not printed), round trip ok: %v\n",
		u, len(p), p == "s3cr3t-Pa55")
	return nil
}

// prefix shows the start of an EncString: its type and some of its IV.
func prefix(e vaultcrypto.EncString) string {
	s := e.String()
	return s[:min(len(s), 12)]
}
