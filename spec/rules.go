package spec

// parseRule reads EVENT [GUARD] OUTCOME [CITATION].
func (p *parser) parseRule(r *lineReader, state decl, text string) {
	rr := rawRule{state: state, text: text}
	kt := r.next()
	rr.pos = r.at(kt)
	kind, ok := eventKind(kt)
	if !ok {
		r.fail(kt, "expected app, rcv or timeout, found %s%s", kt.describe(), didYouMean(kt.text, append([]string{"app", "rcv", "timeout"}, keywords...)))
		return
	}
	rr.kind, rr.kindPos = kind, r.at(kt)
	if rr.event, ok = r.name("an event name"); !ok {
		return
	}
	if t := r.peek(); t.kind == tName && (t.text == "if" || t.text == "unless") {
		r.next()
		g, ok := r.name("a switch name")
		if !ok {
			return
		}
		rr.guard, rr.guardOn = &g, t.text == "if"
	}
	t := r.next()
	switch {
	case t.kind == tArrow:
		rr.verdict = Move
		if rr.next, ok = r.name("the next state"); !ok {
			return
		}
		if rr.actions, ok = p.parseActions(r); !ok {
			return
		}
		rr.reason = r.optString()
	case t.kind == tName && (t.text == "ignore" || t.text == "reject"):
		rr.verdict = Ignore
		if t.text == "reject" {
			rr.verdict = Reject
		}
		if rr.reason, ok = r.reason(t.text); !ok {
			return
		}
		if rr.verdict == Reject {
			if rr.actions, ok = p.parseActions(r); !ok {
				return
			}
		} else if a := r.peek(); a.kind == tName && isAction(a.text) {
			r.fail(a, "ignore takes no actions: use reject or \"-> STATE\" to act on the event")
			return
		}
	default:
		r.fail(t, "expected \"->\", ignore or reject, found %s", t.describe())
		return
	}
	rr.cite = r.optCite()
	if r.bad {
		return
	}
	if rr.cite == nil {
		if t := r.peek(); t.kind == tEOL {
			r.fail(t, "missing citation: every rule cites the document that demands it, like [RFC9293 3.10.7.4]")
			return
		}
	}
	r.end("the rule")
	if !r.bad {
		p.rules = append(p.rules, rr)
	}
}

// parseActions reads an optional ";"-separated action list.
func (p *parser) parseActions(r *lineReader) ([]rawAction, bool) {
	var out []rawAction
	for {
		t := r.peek()
		if t.kind != tName {
			if len(out) > 0 {
				r.fail(t, "expected an action after \";\", found %s", t.describe())
				return nil, false
			}
			return nil, true
		}
		var op Op
		switch t.text {
		case "send":
			op = Send
		case "start":
			op = Start
		case "restart":
			op = Restart
		case "stop":
			op = Stop
		case "tell":
			op = Tell
		default:
			r.fail(t, "unknown action %q%s; actions are send, start, restart, stop and tell", t.text,
				didYouMean(t.text, []string{"send", "start", "restart", "stop", "tell"}))
			return nil, false
		}
		r.next()
		what := map[Op]string{Send: "a segment", Start: "a timer", Restart: "a timer", Stop: "a timer", Tell: "a signal"}[op]
		d, ok := r.name(what)
		if !ok {
			return nil, false
		}
		out = append(out, rawAction{op: op, name: d, pos: r.at(t)})
		if n := r.peek(); n.kind == tName && isAction(n.text) {
			r.fail(n, "missing \";\" between actions, before %q", n.text)
			return nil, false
		}
		if r.peek().kind != tSemi {
			return out, true
		}
		r.next()
	}
}

func isAction(s string) bool {
	switch s {
	case "send", "start", "restart", "stop", "tell":
		return true
	}
	return false
}

