package assoc

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/sctp"
)

// StepKind says what kind of global step a label is.
type StepKind uint8

const (
	App         StepKind = iota + 1 // a user calls a primitive
	Fire                            // a running timer expires
	Deliver                         // a chunk is delivered and leaves the network
	DeliverCopy                     // a chunk is delivered and a copy stays in flight
	Lose                            // a chunk is lost
	Raise                           // the stack raises "all DATA acknowledged" (rcv SACK) in SHUTDOWN_PENDING or SHUTDOWN_RECEIVED
)

// Label says what a global step was.
type Label struct {
	Kind     StepKind
	End      int // the endpoint that acted or received
	Event    sctp.Event
	Chunk    Chunk // for Deliver, DeliverCopy, Lose
	From, To sctp.State
	Verdict  sctp.Verdict
	Actions  sctp.Action
	Rule     sctp.RuleID
	Lost     uint8 // chunks the step sent into a full channel: lost
}

func (l Label) String() string {
	if l.Kind == Lose {
		return fmt.Sprintf("lose %s", l.Chunk)
	}
	who := endName[l.End]
	var what string
	switch l.Kind {
	case App, Fire:
		what = fmt.Sprintf("%s: %s", who, l.Event)
	case Raise:
		what = fmt.Sprintf("%s: nothing outstanding, %s", who, l.Event)
	case Deliver, DeliverCopy:
		cp := ""
		if l.Kind == DeliverCopy {
			cp = ", a copy stays in flight"
		}
		what = fmt.Sprintf("%s receives %s as %s%s", who, l.Chunk, l.Event, cp)
	}
	lost := ""
	if l.Lost > 0 {
		lost = fmt.Sprintf(" (%d sent into a full channel: lost)", l.Lost)
	}
	if l.Verdict != sctp.Move {
		return fmt.Sprintf("%s: %s in %s%s", what, l.Verdict, l.From, lost)
	}
	return fmt.Sprintf("%s: %s -> %s: %s%s", what, l.From, l.To, l.Actions, lost)
}

// Succ is one successor: the step and the state it leads to.
type Succ struct {
	Label Label
	Next  State
}

// Initial is both endpoints CLOSED and nothing in flight.
func (m *Model) Initial() State {
	var s State
	s.E[A].St, s.E[B].St = sctp.Closed, sctp.Closed
	return s
}

// NewEach returns Each, which keeps nothing from call to call
// (check.System).
func (m *Model) NewEach() func(*State, func(*Succ)) int { return m.Each }

// Each calls visit for every step out of s (see check.System) and returns
// how many it refused for a full channel without loss.

func (m *Model) Each(s *State, visit func(*Succ)) int {
	g := gen{m: m, from: s, visit: visit}
	for x := range 2 {
		g.apps(x)
		g.timers(x)
		if st := s.E[x].St; (st == sctp.ShutdownPending || st == sctp.ShutdownReceived) && !s.E[x].Outstanding {
			g.event(Label{Kind: Raise, End: x, Event: sctp.RcvSack}, s, nil)
		}
	}
	for d := range 2 {
		for i, c := range s.chunks(d) {
			if i > 0 && c == s.Net[d][i-1] {
				continue // the same chunk twice: the same steps
			}
			n := *s
			n.remove(d, i)
			if m.Bounds.Loss {
				g.emit(Label{Kind: Lose, End: 1 - d, Chunk: c}, &n)
			}
			g.deliver(1-d, c, &n, Deliver)
			if m.Bounds.Dup {
				g.deliver(1-d, c, s, DeliverCopy)
			}
		}
	}
	return g.blocked
}

// gen is one call of Each.
type gen struct {
	m       *Model
	from    *State
	visit   func(*Succ)
	blocked int
	out     Succ
}

func (g *gen) emit(l Label, n *State) {
	n.canon()
	if l.Kind == DeliverCopy && *n == *g.from {
		return
	}
	g.out.Label, g.out.Next = l, *n
	g.visit(&g.out)
}

func (s *State) remove(d, i int) {
	copy(s.Net[d][i:], s.Net[d][i+1:s.N[d]])
	s.N[d]--
	s.Net[d][s.N[d]] = Chunk{}
}

// apps are the user's calls: A's ASSOCIATE while associations remain, and
// SEND (up to MaxData a association, one at a time), SHUTDOWN and ABORT
// at both ends. A call the table refuses or ignores changes nothing and is
// left out.
func (g *gen) apps(x int) {
	e := g.from.E[x]
	for _, ev := range []sctp.Event{sctp.AppAssociate, sctp.AppSend, sctp.AppShutdown, sctp.AppAbort} {
		switch {
		case ev == sctp.AppAssociate && (x != A || e.St != sctp.Closed || int(g.from.Started) >= g.m.Bounds.Associations):
			continue
		case ev == sctp.AppSend && (e.Outstanding || e.Sent >= MaxData):
			continue
		}
		g.event(Label{Kind: App, End: x, Event: ev}, g.from, nil)
	}
}

