package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckOutputsFirst: an output that cannot be written is bad usage,
// exit 2, with one line that names it, before any search: with
// -max-states 1000 a search would end otherwise.
func TestCheckOutputsFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	for _, c := range []struct{ flag, path, want string }{
		{"-diagram", dir, "is a directory"},
		{"-diagram", filepath.Join(dir, "missing", "cx.mmd"), "there is no directory " + filepath.Join(dir, "missing")},
		{"-trace-out", filepath.Join(file, "cx.json"), file + " is not a directory"},
		{"-trace-out", dir, "is a directory"},
	} {
		code, stdout, stderr := fsmgen("check", "-max-states", "1000", c.flag, c.path)
		assert.Equal(t, 2, code, c.path)
		assert.Equal(t, "fsmgen check: "+c.flag+" "+c.path+": "+c.want+"\n", stderr)
		assert.Empty(t, stdout)
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		require.NoError(t, os.Mkdir(ro, 0o555))
		code, _, stderr := fsmgen("check", "-max-states", "1000", "-diagram", filepath.Join(ro, "cx.mmd"))
		assert.Equal(t, 2, code)
		assert.Contains(t, stderr, "cannot create a file in "+ro+": permission denied")
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), "."), "%s left behind", e.Name())
	}
}

// TestCheckWritesOutputsWhole: -diagram and -trace-out replace what the
// files held, and leave no temporary file beside them.
func TestCheckWritesOutputsWhole(t *testing.T) {
	dir := t.TempDir()
	diagram, traces := filepath.Join(dir, "cx.mmd"), filepath.Join(dir, "cx.json")
	require.NoError(t, os.WriteFile(diagram, []byte(strings.Repeat("old\n", 10000)), 0o644))
	code, _, stderr := fsmgen(checkArgs("-profile", "rfc9293", "-diagram", diagram, "-trace-out", traces)...)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(diagram)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "sequenceDiagram\n"))
	assert.NotContains(t, string(data), "old\n")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "only the two outputs")
}

// TestCheckSCTP: the SCTP spec runs the association model through the
// same explorer and holds under both profiles; with the tags reused S1 is
// VIOLATED, exit 1, with its counterexample; -reuse-tags on the TCP spec
// is bad usage.
func TestCheckSCTP(t *testing.T) {
	const sctpSpec = "../../spec/sctp.fsm"
	code, stdout, stderr := fsmgen("check", "-spec", sctpSpec, "-capacity", "1")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Model: the SCTP association model")
	assert.Contains(t, stdout, "rfc9260  holds  holds  holds  holds  holds  holds  holds")
	assert.Contains(t, stdout, "linux    holds  holds  holds  holds  holds  holds  holds")

	code, stdout, _ = fsmgen("check", "-spec", sctpSpec, "-capacity", "1", "-reuse-tags", "-profile", "linux")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "S1 VIOLATED under linux: A in COOKIE_WAIT of association 2 accepted INIT ACK[tag 1]#1 of association 1 as rcv INIT_ACK")
	assert.Contains(t, stdout, "   5. A receives INIT ACK[tag 1]#1 as rcv INIT_ACK")

	code, stdout, _ = fsmgen("check", "-spec", sctpSpec, "-capacity", "1", "-profile", "linux", "-coverage")
	assert.Equal(t, 0, code)
	assert.NotContains(t, stdout, "No coverage")
	assert.Contains(t, stdout, "SHUTDOWN_ACK_SENT")

	code, _, stderr = fsmgen("check", "-spec", sctpSpec, "-diagram", filepath.Join(t.TempDir(), "cx.mmd"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-diagram and -trace-out write the TCP model's counterexamples")

	code, stdout, stderr = fsmgen("check", "-reuse-tags", "-capacity", "1")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "fsmgen check: -reuse-tags is for a spec of the SCTP vocabulary")
}

