package conform

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Side is one endpoint of a scenario's connection.
type Side int

const (
	Client Side = iota
	Server
)

var sideNames = [2]string{"client", "server"}

func (s Side) String() string { return sideNames[s] }

// Other is the peer of s.
func (s Side) Other() Side { return 1 - s }

// Kind is what a trace event records.
type Kind int

const (
	Call  Kind = iota + 1 // the application made a call
	State                 // the kernel showed the socket in a state (CLOSED: the socket is gone)
	Send                  // a segment left this side (and, on loopback, reached the other)
	Timer                 // the kernel showed a timer running on the socket
)

var kindNames = [...]string{Call: "call", State: "state", Send: "send", Timer: "timer"}

// Calls an application makes, as traces name them.
const (
	Connect     = "connect"      // active open
	Listen      = "listen"       // passive open
	Close       = "close"        // close(): a FIN, the socket orphaned
	CloseUnread = "close_unread" // close() with received data unread: RST
	Shutdown    = "shutdown"     // shutdown(SHUT_WR): a FIN, the socket still held
	Abort       = "abort"        // SO_LINGER {on, 0} then close(): RST
)

// Segment is a TCP segment seen on the wire. Seq and Ack are relative to
// the sender's and the receiver's initial sequence numbers, as tcpdump
// prints them by default: the first SYN has seq 0.
type Segment struct {
	SYN, ACK, FIN, RST bool
	Seq, Ack           uint32
	Len                int
}

// Flags writes the flags as traces do: SYN, SYN,ACK, ACK, FIN,ACK, RST, RST,ACK.
func (g Segment) Flags() string {
	var f []string
	if g.SYN {
		f = append(f, "SYN")
	}
	if g.FIN {
		f = append(f, "FIN")
	}
	if g.RST {
		f = append(f, "RST")
	}
	if g.ACK {
		f = append(f, "ACK")
	}
	return strings.Join(f, ",")
}

// Event is one line of a trace.
type Event struct {
	At        time.Duration // since the scenario began
	Side      Side
	Kind      Kind
	Call      string        // for Call
	State     tcp.State     // for State; tcp.Closed when the socket is gone
	Seg       Segment       // for Send
	Timer     string        // for Timer: retransmit, keepalive, timewait, probe
	TimerLeft time.Duration // for Timer
}

func (e Event) String() string {
	head := fmt.Sprintf("%.6f %s %s", e.At.Seconds(), e.Side, kindNames[e.Kind])
	switch e.Kind {
	case Call:
		return head + " " + e.Call
	case State:
		return head + " " + e.State.String()
	case Send:
		return fmt.Sprintf("%s %s seq=%d ack=%d len=%d", head, e.Seg.Flags(), e.Seg.Seq, e.Seg.Ack, e.Seg.Len)
	case Timer:
		return fmt.Sprintf("%s %s left=%.3f", head, e.Timer, e.TimerLeft.Seconds())
	}
	return head
}

// Trace is one run of a scenario against a kernel, as recorded.
type Trace struct {
	Scenario string
	Kernel   string            // uname -r of the kernel that ran it
	Sysctls  map[string]string // the sysctls the scenario set, such as net.ipv4.tcp_fin_timeout
	Events   []Event           // in time order
}

// Write writes t in its text form: "#" header lines, then one event per line.
func (t *Trace) Write(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# scenario %s\n", t.Scenario)
	if t.Kernel != "" {
		fmt.Fprintf(&b, "# kernel %s\n", t.Kernel)
	}
	keys := make([]string, 0, len(t.Sysctls))
	for k := range t.Sysctls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "# sysctl %s=%s\n", k, t.Sysctls[k])
	}
	for _, e := range t.Events {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Read parses a trace written by Write. name is used in error messages.
func Read(name string, r io.Reader) (*Trace, error) {
	t := &Trace{Sysctls: map[string]string{}}
	sc := bufio.NewScanner(r)
	line := 0
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if h, ok := strings.CutPrefix(text, "#"); ok {
			f := strings.Fields(h)
			if len(f) == 2 && f[0] == "scenario" {
				t.Scenario = f[1]
			} else if len(f) == 2 && f[0] == "kernel" {
				t.Kernel = f[1]
			} else if len(f) == 2 && f[0] == "sysctl" {
				k, v, ok := strings.Cut(f[1], "=")
				if !ok {
					return nil, bad("sysctl wants name=value, not %q", f[1])
				}
				t.Sysctls[k] = v
			}
			continue
		}
		f := strings.Fields(text)
		if len(f) < 4 {
			return nil, bad("want: seconds side kind details")
		}
		secs, err := strconv.ParseFloat(f[0], 64)
		if err != nil || secs < 0 {
			return nil, bad("bad time %q", f[0])
		}
		e := Event{At: time.Duration(secs * float64(time.Second))}
		switch f[1] {
		case "client":
			e.Side = Client
		case "server":
			e.Side = Server
		default:
			return nil, bad("side %q: want client or server", f[1])
		}
		switch f[2] {
		case "call":
			e.Kind, e.Call = Call, f[3]
			if _, ok := callEvents[e.Call]; !ok {
				return nil, bad("unknown call %q", e.Call)
			}
		case "state":
			e.Kind = State
			if e.State = stateByName(f[3]); e.State == 0 {
				return nil, bad("unknown state %q", f[3])
			}
		case "send":
			e.Kind = Send
			for _, flag := range strings.Split(f[3], ",") {
				switch flag {
				case "SYN":
					e.Seg.SYN = true
				case "ACK":
					e.Seg.ACK = true
				case "FIN":
					e.Seg.FIN = true
				case "RST":
					e.Seg.RST = true
				default:
					return nil, bad("unknown flag %q", flag)
				}
			}
			for _, kv := range f[4:] {
				k, v, _ := strings.Cut(kv, "=")
				n, err := strconv.ParseUint(v, 10, 32)
				if err != nil {
					return nil, bad("bad %s", kv)
				}
				switch k {
				case "seq":
					e.Seg.Seq = uint32(n)
				case "ack":
					e.Seg.Ack = uint32(n)
				case "len":
					e.Seg.Len = int(n)
				default:
					return nil, bad("unknown field %q", k)
				}
			}
		case "timer":
			e.Kind, e.Timer = Timer, f[3]
			if len(f) > 4 {
				v, ok := strings.CutPrefix(f[4], "left=")
				left, err := strconv.ParseFloat(v, 64)
				if !ok || err != nil {
					return nil, bad("bad %q: want left=SECONDS", f[4])
				}
				e.TimerLeft = time.Duration(left * float64(time.Second))
			}
		default:
			return nil, bad("kind %q: want call, state, send or timer", f[2])
		}
		t.Events = append(t.Events, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if t.Scenario == "" {
		return nil, fmt.Errorf("%s: no \"# scenario NAME\" line", name)
	}
	return t, nil
}

func stateByName(name string) tcp.State {
	for s := tcp.State(1); s < tcp.NumStates; s++ {
		if s.String() == name {
			return s
		}
	}
	return 0
}
