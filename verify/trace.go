package verify

import (
	"fmt"
	"io"
	"strings"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/diagram"
	"github.com/tcpfsm/tcpfsm/model"
)

// Trace is a counterexample as text: what fsmgen check prints of it, and
// what fsmgen check -trace-out saves (see TraceFile). It is printed and
// drawn from the text alone, without the model.
type Trace struct {
	Profile  string `json:"profile"`
	Property string `json:"property"`
	// Status is the property's (PropertyResult.Status): VIOLATED or
	// finding.
	Status string `json:"status"`
	// Finding, for a finding, is the citation of the finding the profile
	// declares.
	Finding string `json:"finding,omitempty"`
	Problem string `json:"problem"`
	// Bounds, for a counterexample found at other bounds than the
	// file's (Options.Also), are those (PropertyResult.Bounds).
	Bounds string `json:"bounds,omitempty"`
	// Loop, for a liveness violation (a lasso), is the index in Steps of
	// the first step of the cycle that repeats for ever; nil for a safety
	// violation.
	Loop *int `json:"loop,omitempty"`
	// Stutter says that the cycle is time passing in the last state and
	// nothing else: the one step from Loop on, a tick.
	Stutter bool        `json:"stutter,omitempty"`
	Initial string      `json:"initial"`
	Steps   []TraceStep `json:"steps"`
}

// TraceStep is one step of a trace: what happened, the state after it,
// and how a sequence diagram draws it.
type TraceStep struct {
	Label string `json:"label"`
	// Rule is where in the spec the rule that decided the step stands
	// ("spec/tcp.fsm:443"); empty for time passing and a loss.
	Rule  string       `json:"rule,omitempty"`
	State string       `json:"state"`
	Draw  diagram.Step `json:"draw"`
}

// NewTrace is counterexample c, of a property whose status (see
// PropertyResult.Status) is status under profile, as text; finding is the
// citation of the finding it is, if it is one.
func NewTrace(profile, status, finding string, c *check.Counterexample) Trace {
	t := Trace{Profile: profile, Property: c.Property, Status: status, Finding: finding, Problem: c.Problem,
		Initial: c.Initial.String(), Stutter: c.Stutter}
	if c.Loop >= 0 {
		loop := c.Loop
		t.Loop = &loop
	}
	for _, s := range c.Steps {
		t.Steps = append(t.Steps, TraceStep{Label: s.Label.String(), State: s.State.String(), Draw: exchangeStep(s.Label)})
	}
	return t
}

// loop is the index of the first step of the cycle, or -1.
func (t *Trace) loop() int {
	if t.Loop == nil {
		return -1
	}
	return *t.Loop
}

// Format numbers the steps of t, each step with both endpoints' states
// and the segments in flight after it. A finding's first line leaves out
// its status: the line before it says it is one (see findingLine).
func (t *Trace) Format() string {
	var b strings.Builder
	if t.Bounds != "" {
		fmt.Fprintf(&b, "At %s:\n", t.Bounds)
	}
	if t.Status == "finding" {
		fmt.Fprintf(&b, "%s under %s: %s\n", t.Property, t.Profile, t.Problem)
	} else {
		fmt.Fprintf(&b, "%s %s under %s: %s\n", t.Property, t.Status, t.Profile, t.Problem)
	}
	fmt.Fprintf(&b, "  %2d. start               %s\n", 0, t.Initial)
	for i, s := range t.Steps {
		if i == t.loop() {
			if t.Stutter {
				b.WriteString("      from here on, for ever:\n")
			} else {
				b.WriteString("      from here on, the steps below repeat for ever:\n")
			}
		}
		label := s.Label
		if t.Stutter && i == t.loop() {
			label = "time passes; nothing changes"
		}
		if s.Rule != "" && !(t.Stutter && i == t.loop()) {
			label += "  [" + s.Rule + "]"
		}
		fmt.Fprintf(&b, "  %2d. %s\n      %s\n", i+1, label, s.State)
	}
	return b.String()
}

// findingLine is the line before a finding's counterexample: the finding
// of property id the profile declares, with its citation.
func findingLine(id, profile, cite string) string {
	return fmt.Sprintf("Finding %s under %s, as the profile declares: %s\n", id, profile, cite)
}

// Exchange is t as a sequence diagram between the two endpoints: a
// segment is an arrow when it is delivered or lost, everything else a
// note over the endpoint that acts (a tick, over both). A cycle that is
// time passing and nothing else is drawn as one note, not a loop.
func (t *Trace) Exchange() diagram.Exchange {
	x := diagram.Exchange{
		Title: fmt.Sprintf("%s %s under %s: %s", t.Property, t.Status, t.Profile, t.Problem),
		Lanes: endLanes[:],
		Loop:  t.loop(),
		End:   t.Problem,
	}
	for i, s := range t.Steps {
		if t.Stutter && i == t.loop() {
			x.Steps = append(x.Steps, diagram.Step{Notes: []diagram.Note{{Text: "time passes and nothing changes, for ever"}}})
			x.Loop = -1
			break
		}
		x.Steps = append(x.Steps, s.Draw)
	}
	return x
}

