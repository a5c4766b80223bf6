package spec

// parseOutside reads outside EVENT [in STATE...] "reason": why the model
// cannot exercise the rules of EVENT, in the states listed or in every
// state.
func (p *parser) parseOutside(r *lineReader, kw token) {
	ro := rawOutside{pos: r.at(kw)}
	kt := r.next()
	kind, ok := eventKind(kt)
	if !ok {
		r.fail(kt, "expected app, rcv or timeout, found %s%s", kt.describe(), didYouMean(kt.text, []string{"app", "rcv", "timeout"}))
		return
	}
	ro.kind = kind
	if ro.event, ok = r.name("an event name"); !ok {
		return
	}
	if t := r.peek(); t.kind == tName {
		if t.text != "in" {
			r.fail(t, "expected \"in\" or a reason in quotes, found %s%s", t.describe(), didYouMean(t.text, []string{"in"}))
			return
		}
		r.next()
		for len(ro.states) == 0 || r.peek().kind == tName {
			d, ok := r.name("a state name")
			if !ok {
				return
			}
			ro.states = append(ro.states, d)
		}
	}
	if ro.reason, ok = r.reason("outside"); !ok {
		return
	}
	r.end("the outside declaration")
	if !r.bad {
		p.outside = append(p.outside, ro)
	}
}

// outsideCell is a (state, event) cell that an outside declaration covers.
type outsideCell struct {
	state *State
	event *Event
}

// resolveOutside resolves the outside declarations, reporting an unknown
// event or state and a cell that two of them cover.
func (p *parser) resolveOutside() {
	covered := map[outsideCell]*Outside{}
	for _, ro := range p.outside {
		if o, ok := p.outsideDecl(ro); ok {
			p.sp.Outside = append(p.sp.Outside, o)
			p.cover(o, ro, covered)
		}
	}
}

// outsideDecl resolves the event and states of one outside declaration,
// looking every name up even after one fails, and reports whether all of
// them resolved.
func (p *parser) outsideDecl(ro rawOutside) (*Outside, bool) {
	o := &Outside{Reason: ro.reason, Pos: ro.pos}
	var ok bool
	o.Event, ok = p.lookupEvent(ro.kind, ro.event)
	listed := map[*State]bool{}
	for _, d := range ro.states {
		s, found := p.scope.states.lookup(p, d)
		switch {
		case !found:
			ok = false
		case listed[s]:
			p.errs.add(d.pos, "state %s listed twice", s.Name)
			ok = false
		default:
			listed[s] = true
			o.States = append(o.States, s)
		}
	}
	return o, ok
}

// cover records the cells that o, read from ro, covers, reporting those an
// earlier declaration covers: at each state o lists, or once at its event
// when it covers every state.
func (p *parser) cover(o *Outside, ro rawOutside, covered map[outsideCell]*Outside) {
	states := o.States
	if states == nil {
		states = p.sp.States
	}
	reported := false
	for i, s := range states {
		c := outsideCell{s, o.Event}
		prev, dup := covered[c]
		switch {
		case !dup:
			covered[c] = o
		case o.States != nil:
			p.errs.add(ro.states[i].pos, "cell (%s, %s) already declared outside at line %d", s.Name, o.Event, prev.Pos.Line)
		case !reported && prev.States == nil:
			p.errs.add(ro.event.pos, "%s already declared outside at line %d", o.Event, prev.Pos.Line)
			reported = true
		case !reported:
			p.errs.add(ro.event.pos, "cell (%s, %s) already declared outside at line %d", s.Name, o.Event, prev.Pos.Line)
			reported = true
		}
	}
}
