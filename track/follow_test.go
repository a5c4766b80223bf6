package track

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

func followLinux(segs []Segment) *Report { return Follow(segs, tcp.Linux) }

// states is the side's states with the rule behind each, "STATE@LINE".
func states(s Side) []string {
	var out []string
	for _, m := range s.States {
		out = append(out, m.State+"@"+m.Rule)
	}
	return out
}

// rule is the spec line of the rule deciding event e in state s under
// the linux profile, as a report names it.
func rule(s tcp.State, e tcp.Event) string {
	tr, _ := tcp.Linux.Step(s, e)
	return tr.Rule.Spec()
}

// TestFollowClose: a whole connection, the client closing first: each
// side's timeline and the rule behind each move, times in seconds since
// the first packet.
func TestFollowClose(t *testing.T) {
	rep := follow(t, pcapOf(t, 1, 0, closeByClient()...))
	require.Len(t, rep.Connections, 1)
	c := rep.Connections[0]
	assert.Equal(t, cli, c.A)
	assert.Equal(t, srv, c.B)
	assert.Empty(t, c.Anomalies)
	assert.Equal(t, []string{
		"CLOSED@",
		"SYN_SENT@" + rule(tcp.Closed, tcp.AppOpenActive),
		"ESTABLISHED@" + rule(tcp.SynSent, tcp.RcvSynAck),
		"FIN_WAIT_1@" + rule(tcp.Established, tcp.AppClose),
		"FIN_WAIT_2@" + rule(tcp.FinWait1, tcp.RcvAckOfFin),
		"TIME_WAIT@" + rule(tcp.FinWait2, tcp.RcvFinAck),
	}, states(c.Sides[0]))
	assert.Equal(t, []string{
		"LISTEN@",
		"SYN_RECEIVED@" + rule(tcp.Listen, tcp.RcvSyn),
		"ESTABLISHED@" + rule(tcp.SynReceived, tcp.RcvAck),
		"CLOSE_WAIT@" + rule(tcp.Established, tcp.RcvFin),
		"LAST_ACK@" + rule(tcp.CloseWait, tcp.AppClose),
		"CLOSED@" + rule(tcp.LastAck, tcp.RcvAckOfFin),
	}, states(c.Sides[1]))
	assert.Equal(t, 0.010, c.Sides[0].States[3].T, "FIN_WAIT_1 from the FIN's time")
	assert.Equal(t, 0.021, c.Sides[1].States[5].T, "CLOSED from the last ACK's time")
	assert.Equal(t, "spec/tcp.fsm", c.Sides[0].States[1].Rule[:12])
}

// TestFollowTimeWaitEnds: TIME_WAIT runs out on the capture's clock (60 s
// under linux, 240 s under rfc9293), and a FIN resent after that is an
// anomaly.
func TestFollowTimeWaitEnds(t *testing.T) {
	ps := append(closeByClient(),
		pkt{at: 90 * time.Second, src: srv, dst: cli, flags: "FIN,ACK", seq: 5001, ack: 1102},
		pkt{at: 90*time.Second + time.Millisecond, src: cli, dst: srv, flags: "RST", seq: 1102})
	c := follow(t, pcapOf(t, 1, 0, ps...)).Connections[0]
	client := c.Sides[0].States
	last := client[len(client)-1]
	assert.Equal(t, "CLOSED", last.State)
	assert.Equal(t, rule(tcp.TimeWait, tcp.TimeoutTimeWait), last.Rule)
	assert.InDelta(t, 60.020, last.T, 1e-9, "60 s after the FIN that began TIME_WAIT")
	require.Len(t, c.Anomalies, 1)
	assert.Equal(t, cli, c.Anomalies[0].Side)
	assert.Contains(t, c.Anomalies[0].What, "FIN (packet 10) arrived after TIME_WAIT had ended")
	assert.InDelta(t, 90.0, c.Anomalies[0].T, 1e-9)

	segs := mustRead(t, pcapOf(t, 1, 0, ps...))
	c = Follow(segs, tcp.RFC9293).Connections[0]
	assert.Equal(t, "TIME_WAIT", c.Sides[0].States[len(c.Sides[0].States)-1].State, "rfc9293 holds TIME_WAIT 4 minutes")
	assert.Empty(t, c.Anomalies)
}

