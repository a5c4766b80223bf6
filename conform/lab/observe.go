package lab

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// recorder gathers one scenario's events from three sources that run at
// once: the scenario's application code (calls), the /proc/net/tcp poller
// (states, timers) and the packet capture (segments). Each source stamps
// its own events, so the trace can be put in time order at the end.
type recorder struct {
	mu         sync.Mutex
	start      time.Time
	clientPort uint16
	serverPort uint16
	events     []conform.Event // calls, states and timers, in the order recorded
	segs       []segment       // captured segments, in capture order
	view       [2]sideView
}

// segment is a captured TCP segment with its absolute sequence numbers;
// the trace's relative numbers are worked out once both ISNs are known.
type segment struct {
	at                 time.Duration
	side               conform.Side
	syn, ack, fin, rst bool
	seq, ackNum        uint32
	len                int
}

// end is the sequence number just past the segment.
func (g segment) end() uint32 {
	n := g.seq + uint32(g.len)
	if g.syn {
		n++
	}
	if g.fin {
		n++
	}
	return n
}

// sideView is what the poller last saw of one side's socket.
type sideView struct {
	seen    bool          // some poll showed the socket
	present bool          // the last poll showed it
	state   tcp.State     // last state seen; Closed once it is gone; 0 before it is seen
	timer   int           // tr of the last poll, 0 for none
	left    time.Duration // tm->when of the last poll
}

// restartSlack is how much longer a timer must have left than at the
// previous poll to count as restarted (the kernel rounds tm->when to 10 ms
// and runs timers at HZ, so smaller jumps are noise).
const restartSlack = 50 * time.Millisecond

// newRecorder starts a recording whose event times count from start.
func newRecorder(start time.Time, clientPort, serverPort uint16) *recorder {
	return &recorder{start: start, clientPort: clientPort, serverPort: serverPort}
}

func (r *recorder) since() time.Duration { return time.Since(r.start) }

// call records that side's application is about to make call.
func (r *recorder) call(side conform.Side, call string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, conform.Event{At: r.since(), Side: side, Kind: conform.Call, Call: call})
}

// sideOf says which side a socket or segment with these local (source)
// and remote (destination) ports belongs to; ok is false for the listener
// and anything else.
func (r *recorder) sideOf(local, remote uint16) (conform.Side, bool) {
	switch {
	case local == r.clientPort && remote == r.serverPort:
		return conform.Client, true
	case local == r.serverPort && remote == r.clientPort:
		return conform.Server, true
	}
	return 0, false
}

