// Package assoc is the model of an SCTP association that the explorer of
// package check runs, as it runs package model for TCP: two endpoints,
// each stepping the association table (generated/sctp, or a spec of the
// same vocabulary through its interpreter), joined by a network that
// loses, reorders and duplicates chunks.
//
// The model is untimed: any running timer may expire at any moment, and a
// chunk may stay in the network for ever. That is the point of the
// comparison with TCP: SCTP keeps old chunks out of a new association by
// the verification tag, not by waiting, so no bound on their lifetime is
// needed. Each association's tags are ghost values chosen fresh: the tag
// of endpoint x in association k is a number no other association uses,
// which stands for a random 32-bit tag that never collides (RFC 9260
// 5.3.1). Bounds.ReuseTags breaks that on purpose: every association takes
// the tags of the first.
//
// A's user starts associations (ASSOCIATE) and both users send data,
// shut down and abort. B answers an INIT from CLOSED without keeping
// state, as RFC 9260 5.1 B has it: its INIT ACK carries the tags of the
// association the INIT belongs to, in the cookie that its COOKIE ECHO
// brings back. The model has no restart (RFC 9260 5.2.4 A): a COOKIE ECHO
// whose tag is not the receiver's fails the tag check like any chunk. Nor
// does a cookie go stale (Valid.Cookie.Life, 5.1.3): an old COOKIE ECHO
// that reaches B in CLOSED opens its own association again, whose chunks
// then fail the tag check of A's later association, as S1 asks.
package assoc

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/sctp"
)

// The two endpoints: A starts associations, B answers them.
const (
	A = 0
	B = 1
)

var endName = [2]string{"A", "B"}

// Bounds bound the exploration.
type Bounds struct {
	// Associations is how many associations A's user may start, 1 to 3.
	Associations int
	// Capacity is how many chunks may be in flight each way, 1 to 3.
	Capacity int
	// Loss lets the network lose a chunk; a chunk sent into a full
	// channel is then lost too. Without it such a send is refused.
	Loss bool
	// Dup lets the network deliver a chunk and keep a copy in flight.
	Dup bool
	// ReuseTags makes every association take the tags of the first: the
	// mutant of tag choice that the verification tag cannot survive.
	ReuseTags bool
}

// QuickBounds are the bounds the tests run: two associations, one chunk
// in flight each way, loss and duplication.
func QuickBounds() Bounds { return Bounds{Associations: 2, Capacity: 1, Loss: true, Dup: true} }

// StepFunc decides an event in a state: generated/sctp's Step, or a
// spec's interpreter (see Interpreter).
type StepFunc func(s sctp.State, e sctp.Event) (sctp.Transition, bool)

// Model is the association model on some bounds, stepping one table.
type Model struct {
	Bounds Bounds
	step   StepFunc
	// GiveUp, per timer, says whether its expiry may end an association
	// (the spec's giveup declarations).
	GiveUp [sctp.NumTimers]bool
}

// New returns the model on bounds b stepping table step (generated/sctp's
// Step when nil).
func New(b Bounds, step StepFunc) (*Model, error) {
	if b.Associations < 1 || b.Associations > maxAssoc {
		return nil, fmt.Errorf("associations: %d is not between 1 and %d", b.Associations, maxAssoc)
	}
	if b.Capacity < 1 || b.Capacity > maxCap {
		return nil, fmt.Errorf("capacity: %d is not between 1 and %d", b.Capacity, maxCap)
	}
	if step == nil {
		step = sctp.Step
	}
	m := &Model{Bounds: b, step: step}
	for t := sctp.Timer(1); t < sctp.NumTimers; t++ {
		m.GiveUp[t] = t.GivesUp()
	}
	return m, nil
}

// tag is the verification tag endpoint x uses in association k (k from
// 1): distinct for every (x, k), unless the tags are reused.
func (m *Model) tag(x int, k uint8) uint8 {
	if m.Bounds.ReuseTags {
		k = 1
	}
	return 2*(k-1) + uint8(x) + 1
}
