package main

import (
	"io"
	"strings"

	"github.com/tcpfsm/tcpfsm/assoc"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/promela"
)

// runPromela writes the Promela model of the system fsmgen check explores
// under one profile and the given bounds.
func runPromela(c *specCommand, args []string, stdout, stderr io.Writer) error {
	bf := addBoundsFlags(c.FlagSet, model.DefaultBounds())
	profile := c.String("profile", "", "profile `name` to export (default: the spec's first profile)")
	out := c.String("o", "", "write the model to `FILE` (default: standard output)")
	sp, path, err := c.load(args)
	if err != nil {
		return err
	}
	if len(sp.Profiles) == 0 {
		return usageErr("%s has no profile", sp.File)
	}
	if _, err := assoc.Interpreter(sp); err == nil {
		// The association model runs through the explorer only: the
		// export writes the TCP model's Promela.
		return usageErr("fsmgen promela: %s is in the SCTP vocabulary, and the export writes the TCP model only; fsmgen check -spec %s runs its association model", sp.File, sp.File)
	}
	prof := sp.Profiles[0]
	if *profile != "" {
		if prof, err = c.profile(sp, *profile); err != nil {
			return err
		}
	}
	// The embedded spec is the one generated/tcp comes from: export the
	// table fsmgen check explores for it, as package verify does.
	table := bind.Interpreted
	if path == "" {
		table = bind.Generated
	}
	if bf.bounds().Attacks > 0 {
		return usageErr("fsmgen promela: the export leaves the off-path attacker out; fsmgen check -attacker checks it")
	}
	m, src, err := promela.Build(sp, prof, bf.bounds(), table)
	if err != nil {
		return usageErr("%v", err)
	}
	text, err := promela.Generate(m, src)
	if err != nil {
		// What the export cannot write comes from the spec: name it.
		return usageErr("%s: %s", sp.File, strings.TrimPrefix(err.Error(), "promela: "))
	}
	if *out == "" {
		_, err := stdout.Write(text)
		return err
	}
	if err := writeFileAtomic(*out, text); err != nil {
		return usageErr("%v", err)
	}
	return nil
}
