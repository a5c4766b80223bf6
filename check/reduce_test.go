package check_test

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
)

// stepView is what a step shows to the rest of the search once dead
// fields are forgotten: its label, the state it leads to, and what every
// property says of it.
type stepView struct {
	label model.Label
	next  model.State
	says  []string
}

func sameStep(a, b stepView) bool {
	return a.label == b.label && a.next == b.next && slices.Equal(a.says, b.says)
}

// forgottenSteps lists the steps out of s, each with its successor
// forgotten (model.Forget) and each property's verdict on the step, and
// what the State properties say of s.
func forgottenSteps(m *model.Model, s model.State) ([]stepView, []string) {
	var out []stepView
	n := 0
	blocked := m.Successors(&s, func(su model.Succ) {
		v := stepView{label: su.Label, next: su.Next}
		for _, p := range props.ModelChecked {
			if p.Step != nil {
				v.says = append(v.says, p.ID+": "+p.Step(m, &s, &su))
			}
			for o := 0; o < p.Obligations; o++ {
				v.says = append(v.says, fmt.Sprintf("%s owes %d", p.ID, p.Owes(m, &su.Next, o)))
			}
		}
		m.Forget(&v.next)
		out = append(out, v)
		n++
	})
	var says []string
	for _, p := range props.ModelChecked {
		if p.State != nil {
			says = append(says, p.ID+": "+p.State(m, &s, n == 0 && blocked == 0))
		}
		for o := 0; o < p.Obligations; o++ {
			says = append(says, fmt.Sprintf("%s owes %d", p.ID, p.Owes(m, &s, o)))
		}
	}
	says = append(says, fmt.Sprintf("stutters %v, blocked %d", m.Stutters(&s), blocked))
	return out, says
}

// TestForgetIsExact: forgetting dead fields loses nothing. Over every
// state the plain search reaches under each profile on small bounds, the
// state and its forgotten form have the same steps, in the same order,
// with the same labels, leading to states equal once forgotten, and every
// property (safety verdicts, liveness obligations, stuttering) says the
// same of both: the relation between a state and its forgotten form is a
// bisimulation that the properties cannot tell apart, so every verdict
// and every shortest counterexample is the same with and without it.
// CHECK_LONG=1 adds three incarnations (a few minutes).
func TestForgetIsExact(t *testing.T) {
	type boundsCase struct {
		name string
		b    model.Bounds
	}
	quick := model.QuickBounds()
	cases := []boundsCase{{"quick", quick}}
	if os.Getenv("CHECK_LONG") == "1" { // three minutes on two cores: by hand
		three := quick
		three.Incarnations = 3
		cases = append(cases, boundsCase{"three-incarnations", three})
	}
	for _, bc := range cases {
		for _, p := range tcp.Profiles() {
			t.Run(bc.name+"/"+p.Name, func(t *testing.T) {
				m, err := model.New(p, bc.b, nil)
				require.NoError(t, err)
				seen := map[model.State]bool{}
				queue := []model.State{m.Initial()}
				seen[queue[0]] = true
				merged := 0
				for len(queue) > 0 {
					s := queue[0]
					queue = queue[1:]
					f := s
					m.Forget(&f)
					if f != s {
						merged++
						got, gotSays := forgottenSteps(m, f)
						want, wantSays := forgottenSteps(m, s)
						// Compared directly first: testify's reflection, on
						// every merged state, took a third of the test.
						if !slices.Equal(wantSays, gotSays) {
							require.Equal(t, wantSays, gotSays, "what the properties say of %v", s)
						}
						if !slices.EqualFunc(want, got, sameStep) {
							require.Equal(t, want, got, "the steps out of %v and of its forgotten form", s)
						}
					}
					m.Successors(&s, func(su model.Succ) {
						if !seen[su.Next] {
							seen[su.Next] = true
							queue = append(queue, su.Next)
						}
					})
				}
				t.Logf("%d states, %d with a dead field set", len(seen), merged)
				assert.Positive(t, merged, "no state has a dead field to forget: the test shows nothing")
			})
		}
	}
}

