package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// fsmgen runs the command in-process and returns its exit status and output.
func fsmgen(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeSpec(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad.fsm")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

func TestUsage(t *testing.T) {
	code, _, stderr := fsmgen()
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "Usage:")
	code, _, stderr = fsmgen("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown command "frobnicate"`)
	code, stdout, _ := fsmgen("-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Examples:")
	code, _, _ = fsmgen("vet", "-nosuchflag")
	assert.Equal(t, 2, code)
	code, _, stderr = fsmgen("vet", "a.fsm", "b.fsm")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "unexpected arguments")
}

func TestVet(t *testing.T) {
	code, stdout, _ := fsmgen("vet")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "spec/tcp.fsm: machine tcp: 11 states")

	code, stdout, _ = fsmgen("vet", "../../spec/testdata/mini.fsm")
	assert.Equal(t, 0, code, stdout)

	bad := writeSpec(t, "machine m\nstate A\ninitial B\n")
	code, _, stderr := fsmgen("vet", "-spec", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, bad+`:3:9: unknown state "B"`)
	assert.Contains(t, stderr, "problem")

	code, _, stderr = fsmgen("vet", filepath.Join(t.TempDir(), "missing.fsm"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "no such file")

	code, _, stderr = fsmgen("vet", t.TempDir())
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "is a directory")

	garbage := writeSpec(t, "\x00\xff\xfe garbage \x01\n")
	code, _, stderr = fsmgen("vet", garbage)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, garbage+":1:1: unexpected control character 0x00")
}

// TestGenWritesWhatGenerateMakes checks that the command writes exactly
// the generator's files, and that writing them again changes nothing.
func TestGenWritesWhatGenerateMakes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := fsmgen("gen", "-out", dir, "-pkg", "tcp", "-import", "example.com/tcp")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "6 files, 6 changed")
	sp, err := spec.TCP()
	require.NoError(t, err)
	files, err := gen.Generate(sp, gen.Options{Package: "tcp", ImportPath: "example.com/tcp", Command: gen.Command(sp, filepath.ToSlash(dir), "tcp")})
	require.NoError(t, err)
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(f.Data, got), f.Name)
	}
	code, stdout, _ = fsmgen("gen", "-out", dir, "-pkg", "tcp", "-import", "example.com/tcp")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "6 files, 0 changed")
}

// TestGenBadInputWritesNothing: a bad spec or a bad package name exits 2
// and leaves no file behind.
func TestGenBadInputWritesNothing(t *testing.T) {
	for name, args := range map[string][]string{
		"bad spec":    {"-spec", writeSpec(t, "machine m\nstate A\n")},
		"bad package": {"-pkg", "func"},
		"garbage":     {"-spec", writeSpec(t, "\x7f\x00\x01")},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		code, _, stderr := fsmgen(append([]string{"gen", "-out", dir, "-import", "example.com/x"}, args...)...)
		assert.Equal(t, 2, code, "%s: %s", name, stderr)
		entries, _ := os.ReadDir(dir)
		assert.Empty(t, entries, "%s: files were written", name)
	}
}

func TestGenFindsImportPath(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n\ngo 1.26\n"), 0o644))
	ip, err := modulePath(filepath.Join(root, "a", "b"))
	require.NoError(t, err)
	assert.Equal(t, "example.com/m/a/b", ip)
	_, err = modulePath("/")
	assert.Error(t, err)
}

func TestDiagram(t *testing.T) {
	code, stdout, _ := fsmgen("diagram")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "stateDiagram-v2\n"))
	assert.Contains(t, stdout, "FIN_WAIT_2 --> TIME_WAIT: rcv FIN")
	assert.Contains(t, stdout, "class FIN_WAIT_1,FIN_WAIT_2,CLOSING,TIME_WAIT,CLOSE_WAIT,LAST_ACK highlight")

	code, stdout, _ = fsmgen("diagram", "-format", "dot")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `digraph "tcp" {`)
	assert.Contains(t, stdout, `"TIME_WAIT" -> "CLOSED"`)
	assert.Contains(t, stdout, `fillcolor="#ffe0b2"`)

	code, _, stderr := fsmgen("diagram", "-format", "svg")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown format "svg"`)
}

func TestCheck(t *testing.T) {
	code, stdout, stderr := fsmgen("check")
	require.Equal(t, 1, code, "the findings make check exit 1: %s", stderr)
	assert.Contains(t, stdout, "P9 is checked on the spec and on generated/tcp")
	// The findings: P3 wherever a RST may end TIME_WAIT (all but bsd), P7
	// under RFC 9293 alone (no FIN_WAIT_2 timer); check's own tests say why.
	for p, row := range map[string]string{
		"rfc9293": "holds +holds +VIOLATED +holds +holds +holds +VIOLATED +holds +holds",
		"linux":   "holds +holds +VIOLATED +holds +holds +holds +holds +holds +holds",
		"bsd":     "holds +holds +holds +holds +holds +holds +holds +holds +holds",
		"solaris": "holds +holds +VIOLATED +holds +holds +holds +holds +holds +holds",
		"windows": "holds +holds +VIOLATED +holds +holds +holds +holds +holds +holds",
	} {
		assert.Regexp(t, `(?m)^`+p+` +`+row+` +\d+ +\d+ `, stdout, "properties under %s", p)
	}
	assert.Contains(t, stdout, "P3 VIOLATED under linux:")
	assert.Contains(t, stdout, "Not checked yet: the liveness half of P2")

	code, stdout, _ = fsmgen("check", "-profile", "bsd")
	assert.Equal(t, 0, code, "every property holds under bsd")
	assert.Contains(t, stdout, "bsd ")
	assert.NotContains(t, stdout, "linux ")

	code, _, stderr = fsmgen("check", "-profile", "plan9")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown profile "plan9"`)

	code, stdout, _ = fsmgen("check", "../../spec/testdata/mini.fsm")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Model checking skipped: ")
	assert.Contains(t, stdout, "home")
	assert.NotContains(t, stdout, "generated/tcp")
}

