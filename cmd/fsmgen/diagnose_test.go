package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const labSS = "../../diagnose/testdata/host/ss-tanoep.txt"

// TestDiagnose: the lab's ss -tanoep output names the leaking port and
// process and exits 1; JSON says the same; thresholds move the alarm.
func TestDiagnose(t *testing.T) {
	code, stdout, stderr := fsmgen("diagnose", "-port-range", "40000 40099", labSS)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "ALARM close-wait: 12 sockets in CLOSE_WAIT on local 127.0.0.1:8080 held by leaky-server/")
	assert.Contains(t, stdout, "who must act: the local application (leaky-server/")

	code, stdout, _ = fsmgen("diagnose", "-json", labSS)
	assert.Equal(t, 1, code)
	var r struct {
		Alarm    bool
		Findings []struct{ Kind, Where, Process string }
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	assert.True(t, r.Alarm)
	assert.Equal(t, "close-wait", r.Findings[0].Kind)

	code, _, stderr = fsmgen("diagnose", "-close-wait", "100", "-retransmits", "100", "-port-range", "1024 65535", labSS)
	assert.Equal(t, 0, code, "no finding reaches its threshold: %s", stderr)
}

// TestDiagnoseBadInput: input that cannot be read is exit status 2 with
// the file and line; so are bad flags and knobs.
func TestDiagnoseBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "mixed.txt")
	require.NoError(t, os.WriteFile(bad, []byte("ESTAB 0 0 10.0.0.1:22 10.0.0.2:5\ntcp 0 0 10.0.0.1:22 10.0.0.2:6 ESTABLISHED\n"), 0o644))
	code, _, stderr := fsmgen("diagnose", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "fsmgen diagnose: "+bad+":2: netstat output in the middle of ss output")

	code, _, stderr = fsmgen("diagnose", filepath.Join(dir, "missing.txt"))
	assert.Equal(t, 2, code, stderr)
	code, _, stderr = fsmgen("diagnose", "-port-range", "9 1", labSS)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "ip_local_port_range")
	code, _, _ = fsmgen("diagnose", "a", "b")
	assert.Equal(t, 2, code)
	code, stdout, stderr := fsmgen("diagnose", "-spec", "../../spec/sctp.fsm", labSS)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "fsmgen diagnose: it reads TCP sockets, and ../../spec/sctp.fsm is machine sctp, not tcp")
}
