package props_test

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/bind"
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
// mean (half of it under -short). A walk ends earlier in fact once its
// incarnations are spent and nothing can happen any more (see walk.any):
// most of the model's runs are over within a hundred steps.
const walkSteps = 300

// walkChecks is how many walks TestRandomWalks takes: rapid's
// -rapid.checks, which TestMain raises from rapid's default of 100 for
// this package unless -rapid.checks or RAPID_CHECKS sets it (a fifth of
// it under -short). The mutant tests set their own (see mutantBudget).
const walkChecks = 1000

// shrinkTimeGiven is whether -rapid.shrinktime or RAPID_SHRINKTIME sets
// rapid's shrink time: if not, the mutant tests set theirs
// (mutantShrinkTime).
var shrinkTimeGiven bool

// TestMain sets rapid's flags for this package where the command line and
// the environment leave them: walkSteps and walkChecks.
func TestMain(m *testing.M) {
	flag.Parse()
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	_, env := os.LookupEnv("RAPID_SHRINKTIME")
	shrinkTimeGiven = env || set["rapid.shrinktime"]
	for name, v := range map[string]int{"rapid.steps": walkSteps, "rapid.checks": walkChecks} {
		env := "RAPID_" + strings.ToUpper(strings.TrimPrefix(name, "rapid."))
		if _, ok := os.LookupEnv(env); ok || set[name] {
			continue
		}
		if err := flag.Set(name, strconv.Itoa(v)); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// maxMSLTicks is the finest time a walk draws: durations are counted in
// ticks of up to a byte, and four ticks per MSL keep every profile's
// within it.
const maxMSLTicks = 4

// actionKinds are the actions of the walk state machine, one per kind of
// model step, each drawing among the enabled steps of its kind.
// Reordering is not an action of its own: any segment in flight may be
// the one delivered. (*rapid.T).Repeat draws an action key uniformly, so a
// kind with more keys is drawn more often: keys weights a walk towards a
// connection's life (segments delivered, timers firing, time passing)
// rather than a string of aborts, losses and duplicates.
var actionKinds = []struct {
	name string
	kind model.Kind
	keys int
}{
	{"app", model.App, 1},
	{"fire", model.Fire, 4},
	{"deliver", model.Deliver, 6},
	{"duplicate", model.DeliverCopy, 2}, // delivered, and a copy stays in flight
	{"lose", model.Lose, 1},
	{"tick", model.Tick, 4},
}

// forgeKeys is the weight, within "any", of each step of the attacker.
const forgeKeys = 2

// anyKeys is the weight of the action "any" (see walk.any): rapid gives up
// on a state machine after 100 draws in a row of actions that skip, and a
// state where only the applications can act (every incarnation's
// boundary) leaves 1 + anyKeys of 18 + anyKeys keys possible: with 4, one
// such state in 1.5e11 makes rapid give up.
const anyKeys = 4

// features are what one walk draws besides its bounds (swarm testing:
// Groce et al., ISSTA 2012): each walk leaves some behaviour out, so that
// what remains goes further. The zero value leaves nothing out.
type features struct {
	noDup   bool // the network duplicates nothing (model.Bounds.Duplication)
	noAbort bool // the applications never abort
	noAbove bool // the client never chooses sequence numbers above the old ones
	// eager: an application that can open does so at once (a server
	// listens again as soon as it is CLOSED, a client reconnects as soon
	// as it is CLOSED), as many do. The rare interleavings of the mutants
	// (a FIN retransmitted in the tick between the end of a short
	// TIME_WAIT and its own death, with the next handshake before it)
	// need an application that does not dawdle.
	eager bool
}

// named lists the features with the names walks print and trace files
// read, in the order walks draw them.
func (f *features) named() []struct {
	name string
	on   *bool
} {
	return []struct {
		name string
		on   *bool
	}{{"no duplication", &f.noDup}, {"no aborts", &f.noAbort}, {"no sequence numbers above", &f.noAbove}, {"applications reopen at once", &f.eager}}
}

func (f features) String() string {
	var out []string
	for _, x := range f.named() {
		if *x.on {
			out = append(out, x.name)
		}
	}
	return strings.Join(out, ", ")
}

// walkSpec says what to walk.
type walkSpec struct {
	spec     *spec.Spec       // the spec the walks bind to the model
	table    bind.Table       // the table the model runs
	profiles []*spec.Profile  // to draw from, with the findings each declares
	list     []check.Property // the invariant list
	// only, if set, is the one property a walk reports: a mutant's
	// primary property. The others are still checked, but a violation of
	// one neither fails the walk nor ends it.
	only string
	// findings fails a walk on a violation from a weakness the profile
	// declares too (a trace that keeps a finding: TestTraces).
	findings bool
	// maxIncarnations, if set, bounds the incarnations a walk draws.
	maxIncarnations int
	// attacks is the off-path attacker's budget (model.Bounds.Attacks):
	// a mutant's, so that a walk can meet what the mutant breaks.
	attacks int
}

// walk is one run of the state machine of the property tests: two
// endpoints of model m, from its initial state, each step drawn by rapid
// among the successors model.Successors offers, with the properties of
// the list checked after every step exactly as the model checker checks
// them.
type walk struct {
	m        *model.Model
	profile  *spec.Profile
	bounds   model.Bounds
	features features
	ws       walkSpec
	s        model.State
	next     []model.Succ // the successors of s the walk may take (see features)
	stuck    bool         // s has no successor at all, and not merely for want of room in a channel
	taken    []model.Succ // the steps taken, formatted only for a failure
	fairFrom int          // the first step of the fair end, once it has begun
}

// run draws a model (profile, capacity 1..8, features, incarnations,
// losses 0..1, MSL of 1..4 ticks), runs the state machine on it with
// (*rapid.T).Repeat, then makes the network fair and checks what every
// liveness property of the list owes (P2: every FIN sent was ACKed or
// its sender gave up). A violation fails t with a message that starts
// with the property's ID.
func (ws walkSpec) run(t *rapid.T) {
	w := ws.draw(t)
	t.Repeat(w.actions())
	w.fairEnd(t)
}

func (ws walkSpec) draw(t *rapid.T) *walk {
	sp := ws.profiles[rapid.IntRange(0, len(ws.profiles)-1).Draw(t, "profile")]
	b := model.DefaultBounds()
	b.Capacity = rapid.IntRange(1, model.MaxCapacity).Draw(t, "capacity")
	// Each feature is drawn for three walks in four: the walks that go
	// furthest leave out most.
	var f features
	for _, x := range f.named() {
		*x.on = rapid.IntRange(0, 3).Draw(t, x.name) > 0
	}
	b.Duplication = !f.noDup
	b.Attacks = ws.attacks
	incs := model.MaxIncarnations
	if ws.maxIncarnations > 0 {
		incs = min(incs, ws.maxIncarnations)
	}
	b.Incarnations = rapid.IntRange(1, incs).Draw(t, "incarnations")
	// At most one loss per incarnation: the assumption TIME_WAIT's
	// guarantees rest on; with two, a FIN retransmitted after the second
	// loss outlives TIME_WAIT (fsmgen check -losses 2, under bsd too).
	b.Losses = rapid.IntRange(0, 1).Draw(t, "losses")
	// Only scalings the model accepts: it refuses one that would change
	// how TIME_WAIT compares with 2 MSL (a mutant's profile may have such).
	var ticks []int
	for k := 1; k <= maxMSLTicks; k++ {
		b.MSLTicks = k
		if _, err := bind.Model(ws.spec, sp, b, ws.table); err == nil {
			ticks = append(ticks, k)
		}
	}
	if len(ticks) == 0 {
		t.Fatalf("no scaling of profile %s from 1 to %d ticks per MSL", sp.Name, maxMSLTicks)
	}
	b.MSLTicks = rapid.SampledFrom(ticks).Draw(t, "msl ticks")
	m, err := bind.Model(ws.spec, sp, b, ws.table)
	if err != nil {
		t.Fatalf("%v", err)
	}
	w := &walk{m: m, profile: sp, bounds: b, features: f, ws: ws}
	w.moveTo(m.Initial())
	w.reopen(t)
	return w
}

// what names the profile, bounds and features of the walk, for messages.
func (w *walk) what() string {
	b := w.bounds
	s := fmt.Sprintf("under %s (capacity %d, %d incarnations, %d losses, MSL %d ticks", w.profile.Name, b.Capacity, b.Incarnations, b.Losses, b.MSLTicks)
	if f := w.features.String(); f != "" {
		s += "; " + f
	}
	return s + ")"
}

// actions is the action map of the state machine: each kind of step under
// its keys, "any" under anyKeys keys, and "" the state properties.
func (w *walk) actions() map[string]func(*rapid.T) {
	acts := map[string]func(*rapid.T){"": w.checkState}
	key := func(name string, i int) string {
		if i == 0 {
			return name
		}
		return fmt.Sprintf("%s#%d", name, i+1)
	}
	for i := range anyKeys {
		acts[key("any", i)] = w.any
	}
	for _, a := range actionKinds {
		for i := range a.keys {
			acts[key(a.name, i)] = func(t *rapid.T) { w.take(t, a.name, a.kind) }
		}
	}
	return acts
}

// moveTo makes s the walk's state and finds its successors.
func (w *walk) moveTo(s model.State) {
	w.s = s
	w.next = w.next[:0]
	all := 0
	blocked := w.m.Successors(&w.s, func(su model.Succ) {
		all++
		l := su.Label
		if w.features.noAbort && l.Event == tcp.AppAbort || w.features.noAbove && l.Above {
			return
		}
		w.next = append(w.next, su)
	})
	w.stuck = all == 0 && blocked == 0
}

// reopen takes, when the applications are eager, the open one of them can
// make, the server's first (ready for the client's SYN), checking the
// state properties before it as after any step.
func (w *walk) reopen(t *rapid.T) {
	if !w.features.eager {
		return
	}
	for _, end := range []int{model.B, model.A} {
		var opens []model.Succ
		for _, su := range w.next {
			if l := su.Label; l.Kind == model.App && l.End == end && (l.Event == tcp.AppOpenActive || l.Event == tcp.AppOpenPassive) {
				opens = append(opens, su)
			}
		}
		if len(opens) > 0 {
			w.checkState(t)
			w.step(t, opens[rapid.IntRange(0, len(opens)-1).Draw(t, "open")])
			return
		}
	}
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
		if len(w.next) == 0 {
			return // nothing can happen any more: see any
		}
		t.SkipNow()
	}
	w.step(t, w.next[of[rapid.IntRange(0, len(of)-1).Draw(t, name)]])
}

// any takes a step of any kind, each weighted by the keys of its kind.
// Once nothing can happen (both endpoints closed or listening with no
// incarnation left to open, or a state that can move only into a full
// channel) it does nothing, as every action then does: the walk is over.
func (w *walk) any(t *rapid.T) {
	if len(w.next) == 0 {
		return
	}
	total := 0
	for _, su := range w.next {
		total += keysOf(su.Label.Kind)
	}
	x := rapid.IntRange(0, total-1).Draw(t, "any")
	for _, su := range w.next {
		if x -= keysOf(su.Label.Kind); x < 0 {
			w.step(t, su)
			return
		}
	}
}

func keysOf(k model.Kind) int {
	if k == model.Forge {
		// The attacker's steps (walkSpec.attacks) are taken by "any"
		// alone: an action of their own would change the draws of every
		// walk, with or without an attacker.
		return forgeKeys
	}
	for _, a := range actionKinds {
		if a.kind == k {
			return a.keys
		}
	}
	return 0
}

// step takes su, checking every step property of the list on it.
func (w *walk) step(t *rapid.T, su model.Succ) {
	w.note(su)
	if id, msg := w.checkStep(su); id != "" {
		w.fail(t, id, msg)
	}
	w.moveTo(su.Next)
	w.reopen(t)
}

// checkStep checks the step properties on su from the walk's state, and
// returns the first violation reported.
func (w *walk) checkStep(su model.Succ) (string, string) {
	for _, p := range w.ws.list {
		if p.Step == nil || !w.reports(p.ID) {
			continue
		}
		if msg := p.Step(w.m, &w.s, &su); msg != "" && !w.excused(p, p.ExcusedStep != nil && p.ExcusedStep(w.m, &w.s, &su)) {
			return p.ID, msg
		}
	}
	return "", ""
}

// checkState checks every state property on the state the walk is in.
func (w *walk) checkState(t *rapid.T) {
	if id, msg := w.stateViolation(); id != "" {
		w.fail(t, id, msg)
	}
}

// stateViolation checks the state properties on the walk's state, and
// returns the first violation reported.
func (w *walk) stateViolation() (string, string) {
	for _, p := range w.ws.list {
		if p.State == nil || !w.reports(p.ID) {
			continue
		}
		if msg := p.State(w.m, &w.s, w.stuck); msg != "" && !w.excused(p, p.ExcusedState != nil && p.ExcusedState(w.m, &w.s, w.stuck)) {
			return p.ID, msg
		}
	}
	return "", ""
}

// reports says whether a violation of property id fails this walk.
func (w *walk) reports(id string) bool {
	return w.ws.only == "" || id == w.ws.only
}

// excused says whether a violation of p comes from the known weakness
// the walk's profile declares a finding of, as the checker decides it
// (check.Property.ExcusedStep): such a violation does not fail a walk.
func (w *walk) excused(p check.Property, weakness bool) bool {
	return weakness && w.profile.Finding(p.ID) != nil && !w.ws.findings
}

func (w *walk) note(su model.Succ) { w.taken = append(w.taken, su) }

// fail fails the walk: the trace first, then the violation. rapid formats
// what it logs only when it shows a walk (the last one, shrunk), so a
// trace costs nothing in the thousands of walks it replays to shrink.
func (w *walk) fail(t *rapid.T, id, msg string) {
	t.Logf("%v", trace{w})
	t.Fatalf("%s %s after %d steps: %s", id, w.what(), len(w.taken), msg)
}

// trace is a walk's steps, formatted when printed.
type trace struct{ w *walk }

// String numbers the steps taken, each with the state after it.
func (tr trace) String() string {
	w := tr.w
	var b strings.Builder
	b.WriteString("trace:")
	for i, su := range w.taken {
		b.WriteByte('\n')
		if i == w.fairFrom && w.fairFrom > 0 {
			b.WriteString("     from here on the network is fair:\n")
		}
		fmt.Fprintf(&b, "%3d. %s\n     %s", i+1, su.Label, su.Next)
	}
	return b.String()
}

// fairEnd makes the network fair and checks every liveness obligation
// of the list on how it ends (see fairViolation).
func (w *walk) fairEnd(t *rapid.T) {
	id, msg, err := w.fairViolation()
	if err != nil {
		t.Fatalf("%v", err)
	}
	if id != "" {
		w.fail(t, id, msg)
	}
}

// fairViolation runs the walk on a fair network (see drain), noting the
// steps, and returns the first liveness obligation of the list that it
// never meets: owed for ever in a state where time passes and nothing else
// happens, or all the way round a cycle along which time passes, as in
// the checker (check/liveness.go). A fair end that stops because every
// move would overflow a channel is a limit of the bounds, as for P7, and
// owes nothing.
func (w *walk) fairViolation() (string, string, error) {
	var owes []check.Property
	for _, p := range w.ws.list {
		if p.Owes != nil && w.reports(p.ID) {
			owes = append(owes, p)
		}
	}
	if len(owes) == 0 {
		return "", "", nil
	}
	before := len(w.taken)
	w.fairFrom = before
	d := drain(w.m, w.s)
	for _, su := range d.steps {
		w.note(su)
	}
	if !d.settled && d.loop < 0 {
		return "", "", fmt.Errorf("the fair end %s did not settle in %d steps: raise drainLimit", w.what(), drainLimit)
	}
	cycle := []model.State{d.end} // the states owed in for ever
	if d.loop >= 0 {
		cycle = cycle[:0]
		for _, su := range d.steps[d.loop:] {
			cycle = append(cycle, su.Next)
		}
	} else if !w.m.Stutters(&d.end) {
		return "", "", nil // stopped by the bounds: nothing fair can happen
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
				return p.ID, what + p.Unmet(&d.end, o), nil
			}
		}
	}
	return "", "", nil
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
	loop    int  // end was reached before, after steps[loop-1]: the fair run goes round from there for ever; -1 if not
}

