package promela

import (
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
)

// what is a kind of global step the Promela loop offers (W_FIRE ..).
type what uint8

const (
	wFire what = iota + 1
	wOpenActive
	wOpenPassive
	wCall
	wDeliver
	wCopy
	wLose
	wTick
	wStuck
)

var whatNames = [...]string{wFire: "W_FIRE", wOpenActive: "W_OPEN_ACTIVE", wOpenPassive: "W_OPEN_PASSIVE", wCall: "W_CALL",
	wDeliver: "W_DELIVER", wCopy: "W_COPY", wLose: "W_LOSE", wTick: "W_TICK", wStuck: "W_STUCK"}

// option is one global step the Promela loop offers.
type option struct {
	what    what
	x, p    int    // the endpoint (for a loss, the direction) and the parameter
	guard   string // when the step is enabled
	els     bool   // the step taken when no other is enabled (P7)
	comment string
	heading string // a comment before it, for the first of a group
}

var ends = [2]string{"A", "B"}

// options lists the global steps in the order of model's run.
func (d *data) options() []option {
	var out []option
	heading := "A due timer fires (model's fire), unless a segment is dying"
	for x := 0; x < 2; x++ {
		for k := range model.NumTimers {
			out = append(out, option{what: wFire, x: x, p: int(k), heading: heading,
				guard:   fmt.Sprintf("TM(%s, TM_%s) == 1 && !DYING", ends[x], ident(k.String())),
				comment: fmt.Sprintf("%s: %s fires", ends[x], k)})
			heading = ""
		}
	}
	out = append(out,
		option{what: wOpenActive, x: model.A, p: 0, heading: "The applications (model's appSteps)",
			guard: "st[A] == CLOSED && nextinc <= INCS", comment: "A: connect()"},
		option{what: wOpenActive, x: model.A, p: 1,
			guard: "st[A] == CLOSED && nextinc <= INCS && nextinc > 1", comment: "A: connect(), sequence numbers above the old ones"},
		option{what: wOpenPassive, x: model.B,
			guard: "st[B] == CLOSED && nextinc <= INCS", comment: "B: listen()"})
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
			out = append(out, option{what: wCall, x: x, p: int(c), guard: g, comment: fmt.Sprintf("%s: %s", ends[x], c)})
		}
	}
	out = append(out, d.network()...)
	return append(out,
		option{what: wTick, heading: "Time moves on when no timer is due and no segment dying", guard: "TIME_MAY_PASS", comment: "tick"},
		option{what: wStuck, els: true, comment: "nothing else can happen: P7"})
}

// network lists the network's steps: per direction and slot, deliver,
// deliver a copy, lose.
func (d *data) network() []option {
	var out []option
	heading := "The network (model's deliver and losses)"
	if !d.M.Bounds.Reordering {
		heading += ": no reordering, the oldest segment first"
	}
	for dir := 0; dir < 2; dir++ {
		x := 1 - dir
		for i := 0; i < d.M.Bounds.Capacity; i++ {
			old := d.oldest(dir, i)
			out = append(out, option{what: wDeliver, x: x, p: i, heading: heading,
				guard:   fmt.Sprintf("net[%d].n > %d%s", dir, i, old),
				comment: fmt.Sprintf("%s receives segment %d of net[%d]", ends[x], i, dir)})
			heading = ""
			if d.M.Bounds.Duplication {
				out = append(out, option{what: wCopy, x: x, p: i,
					guard:   fmt.Sprintf("net[%d].n > %d%s", dir, i, old),
					comment: fmt.Sprintf("%s receives segment %d of net[%d], a copy stays in flight", ends[x], i, dir)})
			}
			out = append(out, option{what: wLose, x: dir, p: i,
				guard:   fmt.Sprintf("net[%d].n > %d && losses > 0%s", dir, i, old),
				comment: fmt.Sprintf("segment %d of net[%d] is lost", i, dir)})
		}
	}
	return out
}

// oldest is the guard that slot i of direction dir is the segment a
// network without reordering delivers next (model's oldest: the oldest,
// the first of equals). Empty slots have age 0, never above another.
func (d *data) oldest(dir, i int) string {
	if d.M.Bounds.Reordering {
		return ""
	}
	var parts []string
	for j := 0; j < d.M.Bounds.Capacity; j++ {
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

// optionArrays writes the arrays that say what each global step is:
// opt_what, opt_x and opt_p, read by the Promela body's step.
func (w *writer) optionArrays(opts []option) {
	w.line("/* Step n is what opt_what[n] says, by endpoint (or, for a loss, direction)")
	w.line(" * opt_x[n], with parameter opt_p[n]. */")
	for _, a := range []struct {
		name string
		f    func(option) int
	}{
		{"opt_what", func(o option) int { return int(o.what) }},
		{"opt_x", func(o option) int { return o.x }},
		{"opt_p", func(o option) int { return o.p }},
	} {
		v := make([]string, len(opts))
		for i, o := range opts {
			v[i] = fmt.Sprint(a.f(o))
		}
		w.line("hidden byte %s[%d] = { %s };", a.name, len(opts), strings.Join(v, ", "))
	}
}

// steps renders steps.pml: the global steps, numbered, for model.pml's
// step to read, and choose, the choice among those enabled.
func (d *data) steps() string {
	opts := d.options()
	var w writer
	w.line("/* ---- steps.pml, generated from the model: the global steps the loop offers ---- */\n")
	w.optionArrays(opts)
	w.line("\n/* The choice of an enabled step: a d_step for each, that only sets the")
	w.line(" * hidden sc_opt; when none is enabled, the step that checks P7. */")
	w.line("inline choose() {")
	w.line("\tif")
	for n, o := range opts {
		if o.heading != "" {
			w.line("\t/* %s */", o.heading)
		}
		if o.els {
			w.line("\t:: else -> sc_opt = %d\t/* %s */", n, o.comment)
		} else {
			w.line("\t:: d_step { %s -> sc_opt = %d }\t/* %s */", o.guard, n, o.comment)
		}
	}
	w.line("\tfi")
	w.line("}")
	w.line("/* ---- end of steps.pml ---- */")
	return w.String()
}