// resolveActions makes every possible action, in bit order: sends, then
// timer operations, then tells.
func (p *parser) resolveActions() {
	sp, ns := p.sp, &p.scope
	ns.send = map[*Segment]*ActionDef{}
	ns.timer = map[Op]map[*Timer]*ActionDef{Start: {}, Restart: {}, Stop: {}}
	ns.tell = map[*Signal]*ActionDef{}
	add := func(a *ActionDef) *ActionDef {
		a.Bit = len(sp.Actions)
		sp.Actions = append(sp.Actions, a)
		return a
	}
	for _, s := range sp.Segments {
		ns.send[s] = add(&ActionDef{Op: Send, Segment: s})
	}
	for _, t := range sp.Timers {
		for _, op := range []Op{Start, Restart, Stop} {
			ns.timer[op][t] = add(&ActionDef{Op: op, Timer: t})
		}
	}
	for _, s := range sp.Signals {
		ns.tell[s] = add(&ActionDef{Op: Tell, Signal: s})
	}
}

// resolveRules resolves every rule, keeping those whose names all resolve.
func (p *parser) resolveRules() {
	for _, rr := range p.rules {
		if r, ok := p.resolveRule(rr); ok {
			p.sp.Rules = append(p.sp.Rules, r)
		}
	}
}

// resolveRule resolves the names of one rule. It looks every name up even
// after one fails, so that one pass reports them all; a rule whose state
// is unknown is skipped, as its "in" line reports the state.
func (p *parser) resolveRule(rr rawRule) (*Rule, bool) {
	ns := &p.scope
	r := &Rule{Pos: rr.pos, Verdict: rr.verdict, Reason: rr.reason, Text: rr.text, Index: len(p.sp.Rules) + 1}
	var ok bool
	if r.State, ok = ns.states.byKey[rr.state.name]; !ok {
		return nil, false
	}
	r.Event, ok = p.lookupEvent(rr.kind, rr.event)
	if rr.guard != nil {
		if sw, found := ns.switches.lookup(p, *rr.guard); found {
			r.Guard = &Guard{Switch: sw, On: rr.guardOn, Pos: rr.guard.pos}
		} else {
			ok = false
		}
	}
	r.Next = r.State
	if rr.verdict == Move {
		if n, found := ns.states.lookup(p, rr.next); found {
			r.Next = n
		} else {
			ok = false
		}
	}
	if !p.resolveActionList(r, rr.actions) {
		ok = false
	}
	r.Cite = p.cite(rr.cite)
	return r, ok && r.Cite.Source != nil
}

// lookupEvent finds an event of kind k, saying so when the name is an
// event of another kind.
func (p *parser) lookupEvent(k EventKind, d decl) (*Event, bool) {
	events := p.scope.events
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

// resolveActionList adds the actions of a rule to r, reporting one that
// is unknown or repeated, and reports whether all of them resolved.
func (p *parser) resolveActionList(r *Rule, actions []rawAction) bool {
	ok := true
	seen := map[*ActionDef]bool{}
	for _, ra := range actions {
		a := p.lookupAction(ra)
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
	return ok
}

// lookupAction finds the action that ra writes, or reports its unknown
// segment, timer or signal and returns nil.
func (p *parser) lookupAction(ra rawAction) *ActionDef {
	ns := &p.scope
	switch ra.op {
	case Send:
		if s, ok := ns.segments.lookup(p, ra.name); ok {
			return ns.send[s]
		}
	case Start, Restart, Stop:
		if t, ok := ns.timers.lookup(p, ra.name); ok {
			return ns.timer[ra.op][t]
		}
	case Tell:
		if s, ok := ns.signals.lookup(p, ra.name); ok {
			return ns.tell[s]
		}
	}
	return nil
}

// resolveIns reports an unknown state in an "in" line once, not once per
// rule, and even if no rule follows it.
func (p *parser) resolveIns() {
	reported := map[string]bool{}
	for _, d := range p.ins {
		if _, ok := p.scope.states.byKey[d.name]; !ok && !reported[d.name] {
			reported[d.name] = true
			p.scope.states.lookup(p, d)
		}
	}
}

// resolveExample resolves the events of the example walk.
func (p *parser) resolveExample() {
	for _, st := range p.example {
		if e, ok := p.lookupEvent(st.kind, st.event); ok {
			p.sp.Example = append(p.sp.Example, e)
		}
	}
}
