package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExplain: a state by any of the names tools give it, the summary,
// JSON, every profile, and the usage errors.
func TestExplain(t *testing.T) {
	code, stdout, stderr := fsmgen("explain", "close-wait")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "CLOSE_WAIT under linux")
	assert.Contains(t, stdout, "What many sockets in CLOSE_WAIT usually mean")

	code, stdout, _ = fsmgen("explain", "-profile", "windows")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "TIME_WAIT     time_wait 2m")

	code, stdout, _ = fsmgen("explain", "-json", "-profile", "bsd", "TIME-WAIT")
	require.Equal(t, 0, code)
	var x struct {
		State  string
		Timers []struct{ Timer, Value, RFC string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &x))
	assert.Equal(t, "TIME_WAIT", x.State)
	require.Len(t, x.Timers, 1)
	assert.Equal(t, "60s", x.Timers[0].Value)
	assert.Equal(t, "4m", x.Timers[0].RFC)

	code, stdout, _ = fsmgen("explain", "-json")
	require.Equal(t, 0, code)
	var all []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &all))
	assert.Len(t, all, 11)

	code, _, stderr = fsmgen("explain", "NOPE")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `"NOPE" names no state`)
	code, _, _ = fsmgen("explain", "-profile", "nope")
	assert.Equal(t, 2, code)
	code, _, _ = fsmgen("explain", "A", "B")
	assert.Equal(t, 2, code)
}

// TestExplainOtherSpec: a spec without a linux profile is explained under
// its first profile.
func TestExplainOtherSpec(t *testing.T) {
	code, stdout, stderr := fsmgen("explain", "-spec", miniFile(t), "OPEN")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "OPEN under home")
}
