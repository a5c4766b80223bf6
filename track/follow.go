package track

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/tcpfsm/tcpfsm/endpoint"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Follow follows every connection of segs (in capture order, as Read
// returns them) through the table under profile p.
func Follow(segs []Segment, p tcp.Profile) *Report {
	f := &follower{profile: &p, tuples: map[tupleKey]*tuple{}}
	if len(segs) > 0 {
		f.start = segs[0].At
	}
	for i := range segs {
		f.segment(&segs[i])
	}
	var end time.Duration
	if len(segs) > 0 {
		end = f.at(segs[len(segs)-1].At)
	}
	rep := &Report{Profile: p.Name, Segments: len(segs)}
	for _, c := range f.conns {
		c.finish(end)
		rep.Connections = append(rep.Connections, c.report())
	}
	return rep
}

type tupleKey struct{ lo, hi netip.AddrPort }

func keyOf(s *Segment) tupleKey {
	if s.Src.Compare(s.Dst) < 0 {
		return tupleKey{s.Src, s.Dst}
	}
	return tupleKey{s.Dst, s.Src}
}

// tuple is a 4-tuple and its incarnations so far.
type tuple struct {
	conns []*conn
}

type follower struct {
	profile *tcp.Profile
	start   time.Time
	tuples  map[tupleKey]*tuple
	conns   []*conn // every incarnation of every tuple, in order of first segment
}

func (f *follower) at(t time.Time) time.Duration {
	d := t.Sub(f.start)
	return max(d, 0)
}

// segment takes the next captured segment.
func (f *follower) segment(s *Segment) {
	if s.Src == s.Dst {
		return
	}
	at := f.at(s.At)
	k := keyOf(s)
	tp := f.tuples[k]
	if tp == nil {
		tp = &tuple{}
		f.tuples[k] = tp
	}
	var c *conn
	if n := len(tp.conns); n > 0 {
		c = tp.conns[n-1]
	}
	switch {
	case c == nil:
		c = f.newConn(s, at, nil, len(tp.conns)+1)
		tp.conns = append(tp.conns, c)
	case s.SYN && !s.ACK && c.newIncarnation(s):
		c.finish(at)
		c = f.newConn(s, at, c, len(tp.conns)+1)
		tp.conns = append(tp.conns, c)
	}
	c.segment(s, at)
}

// newConn starts an incarnation with segment s. A SYN opens it: its sender
// starts CLOSED and the other side LISTEN, or, when the previous
// incarnation left it in TIME_WAIT, in TIME_WAIT, which the SYN may reopen.
// Anything else begins mid-connection: both sides unknown, stepped as if
// ESTABLISHED until a SYN, FIN or RST tells them apart.
func (f *follower) newConn(s *Segment, at time.Duration, prev *conn, n int) *conn {
	c := &conn{profile: f.profile, incarnation: n, prev: prev}
	a, b := &side{addr: s.Src, wscale: -1, synScale: -1}, &side{addr: s.Dst, wscale: -1, synScale: -1}
	c.sides = [2]*side{a, b}
	opening := s.SYN && !s.ACK
	switch {
	case opening:
		a.join(f.profile, f.start, tcp.Closed)
		a.moves = append(a.moves, Move{T: secs(at), State: tcp.Closed.String()})
		bs := tcp.Listen
		if prev != nil {
			if old := prev.sideAt(b.addr); old != nil && old.ep.State() == tcp.TimeWait {
				bs = tcp.TimeWait
				b.rcvNxt, b.rcvKnown = old.rcvNxt, old.rcvKnown
			}
		}
		b.join(f.profile, f.start, bs)
		b.moves = append(b.moves, Move{T: secs(at), State: bs.String()})
	default:
		for _, sd := range c.sides {
			sd.join(f.profile, f.start, tcp.Established)
			sd.moves = append(sd.moves, Move{T: secs(at), State: Unknown})
		}
	}
	f.conns = append(f.conns, c)
	return c
}

// conn is one incarnation of a 4-tuple and its two sides.
type conn struct {
	profile     *tcp.Profile
	incarnation int
	prev        *conn
	sides       [2]*side
	unscaled    bool // the handshake agreed on no window scaling
	anomalies   []Anomaly
	last        time.Duration
}

