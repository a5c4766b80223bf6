package diagnose

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ssFormat reads `ss -tan` output, with or without -o (timer:(...)), -e
// (uid:, ino:, sk:, cgroup:), -p (users:(...)) and -i (a line of TCP
// information under each socket, indented), and the Netid column of
// `ss -an`, whose rows of other protocols it skips.
type ssFormat struct {
	netid   bool // the lines begin with a Netid column
	sockets bool // a socket line was read: an indented line is its -i information
	owners  bool // some line has users: or ino:
	timers  bool // some line has timer:
}

func (f *ssFormat) name() string { return "ss" }

func (f *ssFormat) header(fields []string, _ string) bool {
	switch {
	case len(fields) >= 3 && fields[0] == "State" && fields[1] == "Recv-Q" && fields[2] == "Send-Q":
		return true
	case len(fields) >= 4 && fields[0] == "Netid" && fields[1] == "State" && fields[2] == "Recv-Q":
		f.netid = true
		return true
	}
	return false
}

func (f *ssFormat) parse(fields []string, line string, s *Socket) (bool, error) {
	if line[0] == ' ' || line[0] == '\t' {
		if !f.sockets {
			return false, errors.New("an indented line before any socket")
		}
		return true, nil // ss -i: the TCP information of the socket above
	}
	skip := 5
	if f.netid || fields[0] == "tcp" {
		if fields[0] != "tcp" {
			return true, nil // another protocol's socket
		}
		fields, skip = fields[1:], 6
	}
	if len(fields) < 5 {
		return false, fmt.Errorf("%d columns, want State Recv-Q Send-Q Local Peer", len(fields))
	}
	var ok bool
	if s.State, ok = ssStates[fields[0]]; !ok {
		return false, fmt.Errorf("unknown state %q", fields[0])
	}
	if err := queuesAndAddresses(fields[1:5], s); err != nil {
		return false, err
	}
	if err := f.extras(afterFields(line, skip), s); err != nil {
		return false, err
	}
	f.sockets = true
	return false, nil
}

// afterFields is what follows the first n fields of line.
func afterFields(line string, n int) string {
	rest := strings.TrimLeft(line, " \t")
	for range n {
		i := strings.IndexAny(rest, " \t")
		if i < 0 {
			return ""
		}
		rest = strings.TrimLeft(rest[i:], " \t")
	}
	return rest
}

// extras reads the fields -o, -e and -p add: timer:(...), uid:N, ino:N,
// sk:HEX, cgroup:PATH, users:((...)), and ss's "<->" marks.
func (f *ssFormat) extras(text string, s *Socket) error {
	for text = strings.TrimSpace(text); text != ""; text = strings.TrimSpace(text) {
		if rest, ok := strings.CutPrefix(text, "users:"); ok {
			procs, rest, err := users(rest)
			if err != nil {
				return err
			}
			s.Owners, text, f.owners = append(s.Owners, procs...), rest, true
			continue
		}
		tok, rest, _ := strings.Cut(text, " ")
		text = rest
		if err := f.extra(tok, s); err != nil {
			return err
		}
	}
	return nil
}

// extra reads one field that -o or -e adds.
func (f *ssFormat) extra(tok string, s *Socket) error {
	key, value, ok := strings.Cut(tok, ":")
	if !ok {
		if strings.Trim(tok, "<->?") == "" {
			return nil // <->, ->, <-: whether each direction is shut
		}
		return fmt.Errorf("unexpected %q after the addresses", tok)
	}
	switch key {
	case "timer":
		inner, ok := strings.CutPrefix(value, "(")
		if inner, ok = strings.CutSuffix(inner, ")"); !ok {
			return fmt.Errorf("%q: want timer:(NAME,EXPIRY,RETRANS)", tok)
		}
		t, err := ssTimer(inner)
		if err != nil {
			return err
		}
		s.Timer, f.timers = t, true
	case "uid":
		uid, err := strconv.Atoi(value)
		if err != nil || uid < 0 {
			return fmt.Errorf("%q: uid is not a number", tok)
		}
		s.UID = &uid
	case "ino":
		ino, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%q: inode is not a number", tok)
		}
		s.Inode, f.owners = ino, true
		s.Orphan = ino == 0 && orphanable[s.State]
	}
	return nil
}

func (f *ssFormat) finish(in *Input) {
	in.Timers, in.Owners = f.timers, f.owners
	if !f.owners {
		return
	}
	for i := range in.Sockets {
		s := &in.Sockets[i]
		if len(s.Owners) == 0 && s.Inode == 0 && orphanable[s.State] {
			s.Orphan = true
		}
	}
}
