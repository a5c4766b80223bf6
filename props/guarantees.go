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
// MAY-2, RFC 1122 4.2.2.13, RFC 6191). The same holds of the client's
// connect() that reuses its own TIME_WAIT (reuse_own_time_wait): the new
// incarnation's sequence numbers must lie above the old ones (RFC 6191
// tells them apart by timestamps, which the model reads as Label.Above).
var NoNewIncarnationDuring2MSL = check.Property{ID: "P1", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if l.Kind == model.App && l.Event == tcp.AppOpenActive && l.From == tcp.TimeWait && !l.Above {
		return fmt.Sprintf("%s left TIME_WAIT of incarnation %d for a connect() of incarnation %d whose sequence numbers do not lie above the old ones",
			sides[l.End], from.E[l.End].Inc, su.Next.E[l.End].Inc)
	}
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
// Qualification: where keep-alive runs (Bounds.KeepAlive), a timer the
// spec declares as giving up may end it (to CLOSED) too: R2 once its
// keep-alive probes go unanswered (RFC 9293 3.8.4, RFC 1122 4.2.3.6), which is what
// keep-alive is for: a peer that vanished. So may the user timeout where
// the application sets one (Bounds.UserTimeout), while data waits on the
// peer's zero window (Endpoint.DataQ; RFC 9293 3.10.8): the bound the
// application asked for. Any other timer that ends CLOSE_WAIT, or the
// user timeout with nothing waiting, is a violation.
var CloseWaitEndsOnlyByApplication = check.Property{ID: "P5", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	for x := range su.Next.E {
		if from.E[x].St != tcp.CloseWait || su.Next.E[x].St == tcp.CloseWait {
			continue
		}
		if l.End == x && (l.Kind == model.App || model.IsRST(l.Event)) {
			continue
		}
		if l.End == x && l.Kind == model.Fire && m.GiveUp[l.Event.Timer()] && !l.To.Is(tcp.HasConnection) &&
			(m.Timing.KeepIdle > 0 && l.Event == tcp.TimeoutR2 || l.Event == tcp.TimeoutUserTimeout && from.E[x].DataQ) {
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
			if e.St == tcp.FinWait2 && m.Timing.Runs(model.TimerFinWait2, e.Held) && !e.Running(tcp.FinWait2Timer) {
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
	CloseWaitEndsOnlyByApplication, OrphanFinWait2Flushed, NoDeadlock, GracefulCloseNeverReset, TimeWaitBounded, ConnectionEndsLegitimately, FINNotGivenUp,
	BlindResetResisted, TimeWaitNotAssassinated, ChallengeACKsThrottled, BlindDataResisted, TimersEndWithConnection, ApplicationTold,
	TimersRunWhereTheyAct, CallsAnswered, ResetHonoured, SynChallenged, DataAnswered, AcksNotAcked,
	ZeroWindowProbed, KeepAliveProbes}

// For lists the model-checked properties the bounds b exercise, in order.
// A property of what the bounds never make happen is left out rather
// than reported as holding: P13, P15 and P16 speak only of the attacker's
// (Bounds.Attacks 0), P23 of data (Bounds.Data; the attacker forges
// data only where the applications write some), P25 of the zero window
// (Bounds.ZeroWindow), and P26 of keep-alive (Bounds.KeepAlive).
func For(b model.Bounds) []check.Property {
	var out []check.Property
	for _, p := range ModelChecked {
		if exercised(p.ID, b) {
			out = append(out, p)
		}
	}
	return out
}

// exercised reports whether the bounds b make the segments property id
// speaks of.
func exercised(id string, b model.Bounds) bool {
	switch id {
	case BlindResetResisted.ID, ChallengeACKsThrottled.ID, BlindDataResisted.ID:
		return b.Attacks > 0
	case DataAnswered.ID:
		return b.Data > 0
	case ZeroWindowProbed.ID:
		return b.ZeroWindow
	case KeepAliveProbes.ID:
		return b.KeepAlive > 0
	}
	return true
}

// endedByForgery is the problem P13 and P16 report when step l is a
// forged segment of kind a or b, not exact, that ended a connection past
// SYN_SENT, or "".
func endedByForgery(l *model.Label, a, b model.SegKind) string {
	if l.Kind != model.Forge || l.Seg.Kind != a && l.Seg.Kind != b || l.Class == model.Exact ||
		l.From == tcp.SynSent || !l.From.Is(tcp.HasConnection) || l.To.Is(tcp.HasConnection) {
		return ""
	}
	return fmt.Sprintf("%s in %s was ended by a forged %s %s, taken as %s", sides[l.End], l.From, l.Seg.Kind, l.Class, l.Event)
}

// BlindDataResisted is P16: a forged ACK or data segment in the window
// but not exact (RFC 5961 5) does not end a connection past SYN_SENT.
// The attacker must guess a sequence number in the window and, since RFC
// 5961 5.2, an acceptable ACK; the table takes such a segment as the
// peer's, so no cell may end the connection on it. Known weakness, which
// every profile declares as a finding: data reaching a socket whose
// application has closed (FIN_WAIT_1, FIN_WAIT_2) is new data nobody will
// read, which draws a RST (RFC 9293 3.6.1 SHLD-3; Linux
// LINUX_MIB_TCPABORTONDATA) and ends the connection, so a blind data
// segment in the window ends an orphan.
var BlindDataResisted = check.Property{
	ID: "P16",
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		return endedByForgery(&su.Label, model.ACK, model.DATA)
	},
	ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
		return su.Label.Event == tcp.RcvDataAfterClose
	},
}

// ChallengeACKsThrottled is P15: challenge ACKs are throttled (RFC 5961
// 7). Each forged RST in the window or SYN draws a challenge ACK (P13);
// an attacker who sends them in a burst would make the endpoint send a
// burst back, an ACK storm it aims at the peer, and a count of challenge
// ACKs others can observe. A connection sends at most its profile's
// challenge_acks at one instant, the steps between two ticks
// (model/throttle.go), and drops the RSTs and SYNs beyond them
// unanswered: the spec's cells for rcv CHALLENGE_LIMITED decide it, and a
// cell that answers it all the same breaks P15. Known weakness, which a
// profile may declare as a finding: a profile that sets no limit
// (challenge_acks none) answers every one, and a second challenge ACK at
// one instant shows it.
var ChallengeACKsThrottled = check.Property{
	ID: "P15",
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		l := su.Label
		if l.Kind != model.Deliver && l.Kind != model.DeliverCopy && l.Kind != model.Forge || !m.SendsChallenge(l.From, l.Event) {
			return ""
		}
		sent := int(from.E[l.End].Challenges)
		if sent < m.ChallengeLimit() {
			return ""
		}
		limit := fmt.Sprintf("its limit of %d", m.Profile.ChallengeAcks)
		if m.Profile.ChallengeAcks == 0 {
			limit = "no limit"
		}
		return fmt.Sprintf("%s in %s sent challenge ACK %d at one instant, taking %s as %s, with %s (RFC 5961 7)", sides[l.End], l.From, sent+1, l.Seg.Kind, l.Event, limit)
	},
	ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
		return m.Profile.ChallengeAcks == 0
	},
}