// FormatCounterexample numbers the steps of c, the counterexample of a
// property whose status (see PropertyResult.Status) is status under
// profile (see Trace.Format).
func FormatCounterexample(profile, status string, c *check.Counterexample) string {
	t := NewTrace(profile, status, "", c)
	return t.Format()
}

// Exchange is counterexample c, of a property whose status is status
// under profile, as a sequence diagram (see Trace.Exchange).
func Exchange(profile, status string, c *check.Counterexample) diagram.Exchange {
	t := NewTrace(profile, status, "", c)
	return t.Exchange()
}

// Traces are the counterexamples of r, in the order of the report.
func (r *Report) Traces() []Trace {
	out := []Trace{} // an empty list, not null, in a file
	for _, pr := range r.Results {
		for _, p := range pr.Properties {
			if p.Trace != nil {
				t := r.trace(pr.Profile, p.Status(), p.Finding, p.Trace)
				t.Bounds = p.Bounds
				out = append(out, t)
			}
		}
	}
	return out
}

// WriteDiagrams writes every counterexample of r as a Mermaid sequence
// diagram (see Exchange), each followed by a blank line.
func (r *Report) WriteDiagrams(w io.Writer) error { return writeDiagrams(w, r.Traces()) }

// writeDiagrams writes each of traces as a Mermaid sequence diagram,
// followed by a blank line.
func writeDiagrams(w io.Writer, traces []Trace) error {
	var b strings.Builder
	for _, t := range traces {
		b.WriteString(diagram.Sequence(t.Exchange()))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// endLanes are the model's two endpoints as lanes of a sequence diagram,
// by model.A and model.B.
var endLanes = [2]diagram.Lane{{ID: "A", Name: "A (client)"}, {ID: "B", Name: "B (server)"}}

// exchangeStep is the step of a sequence diagram that draws step l.
func exchangeStep(l model.Label) diagram.Step {
	at, from := endLanes[l.End].ID, endLanes[1-l.End].ID
	over := func(text string) diagram.Note { return diagram.Note{Over: []string{at}, Text: text} }
	change := ""
	if l.From != l.To {
		change = fmt.Sprintf(": %s → %s", l.From, l.To)
	}
	var s diagram.Step
	switch l.Kind {
	case model.Deliver, model.DeliverCopy:
		text := segText(l.Seg)
		if l.Kind == model.DeliverCopy {
			text += " (a copy stays)"
		}
		s.Message = &diagram.Message{From: from, To: at, Text: text}
		if l.Event != 0 {
			s.Notes = append(s.Notes, over(fmt.Sprintf("%s%s", l.Event, change)))
		}
	case model.Lose:
		s.Message = &diagram.Message{From: from, To: at, Text: segText(l.Seg) + " lost", Lost: true}
	case model.Tick:
		s.Notes = append(s.Notes, diagram.Note{Text: "tick"})
	case model.Write:
		if l.Seg.Kind == 0 {
			s.Notes = append(s.Notes, over("write: queued behind the peer's closed window"))
		} else {
			s.Notes = append(s.Notes, over("write: "+segText(l.Seg)))
		}
	case model.Read:
		what := "reads again: "
		if l.Seg.Kind == model.ZWIN {
			what = "stops reading: "
		}
		s.Notes = append(s.Notes, over(what+segText(l.Seg)))
	default:
		s.Notes = append(s.Notes, over(fmt.Sprintf("%s%s", l.Event, change)))
	}
	if l.Lost > 0 {
		s.Notes = append(s.Notes, over(fmt.Sprintf("%d sent into a full channel, lost", l.Lost)))
	}
	return s
}

// segText names a segment and its incarnation without its age, which a
// diagram has no room for, and without the # that Mermaid reads as markup.
func segText(g model.Segment) string {
	text := strings.SplitN(g.String(), "#", 2)[0]
	return fmt.Sprintf("%s, incarnation %d", text, g.Inc)
}

// trace is NewTrace with each step that a rule decided naming where the
// rule stands in the spec.
func (r *Report) trace(profile, status, finding string, c *check.Counterexample) Trace {
	t := NewTrace(profile, status, finding, c)
	for i, s := range c.Steps {
		if k := int(s.Label.Rule); k >= 1 && k <= len(r.rules) {
			t.Steps[i].Rule = fmt.Sprintf("%s:%d", r.rules[k-1].Pos.File, r.rules[k-1].Pos.Line)
		}
	}
	return t
}
