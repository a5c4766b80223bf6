package spec

// parseGiveUp reads giveup TIMER "why": the timer may end a connection by
// giving up.
func (p *parser) parseGiveUp(r *lineReader) {
	d, ok := r.name("a timer name")
	if !ok {
		return
	}
	if d.doc, ok = r.reason("giveup"); !ok {
		return
	}
	r.end("the giveup declaration")
	if !r.bad {
		p.giveups = append(p.giveups, d)
	}
}

// resolveGiveUps marks the timers that give up, with why, reporting an
// unknown timer and one declared twice.
func (p *parser) resolveGiveUps() {
	first := map[*Timer]Pos{}
	for _, d := range p.giveups {
		t, ok := p.scope.timers.lookup(p, d)
		if !ok {
			continue
		}
		if at, dup := first[t]; dup {
			p.errs.add(d.pos, "giveup %s declared twice (first at line %d)", t.Name, at.Line)
			continue
		}
		first[t] = d.pos
		t.GiveUp = d.doc
	}
}
