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
	State: func(m *model.Model, s *model.State) string {
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
var ModelChecked = []check.Property{NoNewIncarnationDuring2MSL, OnlyActiveCloserTimeWaits, CloseWaitEndsOnlyByApplication, OrphanFinWait2Flushed}
