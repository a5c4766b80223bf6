package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

// runCheck verifies the spec under every profile, or the one -profile
// names, and prints the report package verify writes: as text, or as JSON
// for programs with -json; -diagram also writes the counterexamples as
// sequence diagrams, and -trace-out saves them for fsmgen replay. The
// embedded spec is checked on generated/tcp too. Exit status 1 for a
// violation the spec does not declare as a finding; 130 for a run
// interrupted by SIGINT or SIGTERM, after the report of what it finished.
func runCheck(c *specCommand, args []string, stdout, stderr io.Writer) error {
	mf := addModelFlags(c.FlagSet)
	profile := c.String("profile", "all", "profile `name` to check, or all")
	asJSON := c.Bool("json", false, "print the results as JSON")
	var out outputs
	c.StringVar(&out.diagram, "diagram", "", "write each counterexample as a Mermaid sequence diagram to `FILE`")
	c.StringVar(&out.traces, "trace-out", "", "save every counterexample to `FILE`, for fsmgen replay, as JSON:\n"+traceFormatHelp)
	detail := c.Bool("v", false, "print the counterexample of every finding too, not only of every violation")
	cover := c.Bool("coverage", false, "report how often the exploration fired each rule of the spec, per profile (with -json, in each result)")
	sp, path, err := c.load(args)
	if err != nil {
		return err
	}
	profiles := sp.Profiles
	if *profile != "all" {
		p, err := c.profile(sp, *profile)
		if err != nil {
			return err
		}
		profiles = []*spec.Profile{p}
	}
	// The embedded spec is the one generated/tcp comes from: check the
	// table programs import, not only the spec it was made from.
	table := bind.Interpreted
	if path == "" {
		table = bind.Generated
	}
	opt, done, err := verifyOptions(mf, table, "fsmgen check", stderr)
	if err != nil {
		return err
	}
	if err := out.check(); err != nil {
		return err
	}
	opt.Coverage = *cover
	stop, release := interrupts()
	opt.Stop = stop
	rep, failures, err := verify.Run(sp, profiles, opt)
	release()
	done()
	var interrupted verify.Interrupted
	if err != nil && !errors.As(err, &interrupted) {
		return verifyError("fsmgen check", err)
	}
	rep.Detail = *detail
	if err := out.write(rep, sp); err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen check: %v", err)}
	}
	if err := writeReport(stdout, rep, shownSpec(sp, path), *asJSON, *cover); err != nil {
		return err
	}
	switch {
	case rep.Incomplete:
		return &exitError{code: 130, msg: "fsmgen check: " + interrupted.Error()}
	case failures > 0:
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen check: %d violation%s the spec does not declare", failures, plural(failures))}
	}
	return nil
}

// writeReport prints rep, a report on sp: as JSON, or as text with, if
// cover, the rule coverage.
func writeReport(stdout io.Writer, rep *verify.Report, sp *spec.Spec, asJSON, cover bool) error {
	if asJSON {
		return rep.WriteJSON(stdout)
	}
	if err := rep.WriteText(stdout, sp); err != nil || !cover {
		return err
	}
	fmt.Fprintln(stdout)
	return rep.WriteCoverage(stdout, sp)
}

// outputs are the files fsmgen check writes besides its report, by their
// flags; "" for none.
type outputs struct {
	diagram, traces string
}

// check makes sure, before a search that may take hours, that each
// output can be written: a usage error, exit status 2, if not.
func (o outputs) check() error {
	for _, f := range []struct{ flag, path string }{{"-diagram", o.diagram}, {"-trace-out", o.traces}} {
		if f.path == "" {
			continue
		}
		if err := writable(f.path); err != nil {
			return usageErr("fsmgen check: %s %s: %v", f.flag, f.path, err)
		}
	}
	return nil
}

// write writes each output of rep, a report on sp: whole, or not at all.
func (o outputs) write(rep *verify.Report, sp *spec.Spec) error {
	for _, f := range []struct {
		path string
		fill func(io.Writer) error
	}{{o.diagram, rep.WriteDiagrams}, {o.traces, rep.TraceFile(sp).Write}} {
		if f.path == "" {
			continue
		}
		var b bytes.Buffer
		if err := f.fill(&b); err != nil {
			return err
		}
		if err := writeFileAtomic(f.path, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// writable checks that a file can be written at path as writeFileAtomic
// writes it: that path is no directory, and that a file can be created
// beside it.
func writable(path string) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a directory")
	}
	dir := filepath.Dir(path)
	switch st, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("there is no directory %s", dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	return tryCreate(dir, "."+filepath.Base(path)+".tmp*")
}

// tryCreate says whether a file can be created in dir by creating one,
// named by pattern as os.CreateTemp names it, and removing it again.
func tryCreate(dir, pattern string) error {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot create a file in %s: %v", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// verifyOptions are the options of a verification with the bounds of mf on
// table, reporting progress on stderr (see progress); done clears a
// terminal's progress line.
func verifyOptions(mf *modelFlags, table bind.Table, cmd string, stderr io.Writer) (opt verify.Options, done func(), err error) {
	opt, err = mf.options()
	if err != nil {
		return opt, nil, usageErr("%s: %v", cmd, err)
	}
	opt.Table = table
	opt.Progress, done = progress(stderr, cmd)
	return opt, done, nil
}

// verifyError turns an error of package verify into an exit status: 1 for
// a check that refuses a table, 2 for anything else (a spec problem, bad
// bounds, a run past its limits, bad options).
func verifyError(cmd string, err error) error {
	var list spec.ErrorList
	var refused verify.Refused
	switch {
	case errors.As(err, &list):
		return list
	case errors.As(err, &refused):
		return &exitError{code: 1, msg: fmt.Sprintf("%s: the check fails, so no table is written (fsmgen check -spec %s shows the counterexamples; declare a known failure as a finding of its profile, or give -unchecked):\n  %s",
			cmd, refused.Spec, strings.Join(refused.Failures, "\n  "))}
	}
	return usageErr("%s: %v", cmd, err)
}
