// Tests of the generated table, written by hand: they hold the generated
// package to the spec's interpreter, to RFC 9293's close figures and to
// the Linux behaviour measured in ../shared/LINUX.md.
package tcp_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

func allStates() []tcp.State {
	var out []tcp.State
	for s := tcp.State(1); s < tcp.NumStates; s++ {
		out = append(out, s)
	}
	return out
}

func allEvents() []tcp.Event {
	var out []tcp.Event
	for e := tcp.Event(1); e < tcp.NumEvents; e++ {
		out = append(out, e)
	}
	return out
}

// TestEveryCellDecided checks that under every switch set each cell holds
// a valid verdict, a valid next state and the rule of its own cell, and
// that Ignore and Reject never change the state.
func TestEveryCellDecided(t *testing.T) {
	for sw := tcp.Switches(0); sw < tcp.NumSwitchSets; sw++ {
		for _, s := range allStates() {
			for _, e := range allEvents() {
				tr, ok := tcp.StepWith(sw, s, e)
				where := fmt.Sprintf("(%s, %s) under switches %s", s, e, sw)
				require.True(t, ok, where)
				assert.Contains(t, []tcp.Verdict{tcp.Move, tcp.Ignore, tcp.Reject}, tr.Verdict, where)
				assert.True(t, tr.Next.Valid(), "%s: next state %s", where, tr.Next)
				require.True(t, tr.Rule.Valid(), "%s: rule %d", where, tr.Rule)
				assert.Equal(t, s, tr.Rule.State(), "%s: the rule belongs to another cell", where)
				assert.Equal(t, e, tr.Rule.Event(), "%s: the rule belongs to another cell", where)
				assert.NotEmpty(t, tr.Rule.Cite(), "%s: no citation", where)
				assert.Regexp(t, `^spec/tcp\.fsm:\d+$`, tr.Rule.Spec(), where)
				if tr.Verdict != tcp.Move {
					assert.Equal(t, s, tr.Next, "%s: %s must keep the state", where, tr.Verdict)
					assert.NotEmpty(t, tr.Rule.Reason(), "%s: %s without a reason", where, tr.Verdict)
				}
				assert.Zero(t, tr.Actions>>tcp.NumActions, "%s: undefined action bits", where)
			}
		}
	}
}

// TestMatchesInterpreter holds the generated table to the spec's own
// decision procedure, cell by cell, under every switch set and profile.
func TestMatchesInterpreter(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	require.Len(t, sp.States, int(tcp.NumStates)-1)
	require.Len(t, sp.Events, int(tcp.NumEvents)-1)
	for sw := tcp.Switches(0); sw < tcp.NumSwitchSets; sw++ {
		assert.Empty(t, verify.CompareGenerated(sp, uint64(sw)), "under %s", sw)
	}
	for _, p := range tcp.Profiles() {
		sp := sp.Profile(p.Name)
		require.NotNil(t, sp, p.Name)
		assert.Equal(t, sp.Switches(), uint64(p.Switches), p.Name)
	}
}

// TestStepTotal feeds Step every byte pair, valid or not: it must neither
// panic nor allocate, and must refuse exactly the invalid inputs.
func TestStepTotal(t *testing.T) {
	for s := 0; s < 256; s++ {
		for e := 0; e < 256; e++ {
			tr, ok := tcp.Step(tcp.State(s), tcp.Event(e))
			valid := tcp.State(s).Valid() && tcp.Event(e).Valid()
			assert.Equal(t, valid, ok, "Step(%d, %d)", s, e)
			if !ok {
				assert.Equal(t, tcp.Transition{}, tr, "Step(%d, %d) must return the zero Transition", s, e)
			}
		}
	}
	for sw := 0; sw < 256; sw++ {
		_, ok := tcp.StepWith(tcp.Switches(sw), tcp.Established, tcp.AppClose)
		assert.Equal(t, sw < tcp.NumSwitchSets, ok, "StepWith(%d, ...)", sw)
	}
	var sink tcp.Transition
	allocs := testing.AllocsPerRun(10, func() {
		for s := 0; s < 256; s++ {
			for e := 0; e < 256; e++ {
				sink, _ = tcp.Step(tcp.State(s), tcp.Event(e))
			}
		}
	})
	_ = sink
	assert.Zero(t, allocs, "Step allocates")
}

