package main

import (
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/tcpfsm/tcpfsm"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorCase is a command line that fails: its exit status, the command
// its error line names and what that line says.
type errorCase struct {
	args []string
	code int
	cmd  string
	want string
}

// TestErrorPaths: every failure exits with the status fsmgen help
// documents and says what is wrong once, in one line on stderr that
// begins "fsmgen CMD: ", printing nothing on stdout.
func TestErrorPaths(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.fsm")
	// A spec whose check fails, exit 1: a command that exits 2 with it
	// found its error before checking.
	failing := tcpWithFinding(t, "")
	for name, c := range map[string]errorCase{
		"unknown command":          {[]string{"frobnicate"}, 2, "frobnicate", "fsmgen frobnicate: unknown command; fsmgen help lists the commands"},
		"misspelt command":         {[]string{"chek"}, 2, "chek", "unknown command (did you mean check?)"},
		"help of unknown command":  {[]string{"help", "chek"}, 2, "help", `unknown command "chek" (did you mean check?)`},
		"help of two commands":     {[]string{"help", "check", "vet"}, 2, "help", `name one command, not ["check" "vet"]`},
		"version with an argument": {[]string{"version", "now"}, 2, "version", `unexpected arguments ["now"]`},
		"unknown flag":             {[]string{"check", "-capcity", "1"}, 2, "check", "unknown flag -capcity (did you mean -capacity?); fsmgen help check lists the flags"},
		"flag in capitals":         {[]string{"check", "-Capacity", "1"}, 2, "check", "unknown flag -Capacity (did you mean -capacity?)"},
		"unknown flag, no match":   {[]string{"vet", "-frobnicate"}, 2, "vet", "fsmgen vet: unknown flag -frobnicate; fsmgen help vet lists the flags\n"},
		"bad flag syntax":          {[]string{"vet", "---x"}, 2, "vet", "fsmgen vet: bad flag syntax: ---x; fsmgen help vet lists the flags\n"},
		"flag without a value":     {[]string{"vet", "-spec"}, 2, "vet", "-spec needs a value"},
		"not a number":             {[]string{"check", "-capacity", "x"}, 2, "check", "-capacity x: want a whole number"},
		"not a boolean":            {[]string{"check", "-no-loss=maybe"}, 2, "check", "-no-loss=maybe: want true or false"},
		"duration without unit":    {[]string{"check", "-msl", "30"}, 2, "check", "fsmgen check: -msl 30: missing unit, e.g. 30s\n"},
		"value with a space":       {[]string{"check", "-msl", "3 s"}, 2, "check", `fsmgen check: -msl "3 s": not a duration`},
		"value with a newline":     {[]string{"check", "-capacity", "1\n2"}, 2, "check", `fsmgen check: -capacity "1\n2": want a whole number`},
		"fraction without unit":    {[]string{"promela", "-msl=1.5"}, 2, "promela", "-msl 1.5: missing unit, e.g. 1.5s"},
		"zero duration":            {[]string{"check", "-msl", "0"}, 2, "check", "-msl 0: give a positive duration, or leave -msl out for each profile's own MSL"},
		"negative duration":        {[]string{"promela", "-msl", "-30s"}, 2, "promela", "-msl -30s: negative; give a positive duration"},
		"not a duration":           {[]string{"check", "-msl", "soon"}, 2, "check", "-msl soon: not a duration, e.g. 30s, 2m or 1h30m"},
		"misspelt profile":         {[]string{"check", "-profile", "linx"}, 2, "check", `unknown profile "linx" (did you mean linux?): the spec has rfc9293, linux, bsd, solaris, windows`},
		"misspelt profile, caps":   {[]string{"promela", "-profile", "BSDD"}, 2, "promela", `unknown profile "BSDD" (did you mean bsd?)`},
		"unknown profile":          {[]string{"check", "-profile", "plan9"}, 2, "check", `unknown profile "plan9": the spec has`},
		"bad limit":                {[]string{"check", "-max-states", "0"}, 2, "check", "-max-states 0: give a positive number"},
		"hash bits too few":        {[]string{"check", "-hash-bits", "15"}, 2, "check", "fsmgen check: -hash-bits 15: give 16 to 64 bits of each state's hash, or 0 for exact storage\n"},
		"hash bits too many":       {[]string{"check", "-hash-bits", "65"}, 2, "check", "-hash-bits 65: give 16 to 64 bits"},
		"negative workers":         {[]string{"check", "-workers", "-2"}, 2, "check", "fsmgen check: -workers -2: give 1 to 1024 goroutines, or 0 for one per core\n"},
		"profile nowhere":          {[]string{"check", "-cpuprofile", filepath.Join(missing, "cpu.prof")}, 2, "check", "-cpuprofile " + filepath.Join(missing, "cpu.prof") + ": there is no directory " + missing},
		"missing spec":             {[]string{"vet", missing}, 2, "vet", "fsmgen vet: open " + missing + ": no such file or directory"},
		"spec is a directory":      {[]string{"diagram", dir}, 2, "diagram", dir + " is a directory, not a spec file"},
		"two specs":                {[]string{"vet", "a.fsm", "b.fsm"}, 2, "vet", `unexpected arguments ["b.fsm"]`},
		"spec twice":               {[]string{"check", "-spec", "a.fsm", "b.fsm"}, 2, "check", "give the spec once"},
		"unknown format":           {[]string{"diagram", "-format", "svg"}, 2, "diagram", `unknown format "svg": want mermaid or dot`},
		"promela into a directory": {[]string{"promela", "-capacity", "1", "-incarnations", "1", "-o", dir}, 2, "promela", "fsmgen promela: write " + dir + ": is a directory"},
		"promela nowhere":          {[]string{"promela", "-capacity", "1", "-incarnations", "1", "-o", filepath.Join(missing, "x.pml")}, 2, "promela", "write " + filepath.Join(missing, "x.pml") + ": no such file or directory"},
		"gen into a file":          {[]string{"gen", "-spec", failing, "-out", failing}, 2, "gen", "-out " + failing + ": " + failing + " is a file, not a directory"},
		"gen below a file":         {[]string{"gen", "-spec", failing, "-out", filepath.Join(failing, "tcp")}, 2, "gen", "-out " + filepath.Join(failing, "tcp") + ": " + failing + " is a file, not a directory"},
		"failed check":             {checkArgs("-profile", "rfc9293", "-spec", failing), 1, "check", "fsmgen check: 1 violation the spec does not declare"},
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := fsmgen(c.args...)
			assert.Equal(t, c.code, code, stderr)
			if c.code == 2 {
				assert.Empty(t, stdout)
			}
			assert.Regexp(t, "^fsmgen "+regexp.QuoteMeta(c.cmd)+": [^\n]*\n$", stderr, "one line, with the command's prefix")
			assert.Contains(t, stderr, c.want)
		})
	}
}

