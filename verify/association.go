package verify

import (
	"errors"
	"fmt"

	"github.com/tcpfsm/tcpfsm/assoc"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/sctp"
	"github.com/tcpfsm/tcpfsm/spec"
)

// describeAssociation is the bounds line of a report on the association
// model.
func describeAssociation(b assoc.Bounds) string {
	tags := "verification tags chosen fresh for each association"
	if b.ReuseTags {
		tags = "verification tags reused: every association takes the first one's"
	}
	return fmt.Sprintf("the SCTP association model (package assoc), untimed: %d associations, %d chunk(s) in flight each way, loss and duplication, %s", b.Associations, b.Capacity, tags)
}

// associationCheck explores the SCTP association model under each
// profile, stepping sp through its interpreter, with the explorer that
// runs the TCP model, and adds S1-S6 to the profiles' results. The model
// is untimed and the spec has no switches, so every profile explores the
// same states; each is reported, as for TCP.
func associationCheck(rep *Report, sp *spec.Spec, profiles []*spec.Profile, step assoc.StepFunc, opt Options) error {
	b := assoc.QuickBounds()
	b.ReuseTags = opt.ReuseTags
	rep.Bounds = describeAssociation(b)
	for i, sprof := range profiles {
		m, err := assoc.New(b, step)
		if err != nil {
			return BadBounds{err}
		}
		for _, t := range sp.Timers {
			m.GiveUp[sctp.Timer(t.Index)] = t.GiveUp != ""
		}
		co := check.Options{MaxStates: opt.MaxStates, MaxBytes: opt.MaxBytes, Stop: opt.Stop}
		res, err := check.Explore[*assoc.Model, assoc.State, assoc.Label, assoc.Succ](m, assoc.Properties, co)
		r := &rep.Results[i]
		r.MSL, r.Timing = "none", "untimed"
		var stopped check.Stopped
		if errors.As(err, &stopped) {
			r.States, r.Transitions, r.Seconds, r.Bytes = stopped.States, stopped.Transitions, stopped.Elapsed.Seconds(), stopped.Bytes
			r.Incomplete, rep.Incomplete = true, true
			rep.Results = rep.Results[:i+1]
			return Interrupted{Profile: sprof.Name, States: stopped.States}
		} else if err != nil {
			return fmt.Errorf("profile %s: %w", sprof.Name, err)
		}
		r.States, r.Transitions, r.Seconds, r.Bytes = res.States, res.Transitions, res.Elapsed.Seconds(), res.Bytes
		var out []PropertyResult
		for _, p := range assoc.Properties {
			pr := PropertyResult{ID: p.ID, Name: assoc.Names[p.ID], Holds: true}
			if c := res.Violations[p.ID]; c != nil {
				pr.Holds, pr.Problem = false, c.Problem
				pr.Counterexample = append(pr.Counterexample, Step{Step: "start", State: c.Initial.String()})
				for _, s := range c.Steps {
					pr.Counterexample = append(pr.Counterexample, Step{Step: s.Label.String(), State: s.State.String()})
				}
			}
			out = append(out, pr)
		}
		r.Properties = append(out, r.Properties...)
	}
	return nil
}