// timers: any running timer may expire at any moment (the model is
// untimed).
func (g *gen) timers(x int) {
	for t := sctp.Timer(1); t < sctp.NumTimers; t++ {
		if g.from.E[x].Timers&(1<<(t-1)) != 0 {
			g.event(Label{Kind: Fire, End: x, Event: t.Expiry()}, g.from, nil)
		}
	}
}

// deliver hands chunk c to endpoint x, classified by the tag check of RFC
// 9260 8.5 and 8.5.1; base is the state with the chunk taken out of the
// network (or not, for a copy).
func (g *gen) deliver(x int, c Chunk, base *State, kind StepKind) {
	g.event(Label{Kind: kind, End: x, Event: classify(&base.E[x], c), Chunk: c}, base, &c)
}

// classify is the tag check: in CLOSED there is no tag to check and the
// chunk is out of the blue, handled by its type (8.4); an INIT carries tag
// 0 (8.5.1 A); an ABORT or SHUTDOWN COMPLETE passes with our tag and the T
// bit clear or the peer's with it set (8.5.1 B, C); any other chunk only
// with our tag (8.5). A chunk that fails is WRONG_TAG. A SACK that does not
// acknowledge the last DATA sent is SACK_PARTIAL.
func classify(e *Endpoint, c Chunk) sctp.Event {
	if e.St == sctp.Closed || c.Kind == Init {
		return rcvEvent[c.Kind]
	}
	ok := c.Tag == e.Own && !c.T
	if c.Kind == Abort || c.Kind == ShutdownComplete {
		ok = ok || c.T && c.Tag == e.Peer && e.Peer != 0
	}
	if !ok {
		return sctp.RcvWrongTag
	}
	if c.Kind == Sack && c.TSN < e.Sent {
		return sctp.RcvSackPartial // it leaves the last DATA sent unacknowledged
	}
	return rcvEvent[c.Kind]
}

// event applies the table to event l.Event at endpoint l.End in state
// base; in is the chunk received, if any. A step that changes nothing (an
// ignored or refused call or timer, a chunk ignored and kept) is left out.
func (g *gen) event(l Label, base *State, in *Chunk) {
	m := g.m
	e := base.E[l.End]
	tr, ok := m.step(e.St, l.Event)
	if !ok {
		panic(fmt.Sprintf("assoc: the table has no cell for (%s, %s)", e.St, l.Event))
	}
	l.From, l.To, l.Verdict, l.Actions, l.Rule = e.St, tr.Next, tr.Verdict, tr.Actions, tr.Rule
	n := *base
	x := &n.E[l.End]
	// A SACK, or a SHUTDOWN's Cumulative TSN Ack (9.2), that passed the
	// tag check acknowledges the DATA it counts, whatever the table then
	// does with the chunk.
	if in != nil && (in.Kind == Sack || in.Kind == Shutdown) && l.Event != sctp.RcvWrongTag && e.St != sctp.Closed && in.TSN >= x.Sent {
		x.Outstanding = false
	}
	if tr.Verdict != sctp.Move {
		if in == nil {
			return // a refused or ignored call or timer: nothing happens
		}
		g.emit(l, &n)
		return
	}
	// The TCB as the step leaves it, before anything is sent.
	switch {
	case l.Event == sctp.AppAssociate:
		n.Started++
		*x = Endpoint{Own: m.tag(l.End, n.Started), Assoc: n.Started}
	case in != nil && l.Event == sctp.RcvInitAck && e.St == sctp.CookieWait:
		x.Peer = m.tag(1-l.End, in.Assoc)
	case in != nil && l.Event == sctp.RcvCookieEcho && e.St == sctp.Closed:
		*x = Endpoint{Own: m.tag(l.End, in.Assoc), Peer: m.tag(1-l.End, in.Assoc), Assoc: in.Assoc}
	case l.Event == sctp.AppSend:
		x.Sent++ // the new DATA's TSN
	case in != nil && l.Event == sctp.RcvData:
		x.Got = max(x.Got, in.TSN)
	}
	x.St = tr.Next
	if l.Kind == Fire {
		x.Timers &^= 1 << (l.Event.Timer() - 1) // it ran out; a restart arms it again
	}
	for t := sctp.Timer(1); t < sctp.NumTimers; t++ {
		bit := uint8(1) << (t - 1)
		switch {
		case tr.Actions.Has(t.StopAction()):
			x.Timers &^= bit
		case tr.Actions.Has(t.StartAction()), tr.Actions.Has(t.RestartAction()):
			x.Timers |= bit
		}
	}
	for k := Init; k < numKinds; k++ {
		for _, send := range sendActions[k] {
			if !tr.Actions.Has(send.action) {
				continue
			}
			c := g.outgoing(k, send.t, x, l.End, in)
			if k == Data {
				x.Outstanding = true
			}
			if n.N[l.End] >= uint8(m.Bounds.Capacity) {
				if !m.Bounds.Loss {
					g.blocked++
					return
				}
				l.Lost++
				continue
			}
			n.Net[l.End][n.N[l.End]] = c
			n.N[l.End]++
		}
	}
	g.afterMove(l, &n)
}

