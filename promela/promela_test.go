package promela_test

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/promela"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

func tcpModel(t *testing.T, profile string, b model.Bounds) (*model.Model, promela.Source, []byte) {
	t.Helper()
	sp, err := spec.TCP()
	require.NoError(t, err)
	p := sp.Profile(profile)
	require.NotNil(t, p)
	m, src, err := promela.Build(sp, p, b, bind.Generated)
	require.NoError(t, err)
	text, err := promela.Generate(m, src)
	require.NoError(t, err)
	return m, src, text
}

// array reads the values of the hidden table array name from text.
func array(t *testing.T, text []byte, name string) []int {
	t.Helper()
	re := regexp.MustCompile(`(?s)hidden byte ` + name + `\[NSTATES\*NEVENTS\] = \{(.*?)\};`)
	m := re.FindSubmatch(text)
	require.NotNil(t, m, "no array %s", name)
	body := regexp.MustCompile(`/\*.*?\*/`).ReplaceAllString(string(m[1]), "")
	var out []int
	for _, f := range strings.FieldsFunc(body, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		v, err := strconv.Atoi(f)
		require.NoError(t, err, f)
		out = append(out, v)
	}
	require.Len(t, out, int(tcp.NumStates)*int(tcp.NumEvents), name)
	return out
}

// TestTableFromSpec: the arrays the model reads its table from decide
// every cell as the table the model runs, under every profile: next
// state, verdict, segments sent, timer operations (a stop before a restart
// before a start) and whether the application is told something.
func TestTableFromSpec(t *testing.T) {
	for _, p := range tcp.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			m, _, text := tcpModel(t, p.Name, model.QuickBounds())
			next, verdict := array(t, text, "cell_next"), array(t, text, "cell_verdict")
			sends, timers, tells := array(t, text, "cell_sends"), array(t, text, "cell_timers"), array(t, text, "cell_tells")
			kinds := []tcp.Action{tcp.SendSyn, tcp.SendSynAck, tcp.SendAck, tcp.SendFin, tcp.SendRst, tcp.SendProbe}
			tms := []tcp.Timer{tcp.RetransmissionTimer, tcp.R2Timer, tcp.TimeWaitTimer, tcp.FinWait2Timer}
			for s := tcp.State(1); s < tcp.NumStates; s++ {
				for e := tcp.Event(1); e < tcp.NumEvents; e++ {
					i := int(s)*int(tcp.NumEvents) + int(e)
					tr, ok := m.Step(p.Switches, s, e)
					require.True(t, ok)
					where := s.String() + ", " + e.String()
					assert.Equal(t, int(tr.Next), next[i], where)
					assert.Equal(t, int(tr.Verdict), verdict[i], where)
					for k, a := range kinds {
						assert.Equal(t, tr.Actions.Has(a), sends[i]>>k&1 == 1, "%s: %s", where, a)
					}
					for k, tm := range tms {
						op := timers[i] >> (2 * k) & 3
						switch {
						case tr.Actions.Has(tm.StopAction()):
							assert.Equal(t, 3, op, "%s: %s", where, tm)
						case tr.Actions.Has(tm.RestartAction()):
							assert.Equal(t, 2, op, "%s: %s", where, tm)
						case tr.Actions.Has(tm.StartAction()):
							assert.Equal(t, 1, op, "%s: %s", where, tm)
						default:
							assert.Equal(t, 0, op, "%s: %s", where, tm)
						}
					}
					told := tr.Actions&(tcp.TellConnected|tcp.TellEndOfStream|tcp.TellReset|tcp.TellRefused|tcp.TellTimedOut) != 0
					assert.Equal(t, told, tells[i] == 1, where)
				}
			}
			// Row 0 and column 0, the invalid state and event, are empty.
			for e := 0; e < int(tcp.NumEvents); e++ {
				assert.Zero(t, next[e])
			}
		})
	}
}

