package model

import (
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Segment kinds on the wire.
const (
	SYN uint8 = iota + 1
	SYNACK
	ACK
	FIN
	RST
	PROBE
)

var kindNames = [...]string{"", "SYN", "SYN,ACK", "ACK", "FIN", "RST", "PROBE"}

// Segment is one element in flight.
type Segment struct {
	Kind   uint8
	AckFin bool  // its ACK covers the receiver's FIN: the sender had received it
	Inc    uint8 // ghost: the incarnation it belongs to
	Age    uint8 // ticks in flight
}

func (s Segment) String() string {
	ack := ""
	if s.AckFin && s.Kind != RST {
		ack = "+ackFIN"
	}
	return fmt.Sprintf("%s%s#%d@%d", kindNames[s.Kind], ack, s.Inc, s.Age)
}

// class is a segment without its age: what fairness speaks of.
func (s Segment) class() uint8 {
	c := s.Kind<<5 | s.Inc&15
	if s.AckFin {
		c |= 16
	}
	return c
}

func segLess(a, b Segment) bool {
	if a.class() != b.class() {
		return a.class() < b.class()
	}
	return a.Age < b.Age
}

// Timer values: 0 stopped, 1 due (fires before the next tick), n > 1 due
// after n-1 more ticks.
const (
	tRtx = iota
	tR2
	tTimeWait
	tFinWait2
	numTimers
)

var timerOf = [numTimers]tcp.Timer{tcp.RetransmissionTimer, tcp.R2Timer, tcp.TimeWaitTimer, tcp.FinWait2Timer}

// Zombie marks the ghost of a connection that an old duplicate SYN opened
// at a listener after its own incarnation had ended there (RFC 9293
// Figure 8): not a real incarnation, so no property speaks of it.
const Zombie uint8 = 8

// Endpoint is one side of the connection.
type Endpoint struct {
	St      tcp.State
	Inc     uint8 // the incarnation its connection belongs to; 0 in CLOSED and LISTEN; Zombie set for one an old SYN opened
	Done    uint8 // the last incarnation whose connection this endpoint has ended
	Held    bool  // the application holds the socket (not yet closed or aborted)
	Shut    bool  // the application shut down its sending side
	Closer  bool  // it sent its FIN before receiving the peer's
	Backoff uint8
	Timers  [numTimers]uint8
}

// State is a global state: both endpoints, the network and the ghosts.
type State struct {
	E       [2]Endpoint
	Net     [2][MaxCapacity]Segment // [0] carries A to B, [1] B to A; sorted
	N       [2]uint8                // segments in each direction
	NextInc uint8                   // the incarnation the client opens next
	Losses  uint8                   // losses left in this incarnation
	Above   uint8                   // bit i: incarnation i chose sequence numbers above the old ones
	Spoiled uint8                   // bit i: incarnation i was aborted by an application or flushed by a timer
	Reset   uint8                   // bit i: a RST ended an endpoint of incarnation i before its close completed
}

// A and B name the endpoints.
const (
	A = 0
	B = 1
)

var endName = [2]string{"A", "B"}

// Encode appends the compact form of s to buf: the visited-set key.
func (s *State) Encode(buf []byte) []byte {
	for i := range s.E {
		e := &s.E[i]
		var f byte
		if e.Held {
			f |= 1
		}
		if e.Shut {
			f |= 2
		}
		if e.Closer {
			f |= 4
		}
		buf = append(buf, byte(e.St), e.Inc, e.Done, f, e.Backoff)
		buf = append(buf, e.Timers[:]...)
	}
	for d := 0; d < 2; d++ {
		buf = append(buf, s.N[d])
		for _, g := range s.Net[d][:s.N[d]] {
			buf = append(buf, g.class(), g.Age)
		}
	}
	return append(buf, s.NextInc, s.Losses, s.Above, s.Spoiled, s.Reset)
}

// Decode reads a state written by Encode.
func Decode(b []byte) State {
	var s State
	i := 0
	for k := range s.E {
		e := &s.E[k]
		e.St, e.Inc, e.Done = tcp.State(b[i]), b[i+1], b[i+2]
		f := b[i+3]
		e.Held, e.Shut, e.Closer = f&1 != 0, f&2 != 0, f&4 != 0
		e.Backoff = b[i+4]
		copy(e.Timers[:], b[i+5:i+5+numTimers])
		i += 5 + numTimers
	}
	for d := 0; d < 2; d++ {
		s.N[d] = b[i]
		i++
		for j := 0; j < int(s.N[d]); j++ {
			c := b[i]
			s.Net[d][j] = Segment{Kind: c >> 5, AckFin: c&16 != 0, Inc: c & 15, Age: b[i+1]}
			i += 2
		}
	}
	s.NextInc, s.Losses, s.Above, s.Spoiled, s.Reset = b[i], b[i+1], b[i+2], b[i+3], b[i+4]
	return s
}

func (s *State) segs(d int) []Segment { return s.Net[d][:s.N[d]] }

// add puts g into direction d, keeping the set sorted. It reports false
// when the direction is full.
func (s *State) add(d int, g Segment, capacity int) bool {
	segs := s.segs(d)
	pos := len(segs)
	for i, h := range segs {
		if h == g {
			return true // the same element: duplicates in flight are one
		}
		if segLess(g, h) {
			pos = i
			break
		}
	}
	if len(segs) >= capacity {
		return false
	}
	copy(s.Net[d][pos+1:len(segs)+1], s.Net[d][pos:len(segs)])
	s.Net[d][pos] = g
	s.N[d]++
	return true
}

func (s *State) remove(d, i int) {
	n := int(s.N[d])
	copy(s.Net[d][i:n-1], s.Net[d][i+1:n])
	s.Net[d][n-1] = Segment{}
	s.N[d]--
}

func (s State) String() string {
	var b strings.Builder
	for i, e := range s.E {
		if i > 0 {
			b.WriteString("  ")
		}
		fmt.Fprintf(&b, "%s %s", endName[i], e.St)
		if e.Inc > 0 {
			fmt.Fprintf(&b, "#%d", e.Inc)
		}
		var t []string
		for k, v := range e.Timers {
			if v > 0 {
				t = append(t, fmt.Sprintf("%s=%d", timerOf[k], v-1))
			}
		}
		if len(t) > 0 {
			b.WriteString(" [" + strings.Join(t, " ") + "]")
		}
		if !e.Held && e.St != tcp.Closed && e.St != tcp.Listen {
			b.WriteString(" orphan")
		}
	}
	for d, arrow := range [2]string{"A->B", "B->A"} {
		if s.N[d] == 0 {
			continue
		}
		parts := make([]string, s.N[d])
		for i, g := range s.segs(d) {
			parts[i] = g.String()
		}
		fmt.Fprintf(&b, "  %s {%s}", arrow, strings.Join(parts, " "))
	}
	return b.String()
}

// Running reports whether the endpoint's timer t is armed. Only the
// modelled timers (retransmission, r2, time_wait, fin_wait_2) ever are.
func (e *Endpoint) Running(t tcp.Timer) bool {
	for k, tm := range timerOf {
		if tm == t {
			return e.Timers[k] != 0
		}
	}
	return false
}

// incBit is incarnation inc's bit in the sets Above, Spoiled and Reset; a
// zombie, being no incarnation, has none.
func incBit(inc uint8) uint8 {
	if inc == 0 || inc&Zombie != 0 {
		return 0
	}
	return 1 << inc
}

// HigherSeq reports whether incarnation inc chose sequence numbers above
// everything the incarnation before it used.
func (s *State) HigherSeq(inc uint8) bool { return s.Above&incBit(inc) != 0 }

// SkippedTimeWait reports whether incarnation inc was aborted, flushed by a
// timer or reset before its close completed: it has no TIME_WAIT to guard
// what comes after it, and its close was not graceful.
func (s *State) SkippedTimeWait(inc uint8) bool { return (s.Spoiled|s.Reset)&incBit(inc) != 0 }