// afterMove keeps a TCB only outside CLOSED: an association that ends
// deletes it, timers and all (whether the table's actions stopped them is
// TimersStopped's question).
func (g *gen) afterMove(l Label, n *State) {
	if n.E[l.End].St == sctp.Closed {
		n.E[l.End] = Endpoint{St: sctp.Closed}
	}
	g.emit(l, n)
}

// sendActions are the table's send actions for each chunk type: plain,
// and with the T bit set.
var sendActions = [numKinds][]struct {
	action sctp.Action
	t      bool
}{
	Init: {{sctp.SendInit, false}}, InitAck: {{sctp.SendInitAck, false}}, CookieEcho: {{sctp.SendCookieEcho, false}},
	CookieAck: {{sctp.SendCookieAck, false}}, Data: {{sctp.SendData, false}}, Sack: {{sctp.SendSack, false}},
	Shutdown: {{sctp.SendShutdown, false}}, ShutdownAck: {{sctp.SendShutdownAck, false}},
	ShutdownComplete: {{sctp.SendShutdownComplete, false}, {sctp.SendShutdownCompleteT, true}},
	Abort:            {{sctp.SendAbort, false}, {sctp.SendAbortT, true}}, Error: {{sctp.SendError, false}},
}

// outgoing is the chunk of type k endpoint x sends, with TCB e after the
// step, in answer to in if any. INIT carries tag 0; an INIT ACK goes to
// the initiator's tag of the INIT's association; a chunk with the T bit
// reflects the tag of the packet it answers (8.4 rules 5 and 8); any other
// carries the peer's tag.
func (g *gen) outgoing(k Kind, t bool, e *Endpoint, x int, in *Chunk) Chunk {
	switch {
	case k == Init:
		return Chunk{Kind: Init, Assoc: e.Assoc}
	case k == InitAck && in != nil:
		return Chunk{Kind: InitAck, Tag: g.m.tag(1-x, in.Assoc), Assoc: in.Assoc}
	case t && in != nil:
		return Chunk{Kind: k, Tag: in.Tag, T: true, Assoc: in.Assoc}
	}
	c := Chunk{Kind: k, Tag: e.Peer, Assoc: e.Assoc}
	switch k {
	case Data:
		c.TSN = e.Sent
	case Sack, Shutdown:
		c.TSN = e.Got
	}
	return c
}

// Stutters: the model is untimed, so no step is time passing and no state
// waits for time alone.
func (m *Model) Stutters(*State) bool { return false }

// SuccNext, SuccLabel, CellCount, LabelCell, ThenCell, IsTick and TickLabel make
// *Model a check.System.
func (m *Model) SuccNext(su *Succ) *State    { return &su.Next }
func (m *Model) SuccLabel(su *Succ) Label    { return su.Label }
func (m *Model) CellCount() int              { return int(sctp.NumStates) * int(sctp.NumEvents) }
func (m *Model) IsTick(*Label) bool          { return false }
func (m *Model) TickLabel() Label            { return Label{} }
func (m *Model) ThenCell(*Label) (int, bool) { return 0, false }
func (m *Model) LabelCell(l *Label) (int, bool) {
	if l.Kind == Lose {
		return 0, false
	}
	return int(l.From)*int(sctp.NumEvents) + int(l.Event), true
}

// Pending and Meets make *Model a check.Just: the model is untimed, so
// liveness asks not that time pass but that every timer eventually fire
// (weak fairness on expiries). Requirement 7x+t-1 is timer t of endpoint
// x: pending in a state where its expiry is a step of the model (it runs
// and the table moves on its expiry, with room to send what it sends),
// met by that expiry.
func (m *Model) Pending(s *State) uint16 {
	var p uint16
	m.Each(s, func(su *Succ) {
		if l := &su.Label; l.Kind == Fire {
			p |= justBit(l)
		}
	})
	return p
}

// Meets is the requirement a step meets: the expiry of a timer.
func (m *Model) Meets(l *Label) uint16 {
	if l.Kind != Fire {
		return 0
	}
	return justBit(l)
}

func justBit(l *Label) uint16 {
	return 1 << (int(sctp.NumTimers-1)*l.End + int(l.Event.Timer()) - 1)
}