// TestFollowRstInTimeWait: a RST in the window reaching TIME_WAIT is an
// anomaly; linux lets it end TIME_WAIT (no rfc1337), bsd ignores it.
func TestFollowRstInTimeWait(t *testing.T) {
	ps := append(closeByClient(), pkt{at: time.Second, src: srv, dst: cli, flags: "RST", seq: 5002})
	segs := mustRead(t, pcapOf(t, 1, 0, ps...))
	c := Follow(segs, tcp.Linux).Connections[0]
	require.Len(t, c.Anomalies, 1)
	assert.Contains(t, c.Anomalies[0].What, "RST reached TIME_WAIT (packet 10)")
	client := c.Sides[0].States
	assert.Equal(t, "CLOSED@"+rule(tcp.TimeWait, tcp.RcvRst), states(c.Sides[0])[len(client)-1])

	c = Follow(segs, tcp.BSD).Connections[0]
	require.Len(t, c.Anomalies, 1)
	assert.Equal(t, "TIME_WAIT", c.Sides[0].States[len(c.Sides[0].States)-1].State, "bsd ignores it (RFC 1337)")
}

// TestFollowMidConnection: a capture that begins after the handshake
// shows both sides unknown until a FIN tells them.
func TestFollowMidConnection(t *testing.T) {
	ps := closeByClient()[3:]
	for i := range ps {
		ps[i].at -= 3 * time.Millisecond
	}
	c := follow(t, pcapOf(t, 1, 0, ps...)).Connections[0]
	assert.Equal(t, []string{"unknown@", "FIN_WAIT_1@" + rule(tcp.Established, tcp.AppClose), "FIN_WAIT_2@" + rule(tcp.FinWait1, tcp.RcvAckOfFin), "TIME_WAIT@" + rule(tcp.FinWait2, tcp.RcvFinAck)}, states(c.Sides[0]))
	assert.Equal(t, []string{"unknown@", "CLOSE_WAIT@" + rule(tcp.Established, tcp.RcvFin), "LAST_ACK@" + rule(tcp.CloseWait, tcp.AppClose), "CLOSED@" + rule(tcp.LastAck, tcp.RcvAckOfFin)}, states(c.Sides[1]))
	assert.Equal(t, []string{"FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}, c.Sides[0].Sequence(), "the unknown start is not a state")
	assert.Empty(t, c.Anomalies)
}

// TestFollowSimultaneousClose: the FINs cross; the capture shows the
// client's first, but the server's FIN does not ACK it, so the server
// closed before it took the client's FIN in: both sides go through
// CLOSING.
func TestFollowSimultaneousClose(t *testing.T) {
	ps := append(closeByClient()[:5],
		pkt{at: 10 * time.Millisecond, src: cli, dst: srv, flags: "FIN,ACK", seq: 1101, ack: 5001},
		pkt{at: 11 * time.Millisecond, src: srv, dst: cli, flags: "FIN,ACK", seq: 5001, ack: 1101},
		pkt{at: 12 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1102, ack: 5002},
		pkt{at: 13 * time.Millisecond, src: srv, dst: cli, flags: "ACK", seq: 5002, ack: 1102})
	c := follow(t, pcapOf(t, 1, 0, ps...)).Connections[0]
	want := []string{"FIN_WAIT_1", "CLOSING", "TIME_WAIT"}
	assert.Equal(t, want, c.Sides[0].Sequence()[3:])
	assert.Equal(t, want, c.Sides[1].Sequence()[3:])
}

// TestFollowDataAfterFin: data beyond the sender's own FIN is an anomaly.
func TestFollowDataAfterFin(t *testing.T) {
	ps := append(closeByClient()[:7],
		pkt{at: 15 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1102, ack: 5001, len: 10})
	c := follow(t, pcapOf(t, 1, 0, ps...)).Connections[0]
	require.NotEmpty(t, c.Anomalies)
	assert.Equal(t, cli, c.Anomalies[0].Side)
	assert.Contains(t, c.Anomalies[0].What, "data after its own FIN (packet 8")
}

// TestFollowIncarnations: a new SYN from the same port after the close
// starts incarnation 2; an ACK of incarnation 1 that arrives in it is an
// old duplicate. The server's TIME_WAIT (it closed first) is reopened by
// the higher SYN under linux, not under rfc9293.
func TestFollowIncarnations(t *testing.T) {
	first := []pkt{
		{at: 0, src: cli, dst: srv, flags: "SYN", seq: 1000},
		{at: 1 * time.Millisecond, src: srv, dst: cli, flags: "SYN,ACK", seq: 5000, ack: 1001},
		{at: 2 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1001, ack: 5001},
		{at: 3 * time.Millisecond, src: srv, dst: cli, flags: "FIN,ACK", seq: 5001, ack: 1001},
		{at: 4 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1001, ack: 5002},
		{at: 5 * time.Millisecond, src: cli, dst: srv, flags: "FIN,ACK", seq: 1001, ack: 5002},
		{at: 6 * time.Millisecond, src: srv, dst: cli, flags: "ACK", seq: 5002, ack: 1002},
	}
	second := []pkt{
		{at: 10 * time.Millisecond, src: cli, dst: srv, flags: "SYN", seq: 90000},
		{at: 11 * time.Millisecond, src: srv, dst: cli, flags: "SYN,ACK", seq: 70000, ack: 90001},
		{at: 12 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 90001, ack: 70001},
		{at: 13 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1002, ack: 5002}, // incarnation 1's
	}
	segs := mustRead(t, pcapOf(t, 1, 0, append(first, second...)...))
	rep := Follow(segs, tcp.Linux)
	require.Len(t, rep.Connections, 2)
	one, two := rep.Connections[0], rep.Connections[1]
	assert.Equal(t, 1, one.Incarnation)
	assert.Equal(t, 2, two.Incarnation)
	assert.Equal(t, []string{"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}, one.Sides[1].Sequence())
	assert.Equal(t, []string{"TIME_WAIT@", "SYN_RECEIVED@" + rule(tcp.TimeWait, tcp.RcvSynHigherSeq), "ESTABLISHED@" + rule(tcp.SynReceived, tcp.RcvAck)}, states(two.Sides[1]))
	assert.Equal(t, []string{"CLOSED", "SYN_SENT", "ESTABLISHED"}, two.Sides[0].Sequence())
	require.Len(t, two.Anomalies, 1)
	assert.Equal(t, srv, two.Anomalies[0].Side)
	assert.Contains(t, two.Anomalies[0].What, "old duplicate (packet 11, ACK)")
	assert.Contains(t, two.Anomalies[0].What, "incarnation 1")

	two = Follow(segs, tcp.RFC9293).Connections[1]
	assert.Equal(t, []string{"TIME_WAIT"}, two.Sides[1].Sequence(), "rfc9293 answers the SYN with a challenge ACK and stays")
}

// TestFollowAbort: a RST that answers nothing is the application's
// abort; the peer's state ends on it.
func TestFollowAbort(t *testing.T) {
	ps := append(closeByClient()[:5], pkt{at: 10 * time.Millisecond, src: cli, dst: srv, flags: "RST,ACK", seq: 1101, ack: 5001})
	c := follow(t, pcapOf(t, 1, 0, ps...)).Connections[0]
	assert.Equal(t, "CLOSED@"+rule(tcp.Established, tcp.AppAbort), states(c.Sides[0])[3])
	assert.Equal(t, "CLOSED@"+rule(tcp.Established, tcp.RcvRst), states(c.Sides[1])[3])
	assert.Empty(t, c.Anomalies)
}

func mustRead(t *testing.T, data []byte) []Segment {
	t.Helper()
	segs, _, err := Read(bytesReader(data))
	require.NoError(t, err)
	return segs
}

// TestFollowFinWait2Flush: a capture cannot tell close() from shutdown(),
// so a FIN_WAIT_2 is taken as held: linux never flushes it, windows,
// which flushes held sockets too, does after its fin_wait_2 duration.
func TestFollowFinWait2Flush(t *testing.T) {
	ps := closeByClient()[:7] // the client's FIN is ACKed; the server never closes
	ps = append(ps, pkt{at: 10 * time.Minute, src: srv, dst: cli, flags: "ACK", seq: 5001, ack: 1102, len: 10})
	segs := mustRead(t, pcapOf(t, 1, 0, ps...))

	c := Follow(segs, tcp.Linux).Connections[0]
	assert.Equal(t, "FIN_WAIT_2", c.Sides[0].States[len(c.Sides[0].States)-1].State)

	c = Follow(segs, tcp.Windows).Connections[0]
	client := c.Sides[0].States
	last := client[len(client)-1]
	assert.Equal(t, "CLOSED", last.State)
	assert.Equal(t, rule(tcp.FinWait2, tcp.TimeoutFinWait2), last.Rule)
	assert.InDelta(t, (0.011 + tcp.Windows.Duration(tcp.FinWait2Timer, tcp.FinWait2, 0).Seconds()), last.T, 1e-6, "flushed fin_wait_2 after the ACK of the FIN")
}

// TestFollowCaptureGaps: a capture that dropped packets (tcpdump's
// "dropped by kernel") is followed from the ACKs: the peer's ACK of data
// the capture missed says it was sent, a side's own ACK says what it had
// received.
func TestFollowCaptureGaps(t *testing.T) {
	whole := follow(t, pcapOf(t, 1, 0, closeByClient()...)).Connections[0]
	ps := closeByClient()
	ps = append(ps[:3:3], ps[4:]...) // the client's 100 bytes are missing
	gappy := follow(t, pcapOf(t, 1, 0, ps...)).Connections[0]
	for i := range whole.Sides {
		assert.Equal(t, whole.Sides[i].Sequence(), gappy.Sides[i].Sequence())
	}
	assert.Empty(t, gappy.Anomalies)

	// The server's data and its ACK missing: its FIN lies beyond what the
	// client was seen to receive, and the client's ACK covers it.
	ps = append(closeByClient()[:5],
		pkt{at: 10 * time.Millisecond, src: srv, dst: cli, flags: "FIN,ACK", seq: 5501, ack: 1101},
		pkt{at: 11 * time.Millisecond, src: cli, dst: srv, flags: "ACK", seq: 1101, ack: 5502},
		pkt{at: 12 * time.Millisecond, src: cli, dst: srv, flags: "FIN,ACK", seq: 1101, ack: 5502},
		pkt{at: 13 * time.Millisecond, src: srv, dst: cli, flags: "ACK", seq: 5502, ack: 1102})
	c := follow(t, pcapOf(t, 1, 0, ps...)).Connections[0]
	assert.Equal(t, []string{"CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}, c.Sides[0].Sequence())
	assert.Equal(t, []string{"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}, c.Sides[1].Sequence())
}

// TestFollowManyConnections: segments of several 4-tuples, interleaved,
// are kept apart, each connection listed in the order of its first
// segment, with times counted from the capture's first packet.
func TestFollowManyConnections(t *testing.T) {
	other := closeByClient()
	for i := range other {
		other[i].src = strings.Replace(other[i].src, "40000", "40001", 1)
		other[i].dst = strings.Replace(other[i].dst, "40000", "40001", 1)
		other[i].at += 500 * time.Microsecond
	}
	var ps []pkt
	for i, p := range closeByClient() {
		ps = append(ps, p, other[i])
	}
	rep := follow(t, pcapOf(t, 1, 0, ps...))
	require.Len(t, rep.Connections, 2)
	assert.Equal(t, "10.0.0.1:40000", rep.Connections[0].A)
	assert.Equal(t, "10.0.0.1:40001", rep.Connections[1].A)
	assert.Equal(t, rep.Connections[0].Sides[0].Sequence(), rep.Connections[1].Sides[0].Sequence())
	assert.Equal(t, rep.Connections[0].Sides[1].Sequence(), rep.Connections[1].Sides[1].Sequence())
	assert.Equal(t, 0.0005, rep.Connections[1].Sides[0].States[0].T)
	assert.Equal(t, 2*len(closeByClient()), rep.Segments)
}
