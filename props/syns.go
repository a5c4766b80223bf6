// What a SYN must do to a synchronized connection (P22).

package props

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// SynChallenged is P22: a segment carrying SYN that reaches a synchronized
// connection (ESTABLISHED to TIME_WAIT; SYN_RECEIVED answers a SYN with its
// SYN,ACK again) draws a challenge ACK and is dropped: the state stays,
// and no timer, send or word to the application comes of it (RFC 9293
// 3.10.7.4 fourth, after RFC 5961 4.2: "TCP endpoints MUST send a
// challenge ACK ... MUST drop the unacceptable segment and stop
// processing further"). The one exception is the SYN that reopens
// TIME_WAIT where the profile allows it (syn_reopens_time_wait, RFC 9293
// 3.6.1 MAY-2), P1's concern. The ACK is what lets a peer that restarted
// and lost the connection find out: it answers the ACK with a RST, which
// ends the stale connection, and its next SYN opens a new one. A table
// that drops the SYN silently leaves that peer retrying until its
// connect() times out against a connection only this side still holds,
// and one that moves on the SYN lets an old or forged SYN end or derail
// the connection. The SYN over the profile's challenge ACK limit is
// another event (rcv CHALLENGE_LIMITED, P15's).
var SynChallenged = check.Property{ID: "P22", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	switch l.Event { // rcv events: a segment delivered, copied or forged
	case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld:
	default:
		return ""
	}
	if !l.From.Is(tcp.Synchronized) || l.From == tcp.SynReceived {
		return ""
	}
	if l.From == tcp.TimeWait && l.Event == tcp.RcvSynHigherSeq && m.Profile.Switches&tcp.SynReopensTimeWait != 0 {
		return "" // the reopen rule
	}
	return challenged(&l, "a SYN in a synchronized state", "ACK: a peer that restarted never learns that this connection is stale", "SYN")
}}

// challenged is the problem with step l, a segment that must draw a
// challenge ACK and be dropped (P13's inexact RST, P22's SYN), or "": the
// state stays and the ACK is the step's only action. what names the
// segment, unanswered says what a missing ACK costs, and seg is its kind.
func challenged(l *model.Label, what, unanswered, seg string) string {
	switch {
	case l.To != l.From:
		return fmt.Sprintf("%s took %s in %s and went to %s: %s must draw a challenge ACK and change nothing", sides[l.End], l.Event, l.From, l.To, what)
	case l.Actions&tcp.SendAck == 0:
		return fmt.Sprintf("%s took %s in %s and sent no %s", sides[l.End], l.Event, l.From, unanswered)
	case l.Actions != tcp.SendAck:
		return fmt.Sprintf("%s took %s in %s and did %s beside the challenge ACK: the %s must be dropped once ACKed", sides[l.End], l.Event, l.From, l.Actions&^tcp.SendAck, seg)
	}
	return ""
}
