//go:build unix

package restricted

import (
	"os/exec"
	"syscall"
)

// killGroupOnCancel starts the plugin in a process group of its own and
// makes cancellation kill the whole group, so that a plugin script's
// children (a shell's commands, say) die with it.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
}

// killGroup kills what is left of the plugin's process group after the
// plugin has exited and been waited for: a background child it started
// and did not end. The group's ID is the plugin's process ID, which the
// system does not reuse while a member of the group lives; with none
// left the kill finds nothing (ESRCH), unless in the instant since the
// plugin was reaped its ID was reused for a new process that made itself
// a group leader, a race far too unlikely to defend against.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
