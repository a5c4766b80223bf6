package props

import "github.com/tcpfsm/tcpfsm/spec"

// SpecTable is the spec's own interpreter under switch set sw, as a Table.
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
		if c.Guard == nil || (t.sw>>uint(c.Guard.Switch.Bit)&1 == 1) == c.Guard.On {
			n++
			r = c
		}
	}
	if r == nil {
		return Cell{}, false
	}
	return Cell{Next: r.Next.Index, Verdict: Verdict(r.Verdict), Reason: r.Reason, Rules: n}, true
}
