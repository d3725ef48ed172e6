package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

// maxSeedItems bounds -seed-items: the server keeps everything in memory.
const maxSeedItems = 1_000_000

// A bulkSeed is the -seed-items account: one user with many login items,
// the vault the head-to-head benchmark (examples/bsafe/bench) syncs.
type bulkSeed struct {
	items           int
	email, password string
	kdf             string
	parsedKDF       safetest.KDF
}

// check validates the flags; with -seed-items 0 the others are ignored
// unless -seed-email is given, which then creates the account alone.
func (b *bulkSeed) check() error {
	switch {
	case b.items < 0 || b.items > maxSeedItems:
		return usageError(fmt.Sprintf("-seed-items %d out of range (0 to %d)", b.items, maxSeedItems))
	case b.items > 0 && b.email == "":
		return usageError("-seed-items needs -seed-email")
	case b.email != "" && b.password == "":
		return usageError("-seed-email needs -seed-password")
	}
	k, err := parseKDF(b.kdf)
	if err != nil {
		return err
	}
	b.parsedKDF = k
	return nil
}

// parseKDF reads "pbkdf2:<iterations>" or "argon2id:<t>,<MiB>,<p>".
func parseKDF(s string) (safetest.KDF, error) {
	bad := usageError(fmt.Sprintf(`bad -kdf %q (want "pbkdf2:<iterations>" or "argon2id:<iterations>,<MiB>,<parallelism>")`, s))
	name, params, ok := strings.Cut(s, ":")
	if !ok {
		return safetest.KDF{}, bad
	}
	var n []int
	for _, p := range strings.Split(params, ",") {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 {
			return safetest.KDF{}, bad
		}
		n = append(n, v)
	}
	switch {
	case strings.EqualFold(name, "pbkdf2") && len(n) == 1:
		return safetest.PBKDF2(n[0]), nil
	case strings.EqualFold(name, "argon2id") && len(n) == 3:
		return safetest.Argon2id(n[0], n[1], n[2]), nil
	}
	return safetest.KDF{}, bad
}

// seed creates the account and its items and prints a summary with the
// first item's id (for "get item <id>"). The items look like a connector's
// service accounts: a URI, two custom fields, notes, and every other one
// with its own item key, as current clients create them.
func (b *bulkSeed) seed(srv *safetest.Server, w io.Writer) error {
	if b.email == "" {
		return nil
	}
	u, err := srv.AddUser(safetest.UserSpec{Email: b.email, Password: b.password, KDF: b.parsedKDF})
	if err != nil {
		return err
	}
	first := ""
	for i := range b.items {
		id, err := srv.AddItem(u, safetest.Item{
			Name:  fmt.Sprintf("Server account %d (production)", i),
			Notes: fmt.Sprintf("Rotated by the connector, ticket CHG%07d.", i),
			Login: &safetest.Login{
				Username: fmt.Sprintf("svc-account-%05d@corp.example.com", i),
				Password: fmt.Sprintf("seed-password-%08d", i),
				URIs:     []safetest.URI{{URI: fmt.Sprintf("https://host%05d.corp.example.com/login", i)}},
			},
			Fields: []safetest.Field{
				{Name: "assocID", Value: fmt.Sprintf("user%05d", i)},
				{Name: "pin", Value: fmt.Sprintf("%04d", i%10000), Type: safetest.FieldHidden},
			},
			ItemKey: i%2 == 0,
		})
		if err != nil {
			return fmt.Errorf("seeding item %d: %w", i, err)
		}
		if first == "" {
			first = id
		}
	}
	fmt.Fprintf(w, "seeded %s (KDF %s): %d login items", b.email, b.parsedKDF, b.items)
	if first != "" {
		fmt.Fprintf(w, ", first item %s", first)
	}
	fmt.Fprintln(w)
	return nil
}
