// What a RST must do to the connection that accepts it (P21), and what a
// forged one may not (P13).

package props

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// ResetHonoured is P21: a RST the receiver must accept ends its connection
// (RFC 9293 3.10.7.4 second: "enter the CLOSED state, delete the TCB"; a
// passive open returns to LISTEN; 3.10.7.3 for SYN_SENT). The RST at
// RCV.NXT (rcv RST; in SYN_SENT the one that ACKs our SYN) ends every
// connection but a TIME_WAIT whose profile keeps RFC 1337's fix F1
// (rfc1337 on), which ignores it as P14 asks. A RST in the window but not
// at RCV.NXT (rcv RST_IN_WINDOW) ends it too where the profile does not
// follow RFC 5961 3.2 (rfc5961 off: RFC 793's rule), but in SYN_SENT,
// which judges a RST by its ACK, and in TIME_WAIT, which answers it with
// an ACK or, under RFC 1337, ignores it. A table that ignores a RST keeps
// a connection the peer no longer has: its FIN or data is resent until R2
// gives up, and its application waits on a connection that is gone, the
// end no other property sees, since giving up is a legitimate end. The
// switches are the profile's: where one says the RST is to be ignored,
// the table must ignore it, and where none does, it must end.
var ResetHonoured = check.Property{ID: "P21", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if !l.From.Is(tcp.HasConnection) {
		return ""
	}
	sw := m.Profile.Switches
	switch l.Event {
	case tcp.RcvRst:
		if l.From == tcp.TimeWait && sw&tcp.RFC1337 != 0 {
			return ""
		}
	case tcp.RcvRstInWindow:
		if sw&tcp.RFC5961 != 0 || l.From == tcp.SynSent || l.From == tcp.TimeWait {
			return ""
		}
	default:
		return ""
	}
	if l.To.Is(tcp.HasConnection) {
		return fmt.Sprintf("%s took %s in %s and went on in %s: the RST does not end its connection", sides[l.End], l.Event, l.From, l.To)
	}
	return ""
}}

// BlindResetResisted is P13: a blind attacker cannot end a connection
// (RFC 5961). A forged RST in the window but not at RCV.NXT (3.2), or a
// forged SYN of any sequence number (4.2), that reaches an endpoint
// holding a connection past SYN_SENT does not end it: the table answers
// with a challenge ACK. For the RST (rcv RST_IN_WINDOW) that answer is
// asked for, not only the survival (rstChallenged); the SYN's is P22's.
// The exact RST, at RCV.NXT, ends it by design:
// no check tells it from the peer's, and a blind attacker hits it with
// odds of about one in 2^32. Known weakness, which a profile may declare
// as a finding: without RFC 5961's check (switch rfc5961 off) any RST in
// the window resets, so an attacker who guesses the window (odds of the
// window over 2^32) ends the connection. Forged ACKs and data are P16's.
var BlindResetResisted = check.Property{
	ID: "P13",
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		if p := endedByForgery(&su.Label, model.RST, model.SYN); p != "" {
			return p
		}
		return rstChallenged(m, &su.Label)
	},
	ExcusedStep: func(m *model.Model, from *model.State, su *model.Succ) bool {
		return su.Label.Event == tcp.RcvRstInWindow && m.Profile.Switches&tcp.RFC5961 == 0
	},
}

// rstChallenged is the rest of P13 where the profile follows RFC 5961
// 3.2 (rfc5961 on): the inexact RST in the window (rcv RST_IN_WINDOW)
// that reaches a synchronized state draws a challenge ACK and is dropped,
// so the state stays and the ACK is the step's only action ("the
// receiver MUST send an ACK (challenge ACK) ... and the RST MUST be
// dropped"; RFC 9293 3.10.7.4 first). The ACK is what makes the check
// cost the attacker, not the peer: a peer whose own RST fell short of
// RCV.NXT learns the exact number from it and resets again, which a table
// that drops the RST silently never lets it do, and a table that moves
// on it lets a guess at the window derail the connection. TIME_WAIT is
// P14's (RFC 1337 ignores every RST there); the RST over the profile's
// challenge ACK limit is another event (rcv CHALLENGE_LIMITED, P15's).
func rstChallenged(m *model.Model, l *model.Label) string {
	if l.Event != tcp.RcvRstInWindow || m.Profile.Switches&tcp.RFC5961 == 0 ||
		!l.From.Is(tcp.Synchronized) || l.From == tcp.TimeWait {
		return ""
	}
	return challenged(l, "an inexact RST", "challenge ACK: a peer whose RST fell short never learns the exact number", "RST")
}
