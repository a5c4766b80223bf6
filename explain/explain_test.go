package explain

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

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func tcpSpec(t *testing.T) *spec.Spec {
	t.Helper()
	sp, err := spec.TCP()
	require.NoError(t, err)
	return sp
}

// TestRunningMatchesSpecComment: the timers Running derives from the
// rules are those tcp.fsm's header says can run in each state, under
// every profile.
func TestRunningMatchesSpecComment(t *testing.T) {
	sp := tcpSpec(t)
	_, table, ok := strings.Cut(string(spec.TCPSource()), "Which timers can run in each state:\n")
	require.True(t, ok, "tcp.fsm's header lists the timers of each state")
	want := map[string]string{}
	for _, line := range strings.Split(table, "\n") {
		m := regexp.MustCompile(`^#     ([A-Z_, 0-9]+?)\s{2,}(.+)$`).FindStringSubmatch(line)
		if m == nil {
			break
		}
		timers := strings.Fields(m[2])
		if m[2] == "none" {
			timers = nil
		}
		for _, s := range strings.Split(m[1], ", ") {
			want[s] = strings.Join(sortedNames(timers), " ")
		}
	}
	require.Len(t, want, len(sp.States), "the header names every state")
	for _, p := range sp.Profiles {
		running := Running(sp, p.Switches())
		for _, s := range sp.States {
			var got []string
			for _, tm := range sp.Timers {
				if running[s][tm] {
					got = append(got, tm.Name)
				}
			}
			assert.Equal(t, want[s.Name], strings.Join(sortedNames(got), " "), "timers that can run in %s under %s", s.Name, p.Name)
		}
	}
}