func TestStringsAndZeroValues(t *testing.T) {
	assert.False(t, tcp.State(0).Valid())
	assert.False(t, tcp.Event(0).Valid())
	assert.False(t, tcp.Timer(0).Valid())
	assert.False(t, tcp.RuleID(0).Valid())
	assert.Equal(t, "State(0)", tcp.State(0).String())
	assert.Equal(t, "State(200)", tcp.State(200).String())
	assert.Equal(t, "TIME_WAIT", tcp.TimeWait.String())
	assert.Equal(t, "rcv FIN_ACK", tcp.RcvFinAck.String())
	assert.Equal(t, "timeout time_wait", tcp.TimeoutTimeWait.String())
	assert.Equal(t, "time_wait", tcp.TimeWaitTimer.String())
	assert.Equal(t, "none", tcp.Action(0).String())
	assert.Equal(t, "send ACK; restart time_wait", (tcp.SendAck | tcp.RestartTimeWait).String())
	assert.Contains(t, tcp.Action(1<<63).String(), "Action(0x8000000000000000)")
	assert.Equal(t, "none", tcp.Switches(0).String())
	assert.Equal(t, "rfc1337 syn_reopens_time_wait", (tcp.RFC1337 | tcp.SynReopensTimeWait).String())
	assert.Equal(t, "rfc1337 Switches(0x80)", tcp.Switches(0x81).String())
	assert.Contains(t, tcp.CloseWait.Doc(), "never calls close()")
	assert.Equal(t, tcp.TimeoutTimeWait, tcp.TimeWaitTimer.Expiry())
	assert.Equal(t, tcp.TimeWaitTimer, tcp.TimeoutTimeWait.Timer())
	assert.Equal(t, tcp.Timer(0), tcp.RcvFin.Timer())
	assert.Equal(t, tcp.StartTimeWait, tcp.TimeWaitTimer.StartAction())
	assert.Equal(t, tcp.RestartTimeWait, tcp.TimeWaitTimer.RestartAction())
	assert.Equal(t, tcp.StopTimeWait, tcp.TimeWaitTimer.StopAction())
	assert.Equal(t, tcp.Action(0), tcp.Timer(0).StartAction())
}

// step is one endpoint's move in a scripted scenario.
type step struct {
	from  tcp.State
	event tcp.Event
	to    tcp.State
	want  tcp.Action // actions that must be among those taken
	never tcp.Action // actions that must not be
}

func runSteps(t *testing.T, p tcp.Profile, steps []step) {
	t.Helper()
	for i, st := range steps {
		tr, ok := p.Step(st.from, st.event)
		where := fmt.Sprintf("step %d: %s + %s under %s", i+1, st.from, st.event, p.Name)
		require.True(t, ok, where)
		assert.Equal(t, st.to, tr.Next, where)
		assert.True(t, tr.Actions.Has(st.want), "%s: actions %s lack %s", where, tr.Actions, st.want)
		assert.Zero(t, tr.Actions&st.never, "%s: actions %s include %s", where, tr.Actions, tr.Actions&st.never)
	}
}

// TestFigure12NormalClose replays RFC 9293 Figure 12: A closes first, B
// closes after the end of stream, A waits 2MSL in TIME_WAIT.
func TestFigure12NormalClose(t *testing.T) {
	runSteps(t, tcp.RFC9293, []step{
		// 2. A: close; FIN-WAIT-1 --> <FIN,ACK> --> B: CLOSE-WAIT
		{from: tcp.Established, event: tcp.AppClose, to: tcp.FinWait1, want: tcp.SendFin | tcp.StartRetransmission},
		{from: tcp.Established, event: tcp.RcvFin, to: tcp.CloseWait, want: tcp.SendAck | tcp.TellEndOfStream},
		// 3. A: FIN-WAIT-2 <-- <ACK> <-- B
		{from: tcp.FinWait1, event: tcp.RcvAckOfFin, to: tcp.FinWait2, never: tcp.SendAck | tcp.SendFin},
		// 4. B: close; LAST-ACK --> <FIN,ACK>; A: TIME-WAIT
		{from: tcp.CloseWait, event: tcp.AppClose, to: tcp.LastAck, want: tcp.SendFin | tcp.StartRetransmission},
		{from: tcp.FinWait2, event: tcp.RcvFin, to: tcp.TimeWait, want: tcp.SendAck | tcp.StartTimeWait},
		// 5. B: CLOSED on the ACK of its FIN
		{from: tcp.LastAck, event: tcp.RcvAckOfFin, to: tcp.Closed, never: tcp.SendRst},
		// 6. A: (2 MSL) CLOSED
		{from: tcp.TimeWait, event: tcp.TimeoutTimeWait, to: tcp.Closed},
	})
}

