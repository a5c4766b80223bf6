package check_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// maxCounterexample bounds the length of a mutant's counterexample: a
// whole connection (handshake, close, a second incarnation) takes about
// thirty steps at these bounds.
const maxCounterexample = 40

// mutate replaces, in the TCP spec, the rule of each cell that the
// archive's files name (file name STATE, body one rule per line), or the
// values of a profile (file name "profile NAME", body one value per line).
func mutate(t *testing.T, a *txtar.Archive) []byte {
	t.Helper()
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
		require.GreaterOrEqual(t, start, 0, "no %s in the spec", header)
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
			require.True(t, replaced, "no line for %q under %s", key(rule), header)
		}
	}
	return []byte(strings.Join(lines, "\n"))
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

// violations runs the model of sp under each of its profiles with step
// and returns, per profile, the properties violated with their
// counterexamples, and the number of states.
func violations(t *testing.T, sp *spec.Spec, step func(tcp.Switches, tcp.State, tcp.Event) (tcp.Transition, bool)) (map[string]map[string]*check.Counterexample, map[string]int) {
	t.Helper()
	out := map[string]map[string]*check.Counterexample{}
	states := map[string]int{}
	for _, sp := range sp.Profiles {
		p := profileOf(sp)
		m, err := model.New(p, smallBounds(), step)
		require.NoError(t, err)
		res, err := check.Run(m, props.ModelChecked, 5_000_000)
		require.NoError(t, err, p.Name)
		states[p.Name] = res.States
		out[p.Name] = res.Violations
	}
	return out, states
}

// TestMutants: each mutant of the TCP spec breaks exactly the property it
// is made to break, with a counterexample no longer than
// maxCounterexample steps; the model checks are not vacuous.
func TestMutants(t *testing.T) {
	paths, err := filepath.Glob("testdata/mutants/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			a := txtar.Parse(data)
			var want []string
			for _, line := range strings.Split(string(a.Comment), "\n") {
				if v, ok := strings.CutPrefix(line, "expect: "); ok {
					want = strings.Fields(v)
				}
			}
			require.NotEmpty(t, want, "no expect: line")
			sp, err := spec.Parse(spec.TCPFile, mutate(t, a))
			require.NoError(t, err)
			step, err := check.Interpreter(sp)
			require.NoError(t, err)
			got, _ := violations(t, sp, step)
			// What the mutant breaks beyond the findings of the TCP spec
			// itself under the same profile.
			broken := map[string]*check.Counterexample{}
			for profile, vs := range got {
				for id, c := range vs {
					if _, before := baseline()[profile][id]; before {
						continue
					}
					if broken[id] == nil || len(c.Steps) < len(broken[id].Steps) {
						broken[id] = c
					}
				}
			}
			var ids []string
			for id, c := range broken {
				ids = append(ids, id)
				assert.LessOrEqual(t, len(c.Steps), maxCounterexample, "%s: counterexample of %d steps", id, len(c.Steps))
				t.Logf("%s (%d steps): %s", id, len(c.Steps), c.Problem)
			}
			sort.Strings(ids)
			assert.Equal(t, want, ids)
		})
	}
}

// baseline is what the TCP spec itself violates, per profile: the
// findings that the mutants are compared with.
var baseline = sync.OnceValue(func() map[string]map[string]*check.Counterexample {
	out := map[string]map[string]*check.Counterexample{}
	for _, p := range tcp.Profiles() {
		m, err := model.New(p, smallBounds(), nil)
		if err != nil {
			panic(err)
		}
		res, err := check.Run(m, props.ModelChecked, 5_000_000)
		if err != nil {
			panic(err)
		}
		out[p.Name] = res.Violations
	}
	return out
})

// profileOf is the generated profile of the same name, with the values a
// mutant's spec gives it.
func profileOf(sp *spec.Profile) tcp.Profile {
	p, _ := tcp.ProfileByName(sp.Name)
	for _, v := range sp.Values {
		if v.Name == "time_wait" {
			p.TimeWait = v.Length
		}
	}
	return p
}

// TestInterpreterAgrees: the interpreter over the spec and the generated
// table give the same state counts and verdicts on the TCP spec.
func TestInterpreterAgrees(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	step, err := check.Interpreter(sp)
	require.NoError(t, err)
	v1, s1 := violations(t, sp, step)
	v2, s2 := violations(t, sp, tcp.StepWith)
	assert.Equal(t, s2, s1)
	for profile := range v2 {
		var a, b []string
		for id := range v1[profile] {
			a = append(a, id)
		}
		for id := range v2[profile] {
			b = append(b, id)
		}
		sort.Strings(a)
		sort.Strings(b)
		assert.Equal(t, b, a, profile)
	}
}
