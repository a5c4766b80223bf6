package gen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tcpfsm/tcpfsm/diagram"
	"github.com/tcpfsm/tcpfsm/spec"
)

// readme renders README.md: the state diagram, the profiles and every
// transition with its citation, so that a reader can check the spec
// against the RFC side by side.
func (g *generator) readme() []byte {
	var b strings.Builder
	for _, section := range []func(*strings.Builder){
		g.readmeHead, g.readmeDiagram, g.readmeNames, g.readmeProfiles, g.readmeTransitions,
	} {
		section(&b)
	}
	return []byte(b.String())
}

// readmeHead writes the title, the spec's description, where the package
// comes from, and what was verified.
func (g *generator) readmeHead(b *strings.Builder) {
	sp := g.sp
	fmt.Fprintf(b, "<!-- %s -->\n\n", g.header())
	fmt.Fprintf(b, "# Package %s: the %s state table\n\n", g.opt.Package, sp.Machine)
	if sp.Doc != "" {
		fmt.Fprintf(b, "%s\n\n", sentence(sp.Doc))
	}
	fmt.Fprintf(b, "Generated from `%s` (%s). Import `%s`; see the package documentation for the API.\n\n", sp.File, g.hash[:len("sha256:")+12], g.opt.ImportPath)
	if len(g.opt.Verification) > 0 {
		b.WriteString("Verification:\n\n")
		for _, v := range g.opt.Verification {
			fmt.Fprintf(b, "- %s\n", v)
		}
		b.WriteString("\n")
	}
}

// readmeDiagram writes the state diagram.
func (g *generator) readmeDiagram(b *strings.Builder) {
	sp := g.sp
	b.WriteString("## State diagram\n\n")
	if len(sp.Highlight) > 0 {
		names := make([]string, len(sp.Highlight))
		for i, s := range sp.Highlight {
			names[i] = s.Name
		}
		fmt.Fprintf(b, "Highlighted: %s. ", strings.Join(names, ", "))
	}
	b.WriteString("Moves that keep the state (re-ACKs, retransmissions) and ignored or rejected events are in the table below, not in the diagram.\n\n")
	b.WriteString("```mermaid\n" + diagram.Mermaid(sp) + "```\n\n")
}

// readmeNames writes the tables of states and events.
func (g *generator) readmeNames(b *strings.Builder) {
	b.WriteString("## States\n\n")
	tableHead(b, "state", "what it waits for")
	for _, s := range g.sp.States {
		fmt.Fprintf(b, "| %s | %s |\n", s.Name, cellText(s.Doc))
	}
	b.WriteString("\n## Events\n\n")
	tableHead(b, "event", "meaning")
	for _, e := range g.sp.Events {
		fmt.Fprintf(b, "| `%s` | %s |\n", e, cellText(e.Doc))
	}
}

// readmeProfiles writes every profile's values side by side, then their
// sources.
func (g *generator) readmeProfiles(b *strings.Builder) {
	sp := g.sp
	b.WriteString("\n## Profiles\n\n")
	tableHead(b, append([]string{"value"}, sp.ProfileNames()...)...)
	row := func(name string, get func(p *spec.Profile) *spec.Value) {
		fmt.Fprintf(b, "| %s |", name)
		for _, p := range sp.Profiles {
			fmt.Fprintf(b, " %s |", valueText(get(p)))
		}
		b.WriteString("\n")
	}
	for _, t := range sp.Timers {
		row("timer "+t.Name, func(p *spec.Profile) *spec.Value { return p.TimerValue(t) })
	}
	for _, d := range sp.Durations {
		row(d.Name, func(p *spec.Profile) *spec.Value { return p.DurationValue(d) })
	}
	for _, c := range sp.Counts {
		row(c.Name, func(p *spec.Profile) *spec.Value { return p.CountValue(c) })
	}
	for _, s := range sp.Switches {
		row("switch "+s.Name, func(p *spec.Profile) *spec.Value {
			for _, v := range p.Values {
				if v.Switch == s {
					return v
				}
			}
			return nil
		})
	}
	b.WriteString("\nSources of the profile values:\n\n")
	for _, p := range sp.Profiles {
		fmt.Fprintf(b, "- **%s** (%s):", p.Name, cellText(p.Doc))
		for i, v := range p.Values {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(b, " %s: %s", v.Name, cellText(v.Cite.String()))
		}
		b.WriteString("\n")
	}
}

// readmeTransitions writes every cell of every state, with its citation.
func (g *generator) readmeTransitions(b *strings.Builder) {
	sp := g.sp
	b.WriteString("\n## Transitions\n\n")
	b.WriteString("Every (state, event) cell, as the spec decides it. A guard `if S` / `unless S` makes the cell depend on a profile's switch.\n")
	for _, s := range sp.States {
		fmt.Fprintf(b, "\n### %s\n\n", s.Name)
		tableHead(b, "event", "guard", "outcome", "actions", "citation", "spec")
		for _, e := range sp.Events {
			for _, r := range sp.CellRules(s, e) {
				guard := ""
				if r.Guard != nil {
					guard = r.Guard.String()
				}
				outcome := "-> " + r.Next.Name
				if r.Verdict != spec.Move {
					outcome = fmt.Sprintf("%s: %s", r.Verdict, r.Reason)
				} else if r.Reason != "" {
					outcome += " (" + r.Reason + ")"
				}
				fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s:%d |\n", e, guard, cellText(outcome),
					cellText(r.ActionString()), cellText(r.Cite.String()), sp.File, r.Pos.Line)
			}
		}
	}
}

// tableHead writes the head of a Markdown table with columns cols.
func tableHead(b *strings.Builder, cols ...string) {
	b.WriteString("| " + strings.Join(cols, " | ") + " |\n|" + strings.Repeat("---|", len(cols)) + "\n")
}

// cellText escapes text for a Markdown table cell.
func cellText(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func valueText(v *spec.Value) string {
	switch {
	case v == nil:
		return ""
	case v.Switch != nil:
		return onOff(v.On)
	case v.None:
		return "none"
	case v.Count != nil:
		return strconv.Itoa(v.N)
	}
	return compactDuration(v.Length)
}

// compactDuration writes d in the largest unit that divides it, as a
// person writes it (4m, 60s, 2h), or in seconds (924.6s), or as Go does
// below a second (200ms).
func compactDuration(d time.Duration) string {
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if d%u.unit == 0 {
			return fmt.Sprintf("%d%s", d/u.unit, u.name)
		}
	}
	if d > time.Second {
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
	}
	return d.String()
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
