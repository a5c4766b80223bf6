package track

import (
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// machine is one side's state machine as track drives it: the generated
// table under a profile, with the timers its transitions arm. It is an
// interface so that the follower does not care whether the table is
// stepped here or by a runtime that ships beside it.
type machine interface {
	// State is the side's current state.
	State() tcp.State
	// Step applies event e at time at and returns the table's transition.
	Step(e tcp.Event, at time.Duration) tcp.Transition
	// Due returns the earliest timer whose expiry the capture cannot show
	// and that is due at or before until, with its deadline.
	Due(until time.Duration) (tcp.Timer, time.Duration, bool)
}

// silentTimers are the timers whose expiry leaves nothing on the wire and
// so must be run on the capture's clock: TIME_WAIT ends quietly. The others
// show themselves (a retransmission is a resent segment, R2 and the user
// timeout end in silence or a RST the capture has) or cannot be told from
// a capture (the fin_wait_2 flush runs only for an orphan, and a capture
// cannot tell close() from shutdown()).
var silentTimers = []tcp.Timer{tcp.TimeWaitTimer}

// tableMachine steps the generated table and keeps each timer as a
// deadline on the capture's clock.
type tableMachine struct {
	profile  *tcp.Profile
	state    tcp.State
	deadline [tcp.NumTimers]time.Duration
	armed    [tcp.NumTimers]bool
}

func newTableMachine(p *tcp.Profile, s tcp.State) *tableMachine {
	return &tableMachine{profile: p, state: s}
}

func (m *tableMachine) State() tcp.State { return m.state }

func (m *tableMachine) Step(e tcp.Event, at time.Duration) tcp.Transition {
	tr, ok := m.profile.Step(m.state, e)
	if !ok {
		return tcp.Transition{Next: m.state, Verdict: tcp.Reject}
	}
	for t := tcp.Timer(1); t < tcp.NumTimers; t++ {
		switch {
		case tr.Actions.Has(t.StopAction()):
			m.armed[t] = false
		case tr.Actions.Has(t.StartAction()) || tr.Actions.Has(t.RestartAction()):
			m.armed[t], m.deadline[t] = true, at+m.profile.Timer(t)
		}
	}
	if e.Timer().Valid() {
		m.armed[e.Timer()] = false
	}
	m.state = tr.Next
	return tr
}

func (m *tableMachine) Due(until time.Duration) (tcp.Timer, time.Duration, bool) {
	var best tcp.Timer
	for _, t := range silentTimers {
		if m.armed[t] && m.deadline[t] <= until && (best == 0 || m.deadline[t] < m.deadline[best]) {
			best = t
		}
	}
	if best == 0 {
		return 0, 0, false
	}
	return best, m.deadline[best], true
}
