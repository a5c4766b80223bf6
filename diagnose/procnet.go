package diagnose

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// procFormat reads /proc/net/tcp and /proc/net/tcp6, one after the
// other if both are given, each with its header line.
type procFormat struct{}

func (procFormat) name() string { return "/proc/net/tcp" }

func (procFormat) header(fields []string, _ string) bool {
	return len(fields) >= 3 && fields[0] == "sl" && fields[1] == "local_address" &&
		(fields[2] == "rem_address" || fields[2] == "remote_address")
}

// procTimers names the tr field: 1 retransmission (and loss probe), 2
// keep-alive, 3 TIME_WAIT (and an orphaned FIN_WAIT_2's flush), 4
// zero-window probe.
var procTimers = [...]string{1: "on", 2: "keepalive", 3: "timewait", 4: "persist"}

// parse reads "SL: LOCAL REMOTE ST TX:RX TR:WHEN RETRNSMT UID TIMEOUT INODE ...".
func (procFormat) parse(fields []string, _ string, s *Socket) (bool, error) {
	if len(fields) < 10 {
		return false, fmt.Errorf("%d fields, want at least 10 (sl local_address rem_address st ... inode)", len(fields))
	}
	if sl, ok := strings.CutSuffix(fields[0], ":"); !ok || !isDecimal(sl) {
		return false, fmt.Errorf("%q: want the slot number and a colon", fields[0])
	}
	var err error
	if s.Local, err = procEndpoint(fields[1]); err != nil {
		return false, err
	}
	if s.Peer, err = procEndpoint(fields[2]); err != nil {
		return false, err
	}
	st, err := strconv.ParseUint(fields[3], 16, 8)
	if err != nil || procStates[st] == "" {
		return false, fmt.Errorf("unknown state %q", fields[3])
	}
	s.State = procStates[st]
	tx, rx, err := hexPair(fields[4], "tx_queue:rx_queue")
	if err != nil {
		return false, err
	}
	s.SendQ, s.RecvQ = int64(tx), int64(rx)
	if err := procTimer(fields[5], fields[6], s); err != nil {
		return false, err
	}
	uid, err := strconv.Atoi(fields[7])
	if err != nil || uid < 0 {
		return false, fmt.Errorf("uid %q", fields[7])
	}
	s.UID = &uid
	if s.Inode, err = strconv.ParseUint(fields[9], 10, 64); err != nil {
		return false, fmt.Errorf("inode %q", fields[9])
	}
	s.Orphan = s.Inode == 0 && orphanable[s.State]
	return false, nil
}

// procTimer reads the tr:tm->when and retrnsmt fields; tm->when counts
// hundredths of a second (clock ticks).
func procTimer(field, retrnsmt string, s *Socket) error {
	tr, when, err := hexPair(field, "tr:tm->when")
	if err != nil {
		return err
	}
	retrans, err := strconv.ParseUint(retrnsmt, 16, 32)
	if err != nil {
		return fmt.Errorf("retrnsmt %q is not hex", retrnsmt)
	}
	if tr == 0 {
		return nil
	}
	if tr >= uint64(len(procTimers)) {
		return fmt.Errorf("unknown timer %d in %q", tr, field)
	}
	s.Timer = &Timer{Kind: procTimers[tr], Left: time.Duration(when) * 10 * time.Millisecond, Retrans: int(min(retrans, 1<<16))}
	return nil
}

// hexPair reads "HEX:HEX".
func hexPair(field, what string) (uint64, uint64, error) {
	a, b, ok := strings.Cut(field, ":")
	x, err1 := strconv.ParseUint(a, 16, 32)
	y, err2 := strconv.ParseUint(b, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%q: want %s in hex", field, what)
	}
	return x, y, nil
}

// procEndpoint reads ADDR:PORT in hex: 0100007F:1F90 is 127.0.0.1:8080;
// an IPv6 address is four 32-bit words, each in the host's byte order
// (little-endian here, as on the hosts that print it).
func procEndpoint(field string) (Endpoint, error) {
	a, p, ok := strings.Cut(field, ":")
	port, err := strconv.ParseUint(p, 16, 16)
	if !ok || err != nil || len(p) != 4 {
		return Endpoint{}, fmt.Errorf("address %q: want HEXADDR:HEXPORT", field)
	}
	raw, err := hex.DecodeString(a)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return Endpoint{}, fmt.Errorf("address %q: want 8 or 32 hex digits", field)
	}
	for i := 0; i < len(raw); i += 4 {
		binary.BigEndian.PutUint32(raw[i:], binary.LittleEndian.Uint32(raw[i:]))
	}
	addr, _ := netip.AddrFromSlice(raw)
	return Endpoint{Addr: addr.String(), Port: uint16(port)}, nil
}

func isDecimal(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

func (procFormat) finish(in *Input) { in.Timers, in.Owners = true, true }
