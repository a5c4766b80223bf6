package spec

import (
	"fmt"
	"strconv"
	"time"
)

// isValueLine reports whether toks have the shape of a profile value,
// NAME VALUE [CITATION].
func isValueLine(t []token) bool {
	return len(t) >= 3 && t[0].kind == tName && (t[1].kind == tName || t[1].kind == tNumber) &&
		(t[2].kind == tEOL || t[2].kind == tCite && t[3].kind == tEOL)
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
	d, ok := r.name("a timer, duration, count or switch name")
	if !ok {
		return
	}
	v := r.next()
	if v.kind != tName && v.kind != tNumber {
		r.fail(v, "expected a value (a duration, a number, none, on or off) for %s, found %s", d.name, v.describe())
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

// maxCount bounds a count: a model counts up to it in 20 bits of a state,
// and no count of TCP comes near it.
const maxCount = 1000000

// parseCount reads a positive whole number such as 5, written plainly
// (no sign, no leading zero), or says what is wrong with s.
func parseCount(s string) (int, string) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxCount || strconv.Itoa(n) != s {
		return 0, fmt.Sprintf("wants a whole number from 1 to %d or none, not %q", maxCount, s)
	}
	return n, ""
}

// resolveProfiles resolves every profile, and reports a spec without one.
func (p *parser) resolveProfiles() {
	sp := p.sp
	profiles := newNamespace[*Profile]("profile")
	for _, rp := range p.profiles {
		prof := &Profile{Name: rp.name, Doc: rp.doc, Pos: rp.pos}
		if !profiles.declare(p, rp.decl, prof) {
			continue
		}
		sp.Profiles = append(sp.Profiles, prof)
		p.resolveProfile(prof, rp.values)
	}
	if len(sp.Profiles) == 0 && len(p.errs) == 0 {
		p.errs.add(p.pos(1, 1), "no profiles declared: a spec needs at least one")
	}
}

// resolveProfile resolves the values and findings of profile prof,
// reporting a name set twice and a timer, duration, count or switch left
// out.
func (p *parser) resolveProfile(prof *Profile, values []rawValue) {
	seen := map[string]Pos{} // what the profile has set so far, findings as "finding P3"
	for _, rv := range values {
		if rv.name.name == FindingKeyword {
			p.finding(prof, rv, seen)
			continue
		}
		name := rv.name.name
		if first, dup := seen[name]; dup {
			p.errs.add(rv.name.pos, "profile %s sets %s twice (first at line %d)", prof.Name, name, first.Line)
			continue
		}
		seen[name] = rv.name.pos
		if p.scope.clash[name] {
			continue // reported at the declaration
		}
		if v := p.profileValue(prof, rv); v != nil {
			prof.Values = append(prof.Values, v)
		}
	}
	p.missingValues(prof, seen)
}

// profileValue resolves NAME VALUE [CITATION] in profile prof: a switch
// on or off, a timer or duration a positive duration or none, a count a
// positive whole number or none. It reports what is wrong and returns nil.
func (p *parser) profileValue(prof *Profile, rv rawValue) *Value {
	ns := &p.scope
	name, val := rv.name.name, rv.value
	v := &Value{Name: name, Pos: rv.name.pos, Timer: ns.timers.byKey[name], Duration: ns.durations.byKey[name], Count: ns.counts.byKey[name], Switch: ns.switches.byKey[name]}
	switch {
	case v.Switch != nil:
		switch {
		case val.kind == tName && val.text == "on":
			v.On = true
		case val.kind == tName && val.text == "off":
		default:
			p.errs.add(rv.pos, "switch %s wants on or off, not %q", name, val.text)
			return nil
		}
	case v.Count != nil:
		if val.kind == tName && val.text == "none" {
			v.None = true
			break
		}
		n, msg := parseCount(val.text)
		if msg != "" {
			p.errs.add(rv.pos, "count %s %s", name, msg)
			return nil
		}
		v.N = n
	case v.Timer != nil || v.Duration != nil:
		if val.kind == tName && val.text == "none" {
			v.None = true
			break
		}
		if val.kind == tName {
			kind := "timer"
			if v.Timer == nil {
				kind = "duration"
			}
			p.errs.add(rv.pos, "%s %s wants a duration or none, not %q", kind, name, val.text)
			return nil
		}
		d, msg := parseDuration(val.text)
		if msg != "" {
			p.errs.add(rv.pos, "%s", msg)
			return nil
		}
		v.Length = d
	default:
		all := append(append(append(append([]string{FindingKeyword}, ns.timers.names...), ns.durations.names...), ns.counts.names...), ns.switches.names...)
		p.errs.add(rv.name.pos, "profile %s: unknown timer, duration, count or switch %q%s", prof.Name, name, didYouMean(name, all))
		return nil
	}
	v.Cite = p.cite(rv.cite)
	return v
}

// missingValues reports each timer, duration and switch that profile prof
// does not set, but for those reported at their declaration.
func (p *parser) missingValues(prof *Profile, seen map[string]Pos) {
	sp := p.sp
	missing := func(name string) bool {
		_, ok := seen[name]
		return !ok && !p.scope.clash[name]
	}
	for _, t := range sp.Timers {
		if missing(t.Name) {
			p.errs.add(prof.Pos, "profile %s has no value for timer %s (give a duration or none)", prof.Name, t.Name)
		}
	}
	for _, d := range sp.Durations {
		if missing(d.Name) {
			p.errs.add(prof.Pos, "profile %s has no value for duration %s (give a duration or none)", prof.Name, d.Name)
		}
	}
	for _, c := range sp.Counts {
		if missing(c.Name) {
			p.errs.add(prof.Pos, "profile %s has no value for count %s (give a number or none)", prof.Name, c.Name)
		}
	}
	for _, s := range sp.Switches {
		if missing(s.Name) {
			p.errs.add(prof.Pos, "profile %s has no value for switch %s (give on or off)", prof.Name, s.Name)
		}
	}
}

// finding resolves "finding PROPERTY [CITATION]" in profile prof: a
// property the profile is known to break, and the cause. seen holds what
// the profile has set so far, findings as "finding P3".
func (p *parser) finding(prof *Profile, rv rawValue, seen map[string]Pos) {
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
	prof.Findings = append(prof.Findings, &Finding{Property: id, Pos: rv.pos, Cite: p.cite(rv.cite)})
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
