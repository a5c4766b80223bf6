package diagnose

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLiveCloseWait leaks CLOSE_WAIT in a namespace of its own and runs
// fsmgen diagnose there, reading the namespace's /proc/net/tcp and knobs
// live, and on the namespace's ss -tanoep output from standard input:
// each must name the leaking port and process, and exit 1. It skips
// where it cannot run (not root, no ip or ss), except in CI (CI=true).
func TestLiveCloseWait(t *testing.T) {
	requireLab(t)
	if testing.Short() {
		t.Skip("-short: the live CLOSE_WAIT leak builds fsmgen")
	}
	bin := filepath.Join(t.TempDir(), "fsmgen")
	build := exec.Command("go", "build", "-o", bin, "github.com/tcpfsm/tcpfsm/cmd/fsmgen")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	l := newLab(t)
	l.start("leaky-server", "server")
	client := l.start("churn-client", "client")
	client.do(t, "leak 12")
	require.Eventually(t, func() bool {
		return strings.Count(l.in("ss", "-tanp", "state", "close-wait"), `"leaky-server"`) == 12
	}, 5*time.Second, 50*time.Millisecond, "the server holds 12 sockets in CLOSE_WAIT")

	for _, c := range []struct {
		name  string
		args  []string
		stdin string
	}{
		{"live", []string{"diagnose"}, ""},
		{"ss -tanoep on stdin", []string{"diagnose", "-"}, l.in("ss", "-tanoep")},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command("ip", append([]string{"netns", "exec", l.name, bin}, c.args...)...)
			cmd.Stdin = strings.NewReader(c.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "fsmgen diagnose must exit 1, got %v: %s", err, stderr.String())
			assert.Equal(t, 1, exit.ExitCode(), stderr.String())
			assert.Contains(t, stdout.String(), "ALARM close-wait: 12 sockets in CLOSE_WAIT on local 127.0.0.1:8080 held by leaky-server/")
			if c.name == "live" {
				assert.Contains(t, stdout.String(), "net.ipv4.ip_local_port_range  "+labPortRange+"  read", "the namespace's knobs, read live")
			}
			if t.Failed() {
				t.Logf("fsmgen %s:\n%s%s", strings.Join(c.args, " "), stdout.String(), stderr.String())
			}
		})
	}
}
