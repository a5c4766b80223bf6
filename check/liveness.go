package check

import (
	"math/bits"
	"slices"
	"sync"
	"time"
)

// Liveness is checked on the state graph the exploration found. For each
// obligation of a liveness property, the graph is cut down to the states
// that owe it and the steps that keep owing the same tag, which the
// exploration records as it goes (graph); the strongly connected
// components of that subgraph (Tarjan's algorithm) are the ways to owe it
// for ever. One is a violation when it is fair: time passes somewhere
// along it, as a tick between two of its states or as a state where time
// may pass and change nothing (System.Stutters).
//
// Why time passing is the whole of fairness here: a cycle can lose no
// segment (the loss budget only shrinks within an incarnation, and the
// incarnation number only grows), a segment must be delivered before it
// outlives the MSL, and a due timer fires before time moves on; so once
// time passes infinitely often, every segment sent is delivered and every
// timer that runs out fires. A cycle without a tick is the network
// delivering duplicates while time stands still, which no real network
// does. Applications need no fairness: they may never call anything.
//
// A system without time (the SCTP association) has no tick to ask for;
// it says instead what must not wait for ever (check.Just: a timer whose
// expiry is a step), and a component is fair when each such requirement
// is met by a step within it or not pending in one of its states
// (justFair, justice.go).

// slot is one obligation of one liveness property: a bit in the flags of
// the graph's edges.
type slot struct{ prop, o int }

const (
	maxSlots = 7      // obligations a run may follow; bit 7 of an edge's flags is tickFlag
	tickFlag = 1 << 7 // the edge is time passing
	candBit  = 1 << 31
)

// candOf marks the i-th candidate of a worker's batch, whose index is known
// only once it is merged.
func candOf(i int) uint32 { return candBit | uint32(i) }

func obligationSlots[M, S, Su any](props []PropertyOf[M, S, Su]) []slot {
	var out []slot
	for pi, p := range props {
		if p.Owes == nil {
			continue
		}
		for o := 0; o < p.Obligations; o++ {
			out = append(out, slot{pi, o})
		}
	}
	return out
}

// owes fills tags with what s owes in each slot and returns the slots it
// owes something in.
func (w *worker[M, S, L, Su]) owes(s *S, tags *[maxSlots]uint8) uint8 {
	var owed uint8
	for q, sl := range w.slots {
		t := w.props[sl.prop].Owes(w.m, s, sl.o)
		tags[q] = t
		if t != 0 {
			owed |= 1 << q
		}
	}
	return owed
}

// graph is the liveness subgraph found while exploring: for each state
// that owes an obligation, its steps that keep owing one, each with the
// slots it keeps owing and whether it is time passing, and the slots it
// owes if time may pass in it unchanged. Only the states that owe
// something are numbered here (owing ranks them), so the states that owe
// nothing, most of them, cost a bit and a half each and no more, in the
// graph and in the searches of its components.
type graph struct {
	owing   rankBits       // bit v: state v (as the visited set numbers it) owes something
	start   chunks[uint32] // by rank among the owing: the first edge; one more at the end
	to      chunks[uint32] // an edge's target, as the visited set numbers it
	flags   chunks[uint8]
	stutter chunks[uint8] // by rank among the owing
	// For a Just system: by rank among the owing, the requirements each
	// state leaves pending; per edge, those it meets.
	just    bool
	pending chunks[uint16]
	meets   chunks[uint16]
}

// addJust appends what a worker recorded for a Just system, in the order
// of add: per state that owes its pending requirements, per edge those it
// meets.
func (g *graph) addJust(pending, meets []uint16) {
	if g == nil || !g.just {
		return
	}
	for _, p := range pending {
		g.pending.append(p)
	}
	for _, m := range meets {
		g.meets.append(m)
	}
}

// pendingOf is the requirements state v, which owes something, leaves
// pending.
func (g *graph) pendingOf(v uint32) uint16 {
	k, _ := g.owing.rank(v)
	return g.pending.at(int(k))
}

