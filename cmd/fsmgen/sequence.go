package main

import (
	"fmt"
	"strings"

	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/model"
)

// sequenceDiagram draws a counterexample as a Mermaid sequence diagram:
// segments as arrows when they are delivered, everything else as notes.
func sequenceDiagram(profile, status string, c *check.Counterexample) string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	fmt.Fprintf(&b, "    %%%% %s %s under %s: %s\n", c.Property, status, profile, mermaidText(c.Problem))
	b.WriteString("    participant A as A (client)\n    participant B as B (server)\n")
	name := [2]string{"A", "B"}
	for i, s := range c.Steps {
		l := s.Label
		if i == c.Loop {
			if c.Stutter {
				b.WriteString("    Note over A,B: time passes and nothing changes, for ever\n")
				break
			}
			b.WriteString("    loop for ever\n")
		}
		change := ""
		if l.From != l.To {
			change = fmt.Sprintf(": %s → %s", l.From, l.To)
		}
		switch l.Kind {
		case model.Deliver, model.DeliverCopy:
			dup := ""
			if l.Kind == model.DeliverCopy {
				dup = " (a copy stays)"
			}
			fmt.Fprintf(&b, "    %s->>%s: %s%s\n", name[1-l.End], name[l.End], segText(l.Seg), dup)
			if l.Event != 0 {
				fmt.Fprintf(&b, "    Note over %s: %s%s\n", name[l.End], l.Event, change)
			}
		case model.Lose:
			fmt.Fprintf(&b, "    %s-x%s: %s lost\n", name[1-l.End], name[l.End], segText(l.Seg))
		case model.Tick:
			b.WriteString("    Note over A,B: tick\n")
		default:
			fmt.Fprintf(&b, "    Note over %s: %s%s\n", name[l.End], l.Event, change)
		}
		if l.Lost > 0 {
			fmt.Fprintf(&b, "    Note over %s: %d sent into a full channel, lost\n", name[l.End], l.Lost)
		}
	}
	if c.Loop >= 0 && !c.Stutter {
		b.WriteString("    end\n")
	}
	fmt.Fprintf(&b, "    Note over A,B: %s\n", mermaidText(c.Problem))
	return b.String()
}

// mermaidText keeps a note on one line and free of Mermaid's separators.
func mermaidText(s string) string {
	return strings.NewReplacer(";", ",", "\n", " ", "#", "").Replace(s)
}

// segText names a segment without the characters Mermaid reads as markup.
func segText(g model.Segment) string {
	text := strings.SplitN(g.String(), "#", 2)[0]
	return fmt.Sprintf("%s, incarnation %d", text, g.Inc)
}
