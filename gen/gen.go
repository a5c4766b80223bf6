// Package gen turns a validated spec into the Go package that programs
// import as their state table, using github.com/dave/jennifer.
//
// The output depends only on the spec and the options: no time, no tool
// version, no map order. Files follow the spec's order, so the same spec
// always gives byte-identical files, and a reviewer can diff them.
package gen

import (
	"bytes"
	"fmt"
	"go/token"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tcpfsm/tcpfsm"

	"github.com/dave/jennifer/jen"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Options says how the package is named and how it was made.
type Options struct {
	// Package is the generated package's name, such as "tcp".
	Package string
	// ImportPath is the package's import path, used by its example test.
	ImportPath string
	// Command is the command line recorded in every header, such as
	// "fsmgen gen -spec spec/tcp.fsm -out generated/tcp -pkg tcp".
	Command string
	// Verification, when set, is recorded in the package documentation:
	// what was proven about the table and on which bounds.
	Verification []string
}

// Output is one generated file.
type Output struct {
	Name string
	Data []byte
}

// Generate returns the files of the package for sp, in a fixed order.
func Generate(sp *spec.Spec, opt Options) ([]Output, error) {
	if !token.IsIdentifier(opt.Package) || token.IsKeyword(opt.Package) {
		return nil, fmt.Errorf("package name %q is not a Go identifier", opt.Package)
	}
	if opt.ImportPath == "" {
		return nil, fmt.Errorf("no import path for package %s", opt.Package)
	}
	g, err := newGenerator(sp, opt)
	if err != nil {
		return nil, err
	}
	var files []Output
	for _, f := range []struct {
		name   string
		render func() (*jen.File, error)
	}{
		{"doc.go", g.doc},
		{"types.go", g.types},
		{"table.go", g.table},
		{"profiles.go", g.profiles},
		{"runtime.go", g.runtime},
		{"example_test.go", g.example},
	} {
		jf, err := f.render()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		var buf bytes.Buffer
		if err := jf.Render(&buf); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		files = append(files, Output{Name: f.name, Data: buf.Bytes()})
	}
	files = append(files, Output{Name: "README.md", Data: g.readme()})
	return files, nil
}

// Command is the command line recorded in generated headers. It names the
// spec by the name it was parsed under, so the header is the same on every
// machine.
func Command(sp *spec.Spec, dir, pkg string) string {
	return fmt.Sprintf("fsmgen gen -spec %s -out %s -pkg %s", sp.File, dir, pkg)
}

// generator holds the Go names given to the spec's parts.
type generator struct {
	sp        *spec.Spec
	opt       Options
	hash      string
	state     map[*spec.State]string
	event     map[*spec.Event]string
	timer     map[*spec.Timer]string
	action    map[*spec.ActionDef]string
	swName    map[*spec.Switch]string
	profile   map[*spec.Profile]string
	class     map[*spec.Class]string
	field     map[string]string // timer or duration name -> Profile field
	reference *spec.Profile     // the profile Step follows: the first
}

// fixedNames are the generated package's own identifiers; a spec name
// that maps onto one of them is refused rather than silently shadowed.
var fixedNames = []string{
	"State", "Event", "Timer", "Action", "Verdict", "Switches", "Transition",
	"Table", "Step", "StepWith", "StepFunc", "RuleID", "Profile", "Profiles", "ProfileByName",
	"NumStates", "NumEvents", "NumTimers", "NumRules", "NumActions", "NumSwitchSets",
	"SpecHash", "SpecFile", "Move", "Ignore", "Reject", "TableOf", "Machine",
	"Class", "NumClasses", "TimerOp", "StopTimer", "RestartTimer", "StartTimer", "Socket", "SocketOrphan", "SocketAsked",
}

func newGenerator(sp *spec.Spec, opt Options) (*generator, error) {
	g := &generator{
		sp: sp, opt: opt, hash: sp.Hash(),
		state: map[*spec.State]string{}, event: map[*spec.Event]string{},
		timer: map[*spec.Timer]string{}, action: map[*spec.ActionDef]string{},
		swName: map[*spec.Switch]string{}, profile: map[*spec.Profile]string{}, class: map[*spec.Class]string{},
		field: map[string]string{}, reference: sp.Profiles[0],
	}
	taken := map[string]string{}
	for _, n := range fixedNames {
		taken[n] = "a name of the generated API"
	}
	var errs spec.ErrorList
	claim := func(name, what string, pos spec.Pos) string {
		if !exported(name) {
			errs = append(errs, &spec.Error{Pos: pos, Msg: fmt.Sprintf("%s becomes %q, which is not an exported Go identifier: start the name with a letter", what, name)})
			return name
		}
		if prev, dup := taken[name]; dup {
			errs = append(errs, &spec.Error{Pos: pos, Msg: fmt.Sprintf("%s becomes Go name %s, already used by %s", what, name, prev)})
		}
		taken[name] = what
		return name
	}
	for _, s := range sp.States {
		g.state[s] = claim(goName(s.Name), "state "+s.Name, s.Pos)
	}
	for _, e := range sp.Events {
		g.event[e] = claim(goName(e.Kind.String(), e.Name), "event "+e.String(), e.Pos)
	}
	for _, t := range sp.Timers {
		g.timer[t] = claim(goName(t.Name, "timer"), "timer "+t.Name, t.Pos)
	}
	for _, a := range sp.Actions {
		var pos spec.Pos
		var name string
		switch a.Op {
		case spec.Send:
			name, pos = goName("send", a.Segment.Name), a.Segment.Pos
		case spec.Tell:
			name, pos = goName("tell", a.Signal.Name), a.Signal.Pos
		default:
			name, pos = goName(a.Op.String(), a.Timer.Name), a.Timer.Pos
		}
		g.action[a] = claim(name, "action "+a.String(), pos)
	}
	for _, s := range sp.Switches {
		g.swName[s] = claim(goName(s.Name), "switch "+s.Name, s.Pos)
	}
	for _, c := range sp.Classes {
		g.class[c] = claim(goName(c.Name), "class "+c.Name, c.Pos)
	}
	for _, p := range sp.Profiles {
		g.profile[p] = claim(goName(p.Name), "profile "+p.Name, p.Pos)
	}
	// The Profile struct's own fields and methods.
	fields := map[string]string{"Name": "", "Doc": "", "Switches": "", "Step": "", "Timer": "", "Duration": "", "Runs": "", "Interval": ""}
	addField := func(name string, pos spec.Pos) {
		f := goName(name)
		if !exported(f) {
			errs = append(errs, &spec.Error{Pos: pos, Msg: fmt.Sprintf("%s becomes Profile field %q, which is not an exported Go identifier: start the name with a letter", name, f)})
			return
		}
		if _, dup := fields[f]; dup {
			errs = append(errs, &spec.Error{Pos: pos, Msg: fmt.Sprintf("%s becomes Profile field %s, already used", name, f)})
		}
		fields[f] = name
		g.field[name] = f
	}
	for _, t := range sp.Timers {
		addField(t.Name, t.Pos)
	}
	for _, d := range sp.Durations {
		addField(d.Name, d.Pos)
	}
	for _, c := range sp.Counts {
		addField(c.Name, c.Pos)
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Pos.Line < errs[j].Pos.Line })
		return nil, errs
	}
	return g, nil
}

