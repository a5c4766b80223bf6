// Package promela exports the composed model that fsmgen check explores
// (package model: two endpoints running the table, the lossy network,
// discrete time, incarnations and the ghosts, with the properties of
// package props) as a Promela model for SPIN, so that an independent
// checker can verify the very same system and hold fsmgen check to its
// verdicts and its speed.
//
// # Correspondence
//
// The Promela model has one process whose loop offers every global step of
// model.Successors as one option. Each is one atomic step: a d_step that
// picks it when it is enabled (its guard) and a d_step, shared by all, that
// takes it. SPIN stores no state inside an atomic sequence or a d_step, so
// it stores exactly one state per global state of the model: its state
// vector is the model's canonical state (model.State after canon) and the
// process's one control location. The scratch variables a step needs are
// declared hidden, which keeps them out of the state vector; each step
// writes every one before it reads it. So for the safety run "states,
// stored" equals check.Result.States.
//
// A move the model refuses (a segment that finds its channel full with no
// loss left, model.Successors' blocked moves) is an option that changes
// nothing, so that SPIN, like check, does not take a state stuck only for
// want of room for a deadlock; a duplicate delivered that changes nothing
// is one too. Neither adds a state.
//
// # Properties
//
// P1 to P8 are assertions named P1_violated .. P8_violated (a failing one
// prints "assertion violated !(P3_violated)"). P3, P7 and P8 have a known
// weakness a profile may declare as a finding (check.Property.ExcusedStep
// and ExcusedState); where the profile declares it, a violation from the
// weakness fails P3_finding (P7_finding, P8_finding) instead. P6 and P7 are
// state properties: P6 is asserted on every state a step reaches, P7 on a
// state where no option is executable (the loop's else). P2's safety half
// is an assertion; its liveness half is an LTL formula per endpoint,
// compiled with -DLIVENESS, which adds one bit (ticked: the last step was
// time passing) and states the fairness of check/liveness.go in the
// formula: if time passes infinitely often, the endpoint does not owe the
// ACK of its FIN for ever.
package promela

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
	"github.com/tcpfsm/tcpfsm/verify"
)

// Properties are the IDs of the properties the model asserts, in the
// order of their bits in the CHECK mask (P1 is bit 0).
var Properties = []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"}

// Excused are the properties whose known weakness the export tells apart
// (Pn_finding), each with the condition of props' ExcusedStep or
// ExcusedState: P3 (the old segment's incarnation had its TIME_WAIT cut),
// P7 (an orphaned FIN_WAIT_2 with no flush timer), P8 (the receiver's
// incarnation had its TIME_WAIT cut, or took in a segment of one that had).
var Excused = []string{"P3", "P7", "P8"}

// Source says where a model comes from, for the header and the findings.
type Source struct {
	Spec    *spec.Spec
	Profile *spec.Profile
	// Table names the table the endpoints run: "generated/tcp" or "the
	// spec's interpreter".
	Table string
}

// Findings are the IDs of the properties whose known weakness the profile
// declares as a finding (check.Options.Findings).
func (s Source) Findings() map[string]bool {
	if s.Profile == nil {
		return map[string]bool{}
	}
	return props.Declared(s.Profile)
}

// Build makes the model fsmgen check explores for profile prof of sp on
// bounds b, stepping table t: the binding of package bind, with the
// source the export's header names.
func Build(sp *spec.Spec, prof *spec.Profile, b model.Bounds, t bind.Table) (*model.Model, Source, error) {
	src := Source{Spec: sp, Profile: prof, Table: t.String()}
	m, err := bind.Model(sp, prof, b, t)
	return m, src, err
}

// timers are the modelled timers in the order of model's timer indices
// (tRtx, tR2, tTimeWait, tFinWait2): the index k of tm[4*x+k].
var timers = [4]tcp.Timer{tcp.RetransmissionTimer, tcp.R2Timer, tcp.TimeWaitTimer, tcp.FinWait2Timer}

// tells are the actions that make a delivery accepted (model.Accepted).
const tells = tcp.TellConnected | tcp.TellEndOfStream | tcp.TellReset | tcp.TellRefused | tcp.TellTimedOut

// Timer operations in cell_timers, two bits per timer.
const (
	opStart   = 1
	opRestart = 2
	opStop    = 3
)

// ident turns a name of the spec into a Promela identifier: "rcv FIN" is
// RCV_FIN, "timeout time_wait" TIMEOUT_TIME_WAIT.
func ident(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "_", ",", "_", "-", "_").Replace(s))
}

