package restricted

// The plugin documents of seed 003 ("Defining dynamic restricted values
// using a plugin"), copied as printed (each on one line, as the seed
// prints them).
const (
	// "For example:" (Input).
	seedInput = `"" "" = { "attribute" = "STATE" "module" = "idr" "operation" = "GRUA" "parent" = "COUNTY" "requestID" = "536C788C1D12B58CADCDCCE4FD0E3D62" "sessionid" = "Scced6c11-2387-4e0d-a09a-d42ed23360cc" "viewer" "user" = { "id" = "crysta.soria" "name" = "Crysta Soria" } }`

	// "The following is an example of output that should be returned,
	// where there is no parent attribute:"
	seedOutput1 = `"" "" = { "errmsg" = "success" "restrictedvalue" = "Alberta" "restrictedvalue" = "Quebec" "restrictedvalue" = "New York" "restrictedvalue" = "California" "retval" = "0" }`

	// "The following is an example of output that should be returned,
	// where a parent attribute has been set:" -- malformed as printed.
	seedOutput2 = `"" "" = { "restrictedvalue" = "Other" "parent" = "US" = { "restrictedvalue" = "NY" "restrictedvalue" = "WA" "restrictedvalue" = "TX" "restrictedvalue" = "CA" "parent" = "CA" = { "restrictedvalue" = "AB" "restrictedvalue" = "QC" "errmsg" = "success" "retval" = "0" }`

	// seedOutput2Intended is the document seedOutput2 evidently means:
	// both "parent" groups at the root, closed, with errmsg and retval
	// at the root.
	seedOutput2Intended = `"" "" = { "restrictedvalue" = "Other" "parent" "US" = { "restrictedvalue" = "NY" "restrictedvalue" = "WA" "restrictedvalue" = "TX" "restrictedvalue" = "CA" } "parent" "CA" = { "restrictedvalue" = "AB" "restrictedvalue" = "QC" } "errmsg" = "success" "retval" = "0" }`

	// seedParentFormat is the seed's format line for parent groups,
	// "parent" "<parent value>" { ... }, which lacks KVGroup's '='.
	seedParentFormat = `"" "" = { "retval" = "0" "parent" "US" { "restrictedvalue" = "NY" } }`
)
