package check_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
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
// archive's files name: file name STATE, file body one rule per line.
func mutate(t *testing.T, a *txtar.Archive) []byte {
	t.Helper()
	lines := strings.Split(string(spec.TCPSource()), "\n")
	for _, f := range a.Files {
		for _, rule := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			key := cellKey(rule)
			start := -1
			for i, l := range lines {
				if strings.TrimSpace(l) == "in "+f.Name {
					start = i
				}
			}
			require.GreaterOrEqual(t, start, 0, "no state %s", f.Name)
			replaced := false
			for i := start + 1; i < len(lines) && !strings.HasPrefix(lines[i], "in ") && !strings.HasPrefix(lines[i], "#"); i++ {
				if cellKey(lines[i]) == key {
					lines[i] = "  " + rule
					replaced = true
					break
				}
			}
			require.True(t, replaced, "no rule for %s in %s", key, f.Name)
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

// violated runs the model under every profile with step and returns the
// properties violated under some profile, with their counterexamples.
func violated(t *testing.T, step func(tcp.Switches, tcp.State, tcp.Event) (tcp.Transition, bool)) (map[string]*check.Counterexample, map[string]int) {
	t.Helper()
	out := map[string]*check.Counterexample{}
	states := map[string]int{}
	for _, p := range tcp.Profiles() {
		m, err := model.New(p, smallBounds(), step)
		require.NoError(t, err)
		res, err := check.Run(m, props.ModelChecked, 5_000_000)
		require.NoError(t, err, p.Name)
		states[p.Name] = res.States
		for id, c := range res.Violations {
			if out[id] == nil || len(c.Steps) < len(out[id].Steps) {
				out[id] = c
			}
		}
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
			got, _ := violated(t, step)
			var ids []string
			for id, c := range got {
				ids = append(ids, id)
				assert.LessOrEqual(t, len(c.Steps), maxCounterexample, "%s: counterexample of %d steps", id, len(c.Steps))
				t.Logf("%s (%d steps): %s", id, len(c.Steps), c.Problem)
			}
			sort.Strings(ids)
			assert.Equal(t, want, ids)
		})
	}
}

// TestInterpreterAgrees: the interpreter over the spec and the generated
// table give the same state counts and verdicts on the TCP spec.
func TestInterpreterAgrees(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	step, err := check.Interpreter(sp)
	require.NoError(t, err)
	v1, s1 := violated(t, step)
	v2, s2 := violated(t, tcp.StepWith)
	assert.Equal(t, s2, s1)
	assert.Empty(t, v1)
	assert.Empty(t, v2)
}
