package endpoint

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

// pair connects a client and a server under profile p and returns them
// established, with the clock they share.
func pair(t testing.TB, p tcp.Profile) (client, server *Endpoint, clk *fakeClock) {
	clk = &fakeClock{now: time.Unix(100, 0)}
	client = New(p, Options{}, clk.Now)
	server = New(p, Options{}, clk.Now)
	client.SetISS(1000)
	server.SetISS(5000)
	var out Output
	require.NoError(t, server.Listen(&out))
	require.NoError(t, client.Connect(&out))
	wire(client, server, &out)
	require.Equal(t, tcp.Established, client.State())
	require.Equal(t, tcp.Established, server.State())
	return client, server, clk
}

// wire delivers out's segments from one endpoint to the other, and the
// answers back, until nothing more is sent.
func wire(from, to *Endpoint, out *Output) {
	var reply Output
	segs := out.segments
	for _, s := range segs[:out.nSegments] {
		to.Receive(s, &reply)
		wire(to, from, &reply)
	}
}

func TestConnectArmsR2WithR2Syn(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	e := New(tcp.Linux, Options{}, clk.Now)
	var out Output
	require.NoError(t, e.Connect(&out))
	require.Len(t, out.Segments(), 1)
	assert.Equal(t, SYN, out.Segments()[0].Flags)
	d, ok := e.Deadline(tcp.R2Timer)
	require.True(t, ok)
	assert.Equal(t, tcp.Linux.R2Syn, d.Sub(clk.now), "R2 in SYN_SENT is r2_syn")
	// The RTO backs off: 1 s, then 2 s.
	d, _ = e.Deadline(tcp.RetransmissionTimer)
	clk.now = d
	e.Advance(clk.now, &out)
	require.Len(t, out.Segments(), 1)
	assert.Equal(t, SYN, out.Segments()[0].Flags)
	d2, _ := e.Deadline(tcp.RetransmissionTimer)
	assert.Equal(t, 2*tcp.Linux.Retransmission, d2.Sub(clk.now))
	// R2 gives up.
	d, _ = e.Deadline(tcp.R2Timer)
	clk.now = d
	e.Advance(clk.now, &out)
	assert.Equal(t, tcp.Closed, e.State())
	assert.True(t, out.Signals.Has(tcp.TellTimedOut))
	_, running := e.Next()
	assert.False(t, running, "no timer outlives the connection")
}

func TestRefusedAndRejectedCalls(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	e := New(tcp.Linux, Options{}, clk.Now)
	var out Output
	assert.ErrorIs(t, e.Close(&out), ErrNoConnection)
	assert.Empty(t, out.Segments())
	require.NoError(t, e.Connect(&out))
	syn := out.Segments()[0]
	e.Receive(Segment{Flags: RST | ACK, Ack: syn.Seq + 1}, &out)
	assert.Equal(t, tcp.Closed, e.State())
	assert.True(t, out.Signals.Has(tcp.TellRefused))
}

func TestClosedAnswersWithReset(t *testing.T) {
	e := New(tcp.Linux, Options{}, time.Now)
	var out Output
	e.Receive(Segment{Flags: ACK, Seq: 7, Ack: 99}, &out)
	require.Len(t, out.Segments(), 1)
	assert.Equal(t, Segment{Flags: RST, Seq: 99}, out.Segments()[0])
	e.Receive(Segment{Flags: SYN, Seq: 7}, &out)
	assert.Equal(t, Segment{Flags: RST | ACK, Ack: 8}, out.Segments()[0])
}

func TestFinWait2FlushOnlyForAnOrphan(t *testing.T) {
	for _, c := range []struct {
		name   string
		p      tcp.Profile
		close  func(e *Endpoint, out *Output) error
		flushd bool
	}{
		{"close orphans", tcp.Linux, (*Endpoint).Close, true},
		{"shutdown holds", tcp.Linux, (*Endpoint).Shutdown, false},
		{"shutdown under flush_held_fin_wait_2", tcp.Windows, (*Endpoint).Shutdown, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, server, clk := pair(t, c.p)
			var out Output
			require.NoError(t, c.close(client, &out))
			wire(client, server, &out)
			require.Equal(t, tcp.FinWait2, client.State())
			require.Equal(t, tcp.CloseWait, server.State())
			d, ok := client.Deadline(tcp.FinWait2Timer)
			require.Equal(t, c.flushd, ok)
			if ok {
				assert.Equal(t, c.p.FinWait2, d.Sub(clk.now))
				client.Advance(d, &out)
				assert.Equal(t, tcp.Closed, client.State())
			}
		})
	}
}

