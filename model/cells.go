package model

import "github.com/tcpfsm/tcpfsm/generated/tcp"

// NumCells is the number of (state, event) cells of the table, the
// invalid zero state and event included: the length of a count per cell.
const NumCells = int(tcp.NumStates) * int(tcp.NumEvents)

// CellIndex numbers cell (s, e) from 0 to NumCells-1.
func CellIndex(s tcp.State, e tcp.Event) int { return int(s)*int(tcp.NumEvents) + int(e) }

// Cell is the index (CellIndex) of the table cell that decided step l: an
// application call, a timer that fired, a segment delivered, or one the
// attacker forged. Time
// passing and a loss are decided by no cell: ok is false.
func (l *Label) Cell() (cell int, ok bool) {
	switch l.Kind {
	case App, Fire, Deliver, DeliverCopy, Forge:
		return CellIndex(l.From, l.Event), true
	}
	return 0, false
}

// WaitCell is the index of the table cell a step took besides its own
// when what it queued waits behind a closed window (Label.Waits): rcv
// ZERO_WINDOW in the state the step led to (WaitIn).
func (l *Label) WaitCell() (cell int, ok bool) {
	if !l.Waits {
		return 0, false
	}
	return CellIndex(l.WaitIn, tcp.RcvZeroWindow), true
}
