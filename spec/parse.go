package spec

import (
	"bytes"
	"strings"
)

// keywords start declarations. They cannot be used as names.
var keywords = []string{
	"machine", "source", "state", "initial", "highlight", "event", "timer",
	"duration", "count", "switch", "segment", "signal", "in", "profile", "example",
	"giveup", "outside", "advice", "class", "arm",
}

// Limits keep generated types small: actions are a 64-bit set and switch
// sets index a table per combination.
const (
	maxActions  = 64
	maxSwitches = 6
	maxNames    = 250 // states, events, timers: each fits a byte beside the invalid zero
)

// Parse reads a spec from src, naming it file in positions. It returns the
// validated spec, or nil and an ErrorList with every problem found.
func Parse(file string, src []byte) (*Spec, error) {
	p := &parser{file: file, sp: &Spec{File: file, Source: src}}
	p.parse(src)
	if len(p.errs) == 0 {
		p.resolve()
	}
	if len(p.errs) == 0 {
		p.validate()
	}
	if len(p.errs) > 0 {
		p.errs.sort()
		return nil, p.errs
	}
	return p.sp, nil
}

// decl is a declared name before resolution.
type decl struct {
	name string
	doc  string
	pos  Pos
}

type rawRule struct {
	pos     Pos
	state   decl // from the enclosing "in"
	kind    EventKind
	kindPos Pos
	event   decl
	guardOn bool
	guard   *decl
	verdict Verdict
	next    decl
	actions []rawAction
	reason  string
	cite    *rawCite
	text    string
}

type rawAction struct {
	op   Op
	name decl
	pos  Pos
}

type rawCite struct {
	source decl
	text   string
}

// rawEvent is an app or rcv event's declaration.
type rawEvent struct {
	kind EventKind
	decl
}

type rawValue struct {
	name  decl
	value token
	pos   Pos // of the value
	cite  *rawCite
}

type rawProfile struct {
	decl
	values []rawValue
}

type parser struct {
	file string
	sp   *Spec
	errs ErrorList

	machine   *decl
	initial   *decl
	sources   []decl
	states    []decl
	highlight []decl
	events    []rawEvent
	timers    []decl
	giveups   []decl // the timer, and why it gives up as its doc
	durations []decl
	counts    []decl
	switches  []decl
	segments  []decl
	signals   []decl
	rules     []rawRule
	profiles  []*rawProfile
	example   []rawExampleStep
	outside   []rawOutside
	advice    []rawAdvice
	classes   []rawClass
	arms      []rawArm
	ins       []decl // the state of every "in" line
	firstLine int    // the first line that is not blank, a comment or "machine"

	scope scope // what resolve declared
}

// rawOutside is an "outside" declaration.
type rawOutside struct {
	pos    Pos // of the keyword
	kind   EventKind
	event  decl
	states []decl // after "in"; none when it covers every state
	reason string
}

// rawExampleStep is one event of the "example" walk.
type rawExampleStep struct {
	kind  EventKind
	event decl
}

func (p *parser) pos(line, col int) Pos { return Pos{File: p.file, Line: line, Col: col} }

// block is what the lines after an "in" or "profile" line belong to.
type block struct {
	kind  string      // "in", "profile", "bad" (its first line was reported: its lines are skipped), or "" (none)
	state decl        // the state of an "in" block
	prof  *rawProfile // the profile of a "profile" block
}

// parse reads src line by line into declarations, rules and profiles
// whose names are not yet resolved, reporting every syntax error.
func (p *parser) parse(src []byte) {
	var b block
	for n, raw := range bytes.Split(src, []byte("\n")) {
		p.parseLine(n+1, string(raw), &b)
	}
}

// parseLine reads line lineNo, which belongs to block b, or ends it and
// may begin another.
func (p *parser) parseLine(lineNo int, line string, b *block) {
	toks, col, msg := lexLine(line)
	if msg != "" {
		p.lexError(lineNo, col, msg, line, b)
		return
	}
	if toks[0].kind == tEOL {
		return
	}
	if p.firstLine == 0 && toks[0].text != "machine" {
		p.firstLine = lineNo
	}
	r := &lineReader{p: p, line: lineNo, toks: toks}
	switch first := toks[0]; {
	case first.kind != tName:
		r.fail(first, "expected a declaration or rule, found %s", first.describe())
	case isKeyword(first.text):
		p.parseDeclaration(r, b)
	default:
		p.parseBlockLine(r, line, b)
	}
}

// lexError reports a line that lexLine refused. A broken "in" or
// "profile" line hides its block: its lines are skipped rather than
// reported as misplaced.
func (p *parser) lexError(lineNo, col int, msg, line string, b *block) {
	p.errs.add(p.pos(lineNo, col), "%s", msg)
	if p.firstLine == 0 {
		p.firstLine = lineNo
	}
	if w := strings.Fields(line); len(w) > 0 && isKeyword(w[0]) {
		b.kind = "bad"
		if w[0] != "in" && w[0] != "profile" {
			b.kind = ""
		}
	}
}

