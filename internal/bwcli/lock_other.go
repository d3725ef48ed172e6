//go:build !unix

package bwcli

// lockPath is a no-op where flock is not available: concurrent installers
// may then both run npm, and the atomic rename keeps the result whole.
func lockPath(string) (unlock func(), err error) { return func() {}, nil }
