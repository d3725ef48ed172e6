package bsafe_test

import (
	"context"
	"fmt"
	"iter"
	"os"

	"github.com/bsafe-go/bsafe"
	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// directory is a tiny connector: serverinfo, and listusers over a fixed
// list.
type directory struct{}

func (directory) ServerInfo(context.Context) (bsafe.ServerInfo, error) {
	return bsafe.ServerInfo{Name: "Directory", Version: "1.0"}, nil
}

func (directory) ListUsers(_ context.Context, opts bsafe.ListOptions) iter.Seq2[bsafe.Account, error] {
	return func(yield func(bsafe.Account, error) bool) {
		a := bsafe.Account{LongID: "cn=bonnil", ShortID: "bonnil", FullName: "Lise Bonnin",
			Attrs: attrs.New("mail", "bonnil@example.com")}
		yield(a, nil)
	}
}

func ExampleDispatch() {
	in, err := kvgroup.ParseString(`"" "" = {
		"operation" = "listusers"
		"adminid" = "admin"
		"adminpw" = "not-in-the-output"
		"listattributes" "" = { }
	}`)
	if err != nil {
		panic(err)
	}
	// The output goes to stdout as it is produced; Dispatch fails only when
	// writing it does.
	if err := bsafe.Dispatch(context.Background(), directory{}, in, kvgroup.NewEncoder(os.Stdout)); err != nil {
		fmt.Println("writing the output:", err)
	}
	// Output:
	// "" "" = {
	//   "account" "cn=bonnil" = {
	//     "stableid" = "cn=bonnil"
	//     "shortid" = "bonnil"
	//     "fullname" = "Lise Bonnin"
	//     "attr" "mail" = {
	//       "value" = "bonnil@example.com"
	//     }
	//   }
	//   "retval" = "0"
	//   "errmsg" = ""
	// }
}