// drain runs s on a fair network (deliveries first, then timers, then
// time; no losses, no duplicates, no application calls) until nothing of
// these can happen, or until it comes back to a state it was in (the run
// is deterministic, so it goes round from there for ever).
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
// spec.
func tcpWalks(t require.TestingT) walkSpec {
	sp, err := spec.TCP()
	require.NoError(t, err)
	return walkSpec{spec: sp, table: bind.Generated, profiles: sp.Profiles, list: props.ModelChecked}
}

// TestRandomWalks drives the two endpoints through the generated table on
// the checker's own model, far beyond the checker's bounds: up to 8
// segments in flight, up to 5 incarnations, MSL of 1 to 4 ticks, every
// profile, runs of a few hundred actions (see walkSteps). It is a
// (*rapid.T).Repeat state machine whose actions are the kinds of step
// (app, fire, deliver, duplicate, lose, tick), each drawing among the
// enabled steps of its kind, plus "any"; each walk also draws features
// that leave some behaviour out. After every step it checks P1 to P8 with
// the same props values the checker uses, and at the end it makes the
// network fair and checks that every FIN sent was ACKed or its sender
// gone (P2's liveness half, on this walk). A violation that comes from a
// weakness the profile declares as a finding (spec.Profile.Finding, as
// check.Property.ExcusedStep tells it) does not fail a walk.
//
// The loss bound stays at one per incarnation, the assumption TIME_WAIT's
// guarantees rest on. RAPID_CHECKS=10000 runs 10000 walks.
func TestRandomWalks(t *testing.T) {
	rapid.Check(t, tcpWalks(t).run)
}
