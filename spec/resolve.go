package spec

import "fmt"

// namespace maps the names of one kind to what they declare, remembering
// declaration order for "did you mean".
type namespace[T any] struct {
	kind  string
	names []string
	byKey map[string]T
	pos   map[string]Pos
}

func newNamespace[T any](kind string) *namespace[T] {
	return &namespace[T]{kind: kind, byKey: map[string]T{}, pos: map[string]Pos{}}
}

// declare adds name, reporting a duplicate.
func (ns *namespace[T]) declare(p *parser, d decl, v T) bool {
	if first, dup := ns.pos[d.name]; dup {
		p.errs.add(d.pos, "duplicate %s %q (first declared at line %d)", ns.kind, d.name, first.Line)
		return false
	}
	ns.names = append(ns.names, d.name)
	ns.byKey[d.name] = v
	ns.pos[d.name] = d.pos
	return true
}

// lookup finds name, reporting an unknown one with a suggestion.
func (ns *namespace[T]) lookup(p *parser, d decl) (T, bool) {
	v, ok := ns.byKey[d.name]
	if !ok {
		p.errs.add(d.pos, "unknown %s %q%s", ns.kind, d.name, didYouMean(d.name, ns.names))
	}
	return v, ok
}

// declareAll declares decls in a new namespace of kind, reporting
// duplicates, and returns it with the declared values in order; build
// makes each value from its declaration and its index among those kept.
func declareAll[T any](p *parser, kind string, decls []decl, build func(d decl, i int) T) (*namespace[T], []T) {
	ns := newNamespace[T](kind)
	var out []T
	for _, d := range decls {
		if v := build(d, len(out)); ns.declare(p, d, v) {
			out = append(out, v)
		}
	}
	return ns, out
}

// scope holds what resolve declares, for the phases after the one that
// declares it.
type scope struct {
	sources   *namespace[*Source]
	states    *namespace[*State]
	events    map[EventKind]*namespace[*Event]
	timers    *namespace[*Timer]
	durations *namespace[*Duration]
	counts    *namespace[*Count]
	switches  *namespace[*Switch]
	segments  *namespace[*Segment]
	signals   *namespace[*Signal]

	// clash holds the timer, duration, count and switch names that a profile
	// cannot set, reported at their declaration.
	clash map[string]bool

	// The action of every send, timer operation and tell.
	send  map[*Segment]*ActionDef
	timer map[Op]map[*Timer]*ActionDef
	tell  map[*Signal]*ActionDef
}

// resolve builds the IR from what parse read, resolving every name. Each
// phase uses only what the phases before it declared; their order is also
// the order of problems reported at one place, which sorting keeps.
func (p *parser) resolve() {
	p.resolveNames()
	p.resolveActions()
	p.resolveRules()
	p.resolveIns()
	p.resolveExample()
	p.resolveGiveUps()
	p.resolveOutside()
	p.resolveRuntime()
	p.resolveAdvice()
	p.resolveProfiles()
}

// resolveNames declares every name, reporting duplicates, and resolves the
// machine, the initial state and the highlighted states.
func (p *parser) resolveNames() {
	sp, ns := p.sp, &p.scope
	if p.machine == nil {
		p.errs.add(p.pos(1, 1), "missing \"machine NAME\" declaration")
	} else {
		sp.Machine, sp.Doc = p.machine.name, p.machine.doc
	}
	ns.sources, sp.Sources = declareAll(p, "source", p.sources, func(d decl, i int) *Source {
		return &Source{Name: d.name, Doc: d.doc, Pos: d.pos}
	})
	ns.states, sp.States = declareAll(p, "state", p.states, func(d decl, i int) *State {
		return &State{Name: d.name, Doc: d.doc, Pos: d.pos, Index: i + 1}
	})
	p.resolveInitial()
	p.declareEvents()
	ns.durations, sp.Durations = declareAll(p, "duration", p.durations, func(d decl, i int) *Duration {
		return &Duration{Name: d.name, Doc: d.doc, Pos: d.pos, Index: i + 1}
	})
	ns.counts, sp.Counts = declareAll(p, "count", p.counts, func(d decl, i int) *Count {
		return &Count{Name: d.name, Doc: d.doc, Pos: d.pos, Index: i + 1}
	})
	ns.switches, sp.Switches = declareAll(p, "switch", p.switches, func(d decl, i int) *Switch {
		return &Switch{Name: d.name, Doc: d.doc, Pos: d.pos, Bit: i}
	})
	ns.segments, sp.Segments = declareAll(p, "segment", p.segments, func(d decl, i int) *Segment {
		return &Segment{Name: d.name, Doc: d.doc, Pos: d.pos}
	})
	ns.signals, sp.Signals = declareAll(p, "signal", p.signals, func(d decl, i int) *Signal {
		return &Signal{Name: d.name, Doc: d.doc, Pos: d.pos}
	})
	p.claimValueNames()
	p.limits()
}

