package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tcpfsm/tcpfsm/assoc"
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
	reuseTags := c.Bool("reuse-tags", false, "for a spec of the SCTP vocabulary: every association takes the first one's verification tags (the mutant the tag check cannot survive)")
	set := c.String("set", "", "turn profile switches on or off for this run (`NAME=on|off[,...]`), in every profile checked: fsmgen check -profile linux -set rfc1337=on")
	cover := c.Bool("coverage", false, "report how often the exploration fired each rule of the spec, per profile (with -json, in each result)")
	sf := addSearchFlags(c.FlagSet)
	sp, path, err := c.load(args)
	if err != nil {
		return err
	}
	_, notSCTP := assoc.Interpreter(sp)
	if *reuseTags && notSCTP != nil {
		return usageErr("fsmgen check: -reuse-tags is for a spec of the SCTP vocabulary: %v", notSCTP)
	}
	if notSCTP == nil && mf.bounds().Attacks > 0 {
		return usageErr("fsmgen check: -attacker forges TCP segments; the association model of %s has no attacker", sp.File)
	}
	if notSCTP == nil && mf.bounds().KeepAlive > 0 {
		return usageErr("fsmgen check: -keepalive runs TCP's keep-alive timer; the association model of %s has no keep-alive (SCTP's heartbeat is not modelled)", sp.File)
	}
	if notSCTP == nil && mf.bounds().UserTimeout > 0 {
		return usageErr("fsmgen check: -user-timeout runs TCP's user timeout; the association model of %s has none", sp.File)
	}
	if notSCTP == nil && (out.diagram != "" || out.traces != "") {
		return usageErr("fsmgen check: -diagram and -trace-out write the TCP model's counterexamples; the association model's are printed in the report")
	}
	if *set != "" && path == "" {
		// -set changes the profiles it checks: of a copy of the embedded
		// spec, which this process shares.
		if sp, err = spec.Parse(spec.TCPFile, spec.TCPSource()); err != nil {
			return err
		}
	}
	profiles := sp.Profiles
	if *profile != "all" {
		p, err := c.profile(sp, *profile)
		if err != nil {
			return err
		}
		profiles = []*spec.Profile{p}
	}
	if err := setSwitches(sp, profiles, *set); err != nil {
		return err
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
	if err := sf.apply(&opt); err != nil {
		return err
	}
	opt.Coverage = *cover
	opt.ReuseTags = *reuseTags
	// At the default bounds, data and the zero window too (verify.DefaultAlso).
	opt.Also = verify.DefaultAlso(sp, opt.Bounds)
	stopProfile, err := sf.profile()
	if err != nil {
		return err
	}
	stop, release := interrupts()
	opt.Stop = stop
	rep, failures, err := verify.Run(sp, profiles, opt)
	release()
	done()
	var interrupted verify.Interrupted
	ran := err == nil || errors.As(err, &interrupted)
	if perr := stopProfile(ran); perr != nil {
		return &exitError{code: 2, msg: "fsmgen check: " + perr.Error()}
	}
	if !ran {
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

// setSwitches turns over the profile switches -set names, in every
// profile of profiles: "rfc5961=off,rfc1337=on". The report then speaks of
// the profiles so changed, under their names; a finding a profile declares
// for a weakness the switch removed is reported as not seen.
func setSwitches(sp *spec.Spec, profiles []*spec.Profile, set string) error {
	if set == "" {
		return nil
	}
	for _, item := range strings.Split(set, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		on := val == "on"
		if !ok || val != "on" && val != "off" {
			return usageErr("fsmgen check: -set %s: want NAME=on or NAME=off, comma separated", set)
		}
		for _, p := range profiles {
			if !p.SetSwitch(name, on) {
				var names []string
				for _, s := range sp.Switches {
					names = append(names, s.Name)
				}
				return usageErr("fsmgen check: -set: %s has no switch %s (it has %s)", sp.File, name, strings.Join(names, ", "))
			}
		}
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