// TestFigure13SimultaneousClose replays RFC 9293 Figure 13: both sides
// close at once, each passes through CLOSING and ends in TIME_WAIT.
func TestFigure13SimultaneousClose(t *testing.T) {
	for _, p := range tcp.Profiles() {
		runSteps(t, p, []step{
			// 2. both: close; FIN-WAIT-1, FINs cross
			{from: tcp.Established, event: tcp.AppClose, to: tcp.FinWait1, want: tcp.SendFin},
			// 3. both: the other's FIN arrives: CLOSING, ACK it
			{from: tcp.FinWait1, event: tcp.RcvFin, to: tcp.Closing, want: tcp.SendAck},
			// 4. both: the ACK of our FIN arrives: TIME-WAIT
			{from: tcp.Closing, event: tcp.RcvAckOfFin, to: tcp.TimeWait, want: tcp.StartTimeWait, never: tcp.SendRst},
			// 5. both: (2 MSL) CLOSED
			{from: tcp.TimeWait, event: tcp.TimeoutTimeWait, to: tcp.Closed},
		})
		// The FIN and the ACK of ours may come in one segment.
		runSteps(t, p, []step{
			{from: tcp.FinWait1, event: tcp.RcvFinAck, to: tcp.TimeWait, want: tcp.SendAck | tcp.StartTimeWait},
		})
	}
}

// TestFigure8OldDuplicateSYN replays RFC 9293 Figure 8: an old duplicate
// SYN reaches the listener first; the client resets the SYN,ACK that does
// not acknowledge its own SYN, the listener returns to LISTEN, and the real
// SYN then opens the connection.
func TestFigure8OldDuplicateSYN(t *testing.T) {
	runSteps(t, tcp.RFC9293, []step{
		// 2. A: SYN-SENT; 3. B receives the old duplicate SYN
		{from: tcp.Closed, event: tcp.AppOpenActive, to: tcp.SynSent, want: tcp.SendSyn},
		{from: tcp.Listen, event: tcp.RcvSyn, to: tcp.SynReceived, want: tcp.SendSynAck},
		// 4-5. A: the SYN,ACK acks the old SYN, not ours: RST, stay in SYN-SENT
		{from: tcp.SynSent, event: tcp.RcvSynAckOld, to: tcp.SynSent, want: tcp.SendRst, never: tcp.SendAck},
		// 5. B: the RST returns it to LISTEN
		{from: tcp.SynReceived, event: tcp.RcvRst, to: tcp.Listen, never: tcp.SendRst},
		// 6-8. the real SYN: SYN-RECEIVED, SYN,ACK, ESTABLISHED on both sides
		{from: tcp.Listen, event: tcp.RcvSyn, to: tcp.SynReceived, want: tcp.SendSynAck},
		{from: tcp.SynSent, event: tcp.RcvSynAck, to: tcp.Established, want: tcp.SendAck | tcp.TellConnected},
		{from: tcp.SynReceived, event: tcp.RcvAck, to: tcp.Established, want: tcp.TellConnected},
	})
}