// TestHeader: the comment at the top names the spec, profile, bounds,
// timing and the findings the profile declares; the constants are the
// model's.
func TestHeader(t *testing.T) {
	b := model.QuickBounds()
	b.Incarnations = 3
	m, _, text := tcpModel(t, "linux", b)
	s := string(text)
	assert.Contains(t, s, "spec:     spec/tcp.fsm (sha256:")
	assert.Contains(t, s, "profile:  linux (switches: syn_reopens_time_wait rfc5961; findings it declares: P3 P8)")
	assert.Contains(t, s, "network of capacity 1 per direction, loss up to 1 per incarnation, duplication on, reordering on; 3 incarnations; no data; MSL = 2 ticks", "the export leaves data out, and says so")
	assert.Contains(t, s, "timing:   "+m.Timing.String())
	for _, c := range []string{"CAP          1", "INCS         3", "BUDGET       1", "T_TIME_WAIT  4", "T_FIN_WAIT_2 4", "FLUSH_HELD   0"} {
		assert.Contains(t, s, "#define "+c)
	}
	// The findings linux declares are asserted apart; P7, which it does
	// not declare, is not.
	for _, c := range []string{"FINDING_P3   1", "FINDING_P7   0", "FINDING_P8   1"} {
		assert.Contains(t, s, "#define "+c)
	}
	// The generated parts are in place of model.pml's #include lines.
	assert.NotContains(t, s, `#include "`)
	assert.Contains(t, s, "/* ---- end of defs.pml ---- */")
	assert.Contains(t, s, "/* ---- end of steps.pml ---- */")
}

// TestBoundsShapeTheModel: capacity sizes the segment slots and the
// network's steps; without duplication there is no copy delivered, without
// reordering only the oldest segment moves, without loss the budget is 0.
func TestBoundsShapeTheModel(t *testing.T) {
	b := model.DefaultBounds()
	b.Capacity = 3
	_, _, text := tcpModel(t, "bsd", b)
	s := string(text)
	assert.True(t, strings.Contains(s, "net[1].n > 2 ->"))
	assert.True(t, strings.Contains(s, "of net[1], a copy stays in flight"))
	steps := regexp.MustCompile(`-> sc_opt = \d+`)
	// 8 timers, 3 opens, 6 calls, per direction and slot deliver, deliver
	// a copy and lose, time, and the step when nothing else can happen.
	assert.Len(t, steps.FindAllString(s, -1), 8+3+6+2*3*3+1+1)

	b.Duplication, b.Reordering, b.Loss = false, false, false
	_, _, text = tcpModel(t, "bsd", b)
	s = string(text)
	assert.False(t, strings.Contains(s, "of net[0], a copy stays in flight"), "no copy delivered without duplication")
	assert.True(t, strings.Contains(s, "#define BUDGET       0"))
	assert.True(t, strings.Contains(s, "net[0].s[0].age < net[0].s[1].age"))
	assert.True(t, strings.Contains(s, "no reordering, the oldest segment first"))
	assert.Len(t, steps.FindAllString(s, -1), 8+3+6+2*3*2+1+1)
}

// TestDeterministic: the same model gives the same text.
func TestDeterministic(t *testing.T) {
	_, _, a := tcpModel(t, "windows", model.QuickBounds())
	_, _, b := tcpModel(t, "windows", model.QuickBounds())
	assert.Equal(t, string(a), string(b))
}

// TestParseState reads the state line -DTRACE prints.
func TestParseState(t *testing.T) {
	m, _, _ := tcpModel(t, "linux", model.QuickBounds())
	line := "STATE 6 1 0 0 0 1 0 2 63 0 0   5 9 1 1 0 0 0 0 0 0 0   1 4 1 0 1 2   0 0 0 0 0 0   3 0 2 4 0 0 8 4 2"
	s, err := promela.ParseState(m, line)
	require.NoError(t, err)
	assert.Equal(t, tcp.FinWait1, s.E[model.A].St)
	assert.True(t, s.E[model.A].Closer)
	assert.Equal(t, [4]uint8{2, 63, 0, 0}, s.E[model.A].Timers)
	assert.Equal(t, uint8(9), s.E[model.B].Inc)
	assert.Equal(t, model.Segment{Kind: model.FIN, AckFin: true, Inc: 1, Age: 2}, s.Net[0][0])
	assert.Equal(t, uint8(1), s.N[0])
	assert.Equal(t, uint8(3), s.NextInc)
	assert.Equal(t, uint8(8), s.Cut)
	assert.Equal(t, uint8(4), s.Derailed)
	assert.Equal(t, uint8(2), s.Reopened)
	_, err = promela.ParseState(m, "STATE 1 2 3")
	assert.Error(t, err)
}

