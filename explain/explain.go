// Package explain says what a state of a spec means to an operator, under
// one profile: its doc, the rules that enter and leave it with their
// citations, what it waits for, the timers that can run in it with their
// durations next to the RFC's, and the spec's advice for a pile of sockets
// in it. Every sentence comes from the spec.
package explain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/spec"
)

// RFCProfile is the profile whose values are shown next to the profile
// explained: the RFC as written.
const RFCProfile = "rfc9293"

// RFCOf is the profile of sp that stands for its RFC as written:
// RFCProfile, or for another protocol's spec the first profile named
// "rfc" and a number (rfc9260 for SCTP); nil if it has none.
func RFCOf(sp *spec.Spec) *spec.Profile {
	if p := sp.Profile(RFCProfile); p != nil {
		return p
	}
	for _, p := range sp.Profiles {
		if n, ok := strings.CutPrefix(p.Name, "rfc"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return p
		}
	}
	return nil
}

// State is what a state means under a profile.
type State struct {
	State    string  `json:"state"`
	Profile  string  `json:"profile"`
	Doc      string  `json:"doc"`
	Advice   string  `json:"advice,omitempty"` // placeholders filled in from the profile
	Enter    []Rule  `json:"enter"`            // the rules of other states that move into it
	WaitsFor []Wait  `json:"waits_for"`        // the events that move it elsewhere, by who causes them
	Leave    []Rule  `json:"leave"`            // the rules that move it elsewhere
	Timers   []Timer `json:"timers"`           // the timers that can run in it

	rfc string // the name of the RFC's profile (RFCOf), for the text
}

// Rule is one rule of the spec, where it stands and what it cites.
type Rule struct {
	From    string `json:"from"`
	Event   string `json:"event"`
	Guard   string `json:"guard,omitempty"` // "if rfc1337": the rule holds under the profile because of it
	To      string `json:"to"`
	Actions string `json:"actions,omitempty"`
	At      string `json:"at"` // FILE:LINE of the rule in the spec
	Cite    string `json:"cite"`
}

// Wait is what a state waits for from one party: the peer's segments, the
// application's calls, or timers.
type Wait struct {
	From   string  `json:"from"` // "the peer", "the application", "a timer"
	Events []Event `json:"events"`
}

// Event is an event with its doc.
type Event struct {
	Event string `json:"event"`
	Doc   string `json:"doc"`
}

// Timer is a timer that can run in a state, under the profile and the RFC.
type Timer struct {
	Timer    string  `json:"timer"`
	Doc      string  `json:"doc"`
	Value    string  `json:"value"`               // under the profile: a duration or "none"
	Cite     string  `json:"cite"`                // where the profile's value comes from
	RFC      string  `json:"rfc,omitempty"`       // under RFCProfile
	RFCCite  string  `json:"rfc_cite,omitempty"`  // where the RFC's value comes from
	GivesUp  string  `json:"gives_up,omitempty"`  // why its expiry may end the connection (giveup)
	Related  []Named `json:"related,omitempty"`   // the durations its doc names, under the profile (r2_syn for r2)
	OnExpiry *Rule   `json:"on_expiry,omitempty"` // the rule its expiry fires here
	Ends     bool    `json:"ends"`                // its expiry moves the state elsewhere
}

// Named is a duration's value under a profile.
type Named struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Explain says what state s of sp means under profile p. A rule that a
// switch guard rules out under p is left out.
func Explain(sp *spec.Spec, s *spec.State, p *spec.Profile) *State {
	sw := p.Switches()
	x := &State{State: s.Name, Profile: p.Name, Doc: s.Doc, Advice: s.AdviceUnder(p),
		Enter: []Rule{}, Leave: []Rule{}, WaitsFor: []Wait{}, Timers: []Timer{}}
	if rfc := RFCOf(sp); rfc != nil {
		x.rfc = rfc.Name
	}
	for _, r := range sp.Rules {
		if !r.Guard.Holds(sw) || r.Verdict != spec.Move || r.Next == r.State || !fires(r.Event, p) {
			continue
		}
		switch {
		case r.Next == s:
			x.Enter = append(x.Enter, ruleOf(r))
		case r.State == s:
			x.Leave = append(x.Leave, ruleOf(r))
		}
	}
	x.WaitsFor = waits(sp, s, p)
	x.Timers = timers(sp, s, p)
	return x
}

