package check_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// maxCounterexample bounds the length of a mutant's counterexample (for a
// lasso, the way to the cycle and the cycle): a whole connection
// (handshake, close, a second incarnation) takes about thirty steps.
const maxCounterexample = 40

// violations runs the model of mutant mu under each of its profiles on its
// bounds, with the findings each profile declares, and returns, per
// profile, the properties violated (beyond those findings) with their
// counterexamples.
func violations(t *testing.T, mu mutants.Mutant) map[string]map[string]*check.Counterexample {
	t.Helper()
	out := map[string]map[string]*check.Counterexample{}
	for _, sp := range mu.Check() {
		res, err := mutantRun(mu, sp)
		require.NoError(t, err, sp.Name)
		out[sp.Name] = res.Violations
	}
	return out
}

// mutantRuns keeps each check mutantRun made: TestMutants and
// TestReductionsAgree check most mutants on the same bounds, under the
// same profile, and need not explore them twice. Neither runs in
// parallel, so a plain map will do.
var mutantRuns = map[mutantRunKey]*check.Result{}

type mutantRunKey struct {
	mutant, profile string
	bounds          model.Bounds
}

// mutantRun is the check of mutant mu's model under profile sp on
// mu.Bounds (reduced, sp's findings declared), made once.
func mutantRun(mu mutants.Mutant, sp *spec.Profile) (*check.Result, error) {
	key := mutantRunKey{mu.Name, sp.Name, mu.Bounds}
	if res, ok := mutantRuns[key]; ok {
		return res, nil
	}
	m, err := mu.Model(sp)
	if err != nil {
		return nil, err
	}
	res, err := check.Run(m, props.ModelChecked, check.Options{MaxStates: 100_000_000, Findings: props.Declared(sp)})
	if err != nil {
		return nil, err
	}
	mutantRuns[key] = res
	return res, nil
}

// TestMutants: each mutant of the TCP spec breaks exactly the properties
// its archive expects, beyond the findings its profiles declare (the TCP
// spec's own: TestTCPFindings shows it breaks nothing else), each with a
// counterexample no longer than maxCounterexample steps: the model checks
// are not vacuous. Most run on the quick bounds (some with the
// attacker); those of a rule that only data, keep-alive or the user
// timeout fire, at the bounds of that run of the default check (their
// archive's run: line; seconds each); the two that need an old segment
// in flight beside a new handshake ask for two segments in flight, under
// one profile (seconds each), left out under -short.
func TestMutants(t *testing.T) {
	ms, err := mutants.All()
	require.NoError(t, err)
	for _, mu := range ms {
		t.Run(mu.Name, func(t *testing.T) {
			if mu.Bounds.Capacity > model.QuickBounds().Capacity && testing.Short() {
				t.Skip("-short: this mutant needs more segments in flight, a few seconds more")
			}
			got := violations(t, mu)
			broken := map[string]*check.Counterexample{}
			for _, vs := range got {
				for id, c := range vs {
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
			assert.ElementsMatch(t, mu.Expect, ids)
		})
	}
}

// quickBaseline is what the generated TCP table gives under each profile
// on the quick bounds, with no findings declared: the state counts and
// verdicts the interpreter must reproduce.
var quickBaseline = sync.OnceValue(func() map[string]*check.Result {
	out := map[string]*check.Result{}
	for _, p := range tcp.Profiles() {
		m, err := model.New(p, model.QuickBounds(), nil)
		if err != nil {
			panic(err)
		}
		res, err := check.Run(m, props.ModelChecked, check.Options{})
		if err != nil {
			panic(fmt.Sprintf("%s: %v", p.Name, err))
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
	v1, s1 := map[string]map[string]*check.Counterexample{}, map[string]int{}
	for _, sprof := range sp.Profiles {
		m, err := bind.Model(sp, sprof, model.QuickBounds(), bind.Interpreted)
		require.NoError(t, err)
		res, err := check.Run(m, props.ModelChecked, check.Options{})
		require.NoError(t, err)
		v1[sprof.Name], s1[sprof.Name] = res.Violations, res.States
	}
	require.Len(t, s1, len(quickBaseline()))
	for profile, want := range quickBaseline() {
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
