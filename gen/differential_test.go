package gen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// diffUnit is one random spec and the package generated from it.
type diffUnit struct {
	pkg   string // pkgNN, also the directory in the module
	seed  int
	text  string
	sp    *spec.Spec
	files []Output
}

// TestDifferentialRandomSpecs generates a package from each of a few random
// specs and checks it three ways: every Go file parses, is gofmt-stable and
// is the same on a second run; each package type-checks, its example test
// included; and, built into one program and run, the tables say for every
// cell under every switch set what the interpreter (spec.Decide) says, the
// profiles carry the spec's values, and each Example prints its Output.
//
// The specs are drawn with fixed seeds, so the test is deterministic.
// GEN_DIFF_SPECS sets how many (default 12), GEN_DIFF_SEED the first seed
// (default 0), for a longer hunt:
//
//	GEN_DIFF_SPECS=200 GEN_DIFF_SEED=1000 go test ./gen -run Differential
func TestDifferentialRandomSpecs(t *testing.T) {
	n := envInt(t, "GEN_DIFF_SPECS", 12)
	base := envInt(t, "GEN_DIFF_SEED", 0)
	fset := token.NewFileSet()
	std := importer.ForCompiler(fset, "source", nil)

	var units []*diffUnit
	for i := range n {
		u := &diffUnit{pkg: fmt.Sprintf("pkg%02d", i), seed: base + i}
		u.text = specgen.Spec().Example(u.seed)
		ok := t.Run(fmt.Sprintf("seed%d", u.seed), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("--- the spec of seed %d ---\n%s", u.seed, u.text)
				}
			})
			u.sp, u.files = generateChecked(t, u)
			typeCheck(t, fset, std, u)
		})
		if ok {
			units = append(units, u)
		}
	}

	if testing.Short() {
		t.Skip("the generated packages were not built and run: that needs the go command, skipped in -short mode")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the generated packages were not built and run: no go command on PATH")
	}
	if len(units) == 0 {
		return
	}
	got := runAll(t, goBin, units)
	want := expectAll(t, units)
	compareOutput(t, units, got, want)
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	require.NoError(t, err, "%s=%q", name, s)
	require.GreaterOrEqual(t, v, 0, "%s=%q", name, s)
	return v
}

func (u *diffUnit) options() Options {
	return Options{Package: u.pkg, ImportPath: "example.com/diff/" + u.pkg, Command: "fsmgen gen -spec " + u.file() + " -out " + u.pkg + " -pkg " + u.pkg}
}

func (u *diffUnit) file() string { return fmt.Sprintf("seed%d.fsm", u.seed) }

// generateChecked parses and generates the unit's spec twice, from two
// parses, and checks that the runs agree byte for byte and that every Go
// file parses and is gofmt-stable.
func generateChecked(t *testing.T, u *diffUnit) (*spec.Spec, []Output) {
	sp, err := spec.Parse(u.file(), []byte(u.text))
	require.NoError(t, err, "spec.Parse")
	files, err := Generate(sp, u.options())
	require.NoError(t, err, "Generate")

	sp2, err := spec.Parse(u.file(), []byte(u.text))
	require.NoError(t, err, "spec.Parse, second run")
	again, err := Generate(sp2, u.options())
	require.NoError(t, err, "Generate, second run")
	require.Equal(t, len(files), len(again), "number of files on a second run")
	for i, f := range files {
		require.Equal(t, f.Name, again[i].Name, "file %d on a second run", i)
		if !bytes.Equal(f.Data, again[i].Data) {
			t.Errorf("%s differs between two runs", f.Name)
		}
		if !strings.HasSuffix(f.Name, ".go") {
			continue
		}
		if _, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Data, parser.ParseComments); err != nil {
			t.Errorf("%s does not parse: %v", f.Name, err)
			continue
		}
		formatted, err := format.Source(f.Data)
		if err != nil {
			t.Errorf("%s: gofmt: %v", f.Name, err)
			continue
		}
		if !bytes.Equal(formatted, f.Data) {
			t.Errorf("%s is not gofmt-stable:\n%s", f.Name, firstDiff(string(f.Data), string(formatted)))
		}
	}
	return sp, files
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  generated: %q\n  gofmt:     %q", i+1, x, y)
		}
	}
	return "(no line differs)"
}

// mapImporter imports the packages checked so far by their paths, and the
// standard library from source.
type mapImporter struct {
	std  types.Importer
	pkgs map[string]*types.Package
}

func (m mapImporter) Import(path string) (*types.Package, error) {
	if p, ok := m.pkgs[path]; ok {
		return p, nil
	}
	return m.std.Import(path)
}

