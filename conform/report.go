package conform

import (
	"fmt"
	"io"
	"strings"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Report writes what a network engineer reads of one run: per side the
// states the kernel showed with their times, the segments on the wire, and
// the verdict with the table path that explains the states.
func Report(w io.Writer, t *Trace, verdicts []Verdict) {
	fmt.Fprintf(w, "scenario %s", t.Scenario)
	var sys []string
	for _, k := range []string{"net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_rfc1337"} {
		if v, ok := t.Sysctls[k]; ok {
			sys = append(sys, strings.TrimPrefix(k, "net.ipv4.")+"="+v)
		}
	}
	if len(sys) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(sys, ", "))
	}
	fmt.Fprintln(w)
	var wire []string
	for _, e := range t.Events {
		if e.Kind == Send {
			wire = append(wire, fmt.Sprintf("%.3f %s %s", e.At.Seconds(), e.Side, e.Seg.Flags()))
		}
	}
	fmt.Fprintf(w, "  wire: %s\n", strings.Join(wire, ", "))
	for _, v := range verdicts {
		var seen []string
		var state tcp.State
		timers := map[string]bool{}
		for _, e := range t.Events {
			if e.Side != v.Side {
				continue
			}
			switch {
			case e.Kind == State && e.State != state:
				state = e.State
				timers = map[string]bool{}
			case e.Kind == Timer && !timers[e.Timer]:
				timers[e.Timer] = true
			case e.Kind != Call:
				continue
			}
			seen = append(seen, eventWord(e))
		}
		verdict := "accepted"
		if !v.Accepted() {
			verdict = "REJECTED: " + strings.Join(v.Problems, "; ")
		}
		fmt.Fprintf(w, "  %s: %s\n    %s\n", v.Side, strings.Join(seen, ", "), verdict)
		if v.Accepted() {
			fmt.Fprintf(w, "    path: %s\n", strings.Join(v.Path, ", "))
		}
	}
}

// eventWord is an observation as the report lists it.
func eventWord(e Event) string {
	switch e.Kind {
	case Call:
		return fmt.Sprintf("%.3f %s()", e.At.Seconds(), e.Call)
	case Timer:
		return fmt.Sprintf("%.3f timer %s %.1fs", e.At.Seconds(), e.Timer, e.TimerLeft.Seconds())
	}
	return fmt.Sprintf("%.3f %s", e.At.Seconds(), e.State)
}
