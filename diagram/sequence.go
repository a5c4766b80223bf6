package diagram

import (
	"fmt"
	"strings"
)

// Exchange is a run of messages between lanes, the input of Sequence. It
// is plain text and lane names, so that the package that knows what the
// run means (for a counterexample, package verify) says what to draw, and
// this one only how: the generator imports this package, and must not
// depend on the model checker.
type Exchange struct {
	// Title is a comment at the top of the diagram; it is not drawn.
	Title string
	Lanes []Lane
	Steps []Step
	// Loop is the index in Steps of the first step of a cycle that
	// repeats for ever, drawn as a loop box round the steps from there to
	// the last; -1 for none.
	Loop int
	// End, if set, is a note over every lane after the last step: what
	// the run comes to.
	End string
}

// Lane is one participant: ID in the arrows and notes, Name on its box.
type Lane struct {
	ID, Name string
}

// Step is one step of an exchange: a message, if any, then notes. Steps
// are also saved as JSON, with the counterexamples they draw.
type Step struct {
	Message *Message `json:"message,omitempty"`
	Notes   []Note   `json:"notes,omitempty"`
}

// Message is an arrow from lane From to lane To.
type Message struct {
	From string `json:"from"`
	To   string `json:"to"`
	Text string `json:"text"`
	// Lost draws the message as a cross: it never arrives.
	Lost bool `json:"lost,omitempty"`
}

// Note is text over some lanes, by ID; over every lane when Over is
// empty.
type Note struct {
	Over []string `json:"over,omitempty"`
	Text string   `json:"text"`
}

// Sequence returns x as a Mermaid sequenceDiagram. Every text is kept on
// one line and free of the characters Mermaid reads as separators.
func Sequence(x Exchange) string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	if x.Title != "" {
		fmt.Fprintf(&b, "    %%%% %s\n", mermaidText(x.Title))
	}
	all := make([]string, len(x.Lanes))
	for i, l := range x.Lanes {
		all[i] = l.ID
		fmt.Fprintf(&b, "    participant %s as %s\n", l.ID, mermaidText(l.Name))
	}
	for i, s := range x.Steps {
		if i == x.Loop {
			b.WriteString("    loop for ever\n")
		}
		if m := s.Message; m != nil {
			arrow := "->>"
			if m.Lost {
				arrow = "-x"
			}
			fmt.Fprintf(&b, "    %s%s%s: %s\n", m.From, arrow, m.To, mermaidText(m.Text))
		}
		for _, n := range s.Notes {
			writeNote(&b, n.Over, all, n.Text)
		}
	}
	if x.Loop >= 0 && x.Loop < len(x.Steps) {
		b.WriteString("    end\n")
	}
	if x.End != "" {
		writeNote(&b, nil, all, x.End)
	}
	return b.String()
}

// writeNote writes a note over the lanes over, or over all of them when
// over is empty.
func writeNote(b *strings.Builder, over, all []string, text string) {
	if len(over) == 0 {
		over = all
	}
	fmt.Fprintf(b, "    Note over %s: %s\n", strings.Join(over, ","), mermaidText(text))
}

// mermaidText keeps a text on one line and free of Mermaid's separators:
// a semicolon ends a statement, and # starts an entity code.
func mermaidText(s string) string {
	return strings.NewReplacer(";", ",", "\n", " ", "#", "").Replace(s)
}
