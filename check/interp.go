package check

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Interpreter returns a step function that decides each cell from the
// spec itself, for a spec with the vocabulary of generated/tcp (the same
// states, events, actions and switches, in the same order): a mutant of
// the TCP spec, checked before anything is generated from it.
func Interpreter(sp *spec.Spec) (func(tcp.Switches, tcp.State, tcp.Event) (tcp.Transition, bool), error) {
	if len(sp.States) != int(tcp.NumStates)-1 || len(sp.Events) != int(tcp.NumEvents)-1 || len(sp.Actions) != tcp.NumActions {
		return nil, fmt.Errorf("%s: the model runs the TCP vocabulary (%d states, %d events, %d actions); this spec has %d, %d, %d",
			sp.File, tcp.NumStates-1, tcp.NumEvents-1, tcp.NumActions, len(sp.States), len(sp.Events), len(sp.Actions))
	}
	for i, s := range sp.States {
		if tcp.State(i+1).String() != s.Name {
			return nil, fmt.Errorf("%s: state %d is %s, not %s", sp.File, i+1, s.Name, tcp.State(i+1))
		}
	}
	for i, e := range sp.Events {
		if tcp.Event(i+1).String() != e.String() {
			return nil, fmt.Errorf("%s: event %d is %s, not %s", sp.File, i+1, e, tcp.Event(i+1))
		}
	}
	for i, a := range sp.Actions {
		if tcp.Action(1<<i).String() != a.String() {
			return nil, fmt.Errorf("%s: action %d is %s, not %s", sp.File, i, a, tcp.Action(1<<i))
		}
	}
	for i, w := range sp.Switches {
		if tcp.Switches(1<<i).String() != w.Name {
			return nil, fmt.Errorf("%s: switch %d is %s, not %s", sp.File, i, w.Name, tcp.Switches(1<<i))
		}
	}
	return func(sw tcp.Switches, s tcp.State, e tcp.Event) (tcp.Transition, bool) {
		if !s.Valid() || !e.Valid() || sw >= tcp.NumSwitchSets {
			return tcp.Transition{}, false
		}
		r := sp.Decide(sp.States[s-1], sp.Events[e-1], uint64(sw))
		return tcp.Transition{Next: tcp.State(r.Next.Index), Verdict: tcp.Verdict(r.Verdict), Rule: tcp.RuleID(r.Index), Actions: tcp.Action(r.ActionBits())}, true
	}, nil
}

// Profile turns a profile of a spec of the TCP vocabulary into the
// generated package's Profile, so that a mutant spec's own profiles run.
func Profile(p *spec.Profile) tcp.Profile {
	out := tcp.Profile{Name: p.Name, Doc: p.Doc, Switches: tcp.Switches(p.Switches())}
	for _, v := range p.Values {
		if v.Switch != nil {
			continue
		}
		d := v.Length
		switch v.Name {
		case "msl":
			out.MSL = d
		case "r2_syn":
			out.R2Syn = d
		case "keepalive_interval":
			out.KeepaliveInterval = d
		case "retransmission":
			out.Retransmission = d
		case "r2":
			out.R2 = d
		case "time_wait":
			out.TimeWait = d
		case "fin_wait_2":
			out.FinWait2 = d
		case "keepalive":
			out.Keepalive = d
		case "user_timeout":
			out.UserTimeout = d
		case "persist":
			out.Persist = d
		}
	}
	return out
}
