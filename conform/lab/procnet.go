package lab

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// procSocket is one line of /proc/net/tcp: the kernel's own view of a
// socket, which is how a live run learns states and timers without
// tracefs (the tracepoint never shows TIME_WAIT anyway, see LINUX.md).
type procSocket struct {
	LocalPort, RemotePort uint16
	State                 tcp.State
	Timer                 int           // the tr field: 0 none, 1 retransmit, 2 keepalive, 3 timewait, 4 probe
	TimerLeft             time.Duration // tm->when, kept in 1/100 s by the kernel
}

// procStates maps the st field of /proc/net/tcp (include/net/tcp_states.h)
// to the table's states. A request socket shows as 03 (SYN_RECV);
// 07 (CLOSE) is a socket still hashed in CLOSE, which the table calls CLOSED.
var procStates = map[uint64]tcp.State{
	0x01: tcp.Established,
	0x02: tcp.SynSent,
	0x03: tcp.SynReceived,
	0x04: tcp.FinWait1,
	0x05: tcp.FinWait2,
	0x06: tcp.TimeWait,
	0x07: tcp.Closed,
	0x08: tcp.CloseWait,
	0x09: tcp.LastAck,
	0x0A: tcp.Listen,
	0x0B: tcp.Closing,
}

// timerNames names the tr field of /proc/net/tcp as traces do. Linux shows
// tr 1 for the retransmission timer and also for its loss-probe and
// reordering uses, and tr 3 for an orphaned FIN_WAIT_2 as well as for
// TIME_WAIT: both live in a time-wait socket.
var timerNames = [...]string{1: "retransmit", 2: "keepalive", 3: "timewait", 4: "probe"}

// timerName is the trace name of the tr field value tr, "" for none.
func timerName(tr int) string {
	if tr <= 0 || tr >= len(timerNames) {
		return ""
	}
	return timerNames[tr]
}

// parseProcNetTCP parses the text of /proc/net/tcp. It skips the header
// line; any other line it cannot read is an error, so that a kernel that
// changed the format fails loudly instead of yielding no events.
func parseProcNetTCP(data []byte) ([]procSocket, error) {
	var out []procSocket
	for i, line := range bytes.Split(data, []byte("\n")) {
		f := bytes.Fields(line)
		if len(f) == 0 || (i == 0 && string(f[0]) == "sl") {
			continue
		}
		if len(f) < 6 {
			return nil, fmt.Errorf("/proc/net/tcp line %d: %d fields, want at least 6", i+1, len(f))
		}
		var s procSocket
		var err error
		if s.LocalPort, err = procPort(f[1]); err != nil {
			return nil, fmt.Errorf("/proc/net/tcp line %d: local address: %v", i+1, err)
		}
		if s.RemotePort, err = procPort(f[2]); err != nil {
			return nil, fmt.Errorf("/proc/net/tcp line %d: remote address: %v", i+1, err)
		}
		st, err := strconv.ParseUint(string(f[3]), 16, 8)
		if err != nil || procStates[st] == 0 {
			return nil, fmt.Errorf("/proc/net/tcp line %d: unknown state %q", i+1, f[3])
		}
		s.State = procStates[st]
		tr, when, ok := bytes.Cut(f[5], []byte(":"))
		if !ok {
			return nil, fmt.Errorf("/proc/net/tcp line %d: timer %q, want tr:when", i+1, f[5])
		}
		t, err1 := strconv.ParseUint(string(tr), 16, 8)
		w, err2 := strconv.ParseUint(string(when), 16, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("/proc/net/tcp line %d: timer %q, want hex tr:when", i+1, f[5])
		}
		s.Timer = int(t)
		s.TimerLeft = time.Duration(w) * 10 * time.Millisecond
		out = append(out, s)
	}
	return out, nil
}

// procPort reads the port of an address such as 0100007F:3039.
func procPort(addr []byte) (uint16, error) {
	_, port, ok := bytes.Cut(addr, []byte(":"))
	if !ok {
		return 0, fmt.Errorf("%q is not ADDR:PORT", addr)
	}
	p, err := strconv.ParseUint(string(port), 16, 16)
	if err != nil {
		return 0, fmt.Errorf("%q: bad port", addr)
	}
	return uint16(p), nil
}
