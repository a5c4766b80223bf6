package conform

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// recorded is Recorded, which must succeed and find traces.
func recorded(t *testing.T) map[string]*Trace {
	t.Helper()
	out, err := Recorded()
	require.NoError(t, err)
	require.NotEmpty(t, out, "no recorded traces under conform/traces")
	return out
}

// TestReplayRecorded holds every recorded kernel trace to the table: each
// side's states must be a path of the linux profile, on any machine.
// (recorded_test.go checks that every live scenario has its trace here.)
func TestReplayRecorded(t *testing.T) {
	traces := recorded(t)
	for _, name := range slices.Sorted(maps.Keys(traces)) {
		tr := traces[name]
		v, err := Check(tr)
		require.NoError(t, err, name)
		for _, x := range v {
			assert.True(t, x.Accepted(), x.String())
		}
	}
}

// TestRecordedMutantsRejected: the recorded kernel behaviour rejects a
// linux profile that ignores RST in TIME_WAIT while tcp_rfc1337=0, one
// whose orphaned FIN_WAIT_2 is never flushed, one that refuses to reuse its
// own TIME_WAIT on loopback, and one whose orphan accepts data.
func TestRecordedMutantsRejected(t *testing.T) {
	traces := recorded(t)
	for _, c := range []struct {
		scenario string
		table    Table
		what     string
	}{
		{"rst-in-time-wait-rfc1337-0", mutant(tcp.TimeWait, tcp.RcvRst, tcp.TimeWait, tcp.Ignore), "RST ignored in TIME_WAIT"},
		{"fin-wait-2-flush", mutant(tcp.FinWait2, tcp.TimeoutFinWait2, tcp.FinWait2, tcp.Ignore), "FIN_WAIT_2 without a flush"},
		{"reuse-own-time-wait", mutant(tcp.TimeWait, tcp.AppOpenActive, tcp.TimeWait, tcp.Reject), "no reuse of one's own TIME_WAIT"},
		{"data-after-close", mutant(tcp.FinWait2, tcp.RcvDataAfterClose, tcp.FinWait2, tcp.Move), "an orphan ACKing data nobody reads"},
	} {
		tr := traces[c.scenario]
		require.NotNil(t, tr, c.scenario)
		p, err := Profile(tr)
		require.NoError(t, err)
		var rejected []string
		for _, v := range Verify(tr, p, c.table) {
			if !v.Accepted() {
				rejected = append(rejected, v.String())
			}
		}
		assert.NotEmpty(t, rejected, "%s: the mutant (%s) was accepted", c.scenario, c.what)
		// The real table accepts the same trace: the mutant is what fails.
		v, err := Check(tr)
		require.NoError(t, err)
		for _, x := range v {
			assert.True(t, x.Accepted(), x.String())
		}
	}
}

func TestReport(t *testing.T) {
	tr := parse(t, activeClose)
	v, err := Check(tr)
	require.NoError(t, err)
	var b strings.Builder
	Report(&b, tr, v)
	out := b.String()
	assert.Contains(t, out, "scenario active-close\n")
	assert.Contains(t, out, "  wire: 0.001 client SYN, 0.001 server SYN,ACK")
	assert.Contains(t, out, "  client: 0.001 connect(), 0.001 SYN_SENT, 0.001 ESTABLISHED, 0.003 close(), 0.003 FIN_WAIT_2, 0.004 TIME_WAIT, 0.004 timer timewait 60.0s\n    accepted\n")
	assert.Contains(t, out, "    path: CLOSED --app OPEN_ACTIVE--> SYN_SENT")
}
