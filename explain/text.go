package explain

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Write prints x as text: its doc, how a socket gets there, what it waits
// for, what leaves it, its timers and the advice, each under a heading.
func (x *State) Write(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s under %s\n  %s\n", x.State, x.Profile, x.Doc)
	section(b, "How a socket gets here", len(x.Enter), func(tw io.Writer) {
		for _, r := range x.Enter {
			fmt.Fprintf(tw, "  %s\t%s\n", r.From, r.line())
		}
	})
	section(b, "What it waits for", len(x.WaitsFor), func(tw io.Writer) {
		for _, wt := range x.WaitsFor {
			for i, e := range wt.Events {
				who := ""
				if i == 0 {
					who = "from " + wt.From
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", who, e.Event, e.Doc)
			}
		}
	})
	section(b, "What leaves it", len(x.Leave), func(tw io.Writer) {
		for _, r := range x.Leave {
			fmt.Fprintf(tw, "  %s\n", r.line())
		}
	})
	heading := "Timers that can run in it (" + x.Profile + ", then " + x.rfc + ")"
	if x.Profile == x.rfc || x.rfc == "" {
		heading = "Timers that can run in it (" + x.Profile + ")"
	}
	section(b, heading, len(x.Timers), func(tw io.Writer) {
		for _, t := range x.Timers {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.Timer, t.value(), t.RFC, t.effect())
		}
	})
	if x.Advice != "" {
		fmt.Fprintf(b, "\nWhat many sockets in %s usually mean\n  %s\n", x.State, x.Advice)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// section writes a heading and, when there are n > 0 items, the lines
// body writes, their tab-separated columns aligned; "none" otherwise.
func section(b *strings.Builder, heading string, n int, body func(tw io.Writer)) {
	fmt.Fprintf(b, "\n%s\n", heading)
	if n == 0 {
		b.WriteString("  none\n")
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	body(tw)
	tw.Flush()
}

// line is the rule as the spec writes it, with where it stands and what it
// cites.
func (r Rule) line() string {
	ev := r.Event
	if r.Guard != "" {
		ev += " " + r.Guard
	}
	out := ev + "\t-> " + r.To
	if r.Actions != "" {
		out += " " + r.Actions
	}
	return out + "\t" + r.At + "\t[" + r.Cite + "]"
}

// value is the timer's value with those of the durations its doc names:
// "r2 924.6s (r2_syn 127s)".
func (t Timer) value() string {
	if len(t.Related) == 0 {
		return t.Value
	}
	var rel []string
	for _, d := range t.Related {
		rel = append(rel, d.Name+" "+d.Value)
	}
	return t.Value + " (" + strings.Join(rel, ", ") + ")"
}

// effect says what the timer's expiry does here.
func (t Timer) effect() string {
	var parts []string
	switch {
	case t.OnExpiry == nil:
		parts = append(parts, "expiry changes nothing here")
	case t.Ends && t.GivesUp != "":
		parts = append(parts, "gives up: -> "+t.OnExpiry.To+" ("+t.OnExpiry.At+")")
	case t.Ends:
		parts = append(parts, "ends it: -> "+t.OnExpiry.To+" ("+t.OnExpiry.At+")")
	case t.Value == "none":
		parts = append(parts, "does not run under this profile")
	default:
		parts = append(parts, "expiry: "+t.OnExpiry.Actions+" ("+t.OnExpiry.At+")")
	}
	return strings.Join(append(parts, t.Doc), "; ")
}

// WriteSummary prints one line per state: its name, the timers that end
// it under the profile, those that give up on it, and its doc up to the
// first ";".
func WriteSummary(w io.Writer, states []*State) error {
	if len(states) == 0 {
		return nil
	}
	b := &strings.Builder{}
	fmt.Fprintf(b, "States under %s: the timers that end each, those that give up on it, and what it means\n", states[0].Profile)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tENDED BY\tGIVES UP\tMEANS")
	for _, x := range states {
		var ends, givesUp []string
		for _, t := range x.Timers {
			switch {
			case t.Ends && t.GivesUp != "":
				givesUp = append(givesUp, t.Timer+" "+t.value())
			case t.Ends:
				ends = append(ends, t.Timer+" "+t.value())
			}
		}
		means, _, _ := strings.Cut(x.Doc, ";")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.State, orNone(ends), orNone(givesUp), means)
	}
	tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "-"
	}
	return strings.Join(list, ", ")
}