// TimeWaitNotAssassinated is P14: no RST ends a TIME_WAIT (RFC 1337 3,
// fix F1), whether a stray one from the network or one an attacker
// forged: TIME_WAIT keeps its 2MSL against old duplicates. Known
// weakness, which a profile may declare as a finding: where a RST ends
// TIME_WAIT (switch rfc1337 off, RFC 9293 3.10.7.4 second), a RST at
// RCV.NXT assassinates it, the hazards of RFC 1337 2 (P3 and P8 show
// what follows).
var TimeWaitNotAssassinated = check.Property{
	ID: "P14",
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		l := su.Label
		if l.From != tcp.TimeWait || l.To == tcp.TimeWait || !model.IsRST(l.Event) {
			return ""
		}
		by := "a RST from the network, " + l.Seg.String()
		if l.Kind == model.Forge {
			by = fmt.Sprintf("a forged RST (%s)", l.Class)
		}
		return fmt.Sprintf("%s's TIME_WAIT was ended by %s: TIME-WAIT assassination (RFC 1337)", sides[l.End], by)
	},
	ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
		return m.Profile.Switches&tcp.RFC1337 == 0
	},
}

// TimeWaitBounded is P10: a TIME_WAIT ends within the profile's time_wait.
// Its timer runs for as long as the state lasts, its expiry ends the
// state, and the peer's retransmitted FIN, and nothing else, restarts it
// (RFC 9293 3.10.7.4 eighth: "restart the 2 MSL time-wait timeout"; 3.10.8;
// Linux inet_twsk_reschedule, FreeBSD tcp_twcheck). An endpoint may leave
// TIME_WAIT early (a RST where the profile lets one end it, the reopen
// rule); it may never hold the 4-tuple longer, which is what a server full
// of TIME_WAIT sockets would otherwise be. The restart on a retransmitted
// FIN is what the two reasons for TIME_WAIT ask: the FIN says our last ACK
// was lost, so the ACK sent again may be lost too and the peer will send
// its FIN again, which must find us here and not draw a RST; and that FIN
// may linger in the network for an MSL after it was sent.
var TimeWaitBounded = check.Property{
	ID: "P10",
	State: func(m *model.Model, s *model.State, stuck bool) string {
		for x, e := range s.E {
			if e.St == tcp.TimeWait && !e.Running(tcp.TimeWaitTimer) {
				return fmt.Sprintf("%s is in TIME_WAIT with no time_wait timer running: nothing ends it", sides[x])
			}
		}
		return ""
	},
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		l := su.Label
		if l.Kind == model.Tick || l.Kind == model.Lose {
			return ""
		}
		before, after := from.E[l.End], su.Next.E[l.End]
		if before.St != tcp.TimeWait || after.St != tcp.TimeWait {
			return ""
		}
		if l.Kind == model.Fire && l.Event == tcp.TimeoutTimeWait {
			return fmt.Sprintf("%s's time_wait timer expired and TIME_WAIT went on", sides[l.End])
		}
		k := model.TimerTimeWait
		fin := l.Event == tcp.RcvFin || l.Event == tcp.RcvFinAck
		if after.Timers[k] > before.Timers[k] && !fin {
			return fmt.Sprintf("%s restarted its time_wait timer on %s: only the peer's retransmitted FIN may", sides[l.End], l.Event)
		}
		if fin && after.Timers[k] != uint8(m.Timing.Ticks(k, tcp.TimeWait, after.Held)+1) {
			return fmt.Sprintf("%s took the peer's retransmitted FIN (%s) in TIME_WAIT without restarting its time_wait timer: if its ACK is lost again, the next FIN may find TIME_WAIT gone", sides[l.End], l.Event)
		}
		return ""
	},
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
		if !r.St.Is(tcp.Synchronized) || r.Inc != l.Seg.Inc || l.Event == 0 {
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
		// The obligation starts when the FIN leaves, not while it waits
		// for the peer's window (model.Endpoint.FinQ).
		if model.PendingFIN(s.E[x].St) && !s.E[x].FinQ {
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
// made after the incarnation let go and so outlive any TIME_WAIT; and
// segments of an incarnation that itself took in one of those (tainted:
// what it does next, closing without TIME_WAIT included, no TIME_WAIT of
// its own could have prevented). A RST
// that ends TIME_WAIT itself is none of these: the close had completed,
// and what follows is exactly the hazard of RFC 1337.
//
// Known weaknesses, which a profile may declare as a finding; each is one
// only where the profile's switches allow it (timeWaitCutShort):
//   - TIME-WAIT assassination (RFC 1337 hazard H1), where a RST may end
//     TIME_WAIT (switch rfc1337 off): a RST answering an old duplicate
//     cuts it short, and the next incarnation takes a segment TIME_WAIT
//     was there to let die, and what that incarnation then sends may
//     reach the one after it. A violation whose old segment belongs to an
//     incarnation whose TIME_WAIT was cut, or that was derailed by such a
//     segment, is that weakness.
//   - A reopened TIME_WAIT not restored, where a SYN above the old
//     sequence numbers reopens it (switch syn_reopens_time_wait): the new
//     connection's sequence numbers keep the old segments out, but when
//     it does not last (its SYN an old duplicate, or reset or aborted),
//     nothing restores the TIME_WAIT (RFC 1122 4.2.2.13 (2) returns to it
//     for an old duplicate; the table, as Linux ("RED-PEN" in
//     tcp_minisocks.c) and FreeBSD, goes back to LISTEN), and a later
//     incarnation whose sequence numbers need not lie above takes in an
//     old segment. A violation whose old segment belongs to an
//     incarnation so reopened, or that took in a segment of one, is that
//     weakness. It needs three incarnations.
//
// Any other violation is not.
var NoOldSegmentAccepted = check.Property{ID: "P3", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if !model.Accepted(l) {
		return ""
	}
	r := from.E[l.End]
	if !r.St.Is(tcp.HasConnection) || l.Seg.Inc >= r.Inc || r.Inc&model.Zombie != 0 || from.Unguarded(l.Seg) {
		return ""
	}
	return fmt.Sprintf("%s in %s of incarnation %d accepted %s of incarnation %d as %s: %s -> %s",
		sides[l.End], r.St, r.Inc, l.Seg, l.Seg.Inc, l.Event, l.From, l.To)
}, ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
	return timeWaitCutShort(m, from, su.Label.Seg.Inc)
}}

