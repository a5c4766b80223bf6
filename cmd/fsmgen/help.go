package main

import (
	_ "embed"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/tcpfsm/tcpfsm/spec"
)

// helpText is what fsmgen help says of each command: a section a command,
// in the order fsmgen help lists them, each "# NAME: SUMMARY", its usage
// line, and what it does, its examples and its exit status, as help
// prints them.
//
//go:embed help.txt
var helpText string

// commandDoc is what fsmgen help says of a command.
type commandDoc struct {
	name    string
	summary string // one line, for the list of commands
	usage   string // the command line
	about   string // what it does, with time and memory where they matter
	more    string // its examples and exit status
}

// docs are the sections of helpText.
var docs = parseDocs(helpText)

// parseDocs reads the sections of text, written as helpText is: a line
// that begins "# " begins a section.
func parseDocs(text string) []commandDoc {
	var docs []commandDoc
	for _, sec := range strings.Split("\n"+text, "\n# ")[1:] {
		head, rest, _ := strings.Cut(sec, "\n")
		name, summary, _ := strings.Cut(head, ": ")
		usage, body, _ := strings.Cut(rest, "\n")
		body = strings.Trim(body, "\n")
		i := strings.Index(body, "Examples:\n")
		if i < 0 {
			i = strings.Index(body, "Exit status:\n")
		}
		docs = append(docs, commandDoc{name: name, summary: summary, usage: usage,
			about: strings.TrimSpace(body[:max(i, 0)]), more: body[max(i, 0):]})
	}
	return docs
}

// doc is the documentation of the command name; a command without one
// gets its usage and the exit status of every command.
func doc(name string) commandDoc {
	for _, d := range docs {
		if d.name == name {
			return d
		}
	}
	return commandDoc{name: name, usage: "fsmgen " + name + " [flags]", more: "Exit status:\n  0   success\n  2   bad usage, bad input or an I/O error"}
}

// commandNames are the commands in the order fsmgen help lists them.
func commandNames() []string {
	var names []string
	for _, d := range docs {
		names = append(names, d.name)
	}
	for _, n := range slices.Sorted(maps.Keys(specCommands)) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// usage is what fsmgen help prints: the commands and what they do.
func usage() string {
	var b strings.Builder
	b.WriteString("fsmgen: the tcpfsm spec tool\n\nUsage:\n  fsmgen COMMAND [flags] [FILE]\n\nCommands:\n")
	for _, n := range commandNames() {
		fmt.Fprintf(&b, "  %-8s %s\n", n, doc(n).summary)
	}
	b.WriteString(`
The commands that read a spec take it as FILE or -spec FILE; without either,
the spec embedded in fsmgen (spec/tcp.fsm), but fmt reads standard input.

Examples:
  fsmgen check -capacity 1           # the embedded spec, every profile, in seconds
  fsmgen check -profile linux        # one profile at the default bounds: minutes
  fsmgen vet my.fsm
  fsmgen gen                         # regenerate generated/tcp
  fsmgen diagram -format dot | dot -Tsvg > tcp.svg
  fsmgen fmt -w my.fsm               # format my.fsm in place
  sudo fsmgen conform                # hold the linux profile to this kernel
  fsmgen promela -profile linux -capacity 1 -o tcp.pml

Run fsmgen help COMMAND (or fsmgen COMMAND -h) for a command's flags,
examples, time and memory, and exit status; fsmgen version for the version.

Exit status: 0 success, 1 a failed check, 2 bad usage, bad input or an I/O
error; fsmgen check exits 130 when interrupted.
`)
	return b.String()
}

// writeHelp writes the help of the command whose flag set is fs.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	d := doc(strings.TrimPrefix(fs.Name(), "fsmgen "))
	var b strings.Builder
	b.WriteString("fsmgen " + d.name)
	if d.summary != "" {
		b.WriteString(": " + d.summary)
	}
	fmt.Fprintf(&b, "\n\nUsage:\n  %s\n", d.usage)
	if d.about != "" {
		fmt.Fprintf(&b, "\n%s\n", d.about)
	}
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		b.WriteString("\nFlags:\n")
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	fmt.Fprintf(&b, "\n%s\n", d.more)
	io.WriteString(w, b.String())
}

// runHelp prints the list of commands, or the help of the one named.
func runHelp(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("help")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		_, err := io.WriteString(stdout, usage())
		return err
	case 1:
	default:
		return usageErr("name one command, not %q", fs.Args())
	}
	name := fs.Arg(0)
	cmd, ok := command(name)
	if !ok {
		return usageErr("unknown command %q%s; fsmgen help lists the commands", name, spec.DidYouMean(name, commandNames()))
	}
	// Every command answers -h with a helpRequest before it does
	// anything, once its flags are defined.
	return cmd([]string{"-h"}, stdout, stderr)
}
