package conform

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/endpoint"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// config is one way the table may stand after the evidence so far.
type config struct {
	state   tcp.State
	orphan  bool
	due     [tcp.NumTimers]time.Duration // the earliest each timer may expire; -1 when it is not running
	matched int                          // how many observed states the path has passed through, in order
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

// search takes side x's steps from CLOSED in every way the table allows,
// keeping only the configurations that have passed through each observed
// state by the time it was seen. It returns the path of a configuration
// that ends having passed through every observed state, or why there is
// none.
func (w *verifier) search(t *Trace, x Side, steps []step) (path []string, problem string) {
	start := config{state: tcp.Closed}
	for i := range start.due {
		start.due[i] = -1
	}
	start = w.observe(start)
	w.parent[start] = link{root: true}
	set := map[config]bool{start: true}
	checks := checkpoints(t, x, w.observed)
	// check holds set to the checkpoints due by upTo.
	check := func(upTo time.Duration) string {
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
				return fmt.Sprintf("at %.3fs the kernel showed %s in %s; by then the table can only stand in %s",
					cp.seen.Seconds(), x, w.observed[cp.index], statesOf(set))
			}
			set = kept
		}
		return ""
	}
	relisten := x == Server && listens(t)
	for _, s := range steps {
		if problem := check(s.at); problem != "" {
			return nil, problem
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
			return nil, fmt.Sprintf("at %.3fs, %s %s: no transition of the table from %s",
				s.at.Seconds(), x, s.what, statesOf(set))
		}
		if relisten {
			w.relisten(next, s.at)
		}
		set = next
	}
	end := time.Duration(0)
	if len(t.Events) > 0 {
		end = t.Events[len(t.Events)-1].At
	}
	if problem := check(end + Slack); problem != "" {
		return nil, problem
	}
	set = w.expire(set, end)
	return w.best(set)
}

// best returns the path of the configuration of set that passed through
// every observed state and stands in the last one (the least, for a
// result that does not depend on map order), or why there is none.
func (w *verifier) best(set map[config]bool) (path []string, problem string) {
	var best *config
	last := len(w.observed)
	for c := range set {
		if c.matched == last && c.state == w.observed[last-1] {
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
		return nil, fmt.Sprintf("no path of the table passes through the observed states in order: it explains them only up to %s, then the table stands in %s",
			observedPrefix(w.observed, most), statesOf(set))
	}
	return w.path(*best), ""
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
// A received segment is classified in c's state (endpoint.Inspect under
// RFC 5961, as Linux does); one it drops before the table leaves c as it
// is.
func (w *verifier) apply(c config, s step, at time.Duration) []config {
	events := s.events
	if s.seg != nil {
		v := s.vars
		v.State, v.Orphan = c.state, c.orphan
		cl := endpoint.Inspect(*s.seg, v)
		events = cl.Events[:cl.N]
	}
	cur := []config{c}
	for _, ev := range events {
		candidates := []tcp.Event{ev}
		if ev == tcp.RcvSyn || ev == tcp.RcvSynHigherSeq {
			// Numbered from each side's ISN, the trace cannot tell a SYN
			// above the old incarnation's sequence numbers from one below.
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
		switch op := t.Actions.TimerOp(tm); {
		case op == tcp.StopTimer:
			d.due[tm] = -1
		case op == tcp.RestartTimer, op == tcp.StartTimer && d.due[tm] < 0:
			if w.runs(tm, d) {
				d.due[tm] = at + w.early(tm, d)
			}
		}
	}
	if !t.Next.Is(tcp.HasConnection) {
		d.orphan = false
		for i := range d.due {
			d.due[i] = -1
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
	return w.p.Runs(tm, socket(c))
}

// socket is how c's application holds its socket: the scenarios ask for
// no keep-alive.
func socket(c config) tcp.Socket {
	if c.orphan {
		return tcp.SocketOrphan
	}
	return 0
}

// early is how soon after it is armed in configuration c timer tm may
// expire: the duration the spec's arm declarations give it in c's state for
// c's socket (r2_syn for a SYN, r2_orphan for an orphan), taken when it is
// armed, as the runtime takes it, less a tolerance of 5% for the
// recording's clock.
func (w *verifier) early(tm tcp.Timer, c config) time.Duration {
	return time.Duration(float64(w.p.Duration(tm, c.state, socket(c))) * 0.95)
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
			if tm == tcp.RetransmissionTimer || c.due[tm] < 0 || at < c.due[tm] {
				continue
			}
			fired := c
			fired.due[tm] = -1
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