// TestLinuxFacts checks, under the linux profile, each fact of LINUX.md
// that a (state, event) table can express. Whether a client may reuse its
// own TIME_WAIT depends on timestamps and tcp_tw_reuse, which the profile
// sets off (it is on only for loopback); conform's live runs cover it.
func TestLinuxFacts(t *testing.T) {
	l := tcp.Linux
	t.Run("timers", func(t *testing.T) {
		assert.Equal(t, 60*time.Second, l.TimeWait, "TCP_TIMEWAIT_LEN")
		assert.Equal(t, 60*time.Second, l.FinWait2, "tcp_fin_timeout")
		assert.Equal(t, time.Second, l.Retransmission, "initial RTO")
		assert.Zero(t, l.Switches&tcp.FlushHeldFinWait2, "FIN_WAIT_2 has no timer while the application holds the socket")
		assert.Zero(t, l.Switches&tcp.RFC1337, "tcp_rfc1337 defaults to 0")
	})
	t.Run("close queues the FIN", func(t *testing.T) {
		runSteps(t, l, []step{
			{from: tcp.Established, event: tcp.AppClose, to: tcp.FinWait1, want: tcp.SendFin},
			{from: tcp.CloseWait, event: tcp.AppClose, to: tcp.LastAck, want: tcp.SendFin},
			{from: tcp.SynSent, event: tcp.AppClose, to: tcp.Closed, never: tcp.SendFin | tcp.SendRst},
			{from: tcp.Listen, event: tcp.AppClose, to: tcp.Closed, never: tcp.SendFin | tcp.SendRst},
		})
	})
	t.Run("FIN", func(t *testing.T) {
		runSteps(t, l, []step{
			{from: tcp.Established, event: tcp.RcvFin, to: tcp.CloseWait, want: tcp.SendAck},
			{from: tcp.FinWait1, event: tcp.RcvFin, to: tcp.Closing, want: tcp.SendAck},
			{from: tcp.FinWait2, event: tcp.RcvFin, to: tcp.TimeWait, want: tcp.SendAck},
			// A duplicate FIN changes nothing in CLOSE_WAIT or CLOSING.
			{from: tcp.CloseWait, event: tcp.RcvFin, to: tcp.CloseWait},
			{from: tcp.Closing, event: tcp.RcvFin, to: tcp.Closing},
		})
	})
	t.Run("ACK of our FIN", func(t *testing.T) {
		runSteps(t, l, []step{
			{from: tcp.FinWait1, event: tcp.RcvAckOfFin, to: tcp.FinWait2},
			{from: tcp.Closing, event: tcp.RcvAckOfFin, to: tcp.TimeWait},
			{from: tcp.LastAck, event: tcp.RcvAckOfFin, to: tcp.Closed},
		})
	})
	t.Run("RST closes", func(t *testing.T) {
		runSteps(t, l, []step{
			// close() with unread data and SO_LINGER {on, 0}: RST, no TIME_WAIT.
			{from: tcp.Established, event: tcp.AppCloseUnread, to: tcp.Closed, want: tcp.SendRst},
			{from: tcp.Established, event: tcp.AppAbort, to: tcp.Closed, want: tcp.SendRst},
			{from: tcp.CloseWait, event: tcp.AppAbort, to: tcp.Closed, want: tcp.SendRst},
			// The peer of either sees connection reset.
			{from: tcp.Established, event: tcp.RcvRst, to: tcp.Closed, want: tcp.TellReset},
		})
	})
	t.Run("data after close", func(t *testing.T) {
		// New data reaching an orphaned FIN_WAIT_1/2 (receive side shut): RST.
		runSteps(t, l, []step{
			{from: tcp.FinWait1, event: tcp.RcvDataAfterClose, to: tcp.Closed, want: tcp.SendRst},
			{from: tcp.FinWait2, event: tcp.RcvDataAfterClose, to: tcp.Closed, want: tcp.SendRst},
			// After shutdown(SHUT_WR) the application still reads: ACK.
			{from: tcp.FinWait2, event: tcp.RcvData, to: tcp.FinWait2, want: tcp.SendAck},
		})
	})
	t.Run("lost final ACK", func(t *testing.T) {
		runSteps(t, l, []step{
			// LAST_ACK retransmits its FIN; TIME_WAIT ACKs each copy and restarts.
			{from: tcp.LastAck, event: tcp.TimeoutRetransmission, to: tcp.LastAck, want: tcp.SendFin | tcp.RestartRetransmission},
			{from: tcp.TimeWait, event: tcp.RcvFin, to: tcp.TimeWait, want: tcp.SendAck | tcp.RestartTimeWait},
			// Nothing is sent when TIME_WAIT expires.
			{from: tcp.TimeWait, event: tcp.TimeoutTimeWait, to: tcp.Closed, never: tcp.SendSyn | tcp.SendSynAck | tcp.SendAck | tcp.SendFin | tcp.SendRst | tcp.SendProbe},
		})
	})
	t.Run("orphaned FIN_WAIT_2 flush", func(t *testing.T) {
		runSteps(t, l, []step{
			{from: tcp.FinWait1, event: tcp.RcvAckOfFin, to: tcp.FinWait2, want: tcp.StartFinWait2},
			{from: tcp.FinWait2, event: tcp.TimeoutFinWait2, to: tcp.Closed, never: tcp.SendRst | tcp.SendFin},
			// The late peer's FIN then meets CLOSED and draws a RST.
			{from: tcp.Closed, event: tcp.RcvFin, to: tcp.Closed, want: tcp.SendRst},
		})
	})
	t.Run("new incarnations", func(t *testing.T) {
		runSteps(t, l, []step{
			// A SYN above the old sequence space reopens TIME_WAIT ...
			{from: tcp.TimeWait, event: tcp.RcvSynHigherSeq, to: tcp.SynReceived, want: tcp.SendSynAck | tcp.StopTimeWait},
			// ... an old one gets an ACK instead.
			{from: tcp.TimeWait, event: tcp.RcvSyn, to: tcp.TimeWait, want: tcp.SendAck},
		})
	})
	t.Run("RST in TIME_WAIT", func(t *testing.T) {
		// tcp_rfc1337=0 (the default): an in-window RST kills TIME_WAIT.
		runSteps(t, l, []step{{from: tcp.TimeWait, event: tcp.RcvRst, to: tcp.Closed}})
		// tcp_rfc1337=1: it is ignored.
		tr, ok := tcp.StepWith(l.Switches|tcp.RFC1337, tcp.TimeWait, tcp.RcvRst)
		require.True(t, ok)
		assert.Equal(t, tcp.Ignore, tr.Verdict)
		assert.Equal(t, tcp.TimeWait, tr.Next)
		// FreeBSD drops such RSTs by default.
		runSteps(t, tcp.BSD, []step{{from: tcp.TimeWait, event: tcp.RcvRst, to: tcp.TimeWait}})
	})
	t.Run("simultaneous close", func(t *testing.T) {
		runSteps(t, l, []step{
			{from: tcp.FinWait1, event: tcp.RcvFin, to: tcp.Closing, want: tcp.SendAck},
			{from: tcp.Closing, event: tcp.RcvAckOfFin, to: tcp.TimeWait},
		})
	})
}

