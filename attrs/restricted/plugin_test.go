package restricted

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The tests run the test binary itself as the plugin: TestMain acts as a
// plugin when pluginEnv names a mode, and runs the tests otherwise.
const (
	pluginEnv = "BSAFE_RESTRICTED_TEST_PLUGIN"
	// recordEnv names a file where the plugin saves what it read on
	// standard input (or, in mode "spawn", its child's process ID).
	recordEnv = "BSAFE_RESTRICTED_TEST_RECORD"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(pluginEnv); mode != "" {
		os.Exit(testPluginMain(mode))
	}
	os.Exit(m.Run())
}

// testPluginMain is the plugin; it returns the exit status.
func testPluginMain(mode string) int {
	readInput := func() []byte {
		in, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "reading stdin:", err)
			os.Exit(100)
		}
		if p := os.Getenv(recordEnv); p != "" {
			if err := os.WriteFile(p, in, 0o600); err != nil {
				fmt.Fprintln(os.Stderr, "recording stdin:", err)
				os.Exit(101)
			}
		}
		return in
	}
	mode, arg, _ := strings.Cut(mode, ":")
	switch mode {
	case "seed1":
		readInput()
		fmt.Print(seedOutput1)
	case "hier":
		readInput()
		fmt.Print(seedOutput2Intended)
	case "retval":
		readInput()
		fmt.Print(`"" "" = { "errmsg" = "county unknown" "retval" = "5" }`)
	case "garbage":
		readInput()
		fmt.Print("this is not a KVGroup {")
	case "endless":
		readInput()
		line := []byte(strings.Repeat("#", 1023) + "\n")
		for {
			if _, err := os.Stdout.Write(line); err != nil {
				return 102
			}
		}
	case "size":
		// A valid document of exactly arg bytes, padded with blanks.
		readInput()
		n, _ := strconv.Atoi(arg)
		doc := seedOutput1
		fmt.Print(doc + strings.Repeat(" ", n-len(doc)))
	case "hang":
		time.Sleep(time.Hour)
	case "exit":
		// Echo the input to stderr (a careless plugin), write nothing
		// to stdout, exit with the status in arg.
		in := readInput()
		os.Stderr.Write(in)
		n, _ := strconv.Atoi(arg)
		return n
	case "exit-output":
		readInput()
		fmt.Print(seedOutput1)
		n, _ := strconv.Atoi(arg)
		return n
	case "exit-retval":
		readInput()
		fmt.Print(`"" "" = { "errmsg" = "no" "retval" = "7" }`)
		n, _ := strconv.Atoi(arg)
		return n
	case "stderrflood":
		// 1 MiB of standard error, then its last words, then the seed's
		// output; exit with the status in arg.
		readInput()
		chunk := []byte(strings.Repeat("e", 1023) + "\n")
		for range 1024 {
			os.Stderr.Write(chunk)
		}
		os.Stderr.WriteString("END-OF-STDERR")
		fmt.Print(seedOutput1)
		n, _ := strconv.Atoi(arg)
		return n
	case "noread":
		fmt.Print(seedOutput1)
	case "args":
		// The arguments, the working directory and $BSAFE_X as values.
		readInput()
		wd, _ := os.Getwd()
		fmt.Print(`"" "" = { "retval" = "0"`)
		for _, v := range append(os.Args[1:], wd, os.Getenv("BSAFE_X")) {
			fmt.Printf(" \"restrictedvalue\" = %q", v)
		}
		fmt.Print(" }")
	case "spawn":
		// Start a child that inherits stdout and hangs; record its PID;
		// hang. (The input is not recorded: the file is for the PID.)
		io.ReadAll(os.Stdin)
		exe, _ := os.Executable()
		child := exec.Command(exe)
		child.Env = append(os.Environ(), pluginEnv+"=hang")
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "spawn:", err)
			return 103
		}
		if !recordPID(child.Process.Pid) {
			return 104
		}
		time.Sleep(time.Hour)
	case "daemon":
		// Start a child that hangs holding the plugin's stdout (arg
		// "stdout") or stderr (arg "stderr") and nothing else, record
		// its PID, write the seed's output and exit 0: a plugin that
		// leaves a background process behind, as
		// `(sleep 77 >/dev/null &)` in a shell script does.
		readInput()
		exe, _ := os.Executable()
		child := exec.Command(exe)
		child.Env = append(os.Environ(), pluginEnv+"=hang")
		switch arg {
		case "stdout":
			child.Stdout = os.Stdout
		case "stderr":
			child.Stderr = os.Stderr
		default:
			return 106
		}
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "daemon:", err)
			return 103
		}
		if !recordPID(child.Process.Pid) {
			return 104
		}
		fmt.Print(seedOutput1)
	default:
		fmt.Fprintln(os.Stderr, "unknown test plugin mode", mode)
		return 99
	}
	return 0
}

// recordPID saves pid in the file that recordEnv names, by writing and
// renaming, so that the test never reads half a PID.
func recordPID(pid int) bool {
	p := os.Getenv(recordEnv)
	if err := os.WriteFile(p+".tmp", []byte(strconv.Itoa(pid)), 0o600); err != nil {
		return false
	}
	return os.Rename(p+".tmp", p) == nil
}

// testPlugin returns a Runner of the test plugin in the given mode, with
// a timeout long enough never to fire on a busy machine.
func testPlugin(t *testing.T, mode string, env ...string) *Runner {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{
		Path:    exe,
		Env:     append(append(os.Environ(), pluginEnv+"="+mode), env...),
		Timeout: 2 * time.Minute,
	}
}
