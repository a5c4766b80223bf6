package lab

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Recording is a scenario recorded for fsmgen track: the capture of its
// connection as a pcap file, and the kernel's own state changes of the
// connection's sockets from the same run, as the tracepoint
// sock:inet_sock_set_state reported them.
type Recording struct {
	Scenario string
	Kernel   string // uname -r
	Pcap     []byte // LINKTYPE_RAW, IPv4 packets cut to their headers
	Changes  []StateChange
}

// StateChange is one firing of sock:inet_sock_set_state: a socket with
// the local and remote address went from Old to New. States carry the
// table's names; a request socket's TCP_NEW_SYN_RECV, which the table has
// no name for, is "NEW_SYN_RECV".
//
// The tracepoint follows full sockets only. Linux hands a connection that
// reaches TIME_WAIT, or an orphaned FIN_WAIT_2, to a time-wait socket, and
// the full socket then reports CLOSED; a SYN that reopens TIME_WAIT goes to
// the listener, whose new socket reports LISTEN to SYN_RECEIVED.
type StateChange struct {
	At            time.Duration // since the first change of the run, on the tracing clock
	Local, Remote netip.AddrPort
	Old, New      string
}

// kernelStates maps the tracepoint's names (include/net/tcp_states.h) to
// the table's.
var kernelStates = map[string]string{
	"TCP_ESTABLISHED":  tcp.Established.String(),
	"TCP_SYN_SENT":     tcp.SynSent.String(),
	"TCP_SYN_RECV":     tcp.SynReceived.String(),
	"TCP_FIN_WAIT1":    tcp.FinWait1.String(),
	"TCP_FIN_WAIT2":    tcp.FinWait2.String(),
	"TCP_TIME_WAIT":    tcp.TimeWait.String(),
	"TCP_CLOSE":        tcp.Closed.String(),
	"TCP_CLOSE_WAIT":   tcp.CloseWait.String(),
	"TCP_LAST_ACK":     tcp.LastAck.String(),
	"TCP_LISTEN":       tcp.Listen.String(),
	"TCP_CLOSING":      tcp.Closing.String(),
	"TCP_NEW_SYN_RECV": "NEW_SYN_RECV",
}

// Sequence is the states the sockets with local address local went
// through, in order: each socket's first old state (when it differs from
// where the one before ended), then every new state.
func Sequence(changes []StateChange, local netip.AddrPort) []string {
	var seq []string
	for _, c := range changes {
		if c.Local != local {
			continue
		}
		if len(seq) == 0 || seq[len(seq)-1] != c.Old {
			seq = append(seq, c.Old)
		}
		seq = append(seq, c.New)
	}
	return seq
}

// WriteStates writes the recording's state changes as text: a header of
// comment lines, then a line per change, "SECONDS LOCAL REMOTE OLD NEW".
func (r *Recording) WriteStates(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# scenario %s\n# kernel %s\n", r.Scenario, r.Kernel)
	fmt.Fprintf(bw, "# sock:inet_sock_set_state of the connection's sockets: seconds, local, remote, old state, new state\n")
	for _, c := range r.Changes {
		fmt.Fprintf(bw, "%.6f %s %s %s %s\n", c.At.Seconds(), c.Local, c.Remote, c.Old, c.New)
	}
	return bw.Flush()
}

// ReadStates reads what WriteStates wrote; name names the input in errors,
// which give its line.
func ReadStates(r io.Reader, name string) ([]StateChange, error) {
	var out []StateChange
	sc := bufio.NewScanner(r)
	known := map[string]bool{}
	for _, s := range kernelStates {
		known[s] = true
	}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 5 {
			return nil, fmt.Errorf("%s:%d: want SECONDS LOCAL REMOTE OLD NEW, got %d fields", name, n, len(f))
		}
		secs, err := strconv.ParseFloat(f[0], 64)
		if err != nil || secs < 0 {
			return nil, fmt.Errorf("%s:%d: bad time %q", name, n, f[0])
		}
		local, err := netip.ParseAddrPort(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: local address: %v", name, n, err)
		}
		remote, err := netip.ParseAddrPort(f[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: remote address: %v", name, n, err)
		}
		for _, s := range f[3:] {
			if !known[s] {
				return nil, fmt.Errorf("%s:%d: unknown state %q", name, n, s)
			}
		}
		out = append(out, StateChange{At: time.Duration(secs * float64(time.Second)), Local: local, Remote: remote, Old: f[3], New: f[4]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// parseSetState reads one line of the tracepoint's text output, as the
// trace file of tracefs prints it:
//
//	<task>-<pid> [cpu] flags 60978.859767: inet_sock_set_state: family=AF_INET ... sport=43210 dport=23456 saddr=127.0.0.1 daddr=127.0.0.1 ... oldstate=TCP_CLOSE newstate=TCP_SYN_SENT
//
// ok is false for a line of another event or a comment.
func parseSetState(line string) (c StateChange, stamp float64, ok bool, err error) {
	head, rest, found := strings.Cut(line, ": inet_sock_set_state: ")
	if !found {
		return c, 0, false, nil
	}
	hf := strings.Fields(head)
	if len(hf) == 0 {
		return c, 0, false, fmt.Errorf("no timestamp in %q", line)
	}
	stamp, err = strconv.ParseFloat(strings.TrimSuffix(hf[len(hf)-1], ":"), 64)
	if err != nil {
		return c, 0, false, fmt.Errorf("bad timestamp in %q", line)
	}
	kv := map[string]string{}
	for _, f := range strings.Fields(rest) {
		if k, v, ok := strings.Cut(f, "="); ok {
			kv[k] = v
		}
	}
	if kv["protocol"] != "IPPROTO_TCP" {
		return c, 0, false, nil
	}
	sport, err1 := strconv.ParseUint(kv["sport"], 10, 16)
	dport, err2 := strconv.ParseUint(kv["dport"], 10, 16)
	saddr, daddr := kv["saddr"], kv["daddr"]
	if kv["family"] == "AF_INET6" {
		saddr, daddr = kv["saddrv6"], kv["daddrv6"]
	}
	sa, err3 := netip.ParseAddr(saddr)
	da, err4 := netip.ParseAddr(daddr)
	old, okOld := kernelStates[kv["oldstate"]]
	nw, okNew := kernelStates[kv["newstate"]]
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || !okOld || !okNew {
		return c, 0, false, fmt.Errorf("cannot read %q", line)
	}
	c = StateChange{Local: netip.AddrPortFrom(sa.Unmap(), uint16(sport)), Remote: netip.AddrPortFrom(da.Unmap(), uint16(dport)), Old: old, New: nw}
	return c, stamp, true, nil
}

// chained checks that the changes of each local address follow on from
// one another: each starts where the one before ended, or a new socket
// starts (from CLOSED or LISTEN) once the one before is CLOSED. Changes
// that do not are another socket's on the same ports, from a run the
// recording could not keep apart.
func chained(changes []StateChange) error {
	last := map[netip.AddrPort]string{}
	for i, c := range changes {
		prev, seen := last[c.Local]
		fresh := c.Old == tcp.Closed.String() || c.Old == tcp.Listen.String()
		if seen && c.Old != prev && !(prev == tcp.Closed.String() && fresh) {
			return fmt.Errorf("state change %d of %s goes from %s, but the socket was in %s: the trace has another socket's changes on the same ports (another live run at the same time?)", i+1, c.Local, c.Old, prev)
		}
		last[c.Local] = c.New
	}
	return nil
}
