package assoc

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/sctp"
)

// Property is a guarantee on the association model, checked by the same
// explorer as the TCP model's.
type Property = check.PropertyOf[*Model, State, Succ]

// Properties are the association's guarantees, each with a mutant in the
// tests that breaks it.
var Properties = []Property{
	{ID: "S1", Step: NoOldChunkAccepted},
	{ID: "S2", Step: EndsLegitimately},
	{ID: "S3", Step: TimersStopped},
	{ID: "S4", Step: GracefulEndDeliversData},
	{ID: "S5", State: ShutdownRetransmitted},
	{ID: "S6", State: ShutdownGuarded},
	{ID: "S7", Obligations: 2, Owes: OwesShutdownAnswer, Unmet: ShutdownUnanswered},
}

// Names are the properties' names, by ID.
var Names = map[string]string{
	"S1": "NoOldChunkAccepted",
	"S2": "AssociationEndsLegitimately",
	"S3": "TimersStoppedAtClose",
	"S4": "GracefulEndDeliversData",
	"S5": "ShutdownRetransmitted",
	"S6": "ShutdownGuarded",
	"S7": "ShutdownEnds",
}

// NoOldChunkAccepted (S1): no chunk of one association is accepted by an
// endpoint that holds another, with no TIME_WAIT anywhere. Accepted means
// the table moved on it (a transition, possibly to the same state, with
// its actions); a chunk dropped by the tag check (WRONG_TAG) or ignored is
// not accepted. An INIT is not an association's chunk (tag 0, 8.5.1 A),
// and a chunk reaching CLOSED is out of the blue (8.4): neither counts.
func NoOldChunkAccepted(m *Model, from *State, su *Succ) string {
	l := &su.Label
	if l.Kind != Deliver && l.Kind != DeliverCopy || l.Verdict != sctp.Move {
		return ""
	}
	e := from.E[l.End]
	if e.St == sctp.Closed || l.Chunk.Kind == Init || l.Chunk.Assoc == e.Assoc {
		return ""
	}
	return fmt.Sprintf("%s in %s of association %d accepted %s of association %d as %s", endName[l.End], e.St, e.Assoc, l.Chunk, l.Chunk.Assoc, l.Event)
}

// EndsLegitimately (S2): an association ends (its endpoint enters CLOSED
// from another state) only by SHUTDOWN COMPLETE sent or received, an ABORT
// sent or received, the expiry of a timer the spec declares giveup, or the
// user's own SHUTDOWN or ABORT call.
func EndsLegitimately(m *Model, from *State, su *Succ) string {
	l := &su.Label
	if l.Verdict != sctp.Move || l.From == sctp.Closed || l.To != sctp.Closed {
		return ""
	}
	switch {
	case l.Actions.Has(sctp.SendShutdownComplete), l.Actions.Has(sctp.SendAbort):
		return ""
	case l.Event == sctp.RcvShutdownComplete, l.Event == sctp.RcvAbort:
		return ""
	case l.Kind == Fire && m.GiveUp[l.Event.Timer()]:
		return ""
	case l.Kind == App && (l.Event == sctp.AppShutdown || l.Event == sctp.AppAbort):
		return ""
	}
	return fmt.Sprintf("%s's association %d ended by %s in %s: not SHUTDOWN COMPLETE, ABORT, a giveup timer or the user", endName[l.End], from.E[l.End].Assoc, l.Event, l.From)
}

// TimersStopped (S3): a step that ends an association stops every timer
// that was running: the table says so itself, since the TCB that holds
// them is deleted (a timer the table leaves running would fire on nothing).
func TimersStopped(m *Model, from *State, su *Succ) string {
	l := &su.Label
	if l.Verdict != sctp.Move || l.From == sctp.Closed || l.To != sctp.Closed {
		return ""
	}
	running := from.E[l.End].Timers
	if l.Kind == Fire {
		running &^= 1 << (l.Event.Timer() - 1) // the timer that fired runs no more
	}
	var left []string
	for t := sctp.Timer(1); t < sctp.NumTimers; t++ {
		bit := uint8(1) << (t - 1)
		if running&bit != 0 && !l.Actions.Has(t.StopAction()) {
			left = append(left, t.String())
		}
	}
	if len(left) == 0 {
		return ""
	}
	return fmt.Sprintf("%s's association %d ended by %s in %s with %v still running", endName[l.End], from.E[l.End].Assoc, l.Event, l.From, left)
}

