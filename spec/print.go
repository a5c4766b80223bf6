package spec

import (
	"strconv"
	"strings"
	"time"
)

// Print returns the canonical text of sp: the declarations in a fixed
// order (machine, sources, states, initial, highlight, app and rcv events,
// timers, a giveup line per timer that gives up in timer order, durations, counts,
// switches, segments, signals, example, then the outside declarations in
// sp.Outside order, then an advice line per state that has one, in state
// order, the last declarations before the rules), then one
// "in STATE" block per run of consecutive rules with the same state, in
// sp.Rules order, then the profiles, columns aligned as Format aligns them.
// The text parses back to a spec that decides every cell as sp does, and
// Print of that spec is the same text. Positions, comments and the rules'
// Text are not part of the IR and are not printed; a timeout event is
// implied by its timer.
func Print(sp *Spec) []byte {
	var lines []fline
	blank := func() {
		if len(lines) > 0 && lines[len(lines)-1].kind != lBlank {
			lines = append(lines, fline{kind: lBlank})
		}
	}
	decl := func(keyword, head, doc string) {
		l := fline{kind: lDecl, keyword: keyword, cols: []string{keyword + " " + head}}
		if doc != "" {
			l.cols = append(l.cols, quote(doc))
		}
		lines = append(lines, l)
	}
	section := func(keyword string, n int, item func(i int) (string, string)) {
		if n == 0 {
			return
		}
		blank()
		for i := range n {
			head, doc := item(i)
			decl(keyword, head, doc)
		}
	}

	decl("machine", sp.Machine, sp.Doc)
	section("source", len(sp.Sources), func(i int) (string, string) { return sp.Sources[i].Name, sp.Sources[i].Doc })
	section("state", len(sp.States), func(i int) (string, string) { return sp.States[i].Name, sp.States[i].Doc })
	if sp.Initial != nil {
		decl("initial", sp.Initial.Name, "")
	}
	if len(sp.Highlight) > 0 {
		names := make([]string, len(sp.Highlight))
		for i, s := range sp.Highlight {
			names[i] = s.Name
		}
		decl("highlight", strings.Join(names, " "), "")
	}
	var events []*Event
	for _, e := range sp.Events {
		if e.Kind != Timeout {
			events = append(events, e)
		}
	}
	section("event", len(events), func(i int) (string, string) { return events[i].String(), events[i].Doc })
	section("timer", len(sp.Timers), func(i int) (string, string) { return sp.Timers[i].Name, sp.Timers[i].Doc })
	var giveups []*Timer
	for _, t := range sp.Timers {
		if t.GiveUp != "" {
			giveups = append(giveups, t)
		}
	}
	section("giveup", len(giveups), func(i int) (string, string) { return giveups[i].Name, giveups[i].GiveUp })
	section("duration", len(sp.Durations), func(i int) (string, string) { return sp.Durations[i].Name, sp.Durations[i].Doc })
	section("count", len(sp.Counts), func(i int) (string, string) { return sp.Counts[i].Name, sp.Counts[i].Doc })
	section("switch", len(sp.Switches), func(i int) (string, string) { return sp.Switches[i].Name, sp.Switches[i].Doc })
	section("segment", len(sp.Segments), func(i int) (string, string) { return sp.Segments[i].Name, sp.Segments[i].Doc })
	section("signal", len(sp.Signals), func(i int) (string, string) { return sp.Signals[i].Name, sp.Signals[i].Doc })
	if len(sp.Example) > 0 {
		steps := make([]string, len(sp.Example))
		for i, e := range sp.Example {
			steps[i] = e.String()
		}
		blank()
		decl("example", strings.Join(steps, "; "), "")
	}
	section("outside", len(sp.Outside), func(i int) (string, string) { return outsideHead(sp.Outside[i]), sp.Outside[i].Reason })
	var advised []*State
	for _, s := range sp.States {
		if s.Advice != "" {
			advised = append(advised, s)
		}
	}
	section("advice", len(advised), func(i int) (string, string) { return advised[i].Name, advised[i].Advice })
	section("class", len(sp.Classes), func(i int) (string, string) { return classHead(sp.Classes[i]), sp.Classes[i].Doc })
	section("arm", len(sp.Arms), func(i int) (string, string) { return armHead(sp.Arms[i]), sp.Arms[i].Reason })

	var in *State
	for _, r := range sp.Rules {
		if r.State != in || in == nil {
			in = r.State
			blank()
			decl("in", in.Name, "")
		}
		event := r.Event.String()
		if r.Guard != nil {
			event += " " + r.Guard.String()
		}
		lines = append(lines, fline{kind: lMember, keyword: "in", cols: []string{event, ruleOutcome(r), "[" + r.Cite.String() + "]"}})
	}

	for _, p := range sp.Profiles {
		blank()
		decl("profile", p.Name, p.Doc)
		for _, v := range p.Values {
			lines = append(lines, fline{kind: lMember, keyword: "profile", cols: []string{v.Name, valueText(v), "[" + v.Cite.String() + "]"}})
		}
		for _, f := range p.Findings {
			lines = append(lines, fline{kind: lMember, keyword: "profile", cols: []string{FindingKeyword, f.Property, "[" + f.Cite.String() + "]"}})
		}
	}
	return render(lines)
}

