package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/conform/lab"
)

// linuxCapture is a capture the lab recorded, committed for package track.
var linuxCapture = filepath.Join("..", "..", "track", "testdata", "linux", "active-close.pcap")

// TestTrackJSON: fsmgen track -json prints exactly the documented shape:
// connections with a, b, sides (addr, states with t, state, rule) and
// anomalies, whether the capture comes from a file or standard input.
func TestTrackJSON(t *testing.T) {
	code, stdout, stderr := fsmgen("track", "-json", linuxCapture)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	var doc map[string][]map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	require.Len(t, doc["connections"], 1)
	conn := doc["connections"][0]
	assert.ElementsMatch(t, []string{"a", "b", "sides", "anomalies"}, keys(conn))
	var sides []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(conn["sides"], &sides))
	require.Len(t, sides, 2)
	assert.ElementsMatch(t, []string{"addr", "states"}, keys(sides[0]))
	var moves []map[string]any
	require.NoError(t, json.Unmarshal(sides[0]["states"], &moves))
	require.NotEmpty(t, moves)
	for _, m := range moves {
		assert.ElementsMatch(t, []string{"t", "state", "rule"}, keys(m))
	}
	assert.Equal(t, "CLOSED", moves[0]["state"])
	assert.Equal(t, "SYN_SENT", moves[1]["state"])
	assert.Regexp(t, `^spec/tcp\.fsm:\d+$`, moves[1]["rule"])
	assert.Equal(t, "TIME_WAIT", moves[len(moves)-1]["state"])
	assert.JSONEq(t, `[]`, string(conn["anomalies"]))

	data, err := os.ReadFile(linuxCapture)
	require.NoError(t, err)
	old := stdin
	stdin = bytes.NewReader(data)
	t.Cleanup(func() { stdin = old })
	code, fromStdin, stderr := fsmgen("track", "-json", "-profile", "LiNuX", "-")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, stdout, fromStdin, "standard input, and the profile in any case")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestTrackText: the text report names each side's states with the event,
// the rule and the citation behind each move.
func TestTrackText(t *testing.T) {
	code, stdout, stderr := fsmgen("track", linuxCapture)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "in 1 connection, profile linux")
	assert.Contains(t, stdout, "127.0.0.1:40000 <-> 127.0.0.1:12345")
	assert.Regexp(t, `TIME_WAIT +rcv FIN_ACK  spec/tcp\.fsm:\d+  \[RFC9293 3\.10\.7\.4`, stdout)
	assert.Regexp(t, `CLOSED +rcv ACK_OF_FIN  spec/tcp\.fsm:\d+`, stdout)
}

// TestTrackErrors: bad usage and input that is not a whole capture exit
// 2 with one line naming the problem and its place, and print nothing on
// stdout.
func TestTrackErrors(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(linuxCapture)
	require.NoError(t, err)
	cut := filepath.Join(dir, "cut.pcap")
	require.NoError(t, os.WriteFile(cut, data[:len(data)-10], 0o644))
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("not a capture\n"), 0o644))
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no file":         {[]string{"track"}, "fsmgen track: name a capture file, or - for standard input"},
		"two files":       {[]string{"track", "a", "b"}, `fsmgen track: unexpected arguments ["b"]`},
		"missing file":    {[]string{"track", filepath.Join(dir, "none.pcap")}, "no such file or directory"},
		"unknown profile": {[]string{"track", "-profile", "linx", linuxCapture}, `fsmgen track: unknown profile "linx" (did you mean linux?): the table has rfc9293, linux, bsd, solaris, windows`},
		"truncated":       {[]string{"track", cut}, "cut.pcap: packet 9: the file ends in the middle of it: truncated capture"},
		"not a capture":   {[]string{"track", text}, "notes.txt: not a pcap or pcapng capture: the file starts with 6e 6f 74 20"},
		"bad flag":        {[]string{"track", "-jsn", linuxCapture}, "unknown flag -jsn"},
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := fsmgen(c.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, c.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		})
	}
}

// TestConformCapture: fsmgen conform -capture writes NAME.pcap and
// NAME.states for each recorded scenario, exits 2 where it cannot record,
// and refuses flags it does not take.
func TestConformCapture(t *testing.T) {
	oldA, oldR := captureAvailable, captureRun
	t.Cleanup(func() { captureAvailable, captureRun = oldA, oldR })
	captureAvailable = func() error { return nil }
	var ran []string
	captureRun = func(_ context.Context, name string, _ lab.Options) (*lab.Recording, error) {
		ran = append(ran, name)
		if name == "lost-final-ack" {
			return nil, errors.New("lost-final-ack: the FIN was not resent")
		}
		return &lab.Recording{Scenario: name, Kernel: "6.1", Pcap: []byte("pcap of " + name), Changes: []lab.StateChange{
			{Local: netip.MustParseAddrPort("127.0.0.1:40000"), Remote: netip.MustParseAddrPort("127.0.0.1:12345"), Old: "CLOSED", New: "SYN_SENT"}}}, nil
	}
	dir := t.TempDir()
	code, _, stderr := fsmgen("conform", "-capture", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "lost-final-ack: the FIN was not resent")
	assert.Equal(t, lab.Scenarios(), ran)
	got, err := os.ReadFile(filepath.Join(dir, "active-close.pcap"))
	require.NoError(t, err)
	assert.Equal(t, "pcap of active-close", string(got))
	got, err = os.ReadFile(filepath.Join(dir, "active-close.states"))
	require.NoError(t, err)
	assert.Contains(t, string(got), "# scenario active-close\n")
	assert.Contains(t, string(got), "127.0.0.1:40000 127.0.0.1:12345 CLOSED SYN_SENT\n")
	assert.NoFileExists(t, filepath.Join(dir, "lost-final-ack.pcap"))

	ran = nil
	code, _, stderr = fsmgen("conform", "-capture", dir, "-scenario", "never-close")
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, []string{"never-close"}, ran)

	code, _, stderr = fsmgen("conform", "-capture", dir, "-v")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-capture records captures and checks nothing")

	captureAvailable = func() error { return errors.New("no tracefs with the tracepoint") }
	code, _, stderr = fsmgen("conform", "-capture", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "fsmgen conform: no tracefs with the tracepoint")
}
