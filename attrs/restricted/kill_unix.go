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