// classHead is a class declaration before its doc: the name and states.
func classHead(c *Class) string {
	head := c.Name
	for _, s := range c.States {
		head += " " + s.Name
	}
	return head
}

// armHead is an arm declaration before its reason.
func armHead(a *Arm) string {
	head := a.Timer.Name
	if a.With != nil {
		head += " with " + a.With.Name + " in"
		for _, s := range a.States {
			head += " " + s.Name
		}
		if a.Orphan {
			head += " if orphan"
		}
		return head
	}
	switch {
	case a.Doubling:
		return head + " doubling"
	case a.Then != nil:
		return head + " then " + a.Then.Name
	}
	head += " if " + string(a.If)
	if a.Unless != nil {
		head += " unless " + a.Unless.Name
	}
	return head
}

// outsideHead is what an outside declaration covers, as the spec writes
// it: "rcv SYN" or "rcv SYN in LISTEN SYN_SENT".
func outsideHead(o *Outside) string {
	head := o.Event.String()
	if o.States != nil {
		head += " in"
		for _, s := range o.States {
			head += " " + s.Name
		}
	}
	return head
}

// ruleOutcome is a rule's outcome as the spec writes it: "-> NEXT actions
// "note"", "ignore "reason"" or "reject "reason" actions".
func ruleOutcome(r *Rule) string {
	var b strings.Builder
	switch r.Verdict {
	case Move:
		b.WriteString("-> " + r.Next.Name)
		if len(r.Actions) > 0 {
			b.WriteString(" " + r.ActionString())
		}
		if r.Reason != "" {
			b.WriteString(" " + quote(r.Reason))
		}
	case Ignore:
		b.WriteString("ignore " + quote(r.Reason))
	case Reject:
		b.WriteString("reject " + quote(r.Reason))
		if len(r.Actions) > 0 {
			b.WriteString(" " + r.ActionString())
		}
	}
	return b.String()
}

// valueText is a profile value as the spec writes it: on, off, none, a
// number or a duration.
func valueText(v *Value) string {
	switch {
	case v.Switch != nil && v.On:
		return "on"
	case v.Switch != nil:
		return "off"
	case v.None:
		return "none"
	case v.Count != nil:
		return strconv.Itoa(v.N)
	}
	return formatDuration(v.Length)
}

// quote returns s as a spec string: in double quotes, with " and \ escaped
// as \" and \\, the only escapes the lexer reads. (A spec string cannot
// hold a newline: the language is line-oriented.)
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// durationUnits are the units formatDuration writes, largest first, and
// the least count each is written with: a single minute or hour is 60s or
// 60m, as kernels and RFCs state them (TCP_TIMEWAIT_LEN is "60 s").
var durationUnits = []struct {
	name string
	d    time.Duration
	min  time.Duration
}{
	{"h", time.Hour, 2}, {"m", time.Minute, 2}, {"s", time.Second, 1},
	{"ms", time.Millisecond, 1}, {"us", time.Microsecond, 1}, {"ns", time.Nanosecond, 1},
}

// formatDuration writes d as a whole number of the largest unit that holds
// it exactly (hours and minutes from 2 on): 2h, 4m, 60s, 90s, 200ms,
// 924600ms, 1500us. time.ParseDuration reads it back to d. It does not use
// time.Duration.String: its "1m0s" parses back too but is longer, and below
// a millisecond it writes "µs", which the spec's lexer does not read
// (numbers are ASCII).
func formatDuration(d time.Duration) string {
	for _, u := range durationUnits {
		if d%u.d == 0 && (d/u.d >= u.min || d/u.d <= -u.min) {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(d), 10) + "ns"
}