// parseDeclaration reads a line that starts with a keyword. The line ends
// block b; an "in" or "profile" line begins another.
func (p *parser) parseDeclaration(r *lineReader, b *block) {
	kw := r.next()
	b.kind = ""
	switch kw.text {
	case "machine":
		p.parseMachine(r, kw)
	case "source", "state", "timer", "duration", "count", "switch", "segment", "signal":
		p.parseName(r, kw)
	case "initial":
		p.parseInitial(r, kw)
	case "highlight":
		for r.peek().kind != tEOL && !r.bad {
			if d, ok := r.name("a state name"); ok {
				p.highlight = append(p.highlight, d)
			}
		}
	case "event":
		p.parseEvent(r)
	case "giveup":
		p.parseGiveUp(r)
	case "example":
		p.parseExample(r)
	case "outside":
		p.parseOutside(r, kw)
	case "advice":
		p.parseAdvice(r)
	case "class":
		p.parseClass(r)
	case "arm":
		p.parseArm(r, kw)
	case "in":
		b.kind = "bad" // until the line is read
		if d, ok := r.name("a state name"); ok {
			r.end("the state name")
			*b = block{kind: "in", state: d}
			p.ins = append(p.ins, d)
		}
	case "profile":
		b.kind = "bad" // until the line is read
		if d, ok := r.docName("a profile name", "the profile declaration"); ok {
			*b = block{kind: "profile", prof: &rawProfile{decl: d}}
			p.profiles = append(p.profiles, b.prof)
		}
	}
}

// parseMachine reads machine NAME ["doc"], which comes first.
func (p *parser) parseMachine(r *lineReader, kw token) {
	d, ok := r.docName("the machine's name", "the machine declaration")
	if !ok {
		return
	}
	if p.machine != nil {
		r.fail(kw, "machine declared twice (first at line %d)", p.machine.pos.Line)
		return
	}
	if p.firstLine != 0 {
		r.fail(kw, "machine must be the first declaration (line %d comes before it)", p.firstLine)
	}
	p.machine = &d
}

// parseName reads KEYWORD NAME ["doc"], the declaration of a source, state,
// timer, duration, count, switch, segment or signal.
func (p *parser) parseName(r *lineReader, kw token) {
	if t := r.peek(); t.kind == tName && isKeyword(t.text) {
		r.fail(t, "%q is a keyword and cannot name a %s", t.text, kw.text)
		return
	}
	d, ok := r.docName("a "+kw.text+" name", "the "+kw.text+" declaration")
	if !ok {
		return
	}
	list := map[string]*[]decl{
		"source": &p.sources, "state": &p.states, "timer": &p.timers, "duration": &p.durations, "count": &p.counts,
		"switch": &p.switches, "segment": &p.segments, "signal": &p.signals,
	}[kw.text]
	*list = append(*list, d)
}

// parseInitial reads initial STATE.
func (p *parser) parseInitial(r *lineReader, kw token) {
	d, ok := r.name("the initial state")
	if !ok {
		return
	}
	r.end("the initial state")
	if p.initial != nil {
		r.fail(kw, "initial state declared twice (first at line %d)", p.initial.pos.Line)
		return
	}
	p.initial = &d
}

// parseEvent reads event app|rcv NAME ["doc"]. A timeout event is declared
// by its timer.
func (p *parser) parseEvent(r *lineReader) {
	kt := r.next()
	kind, ok := eventKind(kt)
	if !ok || kind == Timeout {
		if kt.kind == tName && kind == Timeout {
			r.fail(kt, "timeout events are declared by \"timer NAME\"")
		} else {
			r.fail(kt, "expected app or rcv, found %s%s", kt.describe(), didYouMean(kt.text, []string{"app", "rcv"}))
		}
		return
	}
	if d, ok := r.docName("an event name", "the event declaration"); ok {
		p.events = append(p.events, rawEvent{kind, d})
	}
}

// parseBlockLine reads a line that does not start with a keyword: a rule
// of an "in" block or a value of a profile, as block b says.
func (p *parser) parseBlockLine(r *lineReader, line string, b *block) {
	first := r.peek()
	_, rule := eventKind(first)
	if b.kind == "bad" && (rule || isValueLine(r.toks)) {
		return // a line of a block whose first line was reported
	}
	switch {
	case b.kind == "in":
		p.parseRule(r, b.state, strings.TrimSpace(line))
	case b.kind == "profile":
		p.parseValue(r, b.prof)
	case rule:
		r.fail(first, "rule outside any \"in STATE\" block")
	default:
		r.fail(first, "unknown keyword %q%s", first.text, didYouMean(first.text, keywords))
	}
	// A misspelt "in" or "profile" line is a broken one: its block is
	// skipped rather than reported line by line.
	if r.bad && !rule {
		if kw := closest(first.text, keywords); kw == "in" || kw == "profile" {
			b.kind = "bad"
		}
	}
}

func isKeyword(s string) bool {
	for _, k := range keywords {
		if s == k {
			return true
		}
	}
	return false
}

func eventKind(t token) (EventKind, bool) {
	if t.kind == tName {
		switch t.text {
		case "app":
			return App, true
		case "rcv":
			return Rcv, true
		case "timeout":
			return Timeout, true
		}
	}
	return 0, false
}

// parseExample reads "example EVENT; EVENT; ...": the walk from the initial
// state that the generated package's Example prints.
func (p *parser) parseExample(r *lineReader) {
	if len(p.example) > 0 {
		r.fail(r.toks[0], "example declared twice")
		return
	}
	var steps []rawExampleStep
	for {
		kt := r.next()
		kind, ok := eventKind(kt)
		if !ok {
			r.fail(kt, "expected app, rcv or timeout, found %s", kt.describe())
			return
		}
		d, ok := r.name("an event name")
		if !ok {
			return
		}
		steps = append(steps, rawExampleStep{kind, d})
		if r.peek().kind != tSemi {
			break
		}
		r.next()
	}
	r.end("the example")
	if !r.bad {
		p.example = steps
	}
}
