package conform

import (
	"fmt"
	"math"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// timerProblems compares the timers the kernel showed with the profile:
// TIME_WAIT's timer against the profile's TIME_WAIT, an orphaned
// FIN_WAIT_2's against its flush, each measured from when the state was
// first seen.
func timerProblems(t *Trace, x Side, p tcp.Profile) []string {
	var problems []string
	var state tcp.State
	var since time.Duration
	checked := map[tcp.State]bool{}
	for _, e := range t.Events {
		if e.Side != x {
			continue
		}
		switch e.Kind {
		case State:
			if e.State != state {
				state, since = e.State, e.At
			}
		case Timer:
			var want time.Duration
			switch {
			case state == tcp.TimeWait && e.Timer == "timewait":
				want = p.Duration(tcp.TimeWaitTimer, state, tcp.SocketOrphan)
			case state == tcp.FinWait2 && e.Timer == "timewait":
				want = p.Duration(tcp.FinWait2Timer, state, tcp.SocketOrphan) // Linux keeps an orphaned FIN_WAIT_2 as a time-wait socket
			default:
				continue
			}
			if checked[state] {
				continue
			}
			checked[state] = true
			expect := want - (e.At - since)
			if diff := e.TimerLeft - expect; math.Abs(float64(diff)) > float64(Tolerance) {
				problems = append(problems, fmt.Sprintf("%s timer shows %.1fs left %.3fs after entering it; the profile says %v",
					state, e.TimerLeft.Seconds(), (e.At-since).Seconds(), want))
			}
		}
	}
	return problems
}
