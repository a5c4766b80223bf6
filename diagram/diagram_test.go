package diagram

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/internal/specgen"
	"github.com/tcpfsm/tcpfsm/spec"
)

func mini(t *testing.T) *spec.Spec {
	t.Helper()
	sp, err := spec.Parse("mini.fsm", specgen.Mini)
	require.NoError(t, err)
	return sp
}

func TestMermaid(t *testing.T) {
	want := `stateDiagram-v2
    [*] --> LOCKED
    LOCKED --> CLOSED: app UNLOCK
    CLOSED --> OPEN: app PUSH
    CLOSED --> LOCKED: timeout autolock
    OPEN --> CLOSED: app PUSH<br/>rcv BUMP unless sticky
    classDef highlight fill:#ffe0b2,stroke:#e65100,stroke-width:2px
    class OPEN highlight
`
	assert.Equal(t, want, Mermaid(mini(t)))
}

func TestDot(t *testing.T) {
	want := `digraph "door" {
  rankdir=TB;
  node [shape=box, style=rounded, fontname="Helvetica"];
  edge [fontname="Helvetica", fontsize=10];
  "LOCKED" [label="LOCKED", peripheries=2];
  "CLOSED" [label="CLOSED"];
  "OPEN" [label="OPEN", style="rounded,filled", fillcolor="#ffe0b2", color="#e65100", penwidth=2];
  "LOCKED" -> "CLOSED" [label="app UNLOCK"];
  "CLOSED" -> "OPEN" [label="app PUSH"];
  "CLOSED" -> "LOCKED" [label="timeout autolock"];
  "OPEN" -> "CLOSED" [label="app PUSH\nrcv BUMP unless sticky"];
}
`
	assert.Equal(t, want, Dot(mini(t)))
}

// TestEdgesTCP: the TCP diagram joins parallel moves into one edge and
// leaves out moves that keep the state.
func TestEdgesTCP(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	seen := map[[2]string]bool{}
	for _, e := range Edges(sp) {
		assert.NotEqual(t, e.From, e.To, "self-loop %s", e.From.Name)
		k := [2]string{e.From.Name, e.To.Name}
		assert.False(t, seen[k], "two edges %v", k)
		seen[k] = true
	}
	assert.True(t, seen[[2]string{"TIME_WAIT", "CLOSED"}])
	assert.True(t, seen[[2]string{"CLOSE_WAIT", "LAST_ACK"}])
	assert.True(t, seen[[2]string{"CLOSE_WAIT", "CLOSED"}], "abort and RST end CLOSE_WAIT")
}

func TestQuote(t *testing.T) {
	assert.Equal(t, `"a\"b\\c\nd"`, quote("a\"b\\c\nd"))
}