// TestSpecProblems: a spec's problems are printed as compilers print
// them, one a line at its place, and then counted in one line of the
// command's.
func TestSpecProblems(t *testing.T) {
	bad := writeSpec(t, "machine m\nstate A\ninitial B\n")
	for _, cmd := range []string{"vet", "check", "gen", "diagram", "fmt", "promela"} {
		code, _, stderr := fsmgen(cmd, bad)
		assert.Equal(t, 2, code, cmd)
		assert.Equal(t, bad+":3:9: unknown state \"B\"\nfsmgen "+cmd+": 1 problem in the spec\n", stderr, cmd)
	}
}

func TestUnknownTopFlag(t *testing.T) {
	code, stdout, stderr := fsmgen("-x")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "fsmgen: unknown flag -x; fsmgen help lists the commands\n", stderr)
}

// TestHelp: fsmgen help lists the commands; fsmgen help CMD, like
// fsmgen CMD -h, says what CMD does, its usage, flags, examples and exit
// status, on stdout, exit 0.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"-help"}, {"--help"}} {
		code, stdout, stderr := fsmgen(args...)
		assert.Equal(t, 0, code, args)
		assert.Empty(t, stderr, args)
		for _, name := range commandNames() {
			assert.Regexp(t, `(?m)^  `+name+` +\S`, stdout, "%v lists %s with what it does", args, name)
		}
		assert.Contains(t, stdout, "Exit status: 0 success, 1 a failed check, 2 bad usage, bad input or an I/O")
	}
	code, _, stderr := fsmgen()
	assert.Equal(t, 2, code, "no command is bad usage")
	assert.Contains(t, stderr, "Commands:")

	for _, name := range commandNames() {
		code, stdout, stderr := fsmgen("help", name)
		require.Equal(t, 0, code, "%s: %s", name, stderr)
		assert.Empty(t, stderr, name)
		d := doc(name)
		assert.NotEmpty(t, d.summary, "%s has a section in help.txt", name)
		assert.True(t, strings.HasPrefix(stdout, "fsmgen "+name+": "+d.summary+"\n\nUsage:\n  fsmgen "+name), "%s: %.100s", name, stdout)
		assert.Regexp(t, `\nExamples:\n  (sudo )?fsmgen `, stdout, name)
		assert.Regexp(t, `\nExit status:\n  0 +\S(.|\n)*\n  2 +\S`, stdout, name)
		if name != "version" && name != "help" {
			assert.Contains(t, stdout, "\nFlags:\n  -", name)
		}
		code, same, _ := fsmgen(name, "-h")
		assert.Equal(t, 0, code, name)
		assert.Equal(t, stdout, same, "fsmgen %s -h is fsmgen help %s", name, name)
	}

	_, stdout, _ := fsmgen("help", "check")
	for _, want := range []string{"-capacity 1", "17 minutes", "5.3 GB", "-max-memory", "\n  1   a violation the spec does not declare\n", "\n  130 interrupted", "-msl MSL"} {
		assert.Contains(t, stdout, want, "fsmgen help check")
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"-version"}, {"--version"}} {
		code, stdout, stderr := fsmgen(args...)
		assert.Equal(t, 0, code, args)
		assert.Empty(t, stderr)
		assert.Regexp(t, `^fsmgen \S.* \(go1\.\d+[^)]*\)\n$`, stdout, args)
		assert.True(t, strings.HasPrefix(stdout, "fsmgen "+version()+" ("), stdout)
	}
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "2f50b38c1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"}}
	dirty := append(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	for want, info := range map[string]debug.BuildInfo{
		"v0.3.0":                                     {Main: debug.Module{Version: "v0.3.0"}},
		tcpfsm.Version + "+devel":                    {Main: debug.Module{Version: "(devel)"}},
		tcpfsm.Version + "+devel ":                   {},
		tcpfsm.Version + "+devel 2f50b38c1a2b":       {Main: debug.Module{Version: "(devel)"}, Settings: rev},
		tcpfsm.Version + "+devel 2f50b38c1a2b+dirty": {Main: debug.Module{Version: "(devel)"}, Settings: dirty},
		"v0.3.1-0.20260101000000-2f50b38c1a2b+dirty": {Main: debug.Module{Version: "v0.3.1-0.20260101000000-2f50b38c1a2b+dirty"}, Settings: dirty},
	} {
		assert.Equal(t, strings.TrimSpace(want), moduleVersion(&info), want)
	}
}

