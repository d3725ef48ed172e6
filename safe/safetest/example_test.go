package safetest_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// A test starts a server, registers an account and asks for its
// key-derivation settings, as every client does before logging in.
func Example() {
	srv := safetest.NewServer(safetest.WithGeneration(safetest.Gen2023))
	defer srv.Close()

	alice, err := srv.AddUser(safetest.UserSpec{
		Email:    "Alice@Example.com",
		Password: "correct horse battery staple",
		KDF:      safetest.PBKDF2(5000), // cheap, for tests
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("API key client id:", strings.HasPrefix(alice.ClientID, "user."))

	resp, err := srv.Client().Post(srv.URL+"/identity/accounts/prelogin", "application/json",
		strings.NewReader(`{"email":"alice@example.com"}`))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var prelogin struct {
		Kdf           int `json:"kdf"`
		KdfIterations int `json:"kdfIterations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&prelogin); err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"))
	fmt.Printf("kdf %d, %d iterations\n", prelogin.Kdf, prelogin.KdfIterations)
	// Output:
	// API key client id: true
	// 200 OK application/json; charset=utf-8
	// kdf 0, 5000 iterations
}
