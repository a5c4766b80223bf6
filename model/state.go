package model

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// SegKind is the kind of a segment on the wire.
type SegKind uint8

// Segment kinds on the wire. SYN to PROBE are in the order a transition
// sends them (Sends).
const (
	SYN SegKind = iota + 1
	SYNACK
	ACK
	FIN
	RST
	PROBE
	// RSTACK is the RST that answers a SYN: with no ACK to take its
	// sequence number from, it carries sequence number 0 and acknowledges
	// the SYN (RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>).
	RSTACK
	// DATA is a segment of data an application wrote (Bounds.Data). It is
	// sent by the application's write, not by a transition of the table,
	// and the receiver takes it as rcv DATA, or DATA_AFTER_CLOSE once its
	// own application has closed.
	DATA
	// ZWIN is an ACK that advertises a zero window: its sender took in
	// data its application does not read (Bounds.ZeroWindow). The
	// receiver takes it as rcv ZERO_WINDOW while it has data or its FIN
	// queued, and as a plain ACK otherwise.
	ZWIN
	// WOPEN is the window update that reopens the window: rcv
	// WINDOW_OPEN to a receiver with something queued, a plain ACK
	// otherwise.
	WOPEN
)

var kindNames = [...]string{"", "SYN", "SYN,ACK", "ACK", "FIN", "RST", "PROBE", "RST,ACK", "DATA", "ACK,WIN=0", "ACK,WIN>0"}

func (k SegKind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("SegKind(%d)", uint8(k))
}

// A Send is a send action of the table and the kind of segment it puts on
// the wire.
type Send struct {
	Action tcp.Action
	Kind   SegKind
}

// sends are the send actions, in the order a transition puts their
// segments on the wire.
var sends = [...]Send{{tcp.SendSyn, SYN}, {tcp.SendSynAck, SYNACK}, {tcp.SendAck, ACK}, {tcp.SendFin, FIN}, {tcp.SendRst, RST}, {tcp.SendProbe, PROBE}}

// Sends lists the send actions of the table with the kinds of segment
// they put on the wire, in the order a transition sends them. (A RST that
// answers a SYN goes out as RSTACK.)
func Sends() []Send { return slices.Clone(sends[:]) }

// Segment is one element in flight.
type Segment struct {
	Kind   SegKind
	AckFin bool  // its ACK covers the receiver's FIN: the sender had received it
	Inc    uint8 // ghost: the incarnation it belongs to
	Age    uint8 // ticks in flight
	// Stray (ghost): a RST sent in answer to a segment of incarnation Inc
	// by an endpoint that does not hold that incarnation (one without a
	// connection, CLOSED or LISTEN, or one of another incarnation). It
	// carries Inc's sequence numbers but was made after Inc's endpoints let
	// go of it, so no TIME_WAIT of Inc bounds its life.
	Stray bool
}

func (s Segment) String() string {
	ack := ""
	if s.AckFin && s.Kind != RST && s.Kind != RSTACK {
		ack = "+ackFIN"
	}
	stray := ""
	if s.Stray {
		stray = "(stray)"
	}
	return fmt.Sprintf("%s%s%s#%d@%d", s.Kind, ack, stray, s.Inc, s.Age)
}

// class is a segment without its age, for ordering a direction's set.
func (s Segment) class() uint16 {
	c := uint16(s.Kind)<<6 | uint16(s.Inc&15)
	if s.AckFin {
		c |= 16
	}
	if s.Stray {
		c |= 32
	}
	return c
}

func segLess(a, b Segment) bool {
	if a.class() != b.class() {
		return a.class() < b.class()
	}
	return a.Age < b.Age
}

// TimerIndex is the index of a modelled timer in Endpoint.Timers. A
// timer's value there is 0 stopped, 1 due (fires before the next tick),
// n > 1 due after n-1 more ticks.
type TimerIndex uint8

