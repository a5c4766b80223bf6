package check

import "github.com/tcpfsm/tcpfsm/model"

// Reductions: what the search does to see fewer states than the model
// has, why each is sound, and why the others the literature offers do not
// pay here. Options.Plain turns them off; TestForgetIsExact and
// TestReductionsAgree show that they change the counts and never a
// verdict or the length of a counterexample.
//
// # Canonical network (multiset reduction)
//
// Each direction of the network is a set of segments kept sorted
// (model.State's add keeps it so, and a tick, aging every segment alike,
// keeps the order), so the orders in which the same segments were sent
// are one state, as Murphi's multiset reduction does for its channels.
// Delivery takes any element, so no order is observable. TestKindEvents,
// in package model, checks every reachable state for it.
//
// # Ghosts of ended incarnations
//
// The model itself (model.State's canon, which the Promela export mirrors,
// so SPIN's counts and a plain run's agree) clears the ghost bits of an
// incarnation that no endpoint and no segment belongs to any more, and
// whatever of an endpoint's record of ended incarnations no present
// segment can be compared with.
//
// # Dead fields
//
// model.Forget resets the fields that no later step and no property can
// read before they are written afresh: whether the application shut down
// its side, once no shutdown() lies ahead; whether the endpoint closed
// first, once no TIME_WAIT lies ahead; the retransmission backoff, once
// no restart lies ahead; the losses left, once nothing can be sent until
// the next incarnation; the bit saying an incarnation chose sequence
// numbers above the old ones, once nothing older is present; the ghost
// bits of the last incarnation, once nothing holds it or can. The rules
// (model/forget.go) are derived from the table, so a mutant gets rules
// of its own; each errs towards keeping a field.
//
// Why it is exact: a state and its forgotten form have the same steps, in
// the same order, with the same labels, to states that are equal once
// forgotten, and every property (safety verdicts on steps and states,
// liveness obligations and their tags, whether time may pass unchanged)
// says the same of both. The relation is a bisimulation the properties
// cannot tell apart, so breadth-first search meets the first violation at
// the same depth, and a lasso exists in one graph exactly when it exists
// in the other. TestForgetIsExact checks the step-by-step claim on every
// state the plain search reaches under every profile, on small bounds.
// Liveness needs no more than that: a forgotten field is never one an
// obligation's tag is made of (the tags are endpoint states and
// incarnations, never forgotten).
//
// The liveness search, for its part, numbers only the states that owe an
// obligation (graph, liveness.go): the others cannot lie on a cycle that
// owes one, so they need no number, no edges and no place in Tarjan's
// arrays.
//
// Measured on linux (fsmgen check -plain against fsmgen check): with one
// segment in flight each way and two incarnations, 125,605 states plain
// and 72,774 reduced (0.58); with two segments and one incarnation,
// 1,017,433 and 539,344 (0.53); at the default bounds 74,058,391 and
// 40,850,671 (0.55). Before close() was accepted in CLOSING, LAST_ACK and
// TIME_WAIT (which adds plain states and no reduced ones), the default
// bounds took 3.33 GB peak resident plain and 1.66 GB reduced, and 339 s
// and 188 s of CPU (check/bench-reduce.sh compares builds).
//
// # What does not pay
//
// Sweep-line (Christensen, Kristensen, Mailund, TACAS 2001) deletes the
// states behind a progress measure that no step lowers; here the
// incarnation counter (State.NextInc) is one. The memory it could save is
// bounded by the largest layer of states sharing a value: on linux it
// holds 84% of all states with two incarnations, 74% with three
// (BenchmarkReductionCandidates), since nearly all the work of a run is
// within the last incarnation. At most a 1.2 to 1.35-fold saving, for
// which counterexamples would have to be rebuilt by a second search
// (parent links into deleted states lead nowhere); so it is not done.
//
// Partial order: a tick ages every segment and runs every timer down, so
// it depends on every other step, and deliveries in the two directions
// share the loss budget and fill each other's channels (a delivery to A
// sends into A's direction). The only steps independent enough to take
// in one order are urgent ones at the same instant, two timers due at
// once (TAPAAL's stubborn sets for timed nets pay on exactly those, Bønneland
// et al., CAV 2018): fewer than 1% of the states have two due at once
// (BenchmarkReductionCandidates), so it is not done.
//
// Symmetry: there is none to exploit. The client opens and the server
// listens, so the endpoints are not interchangeable; the two directions
// of the network carry different endpoints' segments; and incarnations
// are ordered (an old segment is one of a smaller incarnation), so no
// renaming of them preserves the steps.

// reduced is m as the exploration runs it: forgetting dead fields
// (model.Forget) unless plain.
func reduced(m *model.Model, plain bool) *model.Model {
	if m.Forgets == !plain {
		return m
	}
	c := *m
	c.Forgets = !plain
	return &c
}
