package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay: fsmgen replay prints the counterexamples fsmgen check
// -trace-out saved as check printed them, and with -diagram as check
// -diagram drew them.
func TestReplay(t *testing.T) {
	dir := t.TempDir()
	traces, diagram := filepath.Join(dir, "cx.json"), filepath.Join(dir, "cx.mmd")
	code, checked, stderr := fsmgen(checkArgs("-profile", "rfc9293", "-v", "-trace-out", traces, "-diagram", diagram)...)
	require.Equal(t, 0, code, stderr)

	code, stdout, stderr := fsmgen("replay", traces)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr, "the embedded spec is the one the traces were saved from")
	assert.True(t, strings.HasPrefix(stdout, "the embedded spec spec/tcp.fsm (sha256:"), stdout)
	assert.Contains(t, stdout, "\nCounterexamples saved: 3.\n")
	blocks := strings.Split(stdout, "\n\n")[1:]
	require.Len(t, blocks, 3) // P7, P12 and P14, the findings of rfc9293
	assert.Contains(t, blocks[0], "Finding P7 under rfc9293, as the profile declares: ")
	for _, b := range blocks {
		assert.Contains(t, checked, "\n"+strings.TrimSuffix(b, "\n")+"\n", "check printed it alike")
	}

	code, stdout, stderr = fsmgen("replay", "-diagram", traces)
	require.Equal(t, 0, code, stderr)
	drawn, err := os.ReadFile(diagram)
	require.NoError(t, err)
	assert.Equal(t, string(drawn), stdout)
}

// TestReplayBadFile: a file fsmgen replay cannot read is exit 2, with a
// message that names it, and where JSON says, the line; nothing on stdout.
func TestReplayBadFile(t *testing.T) {
	dir := t.TempDir()
	traces := filepath.Join(dir, "cx.json")
	code, _, stderr := fsmgen(checkArgs("-profile", "rfc9293", "-trace-out", traces)...)
	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(traces)
	require.NoError(t, err)
	truncated, garbage := filepath.Join(dir, "truncated.json"), filepath.Join(dir, "garbage.json")
	require.NoError(t, os.WriteFile(truncated, data[:len(data)/2], 0o644))
	require.NoError(t, os.WriteFile(garbage, []byte("{\n\x00\xff"), 0o644))
	for path, want := range map[string]string{
		truncated:                       truncated + ":",
		garbage:                         garbage + ":2:1: invalid character",
		filepath.Join(dir, "none.json"): "open " + filepath.Join(dir, "none.json") + ": no such file or directory",
		dir:                             dir + " is a directory, not a trace file",
	} {
		code, stdout, stderr := fsmgen("replay", path)
		assert.Equal(t, 2, code, path)
		assert.Contains(t, stderr, "fsmgen replay: "+want, path)
		assert.Empty(t, stdout, path)
	}
	code, _, stderr = fsmgen("replay")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "give one trace file")
}

// TestReplaySpecChanged: when the spec the traces were saved from has
// changed since, replay says so on stderr, and still prints what was
// saved.
func TestReplaySpecChanged(t *testing.T) {
	path := tcpWithFinding(t, "")
	traces := filepath.Join(t.TempDir(), "cx.json")
	code, _, _ := fsmgen(checkArgs("-profile", "rfc9293", "-spec", path, "-trace-out", traces)...)
	require.Equal(t, 1, code, "P7 is a violation of this spec")
	code, stdout, stderr := fsmgen("replay", traces)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "P7 VIOLATED under rfc9293: ")

	src, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append(src, "# changed\n"...), 0o644))
	code, again, stderr := fsmgen("replay", traces)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "fsmgen replay: "+path+" is not the spec the traces were saved from (sha256:")
	assert.Equal(t, stdout, again, "what was saved")

	code, _, stderr = fsmgen("replay", "-spec", miniFile(t), traces)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "mini.fsm is not the spec the traces were saved from")

	saved, err := os.ReadFile(traces)
	require.NoError(t, err)
	embedded := filepath.Join(t.TempDir(), "embedded.json")
	require.NoError(t, os.WriteFile(embedded, []byte(strings.Replace(string(saved), `"spec_hash"`, `"embedded": true, "spec_hash"`, 1)), 0o644))
	code, _, stderr = fsmgen("replay", embedded)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "the embedded spec spec/tcp.fsm is not the spec the traces were saved from")
}
