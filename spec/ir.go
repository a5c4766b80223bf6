package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Spec is a parsed and validated state machine. Slices keep the order of
// the spec file, so everything derived from a Spec is deterministic.
type Spec struct {
	File      string // the file name used in positions
	Source    []byte // the text that was parsed
	Machine   string
	Doc       string
	Sources   []*Source
	States    []*State
	Initial   *State
	Highlight []*State
	Events    []*Event // app and rcv events as declared, then one timeout event per timer
	Timers    []*Timer
	Durations []*Duration
	Counts    []*Count
	Switches  []*Switch
	Segments  []*Segment
	Signals   []*Signal
	Rules     []*Rule
	Profiles  []*Profile
	Actions   []*ActionDef // every possible action, in bit order
	Example   []*Event     // the events of the documented example walk, from Initial
	Outside   []*Outside   // the rules the model cannot exercise, and why, in spec order
	Classes   []*Class     // named sets of states the runtime asks about, in spec order
	Arms      []*Arm       // the runtime's timer rules, in spec order

	cells [][]cell // [state.Index-1][event.Index-1]
}

// Source is a document that rules and profile values cite.
type Source struct {
	Name string
	Doc  string
	Pos  Pos
}

// State is a connection state. Index counts from 1: 0 is the invalid state
// of the generated code.
type State struct {
	Name  string
	Doc   string
	Pos   Pos
	Index int

	// Advice says what many sockets in the state usually mean and what to
	// do (an "advice" declaration), or is empty. It may hold placeholders,
	// {TIMER} or {DURATION}, that AdviceUnder replaces by a profile's
	// values.
	Advice string
}

// EventKind says where an event comes from.
type EventKind int

const (
	App     EventKind = iota + 1 // the application called
	Rcv                          // a segment arrived, classified by the stack
	Timeout                      // a timer expired
)

var eventKindNames = [...]string{App: "app", Rcv: "rcv", Timeout: "timeout"}

func (k EventKind) String() string { return nameOf(eventKindNames[:], k) }

// Event is something a state must decide about. Index counts from 1.
type Event struct {
	Kind  EventKind
	Name  string // for a timeout, the timer's name
	Doc   string
	Pos   Pos
	Index int
	Timer *Timer // set for Timeout events
}

// String is the event as rules write it: "rcv FIN", "timeout time_wait".
func (e *Event) String() string { return e.Kind.String() + " " + e.Name }

// Timer is a timer whose expiry is an event. Index counts from 1.
type Timer struct {
	Name  string
	Doc   string
	Pos   Pos
	Index int
	Event *Event

	// GiveUp says why the timer may end a connection by giving up (a
	// "giveup" declaration), or is empty when it does not. A connection
	// may end only by the FIN exchange, a RST sent or received, or the
	// expiry of a timer that gives up.
	GiveUp string
}

// Duration is a profile value that is not a timer, such as the MSL.
type Duration struct {
	Name  string
	Doc   string
	Pos   Pos
	Index int
}

// Count is a profile value that is a whole number, such as how many
// challenge ACKs a connection may send at one instant.
type Count struct {
	Name  string
	Doc   string
	Pos   Pos
	Index int
}

// Switch is a behaviour a profile turns on or off. Bit is its position in
// a switch set, from 0.
type Switch struct {
	Name string
	Doc  string
	Pos  Pos
	Bit  int
}

// Segment is a kind of segment an endpoint sends.
type Segment struct {
	Name string
	Doc  string
	Pos  Pos
}

// Signal is something an endpoint tells its application.
type Signal struct {
	Name string
	Doc  string
	Pos  Pos
}

// Verdict is how a rule decides its cell.
type Verdict int

const (
	Move   Verdict = iota + 1 // a transition, possibly to the same state
	Ignore                    // the event is dropped
	Reject                    // the event is refused; an application call fails
)

var verdictNames = [...]string{Move: "move", Ignore: "ignore", Reject: "reject"}

// String names the verdict: move, ignore or reject. Generated code names
// its Verdict constants after it.
func (v Verdict) String() string { return nameOf(verdictNames[:], v) }

