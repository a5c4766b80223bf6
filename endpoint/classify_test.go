package endpoint

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// est is a connection in state s: we sent up to 1000 (ISS 999), the peer
// up to 5000 (IRS 4999), windows of 1000 octets each way.
func est(s tcp.State) Vars {
	return Vars{State: s, ISS: 999, SndUna: 1000, SndNxt: 1000, SndWnd: 1000, IRS: 4999, RcvNxt: 5000, RcvWnd: 1000}
}

// finSent is est with our FIN (sequence number 1000) on the wire.
func finSent(s tcp.State) Vars {
	v := est(s)
	v.SndNxt, v.FinSent = 1001, true
	return v
}

// finReceived is est with the peer's FIN (4999+...: sequence 5000) taken.
func finReceived(v Vars) Vars {
	v.RcvNxt = 5001
	return v
}

func TestClassifyRFC9293Cases(t *testing.T) {
	synSent := Vars{State: tcp.SynSent, ISS: 999, SndUna: 999, SndNxt: 1000, RcvWnd: 1000}
	synRcvd := Vars{State: tcp.SynReceived, ISS: 999, SndUna: 999, SndNxt: 1000, IRS: 4999, RcvNxt: 5000, RcvWnd: 1000}
	cases := []struct {
		name  string
		seg   Segment
		v     Vars
		want  []tcp.Event
		reply Reply
	}{
		// 3.10.7.1 CLOSED and 3.10.7.2 LISTEN read the flags alone.
		{"closed: RST", Segment{Flags: RST, Seq: 7}, Vars{State: tcp.Closed}, []tcp.Event{tcp.RcvRst}, ReplyNone},
		{"closed: ACK", Segment{Flags: ACK, Seq: 7, Ack: 9}, Vars{State: tcp.Closed}, []tcp.Event{tcp.RcvAck}, ReplyNone},
		{"listen: SYN", Segment{Flags: SYN, Seq: 4999}, Vars{State: tcp.Listen}, []tcp.Event{tcp.RcvSyn}, ReplyNone},
		{"listen: SYN,ACK", Segment{Flags: SYN | ACK, Seq: 4999, Ack: 3}, Vars{State: tcp.Listen}, []tcp.Event{tcp.RcvSynAck}, ReplyNone},
		{"listen: no flags", Segment{Seq: 4999}, Vars{State: tcp.Listen}, nil, ReplyRst},
		// 3.10.7.3 SYN-SENT: the ACK must lie in (ISS, SND.NXT].
		{"syn-sent: SYN,ACK of our SYN", Segment{Flags: SYN | ACK, Seq: 4999, Ack: 1000}, synSent, []tcp.Event{tcp.RcvSynAck}, ReplyNone},
		{"syn-sent: SYN,ACK of an old SYN (Figure 8)", Segment{Flags: SYN | ACK, Seq: 4999, Ack: 90}, synSent, []tcp.Event{tcp.RcvSynAckOld}, ReplyNone},
		{"syn-sent: SYN,ACK at ISS", Segment{Flags: SYN | ACK, Seq: 4999, Ack: 999}, synSent, []tcp.Event{tcp.RcvSynAckOld}, ReplyNone},
		{"syn-sent: RST,ACK of our SYN (refused)", Segment{Flags: RST | ACK, Ack: 1000}, synSent, []tcp.Event{tcp.RcvRst}, ReplyNone},
		{"syn-sent: RST without ACK is dropped", Segment{Flags: RST, Seq: 3}, synSent, nil, ReplyNone},
		{"syn-sent: RST with a bad ACK is dropped", Segment{Flags: RST | ACK, Ack: 5}, synSent, nil, ReplyNone},
		{"syn-sent: SYN (simultaneous open)", Segment{Flags: SYN, Seq: 4999}, synSent, []tcp.Event{tcp.RcvSyn}, ReplyNone},
		{"syn-sent: ACK with a bad ACK draws a RST", Segment{Flags: ACK, Ack: 5}, synSent, nil, ReplyRst},
		// 3.10.7.4 SYN-RECEIVED: the ACK must lie in (SND.UNA, SND.NXT].
		{"syn-received: the handshake's ACK", Segment{Flags: ACK, Seq: 5000, Ack: 1000}, synRcvd, []tcp.Event{tcp.RcvAck}, ReplyNone},
		{"syn-received: a bad ACK draws a RST", Segment{Flags: ACK, Seq: 5000, Ack: 999}, synRcvd, nil, ReplyRst},
		{"syn-received: retransmitted SYN", Segment{Flags: SYN, Seq: 4999}, synRcvd, []tcp.Event{tcp.RcvSyn}, ReplyNone},
		{"syn-received: RST in window", Segment{Flags: RST, Seq: 5000}, synRcvd, []tcp.Event{tcp.RcvRst}, ReplyNone},
		{"syn-received: FIN with the ACK", Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1000}, synRcvd, []tcp.Event{tcp.RcvFin}, ReplyNone},
		// First check: sequence numbers outside the window.
		{"established: old segment draws an ACK", Segment{Flags: ACK, Seq: 4000, Ack: 1000, Len: 10}, est(tcp.Established), nil, ReplyAck},
		{"established: keep-alive probe draws an ACK", Segment{Flags: ACK, Seq: 4999, Ack: 1000}, est(tcp.Established), nil, ReplyAck},
		{"established: beyond the window draws an ACK", Segment{Flags: ACK, Seq: 6000, Ack: 1000}, est(tcp.Established), nil, ReplyAck},
		{"established: zero window takes only RCV.NXT", Segment{Flags: ACK, Seq: 5000, Ack: 1000}, func() Vars { v := est(tcp.Established); v.RcvWnd = 0; return v }(), []tcp.Event{tcp.RcvAck}, ReplyNone},
		{"established: zero window refuses data", Segment{Flags: ACK, Seq: 5000, Ack: 1000, Len: 1}, func() Vars { v := est(tcp.Established); v.RcvWnd = 0; return v }(), nil, ReplyAck},
		{"established: data overlapping the window's start", Segment{Flags: ACK, Seq: 4990, Ack: 1000, Len: 20}, est(tcp.Established), []tcp.Event{tcp.RcvData}, ReplyNone},
		// Second check: RST.
		{"established: RST out of window is dropped", Segment{Flags: RST, Seq: 9000}, est(tcp.Established), nil, ReplyNone},
		{"established: RST in the window, not at RCV.NXT (RFC 5961 3.2: the table decides)", Segment{Flags: RST, Seq: 5500}, est(tcp.Established), []tcp.Event{tcp.RcvRstInWindow}, ReplyNone},
		{"established: RST at RCV.NXT", Segment{Flags: RST, Seq: 5000}, est(tcp.Established), []tcp.Event{tcp.RcvRst}, ReplyNone},
		{"time-wait: RST at RCV.NXT (the table decides rfc1337)", Segment{Flags: RST, Seq: 5001}, finReceived(finSent(tcp.TimeWait)), []tcp.Event{tcp.RcvRst}, ReplyNone},
		{"time-wait: RST in the window, not at RCV.NXT", Segment{Flags: RST, Seq: 5100}, finReceived(finSent(tcp.TimeWait)), []tcp.Event{tcp.RcvRstInWindow}, ReplyNone},
		// Fourth check: SYN whatever its sequence number.
		{"established: SYN out of window", Segment{Flags: SYN, Seq: 100}, est(tcp.Established), []tcp.Event{tcp.RcvSyn}, ReplyNone},
		{"time-wait: SYN above RCV.NXT (3.6.1)", Segment{Flags: SYN, Seq: 90000}, finReceived(finSent(tcp.TimeWait)), []tcp.Event{tcp.RcvSynHigherSeq}, ReplyNone},
		{"time-wait: SYN below RCV.NXT", Segment{Flags: SYN, Seq: 10}, finReceived(finSent(tcp.TimeWait)), []tcp.Event{tcp.RcvSyn}, ReplyNone},
		{"established: SYN,ACK", Segment{Flags: SYN | ACK, Seq: 4999, Ack: 1000}, est(tcp.Established), []tcp.Event{tcp.RcvSynAck}, ReplyNone},
		// Fifth check: ACK.
		{"established: no ACK bit is dropped", Segment{Seq: 5000, Len: 5}, est(tcp.Established), nil, ReplyNone},
		{"established: ACK of unsent data draws an ACK", Segment{Flags: ACK, Seq: 5000, Ack: 1200}, est(tcp.Established), nil, ReplyAck},
		{"established: plain ACK", Segment{Flags: ACK, Seq: 5000, Ack: 1000, Window: 100}, est(tcp.Established), []tcp.Event{tcp.RcvAck}, ReplyNone},
		{"fin-wait-1: ACK of our FIN", Segment{Flags: ACK, Seq: 5000, Ack: 1001}, finSent(tcp.FinWait1), []tcp.Event{tcp.RcvAckOfFin}, ReplyNone},
		{"fin-wait-1: ACK short of our FIN", Segment{Flags: ACK, Seq: 5000, Ack: 1000}, finSent(tcp.FinWait1), []tcp.Event{tcp.RcvAck}, ReplyNone},
		{"fin-wait-1: zero window with the FIN queued", Segment{Flags: ACK, Seq: 5000, Ack: 1000}, func() Vars { v := est(tcp.FinWait1); v.Queued = true; return v }(), []tcp.Event{tcp.RcvZeroWindow}, ReplyNone},
		{"fin-wait-1: window opens with the FIN queued", Segment{Flags: ACK, Seq: 5000, Ack: 1000, Window: 10}, func() Vars { v := est(tcp.FinWait1); v.Queued, v.SndWnd = true, 0; return v }(), []tcp.Event{tcp.RcvWindowOpen}, ReplyNone},
		// Seventh and eighth: data, then FIN.
		{"established: data", Segment{Flags: ACK, Seq: 5000, Ack: 1000, Len: 10}, est(tcp.Established), []tcp.Event{tcp.RcvData}, ReplyNone},
		{"fin-wait-2: data for an orphan", Segment{Flags: ACK, Seq: 5000, Ack: 1001, Len: 10}, func() Vars { v := finSent(tcp.FinWait2); v.SndUna, v.Orphan = 1001, true; return v }(), []tcp.Event{tcp.RcvAckOfFin, tcp.RcvDataAfterClose}, ReplyNone},
		{"established: FIN", Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1000}, est(tcp.Established), []tcp.Event{tcp.RcvFin}, ReplyNone},
		{"fin-wait-1: FIN that ACKs ours", Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1001}, finSent(tcp.FinWait1), []tcp.Event{tcp.RcvFinAck}, ReplyNone},
		{"fin-wait-1: ACK of our FIN, data, FIN", Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1001, Len: 3}, finSent(tcp.FinWait1), []tcp.Event{tcp.RcvData, tcp.RcvFinAck}, ReplyNone},
		{"fin-wait-1: ACK of our FIN with data", Segment{Flags: ACK, Seq: 5000, Ack: 1001, Len: 3}, finSent(tcp.FinWait1), []tcp.Event{tcp.RcvAckOfFin, tcp.RcvData}, ReplyNone},
		// The retransmitted FIN (the final ACK was lost): the table answers it.
		{"time-wait: retransmitted FIN", Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1001}, finReceived(finSent(tcp.TimeWait)), []tcp.Event{tcp.RcvFinAck}, ReplyNone},
		{"close-wait: retransmitted FIN", Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1000}, finReceived(est(tcp.CloseWait)), []tcp.Event{tcp.RcvFin}, ReplyNone},
		{"established: a FIN below RCV.NXT was never taken", Segment{Flags: FIN | ACK, Seq: 4000, Ack: 1000}, est(tcp.Established), nil, ReplyAck},
		// Sequence numbers wrap (3.4).
		{"established: window across 2^32", Segment{Flags: ACK, Seq: 5, Ack: 1000, Len: 1}, func() Vars { v := est(tcp.Established); v.RcvNxt = 0xFFFFFFF0; return v }(), []tcp.Event{tcp.RcvData}, ReplyNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Inspect(c.seg, c.v)
			assert.Equal(t, c.want, nilIfEmpty(got.Events[:got.N]), "events")
			assert.Equal(t, c.reply, got.Reply, "reply")
			var last tcp.Event
			if len(c.want) > 0 {
				last = c.want[len(c.want)-1]
			}
			assert.Equal(t, last, Classify(c.seg, c.v), "Classify")
		})
	}
}

