package endpoint

import "github.com/tcpfsm/tcpfsm/generated/tcp"

// Vars are the parts of a connection's TCB that decide which event a
// segment is (RFC 9293 3.3.1): the state, the send and receive sequence
// variables, and three facts the table's events tell apart.
type Vars struct {
	State  tcp.State
	ISS    uint32 // initial send sequence number
	SndUna uint32 // SND.UNA: oldest unacknowledged sequence number
	SndNxt uint32 // SND.NXT: next sequence number to send (past our FIN once it is sent)
	SndWnd uint32 // SND.WND: the peer's last advertised window
	IRS    uint32 // initial receive sequence number
	RcvNxt uint32 // RCV.NXT: next sequence number expected (past the peer's FIN once received)
	RcvWnd uint32 // RCV.WND: our receive window
	// FinSent: our FIN is on the wire and takes sequence number SndNxt-1,
	// so an ACK of SndNxt covers it.
	FinSent bool
	// Orphan: the application has closed the socket, so new data is
	// DATA_AFTER_CLOSE (nobody will read it).
	Orphan bool
	// Queued: data or our FIN waits to be sent, so a window of 0 is
	// ZERO_WINDOW and a window that opens again is WINDOW_OPEN.
	Queued bool
}

// Reply is what answers a segment the table never sees: RFC 9293 3.10.7
// drops it before the table's events, sometimes with a reply.
type Reply uint8

const (
	// ReplyNone drops the segment silently.
	ReplyNone Reply = iota
	// ReplyAck answers with an ACK of RCV.NXT: an unacceptable segment
	// (3.10.7.4 first), an ACK of something not yet sent (fifth), or a
	// RST in the window but not at RCV.NXT (RFC 5961 challenge ACK).
	ReplyAck
	// ReplyRst answers with a RST built from the segment: a bad ACK in
	// SYN_SENT (3.10.7.3 first) or SYN_RECEIVED (3.10.7.4 fifth).
	ReplyRst
)

var replyNames = [...]string{ReplyNone: "drop", ReplyAck: "drop, send ACK", ReplyRst: "drop, send RST"}

// String names the reply.
func (r Reply) String() string {
	if int(r) < len(replyNames) {
		return replyNames[r]
	}
	return "Reply(?)"
}

// MaxEvents is the most events one segment can be: an ACK of our FIN,
// then new data, then a FIN.
const MaxEvents = 3

// Class is what a segment is to the table: the events to step, in order
// (the ACK first, then the payload, then the FIN, as 3.10.7.4 processes
// them), or none and a Reply.
type Class struct {
	Events [MaxEvents]tcp.Event
	N      int
	Reply  Reply
}

// Last returns the class's final event, the one that decides where the
// segment leaves the connection, or 0 when the segment has none.
func (c Class) Last() tcp.Event {
	if c.N == 0 {
		return 0
	}
	return c.Events[c.N-1]
}

func (c *Class) add(e tcp.Event) {
	if c.N < MaxEvents {
		c.Events[c.N] = e
		c.N++
	}
}

func one(e tcp.Event) Class { return Class{Events: [MaxEvents]tcp.Event{e}, N: 1} }

func drop(r Reply) Class { return Class{Reply: r} }

// Classify returns the table's event for segment seg reaching a
// connection whose variables are v: the last event of Inspect, or 0 when
// RFC 9293 3.10.7 drops the segment before the table (see Inspect for the
// reply). It never allocates.
func Classify(seg Segment, v Vars) tcp.Event {
	return Inspect(seg, v).Last()
}

// Inspect classifies seg for a connection whose variables are v,
// following RFC 9293 3.10.7: CLOSED and LISTEN read the flags alone;
// SYN_SENT checks the ACK against ISS and SND.NXT; the synchronized states
// check the sequence number against the receive window, then RST, SYN and
// ACK in that order. A SYN in a synchronized state is classified whatever
// its sequence number (3.10.7.4 fourth, RFC 5961 4), so that TIME_WAIT can
// tell a new incarnation's SYN (SYN_HIGHER_SEQ: above RCV.NXT, RFC 9293
// 3.6.1). A retransmitted FIN, just below RCV.NXT, is classified as FIN
// where the peer's FIN was received: the table answers it (TIME_WAIT
// restarts its timer, 3.10.7.4 first and eighth). It never allocates.
func Inspect(seg Segment, v Vars) Class {
	switch {
	case !v.State.Is(tcp.HasConnection):
		return noTCB(seg)
	case !v.State.Is(tcp.Synchronized):
		return synSent(seg, v)
	}
	return synchronized(seg, v)
}

// noTCB reads the flags alone: CLOSED (3.10.7.1) and LISTEN (3.10.7.2)
// have no sequence numbers to check against.
func noTCB(seg Segment) Class {
	f := seg.Flags
	switch {
	case f&RST != 0:
		return one(tcp.RcvRst)
	case f&SYN != 0 && f&ACK != 0:
		return one(tcp.RcvSynAck)
	case f&SYN != 0:
		return one(tcp.RcvSyn)
	case f&FIN != 0:
		return one(tcp.RcvFin)
	case seg.Len > 0:
		return one(tcp.RcvData)
	case f&ACK != 0:
		return one(tcp.RcvAck)
	}
	// Neither ACK nor RST nor SYN: CLOSED answers anything but a RST with
	// a RST; LISTEN drops it (3.10.7.2 fourth).
	return drop(ReplyRst)
}

