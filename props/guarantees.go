package props

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

var sides = [2]string{"A (client)", "B (server)"}

// NoNewIncarnationDuring2MSL is P1: an endpoint in TIME_WAIT leaves it for
// a new incarnation only through the reopen rule, on a SYN whose sequence
// numbers lie above everything the old incarnation used (RFC 9293 3.6.1
// MAY-2, RFC 1122 4.2.2.13, RFC 6191).
var NoNewIncarnationDuring2MSL = check.Property{ID: "P1", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if l.Kind != model.Deliver && l.Kind != model.DeliverCopy {
		return ""
	}
	x := l.End
	before, after := from.E[x], su.Next.E[x]
	if before.St != tcp.TimeWait || after.St == tcp.TimeWait || after.St == tcp.Closed || l.Seg.Kind != model.SYN {
		return ""
	}
	if l.Seg.Inc > before.Inc && from.HigherSeq(l.Seg.Inc) {
		return ""
	}
	return fmt.Sprintf("%s left TIME_WAIT of incarnation %d for %s on a SYN of incarnation %d whose sequence numbers do not lie above the old ones",
		sides[x], before.Inc, after.St, l.Seg.Inc)
}}

// OnlyActiveCloserTimeWaits is P4: only an endpoint that sent its FIN
// before it received its peer's (or both, in a simultaneous close) enters
// TIME_WAIT (RFC 9293 3.6).
var OnlyActiveCloserTimeWaits = check.Property{ID: "P4", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	for x := range su.Next.E {
		if su.Next.E[x].St == tcp.TimeWait && from.E[x].St != tcp.TimeWait && !su.Next.E[x].Closer {
			return fmt.Sprintf("%s entered TIME_WAIT from %s without having sent its FIN first", sides[x], from.E[x].St)
		}
	}
	return ""
}}

// CloseWaitEndsOnlyByApplication is P5: CLOSE_WAIT is left only by the
// application's close, shutdown or abort, or by a RST; no timer ends it (a
// CLOSE_WAIT that never ends is an application that never calls close()).
// Qualification: R2 and the user timeout would end it while data or
// keep-alive probes go unanswered (RFC 9293 3.8.3, 3.8.4); the model's
// applications send no data and keep-alive is off by default, so neither
// runs there.
var CloseWaitEndsOnlyByApplication = check.Property{ID: "P5", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	for x := range su.Next.E {
		if from.E[x].St != tcp.CloseWait || su.Next.E[x].St == tcp.CloseWait {
			continue
		}
		if l.End == x && (l.Kind == model.App || l.Event == tcp.RcvRst) {
			continue
		}
		return fmt.Sprintf("%s left CLOSE_WAIT for %s on %s", sides[x], su.Next.E[x].St, l.Event)
	}
	return ""
}}

// OrphanFinWait2Flushed is P6: where the profile has a FIN_WAIT_2 flush, an
// orphaned FIN_WAIT_2 (its application has closed it) has the flush timer
// running, and the timer ends the state; a FIN_WAIT_2 the application
// still holds has no such bound unless the profile flushes held ones too.
var OrphanFinWait2Flushed = check.Property{
	ID: "P6",
	State: func(m *model.Model, s *model.State, stuck bool) string {
		if m.Timing.FinWait2 == 0 {
			return ""
		}
		for x, e := range s.E {
			if e.St == tcp.FinWait2 && (!e.Held || m.Timing.FlushHeld) && !e.Running(tcp.FinWait2Timer) {
				what := "an orphaned"
				if e.Held {
					what = "a held"
				}
				return fmt.Sprintf("%s is %s FIN_WAIT_2 with no flush timer running", sides[x], what)
			}
		}
		return ""
	},
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		l := su.Label
		if l.Kind == model.Fire && l.Event == tcp.TimeoutFinWait2 && from.E[l.End].St == tcp.FinWait2 && su.Next.E[l.End].St == tcp.FinWait2 {
			return fmt.Sprintf("%s's flush timer expired and FIN_WAIT_2 went on", sides[l.End])
		}
		return ""
	},
}

