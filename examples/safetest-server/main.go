// Command safetest-server runs the in-memory safetest server on a loopback
// port, for trying a client (the bsafe SDK, the official Bitwarden CLI,
// curl) against it by hand. It stores nothing on disk but the certificate
// and forgets everything when it stops.
//
//	go run ./examples/safetest-server -seed demo
//	go run ./examples/safetest-server -addr 127.0.0.1:8443 -generation 2023
//	go run ./examples/safetest-server -seed-items 10000 -seed-email bench@example.com \
//		-seed-password throwaway -kdf pbkdf2:5000
//
// It prints the server URL, the path of the certificate to trust
// (NODE_EXTRA_CA_CERTS for the CLI) and, with -seed demo, the demo
// accounts, then serves until interrupted.
//
// With the official CLI:
//
//	export NODE_EXTRA_CA_CERTS=<printed cert path> BITWARDENCLI_APPDATA_DIR=$(mktemp -d)
//	bw config server <printed URL>
//	bw login alice@example.com     # password printed by -seed demo
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/bsafe-go/bsafe/safe/safetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes of run.
const (
	exitOK    = 0
	exitError = 1 // the server could not start or stopped on an error
	exitUsage = 2 // bad flags or arguments
)

const usage = `usage: safetest-server [flags]

Runs the in-memory safetest server on a loopback port until interrupted,
and prints its URL, the certificate to trust and (with -seed demo) the
demo accounts.

flags:
`

// Demo account passwords. They are printed on purpose: this is a local
// test server holding nothing real.
const (
	demoAlicePassword = "demo-alice-password"
	demoBobPassword   = "demo-bob-password"
)

// run parses args, then serves until ctx is done. It writes what a user
// needs to stdout, and errors to stderr; it returns the exit code. -h and
// --help print the usage to stdout and succeed; an unknown flag or any
// positional argument is a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("safetest-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	gen := fs.String("generation", "current", `server generation to imitate: "current" or "2023" (Bravura Safe)`)
	seed := fs.String("seed", "", `seed data: "" (none) or "demo"`)
	certPath := fs.String("cert", "", "where to write the certificate PEM (default: a new temporary directory)")
	plain := fs.Bool("plain-http", false, "serve plain HTTP instead of HTTPS (the official CLI refuses it)")
	var bulk bulkSeed
	fs.IntVar(&bulk.items, "seed-items", 0, "seed this many login items for the -seed-email account (for benchmarks)")
	fs.StringVar(&bulk.email, "seed-email", "", "the account -seed-items creates")
	fs.StringVar(&bulk.password, "seed-password", "", "its master password (a throwaway: it is visible in the process list)")
	fs.StringVar(&bulk.kdf, "kdf", "pbkdf2:600000", `its KDF: "pbkdf2:<iterations>" or "argon2id:<iterations>,<MiB>,<parallelism>"`)
	fs.Usage = func() {} // printed below, to stdout for -h, not at all after an error
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		// fs.Parse has printed the error to stderr.
		fmt.Fprintln(stderr, "run safetest-server -h for usage")
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "safetest-server: unexpected argument %q (it takes flags only)\n", fs.Arg(0))
		fmt.Fprintln(stderr, "run safetest-server -h for usage")
		return exitUsage
	}
	err := serve(ctx, stdout, *addr, *gen, *seed, *certPath, *plain, bulk)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "safetest-server:", err)
		return exitUsage
	case err != nil:
		fmt.Fprintln(stderr, "safetest-server:", err)
		return exitError
	}
	return exitOK
}

// A usageError is a flag value run does not accept.
type usageError string

func (e usageError) Error() string { return string(e) }