func sortedNames(names []string) []string {
	out := append([]string(nil), names...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestEveryStateEveryProfile: every state under every profile has its
// doc and its advice, placeholders filled in, and prints as text and as
// JSON; every rule cited stands at the line it names.
func TestEveryStateEveryProfile(t *testing.T) {
	sp := tcpSpec(t)
	lines := strings.Split(string(spec.TCPSource()), "\n")
	require.Len(t, sp.States, 11)
	require.Len(t, sp.Profiles, 5)
	for _, p := range sp.Profiles {
		for _, x := range All(sp, p) {
			assert.NotEmpty(t, x.Doc, "%s under %s", x.State, p.Name)
			assert.NotEmpty(t, x.Advice, "%s under %s: advice", x.State, p.Name)
			assert.NotContains(t, x.Advice, "{", "%s under %s: a placeholder left", x.State, p.Name)
			var b bytes.Buffer
			require.NoError(t, x.Write(&b))
			assert.Contains(t, b.String(), x.State+" under "+p.Name)
			_, err := json.Marshal(x)
			require.NoError(t, err)
			for _, r := range append(append([]Rule(nil), x.Enter...), x.Leave...) {
				n, err := strconv.Atoi(r.At[strings.LastIndex(r.At, ":")+1:])
				require.NoError(t, err, r.At)
				assert.Contains(t, lines[n-1], r.Event, "%s names the rule's line", r.At)
				assert.Contains(t, lines[n-1], r.Cite, "%s names the rule's line", r.At)
			}
		}
	}
}

// TestTimeWait: TIME_WAIT is entered from FIN_WAIT_2 and CLOSING, ended
// by time_wait, 60s under linux against the RFC's 4m, and its advice says
// so under each profile.
func TestTimeWait(t *testing.T) {
	sp := tcpSpec(t)
	x := Explain(sp, sp.State("TIME_WAIT"), sp.Profile("linux"))
	var from []string
	for _, r := range x.Enter {
		from = append(from, r.From+" "+r.Event)
	}
	assert.Contains(t, from, "FIN_WAIT_2 rcv FIN_ACK")
	assert.Contains(t, from, "CLOSING rcv ACK_OF_FIN")
	require.Len(t, x.Timers, 1)
	tw := x.Timers[0]
	assert.Equal(t, "time_wait", tw.Timer)
	assert.Equal(t, "60s", tw.Value)
	assert.Equal(t, "4m", tw.RFC)
	assert.True(t, tw.Ends)
	assert.Equal(t, "CLOSED", tw.OnExpiry.To)
	assert.Contains(t, x.Advice, "for 60s")
	assert.Contains(t, x.Advice, "tcp_tw_recycle was removed in Linux 4.12")
	win := Explain(sp, sp.State("TIME_WAIT"), sp.Profile("windows"))
	assert.Contains(t, win.Advice, "for 2m")
}

// TestNoneNeverEnds: a timer the profile sets to none is listed but ends
// nothing, and its expiry is not something the state waits for.
func TestNoneNeverEnds(t *testing.T) {
	sp := tcpSpec(t)
	x := Explain(sp, sp.State("FIN_WAIT_2"), sp.Profile("rfc9293"))
	for _, tm := range x.Timers {
		if tm.Timer == "fin_wait_2" {
			assert.Equal(t, "none", tm.Value)
			assert.False(t, tm.Ends)
		}
	}
	for _, r := range x.Leave {
		assert.NotEqual(t, "timeout fin_wait_2", r.Event)
	}
	linux := Explain(sp, sp.State("FIN_WAIT_2"), sp.Profile("linux"))
	assert.Contains(t, linux.Advice, "fin_wait_2 timer, 60s under this profile")
}

// TestLookup: states are found as ss, netstat and /proc write them.
func TestLookup(t *testing.T) {
	sp := tcpSpec(t)
	for name, want := range map[string]string{
		"TIME_WAIT": "TIME_WAIT", "time-wait": "TIME_WAIT", "FIN_WAIT2": "FIN_WAIT_2",
		"fin-wait-1": "FIN_WAIT_1", "ESTAB": "ESTABLISHED", "SYN-RECV": "SYN_RECEIVED", "close_wait": "CLOSE_WAIT",
	} {
		s, err := Lookup(sp, name)
		if assert.NoError(t, err, name) {
			assert.Equal(t, want, s.Name, name)
		}
	}
	for _, name := range []string{"CLOSE", "NOPE", ""} {
		_, err := Lookup(sp, name)
		assert.Error(t, err, name)
	}
}

// TestGolden pins the text of one state and of the summary.
func TestGolden(t *testing.T) {
	sp := tcpSpec(t)
	linux := sp.Profile("linux")
	var b bytes.Buffer
	require.NoError(t, Explain(sp, sp.State("CLOSE_WAIT"), linux).Write(&b))
	golden(t, "close_wait_linux.txt", b.Bytes())
	b.Reset()
	require.NoError(t, WriteSummary(&b, All(sp, linux)))
	golden(t, "summary_linux.txt", b.Bytes())
}

// specLines is text with the line numbers of spec/tcp.fsm blanked.
func specLines(text string) string {
	return regexp.MustCompile(`tcp\.fsm:\d+`).ReplaceAllString(text, "tcp.fsm:LINE")
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./explain -update to create it")
	// The spec's line numbers change with any edit of tcp.fsm; that each
	// names its rule, TestEveryStateEveryProfile checks.
	assert.Equal(t, specLines(string(want)), specLines(string(got)), "%s (go test ./explain -update accepts the change)", path)
}

// TestRFCOfSCTP: the SCTP spec's RFC profile is rfc9260, shown next to
// the profile explained, as rfc9293 is for TCP.
func TestRFCOfSCTP(t *testing.T) {
	sp, err := spec.SCTP()
	require.NoError(t, err)
	require.NotNil(t, RFCOf(sp))
	assert.Equal(t, "rfc9260", RFCOf(sp).Name)
	tcp, err := spec.TCP()
	require.NoError(t, err)
	assert.Equal(t, RFCProfile, RFCOf(tcp).Name)

	x := Explain(sp, sp.State("SHUTDOWN_SENT"), sp.Profile("linux"))
	var b strings.Builder
	require.NoError(t, x.Write(&b))
	assert.Contains(t, b.String(), "Timers that can run in it (linux, then rfc9260)")
	for _, tm := range x.Timers {
		if tm.Timer == "t2_shutdown" {
			assert.Equal(t, "3s", tm.Value)
			assert.Equal(t, "1s", tm.RFC)
		}
	}
}
