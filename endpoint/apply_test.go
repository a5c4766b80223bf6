package endpoint

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Join starts where the driver says, with no timer: the first transition
// that arms one does.
func TestJoin(t *testing.T) {
	clk := &fakeClock{now: time.Unix(100, 0)}
	e := Join(tcp.Linux, Options{}, clk.Now, tcp.TimeWait)
	assert.Equal(t, tcp.TimeWait, e.State())
	_, running := e.Next()
	assert.False(t, running, "nothing is known to have armed a timer")
	var out Output
	tr, ok := e.Apply(tcp.RcvFin, &out)
	require.True(t, ok)
	assert.Equal(t, tcp.TimeWait, tr.Next)
	d, running := e.Deadline(tcp.TimeWaitTimer)
	require.True(t, running, "a retransmitted FIN restarts time_wait")
	assert.Equal(t, tcp.Linux.TimeWait, d.Sub(clk.now))

	assert.Equal(t, tcp.Closed, Join(tcp.Linux, Options{}, clk.Now, 0).State(), "an invalid state is taken as CLOSED")
}

// Apply steps the event it is given as the table decides it: a move
// carries out its actions, a rejected call changes nothing and says why.
func TestApply(t *testing.T) {
	clk := &fakeClock{now: time.Unix(100, 0)}
	e := Join(tcp.Linux, Options{}, clk.Now, tcp.Established)
	var out Output
	want, _ := tcp.Linux.Step(tcp.Established, tcp.AppClose)
	tr, ok := e.Apply(tcp.AppClose, &out)
	require.True(t, ok)
	assert.Equal(t, want, tr)
	assert.Equal(t, tcp.FinWait1, e.State())
	require.Len(t, out.Segments(), 1)
	assert.Equal(t, FIN|ACK, out.Segments()[0].Flags)
	require.Len(t, out.Steps(), 1)
	assert.Equal(t, Step{Event: tcp.AppClose, From: tcp.Established, To: tcp.FinWait1, Verdict: tcp.Move, Rule: want.Rule}, out.Steps()[0])
	_, running := e.Deadline(tcp.RetransmissionTimer)
	assert.True(t, running, "the FIN is retransmitted until ACKed")

	tr, ok = e.Apply(tcp.AppOpenActive, &out)
	require.True(t, ok)
	assert.Equal(t, tcp.Reject, tr.Verdict)
	assert.ErrorIs(t, out.Err, ErrNoConnection)
	assert.Equal(t, tcp.FinWait1, e.State())
	assert.Empty(t, out.Segments())

	_, ok = e.Apply(0, &out)
	assert.False(t, ok, "an invalid event")
	assert.Equal(t, tcp.FinWait1, e.State())
}

// A timer's expiry applied is that timer firing: it cannot fire unless it
// runs, and when it does the expiry counts, so the RTO backs off as under
// Advance.
func TestApplyExpiry(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	e := New(tcp.Linux, Options{}, clk.Now)
	var out Output
	_, ok := e.Apply(tcp.TimeWaitTimer.Expiry(), &out)
	assert.False(t, ok, "time_wait is not running")
	assert.Empty(t, out.Steps())

	require.NoError(t, e.Connect(&out))
	d, _ := e.Deadline(tcp.RetransmissionTimer)
	clk.now = d
	tr, ok := e.Apply(tcp.RetransmissionTimer.Expiry(), &out)
	require.True(t, ok)
	assert.Equal(t, tcp.SynSent, tr.Next)
	require.Len(t, out.Segments(), 1)
	assert.Equal(t, SYN, out.Segments()[0].Flags, "the SYN is resent")
	d, _ = e.Deadline(tcp.RetransmissionTimer)
	assert.Equal(t, 2*tcp.Linux.Retransmission, d.Sub(clk.now), "backed off")
}

// A held socket is no orphan whatever its application calls, so under
// linux its FIN_WAIT_2 waits for the peer, while a profile that flushes
// held sockets still flushes it.
func TestHeldSocket(t *testing.T) {
	for _, c := range []struct {
		p      tcp.Profile
		flushd bool
	}{{tcp.Linux, false}, {tcp.Windows, true}} {
		t.Run(c.p.Name, func(t *testing.T) {
			clk := &fakeClock{now: time.Unix(0, 0)}
			e := Join(c.p, Options{Held: true}, clk.Now, tcp.Established)
			var out Output
			require.NoError(t, e.Close(&out))
			assert.False(t, e.Vars().Orphan)
			_, ok := e.Apply(tcp.RcvAckOfFin, &out)
			require.True(t, ok)
			require.Equal(t, tcp.FinWait2, e.State())
			_, running := e.Deadline(tcp.FinWait2Timer)
			assert.Equal(t, c.flushd, running)
		})
	}
}

// Apply allocates nothing, like the rest of the steady path.
func TestApplyDoesNotAllocate(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	e := Join(tcp.Linux, Options{Held: true}, clk.Now, tcp.Established)
	var out Output
	allocs := testing.AllocsPerRun(50, func() {
		e.Apply(tcp.AppClose, &out)
		e.Apply(tcp.RcvAckOfFin, &out)
		e.Apply(tcp.RcvFin, &out)
		d, _ := e.Deadline(tcp.TimeWaitTimer)
		clk.now = d
		e.Apply(tcp.TimeWaitTimer.Expiry(), &out)
		e.Apply(tcp.AppOpenPassive, &out)
		e.Apply(tcp.RcvSyn, &out)
		e.Apply(tcp.RcvAck, &out)
	})
	assert.Zero(t, allocs)
	assert.Equal(t, tcp.Established, e.State())
}
