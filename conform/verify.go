package conform

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Table is the state table a trace is checked against: tcp.StepWith, or a
// mutant of it in tests.
type Table func(sw tcp.Switches, s tcp.State, e tcp.Event) (tcp.Transition, bool)

// Tolerance is how far a timer seen in the kernel may differ from the
// profile: the kernel's timer wheel rounds, and the poller samples every
// few milliseconds.
const Tolerance = 2500 * time.Millisecond

// Slack is how long after a state is seen the evidence that explains it
// may be recorded: the poller and the capture run apart.
const Slack = 50 * time.Millisecond

// checkpoint requires the table to have passed through observed state
// number index by time at (Slack after it was seen).
type checkpoint struct {
	index    int
	at, seen time.Duration
}

// checkpoints lists, in order, when each observed state of side x (after
// handOver) was first seen.
func checkpoints(t *Trace, x Side, observed []tcp.State) []checkpoint {
	var out []checkpoint
	k := 0
	for _, e := range t.Events {
		if k < len(observed) && e.Kind == State && e.Side == x && e.State == observed[k] {
			out = append(out, checkpoint{index: k, at: e.At + Slack, seen: e.At})
			k++
		}
	}
	return out
}

// Verdict is the outcome for one side of one trace.
type Verdict struct {
	Scenario string
	Side     Side
	Observed []tcp.State // the states the kernel showed, in order, repeats removed
	Path     []string    // a path of the table that explains them: "ESTABLISHED --app CLOSE--> FIN_WAIT_1"
	Problems []string    // empty when the path is accepted and the timers agree
}

// Accepted reports whether the side's behaviour is a path of the table.
func (v Verdict) Accepted() bool { return len(v.Problems) == 0 }

func (v Verdict) String() string {
	states := make([]string, len(v.Observed))
	for i, s := range v.Observed {
		states[i] = s.String()
	}
	head := fmt.Sprintf("%s %s: %s", v.Scenario, v.Side, strings.Join(states, " -> "))
	if v.Accepted() {
		return head + ": accepted"
	}
	return head + ": REJECTED: " + strings.Join(v.Problems, "; ")
}

// Profile returns the linux profile adjusted by the sysctls of a trace
// and by its running on loopback: tcp_fin_timeout sets the FIN_WAIT_2
// flush, tcp_rfc1337 the RFC 1337 switch, tcp_tw_reuse (2 by default: on
// for loopback) the reuse of one's own TIME_WAIT.
func Profile(t *Trace) (tcp.Profile, error) {
	p := tcp.Linux
	if v, ok := t.Sysctls["net.ipv4.tcp_fin_timeout"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return p, fmt.Errorf("scenario %s: net.ipv4.tcp_fin_timeout=%q", t.Scenario, v)
		}
		p.FinWait2 = time.Duration(n) * time.Second
	}
	// tcp_tw_reuse: 1 always, 2 (the default) for loopback, where every
	// scenario runs; 0 never.
	if t.Sysctls["net.ipv4.tcp_tw_reuse"] == "0" {
		p.Switches &^= tcp.ReuseOwnTimeWait
	} else {
		p.Switches |= tcp.ReuseOwnTimeWait
	}
	switch t.Sysctls["net.ipv4.tcp_rfc1337"] {
	case "", "0":
		p.Switches &^= tcp.RFC1337
	case "1":
		p.Switches |= tcp.RFC1337
	default:
		return p, fmt.Errorf("scenario %s: net.ipv4.tcp_rfc1337=%q", t.Scenario, t.Sysctls["net.ipv4.tcp_rfc1337"])
	}
	return p, nil
}

// Verify checks both sides of trace t against table under profile p.
func Verify(t *Trace, p tcp.Profile, table Table) []Verdict {
	return []Verdict{verifySide(t, Client, p, table), verifySide(t, Server, p, table)}
}

// config is one way the table may stand after the evidence so far.
type config struct {
	state   tcp.State
	orphan  bool
	armed   [tcp.NumTimers]time.Duration // when each timer was armed; -1 when it is not running
	matched int                          // how many observed states the path has passed through, in order
}

// step is one piece of evidence: what happened to a side, in order.
type step struct {
	at       time.Duration
	events   []tcp.Event // a segment may be several events in turn (ACK of our FIN, then data)
	optional bool        // a retransmission by timer: may or may not be what happened
	what     string
	orphans  bool // an application call that lets go of the socket
}

