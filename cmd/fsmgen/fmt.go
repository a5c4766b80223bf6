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
)

// formatSpec formats a spec's text; tests replace it to check that the
// command refuses output that is not the same spec.
var formatSpec = spec.Format

// runFmt formats a spec file, keeping its comments: to stdout, or with -w
// back into the file, or with -l only naming it if it would change. It
// refuses a spec with errors (exit 2) and any output that does not parse
// back to the same spec (exit 1), writing nothing in either case.
func runFmt(c *specCommand, args []string, stdout, stderr io.Writer) error {
	c.Lookup("spec").Usage = "spec `file` (default: the embedded TCP spec, printed to stdout)"
	write := c.Bool("w", false, "write the result to the spec file (only if it changes) instead of stdout")
	list := c.Bool("l", false, "list the spec file if formatting would change it, instead of printing it")
	path, err := c.path(args)
	if err != nil {
		return err
	}
	if path == "" && *write {
		return usageErr("-w needs a spec file; the embedded spec is read-only (edit spec/tcp.fsm)")
	}
	sp, err := loadSpec(path)
	if err != nil {
		return err
	}
	src := sp.Source
	out, err := formatSpec(sp.File, src)
	if err != nil {
		if _, ok := err.(spec.ErrorList); ok {
			return err
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%v; nothing written", err)}
	}
	// Check what is about to be written, whatever the formatter: it must
	// parse to the spec that was read.
	again, err := spec.Parse(sp.File, out)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: the formatted text does not parse (a bug in the formatter); nothing written:\n%v", sp.File, err)}
	}
	if !bytes.Equal(spec.Print(sp), spec.Print(again)) {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: the formatted text is a different spec (a bug in the formatter); nothing written", sp.File)}
	}

	changed := !bytes.Equal(out, src)
	if *list && changed {
		fmt.Fprintln(stdout, sp.File)
	}
	if *write {
		if !changed {
			return nil
		}
		return writeFileAtomic(path, out)
	}
	if !*list {
		_, err = stdout.Write(out)
	}
	return err
}

// writeFileAtomic writes data to the file at path: it writes a temporary
// file beside it, with the file's permissions (0644 for a new one), and
// renames it over the file, so a failure leaves the file as it was, or
// absent, never partial. A symbolic link is followed: the file it names is
// replaced, the link kept. An error names path as given, "write PATH:
// WHY", whatever file failed on the way.
func writeFileAtomic(path string, data []byte) error {
	if err := replaceFile(path, data); err != nil {
		var pe *fs.PathError
		var le *os.LinkError
		switch {
		case errors.As(err, &pe):
			err = pe.Err
		case errors.As(err, &le):
			err = le.Err
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// errIsDir is the error of writing over a directory.
var errIsDir = errors.New("is a directory")

// replaceFile does what writeFileAtomic says.
func replaceFile(path string, data []byte) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	perm := os.FileMode(0o644) // a new file
	switch st, err := os.Stat(path); {
	case err == nil && st.IsDir():
		return errIsDir
	case err == nil:
		perm = st.Mode().Perm()
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".fmt*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}
