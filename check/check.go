// Package check explores every reachable state of a model breadth first,
// checks the properties on every step and every state, and keeps parent
// links, so that each violation of a safety property comes with a shortest
// counterexample. Liveness properties are then checked on the state graph
// it found (see liveness.go).
//
// The exploration is deterministic: the same model gives the same counts
// and the same counterexamples on every run, however many cores share the
// work. States are numbered in the order a one-core breadth-first search
// would find them, because every batch of states is expanded in parallel
// but its new states are merged in order.
package check

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// PropertyOf is a guarantee checked on every step and every reachable
// state of a system M with states S and successors Su. Step and State may
// be nil; each returns "" when the property holds, or what went wrong.
// Owes, if set, makes the property also a liveness property.
type PropertyOf[M, S, Su any] struct {
	ID   string
	Step func(m M, from *S, su *Su) string
	// State is checked on every reachable state; stuck reports that the
	// state has no successor at all, and not merely for want of room in a
	// channel (a limit of the bounds, not of the protocol).
	State func(m M, s *S, stuck bool) string
	// Obligations and Owes state a liveness property: in state s,
	// obligation o (0 <= o < Obligations) is owed when Owes returns a
	// tag other than 0, the same tag for as long as the same thing is owed.
	// Under fairness every obligation must be met: no fair cycle of the
	// state graph (one along which time passes) may owe the same tag all
	// the way round. Unmet says, for the report, what was never met.
	Obligations int
	Owes        func(m M, s *S, o int) uint8
	Unmet       func(s *S, o int) string
	// ExcusedStep and ExcusedState, for a property with a known weakness
	// that a profile may declare as a finding (Options.Findings), tell
	// whether a violation Step or State reports comes from that weakness.
	// Under a profile that declares the finding, such a violation is
	// reported as the finding (Result.Findings) and any other one as a
	// violation; under any other profile every violation is a violation.
	ExcusedStep  func(m M, from *S, su *Su) bool
	ExcusedState func(m M, s *S, stuck bool) bool
}

// Excusable reports whether p has a known weakness a finding may declare.
func (p PropertyOf[M, S, Su]) Excusable() bool { return p.ExcusedStep != nil || p.ExcusedState != nil }

// StepOf is one step of a counterexample: what happened, and the state
// after.
type StepOf[S, L any] struct {
	Label L
	State S
}

// CounterexampleOf is a path from the initial state to a violation: for a
// safety property a shortest one; for a liveness property a lasso, whose
// steps from Loop on repeat for ever.
type CounterexampleOf[S, L any] struct {
	Property string
	Problem  string
	Initial  S
	Steps    []StepOf[S, L]
	Loop     int  // the first step of the cycle of a lasso; -1 for a safety violation
	Stutter  bool // the cycle is time passing in the last state, nothing else happening
}

// ResultOf is what an exploration found.
type ResultOf[S, L any] struct {
	States      int
	Transitions int
	Depth       int // the longest of the shortest paths to a state
	Elapsed     time.Duration
	// Findings holds, by property ID, a shortest violation that comes from
	// the weakness a declared finding names (see Property.ExcusedStep).
	Findings   map[string]*CounterexampleOf[S, L]
	Bytes      uint64                             // what the search holds: the visited set (packed states, parent links, table) and the liveness subgraph
	Violations map[string]*CounterexampleOf[S, L] // by property ID
	// Fired counts, per table cell (System.LabelCell), the transitions
	// explored that the cell decided: which rules of the table the
	// exploration exercised, and how often.
	Fired []uint64
	// Omission is, under hash compaction (Options.HashBits), the
	// probability that the search missed a state; 0 when exact.
	Omission float64
}

