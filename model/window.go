// Data and the zero window (Bounds.Data, Bounds.ZeroWindow): the steps
// they add beside the table's (model/doc.go, "# Data", "# Zero window").

package model

import "github.com/tcpfsm/tcpfsm/generated/tcp"

// read is the application of endpoint x stopping or resuming reading,
// under Bounds.ZeroWindow: while the peer may still send (its FIN has not
// arrived) an application that stops reading lets its buffer fill, and
// the ACK that finds it full advertises a zero window (ZWIN); reading
// again empties it and sends the window update (WOPEN). The data that
// fills the buffer is not counted by Bounds.Data: ZWIN stands for the ACK
// of whatever filled it, so the buffer holds unread data.
func (g *successors) read(s *State, x int) {
	m := g.m
	e := &s.E[x]
	if !m.Bounds.ZeroWindow || e.St.Is(tcp.ReceivedFin) || !hasSynchronized(e.St) {
		return
	}
	n := *s
	ne := &n.E[x]
	kind := ZWIN
	if e.Full {
		kind = WOPEN
		ne.Full, ne.Unread = false, false
	} else {
		ne.Full, ne.Unread = true, true
	}
	seg := Segment{Kind: kind, Inc: e.Inc}
	l := Label{Kind: Read, End: x, Seg: seg, From: e.St, To: e.St}
	if !g.put(&n, x, seg, &l) {
		return
	}
	g.emit(l, &n)
}

// put sends g from endpoint x of n; a full channel loses it, while the
// budget lasts. It reports false when the step cannot happen: the channel
// is full and no loss is left.
func (g *successors) put(n *State, x int, seg Segment, l *Label) bool {
	if n.add(x, seg, g.m.Bounds.Capacity) {
		return true
	}
	if n.Losses == 0 {
		g.blocked++
		return false
	}
	n.Losses--
	l.Lost++
	return true
}

// write is the application of endpoint x writing a segment of data, while
// it may still send (writable) and has written fewer than Bounds.Data in
// this incarnation. Writing is not an event of the table: the segment
// goes out at once (the peer's window is open), and a full channel makes
// the write wait rather than lose it.
func (g *successors) write(s *State, x int) {
	e := &s.E[x]
	if e.Shut || !e.St.Is(tcp.Writable) || int(e.Wrote) >= g.m.Bounds.Data {
		return
	}
	n := *s
	n.E[x].Wrote++
	if e.Blocked {
		// The peer's window is closed: the data waits for it (DataQ).
		l := Label{Kind: Write, End: x, From: e.St, To: e.St}
		if e.DataQ {
			g.emit(l, &n) // behind data already waiting: nothing changes
			return
		}
		n.E[x].DataQ = true
		g.waits(&n, x, l)
		return
	}
	seg := Segment{Kind: DATA, Inc: e.Inc}
	if !n.add(x, seg, g.m.Bounds.Capacity) {
		g.blocked++
		return
	}
	g.emit(Label{Kind: Write, End: x, Seg: seg, From: e.St, To: e.St}, &n)
}

// window carries out, for endpoint x of n after transition t on event e,
// what the zero window adds to the table's actions (Bounds.ZeroWindow):
// WINDOW_OPEN lets the queued data and FIN leave; a window
// advertisement sets what the endpoint knows of the peer's window; a
// live endpoint answers a probe with an ACK that says its window (the
// segment PROBE of the spec: "either draws an ACK from a live peer"). It
// reports false when a segment found its channel full with no loss left.
func (g *successors) window(n *State, x int, e tcp.Event, from tcp.State, t tcp.Transition, seg *Segment, ackFin bool, l *Label) bool {
	ep := &n.E[x]
	if e == tcp.RcvWindowOpen {
		if ep.DataQ && !g.put(n, x, Segment{Kind: DATA, Inc: ep.Inc}, l) {
			return false
		}
		if ep.FinQ && !g.put(n, x, Segment{Kind: FIN, AckFin: ackFin, Inc: ep.Inc}, l) {
			return false
		}
		ep.DataQ, ep.FinQ = false, false
	}
	if seg != nil {
		switch seg.Kind {
		case ZWIN:
			ep.Blocked = true
		case WOPEN:
			ep.Blocked = false
		case PROBE:
			// A zero-window probe meets no endpoint that has the
			// prober's FIN (it is queued behind the probe); a keep-alive
			// probe may, from a FIN_WAIT_2, so with keep-alive on every
			// synchronized endpoint answers.
			if hasSynchronized(from) && (!from.Is(tcp.ReceivedFin) || g.m.Timing.KeepIdle > 0) && !t.Actions.Has(tcp.SendAck) {
				kind := WOPEN
				if ep.Full {
					kind = ZWIN
				}
				if !g.put(n, x, Segment{Kind: kind, AckFin: ackFin, Inc: ep.Inc}, l) {
					return false
				}
			}
		}
	}
	// What no later step can read is cleared: a window known closed once
	// nothing more will be sent, a full buffer once the peer's FIN says
	// nothing more will come.
	if !ep.St.Is(tcp.Writable) && !PendingFIN(ep.St) {
		ep.Blocked = false
	}
	if ep.St.Is(tcp.ReceivedFin) || !ep.St.Is(tcp.HasConnection) {
		ep.Full = false
	}
	return true
}

// waits takes, for endpoint x of n, which step l has just made queue data
// or its FIN behind a window it knows closed, the table's rcv ZERO_WINDOW
// row in its state, as part of the same step, and reports the successor.
// ZERO_WINDOW is the peer's window closing while something is queued;
// queuing on a window already closed is the same situation met from the
// other side, and a real stack answers it the same way as it tries to
// send: it arms the persist timer, and no retransmission timer runs for a
// segment that never left (Linux tcp_check_probe_timer, FreeBSD
// tcp_setpersist).
func (g *successors) waits(n *State, x int, l Label) {
	l.Waits, l.WaitIn = true, n.E[x].St
	g.apply(n, x, tcp.RcvZeroWindow, l, nil)
}
