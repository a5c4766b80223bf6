package assoc

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/sctp"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Interpreter returns a step function that decides each cell from sp
// itself, for a spec with generated/sctp's vocabulary (the same states,
// events and actions, in the same order): a mutant of the SCTP spec,
// checked without generating it.
func Interpreter(sp *spec.Spec) (StepFunc, error) {
	if len(sp.States) != int(sctp.NumStates)-1 || len(sp.Events) != int(sctp.NumEvents)-1 || len(sp.Actions) != sctp.NumActions {
		return nil, fmt.Errorf("%s: the association model runs the SCTP vocabulary (%d states, %d events, %d actions); this spec has %d, %d, %d",
			sp.File, sctp.NumStates-1, sctp.NumEvents-1, sctp.NumActions, len(sp.States), len(sp.Events), len(sp.Actions))
	}
	for i, s := range sp.States {
		if s.Name != sctp.State(i+1).String() {
			return nil, fmt.Errorf("%s: state %d is %s, not %s", sp.File, i+1, s.Name, sctp.State(i+1))
		}
	}
	for i, e := range sp.Events {
		if e.String() != sctp.Event(i+1).String() {
			return nil, fmt.Errorf("%s: event %d is %s, not %s", sp.File, i+1, e, sctp.Event(i+1))
		}
	}
	for i, a := range sp.Actions {
		if a.String() != sctp.Action(1<<i).String() {
			return nil, fmt.Errorf("%s: action %d is %s, not %s", sp.File, i, a, sctp.Action(1<<i))
		}
	}
	return func(s sctp.State, e sctp.Event) (sctp.Transition, bool) {
		if !s.Valid() || !e.Valid() {
			return sctp.Transition{}, false
		}
		r := sp.Decide(sp.States[s-1], sp.Events[e-1], 0)
		return sctp.Transition{Next: sctp.State(r.Next.Index), Verdict: sctp.Verdict(r.Verdict), Rule: sctp.RuleID(r.Index), Actions: sctp.Action(r.ActionBits())}, true
	}, nil
}
