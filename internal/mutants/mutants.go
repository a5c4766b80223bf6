// Package mutants applies the mutants of the TCP spec, an embedded corpus
// of txtar archives (corpus/*.txtar): small edits, each made to break one
// guarantee, that the model checker and the property tests must catch;
// and, for the SCTP spec, one rule rewritten (SCTPRule).
package mutants

import (
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Mutant is one edit of the TCP spec and the properties it must break.
type Mutant struct {
	Name   string
	Expect []string // property IDs, in the order of the expect line
	Spec   *spec.Spec
	// Profiles are the profiles to check it under (all when empty), and
	// Bounds the bounds: model.QuickBounds, or those of the run of the
	// default check that the archive's "run: NAME" line names (runs),
	// changed by its "capacity: N", "duplication: off", "loss: off",
	// "reordering: off" (a network that loses, duplicates or reorders
	// nothing, for a mutant that needs none of it: fewer states) or
	// "attacks: N" (an off-path attacker, model.Bounds.Attacks) lines.
	Profiles []string
	Bounds   model.Bounds
}

// runs are the bounds of the runs of the default check (fsmgen check and
// fsmgen gen; verify.DefaultAlso) that an archive's "run:" line names: a
// mutant of a rule that only data, keep-alive or the user timeout fire
// is checked where the default check would catch it.
var runs = map[string]func() model.Bounds{
	"default":      model.DefaultBounds,
	"data":         model.DataBounds,
	"attacker":     model.AttackBounds,
	"keep-alive":   model.KeepAliveBounds,
	"user-timeout": model.UserTimeoutBounds,
}

// Main reports whether the mutant's bounds are those of the main model:
// no data, zero window, keep-alive or user timeout (an attacker apart).
// The Promela export and the property walks run only such models; a
// mutant of another run (its archive's "run:" line) changes rules that
// never fire without it, and is the model checker's alone.
func (m Mutant) Main() bool {
	b := m.Bounds
	return b.Data == 0 && !b.ZeroWindow && b.KeepAlive == 0 && b.UserTimeout == 0
}

// Check lists the profiles of m's spec to check it under.
func (m Mutant) Check() []*spec.Profile {
	if len(m.Profiles) == 0 {
		return m.Spec.Profiles
	}
	var out []*spec.Profile
	for _, name := range m.Profiles {
		out = append(out, m.Spec.Profile(name))
	}
	return out
}

//go:embed corpus/*.txtar
var corpus embed.FS

// All returns every mutant of the corpus, applied to the TCP spec, in the
// order of their file names.
func All() ([]Mutant, error) {
	entries, err := fs.ReadDir(corpus, "corpus")
	if err != nil {
		return nil, err
	}
	var out []Mutant
	for _, e := range entries {
		m, err := load(e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("internal/mutants/corpus: no mutants")
	}
	return out, nil
}

// Named returns the mutant of the corpus whose file is name, reading
// that archive alone.
func Named(name string) (Mutant, error) { return load(name) }

// load reads and applies the archive of the corpus whose file is name.
func load(name string) (Mutant, error) {
	data, err := corpus.ReadFile("corpus/" + name)
	if err != nil {
		return Mutant{}, fmt.Errorf("internal/mutants: no mutant %s", name)
	}
	m, err := parse(name, data)
	if err != nil {
		return m, fmt.Errorf("internal/mutants/corpus/%s: %w", name, err)
	}
	return m, nil
}

// Model binds the mutant's spec under profile p on its bounds, decided by
// the spec's interpreter (package bind).
func (m Mutant) Model(p *spec.Profile) (*model.Model, error) {
	return bind.Model(m.Spec, p, m.Bounds, bind.Interpreted)
}

// parse reads one archive: its comment's "expect:", "profiles:", "run:",
// "capacity:", "duplication:", "loss:", "reordering:" and "attacks:" lines, and its edits
// of the TCP spec.
func parse(name string, data []byte) (Mutant, error) {
	a := txtar.Parse(data)
	m := Mutant{Name: name, Bounds: model.QuickBounds()}
	lines := strings.Split(string(a.Comment), "\n")
	for _, line := range lines { // the run first: the other lines change its bounds
		if v, ok := strings.CutPrefix(line, "run: "); ok {
			run, ok := runs[v]
			if !ok {
				return m, fmt.Errorf("run: want default, data, attacker, keep-alive or user-timeout, not %q", v)
			}
			m.Bounds = run()
		}
	}
	var err error
	for _, line := range lines {
		if v, ok := strings.CutPrefix(line, "expect: "); ok {
			m.Expect = strings.Fields(v)
		}
		if v, ok := strings.CutPrefix(line, "profiles: "); ok {
			m.Profiles = strings.Fields(v)
		}
		if v, ok := strings.CutPrefix(line, "capacity: "); ok {
			if m.Bounds.Capacity, err = strconv.Atoi(v); err != nil {
				return m, fmt.Errorf("capacity: %v", err)
			}
		}
		if v, ok := strings.CutPrefix(line, "attacks: "); ok {
			if m.Bounds.Attacks, err = strconv.Atoi(v); err != nil {
				return m, fmt.Errorf("attacks: %v", err)
			}
		}
		for key, field := range map[string]*bool{"duplication": &m.Bounds.Duplication, "loss": &m.Bounds.Loss, "reordering": &m.Bounds.Reordering} {
			if v, ok := strings.CutPrefix(line, key+": "); ok {
				if v != "on" && v != "off" {
					return m, fmt.Errorf("%s: want on or off, not %q", key, v)
				}
				*field = v == "on"
			}
		}
	}
	if len(m.Expect) == 0 {
		return m, fmt.Errorf("no expect: line")
	}
	src, err := Apply(a)
	if err != nil {
		return m, err
	}
	if m.Spec, err = spec.Parse(spec.TCPFile, src); err != nil {
		return m, err
	}
	for _, name := range m.Profiles {
		if m.Spec.Profile(name) == nil {
			return m, fmt.Errorf("no profile %s", name)
		}
	}
	return m, nil
}

// Apply replaces, in the TCP spec, the rule of each cell that the
// archive's files name (file name STATE, body one rule per line), or the
// values of a profile (file name "profile NAME", body one value per line).
func Apply(a *txtar.Archive) ([]byte, error) {
	lines := strings.Split(string(spec.TCPSource()), "\n")
	for _, f := range a.Files {
		header := "in " + f.Name
		key := cellKey
		if strings.HasPrefix(f.Name, "profile ") {
			header = f.Name
			key = func(line string) string { return strings.Join(strings.Fields(line)[:1], " ") }
		}
		start := -1
		for i, l := range lines {
			if fs := strings.Fields(l); len(fs) >= 2 && strings.Join(fs[:2], " ") == header {
				start = i
			}
		}
		if start < 0 {
			return nil, fmt.Errorf("no %s in the spec", header)
		}
		for _, rule := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			replaced := false
			for i := start + 1; i < len(lines); i++ {
				fs := strings.Fields(lines[i])
				if len(fs) > 0 && (fs[0] == "in" || fs[0] == "profile") {
					break
				}
				if len(fs) > 0 && !strings.HasPrefix(fs[0], "#") && key(lines[i]) == key(rule) {
					lines[i] = "  " + rule
					replaced = true
					break
				}
			}
			if !replaced {
				return nil, fmt.Errorf("no line for %q under %s", key(rule), header)
			}
		}
	}
	return []byte(strings.Join(lines, "\n")), nil
}

// SCTPRule is the SCTP spec with one rule rewritten: the first rule of
// event in state becomes rule (event, guard if any, outcome and citation),
// for the tests of the association model and its export.
func SCTPRule(state, event, rule string) (*spec.Spec, error) {
	lines := strings.Split(string(spec.SCTPSource()), "\n")
	in, done := false, false
	for i, line := range lines {
		if strings.HasPrefix(line, "in ") {
			in = strings.TrimSpace(line) == "in "+state
			continue
		}
		if in && !done && strings.HasPrefix(strings.Join(strings.Fields(line), " "), event+" ") {
			lines[i] = "  " + event + " " + rule
			done = true
		}
	}
	if !done {
		return nil, fmt.Errorf("no rule for %s in %s of %s", event, state, spec.SCTPFile)
	}
	return spec.Parse(spec.SCTPFile, []byte(strings.Join(lines, "\n")))
}

// cellKey is the event and guard that start a rule: "rcv RST if rfc1337".
func cellKey(rule string) string {
	f := strings.Fields(rule)
	if len(f) < 2 {
		return ""
	}
	if len(f) >= 4 && (f[2] == "if" || f[2] == "unless") {
		return strings.Join(f[:4], " ")
	}
	return strings.Join(f[:2], " ")
}
