package lab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/conform"
)

// TestEveryScenarioRecorded: each scenario has a trace recorded from a
// kernel among those conform ships and replays on any machine.
func TestEveryScenarioRecorded(t *testing.T) {
	traces, err := conform.Recorded()
	require.NoError(t, err)
	for _, name := range Scenarios() {
		assert.Contains(t, traces, name, "no recorded trace of scenario %s: record one as root with go run ./cmd/fsmgen conform -scenario %s -record conform/traces", name, name)
	}
}