// timeWaitCutShort reports whether TIME_WAIT was ended early for
// incarnation inc, or for one whose segment inc took in, in a way the
// profile's switches allow: by a RST where rfc1337 is off (TIME-WAIT
// assassination), by the reopen rule where syn_reopens_time_wait is on.
// The weaknesses P3 and P8 may declare; a switch that rules one out makes
// its marks a violation like any other (a cell that lets a RST end
// TIME_WAIT under rfc1337 is a broken cell, not the known weakness).
func timeWaitCutShort(m *model.Model, s *model.State, inc uint8) bool {
	sw := m.Profile.Switches
	return sw&tcp.RFC1337 == 0 && (s.WasCut(inc) || s.WasDerailed(inc)) ||
		sw&tcp.SynReopensTimeWait != 0 && s.WasReopened(inc)
}

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
		if e.St.Is(tcp.HasConnection) {
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
// Known weaknesses, which a profile may declare as a finding, each only
// where the profile's switches allow it (timeWaitCutShort), as for P3:
// TIME-WAIT assassination (RFC 1337) and what it goes on to do. Where a RST may end
// TIME_WAIT, an old RST cuts short the TIME_WAIT of one side of a
// simultaneous close, and the other side, still in CLOSING, meets a RST
// when its FIN is resent; or a RST cuts short the TIME_WAIT of one
// connection, the next takes in its old FIN, and closing on it ends in a
// RST. A violation in an incarnation whose TIME_WAIT was cut, or that took
// in a segment of one whose TIME_WAIT was, is that weakness, where the
// profile lets a RST end TIME_WAIT; so is one in an incarnation that took
// in a segment of an incarnation whose TIME_WAIT the reopen rule ended
// and nothing restored, where the profile reopens. Any other is not.
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
	return timeWaitCutShort(m, from, from.E[su.Label.End].Inc)
}}