// Generate writes the Promela model of m. src names the spec and profile
// it was built from.
func Generate(m *model.Model, src Source) ([]byte, error) {
	if m.Step == nil {
		return nil, fmt.Errorf("promela: the model has no table")
	}
	d := data{M: m, Src: src, B: m.Bounds, T: m.Timing, Findings: src.Findings()}
	for id := range d.Findings {
		if !slices.Contains(Excused, id) {
			return nil, fmt.Errorf("promela: profile %s declares a finding for %s, whose weakness the export does not tell apart", m.Profile.Name, id)
		}
	}
	d.Budget = 0
	if m.Bounds.Loss {
		d.Budget = m.Bounds.Losses
	}
	for s := tcp.State(1); s < tcp.NumStates; s++ {
		d.States = append(d.States, named{ident(s.String()), int(s)})
	}
	for e := tcp.Event(1); e < tcp.NumEvents; e++ {
		d.Events = append(d.Events, named{ident(e.String()), int(e)})
	}
	if err := d.table(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, &d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type named struct {
	Name  string
	Value int
}

// data is what the template reads.
type data struct {
	M        *model.Model
	Src      Source
	B        model.Bounds
	T        model.Timing
	Budget   int
	Findings map[string]bool
	States   []named
	Events   []named
	// The table, one row per state (0 is the invalid state), one column
	// per event.
	Next, Verdict, Sends, Timers, Tells [][]int
}

// table decides every cell under the profile's switches, as model.New does.
func (d *data) table() error {
	m := d.M
	rows := int(tcp.NumStates)
	for _, t := range []*[][]int{&d.Next, &d.Verdict, &d.Sends, &d.Timers, &d.Tells} {
		*t = make([][]int, rows)
		for i := range *t {
			(*t)[i] = make([]int, tcp.NumEvents)
		}
	}
	for s := tcp.State(1); s < tcp.NumStates; s++ {
		for e := tcp.Event(1); e < tcp.NumEvents; e++ {
			tr, ok := m.Step(m.Profile.Switches, s, e)
			if !ok {
				return fmt.Errorf("promela: the table refuses the valid cell (%s, %s)", s, e)
			}
			d.Next[s][e] = int(tr.Next)
			d.Verdict[s][e] = int(tr.Verdict)
			for _, sk := range model.Sends() {
				if tr.Actions.Has(sk.Action) {
					d.Sends[s][e] |= 1 << (sk.Kind - 1)
				}
			}
			for k, tm := range timers {
				op := 0
				switch {
				case tr.Actions.Has(tm.StopAction()):
					op = opStop
				case tr.Actions.Has(tm.RestartAction()):
					op = opRestart
				case tr.Actions.Has(tm.StartAction()):
					op = opStart
				}
				d.Timers[s][e] |= op << (2 * k)
			}
			if tr.Actions&tells != 0 {
				d.Tells[s][e] = 1
			}
		}
	}
	return nil
}

// Header lines.

func (d *data) SpecName() string {
	if d.Src.Spec == nil {
		return "(unknown spec)"
	}
	return d.Src.Spec.File
}

func (d *data) SpecHash() string {
	if d.Src.Spec == nil {
		return ""
	}
	return d.Src.Spec.Hash()
}

func (d *data) ProfileName() string { return d.M.Profile.Name }

func (d *data) Switches() string {
	if d.M.Profile.Switches == 0 {
		return "none"
	}
	return d.M.Profile.Switches.String()
}

func (d *data) TableName() string {
	if d.Src.Table == "" {
		return "the model's step function"
	}
	return d.Src.Table
}

func (d *data) Bounds() string { return verify.DescribeBounds(d.B) }

func (d *data) FindingList() string {
	var ids []string
	for id := range d.Findings {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, " ")
}

// Declared reports whether the profile declares the finding of property id.
func (d *data) Declared(id string) bool { return d.Findings[id] }

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// Row formats one row of a table array.
func (d *data) Row(t [][]int, s int) string {
	parts := make([]string, len(t[s]))
	for i, v := range t[s] {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ",")
}

func (d *data) StateName(s int) string {
	if s == 0 {
		return "(no state)"
	}
	return tcp.State(s).String()
}

func (d *data) Rows() []int {
	out := make([]int, tcp.NumStates)
	for i := range out {
		out[i] = i
	}
	return out
}

func (d *data) EventList() string {
	var names []string
	for e := tcp.Event(1); e < tcp.NumEvents; e++ {
		names = append(names, e.String())
	}
	return strings.Join(names, ", ")
}

// Slots lists the segment slots of one direction.
func (d *data) Slots() []int {
	out := make([]int, d.B.Capacity)
	for i := range out {
		out[i] = i
	}
	return out
}

// Dying is true when a segment is at the end of its life. Empty slots
// have age 0, below the MSL, so every slot can be read.
func (d *data) Dying() string {
	var parts []string
	for dir := 0; dir < 2; dir++ {
		for i := 0; i < d.B.Capacity; i++ {
			parts = append(parts, fmt.Sprintf("net[%d].s[%d].age >= T_MSL", dir, i))
		}
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

// Oldest is the guard that slot i of direction dir is the segment a
// network without reordering delivers next (model's oldest: the oldest,
// the first of equals). Empty slots have age 0, never above another.
func (d *data) Oldest(dir, i int) string {
	if d.B.Reordering {
		return ""
	}
	var parts []string
	for j := 0; j < d.B.Capacity; j++ {
		switch {
		case j < i:
			parts = append(parts, fmt.Sprintf("net[%d].s[%d].age < net[%d].s[%d].age", dir, j, dir, i))
		case j > i:
			parts = append(parts, fmt.Sprintf("net[%d].s[%d].age <= net[%d].s[%d].age", dir, j, dir, i))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " && " + strings.Join(parts, " && ")
}

// TimerNames and Expiry name timer k.
func (d *data) TimerName(k int) string { return timers[k].String() }
func (d *data) Expiry(k int) string    { return ident(timers[k].Expiry().String()) }

func (d *data) TimerIndices() []int { return []int{0, 1, 2, 3} }

func (d *data) FlushHeld() int { return b2i(d.T.FlushHeld) }
func (d *data) Dup() bool      { return d.B.Duplication }

// Option is one global step the Promela loop offers.
type Option struct {
	What    int    // W_FIRE ..
	X, P    int    // the endpoint (for a loss, the direction) and the parameter
	Guard   string // when the step is enabled
	Else    bool   // the step taken when no other is enabled (P7)
	Comment string
	Heading string // a comment before it, for the first of a group
}

// Step kinds of the Promela loop (W_FIRE ..).
const (
	wFire = iota + 1
	wOpenActive
	wOpenPassive
	wCall
	wDeliver
	wCopy
	wLose
	wTick
	wStuck
)

// Options lists the global steps in the order of model's run.
func (d *data) Options() []Option {
	var out []Option
	ends := [2]string{"A", "B"}
	heading := "A due timer fires (model's fire), unless a segment is dying"
	for x := 0; x < 2; x++ {
		for k := range timers {
			out = append(out, Option{What: wFire, X: x, P: k, Heading: heading,
				Guard:   fmt.Sprintf("TM(%d, %d) == 1 && !DYING", x, k),
				Comment: fmt.Sprintf("%s: %s fires", ends[x], timers[k])})
			heading = ""
		}
	}
	out = append(out,
		Option{What: wOpenActive, X: 0, P: 0, Heading: "The applications (model's appSteps)",
			Guard: "st[A] == CLOSED && nextinc <= INCS", Comment: "A: connect()"},
		Option{What: wOpenActive, X: 0, P: 1,
			Guard: "st[A] == CLOSED && nextinc <= INCS && nextinc > 1", Comment: "A: connect(), sequence numbers above the old ones"},
		Option{What: wOpenPassive, X: 1,
			Guard: "st[B] == CLOSED && nextinc <= INCS", Comment: "B: listen()"})
	calls := []tcp.Event{tcp.AppClose, tcp.AppAbort, tcp.AppShutdown}
	for x := 0; x < 2; x++ {
		for _, c := range calls {
			g := fmt.Sprintf("CAN_CALL(%s, %s)", ends[x], ident(c.String()))
			if x == model.B {
				g += " && st[B] != SYN_RECEIVED"
			}
			if c == tcp.AppShutdown {
				g += fmt.Sprintf(" && !shut[%s]", ends[x])
			}
			out = append(out, Option{What: wCall, X: x, P: int(c), Guard: g, Comment: fmt.Sprintf("%s: %s", ends[x], c)})
		}
	}
	heading = "The network (model's deliver and losses)"
	if !d.B.Reordering {
		heading += ": no reordering, the oldest segment first"
	}
	for dir := 0; dir < 2; dir++ {
		x := 1 - dir
		for i := 0; i < d.B.Capacity; i++ {
			old := d.Oldest(dir, i)
			out = append(out, Option{What: wDeliver, X: x, P: i, Heading: heading,
				Guard:   fmt.Sprintf("net[%d].n > %d%s", dir, i, old),
				Comment: fmt.Sprintf("%s receives segment %d of net[%d]", ends[x], i, dir)})
			heading = ""
			if d.B.Duplication {
				out = append(out, Option{What: wCopy, X: x, P: i,
					Guard:   fmt.Sprintf("net[%d].n > %d%s", dir, i, old),
					Comment: fmt.Sprintf("%s receives segment %d of net[%d], a copy stays in flight", ends[x], i, dir)})
			}
			out = append(out, Option{What: wLose, X: dir, P: i,
				Guard:   fmt.Sprintf("net[%d].n > %d && losses > 0%s", dir, i, old),
				Comment: fmt.Sprintf("segment %d of net[%d] is lost", i, dir)})
		}
	}
	out = append(out,
		Option{What: wTick, Heading: "Time moves on when no timer is due and no segment dying", Guard: "TIME_MAY_PASS", Comment: "tick"},
		Option{What: wStuck, Else: true, Comment: "nothing else can happen: P7"})
	return out
}

// NotLast reports whether row s is not the table's last.
func (d *data) NotLast(s int) bool { return s < int(tcp.NumStates)-1 }

var tmpl = template.Must(template.New("promela").Funcs(template.FuncMap{
	"list":      func(v ...any) []any { return v },
	"opStart":   func() int { return opStart },
	"opRestart": func() int { return opRestart },
	"opStop":    func() int { return opStop },
}).Parse(source))
