package track

import (
	"time"

	"github.com/tcpfsm/tcpfsm/endpoint"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// silentTimers are the timers whose expiry leaves nothing on the wire and
// so must be run on the capture's clock: TIME_WAIT and the FIN_WAIT_2
// flush end quietly. The others show themselves (a retransmission is a
// resent segment, a persist timer a probe) or give up, which the capture
// shows only as silence and track does not guess at: their Endpoint arms
// them, but track never fires them.
var silentTimers = []tcp.Timer{tcp.TimeWaitTimer, tcp.FinWait2Timer}

// heldSocket is how track takes every socket to be held: a capture cannot
// tell close() from shutdown(), nor see a socket option, so a side is
// neither an orphan (Held: a FIN it sends does not let go of the socket)
// nor asked for keep-alive. The spec's arm declarations (Profile.Runs)
// then say which timers run: the FIN_WAIT_2 flush only under a profile
// that flushes held sockets too.
var heldSocket = endpoint.Options{Held: true}

// join starts x's Endpoint in state s under profile p, on the capture's
// clock: start, the time of the capture's first packet, plus x.now.
func (x *side) join(p *tcp.Profile, start time.Time, s tcp.State) {
	x.start = start
	x.ep = endpoint.Join(*p, heldSocket, x.clock, s)
}

// clock is the time at which x's Endpoint takes its current event.
func (x *side) clock() time.Time { return x.start.Add(x.now) }

// apply steps the event e that track inferred for x at time at (since the
// capture's start) through x's Endpoint, which arms, stops and times the
// timers by the runtime rules.
func (x *side) apply(e tcp.Event, at time.Duration) (tcp.Transition, bool) {
	x.now = at
	return x.ep.Apply(e, &x.out)
}

// due returns the earliest silent timer of x that is due at or before
// until, with its deadline since the capture's start.
func (x *side) due(until time.Duration) (tcp.Timer, time.Duration, bool) {
	var best tcp.Timer
	var when time.Duration
	for _, t := range silentTimers {
		d, ok := x.ep.Deadline(t)
		if !ok {
			continue
		}
		if at := d.Sub(x.start); at <= until && (best == 0 || at < when) {
			best, when = t, at
		}
	}
	return best, when, best != 0
}
