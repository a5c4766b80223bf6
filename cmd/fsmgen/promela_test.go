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

// TestPromelaSCTP: the SCTP spec is refused with a message that says why
// and what runs it instead, exit 2, and nothing on standard output.
func TestPromelaSCTP(t *testing.T) {
	code, stdout, stderr := fsmgen("promela", "-spec", "../../spec/sctp.fsm")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "fsmgen promela: ../../spec/sctp.fsm is in the SCTP vocabulary, and the export writes the TCP model only")
}
