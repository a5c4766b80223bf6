package main

import (
	"flag"
	"io"
	"strings"

	"github.com/tcpfsm/tcpfsm/assoc"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/promela"
	"github.com/tcpfsm/tcpfsm/spec"
)

// runPromela writes the Promela model of the system fsmgen check explores
// under one profile and the given bounds: the TCP model, or for a spec of
// the SCTP vocabulary the association model.
func runPromela(c *specCommand, args []string, stdout, stderr io.Writer) error {
	bf := addBoundsFlags(c.FlagSet, model.DefaultBounds())
	profile := c.String("profile", "", "profile `name` to export (default: the spec's first profile)")
	out := c.String("o", "", "write the model to `FILE` (default: standard output)")
	reuseTags := c.Bool("reuse-tags", false, "for a spec of the SCTP vocabulary: every association takes the first one's verification tags (the mutant the tag check cannot survive)")
	sp, path, err := c.load(args)
	if err != nil {
		return err
	}
	if len(sp.Profiles) == 0 {
		return usageErr("%s has no profile", sp.File)
	}
	prof := sp.Profiles[0]
	if *profile != "" {
		if prof, err = c.profile(sp, *profile); err != nil {
			return err
		}
	}
	_, notSCTP := assoc.Interpreter(sp)
	if *reuseTags && notSCTP != nil {
		return usageErr("fsmgen promela: -reuse-tags is for a spec of the SCTP vocabulary: %v", notSCTP)
	}
	if bf.bounds().Attacks > 0 {
		return usageErr("fsmgen promela: the export leaves the off-path attacker out; fsmgen check -attacker checks it")
	}
	if bf.bounds().KeepAlive > 0 {
		return usageErr("fsmgen promela: the export leaves keep-alive out; fsmgen check -keepalive N checks it")
	}
	if bf.bounds().UserTimeout > 0 {
		return usageErr("fsmgen promela: the export leaves the user timeout out; fsmgen check -user-timeout N checks it")
	}
	var text []byte
	if notSCTP == nil {
		text, err = associationPromela(c.FlagSet, sp, prof, bf.bounds(), *reuseTags)
	} else {
		text, err = tcpPromela(sp, prof, path, bf.bounds())
	}
	if err != nil {
		return err
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

// tcpPromela exports the TCP model of sp under prof on bounds b.
func tcpPromela(sp *spec.Spec, prof *spec.Profile, path string, b model.Bounds) ([]byte, error) {
	// The embedded spec is the one generated/tcp comes from: export the
	// table fsmgen check explores for it, as package verify does.
	table := bind.Interpreted
	if path == "" {
		table = bind.Generated
	}
	m, src, err := promela.Build(sp, prof, b, table)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	text, err := promela.Generate(m, src)
	if err != nil {
		// What the export cannot write comes from the spec: name it.
		return nil, usageErr("%s: %s", sp.File, strings.TrimPrefix(err.Error(), "promela: "))
	}
	return text, nil
}

// associationPromela exports the association model of sp, a spec of the
// SCTP vocabulary, as fsmgen check explores it: -incarnations are the
// associations A's user may start, -capacity the chunks in flight each
// way, the network loses chunks unless -no-loss (or -losses 0) and
// duplicates them unless -no-dup. The model is untimed, always reorders
// and has no data segments or window: the flags that would say otherwise
// are refused rather than ignored, since the export could not honour them.
func associationPromela(fs *flag.FlagSet, sp *spec.Spec, prof *spec.Profile, b model.Bounds, reuseTags bool) ([]byte, error) {
	var refused []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "msl", "msl-ticks", "no-reorder", "data", "zero-window":
			refused = append(refused, "-"+f.Name)
		}
	})
	if len(refused) > 0 {
		return nil, usageErr("fsmgen promela: %s: the SCTP association model is untimed, always reorders and has no data segments or window; %s takes no %s",
			strings.Join(refused, ", "), sp.File, strings.Join(refused, ", "))
	}
	ab := assoc.Bounds{Associations: b.Incarnations, Capacity: b.Capacity, Loss: b.Loss && b.Losses > 0, Dup: b.Duplication, ReuseTags: reuseTags}
	if _, err := assoc.New(assoc.Bounds{Associations: ab.Associations, Capacity: 1}, nil); err != nil {
		return nil, usageErr("fsmgen promela: -incarnations %d: the associations A's user may start: %v", b.Incarnations, err)
	}
	if _, err := assoc.New(assoc.Bounds{Associations: 1, Capacity: ab.Capacity}, nil); err != nil {
		return nil, usageErr("fsmgen promela: -capacity %d: the chunks in flight each way: %v", b.Capacity, err)
	}
	if b.Losses < 0 {
		return nil, usageErr("fsmgen promela: -losses %d: not a number of losses", b.Losses)
	}
	a, err := promela.BuildAssociation(sp, prof, ab)
	if err != nil {
		return nil, usageErr("%s: %v", sp.File, err)
	}
	text, err := a.Generate()
	if err != nil {
		return nil, usageErr("%s: %s", sp.File, strings.TrimPrefix(err.Error(), "promela: "))
	}
	return text, nil
}