// add appends the states a worker expanded, in order: per state whether
// it owes anything (owing), per state that owes its number of edges
// (nedges) and its stutter slots, per edge its end (a candidate resolved
// through resolved) and its flags.
func (g *graph) add(owing []bool, nedges, edges []uint32, flags, stutter []uint8, resolved []uint32) {
	if g == nil {
		return
	}
	k, j := 0, 0
	for _, owes := range owing {
		g.owing.append(owes)
		if !owes {
			continue
		}
		g.start.append(uint32(g.to.len()))
		for e := 0; e < int(nedges[j]); e++ {
			t := edges[k]
			if t&candBit != 0 {
				t = resolved[t&^candBit]
			}
			g.to.append(t)
			g.flags.append(flags[k])
			k++
		}
		g.stutter.append(stutter[j])
		j++
	}
}

func (g *graph) bytes() uint64 {
	if g == nil {
		return 0
	}
	return g.owing.bytes() + g.start.bytes() + g.to.bytes() + g.flags.bytes() + g.stutter.bytes() + g.pending.bytes() + g.meets.bytes()
}

// out is the range of v's edges in to and flags; empty if v owes nothing.
func (g *graph) out(v uint32) (int, int) {
	k, ok := g.owing.rank(v)
	if !ok {
		return 0, 0
	}
	return int(g.start.at(int(k))), int(g.start.at(int(k) + 1))
}

// stutters is the slots v owes if time may pass in it unchanged.
func (g *graph) stutters(v uint32) uint8 {
	k, ok := g.owing.rank(v)
	if !ok {
		return 0
	}
	return g.stutter.at(int(k))
}

// rankBits is a growable array of bits that tells, of a set bit, how
// many set bits come before it (its rank), in constant time: a word of
// bits and the count of set bits before it, per 64 bits. It is small (a
// bit and a half a state), so plain slices hold it.
type rankBits struct {
	words  []uint64
	before []uint32
	n      uint32
	ones   uint32
}

func (r *rankBits) append(b bool) {
	if r.n%64 == 0 {
		r.words = append(r.words, 0)
		r.before = append(r.before, r.ones)
	}
	if b {
		r.words[r.n/64] |= 1 << (r.n % 64)
		r.ones++
	}
	r.n++
}

// rank returns how many set bits come before bit v, and whether v is set.
func (r *rankBits) rank(v uint32) (uint32, bool) {
	w := r.words[v/64]
	bit := uint64(1) << (v % 64)
	return r.before[v/64] + uint32(bits.OnesCount64(w&(bit-1))), w&bit != 0
}

func (r *rankBits) bytes() uint64 { return uint64(cap(r.words))*8 + uint64(cap(r.before))*4 }

func checkLiveness[M System[S, L, Su], S, L, Su any](m M, st *store, g *graph, init S, props []PropertyOf[M, S, Su], slots []slot, res *ResultOf[S, L], opt Options, start time.Time) error {
	if g == nil {
		return nil
	}
	g.start.append(uint32(g.to.len()))
	var todo []int // the slots of properties not already violated
	for q, sl := range slots {
		if res.Violations[props[sl.prop].ID] == nil {
			todo = append(todo, q)
		}
	}
	// The obligations are searched side by side, each with its own
	// numbering of the states that owe: 4 bytes a state apiece.
	owing := g.owing.ones
	if opt.MaxBytes > 0 && st.bytes()+g.bytes()+uint64(owing)*4*uint64(len(todo)) > opt.MaxBytes {
		return TooMuchMemory{opt.MaxBytes, int(st.n)}
	}
	progress := func(visited int) Progress {
		return Progress{Phase: "liveness", States: int(st.n), Transitions: res.Transitions, Done: visited, Depth: res.Depth, Bytes: st.bytes() + g.bytes(), Elapsed: time.Since(start)}
	}
	if opt.Progress != nil {
		opt.Progress(progress(0))
	}
	lassos := make([]*CounterexampleOf[S, L], len(slots))
	halted := make([]bool, len(todo))
	var wg sync.WaitGroup
	for i, q := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &sccSearch[M, S, L, Su]{m: m, st: st, g: g, p: props[slots[q].prop], o: slots[q].o, bit: 1 << q, stop: opt.Stop, progress: progress, lastReport: time.Now(),
				rindex: make([]uint32, owing), done: ^uint32(0)}
			if i == 0 {
				s.report = opt.Progress // one report is enough
			}
			lassos[q] = s.run(init)
			halted[i] = s.halted
		}()
	}
	wg.Wait()
	if slices.Contains(halted, true) {
		return Stopped{progress(0)}
	}
	for q, c := range lassos {
		if id := props[slots[q].prop].ID; c != nil && res.Violations[id] == nil {
			res.Violations[id] = c
		}
	}
	return nil
}

