// What a segment draws by what it carries: data an ACK (P23), a bare ACK
// nothing (P24).

package props

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// receives reports whether state s still takes the peer's data: it is
// synchronized and the peer's FIN has not arrived (past it, data is
// ignored, RFC 9293 3.10.7.4 seventh). The spec's classes say which
// states those are.
func receives(s tcp.State) bool {
	return s.Is(tcp.Synchronized) && !s.Is(tcp.ReceivedFin)
}

// DataAnswered is P23: new data reaching a connection that still
// receives is answered. Where an application will read it (rcv DATA),
// the data is ACKed and the connection goes on in its state (SYN_RECEIVED
// completes its handshake on it): RFC 9293 3.10.7.4 seventh, "Send an
// acknowledgment", in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 alike. A
// table that takes the data without the ACK leaves the peer resending it
// until its R2 gives up on a connection that is in fact fine, and the
// close behind it waits as long. Where nobody will read it, because the
// application has called close() (rcv DATA_AFTER_CLOSE, an orphan), the
// data draws a RST and the connection ends (RFC 9293 3.6.1 SHLD-3; Linux
// LINUX_MIB_TCPABORTONDATA, FreeBSD tcp_input's "data received after the
// user process is gone"): ACKing it tells the peer its data arrived when
// it was thrown away, and dropping it leaves the peer resending. The
// forged data of the attacker is the same segment, which is why P16
// declares orphans' as a known weakness.
var DataAnswered = check.Property{ID: "P23", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if !receives(l.From) {
		return ""
	}
	switch l.Event {
	case tcp.RcvData:
		switch {
		case l.Actions&tcp.SendAck == 0:
			return fmt.Sprintf("%s took %s in %s and sent no ACK: the peer resends its data until it gives up", sides[l.End], l.Event, l.From)
		case l.Actions&tcp.SendRst != 0 || !l.To.Is(tcp.HasConnection):
			return fmt.Sprintf("%s took %s in %s and ended the connection in %s: data an application will read ends nothing", sides[l.End], l.Event, l.From, l.To)
		case l.To != l.From && l.From != tcp.SynReceived:
			return fmt.Sprintf("%s took %s in %s and went to %s: data moves no state past the handshake", sides[l.End], l.Event, l.From, l.To)
		}
	case tcp.RcvDataAfterClose:
		if l.Actions&tcp.SendRst == 0 || l.To.Is(tcp.HasConnection) {
			return fmt.Sprintf("%s took %s in %s, went to %s and did %s: data nobody will read must draw a RST and end the orphan", sides[l.End], l.Event, l.From, l.To, l.Actions)
		}
	}
	return ""
}}

// AcksNotAcked is P24: a segment that occupies no sequence space, an
// acceptable ACK with no data, SYN, FIN or RST (rcv ACK, ZERO_WINDOW,
// WINDOW_OPEN in a synchronized state; rcv ACK_OF_FIN where our FIN was
// sent), draws no ACK. RFC 9293 3.10.7.4 fifth to eighth answer only an
// ACK of something not yet sent, segment text or a FIN; an acceptable
// ACK updates SND.UNA and the window and is dropped. An ACK answering an
// ACK moves no sequence number and tells the peer nothing it does not
// know, and two ends that both do it answer each other for ever: an ACK
// storm that no timer ends. The ACK of something not yet sent (rcv
// ACK_OF_FIN before our FIN, only the attacker's) is answered by the
// RFC and is not this property's.
var AcksNotAcked = check.Property{ID: "P24", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	if !l.From.Is(tcp.Synchronized) || l.Actions&tcp.SendAck == 0 {
		return ""
	}
	switch l.Event {
	case tcp.RcvAck, tcp.RcvZeroWindow, tcp.RcvWindowOpen:
	case tcp.RcvAckOfFin:
		if !l.From.Is(tcp.SentFin) {
			return ""
		}
	default:
		return ""
	}
	return fmt.Sprintf("%s took %s in %s and answered it with an ACK: a bare ACK occupies no sequence space and is not acknowledged", sides[l.End], l.Event, l.From)
}}