// ConnectionEndsLegitimately is P11: a connection ends only by the FIN
// exchange, by a RST sent or received, or by a timer the spec declares as
// one that gives up (giveup: R2, the user timeout, a FIN_WAIT_2 flush).
// The peer's FIN arriving after ours completes the exchange, wherever the
// table then goes (whether it skips TIME_WAIT is for P3 and P8 to say).
// An endpoint that has not yet both sent its FIN and received its peer's
// (SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT) and
// returns to CLOSED or LISTEN by any other step leaves its peer waiting
// for a FIN or an ACK that will never come: an abort without a RST (RFC
// 9293 3.10.5: "send a reset"), a close() that drops the connection
// silently. In CLOSING, LAST_ACK and TIME_WAIT both FINs have been sent
// and received, and the RFC lets an abort simply delete the TCB there.
var ConnectionEndsLegitimately = check.Property{ID: "P11", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if l.Kind == model.Tick || l.Kind == model.Lose || l.From == l.To || l.To.Is(tcp.HasConnection) {
		return ""
	}
	switch l.From {
	case tcp.SynReceived, tcp.Established, tcp.FinWait1, tcp.FinWait2, tcp.CloseWait:
	default:
		return ""
	}
	switch {
	case model.IsRST(l.Event), l.Actions.Has(tcp.SendRst):
		return ""
	case l.Kind == model.Fire && m.GiveUp[l.Event.Timer()]:
		return ""
	case (l.From == tcp.FinWait1 || l.From == tcp.FinWait2) && (l.Event == tcp.RcvFin || l.Event == tcp.RcvFinAck):
		return "" // the peer's FIN completes the exchange; skipping TIME_WAIT is P3's and P8's concern
	}
	how := "on " + l.Event.String()
	if l.Kind == model.Fire {
		how = "when its " + l.Event.Timer().String() + " timer expired, which the spec does not declare as giving up"
	}
	return fmt.Sprintf("%s went from %s to %s %s, sending no RST: its peer is left waiting", sides[l.End], l.From, l.To, how)
}}