// side is one endpoint of a connection: the Endpoint that runs the table
// for it, and what the capture has shown of its sequence space, from both
// directions, which the classifier reads instead of the Endpoint's own.
type side struct {
	addr  netip.AddrPort
	ep    *endpoint.Endpoint
	out   endpoint.Output // what ep's latest step asked for, reused
	start time.Time       // the capture's first packet, ep's clock's origin
	now   time.Duration   // ep's clock: the time of the event being applied
	moves []Move
	last  time.Duration // time of the side's latest move or delivery

	iss          uint32 // our SYN's sequence number
	issKnown     bool
	sndNxt       uint32 // just past the highest sequence number sent
	sndKnown     bool
	finSeq       uint32 // our FIN's sequence number
	finSent      bool
	rcvNxt       uint32 // just past what we have received in order
	rcvKnown     bool
	irs          uint32    // the peer's SYN's sequence number
	sndUna       uint32    // the highest of our sequence numbers the peer ACKed
	sndWnd       uint32    // the peer's last window, scaled
	rcvWnd       uint32    // our last advertised window, scaled
	wndKnown     bool      // rcvWnd is known: the handshake showed the scale
	wscale       int       // our window scale once both SYNs had the option, else -1
	synScale     int       // the window scale option of our SYN, -1 without one
	synSeen      bool      // we sent a SYN or SYN,ACK in this incarnation
	expectRST    bool      // the table, or the classifier, told us to answer with a RST
	timeWaitOver bool      // our TIME_WAIT timer ran out
	pending      []pending // the peer's segments not yet delivered to us
}

// pending is a segment on its way to a side. A capture point sees a
// segment before its receiver acts on it, and a receiver may send before
// it does: the FINs of a simultaneous close cross. Delivery waits for the
// receiver's next segment, whose ACK says whether it had the segment.
type pending struct {
	seg *Segment
	at  time.Duration
}

func (c *conn) sideAt(a netip.AddrPort) *side {
	for _, s := range c.sides {
		if s.addr == a {
			return s
		}
	}
	return nil
}

// newIncarnation reports whether SYN s starts a new incarnation: it is
// not the SYN (or a retransmission of it) that opened this one, or this
// one began mid-connection.
func (c *conn) newIncarnation(s *Segment) bool {
	x := c.sideAt(s.Src)
	if x.issKnown {
		return s.Seq != x.iss
	}
	return c.sides[0].moves[0].State == Unknown
}

// segment takes a segment of this connection at time at: the timers due
// before it run, its sender's pending deliveries that it shows were
// received are delivered, then the send itself is applied and the segment
// waits for its receiver.
func (c *conn) segment(s *Segment, at time.Duration) {
	c.last = at
	x, y := c.sideAt(s.Src), c.sideAt(s.Dst)
	c.runTimers(at)
	x.deliverBefore(c, s)
	c.send(x, s, at)
	y.pending = append(y.pending, pending{seg: s, at: at})
}

// runTimers fires, in deadline order, every silent timer due by until on
// either side, delivering first what reached that side before it fired.
func (c *conn) runTimers(until time.Duration) {
	for {
		var who *side
		var timer tcp.Timer
		var when time.Duration
		for _, sd := range c.sides {
			if t, d, ok := sd.due(until); ok && (who == nil || d < when) {
				who, timer, when = sd, t, d
			}
		}
		if who == nil {
			return
		}
		for len(who.pending) > 0 && who.pending[0].at <= when {
			c.deliver(who, who.pending[0])
			who.pending = who.pending[1:]
		}
		if t, d, ok := who.due(until); !ok || t != timer || d != when {
			continue // a delivery moved the timer
		}
		before := who.ep.State()
		c.step(who, timer.Expiry(), when)
		if before == tcp.TimeWait && who.ep.State() == tcp.Closed {
			who.timeWaitOver = true
		}
	}
}

// deliverBefore delivers to x the pending segments that x's segment s
// shows it had received: all of them, unless s ACKs a sequence number
// short of a pending segment's SYN, FIN or data, which x then had not
// yet taken in when it sent s.
func (x *side) deliverBefore(c *conn, s *Segment) {
	n := 0
	for _, p := range x.pending {
		q := p.seg
		consumes := q.SYN || q.FIN || q.Len > 0
		if s.ACK && !s.RST && consumes && int32(s.Ack-q.end()) < 0 && int32(s.Ack-q.Seq) <= 0 {
			break
		}
		c.deliver(x, p)
		n++
	}
	x.pending = x.pending[n:]
}

// finish delivers what is still on its way and runs the timers due by
// end, the capture's last moment.
func (c *conn) finish(end time.Duration) {
	var all []struct {
		to *side
		p  pending
	}
	for _, sd := range c.sides {
		for _, p := range sd.pending {
			all = append(all, struct {
				to *side
				p  pending
			}{sd, p})
		}
		sd.pending = nil
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].p.at < all[j].p.at })
	for _, d := range all {
		c.runTimers(d.p.at)
		c.deliver(d.to, d.p)
	}
	c.runTimers(max(end, c.last))
}

