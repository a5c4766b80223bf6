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
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
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

	code, stdout, _ = fsmgen("vet", miniFile(t))
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
	rep, failures, err := verify.Run(sp, sp.Profiles, verify.Options{Bounds: model.QuickBounds()})
	require.NoError(t, err)
	require.Zero(t, failures)
	files, err := gen.Generate(sp, gen.Options{Package: "tcp", ImportPath: "example.com/tcp", Command: gen.Command(sp, filepath.ToSlash(dir), "tcp"), Verification: rep.Verification()})
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

// TestCheck runs fsmgen check on the quick bounds (one segment in flight
// each way): the default bounds take minutes.
func TestCheck(t *testing.T) {
	code, stdout, stderr := fsmgen("check", "-capacity", "1")
	require.Equal(t, 0, code, "every violation is a finding the spec declares: %s", stderr)
	assert.Contains(t, stdout, "P9 is checked on the spec and on generated/tcp")
	assert.Contains(t, stdout, "capacity 1 per direction")
	// At these bounds one finding shows: P7 under RFC 9293 alone (no
	// FIN_WAIT_2 timer). The others the spec declares need two segments in
	// flight, and are noted as not reproduced.
	for p, row := range map[string]string{
		"rfc9293": "holds +holds +holds +holds +holds +holds +finding +holds +holds",
		"linux":   "holds +holds +holds +holds +holds +holds +holds +holds +holds",
		"bsd":     "holds +holds +holds +holds +holds +holds +holds +holds +holds",
		"solaris": "holds +holds +holds +holds +holds +holds +holds +holds +holds",
		"windows": "holds +holds +holds +holds +holds +holds +holds +holds +holds",
	} {
		assert.Regexp(t, `(?m)^`+p+` +`+row+` +\d+ +\d+ `, stdout, "properties under %s", p)
	}
	assert.Contains(t, stdout, "Finding P7 under rfc9293, as the profile declares: RFC9293 3.6 no FIN-WAIT-2 timer")
	assert.Contains(t, stdout, "\nP7 under rfc9293: nothing can happen any more, and A (client) is left in FIN_WAIT_2")
	assert.Contains(t, stdout, "P3 holds under linux at these bounds, though the profile declares it a finding")

	// A finding covers its weakness only: without TIME_WAIT, the lost
	// final ACK resets LAST_ACK under linux too, whose finding on P8 is
	// TIME-WAIT assassination.
	noTimeWait := strings.NewReplacer(
		"rcv FIN                 -> TIME_WAIT send ACK; stop fin_wait_2; stop keepalive; stop r2; start time_wait; tell end_of_stream", "rcv FIN -> CLOSED send ACK; stop fin_wait_2; stop keepalive; stop r2; tell end_of_stream",
		"rcv FIN_ACK             -> TIME_WAIT send ACK; stop fin_wait_2; stop keepalive; stop r2; start time_wait; tell end_of_stream", "rcv FIN_ACK -> CLOSED send ACK; stop fin_wait_2; stop keepalive; stop r2; tell end_of_stream",
	).Replace(string(spec.TCPSource()))
	require.NotEqual(t, string(spec.TCPSource()), noTimeWait)
	code, stdout, _ = fsmgen("check", "-capacity", "1", "-profile", "linux", "-spec", writeSpec(t, noTimeWait))
	assert.Equal(t, 1, code)
	assert.Regexp(t, `(?m)^linux( +holds){7} +VIOLATED `, stdout)
	assert.Contains(t, stdout, "The profile declares a finding on P8, but this violation does not come from the weakness it names")

	code, stdout, _ = fsmgen("check", "-capacity", "1", "-profile", "bsd")
	assert.Equal(t, 0, code, "every property holds under bsd")
	assert.Contains(t, stdout, "bsd ")
	assert.NotContains(t, stdout, "linux ")

	code, _, stderr = fsmgen("check", "-profile", "plan9")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown profile "plan9"`)

	code, stdout, _ = fsmgen("check", miniFile(t))
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Model checking skipped: ")
	assert.Contains(t, stdout, "home")
	assert.NotContains(t, stdout, "generated/tcp")
}

// TestCheckFindings: a violation the spec does not declare fails the
// check; declaring it as a finding of its profile makes it pass; a
// finding about no property is bad input.
func TestCheckFindings(t *testing.T) {
	src := string(spec.TCPSource())
	const finding = "  finding               P7    [RFC9293 3.6 no FIN-WAIT-2 timer: an orphaned FIN_WAIT_2 whose peer aborted, its RST lost, waits for ever]\n"
	require.Contains(t, src, finding)
	path := writeSpec(t, strings.Replace(src, finding, "", 1))
	code, stdout, stderr := fsmgen("check", "-capacity", "1", "-profile", "rfc9293", "-spec", path)
	assert.Equal(t, 1, code)
	assert.Regexp(t, `(?m)^rfc9293( +holds){6} +VIOLATED `, stdout)
	assert.Contains(t, stderr, "fsmgen check: 1 violation the spec does not declare")

	path = writeSpec(t, strings.Replace(src, finding, strings.Replace(finding, "P7", "P12", 1), 1))
	code, _, stderr = fsmgen("check", "-capacity", "1", "-spec", path)
	assert.Equal(t, 2, code)
	assert.Regexp(t, `bad.fsm:\d+:\d+: profile rfc9293: finding P12: there is no such property \(P1, P2, P3, P4, P5, P6, P7, P8, P9\)`, stderr)

	path = writeSpec(t, strings.Replace(src, finding, strings.Replace(finding, "P7", "P5", 1), 1))
	code, _, stderr = fsmgen("check", "-capacity", "1", "-spec", path)
	assert.Equal(t, 2, code)
	assert.Regexp(t, `bad.fsm:\d+:\d+: profile rfc9293: finding P5: P5 has no known weakness a finding can name \(findings may name P3, P7, P8\)`, stderr)
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
	diff := verify.CompareGenerated(sp, sp.Profiles[0].Switches())
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
	code, stdout, stderr := fsmgen("check", "-capacity", "1", "-spec", path, "-profile", "linux")
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
	assert.Contains(t, stderr, "the search would hold more than 1 MiB")
	code, _, stderr = fsmgen("check", "-profile", "linux", "-max-states", "-5")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-max-states -5: give a positive number")
}

func TestCheckJSONAndDiagram(t *testing.T) {
	dir := t.TempDir()
	diagram := filepath.Join(dir, "cx.mmd")
	code, stdout, _ := fsmgen("check", "-capacity", "1", "-profile", "rfc9293", "-json", "-diagram", diagram)
	assert.Equal(t, 0, code)
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
				Finding        string `json:"finding"`
				Counterexample []struct {
					Step, State string
				} `json:"counterexample"`
			} `json:"properties"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.Len(t, rep.Results, 1)
	r := rep.Results[0]
	assert.Equal(t, "rfc9293", r.Profile)
	assert.Equal(t, "2m0s", r.MSL, "RFC 9293's MSL")
	assert.Positive(t, r.States)
	require.Len(t, r.Properties, 9)
	for i, p := range r.Properties {
		assert.Equal(t, fmt.Sprintf("P%d", i+1), p.ID)
		assert.NotEmpty(t, p.Name)
		assert.Equal(t, p.ID != "P7", p.Holds, p.ID)
		assert.Equal(t, !p.Holds, len(p.Counterexample) > 0, p.ID)
		assert.Equal(t, !p.Holds, p.Finding != "", p.ID)
	}
	data, err := os.ReadFile(diagram)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "sequenceDiagram\n"))
	assert.Contains(t, string(data), "Note over B: app ABORT: CLOSE_WAIT → CLOSED\n    Note over B: 1 sent into a full channel, lost")
	assert.NotContains(t, string(data), "#1")
}

