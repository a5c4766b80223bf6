package diagnose

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// endpoint reads ADDR:PORT as ss and netstat write it: 127.0.0.1:8080,
// [::1]:8080, ::1:8080 (netstat), *:*, 0.0.0.0:*, 127.0.0.53%lo:53.
func endpoint(text string) (Endpoint, error) {
	var addr, port string
	if rest, ok := strings.CutPrefix(text, "["); ok {
		a, p, ok := strings.Cut(rest, "]:")
		if !ok {
			return Endpoint{}, fmt.Errorf("address %q: no ]:PORT", text)
		}
		addr, port = a, p
	} else {
		i := strings.LastIndexByte(text, ':')
		if i < 0 {
			return Endpoint{}, fmt.Errorf("address %q: no :PORT", text)
		}
		addr, port = text[:i], text[i+1:]
	}
	addr, _, _ = strings.Cut(addr, "%") // an interface: 127.0.0.53%lo
	if addr != "*" {
		if _, err := netip.ParseAddr(addr); err != nil {
			return Endpoint{}, fmt.Errorf("address %q: not an IP address (run the tool with -n)", text)
		}
	}
	e := Endpoint{Addr: addr}
	if port == "*" {
		return e, nil
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return Endpoint{}, fmt.Errorf("address %q: port %q is not a number (run the tool with -n)", text, port)
	}
	e.Port = uint16(p)
	return e, nil
}

// queuesAndAddresses reads the four columns ss and netstat share, in
// order: Recv-Q, Send-Q, the local and the peer address.
func queuesAndAddresses(fields []string, s *Socket) error {
	var err error
	if s.RecvQ, err = queue(fields[0]); err != nil {
		return err
	}
	if s.SendQ, err = queue(fields[1]); err != nil {
		return err
	}
	if s.Local, err = endpoint(fields[2]); err != nil {
		return err
	}
	s.Peer, err = endpoint(fields[3])
	return err
}

// queue reads a Recv-Q or Send-Q count.
func queue(text string) (int64, error) {
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("queue %q is not a count", text)
	}
	return n, nil
}

// ssExpiry is how ss prints a timer's expiry (print_ms_timer in
// iproute2's misc/ss.c): 119min, 1min59sec, 59sec, 1.600ms (1.6 s),
// 200ms, or nothing for 0.
var ssExpiry = regexp.MustCompile(`^(?:(\d+)min)?(?:(\d+)sec|(\d+)\.(\d{3})ms)?(?:(\d+)ms)?$`)

// ssTimer reads the inside of ss's timer:(NAME,EXPIRY,RETRANS).
func ssTimer(text string) (*Timer, error) {
	parts := strings.Split(text, ",")
	if len(parts) != 3 {
		return nil, fmt.Errorf("timer:(%s): want NAME,EXPIRY,RETRANS", text)
	}
	m := ssExpiry.FindStringSubmatch(parts[1])
	if m == nil {
		return nil, fmt.Errorf("timer:(%s): expiry %q", text, parts[1])
	}
	var left time.Duration
	for i, unit := range []time.Duration{time.Minute, time.Second, time.Second, time.Millisecond, time.Millisecond} {
		if m[i+1] != "" {
			n, err := strconv.ParseInt(m[i+1], 10, 32)
			if err != nil {
				return nil, fmt.Errorf("timer:(%s): expiry %q", text, parts[1])
			}
			left += time.Duration(n) * unit
		}
	}
	retrans, err := strconv.ParseUint(parts[2], 10, 16)
	if err != nil {
		return nil, fmt.Errorf("timer:(%s): retransmissions %q", text, parts[2])
	}
	kind, ok := timerKinds[parts[0]]
	if !ok {
		return nil, fmt.Errorf("timer:(%s): unknown timer %q", text, parts[0])
	}
	return &Timer{Kind: kind, Left: left, Retrans: int(retrans)}, nil
}

// timerKinds maps the timer names of ss and netstat to ss's.
var timerKinds = map[string]string{
	"on": "on", "keepalive": "keepalive", "timewait": "timewait", "persist": "persist",
	"probe": "persist", "unknown": "unknown",
}

// users reads ss's users:(("name",pid=1,fd=3),("name2",pid=2,fd=4)), the
// text after "users:" up to its closing parenthesis, and returns the
// processes and the rest of the text. A name may hold spaces, commas and
// parentheses; its quotes delimit it.
func users(text string) ([]Process, string, error) {
	rest, ok := strings.CutPrefix(text, "(")
	if !ok {
		return nil, "", errors.New("users: want users:((...))")
	}
	var out []Process
	for {
		if r, ok := strings.CutPrefix(rest, ")"); ok {
			return out, r, nil
		}
		rest = strings.TrimPrefix(rest, ",")
		var p Process
		var err error
		if p, rest, err = ssUser(rest); err != nil {
			return nil, "", err
		}
		out = append(out, p)
	}
}

// ssUser reads one ("name",pid=1,fd=3) and returns the rest of text.
func ssUser(text string) (Process, string, error) {
	rest, ok := strings.CutPrefix(text, "(\"")
	if !ok {
		return Process{}, "", errors.New("users: want (\"NAME\",pid=N,fd=N)")
	}
	end := strings.Index(rest, "\",")
	if end < 0 {
		return Process{}, "", errors.New("users: a name without its closing quote")
	}
	p := Process{Name: rest[:end]}
	attrs, rest, ok := strings.Cut(rest[end+2:], ")")
	if !ok {
		return Process{}, "", errors.New("users: a process without its closing parenthesis")
	}
	for _, kv := range strings.Split(attrs, ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return Process{}, "", fmt.Errorf("users: %q is not KEY=NUMBER", kv)
		}
		switch k {
		case "pid":
			p.PID = n
		case "fd":
			p.FD = n
		}
	}
	if p.PID == 0 {
		return Process{}, "", errors.New("users: a process without pid=")
	}
	return p, rest, nil
}
