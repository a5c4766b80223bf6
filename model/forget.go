package model

import (
	"slices"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Dead fields. A field of a state is dead when no step from the state, and
// no step after it, can read the field's value before something writes it
// afresh, and no property reads it either. Two states that differ only in
// dead fields have the same futures, step for step, and the same verdicts:
// Forget resets dead fields to a canonical value (false or 0), so such
// states are one state. The explorer sees fewer states and loses nothing.
//
// Each rule below names a field, who reads it, and when nothing can read
// it any more. A field added to Endpoint or State that goes dead at some
// point gets a rule here, and nowhere else.
//
// Endpoint fields, decided per table state from the table itself (so a
// mutant table gets rules that fit it):
//
//   - Shut is read only when the application calls shutdown(), in a state
//     where the table moves on that call, while the application holds the
//     socket. It is dead once the application let go (Held false: only a
//     fresh connection holds a socket again, and it starts with Shut false)
//     or once no path of the table from the endpoint's state reaches a
//     state that moves on shutdown() (shutAhead). P20 reads it too, through
//     Calls: shutdown() made once is not asked about again. Forgetting it
//     can only make P20 ask about shutdown() in more states, none of which
//     moves on it; that may add a violation, never hide one (the TCP spec
//     shows none: every state it reaches after shutdown() has sent its
//     FIN, where P20 lets the table ignore a second one).
//   - Closer is read by P4 on the step that enters TIME_WAIT. It is dead
//     outside TIME_WAIT once no path of the table reaches TIME_WAIT
//     (closerAhead).
//   - Backoff is read only when a transition restarts the retransmission
//     timer (a start resets it, a stop clears it). It is dead once no path
//     of the table reaches such a transition (backoffAhead).
//
// Paths end at CLOSED and LISTEN, where the endpoint's record starts
// afresh; a path through any event counts, whether or not the model can
// take it, so each rule errs on the side of keeping a field.
//
// State fields:
//
//   - Above bit i (incarnation i chose sequence numbers above the old
//     ones) is read only when incarnation i meets a segment of an earlier
//     incarnation, or its SYN meets an endpoint of an earlier one. Both
//     need something of an incarnation below i, and anything of an
//     incarnation comes from something of that incarnation already present
//     (an endpoint holds it, or a segment carries it). So once no
//     incarnation below i is present, the bit is dead. (Where the table
//     lets an endpoint without a connection send on its own, a segment of
//     incarnation 0 may appear at any time, and the rule is off.)
//   - Losses (the losses left to the incarnation) are read only when a
//     segment in flight is lost or a send finds its channel full, and an
//     open gives the new incarnation a fresh budget. With nothing in
//     flight, and neither endpoint able to send of its own accord (by an
//     application call, a write or a read, or a timer, the persist,
//     keep-alive and user timeout included) on any path of the table, no segment
//     can appear before the next open: Losses are dead (alone).
//   - Spoiled, Reset, Tainted, Cut, Derailed and Reopened bit j of the last
//     incarnation the bounds allow, once it is open: these are read for a
//     segment of j only when an endpoint of a later incarnation takes it
//     in (there is none: a zombie's tag is no incarnation), and for an
//     endpoint of j (P8, and the bits it writes). So once no endpoint
//     holds j and no segment of j in flight can make one hold it (open a
//     connection at an endpoint without one: adopt), they are dead.
//   - The ghost bits of an incarnation nothing belongs to any more are
//     cleared already by canon, which is part of the model itself (the
//     Promela export clears them too).
type deadRules struct {
	shutAhead, closerAhead, backoffAhead [tcp.NumStates]bool
	// alone: from the state, some path of application calls (held) or of
	// timers alone (orphan) sends a segment.
	alone [2][tcp.NumStates]bool
	// adopt: a segment of the kind may open a connection at an endpoint
	// without one, taking its incarnation (begets: or make such a segment).
	adopt  [len(kindNames)]bool
	begets bool
	// zeroTag: an endpoint without a connection may send a segment of
	// incarnation 0 of its own accord (on a timer or an open).
	zeroTag bool
}

// held and orphan index deadRules.alone.
const (
	orphan = 0
	held   = 1
)

// newDeadRules derives the rules of dead fields from m's table.
func newDeadRules(m *Model) deadRules {
	var r deadRules
	restart := tcp.RetransmissionTimer.RestartAction()
	stop := tcp.RetransmissionTimer.StopAction()
	r.shutAhead = m.ahead(func(st tcp.State, e tcp.Event, t tcp.Transition) bool {
		return e == tcp.AppShutdown && t.Verdict == tcp.Move
	})
	r.closerAhead = m.ahead(func(st tcp.State, e tcp.Event, t tcp.Transition) bool {
		return t.Next == tcp.TimeWait && st != tcp.TimeWait
	})
	r.closerAhead[tcp.TimeWait] = true // P4 reads it on the state entered
	r.backoffAhead = m.ahead(func(st tcp.State, e tcp.Event, t tcp.Transition) bool {
		return t.Actions.Has(restart) && !t.Actions.Has(stop)
	})
	var sendsAny tcp.Action
	for _, s := range sends {
		sendsAny |= s.Action
	}
	// The persist timer (Bounds.ZeroWindow), keep-alive (Bounds.KeepAlive)
	// and the user timeout (Bounds.UserTimeout) are modelled apart from
	// the others; they count here as they do, keep-alive and the user
	// timeout where the bounds run them (apartExpiries). Starting persist
	// or keep-alive counts as sending: each sends a PROBE when it expires.
	persist := tcp.PersistTimer.StartAction() | tcp.PersistTimer.RestartAction()
	timerEvents := m.apartExpiries()
	if m.Timing.KeepIdle > 0 {
		persist |= tcp.KeepaliveTimer.StartAction() | tcp.KeepaliveTimer.RestartAction()
	}
	for k := range NumTimers {
		timerEvents = append(timerEvents, timerOf[k].Expiry())
	}
	for h, calls := range [2][]tcp.Event{orphan: timerEvents, held: append(append([]tcp.Event{tcp.AppOpenPassive}, appCallsUnread[:]...), timerEvents...)} {
		r.alone[h] = m.ahead(func(st tcp.State, e tcp.Event, t tcp.Transition) bool {
			return slices.Contains(calls, e) && t.Actions&(sendsAny|persist) != 0
		})
	}
	for k, events := range kindEvents {
		for _, e := range events {
			for _, st := range []tcp.State{tcp.Closed, tcp.Listen, tcp.TimeWait} {
				if opensConnection(st, m.Cell(st, e).Next) {
					r.adopt[k] = true
				}
			}
		}
	}
	r.begets = r.adopt[RST] || r.adopt[RSTACK]
	for _, st := range []tcp.State{tcp.Closed, tcp.Listen} {
		for _, e := range m.modelEvents() {
			if !segmentEvent(e) {
				continue // on its own, it sends in no incarnation or in a new one
			}
			for _, snd := range sends {
				if m.Cell(st, e).Actions.Has(snd.Action) && r.adopt[snd.Kind] {
					r.begets = true
				}
			}
		}
	}
	own := append([]tcp.Event{tcp.AppOpenPassive}, m.apartExpiries()...)
	for k := range NumTimers {
		own = append(own, timerOf[k].Expiry())
	}
	for _, st := range []tcp.State{tcp.Closed, tcp.Listen} {
		for _, e := range own {
			if m.Cell(st, e).Actions&sendsAny != 0 {
				r.zeroTag = true
			}
		}
	}
	return r
}

// ahead reports, per table state, whether some path of the table from it
// takes a step that reads a field (reads). A path goes through the events
// the model makes (modelEvents), and ends where the endpoint's record
// starts afresh: at CLOSED and LISTEN, at an open, and where a segment
// opens a new connection (as apply does).
func (m *Model) ahead(reads func(st tcp.State, e tcp.Event, t tcp.Transition) bool) [tcp.NumStates]bool {
	var a [tcp.NumStates]bool
	events := m.modelEvents()
	for changed := true; changed; {
		changed = false
		for st := tcp.State(1); st < tcp.NumStates; st++ {
			if a[st] {
				continue
			}
			for _, e := range events {
				t := m.Cell(st, e)
				afresh := !t.Next.Is(tcp.HasConnection) || e == tcp.AppOpenActive || segmentEvent(e) && opensConnection(st, t.Next)
				if reads(st, e, t) || !afresh && a[t.Next] {
					a[st], changed = true, true
					break
				}
			}
		}
	}
	return a
}

// modelEvents are the events the model makes: the opens, the
// applications' calls, the modelled timers' expiries and the arrivals of
// segments.
func (m *Model) modelEvents() []tcp.Event {
	out := append(append([]tcp.Event{tcp.AppOpenActive, tcp.AppOpenPassive}, m.apartExpiries()...), appCallsUnread[:]...)
	for k := range NumTimers {
		out = append(out, timerOf[k].Expiry())
	}
	for _, es := range kindEvents {
		for _, e := range es {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// apartExpiries are the expiries of the timers modelled apart from
// Timers: persist, and keepalive and user_timeout where the bounds run
// them.
func (m *Model) apartExpiries() []tcp.Event {
	out := []tcp.Event{tcp.TimeoutPersist}
	if m.Timing.KeepIdle > 0 {
		out = append(out, tcp.TimeoutKeepalive)
	}
	if m.Timing.UserTimeout > 0 {
		out = append(out, tcp.TimeoutUserTimeout)
	}
	return out
}

// segmentEvent reports whether e is the arrival of a segment.
func segmentEvent(e tcp.Event) bool {
	for _, es := range kindEvents {
		if slices.Contains(es, e) {
			return true
		}
	}
	return false
}

// Forget resets the dead fields of s (see deadRules): the fields no later
// step and no property can read any more. Successors applies it to every
// successor of a model that Forgets.
func (m *Model) Forget(s *State) {
	r := &m.dead
	for x := range s.E {
		e := &s.E[x]
		if !e.Held || !r.shutAhead[e.St] {
			e.Shut = false
		}
		if !r.closerAhead[e.St] {
			e.Closer = false
		}
		if !r.backoffAhead[e.St] {
			e.Backoff = 0
		}
	}
	if s.N[0] == 0 && s.N[1] == 0 && !m.sendsAlone(&s.E[A]) && !m.sendsAlone(&s.E[B]) {
		s.Losses = 0
	}
	m.forgetLast(s)
	if s.Above != 0 && !r.zeroTag {
		present := incBit(s.E[A].Inc) | incBit(s.E[B].Inc)
		for d := 0; d < 2; d++ {
			for _, g := range s.segs(d) {
				if g.Inc == 0 {
					return // a segment of no incarnation meets every incarnation as an earlier one
				}
				present |= incBit(g.Inc)
			}
		}
		// Bits above the lowest incarnation present stay: present&-present
		// is the lowest one's bit.
		s.Above &= present &^ (present & -present)
	}
}

// sendsAlone reports whether endpoint e may send a segment with nothing
// arriving: by an application call, a write or a read while it is held,
// or on a timer (its persist and keep-alive timers and user timeout too,
// running or started by a call or a timer).
func (m *Model) sendsAlone(e *Endpoint) bool {
	if e.Persist != 0 || e.KeepAlive != 0 || e.UserTimeout != 0 || e.DataQ || e.FinQ {
		return true
	}
	if e.Held && e.St.Is(tcp.HasConnection) && (m.Bounds.ZeroWindow || int(e.Wrote) < m.Bounds.Data) {
		return true // it may write, or stop and resume reading
	}
	h := orphan
	if e.Held {
		h = held
	}
	return m.dead.alone[h][e.St]
}

// forgetLast clears the ghost bits of the last incarnation the bounds
// allow that no step and no property can read any more (see deadRules).
func (m *Model) forgetLast(s *State) {
	last := uint8(m.Bounds.Incarnations)
	bit := incBit(last)
	if s.NextInc <= last || (s.Spoiled|s.Reset|s.Tainted|s.Cut|s.Derailed|s.Reopened)&bit == 0 || s.E[A].Inc == last || s.E[B].Inc == last {
		return
	}
	for d := 0; d < 2; d++ {
		for _, g := range s.segs(d) {
			if g.Inc == last && (m.dead.adopt[g.Kind] || m.dead.begets) {
				return
			}
		}
	}
	for _, g := range [...]*uint8{&s.Spoiled, &s.Reset, &s.Tainted, &s.Cut, &s.Derailed, &s.Reopened} {
		*g &^= bit
	}
}
