package diagnose

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The ports of the lab's servers (lab_linux_test.go), and the knobs it
// sets in its namespace, which the fixtures were recorded under.
const (
	leakPort      = 8080 // accepts and never closes: CLOSE_WAIT here, FIN_WAIT_2 on the client
	halfClosePort = 7070 // the same server; the client shuts down its sending side and holds on
	churnPort     = 9090 // on [::1]: reads to the end and closes; the client closes first: TIME_WAIT
	vanishPort    = 6060 // reads to the end and closes; then nothing it sends arrives: LAST_ACK
	labPortRange  = "40000 40099"
	labTwReuse    = "0"
)

// labKnobs are the knobs of the lab's namespace, as a user of fsmgen
// diagnose gives them for a file from another host.
func labKnobs(t *testing.T) Knobs {
	k := DefaultKnobs()
	require.NoError(t, k.Set("ip_local_port_range", labPortRange, FromUser))
	require.NoError(t, k.Set("net.ipv4.tcp_tw_reuse", labTwReuse, FromUser))
	return k
}

func analyze(t *testing.T, name string) *Report {
	t.Helper()
	sp, err := spec.TCP()
	require.NoError(t, err)
	f, err := os.Open(filepath.Join(hostDir, name))
	require.NoError(t, err)
	defer f.Close()
	in, err := Read(f)
	require.NoError(t, err, name)
	return Analyze(name, in, sp, sp.Profile("linux"), labKnobs(t), DefaultThresholds())
}

// TestGolden: each recorded output's report, as text, against its golden
// file (go test ./diagnose -update rewrites them).
func TestGolden(t *testing.T) {
	for _, c := range fixtureFiles {
		t.Run(c, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, analyze(t, c).Write(&b, true))
			path := filepath.Join("testdata/golden", strings.TrimSuffix(c, ".txt")+".report")
			if *update {
				require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "go test ./diagnose -update writes it")
			// The spec's line numbers change with any edit of tcp.fsm;
			// TestRulesCited checks that each names its rule.
			assert.Equal(t, specLines(string(want)), specLines(b.String()), "%s (go test ./diagnose -update accepts the change)", path)
		})
	}
}

// hostDir holds the fixtures the lab recorded: one host, read by each tool.
const hostDir = "testdata/host"

// specLines is text with the line numbers of spec/tcp.fsm blanked.
func specLines(text string) string {
	return regexp.MustCompile(`tcp\.fsm:\d+`).ReplaceAllString(text, "tcp.fsm:LINE")
}

// TestRulesCited: each rule a finding cites stands at the line it names.
func TestRulesCited(t *testing.T) {
	lines := strings.Split(string(spec.TCPSource()), "\n")
	r := analyze(t, "ss-tanoep.txt")
	require.NotEmpty(t, r.Findings)
	for _, f := range r.Findings {
		require.NotEmpty(t, f.Rules, f.Kind)
		for _, rule := range f.Rules {
			n, err := strconv.Atoi(rule.At[strings.LastIndex(rule.At, ":")+1:])
			require.NoError(t, err, rule.At)
			assert.Contains(t, lines[n-1], rule.Event, "%s names the rule's line", rule.At)
			assert.Contains(t, lines[n-1], rule.Cite, "%s names the rule's line", rule.At)
		}
	}
}

// fixtureFiles are the lab's recordings, one host read by each tool.
var fixtureFiles = []string{"ss-tanoep.txt", "ss-tan.txt", "ss-tanoi.txt", "netstat-tanp.txt", "netstat-tanop.txt", "proc-net-tcp.txt"}

// TestFormatsAgree: every tool's reading of the lab counts the same
// sockets in each state, in the same groups.
func TestFormatsAgree(t *testing.T) {
	want := analyze(t, "ss-tanoep.txt")
	assert.Equal(t, []Count{{"LISTEN", 4}, {"FIN_WAIT_1", 3}, {"FIN_WAIT_2", 15}, {"TIME_WAIT", 60}, {"CLOSE_WAIT", 15}, {"LAST_ACK", 3}}, want.States)
	for _, name := range fixtureFiles[1:] {
		r := analyze(t, name)
		assert.Equal(t, want.States, r.States, name)
		assert.Equal(t, places(want), places(r), name)
	}
}

// places are a report's groups without their processes and timers,
// which only some tools show.
func places(r *Report) []string {
	var out []string
	for _, g := range r.Groups {
		out = append(out, g.State+" "+g.Where)
	}
	return out
}

