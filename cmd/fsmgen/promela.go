package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
	d := model.DefaultBounds()
	msl := fs.Duration("msl", 0, "network `MSL` (default: the profile's own MSL, or 30s where it has none)")
	mslTicks := fs.Int("msl-ticks", d.MSLTicks, "ticks per network MSL (`N`)")
	capacity := fs.Int("capacity", d.Capacity, "distinct segments in flight per direction (`N`)")
	incarnations := fs.Int("incarnations", d.Incarnations, "connections the client may open on the 4-tuple (`N`)")
	losses := fs.Int("losses", d.Losses, "segments that may be lost per incarnation (`N`)")
	noLoss := fs.Bool("no-loss", false, "a network that loses nothing")
	noDup := fs.Bool("no-dup", false, "a network that duplicates nothing")
	noReorder := fs.Bool("no-reorder", false, "a network that keeps order")
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
	b := model.Bounds{
		NetworkMSL: *msl, MSLTicks: *mslTicks, Capacity: *capacity, Incarnations: *incarnations,
		Losses: *losses, Loss: !*noLoss, Duplication: !*noDup, Reordering: !*noReorder,
	}
	// The embedded spec is the one generated/tcp comes from: export the
	// table fsmgen check explores for it, as package verify does.
	m, src, err := promela.Build(sp, prof, b, path == "")
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
	if err := writeAtomic(*out, text); err != nil {
		return usageErr("fsmgen promela: %v", err)
	}
	return nil
}

// writeAtomic writes data to path through a temporary file in the same
// directory, renamed into place: never a partial file.
func writeAtomic(path string, data []byte) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
