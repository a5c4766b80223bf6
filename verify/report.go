package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
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
		for _, a := range r.Also {
			fmt.Fprintf(&b, "And again %s: %s.\n", a.Purpose, a.Bounds)
		}
		r.writeSearch(&b)
	}
	r.writeTable(&b)
	r.writeAlso(&b)
	writeLegend(&b, r.Results[0].Properties)
	if r.Table == bind.Generated {
		b.WriteString("P9 is checked on the spec and on generated/tcp, which decides every cell as the spec does.\n")
	}
	if r.hasProperty("P2") {
		if r.Safety {
			b.WriteString("P2 is checked on every step only (a FIN is ACKed, never answered by RST): its liveness half on the state graph is left out (-safety).\n")
		} else {
			b.WriteString("P2 is checked on every step (a FIN is ACKed, never answered by RST) and on the state graph (under fairness every FIN is ACKed or its sender gives up).\n")
		}
		b.WriteString("A finding is a violation from a known weakness the profile declares in the spec, with its cause: it is reported, and does not fail the check.\n")
	}
	for _, pr := range r.Results {
		prof := sp.Profile(pr.Profile)
		for _, p := range pr.Properties {
			r.writeVerdict(&b, prof, pr.Profile, p)
		}
	}
	r.writeUnshown(&b, sp)
	r.writeInterrupted(&b)
	r.writeVerdictLine(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeUnshown names, on one line, the findings the profiles declare that
// hold at these bounds: weaknesses the bounds are too small to show.
func (r *Report) writeUnshown(b *strings.Builder, sp *spec.Spec) {
	if r.Skipped != "" {
		return
	}
	var unshown []string
	for _, pr := range r.Results {
		prof := sp.Profile(pr.Profile)
		for _, p := range pr.Properties {
			if p.Holds && prof != nil && prof.Finding(p.ID) != nil {
				unshown = append(unshown, p.ID+" under "+pr.Profile)
			}
		}
	}
	if len(unshown) > 0 {
		fmt.Fprintf(b, "\nDeclared findings that do not show at these bounds (they hold here): %s.\n", strings.Join(unshown, ", "))
	}
}

// writeSearch says how the search differs from the full, exact one:
// safety properties only, or hash compaction with its risk.
func (r *Report) writeSearch(b *strings.Builder) {
	if r.Safety {
		b.WriteString("Safety properties only: P2's liveness half is not checked (as SPIN's pan with -DSAFETY).\n")
	}
	if r.HashBits != 0 {
		fmt.Fprintf(b, "Hash compaction: %d bits of each state's hash are kept, not the state; two states with the same hash count as one, so a state (and a violation in it) may be missed, with the probability in column p(missed).\n", r.HashBits)
	}
}

// omission is the largest probability of a missed state over r's results,
// and whether r was explored under hash compaction at all.
func (r *Report) omission() (float64, bool) {
	p := 0.0
	for _, pr := range r.Results {
		p = max(p, pr.Omission)
	}
	return p, r.HashBits != 0
}

// formatOmission writes a probability of a missed state in a few digits.
func formatOmission(p float64) string { return strconv.FormatFloat(p, 'g', 2, 64) }

// writeLegend names the properties of the table's columns.
func writeLegend(b *strings.Builder, props []PropertyResult) {
	var names []string
	for _, p := range props {
		names = append(names, p.ID+" "+p.Name)
	}
	fmt.Fprintf(b, "Properties: %s.\n", strings.Join(names, ", "))
}

// writeVerdictLine ends the report with one line a reader or a script can
// take as the verdict: VIOLATED with what failed, holds with the findings
// declared, or incomplete.
func (r *Report) writeVerdictLine(b *strings.Builder) {
	var failed, findings []string
	for _, pr := range r.Results {
		for _, p := range pr.Properties {
			switch {
			case p.Fails():
				failed = append(failed, p.ID+" under "+pr.Profile)
			case !p.Holds && !p.Unchecked:
				findings = append(findings, p.ID+" under "+pr.Profile)
			}
		}
	}
	profiles := fmt.Sprintf("%d profile", len(r.Results))
	if len(r.Results) != 1 {
		profiles += "s"
	}
	// How far a "holds" goes: the properties checked, and the risk of
	// hash compaction.
	what, risk := "property", ""
	if r.Safety {
		what = "safety property"
	}
	if p, ok := r.omission(); ok {
		risk = fmt.Sprintf(" (hash compaction: p(missed state) ≤ %s)", formatOmission(p))
	}
	switch {
	case len(failed) > 0:
		fmt.Fprintf(b, "\nVerdict: VIOLATED: %s.\n", strings.Join(failed, ", "))
	case r.Incomplete:
		fmt.Fprintf(b, "\nVerdict: incomplete: interrupted before every profile was checked.\n")
	case len(findings) > 0:
		fmt.Fprintf(b, "\nVerdict: holds%s under %s at these bounds, but for the findings the spec declares: %s.\n", risk, profiles, strings.Join(findings, ", "))
	default:
		fmt.Fprintf(b, "\nVerdict: holds%s: every %s under %s at these bounds.\n", risk, what, profiles)
	}
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
		if r.HashBits != 0 {
			head += "\tp(missed)"
		}
	}
	fmt.Fprintln(tw, head)
	for _, pr := range r.Results {
		row := pr.Profile
		for _, p := range pr.Properties {
			row += "\t" + p.Status()
		}
		if r.Skipped == "" {
			row += fmt.Sprintf("\t%d\t%d\t%.1f\t%.0f\t%s", pr.States, pr.Transitions, pr.Seconds, float64(pr.States)/max(pr.Seconds, 1e-9), pr.Timing)
			if r.HashBits != 0 {
				row += "\t" + formatOmission(pr.Omission)
			}
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush() // a strings.Builder does not fail
}

// writeAlso says how large each profile's explorations at Options.Also
// were: the table's columns count the first.
func (r *Report) writeAlso(b *strings.Builder) {
	for i, also := range r.Also {
		var runs []string
		for _, pr := range r.Results {
			if i < len(pr.Also) {
				a := pr.Also[i]
				runs = append(runs, fmt.Sprintf("%s %d states, %d transitions, %.1f s", pr.Profile, a.States, a.Transitions, a.Seconds))
			}
		}
		if len(runs) > 0 {
			fmt.Fprintf(b, "Again %s: %s.\n", also.Purpose, strings.Join(runs, "; "))
		}
	}
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
	if p.Resolution != "" {
		fmt.Fprintf(b, "\n%s under %s depends on the time resolution: %s. Durations are rounded up to whole ticks; a verdict that changes with the tick is not a verdict on the profile.\n", p.ID, profile, p.Resolution)
	}
	if p.Holds {
		return // a declared finding that does not show: see writeUnshown
	}
	b.WriteString("\n")
	if p.Finding != "" && !r.Detail && p.Resolution == "" {
		if p.Bounds != "" {
			fmt.Fprintf(b, "At %s:\n", p.Bounds)
		}
		b.WriteString(findingLine(p.ID, profile, p.Finding))
		fmt.Fprintf(b, "  %s (-v prints the counterexample)\n", p.Problem)
		return
	}
	if p.Finding != "" {
		b.WriteString(findingLine(p.ID, profile, p.Finding))
	} else if declared != nil {
		fmt.Fprintf(b, "The profile declares a finding on %s, but this violation does not come from the weakness it names:\n", p.ID)
	}
	if p.Trace != nil {
		t := r.trace(profile, p.settled(), p.Finding, p.Trace)
		t.Bounds = p.Bounds
		b.WriteString(t.Format())
	} else {
		if p.Bounds != "" {
			fmt.Fprintf(b, "At %s:\n", p.Bounds)
		}
		fmt.Fprintf(b, "%s VIOLATED under %s: %s\n", p.ID, profile, p.Problem)
		for i, s := range p.Counterexample {
			fmt.Fprintf(b, "  %2d. %s\n      %s\n", i, s.Step, s.State)
		}
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