// Options bound and instrument a run.
type Options struct {
	MaxStates int    // stop with TooLarge past this many states
	MaxBytes  uint64 // stop with TooMuchMemory once the search would hold more; 0: no bound
	Workers   int    // goroutines expanding states; 0: one per core
	// HashBits, if not 0, asks for hash compaction: the visited set keeps
	// that many bits (16 to 64) of each state's hash instead of the state,
	// at the risk of missing states (Result.Omission).
	HashBits int
	// Plain turns the reductions of the TCP model (Run) off: the states
	// are explored exactly as the model's steps make them, with no dead
	// field forgotten (see reduce.go). The verdicts and the lengths of the counterexamples are
	// the same either way; only the counts differ.
	Plain bool
	// Findings are the IDs of the properties whose known weakness the
	// profile declares as a finding.
	Findings map[string]bool
	// Progress, if set, is called as each phase begins and about once a
	// second after, with the run so far.
	Progress func(Progress)
	// Stop, once closed, stops the run: it returns Stopped within a batch
	// of states, or a few thousand steps of the liveness search. A nil
	// Stop never stops it.
	Stop <-chan struct{}
}

// Progress is a run so far.
type Progress struct {
	Phase       string // "explore" or "liveness"
	States      int
	Transitions int // explored so far
	Done        int // states expanded (explore) or visited (liveness)
	Depth       int
	Bytes       uint64
	Elapsed     time.Duration
}

// Stopped reports a run stopped by Options.Stop before it ended, and how
// far it had come: it has no verdict on any property.
type Stopped struct{ Progress }

func (e Stopped) Error() string {
	return fmt.Sprintf("stopped during %s after %d states", e.Phase, e.States)
}

// stopped reports whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// TooLarge reports that the state space outgrew the bound of a run.
type TooLarge struct{ Max int }

func (e TooLarge) Error() string {
	return fmt.Sprintf("more than %d states: lower the bounds or raise -max-states", e.Max)
}

// TooMuchMemory reports that the visited set outgrew its bound.
type TooMuchMemory struct {
	Max    uint64
	States int
}

func (e TooMuchMemory) Error() string {
	return fmt.Sprintf("the search would hold more than %d MiB after %d states: lower the bounds or raise -max-memory", e.Max>>20, e.States)
}

// batchSize is how many states one round expands before merging.
const batchSize = 1 << 13

