package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/internal/mutants"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// TestDefaultAlso: the runs with data, the attacker, keep-alive and the
// user timeout are added at the
// default bounds, for the TCP vocabulary only; bounds a user chose are
// explored as chosen.
func TestDefaultAlso(t *testing.T) {
	tcp, err := spec.TCP()
	require.NoError(t, err)
	assert.Equal(t, []model.Bounds{model.DataBounds(), model.AttackBounds(), model.KeepAliveBounds(), model.UserTimeoutBounds()}, DefaultAlso(tcp, model.DefaultBounds()))
	assert.Empty(t, DefaultAlso(tcp, model.QuickBounds()))
	b := model.DefaultBounds()
	b.Attacks = 1
	assert.Empty(t, DefaultAlso(tcp, b))
	sctp, err := spec.Parse("spec/sctp.fsm", spec.SCTPSource())
	require.NoError(t, err)
	assert.Empty(t, DefaultAlso(sctp, model.DefaultBounds()), "the association model has no data run")
}

// TestAlsoCatchesDataMutants: a one-line change of the close path that
// only data or the zero window reach (two mutants of the corpus) passes the first run and is
// VIOLATED by the data run (Options.Also), whose bounds the verdict and
// its counterexample name; the unchanged spec holds in both, with the
// data rules counted in its coverage and both sizes in the record.
func TestAlsoCatchesDataMutants(t *testing.T) {
	quick := model.QuickBounds()
	quick.Incarnations = 1
	data := model.DataBounds()
	data.Incarnations = 1
	opt := Options{Bounds: quick, Also: []model.Bounds{data}, Coverage: true}

	sp, err := spec.TCP()
	require.NoError(t, err)
	rep, failures, err := Run(sp, []*spec.Profile{sp.Profile("linux")}, opt)
	require.NoError(t, err)
	assert.Zero(t, failures, "%v", rep.Failures())
	r := rep.Results[0]
	require.Len(t, r.Also, 1)
	assert.Equal(t, DescribeBounds(data), r.Also[0].Bounds)
	assert.Greater(t, r.Also[0].States, r.States, "data and the zero window add states")
	for i, rule := range sp.Rules {
		if rule.State.Name == "FIN_WAIT_1" && rule.Event.String() == "rcv WINDOW_OPEN" {
			assert.NotZero(t, r.Coverage[i].Fired, "the data run's coverage counts")
		}
	}
	lines := rep.Verification()
	assert.Contains(t, lines[0], "; and again with data and the zero window, "+DescribeBounds(data)+". ")
	assert.Contains(t, lines[1], "linux: ")
	assert.Regexp(t, `^linux: \d+ states and \d+; `, lines[1])

	for _, c := range []struct{ name, property string }{
		{"p11-data-drops-fin-wait-1.txtar", "P11"},
		{"p12-window-open-fin-never-resent.txtar", "P12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mu, err := mutants.Named(c.name)
			require.NoError(t, err)
			ms := mu.Spec
			profiles := []*spec.Profile{ms.Profile("linux")}
			o := opt
			o.Also = nil
			_, failures, err := Run(ms, profiles, o)
			require.NoError(t, err)
			assert.Zero(t, failures, "without data the change passes")

			rep, failures, err := Run(ms, profiles, opt)
			require.NoError(t, err)
			assert.NotZero(t, failures)
			assertFailsAt(t, rep, c.property, data)
			traces := rep.Traces()
			require.NotEmpty(t, traces)
			assert.Equal(t, DescribeBounds(data), traces[0].Bounds)
			var text strings.Builder
			require.NoError(t, rep.WriteText(&text, ms))
			assert.Contains(t, text.String(), "And again with data and the zero window: "+DescribeBounds(data)+".")
			assert.Regexp(t, `\nAgain with data and the zero window: linux \d+ states, \d+ transitions, [0-9.]+ s\.\n`, text.String())
			assert.Contains(t, text.String(), "At "+DescribeBounds(data)+":\n"+c.property+" VIOLATED under linux")
		})
	}
}

