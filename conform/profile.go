package conform

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Profile returns the linux profile adjusted by the sysctls of a trace
// and by its running on loopback: tcp_fin_timeout sets the FIN_WAIT_2
// flush, tcp_rfc1337 the RFC 1337 switch, tcp_tw_reuse (2 by default: on
// for loopback) the reuse of one's own TIME_WAIT.
func Profile(t *Trace) (tcp.Profile, error) {
	p := tcp.Linux
	if v, ok := t.Sysctls["net.ipv4.tcp_fin_timeout"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return p, fmt.Errorf("scenario %s: net.ipv4.tcp_fin_timeout=%q", t.Scenario, v)
		}
		p.FinWait2 = time.Duration(n) * time.Second
	}
	// tcp_tw_reuse: 1 always, 2 (the default) for loopback, where every
	// scenario runs; 0 never.
	if t.Sysctls["net.ipv4.tcp_tw_reuse"] == "0" {
		p.Switches &^= tcp.ReuseOwnTimeWait
	} else {
		p.Switches |= tcp.ReuseOwnTimeWait
	}
	switch t.Sysctls["net.ipv4.tcp_rfc1337"] {
	case "", "0":
		p.Switches &^= tcp.RFC1337
	case "1":
		p.Switches |= tcp.RFC1337
	default:
		return p, fmt.Errorf("scenario %s: net.ipv4.tcp_rfc1337=%q", t.Scenario, t.Sysctls["net.ipv4.tcp_rfc1337"])
	}
	return p, nil
}