// The modelled timers, by index.
const (
	TimerRtx      TimerIndex = iota // retransmission
	TimerR2                         // R2
	TimerTimeWait                   // TIME_WAIT
	TimerFinWait2                   // the FIN_WAIT_2 flush
	NumTimers                       // how many
)

var timerOf = [NumTimers]tcp.Timer{tcp.RetransmissionTimer, tcp.R2Timer, tcp.TimeWaitTimer, tcp.FinWait2Timer}

// Timer is the table's timer at index k.
func (k TimerIndex) Timer() tcp.Timer { return timerOf[k] }

func (k TimerIndex) String() string { return k.Timer().String() }

// Zombie marks the ghost of a connection that an old duplicate SYN opened
// at a listener after its own incarnation had ended there (RFC 9293
// Figure 8): not a real incarnation, so no property speaks of it.
const Zombie uint8 = 8

// Endpoint is one side of the connection.
type Endpoint struct {
	St     tcp.State
	Inc    uint8 // the incarnation its connection belongs to; 0 in CLOSED and LISTEN; Zombie set for one an old SYN opened
	Done   uint8 // the last incarnation whose connection this endpoint has ended
	Held   bool  // the application holds the socket (not yet closed or aborted)
	Shut   bool  // the application shut down its sending side
	Closer bool  // it sent its FIN before receiving the peer's
	Unread bool  // data arrived that the application may not have read: its close() may be CLOSE_UNREAD
	Wrote  uint8 // segments of data its application wrote in this incarnation (at most Bounds.Data)
	// The zero window (Bounds.ZeroWindow). Full: it advertised a zero
	// window, holding data its application has not read. Blocked: the
	// peer's window is closed as far as it knows. DataQ, FinQ: its data,
	// its FIN, wait for the peer's window. Persist: the persist timer,
	// as a value of Timers; apart from them because the Promela export,
	// which mirrors Timers, leaves the zero window out.
	Full, Blocked, DataQ, FinQ bool
	Persist                    uint8
	// KeepAlive is the keep-alive timer (Bounds.KeepAlive), apart from
	// Timers for the same reason as Persist: the Promela export leaves
	// keep-alive out.
	KeepAlive uint8
	// UserTimeout is the user timeout (Bounds.UserTimeout), apart from
	// Timers for the same reason.
	UserTimeout uint8
	Backoff     uint8
	Timers      [NumTimers]uint8
	// Challenges counts the challenge ACKs it sent since the last tick,
	// under the attacker only, up to the profile's limit, or 1 where it
	// has none (throttle.go; a count of the spec reaches a million).
	Challenges uint32
}

// State is a global state: both endpoints, the network and the ghosts.
type State struct {
	E        [2]Endpoint
	Net      [2][MaxCapacity]Segment // [0] carries A to B, [1] B to A; sorted
	N        [2]uint8                // segments in each direction
	NextInc  uint8                   // the incarnation the client opens next
	Losses   uint8                   // losses left in this incarnation
	Above    uint8                   // bit i: incarnation i chose sequence numbers above the old ones
	Spoiled  uint8                   // bit i: incarnation i was aborted by an application or flushed by a timer
	Reset    uint8                   // bit i: a RST ended an endpoint of incarnation i before its close completed
	Tainted  uint8                   // bit i: incarnation i took in a segment TIME_WAIT does not guard against (see Unguarded)
	Cut      uint8                   // bit i: a RST ended an endpoint's TIME_WAIT of incarnation i (TIME-WAIT assassination, RFC 1337)
	Derailed uint8                   // bit i: incarnation i took in a segment of an incarnation whose TIME_WAIT was cut
	Reopened uint8                   // bit i: a SYN above the old sequence numbers ended an endpoint's TIME_WAIT of incarnation i (the reopen rule), or i took in a segment of such an incarnation
	Forged   uint8                   // segments the off-path attacker may still forge (Bounds.Attacks)
}

// ghostSets are the ghost sets of s that hold a bit per incarnation, in
// the order Pack writes them: the one list to extend with a new set.
func (s *State) ghostSets() [numIncSets]*uint8 {
	return [...]*uint8{&s.Above, &s.Spoiled, &s.Reset, &s.Tainted, &s.Cut, &s.Derailed, &s.Reopened}
}