// send applies what x's sending s says about x: the application call it
// implies, and the sequence numbers it shows. A call is implied where the
// table, in x's state, answers it by sending what x sent: a first SYN is
// connect(), a first FIN close(), a RST that answers nothing an abort.
func (c *conn) send(x *side, s *Segment, at time.Duration) {
	switch {
	case s.RST:
		if x.expectRST {
			x.expectRST = false
		} else {
			c.implied(x, tcp.AppAbort, tcp.SendRst, at)
		}
	case s.SYN:
		if !x.issKnown || s.Seq != x.iss {
			x.newISS(s)
			if !s.ACK {
				c.implied(x, tcp.AppOpenActive, tcp.SendSyn, at)
			}
		}
		x.synScale, x.synSeen = s.WScale, true
		c.agreeScale()
	}
	if s.FIN && !s.RST && !x.finSent {
		x.finSeq, x.finSent = s.Seq+uint32(s.Len), true
		c.implied(x, tcp.AppClose, tcp.SendFin, at)
	}
	if s.Len > 0 && x.finSent && int32(s.Seq+uint32(s.Len)-x.finSeq) > 0 {
		c.anomaly(x, at, fmt.Sprintf("data after its own FIN (packet %d: %d bytes at seq %d, FIN at %d)", s.Packet, s.Len, s.Seq, x.finSeq))
	}
	if !s.RST && (!x.sndKnown || int32(s.end()-x.sndNxt) > 0) {
		x.sndNxt, x.sndKnown = s.end(), true
	}
	if s.ACK && !s.RST && !s.SYN && (!x.rcvKnown || int32(s.Ack-x.rcvNxt) > 0) {
		// x's ACK is its RCV.NXT: it had what the capture missed.
		x.rcvNxt, x.rcvKnown = s.Ack, true
	}
	if !s.RST && (s.SYN || x.wscale >= 0 || c.unscaled) {
		x.rcvWnd, x.wndKnown = x.scaled(s), true
	}
}

// implied steps the application call e for x if the table, in x's state,
// answers it with a move that sends sent: the call that explains what x
// put on the wire.
func (c *conn) implied(x *side, e tcp.Event, sent tcp.Action, at time.Duration) {
	if tr, ok := c.profile.Step(x.ep.State(), e); ok && tr.Verdict == tcp.Move && tr.Actions.Has(sent) {
		c.step(x, e, at)
	}
}

// newISS takes the sequence number of x's SYN or SYN,ACK s as its ISS.
func (x *side) newISS(s *Segment) {
	x.iss, x.issKnown = s.Seq, true
	x.sndUna, x.sndNxt, x.sndKnown = s.Seq, s.Seq, true
}

// agreeScale settles the window scale of both sides once both SYNs have
// been seen: each side's own when both carried the option, none when
// either did not (RFC 7323 1.3).
func (c *conn) agreeScale() {
	a, b := c.sides[0], c.sides[1]
	if !a.synSeen || !b.synSeen {
		return
	}
	if a.synScale >= 0 && b.synScale >= 0 {
		a.wscale, b.wscale = a.synScale, b.synScale
		return
	}
	c.unscaled = true
}

// deliver hands segment p to its receiver x: classified against x's state
// and sequence numbers into the table's events, each stepped.
func (c *conn) deliver(x *side, p pending) {
	q, at := p.seg, max(p.at, x.last)
	y := c.sideAt(q.Src)
	st := x.ep.State()
	if c.oldDuplicate(x, q, at) {
		return
	}
	if st == tcp.TimeWait && q.RST {
		c.anomaly(x, at, fmt.Sprintf("RST reached TIME_WAIT (packet %d): TIME-WAIT assassination, RFC 1337", q.Packet))
	}
	if st == tcp.Closed && x.timeWaitOver && q.FIN {
		c.anomaly(x, at, fmt.Sprintf("FIN (packet %d) arrived after TIME_WAIT had ended: the peer resent it later than 2MSL allows, and will be answered by RST", q.Packet))
	}
	if q.ACK && !q.RST && x.sndKnown && !x.finSent && int32(q.Ack-x.sndNxt) > 0 {
		// The peer ACKs data of x's that the capture missed: x sent it.
		x.sndNxt = q.Ack
	}
	class := endpoint.Inspect(y.wire(q), x.vars(q))
	if class.Reply == endpoint.ReplyRst {
		x.expectRST = true
	}
	for _, e := range class.Events[:class.N] {
		c.step(x, e, at)
	}
	x.took(q, y)
}

// took updates x's receive variables, and what it knows of its own sent
// data being acknowledged, from segment q of peer y.
func (x *side) took(q *Segment, y *side) {
	switch {
	case q.SYN:
		x.irs, x.rcvNxt, x.rcvKnown = q.Seq, q.end(), true
	case !q.RST && (!x.rcvKnown || int32(q.end()-x.rcvNxt) > 0):
		x.rcvNxt, x.rcvKnown = q.end(), true
	}
	if q.ACK && !q.RST && x.sndKnown && int32(q.Ack-x.sndUna) > 0 && int32(q.Ack-x.sndNxt) <= 0 {
		x.sndUna = q.Ack
	}
	if q.ACK && !q.RST {
		x.sndWnd = y.scaled(q)
	}
}

