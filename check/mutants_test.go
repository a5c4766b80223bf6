package check_test

import (
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// maxCounterexample bounds the length of a mutant's counterexample: a
// whole connection (handshake, close, a second incarnation) takes about
// thirty steps at these bounds.
const maxCounterexample = 40

// violations runs the model of sp under each of its profiles with step
// and returns, per profile, the properties violated with their
// counterexamples, and the number of states.
func violations(t *testing.T, sp *spec.Spec, step func(tcp.Switches, tcp.State, tcp.Event) (tcp.Transition, bool)) (map[string]map[string]*check.Counterexample, map[string]int) {
	t.Helper()
	out := map[string]map[string]*check.Counterexample{}
	states := map[string]int{}
	for _, sp := range sp.Profiles {
		p := check.Profile(sp)
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
	ms, err := mutants.Load("testdata/mutants")
	require.NoError(t, err)
	for _, mu := range ms {
		t.Run(mu.Name, func(t *testing.T) {
			sp, want := mu.Spec, mu.Expect
			step, err := check.Interpreter(sp)
			require.NoError(t, err)
			got, _ := violations(t, sp, step)
			// What the mutant breaks beyond the findings of the TCP spec
			// itself under the same profile.
			broken := map[string]*check.Counterexample{}
			for profile, vs := range got {
				for id, c := range vs {
					if _, before := baseline()[profile].Violations[id]; before {
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

// baseline is what the generated TCP table gives under each profile: the
// findings that the mutants are compared with, and the state counts that
// the interpreter must reproduce.
var baseline = sync.OnceValue(func() map[string]*check.Result {
	out := map[string]*check.Result{}
	for _, p := range tcp.Profiles() {
		m, err := model.New(p, smallBounds(), nil)
		if err != nil {
			panic(err)
		}
		res, err := check.Run(m, props.ModelChecked, 5_000_000)
		if err != nil {
			panic(err)
		}
		out[p.Name] = res
	}
	return out
})

// TestInterpreterAgrees: the interpreter over the spec and the generated
// table give the same state counts and verdicts on the TCP spec.
func TestInterpreterAgrees(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	step, err := check.Interpreter(sp)
	require.NoError(t, err)
	v1, s1 := violations(t, sp, step)
	require.Len(t, s1, len(baseline()))
	for profile, want := range baseline() {
		assert.Equal(t, want.States, s1[profile], profile)
		var a, b []string
		for id := range v1[profile] {
			a = append(a, id)
		}
		for id := range want.Violations {
			b = append(b, id)
		}
		sort.Strings(a)
		sort.Strings(b)
		assert.Equal(t, b, a, profile)
	}
}
