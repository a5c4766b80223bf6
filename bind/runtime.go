package bind

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/spec"
)

// sameRuntime refuses a spec whose runtime rules (class and arm
// declarations) are not generated/tcp's: the model arms its timers and
// reads its classes through the generated code, so a spec that says
// otherwise would be checked under rules it does not declare.
func sameRuntime(sp *spec.Spec) error {
	if len(sp.Classes) != int(tcp.NumClasses)-1 {
		return fmt.Errorf("%s: the model runs %d classes of states (the spec's class declarations); this spec has %d", sp.File, tcp.NumClasses-1, len(sp.Classes))
	}
	for i, c := range sp.Classes {
		want := tcp.Class(i + 1)
		if c.Name != want.String() {
			return fmt.Errorf("%s:%d: class %d is %s, not %s", sp.File, c.Pos.Line, i+1, c.Name, want)
		}
		for s := tcp.State(1); s < tcp.NumStates; s++ {
			if c.Has(sp.States[s-1]) != s.Is(want) {
				return fmt.Errorf("%s:%d: class %s: %s is %s, as the model runs it", sp.File, c.Pos.Line, c.Name, s, inOut(s.Is(want)))
			}
		}
	}
	// A profile whose every timer and duration has its own length shows
	// which one the generated Duration picks.
	var probe tcp.Profile
	length := map[string]time.Duration{}
	names := func(yield func(string) bool) {
		for _, t := range sp.Timers {
			if !yield(t.Name) {
				return
			}
		}
		for _, d := range sp.Durations {
			if !yield(d.Name) {
				return
			}
		}
	}
	n := time.Duration(0)
	for name := range names {
		n++
		length[name] = n
		if !probe.SetDuration(name, n) {
			return fmt.Errorf("%s: generated/tcp has no timer or duration %s", sp.File, name)
		}
	}
	for _, t := range sp.Timers {
		tm := tcp.Timer(t.Index)
		for _, s := range sp.States {
			for _, h := range []tcp.Socket{0, tcp.SocketOrphan} {
				orphan := h == tcp.SocketOrphan
				want := t.Name
				if d := sp.DurationIn(t, s, orphan); d != nil {
					want = d.Name
				}
				if got := probe.Duration(tm, tcp.State(s.Index), h); got != length[want] {
					return fmt.Errorf("%s: timer %s armed in %s for a socket %s takes %s; the model arms it with %s", sp.File, t.Name, s.Name, socketWords(h), want, nameOf(length, got))
				}
				if d := sp.ThenDuration(t); d != nil {
					want = d.Name
				}
				next := length[want]
				if sp.Doubles(t) {
					next *= 2
				}
				if got := probe.Interval(tm, tcp.State(s.Index), h, 1); got != next {
					return fmt.Errorf("%s: timer %s re-armed after an expiry in %s for a socket %s takes %v of the probe profile, as the spec's arm declarations say; the model takes %v", sp.File, t.Name, s.Name, socketWords(h), next, got)
				}
			}
		}
		for sw := tcp.Switches(0); sw < tcp.NumSwitchSets; sw++ {
			probe.Switches = sw
			for h := tcp.Socket(0); h <= tcp.SocketOrphan|tcp.SocketAsked; h++ {
				if got, want := probe.Runs(tm, h), runs(sp, t, h, uint64(sw)); got != want {
					return fmt.Errorf("%s: timer %s %s for a socket %s under switches %s, as the spec's arm declarations say; the model %s", sp.File, t.Name, runsWord(want), socketWords(h), sw, runsWord(got))
				}
			}
		}
	}
	return nil
}

// runs is Profile.Runs as the spec's arm declarations say it, for a
// profile that has timer t.
func runs(sp *spec.Spec, t *spec.Timer, h tcp.Socket, switches uint64) bool {
	a := sp.ArmCondition(t)
	if a == nil {
		return true
	}
	if a.Unless != nil && switches>>uint(a.Unless.Bit)&1 == 1 {
		return true
	}
	switch a.If {
	case spec.IfOrphan:
		return h&tcp.SocketOrphan != 0
	case spec.IfAsked:
		return h&tcp.SocketAsked != 0
	}
	return true
}

func nameOf(length map[string]time.Duration, d time.Duration) string {
	for name, l := range length {
		if l == d {
			return name
		}
	}
	return "nothing"
}

func inOut(in bool) string {
	if in {
		return "in it"
	}
	return "not in it"
}

func runsWord(r bool) string {
	if r {
		return "runs"
	}
	return "does not run"
}

func socketWords(h tcp.Socket) string {
	var w []string
	if h&tcp.SocketOrphan != 0 {
		w = append(w, "orphaned")
	} else {
		w = append(w, "held")
	}
	if h&tcp.SocketAsked != 0 {
		w = append(w, "that asked for it")
	}
	return strings.Join(w, " ")
}
