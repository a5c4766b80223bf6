package diagnose

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tcpfsm/tcpfsm/explain"
)

// Write prints the report as text: the counts per state, the groups with
// their timers, the knobs against the profile, the findings, and, with
// sockets, every socket with its timer.
func (r *Report) Write(w io.Writer, sockets bool) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s: %s output, %d sockets; profile %s\n", r.Source, r.Format, r.Sockets, r.Profile)
	var counts []string
	for _, c := range r.States {
		counts = append(counts, fmt.Sprintf("%s %d", c.State, c.Count))
	}
	if len(counts) > 0 {
		fmt.Fprintf(b, "  %s\n", strings.Join(counts, ", "))
	}
	table(b, "\nSOCKETS BY STATE, PLACE AND PROCESS", "STATE\tCOUNT\tWHERE\tPROCESS\tTIMERS", len(r.Groups), func(tw io.Writer) {
		for _, g := range r.Groups {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", g.State, g.Count, g.Where, dash(g.Process), g.timers())
		}
	})
	table(b, "\nKNOBS", "KNOB\tVALUE\tSOURCE\tPROFILE", len(r.Knobs), func(tw io.Writer) {
		for _, k := range r.Knobs {
			setting := "-"
			if k.Setting != nil {
				setting = k.Setting.String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Name, dash(k.Value), k.Source, setting)
		}
	})
	writeFindings(b, r.Findings)
	for _, n := range r.Notes {
		fmt.Fprintf(b, "\nnote: %s\n", n)
	}
	if sockets {
		writeSockets(b, r.Input.Sockets)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// table writes a heading and a header line, then the rows body writes,
// columns aligned.
func table(b *strings.Builder, heading, header string, n int, body func(tw io.Writer)) {
	if n == 0 {
		return
	}
	fmt.Fprintln(b, heading)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	body(tw)
	tw.Flush()
}

// writeFindings writes each finding: ALARM when it reached its
// threshold, watch otherwise, what it says, who must act, the spec's rules
// and the profile's settings.
func writeFindings(b *strings.Builder, fs []*Finding) {
	if len(fs) == 0 {
		fmt.Fprintln(b, "\nFINDINGS\n  none")
		return
	}
	fmt.Fprintln(b, "\nFINDINGS")
	for _, f := range fs {
		level := "watch"
		if f.Reached {
			level = "ALARM"
		}
		fmt.Fprintf(b, "%s %s: %s (threshold %s)\n", level, f.Kind, f.Says, f.Threshold)
		fmt.Fprintf(b, "  who must act: %s\n", f.Acts)
		for _, r := range f.Rules {
			fmt.Fprintf(b, "  spec: %s in %s %s -> %s [%s]\n", r.At, r.From, r.Event, r.To, r.Cite)
		}
		for _, s := range f.Settings {
			fmt.Fprintf(b, "  profile: %s\n", s)
		}
	}
}

// writeSockets lists every socket with its timer.
func writeSockets(b *strings.Builder, sockets []Socket) {
	table(b, "\nSOCKETS", "LINE\tSTATE\tLOCAL\tPEER\tPROCESS\tTIMER", len(sockets), func(tw io.Writer) {
		for _, s := range sockets {
			timer := "-"
			if s.Timer != nil {
				timer = fmt.Sprintf("%s %s left, %d retransmissions", s.Timer.Kind, left(s.Timer.Left), s.Timer.Retrans)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.Line, s.State, s.Local, s.Peer, dash(processOf(s)), timer)
		}
	})
}

// timers describes the group's timers: "timewait 31s..59s", "on 200ms, 3
// retransmissions".
func (g *Group) timers() string {
	if len(g.Timers) == 0 {
		return "-"
	}
	out := strings.Join(g.Timers, ",") + " " + left(g.MinLeft)
	if g.MaxLeft != g.MinLeft {
		out += ".." + left(g.MaxLeft)
	}
	if g.MaxRetrans > 0 {
		out += fmt.Sprintf(", %d retransmissions", g.MaxRetrans)
	}
	if g.timed < g.Count {
		out += fmt.Sprintf(" (%d of %d)", g.timed, g.Count)
	}
	return out
}

// left writes a time left to the nearest second above 10 s, to the
// millisecond below.
func left(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	if d >= 10*time.Second {
		d = d.Round(time.Second)
	}
	return explain.Duration(d)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
