package diagnose

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fixtureCommands are the commands whose output the fixtures keep, by
// file name.
var fixtureCommands = []struct {
	file string
	args []string
}{
	{"ss-tanoep.txt", []string{"ss", "-tanoep"}},
	{"ss-tan.txt", []string{"ss", "-tan"}},
	{"ss-tanoi.txt", []string{"ss", "-tanoi"}},
	{"netstat-tanp.txt", []string{"netstat", "-tanp"}},
	{"netstat-tanop.txt", []string{"netstat", "-tanop"}},
	{"proc-net-tcp.txt", []string{"cat", "/proc/net/tcp", "/proc/net/tcp6"}},
}

// TestRecordFixtures records testdata/host again from the lab; it runs
// only as root with DIAGNOSE_RECORD=1 (see testdata/README.md).
func TestRecordFixtures(t *testing.T) {
	if os.Getenv("DIAGNOSE_RECORD") == "" {
		t.Skip("DIAGNOSE_RECORD=1 (as root) records testdata/host again")
	}
	requireLab(t)
	for _, tool := range []string{"netstat", "nft"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "%s (Debian packages net-tools, nftables)", tool)
	}
	l := newLab(t)
	l.start("leaky-server", "server")
	client := l.start("churn-client", "client")
	client.do(t, "leak 12")
	client.do(t, "halfclose 3")
	client.do(t, "churn 60")
	client.do(t, "vanish 3")
	l.dropFrom(vanishPort)
	client.do(t, "close")
	time.Sleep(3 * time.Second) // LAST_ACK and FIN_WAIT_1 retransmit 3 or 4 times
	require.NoError(t, os.MkdirAll(hostDir, 0o755))
	for _, c := range fixtureCommands {
		out := l.in(c.args[0], c.args[1:]...)
		require.NoError(t, os.WriteFile(filepath.Join(hostDir, c.file), []byte(out), 0o644))
	}
}

// dropFrom makes the namespace drop every segment from port as it
// arrives, after it was sent: the peers of that server vanish, and it
// retransmits (a drop on the output path would fail the send instead).
func (l *lab) dropFrom(port int) {
	rules := "table inet lab {\n chain in {\n  type filter hook input priority 0;\n  tcp sport " +
		strconv.Itoa(port) + " drop\n }\n}\n"
	cmd := exec.Command("ip", "netns", "exec", l.name, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	out, err := cmd.CombinedOutput()
	require.NoError(l.t, err, "nft: %s", out)
}