// Explore explores system m from its initial state, checking props. Run
// is its instance for the TCP model; another system names its types:
// Explore[*assoc.Model, assoc.State, assoc.Label, assoc.Succ].
func Explore[M System[S, L, Su], S, L, Su any](m M, props []PropertyOf[M, S, Su], opt Options) (*ResultOf[S, L], error) {
	start := time.Now()
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxStates <= 0 {
		opt.MaxStates = int(^uint32(0) >> 1)
	}
	if opt.HashBits != 0 && (opt.HashBits < 16 || opt.HashBits > 64) {
		return nil, fmt.Errorf("hash compaction keeps 16 to 64 bits of a hash, not %d", opt.HashBits)
	}
	st := newStore(m.Words(), opt.HashBits)
	init := m.Initial()
	key := make([]uint64, m.Words())
	m.Pack(&init, key)
	st.insert(key, hashWords(key), noParent)

	slots := obligationSlots(props)
	if len(slots) > maxSlots {
		return nil, fmt.Errorf("%d liveness obligations: at most %d", len(slots), maxSlots)
	}
	var g *graph
	if len(slots) > 0 {
		g = &graph{just: justOf[M, S, L, Su](m) != nil}
	}
	ws := newWorkers[M, S, L, Su](workers, m, props, st, slots, opt.Findings)
	res := &ResultOf[S, L]{Violations: map[string]*CounterexampleOf[S, L]{}, Findings: map[string]*CounterexampleOf[S, L]{}}
	first := map[int]found[Su]{} // by property index, and excused: the first violation in exploration order
	depthEnd, depth := uint32(1), 0
	lastReport := time.Now()
	progress := func(head uint32) Progress {
		return Progress{Phase: "explore", States: int(st.n), Transitions: res.Transitions, Done: int(head), Depth: depth, Bytes: st.bytes() + g.bytes(), Elapsed: time.Since(start)}
	}
	if opt.Progress != nil {
		opt.Progress(progress(0))
	}
	for head := uint32(0); head < st.n; {
		if stopped(opt.Stop) {
			return nil, Stopped{progress(head)}
		}
		end := min(head+batchSize, depthEnd)
		var wg sync.WaitGroup
		per := (end - head + uint32(workers) - 1) / uint32(workers)
		for i, w := range ws {
			a := min(head+uint32(i)*per, end)
			b := min(a+per, end)
			w.reset(first)
			if a == b {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.expand(a, b)
			}()
		}
		wg.Wait()
		for _, w := range ws {
			res.Transitions += w.transitions
			for _, f := range w.found {
				if f0, ok := first[f.key()]; !ok || f.before(f0) {
					first[f.key()] = f
				}
			}
			w.resolved = w.resolved[:0]
			for i, h := range w.hashes {
				if opt.MaxBytes > 0 && st.bytesAfterGrowth()+g.bytes() > opt.MaxBytes {
					return nil, TooMuchMemory{opt.MaxBytes, int(st.n)}
				}
				n, _ := st.insert(w.cands[i*st.words:(i+1)*st.words], h, w.parents[i])
				w.resolved = append(w.resolved, n)
				if int(st.n) > opt.MaxStates {
					return nil, TooLarge{opt.MaxStates}
				}
			}
			g.add(w.owing, w.nedges, w.edges, w.flags, w.stutter, w.resolved)
			g.addJust(w.pending, w.meets)
		}
		head = end
		if head == depthEnd && head < st.n {
			depth++
			depthEnd = st.n
		}
		if opt.Progress != nil && time.Since(lastReport) >= time.Second {
			lastReport = time.Now()
			opt.Progress(progress(head))
		}
	}
	res.States, res.Depth, res.Bytes = int(st.n), depth, st.bytes()+g.bytes()
	res.Omission = st.omission()
	st.seal()
	res.Fired = make([]uint64, m.CellCount())
	for _, w := range ws {
		for c, n := range w.fired {
			res.Fired[c] += n
		}
	}
	for _, f := range first {
		id := props[f.prop].ID
		if f.excused {
			res.Findings[id] = counterexample[M, S, L](m, st, init, id, f)
		} else {
			res.Violations[id] = counterexample[M, S, L](m, st, init, id, f)
		}
	}
	if err := checkLiveness[M, S, L, Su](m, st, g, init, props, slots, res, opt, start); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// found is a violation: of property prop, at state from, on its succ-th
// step (or, for a State property, after all its steps).
type found[Su any] struct {
	prop    int
	excused bool // from the weakness a declared finding names
	from    uint32
	succ    int
	problem string
	via     *Su // the violating step, for a Step property
}

func (f found[Su]) key() int {
	if f.excused {
		return 2*f.prop + 1
	}
	return 2 * f.prop
}

// before orders violations as a one-core search would meet them.
func (f found[Su]) before(g found[Su]) bool {
	if f.from != g.from {
		return f.from < g.from
	}
	return f.succ < g.succ
}

// worker expands a range of states: their successors, the properties on
// them, and the successors not yet in the visited set as candidates for
// the merge that follows.
type worker[M System[S, L, Su], S, L, Su any] struct {
	m     M
	props []PropertyOf[M, S, Su]
	st    *store
	key   []uint64
	// skip and skipExcused mark properties already violated earlier, in
	// either way: a property is not checked once both are, or skip is and
	// the profile declares no finding for it.
	skip, skipExcused []bool
	declared          []bool

	// The state being expanded lives here, not on the stack: handing its
	// address to the properties would move it to the heap on every call;
	// so does the label of the step being taken (l).
	s S
	l L
	// each makes the successors of a state in storage of the worker's
	// own, and visit (w.step, bound once) takes each: neither allocates
	// per state. from, owed and n are the state being expanded, what it
	// owes, and the successors seen so far.
	each  func(*S, func(*Su)) int
	visit func(*Su)
	from  uint32
	owed  uint8
	n     int

	transitions int
	fired       []uint64 // per table cell, the transitions it decided
	cands       []uint64 // packed candidates, back to back
	hashes      []uint64
	parents     []uint32
	found       []found[Su]

	// The liveness subgraph of the range expanded (see graph): the
	// obligation slots, and per state its edges that keep owing the same.
	slots    []slot
	tags     [maxSlots]uint8
	edges    []uint32 // an index, or candOf(i) for the i-th candidate
	flags    []uint8  // per edge: the slots it keeps owing, and tickFlag
	owing    []bool   // per state expanded: whether it owes anything
	nedges   []uint32 // per state expanded that owes: how many edges
	stutter  []uint8  // per state expanded that owes: the slots it owes if time may pass in it unchanged
	resolved []uint32 // per candidate: its index, once merged
	// For a Just system (just not nil): per state expanded that owes, the
	// requirements it leaves pending; per edge, those it meets.
	just    Just[S, L]
	pending []uint16
	meets   []uint16
}

// newWorkers makes n workers for the exploration of m, checking props
// under a profile that declares findings.
func newWorkers[M System[S, L, Su], S, L, Su any](n int, m M, props []PropertyOf[M, S, Su], st *store, slots []slot, findings map[string]bool) []*worker[M, S, L, Su] {
	ws := make([]*worker[M, S, L, Su], n)
	for i := range ws {
		ws[i] = &worker[M, S, L, Su]{m: m, props: props, st: st, key: make([]uint64, m.Words()), slots: slots, fired: make([]uint64, m.CellCount()), each: m.NewEach()}
		ws[i].visit = ws[i].step
		if len(slots) > 0 {
			ws[i].just = justOf[M, S, L, Su](m)
		}
		ws[i].declared = make([]bool, len(props))
		for pi, p := range props {
			ws[i].declared[pi] = findings[p.ID] && p.Excusable()
		}
	}
	return ws
}

func (w *worker[M, S, L, Su]) reset(first map[int]found[Su]) {
	w.transitions = 0
	w.cands, w.hashes, w.parents, w.found = w.cands[:0], w.hashes[:0], w.parents[:0], w.found[:0]
	w.edges, w.flags, w.nedges, w.stutter, w.owing = w.edges[:0], w.flags[:0], w.nedges[:0], w.stutter[:0], w.owing[:0]
	w.pending, w.meets = w.pending[:0], w.meets[:0]
	w.skip, w.skipExcused = w.skip[:0], w.skipExcused[:0]
	for i := range w.props {
		_, done := first[2*i]
		_, doneExcused := first[2*i+1]
		w.skip = append(w.skip, done)
		w.skipExcused = append(w.skipExcused, doneExcused || !w.declared[i])
	}
}

func (w *worker[M, S, L, Su]) expand(a, b uint32) {
	m, st := w.m, w.st
	s := &w.s
	for i := a; i < b; i++ {
		st.load(i, w.key)
		*s = m.Unpack(w.key)
		w.from, w.n = i, 0
		w.owed = w.owes(s, &w.tags)
		edges := len(w.edges)
		blocked := w.each(s, w.visit)
		n := w.n
		w.transitions += n
		if len(w.slots) > 0 {
			w.owing = append(w.owing, w.owed != 0)
			if w.owed != 0 {
				w.nedges = append(w.nedges, uint32(len(w.edges)-edges))
				var stut uint8
				if m.Stutters(s) {
					stut = w.owed
				}
				w.stutter = append(w.stutter, stut)
				if w.just != nil {
					w.pending = append(w.pending, w.just.Pending(s))
				}
			}
		}
		for pi, p := range w.props {
			if p.State == nil || w.skip[pi] && w.skipExcused[pi] {
				continue
			}
			stuck := n == 0 && blocked == 0
			if msg := p.State(m, s, stuck); msg != "" {
				excused := w.declared[pi] && p.ExcusedState != nil && p.ExcusedState(m, s, stuck)
				if excused && !w.skipExcused[pi] || !excused && !w.skip[pi] {
					w.found = append(w.found, found[Su]{prop: pi, excused: excused, from: i, succ: n, problem: msg})
					w.mark(pi, excused)
				}
			}
		}
	}
}

// step takes one successor of the state being expanded (w.s): checks the
// properties on the step, counts it, records it in the liveness subgraph
// if it keeps owing, and makes it a candidate if it is new.
func (w *worker[M, S, L, Su]) step(su *Su) {
	m, st, s := w.m, w.st, &w.s
	for pi, p := range w.props {
		if p.Step == nil || w.skip[pi] && w.skipExcused[pi] {
			continue
		}
		if msg := p.Step(m, s, su); msg != "" {
			excused := w.declared[pi] && p.ExcusedStep != nil && p.ExcusedStep(m, s, su)
			if excused && !w.skipExcused[pi] || !excused && !w.skip[pi] {
				c := *su
				w.found = append(w.found, found[Su]{prop: pi, excused: excused, from: w.from, succ: w.n, problem: msg, via: &c})
				w.mark(pi, excused)
			}
		}
	}
	w.n++
	w.l = m.SuccLabel(su)
	l := &w.l
	if c, ok := m.LabelCell(l); ok {
		w.fired[c]++
	}
	if c, ok := m.ThenCell(l); ok {
		w.fired[c]++
	}
	next := m.SuccNext(su)
	var kept uint8
	if w.owed != 0 {
		var tags [maxSlots]uint8
		kept = w.owed & w.owes(next, &tags)
		for q := range w.slots {
			if tags[q] != w.tags[q] {
				kept &^= 1 << q
			}
		}
	}
	m.Pack(next, w.key)
	h := hashWords(w.key)
	to, ok := st.find(w.key, h)
	if !ok {
		to = candOf(len(w.hashes))
		w.cands = append(w.cands, w.key...)
		w.hashes = append(w.hashes, h)
		w.parents = append(w.parents, w.from)
	}
	if kept != 0 {
		if m.IsTick(l) {
			kept |= tickFlag
		}
		w.edges = append(w.edges, to)
		w.flags = append(w.flags, kept)
		if w.just != nil {
			w.meets = append(w.meets, w.just.Meets(l))
		}
	}
}

// mark notes that property pi was found violated, excused or not.
func (w *worker[M, S, L, Su]) mark(pi int, excused bool) {
	if excused {
		w.skipExcused[pi] = true
	} else {
		w.skip[pi] = true
	}
}

// path is the states from the initial one to state i, by parent links.
func (st *store) path(i uint32) []uint32 {
	var p []uint32
	for ; i != noParent; i = st.parent.at(int(i)) {
		p = append(p, i)
	}
	for l, r := 0, len(p)-1; l < r; l, r = l+1, r-1 {
		p[l], p[r] = p[r], p[l]
	}
	return p
}

// steps labels the path through states p (numbers in st).
func steps[M System[S, L, Su], S, L, Su any](m M, st *store, p []uint32) []StepOf[S, L] {
	var out []StepOf[S, L]
	v := vectors[M, S, L](st, m, p)
	for k := 1; k < len(p); k++ {
		from, to := m.Unpack(v[k-1]), m.Unpack(v[k])
		out = append(out, StepOf[S, L]{Label: stepBetween[M, S, L](m, &from, v[k]), State: to})
	}
	return out
}

func counterexample[M System[S, L, Su], S, L, Su any](m M, st *store, init S, id string, f found[Su]) *CounterexampleOf[S, L] {
	c := &CounterexampleOf[S, L]{Property: id, Problem: f.problem, Initial: init, Loop: -1}
	c.Steps = steps[M, S, L](m, st, st.path(f.from))
	if f.via != nil {
		c.Steps = append(c.Steps, StepOf[S, L]{Label: m.SuccLabel(f.via), State: *m.SuccNext(f.via)})
	}
	return c
}

// stepBetween finds the label of the first step from one state to the
// state packed as to by running the successor relation again: cheaper than
// storing every label.
func stepBetween[M System[S, L, Su], S, L, Su any](m M, from *S, to []uint64) L {
	key := make([]uint64, m.Words())
	var l L
	found := false
	m.Each(from, func(su *Su) {
		if found {
			return
		}
		m.Pack(m.SuccNext(su), key)
		if equalWords(key, to) {
			l, found = m.SuccLabel(su), true
		}
	})
	return l
}
