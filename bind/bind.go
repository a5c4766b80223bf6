// Package bind binds a spec to the model: it turns a spec, one of its
// profiles, bounds and a choice of table into the model.Model that the
// explorer, the SPIN export and the tests all run, so that the recipe is
// written once.
//
// The model runs a table, never the spec, so a spec reaches it by one of two
// roads. The spec that generated/tcp was made from runs on generated/tcp
// itself, the table programs import. Any other spec of the same vocabulary
// (a mutant, say) runs on its interpreter: spec.Decide behind the generated
// step function's shape.
package bind

import (
	"fmt"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Table says which table steps the model.
type Table int

const (
	// Interpreted decides each cell from the spec itself. It is the zero
	// Table: any spec of the vocabulary can ask for it.
	Interpreted Table = iota
	// Generated runs generated/tcp, the table programs import, with its
	// own profiles. Only the spec it was generated from may ask for it.
	Generated
)

func (t Table) String() string {
	switch t {
	case Interpreted:
		return "the spec's interpreter"
	case Generated:
		return "generated/tcp"
	}
	return fmt.Sprintf("Table(%d)", int(t))
}

// Model builds the model of profile prof of sp on bounds b, stepping the
// table t.
func Model(sp *spec.Spec, prof *spec.Profile, b model.Bounds, t Table) (*model.Model, error) {
	p, step, err := table(sp, prof, t)
	if err != nil {
		return nil, err
	}
	m, err := model.New(p, b, step)
	if err != nil {
		return nil, err // bounds out of range, or a scaling refused for the profile it names
	}
	// Which timers may end a connection comes from the spec's giveup
	// declarations, whichever table runs: the properties judge a
	// connection's end by them.
	for _, t := range sp.Timers {
		m.GiveUp[t.Index] = t.GiveUp != ""
	}
	return m, nil
}

// table picks the step function and the profile table t stands for.
func table(sp *spec.Spec, prof *spec.Profile, t Table) (tcp.Profile, tcp.StepFunc, error) {
	switch t {
	case Generated:
		if !IsGenerated(sp) && tcp.SpecFile == sp.File {
			return tcp.Profile{}, nil, fmt.Errorf("generated/tcp is stale: it was made from another text of %s; run go generate ./...", sp.File)
		}
		if !IsGenerated(sp) {
			return tcp.Profile{}, nil, fmt.Errorf("%s: generated/tcp was generated from another spec (%s)", sp.File, tcp.SpecFile)
		}
		p, ok := tcp.ProfileByName(prof.Name)
		if !ok {
			return tcp.Profile{}, nil, fmt.Errorf("generated/tcp has no profile %s", prof.Name)
		}
		// The switches are the spec profile's: the same as the generated
		// profile's, unless a run turned one over (fsmgen check -set).
		p.Switches = tcp.Switches(prof.Switches())
		return p, tcp.StepWith, nil
	case Interpreted:
		step, err := Interpreter(sp)
		if err != nil {
			return tcp.Profile{}, nil, err
		}
		p, err := Profile(sp, prof)
		return p, step, err
	}
	return tcp.Profile{}, nil, fmt.Errorf("bind: unknown table %d", int(t))
}

// IsGenerated reports whether generated/tcp was generated from sp's text.
func IsGenerated(sp *spec.Spec) bool { return sp.Hash() == tcp.SpecHash }

// Interpreter returns a step function that decides each cell from the
// spec itself, for a spec with the vocabulary of generated/tcp (the same
// states, events, actions and switches, in the same order): a mutant of
// the TCP spec, checked before anything is generated from it.
func Interpreter(sp *spec.Spec) (tcp.StepFunc, error) {
	if err := sameVocabulary(sp); err != nil {
		return nil, err
	}
	return func(sw tcp.Switches, s tcp.State, e tcp.Event) (tcp.Transition, bool) {
		if !s.Valid() || !e.Valid() || sw >= tcp.NumSwitchSets {
			return tcp.Transition{}, false
		}
		r := sp.Decide(sp.States[s-1], sp.Events[e-1], uint64(sw))
		return tcp.Transition{Next: tcp.State(r.Next.Index), Verdict: tcp.Verdict(r.Verdict), Rule: tcp.RuleID(r.Index), Actions: tcp.Action(r.ActionBits())}, true
	}, nil
}

// sameVocabulary refuses a spec whose states, events, actions or switches
// are not generated/tcp's, in its order: the model's code names them. Nor
// may its runtime rules differ (sameRuntime).
func sameVocabulary(sp *spec.Spec) error {
	if len(sp.States) != int(tcp.NumStates)-1 || len(sp.Events) != int(tcp.NumEvents)-1 ||
		len(sp.Timers) != int(tcp.NumTimers)-1 || len(sp.Actions) != tcp.NumActions {
		return fmt.Errorf("%s: the model runs the TCP vocabulary (%d states, %d events, %d timers, %d actions); this spec has %d, %d, %d, %d",
			sp.File, tcp.NumStates-1, tcp.NumEvents-1, tcp.NumTimers-1, tcp.NumActions, len(sp.States), len(sp.Events), len(sp.Timers), len(sp.Actions))
	}
	type named struct {
		what       string
		i          int
		have, want string
	}
	var all []named
	for i, s := range sp.States {
		all = append(all, named{"state", i + 1, s.Name, tcp.State(i + 1).String()})
	}
	for i, e := range sp.Events {
		all = append(all, named{"event", i + 1, e.String(), tcp.Event(i + 1).String()})
	}
	for i, t := range sp.Timers {
		all = append(all, named{"timer", i + 1, t.Name, tcp.Timer(i + 1).String()})
	}
	for i, a := range sp.Actions {
		all = append(all, named{"action", i, a.String(), tcp.Action(1 << i).String()})
	}
	for i, w := range sp.Switches {
		all = append(all, named{"switch", i, w.Name, tcp.Switches(1 << i).String()})
	}
	for _, n := range all {
		if n.have != n.want {
			return fmt.Errorf("%s: %s %d is %s, not %s", sp.File, n.what, n.i, n.have, n.want)
		}
	}
	return sameRuntime(sp)
}

// Profile turns profile p of sp, a spec of the TCP vocabulary, into the
// generated package's Profile, so that a mutant spec's own profiles run.
// A timer, duration or count generated/tcp does not know is an error,
// never a silent zero.
func Profile(sp *spec.Spec, p *spec.Profile) (tcp.Profile, error) {
	if err := sameVocabulary(sp); err != nil {
		return tcp.Profile{}, err
	}
	out := tcp.Profile{Name: p.Name, Doc: p.Doc, Switches: tcp.Switches(p.Switches())}
	for _, v := range p.Values {
		if v.Switch != nil {
			continue
		}
		if v.Count != nil {
			if !out.SetCount(v.Name, v.N) {
				return tcp.Profile{}, fmt.Errorf("%s: profile %s: generated/tcp has no count %s", sp.File, p.Name, v.Name)
			}
			continue
		}
		if !out.SetDuration(v.Name, v.Length) {
			return tcp.Profile{}, fmt.Errorf("%s: profile %s: generated/tcp has no timer or duration %s", sp.File, p.Name, v.Name)
		}
	}
	return out, nil
}
