package bsafe

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// FuzzDispatch: any KVGroup document, dispatched on a connector with every
// capability, gives an output that parses back and holds a retval, and
// never a panic. "customfilename" is pointed into a temporary directory,
// so that the fuzzer cannot write elsewhere.
func FuzzDispatch(f *testing.F) {
	seeds := []string{
		agentInput("operation", "serverinfo"),
		agentInput("operation", "listusers", "timeout", "5"),
		agentInput("operation", "reset", "acctid", "a", "newpw", "N"),
		agentInput("operation", "verifyreset", "acctid", "a", "newpw", "N"),
		agentInput("operation", "custom_many", "customfilename", "x"),
		agentInput("operation", "custom", "customop", "one"),
		agentInput("operation", "listsubscribers", "k_resourceType", "ls_iisacct", "hostid", "h"),
		agentInput("operation", "listcomputers", "k_resourceType", "ls_compsvr"),
		agentInput("operation", "updatesubscriber", "acctid", "a", "newpw", "N", "k_resourceType", "ls_iisacct", "k_resourceURI", "u"),
		agentInput("operation", "groupuseradd", "acctid", "a", "groupid", "g1"),
		agentInput("operation", "timeout", "timeout", "x"),
		`"" "" = { "operation" = "create" "acctid" = "a" "newpw" = "N" "modeluid" = "t" "attributes" "" = {
			"DEFAULT-ACTION" = "COPY" "attribute" "m" = { "SEQUENCE" = "-1" "GROUP" = "0" "ACTION" = "VALUE" "VALUE" = "x" "VALUE" "" = { "y" } } } }`,
		`"" "" = { "operation" = "update" "acctid" = "a" "attributes" "" = { "attribute" "m" = { "ACTION" = "COPY" } } }`,
		`"" "" = { "operation" = "listgroups" "address" "" = { "server" = "s" } "addresscomponents" "" = { "p" = "q" } }`,
		`"" "" = { "operation" = "userattributes" "acctid" = "a" "listattributes" "" = { "m" "k" = "v" } }`,
		`"" "" = { "operation" = "isexpiredpw" "acctid" = "a" "acctid" "" = { } }`,
		`"" "" = { }`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		in, err := kvgroup.ParseString(text)
		if err != nil {
			return
		}
		sandbox(in, filepath.Join(dir, "custom.kvg"))
		var b strings.Builder
		c := newFake()
		c.users = append(c.users, Account{LongID: "", ShortID: "x"})
		if err := Dispatch(context.Background(), c, in, kvgroup.NewEncoder(&b)); err != nil {
			t.Fatalf("Dispatch on a strings.Builder: %v", err)
		}
		out, err := kvgroup.ParseString(b.String())
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, b.String())
		}
		rv, ok := out.Lookup("retval")
		if !ok {
			t.Fatalf("no retval:\n%s", b.String())
		}
		if n, err := strconv.Atoi(rv); err != nil || !Code(n).Known() {
			t.Fatalf("retval %q is not a code", rv)
		}
		if _, ok := out.Lookup("errmsg"); !ok {
			t.Fatalf("no errmsg:\n%s", b.String())
		}
		if items := out.Items; len(items) < 2 || items[len(items)-1].Key != "errmsg" || items[len(items)-2].Key != "retval" {
			t.Fatalf("retval and errmsg are not last:\n%s", b.String())
		}
	})
}

// sandbox points every "customfilename" of the input's root at name.
func sandbox(g *kvgroup.Group, name string) {
	for i := range g.Items {
		if g.Items[i].Key == "customfilename" && g.Items[i].Group == nil {
			g.Items[i].Value = name
		}
	}
}
