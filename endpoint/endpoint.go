package endpoint

import (
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Options are the choices an application makes for its socket.
type Options struct {
	// KeepAlive turns keep-alive on (SO_KEEPALIVE): RFC 9293 3.8.4 has it
	// off unless the application asks.
	KeepAlive bool
	// RcvWnd is the receive window advertised; 0 means 65535.
	RcvWnd uint32
	// Held keeps the socket held by its application whatever it calls:
	// close(), close() with unread data and abort do not make it an
	// orphan, so a timer the spec arms only for orphans (the FIN_WAIT_2
	// flush) runs only where the profile runs it for held sockets too,
	// and data after a close is classified as data. It is for a driver
	// that sees the wire and not the calls: a FIN out of close() and one
	// out of shutdown() look the same, and package track, which reads the
	// calls off a capture, takes every socket as held rather than guess.
	Held bool
}

// Endpoint is one side of a TCP connection run by the table under a
// profile: its state, sequence variables, and timers as deadlines on the
// clock it was given. It is not safe for concurrent use.
type Endpoint struct {
	profile  tcp.Profile
	opts     Options
	clock    func() time.Time
	vars     Vars
	deadline [tcp.NumTimers]time.Time // zero: not running
	expiries [tcp.NumTimers]uint8     // since each timer was started: its Profile.Interval
	issSet   bool                     // SetISS chose the next ISS
}

// New returns an Endpoint in CLOSED under profile p. clock tells the time
// when a call or segment arms a timer; Advance fires the timers.
func New(p tcp.Profile, opts Options, clock func() time.Time) *Endpoint {
	if opts.RcvWnd == 0 {
		opts.RcvWnd = 65535
	}
	e := &Endpoint{profile: p, opts: opts, clock: clock}
	e.vars.State = tcp.Closed
	e.vars.RcvWnd = opts.RcvWnd
	return e
}

// Join returns an Endpoint already in state s, with no timer running and
// its sequence variables unknown (zero), under profile p. It exists for a
// driver that takes up a connection whose past it did not see: a capture
// that begins mid-connection, or a new incarnation of a 4-tuple whose side
// the last one left in TIME_WAIT. What armed the timers then is not known,
// so none runs until a transition arms one. An invalid s is taken as
// CLOSED, as New starts.
func Join(p tcp.Profile, opts Options, clock func() time.Time, s tcp.State) *Endpoint {
	e := New(p, opts, clock)
	if s.Valid() {
		e.vars.State = s
	}
	return e
}

// State returns the connection's state.
func (e *Endpoint) State() tcp.State { return e.vars.State }

// Vars returns the connection's sequence variables.
func (e *Endpoint) Vars() Vars { return e.vars }

// Profile returns the profile the endpoint runs under.
func (e *Endpoint) Profile() tcp.Profile { return e.profile }

// SetISS sets the initial sequence number the next SYN or SYN,ACK takes;
// without it the clock chooses one (RFC 9293 3.4.1, a 4 microsecond
// counter).
func (e *Endpoint) SetISS(iss uint32) { e.vars.ISS = iss; e.issSet = true }

// Deadline returns when timer t fires, or ok=false when it is not running.
func (e *Endpoint) Deadline(t tcp.Timer) (time.Time, bool) {
	if !t.Valid() || e.deadline[t].IsZero() {
		return time.Time{}, false
	}
	return e.deadline[t], true
}

// Next returns the earliest deadline of the running timers, or ok=false
// when none runs: when the caller should call Advance.
func (e *Endpoint) Next() (time.Time, bool) {
	var next time.Time
	for t := tcp.Timer(1); t < tcp.NumTimers; t++ {
		if d := e.deadline[t]; !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	return next, !next.IsZero()
}

// Connect is connect(): an active open.
func (e *Endpoint) Connect(out *Output) error { return e.call(tcp.AppOpenActive, out) }

// Listen is listen(): a passive open.
func (e *Endpoint) Listen(out *Output) error { return e.call(tcp.AppOpenPassive, out) }

// Close is close(): the application sends no more and lets go of the
// socket, which is an orphan from then on (unless Options.Held).
func (e *Endpoint) Close(out *Output) error { return e.call(tcp.AppClose, out) }

// CloseUnread is close() with received data not yet read: a RST instead
// of a FIN (RFC 2525 2.17).
func (e *Endpoint) CloseUnread(out *Output) error { return e.call(tcp.AppCloseUnread, out) }

// Shutdown is shutdown(SHUT_WR): a FIN, but the application keeps the
// socket and keeps receiving.
func (e *Endpoint) Shutdown(out *Output) error { return e.call(tcp.AppShutdown, out) }

// Abort is abort, or close() with SO_LINGER {on, 0}: a RST and no
// TIME_WAIT.
func (e *Endpoint) Abort(out *Output) error { return e.call(tcp.AppAbort, out) }

func (e *Endpoint) call(ev tcp.Event, out *Output) error {
	out.Reset()
	e.step(ev, nil, out)
	return out.Err
}

// Apply steps the table with event ev, chosen by the caller, at the
// clock's time, and carries out the move as a call, a segment or Advance
// does: the state, the timers, the signals, and the segments the table
// says to send (with the endpoint's own sequence numbers). It returns the
// table's transition: a Reject or Ignore moves nothing (out.Err says why
// a call was rejected), though an expiry has still taken its timer off.
//
// It exists for a driver that decides the events itself rather than
// leaving it to the Endpoint: package track reads a side's calls off
// what it sent, and classifies what it received on sequence variables
// gathered from both directions of a capture, then steps the side here so
// that the timers follow the same runtime rules as every Endpoint's. A
// segment's event applied here updates no sequence variable, since there
// is no segment. A timer's expiry is that timer firing now, as Advance
// fires it: its deadline is cleared and the expiry counted. ok is false,
// and nothing changes, for an invalid event and for the expiry of a timer
// that is not running, which cannot fire.
func (e *Endpoint) Apply(ev tcp.Event, out *Output) (tcp.Transition, bool) {
	out.Reset()
	if t := ev.Timer(); t.Valid() {
		if e.deadline[t].IsZero() {
			return tcp.Transition{}, false
		}
		e.fire(t)
	}
	return e.step(ev, nil, out)
}

// Receive takes segment seg from the peer: it classifies it (Inspect),
// steps the table with each of its events, and answers a segment dropped
// before the table as RFC 9293 3.10.7 says.
func (e *Endpoint) Receive(seg Segment, out *Output) {
	out.Reset()
	c := Inspect(seg, e.vars)
	out.Reply = c.Reply
	switch c.Reply {
	case ReplyAck:
		out.send(Segment{Flags: ACK, Seq: e.vars.SndNxt, Ack: e.vars.RcvNxt, Window: e.vars.RcvWnd})
	case ReplyRst:
		out.send(resetFor(seg))
	}
	for i := range c.N {
		e.step(c.Events[i], &seg, out)
	}
}

// Advance fires, earliest first, every timer whose deadline is not after
// now. A timer that a transition stops or restarts on the way is fired
// only if its new deadline is also due.
func (e *Endpoint) Advance(now time.Time, out *Output) {
	out.Reset()
	for out.nSteps < MaxSteps {
		var due tcp.Timer
		for t := tcp.Timer(1); t < tcp.NumTimers; t++ {
			d := e.deadline[t]
			if !d.IsZero() && !d.After(now) && (due == 0 || d.Before(e.deadline[due])) {
				due = t
			}
		}
		if due == 0 {
			return
		}
		e.fire(due)
		e.step(due.Expiry(), nil, out)
	}
}

// fire takes timer t off the clock as it expires, counting the expiry for
// the interval it is armed with next.
func (e *Endpoint) fire(t tcp.Timer) {
	e.deadline[t] = time.Time{}
	if e.expiries[t] < maxExpiries {
		e.expiries[t]++
	}
}

// step takes one event through the table and carries out its actions.
// It returns the table's transition, or ok=false for an invalid event.
func (e *Endpoint) step(ev tcp.Event, seg *Segment, out *Output) (tcp.Transition, bool) {
	v := &e.vars
	from := v.State
	t, ok := e.profile.Step(from, ev)
	if !ok {
		return t, false
	}
	out.record(Step{Event: ev, From: from, To: t.Next, Verdict: t.Verdict, Rule: t.Rule})
	out.Signals |= t.Actions & tellActions
	switch t.Verdict {
	case tcp.Reject:
		out.Err = callError(t.Actions)
		return t, true
	case tcp.Ignore:
		return t, true
	}
	if seg != nil {
		e.take(*seg, from, t.Next)
	}
	if (t.Next == tcp.SynSent || t.Next == tcp.SynReceived) && from != tcp.SynSent && from != tcp.SynReceived {
		e.newISS()
	}
	v.State = t.Next
	if !e.opts.Held && (ev == tcp.AppClose || ev == tcp.AppCloseUnread || ev == tcp.AppAbort) {
		v.Orphan = true // the application let go: data is unread, fin_wait_2 may flush
	}
	e.sends(t.Actions, seg, out)
	e.timers(t.Actions, ev.Timer())
	if !t.Next.Is(tcp.HasConnection) {
		e.forget()
	}
	return t, true
}

// take updates the sequence variables from a segment the table moved on.
func (e *Endpoint) take(seg Segment, from, to tcp.State) {
	v := &e.vars
	// A SYN that opens a connection (LISTEN, SYN_SENT, or TIME_WAIT reopened)
	// gives IRS, and RCV.NXT just past it.
	if seg.Flags&SYN != 0 && from != to && to.Is(tcp.HasConnection) && (!from.Is(tcp.Synchronized) || to == tcp.SynReceived) {
		v.IRS, v.RcvNxt = seg.Seq, seg.Seq+1
	}
	if seg.Flags&ACK != 0 && seqLT(v.SndUna, seg.Ack) && seqLE(seg.Ack, v.SndNxt) {
		v.SndUna = seg.Ack
	}
	if seg.Flags&(ACK|SYN) != 0 {
		v.SndWnd = seg.Window
	}
	if seg.Flags&SYN == 0 && seg.Seq == v.RcvNxt {
		v.RcvNxt += seg.Len
		if seg.Flags&FIN != 0 && to.Is(tcp.ReceivedFin) {
			v.RcvNxt++
		}
	}
}

func (e *Endpoint) newISS() {
	v := &e.vars
	if !e.issSet {
		v.ISS = uint32(e.clock().UnixNano() / 4000)
	}
	e.issSet = false
	v.SndUna, v.SndNxt, v.FinSent = v.ISS, v.ISS, false
}

// forget clears what a connection kept once it is CLOSED (or back to
// LISTEN): its timers and the facts about it.
func (e *Endpoint) forget() {
	e.deadline = [tcp.NumTimers]time.Time{}
	e.expiries = [tcp.NumTimers]uint8{}
	e.vars = Vars{State: e.vars.State, RcvWnd: e.opts.RcvWnd, ISS: e.vars.ISS}
}

// sends builds the segments the actions send, with the sequence and
// acknowledgment numbers of the TCB.
func (e *Endpoint) sends(a tcp.Action, seg *Segment, out *Output) {
	v := &e.vars
	if a.Has(tcp.SendSyn) {
		v.SndNxt = v.ISS + 1
		out.send(Segment{Flags: SYN, Seq: v.ISS, Window: v.RcvWnd})
	}
	if a.Has(tcp.SendSynAck) {
		v.SndNxt = v.ISS + 1
		out.send(Segment{Flags: SYN | ACK, Seq: v.ISS, Ack: v.RcvNxt, Window: v.RcvWnd})
	}
	if a.Has(tcp.SendAck) {
		out.send(Segment{Flags: ACK, Seq: v.SndNxt, Ack: v.RcvNxt, Window: v.RcvWnd})
	}
	if a.Has(tcp.SendFin) {
		if !v.FinSent {
			v.SndNxt++
			v.FinSent = true
		}
		out.send(Segment{Flags: FIN | ACK, Seq: v.SndNxt - 1, Ack: v.RcvNxt, Window: v.RcvWnd})
	}
	if a.Has(tcp.SendRst) {
		if seg != nil {
			out.send(resetFor(*seg))
		} else {
			out.send(Segment{Flags: RST | ACK, Seq: v.SndNxt, Ack: v.RcvNxt})
		}
	}
	if a.Has(tcp.SendProbe) {
		out.send(Segment{Flags: ACK, Seq: v.SndUna - 1, Ack: v.RcvNxt, Window: v.RcvWnd})
	}
}

// resetFor is the RST that answers seg (RFC 9293 3.10.7.1): with the
// sequence number its ACK asks for, or, without an ACK, at 0 and
// acknowledging it.
func resetFor(seg Segment) Segment {
	if seg.Flags&ACK != 0 {
		return Segment{Flags: RST, Seq: seg.Ack}
	}
	return Segment{Flags: RST | ACK, Ack: seg.Seq + seg.SeqLen()}
}

// timers carries out the timer actions: stop, restart from the full
// interval, or start if stopped. A timer restarted by its own expiry
// (fired) is armed for its next interval (it backs off, or a keep-alive
// probe follows the first at keepalive_interval); any other start or
// restart begins again from its first.
func (e *Endpoint) timers(a tcp.Action, fired tcp.Timer) {
	for t := tcp.Timer(1); t < tcp.NumTimers; t++ {
		switch a.TimerOp(t) {
		case tcp.StopTimer:
			e.deadline[t], e.expiries[t] = time.Time{}, 0
		case tcp.RestartTimer:
			if t != fired {
				e.expiries[t] = 0
			}
			e.arm(t)
		case tcp.StartTimer:
			if e.deadline[t].IsZero() {
				e.expiries[t] = 0
				e.arm(t)
			}
		}
	}
}

// arm sets timer t running for its interval in the current state, if the
// spec runs it for this socket at all.
func (e *Endpoint) arm(t tcp.Timer) {
	if !e.profile.Runs(t, e.socket()) {
		e.deadline[t] = time.Time{}
		return
	}
	d := e.profile.Interval(t, e.vars.State, e.socket(), int(e.expiries[t]))
	if t.Doubles() {
		d = min(d, maxBackedOff)
	}
	if d <= 0 {
		e.deadline[t] = time.Time{}
		return
	}
	e.deadline[t] = e.clock().Add(d)
}
