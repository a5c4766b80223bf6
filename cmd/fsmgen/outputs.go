package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

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
