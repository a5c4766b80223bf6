package verify

import (
	"errors"
	"fmt"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Time in the model moves in ticks of MSL/MSLTicks, and every duration of a
// profile is rounded up to whole ticks: a 1 s RTO against a 30 s MSL is a
// 15 s tick. A verdict that such rounding decides is not a verdict on the
// profile. With Options.AlsoMSLTicks each verdict is decided again at the
// other resolutions, and one that differs is reported as depending on the
// time resolution: a failure, whatever the first run said.

// recheck explores profile sprof of sp again at each of opt.AlsoMSLTicks
// ticks per MSL and marks in r every model-checked property whose status
// differs from r's.
func recheck(r *ProfileResult, sp *spec.Spec, sprof *spec.Profile, opt Options) error {
	for _, ticks := range opt.AlsoMSLTicks {
		if ticks == opt.Bounds.MSLTicks {
			continue
		}
		b := opt.Bounds
		b.MSLTicks = ticks
		// The keep-alive idle time and the user timeout are the same
		// durations in the other ticks (rounded up; 0 stays off).
		rescale := func(n int) int {
			if n == 0 {
				return 0
			}
			return max(1, (n*ticks+opt.Bounds.MSLTicks-1)/opt.Bounds.MSLTicks)
		}
		b.KeepAlive, b.UserTimeout = rescale(b.KeepAlive), rescale(b.UserTimeout)
		m, err := bind.Model(sp, sprof, b, opt.Table)
		if err != nil {
			return BadBounds{fmt.Errorf("at %d ticks per MSL: %w", ticks, err)}
		}
		co := opt.checkOptions(sprof)
		if opt.Progress != nil {
			co.Progress = func(pr check.Progress) { opt.Progress(fmt.Sprintf("%s at %d ticks per MSL", sprof.Name, ticks), pr) }
		}
		res, err := check.Run(m, opt.properties(), co)
		var stopped check.Stopped
		if errors.As(err, &stopped) {
			return Interrupted{Profile: sprof.Name, States: stopped.States}
		} else if err != nil {
			return fmt.Errorf("profile %s at %d ticks per MSL: %w", sprof.Name, ticks, err)
		}
		other := map[string]string{}
		for _, p := range modelResults(sprof, m.Bounds, res, false) {
			other[p.ID] = p.Status()
		}
		for i := range r.Properties {
			p := &r.Properties[i]
			if s, ok := other[p.ID]; ok && s != p.settled() && p.Resolution == "" {
				p.Resolution = fmt.Sprintf("%s at %d ticks per MSL, %s at %d", p.settled(), opt.Bounds.MSLTicks, s, ticks)
			}
		}
	}
	return nil
}