// TestProfileAnyCase: a profile is named in any case.
func TestProfileAnyCase(t *testing.T) {
	code, stdout, stderr := fsmgen("promela", "-profile", "LiNuX", "-capacity", "1", "-incarnations", "1", "-msl", "2m")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "profile:  linux ")
}

func TestDurationValue(t *testing.T) {
	var d time.Duration
	v := durationValue{d: &d, unset: "leave it out"}
	require.NoError(t, v.Set("1m30s"))
	assert.Equal(t, 90*time.Second, d)
	assert.Equal(t, "1m30s", v.String())
	assert.Equal(t, "", durationValue{}.String(), "the zero value, as package flag makes it for defaults")
	for in, want := range map[string]string{
		"30":   "missing unit, e.g. 30s",
		"0":    "give a positive duration, or leave it out",
		"0s":   "give a positive duration, or leave it out",
		"-1m":  "negative; give a positive duration",
		"1 m":  "not a duration, e.g. 30s, 2m or 1h30m",
		"fast": "not a duration, e.g. 30s, 2m or 1h30m",
	} {
		err := v.Set(in)
		if assert.Error(t, err, in) {
			assert.Equal(t, want, err.Error(), in)
		}
		assert.Equal(t, 90*time.Second, d, "%s: a refused value changes nothing", in)
	}
}