// TestFindings: what the lab made is what the reports find, and each
// finding cites the spec's rules.
func TestFindings(t *testing.T) {
	for _, name := range []string{"ss-tanoep.txt", "netstat-tanp.txt", "netstat-tanop.txt"} {
		r := analyze(t, name)
		assert.True(t, r.Alarm, name)
		f := find(r, "close-wait", "local 127.0.0.1:8080")
		require.NotNil(t, f, "%s: the CLOSE_WAIT leak", name)
		assert.True(t, f.Reached)
		assert.Equal(t, 12, f.Count)
		assert.Contains(t, f.Process, "leaky-server/")
		assert.Contains(t, f.Acts, "leaky-server")
		require.NotEmpty(t, f.Rules)
		assert.Equal(t, "CLOSE_WAIT", f.Rules[len(f.Rules)-1].From)
		assert.Equal(t, "app CLOSE", f.Rules[len(f.Rules)-1].Event)
		assert.Contains(t, f.Rules[len(f.Rules)-1].Cite, "RFC9293 3.10.4")
		small := find(r, "close-wait", "local 127.0.0.1:7070")
		require.NotNil(t, small, name)
		assert.False(t, small.Reached, "3 CLOSE_WAIT are below the threshold")
	}
	r := analyze(t, "ss-tanoep.txt")
	tw := find(r, "time-wait-ports", "to [::1]:9090")
	require.NotNil(t, tw)
	assert.True(t, tw.Reached, "60 of 100 ports")
	assert.Contains(t, tw.Says, "at most 100 / 60s = 1.7 new connections per second")
	held := find(r, "fin-wait-2-held", "to 127.0.0.1:7070")
	require.NotNil(t, held)
	assert.Equal(t, 3, held.Count)
	assert.Nil(t, find(r, "fin-wait-2-held", "to 127.0.0.1:8080"), "orphans have their flush timer")
	for _, where := range []string{"to 127.0.0.1:6060", "local 127.0.0.1:6060"} {
		f := find(r, "retransmitting", where)
		require.NotNil(t, f, where)
		assert.True(t, f.Reached, where)
	}
	orphans := find(r, "orphans", "")
	require.NotNil(t, orphans)
	assert.Equal(t, 18, orphans.Count, "12 FIN_WAIT_2, 3 FIN_WAIT_1, 3 LAST_ACK")
	assert.False(t, orphans.Reached, "tcp_max_orphans unknown")

	plain := analyze(t, "ss-tan.txt")
	assert.NotEmpty(t, plain.Notes, "ss -tan shows neither timers nor processes")
	assert.Nil(t, find(plain, "fin-wait-2-held", "to 127.0.0.1:7070"), "without timers nothing tells a held FIN_WAIT_2")
}

func find(r *Report, kind, where string) *Finding {
	for _, f := range r.Findings {
		if f.Kind == kind && f.Where == where {
			return f
		}
	}
	return nil
}

// TestJSON: the report is JSON with the same findings.
func TestJSON(t *testing.T) {
	r := analyze(t, "ss-tanoep.txt")
	data, err := json.Marshal(r)
	require.NoError(t, err)
	var back struct {
		Alarm    bool
		Findings []struct{ Kind, Where, Process string }
		Input    struct{ Sockets []Socket }
	}
	require.NoError(t, json.Unmarshal(data, &back))
	assert.True(t, back.Alarm)
	assert.Len(t, back.Input.Sockets, 100)
	assert.Equal(t, "close-wait", back.Findings[0].Kind)
}

// TestSynRecv: handshakes pile up on a listener; the finding gives its
// accept queue and backlog as ss shows them.
func TestSynRecv(t *testing.T) {
	text := "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 7 128 10.0.0.1:443 0.0.0.0:*\n"
	for i := range 120 {
		text += "SYN-RECV 0 0 10.0.0.1:443 10.0.1." + strconv.Itoa(i) + ":5000\n"
	}
	in, err := Read(strings.NewReader(text))
	require.NoError(t, err)
	sp, err := spec.TCP()
	require.NoError(t, err)
	r := Analyze("syn", in, sp, sp.Profile("linux"), DefaultKnobs(), DefaultThresholds())
	f := find(r, "syn-recv", "local 10.0.0.1:443")
	require.NotNil(t, f)
	assert.True(t, f.Reached)
	assert.Contains(t, f.Says, "120 handshakes on local 10.0.0.1:443 wait for the client's last ACK; its listener's accept queue holds 7 of a backlog of 128")
	assert.Equal(t, "rcv ACK", f.Rules[0].Event)
}
