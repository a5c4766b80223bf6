package model

import "github.com/tcpfsm/tcpfsm/generated/tcp"

// Class is where a forged segment's sequence number falls in its
// receiver's window: the classes RFC 5961 tells apart (3.2 for RST, 4.2
// for SYN, 5.2 for ACK and data). An off-path attacker knows the 4-tuple
// but not the sequence numbers, so it may land in any of them.
type Class uint8

const (
	// Exact is the segment the peer would send now: at exactly RCV.NXT,
	// acknowledging exactly SND.NXT. No check tells it from the peer's;
	// a blind attacker hits it with odds of about one in 2^32.
	Exact Class = iota + 1
	// InWindow is in the receive window but not at RCV.NXT (with an
	// acceptable ACK): what a blind attacker hits with odds of about
	// the window over 2^32, and what RFC 5961 answers with a challenge ACK.
	InWindow
	// OutOfWindow is outside the window: dropped (RFC 9293 3.10.7.4
	// first; a RST silently, anything else with an ACK, which the model
	// does not send: it carries nothing the peer has not seen).
	OutOfWindow
	// AckAbove is in the window but acknowledging beyond SND.NXT,
	// something not yet sent: what a blind attacker's ACK does about as
	// often as not. RFC 9293 3.10.7.4 fifth (RFC 5961 5.2) answers it
	// with an ACK and drops it. In a state that has sent no FIN
	// (ESTABLISHED, CLOSE_WAIT) the table's ACK_OF_FIN and FIN_ACK rows
	// are that case ("an ACK of something not yet sent"), so an ACK or a
	// FIN so forged is offered there; where our FIN was sent the table
	// has no event for an ACK beyond it (the runtime drops it with an ACK
	// before the table), and in SYN_RECEIVED it draws a RST: not offered.
	AckAbove
)

var classNames = [...]string{"", "exact", "in the window, inexact", "out of the window", "in the window, acknowledging beyond SND.NXT"}

func (c Class) String() string {
	if int(c) < len(classNames) && c != 0 {
		return classNames[c]
	}
	return "Class(?)"
}

// forgeable are the kinds of segment the attacker forges. A FIN only
// acknowledging beyond SND.NXT (AckAbove): one the receiver would take
// ends no connection, and what it would do to a half-closed stream is
// not a property here.
var forgeable = [...]SegKind{RST, SYN, ACK, DATA, FIN}

// forge offers the attacker's steps against endpoint x: each kind of
// segment in each class, while the budget (State.Forged, from
// Bounds.Attacks) lasts. The segment reaches x at once: an attacker may
// inject at any moment, so a delay in the network adds no behaviour. It
// belongs to x's own incarnation (it aims at the connection the 4-tuple
// holds now), so properties about old segments do not count it; a forged
// segment the receiver drops unseen changes nothing and is not offered.
func (g *successors) forge(s *State, x int) {
	r := &s.E[x]
	if s.Forged == 0 || !r.St.Is(tcp.HasConnection) || r.Inc&Zombie != 0 {
		return
	}
	for _, kind := range forgeable {
		if kind == DATA && g.m.Bounds.Data == 0 {
			continue
		}
		for c := Exact; c <= AckAbove; c++ {
			seg := Segment{Kind: kind, Inc: r.Inc, AckFin: c == Exact && r.St.Is(tcp.SentFin)}
			e, ok := g.m.forged(s, r, seg, c)
			if !ok {
				continue
			}
			e = g.m.throttle(r, e)
			n := *s
			n.Forged--
			// No check tells an exact forgery from the peer's segment:
			// an incarnation it moves is as one reset before its close
			// completed, which P3 and P8 no longer speak for (P13 and
			// P14 speak of the attacker). TIME_WAIT is left to P14 and
			// the Cut mark its RST sets.
			if c == Exact && r.St != tcp.TimeWait && g.m.Cell(r.St, e).Next != r.St {
				n.Reset |= incBit(r.Inc)
			}
			g.apply(&n, x, e, Label{Kind: Forge, End: x, Event: e, Seg: seg, Class: c}, &seg)
		}
	}
}

// forged is the event receiver r makes of forged segment seg in class c,
// or false where r drops it unseen. An exact one, or one in the window
// whose sequence number does not matter, is classified as the peer's
// would be (classify); what sets the classes apart is here.
func (m *Model) forged(s *State, r *Endpoint, seg Segment, c Class) (tcp.Event, bool) {
	switch {
	case c == AckAbove:
		if !r.St.Is(tcp.Synchronized) || r.St.Is(tcp.SentFin) || r.St == tcp.SynReceived {
			return 0, false
		}
		switch seg.Kind {
		case ACK:
			return tcp.RcvAckOfFin, true
		case FIN:
			return tcp.RcvFinAck, true
		}
		return 0, false
	case seg.Kind == FIN:
		return 0, false // forged only acknowledging beyond SND.NXT
	case c == OutOfWindow:
		// Dropped (RFC 9293 3.10.7.4 first), except a SYN, which RFC 5961
		// 4.2 and 3.10.7.4 fourth answer whatever its sequence number:
		// the InWindow class stands for both.
		return 0, false
	case r.St == tcp.SynSent && (seg.Kind != RST || c != Exact):
		// SYN_SENT judges a RST by its ACK alone (3.10.7.3 second): only
		// the exact one acknowledges our SYN. An ACK or data is dropped,
		// or answered by a RST of the attacker's choosing, which a RST
		// forged to the peer covers; a SYN would be a simultaneous open,
		// which the model leaves out (doc.go, "Attacker").
		return 0, false
	case r.St == tcp.SynReceived && (seg.Kind == DATA || seg.Kind == ACK && c != Exact):
		// Only the exact ACK acknowledges our SYN,ACK; anything else draws
		// a RST (3.10.7.4 fifth).
		return 0, false
	case seg.Kind == SYN && c == Exact:
		return 0, false // InWindow stands for every SYN
	case seg.Kind == RST && c == InWindow:
		return tcp.RcvRstInWindow, true
	}
	return m.classify(s, r, seg)
}
