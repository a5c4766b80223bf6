package model

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Model is the system for one profile under some bounds.
type Model struct {
	Profile tcp.Profile
	Bounds  Bounds
	Timing  Timing
	// Step is the table the endpoints run: the generated package's, or a
	// spec interpreter's with the same meaning (for mutants).
	Step tcp.StepFunc
	// GiveUp marks the timers the spec declares as ending a connection by
	// giving up (R2, say): with the FIN exchange and a RST sent or
	// received, the only legitimate ways for a connection to end. New
	// takes generated/tcp's (Timer.GivesUp); package bind sets it from the
	// spec it binds.
	GiveUp [tcp.NumTimers]bool
	// Forgets makes Successors reset the dead fields of every successor
	// (Forget): the explorer turns it on to merge states that differ only
	// there. Off, successors are exactly what the steps make, as the
	// Promela export's are.
	Forgets bool

	// cells is Step under the profile's switches, decided once: the
	// explorer asks for a cell millions of times.
	cells [tcp.NumStates][tcp.NumEvents]tcp.Transition
	codec codec
	dead  deadRules
}

// New builds the model of profile p under bounds b.
func New(p tcp.Profile, b Bounds, step tcp.StepFunc) (*Model, error) {
	switch {
	case b.Capacity < 1 || b.Capacity > MaxCapacity:
		return nil, fmt.Errorf("capacity %d out of range 1..%d", b.Capacity, MaxCapacity)
	case b.Incarnations < 1 || b.Incarnations > MaxIncarnations:
		return nil, fmt.Errorf("incarnations %d out of range 1..%d", b.Incarnations, MaxIncarnations)
	case b.Losses < 0 || b.Losses > MaxLosses:
		return nil, fmt.Errorf("losses %d out of range 0..%d", b.Losses, MaxLosses)
	case b.Data < 0 || b.Data > MaxData:
		return nil, fmt.Errorf("data %d out of range 0..%d", b.Data, MaxData)
	case b.Attacks < 0 || b.Attacks > MaxAttacks:
		return nil, fmt.Errorf("attacks %d out of range 0..%d", b.Attacks, MaxAttacks)
	case b.ZeroWindow && b.Data == 0:
		return nil, fmt.Errorf("a zero window needs data to hold back: data 0 with the zero window on")
	}
	t, err := NewTiming(p, b)
	if err != nil {
		return nil, err
	}
	if step == nil {
		step = tcp.StepWith
	}
	m := &Model{Profile: p, Bounds: b, Timing: t, Step: step}
	for tm := tcp.Timer(1); tm < tcp.NumTimers; tm++ {
		m.GiveUp[tm] = tm.GivesUp()
	}
	for st := tcp.State(1); st < tcp.NumStates; st++ {
		for e := tcp.Event(1); e < tcp.NumEvents; e++ {
			tr, ok := step(p.Switches, st, e)
			if !ok {
				return nil, fmt.Errorf("the table refuses the valid cell (%s, %s)", st, e)
			}
			m.cells[st][e] = tr
		}
	}
	m.codec = newCodec(m)
	if m.codec.words > MaxWords {
		// Callers keep states in arrays of MaxWords: a wider state would
		// not fit. The widest bounds with the widest counts fit.
		return nil, fmt.Errorf("a state at these bounds takes %d words, more than %d", m.codec.words, MaxWords)
	}
	m.dead = newDeadRules(m)
	return m, nil
}

// Cell is the table's transition for (s, e) under the profile's switches,
// decided once by New: what Step would answer, without deciding it again
// (for a spec's interpreter, a search of its rules) on every state.
func (m *Model) Cell(s tcp.State, e tcp.Event) tcp.Transition { return m.cells[s][e] }

// Initial is the start: A closed, B listening, nothing in flight.
func (m *Model) Initial() State {
	s := State{NextInc: 1, Losses: uint8(m.lossBudget()), Forged: uint8(m.Bounds.Attacks)}
	s.E[A].St = tcp.Closed
	s.E[B].St = tcp.Listen
	return s
}

func (m *Model) lossBudget() int {
	if !m.Bounds.Loss {
		return 0
	}
	return m.Bounds.Losses
}

// Succ is one successor: the step and the state it leads to.
type Succ struct {
	Label Label
	Next  State
}

