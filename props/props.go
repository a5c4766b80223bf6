// Package props names the guarantees a TCP state table must give, in a
// network engineer's words, and checks them.
//
// P9, that the table is deterministic and total, is a property of the table
// itself and is checked here on the generated package that programs import
// and on the spec's interpreter alike. The others are properties of two
// endpoints running the table over a lossy network with timers (package
// model); guarantees.go (bookkeeping.go for P17 to P20, resets.go for P13 and P21, syns.go for P22,
// answers.go for P23 and P24, window.go for P25, keepalive.go for P26) states each as a
// check.Property, with the qualifications the RFCs make in its doc
// comment. P2 has a safety half,
// checked on every step, and a liveness half, checked on the state graph
// under fairness.
package props

import "fmt"

// Property is one named guarantee.
type Property struct {
	ID        string // "P1", "P2", ...
	Name      string // a Go-style name: DeterministicAndTotal
	Statement string // the guarantee, with the qualifications the RFCs make
}

// All lists the properties in order, as the README states them.
var All = []Property{
	{ID: "P1", Name: "NoNewIncarnationDuring2MSL", Statement: "no new incarnation of a 4-tuple while an endpoint holds it in TIME_WAIT, except through the reopen rule: a SYN whose sequence number lies above everything the old incarnation used (RFC 9293 3.6.1 MAY-2, RFC 1122 4.2.2.13, RFC 6191)"},
	{ID: "P2", Name: "EveryFINAcked", Statement: "a FIN that reaches a synchronized endpoint of its incarnation is ACKed, never answered by RST; and under fairness (time passes; losses are bounded) every FIN sent is eventually ACKed or its sender gives up (R2, user timeout, abort or RST)"},
	{ID: "P3", Name: "NoOldSegmentAccepted", Statement: "no segment of an earlier incarnation is accepted by a later one (moves it or reaches its application); acknowledgments are exact; not covered, since only sequence-number choice can keep them out: segments of an incarnation aborted, flushed or reset before its close completed (it skips TIME_WAIT by design), stray RSTs (sent by an endpoint without a connection in answer to an old segment), and segments of an incarnation that itself took in such a segment"},
	{ID: "P4", Name: "OnlyActiveCloserTimeWaits", Statement: "only the active closer enters TIME_WAIT: the endpoint whose FIN left before the peer's FIN arrived (or both, in a simultaneous close), whatever state it sent its FIN from"},
	{ID: "P5", Name: "CloseWaitEndsOnlyByApplication", Statement: "CLOSE_WAIT is left only by the application's close, shutdown or abort, or by RST; no timer ends it, but where keep-alive runs (-keepalive), R2 once its probes go unanswered: what keep-alive is for, a peer that vanished; and where the application sets a user timeout (-user-timeout), that timeout, data having waited that long on a zero window"},
	{ID: "P6", Name: "OrphanFinWait2Flushed", Statement: "where the profile has a flush interval, an orphaned FIN_WAIT_2 ends within it; one the application still holds has no such bound"},
	{ID: "P7", Name: "NoDeadlock", Statement: "every reachable global state is final (both endpoints closed or listening) or can move; a state stuck only for want of room in a bounded channel is a limit of the bounds, not a deadlock"},
	{ID: "P8", Name: "GracefulCloseNeverReset", Statement: "a graceful close (no abort, no endpoint flushed by a timer, no earlier reset, no segment taken in that P3 does not cover) is never ended by RST in the middle (a FIN sent or received, not both ACKed), even when segments are lost"},
	{ID: "P9", Name: "DeterministicAndTotal", Statement: "the table is deterministic and total: under every profile, every (state, event) cell is exactly one transition or an explicit ignore or reject with a reason"},
	{ID: "P10", Name: "TimeWaitBounded", Statement: "a TIME_WAIT ends within the profile's time_wait: its timer runs for as long as it lasts, its expiry ends it, and the peer's retransmitted FIN restarts it, nothing else; it may end earlier (a RST where the profile allows, the reopen rule), never later"},
	{ID: "P11", Name: "ConnectionEndsLegitimately", Statement: "a connection ends only by the FIN exchange, a RST sent or received, or a timer the spec declares as giving up (giveup): an abort without RST or a close() that drops the connection silently is a violation"},
	{ID: "P12", Name: "FINNotGivenUp", Statement: "a FIN is ACKed, not given up on: an endpoint whose FIN is not yet ACKed does not end by a timer that gives up while its peer still holds the connection to ACK it (a user timeout the application sets may, while the close is under way or the FIN waits on a zero window)"},
	{ID: "P13", Name: "BlindResetResisted", Statement: "under an off-path attacker (fsmgen check -attacker) a forged RST in the window but not at RCV.NXT, or a forged SYN, does not end a connection past SYN_SENT: it draws a challenge ACK (RFC 5961 3.2, 4.2); only the exact RST, at RCV.NXT, resets. Where the profile follows RFC 5961 3.2 (rfc5961 on), the inexact RST reaching SYN_RECEIVED to LAST_ACK (TIME_WAIT is P14's) must draw that challenge ACK and be dropped: the state stays and the ACK is the only action"},
	{ID: "P14", Name: "TimeWaitNotAssassinated", Statement: "no RST ends TIME_WAIT, stray or forged (RFC 1337 3, fix F1): it keeps its 2MSL against old duplicates"},
	{ID: "P15", Name: "ChallengeACKsThrottled", Statement: "under an off-path attacker (fsmgen check -attacker) a connection sends at most its profile's challenge_acks challenge ACKs at one instant (between two ticks of the model), and drops the RSTs and SYNs beyond them unanswered (RFC 5961 7 ACK throttling); a profile without a limit sends one for each"},
	{ID: "P16", Name: "BlindDataResisted", Statement: "under an off-path attacker (fsmgen check -attacker) a forged ACK or data segment in the window but not exact (RFC 5961 5) does not end a connection past SYN_SENT; known weakness of every profile: data reaching FIN_WAIT_1 or FIN_WAIT_2 after close() draws a RST (RFC 9293 3.6.1 SHLD-3), so a blind data segment in the window ends an orphan"},
	{ID: "P17", Name: "TimersEndWithConnection", Statement: "an endpoint whose connection ends (CLOSED, or LISTEN again after a passive open) stops every timer it had running, but the one whose expiry ended it, and starts none: no retransmission, R2, keep-alive, persist or user timeout outlives its connection"},
	{ID: "P18", Name: "ApplicationTold", Statement: "the application holding a connection is told what the network did to it: that it is established (connected), that the peer finished sending (end_of_stream), and, when a segment or a timer ends it before both FINs were exchanged, how (reset, refused, timed out); an orphan, which the application let go, has nobody to tell"},
	{ID: "P19", Name: "TimersRunWhereTheyAct", Statement: "a timer runs only in a state whose table acts on its expiry: in a state that holds a connection, no retransmission, R2, keep-alive, persist, user timeout or flush timer expires where the table ignores it as not running (a transition into that state must stop it); past the end of the connection that is P17"},
	{ID: "P20", Name: "CallsAnswered", Statement: "the application's calls are answered: where it holds a connection, close() and abort() are never ignored (a refused close() says so: RFC 9293's \"connection closing\"), abort() ends the connection (CLOSED, RFC 9293 3.10.5), and shutdown() is ignored only where our FIN is already sent or queued"},
	{ID: "P21", Name: "ResetHonoured", Statement: "a RST the receiver must accept ends its connection (CLOSED, or LISTEN again after a passive open): the RST at RCV.NXT in every state that holds a connection, but a TIME_WAIT that RFC 1337's fix keeps (rfc1337 on); and, where the profile does not follow RFC 5961 3.2 (rfc5961 off), a RST in the window too, but in SYN_SENT and TIME_WAIT"},
	{ID: "P22", Name: "SynChallenged", Statement: "a SYN reaching a synchronized connection (ESTABLISHED to TIME_WAIT) draws a challenge ACK and is dropped: the state stays and nothing else happens (RFC 9293 3.10.7.4 fourth, RFC 5961 4.2), so that a peer that restarted learns its old connection is stale; but the SYN that reopens TIME_WAIT where the profile allows it (syn_reopens_time_wait), and one over the challenge ACK limit (P15)"},
	{ID: "P23", Name: "DataAnswered", Statement: "new data reaching a connection that still receives (SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2) is answered: data the application will read is ACKed and ends or moves nothing (RFC 9293 3.10.7.4 seventh; SYN_RECEIVED completes its handshake on it), and data reaching an orphan, whose application called close(), draws a RST and ends it (RFC 9293 3.6.1 SHLD-3)"},
	{ID: "P24", Name: "AcksNotAcked", Statement: "a bare acceptable ACK (no data, SYN, FIN or RST; one that changes the peer's window too) reaching a synchronized connection draws no ACK: it occupies no sequence space (RFC 9293 3.10.7.4 fifth to eighth), and two ends that ACK each other's ACKs never stop; an ACK of something not yet sent, which the RFC answers, is not one"},
	{ID: "P25", Name: "ZeroWindowProbed", Statement: "an endpoint whose data or FIN waits behind the peer's closed window probes it (RFC 9293 3.8.6.1 MUST-36): while something waits and the connection holds, its persist timer runs, and each expiry sends a PROBE, since the ACK that reopens the window is not retransmitted and only a probe asks for it again"},
	{ID: "P26", Name: "KeepAliveProbes", Statement: "where keep-alive runs (fsmgen check -keepalive), each expiry of its timer that leaves the connection standing sends a PROBE (RFC 9293 3.8.4), keeps the timer running for the next probe, and leaves R2 running, which gives up on a peer that answers none: no probe and R2 gives up on a live peer never asked; no R2 and a vanished peer is probed for ever"},
}