// A and B name the endpoints.
const (
	A = 0
	B = 1
)

var endName = [2]string{"A", "B"}

func tcpState(v uint8) tcp.State { return tcp.State(v) }

// canon clears what no later step and no property can read, so that states
// that differ only there are one state: the ghost bits (Above, Spoiled,
// Reset, Tainted, Cut, Derailed, Reopened) of an incarnation that no endpoint and no segment belongs to any
// more, and of each endpoint's Done whatever does not change how it
// compares with the incarnations still present.
//
// Why nothing is lost: an incarnation's ghost bits are read only for the
// incarnation of a receiving endpoint or of a segment in flight, and a new
// segment always takes the incarnation of its sender or of the segment it
// answers, so an incarnation absent from both never comes back. Done is
// read only as "the SYN's incarnation <= Done" and raised to the
// incarnation of the endpoint that closes, both present incarnations (a
// zombie's tag, above every incarnation, compares false either way, and
// new incarnations lie above Done); so the largest present incarnation not
// above Done answers every such question as Done does.
func (s *State) canon() {
	ghosts := s.ghostSets()
	some := s.E[A].Done | s.E[B].Done
	for _, g := range ghosts {
		some |= *g
	}
	if some == 0 {
		return // nothing to clear
	}
	var present uint8 // bit i: incarnation i is present
	for _, e := range s.E {
		present |= incBit(e.Inc)
	}
	for d := 0; d < 2; d++ {
		for _, g := range s.segs(d) {
			present |= incBit(g.Inc)
		}
	}
	for _, g := range ghosts {
		*g &= present
	}
	for x := range s.E {
		e := &s.E[x]
		low := present & (2<<(e.Done&7) - 1) // present incarnations up to Done
		e.Done = 0
		if low != 0 {
			e.Done = uint8(7 - bits.LeadingZeros8(low))
		}
	}
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
		if e.Persist > 0 {
			t = append(t, fmt.Sprintf("persist=%d", e.Persist-1))
		}
		if e.KeepAlive > 0 {
			t = append(t, fmt.Sprintf("keepalive=%d", e.KeepAlive-1))
		}
		if e.UserTimeout > 0 {
			t = append(t, fmt.Sprintf("user_timeout=%d", e.UserTimeout-1))
		}
		if len(t) > 0 {
			b.WriteString(" [" + strings.Join(t, " ") + "]")
		}
		for _, f := range []struct {
			on   bool
			name string
		}{{e.Full, "window closed"}, {e.Blocked, "peer window closed"}, {e.DataQ, "data queued"}, {e.FinQ, "FIN queued"}} {
			if f.on {
				b.WriteString(" (" + f.name + ")")
			}
		}
		if !e.Held && e.St.Is(tcp.HasConnection) {
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

// apartExpiry are the expiries of the timers an Endpoint keeps apart
// from Timers, in the order of Endpoint.apart: they fire and count down
// as Timers do.
var apartExpiry = [...]tcp.Event{tcp.TimeoutPersist, tcp.TimeoutKeepalive, tcp.TimeoutUserTimeout}

// apart returns the timers e keeps apart from Timers (persist, keep-alive,
// the user timeout), in the order of apartExpiry.
func (e *Endpoint) apart() [len(apartExpiry)]*uint8 {
	return [...]*uint8{&e.Persist, &e.KeepAlive, &e.UserTimeout}
}

// Running reports whether the endpoint's timer t is armed. Only the
// modelled timers (retransmission, r2, time_wait, fin_wait_2, persist,
// keepalive, user_timeout) ever are.
func (e *Endpoint) Running(t tcp.Timer) bool {
	switch t {
	case tcp.PersistTimer:
		return e.Persist != 0
	case tcp.KeepaliveTimer:
		return e.KeepAlive != 0
	case tcp.UserTimeoutTimer:
		return e.UserTimeout != 0
	}
	for k, tm := range timerOf {
		if tm == t {
			return e.Timers[k] != 0
		}
	}
	return false
}

// incBit is incarnation inc's bit in the ghost sets of State; a
// zombie, being no incarnation, has none.
func incBit(inc uint8) uint8 {
	if inc == 0 || inc&Zombie != 0 {
		return 0
	}
	return 1 << (inc & 7)
}

// HigherSeq reports whether incarnation inc chose sequence numbers above
// everything the incarnation before it used.
func (s *State) HigherSeq(inc uint8) bool { return s.Above&incBit(inc) != 0 }

// SkippedTimeWait reports whether incarnation inc was aborted, flushed by a
// timer or reset before its close completed: it has no TIME_WAIT to guard
// what comes after it, and its close was not graceful.
func (s *State) SkippedTimeWait(inc uint8) bool { return (s.Spoiled|s.Reset)&incBit(inc) != 0 }

// Unguarded reports whether TIME_WAIT does not guard a later incarnation
// against segment g: a stray RST, a segment of an incarnation that
// skipped TIME_WAIT, or one of an incarnation that itself took in such a
// segment (tainted: what it does after that, closing without TIME_WAIT
// included, is beyond what TIME_WAIT can promise). Only the choice of
// sequence numbers (RFC 9293 3.4.1), which the model does not represent,
// keeps such a segment out of a new window.
func (s *State) Unguarded(g Segment) bool {
	return g.Stray || s.SkippedTimeWait(g.Inc) || s.WasTainted(g.Inc)
}

// WasTainted reports whether incarnation inc took in an unguarded segment
// of an earlier incarnation: what happens to it afterwards is beyond what
// TIME_WAIT can promise.
func (s *State) WasTainted(inc uint8) bool { return s.Tainted&incBit(inc) != 0 }

// WasCut reports whether a RST ended the TIME_WAIT of an endpoint of
// incarnation inc before its 2 MSL were up: TIME-WAIT assassination.
func (s *State) WasCut(inc uint8) bool { return s.Cut&incBit(inc) != 0 }

// WasDerailed reports whether incarnation inc took in a segment of an
// incarnation whose TIME_WAIT was cut, or of one derailed already: what
// the assassination goes on to do in the connections after it.
func (s *State) WasDerailed(inc uint8) bool { return s.Derailed&incBit(inc) != 0 }

// WasReopened reports whether the reopen rule ended the TIME_WAIT of an
// endpoint of incarnation inc (a SYN above its sequence numbers opened the
// next connection from it), or inc took in a segment of such an
// incarnation. The reopen trusts the new incarnation's sequence numbers to
// keep inc's segments out; an incarnation after that one need not choose
// them above, and no TIME_WAIT of inc is left to have let them die. The
// mark is set on every reopen: what it excuses (P3, P8) can only happen
// once the reopened connection has not lasted, so that a later one
// starts (RFC 1122 4.2.2.13 (2) returns to TIME_WAIT when the SYN was an
// old duplicate; Linux and FreeBSD do not, and no rule restores it when
// the connection is reset or aborted).
func (s *State) WasReopened(inc uint8) bool { return s.Reopened&incBit(inc) != 0 }

// Accepted reports whether a delivery took its segment in: moved the
// receiver to another state, or told its application something.
func Accepted(l Label) bool {
	if l.Kind != Deliver && l.Kind != DeliverCopy || l.Event == 0 {
		return false
	}
	// Data the table ACKs is delivered to the application (RFC 9293
	// 3.10.7.4 seventh), whether or not the state moves.
	return l.To != l.From || l.Actions&Tells != 0 || l.Event == tcp.RcvData && l.Actions.Has(tcp.SendAck)
}

// Tells are the actions by which the table tells the application
// something: a delivery with one of them is accepted (Accepted).
const Tells = tcp.TellConnected | tcp.TellEndOfStream | tcp.TellReset | tcp.TellRefused | tcp.TellTimedOut
