package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	sf := newSpecFlag(fs, defaultSpecUsage)
	profile := fs.String("profile", "all", "profile `name` to check, or all")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	diagram := fs.String("diagram", "", "write each counterexample as a Mermaid sequence diagram to `FILE`")
	mf := addModelFlags(fs)
	sp, path, err := sf.load(args)
	if err != nil {
		return err
	}
	profiles := sp.Profiles
	if *profile != "all" {
		p := sp.Profile(*profile)
		if p == nil {
			return usageErr("fsmgen check: unknown profile %q: the spec has %s", *profile, strings.Join(sp.ProfileNames(), ", "))
		}
		profiles = []*spec.Profile{p}
	}
	// The embedded spec is the one generated/tcp comes from: check the
	// table programs import, not only the spec it was made from.
	embedded := path == ""
	table := bind.Interpreted
	if embedded {
		table = bind.Generated
	}
	rep, failures, err := runVerify(sp, profiles, mf, table, "fsmgen check", stderr)
	if err != nil {
		return err
	}
	if *diagram != "" {
		if err := writeDiagrams(*diagram, rep); err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("fsmgen check: %v", err)}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(stdout, sp, rep, profiles, embedded)
	}
	if failures > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen check: %d violation%s the spec does not declare", failures, plural(failures))}
	}
	return nil
}

// runVerify runs package verify with the bounds of mf on table, and
// turns its errors into exit statuses (see verifyError).
func runVerify(sp *spec.Spec, profiles []*spec.Profile, mf *modelFlags, table bind.Table, cmd string, stderr io.Writer) (*verify.Report, int, error) {
	opt, done, err := verifyOptions(mf, table, cmd, stderr)
	if err != nil {
		return nil, 0, err
	}
	rep, failures, err := verify.Run(sp, profiles, opt)
	done()
	if err != nil {
		return nil, 0, verifyError(cmd, err)
	}
	return rep, failures, nil
}

// verifyOptions are the options of a verification with the bounds of mf on
// table, reporting progress on stderr when it is a terminal; done clears
// the progress line.
func verifyOptions(mf *modelFlags, table bind.Table, cmd string, stderr io.Writer) (opt verify.Options, done func(), err error) {
	opt, err = mf.options()
	if err != nil {
		return opt, nil, usageErr("%s: %v", cmd, err)
	}
	opt.Table = table
	done = func() {}
	if progress := terminal(stderr); progress != nil {
		opt.Progress = func(profile string, pr check.Progress) {
			fmt.Fprintf(progress, "\r\x1b[K%s: %s: %d states, %d done, depth %d, %d MiB, %.0f s",
				profile, pr.Phase, pr.States, pr.Done, pr.Depth, pr.Bytes>>20, pr.Elapsed.Seconds())
		}
		done = func() { fmt.Fprint(progress, "\r\x1b[K") }
	}
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

// terminal returns w if it is a terminal, for progress reports, or nil.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return w
}

func printReport(w io.Writer, sp *spec.Spec, rep *verify.Report, profiles []*spec.Profile, embedded bool) {
	fmt.Fprintf(w, "%s: machine %s: %d states, %d events, %d rules\n\n", sp.File, sp.Machine, len(sp.States), len(sp.Events), len(sp.Rules))
	if rep.Skipped != "" {
		fmt.Fprintf(w, "Model checking skipped: %s.\n\n", rep.Skipped)
	} else {
		fmt.Fprintf(w, "Model: %s.\n", rep.Bounds)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var ids []string
	for _, p := range rep.Results[0].Properties {
		ids = append(ids, p.ID)
	}
	head := "profile\t" + strings.Join(ids, "\t")
	if rep.Skipped == "" {
		head += "\tstates\ttransitions\tseconds\tstates/s\ttiming"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rep.Results {
		row := r.Profile
		for _, p := range r.Properties {
			row += "\t" + p.Status()
		}
		if rep.Skipped == "" {
			row += fmt.Sprintf("\t%d\t%d\t%.1f\t%.0f\t%s", r.States, r.Transitions, r.Seconds, float64(r.States)/max(r.Seconds, 1e-9), r.Timing)
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	if embedded {
		fmt.Fprintln(w, "P9 is checked on the spec and on generated/tcp, which decides every cell as the spec does.")
	}
	if rep.Skipped == "" {
		fmt.Fprintln(w, "P2 is checked on every step (a FIN is ACKed, never answered by RST) and on the state graph (under fairness every FIN is ACKed or its sender gives up).")
		fmt.Fprintln(w, "A finding is a violation from a known weakness the profile declares in the spec, with its cause: it is reported, and does not fail the check.")
	}
	for i, r := range rep.Results {
		for _, p := range r.Properties {
			if p.Holds {
				if f := profiles[i].Finding(p.ID); f != nil && rep.Skipped == "" {
					fmt.Fprintf(w, "\n%s holds under %s at these bounds, though the profile declares it a finding: %s\n", p.ID, r.Profile, f.Cite)
				}
				continue
			}
			fmt.Fprintln(w)
			if p.Finding != "" {
				fmt.Fprintf(w, "Finding %s under %s, as the profile declares: %s\n", p.ID, r.Profile, p.Finding)
			} else if f := profiles[i].Finding(p.ID); f != nil {
				fmt.Fprintf(w, "The profile declares a finding on %s, but this violation does not come from the weakness it names:\n", p.ID)
			}
			if p.Trace != nil {
				fmt.Fprint(w, formatCounterexample(r.Profile, p.Status(), p.Trace))
			} else {
				fmt.Fprintf(w, "%s VIOLATED under %s: %s\n", p.ID, r.Profile, p.Problem)
			}
		}
	}
}

// writeDiagrams writes every counterexample of rep as a Mermaid sequence
// diagram, one after another, to path.
func writeDiagrams(path string, rep *verify.Report) error {
	var b strings.Builder
	for _, r := range rep.Results {
		for _, p := range r.Properties {
			if p.Trace != nil {
				b.WriteString(sequenceDiagram(r.Profile, p.Status(), p.Trace))
				b.WriteString("\n")
			}
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
