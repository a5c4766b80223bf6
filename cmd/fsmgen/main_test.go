package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
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
	assert.Equal(t, "fsmgen frobnicate: unknown command; fsmgen help lists the commands\n", stderr)
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
// the generator's files and the verification record, with the
// verification at the bounds its flags give (weaker than the defaults, so
// said), that writing them again reuses the record and changes nothing,
// and that a record that no longer fits is checked again or refused.
func TestGenWritesWhatGenerateMakes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	args := []string{"gen", "-out", dir, "-pkg", "tcp", "-import", "example.com/tcp", "-capacity", "1", "-incarnations", "1"}
	code, stdout, stderr := fsmgen(args...)
	require.Equal(t, 0, code, stderr)
	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.QuickBounds()
	b.Incarnations = 1
	files, reused, err := verify.Generate(sp, gen.Options{Package: "tcp", ImportPath: "example.com/tcp", Command: gen.Command(sp, filepath.ToSlash(dir), "tcp")}, verify.Options{Bounds: b}, verify.Regeneration{})
	require.NoError(t, err)
	assert.False(t, reused)
	assert.Contains(t, stdout, fmt.Sprintf("%d files, %d changed\n", len(files), len(files)))
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(f.Data, got), f.Name)
		assert.NotContains(t, string(got), "fsmgen "+version(), "%s: the generated code is the same whatever fsmgen made it", f.Name)
	}
	doc, err := os.ReadFile(filepath.Join(dir, "doc.go"))
	require.NoError(t, err)
	assert.Contains(t, string(doc), "Not verified at fsmgen check's default bounds")
	assert.NotContains(t, string(doc), " hold.", "nothing checked at weaker bounds is said to hold")

	code, stdout, _ = fsmgen(args...)
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, fmt.Sprintf("%d files, 0 changed (checked at the quick bounds; the check at the full bounds is reused", len(files)))

	record := filepath.Join(dir, verify.RecordFile)
	data, err := os.ReadFile(record)
	require.NoError(t, err)
	// A checker whose quick verdict changed: the record is not reused.
	require.NoError(t, os.WriteFile(record, bytes.Replace(data, []byte(" states;"), []byte("0 states;"), 1), 0o644))
	code, stdout, stderr = fsmgen(args...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "1 changed\n", "checked again, the record rewritten")
	got, err := os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(got))

	// A record that is not one: exit 2 naming it, unless -recheck.
	require.NoError(t, os.WriteFile(record, []byte("garbage\n"), 0o644))
	code, _, stderr = fsmgen(args...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, record+":1: not a verification record")
	code, _, stderr = fsmgen(append(args, "-recheck")...)
	require.Equal(t, 0, code, stderr)
	got, err = os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(got))
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
		code, _, stderr := fsmgen(append([]string{"gen", "-out", dir, "-import", "example.com/x", "-capacity", "1", "-incarnations", "1"}, args...)...)
		assert.Equal(t, 2, code, "%s: %s", name, stderr)
		entries, _ := os.ReadDir(dir)
		assert.Empty(t, entries, "%s: files were written", name)
	}
}

// TestGenDefaultOut: without -out, gen writes generated/tcp in the module
// root from any directory of the module, and the header names it so, as
// it does a -out given from the root; outside a module it says so before
// any check.
func TestGenDefaultOut(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n\ngo 1.26\n"), 0o644))
	sub := filepath.Join(root, "a", "b")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	t.Chdir(sub)
	code, stdout, stderr := fsmgen("gen", "-capacity", "1", "-incarnations", "1")
	require.Equal(t, 0, code, stderr)
	written, err := os.ReadDir(filepath.Join(root, "generated", "tcp"))
	require.NoError(t, err)
	n := len(written)
	assert.Equal(t, fmt.Sprintf("fsmgen gen: generated/tcp: %d files, %d changed\n", n, n), stdout)
	doc, err := os.ReadFile(filepath.Join(root, "generated", "tcp", "doc.go"))
	require.NoError(t, err)
	assert.Contains(t, string(doc), "fsmgen gen -spec spec/tcp.fsm -out generated/tcp -pkg tcp")
	example, err := os.ReadFile(filepath.Join(root, "generated", "tcp", "example_test.go"))
	require.NoError(t, err)
	assert.Contains(t, string(example), `"example.com/m/generated/tcp"`, "the import path from go.mod")

	t.Chdir(root)
	code, stdout, stderr = fsmgen("gen", "-capacity", "1", "-incarnations", "1", "-out", "generated/tcp")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, fmt.Sprintf("fsmgen gen: generated/tcp: %d files, 0 changed (checked at the quick bounds; the check at the full bounds is reused from verification.txt: same spec, same quick verdict, every property recorded; -recheck repeats it)\n", n), stdout, "the same files from the root")
	code, _, stderr = fsmgen("gen", "-capacity", "1", "-incarnations", "1", "-out", filepath.Join(root, "generated", "tcp"))
	require.Equal(t, 0, code, stderr)

	outside := t.TempDir()
	if _, err := moduleRoot(outside); err == nil {
		t.Skip("the temporary directory is inside a module")
	}
	t.Chdir(outside)
	code, stdout, stderr = fsmgen("gen", "-spec", tcpWithFinding(t, ""))
	assert.Equal(t, 2, code, "refused before the check, which fails")
	assert.Empty(t, stdout)
	assert.Equal(t, "fsmgen gen: the default -out generated/tcp is in the module root, and there is no go.mod in "+outside+" or above it; give -out DIR\n", stderr)
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

