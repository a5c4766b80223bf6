package spec

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// keywords start declarations. They cannot be used as names.
var keywords = []string{
	"machine", "source", "state", "initial", "highlight", "event", "timer",
	"duration", "switch", "segment", "signal", "in", "profile", "example",
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
	events    []struct {
		kind EventKind
		decl
	}
	timers    []decl
	durations []decl
	switches  []decl
	segments  []decl
	signals   []decl
	rules     []rawRule
	profiles  []*rawProfile
	example   []rawExampleStep
	ins       []decl // the state of every "in" line
	firstLine int    // the first line that is not blank, a comment or "machine"

	scope scope // what resolve declared
}

// rawExampleStep is one event of the "example" walk.
type rawExampleStep struct {
	kind  EventKind
	event decl
}

func (p *parser) pos(line, col int) Pos { return Pos{File: p.file, Line: line, Col: col} }

// lineReader walks the tokens of one line.
type lineReader struct {
	p    *parser
	line int
	toks []token
	i    int
	bad  bool // a problem was reported on this line
}

func (r *lineReader) peek() token { return r.toks[r.i] }
func (r *lineReader) next() token {
	t := r.toks[r.i]
	if t.kind != tEOL {
		r.i++
	}
	return t
}
func (r *lineReader) at(t token) Pos { return r.p.pos(r.line, t.col) }

func (r *lineReader) fail(t token, format string, args ...any) {
	if !r.bad {
		r.p.errs.add(r.at(t), format, args...)
	}
	r.bad = true
}

// name reads a name, or reports what was found instead of what.
func (r *lineReader) name(what string) (decl, bool) {
	t := r.next()
	if t.kind != tName {
		r.fail(t, "expected %s, found %s", what, t.describe())
		return decl{}, false
	}
	return decl{name: t.text, pos: r.at(t)}, true
}

// optString reads an optional string.
func (r *lineReader) optString() string {
	if r.peek().kind == tString {
		return r.next().text
	}
	return ""
}

// end reports anything left on the line.
func (r *lineReader) end(after string) {
	if t := r.peek(); t.kind != tEOL {
		r.fail(t, "unexpected %s after %s", strings.TrimPrefix(t.describe(), "a "), after)
	}
}

// optCite reads an optional citation "[SOURCE text]".
func (r *lineReader) optCite() *rawCite {
	if r.peek().kind != tCite {
		return nil
	}
	t := r.next()
	words := strings.Fields(t.text)
	if len(words) == 0 {
		r.fail(t, "empty citation: name a source, like [RFC9293 3.10.7.4]")
		return nil
	}
	src := decl{name: words[0], pos: Pos{File: r.p.file, Line: r.line, Col: t.col + 1 + strings.Index(t.text, words[0])}}
	return &rawCite{source: src, text: strings.Join(words[1:], " ")}
}

