package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/spec"
)

func TestPromelaStdoutAndFile(t *testing.T) {
	code, stdout, stderr := fsmgen("promela", "-profile", "linux", "-capacity", "1", "-incarnations", "1")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "profile:  linux (switches: syn_reopens_time_wait rfc5961; findings it declares: P3 P8)")
	assert.Contains(t, stdout, "table:    generated/tcp")
	assert.Contains(t, stdout, "capacity 1 per direction")
	assert.Contains(t, stdout, "1 incarnation;")
	assert.Contains(t, stdout, "active proctype system()")

	dir := t.TempDir()
	out := filepath.Join(dir, "tcp.pml")
	code, _, stderr = fsmgen("promela", "-profile", "linux", "-capacity", "1", "-incarnations", "1", "-o", out)
	require.Equal(t, 0, code, stderr)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, stdout, string(got))
	assert.Equal(t, []string{"tcp.pml"}, dirNames(t, dir), "no temporary file left behind")
}

func TestPromelaDefaults(t *testing.T) {
	// The first profile of the spec, and fsmgen check's default bounds.
	code, stdout, stderr := fsmgen("promela")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "profile:  rfc9293")
	assert.Contains(t, stdout, "#define CAP          2")
	assert.Contains(t, stdout, "#define INCS         2")
	assert.Contains(t, stdout, "#define FINDING_P7   1", "rfc9293 declares the orphaned FIN_WAIT_2 a finding")
}

// TestPromelaSpecFile: a spec given as a file (a mutant, say) runs through
// the spec's interpreter, as fsmgen check runs it.
func TestPromelaSpecFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "copy.fsm")
	require.NoError(t, os.WriteFile(path, spec.TCPSource(), 0o644))
	code, stdout, stderr := fsmgen("promela", "-spec", path, "-profile", "bsd", "-capacity", "1")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "table:    the spec's interpreter")
	assert.Contains(t, stdout, "spec:     "+path)
}

func TestPromelaBadInputWritesNothing(t *testing.T) {
	for name, args := range map[string][]string{
		"unknown profile":      {"-profile", "nosuch"},
		"capacity 0":           {"-capacity", "0"},
		"capacity 99":          {"-capacity", "99"},
		"incarnations 9":       {"-incarnations", "9"},
		"negative losses":      {"-losses", "-1"},
		"msl ticks 100":        {"-msl-ticks", "100"},
		"msl of a millisecond": {"-msl", "1ms"},
		"bad flag":             {"-frobnicate"},
		"two specs":            {"a.fsm", "b.fsm"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "model.pml")
			code, stdout, stderr := fsmgen(append([]string{"promela", "-o", out}, args...)...)
			assert.Equal(t, 2, code, stderr)
			assert.Empty(t, stdout)
			assert.Empty(t, dirNames(t, dir), "no output file, not even a partial one")
		})
	}
	code, _, stderr := fsmgen("promela", "-profile", "nosuch")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown profile "nosuch": the spec has rfc9293, linux, bsd, solaris, windows`)
	code, _, stderr = fsmgen("promela", "-capacity", "99")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "capacity 99 out of range 1..8")

	// An existing file is left as it was.
	dir := t.TempDir()
	out := filepath.Join(dir, "model.pml")
	require.NoError(t, os.WriteFile(out, []byte("before"), 0o644))
	code, _, _ = fsmgen("promela", "-o", out, "-incarnations", "0")
	assert.Equal(t, 2, code)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "before", string(got))
	// A directory cannot be the output.
	code, _, stderr = fsmgen("promela", "-capacity", "1", "-o", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "is a directory")
}

// TestPromelaSCTP: a spec of the SCTP vocabulary exports the association
// model that fsmgen check explores for it, with its properties S1 to S6 and S7's liveness claims;
// the bounds flags are the association model's (-incarnations the
// associations, -capacity the chunks in flight each way), and the export
// is the same byte for byte from run to run.
func TestPromelaSCTP(t *testing.T) {
	code, stdout, stderr := fsmgen("promela", "-spec", "../../spec/sctp.fsm", "-profile", "linux", "-capacity", "1", "-incarnations", "2")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "spec:     ../../spec/sctp.fsm")
	assert.Contains(t, stdout, "profile:  linux")
	assert.Contains(t, stdout, "bounds:   2 association(s), 1 chunk(s) in flight each way, loss on, duplication on")
	assert.Contains(t, stdout, "verification tags chosen fresh for each association")
	assert.Contains(t, stdout, "active proctype association()")
	assert.Contains(t, stdout, "#define CAP          1")
	assert.Contains(t, stdout, "#define ASSOCS       2")
	assert.Contains(t, stdout, "#define REUSE_TAGS   0")
	for _, id := range []string{"S1", "S2", "S3", "S4", "S5", "S6"} {
		assert.Contains(t, stdout, "judge("+id+"_violated")
	}
	assert.NotContains(t, stdout, `#include "assoc_`, "the export is one file")
	assert.Contains(t, stdout, "never s7_A")
	assert.Contains(t, stdout, "chunk 0 of net[0] is lost")
	_, again, _ := fsmgen("promela", "-spec", "../../spec/sctp.fsm", "-profile", "linux", "-capacity", "1", "-incarnations", "2")
	assert.Equal(t, stdout, again, "the same input, the same export")

	code, stdout, stderr = fsmgen("promela", "-spec", "../../spec/sctp.fsm", "-capacity", "1", "-no-loss", "-no-dup", "-reuse-tags")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "profile:  rfc9260", "the spec's first profile")
	assert.Contains(t, stdout, "loss off, duplication off")
	assert.Contains(t, stdout, "verification tags reused")
	assert.Contains(t, stdout, "#define REUSE_TAGS   1")
	assert.NotContains(t, stdout, "of net[0] is lost", "no loss step offered")
}

// TestPromelaSCTPBadInput: what the association model cannot take is
// refused, exit 2, naming the flag, and nothing is written.
func TestPromelaSCTPBadInput(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"unknown profile":   {[]string{"-profile", "bsd"}, `unknown profile "bsd": the spec has rfc9260, linux`},
		"capacity 4":        {[]string{"-capacity", "4"}, "-capacity 4: the chunks in flight each way: capacity: 4 is not between 1 and 3"},
		"capacity 0":        {[]string{"-capacity", "0"}, "-capacity 0"},
		"associations 4":    {[]string{"-incarnations", "4"}, "-incarnations 4: the associations A's user may start: associations: 4 is not between 1 and 3"},
		"associations 0":    {[]string{"-incarnations", "0"}, "-incarnations 0"},
		"negative losses":   {[]string{"-losses", "-1"}, "-losses -1"},
		"msl ticks":         {[]string{"-msl-ticks", "3"}, "-msl-ticks: the SCTP association model is untimed"},
		"data":              {[]string{"-data", "1"}, "takes no -data"},
		"no reordering":     {[]string{"-no-reorder"}, "takes no -no-reorder"},
		"reuse tags on tcp": {nil, "-reuse-tags is for a spec of the SCTP vocabulary"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "assoc.pml")
			args := append([]string{"promela", "-o", out, "-spec", "../../spec/sctp.fsm"}, c.args...)
			if c.args == nil {
				args = []string{"promela", "-o", out, "-reuse-tags"}
			}
			code, stdout, stderr := fsmgen(args...)
			assert.Equal(t, 2, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, c.want)
			assert.Empty(t, dirNames(t, dir), "no output file, not even a partial one")
		})
	}
}
