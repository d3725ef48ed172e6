// Command quickstart shows bsafe end to end with no set-up: it starts an
// in-memory Bravura Safe (Bitwarden-compatible) server, registers a demo
// user and team on it, logs in with the vault client, writes and reads
// items, and shows that the server only ever holds ciphertext.
//
//	go run ./examples/quickstart
//
// It prints each step and never a secret: passwords show as their length.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/safe/safetest"
)

const (
	email    = "demo.user@example.com"
	password = "correct horse battery staple" // demo only
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	// 1. An embedded server, as a test would start one.
	srv := safetest.NewServer(safetest.WithGeneration(safetest.Gen2023))
	defer srv.Close()
	fmt.Fprintf(w, "1. started an in-memory server (%s generation, like Bravura Safe) at %s\n", srv.Generation(), srv.URL)

	// 2. Register a user and a team the way a client registers: the keys
	// are made on the client side; the server stores them wrapped.
	user, err := srv.AddUser(safetest.UserSpec{Email: email, Name: "Demo User", Password: password, KDF: safetest.PBKDF2(600_000)})
	if err != nil {
		return err
	}
	team, err := srv.AddTeam(user, safetest.TeamSpec{Name: "MPR AWS Safe Team"})
	if err != nil {
		return err
	}
	col, err := srv.AddCollection(team, "BONNIL")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "2. registered %s (PBKDF2, 600,000 iterations), team %q, collection %q\n", email, team.Name, col.Name)

	// 3. Log in with the vault client.
	// Items get their own key only where the server keeps it (2023.9.1 and
	// later, not Bravura Safe's 2023.8): ItemKeysAuto, the default.
	c, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		return err
	}
	if err := c.LoginPassword(ctx, email, password); err != nil {
		return err
	}
	teams, err := c.Teams(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "3. logged in; the team key unwrapped for %d team(s): %q\n", len(teams), teams[0].Name)

	// 4. Write a team item with custom fields, under the team key.
	it, err := c.Items.Create(ctx, &safe.Item{
		Name:   "Active Directory (bonnil)",
		TeamID: team.ID,
		Login: &safe.Login{Username: "bonnil", Password: "Initial-Pa55word!",
			URIs: safe.URIs{{URI: "ldap://dc1.corp.example.com"}}},
		Fields: safe.Fields{
			{Name: "assocID", Value: "bonnil"},
			{Name: "AccountLink", Value: "AD:bonnil", Type: safe.FieldHidden},
		},
	}, safe.InCollections(col.ID))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "4. created %s in collection %q (own item key: %v)\n", it.Type, col.Name, it.HasItemKey)

	// 5. What the server stores: ciphertext only.
	raw, _ := srv.RawCipher(it.ID)
	var stored struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(raw, &stored); err != nil {
		return err
	}
	fmt.Fprintf(w, "5. the server stores the name as %s… (%d characters)\n", stored.Name[:14], len(stored.Name))

	// 6. Change the password: the old one goes to the history.
	it, err = c.Items.SetPassword(ctx, it.ID, "Rotated-Pa55word!")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "6. rotated the password; %d previous password(s) kept\n", len(it.PasswordHistory))

	// 7. Read back through a fresh login, as another process would.
	reader, err := safe.NewClient(srv.URL, safe.WithHTTPClient(srv.Client()))
	if err != nil {
		return err
	}
	if err := reader.LoginPassword(ctx, email, password); err != nil {
		return err
	}
	for got, err := range reader.Items.All(ctx, safe.InCollection(col.ID)) {
		if err != nil {
			return err
		}
		assoc, _ := got.Field("assocID")
		fmt.Fprintf(w, "7. read back %q: username %q, assocID %q, password of %d characters (not printed), matches: %v\n",
			got.Name, got.Login.Username, assoc, len(got.Login.Password), got.Login.Password == "Rotated-Pa55word!")
	}

	// 8. Trash and restore.
	if err := reader.Items.Delete(ctx, it.ID); err != nil {
		return err
	}
	trash, err := reader.Items.List(ctx, safe.Trashed())
	if err != nil {
		return err
	}
	restored, err := reader.Items.Restore(ctx, it.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "8. moved to the trash (%d item there) and restored (in trash: %v)\n", len(trash), restored.InTrash())
	return nil
}
