// Package mutants applies the mutants of the TCP spec kept under
// check/testdata/mutants: small edits, each made to break one guarantee,
// that the model checker and the property tests must catch.
package mutants

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/txtar"

	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Mutant is one edit of the TCP spec and the properties it must break.
type Mutant struct {
	Name   string
	Expect []string // property IDs, sorted
	Spec   *spec.Spec
	// Profiles are the profiles to check it under (all when empty), and
	// Bounds the bounds: model.QuickBounds, unless the archive's
	// "capacity: N" or "duplication: off" lines change them.
	Profiles []string
	Bounds   model.Bounds
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

// Load reads every mutant under dir and applies it to the TCP spec.
func Load(dir string) ([]Mutant, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no mutants under %s", dir)
	}
	var out []Mutant
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		a := txtar.Parse(data)
		m := Mutant{Name: filepath.Base(path), Bounds: model.QuickBounds()}
		for _, line := range strings.Split(string(a.Comment), "\n") {
			if v, ok := strings.CutPrefix(line, "expect: "); ok {
				m.Expect = strings.Fields(v)
			}
			if v, ok := strings.CutPrefix(line, "profiles: "); ok {
				m.Profiles = strings.Fields(v)
			}
			if v, ok := strings.CutPrefix(line, "capacity: "); ok {
				if m.Bounds.Capacity, err = strconv.Atoi(v); err != nil {
					return nil, fmt.Errorf("%s: capacity: %v", path, err)
				}
			}
			if v, ok := strings.CutPrefix(line, "duplication: "); ok {
				if v != "on" && v != "off" {
					return nil, fmt.Errorf("%s: duplication: want on or off, not %q", path, v)
				}
				m.Bounds.Duplication = v == "on"
			}
		}
		if len(m.Expect) == 0 {
			return nil, fmt.Errorf("%s: no expect: line", path)
		}
		src, err := Apply(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if m.Spec, err = spec.Parse(spec.TCPFile, src); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, name := range m.Profiles {
			if m.Spec.Profile(name) == nil {
				return nil, fmt.Errorf("%s: no profile %s", path, name)
			}
		}
		out = append(out, m)
	}
	return out, nil
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
