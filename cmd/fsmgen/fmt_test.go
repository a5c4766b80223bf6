package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// copyMini writes the test kit's mini.fsm, which fmt changes, into a
// directory of its own, with mode perm, and returns its path and text.
func copyMini(t *testing.T, perm os.FileMode) (string, []byte) {
	t.Helper()
	src := specgen.Mini
	path := filepath.Join(t.TempDir(), "mini.fsm")
	require.NoError(t, os.WriteFile(path, src, perm))
	require.NoError(t, os.Chmod(path, perm))
	return path, src
}

// dirNames lists the names in dir, to catch a temporary file left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFmtUsage(t *testing.T) {
	code, stdout, _ := fsmgen("fmt", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "fsmgen fmt [-l] [-d] [-w] [FILE ...]")
	withStdin(t, string(specgen.Mini))
	code, stdout, stderr := fsmgen("fmt", "-w")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "fsmgen fmt: cannot use -w with standard input; name the spec file\n", stderr)
	code, _, stderr = fsmgen("fmt", "-spec", "a.fsm", "b.fsm")
	assert.Equal(t, 2, code)
	assert.Equal(t, "fsmgen fmt: give the specs by -spec or as arguments, not both\n", stderr)
	code, _, _ = fsmgen("fmt", "-x")
	assert.Equal(t, 2, code)
}

// TestFmtStdout: without -w or -l, fmt prints the formatted spec and
// leaves the file alone.
func TestFmtStdout(t *testing.T) {
	path, src := copyMini(t, 0o644)
	want, err := spec.Format(path, src)
	require.NoError(t, err)
	require.NotEqual(t, string(src), string(want), "mini.fsm is expected to change")

	code, stdout, stderr := fsmgen("fmt", "-spec", path)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, string(want), stdout)
	code, stdout, _ = fsmgen("fmt", path)
	require.Equal(t, 0, code)
	assert.Equal(t, string(want), stdout, "the spec as an argument")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(got), "the file changed")

	// Without a spec: standard input.
	withStdin(t, string(src))
	code, stdout, stderr = fsmgen("fmt")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, string(want), stdout)
}

// withStdin makes text what fsmgen reads as standard input for one test.
func withStdin(t *testing.T, text string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(text)
	t.Cleanup(func() { stdin = old })
}

// TestFmtStdin: standard input is formatted to standard output, listed and
// diffed as <standard input>, and its problems are placed in it.
func TestFmtStdin(t *testing.T) {
	want, err := spec.Format(stdinName, specgen.Mini)
	require.NoError(t, err)
	withStdin(t, string(specgen.Mini))
	code, stdout, _ := fsmgen("fmt", "-l")
	assert.Equal(t, 0, code)
	assert.Equal(t, "<standard input>\n", stdout)

	withStdin(t, string(specgen.Mini))
	code, stdout, _ = fsmgen("fmt", "-d")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "diff -u <standard input>.orig <standard input>\n--- <standard input>.orig\n+++ <standard input>\n@@ -"), stdout)

	for _, args := range [][]string{{"fmt", "-"}, {"fmt", "-spec", "-"}} {
		withStdin(t, string(specgen.Mini))
		code, stdout, _ = fsmgen(args...)
		assert.Equal(t, 0, code, args)
		assert.Equal(t, string(want), stdout, "%v: - names standard input, as for gofmt", args)
	}
	withStdin(t, string(specgen.Mini))
	code, _, stderr := fsmgen("fmt", "-w", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "cannot use -w with standard input")

	withStdin(t, string(want))
	code, stdout, _ = fsmgen("fmt", "-l", "-d")
	assert.Equal(t, 0, code)
	assert.Empty(t, stdout, "formatted input is neither listed nor diffed")

	withStdin(t, "machine m\nstate A\ninitial B\n")
	code, stdout, stderr = fsmgen("fmt")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "<standard input>:3:9: unknown state \"B\"\nfsmgen fmt: 1 problem in the spec\n", stderr)
}

// TestFmtDiff: -d prints the unified diff from the file to its formatted
// text, and nothing for a formatted file; the file is left alone.
func TestFmtDiff(t *testing.T) {
	path, src := copyMini(t, 0o644)
	want, err := spec.Format(path, src)
	require.NoError(t, err)
	code, stdout, stderr := fsmgen("fmt", "-d", path)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, string(unifiedDiff(path+".orig", path, src, want)), stdout)
	assert.Contains(t, stdout, "\n-timer autolock   \"locks the door again\"\n")
	assert.Contains(t, stdout, "\n+timer autolock \"locks the door again\"\n")
	assert.Equal(t, string(want), string(applyDiff(t, src, stdout)))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(got), "-d changed the file")
}

// TestFmtFiles: like gofmt, fmt takes several files, lists each one that
// -l would change, and goes on past a file it cannot format, exiting with
// the worst status.
func TestFmtFiles(t *testing.T) {
	a, src := copyMini(t, 0o644)
	formatted, err := spec.Format(a, src)
	require.NoError(t, err)
	b := filepath.Join(filepath.Dir(a), "done.fsm")
	require.NoError(t, os.WriteFile(b, formatted, 0o644))
	c, _ := copyMini(t, 0o644)
	code, stdout, stderr := fsmgen("fmt", "-l", a, b, c)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, a+"\n"+c+"\n", stdout)

	bad := writeSpec(t, "machine m\nstate A\ninitial B\n")
	missing := filepath.Join(t.TempDir(), "missing.fsm")
	code, stdout, stderr = fsmgen("fmt", "-w", "-l", a, bad, missing, c)
	assert.Equal(t, 2, code)
	assert.Equal(t, a+"\n"+c+"\n", stdout, "the good files are formatted")
	assert.Equal(t, bad+":3:9: unknown state \"B\"\nfsmgen fmt: 1 problem in the spec\nfsmgen fmt: open "+missing+": no such file or directory\n", stderr)
	for _, f := range []string{a, c} {
		got, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Equal(t, string(formatted), string(got), f)
	}
}