// evidence turns the trace into the steps side x went through: its
// application's calls, the segments it received, and its retransmissions.
func evidence(t *Trace, x Side) ([]step, []tcp.State) {
	var steps []step
	var observed []tcp.State
	finNext := [2]uint32{} // per side: the sequence number after its FIN; 0 while none was sent
	type sent struct {
		flags string
		seq   uint32
	}
	seen := map[sent]bool{}
	orphan := false // x's application has closed its socket: data for it is DATA_AFTER_CLOSE
	for _, e := range t.Events {
		switch {
		case e.Kind == State && e.Side == x:
			if len(observed) == 0 || observed[len(observed)-1] != e.State {
				observed = append(observed, e.State)
			}
		case e.Kind == Call && e.Side == x:
			ev, orphans := callEvent(e.Call)
			orphan = orphans
			steps = append(steps, step{at: e.At, events: []tcp.Event{ev}, what: "app " + e.Call, orphans: orphans})
		case e.Kind == Send && e.Side == x:
			g := e.Seg
			if g.FIN {
				finNext[x] = g.Seq + uint32(g.Len) + 1
			}
			if g.SYN || g.FIN {
				k := sent{g.Flags(), g.Seq}
				if seen[k] {
					steps = append(steps, step{at: e.At, events: []tcp.Event{tcp.TimeoutRetransmission}, optional: true, what: "retransmits " + g.Flags()})
				}
				seen[k] = true
			}
		case e.Kind == Send && e.Side == x.Other():
			steps = append(steps, step{at: e.At, events: received(e.Seg, finNext[x], orphan), what: fmt.Sprintf("receives %s seq=%d ack=%d len=%d", e.Seg.Flags(), e.Seg.Seq, e.Seg.Ack, e.Seg.Len)})
		}
	}
	return steps, handOver(observed)
}

// handOver drops the CLOSED that a poller may see between TIME_WAIT and a
// new SYN_RECEIVED when a SYN reopens TIME_WAIT: Linux destroys the
// time-wait socket and makes a new one for the new incarnation, where the
// table moves TIME_WAIT to SYN_RECEIVED in one step.
func handOver(obs []tcp.State) []tcp.State {
	var out []tcp.State
	for i, s := range obs {
		if s == tcp.Closed && i > 0 && i+1 < len(obs) && obs[i-1] == tcp.TimeWait && obs[i+1] == tcp.SynReceived {
			continue
		}
		out = append(out, s)
	}
	return out
}

func callEvent(call string) (tcp.Event, bool) {
	switch call {
	case Connect:
		return tcp.AppOpenActive, false
	case Listen:
		return tcp.AppOpenPassive, false
	case Close:
		return tcp.AppClose, true
	case CloseUnread:
		return tcp.AppCloseUnread, true
	case Shutdown:
		return tcp.AppShutdown, false
	case Abort:
		return tcp.AppAbort, true
	}
	return 0, false
}

// received classifies a segment for a receiver whose FIN, if it sent one,
// ends before finNext, and whose application may have closed it (orphan).
// A SYN is given as 0: it may be SYN or SYN_HIGHER_SEQ, which sequence
// numbers relative to each ISN cannot tell apart.
func received(g Segment, finNext uint32, orphan bool) []tcp.Event {
	acksFin := g.ACK && finNext != 0 && int32(g.Ack-finNext) >= 0
	switch {
	case g.RST:
		return []tcp.Event{tcp.RcvRst}
	case g.SYN && !g.ACK:
		return []tcp.Event{0}
	case g.SYN && g.Ack != 1:
		// Numbered from the receiver's ISN, the SYN,ACK for its SYN acks 1.
		return []tcp.Event{tcp.RcvSynAckOld}
	case g.SYN:
		return []tcp.Event{tcp.RcvSynAck}
	}
	var out []tcp.Event
	if acksFin && !g.FIN {
		out = append(out, tcp.RcvAckOfFin)
	}
	switch {
	case g.Len > 0 && orphan:
		out = append(out, tcp.RcvDataAfterClose)
	case g.Len > 0:
		out = append(out, tcp.RcvData)
	}
	switch {
	case g.FIN && acksFin:
		out = append(out, tcp.RcvFinAck)
	case g.FIN:
		out = append(out, tcp.RcvFin)
	case len(out) == 0:
		out = append(out, tcp.RcvAck)
	}
	return out
}

// verifier walks the sets of configurations of one side.
type verifier struct {
	p        tcp.Profile
	table    Table
	observed []tcp.State
	parent   map[config]link // how each configuration was first reached, for the path
}

type link struct {
	from  config
	label string
	root  bool
}

