// What a closed window asks of the endpoint it holds back (P25).

package props

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// ZeroWindowProbed is P25: an endpoint whose data or FIN waits behind the
// peer's closed window probes it (RFC 9293 3.8.6.1 MUST-36: the sender
// "must regularly transmit at least one octet of new data ... or
// retransmit ... even if the send window is zero, in order to probe the
// window"). While something waits and the connection holds, the persist
// timer runs, and each of its expiries sends a PROBE. The window that
// reopens is announced by an ACK, and ACKs are not retransmitted: if that
// one is lost, only a probe draws the announcement again, so an endpoint
// that does not probe waits for ever on a window that is open, its FIN
// with it, while nothing is on the wire that any timer would resend (the
// close that "can sit on a closed window"). This is what the spec's
// persist timer is for; the zero window is in the model only on the
// bounds that give the applications data to write (-data, -zero-window).
var ZeroWindowProbed = check.Property{
	ID: "P25",
	State: func(m *model.Model, s *model.State, stuck bool) string {
		for x, e := range s.E {
			if (e.DataQ || e.FinQ) && e.St.Is(tcp.HasConnection) && !e.Running(tcp.PersistTimer) {
				return fmt.Sprintf("%s in %s holds %s back for the peer's closed window with no persist timer running: nothing will probe it", sides[x], e.St, queued(&e))
			}
		}
		return ""
	},
	Step: func(m *model.Model, from *model.State, su *model.Succ) string {
		l := su.Label
		before := &from.E[l.End]
		if l.Kind != model.Fire || l.Event != tcp.TimeoutPersist || !before.Running(tcp.PersistTimer) ||
			!(before.DataQ || before.FinQ) || !l.To.Is(tcp.HasConnection) || l.Actions.Has(tcp.SendProbe) {
			return ""
		}
		return fmt.Sprintf("%s's persist timer expired in %s, %s waiting, and it sent no PROBE: a lost window update is never asked for again", sides[l.End], l.From, queued(before))
	},
}

// queued says what e holds back for the peer's window.
func queued(e *model.Endpoint) string {
	switch {
	case e.DataQ && e.FinQ:
		return "data and its FIN"
	case e.DataQ:
		return "data"
	}
	return "its FIN"
}