// sccSearch is Tarjan's algorithm, without recursion, on the states that
// owe obligation o of property p: the edges of g with bit set; in the
// form of Pearce ("A space-efficient algorithm for finding strongly
// connected components", IPL 116, 2016), which keeps one number a state
// (rindex) where Tarjan keeps two and a bit: a state's index while it is
// visited, lowered to the least index it reaches, and once its component
// is complete a component number, counted down from the top of the
// range, above every index, so that no edge into a complete component
// lowers anything.
type sccSearch[M System[S, L, Su], S, L, Su any] struct {
	m        M
	st       *store
	g        *graph
	p        PropertyOf[M, S, Su]
	o        int
	bit      uint8
	report   func(Progress)
	progress func(visited int) Progress
	stop     <-chan struct{}
	halted   bool // stopped by stop before the end

	rindex     []uint32 // by rank among the states that owe (id); 0: not visited yet
	stack      []uint32 // the states visited, not the root of their component, whose component is not complete
	comp       []uint32 // the component being popped, reused
	frames     []frame
	next       uint32 // the last index given
	done       uint32 // the next component number, counted down
	lastReport time.Time
}

type frame struct {
	v, i    uint32 // the state, and its id
	pos, hi int    // the next edge of v to follow, and the end of its edges
	root    bool   // nothing v reaches has lowered its rindex: v is the root of its component
}

// id is the number of v among the states that owe something, which are
// all the search ever meets.
func (s *sccSearch[M, S, L, Su]) id(v uint32) uint32 {
	k, _ := s.g.owing.rank(v)
	return k
}

// push visits state v, of id i.
func (s *sccSearch[M, S, L, Su]) push(v, i uint32) {
	s.next++
	s.rindex[i] = s.next
	lo, hi := s.g.out(v)
	s.frames = append(s.frames, frame{v: v, i: i, pos: lo, hi: hi, root: true})
	if s.next&(1<<16-1) == 0 {
		s.poll(int(s.next))
	}
}

// poll, every so many states, reports progress about once a second and
// notes a stop.
func (s *sccSearch[M, S, L, Su]) poll(visited int) {
	if s.halted = stopped(s.stop); s.halted {
		return
	}
	if s.report != nil && time.Since(s.lastReport) >= time.Second {
		s.lastReport = time.Now()
		s.report(s.progress(visited))
	}
}

// lower lowers the rindex of frame f's state to r, if r is lower.
func (s *sccSearch[M, S, L, Su]) lower(f *frame, r uint32) {
	if r < s.rindex[f.i] {
		s.rindex[f.i], f.root = r, false
	}
}

// owing reports whether state v takes part: it keeps owing along an edge,
// or may wait for ever owing.
func (s *sccSearch[M, S, L, Su]) owing(v uint32) bool {
	if s.g.stutters(v)&s.bit != 0 {
		return true
	}
	lo, hi := s.g.out(v)
	for e := lo; e < hi; e++ {
		if s.g.flags.at(e)&s.bit != 0 {
			return true
		}
	}
	return false
}

