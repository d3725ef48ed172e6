// Command agent is a Bravura connector agent for Bravura Safe: it reads one
// agent-input KVGroup on stdin, runs its operation on a Safe connector
// through bsafe.Dispatch, and writes the agent-output KVGroup on stdout.
//
//	agent [-connector vault|usermgmt] < input.kvg > output.kvg
//
// The flag -connector picks the connector, as Bravura picks an agent per
// target system type: "vault" (the default) is the Safe vault connector
// (safe.Connector, type "Bravura Safe": the team's login items), and
// "usermgmt" is the User Management connector (usermgmt.Connector, type
// "Bravura Safe User Management": the team's members, with the address
// option "defaultAccessLevel" and, in sysid/syspw, optionally the team's
// API key). The agent input does not choose: a target system's type is
// configuration, not something its input should be able to switch.
//
// The input names the server and team in its address options ("server",
// "organizationName", "proxy", "listDeleted"), the admin's e-mail and
// master password in "adminid" and "adminpw", and optionally the API key
// in "sysid" (client_id) and "syspw" (client_secret). For example:
//
//	"" "" = {
//	  "operation" = "listusers"
//	  "address" "" = { "server" = "https://safe.example.com" "organizationName" = "Ops" }
//	  "adminid" = "admin@example.com"
//	  "adminpw" = "…"
//	}
//
// The output reports the operation's return code in "retval" and a
// message in "errmsg" (never a password), as bsafe.Dispatch documents; a
// failed operation is an output like any other, so the exit status is 0.
// The agent exits 1 only when stdin holds no readable KVGroup (the output
// then still reports the failure) or stdout cannot be written.
//
// The agent trusts the system's CA roots, so SSL_CERT_FILE or
// SSL_CERT_DIR point it at the certificate of a server with a private CA.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/kvgroup"
	"github.com/bsafe-go/bsafe/safe"
	"github.com/bsafe-go/bsafe/usermgmt"
)

func main() {
	connector := flag.String("connector", "vault", `the connector: "vault" (safe.Connector) or "usermgmt" (usermgmt.Connector)`)
	flag.Parse()
	if flag.NArg() > 0 || (*connector != "vault" && *connector != "usermgmt") {
		flag.Usage()
		os.Exit(exitUsage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, *connector, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes of run.
const (
	exitOK     = 0
	exitBroken = 1 // stdin held no readable KVGroup, or stdout failed
	exitUsage  = 2 // a bad command line
)

// connector is a connector Dispatch can run, that Close logs out.
type connector interface {
	bsafe.TargetConnector
	io.Closer
}

// newConnector makes the connector the -connector flag names.
func newConnector(name string) connector {
	if name == "usermgmt" {
		return usermgmt.NewConnector()
	}
	return safe.NewConnector()
}

// run reads one agent input from stdin, dispatches it on a new connector
// of the kind name says ("vault" or "usermgmt") and writes the output to
// stdout. It returns the exit code.
func run(ctx context.Context, name string, stdin io.Reader, stdout, stderr io.Writer) int {
	in, err := kvgroup.NewDecoder(stdin).Decode()
	if errors.Is(err, io.EOF) {
		err = errors.New("no KVGroup on stdin")
	}
	out := kvgroup.NewEncoder(stdout)
	if err != nil {
		// kvgroup's errors never quote the input, which holds passwords.
		fmt.Fprintln(stderr, "agent: reading the input:", err)
		g := kvgroup.New("", "")
		g.Add("retval", fmt.Sprint(uint16(bsafe.CodeUnknownError)))
		g.Add("errmsg", "agent: reading the input: "+err.Error())
		if werr := out.Encode(g); werr != nil {
			fmt.Fprintln(stderr, "agent: writing the output:", werr)
		}
		return exitBroken
	}
	k := newConnector(name)
	// The session's keys and decrypted vault go with the process anyway;
	// Close drops them as soon as the answer is out.
	defer k.Close()
	if err := bsafe.Dispatch(ctx, k, in, out); err != nil {
		fmt.Fprintln(stderr, "agent: writing the output:", err)
		return exitBroken
	}
	return exitOK
}