// TestAlsoCatchesKeepAliveMutants: a one-line change of a keep-alive rule
// (two mutants of the corpus) passes without keep-alive, which never fires it, and is VIOLATED by the
// keep-alive run (model.KeepAliveBounds), whose bounds the verdict names.
func TestAlsoCatchesKeepAliveMutants(t *testing.T) {
	quick := model.QuickBounds()
	ka := model.KeepAliveBounds()
	for _, c := range []struct{ name, property string }{
		{"p5-keepalive-ends-close-wait.txtar", "P5"},
		{"p11-keepalive-drops-fin-wait-2.txtar", "P11"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mu, err := mutants.Named(c.name)
			require.NoError(t, err)
			ms := mu.Spec
			rep := assertOnlyAlsoCatches(t, ms, quick, ka, c.property)
			var text strings.Builder
			require.NoError(t, rep.WriteText(&text, ms))
			assert.Contains(t, text.String(), "And again with data and keep-alive: "+DescribeBounds(ka)+".")
		})
	}
}

// assertFailsAt asserts that the first profile of rep reports property id
// failing, found at bounds b.
func assertFailsAt(t *testing.T, rep *Report, id string, b model.Bounds) {
	t.Helper()
	var found bool
	for _, p := range rep.Results[0].Properties {
		if p.ID == id {
			found = true
			assert.True(t, p.Fails(), "%s must fail", p.ID)
			assert.Equal(t, DescribeBounds(b), p.Bounds)
		}
	}
	assert.True(t, found, "%s is reported", id)
}

// TestAlsoCatchesUserTimeoutMutants: a one-line change of a user timeout
// rule (the corpus's p2-user-timeout-restarts-last-ack) passes without the
// user timeout, which never fires it, and is VIOLATED by the user timeout
// run (model.UserTimeoutBounds), whose bounds the verdict names.
func TestAlsoCatchesUserTimeoutMutants(t *testing.T) {
	mu, err := mutants.Named("p2-user-timeout-restarts-last-ack.txtar")
	require.NoError(t, err)
	require.Equal(t, model.UserTimeoutBounds(), mu.Bounds)
	quick := model.QuickBounds()
	quick.Incarnations = 1
	assertOnlyAlsoCatches(t, mu.Spec, quick, mu.Bounds, "P2")
}

// TestCorpusNeedsItsRun: every mutant of the corpus made for a run of the
// default check with data, keep-alive or the user timeout (its archive's
// "run:" line; mutants.Mutant.Main) passes the main model at the quick
// bounds under its profiles, where the rules it changes never fire: only
// its run catches it, which check.TestMutants shows at that run's bounds.
func TestCorpusNeedsItsRun(t *testing.T) {
	ms, err := mutants.All()
	require.NoError(t, err)
	n := 0
	for _, mu := range ms {
		if mu.Main() {
			continue
		}
		n++
		_, failures, err := Run(mu.Spec, mu.Check(), Options{Bounds: model.QuickBounds()})
		require.NoError(t, err, mu.Name)
		assert.Zero(t, failures, "%s passes without its run", mu.Name)
	}
	assert.NotZero(t, n, "the corpus has mutants of the extra runs")
}

// assertOnlyAlsoCatches asserts that spec ms passes under linux at bounds
// quick alone and fails property id in the run at bounds also, whose
// bounds the verdict names; it returns the report of the second check.
func assertOnlyAlsoCatches(t *testing.T, ms *spec.Spec, quick, also model.Bounds, id string) *Report {
	t.Helper()
	profiles := []*spec.Profile{ms.Profile("linux")}
	_, failures, err := Run(ms, profiles, Options{Bounds: quick})
	require.NoError(t, err)
	assert.Zero(t, failures, "without the run at %s the change passes", DescribeBounds(also))

	rep, failures, err := Run(ms, profiles, Options{Bounds: quick, Also: []model.Bounds{also}})
	require.NoError(t, err)
	assert.NotZero(t, failures)
	assertFailsAt(t, rep, id, also)
	return rep
}
