package spec

// The runtime rules: what the table leaves to the code that runs it, said
// once in the spec so that every runtime (the model, the endpoint, the
// conformance check) derives it instead of copying it.
//
//	class NAME STATE... "doc"
//	arm TIMER with DURATION in STATE... [if orphan] "why"
//	arm TIMER if orphan|asked [unless SWITCH] "why"
//	arm TIMER doubling "why"
//	arm TIMER then DURATION "why"

// Class is a named set of states the runtime asks about, such as the
// states in which our FIN has been sent. Index counts from 1.
type Class struct {
	Name   string
	Doc    string
	Pos    Pos
	Index  int
	States []*State
}

// Has reports whether s is one of c's states.
func (c *Class) Has(s *State) bool {
	for _, x := range c.States {
		if x == s {
			return true
		}
	}
	return false
}

// Condition is when the runtime arms a timer at all: always, only for an
// orphan (a socket the application has let go of), or only when the
// application asked for it (a socket option).
type Condition string

// The conditions an arm declaration may put on a timer.
const (
	Always   Condition = ""
	IfOrphan Condition = "orphan"
	IfAsked  Condition = "asked"
)

// Arm is a runtime rule of one timer, one of: the duration it takes in
// some states instead of its own (With and States), for every socket or
// only for an orphan (Orphan: an OS may give up sooner on a socket no
// application will hear from again); when it runs at all
// (If, and Unless a switch that lifts the condition); that each expiry
// doubles its next interval (Doubling); or the duration it is re-armed
// with after an expiry (Then).
type Arm struct {
	Timer    *Timer
	Pos      Pos
	Reason   string
	With     *Duration
	States   []*State
	Orphan   bool
	If       Condition
	Unless   *Switch
	Doubling bool
	Then     *Duration
}

type rawClass struct {
	decl
	states []decl
}

type rawArm struct {
	pos      Pos
	timer    decl
	with     *decl
	states   []decl
	orphan   bool
	cond     token
	unless   *decl
	doubling bool
	then     *decl
	reason   string
}

// parseClass reads class NAME STATE... "doc".
func (p *parser) parseClass(r *lineReader) {
	d, ok := r.name("a class name")
	if !ok {
		return
	}
	rc := rawClass{decl: d}
	for len(rc.states) == 0 || r.peek().kind == tName {
		s, ok := r.name("a state name")
		if !ok {
			return
		}
		rc.states = append(rc.states, s)
	}
	if rc.doc, ok = r.text("class", "a description"); !ok {
		return
	}
	r.end("the class declaration")
	if !r.bad {
		p.classes = append(p.classes, rc)
	}
}

// parseArm reads arm TIMER with DURATION in STATE... [if orphan] "why",
// arm TIMER if orphan|asked [unless SWITCH] "why", arm TIMER doubling "why"
// or arm TIMER then DURATION "why".
func (p *parser) parseArm(r *lineReader, kw token) {
	ra := rawArm{pos: r.at(kw)}
	var ok bool
	if ra.timer, ok = r.name("a timer name"); !ok {
		return
	}
	t := r.next()
	switch {
	case t.kind == tName && t.text == "with":
		d, ok := r.name("a duration name")
		if !ok {
			return
		}
		ra.with = &d
		if in := r.next(); in.kind != tName || in.text != "in" {
			r.fail(in, "expected \"in\" and the states, found %s", in.describe())
			return
		}
		for len(ra.states) == 0 || r.peek().kind == tName && r.peek().text != "if" {
			s, ok := r.name("a state name")
			if !ok {
				return
			}
			ra.states = append(ra.states, s)
		}
		if r.peek().kind == tName && r.peek().text == "if" {
			r.next()
			if c := r.next(); c.kind != tName || Condition(c.text) != IfOrphan {
				r.fail(c, "expected orphan (a duration for an orphan in those states), found %s%s", c.describe(), didYouMean(c.text, []string{"orphan"}))
				return
			}
			ra.orphan = true
		}
	case t.kind == tName && t.text == "if":
		c := r.next()
		if c.kind != tName || (Condition(c.text) != IfOrphan && Condition(c.text) != IfAsked) {
			r.fail(c, "expected orphan or asked, found %s%s", c.describe(), didYouMean(c.text, []string{"orphan", "asked"}))
			return
		}
		ra.cond = c
		if u := r.peek(); u.kind == tName && u.text == "unless" {
			r.next()
			s, ok := r.name("a switch name")
			if !ok {
				return
			}
			ra.unless = &s
		}
	case t.kind == tName && t.text == "doubling":
		ra.doubling = true
	case t.kind == tName && t.text == "then":
		d, ok := r.name("a duration name")
		if !ok {
			return
		}
		ra.then = &d
	default:
		r.fail(t, "expected with, if, doubling or then, found %s%s", t.describe(), didYouMean(t.text, []string{"with", "if", "doubling", "then"}))
		return
	}
	if ra.reason, ok = r.reason("arm"); !ok {
		return
	}
	r.end("the arm declaration")
	if !r.bad {
		p.arms = append(p.arms, ra)
	}
}

