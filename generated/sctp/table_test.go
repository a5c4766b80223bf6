// Tests of the generated table, written by hand: they hold the generated
// package to the spec's interpreter and to the association shutdown and
// verification-tag rules of RFC 9260.
package sctp_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/generated/sctp"
	"github.com/tcpfsm/tcpfsm/spec"
)

func allStates() []sctp.State {
	var out []sctp.State
	for s := sctp.State(1); s < sctp.NumStates; s++ {
		out = append(out, s)
	}
	return out
}

func allEvents() []sctp.Event {
	var out []sctp.Event
	for e := sctp.Event(1); e < sctp.NumEvents; e++ {
		out = append(out, e)
	}
	return out
}

// TestMatchesInterpreter holds the generated table to the spec's own
// decision procedure, cell by cell: the same next state, verdict, actions
// and rule, and names and docs that are the spec's.
func TestMatchesInterpreter(t *testing.T) {
	sp, err := spec.SCTP()
	require.NoError(t, err)
	require.Len(t, sp.States, int(sctp.NumStates)-1)
	require.Len(t, sp.Events, int(sctp.NumEvents)-1)
	require.Len(t, sp.Timers, int(sctp.NumTimers)-1)
	assert.Equal(t, sp.Hash(), sctp.SpecHash)
	for _, s := range allStates() {
		ss := sp.States[s-1]
		assert.Equal(t, ss.Name, s.String())
		assert.Equal(t, ss.Doc, s.Doc())
		for _, e := range allEvents() {
			se := sp.Events[e-1]
			assert.Equal(t, se.String(), e.String())
			want := sp.Decide(ss, se, 0)
			got, ok := sctp.Step(s, e)
			where := fmt.Sprintf("(%s, %s)", s, e)
			require.True(t, ok, where)
			assert.Equal(t, want.Next.Name, got.Next.String(), where)
			assert.Equal(t, want.Verdict.String(), got.Verdict.String(), where)
			assert.Equal(t, want.ActionBits(), uint64(got.Actions), where)
			assert.Equal(t, want.Index, int(got.Rule), where)
			assert.Equal(t, want.Reason, got.Rule.Reason(), where)
			assert.NotEmpty(t, got.Rule.Cite(), "%s: no citation", where)
			assert.Regexp(t, `^spec/sctp\.fsm:\d+$`, got.Rule.Spec(), where)
			if got.Verdict != sctp.Move {
				assert.Equal(t, s, got.Next, "%s: %s must keep the state", where, got.Verdict)
			}
		}
	}
	for _, p := range sctp.Profiles() {
		prof := sp.Profile(p.Name)
		require.NotNil(t, prof, p.Name)
		for _, tm := range sp.Timers {
			v := prof.TimerValue(tm)
			require.NotNil(t, v, "%s: %s", p.Name, tm.Name)
			assert.Equal(t, v.Length, p.Timer(sctp.Timer(tm.Index)), "%s: %s", p.Name, tm.Name)
		}
	}
}

// TestStepTotal feeds Step every byte pair, valid or not: it must neither
// panic nor allocate, and must refuse exactly the invalid inputs.
func TestStepTotal(t *testing.T) {
	for s := 0; s < 256; s++ {
		for e := 0; e < 256; e++ {
			tr, ok := sctp.Step(sctp.State(s), sctp.Event(e))
			valid := sctp.State(s).Valid() && sctp.Event(e).Valid()
			assert.Equal(t, valid, ok, "Step(%d, %d)", s, e)
			if !ok {
				assert.Equal(t, sctp.Transition{}, tr, "Step(%d, %d) must return the zero Transition", s, e)
			}
		}
	}
	var sink sctp.Transition
	allocs := testing.AllocsPerRun(10, func() {
		for s := 0; s < 256; s++ {
			for e := 0; e < 256; e++ {
				sink, _ = sctp.Step(sctp.State(s), sctp.Event(e))
			}
		}
	})
	_ = sink
	assert.Zero(t, allocs, "Step allocates")
	p := sctp.Linux
	allocs = testing.AllocsPerRun(10, func() {
		sink, _ = p.Step(sctp.ShutdownAckSent, sctp.RcvShutdownComplete)
	})
	assert.Zero(t, allocs, "Profile.Step allocates")
}

// step is one endpoint's move in a scripted scenario.
type step struct {
	from  sctp.State
	event sctp.Event
	to    sctp.State
	want  sctp.Action // actions that must be among those taken
}

func runSteps(t *testing.T, steps []step) {
	t.Helper()
	for i, st := range steps {
		tr, ok := sctp.Step(st.from, st.event)
		where := fmt.Sprintf("step %d: %s + %s", i+1, st.from, st.event)
		require.True(t, ok, where)
		assert.Equal(t, st.to, tr.Next, where)
		assert.True(t, tr.Actions.Has(st.want), "%s: actions %s lack %s", where, tr.Actions, st.want)
	}
}

