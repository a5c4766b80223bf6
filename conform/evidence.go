package conform

import (
	"fmt"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// step is one piece of evidence: what happened to a side, in order.
type step struct {
	at       time.Duration
	events   []tcp.Event // a segment may be several events in turn (ACK of our FIN, then data)
	optional bool        // a retransmission by timer: may or may not be what happened
	what     string
	orphans  bool // an application call that lets go of the socket
}

// evidence turns the trace into the steps side x went through: its
// application's calls, the segments it received, and its retransmissions.
func evidence(t *Trace, x Side) ([]step, []tcp.State) {
	var steps []step
	var observed []tcp.State
	finNext := [2]uint32{} // per side: the sequence number after its FIN; 0 while none was sent
	type sent struct {
		flags string
		seq   uint32
	}
	seen := map[sent]bool{}
	orphan := false // x's application has closed its socket: data for it is DATA_AFTER_CLOSE
	for _, e := range t.Events {
		switch {
		case e.Kind == State && e.Side == x:
			if len(observed) == 0 || observed[len(observed)-1] != e.State {
				observed = append(observed, e.State)
			}
		case e.Kind == Call && e.Side == x:
			c := callEvents[e.Call]
			orphan = c.orphans
			steps = append(steps, step{at: e.At, events: []tcp.Event{c.event}, what: "app " + e.Call, orphans: c.orphans})
		case e.Kind == Send && e.Side == x:
			g := e.Seg
			if g.FIN {
				finNext[x] = g.Seq + uint32(g.Len) + 1
			}
			if g.SYN || g.FIN {
				k := sent{g.Flags(), g.Seq}
				if seen[k] {
					steps = append(steps, step{at: e.At, events: []tcp.Event{tcp.TimeoutRetransmission}, optional: true, what: "retransmits " + g.Flags()})
				}
				seen[k] = true
			}
		case e.Kind == Send && e.Side == x.Other():
			steps = append(steps, step{at: e.At, events: received(e.Seg, finNext[x], orphan), what: fmt.Sprintf("receives %s seq=%d ack=%d len=%d", e.Seg.Flags(), e.Seg.Seq, e.Seg.Ack, e.Seg.Len)})
		}
	}
	return steps, handOver(observed)
}

// handOver drops the CLOSED that a poller may see between TIME_WAIT and a
// new SYN_RECEIVED when a SYN reopens TIME_WAIT: Linux destroys the
// time-wait socket and makes a new one for the new incarnation, where the
// table moves TIME_WAIT to SYN_RECEIVED in one step.
func handOver(obs []tcp.State) []tcp.State {
	var out []tcp.State
	for i, s := range obs {
		if s == tcp.Closed && i > 0 && i+1 < len(obs) && obs[i-1] == tcp.TimeWait && obs[i+1] == tcp.SynReceived {
			continue
		}
		out = append(out, s)
	}
	return out
}

// callEvents gives, for each call a trace may name, the table's event and
// whether the call lets go of the socket (orphans it). Read accepts no
// other call.
var callEvents = map[string]struct {
	event   tcp.Event
	orphans bool
}{
	Connect:     {tcp.AppOpenActive, false},
	Listen:      {tcp.AppOpenPassive, false},
	Close:       {tcp.AppClose, true},
	CloseUnread: {tcp.AppCloseUnread, true},
	Shutdown:    {tcp.AppShutdown, false},
	Abort:       {tcp.AppAbort, true},
}

// received classifies a segment for a receiver whose FIN, if it sent one,
// ends before finNext, and whose application may have closed it (orphan).
// A SYN is given as 0: it may be SYN or SYN_HIGHER_SEQ, which sequence
// numbers relative to each ISN cannot tell apart.
func received(g Segment, finNext uint32, orphan bool) []tcp.Event {
	acksFin := g.ACK && finNext != 0 && int32(g.Ack-finNext) >= 0
	switch {
	case g.RST:
		return []tcp.Event{tcp.RcvRst}
	case g.SYN && !g.ACK:
		return []tcp.Event{0}
	case g.SYN && g.Ack != 1:
		// Numbered from the receiver's ISN, the SYN,ACK for its SYN acks 1.
		return []tcp.Event{tcp.RcvSynAckOld}
	case g.SYN:
		return []tcp.Event{tcp.RcvSynAck}
	}
	var out []tcp.Event
	if acksFin && !g.FIN {
		out = append(out, tcp.RcvAckOfFin)
	}
	switch {
	case g.Len > 0 && orphan:
		out = append(out, tcp.RcvDataAfterClose)
	case g.Len > 0:
		out = append(out, tcp.RcvData)
	}
	switch {
	case g.FIN && acksFin:
		out = append(out, tcp.RcvFinAck)
	case g.FIN:
		out = append(out, tcp.RcvFin)
	case len(out) == 0:
		out = append(out, tcp.RcvAck)
	}
	return out
}

// listens reports whether the server application listens: its listening
// socket then outlives each connection it accepts.
func listens(t *Trace) bool {
	for _, e := range t.Events {
		if e.Kind == Call && e.Side == Server && e.Call == Listen {
			return true
		}
	}
	return false
}

// checkpoint requires the table to have passed through observed state
// number index by time at (Slack after it was seen).
type checkpoint struct {
	index    int
	at, seen time.Duration
}

// checkpoints lists, in order, when each observed state of side x (after
// handOver) was first seen.
func checkpoints(t *Trace, x Side, observed []tcp.State) []checkpoint {
	var out []checkpoint
	k := 0
	for _, e := range t.Events {
		if k < len(observed) && e.Kind == State && e.Side == x && e.State == observed[k] {
			out = append(out, checkpoint{index: k, at: e.At + Slack, seen: e.At})
			k++
		}
	}
	return out
}
