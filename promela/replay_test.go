package promela_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/promela"
	"github.com/tcpfsm/tcpfsm/props"
)

// checkMutant builds the model of the mutant named name under linux on the
// cross-check's bounds, exports it to Promela, and runs fsmgen check's
// explorer on it.
func checkMutant(t *testing.T, name string) (*model.Model, []byte, *check.Result) {
	t.Helper()
	mu, err := mutants.Named(name + ".txtar")
	require.NoError(t, err)
	m, src, err := promela.Build(mu.Spec, mu.Spec.Profile("linux"), crossBounds(), bind.Interpreted)
	require.NoError(t, err)
	text, err := promela.Generate(m, src)
	require.NoError(t, err)
	res, err := check.Run(m, props.ModelChecked, check.Options{Findings: src.Findings()})
	require.NoError(t, err)
	return m, text, res
}

// property returns the model-checked property id.
func property(t *testing.T, id string) check.Property {
	for _, p := range props.ModelChecked {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no property %s", id)
	return check.Property{}
}

// TestReplaySafety: the counterexample SPIN finds for P8 on the mutant
// without TIME_WAIT, read back from its trail (spin -t), is a path of the
// model whose last step violates P8, and fsmgen check reports P8 with a
// counterexample no longer: as long when SPIN searches for its shortest
// trail (pan -i), shorter than the first trail its depth-first search
// meets.
func TestReplaySafety(t *testing.T) {
	requireSPIN(t)
	m, text, res := checkMutant(t, "p8-no-time-wait")
	cx := res.Violations["P8"]
	require.NotNil(t, cx, "fsmgen check finds no violation of P8")
	p8 := property(t, "P8")
	for _, shortest := range []bool{true, false} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		dir := filepath.Join(t.TempDir(), map[bool]string{true: "shortest", false: "first"}[shortest])
		tr, err := promela.Counterexample(ctx, dir, m, text, 1<<7, "", promela.RunOptions{Shortest: shortest, CFlags: testCFlags, HashBits: hashBits(res.States) + 1})
		require.NoError(t, err)
		require.NotNil(t, tr, "SPIN finds no violation of P8")
		steps, err := promela.Replay(m, tr.States)
		require.NoError(t, err, "SPIN's trail is a path of the model")
		require.NotEmpty(t, steps)
		// The last step is the violation.
		from := m.Initial()
		if len(steps) > 1 {
			from = steps[len(steps)-2].Next
		}
		last := steps[len(steps)-1]
		assert.NotEmpty(t, p8.Step(m, &from, &last), "the last step of SPIN's trail violates P8: %s", last.Label)
		if shortest {
			assert.Equal(t, len(steps), len(cx.Steps), "SPIN's shortest trail and fsmgen check's counterexample")
		} else {
			assert.LessOrEqual(t, len(cx.Steps), len(steps), "fsmgen check's counterexample is no longer than SPIN's trail")
		}
		t.Logf("shortest=%v: SPIN's trail: %d steps of the model; fsmgen check's counterexample: %d steps; the violation: %s",
			shortest, len(steps), len(cx.Steps), last.Label)
	}
}

// TestReplayLiveness: the acceptance cycle SPIN finds for P2's liveness
// half on the mutant whose LAST_ACK neither retransmits nor gives up is a
// lasso of the model along whose cycle an endpoint owes the ACK of its FIN
// all the way round while time passes; fsmgen check reports P2 with a
// lasso too.
func TestReplayLiveness(t *testing.T) {
	requireSPIN(t)
	m, text, res := checkMutant(t, "p7-last-ack-gives-up-waiting")
	cx := res.Violations["P2"]
	require.NotNil(t, cx, "fsmgen check finds no violation of P2")
	require.GreaterOrEqual(t, cx.Loop, 0, "fsmgen check's P2 counterexample is a lasso")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tr, err := promela.Counterexample(ctx, t.TempDir(), m, text, 0, "p2", promela.RunOptions{CFlags: testCFlags, HashBits: hashBits(res.States) + 2})
	require.NoError(t, err)
	require.NotNil(t, tr, "SPIN finds no acceptance cycle")
	_, err = promela.Replay(m, tr.States)
	require.NoError(t, err, "SPIN's trail is a path of the model")
	require.Greater(t, len(tr.States), tr.Loop)
	cycle := tr.States[tr.Loop:]
	// The cycle closes: its last state is the one it started from (the
	// state before its first step).
	start := m.Initial()
	if tr.Loop > 0 {
		start = tr.States[tr.Loop-1]
	}
	assert.Equal(t, start, cycle[len(cycle)-1], "the cycle returns to its start")
	// Along it some endpoint owes the same obligation all the way round,
	// and time passes.
	owes := func(s model.State, x int) uint8 {
		if model.PendingFIN(s.E[x].St) {
			return s.E[x].Inc
		}
		return 0
	}
	owed := false
	for x := 0; x < 2; x++ {
		tag := owes(start, x)
		all := tag != 0
		for _, s := range cycle {
			all = all && owes(s, x) == tag
		}
		owed = owed || all
	}
	assert.True(t, owed, "an endpoint owes the ACK of its FIN all along SPIN's cycle")
	ticks := 0
	for _, tk := range tr.Ticks[tr.Loop:] {
		if tk {
			ticks++
		}
	}
	assert.Positive(t, ticks, "time passes along SPIN's cycle")
	steps, _ := promela.Replay(m, tr.States)
	t.Logf("SPIN's lasso: %d states to the cycle, %d in it (%d steps of the model in all, %d ticks in the cycle); fsmgen check's: %d steps, the cycle from step %d: %s",
		tr.Loop, len(cycle), len(steps), ticks, len(cx.Steps), cx.Loop+1, cx.Problem)
}
