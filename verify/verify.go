// Package verify runs every check on a spec under its profiles, P9 on the
// table and the others on the model, and says what holds, what is violated,
// and which violations the profile declares as findings. fsmgen check
// prints its report; fsmgen gen records it in the package it writes.
package verify

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpfsm/tcpfsm/assoc"
	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

// Report is what a verification found, in the shape fsmgen check -json
// prints.
type Report struct {
	Spec   string `json:"spec"`
	Bounds string `json:"bounds,omitempty"`
	// Also are the other bounds every profile was explored at
	// (Options.Also), each with what it adds.
	Also    []AlsoBounds    `json:"also,omitempty"`
	Results []ProfileResult `json:"results"`
	Skipped string          `json:"model_skipped,omitempty"`
	// Incomplete says that the run was interrupted (Options.Stop): the
	// last result is the profile under way, itself Incomplete, and the
	// profiles after it are left out.
	Incomplete bool `json:"incomplete,omitempty"`
	// Safety says that only the safety properties were checked
	// (Options.Safety): P2 without its liveness half.
	Safety bool `json:"safety_only,omitempty"`
	// HashBits is, under hash compaction (Options.HashBits), the bits of
	// each state's hash the search kept; each result's Omission says how
	// likely it missed a state.
	HashBits int `json:"hash_bits,omitempty"`
	// Table is the table the model ran (Options.Table).
	Table bind.Table `json:"-"`
	// Detail makes the text report print the counterexample of every
	// finding too; without it a finding is a line or two: what fails and
	// the cause the profile declares. Violations always come with theirs.
	Detail bool `json:"-"`

	// rules are the spec's rules, so that a counterexample's steps name
	// the rule that decided each (Run sets them).
	rules []*spec.Rule
	// weaker says that the bounds explored do not cover fsmgen check's
	// defaults: what holds there is recorded as "no violation found at
	// these bounds", never as "holds".
	weaker bool
}

// ProfileResult is the verdict on every property under one profile.
type ProfileResult struct {
	Profile     string           `json:"profile"`
	MSL         string           `json:"msl"`
	Timing      string           `json:"timing,omitempty"`
	States      int              `json:"states"`
	Transitions int              `json:"transitions"`
	Seconds     float64          `json:"seconds"`
	Omission    float64          `json:"p_missed_state,omitempty"` // under hash compaction, a bound on the probability that the search missed a state
	Bytes       uint64           `json:"bytes,omitempty"`          // the visited set at the end
	Properties  []PropertyResult `json:"properties"`
	// Coverage, with Options.Coverage, says how often each rule of the
	// spec fired, in spec order (in every run, Also's too).
	Coverage []RuleCoverage `json:"coverage,omitempty"`
	// Also are the explorations at Options.Also, after the one States
	// and Transitions count: their verdicts are folded into Properties.
	Also []AlsoRun `json:"also,omitempty"`
	// Incomplete says that the exploration under this profile was
	// interrupted: States, Transitions, Seconds and Bytes are how far it
	// came, and the model-checked properties have no verdict (Unchecked).
	Incomplete bool `json:"incomplete,omitempty"`
}

// PropertyResult is the verdict on one property.
type PropertyResult struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Holds   bool   `json:"holds"`
	Problem string `json:"problem,omitempty"`
	// Finding, for a violation that comes from the known weakness a finding
	// of the profile names, is the finding's citation; such a violation does
	// not fail the check. A violation with another cause does, finding or
	// not.
	Finding        string `json:"finding,omitempty"`
	Counterexample []Step `json:"counterexample,omitempty"`
	// RepeatsFrom, for a liveness violation, is the index in Counterexample
	// of the first step of the cycle that repeats for ever.
	RepeatsFrom *int `json:"repeats_from,omitempty"`
	// Unchecked says that the property has no verdict: the exploration
	// that checks it was interrupted. Holds is false, and so is the
	// property's failing.
	Unchecked bool `json:"unchecked,omitempty"`
	// Resolution, with Options.AlsoMSLTicks, says how the verdict differs
	// between time resolutions ("holds at 2 ticks per MSL, VIOLATED at
	// 8"): a verdict the rounding of durations decides, which fails the
	// check.
	Resolution string `json:"depends_on_time_resolution,omitempty"`
	// Bounds, for a verdict found by an exploration at Options.Also, are
	// the bounds it was found at; empty for the report's own.
	Bounds string `json:"bounds,omitempty"`

	// Trace is the counterexample as the checker found it.
	Trace *check.Counterexample `json:"-"`
}

