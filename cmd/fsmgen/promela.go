package main

import (
	"io"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/promela"
)

// runPromela writes the Promela model of the system fsmgen check explores
// under one profile and the given bounds.
func runPromela(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("promela", stderr)
	sf := newSpecFlag(fs, defaultSpecUsage)
	profile := fs.String("profile", "", "profile `name` to export (default: the spec's first profile)")
	out := fs.String("o", "", "write the model to `FILE` (default: standard output)")
	bf := addBoundsFlags(fs, model.DefaultBounds())
	sp, path, err := sf.load(args)
	if err != nil {
		return err
	}
	if len(sp.Profiles) == 0 {
		return usageErr("fsmgen promela: %s has no profile", sp.File)
	}
	prof := sp.Profiles[0]
	if *profile != "" {
		if prof = sp.Profile(*profile); prof == nil {
			return usageErr("fsmgen promela: unknown profile %q: the spec has %s", *profile, strings.Join(sp.ProfileNames(), ", "))
		}
	}
	// The embedded spec is the one generated/tcp comes from: export the
	// table fsmgen check explores for it, as package verify does.
	table := bind.Interpreted
	if path == "" {
		table = bind.Generated
	}
	m, src, err := promela.Build(sp, prof, bf.bounds(), table)
	if err != nil {
		return usageErr("fsmgen promela: %v", err)
	}
	text, err := promela.Generate(m, src)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err := stdout.Write(text)
		return err
	}
	if err := writeFileAtomic(*out, text); err != nil {
		return usageErr("fsmgen promela: %v", err)
	}
	return nil
}