// synSent follows 3.10.7.3: first the ACK (it must lie in (ISS, SND.NXT]),
// then RST, then SYN; anything else is dropped.
func synSent(seg Segment, v Vars) Class {
	f := seg.Flags
	hasAck := f&ACK != 0
	ackOK := hasAck && seqGT(seg.Ack, v.ISS) && seqLE(seg.Ack, v.SndNxt)
	switch {
	case f&RST != 0 && ackOK:
		return one(tcp.RcvRst)
	case f&RST != 0:
		return drop(ReplyNone) // a RST without an acceptable ACK is dropped
	case f&SYN != 0 && hasAck && !ackOK:
		return one(tcp.RcvSynAckOld)
	case f&SYN != 0 && hasAck:
		return one(tcp.RcvSynAck)
	case f&SYN != 0:
		return one(tcp.RcvSyn) // simultaneous open
	case hasAck && !ackOK:
		return drop(ReplyRst)
	case f&FIN != 0:
		return one(tcp.RcvFin)
	case seg.Len > 0:
		return one(tcp.RcvData)
	case hasAck:
		return one(tcp.RcvAck)
	}
	return drop(ReplyNone)
}

// acceptable is the sequence check of 3.10.7.4 first: some of the
// segment must fall in the receive window (its first octet, or with an
// empty window only an empty segment at RCV.NXT).
func acceptable(seg Segment, v Vars) bool {
	n := seg.SeqLen()
	switch {
	case n == 0 && v.RcvWnd == 0:
		return seg.Seq == v.RcvNxt
	case n == 0:
		return inWindow(seg.Seq, v.RcvNxt, v.RcvWnd)
	case v.RcvWnd == 0:
		return false
	}
	return inWindow(seg.Seq, v.RcvNxt, v.RcvWnd) || inWindow(seg.Seq+n-1, v.RcvNxt, v.RcvWnd)
}

// synchronized follows 3.10.7.4 for SYN_RECEIVED and the synchronized
// states.
func synchronized(seg Segment, v Vars) Class {
	f := seg.Flags
	ok := acceptable(seg, v)
	switch {
	case f&RST != 0 && !ok:
		return drop(ReplyNone)
	case f&RST != 0 && seg.Seq != v.RcvNxt:
		// In the window but not at RCV.NXT: the profile's rfc5961 switch
		// decides, in the table, between a challenge ACK and a reset.
		return one(tcp.RcvRstInWindow)
	case f&RST != 0:
		return one(tcp.RcvRst)
	case f&SYN != 0 && f&ACK != 0:
		lo := v.SndUna
		if v.State == tcp.SynReceived {
			lo++ // the ACK must cover our SYN
		}
		if seqLE(lo, seg.Ack) && seqLE(seg.Ack, v.SndNxt) {
			return one(tcp.RcvSynAck)
		}
		return one(tcp.RcvSynAckOld)
	case f&SYN != 0 && seqGT(seg.Seq, v.RcvNxt):
		return one(tcp.RcvSynHigherSeq)
	case f&SYN != 0:
		return one(tcp.RcvSyn)
	case !ok && f&FIN != 0 && v.State.Is(tcp.ReceivedFin) && seg.Seq+seg.SeqLen() == v.RcvNxt:
		// A retransmission of the FIN already taken: the table ACKs it.
		return one(finEvent(seg, v))
	case !ok:
		return drop(ReplyAck)
	case f&ACK == 0:
		return drop(ReplyNone)
	}
	if v.State == tcp.SynReceived {
		if !seqLT(v.SndUna, seg.Ack) || seqGT(seg.Ack, v.SndNxt) {
			return drop(ReplyRst)
		}
	} else if seqGT(seg.Ack, v.SndNxt) {
		return drop(ReplyAck) // ACKs something not yet sent
	}
	acksFin := v.FinSent && seg.Ack == v.SndNxt
	var c Class
	if acksFin && f&FIN == 0 {
		c.add(tcp.RcvAckOfFin)
	}
	switch {
	case seg.Len > 0 && v.Orphan:
		c.add(tcp.RcvDataAfterClose)
	case seg.Len > 0:
		c.add(tcp.RcvData)
	}
	switch {
	case f&FIN != 0:
		c.add(finEvent(seg, v))
	case c.N > 0:
	case v.Queued && seg.Window == 0:
		c.add(tcp.RcvZeroWindow)
	case v.Queued && v.SndWnd == 0:
		c.add(tcp.RcvWindowOpen)
	default:
		c.add(tcp.RcvAck)
	}
	return c
}

// finEvent tells a FIN that also ACKs our FIN from one that does not.
func finEvent(seg Segment, v Vars) tcp.Event {
	if v.FinSent && seg.Flags&ACK != 0 && seg.Ack == v.SndNxt {
		return tcp.RcvFinAck
	}
	return tcp.RcvFin
}
