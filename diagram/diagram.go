// Package diagram draws the state diagram of a spec as Mermaid or Graphviz
// dot text, with the highlighted states (for TCP, the close path) marked.
//
// One edge joins two states for all the events that move between them,
// labelled with those events; rules that keep the state (re-ACKs, ignores,
// rejects) are left out, since the diagram is for the shape of the machine
// and the transition table lists every cell.
package diagram

import (
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/spec"
)

// Edge is every move from one state to another, in spec order.
type Edge struct {
	From, To *spec.State
	Labels   []string // "rcv FIN", "rcv RST unless rfc1337"
}

// Edges lists the moves between distinct states, in the order their first
// rule appears in the spec.
func Edges(sp *spec.Spec) []*Edge {
	type key struct{ from, to *spec.State }
	byKey := map[key]*Edge{}
	var edges []*Edge
	for _, r := range sp.Rules {
		if r.Verdict != spec.Move || r.Next == r.State {
			continue
		}
		k := key{r.State, r.Next}
		e := byKey[k]
		if e == nil {
			e = &Edge{From: r.State, To: r.Next}
			byKey[k] = e
			edges = append(edges, e)
		}
		label := r.Event.String()
		if r.Guard != nil {
			label += " " + r.Guard.String()
		}
		e.Labels = append(e.Labels, label)
	}
	return edges
}

func highlighted(sp *spec.Spec, s *spec.State) bool {
	for _, h := range sp.Highlight {
		if h == s {
			return true
		}
	}
	return false
}

// Mermaid returns the diagram as a Mermaid stateDiagram-v2.
func Mermaid(sp *spec.Spec) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	fmt.Fprintf(&b, "    [*] --> %s\n", sp.Initial.Name)
	for _, e := range Edges(sp) {
		fmt.Fprintf(&b, "    %s --> %s: %s\n", e.From.Name, e.To.Name, strings.Join(e.Labels, "<br/>"))
	}
	if len(sp.Highlight) > 0 {
		b.WriteString("    classDef highlight fill:#ffe0b2,stroke:#e65100,stroke-width:2px\n")
		names := make([]string, len(sp.Highlight))
		for i, s := range sp.Highlight {
			names[i] = s.Name
		}
		fmt.Fprintf(&b, "    class %s highlight\n", strings.Join(names, ","))
	}
	return b.String()
}

// Dot returns the diagram as a Graphviz digraph.
func Dot(sp *spec.Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", quote(sp.Machine))
	b.WriteString("  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, s := range sp.States {
		attrs := ""
		if highlighted(sp, s) {
			attrs = `, style="rounded,filled", fillcolor="#ffe0b2", color="#e65100", penwidth=2`
		}
		if s == sp.Initial {
			attrs += ", peripheries=2"
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", quote(s.Name), quote(s.Name), attrs)
	}
	for _, e := range Edges(sp) {
		attrs := ""
		if highlighted(sp, e.From) && highlighted(sp, e.To) {
			attrs = `, color="#e65100", penwidth=2`
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%s%s];\n", quote(e.From.Name), quote(e.To.Name), quote(strings.Join(e.Labels, "\n")), attrs)
	}
	b.WriteString("}\n")
	return b.String()
}

// quote makes s a dot ID string.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
