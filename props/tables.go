package props

import (
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/spec"
)

// The two views of a table that P9 checks, side by side: the spec's own
// rules, and generated/tcp, the table programs import.

// SpecTable is the spec's own interpreter under switch set sw, as a Table.
// It counts every rule that admits the cell, so that P9 sees a cell
// decided twice.
func SpecTable(sp *spec.Spec, sw uint64) Table { return specTable{sp, sw} }

type specTable struct {
	sp *spec.Spec
	sw uint64
}

func (t specTable) Size() (int, int) { return len(t.sp.States), len(t.sp.Events) }

func (t specTable) Name(s, e int) string {
	return t.sp.States[s-1].Name + ", " + t.sp.Events[e-1].String()
}

func (t specTable) Decide(s, e int) (Cell, bool) {
	st, ev := t.sp.States[s-1], t.sp.Events[e-1]
	n := 0
	var r *spec.Rule
	for _, c := range t.sp.CellRules(st, ev) {
		if c.Guard.Holds(t.sw) {
			n++
			r = c
		}
	}
	if r == nil {
		return Cell{}, false
	}
	return Cell{Next: r.Next.Index, Verdict: Verdict(r.Verdict), Reason: r.Reason, Rules: n}, true
}

// GeneratedTable is generated/tcp under switch set sw, as a Table.
func GeneratedTable(sw tcp.Switches) Table { return generatedTable(sw) }

type generatedTable tcp.Switches

func (g generatedTable) Size() (int, int) { return int(tcp.NumStates) - 1, int(tcp.NumEvents) - 1 }

func (g generatedTable) Name(s, e int) string {
	return tcp.State(s).String() + ", " + tcp.Event(e).String()
}

func (g generatedTable) Decide(s, e int) (Cell, bool) {
	t, ok := tcp.StepWith(tcp.Switches(g), tcp.State(s), tcp.Event(e))
	if !ok || !t.Rule.Valid() {
		return Cell{}, false
	}
	return Cell{Next: int(t.Next), Verdict: Verdict(t.Verdict), Reason: t.Rule.Reason(), Rules: 1}, true
}