// Fails reports whether p is a violation that no finding declares.
func (p PropertyResult) Fails() bool {
	return p.Resolution != "" || !p.Holds && !p.Unchecked && p.Finding == ""
}

// settled is the status of p at the resolution reported first, whatever
// another resolution said.
func (p PropertyResult) settled() string {
	q := p
	q.Resolution = ""
	return q.Status()
}

// Status is how a table shows the verdict: holds, finding or VIOLATED,
// or unchecked for none.
func (p PropertyResult) Status() string {
	switch {
	case p.Unchecked:
		return "unchecked"
	case p.Resolution != "":
		return "unstable"
	case p.Holds:
		return "holds"
	case p.Finding != "":
		return "finding"
	}
	return "VIOLATED"
}

// Step is one step of a counterexample, as text.
type Step struct {
	Step  string `json:"step"`
	State string `json:"state"`
}

// Options are the bounds of a verification.
type Options struct {
	Bounds    model.Bounds
	MaxStates int
	MaxBytes  uint64
	// Table is the table the model runs: bind.Generated (generated/tcp
	// itself, which programs import, for the spec it was made from; P9 and
	// the cell-by-cell comparison then cover it too) or bind.Interpreted.
	Table bind.Table
	// Coverage asks for each result's rule coverage.
	Coverage bool
	// Progress, if set, hears from a long exploration now and then.
	Progress func(profile string, p check.Progress)
	// Stop, once closed, interrupts the run (see Interrupted).
	Stop <-chan struct{}
	// Plain turns the explorer's reductions off (check.Options.Plain).
	Plain bool
	// ReuseTags, for a spec of the SCTP vocabulary, makes every
	// association of the model take the first one's verification tags:
	// the mutant of tag choice (see assoc.Bounds).
	ReuseTags bool
	// Also are other bounds at which every profile is explored again,
	// after Bounds (see also): a property holds only where it holds at
	// each. DefaultAlso gives fsmgen check's.
	Also []model.Bounds
	// AlsoMSLTicks are other time resolutions (ticks per MSL) at which
	// every model-checked verdict is decided again (see recheck), at
	// Bounds.
	AlsoMSLTicks []int
	// Workers is how many goroutines expand states; 0: one per core.
	Workers int
	// HashBits, if not 0, explores under hash compaction (check.Options):
	// each profile's result then says how likely a state was missed.
	HashBits int
	// Safety checks the safety properties only: P2 loses its liveness
	// half, so that the run checks what SPIN's pan checks with -DSAFETY.
	Safety bool
}

// BadBounds reports a model that cannot be built: bounds the model
// refuses, or a table that does not fit the spec (package bind says which).
type BadBounds struct{ Err error }

func (e BadBounds) Error() string { return e.Err.Error() }

// Interrupted reports a run interrupted by Options.Stop while it explored
// Profile, after States states. Run returns it with the report so far:
// the profiles finished, then Profile marked Incomplete.
type Interrupted struct {
	Profile string
	States  int
}

func (e Interrupted) Error() string {
	return fmt.Sprintf("interrupted: profile %s incomplete after %d states", e.Profile, e.States)
}