func (p *parser) parse(src []byte) {
	var block string // "in" or "profile"
	var inState decl
	var prof *rawProfile
	lines := bytes.Split(src, []byte("\n"))
	for n, raw := range lines {
		lineNo := n + 1
		line := string(raw)
		toks, col, msg := lexLine(line)
		if msg != "" {
			p.errs.add(p.pos(lineNo, col), "%s", msg)
			if p.firstLine == 0 {
				p.firstLine = lineNo
			}
			// A broken "in" or "profile" line hides its block: its lines
			// are skipped rather than reported as misplaced.
			if w := strings.Fields(line); len(w) > 0 && isKeyword(w[0]) {
				block = "bad"
				if w[0] != "in" && w[0] != "profile" {
					block = ""
				}
			}
			continue
		}
		if toks[0].kind == tEOL {
			continue
		}
		if p.firstLine == 0 && toks[0].text != "machine" {
			p.firstLine = lineNo
		}
		r := &lineReader{p: p, line: lineNo, toks: toks}
		first := toks[0]
		if first.kind != tName {
			r.fail(first, "expected a declaration or rule, found %s", first.describe())
			continue
		}
		if isKeyword(first.text) {
			block = ""
			if first.text == "in" || first.text == "profile" {
				block = "bad" // until the line is read
			}
			r.next()
			switch first.text {
			case "machine":
				d, ok := r.name("the machine's name")
				if !ok {
					continue
				}
				d.doc = r.optString()
				r.end("the machine declaration")
				if p.machine != nil {
					r.fail(first, "machine declared twice (first at line %d)", p.machine.pos.Line)
					continue
				}
				if p.firstLine != 0 {
					r.fail(first, "machine must be the first declaration (line %d comes before it)", p.firstLine)
				}
				p.machine = &d
			case "source", "state", "timer", "duration", "switch", "segment", "signal":
				d, ok := r.name("a " + first.text + " name")
				if !ok {
					continue
				}
				if isKeyword(d.name) {
					r.fail(toks[1], "%q is a keyword and cannot name a %s", d.name, first.text)
					continue
				}
				d.doc = r.optString()
				r.end("the " + first.text + " declaration")
				switch first.text {
				case "source":
					p.sources = append(p.sources, d)
				case "state":
					p.states = append(p.states, d)
				case "timer":
					p.timers = append(p.timers, d)
				case "duration":
					p.durations = append(p.durations, d)
				case "switch":
					p.switches = append(p.switches, d)
				case "segment":
					p.segments = append(p.segments, d)
				case "signal":
					p.signals = append(p.signals, d)
				}
			case "initial":
				d, ok := r.name("the initial state")
				if !ok {
					continue
				}
				r.end("the initial state")
				if p.initial != nil {
					r.fail(first, "initial state declared twice (first at line %d)", p.initial.pos.Line)
					continue
				}
				p.initial = &d
			case "highlight":
				for r.peek().kind != tEOL && !r.bad {
					if d, ok := r.name("a state name"); ok {
						p.highlight = append(p.highlight, d)
					}
				}
			case "event":
				kt := r.next()
				kind, ok := eventKind(kt)
				if !ok || kind == Timeout {
					if kt.kind == tName && kind == Timeout {
						r.fail(kt, "timeout events are declared by \"timer NAME\"")
					} else {
						r.fail(kt, "expected app or rcv, found %s%s", kt.describe(), didYouMean(kt.text, []string{"app", "rcv"}))
					}
					continue
				}
				d, ok := r.name("an event name")
				if !ok {
					continue
				}
				d.doc = r.optString()
				r.end("the event declaration")
				p.events = append(p.events, struct {
					kind EventKind
					decl
				}{kind, d})
			case "example":
				p.parseExample(r)
			case "in":
				d, ok := r.name("a state name")
				if !ok {
					continue
				}
				r.end("the state name")
				block, inState = "in", d
				p.ins = append(p.ins, d)
			case "profile":
				d, ok := r.name("a profile name")
				if !ok {
					continue
				}
				d.doc = r.optString()
				r.end("the profile declaration")
				prof = &rawProfile{decl: d}
				p.profiles = append(p.profiles, prof)
				block = "profile"
			}
			continue
		}
		_, rule := eventKind(first)
		if block == "bad" && (rule || isValueLine(toks)) {
			continue // a line of a block whose first line was reported
		}
		switch block {
		case "in":
			p.parseRule(r, inState, strings.TrimSpace(line))
		case "profile":
			p.parseValue(r, prof)
		default:
			if _, ok := eventKind(first); ok {
				r.fail(first, "rule outside any \"in STATE\" block")
			} else {
				r.fail(first, "unknown keyword %q%s", first.text, didYouMean(first.text, keywords))
			}
		}
		// A misspelt "in" or "profile" line is a broken one: its block is
		// skipped rather than reported line by line.
		if r.bad && !rule {
			if kw := closest(first.text, keywords); kw == "in" || kw == "profile" {
				block = "bad"
			}
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
		rt := r.next()
		if rt.kind != tString {
			r.fail(rt, "%s needs a reason in quotes, found %s", t.text, rt.describe())
			return
		}
		if strings.TrimSpace(rt.text) == "" {
			r.fail(rt, "%s needs a reason: the quotes are empty", t.text)
			return
		}
		rr.reason = rt.text
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

// isValueLine reports whether toks have the shape of a profile value,
// NAME VALUE [CITATION].
func isValueLine(t []token) bool {
	return len(t) >= 3 && t[0].kind == tName && (t[1].kind == tName || t[1].kind == tNumber) &&
		(t[2].kind == tEOL || t[2].kind == tCite && t[3].kind == tEOL)
}

func isAction(s string) bool {
	switch s {
	case "send", "start", "restart", "stop", "tell":
		return true
	}
	return false
}

// parseValue reads NAME VALUE [CITATION] inside a profile.
func (p *parser) parseValue(r *lineReader, prof *rawProfile) {
	// A line that is not NAME VALUE [CITATION] may be a rule that lost its
	// "in" line, or a misspelt keyword that was meant to end the profile.
	if t, n := r.toks, len(r.toks); !isValueLine(t) {
		if _, ok := eventKind(t[0]); ok && n >= 4 && t[1].kind == tName && (t[2].kind == tName || t[2].kind == tArrow) {
			r.fail(t[0], "rule inside profile %s: rules belong under an \"in STATE\" line", prof.name)
			return
		}
		if hint := didYouMean(t[0].text, keywords); hint != "" {
			r.fail(t[0], "unknown keyword %q%s", t[0].text, hint)
			return
		}
	}
	d, ok := r.name("a timer, duration or switch name")
	if !ok {
		return
	}
	v := r.next()
	if v.kind != tName && v.kind != tNumber {
		r.fail(v, "expected a value (a duration, none, on or off) for %s, found %s", d.name, v.describe())
		return
	}
	rv := rawValue{name: d, value: v, pos: r.at(v)}
	rv.cite = r.optCite()
	if r.bad {
		return
	}
	if rv.cite == nil && r.peek().kind == tEOL {
		r.fail(r.peek(), "missing citation: every profile value cites its source, like [linux include/net/tcp.h]")
		return
	}
	r.end("the value")
	if !r.bad {
		prof.values = append(prof.values, rv)
	}
}

// parseDuration reads a positive duration such as 60s, 2m or 200ms.
func parseDuration(s string) (time.Duration, string) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Sprintf("invalid duration %q: want a number and a unit, like 200ms, 60s, 2m or 2h", s)
	}
	if d <= 0 {
		return 0, fmt.Sprintf("duration %q must be positive; write none for no timer", s)
	}
	return d, ""
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
