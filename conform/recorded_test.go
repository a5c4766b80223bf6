package conform_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpfsm/tcpfsm/conform/lab"
)

// TestEveryScenarioRecorded: each live scenario of the lab has a trace
// recorded from a kernel among those TestReplayRecorded replays. Only this
// test, in a package of its own, looks at the lab: package conform does
// not import it.
func TestEveryScenarioRecorded(t *testing.T) {
	for _, name := range lab.Scenarios() {
		_, err := os.Stat(filepath.Join("testdata", "traces", name+".trace"))
		assert.NoError(t, err, "no recorded trace of scenario %s: record one as root with go run ./cmd/fsmgen conform -scenario %s -record conform/testdata/traces", name, name)
	}
}