// Guard makes a rule apply only when a switch is on (On) or off (!On).
type Guard struct {
	Switch *Switch
	On     bool
	Pos    Pos
}

func (g *Guard) String() string {
	if g.On {
		return "if " + g.Switch.Name
	}
	return "unless " + g.Switch.Name
}

// Holds reports whether the guard admits the switch set sw; a nil guard
// admits every set.
func (g *Guard) Holds(sw uint64) bool {
	if g == nil {
		return true
	}
	return (sw>>uint(g.Switch.Bit)&1 == 1) == g.On
}

// Citation names the document, and the place in it, that demands a rule or
// a profile value.
type Citation struct {
	Source *Source
	Text   string // what follows the source's name
	Pos    Pos
}

func (c Citation) String() string {
	if c.Source == nil {
		return ""
	}
	if c.Text == "" {
		return c.Source.Name
	}
	return c.Source.Name + " " + c.Text
}

// Op is what an action does.
type Op int

const (
	Send    Op = iota + 1 // send a segment
	Start                 // arm a stopped timer
	Restart               // arm a timer from its full interval, running or not
	Stop                  // disarm a timer
	Tell                  // tell the application
)

var opNames = [...]string{Send: "send", Start: "start", Restart: "restart", Stop: "stop", Tell: "tell"}

func (o Op) String() string { return nameOf(opNames[:], o) }

// nameOf returns the name of v, an EventKind, Verdict or Op, whose names
// count from 1; "invalid" when it has none.
func nameOf[T ~int](names []string, v T) string {
	if v < 1 || int(v) >= len(names) {
		return "invalid"
	}
	return names[v]
}

// ActionDef is one possible action: one bit of an action set.
type ActionDef struct {
	Op      Op
	Segment *Segment // for Send
	Timer   *Timer   // for Start, Restart, Stop
	Signal  *Signal  // for Tell
	Bit     int
}

// String is the action as rules write it: "send ACK", "restart time_wait".
func (a *ActionDef) String() string {
	switch a.Op {
	case Send:
		return "send " + a.Segment.Name
	case Start, Restart, Stop:
		return a.Op.String() + " " + a.Timer.Name
	case Tell:
		return "tell " + a.Signal.Name
	}
	return "invalid"
}

// Rule decides one (state, event) cell, or one side of a switch in it.
type Rule struct {
	Pos     Pos
	State   *State
	Event   *Event
	Guard   *Guard // nil when the rule holds under every profile
	Verdict Verdict
	Next    *State // the state after the event; State itself for Ignore and Reject
	Actions []*ActionDef
	Reason  string // why, for Ignore and Reject; an optional note for Move
	Cite    Citation
	Text    string // the rule's line in the spec, trimmed
	Index   int    // counts from 1, in spec order
}

// ActionBits is the rule's actions as a set, one bit per ActionDef.Bit.
func (r *Rule) ActionBits() uint64 {
	var b uint64
	for _, a := range r.Actions {
		b |= 1 << uint(a.Bit)
	}
	return b
}

// ActionString is the rule's actions as the spec writes them.
func (r *Rule) ActionString() string {
	parts := make([]string, len(r.Actions))
	for i, a := range r.Actions {
		parts[i] = a.String()
	}
	return strings.Join(parts, "; ")
}

// Outside says why the model cannot exercise the rules of some cells: those
// of Event in each of States, or in every state when States is nil.
type Outside struct {
	Event  *Event
	States []*State // nil: every state
	Reason string
	Pos    Pos // of the "outside" keyword
}

// Covers reports whether o covers the cell (s, e).
func (o *Outside) Covers(s *State, e *Event) bool {
	if e != o.Event {
		return false
	}
	if o.States == nil {
		return true
	}
	for _, x := range o.States {
		if x == s {
			return true
		}
	}
	return false
}

// OutsideOf returns the outside declaration that covers rule r's cell, or
// nil when none does.
func (sp *Spec) OutsideOf(r *Rule) *Outside {
	for _, o := range sp.Outside {
		if o.Covers(r.State, r.Event) {
			return o
		}
	}
	return nil
}

// Profile is a named set of timer durations and switch settings.
type Profile struct {
	Name     string
	Doc      string
	Pos      Pos
	Values   []*Value   // in spec order
	Findings []*Finding // in spec order
}