// FINNotGivenUp is P12: a FIN is acknowledged, not given up on. P2's
// liveness half is met when the sender gives up, so a table whose closer
// never takes the ACK of its FIN and always ends by R2 would pass it; this
// is the line that reports giving up. Two halves: an ACK of its FIN that
// reaches an endpoint still waiting for one (FIN_WAIT_1, CLOSING,
// LAST_ACK) in an acceptable segment ends the wait (RFC 9293 3.10.7.4
// fifth); and such an endpoint
// does not end by a timer that gives up while its peer still holds the
// connection (a synchronized state of the same incarnation), there to ACK
// the FIN. Giving up on a peer that has gone (CLOSED, LISTEN, another
// incarnation) is what R2 is for.
//
// Known weakness, which a profile may declare as a finding: an R2 shorter
// than the time a FIN and its ACK may spend in the network (two MSL), as
// RFC 9293's 100 s against its MSL of 2 minutes: there R2 may end the
// connection while the FIN or its ACK is still in flight, or a
// retransmission of the FIN is still to come. A give-up by R2 under a
// profile whose R2 in that state is shorter than two MSL, for a held
// socket and for an orphan (r2_orphan) alike, with the close still under
// way, is that weakness; any other violation (an ACK that came and was not
// taken) is not.
//
// Qualification: the user timeout (Bounds.UserTimeout) is the
// application's bound on how long a FIN may go unacknowledged or wait on
// the peer's zero window (RFC 9293 3.10.8): giving up by it while the
// close is still under way, or while the FIN waits on a closed window, is
// what the application asked for. Since a FIN not held by the window has
// its retransmission timer running until its ACK is taken, that is every
// give-up by the user timeout: against it P12 rests on its first half,
// an ACK of the FIN that arrives and is not taken.
var FINNotGivenUp = check.Property{ID: "P12", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	me := from.E[l.End]
	// A plain ACK of the FIN is always taken; a FIN that carries one only
	// where it is the peer's first (FIN_WAIT_1): in CLOSING and LAST_ACK a
	// FIN is a retransmission, not acceptable (RFC 9293 3.10.7.4 first),
	// and its ACK is not processed.
	if (l.Kind == model.Deliver || l.Kind == model.DeliverCopy) && (l.Event == tcp.RcvAckOfFin || l.Event == tcp.RcvFinAck && l.From == tcp.FinWait1) &&
		model.PendingFIN(l.From) && l.Seg.Inc == me.Inc && l.To == l.From {
		return fmt.Sprintf("%s in %s took %s as %s and went on waiting for the ACK of its FIN", sides[l.End], l.From, l.Seg, l.Event)
	}
	if l.Kind != model.Fire || !m.GiveUp[l.Event.Timer()] || !model.PendingFIN(l.From) || l.To == l.From {
		return ""
	}
	peer := from.E[1-l.End]
	if !peer.St.Is(tcp.Synchronized) || peer.Inc != me.Inc || me.Inc&model.Zombie != 0 {
		return ""
	}
	if l.Event == tcp.TimeoutUserTimeout && (closeUnderWay(from, l.End) || me.FinQ) {
		return "" // the application's bound
	}
	return fmt.Sprintf("%s in %s gave up on its FIN when its %s timer expired, while %s in %s was still there to ACK it",
		sides[l.End], l.From, l.Event.Timer(), sides[1-l.End], peer.St)
}, ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
	l := su.Label
	if l.Kind != model.Fire || l.Event != tcp.TimeoutR2 {
		return false
	}
	// R2 as it may have been armed here: for a held socket, or for an
	// orphan (r2_orphan), which a socket orphaned while R2 ran does not
	// take; the longer of the two, so that no give-up by an R2 of two MSL
	// or more is excused.
	r2 := max(m.Timing.Ticks(model.TimerR2, l.From, true), m.Timing.Ticks(model.TimerR2, l.From, false))
	return r2 < 2*m.Timing.MSL && closeUnderWay(from, l.End)
}}

// closeUnderWay reports whether endpoint x's close is still under way:
// its FIN on the way to the peer, an ACK of it on the way back, or a
// retransmission of it still to come. Giving up then is the profile's R2
// being too short for the network, not the table failing to take an ACK.
func closeUnderWay(s *model.State, x int) bool {
	if s.E[x].Running(tcp.RetransmissionTimer) {
		return true
	}
	inc := s.E[x].Inc
	for i := range s.N[x] {
		if g := s.Net[x][i]; g.Inc == inc && g.Kind == model.FIN {
			return true
		}
	}
	for i := range s.N[1-x] {
		if g := s.Net[1-x][i]; g.Inc == inc && g.AckFin {
			return true
		}
	}
	return false
}
