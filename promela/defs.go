package promela

import (
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// Timer operations in cell_timers, two bits per timer (OP_START ..).
const (
	opStart   = 1
	opRestart = 2
	opStop    = 3
)

// data is what the generated parts are made of: the model, where it comes
// from, and its table decided under the profile's switches.
type data struct {
	M        *model.Model
	Src      Source
	Findings map[string]bool // the findings the profile declares
	// The table, one row per state (0 is the invalid state), one column
	// per event.
	Next, Verdict, Sends, Timers, Tells [][]int
}

// newData decides every cell of m's table under the profile's switches,
// as model.New does.
func newData(m *model.Model, src Source, findings map[string]bool) (*data, error) {
	d := &data{M: m, Src: src, Findings: findings}
	for _, t := range []*[][]int{&d.Next, &d.Verdict, &d.Sends, &d.Timers, &d.Tells} {
		*t = make([][]int, tcp.NumStates)
		for i := range *t {
			(*t)[i] = make([]int, tcp.NumEvents)
		}
	}
	for s := tcp.State(1); s < tcp.NumStates; s++ {
		for e := tcp.Event(1); e < tcp.NumEvents; e++ {
			tr, ok := m.Step(m.Profile.Switches, s, e)
			if !ok {
				return nil, fmt.Errorf("promela: the table refuses the valid cell (%s, %s)", s, e)
			}
			d.Next[s][e] = int(tr.Next)
			d.Verdict[s][e] = int(tr.Verdict)
			for _, sk := range model.Sends() {
				if tr.Actions.Has(sk.Action) {
					d.Sends[s][e] |= 1 << (sk.Kind - 1)
				}
			}
			for k := range model.NumTimers {
				tm, op := k.Timer(), 0
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
			if tr.Actions&model.Tells != 0 {
				d.Tells[s][e] = 1
			}
		}
	}
	return d, nil
}

// writer writes Promela.
type writer struct{ strings.Builder }

func (w *writer) line(format string, args ...any) {
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

// define writes #define name value, with a comment unless it is empty.
func (w *writer) define(name string, value any, comment string) {
	if comment == "" {
		w.line("#define %-12s %v", name, value)
		return
	}
	w.line("#define %-12s %v\t/* %s */", name, value, comment)
}

// named is a name for Promela and its value.
type named struct {
	Name  string
	Value int
}

// defineAll writes a heading comment, then a #define for each of names.
func (w *writer) defineAll(heading string, names []named) {
	w.line("\n/* %s */", heading)
	for _, n := range names {
		w.define(n.Name, n.Value, "")
	}
}

// defs renders defs.pml: the definitions model.pml includes first.
func (d *data) defs() string {
	var w writer
	b, t := d.M.Bounds, d.M.Timing
	budget := 0
	if b.Loss {
		budget = b.Losses
	}
	w.line("/* ---- defs.pml, generated from the model: its bounds, durations, names, findings and table ---- */\n")
	w.define("A", model.A, "the client")
	w.define("B", model.B, "the server")
	w.line("\n/* Bounds (model.Bounds) and the profile's durations in ticks (model.Timing) */")
	w.define("CAP", b.Capacity, "distinct segments in flight per direction")
	w.define("INCS", b.Incarnations, "connections the client may open")
	w.define("BUDGET", budget, "losses per incarnation")
	w.define("T_MSL", t.MSL, "ticks a segment may live")
	w.define("T_RTO", t.RTO, "")
	w.define("MAX_BACKOFF", t.MaxBackoff, "")
	w.define("T_TIME_WAIT", t.TimeWait, "")
	w.define("T_FIN_WAIT_2", t.FinWait2, "0: no flush")
	w.define("FLUSH_HELD", b2i(t.FlushHeld), "the flush also for a socket the application holds")
	d.defineNames(&w)
	w.line("\n/* The findings the profile declares: where FINDING_Pn is 1, a violation")
	w.line(" * of Pn from its known weakness fails Pn_finding rather than Pn_violated */")
	for _, id := range excused() {
		w.define("FINDING_"+id, b2i(d.Findings[id]), "")
	}
	w.line("\n/* Which weaknesses P3 and P8 may have, by the profile's switches (props.timeWaitCutShort) */")
	sw := d.M.Profile.Switches
	w.define("SW_RFC1337", b2i(sw&tcp.RFC1337 != 0), "a RST does not end TIME_WAIT: its cut is no weakness")
	w.define("SW_REOPEN", b2i(sw&tcp.SynReopensTimeWait != 0), "a SYN above the old sequence numbers reopens TIME_WAIT")
	w.line("\n#define DYING %s\t/* a segment is at the end of its life */", d.dying())
	d.writeTable(&w)
	w.line("/* ---- end of defs.pml ---- */")
	return w.String()
}

// defineNames writes the names model.pml uses for the values of the
// table, of the model and of the export's own encodings.
func (d *data) defineNames(w *writer) {
	var states, events, kinds, timers []named
	for s := tcp.State(1); s < tcp.NumStates; s++ {
		states = append(states, named{ident(s.String()), int(s)})
	}
	w.defineAll("Connection states (tcp.State)", append(states, named{"NSTATES", int(tcp.NumStates)}))
	for e := tcp.Event(1); e < tcp.NumEvents; e++ {
		events = append(events, named{ident(e.String()), int(e)})
	}
	w.defineAll("Events (tcp.Event)", append(events, named{"NEVENTS", int(tcp.NumEvents)}))
	var verdicts []named
	for _, v := range []tcp.Verdict{tcp.Move, tcp.Ignore, tcp.Reject} {
		verdicts = append(verdicts, named{ident(v.String()), int(v)})
	}
	w.defineAll("Verdicts (tcp.Verdict)", verdicts)
	for k := model.SYN; k <= model.RSTACK; k++ {
		kinds = append(kinds, named{"SEG_" + ident(k.String()), int(k)})
	}
	w.defineAll("Segment kinds (model.SegKind); SEG_SYN to SEG_PROBE in the order a transition sends them", kinds)
	for k := range model.NumTimers {
		timers = append(timers, named{"TM_" + ident(k.String()), int(k)})
	}
	w.defineAll("Modelled timers (model.TimerIndex); timer k's operation in cell_timers is in bits 2k, 2k+1",
		append(timers, named{"NTIMERS", int(model.NumTimers)}))
	w.define("OP_START", opStart, "")
	w.define("OP_RESTART", opRestart, "")
	w.define("OP_STOP", opStop, "")
	w.line("")
	w.define("ZOMBIE", model.Zombie, "model.Zombie: the ghost of a connection an old SYN opened")
	w.defineAll("What a step is (model.Kind)", []named{
		{"K_APP", int(model.App)}, {"K_FIRE", int(model.Fire)}, {"K_DELIVER", int(model.Deliver)},
		{"K_COPY", int(model.DeliverCopy)}})
	var whats []named
	for k := wFire; k <= wStuck; k++ {
		whats = append(whats, named{whatNames[k], int(k)})
	}
	w.defineAll("The global steps the loop offers (steps.pml)", whats)
}

// writeTable writes the table's arrays, and the event of each timer's
// expiry.
func (d *data) writeTable(w *writer) {
	var columns []string
	for e := tcp.Event(1); e < tcp.NumEvents; e++ {
		columns = append(columns, e.String())
	}
	w.line("\n/* The table under the profile's switches, from %s: cell (s, e)", d.tableName())
	w.line(" * at index s*NEVENTS+e. Columns: (none), %s. */", strings.Join(columns, ", "))
	for _, a := range []struct {
		name, comment string
		t             [][]int
	}{
		{"cell_next", "", d.Next},
		{"cell_verdict", "", d.Verdict},
		{"cell_sends", "\t/* segments sent: SENDS(kind) */", d.Sends},
		{"cell_timers", "\t/* timer operations, two bits per timer */", d.Timers},
		{"cell_tells", "\t/* tells connected, end_of_stream, reset, refused or timed_out (model.Tells) */", d.Tells},
	} {
		w.line("hidden byte %s[NSTATES*NEVENTS] = {%s", a.name, a.comment)
		for s, row := range a.t {
			sep := ","
			if s == len(a.t)-1 {
				sep = ""
			}
			name := "(no state)"
			if s > 0 {
				name = tcp.State(s).String()
			}
			w.line("\t%s%s\t/* %s */", join(row), sep, name)
		}
		w.line("};")
	}
	var expiry []string
	for k := range model.NumTimers {
		expiry = append(expiry, ident(k.Timer().Expiry().String()))
	}
	w.line("hidden byte tm_expiry[NTIMERS] = { %s };\t/* the event of timer k's expiry */", strings.Join(expiry, ", "))
	// R2's ticks as the spec's arm declarations give them (model.Timing):
	// r2_syn for a SYN, r2_orphan for an orphan's FIN, so that model.pml
	// keeps no copy of those rules.
	var r2 []int
	for s := tcp.State(0); s < tcp.NumStates; s++ {
		r2 = append(r2, d.M.Timing.Ticks(model.TimerR2, s, true), d.M.Timing.Ticks(model.TimerR2, s, false))
	}
	w.line("hidden byte r2_ticks[NSTATES*2] = { %s };\t/* R2 armed in state s: [s*2] held, [s*2+1] orphan */", join(r2))
}

func (d *data) tableName() string {
	if d.Src.Table == "" {
		return "the model's step function"
	}
	return d.Src.Table
}

// dying is true when a segment is at the end of its life. Empty slots
// have age 0, below the MSL, so every slot can be read.
func (d *data) dying() string {
	var parts []string
	for dir := 0; dir < 2; dir++ {
		for i := 0; i < d.M.Bounds.Capacity; i++ {
			parts = append(parts, fmt.Sprintf("net[%d].s[%d].age >= T_MSL", dir, i))
		}
	}
	return "(" + strings.Join(parts, " || ") + ")"
}

func join(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ",")
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}
