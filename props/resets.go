// What a RST must do to the connection that accepts it (P21).

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
