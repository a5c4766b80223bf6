package gen

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tcpfsm/tcpfsm"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// tcpOptions are the options of the repository's go:generate line, with a
// verification record standing for the one fsmgen gen hands over: the
// generator records what it is handed (generated/tcp's own test checks
// the committed package against the real record).
func tcpOptions(sp *spec.Spec) Options {
	return Options{
		Package:      "tcp",
		ImportPath:   "github.com/tcpfsm/tcpfsm/generated/tcp",
		Command:      Command(sp, "generated/tcp", "tcp"),
		Verification: []string{"Model-checked when generated: a record handed to the generator."},
	}
}

func loadMini(t *testing.T) *spec.Spec {
	t.Helper()
	sp, err := spec.Parse("mini.fsm", specgen.Mini)
	require.NoError(t, err)
	return sp
}

func miniOptions() Options {
	return Options{Package: "door", ImportPath: "example.com/door", Command: "fsmgen gen -spec mini.fsm -out door -pkg door"}
}

func TestDeterministic(t *testing.T) {
	tcp, err := spec.TCP()
	require.NoError(t, err)
	sctp, err := spec.SCTP()
	require.NoError(t, err)
	sctpOptions := Options{Package: "sctp", ImportPath: "github.com/tcpfsm/tcpfsm/generated/sctp", Command: Command(sctp, "generated/sctp", "sctp")}
	for name, c := range map[string]struct {
		sp  *spec.Spec
		opt Options
	}{"tcp": {tcp, tcpOptions(tcp)}, "sctp": {sctp, sctpOptions}, "mini": {loadMini(t), miniOptions()}} {
		a, err := Generate(c.sp, c.opt)
		require.NoError(t, err, name)
		// A fresh parse, so no state carries over between runs.
		sp2, err := spec.Parse(c.sp.File, c.sp.Source)
		require.NoError(t, err, name)
		b, err := Generate(sp2, c.opt)
		require.NoError(t, err, name)
		require.Equal(t, len(a), len(b), name)
		for i := range a {
			assert.Equal(t, a[i].Name, b[i].Name, name)
			assert.True(t, bytes.Equal(a[i].Data, b[i].Data), "%s: %s differs between two runs", name, a[i].Name)
		}
	}
}

var headerRE = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

// TestGoFiles checks every generated Go file: the header, that it parses,
// and that gofmt leaves it unchanged.
func TestGoFiles(t *testing.T) {
	files, err := Generate(loadMini(t), miniOptions())
	require.NoError(t, err)
	for _, f := range files {
		if !strings.HasSuffix(f.Name, ".go") {
			continue
		}
		first, _, _ := strings.Cut(string(f.Data), "\n")
		assert.Regexp(t, headerRE, first, f.Name)
		assert.Contains(t, first, "mini.fsm", "%s: the header names the spec", f.Name)
		assert.Contains(t, first, "(tcpfsm "+tcpfsm.Version+")", "%s: the header names the generator's release", f.Name)
		_, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Data, parser.ParseComments)
		assert.NoError(t, err, f.Name)
		formatted, err := format.Source(f.Data)
		require.NoError(t, err, f.Name)
		assert.Equal(t, string(formatted), string(f.Data), "%s is not gofmt-stable", f.Name)
	}
}

// goCommand returns the go command for the tests that build a generated
// package as a module of its own, or skips them.
func goCommand(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped in -short mode")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	return goBin
}

// writeModule writes files as the module example.com/door in a new
// directory and returns it.
func writeModule(t *testing.T, files []Output) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/door\n\ngo 1.26\n"), 0o644))
	for _, f := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644))
	}
	return dir
}

// runGo runs the go command in dir, outside any workspace.
func runGo(goBin, dir string, args ...string) ([]byte, error) {
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	return cmd.CombinedOutput()
}

// TestCompilesAndRunsExample builds the package generated from a small
// spec in a module of its own and runs its tests, which include the
// generated Example and its expected output.
func TestCompilesAndRunsExample(t *testing.T) {
	goBin := goCommand(t)
	files, err := Generate(loadMini(t), miniOptions())
	require.NoError(t, err)
	dir := writeModule(t, files)
	out, err := runGo(goBin, dir, "test", "-count=1", "./...")
	require.NoError(t, err, "go test in the generated package:\n%s", out)
	out, err = runGo(goBin, dir, "vet", "./...")
	require.NoError(t, err, "go vet in the generated package:\n%s", out)
}