// TestGracefulShutdown replays the shutdown of RFC 9260 9.2 from both
// ends: A's user shuts down, B acknowledges, A completes. Neither end
// waits afterwards: both are CLOSED as soon as the exchange ends.
func TestGracefulShutdown(t *testing.T) {
	runSteps(t, []step{ // A, the side that shuts down
		{sctp.Established, sctp.AppShutdown, sctp.ShutdownPending, 0},
		{sctp.ShutdownPending, sctp.RcvSack, sctp.ShutdownSent, sctp.SendShutdown | sctp.StartT2Shutdown | sctp.StartT5ShutdownGuard},
		{sctp.ShutdownSent, sctp.TimeoutT2Shutdown, sctp.ShutdownSent, sctp.SendShutdown | sctp.RestartT2Shutdown},
		{sctp.ShutdownSent, sctp.RcvShutdownAck, sctp.Closed, sctp.SendShutdownComplete | sctp.StopT2Shutdown | sctp.StopT5ShutdownGuard | sctp.TellShutdownComplete},
	})
	runSteps(t, []step{ // B, its peer
		{sctp.Established, sctp.RcvShutdown, sctp.ShutdownReceived, 0},
		{sctp.ShutdownReceived, sctp.RcvSack, sctp.ShutdownAckSent, sctp.SendShutdownAck | sctp.StartT2Shutdown},
		{sctp.ShutdownAckSent, sctp.TimeoutT2Shutdown, sctp.ShutdownAckSent, sctp.SendShutdownAck | sctp.RestartT2Shutdown},
		{sctp.ShutdownAckSent, sctp.RcvShutdownComplete, sctp.Closed, sctp.StopT2Shutdown | sctp.TellShutdownComplete},
	})
}

// TestVerificationTag: a chunk that fails the tag check (an old chunk of
// an earlier association) is dropped in every state with an association,
// and SHUTDOWN COMPLETE is taken only in SHUTDOWN_ACK_SENT (RFC 9260 8.5,
// 8.5.1 C).
func TestVerificationTag(t *testing.T) {
	for _, s := range allStates()[1:] {
		tr, _ := sctp.Step(s, sctp.RcvWrongTag)
		assert.Equal(t, sctp.Ignore, tr.Verdict, "WRONG_TAG in %s", s)
		tr, _ = sctp.Step(s, sctp.RcvShutdownComplete)
		if s == sctp.ShutdownAckSent {
			assert.Equal(t, sctp.Closed, tr.Next)
			continue
		}
		assert.Equal(t, sctp.Ignore, tr.Verdict, "SHUTDOWN_COMPLETE in %s", s)
	}
	// Out of the blue (8.4): a SHUTDOWN ACK draws SHUTDOWN COMPLETE with the
	// T bit, DATA an ABORT with it, and a COOKIE ECHO in SHUTDOWN_ACK_SENT
	// never opens a new association.
	runSteps(t, []step{
		{sctp.Closed, sctp.RcvShutdownAck, sctp.Closed, sctp.SendShutdownCompleteT},
		{sctp.Closed, sctp.RcvData, sctp.Closed, sctp.SendAbortT},
		{sctp.ShutdownAckSent, sctp.RcvCookieEcho, sctp.ShutdownAckSent, sctp.SendShutdownAck | sctp.SendError},
	})
}

// TestProfiles checks the profile values against their sources: T5 is
// five times RTO.Max, and the limits give up later than one RTO.
func TestProfiles(t *testing.T) {
	var names []string
	for _, p := range sctp.Profiles() {
		names = append(names, p.Name)
		assert.Equal(t, 5*p.RTOMax, p.T5ShutdownGuard, "%s: T5 is 5 x RTO.Max", p.Name)
		assert.Equal(t, p.T1Init, p.T1Cookie, "%s: both T1 timers start at RTO.Initial", p.Name)
		assert.Greater(t, p.MaxRetrans, p.MaxInit, "%s: 10 retransmissions take longer than 8", p.Name)
	}
	assert.Equal(t, []string{"rfc9260", "linux"}, names)
	var giveUp []sctp.Timer
	for tm := sctp.Timer(1); tm < sctp.NumTimers; tm++ {
		if tm.GivesUp() {
			giveUp = append(giveUp, tm)
		}
	}
	assert.Equal(t, []sctp.Timer{sctp.T5ShutdownGuardTimer, sctp.MaxInitTimer, sctp.MaxRetransTimer}, giveUp)
	assert.Equal(t, 3*time.Second, sctp.Linux.T1Init, "net.sctp.rto_initial")
	assert.Equal(t, time.Second, sctp.RFC9260.T1Init, "RTO.Initial")
}
