package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// modelFlags are the bounds of the model exploration.
type modelFlags struct {
	msl          *time.Duration
	mslTicks     *int
	capacity     *int
	incarnations *int
	losses       *int
	noLoss       *bool
	noDup        *bool
	noReorder    *bool
	maxStates    *int
	maxMemory    *int
}

// addModelFlags defines the model's bounds on fs, defaulting to
// model.DefaultBounds.
func addModelFlags(fs *flag.FlagSet) *modelFlags {
	d := model.DefaultBounds()
	return &modelFlags{
		msl:          fs.Duration("msl", 0, "network `MSL` (default: the profile's own MSL, or 30s where it has none)"),
		mslTicks:     fs.Int("msl-ticks", d.MSLTicks, "ticks per network MSL (`N`)"),
		capacity:     fs.Int("capacity", d.Capacity, "distinct segments in flight per direction (`N`)"),
		incarnations: fs.Int("incarnations", d.Incarnations, "connections the client may open on the 4-tuple (`N`)"),
		losses:       fs.Int("losses", d.Losses, "segments that may be lost per incarnation (`N`)"),
		noLoss:       fs.Bool("no-loss", false, "a network that loses nothing"),
		noDup:        fs.Bool("no-dup", false, "a network that duplicates nothing"),
		noReorder:    fs.Bool("no-reorder", false, "a network that keeps order"),
		maxStates:    fs.Int("max-states", 20_000_000, "stop a run past `N` states"),
		maxMemory:    fs.Int("max-memory", 16<<10, "stop a run whose heap passes `MiB`"),
	}
}

func (f *modelFlags) bounds() model.Bounds {
	return model.Bounds{
		NetworkMSL: *f.msl, MSLTicks: *f.mslTicks, Capacity: *f.capacity, Incarnations: *f.incarnations,
		Losses: *f.losses, Loss: !*f.noLoss, Duplication: !*f.noDup, Reordering: !*f.noReorder,
	}
}

// modelCheck explores the model under each profile and adds the
// model-checked properties to the profiles' results.
func modelCheck(rep *checkReport, sp *spec.Spec, embedded bool, profiles []*spec.Profile, f *modelFlags) error {
	step := tcp.StepWith
	if !embedded {
		s, err := check.Interpreter(sp)
		if err != nil {
			rep.Skipped = err.Error()
			return nil
		}
		step = s
	}
	b := f.bounds()
	rep.Bounds = fmt.Sprintf("client A and server B over a network of capacity %d per direction, loss %s, duplication %s, reordering %s; %d incarnation%s; MSL = %d ticks",
		b.Capacity, onOffLoss(b), onOff(b.Duplication), onOff(b.Reordering), b.Incarnations, plural(b.Incarnations), b.MSLTicks)
	names := map[string]string{}
	for _, p := range props.All {
		names[p.ID] = p.Name
	}
	for i, sprof := range profiles {
		p := check.Profile(sprof)
		if embedded {
			p, _ = tcp.ProfileByName(sprof.Name)
		}
		m, err := model.New(p, b, step)
		if err != nil {
			return usageErr("fsmgen check: profile %s: %v", sprof.Name, err)
		}
		if *f.maxMemory <= 0 {
			return usageErr("fsmgen check: -max-memory %d: give a positive number of MiB", *f.maxMemory)
		}
		res, err := check.RunWithin(m, props.ModelChecked, *f.maxStates, uint64(*f.maxMemory)<<20)
		if err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("fsmgen check: profile %s: %v", sprof.Name, err)}
		}
		r := &rep.Results[i]
		r.MSL = m.Timing.NetworkMSL.String()
		r.Timing = m.Timing.String()
		r.States, r.Transitions, r.Seconds = res.States, res.Transitions, res.Elapsed.Seconds()
		var model []propResult
		for _, prop := range props.ModelChecked {
			pr := propResult{ID: prop.ID, Name: names[prop.ID], Holds: true}
			if c, bad := res.Violations[prop.ID]; bad {
				pr.Holds, pr.Problem, pr.trace = false, c.Problem, c
				pr.Counterexample = append(pr.Counterexample, stepJSON{Step: "start", State: c.Initial.String()})
				for _, s := range c.Steps {
					pr.Counterexample = append(pr.Counterexample, stepJSON{Step: s.Label.String(), State: s.State.String()})
				}
			}
			model = append(model, pr)
		}
		// P1..P8 before P9, in order.
		r.Properties = append(model, r.Properties...)
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func onOffLoss(b model.Bounds) string {
	if !b.Loss || b.Losses == 0 {
		return "off"
	}
	return fmt.Sprintf("up to %d per incarnation", b.Losses)
}

// formatCounterexample numbers the steps of c, each with both endpoints'
// states and the segments in flight after it.
func formatCounterexample(profile string, c *check.Counterexample) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s VIOLATED under %s: %s\n", c.Property, profile, c.Problem)
	fmt.Fprintf(&b, "  %2d. start               %s\n", 0, c.Initial)
	for i, s := range c.Steps {
		fmt.Fprintf(&b, "  %2d. %s\n      %s\n", i+1, s.Label, s.State)
	}
	return b.String()
}
