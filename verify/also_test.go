package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
// only data or the zero window reach passes the first run and is
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

	for _, c := range []struct{ name, old, new, property string }{
		{"data in FIN_WAIT_1 drops the connection silently",
			"  rcv DATA                          -> FIN_WAIT_1 send ACK ",
			"  rcv DATA                          -> CLOSED stop retransmission; stop r2; stop user_timeout; stop persist ", "P11"},
		{"the FIN released by the window update is never retransmitted",
			"  rcv WINDOW_OPEN                   -> FIN_WAIT_1 stop persist; start retransmission; start r2 ",
			"  rcv WINDOW_OPEN                   -> FIN_WAIT_1 stop persist; start r2                       ", "P12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms := changeLine(t, c.old, c.new)
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
// passes without keep-alive, which never fires it, and is VIOLATED by the
// keep-alive run (model.KeepAliveBounds), whose bounds the verdict names.
func TestAlsoCatchesKeepAliveMutants(t *testing.T) {
	quick := model.QuickBounds()
	ka := model.KeepAliveBounds()
	for _, c := range []struct{ name, old, new, property string }{
		{"a keep-alive expiry ends CLOSE_WAIT",
			"  timeout keepalive                 -> CLOSE_WAIT send PROBE; restart keepalive; start r2   ",
			"  timeout keepalive                 -> CLOSED send PROBE; stop r2; stop persist; stop user_timeout", "P5"},
		{"a keep-alive expiry drops a FIN_WAIT_2 silently",
			"  timeout keepalive                 -> FIN_WAIT_2 send PROBE; restart keepalive; start r2 ",
			"  timeout keepalive                 -> CLOSED stop fin_wait_2; stop r2                    ", "P11"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms := changeLine(t, c.old, c.new)
			rep := assertOnlyAlsoCatches(t, ms, quick, ka, c.property)
			var text strings.Builder
			require.NoError(t, rep.WriteText(&text, ms))
			assert.Contains(t, text.String(), "And again with keep-alive: "+DescribeBounds(ka)+".")
		})
	}
}

// changeLine is the TCP spec with its one line old replaced by new.
func changeLine(t *testing.T, old, new string) *spec.Spec {
	t.Helper()
	src := string(spec.TCPSource())
	require.Equal(t, 1, strings.Count(src, old), "the line to change")
	ms, err := spec.Parse(spec.TCPFile, []byte(strings.Replace(src, old, new, 1)))
	require.NoError(t, err)
	return ms
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
// rule passes without the user timeout, which never fires it, and is
// VIOLATED by the user timeout run (model.UserTimeoutBounds), whose
// bounds the verdict names.
func TestAlsoCatchesUserTimeoutMutants(t *testing.T) {
	quick := model.QuickBounds()
	quick.Incarnations = 1
	ut := model.UserTimeoutBounds()
	for _, c := range []struct{ name, old, new, property string }{
		{"the user timeout closes for the application in CLOSE_WAIT",
			"  timeout user_timeout              -> CLOSED stop keepalive; stop r2; stop persist; tell timed_out                             [",
			"  timeout user_timeout              -> LAST_ACK send FIN; stop keepalive; stop persist; start retransmission; restart r2        [", "P5"},
		{"an idle CLOSE_WAIT is ended by a user timeout the peer's FIN starts",
			"  rcv FIN                           -> CLOSE_WAIT send ACK; restart keepalive; stop r2; tell end_of_stream ",
			"  rcv FIN                           -> CLOSE_WAIT send ACK; restart keepalive; stop r2; start user_timeout; tell end_of_stream ", "P5"},
		{"the reopened window leaves CLOSE_WAIT's user timeout running",
			"  rcv WINDOW_OPEN                   -> CLOSE_WAIT stop persist; stop user_timeout; restart keepalive; stop r2 ",
			"  rcv WINDOW_OPEN                   -> CLOSE_WAIT stop persist; restart keepalive; stop r2                    ", "P5"},
		{"the user timeout moves FIN_WAIT_1 on to FIN_WAIT_2",
			"  timeout user_timeout              -> CLOSED stop retransmission; stop r2; stop persist; tell timed_out                                          ",
			"  timeout user_timeout              -> FIN_WAIT_2 stop retransmission; stop r2; stop persist; start fin_wait_2                                    ", "P8"},
		{"the user timeout of LAST_ACK restarts itself for ever",
			"  timeout user_timeout              -> CLOSED stop retransmission; stop r2; stop persist; tell timed_out                 [",
			"  timeout user_timeout              -> LAST_ACK stop retransmission; stop r2; stop persist; start user_timeout                 [", "P2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assertOnlyAlsoCatches(t, changeLine(t, c.old, c.new), quick, ut, c.property)
		})
	}
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