// observe takes one poll of /proc/net/tcp made at time at. It records a
// state event when a side's state changed (CLOSED when its socket is
// gone), and a timer event when the timer kind changed, when the state
// changed with a timer running (so entering TIME_WAIT or an orphaned
// FIN_WAIT_2 always shows its timer), or when the timer was restarted.
// When a new incarnation briefly shares the 4-tuple with a TIME_WAIT
// entry, the live socket wins. The final reading, taken when the scenario
// ends, repeats the state of each side still there, so that the trace
// shows how long it held.
func (r *recorder) observe(at time.Duration, socks []procSocket, final bool) {
	var found [2]*procSocket
	for i := range socks {
		s := &socks[i]
		side, ok := r.sideOf(s.LocalPort, s.RemotePort)
		if !ok {
			continue
		}
		if found[side] == nil || found[side].State == tcp.TimeWait {
			found[side] = s
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for side := conform.Client; side <= conform.Server; side++ {
		v := &r.view[side]
		s := found[side]
		if s == nil {
			if v.present {
				r.events = append(r.events, conform.Event{At: at, Side: side, Kind: conform.State, State: tcp.Closed})
				v.present, v.state, v.timer, v.left = false, tcp.Closed, 0, 0
			}
			continue
		}
		changed := !v.present || v.state != s.State
		if changed || final {
			r.events = append(r.events, conform.Event{At: at, Side: side, Kind: conform.State, State: s.State})
		}
		if name := timerName(s.Timer); name != "" &&
			(changed || s.Timer != v.timer || s.TimerLeft > v.left+restartSlack) {
			r.events = append(r.events, conform.Event{At: at, Side: side, Kind: conform.Timer, Timer: name, TimerLeft: s.TimerLeft})
		}
		v.seen, v.present, v.state, v.timer, v.left = true, true, s.State, s.Timer, s.TimerLeft
	}
}

// captured records a segment seen leaving one side.
func (r *recorder) captured(g segment) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.segs = append(r.segs, g)
}

// with calls f with r.mu held, for the accessors below.
func (r *recorder) with(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
}

// The accessors below are for wait conditions, which waitFor calls with
// r.mu held, and for with.

// state is the side's state at the last poll: 0 before its socket was
// ever seen, tcp.Closed once it is gone.
func (r *recorder) state(side conform.Side) tcp.State { return r.view[side].state }

// timer is the side's timer kind (tr) and time left at the last poll.
func (r *recorder) timer(side conform.Side) (int, time.Duration) {
	return r.view[side].timer, r.view[side].left
}

// mark is a position in the recorded events, for "seen since" conditions.
func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// saw reports whether a state event put side in st at or after mark.
func (r *recorder) saw(side conform.Side, st tcp.State, mark int) bool {
	for _, e := range r.events[min(mark, len(r.events)):] {
		if e.Kind == conform.State && e.Side == side && e.State == st {
			return true
		}
	}
	return false
}

// sawTimer reports whether a timer event of kind name was recorded for
// side at or after mark.
func (r *recorder) sawTimer(side conform.Side, name string, mark int) bool {
	for _, e := range r.events[min(mark, len(r.events)):] {
		if e.Kind == conform.Timer && e.Side == side && e.Timer == name {
			return true
		}
	}
	return false
}

// countSegs counts the captured segments that match.
func (r *recorder) countSegs(match func(segment) bool) int {
	n := 0
	for _, g := range r.segs {
		if match(g) {
			n++
		}
	}
	return n
}

// nextSeq is the absolute sequence number just past everything side has
// sent in its latest connection: what its peer expects next. ok is false
// before side sent anything.
func (r *recorder) nextSeq(side conform.Side) (next uint32, ok bool) {
	for _, g := range r.segs {
		if g.side != side || g.rst {
			continue
		}
		if g.syn || !ok || int32(g.end()-next) > 0 {
			next, ok = g.end(), true
		}
	}
	return next, ok
}

// lastSYN is the absolute sequence number of the latest SYN side sent.
func (r *recorder) lastSYN(side conform.Side) (seq uint32, ok bool) {
	for _, g := range r.segs {
		if g.side == side && g.syn {
			seq, ok = g.seq, true
		}
	}
	return seq, ok
}

// describe says where both sides are, for error messages.
func (r *recorder) describe() string {
	name := func(s conform.Side) string {
		switch st := r.view[s].state; st {
		case 0:
			return "not seen"
		default:
			if n := timerName(r.view[s].timer); n != "" {
				return fmt.Sprintf("%s, %s timer %.2fs left", st, n, r.view[s].left.Seconds())
			}
			return st.String()
		}
	}
	return fmt.Sprintf("client %s; server %s; %d segments captured", name(conform.Client), name(conform.Server), len(r.segs))
}

// waitFor polls cond (called with r.mu held) every millisecond until it
// holds, the timeout passes or ctx ends. The error says what was awaited
// and where both sides were.
func (r *recorder) waitFor(ctx context.Context, timeout time.Duration, what string, cond func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		r.mu.Lock()
		ok := cond()
		desc := r.describe()
		r.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (%s)", what, context.Cause(ctx), desc)
		case <-deadline.C:
			return fmt.Errorf("%s not seen within %v (%s)", what, timeout, desc)
		case <-tick.C:
		}
	}
}

// trace returns the recorded events in time order, the captured segments
// turned into send events with sequence numbers relative to the ISNs of
// their connection, as tcpdump prints them: the client's ISN is taken from
// each SYN it sends, the server's from each SYN,ACK. A later incarnation
// on the same 4-tuple (reopen-time-wait) thus starts again from 0, and its
// relation to the old one is not in the trace (the scenario checks it).
func (r *recorder) trace() ([]conform.Event, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var isn [2]uint32
	var known [2]bool
	events := append([]conform.Event(nil), r.events...)
	for _, g := range r.segs {
		if g.syn && g.ack == (g.side == conform.Server) {
			isn[g.side], known[g.side] = g.seq, true
		}
		if !known[g.side] || (g.ack && !known[g.side.Other()]) {
			return nil, fmt.Errorf("captured a %s segment before the handshake that gives its ISNs: the capture missed the SYN or SYN,ACK", g.side)
		}
		seg := conform.Segment{SYN: g.syn, ACK: g.ack, FIN: g.fin, RST: g.rst, Seq: g.seq - isn[g.side], Len: g.len}
		if g.ack {
			seg.Ack = g.ackNum - isn[g.side.Other()]
		}
		events = append(events, conform.Event{At: max(g.at, 0), Side: g.side, Kind: conform.Send, Seg: seg})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].At < events[j].At })
	return events, nil
}
