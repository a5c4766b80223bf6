package spec

import (
	"strconv"
	"strings"
	"time"
)

// parseAdvice reads advice STATE "text": what many sockets in the state
// usually mean and what to do about them.
func (p *parser) parseAdvice(r *lineReader) {
	d, ok := r.name("a state name")
	if !ok {
		return
	}
	t := r.peek()
	if d.doc, ok = r.text("advice", "its text"); !ok {
		return
	}
	expandPlaceholders(d.doc, func(_ string, closed bool) string {
		if !closed {
			r.fail(t, "advice: \"{\" without \"}\": a placeholder is {TIMER} or {DURATION}")
		}
		return ""
	})
	r.end("the advice declaration")
	if !r.bad {
		p.advice = append(p.advice, rawAdvice{state: d, textPos: r.at(t)})
	}
}

// rawAdvice is an advice declaration: the state, with the text as its
// doc, and where the text begins.
type rawAdvice struct {
	state   decl
	textPos Pos
}

// resolveAdvice gives each state its advice, reporting an unknown state,
// a state advised twice and a placeholder that names no timer or
// duration.
func (p *parser) resolveAdvice() {
	first := map[*State]Pos{}
	for _, a := range p.advice {
		s, ok := p.scope.states.lookup(p, a.state)
		if !ok {
			continue
		}
		if at, dup := first[s]; dup {
			p.errs.add(a.state.pos, "advice for %s declared twice (first at line %d)", s.Name, at.Line)
			continue
		}
		first[s] = a.state.pos
		if p.checkPlaceholders(a) {
			s.Advice = a.state.doc
		}
	}
}

// checkPlaceholders reports a placeholder of a's text that names neither a
// timer nor a duration, at the text's start. (parseAdvice reported one
// left open.)
func (p *parser) checkPlaceholders(a rawAdvice) bool {
	ok := true
	expandPlaceholders(a.state.doc, func(name string, _ bool) string {
		if p.scope.timers.byKey[name] == nil && p.scope.durations.byKey[name] == nil {
			names := append(append([]string(nil), p.scope.timers.names...), p.scope.durations.names...)
			p.errs.add(a.textPos, "advice for %s: {%s} names no timer or duration%s", a.state.name, name, didYouMean(name, names))
			ok = false
		}
		return ""
	})
	return ok
}

// expandPlaceholders returns text with each {NAME} replaced by what
// value(NAME, true) returns; an unclosed "{" and what follows it are
// given to value with closed false, and replaced by what it returns.
func expandPlaceholders(text string, value func(name string, closed bool) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(value(text[i+1:], false))
			return b.String()
		}
		b.WriteString(value(text[i+1:i+j], true))
		text = text[i+j+1:]
	}
}

// AdviceUnder is s's advice with each placeholder, {TIMER} or {DURATION},
// replaced by the value profile p gives it: a duration as ReadableDuration
// writes it (60s, 2m, 924.6s), or "none". It is "" for a state without
// advice.
func (s *State) AdviceUnder(p *Profile) string {
	return expandPlaceholders(s.Advice, func(name string, closed bool) string {
		for _, v := range p.Values {
			if v.Name == name && (v.Timer != nil || v.Duration != nil) {
				if v.None {
					return "none"
				}
				return ReadableDuration(v.Length)
			}
		}
		return "{" + name // unreachable for a resolved spec
	})
}

// FormatDuration writes d as the spec writes durations: a whole number of
// the largest unit that holds it exactly (2h, 4m, 60s, 200ms).
func FormatDuration(d time.Duration) string { return formatDuration(d) }

// ReadableDuration writes d as the spec does (60s, 2m, 200ms), but a whole
// number of milliseconds above a second with a fraction of a second in
// seconds: 924.6s rather than 924600ms, for people to read.
func ReadableDuration(d time.Duration) string {
	if d >= time.Second && d%time.Millisecond == 0 && d%time.Second != 0 {
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
	}
	return formatDuration(d)
}