// TestOrphanGivesUpSooner: a FIN that goes unanswered is resent until R2
// gives up, which under linux is tcp_orphan_retries (r2_orphan) for a
// socket the application closed, and tcp_retries2 (r2) for one it still
// holds after shutdown().
func TestOrphanGivesUpSooner(t *testing.T) {
	for _, c := range []struct {
		name  string
		p     tcp.Profile
		close func(e *Endpoint, out *Output) error
		r2    time.Duration
	}{
		{"close orphans", tcp.Linux, (*Endpoint).Close, tcp.Linux.R2Orphan},
		{"shutdown holds", tcp.Linux, (*Endpoint).Shutdown, tcp.Linux.R2},
		{"no r2_orphan", tcp.BSD, (*Endpoint).Close, tcp.BSD.R2},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, _, clk := pair(t, c.p)
			var out Output
			require.NoError(t, c.close(client, &out)) // the FIN is lost: nothing reaches the server
			require.Equal(t, tcp.FinWait1, client.State())
			d, ok := client.Deadline(tcp.R2Timer)
			require.True(t, ok)
			assert.Equal(t, c.r2, d.Sub(clk.now))
			clk.now = d
			client.Advance(d, &out)
			assert.Equal(t, tcp.Closed, client.State())
			assert.True(t, out.Signals.Has(tcp.TellTimedOut))
		})
	}
	assert.Less(t, tcp.Linux.R2Orphan, tcp.Linux.R2)
}

func TestRetransmittedFINRestartsTimeWait(t *testing.T) {
	client, server, clk := pair(t, tcp.Linux)
	var out Output
	require.NoError(t, client.Close(&out))
	wire(client, server, &out)
	require.NoError(t, server.Close(&out))
	fin := out.Segments()[0]
	client.Receive(fin, &out) // the final ACK is lost
	require.Equal(t, tcp.TimeWait, client.State())
	clk.now = clk.now.Add(30 * time.Second)
	client.Receive(fin, &out)
	require.Len(t, out.Segments(), 1)
	assert.Equal(t, Segment{Flags: ACK, Seq: 1002, Ack: 5002, Window: 65535}, out.Segments()[0])
	d, _ := client.Deadline(tcp.TimeWaitTimer)
	assert.Equal(t, tcp.Linux.TimeWait, d.Sub(clk.now), "restarted by the retransmitted FIN")
	require.Len(t, out.Steps(), 1)
	assert.Equal(t, "rcv FIN_ACK", out.Steps()[0].Event.String())
}

// cycle closes an established pair (the client first, as RFC 9293
// Figure 12), lets TIME_WAIT end, and connects them again: the steady path
// of a connection's life, segment by segment.
func cycle(client, server *Endpoint, out, reply *Output) {
	client.Close(out)
	server.Receive(out.segments[0], reply)
	client.Receive(reply.segments[0], out)
	server.Close(reply)
	client.Receive(reply.segments[0], out)
	server.Receive(out.segments[0], reply)
	d, _ := client.Deadline(tcp.TimeWaitTimer)
	client.Advance(d, out)
	server.Listen(reply)
	client.Connect(out)
	server.Receive(out.segments[0], reply)
	client.Receive(reply.segments[0], out)
	server.Receive(out.segments[0], reply)
}

// The steady path of a connection's close allocates nothing.
func TestClosePathDoesNotAllocate(t *testing.T) {
	client, server, _ := pair(t, tcp.Linux)
	var out, reply Output
	allocs := testing.AllocsPerRun(50, func() { cycle(client, server, &out, &reply) })
	assert.Zero(t, allocs)
	assert.Equal(t, tcp.Established, client.State())
	assert.Equal(t, tcp.Established, server.State())
}

// Keep-alive runs only when asked; after the first probe the next comes
// after keepalive_interval, and an answer starts the idle time again.
func TestKeepAliveProbes(t *testing.T) {
	clk := &fakeClock{now: time.Unix(100, 0)}
	client := New(tcp.Linux, Options{KeepAlive: true}, clk.Now)
	server := New(tcp.Linux, Options{}, clk.Now)
	var out Output
	require.NoError(t, server.Listen(&out))
	require.NoError(t, client.Connect(&out))
	wire(client, server, &out)
	require.Equal(t, tcp.Established, client.State())
	_, held := server.Deadline(tcp.KeepaliveTimer)
	assert.False(t, held, "no keep-alive unless asked")
	d, ok := client.Deadline(tcp.KeepaliveTimer)
	require.True(t, ok)
	assert.Equal(t, tcp.Linux.Keepalive, d.Sub(clk.now))

	clk.now = d
	client.Advance(clk.now, &out)
	require.Len(t, out.Segments(), 1)
	probe := out.Segments()[0]
	assert.Equal(t, client.Vars().SndUna-1, probe.Seq, "a probe lies below SND.UNA")
	d, _ = client.Deadline(tcp.KeepaliveTimer)
	assert.Equal(t, tcp.Linux.KeepaliveInterval, d.Sub(clk.now), "the next probe after keepalive_interval")
	r2, ok := client.Deadline(tcp.R2Timer)
	require.True(t, ok, "R2 runs while probes go unanswered")
	assert.Equal(t, tcp.Linux.R2, r2.Sub(clk.now))

	var reply Output
	server.Receive(probe, &reply)
	require.Len(t, reply.Segments(), 1, "the peer ACKs the probe")
	client.Receive(reply.Segments()[0], &out)
	d, _ = client.Deadline(tcp.KeepaliveTimer)
	assert.Equal(t, tcp.Linux.Keepalive, d.Sub(clk.now), "an answer restarts the idle time")
	_, ok = client.Deadline(tcp.R2Timer)
	assert.False(t, ok)
}

