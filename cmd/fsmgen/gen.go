package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/verify"
)

// defaultOut is gen's default -out, relative to the module root.
const defaultOut = "generated/tcp"

// runGen model-checks the spec and writes its Go table package: see
// fsmgen help gen.
func runGen(c *specCommand, args []string, stdout, stderr io.Writer) error {
	out := c.String("out", defaultOut, "output `directory` (default: generated/tcp in the module root)")
	pkg := c.String("pkg", "tcp", "package `name`")
	importPath := c.String("import", "", "import `path` of the output package (default: from go.mod above -out)")
	unchecked := c.Bool("unchecked", false, "write the table even if the check fails, and record that it was not verified")
	recheck := c.Bool("recheck", false, "check at the full bounds even where the verification record beside the table could be reused")
	mf := addModelFlagsWith(c.FlagSet, model.DefaultBounds())
	sp, _, err := c.load(args)
	if err != nil {
		return err
	}
	outGiven := false
	c.Visit(func(f *flag.Flag) { outGiven = outGiven || f.Name == "out" })
	dir, shown, err := outputDir(*out, outGiven)
	if err != nil {
		return err
	}
	if err := creatable(dir); err != nil {
		return usageErr("-out %s: %v", *out, err)
	}
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
	opt.Also = verify.DefaultAlso(sp, opt.Bounds) // as fsmgen check at its default bounds
	// The bounds are recorded in the verification, not the command: the
	// header names the spec and the output, which is enough to make the
	// package again.
	reg := verify.Regeneration{Unchecked: *unchecked, Recheck: *recheck}
	if !*unchecked && !*recheck {
		if reg.Prior, err = priorRecord(dir); err != nil {
			done()
			return usageErr("%v; fsmgen gen -recheck ignores it", err)
		}
	}
	files, reused, err := verify.Generate(sp, gen.Options{Package: *pkg, ImportPath: ip, Command: gen.Command(sp, shown, *pkg)}, opt, reg)
	done()
	if err != nil {
		return verifyError("fsmgen gen", err)
	}
	n, err := writeFiles(dir, files)
	if err != nil {
		return usageErr("%v", err)
	}
	how := ""
	if reused {
		how = fmt.Sprintf(" (checked at the quick bounds; the check at the full bounds is reused from %s: same spec, same quick verdict, every property recorded; -recheck repeats it)", verify.RecordFile)
	}
	fmt.Fprintf(stdout, "fsmgen gen: %s: %d files, %d changed%s\n", filepath.ToSlash(filepath.Clean(*out)), len(files), n, how)
	return nil
}

// priorRecord reads the verification record in dir, if there is one.
func priorRecord(dir string) (*verify.Record, error) {
	name := filepath.Join(dir, verify.RecordFile)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rec, err := verify.ParseRecord(name, data)
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// outputDir is the directory gen writes, from -out: as given, relative to
// the working directory, or the default relative to the root of the
// module around it (an error outside a module). shown is the directory as
// the generated header names it: relative to the module root when it is
// inside the module, so that the header is the same wherever gen runs.
func outputDir(out string, given bool) (dir, shown string, err error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	root, rootErr := moduleRoot(wd)
	if !given {
		if rootErr != nil {
			return "", "", usageErr("the default -out %s is in the module root, and there is no go.mod in %s or above it; give -out DIR", defaultOut, wd)
		}
		return filepath.Join(root, filepath.FromSlash(defaultOut)), defaultOut, nil
	}
	dir = filepath.Clean(out)
	shown = filepath.ToSlash(dir)
	if rootErr == nil {
		abs := dir
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, dir)
		}
		if rel, err := filepath.Rel(root, abs); err == nil && filepath.IsLocal(rel) {
			shown = filepath.ToSlash(rel)
		}
	}
	return dir, shown, nil
}

// creatable says whether gen can write files in dir, creating it if need
// be: the nearest directory on its path that exists must take a new file,
// and nothing on the way may be a file. It tries, leaving nothing behind.
func creatable(dir string) error {
	d := dir
	for {
		st, err := os.Stat(d)
		if err == nil && !st.IsDir() {
			return fmt.Errorf("%s is a file, not a directory", d)
		}
		if err == nil {
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			return err
		}
		d = parent
	}
	return tryCreate(d, ".fsmgen-gen-*")
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
	root, err := moduleRoot(abs)
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			rel, err := filepath.Rel(root, abs)
			if err != nil {
				return "", err
			}
			if rel == "." {
				return strings.Trim(f[1], `"`), nil
			}
			return strings.Trim(f[1], `"`) + "/" + filepath.ToSlash(rel), nil
		}
	}
	return "", fmt.Errorf("%s has no module line", filepath.Join(root, "go.mod"))
}

// moduleRoot is the directory of the go.mod in dir, an absolute path, or
// in the nearest directory above it that has one.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod in %s or above it", dir)
		}
	}
}
