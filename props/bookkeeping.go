// The connection's bookkeeping: what an endpoint owes its timers and its
// application as the connection moves and ends (P17 to P20).

package props

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// TimersEndWithConnection is P17: an endpoint whose connection ends (it
// enters CLOSED, or a passive open returns to LISTEN) stops every timer
// it had running, but the one whose expiry ended it, and starts none
// (RFC 9293 3.10.5, 3.10.7: "delete the TCB", timers and all); one whose
// connection gives way to the next incarnation (the reopen rule, connect()
// reusing its own TIME_WAIT) stops or restarts each, so that none of the
// old connection's deadlines runs on into the new one. A timer left behind
// fires on a socket that no longer has its connection, where the table's
// own rows say it is not running; a runtime that follows the table holds
// a timer, and what it points at, for nothing.
var TimersEndWithConnection = check.Property{ID: "P17", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if l.Kind == model.Tick || l.Kind == model.Lose {
		return ""
	}
	before, after := from.E[l.End], su.Next.E[l.End]
	if !before.St.Is(tcp.HasConnection) {
		return ""
	}
	ended := !after.St.Is(tcp.HasConnection)
	if !ended && after.Inc == before.Inc {
		return ""
	}
	acts := l.Actions
	if l.Waits {
		acts |= l.WaitActions // the ZERO_WINDOW row the endpoint also took
	}
	for t := tcp.Timer(1); t.Valid(); t++ {
		op := acts.TimerOp(t)
		switch {
		case ended && (op == tcp.StartTimer || op == tcp.RestartTimer):
			return fmt.Sprintf("%s entered %s from %s on %s and %ss its %s timer: it will fire with no connection", sides[l.End], after.St, before.St, l.Event, op, t)
		case op == tcp.StopTimer, !ended && op == tcp.RestartTimer, !before.Running(t), l.Kind == model.Fire && l.Event == t.Expiry():
		case ended:
			return fmt.Sprintf("%s entered %s from %s on %s with its %s timer still running: it outlives the connection", sides[l.End], after.St, before.St, l.Event, t)
		default:
			return fmt.Sprintf("%s went from %s of incarnation %d to %s of incarnation %d on %s with the old connection's %s timer still running", sides[l.End], before.St, before.Inc, after.St, after.Inc, l.Event, t)
		}
	}
	return ""
}}

// ApplicationTold is P18: the application that holds a connection is told
// what the network did to it (RFC 9293 3.9, "TCP-to-user messages"): that
// the connection is established (connected: connect() returns, accept()
// hands it over), that the peer has finished sending (end_of_stream:
// read() returns 0; RFC 9293 3.10.7.4 eighth, "signal the user
// 'connection closing'"; also when that FIN completes the exchange and
// the table ends the connection at once), and, when a segment or a timer
// ends it before both FINs were exchanged, how (reset, refused,
// timed_out: RFC 9293 3.10.7.4 second, 3.8.3). A table that drops one
// of these leaves the application blocked in read() or connect(), or
// writing into a connection that is gone. Nobody is told what happens to an orphan: the
// application let go of it (close(), abort). A passive open's
// SYN_RECEIVED that returns to LISTEN was never handed to the application,
// and CLOSING, TIME_WAIT and LAST_ACK, both FINs sent and received, may
// simply delete the TCB (RFC 9293 3.10.7.4 second).
var ApplicationTold = check.Property{ID: "P18", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	switch l.Kind {
	case model.Deliver, model.DeliverCopy, model.Fire, model.Forge:
	default:
		return "" // the application's own call: it knows what it did
	}
	before, after := from.E[l.End], su.Next.E[l.End]
	if !before.Held || !before.St.Is(tcp.HasConnection) || l.From == l.To {
		return ""
	}
	acts := l.Actions
	// The peer's FIN arrives: it enters a state that has received it, or
	// its arrival completes the exchange (our FIN sent) and ends the
	// connection at once.
	finArrives := !l.From.Is(tcp.ReceivedFin) && (l.To.Is(tcp.ReceivedFin) ||
		!l.To.Is(tcp.HasConnection) && l.From.Is(tcp.SentFin) && (l.Event == tcp.RcvFin || l.Event == tcp.RcvFinAck))
	switch {
	case !l.To.Is(tcp.HasConnection) && !finArrives:
		if l.To == tcp.Listen || l.From.Is(tcp.SentFin) && l.From.Is(tcp.ReceivedFin) {
			return ""
		}
		if acts&(tcp.TellReset|tcp.TellRefused|tcp.TellTimedOut) != 0 {
			return ""
		}
		return fmt.Sprintf("%s went from %s to %s on %s and told its application nothing: it goes on waiting on a connection that is gone", sides[l.End], l.From, l.To, l.Event)
	case after.Inc != before.Inc && after.St.Is(tcp.HasConnection):
		return "" // a new connection, in place of one the application had let go
	}
	var want tcp.Action
	if finArrives {
		want |= tcp.TellEndOfStream
	}
	if (l.From == tcp.SynSent || l.From == tcp.SynReceived) && l.To.Is(tcp.Synchronized) && l.To != tcp.SynReceived {
		want |= tcp.TellConnected
	}
	if acts&want == want {
		return ""
	}
	return fmt.Sprintf("%s went from %s to %s on %s without %s: its application is not told", sides[l.End], l.From, l.To, l.Event, want&^acts)
}}

