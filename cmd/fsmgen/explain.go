package main

import (
	"encoding/json"
	"io"

	"github.com/tcpfsm/tcpfsm/explain"
	"github.com/tcpfsm/tcpfsm/spec"
)

// parseOne parses args, which may hold one argument (what, for the
// message), then loads the spec the -spec flag names (the embedded one
// without it) and its profile called *profile: without a name, linux, or
// the spec's first profile when it has no linux.
func (c *specCommand) parseOne(args []string, what string, profile *string) (*spec.Spec, *spec.Profile, error) {
	if err := parseFlags(c.FlagSet, args); err != nil {
		return nil, nil, err
	}
	if c.NArg() > 1 {
		return nil, nil, usageErr("%s: give at most one %s, got %q", c.Name(), what, c.Args())
	}
	sp, err := loadSpec(*c.spec)
	if err != nil {
		return nil, nil, err
	}
	name := *profile
	if name == "" && sp.Profile("linux") == nil {
		name = sp.Profiles[0].Name
	} else if name == "" {
		name = "linux"
	}
	p, err := c.profile(sp, name)
	return sp, p, err
}

// runExplain prints what a state means under a profile, or one line per
// state: fsmgen explain [STATE] [-profile P] [-json].
func runExplain(c *specCommand, args []string, stdout, _ io.Writer) error {
	profile := c.String("profile", "", "the profile whose timers and advice to show, the RFC's beside it (default linux, or the spec's first)")
	asJSON := c.Bool("json", false, "print JSON: one state, or every state in full")
	sp, p, err := c.parseOne(args, "state", profile)
	if err != nil {
		return err
	}
	if c.NArg() == 0 {
		all := explain.All(sp, p)
		if *asJSON {
			return writeJSON(stdout, all)
		}
		return explain.WriteSummary(stdout, all)
	}
	s, err := explain.Lookup(sp, c.Arg(0))
	if err != nil {
		return usageErr("fsmgen explain: %v", err)
	}
	x := explain.Explain(sp, s, p)
	if *asJSON {
		return writeJSON(stdout, x)
	}
	return x.Write(stdout)
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
