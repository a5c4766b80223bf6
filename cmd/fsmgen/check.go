package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", stderr)
	sf := newSpecFlag(fs, defaultSpecUsage)
	profile := fs.String("profile", "all", "profile `name` to check, or all")
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
	fmt.Fprintf(stdout, "%s: machine %s: %d states, %d events, %d rules\n\n", sp.File, sp.Machine, len(sp.States), len(sp.Events), len(sp.Rules))
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	header := "profile\tP9 deterministic and total"
	if embedded {
		header += "\tgenerated/tcp"
	}
	fmt.Fprintln(w, header)
	var failures []string
	for _, p := range profiles {
		sw := p.Switches()
		v := props.CheckDeterministicAndTotal(props.SpecTable(sp, sw))
		if embedded {
			v = append(v, props.CheckDeterministicAndTotal(generatedTable(sw))...)
		}
		row := p.Name + "\t" + verdict(len(v) == 0, fmt.Sprintf("%d cells", len(sp.States)*len(sp.Events)))
		for _, x := range v {
			failures = append(failures, p.Name+": "+x.String())
		}
		if embedded {
			diff := compareGenerated(sp, sw)
			for _, d := range diff {
				failures = append(failures, p.Name+": generated/tcp: "+d)
			}
			row += "\t" + verdict(len(diff) == 0, "matches the spec")
		}
		fmt.Fprintln(w, row)
	}
	w.Flush()
	fmt.Fprintln(stdout)
	modelFailures, err := modelCheck(stdout, sp, embedded, profiles, mf)
	if err != nil {
		return err
	}
	failures = append(failures, modelFailures...)
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Not checked yet: the liveness half of P2 (every FIN sent is eventually ACKed under fairness); P2 above is its safety half.")
	if len(failures) > 0 {
		fmt.Fprintln(stdout)
		for _, f := range failures {
			fmt.Fprintln(stdout, f)
		}
		return &exitError{code: 1, msg: fmt.Sprintf("fsmgen check: %d violation%s", len(failures), plural(len(failures)))}
	}
	return nil
}

func verdict(ok bool, detail string) string {
	if ok {
		return "holds (" + detail + ")"
	}
	return "VIOLATED"
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
