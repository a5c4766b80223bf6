package props

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpfsm/tcpfsm/model"
)

// fakeTable is a 2-state, 2-event table whose cells a test can break.
type fakeTable map[[2]int]Cell

func (f fakeTable) Size() (int, int) { return 2, 2 }
func (f fakeTable) Decide(s, e int) (Cell, bool) {
	c, ok := f[[2]int{s, e}]
	return c, ok
}
func (f fakeTable) Name(s, e int) string { return fmt.Sprintf("S%d, E%d", s, e) }

func goodTable() fakeTable {
	return fakeTable{
		{1, 1}: {Next: 2, Verdict: Move, Rules: 1},
		{1, 2}: {Next: 1, Verdict: Ignore, Reason: "not here", Rules: 1},
		{2, 1}: {Next: 2, Verdict: Reject, Reason: "already", Rules: 1},
		{2, 2}: {Next: 1, Verdict: Move, Rules: 1},
	}
}

func TestDeterministicAndTotalHolds(t *testing.T) {
	assert.Empty(t, CheckDeterministicAndTotal(goodTable()))
}

// Each broken table must be caught: P9 is not vacuous.
func TestDeterministicAndTotalCatches(t *testing.T) {
	for name, c := range map[string]struct {
		cell   [2]int
		broken *Cell // nil removes the cell
		want   string
	}{
		"missing cell":          {[2]int{1, 2}, nil, "P9: (S1, E2): not decided"},
		"two rules":             {[2]int{2, 2}, &Cell{Next: 1, Verdict: Move, Rules: 2}, "P9: (S2, E2): decided by 2 rules"},
		"bad next state":        {[2]int{1, 1}, &Cell{Next: 3, Verdict: Move, Rules: 1}, "P9: (S1, E1): next state 3 is not a state"},
		"ignore moves":          {[2]int{1, 2}, &Cell{Next: 2, Verdict: Ignore, Reason: "x", Rules: 1}, "P9: (S1, E2): an ignore or reject changes the state"},
		"reject without reason": {[2]int{2, 1}, &Cell{Next: 2, Verdict: Reject, Rules: 1}, "P9: (S2, E1): an ignore or reject without a reason"},
		"invalid verdict":       {[2]int{2, 2}, &Cell{Next: 1, Rules: 1}, "P9: (S2, E2): invalid verdict 0"},
	} {
		tbl := goodTable()
		if c.broken == nil {
			delete(tbl, c.cell)
		} else {
			tbl[c.cell] = *c.broken
		}
		v := CheckDeterministicAndTotal(tbl)
		if assert.Len(t, v, 1, name) {
			assert.Equal(t, c.want, v[0].String(), name)
		}
	}
}

// TestPropertyList: the properties are numbered in order, each named and
// stated, and every model-checked one is in the list, P9 alone checked on
// the table.
func TestPropertyList(t *testing.T) {
	assert.Len(t, All, len(ModelChecked)+1)
	listed := map[string]bool{}
	for _, p := range All {
		listed[p.ID] = true
	}
	for _, p := range ModelChecked {
		assert.True(t, listed[p.ID], p.ID)
	}
	for i, p := range All {
		assert.Equal(t, fmt.Sprintf("P%d", i+1), p.ID)
		assert.NotEmpty(t, p.Name)
		assert.NotEmpty(t, p.Statement)
	}
}

// TestForLeavesOutWhatTheBoundsNeverMake: a property of what the bounds
// never make happen is not checked, so never reported as holding there:
// the attacker's without the attacker, P23 without data, P25 without the
// zero window, P26 without keep-alive; each is checked where its bounds
// make them.
func TestForLeavesOutWhatTheBoundsNeverMake(t *testing.T) {
	ids := func(b model.Bounds) []string {
		var out []string
		for _, p := range For(b) {
			out = append(out, p.ID)
		}
		return out
	}
	quick := ids(model.QuickBounds())
	for _, id := range []string{"P13", "P15", "P16", "P23", "P25", "P26"} {
		assert.NotContains(t, quick, id, "without the attacker, data, the zero window or keep-alive")
	}
	assert.Contains(t, quick, "P24")
	assert.Subset(t, ids(model.AttackBounds()), []string{"P13", "P15", "P16"})
	assert.NotContains(t, ids(model.AttackBounds()), "P25")
	data := ids(model.DataBounds())
	assert.Subset(t, data, []string{"P23", "P25"}, "the data run has the zero window")
	assert.Subset(t, ids(model.KeepAliveBounds()), []string{"P23", "P26"})
	assert.NotContains(t, data, "P26")
	all := model.DataBounds()
	all.Attacks, all.KeepAlive = 1, 2
	assert.Len(t, ids(all), len(ModelChecked), "every property where the bounds make everything happen")
}
