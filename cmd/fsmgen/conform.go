package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/conform/lab"
	"github.com/tcpfsm/tcpfsm/spec"
)

// The live side of fsmgen conform, replaced by tests: a real run needs
// root and takes a minute.
var (
	conformAvailable = lab.Available
	conformRun       = lab.Run
	conformRunAll    = lab.RunAll
)

// runConform runs the live conformance scenarios against this machine's
// kernel, each in a network namespace of its own (package lab), checks
// every trace against the table under the linux profile (package conform)
// and prints the report; with -record it also writes the traces as
// DIR/NAME.trace. It exits 2 when live runs cannot happen here (saying
// why), 1 when a scenario failed or the table rejects what the kernel did.
func runConform(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("conform")
	record := fs.String("record", "", "also write each trace to `DIR`/NAME.trace")
	only := fs.String("scenario", "", "run only the scenario `NAME` (default: all of them)")
	verbose := fs.Bool("v", false, "also print every trace in full")
	capture := fs.String("capture", "", "record captures for fsmgen track instead: `DIR`/NAME.pcap and the kernel's state changes, DIR/NAME.states")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments %q", fs.Args())
	}
	if *only != "" && !slices.Contains(lab.Scenarios(), *only) {
		return usageErr("fsmgen conform: unknown scenario %q%s; the scenarios are %s", *only, spec.DidYouMean(*only, lab.Scenarios()), strings.Join(lab.Scenarios(), ", "))
	}
	if *capture != "" {
		if *record != "" || *verbose {
			return usageErr("-capture records captures and checks nothing: it takes neither -record nor -v")
		}
		return captureScenarios(*capture, *only, stderr)
	}
	if err := conformAvailable(); err != nil {
		return usageErr("fsmgen conform: %v", err)
	}
	if *record != "" {
		if err := os.MkdirAll(*record, 0o755); err != nil {
			return usageErr("-record %s: %v", *record, err)
		}
	}
	opts := lab.Options{Logf: func(format string, args ...any) {
		fmt.Fprintf(stderr, "fsmgen conform: "+format+"\n", args...)
	}}
	// Run and RunAll catch SIGINT and SIGTERM themselves, so an interrupt
	// still removes the scenario's namespace.
	ctx := context.Background()
	var traces []*conform.Trace
	var runErr error
	if *only != "" {
		t, err := conformRun(ctx, *only, opts)
		if t != nil {
			traces = append(traces, t)
		}
		runErr = err
	} else {
		traces, runErr = conformRunAll(ctx, opts)
	}
	var rejected []string
	summary := [][3]string{}
	for i, t := range traces {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		verdicts, err := conform.Check(t)
		if err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("fsmgen conform: %v", err)}
		}
		conform.Report(stdout, t, verdicts)
		row := [3]string{t.Scenario}
		for k, v := range verdicts {
			row[k+1] = "accepted"
			if !v.Accepted() {
				row[k+1] = "REJECTED"
				rejected = append(rejected, v.String())
			}
		}
		summary = append(summary, row)
		if *verbose {
			fmt.Fprintln(stdout)
			if err := t.Write(stdout); err != nil {
				return err
			}
		}
		if *record != "" {
			if err := writeTrace(filepath.Join(*record, t.Scenario+".trace"), t); err != nil {
				return usageErr("%v", err)
			}
		}
	}
	if len(summary) > 0 {
		fmt.Fprintln(stdout)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "scenario	client	server")
		for _, r := range summary {
			fmt.Fprintf(tw, "%s	%s	%s\n", r[0], r[1], r[2])
		}
		tw.Flush()
	}
	if runErr != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen conform: %v", runErr)}
	}
	if len(rejected) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen conform: the table rejects %d side%s: %s", len(rejected), plural(len(rejected)), strings.Join(rejected, "; "))}
	}
	return nil
}

// writeTrace writes t to path.
func writeTrace(path string, t *conform.Trace) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := t.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// The capture side of fsmgen conform, replaced by tests.
var (
	captureAvailable = lab.RecordAvailable
	captureRun       = lab.Record
)

// captureScenarios records the scenario only, or every scenario, into
// dir: NAME.pcap and NAME.states each.
func captureScenarios(dir, only string, stderr io.Writer) error {
	if err := captureAvailable(); err != nil {
		return usageErr("fsmgen conform: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErr("-capture %s: %v", dir, err)
	}
	names := lab.Scenarios()
	if only != "" {
		names = []string{only}
	}
	opts := lab.Options{Logf: func(format string, args ...any) {
		fmt.Fprintf(stderr, "fsmgen conform: "+format+"\n", args...)
	}}
	var failed []string
	for _, name := range names {
		rd, err := captureRun(context.Background(), name, opts)
		if err != nil {
			failed = append(failed, err.Error())
			continue
		}
		if err := writeRecording(dir, rd); err != nil {
			return usageErr("%v", err)
		}
	}
	if len(failed) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen conform: %s", strings.Join(failed, "; "))}
	}
	return nil
}

// writeRecording writes rd as DIR/NAME.pcap and DIR/NAME.states, each
// whole or not at all.
func writeRecording(dir string, rd *lab.Recording) error {
	var states strings.Builder
	if err := rd.WriteStates(&states); err != nil {
		return err
	}
	for _, f := range []struct {
		ext  string
		data []byte
	}{{".pcap", rd.Pcap}, {".states", []byte(states.String())}} {
		path := filepath.Join(dir, rd.Scenario+f.ext)
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, f.data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	return nil
}