// TestCompareGeneratedCatchesDrift: a spec that differs from the one
// generated/tcp was made from, by one rule, is reported cell by cell.
func TestCompareGeneratedCatchesDrift(t *testing.T) {
	src := string(spec.TCPSource())
	const rule = "rcv FIN                                          -> TIME_WAIT send ACK; restart time_wait"
	require.Contains(t, src, rule)
	mutant := strings.Replace(src, rule, "rcv FIN                                          -> TIME_WAIT send ACK", 1)
	sp, err := spec.Parse(spec.TCPFile, []byte(mutant))
	require.NoError(t, err)
	diff := compareGenerated(sp, sp.Profiles[0].Switches())
	require.Len(t, diff, 1)
	assert.Contains(t, diff[0], "(TIME_WAIT, rcv FIN): table says TIME_WAIT send ACK; restart time_wait, spec says TIME_WAIT send ACK")
}

// TestCheckMutant: a mutant spec file of the TCP vocabulary is model-checked
// through the interpreter, and its violation is printed with the shortest
// counterexample, exit status 1.
func TestCheckMutant(t *testing.T) {
	src := string(spec.TCPSource())
	const rule = "rcv FIN                 -> CLOSE_WAIT send ACK; restart keepalive; stop r2; tell end_of_stream"
	require.Contains(t, src, rule)
	path := writeSpec(t, strings.Replace(src, rule, "rcv FIN -> TIME_WAIT send ACK; stop keepalive; stop r2; start time_wait; tell end_of_stream", 1))
	code, stdout, stderr := fsmgen("check", "-spec", path, "-profile", "linux")
	assert.Equal(t, 1, code, stderr)
	assert.Regexp(t, `(?m)^linux +holds +holds +holds +VIOLATED `, stdout, "P4, the fourth column")
	assert.Regexp(t, `(?m)^linux( +\w+){8} +holds +\d+`, stdout, "P9 holds for the mutant spec")
	assert.Regexp(t, `P4 VIOLATED under linux: . \((client|server)\) entered TIME_WAIT from ESTABLISHED without having sent its FIN first`, stdout)
	assert.Contains(t, stdout, "receives FIN#1@0 as rcv FIN: ESTABLISHED -> TIME_WAIT")

	code, _, stderr = fsmgen("check", "-capacity", "99")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "capacity 99 out of range")
	code, _, stderr = fsmgen("check", "-profile", "linux", "-max-states", "1000")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "more than 1000 states")
	code, _, stderr = fsmgen("check", "-profile", "linux", "-max-memory", "1")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "the heap passed 1 MiB")
}

func TestCheckJSONAndDiagram(t *testing.T) {
	dir := t.TempDir()
	diagram := filepath.Join(dir, "cx.mmd")
	code, stdout, _ := fsmgen("check", "-profile", "linux", "-json", "-diagram", diagram)
	assert.Equal(t, 1, code)
	var rep struct {
		Results []struct {
			Profile     string  `json:"profile"`
			MSL         string  `json:"msl"`
			States      int     `json:"states"`
			Transitions int     `json:"transitions"`
			Seconds     float64 `json:"seconds"`
			Properties  []struct {
				ID             string `json:"id"`
				Name           string `json:"name"`
				Holds          bool   `json:"holds"`
				Counterexample []struct {
					Step, State string
				} `json:"counterexample"`
			} `json:"properties"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.Len(t, rep.Results, 1)
	r := rep.Results[0]
	assert.Equal(t, "linux", r.Profile)
	assert.Equal(t, "30s", r.MSL, "linux has no MSL: the network's is 30 s")
	assert.Positive(t, r.States)
	require.Len(t, r.Properties, 9)
	for i, p := range r.Properties {
		assert.Equal(t, fmt.Sprintf("P%d", i+1), p.ID)
		assert.NotEmpty(t, p.Name)
		assert.Equal(t, p.ID != "P3", p.Holds, p.ID)
		assert.Equal(t, !p.Holds, len(p.Counterexample) > 0, p.ID)
	}
	data, err := os.ReadFile(diagram)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "sequenceDiagram\n"))
	assert.Contains(t, string(data), "Note over B: rcv RST: TIME_WAIT → CLOSED")
	assert.NotContains(t, string(data), "#1")
}
