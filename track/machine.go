package track

import (
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// machine is one side's state machine as track drives it: the generated
// table under a profile, with the timers its transitions arm. It is an
// interface so that the follower does not care how the table is stepped.
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
// so must be run on the capture's clock: TIME_WAIT and the FIN_WAIT_2
// flush end quietly. The others show themselves (a retransmission is a
// resent segment, a persist timer a probe) or give up, which the capture
// shows only as silence and track does not guess at.
var silentTimers = []tcp.Timer{tcp.TimeWaitTimer, tcp.FinWait2Timer}

// heldSocket is how track takes every socket to be held: a capture cannot
// tell close() from shutdown(), nor see a socket option, so a side is
// neither an orphan nor asked for keep-alive. The spec's arm declarations
// (Profile.Runs) then say which timers run: the FIN_WAIT_2 flush only
// under a profile that flushes held sockets too.
const heldSocket tcp.Socket = 0

// tableMachine steps the generated table and keeps each timer as a
// deadline on the capture's clock, armed, stopped and timed as the
// generated runtime rules say (Action.TimerOp, Profile.Runs,
// Profile.Duration).
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
	if t := e.Timer(); t.Valid() {
		m.armed[t] = false // it fired
	}
	m.state = tr.Next
	if tr.Verdict != tcp.Move {
		return tr
	}
	for t := tcp.Timer(1); t < tcp.NumTimers; t++ {
		switch tr.Actions.TimerOp(t) {
		case tcp.StopTimer:
			m.armed[t] = false
		case tcp.StartTimer:
			if !m.armed[t] {
				m.arm(t, at)
			}
		case tcp.RestartTimer:
			m.arm(t, at)
		}
	}
	return tr
}

// arm sets timer t running from at for its duration in the current state,
// if the runtime runs it for a held socket at all.
func (m *tableMachine) arm(t tcp.Timer, at time.Duration) {
	d := m.profile.Duration(t, m.state)
	m.armed[t] = d > 0 && m.profile.Runs(t, heldSocket)
	m.deadline[t] = at + d
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
