package verify

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// The default bounds leave out data, the zero window, the off-path
// attacker, keep-alive and the user timeout: with any of the first three
// a profile at capacity 2 runs past a hundred million states. Yet the close path runs
// through them (a FIN queued behind unsent data, waiting on a closed
// window, probed by persist; a RST in the window answered by a challenge
// ACK, throttled; a FIN_WAIT_2 or CLOSE_WAIT probing a peer that
// vanished, given up by R2; a FIN or data held so long that the user
// timeout aborts). So fsmgen check and fsmgen gen, at the default bounds,
// explore every profile again at model.DataBounds, model.AttackBounds,
// model.KeepAliveBounds and model.UserTimeoutBounds, each at one segment
// in flight per direction. A verdict holds only where it holds in every run;
// a violation or a finding of a later run is reported with its
// counterexample and the bounds it was found at; coverage counts the
// rules every run fired.

// AlsoBounds are bounds of Options.Also, as a report names them.
type AlsoBounds struct {
	Purpose string `json:"purpose"` // "with data and the zero window", "with the attacker"
	Bounds  string `json:"bounds"`
}

// AlsoRun is the size of one exploration a profile's result folds in
// beyond the first (Options.Also).
type AlsoRun struct {
	Bounds      string  `json:"bounds"`
	States      int     `json:"states"`
	Transitions int     `json:"transitions"`
	Seconds     float64 `json:"seconds"`
}

// DefaultAlso is what Options.Also is for fsmgen check and fsmgen gen on
// spec sp at bounds b: model.DataBounds, model.AttackBounds,
// model.KeepAliveBounds and model.UserTimeoutBounds at the default
// bounds, for a spec of the TCP vocabulary; nothing otherwise (bounds a
// user chose are explored as chosen).
func DefaultAlso(sp *spec.Spec, b model.Bounds) []model.Bounds {
	if b != model.DefaultBounds() {
		return nil
	}
	if _, err := bind.Interpreter(sp); err != nil {
		return nil
	}
	return []model.Bounds{model.DataBounds(), model.AttackBounds(), model.KeepAliveBounds(), model.UserTimeoutBounds()}
}

// BoundsKey is what a verification record made with opt is keyed by:
// its bounds, then each of its Also.
func BoundsKey(opt Options) string {
	s := opt.Bounds.String()
	for _, b := range opt.Also {
		s += "; and again at " + b.String()
	}
	return s
}

// also explores profile sprof of sp again at each of opt.Also and folds
// the results into r: its size in r.Also, its verdicts where worse than
// r's (or new), its coverage added to r's.
func also(r *ProfileResult, sp *spec.Spec, sprof *spec.Profile, opt Options) error {
	for _, b := range opt.Also {
		m, err := bind.Model(sp, sprof, b, opt.Table)
		if err != nil {
			return BadBounds{fmt.Errorf("at %s: %w", b, err)}
		}
		co := opt.checkOptions(sprof)
		if opt.Progress != nil {
			co.Progress = func(pr check.Progress) { opt.Progress(sprof.Name+" again "+purpose(b), pr) }
		}
		o := opt
		o.Bounds = b
		res, err := check.Run(m, o.properties(), co)
		var stopped check.Stopped
		if errors.As(err, &stopped) {
			return Interrupted{Profile: sprof.Name, States: r.States + stopped.States}
		} else if err != nil {
			return fmt.Errorf("profile %s at %s: %w", sprof.Name, b, err)
		}
		desc := DescribeBounds(b)
		r.Also = append(r.Also, AlsoRun{Bounds: desc, States: res.States, Transitions: res.Transitions, Seconds: res.Elapsed.Seconds()})
		if r.Coverage != nil {
			for i, c := range coverage(sp, m, res.Fired) {
				r.Coverage[i].Fired += c.Fired
			}
		}
		for _, q := range modelResults(sprof, b, res, false) {
			q.Bounds = desc
			i := propertyIndex(r.Properties, q.ID)
			switch {
			case i < 0:
				r.Properties = append(r.Properties, q)
			case severity(q) > severity(r.Properties[i]):
				q.Resolution = r.Properties[i].Resolution
				r.Properties[i] = q
			}
		}
		slices.SortStableFunc(r.Properties, func(a, b PropertyResult) int { return cmp.Compare(number(a.ID), number(b.ID)) })
	}
	return nil
}

// severity orders verdicts: holds, a declared finding, a violation.
func severity(p PropertyResult) int {
	switch {
	case p.Holds || p.Unchecked:
		return 0
	case p.Finding != "":
		return 1
	}
	return 2
}

// propertyIndex is the index of property id in list, or -1.
func propertyIndex(list []PropertyResult, id string) int {
	for i, p := range list {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// purpose says what a run at Options.Also adds: "with data and the zero
// window", "with the attacker", "with data and keep-alive", "with the user
// timeout", or what it combines.
func purpose(b model.Bounds) string {
	switch {
	case b.UserTimeout > 0 && b.ZeroWindow:
		return "with data, the zero window and the user timeout"
	case b.UserTimeout > 0:
		return "with the user timeout"
	case b.Attacks > 0 && b.Data > 0:
		return "with data and the attacker"
	case b.Attacks > 0:
		return "with the attacker"
	case b.ZeroWindow:
		return "with data and the zero window"
	case b.Data > 0 && b.KeepAlive > 0:
		return "with data and keep-alive"
	case b.Data > 0:
		return "with data"
	case b.KeepAlive > 0:
		return "with keep-alive"
	}
	return "at other bounds"
}