// TestGenRefusesAFailingCheck: fsmgen gen model-checks the spec first; a
// violation the spec does not declare refuses the table, exit 1, and
// nothing is written, unless -unchecked, which records that it was not
// verified. The table it does write records what was verified.
func TestGenRefusesAFailingCheck(t *testing.T) {
	src := string(spec.TCPSource())
	const finding = "  finding               P7    [RFC9293 3.6 no FIN-WAIT-2 timer: an orphaned FIN_WAIT_2 whose peer aborted, its RST lost, waits for ever]\n"
	require.Contains(t, src, finding)
	failing := writeSpec(t, strings.Replace(src, finding, "", 1))

	dir := filepath.Join(t.TempDir(), "out")
	args := []string{"gen", "-out", dir, "-import", "example.com/x", "-spec", failing}
	code, _, stderr := fsmgen(args...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "fsmgen gen: the check fails, so no table is written")
	assert.Contains(t, stderr, "P7 under rfc9293: nothing can happen any more, and A (client) is left in FIN_WAIT_2")
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries, "a table was written")

	code, _, stderr = fsmgen(append(args, "-unchecked")...)
	require.Equal(t, 0, code, stderr)
	doc, err := os.ReadFile(filepath.Join(dir, "doc.go"))
	require.NoError(t, err)
	assert.Contains(t, string(doc), "Not verified: generated with fsmgen gen -unchecked.")

	code, _, stderr = fsmgen("gen", "-out", dir, "-import", "example.com/x")
	require.Equal(t, 0, code, stderr)
	doc, err = os.ReadFile(filepath.Join(dir, "doc.go"))
	require.NoError(t, err)
	assert.Contains(t, string(doc), "Model-checked when generated: client A and server B over a network of capacity 1 per direction")
	assert.Regexp(t, `rfc9293: \d+ states; P1 P2 P3 P4 P5 P6 P8 P9 hold; findings the profile declares: P7\.`, string(doc))

	code, _, stderr = fsmgen("gen", "-out", dir, "-import", "example.com/x", "-capacity", "0")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "capacity 0 out of range")
}

// miniFile writes the test kit's mini.fsm into a directory of its own and
// returns its path.
func miniFile(t *testing.T) string {
	t.Helper()
	path, _ := copyMini(t, 0o644)
	return path
}