func TestProfiles(t *testing.T) {
	names := []string{}
	for _, p := range tcp.Profiles() {
		names = append(names, p.Name)
		got, ok := tcp.ProfileByName(p.Name)
		require.True(t, ok, p.Name)
		assert.Equal(t, p, got)
		assert.Positive(t, p.TimeWait, "%s: every profile has a TIME_WAIT", p.Name)
		assert.Equal(t, p.TimeWait, p.Timer(tcp.TimeWaitTimer), p.Name)
	}
	assert.Equal(t, []string{"rfc9293", "linux", "bsd", "solaris", "windows"}, names)
	_, ok := tcp.ProfileByName("plan9")
	assert.False(t, ok)
	assert.Equal(t, 4*time.Minute, tcp.RFC9293.TimeWait, "2 x MSL of 2 minutes")
	assert.Equal(t, 2*tcp.RFC9293.MSL, tcp.RFC9293.TimeWait)
	assert.Equal(t, 2*tcp.BSD.MSL, tcp.BSD.TimeWait)
	assert.Equal(t, 2*time.Minute, tcp.Windows.TimeWait, "TcpTimedWaitDelay")
	assert.Zero(t, tcp.RFC9293.FinWait2, "the RFC has no FIN_WAIT_2 flush")
	assert.NotZero(t, tcp.Windows.Switches&tcp.FlushHeldFinWait2)
}
