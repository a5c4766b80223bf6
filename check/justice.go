package check

import "slices"

// Just is implemented by a system whose liveness fairness is justice
// (weak fairness) over up to 16 requirements rather than time passing: an
// untimed model, such as the SCTP association's, where every running
// timer must eventually fire. Pending is the set of requirements that
// hold in s and wait to be met (bit r: timer r runs); Meets is the set a
// step meets (the timer it fires). A cycle is fair when every requirement
// that is pending in all its states is met by one of its steps: then a
// requirement cannot wait for ever unmet along it. A system that is not
// Just keeps the fairness of time passing (see Liveness in liveness.go).
type Just[S, L any] interface {
	Pending(s *S) uint16
	Meets(l *L) uint16
}

// justOf is m's justice, or nil when m keeps time passing as fairness.
func justOf[M System[S, L, Su], S, L, Su any](m M) Just[S, L] {
	if j, ok := any(m).(Just[S, L]); ok {
		return j
	}
	return nil
}

// justFair returns a lasso through component comp if one of its cycles is
// just: comp has a step that keeps owing within it, and every requirement
// is either not pending in some state of comp or met by some step within
// it. A strongly connected component has a cycle through all its states
// and steps, so those witnesses can all be visited on one cycle: the
// lasso goes from the initial state to comp's first state, then through
// each witness in turn and back.
func (s *sccSearch[M, S, L, Su]) justFair(comp []uint32, in func(uint32) bool, init S) *CounterexampleOf[S, L] {
	g := s.g
	var idle uint16 // requirements not pending in some state of comp
	for _, u := range comp {
		idle |= ^g.pendingOf(u)
	}
	var met uint16 // requirements met by a step within comp
	internal := -1 // a step within comp, if any
	for _, u := range comp {
		lo, hi := g.out(u)
		for e := lo; e < hi; e++ {
			if g.flags.at(e)&s.bit == 0 || !in(g.to.at(e)) {
				continue
			}
			if internal < 0 {
				internal = e
			}
			met |= g.meets.at(e)
		}
	}
	if internal < 0 || idle|met != 0xffff {
		return nil
	}
	// The witnesses, as (state, step) pairs: a state to pass through, and
	// the step from it to take within comp (-1: none).
	type witness struct {
		at   uint32
		step int
	}
	var ws []witness
	covered := uint16(0)
	for r := range 16 {
		bit := uint16(1) << r
		if covered&bit != 0 {
			continue
		}
		if idle&bit != 0 {
			for _, u := range comp {
				if p := ^g.pendingOf(u); p&bit != 0 {
					ws = append(ws, witness{u, -1})
					covered |= p
					break
				}
			}
			continue
		}
		s.eachInternal(comp, in, func(u uint32, e int) bool {
			if m := g.meets.at(e); m&bit != 0 {
				ws = append(ws, witness{u, e})
				covered |= m
				return false
			}
			return true
		})
	}
	if !slices.ContainsFunc(ws, func(w witness) bool { return w.step >= 0 }) {
		// A cycle needs a step: take one within comp.
		src := uint32(0)
		s.eachInternal(comp, in, func(u uint32, e int) bool {
			if e == internal {
				src = u
				return false
			}
			return true
		})
		ws = append(ws, witness{src, internal})
	}
	start := comp[0]
	p := s.st.path(start)
	loop := len(p) - 1
	cur := start
	var at []int             // the indices in p of the states witness steps reach
	want := map[int]uint16{} // by index in p: the requirements the step to it meets
	for _, w := range ws {
		p = append(p, s.pathWithin(cur, w.at, in)[1:]...)
		cur = w.at
		if w.step >= 0 {
			cur = g.to.at(w.step)
			p = append(p, cur)
			at = append(at, len(p)-1)
			want[len(p)-1] = g.meets.at(w.step)
		}
	}
	p = append(p, s.pathWithin(cur, start, in)[1:]...)
	c := &CounterexampleOf[S, L]{Property: s.p.ID, Initial: init, Loop: loop}
	c.Steps = steps[M, S, L](s.m, s.st, p)
	// steps names each step by the first one between its two states; a
	// witness step is named by one that meets its requirements, which
	// another step between the same states (a timer whose expiry changes
	// nothing, say) may not.
	for _, k := range at {
		s.nameMeeting(c, k-1, want[k])
	}
	x := c.after(c.Loop)
	c.Problem = s.p.Unmet(&x, s.o)
	return c
}

// eachInternal calls f for each step within comp that keeps owing, with
// its source, until f returns false.
func (s *sccSearch[M, S, L, Su]) eachInternal(comp []uint32, in func(uint32) bool, f func(u uint32, e int) bool) {
	for _, u := range comp {
		lo, hi := s.g.out(u)
		for e := lo; e < hi; e++ {
			if s.g.flags.at(e)&s.bit != 0 && in(s.g.to.at(e)) && !f(u, e) {
				return
			}
		}
	}
}

// nameMeeting relabels step k of c (from the state before it to its
// state) with a step between the same states that meets the requirements
// in want, if there is one.
func (s *sccSearch[M, S, L, Su]) nameMeeting(c *CounterexampleOf[S, L], k int, want uint16) {
	j := justOf[M, S, L, Su](s.m)
	if j == nil || want == 0 || k < 0 || k >= len(c.Steps) {
		return
	}
	from := c.after(k)
	to := make([]uint64, s.m.Words())
	s.m.Pack(&c.Steps[k].State, to)
	key := make([]uint64, s.m.Words())
	found := false
	s.m.Each(&from, func(su *Su) {
		if found {
			return
		}
		l := s.m.SuccLabel(su)
		if j.Meets(&l)&want == 0 {
			return
		}
		s.m.Pack(s.m.SuccNext(su), key)
		if slices.Equal(key, to) {
			c.Steps[k].Label, found = l, true
		}
	})
}