// Run verifies sp under each of profiles. It returns the report and the
// number of violations the profiles do not declare as findings: the
// failures. The error is a spec.ErrorList for a finding about no property,
// a BadBounds, or the explorer's TooLarge or TooMuchMemory, with no
// report; or an Interrupted, with the report so far (Report.Incomplete)
// and its failures.
func Run(sp *spec.Spec, profiles []*spec.Profile, opt Options) (*Report, int, error) {
	rep := &Report{Spec: sp.File, Table: opt.Table, rules: sp.Rules}
	if err := checkFindings(sp); err != nil {
		return nil, 0, err
	}
	for _, p := range profiles {
		rep.Results = append(rep.Results, tableResult(sp, p, opt.Table == bind.Generated))
	}
	err := modelCheck(rep, sp, profiles, opt)
	if _, ok := err.(Interrupted); err != nil && !ok {
		return nil, 0, err
	}
	return rep, failures(rep), err
}

// Failures lists the violations that no finding declares, one per line.
func (r *Report) Failures() []string {
	var out []string
	for _, pr := range r.Results {
		for _, p := range pr.Properties {
			if p.Fails() {
				out = append(out, fmt.Sprintf("%s under %s: %s", p.ID, pr.Profile, p.Problem))
			}
		}
	}
	return out
}

// Verification is what a generated package records of the report: the
// bounds, and per profile the states explored, what holds and which
// findings the profile declares. At bounds weaker than fsmgen check's
// defaults it says so first, and says "no violation found" for "holds".
func (r *Report) Verification() []string {
	if r.Skipped != "" {
		return []string{"P9 (deterministic and total) holds under every profile. The other properties were not model-checked: " + r.Skipped + "."}
	}
	bounds := r.Bounds
	for _, a := range r.Also {
		bounds += "; and again " + a.Purpose + ", " + a.Bounds
	}
	out := []string{"Model-checked when generated: " + bounds + ". Per profile, the states explored and the properties that hold:"}
	verb := "hold"
	if r.weaker {
		out = []string{"Not verified at fsmgen check's default bounds (" + DescribeBounds(model.DefaultBounds()) + "). Model-checked when generated only at weaker bounds: " + bounds + ". Per profile, the states explored and the properties of which those bounds show no violation:"}
		verb = "show no violation"
	}
	for _, pr := range r.Results {
		var holds, findings []string
		for _, p := range pr.Properties {
			switch {
			case p.Holds:
				holds = append(holds, p.ID)
			case !p.Unchecked:
				findings = append(findings, p.ID)
			}
		}
		states := fmt.Sprintf("%d states", pr.States)
		for _, a := range pr.Also {
			states += fmt.Sprintf(" and %d", a.States)
		}
		line := fmt.Sprintf("%s: %s; %s %s", pr.Profile, states, strings.Join(holds, " "), verb)
		if len(findings) > 0 {
			line += "; findings the profile declares: " + strings.Join(findings, " ")
		}
		out = append(out, line+".")
	}
	if !r.hasProperty("P2") {
		return out
	}
	return append(out, "P2 includes its liveness half. A finding is a guarantee the profile does not give, with its cause cited in the spec.")
}

// hasProperty reports whether the report has a verdict on property id:
// the TCP model's P1-P12 or the association model's S1-S7.
func (r *Report) hasProperty(id string) bool {
	for _, pr := range r.Results {
		for _, p := range pr.Properties {
			if p.ID == id {
				return true
			}
		}
	}
	return false
}