// Successors calls visit for every step out of s. It returns how many
// moves it refused because their segment found the channel full with no
// loss left to spend: a limit of the bounds, not of the protocol. Every
// successor is in canonical form (see State.canon). Successors may be
// called from several goroutines at once.
func (m *Model) Successors(s *State, visit func(Succ)) int {
	return m.Each(s, func(su *Succ) { visit(*su) })
}

// Each is Successors without copies: visit sees each successor through a
// pointer that is good only until it returns.
func (m *Model) Each(s *State, visit func(*Succ)) int {
	return m.NewExpander().Each(s, visit)
}

// NewEach returns the Each of an Expander of its own (check.System).
func (m *Model) NewEach() func(*State, func(*Succ)) int { return m.NewExpander().Each }

// Expander makes successors in storage of its own, reused from one call to
// the next, so that an explorer that expands millions of states allocates
// nothing per state. It is for one goroutine at a time.
type Expander struct{ g successors }

// NewExpander returns an Expander of m's successors.
func (m *Model) NewExpander() *Expander { return &Expander{g: successors{m: m}} }

// Each is Model.Each.
func (x *Expander) Each(s *State, visit func(*Succ)) int {
	g := &x.g
	g.from, g.visit, g.blocked = s, visit, 0
	g.run(s)
	g.visit = nil
	return g.blocked
}

// successors is one call of Successors: the state it needs of its own.
type successors struct {
	m       *Model
	from    *State
	visit   func(*Succ)
	blocked int  // moves refused for a full channel
	out     Succ // the successor being visited
}

// emit hands a successor, made canonical, to the caller. A duplicate
// delivered that changes nothing is left out: the delivery that takes the
// segment out of the network has the same label, so no property misses it.
func (g *successors) emit(l Label, n *State) {
	n.canon()
	if g.m.Forgets {
		g.m.Forget(n)
	}
	if l.Kind == DeliverCopy && *n == *g.from {
		return
	}
	g.out.Label, g.out.Next = l, *n
	g.visit(&g.out)
}

// urgency reports whether a segment is at the end of its life (dying) and
// whether a timer is due: either stops time.
func (m *Model) urgency(s *State) (dying, due bool) {
	for d := 0; d < 2; d++ {
		for _, g := range s.segs(d) {
			if int(g.Age) >= m.Timing.MSL {
				dying = true
			}
		}
	}
	for x := 0; x < 2; x++ {
		for k := range NumTimers {
			if s.E[x].Timers[k] == 1 {
				due = true
			}
		}
		for _, v := range s.E[x].apart() {
			if *v == 1 {
				due = true
			}
		}
	}
	return dying, due
}

// Stutters reports whether time may pass in s without changing anything:
// no timer is due or running and nothing is in flight, so the system can
// stay in s for ever while the applications do nothing. Liveness checks
// read it as a tick that loops on s.
func (m *Model) Stutters(s *State) bool {
	if dying, due := m.urgency(s); dying || due {
		return false
	}
	_, changed := m.tick(s)
	return !changed
}

func (g *successors) run(s *State) {
	m := g.m
	// A segment at the end of its life is delivered or lost before anything
	// else happens at that instant: timers wait for it. So a FIN sent the
	// moment the peer's last ACK arrives still reaches a TIME_WAIT of
	// exactly 2 MSL, which is the bound RFC 9293 3.6.1 reasons with.
	dying, due := m.urgency(s)
	if due && !dying {
		for x := 0; x < 2; x++ {
			for k := range NumTimers {
				if s.E[x].Timers[k] == 1 {
					g.fire(s, x, k)
				}
			}
			for i, v := range s.E[x].apart() {
				if *v == 1 {
					n := *s
					*n.E[x].apart()[i] = 0
					g.apply(&n, x, apartExpiry[i], Label{Kind: Fire, End: x, Event: apartExpiry[i]}, nil)
				}
			}
		}
	}
	for x := 0; x < 2; x++ {
		g.appSteps(s, x)
		g.forge(s, x)
	}
	for d := 0; d < 2; d++ {
		segs := s.segs(d)
		for i, seg := range segs {
			if !m.Bounds.Reordering && i != m.oldest(segs) {
				continue
			}
			g.deliver(s, d, i, false)
			// Data is neither duplicated nor lost: a copy of data already
			// received lies below RCV.NXT and is not new data (RFC 9293
			// 3.10.7.4 first), and a lost segment is sent again before
			// the FIN behind it can be ACKed, which is the run in which
			// it arrives late.
			if m.Bounds.Duplication && seg.Kind != DATA {
				g.deliver(s, d, i, true)
			}
			if s.Losses > 0 && seg.Kind != DATA {
				n := *s
				n.remove(d, i)
				n.Losses--
				g.emit(Label{Kind: Lose, End: 1 - d, Seg: seg}, &n)
			}
		}
	}
	if !due && !dying {
		if n, changed := m.tick(s); changed {
			g.emit(Label{Kind: Tick}, &n)
		}
	}
}

