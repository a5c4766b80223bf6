package track

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/conform/lab"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// TestLinuxCaptures holds track to the kernel: for every capture under
// testdata/linux, recorded by fsmgen conform -capture with the kernel's
// own state changes beside it (NAME.states), each side's timeline must be
// the kernel's sequence of states, seen as the tracepoint sees it
// (kernelView). TRACK_CAPTURES=DIR tries the captures in DIR instead,
// recorded the same way elsewhere.
func TestLinuxCaptures(t *testing.T) {
	dir := os.Getenv("TRACK_CAPTURES")
	if dir == "" {
		dir = filepath.Join("testdata", "linux")
	}
	pcaps, err := filepath.Glob(filepath.Join(dir, "*.pcap"))
	require.NoError(t, err)
	require.NotEmpty(t, pcaps, "no captures in %s", dir)
	var names []string
	for _, path := range pcaps {
		name := strings.TrimSuffix(filepath.Base(path), ".pcap")
		names = append(names, name)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			states, err := os.ReadFile(strings.TrimSuffix(path, ".pcap") + ".states")
			require.NoError(t, err, "a capture needs the kernel's state changes beside it")
			changes, err := lab.ReadStates(bytes.NewReader(states), name+".states")
			require.NoError(t, err)
			compareWithKernel(t, name, data, changes)
		})
	}
	if os.Getenv("TRACK_CAPTURES") == "" {
		for _, want := range lab.Scenarios() {
			assert.Contains(t, names, want, "testdata/linux has no capture of %s", want)
		}
	}
}

// unexpected says what the table does not expect in the lab's scenarios,
// by name: an anomaly whose text contains it, once. The other scenarios
// are close paths the table expects throughout.
var unexpected = map[string]string{
	"rst-in-time-wait-rfc1337-0": "RST reached TIME_WAIT",
	"rst-in-time-wait-rfc1337-1": "RST reached TIME_WAIT",
}

// compareWithKernel follows the capture of scenario name and checks each
// side against the kernel's sequence for its address, and the anomalies
// against what the scenario provokes.
func compareWithKernel(t *testing.T, name string, capture []byte, changes []lab.StateChange) {
	t.Helper()
	segs, skipped, err := Read(bytes.NewReader(capture))
	require.NoError(t, err)
	assert.Zero(t, skipped)
	rep := Follow(segs, tcp.Linux)
	require.NotEmpty(t, rep.Connections)
	timelines := map[string][][]string{}
	for _, c := range rep.Connections {
		for _, s := range c.Sides {
			timelines[s.Addr] = append(timelines[s.Addr], s.Sequence())
		}
	}
	require.Len(t, timelines, 2, "one 4-tuple, two sides")
	for addr, incs := range timelines {
		ap := netip.MustParseAddrPort(addr)
		want := lab.Sequence(changes, ap)
		require.NotEmpty(t, want, "the kernel reported nothing for %s", addr)
		assert.Equal(t, want, kernelView(incs), "side %s: the kernel's states, then track's seen as the tracepoint sees them\ntrack's own: %v", addr, incs)
	}
	var anomalies []string
	for _, c := range rep.Connections {
		for _, a := range c.Anomalies {
			anomalies = append(anomalies, a.What)
		}
	}
	if want, ok := unexpected[name]; ok {
		require.Len(t, anomalies, 1)
		assert.Contains(t, anomalies[0], want)
	} else {
		assert.Empty(t, anomalies, "a close path the table expects")
	}
}

// kernelView is a side's timelines, one per incarnation, as
// sock:inet_sock_set_state would report them on Linux, which follows full
// sockets only (see lab.StateChange): from TIME_WAIT on the connection
// lives in a time-wait socket, so the full socket reports CLOSED where
// the table enters TIME_WAIT, and nothing after; an incarnation that
// begins in TIME_WAIT (a SYN reopening it) begins, for the tracepoint, in
// the listener's new socket, in LISTEN. Repeated states in a row, where
// one incarnation ends as the next begins, are one.
func kernelView(incarnations [][]string) []string {
	var out []string
	add := func(s string) {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	for _, seq := range incarnations {
		for i, s := range seq {
			if s == tcp.TimeWait.String() {
				if i == 0 {
					add(tcp.Listen.String())
					continue
				}
				add(tcp.Closed.String())
				break
			}
			add(s)
		}
	}
	return out
}

// TestKernelView pins the projection on the cases it is for.
func TestKernelView(t *testing.T) {
	assert.Equal(t, []string{"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSED"},
		kernelView([][]string{{"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"}}))
	assert.Equal(t, []string{"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSED", "LISTEN", "SYN_RECEIVED"},
		kernelView([][]string{{"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}, {"TIME_WAIT", "SYN_RECEIVED"}}))
	assert.Equal(t, []string{"CLOSED", "SYN_SENT", "CLOSED", "SYN_SENT"},
		kernelView([][]string{{"CLOSED", "SYN_SENT", "CLOSED"}, {"CLOSED", "SYN_SENT"}}))
	assert.True(t, slices.Equal(kernelView(nil), nil))
}