// ModelChecked lists the properties fsmgen check explores the model for,
// in order.
var ModelChecked = []check.Property{NoNewIncarnationDuring2MSL, EveryFINAcked, NoOldSegmentAccepted, OnlyActiveCloserTimeWaits,
	CloseWaitEndsOnlyByApplication, OrphanFinWait2Flushed, NoDeadlock, GracefulCloseNeverReset}

// synchronized: states in which an endpoint processes a FIN (RFC 9293
// 3.10.7.4); SYN_SENT drops one (3.10.7.3 fifth).
func synchronized(s tcp.State) bool {
	return s != tcp.Closed && s != tcp.Listen && s != tcp.SynSent
}

// EveryFINAcked is P2: every FIN gets an ACK. Its safety half: a FIN that
// reaches a synchronized endpoint of its own incarnation is ACKed, never
// answered by RST (RFC 9293 3.10.7.4 eighth). Its liveness half: under
// fairness (time passes, so every segment not lost is delivered within
// the MSL and every timer that runs out fires; losses are bounded) every
// FIN sent is eventually ACKed, or its sender gives up: by R2 or the user
// timeout (RFC 9293 3.8.3), by its application's abort, or on a RST. No
// endpoint waits for ever with its FIN unacknowledged.
var EveryFINAcked = check.Property{
	ID: "P2",
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		l := su.Label
		if (l.Kind != model.Deliver && l.Kind != model.DeliverCopy) || l.Seg.Kind != model.FIN {
			return ""
		}
		r := from.E[l.End]
		if !synchronized(r.St) || r.Inc != l.Seg.Inc || l.Event == 0 {
			return ""
		}
		if l.Actions.Has(tcp.SendRst) || !l.Actions.Has(tcp.SendAck) {
			return fmt.Sprintf("%s in %s answered a FIN of its incarnation with %s, not an ACK", sides[l.End], r.St, l.Actions)
		}
		return ""
	},
	// Obligation x: endpoint x has sent a FIN not yet ACKed; the tag is its
	// incarnation, so a FIN of a later connection is another obligation.
	Obligations: 2,
	Owes: func(m *model.Model, s *model.State, x int) uint8 {
		if model.PendingFIN(s.E[x].St) {
			return s.E[x].Inc
		}
		return 0
	},
	Unmet: func(s *model.State, x int) string {
		return fmt.Sprintf("%s waits for ever in %s: its FIN is never ACKed, and nothing gives up", sides[x], s.E[x].St)
	},
}

// NoOldSegmentAccepted is P3: no segment of an earlier incarnation is
// accepted by a later one: none moves it to another state or reaches its
// application (RFC 9293 3.4.1, 3.6.1: TIME_WAIT lasts 2 MSL so that old
// duplicates die first). Old segments are classified like current ones
// (their sequence numbers may fall in the new window), but
// acknowledgments are exact: an old segment acknowledges nothing the new
// incarnation sent.
//
// Qualifications, each a case TIME_WAIT cannot guard and the choice of
// sequence numbers (RFC 9293 3.4.1, not represented) must: segments of an
// incarnation that was aborted, flushed by a timer or reset before its
// close completed, which skipped TIME_WAIT by design (RFC 9293 3.10.5,
// 3.10.7.4 second); and stray RSTs, sent by an endpoint without a
// connection in answer to an old segment (RFC 9293 3.10.7.1), which are
// made after the incarnation let go and so outlive any TIME_WAIT. A RST
// that ends TIME_WAIT itself is none of these: the close had completed,
// and what follows is exactly the hazard of RFC 1337.
//
// Known weakness, which a profile may declare as a finding: TIME-WAIT
// assassination (RFC 1337 hazard H1). Where a RST may end TIME_WAIT, a
// RST answering an old duplicate cuts it short, and the next incarnation
// takes a segment TIME_WAIT was there to let die. A violation whose old
// segment belongs to an incarnation whose TIME_WAIT was cut is that
// weakness; any other is not.
var NoOldSegmentAccepted = check.Property{ID: "P3", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if !model.Accepted(l) {
		return ""
	}
	r := from.E[l.End]
	if r.St == tcp.Closed || r.St == tcp.Listen || l.Seg.Inc >= r.Inc || r.Inc&model.Zombie != 0 || from.Unguarded(l.Seg) {
		return ""
	}
	return fmt.Sprintf("%s in %s of incarnation %d accepted %s of incarnation %d as %s: %s -> %s",
		sides[l.End], r.St, r.Inc, l.Seg, l.Seg.Inc, l.Event, l.From, l.To)
}, ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
	return from.WasCut(su.Label.Seg.Inc)
}}

