package endpoint

import (
	"errors"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// The errors an application call may end in, one per signal of the spec
// that fails a call. They are values, so returning one allocates nothing.
var (
	// ErrNoConnection: the connection does not exist, or already exists
	// (signal no_connection).
	ErrNoConnection = errors.New("connection does not exist or already exists")
	// ErrClosing: the connection is closing (signal closing_error).
	ErrClosing = errors.New("connection closing")
	// ErrRejected: the table refuses the call without naming a signal.
	ErrRejected = errors.New("call rejected in this state")
)

// MaxSegments is the most segments one call, segment or Advance asks to
// send; MaxSteps the most table steps it records.
const (
	MaxSegments = 4
	MaxSteps    = 8
)

// Step is one decision of the table: the event, the state it was taken
// in and the state it led to, the verdict and the spec's rule.
type Step struct {
	Event    tcp.Event
	From, To tcp.State
	Verdict  tcp.Verdict
	Rule     tcp.RuleID
}

// Output is what one call, segment or Advance asks of the caller: the
// segments to send, in order, what to tell the application (the tell
// actions of the steps taken), and the call's error. The caller owns it
// and passes it again; each method resets it first, so the steady path
// allocates nothing.
type Output struct {
	segments  [MaxSegments]Segment
	nSegments int
	steps     [MaxSteps]Step
	nSteps    int
	// Signals are the Tell... actions of the steps taken.
	Signals tcp.Action
	// Err is the application call's error, nil when it was accepted.
	Err error
	// Reply is what answered a segment the table never saw (Inspect).
	Reply Reply
}

// Reset empties o for reuse.
func (o *Output) Reset() { *o = Output{} }

// Segments returns the segments to send, in order. The slice aliases o.
func (o *Output) Segments() []Segment { return o.segments[:o.nSegments] }

// Steps returns the table steps taken, in order. The slice aliases o.
func (o *Output) Steps() []Step { return o.steps[:o.nSteps] }

func (o *Output) send(s Segment) {
	if o.nSegments < MaxSegments {
		o.segments[o.nSegments] = s
		o.nSegments++
	}
}

func (o *Output) record(s Step) bool {
	if o.nSteps == MaxSteps {
		return false
	}
	o.steps[o.nSteps] = s
	o.nSteps++
	return true
}
