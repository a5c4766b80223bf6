package endpoint

import (
	"testing"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

var sinkEvent tcp.Event

// BenchmarkClassify: a mix of the segments of a connection's close, in
// the states they reach.
func BenchmarkClassify(b *testing.B) {
	cases := []struct {
		seg Segment
		v   Vars
	}{
		{Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1000}, est(tcp.Established)},
		{Segment{Flags: ACK, Seq: 5000, Ack: 1001}, finSent(tcp.FinWait1)},
		{Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1001}, finSent(tcp.FinWait2)},
		{Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1001}, finReceived(finSent(tcp.TimeWait))},
		{Segment{Flags: RST, Seq: 5500}, est(tcp.Established)},
		{Segment{Flags: SYN, Seq: 90000}, finReceived(finSent(tcp.TimeWait))},
		{Segment{Flags: ACK, Seq: 4000, Ack: 1000, Len: 10}, est(tcp.Established)},
		{Segment{Flags: ACK, Seq: 5000, Ack: 1000, Len: 100}, est(tcp.Established)},
	}
	var acc tcp.Event
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := &cases[i&7]
		i++
		acc ^= Classify(c.seg, c.v)
	}
	sinkEvent = acc
}

// BenchmarkEndpointCycle: one connection's life between two Endpoints,
// from the close of an established connection (client first) through
// TIME_WAIT's end to the next handshake: 9 segments, 5 calls, a timer.
func BenchmarkEndpointCycle(b *testing.B) {
	client, server, _ := pair(b, tcp.Linux)
	var out, reply Output
	b.ReportAllocs()
	for b.Loop() {
		cycle(client, server, &out, &reply)
	}
	if client.State() != tcp.Established {
		b.Fatal(client.State())
	}
}