// Finding is a guarantee a profile is known not to give: a property (P1,
// P2, ...) that the model checker finds violated under the profile, with
// the cause in its citation. fsmgen check still reports it and its
// counterexample, as a finding rather than a failure.
type Finding struct {
	Property string // "P3"
	Pos      Pos
	Cite     Citation
}

// FindingKeyword starts a finding in a profile, where values start with
// the name of a timer, duration or switch.
const FindingKeyword = "finding"

// Finding returns the profile's finding about property id, or nil.
func (p *Profile) Finding(id string) *Finding {
	for _, f := range p.Findings {
		if f.Property == id {
			return f
		}
	}
	return nil
}

// Value is one setting of a profile. Exactly one of Timer, Duration,
// Count and Switch is set.
type Value struct {
	Name     string
	Pos      Pos
	Timer    *Timer
	Duration *Duration
	Count    *Count
	Switch   *Switch
	Length   time.Duration // for a timer or duration; 0 with None
	N        int           // for a count; 0 with None
	None     bool          // the profile has no such timer, duration or count
	On       bool          // for a switch
	Cite     Citation
}

// Switches is the profile's switch set: bit Switch.Bit is set for each
// switch the profile turns on.
func (p *Profile) Switches() uint64 {
	var sw uint64
	for _, v := range p.Values {
		if v.Switch != nil && v.On {
			sw |= 1 << uint(v.Switch.Bit)
		}
	}
	return sw
}

// SetSwitch turns the profile's switch name on or off, for a run that
// asks what a knob changes (fsmgen check -set); it reports false if the
// profile sets no switch of that name.
func (p *Profile) SetSwitch(name string, on bool) bool {
	for _, v := range p.Values {
		if v.Switch != nil && v.Switch.Name == name {
			v.On = on
			return true
		}
	}
	return false
}

// TimerValue is the profile's value for timer t.
func (p *Profile) TimerValue(t *Timer) *Value {
	for _, v := range p.Values {
		if v.Timer == t {
			return v
		}
	}
	return nil
}

// DurationValue is the profile's value for duration d.
func (p *Profile) DurationValue(d *Duration) *Value {
	for _, v := range p.Values {
		if v.Duration == d {
			return v
		}
	}
	return nil
}

// CountValue is the profile's value for count c.
func (p *Profile) CountValue(c *Count) *Value {
	for _, v := range p.Values {
		if v.Count == c {
			return v
		}
	}
	return nil
}

// cell holds the rules deciding one (state, event) pair: either one rule
// with no guard, or one rule for each side of one switch.
type cell struct {
	rules []*Rule
}

// Decide returns the rule that decides event e in state s under the switch
// set sw (bit Switch.Bit set for each switch that is on).
func (sp *Spec) Decide(s *State, e *Event, sw uint64) *Rule {
	for _, r := range sp.cells[s.Index-1][e.Index-1].rules {
		if r.Guard.Holds(sw) {
			return r
		}
	}
	return nil
}

// CellRules returns the rules of the (s, e) cell, in spec order.
func (sp *Spec) CellRules(s *State, e *Event) []*Rule {
	return sp.cells[s.Index-1][e.Index-1].rules
}

// Hash is the spec's identity: a hash of its text, which generated code
// records so that a table can be matched to the spec it came from.
func (sp *Spec) Hash() string {
	sum := sha256.Sum256(sp.Source)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// State returns the state named name, or nil.
func (sp *Spec) State(name string) *State {
	for _, s := range sp.States {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Event returns the event of kind k named name, or nil.
func (sp *Spec) Event(k EventKind, name string) *Event {
	for _, e := range sp.Events {
		if e.Kind == k && e.Name == name {
			return e
		}
	}
	return nil
}

// Profile returns the profile named name, or nil.
func (sp *Spec) Profile(name string) *Profile {
	for _, p := range sp.Profiles {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// ProfileNames lists the profiles in spec order.
func (sp *Spec) ProfileNames() []string {
	names := make([]string, len(sp.Profiles))
	for i, p := range sp.Profiles {
		names[i] = p.Name
	}
	return names
}
