package conform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// These traces are written by hand after the facts of LINUX.md, to test
// the verifier on paths whose verdict is known; traces recorded from a
// kernel are replayed in replay_test.go.
const activeClose = `# scenario active-close
0.000000 server call listen
0.001000 client call connect
0.001100 client send SYN seq=0 ack=0 len=0
0.001150 client state SYN_SENT
0.001200 server send SYN,ACK seq=0 ack=1 len=0
0.001300 client send ACK seq=1 ack=1 len=0
0.001400 client state ESTABLISHED
0.001400 server state ESTABLISHED
0.002000 client send ACK seq=1 ack=1 len=5
0.002100 server send ACK seq=1 ack=6 len=0
0.003000 client call close
0.003100 client send FIN,ACK seq=6 ack=1 len=0
0.003200 server send ACK seq=1 ack=7 len=0
0.003300 client state FIN_WAIT_2
0.003300 server state CLOSE_WAIT
0.004000 server call close
0.004100 server send FIN,ACK seq=1 ack=7 len=0
0.004150 server state LAST_ACK
0.004200 client send ACK seq=7 ack=2 len=0
0.004300 client state TIME_WAIT
0.004300 client timer timewait left=59.990
0.004400 server state CLOSED
0.100000 client state TIME_WAIT
`

func parse(t *testing.T, text string) *Trace {
	t.Helper()
	tr, err := Read("test.trace", strings.NewReader(text))
	require.NoError(t, err)
	return tr
}

func verdicts(t *testing.T, text string, table Table) []Verdict {
	t.Helper()
	tr := parse(t, text)
	p, err := Profile(tr)
	require.NoError(t, err)
	return Verify(tr, p, table)
}

func TestActiveCloseAccepted(t *testing.T) {
	v := verdicts(t, activeClose, tcp.StepWith)
	for _, x := range v {
		assert.True(t, x.Accepted(), x.String())
	}
	assert.Equal(t, []tcp.State{tcp.SynSent, tcp.Established, tcp.FinWait2, tcp.TimeWait}, v[0].Observed)
	assert.Equal(t, []string{
		"CLOSED --app OPEN_ACTIVE--> SYN_SENT",
		"SYN_SENT --rcv SYN_ACK--> ESTABLISHED",
		"ESTABLISHED --app CLOSE--> FIN_WAIT_1",
		"FIN_WAIT_1 --rcv ACK_OF_FIN--> FIN_WAIT_2",
		"FIN_WAIT_2 --rcv FIN_ACK--> TIME_WAIT",
	}, v[0].Path)
	assert.Equal(t, []string{
		"CLOSED --app OPEN_PASSIVE--> LISTEN",
		"LISTEN --rcv SYN--> SYN_RECEIVED",
		"SYN_RECEIVED --rcv ACK--> ESTABLISHED",
		"ESTABLISHED --rcv FIN--> CLOSE_WAIT",
		"CLOSE_WAIT --app CLOSE--> LAST_ACK",
		"LAST_ACK --rcv ACK_OF_FIN--> CLOSED",
	}, v[1].Path)
}

func TestTraceRoundTrip(t *testing.T) {
	tr := parse(t, activeClose)
	var b strings.Builder
	require.NoError(t, tr.Write(&b))
	assert.Equal(t, activeClose, b.String())
}

func TestReadErrors(t *testing.T) {
	for text, want := range map[string]string{
		"0.1 client call connect\n":                             "no \"# scenario NAME\" line",
		"# scenario x\n0.1 alice call connect\n":                "test.trace:2: side \"alice\"",
		"# scenario x\n0.1 client call fly\n":                   "test.trace:2: unknown call \"fly\"",
		"# scenario x\n0.1 client state FIN_WAIT1\n":            "test.trace:2: unknown state \"FIN_WAIT1\"",
		"# scenario x\n0.1 client send XYZ seq=0 ack=0 len=0\n": "test.trace:2: unknown flag \"XYZ\"",
		"# scenario x\n-1 client call connect\n":                "test.trace:2: bad time",
		"# scenario x\n0.1 client\n":                            "test.trace:2: want: seconds side kind details",
	} {
		_, err := Read("test.trace", strings.NewReader(text))
		if assert.Error(t, err, text) {
			assert.Contains(t, err.Error(), want, text)
		}
	}
}