// Both sides close at once: the FINs cross, each side passes CLOSING and
// ends in TIME_WAIT (RFC 9293 Figure 13).
func TestSimultaneousClose(t *testing.T) {
	client, server, _ := pair(t, tcp.Linux)
	var a, b, ra, rb Output
	require.NoError(t, client.Close(&a))
	require.NoError(t, server.Close(&b))
	require.Equal(t, tcp.FinWait1, client.State())
	require.Equal(t, tcp.FinWait1, server.State())
	server.Receive(a.Segments()[0], &rb)
	client.Receive(b.Segments()[0], &ra)
	assert.Equal(t, tcp.Closing, client.State())
	assert.Equal(t, tcp.Closing, server.State())
	client.Receive(rb.Segments()[0], &a)
	server.Receive(ra.Segments()[0], &b)
	assert.Equal(t, tcp.TimeWait, client.State())
	assert.Equal(t, tcp.TimeWait, server.State())
}

// An abort sends a RST at exactly RCV.NXT, which even an RFC 5961 peer
// takes: the peer is reset, with no TIME_WAIT on either side.
func TestAbortResetsThePeer(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	client := New(tcp.Linux, Options{}, clk.Now)
	server := New(tcp.Linux, Options{}, clk.Now)
	var out, reply Output
	require.NoError(t, server.Listen(&out))
	require.NoError(t, client.Connect(&out))
	wire(client, server, &out)
	require.NoError(t, client.Abort(&out))
	assert.Equal(t, tcp.Closed, client.State())
	require.Len(t, out.Segments(), 1)
	assert.True(t, out.Segments()[0].Flags.Has(RST))
	server.Receive(out.Segments()[0], &reply)
	assert.Equal(t, tcp.Closed, server.State())
	assert.True(t, reply.Signals.Has(tcp.TellReset))

	// A RST in the window but not at RCV.NXT draws a challenge ACK under
	// linux (rfc5961 on), and resets under solaris (off).
	client, _, _ = pair(t, tcp.Linux)
	v := client.Vars()
	client.Receive(Segment{Flags: RST, Seq: v.RcvNxt + 10}, &out)
	assert.Equal(t, tcp.Established, client.State())
	require.Len(t, out.Segments(), 1)
	assert.Equal(t, ACK, out.Segments()[0].Flags)
	client, _, _ = pair(t, tcp.Solaris)
	v = client.Vars()
	client.Receive(Segment{Flags: RST, Seq: v.RcvNxt + 10}, &out)
	assert.Equal(t, tcp.Closed, client.State())
	assert.True(t, out.Signals.Has(tcp.TellReset))
}

// Under linux a SYN above the old connection's sequence numbers reopens
// TIME_WAIT into SYN_RECEIVED (syn_reopens_time_wait) with a new ISS.
func TestSynReopensTimeWait(t *testing.T) {
	client, server, clk := pair(t, tcp.Linux)
	var out, reply Output
	require.NoError(t, server.Close(&out))
	wire(server, client, &out)
	require.NoError(t, client.Close(&out))
	wire(client, server, &out)
	require.Equal(t, tcp.TimeWait, server.State())
	v := server.Vars()
	clk.now = clk.now.Add(time.Second)
	server.Receive(Segment{Flags: SYN, Seq: v.RcvNxt + 100000}, &reply)
	assert.Equal(t, tcp.SynReceived, server.State())
	require.Len(t, reply.Segments(), 1)
	synAck := reply.Segments()[0]
	assert.Equal(t, SYN|ACK, synAck.Flags)
	assert.Equal(t, v.RcvNxt+100001, synAck.Ack)
	_, running := server.Deadline(tcp.TimeWaitTimer)
	assert.False(t, running, "time_wait stopped")
	d, _ := server.Deadline(tcp.R2Timer)
	assert.Equal(t, tcp.Linux.R2Synack, d.Sub(clk.now), "R2 for the new SYN,ACK is r2_synack")
}
