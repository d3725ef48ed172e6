// Package restricted speaks the protocol of Bravura's restricted-value
// plugins: programs that supply the allowed values of a profile and
// request attribute while a user edits a profile or a request (seed 003,
// "Defining dynamic restricted values using a plugin").
//
// The plugin reads one KVGroup document on its standard input, an
// [Input]: the attribute, the module it runs from, the recipient, the
// request, the requester, the viewer and the model user. It writes one on
// its standard output, an [Output]: "retval" (mandatory; 0 is success),
// "errmsg", and the "restrictedvalue" pairs, at the root for an attribute
// without a parent and in "parent" "<parent value>" groups for one with
// a parent attribute. [Decode] and [FromGroup] read an output,
// [Output.ValuesFor] picks the values for a parent value (with the seed's
// rule for "dangling" root values), and [Output.Err] turns a non-zero
// retval into a [*PluginError].
//
// A [Runner] runs a plugin program with a timeout and an output size
// limit, killing it (and, on Unix, its process group) when either is
// passed. [Runner.Source] adapts it to the RestrictedValues lookup of
// attribute validation in package attrs.
//
// The plugin supplies actual values only. What users see is decided by
// [Offered]: the returned values, with the display text of a static
// restricted value that has the same actual value; static values the
// plugin does not return are not offered.
//
// All KVGroup reading and writing is package kvgroup's. Errors never
// quote values or text from a plugin's input or output (they may be
// secrets): the errmsg of a failing plugin is in [PluginError.Errmsg]
// for display, and its standard error in [RunError.Stderr], neither in
// an error string.
package restricted
