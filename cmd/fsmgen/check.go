package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// checkReport is what fsmgen check found, in the shape -json prints.
type checkReport struct {
	Spec    string          `json:"spec"`
	Bounds  string          `json:"bounds,omitempty"`
	Results []profileResult `json:"results"`
	Skipped string          `json:"model_skipped,omitempty"`
}

type profileResult struct {
	Profile     string       `json:"profile"`
	MSL         string       `json:"msl"`
	Timing      string       `json:"timing,omitempty"`
	States      int          `json:"states"`
	Transitions int          `json:"transitions"`
	Seconds     float64      `json:"seconds"`
	Properties  []propResult `json:"properties"`
}

type propResult struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Holds          bool       `json:"holds"`
	Problem        string     `json:"problem,omitempty"`
	Counterexample []stepJSON `json:"counterexample,omitempty"`

	trace *check.Counterexample
}

type stepJSON struct {
	Step  string `json:"step"`
	State string `json:"state"`
}

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	sf := newSpecFlag(fs, defaultSpecUsage)
	profile := fs.String("profile", "all", "profile `name` to check, or all")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	diagram := fs.String("diagram", "", "write each counterexample as a Mermaid sequence diagram to `FILE`")
	mf := addModelFlags(fs)
	sp, path, err := sf.load(args)
	if err != nil {
		return err
	}
	profiles := sp.Profiles
	if *profile != "all" {
		p := sp.Profile(*profile)
		if p == nil {
			return usageErr("fsmgen check: unknown profile %q: the spec has %s", *profile, strings.Join(sp.ProfileNames(), ", "))
		}
		profiles = []*spec.Profile{p}
	}
	// The embedded spec is the one generated/tcp comes from: check the
	// table programs import, not only the spec it was made from.
	embedded := path == ""
	rep := checkReport{Spec: sp.File}
	for _, p := range profiles {
		rep.Results = append(rep.Results, tableResult(sp, p, embedded))
	}
	if err := modelCheck(&rep, sp, embedded, profiles, mf); err != nil {
		return err
	}
	var failures []string
	for _, r := range rep.Results {
		for _, p := range r.Properties {
			if !p.Holds {
				failures = append(failures, fmt.Sprintf("%s: %s: %s", r.Profile, p.ID, p.Problem))
			}
		}
	}
	if *diagram != "" {
		if err := writeDiagrams(*diagram, rep); err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("fsmgen check: %v", err)}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(stdout, sp, rep, embedded)
	}
	if len(failures) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen check: %d violation%s", len(failures), plural(len(failures)))}
	}
	return nil
}

// tableResult checks P9 under profile p on the spec and, for the embedded
// spec, on generated/tcp, which must also decide every cell as the spec.
func tableResult(sp *spec.Spec, p *spec.Profile, embedded bool) profileResult {
	sw := p.Switches()
	v := props.CheckDeterministicAndTotal(props.SpecTable(sp, sw))
	if embedded {
		v = append(v, props.CheckDeterministicAndTotal(generatedTable(sw))...)
		for _, d := range compareGenerated(sp, sw) {
			v = append(v, props.Violation{Property: "P9", Where: "generated/tcp", Problem: d})
		}
	}
	r := propResult{ID: "P9", Name: "DeterministicAndTotal", Holds: len(v) == 0}
	if !r.Holds {
		var msgs []string
		for _, x := range v {
			msgs = append(msgs, x.String())
		}
		r.Problem = strings.Join(msgs, "; ")
	}
	msl := "none"
	if v := p.DurationValue(durationNamed(sp, "msl")); v != nil && !v.None {
		msl = v.Length.String()
	}
	return profileResult{Profile: p.Name, MSL: msl, Properties: []propResult{r}}
}