// wire is segment q, sent by y, as the classifier reads it: flags,
// numbers, and the window scaled as the handshake agreed.
func (y *side) wire(q *Segment) endpoint.Segment {
	return endpoint.Segment{Flags: endpoint.FlagsOf(q.SYN, q.ACK, q.FIN, q.RST), Seq: q.Seq, Ack: q.Ack, Len: uint32(q.Len), Window: y.scaled(q)}
}

// scaled is the window q (sent by y) advertises, in bytes: shifted by y's
// window scale once both SYNs carried the option (RFC 7323 2.2), never on
// a SYN.
func (y *side) scaled(q *Segment) uint32 {
	if q.SYN || y.wscale < 0 {
		return uint32(q.Window)
	}
	return uint32(q.Window) << y.wscale
}

// oldDuplicate reports, and notes, a segment that belongs to an earlier
// incarnation: it ACKs a sequence number x never sent in this one but did
// in the one before.
func (c *conn) oldDuplicate(x *side, q *Segment, at time.Duration) bool {
	if c.prev == nil || !q.ACK || q.SYN || !x.issKnown || !x.sndKnown {
		return false
	}
	if int32(q.Ack-x.iss) > 0 && int32(q.Ack-x.sndNxt) <= 0 {
		return false
	}
	old := c.prev.sideAt(x.addr)
	if old == nil || !old.issKnown || int32(q.Ack-old.iss) <= 0 || int32(q.Ack-old.sndNxt) > 0 {
		return false
	}
	c.anomaly(x, at, fmt.Sprintf("old duplicate (packet %d, %s): it ACKs %d, a sequence number of incarnation %d, not of this one", q.Packet, q.Flags(), q.Ack, c.prev.incarnation))
	return true
}

// vars are x's sequence variables as the capture has shown them, in the
// form the classifier reads. What the capture has not shown yet is taken
// from q itself, so that it passes: the ACK of a side seen sending nothing
// yet, the sequence number of a peer seen sending nothing yet, a window
// whose scale the capture never saw negotiated.
func (x *side) vars(q *Segment) endpoint.Vars {
	v := endpoint.Vars{State: x.ep.State(), ISS: x.iss, SndUna: x.sndUna, SndNxt: x.sndNxt, SndWnd: x.sndWnd,
		IRS: x.irs, RcvNxt: x.rcvNxt, RcvWnd: x.rcvWnd, FinSent: x.finSent}
	if !x.sndKnown {
		v.SndUna, v.SndNxt = q.Ack-1, q.Ack
	}
	if !x.rcvKnown {
		v.RcvNxt = q.Seq
	}
	if !x.wndKnown {
		v.RcvWnd = unknownWindow
	}
	return v
}

// unknownWindow is the receive window assumed where the capture did not
// show the handshake that negotiates its scale: as large as a scaled
// window gets.
const unknownWindow = 1 << 30

// step applies e to x at time at and records a move when the state
// changed, an anomaly when the table rejects the event.
func (c *conn) step(x *side, e tcp.Event, at time.Duration) {
	at = max(at, x.last)
	x.last = at
	before := x.ep.State()
	tr, ok := x.apply(e, at)
	if !ok {
		// Apply refuses only an invalid event or the expiry of a timer
		// that is not running; track steps neither.
		return
	}
	if tr.Actions.Has(tcp.SendRst) {
		x.expectRST = true
	}
	if tr.Verdict == tcp.Reject {
		c.anomaly(x, at, fmt.Sprintf("the table rejects %s in %s: %s (%s)", e, before, tr.Rule.Reason(), tr.Rule.Spec()))
		return
	}
	if tr.Next == before {
		return // no move; nor does it tell an unknown state
	}
	x.moves = append(x.moves, Move{T: secs(at), State: tr.Next.String(), Rule: tr.Rule.Spec(), Event: e.String(), Cite: tr.Rule.Cite()})
}

func (c *conn) anomaly(x *side, at time.Duration, what string) {
	c.anomalies = append(c.anomalies, Anomaly{T: secs(at), Side: x.addr.String(), What: what})
}

func (c *conn) report() Connection {
	out := Connection{A: c.sides[0].addr.String(), B: c.sides[1].addr.String(), Incarnation: c.incarnation,
		Anomalies: slices.Clone(c.anomalies)}
	if out.Anomalies == nil {
		out.Anomalies = []Anomaly{}
	}
	for _, s := range c.sides {
		out.Sides = append(out.Sides, Side{Addr: s.addr.String(), States: slices.Clone(s.moves)})
	}
	return out
}

// secs is d in seconds, to the microsecond, as the report gives times.
func secs(d time.Duration) float64 {
	return math.Round(d.Seconds()*1e6) / 1e6
}