// oldest is the index of the segment that a network without reordering
// delivers next: the oldest, the first of equals.
func (m *Model) oldest(segs []Segment) int {
	best := 0
	for i, g := range segs {
		if g.Age > segs[best].Age {
			best = i
		}
	}
	return best
}

func (m *Model) tick(s *State) (State, bool) {
	n := *s
	changed := false
	for x := range n.E {
		for k, v := range n.E[x].Timers {
			if v > 1 {
				n.E[x].Timers[k] = v - 1
				changed = true
			}
		}
		for _, v := range n.E[x].apart() {
			if *v > 1 {
				*v--
				changed = true
			}
		}
		if n.E[x].Challenges != 0 {
			n.E[x].Challenges = 0 // a new instant: the rate window is past
			changed = true
		}
	}
	for d := 0; d < 2; d++ {
		for i := 0; i < int(n.N[d]); i++ {
			n.Net[d][i].Age++
			changed = true
		}
	}
	return n, changed
}

func (g *successors) fire(s *State, x int, k TimerIndex) {
	n := *s
	n.E[x].Timers[k] = 0
	e := timerOf[k].Expiry()
	g.apply(&n, x, e, Label{Kind: Fire, End: x, Event: e}, nil)
}

// The calls an application that holds a connection may make: the one
// list of them (Forget's rules and P20 read it too). appCallsUnread are
// those of one into which data arrived that it may not have read: its
// close() may then be CLOSE_UNREAD (RFC 9293 3.6.1 SHLD-3). After
// shutdown() (the Shut variants) the application does not call it again.
var (
	appCalls           = [...]tcp.Event{tcp.AppClose, tcp.AppAbort, tcp.AppShutdown}
	appCallsUnread     = [...]tcp.Event{tcp.AppClose, tcp.AppAbort, tcp.AppShutdown, tcp.AppCloseUnread}
	appCallsShut       = [...]tcp.Event{tcp.AppClose, tcp.AppAbort}
	appCallsUnreadShut = [...]tcp.Event{tcp.AppClose, tcp.AppAbort, tcp.AppCloseUnread}
)

// Calls returns the calls the application of endpoint x may make in s,
// whatever the table answers: none unless it holds a connection (the
// server's application only once accept() returned it, so not in a
// passive SYN_RECEIVED); close(), abort() and, until it has made it,
// shutdown(); CLOSE_UNREAD too where data arrived it may not have read.
// The model makes those the table moves on; the others change nothing.
func (m *Model) Calls(s *State, x int) []tcp.Event {
	e := &s.E[x]
	switch {
	case !e.Held || !e.St.Is(tcp.HasConnection) || x == B && e.St == tcp.SynReceived:
		return nil
	case e.Unread && e.Shut:
		return appCallsUnreadShut[:]
	case e.Unread:
		return appCallsUnread[:]
	case e.Shut:
		return appCallsShut[:]
	}
	return appCalls[:]
}

func (g *successors) appSteps(s *State, x int) {
	m := g.m
	e := &s.E[x]
	// The client opens the next incarnation from CLOSED; or, where the
	// table lets connect() reuse the port of its own TIME_WAIT to the same
	// peer (reuse_own_time_wait), from that TIME_WAIT, whose application,
	// if it still holds it, may also make its other calls (below). Where
	// the table refuses, the call changes nothing.
	if x == A && (e.St == tcp.Closed || e.St == tcp.TimeWait && m.Cell(e.St, tcp.AppOpenActive).Verdict == tcp.Move) &&
		int(s.NextInc) <= m.Bounds.Incarnations {
		choices := []bool{false}
		if s.NextInc > 1 {
			choices = []bool{false, true}
		}
		for _, above := range choices {
			n := *s
			inc := n.NextInc
			n.NextInc++
			n.Losses = uint8(m.lossBudget())
			if above {
				n.Above |= incBit(inc)
			}
			ne := &n.E[A]
			*ne = Endpoint{St: e.St, Inc: inc, Held: true}
			g.apply(&n, A, tcp.AppOpenActive, Label{Kind: App, End: A, Event: tcp.AppOpenActive, Above: above}, nil)
		}
	}
	calls := m.Calls(s, x)
	switch {
	case x == B && e.St == tcp.Closed && int(s.NextInc) <= m.Bounds.Incarnations:
		n := *s
		g.apply(&n, B, tcp.AppOpenPassive, Label{Kind: App, End: B, Event: tcp.AppOpenPassive}, nil)
	case len(calls) > 0:
		for _, c := range calls {
			if m.Cell(e.St, c).Verdict != tcp.Move {
				continue // a refused or ignored call changes nothing
			}
			if c == tcp.AppClose && e.Full {
				continue // it reads first (g.read), or closes with the data unread
			}
			n := *s
			switch c {
			case tcp.AppClose, tcp.AppAbort, tcp.AppCloseUnread:
				n.E[x].Held = false
			case tcp.AppShutdown:
				n.E[x].Shut = true
			}
			g.apply(&n, x, c, Label{Kind: App, End: x, Event: c}, nil)
		}
		g.write(s, x)
		g.read(s, x)
	}
}

