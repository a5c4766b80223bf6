package check

import "github.com/tcpfsm/tcpfsm/model"

// System is what the explorer explores: a transition system of states S,
// whose steps are labelled L and handed out as successors Su, and whose
// states pack into a fixed number of 64-bit words. The explorer knows a
// system only through these methods, so a second protocol plugs in by
// providing them: *model.Model (TCP) and *assoc.Model (the SCTP
// association) both do.
type System[S, L, Su any] interface {
	// Words is the length of a packed state.
	Words() int
	// Initial is the state exploration starts from.
	Initial() S
	// Pack writes s into dst, Words long; Unpack reverses it. Equal
	// states must pack equal.
	Pack(s *S, dst []uint64)
	Unpack(src []uint64) S
	// Each calls visit for every step out of s, through a pointer good
	// only until visit returns, in the same order on every call, and
	// returns how many steps it refused for a limit of the bounds (not of
	// the protocol). It may be called from several goroutines at once.
	Each(s *S, visit func(*Su)) int
	// NewEach returns a function that does what Each does, in
	// storage of its own reused from one call to the next and for one
	// goroutine at a time: each worker takes one, so that expanding
	// millions of states allocates nothing per state.
	NewEach() func(s *S, visit func(*Su)) int
	// Stutters reports whether time may pass in s and change nothing.
	Stutters(s *S) bool
	// SuccNext and SuccLabel are a successor's state and step.
	SuccNext(su *Su) *S
	SuccLabel(su *Su) L
	// CellCount is the number of table cells; LabelCell is the one that
	// decided a step, if any, and ThenCell a second one the same step
	// took, if any (coverage counts them).
	CellCount() int
	LabelCell(l *L) (int, bool)
	ThenCell(l *L) (int, bool)
	// IsTick reports whether a step is time passing; TickLabel is its
	// label (fairness asks for time to pass infinitely often).
	IsTick(l *L) bool
	TickLabel() L
}

// The TCP model's instances, under the names the rest of the module has
// always used.
type (
	// Property is a guarantee on the TCP model.
	Property = PropertyOf[*model.Model, model.State, model.Succ]
	// Step is one step of a TCP counterexample.
	Step = StepOf[model.State, model.Label]
	// Counterexample is a TCP counterexample.
	Counterexample = CounterexampleOf[model.State, model.Label]
	// Result is what an exploration of the TCP model found.
	Result = ResultOf[model.State, model.Label]
)

// Run explores the TCP model m from its initial state, checking props.
func Run(m *model.Model, props []Property, opt Options) (*Result, error) {
	return Explore[*model.Model, model.State, model.Label, model.Succ](reduced(m, opt.Plain), props, opt)
}
