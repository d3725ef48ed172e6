package main

import (
	"strings"
	"unicode/utf8"
)

// flagDef declares one flag of a command: its long name (--name), an
// optional one-letter alias (-f), and whether it takes a value.
type flagDef struct {
	name  string
	short byte
	value bool
}

// input is a parsed command line: the positional arguments and the flags.
type input struct {
	args  []string
	flags map[string]string // long name -> value ("" for a boolean flag)
}

// has reports whether the flag was given.
func (in *input) has(name string) bool {
	_, ok := in.flags[name]
	return ok
}

// value returns the flag's value and whether it was given.
func (in *input) value(name string) (string, bool) {
	v, ok := in.flags[name]
	return v, ok
}

// arg returns the i-th positional argument, or "".
func (in *input) arg(i int) string {
	if i < len(in.args) {
		return in.args[i]
	}
	return ""
}

// splitCommand finds the command name: the first argument that is neither a
// global flag nor the value of one (bw accepts "--session KEY" before the
// command). It returns the name and the other arguments, in order, and
// whether there was a command at all.
func splitCommand(args []string) (name string, rest []string, ok bool) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			if i+1 < len(args) {
				return args[i+1], append(append([]string(nil), args[:i]...), args[i+2:]...), true
			}
			return "", args, false
		}
		if strings.HasPrefix(arg, "-") && arg != "-" {
			if def := lookupLong(globalFlags, strings.TrimPrefix(arg, "--")); def != nil && def.value && !strings.Contains(arg, "=") {
				i++ // skip the flag's value
			}
			continue
		}
		return arg, append(append([]string(nil), args[:i]...), args[i+1:]...), true
	}
	return "", args, false
}

// parseArgs parses args against defs, in bw's spellings: "--flag value",
// "--flag=value", "-f value", bundled one-letter booleans ("-lusn"), flags
// before, between or after positional arguments, and "--" ending the flags.
// A lone "-" is a positional argument. An unknown flag, or one missing its
// value, is an error with commander's message.
func parseArgs(args []string, defs []flagDef) (*input, error) {
	in := &input{flags: map[string]string{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			in.args = append(in.args, args[i+1:]...)
			return in, nil
		case strings.HasPrefix(arg, "--"):
			name, val, hasVal := strings.Cut(arg[2:], "=")
			def := lookupLong(defs, name)
			if def == nil {
				return nil, fail("error: unknown option '--" + printable(name) + "'")
			}
			if def.value && !hasVal {
				if i+1 >= len(args) {
					return nil, fail("error: option '--" + name + "' argument missing")
				}
				i++
				val = args[i]
			} else if !def.value && hasVal {
				return nil, fail("error: option '--" + name + "' takes no value")
			}
			in.flags[def.name] = val
		case len(arg) > 1 && arg[0] == '-':
			// One-letter flags: "-f", "-f value", "-fvalue" or bundled booleans.
			for j := 1; j < len(arg); j++ {
				def := lookupShort(defs, arg[j])
				if def == nil {
					return nil, fail("error: unknown option '-" + printable(string(arg[j])) + "'")
				}
				if !def.value {
					in.flags[def.name] = ""
					continue
				}
				val := arg[j+1:]
				if val == "" {
					if i+1 >= len(args) {
						return nil, fail("error: option '-" + string(arg[j]) + "' argument missing")
					}
					i++
					val = args[i]
				}
				in.flags[def.name] = val
				break
			}
		default:
			in.args = append(in.args, arg)
		}
	}
	return in, nil
}

// printable replaces the control characters of s, so that an error line
// naming a flag or command stays one line whatever was typed.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return '?'
		}
		return r
	}, s)
}

func lookupLong(defs []flagDef, name string) *flagDef {
	for i := range defs {
		if defs[i].name == name {
			return &defs[i]
		}
	}
	return nil
}

func lookupShort(defs []flagDef, c byte) *flagDef {
	for i := range defs {
		if defs[i].short != 0 && defs[i].short == c {
			return &defs[i]
		}
	}
	return nil
}
