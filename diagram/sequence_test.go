package diagram

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSequence draws every kind of step: a message, a lost one, notes over
// one lane and over all, a loop to the end and a closing note; texts lose
// Mermaid's separators.
func TestSequence(t *testing.T) {
	x := Exchange{
		Title: "a door; #2\nslams",
		Lanes: []Lane{{ID: "K", Name: "K (key)"}, {ID: "D", Name: "D (door)"}},
		Steps: []Step{
			{Notes: []Note{{Over: []string{"K"}, Text: "turn"}}},
			{Message: &Message{From: "K", To: "D", Text: "CLICK"}, Notes: []Note{{Over: []string{"D"}, Text: "LOCKED → CLOSED"}, {Over: []string{"D"}, Text: "1 lost"}}},
			{Message: &Message{From: "D", To: "K", Text: "BUMP", Lost: true}},
			{Notes: []Note{{Text: "tick"}}},
		},
		Loop: 2,
		End:  "open; for ever",
	}
	want := `sequenceDiagram
    %% a door, 2 slams
    participant K as K (key)
    participant D as D (door)
    Note over K: turn
    K->>D: CLICK
    Note over D: LOCKED → CLOSED
    Note over D: 1 lost
    loop for ever
    D-xK: BUMP
    Note over K,D: tick
    end
    Note over K,D: open, for ever
`
	assert.Equal(t, want, Sequence(x))
}

// TestSequenceBare: without a title, a loop or a closing note, only the
// lanes and the steps are drawn; a loop past the last step draws no box.
func TestSequenceBare(t *testing.T) {
	x := Exchange{
		Lanes: []Lane{{ID: "A", Name: "A"}, {ID: "B", Name: "B"}},
		Steps: []Step{{Message: &Message{From: "A", To: "B", Text: "SYN"}}},
		Loop:  -1,
	}
	want := "sequenceDiagram\n    participant A as A\n    participant B as B\n    A->>B: SYN\n"
	assert.Equal(t, want, Sequence(x))
	x.Loop = 1
	assert.Equal(t, want, Sequence(x))
}