// handshake opens the connection of the traces below: the server listens,
// the client connects, and both reach ESTABLISHED.
const handshake = `0.000000 server call listen
0.001000 client call connect
0.001100 client send SYN seq=0 ack=0 len=0
0.001200 server send SYN,ACK seq=0 ack=1 len=0
0.001300 client send ACK seq=1 ack=1 len=0
0.001400 client state ESTABLISHED
0.001400 server state ESTABLISHED
`

// The final ACK is lost: LAST_ACK retransmits its FIN, TIME_WAIT ACKs it
// again and restarts.
const lostFinalAck = `# scenario lost-final-ack
` + handshake + `0.003000 client call close
0.003100 client send FIN,ACK seq=1 ack=1 len=0
0.003200 server send ACK seq=1 ack=2 len=0
0.003300 client state FIN_WAIT_2
0.003300 server state CLOSE_WAIT
0.004000 server call close
0.004100 server send FIN,ACK seq=1 ack=2 len=0
0.004150 server state LAST_ACK
0.004300 client state TIME_WAIT
0.204100 server send FIN,ACK seq=1 ack=2 len=0
0.204200 client send ACK seq=2 ack=2 len=0
0.204300 server state CLOSED
`

func TestLostFinalAckAccepted(t *testing.T) {
	for _, x := range verdicts(t, lostFinalAck, tcp.StepWith) {
		assert.True(t, x.Accepted(), x.String())
	}
}

// An in-window RST reaches TIME_WAIT.
func rstInTimeWait(rfc1337 string, gone bool) string {
	s := `# scenario rst-in-time-wait
# sysctl net.ipv4.tcp_rfc1337=` + rfc1337 + `
` + handshake + `0.003000 client call close
0.003100 client send FIN,ACK seq=1 ack=1 len=0
0.003200 server send ACK seq=1 ack=2 len=0
0.004000 server call close
0.004100 server send FIN,ACK seq=1 ack=2 len=0
0.004200 client send ACK seq=2 ack=2 len=0
0.004300 client state TIME_WAIT
0.004400 server state CLOSED
0.100000 server send RST seq=2 ack=0 len=0
`
	if gone {
		return s + "0.100100 client state CLOSED\n"
	}
	return s + "0.300000 client state TIME_WAIT\n"
}

func TestRSTInTimeWait(t *testing.T) {
	// tcp_rfc1337=0: the RST kills TIME_WAIT; =1: it is ignored.
	for _, x := range verdicts(t, rstInTimeWait("0", true), tcp.StepWith) {
		assert.True(t, x.Accepted(), x.String())
	}
	for _, x := range verdicts(t, rstInTimeWait("1", false), tcp.StepWith) {
		assert.True(t, x.Accepted(), x.String())
	}
	// The kernel that keeps TIME_WAIT under tcp_rfc1337=0 is not the table's.
	v := verdicts(t, rstInTimeWait("0", false), tcp.StepWith)
	assert.False(t, v[0].Accepted(), v[0].String())
}

// mutant returns the table with one cell changed.
func mutant(s tcp.State, e tcp.Event, next tcp.State, verdict tcp.Verdict) Table {
	return func(sw tcp.Switches, st tcp.State, ev tcp.Event) (tcp.Transition, bool) {
		t, ok := tcp.StepWith(sw, st, ev)
		if st == s && ev == e {
			t.Next, t.Verdict, t.Actions = next, verdict, 0
		}
		return t, ok
	}
}

