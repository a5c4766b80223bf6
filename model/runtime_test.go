package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// TestArmFollowsTheSpec pins the model's timers to the generated runtime
// rules: in every state, for a held socket and an orphan, each modelled
// timer the model arms runs for the ticks of Profile.Duration, and only
// where Profile.Runs says.
func TestArmFollowsTheSpec(t *testing.T) {
	for _, p := range tcp.Profiles() {
		m, err := New(p, DefaultBounds(), tcp.StepWith)
		require.NoError(t, err, p.Name)
		for s := tcp.State(1); s < tcp.NumStates; s++ {
			for _, held := range []bool{true, false} {
				for k := range NumTimers {
					ep := Endpoint{St: s, Held: held}
					m.arm(&ep, k, false)
					h := tcp.SocketOrphan
					if held {
						h = 0
					}
					want := 0
					if p.Runs(k.Timer(), h) {
						want = ticks(p.Duration(k.Timer(), s, h), m.Timing.Tick) + 1
					}
					assert.Equal(t, want, int(ep.Timers[k]), "%s: %s in %s, held %v", p.Name, k, s, held)
				}
			}
		}
	}
}

// TestRuntimeRules: the acceptance facts of the generated rules.
func TestRuntimeRules(t *testing.T) {
	p := tcp.Linux
	assert.Equal(t, p.R2Syn, p.Duration(tcp.R2Timer, tcp.SynSent, 0), "R2 in SYN_SENT is r2_syn")
	assert.Equal(t, p.R2Synack, p.Duration(tcp.R2Timer, tcp.SynReceived, 0), "R2 for a listener's SYN,ACK is r2_synack")
	assert.Equal(t, p.R2Synack, p.Duration(tcp.R2Timer, tcp.SynReceived, tcp.SocketOrphan), "r2_synack, orphan or not")
	assert.Equal(t, 63*time.Second, p.R2Synack, "tcp_synack_retries 5: 1+2+4+8+16+32 s")
	assert.Equal(t, p.R2, p.Duration(tcp.R2Timer, tcp.FinWait1, 0), "a FIN_WAIT_1 after shutdown(): tcp_retries2")
	assert.Equal(t, 102200*time.Millisecond, p.Duration(tcp.R2Timer, tcp.FinWait1, tcp.SocketOrphan), "an orphan's FIN_WAIT_1: tcp_orphan_retries, 8 while alive")
	assert.Equal(t, p.R2Orphan, p.Duration(tcp.R2Timer, tcp.LastAck, tcp.SocketOrphan|tcp.SocketAsked))
	assert.Equal(t, tcp.BSD.R2, tcp.BSD.Duration(tcp.R2Timer, tcp.LastAck, tcp.SocketOrphan), "no r2_orphan: the timer's own")
	assert.Equal(t, p.TimeWait, p.Duration(tcp.TimeWaitTimer, tcp.TimeWait, tcp.SocketOrphan))
	assert.Equal(t, p.R2Orphan, p.Interval(tcp.R2Timer, tcp.Closing, tcp.SocketOrphan, 3), "an orphan's R2 neither doubles nor changes")
	assert.False(t, p.Runs(tcp.FinWait2Timer, 0), "linux flushes only an orphaned FIN_WAIT_2")
	assert.True(t, p.Runs(tcp.FinWait2Timer, tcp.SocketOrphan))
	assert.True(t, tcp.Windows.Runs(tcp.FinWait2Timer, 0), "windows flushes a held one too")
	assert.False(t, tcp.RFC9293.Runs(tcp.FinWait2Timer, tcp.SocketOrphan), "RFC 9293 has no flush")
	assert.False(t, p.Runs(tcp.KeepaliveTimer, tcp.SocketOrphan), "keep-alive is off unless asked")
	assert.True(t, p.Runs(tcp.KeepaliveTimer, tcp.SocketAsked))
	assert.Equal(t, 4*p.Retransmission, p.Interval(tcp.RetransmissionTimer, tcp.FinWait1, 0, 2), "the RTO doubles at each expiry")
	assert.Equal(t, p.Retransmission, p.Interval(tcp.RetransmissionTimer, tcp.FinWait1, 0, 0))
	assert.Equal(t, p.KeepaliveInterval, p.Interval(tcp.KeepaliveTimer, tcp.Established, tcp.SocketAsked, 3), "probes after the first come at keepalive_interval")
	assert.Equal(t, tcp.RFC9293.Keepalive, tcp.RFC9293.Interval(tcp.KeepaliveTimer, tcp.Established, tcp.SocketAsked, 1), "no keepalive_interval: the timer's own")
	assert.Equal(t, p.TimeWait, p.Interval(tcp.TimeWaitTimer, tcp.TimeWait, tcp.SocketOrphan, 5), "time_wait neither doubles nor changes")
	assert.Positive(t, p.Interval(tcp.RetransmissionTimer, tcp.FinWait1, 0, 1000), "no overflow")
}

// TestClassesAgreeWithTheTable: the spec's classes say what its table
// does. Every move that sends our FIN lands in sent_fin, every move the
// peer's FIN causes in received_fin, and a connection keeps a class once
// in it until it ends or a new incarnation begins.
func TestClassesAgreeWithTheTable(t *testing.T) {
	for sw := tcp.Switches(0); sw < tcp.NumSwitchSets; sw++ {
		for s := tcp.State(1); s < tcp.NumStates; s++ {
			for e := tcp.Event(1); e < tcp.NumEvents; e++ {
				tr, ok := tcp.StepWith(sw, s, e)
				require.True(t, ok)
				if tr.Verdict != tcp.Move || !tr.Next.Is(tcp.HasConnection) {
					continue
				}
				if tr.Actions.Has(tcp.SendFin) {
					assert.True(t, tr.Next.Is(tcp.SentFin), "%s --%s--> %s sends a FIN", s, e, tr.Next)
				}
				if (e == tcp.RcvFin || e == tcp.RcvFinAck) && s.Is(tcp.Synchronized) && tr.Next != s {
					assert.True(t, tr.Next.Is(tcp.ReceivedFin), "%s --%s--> %s takes the peer's FIN", s, e, tr.Next)
				}
				for _, c := range []tcp.Class{tcp.SentFin, tcp.ReceivedFin, tcp.Synchronized} {
					if s.Is(c) && tr.Next != tcp.SynSent && tr.Next != tcp.SynReceived { // not a new incarnation
						assert.True(t, tr.Next.Is(c), "%s --%s--> %s leaves %s", s, e, tr.Next, c)
					}
				}
				if tr.Next.Is(tcp.FinUnacked) {
					assert.True(t, tr.Next.Is(tcp.SentFin), "%s: a FIN not ACKed was sent", tr.Next)
				}
			}
		}
	}
}