// tiny are the flags of the smallest bounds: one segment in flight each
// way and one incarnation, a fifth of a second for every profile.
var tiny = []string{"-capacity", "1", "-incarnations", "1"}

// checkArgs is fsmgen check on the smallest bounds with more arguments.
func checkArgs(args ...string) []string { return append(append([]string{"check"}, tiny...), args...) }

// TestCheck: fsmgen check checks every profile by default, or the one
// -profile names, at the bounds its flags give; the embedded spec also on
// generated/tcp, a spec file on its own. How the report reads is
// verify's to test.
func TestCheck(t *testing.T) {
	code, stdout, stderr := fsmgen(checkArgs()...)
	require.Equal(t, 0, code, "every violation is a finding the spec declares: %s", stderr)
	assert.True(t, strings.HasPrefix(stdout, embeddedSpec()+": machine tcp: "), "the embedded spec is named by the fsmgen it is built into: %.80s", stdout)
	assert.Regexp(t, `^embedded spec \(fsmgen [^()]+\)$`, embeddedSpec())
	assert.Contains(t, stdout, "P9 is checked on the spec and on generated/tcp")
	assert.Contains(t, stdout, "capacity 1 per direction")
	assert.Contains(t, stdout, "1 incarnation;")
	for _, p := range []string{"rfc9293", "linux", "bsd", "solaris", "windows"} {
		// Every property but P13, P15 and P16, which speak of the
		// attacker, P23 of data, P25 of the zero window and P26 of
		// keep-alive.
		assert.Regexp(t, `(?m)^`+p+`( +(holds|finding)){`+strconv.Itoa(len(props.All)-6)+`} +\d+ +\d+ `, stdout, "a row for %s", p)
	}

	code, stdout, _ = fsmgen(checkArgs("-profile", "bsd")...)
	assert.Equal(t, 0, code, "every property holds under bsd")
	assert.Contains(t, stdout, "bsd ")
	assert.NotContains(t, stdout, "linux ")

	code, _, stderr = fsmgen("check", "-profile", "plan9")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown profile "plan9"`)

	mini := miniFile(t)
	code, stdout, _ = fsmgen("check", mini)
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, mini+": machine "), "a spec file is named by its path")
	assert.Contains(t, stdout, "Model checking skipped: ")
	assert.Contains(t, stdout, "home")
	assert.NotContains(t, stdout, "generated/tcp")
}

// p7Finding is the line of the TCP spec that declares RFC 9293's finding
// on P7, the one finding that shows on the smallest bounds.
const p7Finding = "  finding               P7    [RFC9293 3.6 no FIN-WAIT-2 timer: an orphaned FIN_WAIT_2 whose peer aborted, its RST lost, waits for ever]\n"

// tcpWithFinding writes the TCP spec with p7Finding replaced by line to a
// file and returns its path.
func tcpWithFinding(t *testing.T, line string) string {
	t.Helper()
	src := string(spec.TCPSource())
	require.Contains(t, src, p7Finding)
	return writeSpec(t, strings.Replace(src, p7Finding, line, 1))
}

// TestCheckFindings: a violation the spec does not declare fails the
// check, exit 1; a finding about no property is bad input, exit 2.
func TestCheckFindings(t *testing.T) {
	path := tcpWithFinding(t, "")
	code, stdout, stderr := fsmgen(checkArgs("-profile", "rfc9293", "-spec", path)...)
	assert.Equal(t, 1, code)
	assert.Regexp(t, `(?m)^rfc9293( +holds){6} +VIOLATED `, stdout)
	assert.Contains(t, stderr, "fsmgen check: 1 violation the spec does not declare")

	path = tcpWithFinding(t, strings.Replace(p7Finding, "P7", "P27", 1))
	code, _, stderr = fsmgen(checkArgs("-spec", path)...)
	assert.Equal(t, 2, code)
	assert.Regexp(t, `bad.fsm:\d+:\d+: profile rfc9293: finding P27: there is no such property \(P1, P2, P3, P4, P5, P6, P7, P8, P9, P10, P11, P12, P13, P14, P15, P16, P17, P18, P19, P20, P21, P22, P23, P24, P25, P26\)`, stderr)
	assert.Contains(t, stderr, "\nfsmgen check: 1 problem in the spec\n")
}

// TestCheckBounds: bounds the model refuses, and runs past their limits,
// are bad usage, exit 2.
func TestCheckBounds(t *testing.T) {
	for args, want := range map[[2]string]string{
		{"-capacity", "99"}:         "capacity 99 out of range",
		{"-data", "4"}:              "data 4 out of range 0..3",
		{"-data", "-1"}:             "data -1 out of range 0..3",
		{"-zero-window", "-data=0"}: "a zero window needs data",
		{"-max-states", "1000"}:     "more than 1000 states",
		{"-max-memory", "1"}:        "the search would hold more than 1 MiB",
		{"-max-states", "-5"}:       "-max-states -5: give a positive number",
		{"-max-memory", "0"}:        "-max-memory 0: give a positive number of MiB",
	} {
		code, _, stderr := fsmgen("check", "-profile", "linux", args[0], args[1])
		assert.Equal(t, 2, code, args)
		assert.Contains(t, stderr, want, args)
	}
}

// TestCheckJSONAndDiagram: -json prints the report as JSON instead of
// text, and -diagram writes its counterexamples to a file, as package
// verify renders them.
func TestCheckJSONAndDiagram(t *testing.T) {
	diagram := filepath.Join(t.TempDir(), "cx.mmd")
	code, stdout, stderr := fsmgen(checkArgs("-profile", "rfc9293", "-json", "-diagram", diagram)...)
	require.Equal(t, 0, code, stderr)
	var rep verify.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), "the whole of stdout is the JSON report")
	require.Len(t, rep.Results, 1)
	assert.Equal(t, "rfc9293", rep.Results[0].Profile)
	assert.Contains(t, rep.Bounds, "1 incarnation;")

	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.QuickBounds()
	b.Incarnations = 1
	want, _, err := verify.Run(sp, []*spec.Profile{sp.Profile("rfc9293")}, verify.Options{Bounds: b, Table: bind.Generated})
	require.NoError(t, err)
	var w strings.Builder
	require.NoError(t, want.WriteDiagrams(&w))
	require.Contains(t, w.String(), "sequenceDiagram\n", "RFC 9293's finding has a counterexample")
	data, err := os.ReadFile(diagram)
	require.NoError(t, err)
	assert.Equal(t, w.String(), string(data))

}

// TestGenRefusesAFailingCheck: fsmgen gen model-checks the spec first; a
// violation the spec does not declare refuses the table, exit 1, and
// nothing is written, unless -unchecked, which records that it was not
// verified. The table it does write records what was verified, here on
// bounds weaker than the defaults, to be quick, and said so.
func TestGenRefusesAFailingCheck(t *testing.T) {
	failing := tcpWithFinding(t, "")

	dir := filepath.Join(t.TempDir(), "out")
	args := []string{"gen", "-out", dir, "-import", "example.com/x", "-capacity", "1", "-incarnations", "1", "-spec", failing}
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

	code, _, stderr = fsmgen("gen", "-out", dir, "-import", "example.com/x", "-capacity", "1", "-incarnations", "1")
	require.Equal(t, 0, code, stderr)
	doc, err = os.ReadFile(filepath.Join(dir, "doc.go"))
	require.NoError(t, err)
	assert.Contains(t, string(doc), "Model-checked when generated only at weaker bounds: client A and server B over a network of capacity 1 per direction")
	assert.Contains(t, string(doc), "; 1 incarnation;")
	assert.Regexp(t, `rfc9293: \d+ states; P1 P2 P3 P4 P5 P6 P8 P9 P10 P11 P17 P18 P19 P20 P21 P22 P24 show no violation; findings the profile declares: P7 P12 P14\.`, string(doc))

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

// TestCheckCoverage: -coverage adds the rule coverage to the text report,
// and to each result with -json.
func TestCheckCoverage(t *testing.T) {
	code, stdout, stderr := fsmgen("check", "-capacity", "1", "-incarnations", "1", "-profile", "linux", "-coverage")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Coverage: ")
	assert.Contains(t, stdout, "never fired")

	code, stdout, stderr = fsmgen("check", "-capacity", "1", "-incarnations", "1", "-profile", "linux", "-coverage", "-json")
	require.Equal(t, 0, code, stderr)
	var rep struct {
		Results []struct {
			Coverage []struct {
				State string `json:"state"`
				Line  int    `json:"line"`
				Fired uint64 `json:"fired"`
			} `json:"coverage"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.Len(t, rep.Results, 1)
	assert.NotEmpty(t, rep.Results[0].Coverage)
}
