package conform

import (
	"fmt"
	"time"

	"github.com/tcpfsm/tcpfsm/endpoint"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// step is one piece of evidence: what happened to a side, in order.
type step struct {
	at       time.Duration
	events   []tcp.Event // an application call, or a retransmission by timer
	optional bool        // a retransmission by timer: may or may not be what happened
	what     string
	orphans  bool // an application call that lets go of the socket

	// A segment received: the table's events are what endpoint.Inspect
	// makes of it in each state the side may be in, with the sequence
	// variables the trace shows the side had.
	seg  *endpoint.Segment
	vars endpoint.Vars
}

// evidence turns the trace into the steps side x went through: its
// application's calls, the segments it received, and its retransmissions.
func evidence(t *Trace, x Side) ([]step, []tcp.State) {
	var steps []step
	var observed []tcp.State
	// x's sequence variables, numbered as traces number them: from each
	// side's ISN, which a SYN sets anew.
	v := endpoint.Vars{RcvWnd: receiveWindow}
	type sent struct {
		flags string
		seq   uint32
	}
	seen := map[sent]bool{}
	for _, e := range t.Events {
		switch {
		case e.Kind == State && e.Side == x:
			if len(observed) == 0 || observed[len(observed)-1] != e.State {
				observed = append(observed, e.State)
			}
		case e.Kind == Call && e.Side == x:
			c := callEvents[e.Call]
			steps = append(steps, step{at: e.At, events: []tcp.Event{c.event}, what: "app " + e.Call, orphans: c.orphans})
		case e.Kind == Send && e.Side == x:
			g := segment(e.Seg)
			if g.Flags&endpoint.SYN != 0 {
				v.ISS, v.SndUna, v.SndNxt, v.FinSent = g.Seq, g.Seq, g.Seq, false
			}
			if end := g.Seq + g.SeqLen(); int32(end-v.SndNxt) > 0 {
				v.SndNxt = end
			}
			v.FinSent = v.FinSent || g.Flags&endpoint.FIN != 0
			if e.Seg.SYN || e.Seg.FIN {
				k := sent{e.Seg.Flags(), e.Seg.Seq}
				if seen[k] {
					steps = append(steps, step{at: e.At, events: []tcp.Event{tcp.TimeoutRetransmission}, optional: true, what: "retransmits " + e.Seg.Flags()})
				}
				seen[k] = true
			}
		case e.Kind == Send && e.Side == x.Other():
			g := segment(e.Seg)
			steps = append(steps, step{at: e.At, seg: &g, vars: v, what: fmt.Sprintf("receives %s seq=%d ack=%d len=%d", e.Seg.Flags(), e.Seg.Seq, e.Seg.Ack, e.Seg.Len)})
			v = took(v, g)
		}
	}
	return steps, handOver(observed)
}

// receiveWindow stands for the receive window, which traces do not record:
// the scenarios send far less than any window.
const receiveWindow = 1 << 20

// segment is a trace's segment as package endpoint reads it. Traces record
// no window: every segment is taken to advertise an open one.
func segment(g Segment) endpoint.Segment {
	return endpoint.Segment{Flags: endpoint.FlagsOf(g.SYN, g.ACK, g.FIN, g.RST), Seq: g.Seq, Ack: g.Ack, Len: uint32(g.Len), Window: receiveWindow}
}

// took updates the receiver's variables for segment g, received in order
// (the traces are recorded on loopback).
func took(v endpoint.Vars, g endpoint.Segment) endpoint.Vars {
	switch {
	case g.Flags&endpoint.RST != 0:
	case g.Flags&endpoint.SYN != 0:
		v.IRS, v.RcvNxt = g.Seq, g.Seq+1+g.Len
	case g.Seq == v.RcvNxt:
		v.RcvNxt += g.SeqLen()
	}
	if g.Flags&endpoint.ACK != 0 && int32(g.Ack-v.SndUna) > 0 && int32(g.Ack-v.SndNxt) <= 0 {
		v.SndUna = g.Ack
	}
	return v
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