// serve starts the server the flags describe and serves until ctx is done.
func serve(ctx context.Context, stdout io.Writer, addr, gen, seed, certPath string, plain bool, bulk bulkSeed) error {
	var g safetest.Generation
	switch gen {
	case "current":
		g = safetest.GenCurrent
	case "2023":
		g = safetest.Gen2023
	default:
		return usageError(fmt.Sprintf("unknown -generation %q (want current or 2023)", gen))
	}
	if seed != "" && seed != "demo" {
		return usageError(fmt.Sprintf("unknown -seed %q (want demo)", seed))
	}
	if err := bulk.check(); err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := safetest.NewUnstartedServer(safetest.WithGeneration(g), safetest.WithListener(l))
	if seed == "demo" {
		if err := seedDemo(srv, stdout); err != nil {
			l.Close()
			return err
		}
	}
	if err := bulk.seed(srv, stdout); err != nil {
		l.Close()
		return err
	}
	if plain {
		srv.Start()
	} else {
		srv.StartTLS()
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "safetest server (%s generation, version %s) at %s\n", g, g.Version(), srv.URL)
	if !plain {
		path := certPath
		if path == "" {
			dir, err := os.MkdirTemp("", "safetest-server-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "cert.pem")
		}
		if err := srv.WriteCertificatePEM(path); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "certificate: %s (NODE_EXTRA_CA_CERTS)\n", path)
	}
	fmt.Fprintln(stdout, "serving until interrupted")
	<-ctx.Done()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// seedDemo creates two accounts, a team with two collections and a few
// items, and prints the credentials.
func seedDemo(srv *safetest.Server, w io.Writer) error {
	alice, err := srv.AddUser(safetest.UserSpec{Email: "alice@example.com", Name: "Alice Owner", Password: demoAlicePassword})
	if err != nil {
		return err
	}
	bob, err := srv.AddUser(safetest.UserSpec{Email: "bob@example.com", Name: "Bob Member", Password: demoBobPassword,
		KDF: safetest.Argon2id(3, 64, 4)})
	if err != nil {
		return err
	}
	team, err := srv.AddTeam(alice, safetest.TeamSpec{Name: "Demo Safe Team", DefaultCollection: "Servers"})
	if err != nil {
		return err
	}
	apps, err := srv.AddCollection(team, "Applications")
	if err != nil {
		return err
	}
	if _, err := srv.AddMember(team, bob, safetest.RoleUser,
		safetest.CollectionAccess{CollectionID: team.DefaultCollectionID, ReadOnly: true}); err != nil {
		return err
	}
	folder, err := srv.AddFolder(alice, "Personal")
	if err != nil {
		return err
	}
	items := []struct {
		owner safetest.Owner
		item  safetest.Item
	}{
		{team, safetest.Item{Type: safetest.TypeLogin, Name: "db01 root", Notes: "Primary database host.",
			Login:         &safetest.Login{Username: "root", Password: "demo-db01-password", URIs: []safetest.URI{{URI: "ssh://db01.example.com"}}},
			Fields:        []safetest.Field{{Name: "assocID", Value: "db01"}, {Name: "pin", Value: "1234", Type: safetest.FieldHidden}},
			CollectionIDs: []string{team.DefaultCollectionID}, ItemKey: true}},
		{team, safetest.Item{Type: safetest.TypeLogin, Name: "CRM admin",
			Login:         &safetest.Login{Username: "admin", Password: "demo-crm-password", URIs: []safetest.URI{{URI: "https://crm.example.com"}}},
			CollectionIDs: []string{apps.ID}}},
		{alice, safetest.Item{Type: safetest.TypeSecureNote, Name: "Alice's note", Notes: "Only Alice sees this.", FolderID: folder.ID}},
		{bob, safetest.Item{Type: safetest.TypeLogin, Name: "Bob's webmail", Login: &safetest.Login{Username: "bob", Password: "demo-bob-mail"}}},
	}
	for _, it := range items {
		if _, err := srv.AddItem(it.owner, it.item); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "demo accounts (demo passwords, nothing real):\n")
	fmt.Fprintf(w, "  alice@example.com  password %q  owner of %q  API key: BW_CLIENTID=%s BW_CLIENTSECRET=%s\n",
		demoAlicePassword, team.Name, alice.ClientID, alice.ClientSecret)
	fmt.Fprintf(w, "  bob@example.com    password %q  Argon2id, read-only on %q\n", demoBobPassword, "Servers")
	fmt.Fprintf(w, "  team %s\n", team.ID)
	return nil
}