func (g *successors) deliver(s *State, d, i int, keep bool) {
	m := g.m
	seg := s.segs(d)[i]
	x := 1 - d
	n := *s
	if !keep {
		n.remove(d, i)
	}
	kind := Deliver
	if keep {
		kind = DeliverCopy
	}
	e, ok := m.classify(s, &s.E[x], seg)
	if !ok {
		if !keep {
			g.emit(Label{Kind: kind, End: x, Seg: seg, From: s.E[x].St, To: s.E[x].St}, &n)
		}
		return
	}
	e = m.throttle(&s.E[x], e)
	g.apply(&n, x, e, Label{Kind: kind, End: x, Event: e, Seg: seg}, &seg)
}

// apply steps endpoint x of n (a copy of the state, already changed by the cause)
// through the table on event e, and reports the successor. seg is the
// segment delivered, if the event is one.
func (g *successors) apply(n *State, x int, e tcp.Event, l Label, seg *Segment) {
	m := g.m
	ep := &n.E[x]
	from, rInc := ep.St, ep.Inc
	t := m.Cell(from, e)
	if l.Waits {
		// The ZERO_WINDOW row taken after the step l labels (waits).
		l.To, l.WaitActions = t.Next, t.Actions
	} else {
		l.From, l.To, l.Actions, l.Rule = from, t.Next, t.Actions, t.Rule
	}
	// An incarnation that takes in a segment TIME_WAIT does not guard it
	// against is tainted: P8 no longer speaks for it.
	// One that takes in a segment of an incarnation whose TIME_WAIT was
	// cut, or of one derailed already, is derailed by the assassination.
	if seg != nil && from.Is(tcp.HasConnection) && rInc&Zombie == 0 && seg.Inc < rInc && Accepted(l) {
		if n.Unguarded(*seg) {
			n.Tainted |= incBit(rInc)
		}
		if n.WasCut(seg.Inc) || n.WasDerailed(seg.Inc) {
			n.Derailed |= incBit(rInc)
		}
		if n.WasReopened(seg.Inc) {
			n.Reopened |= incBit(rInc)
		}
	}
	// A new connection: from LISTEN or a reopened TIME_WAIT the server
	// takes the incarnation of the SYN; its application accepts it.
	if seg != nil && opensConnection(from, t.Next) {
		inc := seg.Inc
		// The reopen rule ends the TIME_WAIT of the incarnation before:
		// what keeps that one's segments out now is the new incarnation's
		// choice of sequence numbers alone. The mark is left off where no
		// incarnation can follow the new one: the new one drops the old
		// segments (its SYN was above), and nothing else could take them.
		if from == tcp.TimeWait && e == tcp.RcvSynHigherSeq && int(inc) < m.Bounds.Incarnations {
			n.Reopened |= incBit(ep.Inc)
		}
		if inc <= ep.Done || from == tcp.TimeWait && inc <= ep.Inc {
			inc |= Zombie // an old duplicate SYN, of a connection already ended here
		}
		*ep = Endpoint{St: from, Inc: inc, Done: ep.Done, Held: true, Timers: ep.Timers}
	}
	ep.St = t.Next
	m.countChallenge(ep, from, e)
	// The active closer is the side whose FIN left before the peer's FIN
	// arrived: a FIN sent on the peer's FIN, or after it, is a passive
	// close, whatever state the table moves to.
	if t.Actions.Has(tcp.SendFin) && !from.Is(tcp.ReceivedFin) && e != tcp.RcvFin && e != tcp.RcvFinAck {
		ep.Closer = true
	}
	m.timers(ep, t, e)
	// Data the table takes in (and so ACKs) reaches the application, which
	// may then close before reading it.
	if e == tcp.RcvData && t.Actions.Has(tcp.SendAck) && ep.Held {
		ep.Unread = true
	}
	tag := ep.Inc
	if tag == 0 && seg != nil {
		tag = seg.Inc // CLOSED and LISTEN answer in the incarnation of what they answer
	}
	rstTag := tag
	if seg != nil {
		rstTag = seg.Inc // a RST takes its sequence number from what it answers
	}
	// A RST answering a segment of another incarnation than the sender's
	// own (an endpoint without a connection has none) is stray. The mark
	// is left off where it cannot matter, so that fewer states differ by
	// it: on a zombie's RST or one of the last incarnation (no later one
	// can meet it), and on one of an incarnation that skipped TIME_WAIT
	// (unguarded anyway, for good).
	stray := rstTag != rInc && rstTag&Zombie == 0 && int(rstTag) < m.Bounds.Incarnations && !n.SkippedTimeWait(rstTag)
	// Every segment carries ACK = RCV.NXT: it covers the peer's FIN once
	// that has arrived, including the one being answered now, unless that
	// one acknowledges something not yet sent: RFC 9293 3.10.7.4 drops it
	// at the fifth step, before the FIN bit (the eighth) moves RCV.NXT. A
	// connect() opens a new connection, from a TIME_WAIT too: its SYN
	// acknowledges nothing.
	ackFin := e != tcp.AppOpenActive && (from.Is(tcp.ReceivedFin) || t.Next.Is(tcp.ReceivedFin) || (e == tcp.RcvFin || e == tcp.RcvFinAck) && l.Class != AckAbove)
	queued := false
	for _, send := range sends {
		if !t.Actions.Has(send.Action) {
			continue
		}
		out := Segment{Kind: send.Kind, AckFin: ackFin && send.Kind != RST, Inc: tag}
		if send.Kind == RST {
			out.Inc, out.Stray = rstTag, stray
			if seg != nil && seg.Kind == SYN {
				out.Kind = RSTACK
			}
		}
		if send.Kind == FIN {
			switch {
			case ep.FinQ:
				// The FIN still waits for the window: what the timer
				// sends in its place is a zero-window probe.
				out.Kind = PROBE
			case ep.Blocked && !from.Is(tcp.SentFin):
				ep.FinQ = true // queued behind the closed window
				queued = true
				continue
			}
		}
		if !g.put(n, x, out, &l) {
			return // a full channel drops it: a loss, and none is left
		}
	}
	if !g.window(n, x, e, from, t, seg, ackFin, &l) {
		return
	}
	// An incarnation aborted by an application or flushed by a timer skips
	// TIME_WAIT by design; one reset before its close completed is no
	// longer a graceful close. A RST that ends TIME_WAIT is neither: both
	// FINs were ACKed, and what follows from cutting TIME_WAIT short is
	// what P3 looks for (RFC 1337).
	if t.Next != from && !t.Next.Is(tcp.HasConnection) {
		switch {
		case l.Kind == Fire && e != tcp.TimeoutTimeWait, l.Kind == App, t.Actions.Has(tcp.SendRst):
			// An endpoint that ends its connection with a RST of its own
			// (data after close() that nobody will read) aborts it too.
			n.Spoiled |= incBit(ep.Inc)
		case IsRST(e) && from != tcp.TimeWait:
			n.Reset |= incBit(ep.Inc)
		case IsRST(e):
			n.Cut |= incBit(ep.Inc)
		}
	}
	if !t.Next.Is(tcp.HasConnection) {
		done := ep.Done
		if ep.Inc&Zombie == 0 && ep.Inc > done {
			done = ep.Inc
		}
		*ep = Endpoint{St: t.Next, Done: done, Timers: ep.Timers}
	}
	if queued && !l.Waits {
		g.waits(n, x, l)
		return
	}
	g.emit(l, n)
}

// opensConnection reports whether a segment that moves an endpoint from
// one state to another opens a new connection there: from LISTEN, from
// CLOSED, or from TIME_WAIT reopened, into SYN_RECEIVED.
func opensConnection(from, to tcp.State) bool {
	return (from == tcp.Listen || from == tcp.TimeWait || from == tcp.Closed) && to == tcp.SynReceived
}