// exported reports whether name can be an exported Go identifier.
func exported(name string) bool {
	r, _ := utf8.DecodeRuneInString(name)
	return token.IsIdentifier(name) && unicode.IsUpper(r)
}

// header is the first line of every generated Go file: the command and
// the release of the generator (tcpfsm.Version, never the build's own
// version, so that every build of one release writes the same bytes).
func (g *generator) header() string {
	return fmt.Sprintf("Code generated by %q (tcpfsm %s); DO NOT EDIT.", g.opt.Command, tcpfsm.Version)
}

func (g *generator) newFile(pkg string) *jen.File {
	f := jen.NewFilePathName(g.opt.ImportPath, pkg)
	f.HeaderComment(g.header())
	return f
}

// file returns a new file of the package made of parts, in order.
func (g *generator) file(parts ...func(*jen.File)) *jen.File {
	f := g.newFile(g.opt.Package)
	for _, part := range parts {
		part(f)
	}
	return f
}

// comment renders text as // lines, wrapped at 76 columns, so that long
// spec docs stay readable in the generated source.
func comment(text string) *jen.Statement {
	s := jen.Null()
	for i, line := range wrap(text, 76) {
		if i > 0 {
			s.Line()
		}
		s.Comment("// " + line) // "// " always: jen prints a line that starts with "/*" or "//" as is
	}
	return s
}

// wrap breaks text into lines of at most width bytes at spaces, keeping
// blank lines as paragraph breaks.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := words[0]
		for _, w := range words[1:] {
			if len(line)+1+len(w) > width {
				out = append(out, line)
				line = w
				continue
			}
			line += " " + w
		}
		out = append(out, line)
	}
	return out
}

// sentence makes a doc string end like a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