// All explains every state of sp under p, in spec order.
func All(sp *spec.Spec, p *spec.Profile) []*State {
	out := make([]*State, len(sp.States))
	for i, s := range sp.States {
		out[i] = Explain(sp, s, p)
	}
	return out
}

// ruleOf is r as an explanation shows it.
func ruleOf(r *spec.Rule) Rule {
	x := Rule{From: r.State.Name, Event: r.Event.String(), To: r.Next.Name, Actions: r.ActionString(),
		At: fmt.Sprintf("%s:%d", r.Pos.File, r.Pos.Line), Cite: r.Cite.String()}
	if r.Guard != nil {
		x.Guard = r.Guard.String()
	}
	return x
}

// RuleOf is r as an explanation shows it, for reports that cite a rule.
func RuleOf(r *spec.Rule) Rule { return ruleOf(r) }

// parties name who causes each kind of event.
var parties = []struct {
	kind spec.EventKind
	who  string
}{{spec.Rcv, "the peer"}, {spec.App, "the application"}, {spec.Timeout, "a timer"}}

// fires reports whether event e can happen under p: any event but the
// expiry of a timer that p sets to none.
func fires(e *spec.Event, p *spec.Profile) bool {
	if e.Timer == nil {
		return true
	}
	v := p.TimerValue(e.Timer)
	return v != nil && !v.None
}

// waits lists the events whose rules move s elsewhere under p, by party.
func waits(sp *spec.Spec, s *spec.State, p *spec.Profile) []Wait {
	out := []Wait{}
	for _, party := range parties {
		w := Wait{From: party.who}
		for _, e := range sp.Events {
			if e.Kind != party.kind || !fires(e, p) {
				continue
			}
			if r := sp.Decide(s, e, p.Switches()); r != nil && r.Verdict == spec.Move && r.Next != s {
				doc := e.Doc
				if e.Timer != nil {
					doc = e.Timer.Doc
				}
				w.Events = append(w.Events, Event{Event: e.String(), Doc: doc})
			}
		}
		if len(w.Events) > 0 {
			out = append(out, w)
		}
	}
	return out
}

// Lookup finds the state called name in sp, read leniently as operators'
// tools write states: in any case, with "-" for "_", with or without the
// underscores (FIN_WAIT2), or shortened as only one state's name can be,
// keeping its first letter and the order of the others (ESTAB, SYN-RECV).
// It returns an error that lists the states when none or several match.
func Lookup(sp *spec.Spec, name string) (*spec.State, error) {
	want := squash(name)
	var short []*spec.State
	for _, s := range sp.States {
		if squash(s.Name) == want {
			return s, nil
		}
		if shortens(want, squash(s.Name)) {
			short = append(short, s)
		}
	}
	if len(short) == 1 {
		return short[0], nil
	}
	names := make([]string, len(sp.States))
	for i, s := range sp.States {
		names[i] = s.Name
	}
	what := "no state"
	if len(short) > 1 {
		what = "more than one state"
	}
	return nil, fmt.Errorf("%q names %s: the spec has %s", name, what, strings.Join(names, ", "))
}

// shortens reports whether short is name shortened: its first letter,
// then some of the others in order.
func shortens(short, name string) bool {
	if short == "" || name == "" || short[0] != name[0] {
		return false
	}
	i := 1
	for j := 1; j < len(name) && i < len(short); j++ {
		if name[j] == short[i] {
			i++
		}
	}
	return i == len(short)
}

// squash is a state name in upper case without "_" or "-".
func squash(name string) string {
	return strings.ToUpper(strings.NewReplacer("_", "", "-", "").Replace(name))
}

// Duration writes d for people to read (spec.ReadableDuration).
func Duration(d time.Duration) string { return spec.ReadableDuration(d) }

// Value is a timer's, duration's or count's value under a profile: a
// duration as Duration writes it, a number, or "none".
func Value(v *spec.Value) string {
	if v == nil || v.None {
		return "none"
	}
	if v.Count != nil {
		return strconv.Itoa(v.N)
	}
	return Duration(v.Length)
}