func verifySide(t *Trace, x Side, p tcp.Profile, table Table) Verdict {
	steps, observed := evidence(t, x)
	v := Verdict{Scenario: t.Scenario, Side: x, Observed: observed}
	if len(observed) == 0 {
		v.Problems = append(v.Problems, "no state of this side was observed")
		return v
	}
	w := &verifier{p: p, table: table, observed: observed, parent: map[config]link{}}
	start := config{state: tcp.Closed}
	for i := range start.armed {
		start.armed[i] = -1
	}
	start = w.observe(start)
	w.parent[start] = link{root: true}
	set := map[config]bool{start: true}
	checks := checkpoints(t, x, observed)
	check := func(upTo time.Duration) bool {
		for len(checks) > 0 && checks[0].at <= upTo {
			cp := checks[0]
			checks = checks[1:]
			set = w.expire(set, cp.at)
			kept := map[config]bool{}
			for c := range set {
				if c.matched > cp.index {
					kept[c] = true
				}
			}
			if len(kept) == 0 {
				v.Problems = append(v.Problems, fmt.Sprintf("at %.3fs the kernel showed %s in %s; by then the table can only stand in %s",
					cp.seen.Seconds(), x, observed[cp.index], statesOf(set)))
				return false
			}
			set = kept
		}
		return true
	}
	for _, s := range steps {
		if !check(s.at) {
			return v
		}
		set = w.expire(set, s.at)
		next := map[config]bool{}
		if s.optional {
			for c := range set {
				next[c] = true
			}
		}
		for c := range set {
			for _, d := range w.apply(c, s, s.at) {
				next[d] = true
			}
		}
		if len(next) == 0 {
			v.Problems = append(v.Problems, fmt.Sprintf("at %.3fs, %s %s: no transition of the table from %s",
				s.at.Seconds(), x, s.what, statesOf(set)))
			return v
		}
		if x == Server && listens(t) {
			w.relisten(next, s.at)
		}
		set = next
	}
	end := time.Duration(0)
	if len(t.Events) > 0 {
		end = t.Events[len(t.Events)-1].At
	}
	if !check(end + Slack) {
		return v
	}
	set = w.expire(set, end)
	var best *config
	for c := range set {
		if c.matched == len(observed) && c.state == observed[len(observed)-1] {
			cc := c
			if best == nil || less(cc, *best) {
				best = &cc
			}
		}
	}
	if best == nil {
		most := 0
		for c := range set {
			most = max(most, c.matched)
		}
		v.Problems = append(v.Problems, fmt.Sprintf("no path of the table passes through the observed states in order: it explains them only up to %s, then the table stands in %s",
			observedPrefix(observed, most), statesOf(set)))
		return v
	}
	v.Path = w.path(*best)
	v.Problems = append(v.Problems, timerProblems(t, x, p)...)
	return v
}

func less(a, b config) bool { return fmt.Sprint(a) < fmt.Sprint(b) }

func observedPrefix(obs []tcp.State, n int) string {
	if n == 0 {
		return "nothing"
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = obs[i].String()
	}
	return strings.Join(parts, " -> ")
}

func statesOf(set map[config]bool) string {
	seen := map[string]bool{}
	for c := range set {
		seen[c.state.String()] = true
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "no state"
	}
	return strings.Join(names, " or ")
}

// listens reports whether the server application listens: its listening
// socket then outlives each connection it accepts.
func listens(t *Trace) bool {
	for _, e := range t.Events {
		if e.Kind == Call && e.Side == Server && e.Call == Listen {
			return true
		}
	}
	return false
}

// relisten adds, for each configuration whose connection is CLOSED, the
// listener that is still there: the server side of a trace stands for the
// listening socket and the connection it accepts, as an endpoint in LISTEN
// does in the table.
func (w *verifier) relisten(set map[config]bool, at time.Duration) {
	for c := range set {
		if c.state != tcp.Closed {
			continue
		}
		if d, ok := w.move(c, tcp.AppOpenPassive, at, false, "the listener"); ok {
			set[d] = true
		}
	}
}

// observe advances the count of observed states c has passed through.
func (w *verifier) observe(c config) config {
	if c.matched < len(w.observed) && w.observed[c.matched] == c.state {
		c.matched++
	}
	return c
}

// apply takes evidence step s from c: every way the table may take it.
func (w *verifier) apply(c config, s step, at time.Duration) []config {
	cur := []config{c}
	for _, ev := range s.events {
		candidates := []tcp.Event{ev}
		if ev == 0 {
			candidates = []tcp.Event{tcp.RcvSyn, tcp.RcvSynHigherSeq}
		}
		var next []config
		for _, from := range cur {
			for _, e := range candidates {
				if d, ok := w.move(from, e, at, s.orphans, s.what); ok {
					next = append(next, d)
				}
			}
		}
		cur = next
	}
	return cur
}

