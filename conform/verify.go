package conform

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Table is the state table a trace is checked against: tcp.StepWith, or a
// mutant of it in tests.
type Table func(sw tcp.Switches, s tcp.State, e tcp.Event) (tcp.Transition, bool)

// Tolerance is how far a timer seen in the kernel may differ from the
// profile: the kernel's timer wheel rounds, and the poller samples every
// few milliseconds.
const Tolerance = 2500 * time.Millisecond

// Slack is how long after a state is seen the evidence that explains it
// may be recorded: the poller and the capture run apart.
const Slack = 50 * time.Millisecond

// Verdict is the outcome for one side of one trace.
type Verdict struct {
	Scenario string
	Side     Side
	Observed []tcp.State // the states the kernel showed, in order, repeats removed
	Path     []string    // a path of the table that explains them: "ESTABLISHED --app CLOSE--> FIN_WAIT_1"
	Problems []string    // empty when the path is accepted and the timers agree
}

// Accepted reports whether the side's behaviour is a path of the table.
func (v Verdict) Accepted() bool { return len(v.Problems) == 0 }

func (v Verdict) String() string {
	states := make([]string, len(v.Observed))
	for i, s := range v.Observed {
		states[i] = s.String()
	}
	head := fmt.Sprintf("%s %s: %s", v.Scenario, v.Side, strings.Join(states, " -> "))
	if v.Accepted() {
		return head + ": accepted"
	}
	return head + ": REJECTED: " + strings.Join(v.Problems, "; ")
}

// Check verifies a trace against the generated table under the linux
// profile with the trace's sysctls applied.
func Check(t *Trace) ([]Verdict, error) {
	p, err := Profile(t)
	if err != nil {
		return nil, err
	}
	return Verify(t, p, tcp.StepWith), nil
}

// Verify checks both sides of trace t against table under profile p.
func Verify(t *Trace, p tcp.Profile, table Table) []Verdict {
	return []Verdict{verifySide(t, Client, p, table), verifySide(t, Server, p, table)}
}

// verifySide checks one side of t: the evidence of what happened to it
// (evidence.go), a path of the table through the states the kernel showed
// (paths.go), then the timers the kernel showed (timers.go).
func verifySide(t *Trace, x Side, p tcp.Profile, table Table) Verdict {
	steps, observed := evidence(t, x)
	v := Verdict{Scenario: t.Scenario, Side: x, Observed: observed}
	if len(observed) == 0 {
		v.Problems = append(v.Problems, "no state of this side was observed")
		return v
	}
	w := &verifier{p: p, table: table, observed: observed, parent: map[config]link{}}
	path, problem := w.search(t, x, steps)
	if problem != "" {
		v.Problems = append(v.Problems, problem)
		return v
	}
	v.Path = path
	v.Problems = append(v.Problems, timerProblems(t, x, p)...)
	return v
}