// NoDeadlock is P7: every reachable state is final (both endpoints closed
// or listening, nothing in flight, no timer running) or can move. A state
// stuck only for want of room in a bounded channel is a limit of the
// bounds, not a deadlock.
//
// Known weakness, which a profile may declare as a finding: an orphaned
// FIN_WAIT_2 with no flush timer (RFC 9293 has none: 3.6). When the peer
// aborts and its RST is lost, nothing ends it. A stuck state with such an
// endpoint is that weakness; any other is not.
var NoDeadlock = check.Property{ID: "P7", State: func(m *model.Model, s *model.State, stuck bool) string {
	if !stuck {
		return ""
	}
	for x, e := range s.E {
		if e.St != tcp.Closed && e.St != tcp.Listen {
			return fmt.Sprintf("nothing can happen any more, and %s is left in %s", sides[x], e.St)
		}
	}
	return ""
}, ExcusedState: func(m *model.Model, s *model.State, stuck bool) bool {
	for _, e := range s.E {
		if e.St == tcp.FinWait2 && !e.Held && !e.Running(tcp.FinWait2Timer) {
			return true
		}
	}
	return false
}}

// GracefulCloseNeverReset is P8: in an incarnation that nobody aborted and
// no timer flushed, no RST ends an endpoint in the middle of its close (a
// FIN sent or received, not both ACKed): the "connection reset" an
// application sees when TIME_WAIT is missing (RFC 9293 3.6.1: TIME_WAIT
// re-ACKs a retransmitted FIN whose ACK was lost). TIME_WAIT itself, where
// both FINs are ACKed, is P3's and RFC 1337's concern; a RST during the
// handshake or the data transfer is not a close. Qualification: an
// incarnation that took in a segment P3 does not cover (an unguarded one,
// see model.State.Unguarded) is not covered either, since what follows
// from it is for sequence-number choice, not TIME_WAIT, to prevent.
//
// Known weakness, which a profile may declare as a finding: TIME-WAIT
// assassination (RFC 1337) and what it goes on to do. Where a RST may end
// TIME_WAIT, an old RST cuts short the TIME_WAIT of one side of a
// simultaneous close, and the other side, still in CLOSING, meets a RST
// when its FIN is resent; or a RST cuts short the TIME_WAIT of one
// connection, the next takes in its old FIN, and closing on it ends in a
// RST. A violation in an incarnation whose TIME_WAIT was cut, or that took
// in a segment of one whose TIME_WAIT was, is that weakness; any other is
// not.
var GracefulCloseNeverReset = check.Property{ID: "P8", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if (l.Kind != model.Deliver && l.Kind != model.DeliverCopy) || l.Event != tcp.RcvRst {
		return ""
	}
	r := from.E[l.End]
	switch r.St {
	case tcp.FinWait1, tcp.FinWait2, tcp.Closing, tcp.CloseWait, tcp.LastAck:
	default:
		return "" // not in a close: a handshake, data transfer, or TIME_WAIT with both FINs ACKed
	}
	if r.Inc != l.Seg.Inc || r.Inc&model.Zombie != 0 || from.SkippedTimeWait(r.Inc) || from.WasTainted(r.Inc) || l.To == l.From {
		return ""
	}
	return fmt.Sprintf("%s in %s was reset during a graceful close of incarnation %d", sides[l.End], r.St, r.Inc)
}, ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
	inc := from.E[su.Label.End].Inc
	return from.WasCut(inc) || from.WasDerailed(inc)
}}