// TestMutantsRejected: a linux profile that ignores RST in TIME_WAIT while
// tcp_rfc1337=0, or keeps an orphaned FIN_WAIT_2 past its flush, is
// rejected by the traces.
func TestMutantsRejected(t *testing.T) {
	v := verdicts(t, rstInTimeWait("0", true), mutant(tcp.TimeWait, tcp.RcvRst, tcp.TimeWait, tcp.Ignore))
	assert.False(t, v[0].Accepted(), "RST ignored in TIME_WAIT under tcp_rfc1337=0 must be rejected")
	assert.Contains(t, strings.Join(v[0].Problems, " "), "the kernel showed client in CLOSED; by then the table can only stand in TIME_WAIT")

	v = verdicts(t, finWait2Flush, mutant(tcp.FinWait2, tcp.TimeoutFinWait2, tcp.FinWait2, tcp.Ignore))
	assert.False(t, v[0].Accepted(), "FIN_WAIT_2 with no flush must be rejected")
}

// The orphaned FIN_WAIT_2 is flushed by tcp_fin_timeout; the late FIN of
// the peer then draws a RST.
const finWait2Flush = `# scenario fin-wait-2-flush
# sysctl net.ipv4.tcp_fin_timeout=2
` + handshake + `0.003000 client call close
0.003100 client send FIN,ACK seq=1 ack=1 len=0
0.003200 server send ACK seq=1 ack=2 len=0
0.003300 client state FIN_WAIT_2
0.003300 client timer timewait left=2.000
0.003300 server state CLOSE_WAIT
2.010000 client state CLOSED
2.500000 server call close
2.500100 server send FIN,ACK seq=1 ack=2 len=0
2.500150 server state LAST_ACK
2.500200 client send RST seq=2 ack=0 len=0
2.500300 server state CLOSED
`

func TestFinWait2FlushAccepted(t *testing.T) {
	for _, x := range verdicts(t, finWait2Flush, tcp.StepWith) {
		assert.True(t, x.Accepted(), x.String())
	}
	// Flushed long before tcp_fin_timeout: not the table's timer.
	early := strings.Replace(finWait2Flush, "2.010000 client state CLOSED", "0.500000 client state CLOSED", 1)
	v := verdicts(t, early, tcp.StepWith)
	assert.False(t, v[0].Accepted(), v[0].String())
}

func TestTimerDisagreement(t *testing.T) {
	wrong := strings.Replace(activeClose, "left=59.990", "left=30.000", 1)
	v := verdicts(t, wrong, tcp.StepWith)
	require.False(t, v[0].Accepted())
	assert.Contains(t, v[0].Problems[0], "TIME_WAIT timer shows 30.0s left")
}

// An orphan whose FIN is never answered: Linux gives up after
// tcp_orphan_retries, about 102 s (r2_orphan), not tcp_retries2's 924.6 s.
const orphanGivesUp = `# scenario orphan-gives-up
` + handshake + `0.003000 client call close
0.003100 client send FIN,ACK seq=1 ack=1 len=0
0.003300 client state FIN_WAIT_1
0.210000 client send FIN,ACK seq=1 ack=1 len=0
102.300000 client state CLOSED
`

func TestOrphanGivesUpAccepted(t *testing.T) {
	v := verdicts(t, orphanGivesUp, tcp.StepWith)
	require.NotEmpty(t, v)
	assert.True(t, v[0].Accepted(), v[0].String())
	// Given up long before r2_orphan: not the table's timer.
	early := strings.Replace(orphanGivesUp, "102.300000 client state CLOSED", "50.000000 client state CLOSED", 1)
	v = verdicts(t, early, tcp.StepWith)
	require.NotEmpty(t, v)
	assert.False(t, v[0].Accepted(), v[0].String())
	// Orphaned after shutdown(): R2 was armed for a held socket, and the
	// runtime keeps the duration it was armed with (Linux would shorten it).
	held := strings.Replace(orphanGivesUp, "0.003000 client call close", "0.003000 client call shutdown\n0.004000 client call close", 1)
	v = verdicts(t, held, tcp.StepWith)
	require.NotEmpty(t, v)
	assert.False(t, v[0].Accepted(), "the table gives up only after r2: %s", v[0].String())
}
