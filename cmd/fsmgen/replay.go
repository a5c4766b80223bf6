package main

import (
	"fmt"
	"io"
	"os"

	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

// traceFormatHelp describes the JSON of fsmgen check -trace-out, for the
// help of check and replay.
const traceFormatHelp = `{"format": "tcpfsm-traces/1",
  "spec": the spec file, "spec_hash": "sha256:" and the hex SHA-256 of its text,
  "embedded": true for the spec built into fsmgen, "bounds": the model's bounds,
  "incomplete": true if the run was interrupted,
  "counterexamples": [{"profile", "property", "status": "VIOLATED" or "finding",
    "finding": the citation of a declared finding, "problem",
    "bounds": the bounds it was found at, where not the file's (the data, attacker, keep-alive or user timeout run of the default check),
    "initial": the first state,
    "steps": [{"label": what happened, "rule": "FILE:LINE" of the rule that decided it, "state": the state after it,
      "draw": {"message": {"from", "to", "text", "lost"}, "notes": [{"over", "text"}]}}],
    "loop": for a lasso, the index in steps where the cycle that repeats for ever begins,
    "stutter": true if that cycle is time passing and nothing else}]}`

// runReplay prints the counterexamples fsmgen check -trace-out saved in a
// file, as check prints them, or with -diagram as Mermaid sequence
// diagrams. It prints what was saved and runs no model; if the spec they
// were saved from has changed since, it says so on stderr, and still
// prints them. A file it cannot read is exit status 2.
func runReplay(c *specCommand, args []string, stdout, stderr io.Writer) error {
	c.Lookup("spec").Usage = "spec `file` to compare the saved spec hash with (default: the spec the trace file names)"
	asDiagram := c.Bool("diagram", false, "print the counterexamples as Mermaid sequence diagrams")
	c.Usage = func() {
		fmt.Fprintf(c.Output(), "Usage: fsmgen replay [-diagram] [-spec FILE] TRACEFILE\n\n"+
			"Prints the counterexamples fsmgen check -trace-out saved in TRACEFILE.\n\n")
		c.PrintDefaults()
		fmt.Fprintf(c.Output(), "\nTRACEFILE is JSON:\n%s\n", traceFormatHelp)
	}
	if err := parseFlags(c.FlagSet, args); err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usageErr("fsmgen replay: give one trace file, saved by fsmgen check -trace-out")
	}
	tf, err := readTraceFile(c.Arg(0))
	if err != nil {
		return err
	}
	if note := specChanged(tf, *c.spec); note != "" {
		fmt.Fprintln(stderr, "fsmgen replay: "+note)
	}
	if *asDiagram {
		return tf.WriteDiagrams(stdout)
	}
	return tf.WriteText(stdout)
}

// readTraceFile reads the trace file at path, or returns a usage error
// that names it.
func readTraceFile(path string) (*verify.TraceFile, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, usageErr("fsmgen replay: %s is a directory, not a trace file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErr("fsmgen replay: %v", err)
	}
	defer f.Close()
	tf, err := verify.ReadTraceFile(path, f)
	if err != nil {
		return nil, usageErr("fsmgen replay: %v", err)
	}
	return tf, nil
}

// specChanged says how the spec the traces of tf were saved from differs
// from the spec at path or, without one, from the one tf names (the
// embedded spec, or a file that can still be read); "" if it does not.
func specChanged(tf *verify.TraceFile, path string) string {
	name := path
	var src []byte
	switch {
	case path != "":
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Sprintf("cannot compare the spec with the one the traces were saved from: %v", err)
		}
		src = data
	case tf.Embedded:
		name, src = "the embedded spec "+spec.TCPFile, spec.TCPSource()
	default:
		data, err := os.ReadFile(tf.Spec)
		if err != nil {
			return "" // gone, or elsewhere: nothing to compare with
		}
		name, src = tf.Spec, data
	}
	if h := (&spec.Spec{Source: src}).Hash(); h != tf.SpecHash {
		return fmt.Sprintf("%s is not the spec the traces were saved from (%s now, %s then): they are printed as saved, and may not be what the spec does now",
			name, h, tf.SpecHash)
	}
	return ""
}
