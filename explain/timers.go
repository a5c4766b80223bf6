package explain

import (
	"slices"
	"strings"
	"unicode"

	"github.com/tcpfsm/tcpfsm/spec"
)

// timers lists the timers that can run in s under profile p, in spec
// order, each with its value under p and under the RFC's (RFCOf), and what its
// expiry does in s. A timer the profile sets to none never ends s.
func timers(sp *spec.Spec, s *spec.State, p *spec.Profile) []Timer {
	sw := p.Switches()
	rfc := RFCOf(sp)
	running := Running(sp, sw)[s]
	out := []Timer{}
	for _, t := range sp.Timers {
		if !running[t] {
			continue
		}
		v := p.TimerValue(t)
		x := Timer{Timer: t.Name, Doc: t.Doc, Value: Value(v), GivesUp: t.GiveUp, Related: related(sp, t, p)}
		if v != nil {
			x.Cite = v.Cite.String()
		}
		if rfc != nil {
			rv := rfc.TimerValue(t)
			x.RFC, x.RFCCite = Value(rv), rv.Cite.String()
		}
		if r := sp.Decide(s, t.Event, sw); r != nil && r.Verdict == spec.Move {
			rule := ruleOf(r)
			x.OnExpiry, x.Ends = &rule, r.Next != s && x.Value != "none"
		}
		out = append(out, x)
	}
	return out
}

// related lists the durations that t's doc names, as a word, with their
// values under p: the spec says there how the runtime uses them with t.
func related(sp *spec.Spec, t *spec.Timer, p *spec.Profile) []Named {
	words := strings.FieldsFunc(t.Doc, func(r rune) bool { return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []Named
	for _, d := range sp.Durations {
		if slices.Contains(words, d.Name) {
			out = append(out, Named{d.Name, Value(p.DurationValue(d))})
		}
	}
	return out
}

// Running returns, for each state, the timers that can be running in it
// under the switch set sw: none in the initial state, and after each
// transition those running before it, less the one that expired and those
// it stops, plus those it starts or restarts. A timer's expiry is a
// transition only where the timer can be running.
func Running(sp *spec.Spec, sw uint64) map[*spec.State]map[*spec.Timer]bool {
	running := map[*spec.State]map[*spec.Timer]bool{sp.Initial: {}}
	work := []*spec.State{sp.Initial}
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		for _, e := range sp.Events {
			r := sp.Decide(s, e, sw)
			if r == nil || r.Verdict != spec.Move || (e.Timer != nil && !running[s][e.Timer]) {
				continue
			}
			after := map[*spec.Timer]bool{}
			for t := range running[s] {
				after[t] = t != e.Timer
			}
			for _, a := range r.Actions {
				switch a.Op {
				case spec.Start, spec.Restart:
					after[a.Timer] = true
				case spec.Stop:
					after[a.Timer] = false
				}
			}
			if merge(running, r.Next, after) {
				work = append(work, r.Next)
			}
		}
	}
	return running
}

// merge adds the timers set in after to those running in s, and reports
// whether s is new or gained one.
func merge(running map[*spec.State]map[*spec.Timer]bool, s *spec.State, after map[*spec.Timer]bool) bool {
	cur, seen := running[s]
	if !seen {
		cur = map[*spec.Timer]bool{}
		running[s] = cur
	}
	changed := !seen
	for t, on := range after {
		if on && !cur[t] {
			cur[t], changed = true, true
		}
	}
	return changed
}
