package restricted_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/bsafe-go/bsafe/attrs"
	"github.com/bsafe-go/bsafe/attrs/restricted"
	"github.com/bsafe-go/bsafe/kvgroup"
)

// Decoding the output of seed 003's example plugin for an attribute
// without a parent.
func ExampleDecode() {
	out, err := restricted.Decode(strings.NewReader(`"" "" = {
		"errmsg" = "success"
		"restrictedvalue" = "Alberta"
		"restrictedvalue" = "Quebec"
		"restrictedvalue" = "New York"
		"restrictedvalue" = "California"
		"retval" = "0"
	}`))
	if err != nil {
		log.Fatal(err)
	}
	if err := out.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Errmsg, out.Values)
	// Output: success [Alberta Quebec New York California]
}

// Values per parent value, and the dangling value "Other", which counts
// for the empty parent value only when the parent is optional.
func ExampleOutput_ValuesFor() {
	out, err := restricted.Decode(strings.NewReader(`"" "" = {
		"restrictedvalue" = "Other"
		"parent" "US" = { "restrictedvalue" = "NY" "restrictedvalue" = "WA" }
		"parent" "CA" = { "restrictedvalue" = "AB" "restrictedvalue" = "QC" }
		"errmsg" = "success"
		"retval" = "0"
	}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.ValuesFor("CA", false))
	fmt.Println(out.ValuesFor("", true))
	fmt.Println(out.ValuesFor("", false))
	// Output:
	// [AB QC]
	// [Other]
	// []
}

// Static restricted values supply display texts, but only the values the
// plugin returns are offered.
func ExampleOffered() {
	d := attrs.NewDefinition("EMPLOYEE-TYPE", attrs.String)
	d.Plugin = "employee-types"
	d.Restricted = []attrs.RestrictedValue{
		{Actual: "EMPLOYEE", Display: "Employee"},
		{Actual: "CONTRACTOR", Display: "Contractor"},
		{Actual: "STUDENT", Display: "Student"},
	}
	for _, v := range restricted.Offered(d, "", []string{"CONTRACTOR", "INTERN"}) {
		fmt.Printf("%s %q\n", v.Actual, v.Display)
	}
	// Output:
	// CONTRACTOR "Contractor"
	// INTERN ""
}

// The input of seed 003's example, as a plugin reads it.
func ExampleInput_Group() {
	in := &restricted.Input{
		Attribute:  "STATE",
		Module:     restricted.ModuleIDR,
		Operations: []string{"GRUA"},
		Parent:     "COUNTY",
		RequestID:  "536C788C1D12B58CADCDCCE4FD0E3D62",
		SessionID:  "Scced6c11-2387-4e0d-a09a-d42ed23360cc",
		Viewer:     &restricted.User{ID: "crysta.soria", Name: "Crysta Soria"},
	}
	fmt.Print(string(kvgroup.Format(in.Group())))
	// Output:
	// "" "" = {
	//   "attribute" = "STATE"
	//   "module" = "idr"
	//   "operation" = "GRUA"
	//   "parent" = "COUNTY"
	//   "requestID" = "536C788C1D12B58CADCDCCE4FD0E3D62"
	//   "sessionid" = "Scced6c11-2387-4e0d-a09a-d42ed23360cc"
	//   "viewer" "user" = {
	//     "id" = "crysta.soria"
	//     "name" = "Crysta Soria"
	//   }
	// }
}

// Running a plugin program (not run here: it needs the program).
func ExampleRunner() {
	r := &restricted.Runner{
		Path:    "/opt/bravura/plugins/restricted-value-plugin",
		Timeout: 10 * time.Second,
	}
	out, err := r.Run(context.Background(), &restricted.Input{Attribute: "PROVINCE", Module: restricted.ModuleIDR})
	if err != nil {
		log.Fatal(err) // a *restricted.PluginError or a *restricted.RunError
	}
	fmt.Println(out.ValuesFor("", true))
}

// Source adapts a Runner to attribute validation's RestrictedValues
// lookup (not run here: it needs the plugin program). With an empty Path
// each definition's Plugin is run.
func ExampleRunner_Source() {
	country := attrs.NewDefinition("COUNTRY", attrs.String)
	country.Restricted = []attrs.RestrictedValue{{Actual: "US"}, {Actual: "CA"}}
	state := attrs.NewDefinition("STATE", attrs.String)
	state.Parent, state.Plugin = "COUNTRY", "/opt/bravura/plugins/states"
	schema := attrs.Schema{country, state}

	r := &restricted.Runner{}
	values := r.Source(schema, restricted.Input{Module: restricted.ModuleIDR, UserID: "doejo"})
	allowed, err := values(context.Background(), state, "US")
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range restricted.Offered(state, "US", allowed) {
		fmt.Println(v.Actual, v.Display)
	}
}
