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
	onOff := map[bool]string{true: "on", false: "off"}
	return fmt.Sprintf("the SCTP association model (package assoc), untimed: %d associations, %d chunk(s) in flight each way, loss %s, duplication %s, reordering on, %s",
		b.Associations, b.Capacity, onOff[b.Loss], onOff[b.Dup], tags)
}

// associationCheck explores the SCTP association model under each
// profile, stepping sp through its interpreter, with the explorer that
// runs the TCP model, and adds S1-S7 to the profiles' results. The model
// is untimed and the spec has no switches, so every profile explores the
// same states; each is reported, as for TCP.
func associationCheck(rep *Report, sp *spec.Spec, profiles []*spec.Profile, step assoc.StepFunc, opt Options) error {
	// The TCP bounds say how much to explore: capacity is chunks in
	// flight each way, incarnations are associations, loss and
	// duplication as set. Reordering is always on (any chunk in flight
	// may arrive next) and time plays no part.
	b := assoc.Bounds{Associations: opt.Bounds.Incarnations, Capacity: opt.Bounds.Capacity,
		Loss: opt.Bounds.Loss && opt.Bounds.Losses > 0, Dup: opt.Bounds.Duplication, ReuseTags: opt.ReuseTags}
	rep.Bounds = describeAssociation(b)
	for i, sprof := range profiles {
		m, err := assoc.New(b, step)
		if err != nil {
			return BadBounds{fmt.Errorf("the association model takes -incarnations as associations and -capacity as chunks in flight: %w", err)}
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
		if opt.Coverage {
			r.Coverage = associationCoverage(sp, res.Fired)
		}
		var out []PropertyResult
		for _, p := range assoc.Properties {
			pr := PropertyResult{ID: p.ID, Name: assoc.Names[p.ID], Holds: true}
			if c := res.Violations[p.ID]; c != nil {
				pr.Holds, pr.Problem = false, c.Problem
				pr.Counterexample = append(pr.Counterexample, Step{Step: "start", State: c.Initial.String()})
				for _, s := range c.Steps {
					pr.Counterexample = append(pr.Counterexample, Step{Step: s.Label.String(), State: s.State.String()})
				}
				if c.Loop >= 0 { // S7's lasso: repeats_from says where its cycle starts
					loop := c.Loop + 1 // the list starts with the initial state
					pr.RepeatsFrom = &loop
				}
			}
			out = append(out, pr)
		}
		r.Properties = append(out, r.Properties...)
	}
	return nil
}

// associationCoverage maps the explorer's count per cell of the
// association model (state*NumEvents+event, see assoc.Model.LabelCell)
// onto the rules of sp, a spec without switches: one rule a cell.
func associationCoverage(sp *spec.Spec, fired []uint64) []RuleCoverage {
	out := make([]RuleCoverage, 0, len(sp.Rules))
	for _, r := range sp.Rules {
		c := RuleCoverage{State: r.State.Name, Event: r.Event.String(), Line: r.Pos.Line}
		if r.Guard != nil {
			c.Guard = r.Guard.String()
		}
		if o := sp.OutsideOf(r); o != nil {
			c.Outside = o.Reason
		}
		if cell := r.State.Index*int(sctp.NumEvents) + r.Event.Index; cell < len(fired) {
			c.Fired = fired[cell]
		}
		out = append(out, c)
	}
	return out
}