// move takes one table event from c.
func (w *verifier) move(c config, e tcp.Event, at time.Duration, orphans bool, what string) (config, bool) {
	t, ok := w.table(w.p.Switches, c.state, e)
	if !ok {
		return c, false
	}
	d := c
	if orphans && t.Verdict == tcp.Move {
		d.orphan = true
	}
	d.state = t.Next
	for tm := tcp.Timer(1); tm < tcp.NumTimers; tm++ {
		switch {
		case t.Actions.Has(tm.StopAction()):
			d.armed[tm] = -1
		case t.Actions.Has(tm.RestartAction()), t.Actions.Has(tm.StartAction()) && d.armed[tm] < 0:
			if w.runs(tm, d) {
				d.armed[tm] = at
			}
		}
	}
	if t.Next == tcp.Closed || t.Next == tcp.Listen {
		d.orphan = false
		for i := range d.armed {
			d.armed[i] = -1
		}
	}
	d = w.observe(d)
	if _, seen := w.parent[d]; !seen {
		w.parent[d] = link{from: c, label: fmt.Sprintf("%s --%s--> %s", c.state, e, d.state)}
	}
	return d, true
}

// runs reports whether the runtime arms timer tm: the profile must have
// it, keep-alive is off unless the application asks (none here), and the
// FIN_WAIT_2 flush is for orphans unless the profile says otherwise.
func (w *verifier) runs(tm tcp.Timer, c config) bool {
	switch tm {
	case tcp.KeepaliveTimer:
		return false
	case tcp.FinWait2Timer:
		return w.p.FinWait2 > 0 && (c.orphan || w.p.Switches&tcp.FlushHeldFinWait2 != 0)
	}
	return w.p.Timer(tm) > 0
}

// expire adds, to every configuration, the timeouts whose timers have run
// their full duration by time at (retransmissions come from the evidence).
func (w *verifier) expire(set map[config]bool, at time.Duration) map[config]bool {
	out := map[config]bool{}
	queue := make([]config, 0, len(set))
	for c := range set {
		out[c] = true
		queue = append(queue, c)
	}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for tm := tcp.Timer(1); tm < tcp.NumTimers; tm++ {
			if tm == tcp.RetransmissionTimer || c.armed[tm] < 0 {
				continue
			}
			due := c.armed[tm] + time.Duration(float64(w.p.Timer(tm))*0.95)
			if at < due {
				continue
			}
			fired := c
			fired.armed[tm] = -1
			if d, ok := w.move(fired, tm.Expiry(), at, false, ""); ok && !out[d] {
				if _, seen := w.parent[d]; !seen {
					w.parent[d] = link{from: c, label: fmt.Sprintf("%s --%s--> %s", c.state, tm.Expiry(), d.state)}
				}
				out[d] = true
				queue = append(queue, d)
			}
		}
	}
	return out
}

// path lists the moves that lead to c, state changes only.
func (w *verifier) path(c config) []string {
	var out []string
	for guard := 0; guard < 10000; guard++ {
		l, ok := w.parent[c]
		if !ok || l.root {
			break
		}
		if l.from.state != c.state {
			out = append(out, l.label)
		}
		c = l.from
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// timerProblems compares the timers the kernel showed with the profile:
// TIME_WAIT's timer against the profile's TIME_WAIT, an orphaned
// FIN_WAIT_2's against its flush, each measured from when the state was
// first seen.
func timerProblems(t *Trace, x Side, p tcp.Profile) []string {
	var problems []string
	var state tcp.State
	var since time.Duration
	checked := map[tcp.State]bool{}
	for _, e := range t.Events {
		if e.Side != x {
			continue
		}
		switch e.Kind {
		case State:
			if e.State != state {
				state, since = e.State, e.At
			}
		case Timer:
			var want time.Duration
			switch {
			case state == tcp.TimeWait && e.Timer == "timewait":
				want = p.TimeWait
			case state == tcp.FinWait2 && e.Timer == "timewait":
				want = p.FinWait2 // Linux keeps an orphaned FIN_WAIT_2 as a time-wait socket
			default:
				continue
			}
			if checked[state] {
				continue
			}
			checked[state] = true
			expect := want - (e.At - since)
			if diff := e.TimerLeft - expect; math.Abs(float64(diff)) > float64(Tolerance) {
				problems = append(problems, fmt.Sprintf("%s timer shows %.1fs left %.3fs after entering it; the profile says %v",
					state, e.TimerLeft.Seconds(), (e.At-since).Seconds(), want))
			}
		}
	}
	return problems
}