// TestStaleFileBreaksTheBuild shows the compile-time guards bite: a
// types.go from another spec, or a constant that moved, must not build.
func TestStaleFileBreaksTheBuild(t *testing.T) {
	goBin := goCommand(t)
	files, err := Generate(loadMini(t), miniOptions())
	require.NoError(t, err)
	var types string
	for _, f := range files {
		if f.Name == "types.go" {
			types = string(f.Data)
		}
	}
	require.Contains(t, types, "Closed State = 2")
	for name, c := range map[string]struct{ from, to, want string }{
		"types.go from another spec": {`const SpecHash = "sha256:`, `const SpecHash = "sha256:0`, "duplicate key false"},
		"a state constant moved":     {"Closed State = 2", "Closed State = 3", "invalid argument: index"},
	} {
		stale := make([]Output, len(files))
		for i, f := range files {
			stale[i] = f
			if f.Name == "types.go" {
				stale[i].Data = []byte(strings.Replace(types, c.from, c.to, 1))
			}
		}
		out, err := runGo(goBin, writeModule(t, stale), "build", "./...")
		require.Error(t, err, "%s: the stale package built", name)
		assert.Contains(t, string(out), c.want, name)
		t.Logf("%s: %s", name, out)
	}
}

func TestNameCollision(t *testing.T) {
	src := strings.Replace(string(loadMini(t).Source), "state OPEN   \"open\"", "state OPEN \"open\"\nstate STEP \"collides with Step\"", 1)
	src = strings.Replace(src, "in OPEN\n", "in STEP\n  app UNLOCK -> LOCKED [MANUAL 1]\n  app PUSH ignore \"x\" [MANUAL 1]\n  rcv BUMP ignore \"x\" [MANUAL 1]\n  timeout autolock ignore \"x\" [MANUAL 1]\nin OPEN\n  app UNLOCK -> STEP [MANUAL 1]\n", 1)
	src = strings.Replace(src, "  app UNLOCK         ignore \"open\" [MANUAL 1]\n", "", 1)
	sp, err := spec.Parse("mini.fsm", []byte(src))
	require.NoError(t, err)
	_, err = Generate(sp, miniOptions())
	require.Error(t, err)
	assert.Equal(t, `mini.fsm:8:7: state STEP becomes Go name Step, already used by a name of the generated API`, err.Error())
}

func TestBadOptions(t *testing.T) {
	sp := loadMini(t)
	_, err := Generate(sp, Options{Package: "func", ImportPath: "x"})
	assert.ErrorContains(t, err, `package name "func" is not a Go identifier`)
	_, err = Generate(sp, Options{Package: "door"})
	assert.ErrorContains(t, err, "no import path")
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"FIN_WAIT_1": "FinWait1", "time_wait": "TimeWait", "rfc9293": "RFC9293", "rfc1337": "RFC1337",
		"msl": "MSL", "r2_syn": "R2Syn", "SYN_ACK": "SynAck", "bsd": "BSD", "x": "X",
	} {
		assert.Equal(t, want, goName(in), in)
	}
	assert.Equal(t, "RcvAckOfFin", goName("rcv", "ACK_OF_FIN"))
}

// TestRefusesNamesGoCannotTake: names that would not compile are refused
// with the place, not turned into broken code.
func TestRefusesNamesGoCannotTake(t *testing.T) {
	base := string(loadMini(t).Source)
	for name, c := range map[string]struct{ from, to, want string }{
		"state starting with a digit after _": {"state OPEN   \"open\"", "state _1 \"open\"", `state _1 becomes "1", which is not an exported Go identifier`},
		"duration named like a method":        {"duration grace   \"how long the lock waits\"", "duration step \"how long\"", "step becomes Profile field Step, already used"},
		"duration named Timer":                {"duration grace   \"how long the lock waits\"", "duration timer_ \"how long\"", "timer_ becomes Profile field Timer, already used"},
	} {
		src := strings.ReplaceAll(base, c.from, c.to)
		if strings.Contains(c.to, "_1") {
			src = strings.ReplaceAll(src, "OPEN", "_1")
		}
		if strings.Contains(c.to, "step") {
			src = strings.ReplaceAll(src, "grace ", "step ")
		}
		if strings.Contains(c.to, "timer_") {
			src = strings.ReplaceAll(src, "grace ", "timer_ ")
		}
		sp, err := spec.Parse("mini.fsm", []byte(src))
		require.NoError(t, err, name)
		_, err = Generate(sp, miniOptions())
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), c.want, name)
	}
}

// TestRecordsVerification: the record handed over is written, line for
// line, into the package documentation and the README.
func TestRecordsVerification(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	files, err := Generate(sp, tcpOptions(sp))
	require.NoError(t, err)
	found := map[string]bool{}
	for _, f := range files {
		if strings.Contains(string(f.Data), "a record handed to the generator") {
			found[f.Name] = true
		}
	}
	assert.Equal(t, map[string]bool{"doc.go": true, "README.md": true}, found)
}