// TestCheckSearchFlags: -safety, -hash-bits and -workers reach the
// report, text and JSON, and -cpuprofile leaves a profile of the run.
func TestCheckSearchFlags(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	code, stdout, stderr := fsmgen(checkArgs("-profile", "bsd", "-safety", "-hash-bits", "48", "-workers", "2", "-cpuprofile", prof)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Safety properties only")
	assert.Contains(t, stdout, "Hash compaction: 48 bits")
	assert.Regexp(t, `\nVerdict: holds \(hash compaction: p\(missed state\) ≤ [0-9.e-]+\): every safety property under 1 profile at these bounds\.\n$`, stdout)
	st, err := os.Stat(prof)
	require.NoError(t, err)
	assert.Positive(t, st.Size(), "a CPU profile")

	code, stdout, stderr = fsmgen(checkArgs("-profile", "bsd", "-json", "-safety", "-hash-bits", "48")...)
	require.Equal(t, 0, code, stderr)
	var rep struct {
		Safety   bool `json:"safety_only"`
		HashBits int  `json:"hash_bits"`
		Results  []struct {
			Omission float64 `json:"p_missed_state"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.True(t, rep.Safety)
	assert.Equal(t, 48, rep.HashBits)
	require.Len(t, rep.Results, 1)
	assert.Positive(t, rep.Results[0].Omission)
	assert.Less(t, rep.Results[0].Omission, 1e-3)
}

// TestCheckProfileNotLeftOnFailure: a run that fails before its verdict
// (here past -max-states) leaves no partial CPU profile.
func TestCheckProfileNotLeftOnFailure(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	code, _, stderr := fsmgen(checkArgs("-profile", "bsd", "-max-states", "100", "-cpuprofile", prof)...)
	assert.Equal(t, 2, code, stderr)
	assert.NoFileExists(t, prof)
}

// TestCheckAttacker: under linux, which follows RFC 5961, the off-path
// attacker ends no connection by a blind RST or SYN (P13 holds); turned
// back to RFC 793's RST rule (-set rfc5961=off), rfc9293 shows the
// blind-RST counterexample; and with rfc1337 on, no RST ends TIME_WAIT
// (P14 holds where linux declares it a finding).
func TestCheckAttacker(t *testing.T) {
	code, stdout, stderr := fsmgen("check", "-profile", "linux", "-capacity", "1", "-attacker")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^linux( +(holds|finding)){23} +\d+ `, stdout)
	assert.Contains(t, stdout, "P13 BlindResetResisted")
	assert.Contains(t, stdout, "an off-path attacker forging up to 1 segments")
	assert.Contains(t, stdout, "Finding P14 under linux, as the profile declares")

	code, stdout, _ = fsmgen("check", "-profile", "rfc9293", "-capacity", "1", "-attacker", "-set", "rfc5961=off")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "P13 VIOLATED under rfc9293:")
	assert.Contains(t, stdout, "attacker forges RST (in the window, inexact)")
	assert.Contains(t, stdout, "Verdict: VIOLATED: P13 under rfc9293.")

	code, stdout, stderr = fsmgen("check", "-profile", "linux", "-capacity", "1", "-attacker", "-set", "rfc1337=on")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Declared findings that do not show at these bounds (they hold here): P3 under linux, P8 under linux, P14 under linux, P16 under linux.")

	// The embedded spec the process shares is left as it was.
	code, stdout, stderr = fsmgen("check", "-profile", "linux", "-capacity", "1", "-attacker")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Finding P14 under linux, as the profile declares")
}

// TestCheckAttackerWithout: without -attacker, P13 is not reported as
// holding (nothing forges a segment); -set names a switch the spec has
// and a value on or off, else exit 2 naming the flag.
func TestCheckAttackerWithout(t *testing.T) {
	code, stdout, stderr := fsmgen("check", "-profile", "bsd", "-capacity", "1")
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "P13")
	assert.Contains(t, stdout, "P14 TimeWaitNotAssassinated")
	for _, bad := range []string{"rfc5961", "rfc5961=maybe", "nosuch=on"} {
		code, _, stderr := fsmgen("check", "-capacity", "1", "-set", bad)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, stderr, "-set", bad)
	}
	code, _, stderr = fsmgen("check", "-capacity", "1", "-attacker", "-attacks", "9")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "attacks 9 out of range 0..6")
	code, _, stderr = fsmgen("check", "-spec", "../../spec/sctp.fsm", "-attacker")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-attacker forges TCP segments")
	code, _, stderr = fsmgen("promela", "-attacker")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "leaves the off-path attacker out")
}

// TestCheckKeepAlive: -keepalive N turns keep-alive on for every socket,
// which the report's bounds and timing say; an idle time out of range, a
// Promela export and the association model refuse it with exit 2.
func TestCheckKeepAlive(t *testing.T) {
	code, stdout, stderr := fsmgen("check", "-profile", "linux", "-capacity", "1", "-incarnations", "1", "-keepalive", "2")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "keep-alive on, first probe after 2 ticks idle")
	assert.Contains(t, stdout, "keep-alive 2 then every 5") // linux's keepalive_interval, 75 s, in 15 s ticks
	for _, bad := range []string{"17", "-1"} {
		code, _, stderr = fsmgen("check", "-capacity", "1", "-keepalive", bad)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, stderr, "keep-alive idle time "+bad+" ticks out of range 0..16")
	}
	code, _, stderr = fsmgen("promela", "-keepalive", "2")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "leaves keep-alive out")
	code, _, stderr = fsmgen("check", "-spec", "../../spec/sctp.fsm", "-keepalive", "2")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "no keep-alive")
}

// TestCheckUserTimeout: -user-timeout N gives every socket a user
// timeout, named in the report's bounds and timing; a value out of range
// is a usage error, and the Promela export and the SCTP model refuse it.
func TestCheckUserTimeout(t *testing.T) {
	code, stdout, stderr := fsmgen("check", "-profile", "linux", "-capacity", "1", "-incarnations", "1", "-user-timeout", "2")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "a user timeout of 2 ticks")
	assert.Contains(t, stdout, "user timeout 2")
	for _, bad := range []string{"33", "-1"} {
		code, _, stderr = fsmgen("check", "-capacity", "1", "-user-timeout", bad)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, stderr, "user timeout "+bad+" ticks out of range 0..32")
	}
	code, _, stderr = fsmgen("promela", "-user-timeout", "2")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "leaves the user timeout out")
	code, _, stderr = fsmgen("check", "-spec", "../../spec/sctp.fsm", "-user-timeout", "2")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "has none")
}
