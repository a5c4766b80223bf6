package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/verify"
)

func runGen(c *specCommand, args []string, stdout, stderr io.Writer) error {
	out := c.String("out", "generated/tcp", "output `directory`")
	pkg := c.String("pkg", "tcp", "package `name`")
	importPath := c.String("import", "", "import `path` of the output package (default: from go.mod above -out)")
	unchecked := c.Bool("unchecked", false, "write the table even if the check fails, and record that it was not verified")
	mf := addModelFlagsWith(c.FlagSet, model.QuickBounds())
	sp, _, err := c.load(args)
	if err != nil {
		return err
	}
	dir := filepath.Clean(*out)
	ip := *importPath
	if ip == "" {
		if ip, err = modulePath(dir); err != nil {
			return usageErr("%v; give -import", err)
		}
	}
	opt, done, err := verifyOptions(mf, bind.Interpreted, "fsmgen gen", stderr)
	if err != nil {
		return err
	}
	// The bounds are recorded in the verification, not the command: the
	// header names the spec and the output, which is enough to make the
	// package again.
	files, err := verify.Generate(sp, gen.Options{Package: *pkg, ImportPath: ip, Command: gen.Command(sp, filepath.ToSlash(dir), *pkg)}, opt, *unchecked)
	done()
	if err != nil {
		return verifyError("fsmgen gen", err)
	}
	n, err := writeFiles(dir, files)
	if err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(stdout, "fsmgen gen: %s: %d files, %d changed\n", filepath.ToSlash(dir), len(files), n)
	return nil
}

// writeFiles writes every file whose content changed. Each is written to a
// temporary file first and renamed only once all are written, so a failure
// leaves no partial output.
func writeFiles(dir string, files []gen.Output) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	type pending struct{ tmp, final string }
	var todo []pending
	cleanup := func() {
		for _, p := range todo {
			os.Remove(p.tmp)
		}
	}
	for _, f := range files {
		final := filepath.Join(dir, f.Name)
		if old, err := os.ReadFile(final); err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		tmp, err := os.CreateTemp(dir, "."+f.Name+".tmp*")
		if err != nil {
			cleanup()
			return 0, err
		}
		todo = append(todo, pending{tmp.Name(), final})
		if _, err := tmp.Write(f.Data); err != nil {
			tmp.Close()
			cleanup()
			return 0, err
		}
		if err := tmp.Close(); err != nil {
			cleanup()
			return 0, err
		}
		if err := os.Chmod(tmp.Name(), 0o644); err != nil {
			cleanup()
			return 0, err
		}
	}
	for i, p := range todo {
		if err := os.Rename(p.tmp, p.final); err != nil {
			for _, q := range todo[i:] {
				os.Remove(q.tmp)
			}
			return i, err
		}
	}
	return len(todo), nil
}

// modulePath finds the import path of dir from the go.mod above it.
func modulePath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
					rel, err := filepath.Rel(d, abs)
					if err != nil {
						return "", err
					}
					if rel == "." {
						return strings.Trim(f[1], `"`), nil
					}
					return strings.Trim(f[1], `"`) + "/" + filepath.ToSlash(rel), nil
				}
			}
			return "", fmt.Errorf("%s has no module line", filepath.Join(d, "go.mod"))
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}
