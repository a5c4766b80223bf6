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

// stdinName is the name of standard input in fsmgen fmt's messages.
const stdinName = "<standard input>"

// fmtMode is what fsmgen fmt does with a spec, as gofmt does with Go: with
// none of its flags, print it formatted.
type fmtMode struct{ list, diff, write bool }

// runFmt formats specs, keeping their comments, as gofmt formats Go: each
// file named (by -spec or as arguments), or standard input to standard
// output. -l lists the files whose formatting differs, -d prints the
// differences as a unified diff, -w rewrites the files in place. It refuses
// a spec with errors (exit 2) and any output that does not parse back to
// the same spec (exit 1), writing nothing in either case; with several
// files, it goes on to the next and exits with the worst status.
func runFmt(c *specCommand, args []string, stdout, _ io.Writer) error {
	c.Lookup("spec").Usage = "spec `file` to format, as an argument would (default: standard input)"
	var m fmtMode
	c.BoolVar(&m.list, "l", false, "list the files whose formatting differs from fsmgen fmt's, instead of printing them")
	c.BoolVar(&m.diff, "d", false, "print the differences as a unified diff, instead of the formatted spec")
	c.BoolVar(&m.write, "w", false, "write the result to the file (only if it changes) instead of standard output")
	if err := parseFlags(c.FlagSet, args); err != nil {
		return err
	}
	paths := c.Args()
	if *c.spec != "" {
		if len(paths) > 0 {
			return usageErr("give the specs by -spec or as arguments, not both")
		}
		paths = []string{*c.spec}
	}
	if len(paths) == 0 || len(paths) == 1 && paths[0] == "-" {
		if m.write {
			return usageErr("cannot use -w with standard input; name the spec file")
		}
		src, err := readSource(stdin, stdinName)
		if err != nil {
			return err
		}
		return formatOne(stdout, stdinName, "", src, m)
	}
	var errs []error
	for _, path := range paths {
		src, err := readSpecFile(path)
		if err == nil {
			err = formatOne(stdout, specName(path), path, src, m)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// formatOne formats src, the spec called name, read from the file at path
// ("" for standard input), as m says.
func formatOne(stdout io.Writer, name, path string, src []byte, m fmtMode) error {
	sp, err := spec.Parse(name, src)
	if err != nil {
		return err
	}
	out, err := formatSpec(name, src)
	if err != nil {
		if _, ok := err.(spec.ErrorList); ok {
			return err
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%v; nothing written", err)}
	}
	// Check what is about to be written, whatever the formatter: it must
	// parse to the spec that was read.
	again, err := spec.Parse(name, out)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: the formatted text does not parse (a bug in the formatter); nothing written:\n%v", name, err)}
	}
	if !bytes.Equal(spec.Print(sp), spec.Print(again)) {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: the formatted text is a different spec (a bug in the formatter); nothing written", name)}
	}

	changed := !bytes.Equal(out, src)
	if m.list && changed {
		if _, err := fmt.Fprintln(stdout, name); err != nil {
			return err
		}
	}
	if m.write && changed {
		if err := writeFileAtomic(path, out); err != nil {
			return err
		}
	}
	if m.diff && changed {
		if _, err := stdout.Write(unifiedDiff(name+".orig", name, src, out)); err != nil {
			return err
		}
	}
	if !m.list && !m.write && !m.diff {
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