// typeCheck type-checks the generated package, then its example test
// against it.
func typeCheck(t *testing.T, fset *token.FileSet, std types.Importer, u *diffUnit) {
	var files, tests []*ast.File
	for _, f := range u.files {
		if !strings.HasSuffix(f.Name, ".go") {
			continue
		}
		af, err := parser.ParseFile(fset, filepath.Join(u.pkg, f.Name), f.Data, parser.ParseComments)
		require.NoError(t, err, f.Name)
		if strings.HasSuffix(f.Name, "_test.go") {
			tests = append(tests, af)
		} else {
			files = append(files, af)
		}
	}
	opt := u.options()
	conf := types.Config{Importer: std}
	pkg, err := conf.Check(opt.ImportPath, fset, files, nil)
	require.NoError(t, err, "type-checking package %s", u.pkg)
	conf = types.Config{Importer: mapImporter{std, map[string]*types.Package{opt.ImportPath: pkg}}}
	_, err = conf.Check(opt.ImportPath+"_test", fset, tests, nil)
	require.NoError(t, err, "type-checking the tests of package %s", u.pkg)
}

// dumpCode is the function of the main program that prints what package
// PKG says, in the format of expect; exPKG is its Example, renamed.
const dumpCode = `
func dumpPKG() {
	for sw := 0; sw < PKG.NumSwitchSets; sw++ {
		fmt.Printf("PKG\tswitches\t%d\t%q\n", sw, PKG.Switches(sw))
		for s := 1; s < PKG.NumStates; s++ {
			for e := 1; e < PKG.NumEvents; e++ {
				t, ok := PKG.StepWith(PKG.Switches(sw), PKG.State(s), PKG.Event(e))
				fmt.Printf("PKG\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%q\t%q\t%t\n",
					sw, PKG.State(s), PKG.Event(e), t.Next, t.Verdict, t.Rule, uint64(t.Actions), t.Actions, t.Rule.Cite(), ok)
			}
		}
	}
	for _, p := range PKG.Profiles() {
		q, ok := PKG.ProfileByName(p.Name)
		fmt.Printf("PKG\tprofile\t%q\t%d\t%t", p.Name, uint64(p.Switches), ok && q.Name == p.Name)
		v := reflect.ValueOf(p)
		for i := 0; i < v.NumField(); i++ {
			if d, isDuration := v.Field(i).Interface().(time.Duration); isDuration {
				fmt.Printf("\t%d", int64(d))
			}
		}
		fmt.Println()
	}
	first := PKG.Profiles()[0]
	same := true
	for s := 1; s < PKG.NumStates; s++ {
		for e := 1; e < PKG.NumEvents; e++ {
			a, _ := PKG.Step(PKG.State(s), PKG.Event(e))
			b, _ := PKG.StepWith(first.Switches, PKG.State(s), PKG.Event(e))
			same = same && a == b
		}
	}
	fmt.Printf("PKG\tstep follows the first profile\t%t\n", same)
	_, ok1 := PKG.StepWith(PKG.NumSwitchSets, 1, 1)
	_, ok2 := PKG.StepWith(0, 0, 1)
	_, ok3 := PKG.StepWith(0, 1, PKG.NumEvents)
	fmt.Printf("PKG\tinvalid\t%t\t%t\t%t\t%s\t%s\n", ok1, ok2, ok3, PKG.State(0), PKG.Event(PKG.NumEvents))
	fmt.Println("PKG\texample")
	examplePKG()
	fmt.Println("PKG\texample end")
}
`