// sameOutcome asserts that a reduced and a plain run reached the same
// verdicts, findings and counterexample lengths.
func sameOutcome(t *testing.T, name string, plain, reduced *check.Result) {
	t.Helper()
	assert.LessOrEqual(t, reduced.States, plain.States, "%s: states", name)
	for _, side := range []struct {
		what         string
		plain, reduc map[string]*check.Counterexample
	}{{"violations", plain.Violations, reduced.Violations}, {"findings", plain.Findings, reduced.Findings}} {
		require.Equal(t, keys(side.plain), keys(side.reduc), "%s: %s", name, side.what)
		for id, c := range side.plain {
			r := side.reduc[id]
			assert.Equal(t, len(c.Steps), len(r.Steps), "%s: %s %s: counterexample length", name, side.what, id)
			assert.Equal(t, c.Loop, r.Loop, "%s: %s %s: where the cycle starts", name, side.what, id)
		}
	}
}

func keys(m map[string]*check.Counterexample) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// TestReductionsAgree: the reductions change the counts, never the
// outcome. Under every profile of the TCP table and every mutant of the
// corpus, on the quick bounds, a reduced run and a plain one
// (check.Options.Plain) violate the same properties, declare the same
// findings, and give counterexamples of the same length; and the reduced
// run, over all of them, explores fewer states. Without -short, the same
// holds with the zero window on (model.Bounds.ZeroWindow) under linux, one
// incarnation; with the
// attacker (model.Bounds.Attacks) it holds in every run. Each mutant is
// checked under the first of its profiles, under all of them with
// CHECK_LONG=1.
func TestReductionsAgree(t *testing.T) {
	ms, err := mutants.All()
	require.NoError(t, err)
	var plainStates, reducedStates int
	compare := func(name string, plain, reduced *check.Result) {
		sameOutcome(t, name, plain, reduced)
		plainStates += plain.States
		reducedStates += reduced.States
	}
	run := func(name string, m *model.Model, findings map[string]bool) {
		plain, err := check.Run(m, props.ModelChecked, check.Options{Plain: true, Findings: findings})
		require.NoError(t, err, name)
		reduced, err := check.Run(m, props.ModelChecked, check.Options{Findings: findings})
		require.NoError(t, err, name)
		compare(name, plain, reduced)
	}
	for _, p := range tcp.Profiles() {
		m, err := model.New(p, model.QuickBounds(), nil)
		require.NoError(t, err)
		run("tcp/"+p.Name, m, nil)
	}
	if !testing.Short() {
		// The zero window (model.Bounds.ZeroWindow) adds the fields and
		// steps the rules of dead fields must take into account: with two
		// incarnations 7 million states reduced and 13 million plain, so
		// one profile, linux, one incarnation (the rules of the last
		// incarnation's ghosts are exercised above, without the zero
		// window), and not under -short.
		b := model.QuickBounds()
		b.Data, b.ZeroWindow, b.Incarnations = 1, true, 1
		m, err := model.New(tcp.Linux, b, nil)
		require.NoError(t, err)
		run("tcp/linux/zero-window", m, nil)
	}
	// The attacker (model.Bounds.Attacks) adds the forged steps and the
	// field that counts them: under a profile with RFC 5961 and one
	// without.
	for _, p := range []tcp.Profile{tcp.Linux, tcp.Solaris} {
		b := model.QuickBounds()
		b.Attacks = 1
		m, err := model.New(p, b, nil)
		require.NoError(t, err)
		run("tcp/"+p.Name+"/attacker", m, nil)
	}
	for _, mu := range ms {
		if !mu.Main() {
			// Its rules fire only with data, keep-alive or the user
			// timeout: at the quick bounds it is the spec above.
			continue
		}
		attacks := mu.Bounds.Attacks
		mu.Bounds = model.QuickBounds()
		mu.Bounds.Attacks = attacks
		profiles := mu.Check()
		if os.Getenv("CHECK_LONG") != "1" {
			// Each mutant under the first of its profiles, not under
			// all five, and every mutant's violations are met; the reductions
			// do not depend on the profile, which the unmodified spec
			// above shows under every one.
			profiles = profiles[:1]
		}
		for _, sp := range profiles {
			m, err := mu.Model(sp)
			require.NoError(t, err)
			plain, err := check.Run(m, props.ModelChecked, check.Options{Plain: true, Findings: props.Declared(sp)})
			require.NoError(t, err, mu.Name)
			reduced, err := mutantRun(mu, sp) // TestMutants' run, where its bounds are these
			require.NoError(t, err, mu.Name)
			compare(mu.Name+"/"+sp.Name, plain, reduced)
		}
	}
	t.Logf("%d states plain, %d reduced", plainStates, reducedStates)
	assert.Less(t, reducedStates, plainStates)
}
