package model

// The methods below make *Model a check.System: the explorer reaches a
// successor's state and label, and a label's table cell and kind, through
// them, so that it names no type of this package and explores any model
// that has them (package assoc, the SCTP association, has them too).

// SuccNext is the state successor su leads to.
func (m *Model) SuccNext(su *Succ) *State { return &su.Next }

// SuccLabel is the step successor su takes.
func (m *Model) SuccLabel(su *Succ) Label { return su.Label }

// CellCount is the number of table cells a step may be decided by:
// NumCells.
func (m *Model) CellCount() int { return NumCells }

// LabelCell is the table cell that decided step l (see Label.Cell).
func (m *Model) LabelCell(l *Label) (int, bool) { return l.Cell() }

// ThenCell is the second table cell step l took, if any (see
// Label.WaitCell).
func (m *Model) ThenCell(l *Label) (int, bool) { return l.WaitCell() }

// IsTick reports whether step l is time passing, the step fairness asks
// for infinitely often.
func (m *Model) IsTick(l *Label) bool { return l.Kind == Tick }

// TickLabel is the label of time passing.
func (m *Model) TickLabel() Label { return Label{Kind: Tick} }