// runAll writes the packages and a main program that dumps them into one
// module, runs it and returns its output.
func runAll(t *testing.T, goBin string, units []*diffUnit) string {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	write("go.mod", []byte("module example.com/diff\n\ngo 1.26\n"))
	var main strings.Builder
	main.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"reflect\"\n\t\"time\"\n\n")
	for _, u := range units {
		fmt.Fprintf(&main, "\t%q\n", u.options().ImportPath)
	}
	main.WriteString(")\n\nfunc main() {\n")
	for _, u := range units {
		fmt.Fprintf(&main, "\tdump%s()\n", u.pkg)
	}
	main.WriteString("}\n")
	for _, u := range units {
		main.WriteString(strings.ReplaceAll(dumpCode, "PKG", u.pkg))
		write(u.pkg+".fsm", []byte(u.text))
		for _, f := range u.files {
			write(filepath.Join(u.pkg, f.Name), f.Data)
			if f.Name == "example_test.go" {
				// The Example, renamed, becomes part of the main program.
				src := strings.Replace(string(f.Data), "package "+u.pkg+"_test", "package main", 1)
				src = strings.Replace(src, "func Example()", "func example"+u.pkg+"()", 1)
				write("example_"+u.pkg+".go", []byte(src))
			}
		}
	}
	write("main.go", []byte(main.String()))

	cmd := exec.Command(goBin, "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		for _, u := range units {
			t.Logf("--- %s: the spec of seed %d ---\n%s", u.pkg, u.seed, u.text)
		}
		t.Fatalf("go run of the generated packages: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}

// expectAll is what the main program should print, from the interpreter:
// per unit, the dump lines, then the Example's Output.
func expectAll(t *testing.T, units []*diffUnit) map[string][]string {
	want := map[string][]string{}
	for _, u := range units {
		var lines []string
		add := func(format string, args ...any) {
			lines = append(lines, u.pkg+"\t"+fmt.Sprintf(format, args...))
		}
		sp := u.sp
		for sw := uint64(0); sw < 1<<len(sp.Switches); sw++ {
			add("switches\t%d\t%q", sw, switchSetString(sp, sw))
			for _, s := range sp.States {
				for _, e := range sp.Events {
					r := sp.Decide(s, e, sw)
					require.NotNil(t, r, "%s: no rule for (%s, %s) under switches %d", u.pkg, s.Name, e, sw)
					add("%d\t%s\t%s\t%s\t%s\t%d\t%d\t%q\t%q\t%t",
						sw, s.Name, e, r.Next.Name, r.Verdict, r.Index, r.ActionBits(), actionSetString(sp, r.ActionBits()), r.Cite.String(), true)
				}
			}
		}
		for _, p := range sp.Profiles {
			line := fmt.Sprintf("profile\t%q\t%d\t%t", p.Name, p.Switches(), true)
			for _, tm := range sp.Timers {
				line += fmt.Sprintf("\t%d", int64(p.TimerValue(tm).Length))
			}
			for _, d := range sp.Durations {
				line += fmt.Sprintf("\t%d", int64(p.DurationValue(d).Length))
			}
			add("%s", line)
		}
		add("step follows the first profile\ttrue")
		add("invalid\tfalse\tfalse\tfalse\tState(0)\tEvent(%d)", len(sp.Events)+1)
		add("example")
		lines = append(lines, exampleOutput(t, u)...)
		add("example end")
		want[u.pkg] = lines
	}
	return want
}

// exampleOutput is the Output comment of the unit's Example, as go test
// reads it.
func exampleOutput(t *testing.T, u *diffUnit) []string {
	for _, f := range u.files {
		if f.Name != "example_test.go" {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Data, parser.ParseComments)
		require.NoError(t, err)
		exs := doc.Examples(af)
		require.Len(t, exs, 1, "%s: examples in example_test.go", u.pkg)
		return splitOutput(exs[0].Output)
	}
	t.Fatalf("%s: no example_test.go", u.pkg)
	return nil
}

// splitOutput splits an example's output into lines after trimming space
// around it, as go test compares it.
func splitOutput(out string) []string {
	out = strings.TrimSpace(out)
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// switchSetString is what the generated Switches.String prints for sw.
func switchSetString(sp *spec.Spec, sw uint64) string {
	var on []string
	for _, s := range sp.Switches {
		if sw>>uint(s.Bit)&1 == 1 {
			on = append(on, s.Name)
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, " ")
}

// actionSetString is what the generated Action.String prints for bits.
func actionSetString(sp *spec.Spec, bits uint64) string {
	var parts []string
	for _, a := range sp.Actions {
		if bits>>uint(a.Bit)&1 == 1 {
			parts = append(parts, a.String())
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// compareOutput compares the program's output with the interpreter's, unit
// by unit and line by line, showing the first differences and the specs
// they come from.
func compareOutput(t *testing.T, units []*diffUnit, out string, want map[string][]string) {
	// The lines of an Example carry no package prefix: they belong to the
	// unit whose "example" marker came last, and are compared as go test
	// compares them, after trimming space around the whole output.
	got := map[string][]string{}
	cur, example := "", []string(nil)
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		pkg, rest, ok := strings.Cut(line, "\t")
		switch {
		case ok && want[pkg] != nil && rest == "example end":
			got[pkg] = append(got[pkg], splitOutput(strings.Join(example, "\n"))...)
			got[pkg] = append(got[pkg], line)
			cur, example = "", nil
		case cur != "":
			example = append(example, line)
		case ok && want[pkg] != nil:
			got[pkg] = append(got[pkg], line)
			if rest == "example" {
				cur = pkg
			}
		default:
			t.Errorf("output line outside any package's dump: %q", line)
		}
	}
	lines := 0
	for _, u := range units {
		g, w := got[u.pkg], want[u.pkg]
		lines += len(w)
		shown := 0
		for i := 0; i < len(g) || i < len(w); i++ {
			var x, y string
			if i < len(g) {
				x = g[i]
			}
			if i < len(w) {
				y = w[i]
			}
			if x == y {
				continue
			}
			if shown == 0 {
				t.Errorf("%s (seed %d): the generated package and the interpreter disagree", u.pkg, u.seed)
			}
			if shown++; shown > 10 {
				t.Errorf("%s: more differences left out", u.pkg)
				break
			}
			t.Errorf("%s line %d:\n  generated:   %q\n  interpreter: %q", u.pkg, i+1, x, y)
		}
		if shown > 0 {
			t.Logf("--- %s: the spec of seed %d ---\n%s", u.pkg, u.seed, u.text)
		}
	}
	t.Logf("%d random specs, %d lines compared", len(units), lines)
}