func nilIfEmpty(e []tcp.Event) []tcp.Event {
	if len(e) == 0 {
		return nil
	}
	return e
}

func TestClassifyDoesNotAllocate(t *testing.T) {
	seg := Segment{Flags: FIN | ACK, Seq: 5000, Ack: 1001, Len: 3}
	v := finSent(tcp.FinWait1)
	var sink tcp.Event
	allocs := testing.AllocsPerRun(100, func() { sink = Classify(seg, v) })
	assert.Zero(t, allocs)
	assert.Equal(t, tcp.RcvFinAck, sink)
}

// FuzzClassify: any header and any variables give at most MaxEvents
// valid receive events or none, never both events and a reply, and every
// event is one the table decides in that state.
func FuzzClassify(f *testing.F) {
	f.Add(uint8(ACK|FIN), uint32(5000), uint32(1001), uint32(0), uint32(100), uint8(tcp.FinWait1), uint32(1000), uint32(1001), uint32(5000), uint32(1000), true, false)
	f.Add(uint8(SYN), uint32(90000), uint32(0), uint32(0), uint32(0), uint8(tcp.TimeWait), uint32(1001), uint32(1001), uint32(5001), uint32(1000), true, true)
	f.Add(uint8(RST), uint32(0), uint32(0), uint32(0), uint32(0), uint8(tcp.SynSent), uint32(0), uint32(1), uint32(0), uint32(0), false, false)
	f.Fuzz(func(t *testing.T, flags uint8, seq, ack, n, wnd uint32, state uint8, una, nxt, rcvNxt, rcvWnd uint32, finSent, orphan bool) {
		s := tcp.State(state%(tcp.NumStates-1) + 1)
		seg := Segment{Flags: Flags(flags), Seq: seq, Ack: ack, Len: n, Window: wnd}
		v := Vars{State: s, ISS: una - 1, SndUna: una, SndNxt: nxt, RcvNxt: rcvNxt, RcvWnd: rcvWnd, FinSent: finSent, Orphan: orphan}
		{
			c := Inspect(seg, v)
			if c.N < 0 || c.N > MaxEvents {
				t.Fatalf("%d events", c.N)
			}
			if c.N > 0 && c.Reply != ReplyNone {
				t.Fatalf("events %v and reply %v", c.Events[:c.N], c.Reply)
			}
			for _, e := range c.Events[:c.N] {
				if _, ok := tcp.Step(s, e); !ok || !e.Valid() || e.Timer() != 0 || e < tcp.RcvSyn {
					t.Fatalf("%v in %v is not a receive event of the table", e, s)
				}
			}
			// A RST is RST, or RST_IN_WINDOW in a synchronized state
			// when it is not at RCV.NXT (RFC 5961 3.2).
			if seg.Flags&RST != 0 && c.N > 0 && c.Events[0] != tcp.RcvRst &&
				(c.Events[0] != tcp.RcvRstInWindow || !s.Is(tcp.Synchronized) || seg.Seq == v.RcvNxt) {
				t.Fatalf("a RST classified as %v", c.Events[0])
			}
		}
	})
}

// TestFlagsOf: each recorded bit sets its flag and no other.
func TestFlagsOf(t *testing.T) {
	assert.Equal(t, Flags(0), FlagsOf(false, false, false, false))
	assert.Equal(t, SYN|ACK, FlagsOf(true, true, false, false))
	assert.Equal(t, FIN|ACK, FlagsOf(false, true, true, false))
	assert.Equal(t, RST, FlagsOf(false, false, false, true))
}
