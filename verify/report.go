package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/diagram"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// WriteText writes r as fsmgen check prints it: the spec and the bounds, a
// table of verdicts with a row per profile, what the verdicts mean, and
// then every violation and finding with its counterexample. sp is the spec
// r is about; it says which findings each profile declares, so that a
// declared finding that did not show at these bounds, or a violation that
// does not come from the weakness a finding names, is pointed out. table
// says that P9 was also checked on generated/tcp (Options.Table).
func (r *Report) WriteText(w io.Writer, sp *spec.Spec) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: machine %s: %d states, %d events, %d rules\n\n", sp.File, sp.Machine, len(sp.States), len(sp.Events), len(sp.Rules))
	if r.Skipped != "" {
		fmt.Fprintf(&b, "Model checking skipped: %s.\n\n", r.Skipped)
	} else {
		fmt.Fprintf(&b, "Model: %s.\n", r.Bounds)
	}
	r.writeTable(&b)
	if r.Table == bind.Generated {
		b.WriteString("P9 is checked on the spec and on generated/tcp, which decides every cell as the spec does.\n")
	}
	if r.Skipped == "" {
		b.WriteString("P2 is checked on every step (a FIN is ACKed, never answered by RST) and on the state graph (under fairness every FIN is ACKed or its sender gives up).\n")
		b.WriteString("A finding is a violation from a known weakness the profile declares in the spec, with its cause: it is reported, and does not fail the check.\n")
	}
	for _, pr := range r.Results {
		prof := sp.Profile(pr.Profile)
		for _, p := range pr.Properties {
			r.writeVerdict(&b, prof, pr.Profile, p)
		}
	}
	r.writeInterrupted(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable writes a row per profile: the status of every property and,
// when the model ran, the size and speed of its exploration.
func (r *Report) writeTable(b *strings.Builder) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	var ids []string
	for _, p := range r.Results[0].Properties {
		ids = append(ids, p.ID)
	}
	head := "profile\t" + strings.Join(ids, "\t")
	if r.Skipped == "" {
		head += "\tstates\ttransitions\tseconds\tstates/s\ttiming"
	}
	fmt.Fprintln(tw, head)
	for _, pr := range r.Results {
		row := pr.Profile
		for _, p := range pr.Properties {
			row += "\t" + p.Status()
		}
		if r.Skipped == "" {
			row += fmt.Sprintf("\t%d\t%d\t%.1f\t%.0f\t%s", pr.States, pr.Transitions, pr.Seconds, float64(pr.States)/max(pr.Seconds, 1e-9), pr.Timing)
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush() // a strings.Builder does not fail
}

// writeVerdict writes what there is to say about property p under profile
// prof (nil if the spec has no such profile), named profile: nothing if it
// holds as expected; a note if it holds though prof declares a finding on
// it, since the bounds may be too small to show the weakness; otherwise
// the violation, said to be the declared finding or, when prof declares a
// finding on p, not to come from its weakness.
func (r *Report) writeVerdict(b *strings.Builder, prof *spec.Profile, profile string, p PropertyResult) {
	var declared *spec.Finding
	if prof != nil {
		declared = prof.Finding(p.ID)
	}
	if p.Unchecked {
		return
	}
	if p.Holds {
		if declared != nil && r.Skipped == "" {
			fmt.Fprintf(b, "\n%s holds under %s at these bounds, though the profile declares it a finding: %s\n", p.ID, profile, declared.Cite)
		}
		return
	}
	b.WriteString("\n")
	if p.Finding != "" {
		fmt.Fprintf(b, "Finding %s under %s, as the profile declares: %s\n", p.ID, profile, p.Finding)
	} else if declared != nil {
		fmt.Fprintf(b, "The profile declares a finding on %s, but this violation does not come from the weakness it names:\n", p.ID)
	}
	if p.Trace != nil {
		b.WriteString(FormatCounterexample(profile, p.Status(), p.Trace))
	} else {
		fmt.Fprintf(b, "%s VIOLATED under %s: %s\n", p.ID, profile, p.Problem)
	}
}

// writeInterrupted says, for an interrupted run, which profile it left
// incomplete and what the results above it are.
func (r *Report) writeInterrupted(b *strings.Builder) {
	if !r.Incomplete || len(r.Results) == 0 {
		return
	}
	last := r.Results[len(r.Results)-1]
	fmt.Fprintf(b, "\ninterrupted: profile %s incomplete after %d states; ", last.Profile, last.States)
	if len(r.Results) == 1 {
		b.WriteString("no profile was finished")
	} else {
		b.WriteString("the results above are of the finished profiles")
	}
	fmt.Fprintf(b, " (of %s, only P9, checked on the table; the other properties are unchecked)\n", last.Profile)
}

// WriteJSON writes r as fsmgen check -json prints it, indented.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteDiagrams writes every counterexample of r as a Mermaid sequence
// diagram (see Exchange), each followed by a blank line.
func (r *Report) WriteDiagrams(w io.Writer) error {
	var b strings.Builder
	for _, pr := range r.Results {
		for _, p := range pr.Properties {
			if p.Trace != nil {
				b.WriteString(diagram.Sequence(Exchange(pr.Profile, p.Status(), p.Trace)))
				b.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// FormatCounterexample numbers the steps of c, the counterexample of a
// property whose status (see PropertyResult.Status) is status under
// profile, each step with both endpoints' states and the segments in
// flight after it. A finding's first line leaves out its status: the line
// before it says it is one.
func FormatCounterexample(profile, status string, c *check.Counterexample) string {
	var b strings.Builder
	if status == "finding" {
		fmt.Fprintf(&b, "%s under %s: %s\n", c.Property, profile, c.Problem)
	} else {
		fmt.Fprintf(&b, "%s %s under %s: %s\n", c.Property, status, profile, c.Problem)
	}
	fmt.Fprintf(&b, "  %2d. start               %s\n", 0, c.Initial)
	for i, s := range c.Steps {
		if i == c.Loop {
			if c.Stutter {
				b.WriteString("      from here on, for ever:\n")
			} else {
				b.WriteString("      from here on, the steps below repeat for ever:\n")
			}
		}
		label := s.Label.String()
		if c.Stutter && i == c.Loop {
			label = "time passes; nothing changes"
		}
		fmt.Fprintf(&b, "  %2d. %s\n      %s\n", i+1, label, s.State)
	}
	return b.String()
}

// endLanes are the model's two endpoints as lanes of a sequence diagram,
// by model.A and model.B.
var endLanes = [2]diagram.Lane{{ID: "A", Name: "A (client)"}, {ID: "B", Name: "B (server)"}}

// Exchange is counterexample c, of a property whose status is status
// under profile, as a sequence diagram between the two endpoints: a
// segment is an arrow when it is delivered or lost, everything else a
// note over the endpoint that acts (a tick, over both). A cycle that is
// time passing and nothing else is drawn as one note, not a loop.
func Exchange(profile, status string, c *check.Counterexample) diagram.Exchange {
	x := diagram.Exchange{
		Title: fmt.Sprintf("%s %s under %s: %s", c.Property, status, profile, c.Problem),
		Lanes: endLanes[:],
		Loop:  c.Loop,
		End:   c.Problem,
	}
	for i, s := range c.Steps {
		if c.Stutter && i == c.Loop {
			x.Steps = append(x.Steps, diagram.Step{Notes: []diagram.Note{{Text: "time passes and nothing changes, for ever"}}})
			x.Loop = -1
			break
		}
		x.Steps = append(x.Steps, exchangeStep(s.Label))
	}
	return x
}

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

// Progress is what a long exploration reports now and then
// (Options.Progress).
type Progress = check.Progress

// ProgressLine says on one line how far the exploration under profile has
// come: while exploring, the states found and how many a second, and the
// frontier (states found but not yet expanded); in the liveness phase,
// the states of the graph and how many its search visited; and the
// memory the search holds.
func ProgressLine(profile string, p Progress) string {
	if p.Phase == "explore" {
		return fmt.Sprintf("%s: explore: %d states, %.0f states/s, frontier %d, depth %d, %d MiB, %.0f s",
			profile, p.States, float64(p.States)/max(p.Elapsed.Seconds(), 1e-9), p.States-p.Done, p.Depth, p.Bytes>>20, p.Elapsed.Seconds())
	}
	return fmt.Sprintf("%s: %s: %d states, %d visited, %d MiB, %.0f s",
		profile, p.Phase, p.States, p.Done, p.Bytes>>20, p.Elapsed.Seconds())
}
