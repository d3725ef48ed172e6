//go:build !unix

package restricted

import "os/exec"

// killGroupOnCancel keeps os/exec's default, killing the plugin process
// only: outside Unix, bsafe does not track the plugin's children.
func killGroupOnCancel(cmd *exec.Cmd) {}

// killGroup does nothing outside Unix (see killGroupOnCancel).
func killGroup(cmd *exec.Cmd) {}
