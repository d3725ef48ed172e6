package bsafe

import (
	"context"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// noop is a connector that does nothing, fast: what remains in the
// benchmark is Dispatch's own cost.
type noop struct{ account Account }

func (noop) ServerInfo(context.Context) (ServerInfo, error) {
	return ServerInfo{Name: "noop", Version: "1"}, nil
}
func (n *noop) Connect(context.Context, Target) (Connector, error)    { return n, nil }
func (noop) Verify(context.Context, AccountRef, string) (bool, error) { return true, nil }
func (noop) Reset(context.Context, AccountRef, string) error          { return nil }
func (noop) CheckTemplate(context.Context, string) (Account, error) {
	return Account{LongID: "t", ShortID: "t"}, nil
}
func (n noop) Create(context.Context, CreateRequest) (Account, error)          { return n.account, nil }
func (n noop) UserGroups(context.Context, AccountRef) iter.Seq2[string, error] { return one("g1") }
func (n noop) ListUsers(context.Context, ListOptions) iter.Seq2[Account, error] {
	return one(n.account)
}
func (noop) CustomOperations() []CustomOperation {
	return []CustomOperation{{Name: "one", Output: OutputSingle}}
}
func (noop) Custom(context.Context, CustomRequest) iter.Seq2[CustomRow, error] {
	return one(CustomRow{ID: "r1", Attrs: attrs.New("a", "1")})
}

func one[T any](v T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) { yield(v, nil) }
}

// BenchmarkDispatch measures Dispatch per operation, on a connector that
// does nothing, writing to io.Discard; the input is parsed beforehand.
func BenchmarkDispatch(b *testing.B) {
	common := `"address" "" = { "server" = "https://safe.example.com" "organizationName" = "Team" }
		"adminid" = "admin@example.com" "adminpw" = "Admin-pw-1" "sysid" = "client" "syspw" = "Sys-secret-2"
		"hostid" = "SAFE" "timeout" = "30"`
	tests := []struct{ name, in string }{
		{"serverinfo", `"operation" = "serverinfo"`},
		{"verify", `"operation" = "verify" "acctid" = "bonnil" "oldpw" = "Old-pw-3"`},
		{"reset", `"operation" = "reset" "acctid" = "bonnil" "newpw" = "New-pw-4"`},
		{"create", `"operation" = "create" "acctid" = "bonnil" "newpw" = "New-pw-4" "modeluid" = "template"
			"attributes" "" = { "DEFAULT-ACTION" = "COPY"
				"attribute" "assocID" = { "SEQUENCE" = "-1" "GROUP" = "0" "ACTION" = "VALUE" "VALUE" = "bonnil" }
				"attribute" "_collectionNames" = { "ACTION" = "VALUE" "VALUE" = "bonnil" "VALUE" = "shared" }
				"attribute" "notes" = { "ACTION" = "IGNORE" } }`},
		{"listusers", `"operation" = "listusers" "listattributes" "" = { }`},
		{"custom", `"operation" = "custom" "customop" = "one"`},
	}
	var c Connector = &noop{account: Account{LongID: "bonnil-id", ShortID: "bonnil", FullName: "Lise Bonnin",
		Attrs: attrs.New("assocID", "bonnil", "username", "bonnil@example.com"), Groups: []string{"g1"}}}
	for _, tt := range tests {
		in, err := kvgroup.ParseString(`"" "" = { ` + common + ` ` + tt.in + ` }`)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tt.name, func(b *testing.B) {
			// What is measured is an operation that succeeds.
			var out strings.Builder
			if err := Dispatch(context.Background(), c, in, kvgroup.NewEncoder(&out)); err != nil {
				b.Fatal(err)
			}
			if code, msg := outcome(b, out.String()); code != 0 {
				b.Fatalf("retval %d %s", code, msg)
			}
			enc := kvgroup.NewEncoder(io.Discard)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := Dispatch(ctx, c, in, enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
