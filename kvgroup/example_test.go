package kvgroup_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/bsafe-go/bsafe/kvgroup"
)

// Parse the input a restricted-value plugin receives on stdin.
func ExampleParse() {
	stdin := strings.NewReader(`"" "" = { "attribute" = "STATE" "module" = "idr" "operation" = "GRUA" "parent" = "COUNTY" "viewer" "user" = { "id" = "crysta.soria" "name" = "Crysta Soria" } }`)
	in, err := kvgroup.Parse(stdin)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("attribute:", in.Get("attribute"))
	fmt.Println("parent:", in.Get("parent"))
	if _, ok := in.Lookup("userid"); !ok {
		fmt.Println("userid: not given")
	}
	fmt.Println("viewer:", in.Group("viewer", "user").Get("name"))
	// Output:
	// attribute: STATE
	// parent: COUNTY
	// userid: not given
	// viewer: Crysta Soria
}

// Build the output of a plugin or agent and write it to stdout.
func ExampleEncoder() {
	out := kvgroup.New("", "")
	out.Add("errmsg", "success").Add("retval", "0")
	out.Add("restrictedvalue", "Other")
	us := out.AddGroup("parent", "US")
	us.Add("restrictedvalue", "NY").Add("restrictedvalue", "WA")

	enc := kvgroup.NewEncoder(os.Stdout)
	enc.SetHeader("KVGROUP-V1.0")
	if err := enc.Encode(out); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # KVGROUP-V1.0
	// "" "" = {
	//   "errmsg" = "success"
	//   "retval" = "0"
	//   "restrictedvalue" = "Other"
	//   "parent" "US" = {
	//     "restrictedvalue" = "NY"
	//     "restrictedvalue" = "WA"
	//   }
	// }
}

// Stream a large listing without building the tree in memory.
func ExampleEncoder_BeginGroup() {
	enc := kvgroup.NewEncoder(os.Stdout)
	_ = enc.BeginGroup("", "")
	_ = enc.WritePair("retval", "0")
	for _, id := range []string{"alice", "bob"} {
		_ = enc.BeginGroup("account", id)
		_ = enc.WritePair("shortid", id)
		_ = enc.EndGroup()
	}
	if err := enc.EndGroup(); err != nil { // flushes the document
		fmt.Println(err)
	}
	// Output:
	// "" "" = {
	//   "retval" = "0"
	//   "account" "alice" = {
	//     "shortid" = "alice"
	//   }
	//   "account" "bob" = {
	//     "shortid" = "bob"
	//   }
	// }
}

// Read a stream of documents until the empty document signals the end.
func ExampleDecoder() {
	stdin := strings.NewReader(`# KVGROUP-V1.0
"" "" = { "objectid" = "PREQ1" }
# KVGROUP-V1.0
"" "" = { "objectid" = "PREQ2" }
"" "" = { }
"" "" = { "objectid" = "not read" }
`)
	dec := kvgroup.NewDecoder(stdin)
	for dec.More() {
		g, err := dec.Decode()
		if err != nil {
			fmt.Println(err)
			return
		}
		if g.IsEmpty() {
			fmt.Println("end of list")
			break
		}
		fmt.Println(dec.Header(), g.Get("objectid"))
	}
	// Output:
	// KVGROUP-V1.0 PREQ1
	// KVGROUP-V1.0 PREQ2
	// end of list
}

// Marshal a struct: tags name the keys, slices give multi-valued keys, and
// a slice of structs gives repeated inner groups whose name comes from the
// field tagged ",name".
func ExampleMarshal() {
	type Parent struct {
		Value  string   `kvg:",name"`
		Values []string `kvg:"restrictedvalue"`
	}
	type Output struct {
		ErrMsg  string   `kvg:"errmsg"`
		RetVal  int      `kvg:"retval"`
		Values  []string `kvg:"restrictedvalue"`
		Parents []Parent `kvg:"parent"`
		Debug   string   `kvg:"debug,omitempty"`
	}
	text, err := kvgroup.Marshal(Output{
		ErrMsg:  "success",
		Values:  []string{"Alberta", "Quebec"},
		Parents: []Parent{{Value: "US", Values: []string{"NY"}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(text))
	// Output:
	// "" "" = {
	//   "errmsg" = "success"
	//   "retval" = "0"
	//   "restrictedvalue" = "Alberta"
	//   "restrictedvalue" = "Quebec"
	//   "parent" "US" = {
	//     "restrictedvalue" = "NY"
	//   }
	// }
}

// Unmarshal agent input into a struct.
func ExampleUnmarshal() {
	type Attribute struct {
		Name   string   `kvg:",name"`
		Action string   `kvg:"ACTION"`
		Values []string `kvg:"VALUE"`
	}
	type Input struct {
		Operation  string      `kvg:"operation"`
		Timeout    int         `kvg:"timeout"`
		Attributes []Attribute `kvg:"attribute"`
	}
	data := []byte(`"" "" = {
  "operation" = "update"
  "timeout" = "-1"
  "attribute" "givenName" = { "ACTION" = "VALUE" "VALUE" = "John" }
  "attribute" "mail" = { "ACTION" = "VALUE" "VALUE" = "j@example.com" "VALUE" = "john@example.com" }
}`)
	var in Input
	if err := kvgroup.Unmarshal(data, &in); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(in.Operation, in.Timeout)
	for _, a := range in.Attributes {
		fmt.Println(a.Name, a.Action, a.Values)
	}
	// Output:
	// update -1
	// givenName VALUE [John]
	// mail VALUE [j@example.com john@example.com]
}

// Syntax errors give a position but never quote the input, which may hold
// passwords.
func ExampleSyntaxError() {
	_, err := kvgroup.ParseString("\"\" \"\" = {\n  \"adminpw\" = \"s3cret\" = \n}")
	fmt.Println(err)
	// Output:
	// kvgroup: syntax error at line 2, column 24: unexpected '=', expected string or '}'
}

// Read a V2 configuration file, recognised by its header.
func ExampleParseString_v2() {
	g, err := kvgroup.ParseString(`# KVGROUP-V2.0
agtbsafe = {
  agent = agtpython.exe;
  script = agtbsafe.py;
  objects = {ACCT;ASSET;GRP;ROLE;};
};`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Key, g.Get("agent"), g.FirstGroup("objects").List())
	// Output:
	// agtbsafe agtpython.exe [ACCT ASSET GRP ROLE]
}