// Verdict is how a cell decides, as a Table reports it.
type Verdict int

const (
	Move Verdict = iota + 1
	Ignore
	Reject
)

// Cell is one decided (state, event) cell.
type Cell struct {
	Next    int // the next state, counting from 1
	Verdict Verdict
	Reason  string // why, for Ignore and Reject
	Rules   int    // how many rules decide the cell under this switch set; 1 when deterministic
}

// Table is a state table under one switch set, with states and events
// counted from 1. Decide returns ok=false for a cell that is not decided.
type Table interface {
	Size() (states, events int)
	Decide(state, event int) (c Cell, ok bool)
	Name(state, event int) string // "TIME_WAIT, rcv FIN", for messages
}

// Violation is a place where a property fails.
type Violation struct {
	Property string
	Where    string
	Problem  string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: (%s): %s", v.Property, v.Where, v.Problem)
}

// CheckDeterministicAndTotal checks P9 on t: every cell is decided by
// exactly one rule, to a valid next state, and an ignore or reject keeps
// the state and gives its reason.
func CheckDeterministicAndTotal(t Table) []Violation {
	var out []Violation
	states, events := t.Size()
	for s := 1; s <= states; s++ {
		for e := 1; e <= events; e++ {
			bad := func(format string, args ...any) {
				out = append(out, Violation{Property: "P9", Where: t.Name(s, e), Problem: fmt.Sprintf(format, args...)})
			}
			c, ok := t.Decide(s, e)
			switch {
			case !ok:
				bad("not decided")
			case c.Rules != 1:
				bad("decided by %d rules", c.Rules)
			case c.Next < 1 || c.Next > states:
				bad("next state %d is not a state", c.Next)
			case c.Verdict == Move:
			case c.Verdict == Ignore || c.Verdict == Reject:
				if c.Next != s {
					bad("an ignore or reject changes the state")
				}
				if c.Reason == "" {
					bad("an ignore or reject without a reason")
				}
			default:
				bad("invalid verdict %d", c.Verdict)
			}
		}
	}
	return out
}
