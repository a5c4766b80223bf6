// What a keep-alive expiry owes the connection (P26).

package props

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// KeepAliveProbes is P26: where keep-alive runs, each expiry of its timer
// that leaves the connection standing sends a PROBE (RFC 9293 3.8.4 MAY-5:
// a keep-alive segment "elicits an ACK" from a live peer; RFC 1122
// 4.2.3.6), runs on for the next probe (keepalive_interval), and leaves
// R2 running, the count of unanswered probes after which the connection
// is given up (Linux tcp_keepalive_probes, FreeBSD keepcnt). An expiry
// that sends nothing still arms R2, which then gives up on a peer that
// is alive and was never asked; one that leaves R2 off probes a vanished
// peer for ever and never frees the socket, which is what keep-alive is
// for; one that stops the timer probes once and then never again. An
// expiry the table ignores, as if the timer were not running, is P19's.
var KeepAliveProbes = check.Property{ID: "P26", Step: func(m *model.Model, from *model.State, su *model.Succ) string {
	l := su.Label
	before, after := &from.E[l.End], &su.Next.E[l.End]
	if l.Kind != model.Fire || l.Event != tcp.TimeoutKeepalive || !before.Running(tcp.KeepaliveTimer) || !after.St.Is(tcp.HasConnection) {
		return ""
	}
	if l.Actions == 0 && l.To == l.From {
		return "" // the table ignores the expiry: a timer running where it does not act is P19's
	}
	switch {
	case !l.Actions.Has(tcp.SendProbe):
		return fmt.Sprintf("%s's keep-alive timer expired in %s and it sent no PROBE: nothing asks the peer whether it is there", sides[l.End], l.From)
	case !after.Running(tcp.KeepaliveTimer):
		return fmt.Sprintf("%s's keep-alive timer expired in %s and stopped: the probe is never followed by another", sides[l.End], l.From)
	case !after.Running(tcp.R2Timer):
		return fmt.Sprintf("%s's keep-alive timer expired in %s with no R2 running after it: a peer that never answers is probed for ever", sides[l.End], l.From)
	}
	return ""
}}