// resolveInitial resolves the initial and the highlighted states.
func (p *parser) resolveInitial() {
	sp, states := p.sp, p.scope.states
	if len(sp.States) == 0 {
		p.errs.add(p.pos(1, 1), "no states declared")
	}
	if p.initial == nil {
		if len(sp.States) > 0 {
			p.errs.add(p.pos(1, 1), "missing \"initial STATE\" declaration")
		}
	} else if s, ok := states.lookup(p, *p.initial); ok {
		sp.Initial = s
	}
	for _, d := range p.highlight {
		if s, ok := states.lookup(p, d); ok {
			sp.Highlight = append(sp.Highlight, s)
		}
	}
}

// declareEvents declares the app and rcv events, then the timers, then one
// timeout event per timer, named as the timer.
func (p *parser) declareEvents() {
	sp, ns := p.sp, &p.scope
	ns.events = map[EventKind]*namespace[*Event]{
		App:     newNamespace[*Event]("app event"),
		Rcv:     newNamespace[*Event]("rcv event"),
		Timeout: newNamespace[*Event]("timer"),
	}
	for _, d := range p.events {
		e := &Event{Kind: d.kind, Name: d.name, Doc: d.doc, Pos: d.pos, Index: len(sp.Events) + 1}
		if ns.events[d.kind].declare(p, d.decl, e) {
			sp.Events = append(sp.Events, e)
		}
	}
	ns.timers, sp.Timers = declareAll(p, "timer", p.timers, func(d decl, i int) *Timer {
		return &Timer{Name: d.name, Doc: d.doc, Pos: d.pos, Index: i + 1}
	})
	for _, t := range sp.Timers {
		e := &Event{Kind: Timeout, Name: t.Name, Doc: "the " + t.Name + " timer expired", Pos: t.Pos, Index: len(sp.Events) + 1, Timer: t}
		t.Event = e
		ns.events[Timeout].declare(p, decl{name: t.Name, pos: t.Pos}, e)
		sp.Events = append(sp.Events, e)
	}
}

// claimValueNames reports a timer, duration, count or switch that a profile could
// not set, as a profile sets them by name alone: one named like the
// finding keyword, or one that shares its name with another.
func (p *parser) claimValueNames() {
	sp := p.sp
	valueKind, valuePos, clash := map[string]string{}, map[string]Pos{}, map[string]bool{}
	claim := func(kind, name string, pos Pos) {
		if name == FindingKeyword {
			p.errs.add(pos, "%s %q: %s starts a finding in a profile; choose another name", kind, name, FindingKeyword)
			clash[name] = true
			return
		}
		if first, dup := valuePos[name]; dup {
			p.errs.add(pos, "%s %q has the name of the %s at line %d: profiles could not tell them apart", kind, name, valueKind[name], first.Line)
			clash[name] = true
			return
		}
		valueKind[name], valuePos[name] = kind, pos
	}
	for _, t := range sp.Timers {
		claim("timer", t.Name, t.Pos)
	}
	for _, d := range sp.Durations {
		claim("duration", d.Name, d.Pos)
	}
	for _, c := range sp.Counts {
		claim("count", c.Name, c.Pos)
	}
	for _, s := range sp.Switches {
		claim("switch", s.Name, s.Pos)
	}
	p.scope.clash = clash
}

// cite resolves a citation. Its Source is nil when the source is unknown,
// which is reported.
func (p *parser) cite(rc *rawCite) Citation {
	s, _ := p.scope.sources.lookup(p, rc.source)
	return Citation{Source: s, Text: rc.text, Pos: rc.source.pos}
}

// limits reports a spec too large for the generated types.
func (p *parser) limits() {
	sp := p.sp
	nActions := len(sp.Segments) + 3*len(sp.Timers) + len(sp.Signals)
	if nActions > maxActions {
		p.errs.add(p.pos(1, 1), "%d possible actions (sends, 3 per timer, tells) exceed the limit of %d", nActions, maxActions)
	}
	if len(sp.Switches) > maxSwitches {
		p.errs.add(sp.Switches[maxSwitches].Pos, "more than %d switches", maxSwitches)
	}
	for _, c := range []struct {
		what string
		n    int
	}{{"states", len(sp.States)}, {"events", len(sp.Events)}, {"timers", len(sp.Timers)}} {
		if c.n > maxNames {
			p.errs.add(p.pos(1, 1), "%s", fmt.Sprintf("%d %s exceed the limit of %d", c.n, c.what, maxNames))
		}
	}
}