// TimersRunWhereTheyAct is P19: a timer runs only in a state whose table
// acts on its expiry. Where the table ignores a timer's expiry it declares
// that timer not running there ("persist is not running in FIN_WAIT_2"),
// so a transition into such a state must stop it; one that forgets leaves
// a retransmission, persist or user timeout running into FIN_WAIT_2 or
// TIME_WAIT, where it fires for nothing and a runtime that follows the
// table holds it against the table's word. P17 says the same of the end of
// a connection (a timer that then expires in CLOSED or LISTEN is its
// concern); this is every state that holds a connection.
var TimersRunWhereTheyAct = check.Property{ID: "P19", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if l.Kind != model.Fire || !l.From.Is(tcp.HasConnection) {
		return "" // a timer left running past the end of its connection is P17's
	}
	if m.Cell(l.From, l.Event).Verdict == tcp.Ignore {
		return fmt.Sprintf("%s's %s timer expired in %s, where the table says it is not running", sides[l.End], l.Event.Timer(), l.From)
	}
	return ""
}}

// CallsAnswered is P20: the application's calls are answered. Where it
// holds a connection, close() and abort() are never ignored: each moves
// the connection or is refused with an error the application sees (RFC
// 9293 3.10.4 CLOSE: "error: connection closing"); abort() ends the
// connection in every state that has one (RFC 9293 3.10.5 ABORT: "enter
// CLOSED"); shutdown() is ignored only where our FIN is already sent or
// queued (sent_fin: Linux inet_shutdown, a second SHUT_WR). A table that
// ignores close() leaves the application holding a socket it let go,
// and ignores abort() leaves it waiting on a connection it meant to end.
// The model makes only the calls the table moves on (a call that changes
// nothing adds no state), so no step shows an ignored call: P20 reads
// the table's cells for the calls the application may make in each
// reachable state.
var CallsAnswered = check.Property{ID: "P20", State: func(m *model.Model, s *model.State, _ bool) string {
	for x := range s.E {
		st := s.E[x].St
		for _, c := range m.Calls(s, x) {
			t := m.Cell(st, c)
			switch {
			case c == tcp.AppAbort && (t.Verdict != tcp.Move || t.Next != tcp.Closed):
				return fmt.Sprintf("%s's %s in %s does not end the connection (the table says %s, %s): the connection its application meant to end goes on", sides[x], c, st, t.Verdict, t.Next)
			case t.Verdict != tcp.Ignore, c == tcp.AppShutdown && st.Is(tcp.SentFin):
			default:
				return fmt.Sprintf("%s's %s in %s is ignored by the table: its application's call is lost", sides[x], c, st)
			}
		}
	}
	return ""
}}