// timerRuns reports whether timer t runs at endpoint e.
func timerRuns(e *Endpoint, t sctp.Timer) bool { return e.Timers&(1<<(t-1)) != 0 }

// GracefulEndDeliversData (S4): an association that ends gracefully, by
// SHUTDOWN COMPLETE sent or received, leaves no DATA of the ending
// endpoint unacknowledged: SHUTDOWN waits for all outstanding data (RFC
// 9260 9.2).
func GracefulEndDeliversData(m *Model, from *State, su *Succ) string {
	l := &su.Label
	if l.Verdict != sctp.Move || l.From == sctp.Closed || l.To != sctp.Closed {
		return ""
	}
	graceful := l.Actions.Has(sctp.SendShutdownComplete) || l.Event == sctp.RcvShutdownComplete
	if !graceful || !from.E[l.End].Outstanding {
		return ""
	}
	return fmt.Sprintf("%s's association %d ended gracefully by %s in %s with DATA unacknowledged", endName[l.End], from.E[l.End].Assoc, l.Event, l.From)
}

// ShutdownRetransmitted (S5): while a SHUTDOWN or SHUTDOWN ACK waits for
// its answer (SHUTDOWN_SENT, SHUTDOWN_ACK_SENT), T2-shutdown runs to
// resend it and the Association.Max.Retrans limit runs to give up: every
// SHUTDOWN is answered or its sender gives up. The model is untimed, so
// this is the invariant that makes it so, not the liveness itself.
func ShutdownRetransmitted(m *Model, s *State, stuck bool) string {
	for x := range 2 {
		e := &s.E[x]
		if e.St != sctp.ShutdownSent && e.St != sctp.ShutdownAckSent {
			continue
		}
		if !timerRuns(e, sctp.T2ShutdownTimer) || !timerRuns(e, sctp.MaxRetransTimer) {
			return fmt.Sprintf("%s waits in %s without t2_shutdown and max_retrans both running", endName[x], e.St)
		}
	}
	return ""
}

// ShutdownGuarded (S6): in SHUTDOWN_SENT, T5-shutdown-guard runs, so that
// the shutdown its endpoint began is bounded (RFC 9260 9.2).
func ShutdownGuarded(m *Model, s *State, stuck bool) string {
	for x := range 2 {
		if e := &s.E[x]; e.St == sctp.ShutdownSent && !timerRuns(e, sctp.T5ShutdownGuardTimer) {
			return fmt.Sprintf("%s is in SHUTDOWN_SENT without t5_shutdown_guard", endName[x])
		}
	}
	return ""
}

// OwesShutdownAnswer (S7, liveness): under the fairness that every timer
// that runs, and whose expiry the table acts on, eventually fires (Model's
// Pending and Meets), an endpoint in SHUTDOWN_SENT or SHUTDOWN_ACK_SENT
// eventually leaves it: its SHUTDOWN or SHUTDOWN ACK is answered, or T2
// gives up after Association.Max.Retrans, or T5 ends the shutdown (RFC
// 9260 9.2). S5 and S6 are the invariants behind it; S7 is the property
// itself, which the untimed model can state because its fairness is on
// timers rather than on time. Endpoint x owes it while it waits in either
// state; the tag is its association, which cannot change while it waits.
func OwesShutdownAnswer(m *Model, s *State, x int) uint8 {
	if e := &s.E[x]; e.St == sctp.ShutdownSent || e.St == sctp.ShutdownAckSent {
		return e.Assoc
	}
	return 0
}

// ShutdownUnanswered says what S7 found never met.
func ShutdownUnanswered(s *State, x int) string {
	return fmt.Sprintf("%s waits in %s for ever, though every timer it runs keeps firing: its shutdown is neither answered nor given up", endName[x], s.E[x].St)
}
