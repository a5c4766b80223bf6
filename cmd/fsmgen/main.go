// Command fsmgen checks and validates tcpfsm spec files, generates Go
// transition tables from them and draws their state diagrams.
//
// Exit status: 0 success, 1 a check failed, 2 bad usage or bad input.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/tcpfsm/tcpfsm/spec"
)

const usage = `fsmgen: the tcpfsm spec tool

Usage:
  fsmgen check   [-spec FILE] [-profile NAME|all]    check the spec's properties under each profile
  fsmgen vet     [-spec FILE]                      validate a spec, report every problem
  fsmgen gen     [-spec FILE] [-out DIR] [-pkg NAME]   generate the Go table package
  fsmgen diagram [-spec FILE] [-format mermaid|dot]  draw the state diagram
  fsmgen fmt     [-spec FILE] [-w] [-l]              format a spec, keeping its comments
  fsmgen conform [-record DIR] [-scenario NAME] [-v]  run the live close scenarios against this kernel (root, Linux)
  fsmgen promela [-spec FILE] [-profile NAME] [-msl D] [-capacity N] [-incarnations N] [-o FILE]
                                                   export the model fsmgen check explores to Promela, for SPIN

Without -spec, commands use the embedded TCP spec (spec/tcp.fsm).

Examples:
  fsmgen check                       # the embedded TCP spec, every profile
  fsmgen check -profile linux
  fsmgen vet -spec my.fsm
  fsmgen gen                         # regenerate generated/tcp
  fsmgen diagram -format dot | dot -Tsvg > tcp.svg
  fsmgen fmt -w -spec my.fsm         # format my.fsm in place
  sudo fsmgen conform                # hold the linux profile to this kernel
  fsmgen promela -profile linux -capacity 1 -o tcp.pml   # then: spin -a tcp.pml

Exit status: 0 success, 1 a check failed, 2 bad usage or bad input.
`

// exitError carries an exit status with its message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

func main() {
	// The explorer's memory is nearly all long-lived arrays without
	// pointers, cheap for the collector to keep; collecting more often
	// keeps the process close to what it holds (GOGC, if set, wins).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// specCommands are the commands that read a spec, by name. Each is given
// its flag set, with the -spec flag every one of them takes, adds its own
// flags and parses args with its load or path method. Each reports a
// failure as an exitError, a spec.ErrorList or a plain error.
var specCommands = map[string]func(c *specCommand, args []string, stdout, stderr io.Writer) error{
	"check": runCheck, "vet": runVet, "gen": runGen, "diagram": runDiagram,
	"fmt": runFmt, "promela": runPromela,
	"explain":  runExplain,
	"diagnose": runDiagnose,
}

// run executes one command and returns its exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch name := args[0]; {
	case specCommands[name] != nil:
		err = specCommands[name](newSpecCommand(name, stderr), args[1:], stdout, stderr)
	case name == "conform":
		err = runConform(args[1:], stdout, stderr)
	case slices.Contains([]string{"-h", "-help", "--help", "help"}, name):
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "fsmgen: unknown command %q\n\n%s", name, usage)
		return 2
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, ee.msg)
		}
		return ee.code
	}
	var list spec.ErrorList
	if errors.As(err, &list) {
		fmt.Fprintln(stderr, list.Error())
		fmt.Fprintf(stderr, "fsmgen: %d problem%s in the spec\n", len(list), plural(len(list)))
		return 2
	}
	fmt.Fprintf(stderr, "fsmgen: %v\n", err)
	return 1
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("fsmgen "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, turning a flag error into exit status 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2}
	}
	return nil
}

// maxSpecSize bounds what loadSpec reads: a spec is a page of text, and
// anything far larger is a mistake.
const maxSpecSize = 4 << 20

// loadSpec parses the spec at path, or the embedded TCP spec when path is
// empty. It returns the spec and the name it goes by in headers.
func loadSpec(path string) (*spec.Spec, error) {
	if path == "" {
		return spec.TCP()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErr("fsmgen: %v", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, usageErr("fsmgen: %s is a directory, not a spec file", path)
	}
	src, err := io.ReadAll(io.LimitReader(f, maxSpecSize+1))
	if err != nil {
		return nil, usageErr("fsmgen: read %s: %v", path, err)
	}
	if len(src) > maxSpecSize {
		return nil, usageErr("fsmgen: %s is larger than %d MiB; a spec is a page of text", path, maxSpecSize>>20)
	}
	return spec.Parse(strings.TrimPrefix(path, "./"), src)
}

// specCommand is the flag set of a command that reads a spec: its own
// flags and the -spec flag they all take. The spec may also be given as
// the one argument, so both "fsmgen vet my.fsm" and "fsmgen vet -spec
// my.fsm" work; without either, the embedded TCP spec.
type specCommand struct {
	*flag.FlagSet
	spec *string
}

// newSpecCommand makes the flag set of the command name, reporting errors
// to stderr, with the -spec flag.
func newSpecCommand(name string, stderr io.Writer) *specCommand {
	fs := newFlags(name, stderr)
	return &specCommand{FlagSet: fs, spec: fs.String("spec", "", defaultSpecUsage)}
}

// path parses args and returns the spec's path, "" for the embedded spec.
func (c *specCommand) path(args []string) (string, error) {
	if err := parseFlags(c.FlagSet, args); err != nil {
		return "", err
	}
	switch c.NArg() {
	case 0:
		return *c.spec, nil
	case 1:
		if *c.spec != "" {
			return "", usageErr("fsmgen: give the spec once, by -spec or as an argument")
		}
		return c.Arg(0), nil
	}
	return "", usageErr("fsmgen: unexpected arguments %q", c.Args()[1:])
}

// load parses args and the spec they name. path is "" for the embedded spec.
func (c *specCommand) load(args []string) (sp *spec.Spec, path string, err error) {
	if path, err = c.path(args); err != nil {
		return nil, "", err
	}
	sp, err = loadSpec(path)
	return sp, path, err
}

// profile is the profile of sp called name, or a usage error that lists
// the profiles sp has.
func (c *specCommand) profile(sp *spec.Spec, name string) (*spec.Profile, error) {
	if p := sp.Profile(name); p != nil {
		return p, nil
	}
	return nil, usageErr("%s: unknown profile %q: the spec has %s", c.Name(), name, strings.Join(sp.ProfileNames(), ", "))
}

const defaultSpecUsage = "spec `file` (default: the embedded TCP spec)"

// runVet parses the spec and reports every problem in it at once, exit
// status 2, or its size.
func runVet(c *specCommand, args []string, stdout, _ io.Writer) error {
	sp, _, err := c.load(args)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: machine %s: %d states, %d events, %d timers, %d rules, %d profiles: ok\n",
		sp.File, sp.Machine, len(sp.States), len(sp.Events), len(sp.Timers), len(sp.Rules), len(sp.Profiles))
	return nil
}
