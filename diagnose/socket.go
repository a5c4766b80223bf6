package diagnose

import (
	"net/netip"
	"strconv"
	"time"
)

// Socket is one TCP socket as a tool listed it.
type Socket struct {
	Line  int      `json:"line"`  // where the input lists it
	State string   `json:"state"` // the spec's name: CLOSE_WAIT, TIME_WAIT, ...
	Local Endpoint `json:"local"`
	Peer  Endpoint `json:"peer"`
	RecvQ int64    `json:"recv_q"`
	SendQ int64    `json:"send_q"`
	Timer *Timer   `json:"timer,omitempty"` // nil: no timer runs, or the input does not say (Input.Timers)
	// Owner: the processes holding it, when the input names them (ss -p,
	// netstat -p, /proc read live); Orphan: no process holds it (inode 0,
	// or ss -p and netstat -p naming none), when the input can tell.
	Owners []Process `json:"owners,omitempty"`
	Orphan bool      `json:"orphan,omitempty"`
	Inode  uint64    `json:"inode,omitempty"`
	UID    *int      `json:"uid,omitempty"`
}

// Endpoint is an address and port as the input wrote them; Port is 0 for
// "*".
type Endpoint struct {
	Addr string `json:"addr"`
	Port uint16 `json:"port"`
}

func (e Endpoint) String() string {
	port := "*"
	if e.Port != 0 {
		port = strconv.Itoa(int(e.Port))
	}
	if a, err := netip.ParseAddr(e.Addr); err == nil && a.Is6() {
		return "[" + e.Addr + "]:" + port
	}
	return e.Addr + ":" + port
}

// Timer is a socket's running timer: its kind as ss names it (on,
// keepalive, timewait, persist), the time left and the retransmissions
// (or probes) so far.
type Timer struct {
	Kind    string        `json:"kind"`
	Left    time.Duration `json:"left_ns"`
	Retrans int           `json:"retrans"`
}

// Process is a process holding a socket.
type Process struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
	FD   int    `json:"fd,omitempty"`
}

func (p Process) String() string {
	if p.PID == 0 {
		return p.Name
	}
	return p.Name + "/" + strconv.Itoa(p.PID)
}

// Input is what one reading holds: the sockets and what its format tells.
type Input struct {
	Format  string   `json:"format"` // ss, netstat or proc
	Sockets []Socket `json:"sockets"`
	Timers  bool     `json:"timers"` // the input shows timers (ss -o, netstat -o, /proc)
	Owners  bool     `json:"owners"` // the input tells orphans from held sockets (ss -p or -e, netstat -p, /proc)
}

// The names ss, netstat and /proc/net/tcp (include/net/tcp_states.h)
// give the states, mapped to the spec's. Linux's CLOSE (07) is the spec's
// CLOSED; NEW_SYN_RECV (0C) is a request socket, which ss and netstat list
// as SYN_RECV.
var (
	ssStates = map[string]string{
		"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECEIVED",
		"FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2", "TIME-WAIT": "TIME_WAIT",
		"UNCONN": "CLOSED", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN",
		"CLOSING": "CLOSING",
	}
	netstatStates = map[string]string{
		"ESTABLISHED": "ESTABLISHED", "SYN_SENT": "SYN_SENT", "SYN_RECV": "SYN_RECEIVED",
		"FIN_WAIT1": "FIN_WAIT_1", "FIN_WAIT2": "FIN_WAIT_2", "TIME_WAIT": "TIME_WAIT",
		"CLOSE": "CLOSED", "CLOSE_WAIT": "CLOSE_WAIT", "LAST_ACK": "LAST_ACK", "LISTEN": "LISTEN",
		"CLOSING": "CLOSING",
	}
	procStates = map[uint64]string{
		0x01: "ESTABLISHED", 0x02: "SYN_SENT", 0x03: "SYN_RECEIVED", 0x04: "FIN_WAIT_1",
		0x05: "FIN_WAIT_2", 0x06: "TIME_WAIT", 0x07: "CLOSED", 0x08: "CLOSE_WAIT",
		0x09: "LAST_ACK", 0x0A: "LISTEN", 0x0B: "CLOSING", 0x0C: "SYN_RECEIVED",
	}
)

// orphanable are the states in which Linux counts a socket no process
// holds as an orphan, against net.ipv4.tcp_max_orphans.
var orphanable = map[string]bool{"FIN_WAIT_1": true, "FIN_WAIT_2": true, "CLOSING": true, "LAST_ACK": true}
