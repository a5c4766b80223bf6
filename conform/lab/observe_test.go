package lab

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

const ms = time.Millisecond

func sock(side conform.Side, st tcp.State, tr int, left time.Duration) procSocket {
	s := procSocket{LocalPort: clientPortT, RemotePort: serverPortT, State: st, Timer: tr, TimerLeft: left}
	if side == conform.Server {
		s.LocalPort, s.RemotePort = serverPortT, clientPortT
	}
	return s
}

const clientPortT, serverPortT = 40000, 12345

func lines(t *testing.T, events []conform.Event) string {
	t.Helper()
	tr := &conform.Trace{Scenario: "x", Events: events}
	var b strings.Builder
	require.NoError(t, tr.Write(&b))
	return strings.TrimPrefix(b.String(), "# scenario x\n")
}

// TestObserve checks what a sequence of /proc readings turns into: state
// events on change, CLOSED when a socket goes, timers on a change of kind,
// on a change of state and on a restart, the listener ignored, a live
// socket preferred to a TIME_WAIT on the same 4-tuple, and the final
// reading repeating the states that still hold.
func TestObserve(t *testing.T) {
	r := newRecorder(time.Now(), clientPortT, serverPortT)
	listener := procSocket{LocalPort: serverPortT, State: tcp.Listen}
	r.observe(1*ms, []procSocket{listener, sock(conform.Client, tcp.Established, 0, 0), sock(conform.Server, tcp.Established, 0, 0)}, false)
	r.observe(2*ms, []procSocket{listener, sock(conform.Client, tcp.Established, 0, 0), sock(conform.Server, tcp.Established, 0, 0)}, false)
	r.observe(3*ms, []procSocket{sock(conform.Client, tcp.FinWait1, 1, 200*ms), sock(conform.Server, tcp.CloseWait, 0, 0)}, false)
	r.observe(4*ms, []procSocket{sock(conform.Client, tcp.FinWait2, 3, 60*time.Second), sock(conform.Server, tcp.CloseWait, 0, 0)}, false)
	r.observe(5*ms, []procSocket{sock(conform.Client, tcp.TimeWait, 3, 59990*ms)}, false)
	r.observe(6*ms, []procSocket{sock(conform.Client, tcp.TimeWait, 3, 59500*ms)}, false)
	r.observe(7*ms, []procSocket{sock(conform.Client, tcp.TimeWait, 3, 60000*ms)}, false) // restarted
	r.observe(8*ms, []procSocket{sock(conform.Client, tcp.TimeWait, 3, 59990*ms), sock(conform.Client, tcp.SynSent, 1, time.Second)}, false)
	r.observe(9*ms, []procSocket{sock(conform.Client, tcp.Established, 0, 0)}, false)
	r.observe(10*ms, []procSocket{sock(conform.Client, tcp.Established, 0, 0)}, true)
	events, err := r.trace()
	require.NoError(t, err)
	assert.Equal(t, `0.001000 client state ESTABLISHED
0.001000 server state ESTABLISHED
0.003000 client state FIN_WAIT_1
0.003000 client timer retransmit left=0.200
0.003000 server state CLOSE_WAIT
0.004000 client state FIN_WAIT_2
0.004000 client timer timewait left=60.000
0.005000 client state TIME_WAIT
0.005000 client timer timewait left=59.990
0.005000 server state CLOSED
0.007000 client timer timewait left=60.000
0.008000 client state SYN_SENT
0.008000 client timer retransmit left=1.000
0.009000 client state ESTABLISHED
0.010000 client state ESTABLISHED
`, lines(t, events))
}

// TestTraceSegments checks the send events: sequence numbers relative to
// the ISNs of the SYN and SYN,ACK (across the wrap of 32 bits), ack zero
// without the ACK flag, a later incarnation starting again from 0, and
// everything merged with the other events in time order.
func TestTraceSegments(t *testing.T) {
	r := newRecorder(time.Now(), clientPortT, serverPortT)
	var cisn, sisn uint32 = 0xfffffff0, 5000
	r.captured(segment{at: 1 * ms, side: conform.Client, syn: true, seq: cisn})
	r.captured(segment{at: 2 * ms, side: conform.Server, syn: true, ack: true, seq: sisn, ackNum: cisn + 1})
	r.captured(segment{at: 3 * ms, side: conform.Client, ack: true, seq: cisn + 1, ackNum: sisn + 1, len: 100})
	r.captured(segment{at: 5 * ms, side: conform.Client, fin: true, ack: true, seq: cisn + 101, ackNum: sisn + 1})
	r.captured(segment{at: 6 * ms, side: conform.Server, rst: true, seq: sisn + 1})
	r.captured(segment{at: 7 * ms, side: conform.Client, syn: true, seq: cisn + 70000})
	r.call(conform.Client, conform.Close)
	r.events[0].At = 4 * ms
	r.observe(8*ms, []procSocket{sock(conform.Client, tcp.SynSent, 0, 0)}, false)

	next, ok := r.nextSeq(conform.Client)
	assert.True(t, ok)
	assert.Equal(t, cisn+70001, next)
	next, ok = r.nextSeq(conform.Server)
	assert.True(t, ok)
	assert.Equal(t, sisn+1, next, "a RST takes no sequence space")
	r.captured(segment{at: 9 * ms, side: conform.Server, syn: true, ack: true, seq: sisn - 10, ackNum: cisn + 70001})
	next, _ = r.nextSeq(conform.Server)
	assert.Equal(t, sisn-9, next, "a new incarnation starts from its SYN")
	syn, ok := r.lastSYN(conform.Client)
	assert.True(t, ok)
	assert.Equal(t, cisn+70000, syn)

	events, err := r.trace()
	require.NoError(t, err)
	assert.Equal(t, `0.001000 client send SYN seq=0 ack=0 len=0
0.002000 server send SYN,ACK seq=0 ack=1 len=0
0.003000 client send ACK seq=1 ack=1 len=100
0.004000 client call close
0.005000 client send FIN,ACK seq=101 ack=1 len=0
0.006000 server send RST seq=1 ack=0 len=0
0.007000 client send SYN seq=0 ack=0 len=0
0.008000 client state SYN_SENT
0.009000 server send SYN,ACK seq=0 ack=1 len=0
`, lines(t, events))

	// A segment whose ISNs were never seen cannot be made relative.
	r = newRecorder(time.Now(), clientPortT, serverPortT)
	r.captured(segment{at: 1 * ms, side: conform.Client, ack: true, seq: 1, ackNum: 1})
	_, err = r.trace()
	assert.ErrorContains(t, err, "missed the SYN")
}

func TestSideOf(t *testing.T) {
	r := newRecorder(time.Now(), clientPortT, serverPortT)
	s, ok := r.sideOf(clientPortT, serverPortT)
	assert.True(t, ok)
	assert.Equal(t, conform.Client, s)
	s, ok = r.sideOf(serverPortT, clientPortT)
	assert.True(t, ok)
	assert.Equal(t, conform.Server, s)
	_, ok = r.sideOf(serverPortT, 0)
	assert.False(t, ok, "the listener is no side")
}