// TestFmtList: -l names the file only if formatting would change it, and
// prints no spec.
func TestFmtList(t *testing.T) {
	path, src := copyMini(t, 0o644)
	code, stdout, stderr := fsmgen("fmt", "-l", "-spec", path)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, path+"\n", stdout)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(got), "-l changed the file")

	formatted, err := spec.Format(path, src)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, formatted, 0o644))
	code, stdout, _ = fsmgen("fmt", "-l", "-spec", path)
	require.Equal(t, 0, code)
	assert.Empty(t, stdout, "a formatted file is not listed")
}

// TestFmtWrite: -w rewrites the file, keeping its mode and leaving no
// temporary file, and writing formatted text again changes nothing.
func TestFmtWrite(t *testing.T) {
	path, src := copyMini(t, 0o600)
	want, err := spec.Format(path, src)
	require.NoError(t, err)

	code, stdout, stderr := fsmgen("fmt", "-w", "-l", "-spec", path)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, path+"\n", stdout, "-w -l lists the file it rewrote")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the file's mode")
	assert.Equal(t, []string{"mini.fsm"}, dirNames(t, filepath.Dir(path)), "a temporary file was left")

	code, stdout, _ = fsmgen("fmt", "-w", "-spec", path)
	require.Equal(t, 0, code)
	assert.Empty(t, stdout, "-w prints nothing")
	st2, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, st.ModTime(), st2.ModTime(), "an unchanged file was rewritten")
	got, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// TestFmtWriteFollowsSymlink: -w on a link rewrites the file it names and
// keeps the link.
func TestFmtWriteFollowsSymlink(t *testing.T) {
	path, src := copyMini(t, 0o644)
	link := filepath.Join(t.TempDir(), "link.fsm")
	if err := os.Symlink(path, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	code, _, stderr := fsmgen("fmt", "-w", link)
	require.Equal(t, 0, code, stderr)
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.True(t, fi.Mode()&os.ModeSymlink != 0, "the link was replaced by a file")
	want, err := spec.Format(path, src)
	require.NoError(t, err)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// TestFmtBadSpec: a spec with errors is refused with every error, exit 2,
// and nothing is written, whatever the flags.
func TestFmtBadSpec(t *testing.T) {
	const text = "machine m\nstate   A\ninitial B\n"
	for _, flags := range [][]string{nil, {"-w"}, {"-l"}, {"-d"}, {"-w", "-l"}} {
		path := writeSpec(t, text)
		code, stdout, stderr := fsmgen(append(append([]string{"fmt"}, flags...), "-spec", path)...)
		assert.Equal(t, 2, code, "%v: %s", flags, stderr)
		assert.Empty(t, stdout, flags)
		assert.Contains(t, stderr, path+`:3:9: unknown state "B"`, flags)
		assert.Contains(t, stderr, "problem", flags)
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, text, string(got), "%v: the file changed", flags)
		assert.Equal(t, []string{"bad.fsm"}, dirNames(t, filepath.Dir(path)), flags)
	}
	code, _, stderr := fsmgen("fmt", "-w", filepath.Join(t.TempDir(), "missing.fsm"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "no such file")
}

// TestFmtRefusesChangedSpec: output that parses to a different spec, or to
// none, or that the formatter itself refuses, is refused, exit 1, naming the spec, and nothing is written.
func TestFmtRefusesChangedSpec(t *testing.T) {
	defer func(f func(string, []byte) ([]byte, error)) { formatSpec = f }(formatSpec)
	for name, bad := range map[string]func(string, []byte) ([]byte, error){
		"a changed value": func(file string, src []byte) ([]byte, error) {
			return []byte(strings.Replace(string(src), "autolock 30s", "autolock 31s", 1)), nil
		},
		"no spec": func(file string, src []byte) ([]byte, error) {
			return []byte(strings.Replace(string(src), "in OPEN", "in OPNE", 1)), nil
		},
		"the formatter's own check": func(file string, src []byte) ([]byte, error) {
			return nil, fmt.Errorf("%s: the formatted text parses to a different spec (a bug in the formatter)", file)
		},
	} {
		formatSpec = bad
		path, src := copyMini(t, 0o644)
		for _, flags := range [][]string{{"-w"}, {"-l"}, {"-d"}, nil} {
			code, stdout, stderr := fsmgen(append(append([]string{"fmt"}, flags...), path)...)
			assert.Equal(t, 1, code, "%s %v: %s", name, flags, stderr)
			assert.Empty(t, stdout, "%s %v", name, flags)
			assert.Contains(t, stderr, "fsmgen fmt: "+path+": the formatted text", "%s %v", name, flags)
			assert.Contains(t, stderr, "nothing written", "%s %v", name, flags)
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(src), string(got), "%s: the file changed", name)
		assert.Equal(t, []string{"mini.fsm"}, dirNames(t, filepath.Dir(path)), name)
	}
}