// run returns a lasso for the first fair component found, or nil. A stop
// ends it early, with nil and halted set.
func (s *sccSearch[M, S, L, Su]) run(init S) *CounterexampleOf[S, L] {
	for r := uint32(0); r < s.st.n && !s.halted; r++ {
		if r&(1<<16-1) == 0 {
			s.poll(int(s.next))
		}
		ri, owes := s.g.owing.rank(r)
		if !owes || s.rindex[ri] != 0 || !s.owing(r) {
			continue
		}
		s.push(r, ri)
		for len(s.frames) > 0 && !s.halted {
			f := &s.frames[len(s.frames)-1]
			if f.pos < f.hi {
				e := f.pos
				f.pos++
				if s.g.flags.at(e)&s.bit == 0 {
					continue
				}
				w := s.g.to.at(e)
				wi := s.id(w)
				if r := s.rindex[wi]; r == 0 {
					s.push(w, wi)
				} else {
					s.lower(f, r)
				}
				continue
			}
			v, vi, root := f.v, f.i, f.root
			s.frames = s.frames[:len(s.frames)-1]
			if !root {
				s.stack = append(s.stack, v)
				s.lower(&s.frames[len(s.frames)-1], s.rindex[vi]) // a state that is no root has a parent
				continue
			}
			// v is the root of a component: v and the states above it on
			// the stack, those v's visit reached that reach back no lower.
			comp := append(s.comp[:0], v)
			for len(s.stack) > 0 {
				w := s.stack[len(s.stack)-1]
				wi := s.id(w)
				if s.rindex[wi] < s.rindex[vi] {
					break
				}
				s.stack = s.stack[:len(s.stack)-1]
				s.rindex[wi] = s.done
				comp = append(comp, w)
			}
			s.rindex[vi] = s.done
			s.done--
			s.comp = comp
			if c := s.fair(comp, init); c != nil {
				return c
			}
		}
	}
	return nil
}

// fair returns a lasso through component comp if time can pass along it.
func (s *sccSearch[M, S, L, Su]) fair(comp []uint32, init S) *CounterexampleOf[S, L] {
	slices.Sort(comp)
	in := func(w uint32) bool { _, ok := slices.BinarySearch(comp, w); return ok }
	m, st, g := s.m, s.st, s.g
	for _, u := range comp {
		if g.stutters(u)&s.bit != 0 {
			c := &CounterexampleOf[S, L]{Property: s.p.ID, Initial: init, Stutter: true}
			c.Steps = steps[M, S, L](m, st, st.path(u))
			c.Loop = len(c.Steps)
			x := c.after(c.Loop)
			c.Problem = s.p.Unmet(&x, s.o)
			c.Steps = append(c.Steps, StepOf[S, L]{Label: m.TickLabel(), State: x})
			return c
		}
	}
	if g.just {
		return s.justFair(comp, in, init)
	}
	if len(comp) == 1 {
		return nil
	}
	for _, u := range comp {
		lo, hi := g.out(u)
		for e := lo; e < hi; e++ {
			if f := g.flags.at(e); f&s.bit == 0 || f&tickFlag == 0 || !in(g.to.at(e)) {
				continue
			}
			// The way to u, the tick to g.to.at(e), and back to u.
			p := st.path(u)
			c := &CounterexampleOf[S, L]{Property: s.p.ID, Initial: init, Loop: len(p) - 1}
			c.Steps = steps[M, S, L](m, st, append(p, s.pathWithin(g.to.at(e), u, in)...))
			c.Steps[c.Loop].Label = m.TickLabel()
			x := c.after(c.Loop)
			c.Problem = s.p.Unmet(&x, s.o)
			return c
		}
	}
	return nil
}

// after is the state after the first k steps of c.
func (c *CounterexampleOf[S, L]) after(k int) S {
	if k == 0 {
		return c.Initial
	}
	return c.Steps[k-1].State
}

// pathWithin is a shortest path from a to b through states for which in
// holds, breadth first along the edges that keep owing.
func (s *sccSearch[M, S, L, Su]) pathWithin(a, b uint32, in func(uint32) bool) []uint32 {
	prev := map[uint32]uint32{a: a}
	queue := []uint32{a}
	for len(queue) > 0 && b != a {
		v := queue[0]
		queue = queue[1:]
		lo, hi := s.g.out(v)
		for e := lo; e < hi; e++ {
			w := s.g.to.at(e)
			if _, seen := prev[w]; !seen && s.g.flags.at(e)&s.bit != 0 && in(w) {
				prev[w] = v
				queue = append(queue, w)
			}
		}
		if _, ok := prev[b]; ok {
			break
		}
	}
	p := []uint32{b}
	for v := b; v != a; {
		v = prev[v]
		p = append(p, v)
	}
	slices.Reverse(p)
	return p
}
