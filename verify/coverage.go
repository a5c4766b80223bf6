package verify

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// RuleCoverage is how often the exploration under one profile fired one
// rule of the spec: a rule that never fires is a rule no verdict speaks
// for.
type RuleCoverage struct {
	State string `json:"state"`
	Event string `json:"event"`
	Guard string `json:"guard"` // "if SWITCH", "unless SWITCH", or empty
	Line  int    `json:"line"`
	// Fired counts the transitions explored that the rule decided; a rule
	// whose guard the profile does not meet fires never.
	Fired uint64 `json:"fired"`
	// Outside is why the model cannot exercise the rule, as the spec
	// declares it; empty for a rule the model can reach.
	Outside string `json:"outside"`
	// NotInTable marks a rule whose guard the profile's switches do not
	// meet: its table does not have the rule, so no exploration under the
	// profile can fire it (fsmgen check -set turns the switch over).
	NotInTable bool `json:"not_in_table,omitempty"`
}

// Consequential reports whether rule r does something a verdict must
// answer for: it moves the state, sends, or starts, restarts or stops a
// timer. A rule that only ignores, rejects or tells the application is
// not.
func Consequential(r *spec.Rule) bool {
	if r.Verdict != spec.Move {
		return false
	}
	if r.Next != r.State {
		return true
	}
	for _, a := range r.Actions {
		if a.Op != spec.Tell {
			return true
		}
	}
	return false
}

// coverage maps the explorer's count per table cell (check.Result.Fired)
// onto the rules of sp: under the profile's switches each cell is decided
// by one rule, the one the model's table names.
func coverage(sp *spec.Spec, m *model.Model, fired []uint64) []RuleCoverage {
	out := make([]RuleCoverage, 0, len(sp.Rules))
	for _, r := range sp.Rules {
		s, e := tcp.State(r.State.Index), tcp.Event(r.Event.Index)
		c := RuleCoverage{State: r.State.Name, Event: r.Event.String(), Line: r.Pos.Line}
		if r.Guard != nil {
			c.Guard = r.Guard.String()
		}
		if o := sp.OutsideOf(r); o != nil {
			c.Outside = o.Reason
		}
		if t, ok := m.Step(m.Profile.Switches, s, e); ok && int(t.Rule) == r.Index {
			c.Fired = fired[model.CellIndex(s, e)]
		} else {
			c.NotInTable = true
		}
		out = append(out, c)
	}
	return out
}

// WriteCoverage writes, for every rule of sp that moves, sends or touches
// a timer, the transitions it fired under each profile of the report, one
// column per profile, and the rules that fired under no profile: declared
// outside the model (with the spec's reason), in no checked profile's
// table (a guard none of their switches meet), or never fired. Only results that
// carry coverage (Options.Coverage) count.
func (r *Report) WriteCoverage(w io.Writer, sp *spec.Spec) error {
	var results []ProfileResult
	for _, pr := range r.Results {
		if len(pr.Coverage) == len(sp.Rules) {
			results = append(results, pr)
		}
	}
	if len(results) == 0 {
		_, err := fmt.Fprintln(w, "No coverage: the model was not checked.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"line", "state", "event", "guard"}
	for _, pr := range results {
		head = append(head, pr.Profile)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	var consequential, fired, outside, stale, untabled int
	for i, rule := range sp.Rules {
		if !Consequential(rule) {
			continue
		}
		consequential++
		row := []string{fmt.Sprint(rule.Pos.Line), rule.State.Name, rule.Event.String(), results[0].Coverage[i].Guard}
		any, inTable := false, false
		for _, pr := range results {
			n := pr.Coverage[i].Fired
			any = any || n > 0
			inTable = inTable || !pr.Coverage[i].NotInTable
			row = append(row, fmt.Sprint(n))
		}
		why := results[0].Coverage[i].Outside
		switch {
		case any && why != "":
			fired++
			stale++
			row = append(row, "fired, though declared outside the model")
		case any:
			fired++
		case why != "":
			outside++
			row = append(row, "outside: "+why)
		case !inTable:
			untabled++
			row = append(row, "in no checked profile's table: "+results[0].Coverage[i].Guard+" under none")
		default:
			row = append(row, "never fired")
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nCoverage: of the %d rules that move, send or touch a timer, %d fired under at least one profile, %d are declared outside the model, %d are in no checked profile's table (their guard met under none of them), and %d none of these (never fired)",
		consequential, fired, outside, untabled, consequential-fired-outside-untabled)
	if err == nil && stale > 0 {
		_, err = fmt.Fprintf(w, "; %d fired though declared outside: the declaration is stale", stale)
	}
	if err == nil {
		_, err = fmt.Fprintln(w, ".")
	}
	return err
}
