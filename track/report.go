package track

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// Unknown is the state a side is shown in before the capture tells it:
// the capture began after the connection opened, and no SYN, FIN or RST
// has shown where the side stood.
const Unknown = "unknown"

// Report is what Follow finds in a capture, in the shape fsmgen track
// -json prints.
type Report struct {
	Connections []Connection `json:"connections"`
	// Profile names the profile the table was stepped under.
	Profile string `json:"-"`
	// Segments counts the TCP segments followed; Skipped those whose
	// header the capture cut short.
	Segments int `json:"-"`
	Skipped  int `json:"-"`
}

// Connection is one incarnation of a 4-tuple: A is the side that sent its
// first segment (the SYN, when the capture has the opening).
type Connection struct {
	A         string    `json:"a"`
	B         string    `json:"b"`
	Sides     []Side    `json:"sides"`
	Anomalies []Anomaly `json:"anomalies"`
	// Incarnation counts the incarnations of the 4-tuple, from 1.
	Incarnation int `json:"-"`
}

// Side is one endpoint's state timeline.
type Side struct {
	Addr   string `json:"addr"`
	States []Move `json:"states"`
}

// Move is a side's state from time T on (seconds since the capture's first
// packet) and the spec rule that put it there: "spec/tcp.fsm:LINE", or ""
// for the state a side is first assumed to be in (CLOSED for the side that
// sends the SYN, LISTEN for the side that answers it, unknown for a capture
// that began mid-connection).
type Move struct {
	T     float64 `json:"t"`
	State string  `json:"state"`
	Rule  string  `json:"rule"`
	// Event and Cite say why, for the text report.
	Event string `json:"-"`
	Cite  string `json:"-"`
}

// Anomaly is a segment or a turn the table did not expect, at time T, at
// the side named.
type Anomaly struct {
	T    float64 `json:"t"`
	Side string  `json:"side"`
	What string  `json:"what"`
}

// WriteJSON writes the report as fsmgen track -json prints it.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a reader: per connection, each side's
// timeline with the event and rule behind each move, then the anomalies.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%d TCP segment%s in %d connection%s, profile %s", r.Segments, plural(r.Segments), len(r.Connections), plural(len(r.Connections)), r.Profile)
	if r.Skipped > 0 {
		fmt.Fprintf(ew, "; %d segment%s skipped (TCP header cut short by the snap length)", r.Skipped, plural(r.Skipped))
	}
	fmt.Fprintln(ew)
	for _, c := range r.Connections {
		fmt.Fprintf(ew, "\n%s <-> %s", c.A, c.B)
		if c.Incarnation > 1 {
			fmt.Fprintf(ew, " (incarnation %d)", c.Incarnation)
		}
		fmt.Fprintln(ew)
		for _, s := range c.Sides {
			fmt.Fprintf(ew, "  %s\n", s.Addr)
			tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
			for _, m := range s.States {
				why := ""
				switch {
				case m.State == Unknown:
					why = "capture began mid-connection: unknown until a SYN, FIN or RST tells it"
				case m.Rule == "":
					why = "assumed at the first segment"
				default:
					why = fmt.Sprintf("%s  %s  [%s]", m.Event, m.Rule, m.Cite)
				}
				fmt.Fprintf(tw, "    %10.6f\t%s\t%s\n", m.T, m.State, why)
			}
			tw.Flush()
		}
		for _, a := range c.Anomalies {
			fmt.Fprintf(ew, "  ! %10.6f %s: %s\n", a.T, a.Side, a.What)
		}
	}
	return ew.err
}

// errWriter keeps the first write error, so that the report's many small
// writes need no check each.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Sequence is the side's states in order, the unknown start left out.
func (s *Side) Sequence() []string {
	var seq []string
	for _, m := range s.States {
		if m.State != Unknown {
			seq = append(seq, m.State)
		}
	}
	return seq
}
