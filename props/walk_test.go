package props_test

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
	"pgregory.net/rapid"
)

// walkSteps is the average number of actions of one walk: rapid's
// -rapid.steps, which TestMain raises from rapid's default of 30 for this
// package unless -rapid.steps or RAPID_STEPS sets it. (*rapid.T).Repeat
// draws the length of each run from a geometric distribution with this
// mean (half of it under -short), so a walk is a few hundred steps on
// average and shrinking can still cut it down to the few that matter.
const walkSteps = 300

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.steps" })
	if _, env := os.LookupEnv("RAPID_STEPS"); !set && !env {
		if err := flag.Set("rapid.steps", strconv.Itoa(walkSteps)); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// walkIncarnations is the most incarnations a walk of the TCP table draws.
const walkIncarnations = 5

// actionKinds name the actions of the walk state machine: one per kind of
// model step. Reordering is not an action of its own: any segment in flight
// may be the one delivered.
var actionKinds = map[string]model.Kind{
	"app":       model.App,
	"fire":      model.Fire,
	"deliver":   model.Deliver,
	"duplicate": model.DeliverCopy, // delivered, and a copy stays in flight
	"lose":      model.Lose,
	"tick":      model.Tick,
}

// walk is one run of the state machine of the property tests: two
// endpoints of model m, from its initial state, each step drawn by rapid
// among the successors model.Successors offers, with the properties of
// list checked after every step exactly as the model checker checks them.
type walk struct {
	m     *model.Model
	what  string           // the profile and bounds, for messages
	list  []check.Property // the invariant list
	quiet func(id string) bool
	s     model.State
	next  []model.Succ // the successors of s
	stuck bool         // s has no successor, and not merely for want of room in a channel
	trace []string
	steps int // steps taken
}

// walkSpec says what to walk: the profiles to draw from, with the
// properties each is known to break (findings, which do not fail a walk),
// the table the endpoints run, and the invariant list.
type walkSpec struct {
	profiles []*spec.Profile
	step     func(tcp.Switches, tcp.State, tcp.Event) (tcp.Transition, bool) // nil: the generated table
	list     []check.Property
	// reported says whether a violation of property id under profile p
	// fails the walk: by default, unless the profile declares it a finding.
	reported func(p *spec.Profile, id string) bool
	// incarnations is the largest number of incarnations a walk draws.
	incarnations int
}

func notAFinding(p *spec.Profile, id string) bool { return p.Finding(id) == nil }

// run draws a model (profile, capacity 1..8, incarnations, losses 0..1, MSL
// of 1..4 ticks), runs the state machine on it with (*rapid.T).Repeat,
// then makes the network fair and checks that what every liveness
// property of the list owes is met (P2: every FIN sent was ACKed or its
// sender gave up). A violation fails t with a message that starts with
// the property's ID.
func (ws walkSpec) run(t *rapid.T) {
	sp := ws.profiles[rapid.IntRange(0, len(ws.profiles)-1).Draw(t, "profile")]
	b := model.DefaultBounds()
	b.Capacity = rapid.IntRange(1, model.MaxCapacity).Draw(t, "capacity")
	b.Incarnations = rapid.IntRange(1, ws.incarnations).Draw(t, "incarnations")
	// At most one loss per incarnation: the assumption TIME_WAIT's
	// guarantees rest on; with two, a FIN retransmitted after the second
	// loss outlives TIME_WAIT (fsmgen check -losses 2, under bsd too).
	b.Losses = rapid.IntRange(0, 1).Draw(t, "losses")
	b.MSLTicks = rapid.IntRange(1, 4).Draw(t, "msl ticks")
	m, err := model.New(check.Profile(sp), b, ws.step)
	if err != nil {
		t.Fatalf("%v", err)
	}
	reported := ws.reported
	if reported == nil {
		reported = notAFinding
	}
	w := &walk{
		m:     m,
		what:  fmt.Sprintf("under %s (capacity %d, %d incarnations, %d losses, MSL %d ticks)", sp.Name, b.Capacity, b.Incarnations, b.Losses, b.MSLTicks),
		list:  ws.list,
		quiet: func(id string) bool { return !reported(sp, id) },
	}
	w.moveTo(m.Initial())
	t.Repeat(w.actions())
	w.fairEnd(t)
}

func (w *walk) actions() map[string]func(*rapid.T) {
	acts := map[string]func(*rapid.T){
		"":     w.checkState,
		"any":  w.any,
	}
	for name, kind := range actionKinds {
		acts[name] = func(t *rapid.T) { w.take(t, name, kind) }
	}
	return acts
}

func (w *walk) moveTo(s model.State) {
	w.s = s
	w.next = w.next[:0]
	blocked := w.m.Successors(&w.s, func(su model.Succ) { w.next = append(w.next, su) })
	w.stuck = len(w.next) == 0 && blocked == 0
}

// take draws one of the successors of kind; with none of that kind, rapid
// tries another action.
func (w *walk) take(t *rapid.T, name string, kind model.Kind) {
	var of []int
	for i, su := range w.next {
		if su.Label.Kind == kind {
			of = append(of, i)
		}
	}
	if len(of) == 0 {
		t.SkipNow()
	}
	w.step(t, w.next[of[rapid.IntRange(0, len(of)-1).Draw(t, name)]])
}

// step takes su, checking every step property of the list on it.
func (w *walk) step(t *rapid.T, su model.Succ) {
	for _, p := range w.list {
		if p.Step == nil || w.quiet(p.ID) {
			continue
		}
		if msg := p.Step(w.m, &w.s, &su); msg != "" {
			w.note(su)
			w.fail(t, p.ID, msg)
		}
	}
	w.note(su)
	w.moveTo(su.Next)
}

// any takes a step of any kind, drawn among all the successors; once
// nothing can happen (both endpoints closed or listening with no
// incarnation left to open, or a state that can move only into a full
// channel) it does nothing. It is always possible: rapid gives up on a
// state machine after 100 draws of an action that skips, which a state
// with one kind of step enabled (only deliveries, say) would otherwise
// hit now and then, (6/7)^100 a time.
func (w *walk) any(t *rapid.T) {
	if len(w.next) == 0 {
		return
	}
	w.step(t, w.next[rapid.IntRange(0, len(w.next)-1).Draw(t, "any")])
}

// checkState checks every state property on the state the walk is in.
func (w *walk) checkState(t *rapid.T) {
	for _, p := range w.list {
		if p.State == nil || w.quiet(p.ID) {
			continue
		}
		if msg := p.State(w.m, &w.s, w.stuck); msg != "" {
			w.fail(t, p.ID, msg)
		}
	}
}

func (w *walk) note(su model.Succ) {
	w.steps++
	w.trace = append(w.trace, fmt.Sprintf("%3d. %s\n     %s", w.steps, su.Label, su.Next))
}

func (w *walk) fail(t *rapid.T, id, msg string) {
	t.Fatalf("%s %s after %d steps: %s\ntrace:\n%s", id, w.what, w.steps, msg, strings.Join(w.trace, "\n"))
}

// fairEnd makes the network fair (see drain) and checks every liveness
// obligation of the list on how it ends: owed for ever in a state where
// time passes and nothing else happens, or all the way round a cycle along
// which time passes, is a violation, as in the checker (check/liveness.go).
// A fair end that stops because every move would overflow a channel is a
// limit of the bounds, as for P7, and owes nothing.
func (w *walk) fairEnd(t *rapid.T) {
	var owes []check.Property
	for _, p := range w.list {
		if p.Owes != nil && !w.quiet(p.ID) {
			owes = append(owes, p)
		}
	}
	if len(owes) == 0 {
		return
	}
	w.trace = append(w.trace, "     from here on the network is fair:")
	d := drain(w.m, w.s)
	before := w.steps
	for _, su := range d.steps {
		w.note(su)
	}
	if !d.settled && d.loop < 0 {
		t.Fatalf("the fair end %s did not settle in %d steps: raise drainLimit", w.what, drainLimit)
	}
	cycle := []model.State{d.end} // the states owed in for ever
	if d.loop >= 0 {
		cycle = cycle[:0]
		for _, su := range d.steps[d.loop:] {
			cycle = append(cycle, su.Next)
		}
	} else if !w.m.Stutters(&d.end) {
		return // stopped by the bounds: nothing fair can happen
	}
	for _, p := range owes {
		for o := 0; o < p.Obligations; o++ {
			tag := p.Owes(w.m, &cycle[0], o)
			for i := 1; i < len(cycle) && tag != 0; i++ {
				if p.Owes(w.m, &cycle[i], o) != tag {
					tag = 0
				}
			}
			if tag != 0 {
				what := "after a fair end, "
				if d.loop >= 0 {
					what = fmt.Sprintf("round the fair cycle from step %d, ", before+d.loop+1)
				}
				w.fail(t, p.ID, what+p.Unmet(&d.end, o))
			}
		}
	}
}

// drainLimit bounds a fair end: every timer runs at most a few hundred
// ticks, so a fair run settles or comes back to a state it was in long
// before this many steps.
const drainLimit = 20000

// drained is a fair end of a walk.
type drained struct {
	steps   []model.Succ
	end     model.State
	settled bool // nothing fair can happen in end
	loop    int  // end was reached before, after steps[loop]: the fair run goes round from there for ever; -1 if not
}

// drain runs s on a fair network (deliveries first, then timers, then
// time; no losses, no duplicates, no application calls) until nothing of
// these can happen, or until it comes back to a state it was in (the run
// is deterministic, so it goes round from there for ever). A cycle along
// which time does not pass is not fair, but none occurs: deliveries
// without time passing empty the network.
func drain(m *model.Model, s model.State) drained {
	rank := map[model.Kind]int{model.Deliver: 3, model.Fire: 2, model.Tick: 1}
	d := drained{end: s, loop: -1}
	seen := map[model.State]int{s: -1} // a state, and the step that led to it
	for len(d.steps) < drainLimit {
		var best model.Succ
		m.Successors(&d.end, func(su model.Succ) {
			if rank[su.Label.Kind] > rank[best.Label.Kind] {
				best = su
			}
		})
		if best.Label.Kind == 0 {
			d.settled = true
			return d
		}
		d.steps = append(d.steps, best)
		d.end = best.Next
		if i, ok := seen[d.end]; ok {
			d.loop = i + 1
			return d
		}
		seen[d.end] = len(d.steps) - 1
	}
	return d
}

// tcpWalks walks the generated TCP table under every profile of the TCP
// spec, with the spec's findings not reported.
func tcpWalks(t require.TestingT, incarnations int) walkSpec {
	sp, err := spec.TCP()
	require.NoError(t, err)
	return walkSpec{profiles: sp.Profiles, list: props.ModelChecked, incarnations: incarnations}
}

// TestRandomWalks drives the two endpoints through the generated table on
// the checker's own model, far beyond the checker's bounds: up to 8
// segments in flight, up to walkIncarnations incarnations, MSL of 1 to 4
// ticks, every profile, a few hundred steps per walk (see walkSteps). It
// is a (*rapid.T).Repeat state machine whose actions are the kinds of
// step (app, fire, deliver, duplicate, lose, tick), each drawing among the
// enabled steps of its kind; after every step it checks P1 to P8 with the
// same props values the checker uses, and at the end it makes the network
// fair and checks that every FIN sent was ACKed or its sender gone (P2's
// liveness half, on this walk). A profile's declared findings
// (spec.Profile.Finding) do not fail a walk under it.
//
// The loss bound stays at one per incarnation, the assumption TIME_WAIT's
// guarantees rest on. RAPID_CHECKS=10000 runs 10000 walks.
func TestRandomWalks(t *testing.T) {
	ws := tcpWalks(t, walkIncarnations)
	rapid.Check(t, ws.run)
}