func durationNamed(sp *spec.Spec, name string) *spec.Duration {
	for _, d := range sp.Durations {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func printReport(w io.Writer, sp *spec.Spec, rep checkReport, embedded bool) {
	fmt.Fprintf(w, "%s: machine %s: %d states, %d events, %d rules\n\n", sp.File, sp.Machine, len(sp.States), len(sp.Events), len(sp.Rules))
	if rep.Skipped != "" {
		fmt.Fprintf(w, "Model checking skipped: %s.\n\n", rep.Skipped)
	} else {
		fmt.Fprintf(w, "Model: %s.\n", rep.Bounds)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var ids []string
	for _, p := range rep.Results[0].Properties {
		ids = append(ids, p.ID)
	}
	head := "profile\t" + strings.Join(ids, "\t")
	if rep.Skipped == "" {
		head += "\tstates\ttransitions\tseconds\tstates/s\ttiming"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rep.Results {
		row := r.Profile
		for _, p := range r.Properties {
			row += "\t" + map[bool]string{true: "holds", false: "VIOLATED"}[p.Holds]
		}
		if rep.Skipped == "" {
			row += fmt.Sprintf("\t%d\t%d\t%.2f\t%.0f\t%s", r.States, r.Transitions, r.Seconds, float64(r.States)/max(r.Seconds, 1e-9), r.Timing)
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	if embedded {
		fmt.Fprintln(w, "P9 is checked on the spec and on generated/tcp, which decides every cell as the spec does.")
	}
	for _, r := range rep.Results {
		for _, p := range r.Properties {
			if p.trace != nil {
				fmt.Fprintln(w)
				fmt.Fprint(w, formatCounterexample(r.Profile, p.trace))
			} else if !p.Holds {
				fmt.Fprintf(w, "\n%s VIOLATED under %s: %s\n", p.ID, r.Profile, p.Problem)
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Not checked yet: the liveness half of P2 (every FIN sent is eventually ACKed under fairness); P2 above is its safety half.")
}

// writeDiagrams writes every counterexample of rep as a Mermaid sequence
// diagram, one after another, to path.
func writeDiagrams(path string, rep checkReport) error {
	var b strings.Builder
	for _, r := range rep.Results {
		for _, p := range r.Properties {
			if p.trace != nil {
				b.WriteString(sequenceDiagram(r.Profile, p.trace))
				b.WriteString("\n")
			}
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// generatedTable is generated/tcp under switch set sw, as a props.Table.
type generatedTable tcp.Switches

func (g generatedTable) Size() (int, int) { return int(tcp.NumStates) - 1, int(tcp.NumEvents) - 1 }
func (g generatedTable) Name(s, e int) string {
	return tcp.State(s).String() + ", " + tcp.Event(e).String()
}
func (g generatedTable) Decide(s, e int) (props.Cell, bool) {
	t, ok := tcp.StepWith(tcp.Switches(g), tcp.State(s), tcp.Event(e))
	if !ok || !t.Rule.Valid() {
		return props.Cell{}, false
	}
	return props.Cell{Next: int(t.Next), Verdict: props.Verdict(t.Verdict), Reason: t.Rule.Reason(), Rules: 1}, true
}

// compareGenerated lists the cells where generated/tcp and the spec differ
// under switch set sw.
func compareGenerated(sp *spec.Spec, sw uint64) []string {
	if tcp.SpecFile != sp.File || tcp.NumStates-1 != len(sp.States) || tcp.NumEvents-1 != len(sp.Events) {
		return []string{"was generated from another spec"}
	}
	var out []string
	for i, st := range sp.States {
		for j, ev := range sp.Events {
			r := sp.Decide(st, ev, sw)
			t, _ := tcp.StepWith(tcp.Switches(sw), tcp.State(i+1), tcp.Event(j+1))
			if t.Next.String() != r.Next.Name || t.Verdict.String() != r.Verdict.String() ||
				uint64(t.Actions) != r.ActionBits() || int(t.Rule) != r.Index {
				out = append(out, fmt.Sprintf("(%s, %s): table says %s %s, spec says %s %s",
					st.Name, ev, t.Next, t.Actions, r.Next.Name, r.ActionString()))
			}
		}
	}
	return out
}
