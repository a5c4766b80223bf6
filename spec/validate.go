package spec

// validate checks the resolved spec: every cell decided exactly once,
// every state reachable, every timer both started and handled, no state
// highlighted twice.
func (p *parser) validate() {
	clashed := p.fillCells()
	p.undecidedCells(clashed)
	p.unreachableStates()
	p.idleTimers()
	p.repeatedHighlights()
}

// fillCells puts every rule in its cell, reporting a rule that clashes with
// one already there. It returns the cells where that happened, so that
// they are not also reported as half decided.
func (p *parser) fillCells() map[*cell]bool {
	sp := p.sp
	sp.cells = make([][]cell, len(sp.States))
	for i := range sp.cells {
		sp.cells[i] = make([]cell, len(sp.Events))
	}
	clashed := map[*cell]bool{}
	for _, r := range sp.Rules {
		c := &sp.cells[r.State.Index-1][r.Event.Index-1]
		if prev := p.conflict(c, r); prev != nil {
			clashed[c] = true
			switch {
			case r.Guard != nil && prev.Guard != nil && r.Guard.Switch != prev.Guard.Switch:
				p.errs.add(r.Pos, "cell (%s, %s) is split by two switches, %s (line %d) and %s: a cell depends on one switch at most",
					r.State.Name, r.Event, prev.Guard.Switch.Name, prev.Pos.Line, r.Guard.Switch.Name)
			default:
				p.errs.add(r.Pos, "cell (%s, %s) decided twice (first at line %d)", r.State.Name, r.Event, prev.Pos.Line)
			}
			continue
		}
		c.rules = append(c.rules, r)
	}
	return clashed
}

// undecidedCells reports a cell with no rule, and one decided for only
// one side of its switch, unless it was reported as clashed.
func (p *parser) undecidedCells(clashed map[*cell]bool) {
	sp := p.sp
	for _, s := range sp.States {
		for _, e := range sp.Events {
			c := &sp.cells[s.Index-1][e.Index-1]
			rules := c.rules
			switch {
			case len(rules) == 0:
				p.errs.add(p.cellPos(s), "cell (%s, %s) is not decided: add a rule, or ignore or reject the event", s.Name, e)
			case len(rules) == 1 && rules[0].Guard != nil && !clashed[c]:
				g := rules[0].Guard
				other := "unless"
				if !g.On {
					other = "if"
				}
				p.errs.add(rules[0].Pos, "cell (%s, %s) is decided only when %s is %s: add a rule \"%s %s %s\"",
					s.Name, e, g.Switch.Name, onOff(g.On), e, other, g.Switch.Name)
			}
		}
	}
}

// conflict returns a rule already in c that r would clash with.
func (p *parser) conflict(c *cell, r *Rule) *Rule {
	for _, prev := range c.rules {
		if prev.Guard == nil || r.Guard == nil {
			return prev
		}
		if prev.Guard.Switch != r.Guard.Switch || prev.Guard.On == r.Guard.On {
			return prev
		}
	}
	return nil
}

// cellPos is where an undecided cell of s is reported: the state's first
// "in" line if it has one, else its declaration.
func (p *parser) cellPos(s *State) Pos {
	for _, rr := range p.rules {
		if rr.state.name == s.Name {
			return rr.state.pos
		}
	}
	return s.Pos
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// unreachableStates reports states that no sequence of events leads to
// from the initial state, under any switch setting.
func (p *parser) unreachableStates() {
	sp := p.sp
	if sp.Initial == nil {
		return
	}
	reached := map[*State]bool{sp.Initial: true}
	queue := []*State{sp.Initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, r := range sp.Rules {
			if r.State == s && !reached[r.Next] {
				reached[r.Next] = true
				queue = append(queue, r.Next)
			}
		}
	}
	for _, s := range sp.States {
		if !reached[s] {
			p.errs.add(s.Pos, "state %s is unreachable from %s", s.Name, sp.Initial.Name)
		}
	}
}

// idleTimers reports a timer that is armed but whose expiry no state acts
// on, and one that is declared but never armed.
func (p *parser) idleTimers() {
	sp := p.sp
	for _, t := range sp.Timers {
		armed, handled := false, false
		for _, r := range sp.Rules {
			for _, a := range r.Actions {
				if a.Timer == t && (a.Op == Start || a.Op == Restart) {
					armed = true
				}
			}
			if r.Event == t.Event && r.Verdict == Move {
				handled = true
			}
		}
		switch {
		case armed && !handled:
			p.errs.add(t.Pos, "timer %s is started but never handled: no state moves on \"timeout %s\"", t.Name, t.Name)
		case !armed:
			p.errs.add(t.Pos, "timer %s is never started", t.Name)
		}
	}
}

// repeatedHighlights reports a state that the highlight line names twice.
func (p *parser) repeatedHighlights() {
	seen := map[*State]bool{}
	for i, s := range p.sp.Highlight {
		if seen[s] {
			p.errs.add(p.highlight[i].pos, "state %s highlighted twice", s.Name)
		}
		seen[s] = true
	}
}
