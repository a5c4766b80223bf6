// Command fsmgen checks and validates tcpfsm spec files, generates Go
// transition tables from them and draws their state diagrams.
//
// Exit status: 0 success, 1 a failed check, 2 bad usage, bad input or an
// I/O error; 130 when fsmgen check is interrupted. fsmgen help COMMAND
// says what each command does, its flags and its exit status.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/tcpfsm/tcpfsm/spec"
)

// exitError carries an exit status with its message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageErr is an error of bad usage, bad input or I/O: exit status 2.
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

// stdin is what fsmgen fmt reads without a file; tests replace it.
var stdin io.Reader = os.Stdin

// specCommands are the commands that read a spec, by name. Each is given
// its flag set, with the -spec flag every one of them takes, adds its own
// flags and parses args with its load or path method. Each reports a
// failure as an exitError, a spec.ErrorList or a plain error.
var specCommands = map[string]func(c *specCommand, args []string, stdout, stderr io.Writer) error{
	"check": runCheck, "vet": runVet, "gen": runGen, "diagram": runDiagram,
	"fmt": runFmt, "promela": runPromela,
	"replay": runReplay, "explain": runExplain, "diagnose": runDiagnose,
}

// command is the command called name, or false.
func command(name string) (func(args []string, stdout, stderr io.Writer) error, bool) {
	if f := specCommands[name]; f != nil {
		return func(args []string, stdout, stderr io.Writer) error {
			return f(newSpecCommand(name), args, stdout, stderr)
		}, true
	}
	switch name {
	case "conform":
		return runConform, true
	case "track":
		return runTrack, true
	case "help":
		return runHelp, true
	case "version":
		return runVersion, true
	}
	return nil, false
}

// run executes one command and returns its exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	cmd, ok := command(name)
	if !ok {
		if strings.HasPrefix(name, "-") {
			fmt.Fprintf(stderr, "fsmgen: unknown flag %s; fsmgen help lists the commands\n", name)
		} else {
			fmt.Fprintf(stderr, "fsmgen %s: unknown command%s; fsmgen help lists the commands\n", name, spec.DidYouMean(name, commandNames()))
		}
		return 2
	}
	err := cmd(args[1:], stdout, stderr)
	var help *helpRequest
	if errors.As(err, &help) {
		writeHelp(stdout, help.fs)
		return 0
	}
	return report(stderr, name, err)
}

// report prints err, the failure of the command cmd, on stderr and returns
// the exit status it calls for: an exitError's own, 2 for problems in a
// spec and for any other error (bad input or I/O), the worst of a joined
// list of errors. Every message is printed once, as one line that begins
// "fsmgen CMD: " (the command may have written that prefix itself), but
// for a spec's problems, which are lines FILE:LINE:COL: MESSAGE as
// compilers print them, and then their count.
func report(stderr io.Writer, cmd string, err error) int {
	if err == nil {
		return 0
	}
	if list, ok := err.(interface{ Unwrap() []error }); ok {
		code := 0
		for _, e := range list.Unwrap() {
			code = max(code, report(stderr, cmd, e))
		}
		return code
	}
	var ee *exitError
	var list spec.ErrorList
	switch {
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(stderr, prefixed(cmd, ee.msg))
		}
		return ee.code
	case errors.As(err, &list):
		fmt.Fprintln(stderr, list.Error())
		fmt.Fprintf(stderr, "fsmgen %s: %d problem%s in the spec\n", cmd, len(list), plural(len(list)))
		return 2
	}
	fmt.Fprintln(stderr, prefixed(cmd, err.Error()))
	return 2
}

// prefixed is msg with the prefix "fsmgen CMD: " once: added where msg
// has none, in place of a bare "fsmgen: ".
func prefixed(cmd, msg string) string {
	p := "fsmgen " + cmd + ": "
	if strings.HasPrefix(msg, p) {
		return msg
	}
	return p + strings.TrimPrefix(msg, "fsmgen: ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// maxSpecSize bounds what readSource reads: a spec is a page of text, and
// anything far larger is a mistake.
const maxSpecSize = 4 << 20

// loadSpec parses the spec at path, or the embedded TCP spec when path is
// empty.
func loadSpec(path string) (*spec.Spec, error) {
	if path == "" {
		return spec.TCP()
	}
	src, err := readSpecFile(path)
	if err != nil {
		return nil, err
	}
	return spec.Parse(specName(path), src)
}

// specName is the name a spec file goes by in positions and reports.
func specName(path string) string { return strings.TrimPrefix(path, "./") }

// readSpecFile reads the text of the spec file at path.
func readSpecFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, usageErr("%s is a directory, not a spec file", path)
	}
	return readSource(f, path)
}

// readSource reads a spec's text from r, called name in messages.
func readSource(r io.Reader, name string) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxSpecSize+1))
	if err != nil {
		return nil, usageErr("read %s: %v", name, err)
	}
	if len(src) > maxSpecSize {
		return nil, usageErr("%s is larger than %d MiB; a spec is a page of text", name, maxSpecSize>>20)
	}
	return src, nil
}

// shownSpec is sp as a report names it: a spec file by its path, the
// embedded spec by the fsmgen it is built into (embeddedSpec), since one
// who installed fsmgen has no spec/tcp.fsm to look at. path is "" for the
// embedded spec.
func shownSpec(sp *spec.Spec, path string) *spec.Spec {
	if path != "" {
		return sp
	}
	shown := *sp
	shown.File = embeddedSpec()
	return &shown
}

// specCommand is the flag set of a command that reads a spec: its own
// flags and the -spec flag they all take. The spec may also be given as
// the one argument, so both "fsmgen vet my.fsm" and "fsmgen vet -spec
// my.fsm" work; without either, the embedded TCP spec.
type specCommand struct {
	*flag.FlagSet
	spec *string
}

// newSpecCommand makes the flag set of the command name, with the -spec
// flag.
func newSpecCommand(name string) *specCommand {
	fs := newFlags(name)
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
			return "", usageErr("give the spec once, by -spec or as an argument")
		}
		return c.Arg(0), nil
	}
	return "", usageErr("unexpected arguments %q", c.Args()[1:])
}

// load parses args and the spec they name. path is "" for the embedded spec.
func (c *specCommand) load(args []string) (sp *spec.Spec, path string, err error) {
	if path, err = c.path(args); err != nil {
		return nil, "", err
	}
	sp, err = loadSpec(path)
	return sp, path, err
}

// profile is the profile of sp called name, ignoring case, or a usage
// error that suggests the closest and lists the profiles sp has.
func (c *specCommand) profile(sp *spec.Spec, name string) (*spec.Profile, error) {
	if p := sp.Profile(name); p != nil {
		return p, nil
	}
	for _, p := range sp.Profiles {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	names := sp.ProfileNames()
	return nil, usageErr("unknown profile %q%s: the spec has %s", name, spec.DidYouMean(name, names), strings.Join(names, ", "))
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