// checkFindings refuses a finding about a property that does not exist, or
// that has no known weakness a finding could name.
func checkFindings(sp *spec.Spec) error {
	known := map[string]bool{}
	var ids []string
	for _, p := range props.All {
		known[p.ID] = true
		ids = append(ids, p.ID)
	}
	weak := props.Excusable()
	excusable := map[string]bool{}
	for _, id := range weak {
		excusable[id] = true
	}
	var errs spec.ErrorList
	for _, p := range sp.Profiles {
		for _, f := range p.Findings {
			switch {
			case !known[f.Property]:
				errs = append(errs, &spec.Error{Pos: f.Pos, Msg: fmt.Sprintf("profile %s: finding %s: there is no such property (%s)", p.Name, f.Property, strings.Join(ids, ", "))})
			case !excusable[f.Property]:
				errs = append(errs, &spec.Error{Pos: f.Pos, Msg: fmt.Sprintf("profile %s: finding %s: %s has no known weakness a finding can name (findings may name %s)", p.Name, f.Property, f.Property, strings.Join(weak, ", "))})
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// failures counts the violations no finding explains.
func failures(rep *Report) int {
	n := 0
	for _, r := range rep.Results {
		for _, p := range r.Properties {
			if p.Fails() {
				n++
			}
		}
	}
	return n
}

// tableResult checks P9 under profile p on the spec and, if table is set,
// on generated/tcp, which must also decide every cell as the spec.
func tableResult(sp *spec.Spec, p *spec.Profile, table bool) ProfileResult {
	sw := p.Switches()
	v := props.CheckDeterministicAndTotal(props.SpecTable(sp, sw))
	if table {
		v = append(v, props.CheckDeterministicAndTotal(props.GeneratedTable(tcp.Switches(sw)))...)
		for _, d := range CompareGenerated(sp, sw) {
			v = append(v, props.Violation{Property: "P9", Where: "generated/tcp", Problem: d})
		}
	}
	r := PropertyResult{ID: "P9", Name: "DeterministicAndTotal", Holds: len(v) == 0}
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
	return ProfileResult{Profile: p.Name, MSL: msl, Properties: []PropertyResult{r}}
}

func durationNamed(sp *spec.Spec, name string) *spec.Duration {
	for _, d := range sp.Durations {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// modelCheck explores the model under each profile and adds the
// model-checked properties to the profiles' results. Interrupted, it
// marks the profile under way Incomplete, drops the ones after it and
// returns Interrupted.
func modelCheck(rep *Report, sp *spec.Spec, profiles []*spec.Profile, opt Options) error {
	if opt.Table == bind.Interpreted {
		if _, err := bind.Interpreter(sp); err != nil {
			// Not the TCP vocabulary: the SCTP one runs the association
			// model, through the same explorer; any other is skipped.
			if step, aerr := assoc.Interpreter(sp); aerr == nil {
				return associationCheck(rep, sp, profiles, step, opt)
			}
			rep.Skipped = err.Error()
			return nil
		}
	}
	rep.Bounds = DescribeBounds(opt.Bounds)
	for _, b := range opt.Also {
		rep.Also = append(rep.Also, AlsoBounds{Purpose: purpose(b), Bounds: DescribeBounds(b)})
	}
	rep.Safety, rep.HashBits = opt.Safety, opt.HashBits
	// Safety alone, or hash compaction, says less than the full check.
	rep.weaker = !opt.Bounds.Covers(model.DefaultBounds()) || opt.Safety || opt.HashBits != 0
	for i, sprof := range profiles {
		m, err := bind.Model(sp, sprof, opt.Bounds, opt.Table)
		if err != nil {
			return BadBounds{err}
		}
		co := opt.checkOptions(sprof)
		if opt.Progress != nil {
			co.Progress = func(pr check.Progress) { opt.Progress(sprof.Name, pr) }
		}
		res, err := check.Run(m, opt.properties(), co)
		var stopped check.Stopped
		if errors.As(err, &stopped) {
			res = &check.Result{States: stopped.States, Transitions: stopped.Transitions, Elapsed: stopped.Elapsed, Bytes: stopped.Bytes}
		} else if err != nil {
			return fmt.Errorf("profile %s: %w", sprof.Name, err)
		}
		r := &rep.Results[i]
		r.MSL = m.Timing.NetworkMSL.String()
		r.Timing = m.Timing.String()
		r.States, r.Transitions, r.Seconds, r.Bytes = res.States, res.Transitions, res.Elapsed.Seconds(), res.Bytes
		r.Omission = res.Omission
		if opt.Coverage && err == nil {
			r.Coverage = coverage(sp, m, res.Fired)
		}
		// In the order of their numbers: the model's, and P9 on the table.
		r.Properties = append(modelResults(sprof, m.Bounds, res, err != nil), r.Properties...)
		slices.SortStableFunc(r.Properties, func(a, b PropertyResult) int { return cmp.Compare(number(a.ID), number(b.ID)) })
		if err != nil {
			r.Incomplete, rep.Incomplete = true, true
			rep.Results = rep.Results[:i+1]
			return Interrupted{Profile: sprof.Name, States: stopped.States}
		}
		err = recheck(r, sp, sprof, opt)
		if err == nil {
			err = also(r, sp, sprof, opt)
		}
		if err != nil {
			var in Interrupted
			if errors.As(err, &in) {
				// The verdicts of this profile are not all decided: none stands.
				for j := range r.Properties {
					if r.Properties[j].ID != "P9" {
						r.Properties[j] = PropertyResult{ID: r.Properties[j].ID, Name: r.Properties[j].Name, Unchecked: true}
					}
				}
				r.Incomplete, rep.Incomplete = true, true
				rep.Results = rep.Results[:i+1]
			}
			return err
		}
	}
	return nil
}

// checkOptions are the explorer's options for profile sprof.
func (opt Options) checkOptions(sprof *spec.Profile) check.Options {
	return check.Options{MaxStates: opt.MaxStates, MaxBytes: opt.MaxBytes, Workers: opt.Workers, HashBits: opt.HashBits, Findings: props.Declared(sprof), Stop: opt.Stop, Plain: opt.Plain}
}

// properties are the properties the model is explored for: all of
// props.ModelChecked, or with Safety their safety halves.
func (opt Options) properties() []check.Property {
	if opt.Safety {
		return safetyOnly(props.For(opt.Bounds))
	}
	return props.For(opt.Bounds)
}

// safetyOnly is list without its liveness halves: each property keeps
// its step and state checks and drops its obligations, so the explorer
// keeps no liveness subgraph and runs no fair-cycle search.
func safetyOnly(list []check.Property) []check.Property {
	out := make([]check.Property, len(list))
	for i, p := range list {
		p.Obligations, p.Owes, p.Unmet = 0, nil, nil
		out[i] = p
	}
	return out
}

// modelResults are the verdicts on the model-checked properties that res
// gives under profile sprof, or none when the run was interrupted.
func modelResults(sprof *spec.Profile, b model.Bounds, res *check.Result, interrupted bool) []PropertyResult {
	var out []PropertyResult
	for _, prop := range props.For(b) {
		pr := PropertyResult{ID: prop.ID, Name: propertyName(prop.ID), Holds: !interrupted, Unchecked: interrupted}
		c, bad := res.Violations[prop.ID]
		if !bad {
			if c, bad = res.Findings[prop.ID]; bad {
				pr.Finding = sprof.Finding(prop.ID).Cite.String()
			}
		}
		if bad {
			pr.Holds, pr.Problem, pr.Trace = false, c.Problem, c
			pr.Counterexample = append(pr.Counterexample, Step{Step: "start", State: c.Initial.String()})
			for _, s := range c.Steps {
				pr.Counterexample = append(pr.Counterexample, Step{Step: s.Label.String(), State: s.State.String()})
			}
			if c.Loop >= 0 {
				loop := c.Loop + 1 // the list starts with the initial state
				pr.RepeatsFrom = &loop
			}
		}
		out = append(out, pr)
	}
	return out
}

// propertyName is the name of property id.
func propertyName(id string) string {
	for _, p := range props.All {
		if p.ID == id {
			return p.Name
		}
	}
	return ""
}

// number is the number of property id "Pn".
func number(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "P"))
	return n
}

// IsLimit reports whether err is a run that outgrew its bounds.
func IsLimit(err error) bool {
	var tl check.TooLarge
	var tm check.TooMuchMemory
	return errors.As(err, &tl) || errors.As(err, &tm)
}

// DescribeBounds says what the model explores, for reports.
func DescribeBounds(b model.Bounds) string { return b.String() }

// CompareGenerated lists the cells where generated/tcp and the spec differ
// under switch set sw.
func CompareGenerated(sp *spec.Spec, sw uint64) []string {
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
