package diagnose

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// netstatFormat reads `netstat -tan` output, with or without -p (the
// PID/Program name column) and -o (the Timer column).
type netstatFormat struct {
	owners bool // some line names a process
	timers bool // some line has a timer column
}

func (f *netstatFormat) name() string { return "netstat" }

func (f *netstatFormat) header(fields []string, line string) bool {
	return strings.HasPrefix(line, "Active Internet connections") ||
		len(fields) >= 3 && fields[0] == "Proto" && fields[1] == "Recv-Q" && fields[2] == "Send-Q"
}

func (f *netstatFormat) parse(fields []string, _ string, s *Socket) (bool, error) {
	if fields[0] != "tcp" && fields[0] != "tcp6" {
		if fields[0] == "udp" || fields[0] == "udp6" || fields[0] == "raw" || fields[0] == "raw6" {
			return true, nil
		}
		return false, fmt.Errorf("protocol %q, want tcp or tcp6", fields[0])
	}
	if len(fields) < 6 {
		return false, fmt.Errorf("%d columns, want Proto Recv-Q Send-Q Local Foreign State", len(fields))
	}
	if err := queuesAndAddresses(fields[1:5], s); err != nil {
		return false, err
	}
	var ok bool
	if s.State, ok = netstatStates[fields[5]]; !ok {
		return false, fmt.Errorf("unknown state %q", fields[5])
	}
	return false, f.rest(fields[6:], s)
}

// rest reads the columns after State: the timer of -o, "KIND (LEFT/RETRANS/
// PROBES)", last, and before it the "PID/name" or "-" of -p, a name that
// may hold spaces.
func (f *netstatFormat) rest(fields []string, s *Socket) error {
	if n := len(fields); n >= 2 && strings.HasPrefix(fields[n-1], "(") {
		t, err := netstatTimer(fields[n-2], fields[n-1])
		if err != nil {
			return err
		}
		s.Timer, f.timers = t, true
		fields = fields[:n-2]
	}
	if len(fields) == 0 {
		return nil
	}
	prog := strings.Join(fields, " ")
	if prog == "-" {
		s.Orphan = orphanable[s.State]
		return nil
	}
	pid, name, ok := strings.Cut(prog, "/")
	n, err := strconv.Atoi(pid)
	if !ok || err != nil || n <= 0 {
		return fmt.Errorf("%q: want PID/Program name or -", prog)
	}
	s.Owners, f.owners = []Process{{Name: name, PID: n}}, true
	return nil
}

// netstatTimer reads netstat -o's timer: off (0.00/0/0), on (0.20/3/0),
// keepalive (7199.12/0/0), timewait (59.51/0/0), probe (1.20/0/2).
func netstatTimer(kind, value string) (*Timer, error) {
	inner, ok := strings.CutPrefix(value, "(")
	if inner, ok = strings.CutSuffix(inner, ")"); !ok {
		return nil, fmt.Errorf("timer %s %s: want KIND (LEFT/RETRANS/PROBES)", kind, value)
	}
	parts := strings.Split(inner, "/")
	if len(parts) != 3 {
		return nil, fmt.Errorf("timer %s %s: want KIND (LEFT/RETRANS/PROBES)", kind, value)
	}
	secs, err := strconv.ParseFloat(parts[0], 64)
	if err != nil || secs < 0 || secs > 1e9 {
		return nil, fmt.Errorf("timer %s %s: time left %q", kind, value, parts[0])
	}
	retrans, err1 := strconv.ParseUint(parts[1], 10, 16)
	probes, err2 := strconv.ParseUint(parts[2], 10, 16)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("timer %s %s: counts %q", kind, value, inner)
	}
	if kind == "off" {
		return nil, nil
	}
	k, ok := timerKinds[kind]
	if !ok {
		return nil, errors.New("unknown timer " + kind)
	}
	if k == "persist" {
		retrans = probes
	}
	return &Timer{Kind: k, Left: time.Duration(secs * float64(time.Second)).Round(10 * time.Millisecond), Retrans: int(retrans)}, nil
}

func (f *netstatFormat) finish(in *Input) {
	in.Timers, in.Owners = f.timers, f.owners
	if !f.owners {
		for i := range in.Sockets {
			in.Sockets[i].Orphan = false // netstat without -p, or not root: "-" says nothing
		}
	}
}
