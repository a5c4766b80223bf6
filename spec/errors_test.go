package spec

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenFile is the name a golden case's spec carries in positions.
const goldenFile = "spec.fsm"

// TestErrors parses each testdata/errors/*.txtar case's spec.fsm and
// compares every reported problem with its want section, line for line.
// Run "go test ./spec -run TestErrors -update" to rewrite the want
// sections, then read the diff.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no golden cases in testdata/errors")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err, "case %s", name)
			src := archiveFile(ar, goldenFile)
			require.NotNil(t, src, "case %s: no -- %s -- section", name, goldenFile)

			sp, err := Parse(goldenFile, src)
			require.Error(t, err, "case %s: the spec parsed without errors; a golden case must be malformed", name)
			assert.Empty(t, checkResult(goldenFile, src, sp, err), "case %s", name)
			got := err.Error() + "\n"

			if *update {
				setArchiveFile(ar, "want", []byte(got))
				require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o666), "case %s", name)
				return
			}
			want := archiveFile(ar, "want")
			require.NotNil(t, want, "case %s: no -- want -- section (run with -update to create it)", name)
			assert.Equal(t, string(want), got, "case %s: reported errors differ from the want section (run with -update to accept)", name)
		})
	}
}

func archiveFile(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func setArchiveFile(ar *txtar.Archive, name string, data []byte) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = data
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
}

// checkResult returns what is wrong with Parse's result for src, named
// file, or "" if nothing is: a failed parse must be a non-empty, sorted
// ErrorList of well-placed, non-empty messages; a successful one must
// decide every cell under every switch set.
func checkResult(file string, src []byte, sp *Spec, err error) string {
	if err == nil {
		if sp == nil {
			return "Parse returned neither a spec nor an error"
		}
		return checkDecided(sp)
	}
	if sp != nil {
		return "Parse returned both a spec and an error"
	}
	var list ErrorList
	if !errors.As(err, &list) {
		return fmt.Sprintf("error is a %T, not an ErrorList", err)
	}
	if len(list) == 0 {
		return "empty ErrorList"
	}
	lines := bytes.Count(src, []byte("\n")) + 1
	for i, e := range list {
		switch {
		case e == nil:
			return fmt.Sprintf("entry %d of the ErrorList is nil", i)
		case e.Pos.File != file:
			return fmt.Sprintf("%q: file is not %s", e.Error(), file)
		case e.Pos.Line < 1 || e.Pos.Line > lines+1:
			return fmt.Sprintf("%q: line not in 1..%d", e.Error(), lines+1)
		case e.Pos.Col < 1:
			return fmt.Sprintf("%q: column below 1", e.Error())
		case strings.TrimSpace(e.Msg) == "":
			return fmt.Sprintf("%q: empty message", e.Error())
		}
		if i > 0 {
			a, b := list[i-1].Pos, e.Pos
			if a.Line > b.Line || a.Line == b.Line && a.Col > b.Col {
				return fmt.Sprintf("errors not sorted: %q before %q", list[i-1].Error(), e.Error())
			}
		}
	}
	return ""
}

// checkDecided returns a problem if some cell of sp has no rule under some
// switch set.
func checkDecided(sp *Spec) string {
	for sw := uint64(0); sw < 1<<len(sp.Switches); sw++ {
		for _, s := range sp.States {
			for _, e := range sp.Events {
				if sp.Decide(s, e, sw) == nil {
					return fmt.Sprintf("cell (%s, %s) undecided under switch set %#b", s.Name, e, sw)
				}
			}
		}
	}
	return ""
}
