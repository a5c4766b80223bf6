package model

import (
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// kindEvents are, per kind of segment, the events classify may make of
// it: the one list of them.
var kindEvents = [...][]tcp.Event{
	SYN:    {tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvChallengeLimited}, // over the challenge ACK limit (throttle)
	SYNACK: {tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvChallengeLimited},
	ACK:    {tcp.RcvAck, tcp.RcvAckOfFin},
	FIN:    {tcp.RcvFin, tcp.RcvFinAck},
	RST:    {tcp.RcvRst, tcp.RcvRstInWindow, tcp.RcvChallengeLimited}, // in the window but not at RCV.NXT: only a forged one (Forge)
	PROBE:  {tcp.RcvAck, tcp.RcvAckOfFin},
	RSTACK: {tcp.RcvRst},
	DATA:   {tcp.RcvData, tcp.RcvDataAfterClose},
	ZWIN:   {tcp.RcvAck, tcp.RcvAckOfFin, tcp.RcvZeroWindow, tcp.RcvWindowOpen},
	WOPEN:  {tcp.RcvAck, tcp.RcvAckOfFin, tcp.RcvZeroWindow, tcp.RcvWindowOpen},
}

// IsRST reports whether e is the arrival of a RST, at RCV.NXT or
// elsewhere in the window: the table decides whether it resets.
func IsRST(e tcp.Event) bool { return e == tcp.RcvRst || e == tcp.RcvRstInWindow }

// classify turns a segment into the event its receiver sees, or reports
// that the receiver drops it unseen (an old segment outside the window of
// an incarnation whose sequence numbers lie above it).
func (m *Model) classify(s *State, r *Endpoint, g Segment) (tcp.Event, bool) {
	if r.St.Is(tcp.HasConnection) && g.Inc < r.Inc && r.Inc&Zombie == 0 && s.HigherSeq(r.Inc) {
		return 0, false
	}
	// A connection still in its handshake takes only segments that
	// acknowledge its own SYN,ACK; one of another incarnation does not
	// (the RFC answers with a RST, which changes nothing here). A SYN or a
	// RST may still fall in its window.
	if r.St == tcp.SynReceived && g.Inc != r.Inc && g.Kind != SYN && g.Kind != RST {
		return 0, false
	}
	// Acknowledgments are exact: only a segment of the receiver's own
	// incarnation acknowledges its FIN.
	ackOfOurs := g.AckFin && r.St.Is(tcp.SentFin) && g.Inc == r.Inc
	switch g.Kind {
	case SYN:
		if r.St.Is(tcp.HasConnection) && g.Inc > r.Inc && s.HigherSeq(g.Inc) {
			return tcp.RcvSynHigherSeq, true
		}
		return tcp.RcvSyn, true
	case SYNACK:
		// Only the SYN,ACK of its own incarnation acknowledges the SYN an
		// endpoint sent: an acknowledgment names one exact sequence number.
		if r.St.Is(tcp.HasConnection) && g.Inc != r.Inc {
			return tcp.RcvSynAckOld, true
		}
		return tcp.RcvSynAck, true
	case ACK, PROBE:
		if ackOfOurs {
			return tcp.RcvAckOfFin, true
		}
		return tcp.RcvAck, true
	case ZWIN, WOPEN:
		// A window advertisement is ZERO_WINDOW or WINDOW_OPEN only to an
		// endpoint with data or its FIN queued; to any other it is an ACK.
		switch {
		case ackOfOurs:
			return tcp.RcvAckOfFin, true
		case !r.DataQ && !r.FinQ:
			return tcp.RcvAck, true
		case g.Kind == ZWIN:
			return tcp.RcvZeroWindow, true
		}
		return tcp.RcvWindowOpen, true
	case FIN:
		if ackOfOurs {
			return tcp.RcvFinAck, true
		}
		return tcp.RcvFin, true
	case RST:
		// In SYN_SENT a RST counts only if it acknowledges our SYN, which
		// an old one does not (RFC 9293 3.10.7.3 second: else drop it).
		if r.St == tcp.SynSent && g.Inc != r.Inc {
			return 0, false
		}
		return tcp.RcvRst, true
	case DATA:
		// Data reaching a socket whose application has closed has nobody
		// to read it (RFC 9293 3.6.1 SHLD-3). The acknowledgment it
		// carries is not read: the ACK sent when the FIN arrived carries
		// it too.
		if r.St.Is(tcp.HasConnection) && !r.Held {
			return tcp.RcvDataAfterClose, true
		}
		return tcp.RcvData, true
	case RSTACK:
		// The answer to a SYN counts only in SYN_SENT, where it
		// acknowledges our SYN: the connection is refused. Anywhere else
		// its sequence number 0 lies outside the window (RFC 5961 3.2
		// takes a RST only at exactly RCV.NXT), so it is dropped.
		if r.St == tcp.SynSent && g.Inc == r.Inc {
			return tcp.RcvRst, true
		}
		return 0, false
	}
	return 0, false
}
