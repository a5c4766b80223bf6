package check_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/check"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
)

// smallBounds are the default bounds: one segment in flight each way.
func smallBounds() model.Bounds { return model.DefaultBounds() }

// TestTCPHolds: the TCP table keeps every model-checked property under
// every profile.
func TestTCPHolds(t *testing.T) {
	for _, p := range tcp.Profiles() {
		m, err := model.New(p, smallBounds(), nil)
		require.NoError(t, err, p.Name)
		res, err := check.Run(m, props.ModelChecked, 5_000_000)
		require.NoError(t, err, p.Name)
		t.Logf("%s: %d states, %d transitions, %v", p.Name, res.States, res.Transitions, res.Elapsed)
		for id, c := range res.Violations {
			t.Errorf("%s: %s violated: %s (%d steps)", p.Name, id, c.Problem, len(c.Steps))
		}
	}
}