// resolveRuntime resolves the class and arm declarations: every name
// known, no class or state listed twice, at most one duration for a
// timer in a state for a kind of socket, and one condition for a timer.
func (p *parser) resolveRuntime() {
	seen := map[string]Pos{}
	for _, rc := range p.classes {
		if at, dup := seen[rc.name]; dup {
			p.errs.add(rc.pos, "class %s declared twice (first at line %d)", rc.name, at.Line)
			continue
		}
		seen[rc.name] = rc.pos
		c := &Class{Name: rc.name, Doc: rc.doc, Pos: rc.pos, Index: len(p.sp.Classes) + 1}
		c.States = p.stateList(rc.states, "class "+rc.name)
		p.sp.Classes = append(p.sp.Classes, c)
	}
	// A duration arm covers a timer in a state for a held socket and an
	// orphan, or for an orphan only: at most one arm covers each.
	type cell struct {
		t      *Timer
		s      *State
		orphan bool
	}
	durationAt := map[cell]Pos{}
	condAt := map[*Timer]Pos{}
	doublingAt := map[*Timer]Pos{}
	thenAt := map[*Timer]Pos{}
	once := func(at map[*Timer]Pos, t *Timer, pos Pos, what string) bool {
		if first, dup := at[t]; dup {
			p.errs.add(pos, "arm %s %s declared twice (first at line %d)", t.Name, what, first.Line)
			return false
		}
		at[t] = pos
		return true
	}
	for _, ra := range p.arms {
		t, ok := p.scope.timers.lookup(p, ra.timer)
		if !ok {
			continue
		}
		a := &Arm{Timer: t, Pos: ra.pos, Reason: ra.reason, Doubling: ra.doubling}
		switch {
		case ra.doubling:
			if !once(doublingAt, t, ra.pos, "doubling") {
				continue
			}
		case ra.then != nil:
			if a.Then, ok = p.scope.durations.lookup(p, *ra.then); !ok || !once(thenAt, t, ra.pos, "then") {
				continue
			}
		case ra.with != nil:
			if a.With, ok = p.scope.durations.lookup(p, *ra.with); !ok {
				continue
			}
			a.Orphan = ra.orphan
			a.States = p.stateList(ra.states, "arm "+t.Name)
			for _, s := range a.States {
				for _, orphan := range []bool{false, true} {
					if !orphan && a.Orphan {
						continue
					}
					if at, dup := durationAt[cell{t, s, orphan}]; dup {
						p.errs.add(ra.pos, "arm %s in %s declared twice (first at line %d)", t.Name, s.Name, at.Line)
						break
					}
					durationAt[cell{t, s, orphan}] = ra.pos
				}
			}
		default:
			a.If = Condition(ra.cond.text)
			if !once(condAt, t, ra.pos, "if ...") {
				continue
			}
			if ra.unless != nil {
				if a.Unless, ok = p.scope.switches.lookup(p, *ra.unless); !ok {
					continue
				}
			}
		}
		p.sp.Arms = append(p.sp.Arms, a)
	}
}

// stateList resolves a list of state names, reporting an unknown state and
// one listed twice.
func (p *parser) stateList(ds []decl, what string) []*State {
	var out []*State
	listed := map[*State]bool{}
	for _, d := range ds {
		s, ok := p.scope.states.lookup(p, d)
		if !ok {
			continue
		}
		if listed[s] {
			p.errs.add(d.pos, "%s lists %s twice", what, s.Name)
			continue
		}
		listed[s] = true
		out = append(out, s)
	}
	return out
}

// ClassByName returns the class the spec names name, or nil.
func (sp *Spec) ClassByName(name string) *Class {
	for _, c := range sp.Classes {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// DurationIn returns the duration declared for timer t armed in state s,
// for an orphan or for a socket the application holds, by an arm ... with
// declaration (at most one covers it), or nil when t takes its own.
func (sp *Spec) DurationIn(t *Timer, s *State, orphan bool) *Duration {
	for _, a := range sp.Arms {
		if a.Timer != t || a.With == nil || a.Orphan && !orphan {
			continue
		}
		for _, x := range a.States {
			if x == s {
				return a.With
			}
		}
	}
	return nil
}

// ArmCondition returns the condition declared for timer t, or nil when t
// always runs.
func (sp *Spec) ArmCondition(t *Timer) *Arm {
	for _, a := range sp.Arms {
		if a.Timer == t && a.If != Always {
			return a
		}
	}
	return nil
}

// Doubles reports whether timer t backs off: each expiry doubles the
// interval it is re-armed with.
func (sp *Spec) Doubles(t *Timer) bool {
	for _, a := range sp.Arms {
		if a.Timer == t && a.Doubling {
			return true
		}
	}
	return false
}

// ThenDuration returns the duration timer t is re-armed with after an
// expiry, or nil when it keeps its own.
func (sp *Spec) ThenDuration(t *Timer) *Duration {
	for _, a := range sp.Arms {
		if a.Timer == t && a.Then != nil {
			return a.Then
		}
	}
	return nil
}
