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

// resolve builds the IR from what parse read, resolving every name.
func (p *parser) resolve() {
	sp := p.sp
	if p.machine == nil {
		p.errs.add(p.pos(1, 1), "missing \"machine NAME\" declaration")
	} else {
		sp.Machine, sp.Doc = p.machine.name, p.machine.doc
	}

	var sources *namespace[*Source]
	sources, sp.Sources = declareAll(p, "source", p.sources, func(d decl, i int) *Source {
		return &Source{Name: d.name, Doc: d.doc, Pos: d.pos}
	})
	var states *namespace[*State]
	states, sp.States = declareAll(p, "state", p.states, func(d decl, i int) *State {
		return &State{Name: d.name, Doc: d.doc, Pos: d.pos, Index: i + 1}
	})
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

	events := map[EventKind]*namespace[*Event]{
		App:     newNamespace[*Event]("app event"),
		Rcv:     newNamespace[*Event]("rcv event"),
		Timeout: newNamespace[*Event]("timer"),
	}
	for _, d := range p.events {
		e := &Event{Kind: d.kind, Name: d.name, Doc: d.doc, Pos: d.pos, Index: len(sp.Events) + 1}
		if events[d.kind].declare(p, d.decl, e) {
			sp.Events = append(sp.Events, e)
		}
	}
	timers := newNamespace[*Timer]("timer")
	for _, d := range p.timers {
		t := &Timer{Name: d.name, Doc: d.doc, Pos: d.pos, Index: len(sp.Timers) + 1}
		if timers.declare(p, d, t) {
			sp.Timers = append(sp.Timers, t)
		}
	}
	for _, t := range sp.Timers {
		e := &Event{Kind: Timeout, Name: t.Name, Doc: "the " + t.Name + " timer expired", Pos: t.Pos, Index: len(sp.Events) + 1, Timer: t}
		t.Event = e
		events[Timeout].declare(p, decl{name: t.Name, pos: t.Pos}, e)
		sp.Events = append(sp.Events, e)
	}
	durations := newNamespace[*Duration]("duration")
	for _, d := range p.durations {
		v := &Duration{Name: d.name, Doc: d.doc, Pos: d.pos, Index: len(sp.Durations) + 1}
		if durations.declare(p, d, v) {
			sp.Durations = append(sp.Durations, v)
		}
	}
	switches := newNamespace[*Switch]("switch")
	for _, d := range p.switches {
		s := &Switch{Name: d.name, Doc: d.doc, Pos: d.pos, Bit: len(sp.Switches)}
		if switches.declare(p, d, s) {
			sp.Switches = append(sp.Switches, s)
		}
	}
	var segments *namespace[*Segment]
	segments, sp.Segments = declareAll(p, "segment", p.segments, func(d decl, i int) *Segment {
		return &Segment{Name: d.name, Doc: d.doc, Pos: d.pos}
	})
	var signals *namespace[*Signal]
	signals, sp.Signals = declareAll(p, "signal", p.signals, func(d decl, i int) *Signal {
		return &Signal{Name: d.name, Doc: d.doc, Pos: d.pos}
	})
	// A profile sets timers, durations and switches by name alone.
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
	for _, s := range sp.Switches {
		claim("switch", s.Name, s.Pos)
	}
	p.limits()

	// Every possible action, in bit order: sends, then timer operations,
	// then tells.
	sendDef := map[*Segment]*ActionDef{}
	timerDef := map[Op]map[*Timer]*ActionDef{Start: {}, Restart: {}, Stop: {}}
	tellDef := map[*Signal]*ActionDef{}
	addDef := func(a *ActionDef) { a.Bit = len(sp.Actions); sp.Actions = append(sp.Actions, a) }
	for _, s := range sp.Segments {
		sendDef[s] = &ActionDef{Op: Send, Segment: s}
		addDef(sendDef[s])
	}
	for _, t := range sp.Timers {
		for _, op := range []Op{Start, Restart, Stop} {
			timerDef[op][t] = &ActionDef{Op: op, Timer: t}
			addDef(timerDef[op][t])
		}
	}
	for _, s := range sp.Signals {
		tellDef[s] = &ActionDef{Op: Tell, Signal: s}
		addDef(tellDef[s])
	}

	// lookupEvent finds an event of kind k, saying so when the name is an
	// event of another kind.
	lookupEvent := func(k EventKind, d decl) (*Event, bool) {
		if _, ok := events[k].byKey[d.name]; !ok {
			for _, other := range []EventKind{App, Rcv, Timeout} {
				if e, ok := events[other].byKey[d.name]; ok {
					p.errs.add(d.pos, "unknown %s %q: %s is %s, written %q", events[k].kind, d.name, d.name,
						map[EventKind]string{App: "an app event", Rcv: "a rcv event", Timeout: "a timer"}[other], e.String())
					return nil, false
				}
			}
		}
		return events[k].lookup(p, d)
	}

	cite := func(rc *rawCite) Citation {
		s, _ := sources.lookup(p, rc.source)
		return Citation{Source: s, Text: rc.text, Pos: rc.source.pos}
	}

	for _, rr := range p.rules {
		r := &Rule{Pos: rr.pos, Verdict: rr.verdict, Reason: rr.reason, Text: rr.text, Index: len(sp.Rules) + 1}
		var ok bool
		if r.State, ok = states.byKey[rr.state.name]; !ok {
			continue // reported once, at its "in" line, below
		}
		e, found := lookupEvent(rr.kind, rr.event)
		r.Event = e
		ok = found
		if rr.guard != nil {
			if sw, found := switches.lookup(p, *rr.guard); found {
				r.Guard = &Guard{Switch: sw, On: rr.guardOn, Pos: rr.guard.pos}
			} else {
				ok = false
			}
		}
		r.Next = r.State
		if rr.verdict == Move {
			if n, found := states.lookup(p, rr.next); found {
				r.Next = n
			} else {
				ok = false
			}
		}
		seen := map[*ActionDef]bool{}
		for _, ra := range rr.actions {
			var a *ActionDef
			switch ra.op {
			case Send:
				if s, found := segments.lookup(p, ra.name); found {
					a = sendDef[s]
				}
			case Start, Restart, Stop:
				if t, found := timers.lookup(p, ra.name); found {
					a = timerDef[ra.op][t]
				}
			case Tell:
				if s, found := signals.lookup(p, ra.name); found {
					a = tellDef[s]
				}
			}
			if a == nil {
				ok = false
				continue
			}
			if seen[a] {
				p.errs.add(ra.pos, "action %q repeated in one rule", a.String())
				ok = false
				continue
			}
			seen[a] = true
			r.Actions = append(r.Actions, a)
		}
		r.Cite = cite(rr.cite)
		if r.Cite.Source == nil {
			ok = false
		}
		if ok {
			sp.Rules = append(sp.Rules, r)
		}
	}
	// Report an unknown state in an "in" line once, not once per rule, and
	// even if no rule follows it.
	reported := map[string]bool{}
	for _, d := range p.ins {
		if _, ok := states.byKey[d.name]; !ok && !reported[d.name] {
			reported[d.name] = true
			states.lookup(p, d)
		}
	}

	for _, st := range p.example {
		if e, ok := lookupEvent(st.kind, st.event); ok {
			sp.Example = append(sp.Example, e)
		}
	}

	profiles := newNamespace[*Profile]("profile")
	for _, rp := range p.profiles {
		prof := &Profile{Name: rp.name, Doc: rp.doc, Pos: rp.pos}
		if !profiles.declare(p, rp.decl, prof) {
			continue
		}
		sp.Profiles = append(sp.Profiles, prof)
		seen := map[string]Pos{}
		for _, rv := range rp.values {
			if rv.name.name == FindingKeyword {
				p.finding(prof, rv, seen, cite)
				continue
			}
			v := &Value{Name: rv.name.name, Pos: rv.name.pos}
			if first, dup := seen[v.Name]; dup {
				p.errs.add(rv.name.pos, "profile %s sets %s twice (first at line %d)", prof.Name, v.Name, first.Line)
				continue
			}
			seen[v.Name] = rv.name.pos
			if clash[v.Name] {
				continue // reported at the declaration
			}
			v.Timer = timers.byKey[v.Name]
			v.Duration = durations.byKey[v.Name]
			v.Switch = switches.byKey[v.Name]
			switch {
			case v.Switch != nil:
				switch {
				case rv.value.kind == tName && rv.value.text == "on":
					v.On = true
				case rv.value.kind == tName && rv.value.text == "off":
				default:
					p.errs.add(rv.pos, "switch %s wants on or off, not %q", v.Name, rv.value.text)
					continue
				}
			case v.Timer != nil || v.Duration != nil:
				if rv.value.kind == tName && rv.value.text == "none" {
					v.None = true
					break
				}
				if rv.value.kind == tName {
					kind := "timer"
					if v.Timer == nil {
						kind = "duration"
					}
					p.errs.add(rv.pos, "%s %s wants a duration or none, not %q", kind, v.Name, rv.value.text)
					continue
				}
				d, msg := parseDuration(rv.value.text)
				if msg != "" {
					p.errs.add(rv.pos, "%s", msg)
					continue
				}
				v.Length = d
			default:
				all := append(append(append([]string{FindingKeyword}, timers.names...), durations.names...), switches.names...)
				p.errs.add(rv.name.pos, "profile %s: unknown timer, duration or switch %q%s", prof.Name, v.Name, didYouMean(v.Name, all))
				continue
			}
			v.Cite = cite(rv.cite)
			prof.Values = append(prof.Values, v)
		}
		for _, t := range sp.Timers {
			if _, ok := seen[t.Name]; !ok && !clash[t.Name] {
				p.errs.add(prof.Pos, "profile %s has no value for timer %s (give a duration or none)", prof.Name, t.Name)
			}
		}
		for _, d := range sp.Durations {
			if _, ok := seen[d.Name]; !ok && !clash[d.Name] {
				p.errs.add(prof.Pos, "profile %s has no value for duration %s (give a duration or none)", prof.Name, d.Name)
			}
		}
		for _, s := range sp.Switches {
			if _, ok := seen[s.Name]; !ok && !clash[s.Name] {
				p.errs.add(prof.Pos, "profile %s has no value for switch %s (give on or off)", prof.Name, s.Name)
			}
		}
	}
	if len(sp.Profiles) == 0 && len(p.errs) == 0 {
		p.errs.add(p.pos(1, 1), "no profiles declared: a spec needs at least one")
	}
}

// finding resolves "finding PROPERTY [CITATION]" in profile prof: a
// property the profile is known to break, and the cause. seen holds what
// the profile has set so far, findings as "finding P3".
func (p *parser) finding(prof *Profile, rv rawValue, seen map[string]Pos, cite func(*rawCite) Citation) {
	id := rv.value.text
	if !isPropertyID(id) {
		p.errs.add(rv.pos, "finding wants a property like P3, not %q", id)
		return
	}
	key := FindingKeyword + " " + id
	if first, dup := seen[key]; dup {
		p.errs.add(rv.pos, "profile %s declares finding %s twice (first at line %d)", prof.Name, id, first.Line)
		return
	}
	seen[key] = rv.pos
	prof.Findings = append(prof.Findings, &Finding{Property: id, Pos: rv.pos, Cite: cite(rv.cite)})
}

// isPropertyID reports whether s names a property: P and a number from 1.
func isPropertyID(s string) bool {
	if len(s) < 2 || len(s) > 4 || s[0] != 'P' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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