// TestStateFieldsKnown: the Promela state mirrors model.State field by
// field. A field the model gains (a new ghost, say) must be added to the
// export (its variable, canon, print_state and ParseState) before this
// passes; the cross-check with SPIN then shows whether its semantics are.
func TestStateFieldsKnown(t *testing.T) {
	fields := func(v any) []string {
		var out []string
		ty := reflect.TypeOf(v)
		for i := 0; i < ty.NumField(); i++ {
			out = append(out, ty.Field(i).Name)
		}
		return out
	}
	assert.Equal(t, []string{"E", "Net", "N", "NextInc", "Losses", "Above", "Spoiled", "Reset", "Tainted", "Cut", "Derailed", "Reopened", "Forged"}, fields(model.State{}),
		"model.State changed: the Promela export must follow")
	// Forged counts the attacker's segments, and Endpoint.Challenges the
	// challenge ACKs counted only under the attacker, which the export
	// leaves out (Build sets Bounds.Attacks to 0): both stay zero in every
	// state.
	// Unread to Persist belong to the data and the zero window the export
	// leaves out (Build turns both off), KeepAlive to keep-alive, which it
	// leaves out too (Build sets Bounds.KeepAlive to 0), UserTimeout to the
	// user timeout, left out as well (Bounds.UserTimeout 0): they stay zero
	// in every state it explores.
	assert.Equal(t, []string{"St", "Inc", "Done", "Held", "Shut", "Closer", "Unread", "Wrote", "Full", "Blocked", "DataQ", "FinQ", "Persist", "KeepAlive", "UserTimeout", "Backoff", "Timers", "Challenges"}, fields(model.Endpoint{}),
		"model.Endpoint changed: the Promela export must follow")
	assert.Equal(t, []string{"Kind", "AckFin", "Inc", "Age", "Stray"}, fields(model.Segment{}),
		"model.Segment changed: the Promela export must follow")
	assert.Len(t, model.Endpoint{}.Timers, 4, "the modelled timers changed")
}

// TestExcusedKnown: model.pml tells apart the finding of every property
// props gives a known weakness (FINDING_Pn, Pn_finding), and of no other.
func TestExcusedKnown(t *testing.T) {
	pml, err := os.ReadFile("model.pml")
	require.NoError(t, err)
	var used []string
	for _, m := range regexp.MustCompile(`\bFINDING_(P\d)\b`).FindAllStringSubmatch(string(pml), -1) {
		if !slices.Contains(used, m[1]) {
			used = append(used, m[1])
		}
	}
	slices.Sort(used)
	var want []string
	for _, id := range props.Excusable() {
		if slices.Contains(promela.Properties, id) {
			want = append(want, id)
		}
	}
	assert.Equal(t, want, used, "props changed which properties have a known weakness: model.pml must follow")
	for _, id := range used {
		assert.Contains(t, string(pml), "assert(!V)", id)
		assert.Regexp(t, `judge\(`+id+`_finding, `, string(pml), "%s's finding is asserted apart", id)
	}
}

// TestBuildLeavesDataOut: the export has no writes, so Build explores the
// model without data whatever the bounds ask, and the Go model it returns
// (the one the cross-check counts) is that one.
func TestBuildLeavesDataOut(t *testing.T) {
	b := model.QuickBounds()
	b.Data, b.ZeroWindow, b.KeepAlive, b.UserTimeout = 1, true, 2, 2
	sp, err := spec.TCP()
	require.NoError(t, err)
	m, _, err := promela.Build(sp, sp.Profile("linux"), b, bind.Generated)
	require.NoError(t, err)
	assert.Zero(t, m.Bounds.Data)
	assert.False(t, m.Bounds.ZeroWindow)
	assert.Zero(t, m.Bounds.KeepAlive)
	assert.Zero(t, m.Bounds.UserTimeout)
}

// TestBuildRefusesTimeWaitReuse: model.pml's client opens only from
// CLOSED, so a profile whose table lets connect() reuse its own TIME_WAIT
// is refused rather than exported with counts that would differ.
func TestBuildRefusesTimeWaitReuse(t *testing.T) {
	sp, err := spec.Parse(spec.TCPFile, spec.TCPSource())
	require.NoError(t, err)
	p := sp.Profile("linux")
	require.True(t, p.SetSwitch("reuse_own_time_wait", true))
	_, _, err = promela.Build(sp, p, model.QuickBounds(), bind.Interpreted)
	assert.ErrorContains(t, err, "reuse its own TIME_WAIT")
}
