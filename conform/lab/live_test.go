package lab

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/conform"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// TestLive runs every scenario against this machine's kernel and checks
// that each trace holds the states and segments the scenario is about.
// Where live runs cannot happen it skips, saying why, except in CI
// (CI=true), which must run it.
func TestLive(t *testing.T) {
	if err := Available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run the live scenarios, and cannot: %v", err)
		}
		t.Skipf("live scenarios cannot run here: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	began := time.Now()
	traces, err := RunAll(ctx, Options{Logf: t.Logf})
	t.Logf("RunAll took %.1fs", time.Since(began).Seconds())
	require.NoError(t, err)
	assert.Less(t, time.Since(began), 3*time.Minute, "RunAll must stay under 3 minutes")

	byName := map[string]*conform.Trace{}
	for _, tr := range traces {
		byName[tr.Scenario] = tr
	}
	for _, name := range Scenarios() {
		t.Run(name, func(t *testing.T) {
			tr := byName[name]
			require.NotNil(t, tr, "no trace")
			assert.NotEmpty(t, tr.Kernel)
			check := liveChecks[name]
			require.NotNil(t, check, "no check for this scenario")
			check(t, tr)
			// The kernel's behaviour must be a path of the table.
			verdicts, err := conform.Check(tr)
			require.NoError(t, err)
			for _, v := range verdicts {
				assert.True(t, v.Accepted(), v.String())
			}
			if t.Failed() {
				var b strings.Builder
				tr.Write(&b)
				t.Logf("trace:\n%s", b.String())
			}
		})
	}
	assert.Empty(t, leftNetns(), "network namespaces left behind")
}

// leftNetns lists the namespaces of this process still present.
func leftNetns() []string {
	entries, _ := os.ReadDir("/var/run/netns")
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), fmt.Sprintf("%s%d-", netnsPrefix, os.Getpid())) {
			out = append(out, e.Name())
		}
	}
	return out
}

// liveChecks holds, per scenario, what its trace must show.
var liveChecks = map[string]func(t *testing.T, tr *conform.Trace){
	"active-close": func(t *testing.T, tr *conform.Trace) {
		hasPath(t, tr, conform.Client, tcp.Established, tcp.FinWait2, tcp.TimeWait)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.CloseWait)
		assert.True(t, sawState(tr, conform.Server, tcp.LastAck) || sawState(tr, conform.Server, tcp.Closed), "server LAST_ACK or CLOSED")
		hasTimer(t, tr, conform.Client, tcp.TimeWait, "timewait", 55*time.Second, 61*time.Second)
		assert.NotZero(t, countSends(tr, conform.Client, func(g conform.Segment) bool { return g.Len > 0 }), "client data")
		assert.NotZero(t, countSends(tr, conform.Client, isFin), "client FIN")
		assert.NotZero(t, countSends(tr, conform.Server, isFin), "server FIN")
	},
	"never-close": func(t *testing.T, tr *conform.Trace) {
		hasPath(t, tr, conform.Client, tcp.Established, tcp.FinWait2)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.CloseWait)
		assert.Equal(t, tcp.FinWait2, lastState(tr, conform.Client), "client holds FIN_WAIT_2")
		assert.Equal(t, tcp.CloseWait, lastState(tr, conform.Server), "server holds CLOSE_WAIT")
		assert.Zero(t, countCalls(tr, conform.Server, conform.Close), "the server never closes")
		assert.Greater(t, heldFor(tr, conform.Client, tcp.FinWait2), 900*time.Millisecond, "FIN_WAIT_2 held for about a second")
		assert.Empty(t, timersIn(tr, conform.Client, tcp.FinWait2), "a held FIN_WAIT_2 has no timer")
	},
	"fin-wait-2-flush": func(t *testing.T, tr *conform.Trace) {
		assert.Equal(t, "2", tr.Sysctls["net.ipv4.tcp_fin_timeout"])
		hasPath(t, tr, conform.Client, tcp.Established, tcp.FinWait2, tcp.Closed)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.CloseWait, tcp.Closed)
		hasTimer(t, tr, conform.Client, tcp.FinWait2, "timewait", 1500*time.Millisecond, 2100*time.Millisecond)
		held := heldFor(tr, conform.Client, tcp.FinWait2)
		assert.True(t, held > 1500*time.Millisecond && held < 3500*time.Millisecond, "orphaned FIN_WAIT_2 flushed after about 2 s, not %v", held)
		assert.NotZero(t, countSends(tr, conform.Client, isRst), "the server's late FIN draws a RST from the client's side")
	},
	"simultaneous-close": func(t *testing.T, tr *conform.Trace) {
		for _, side := range []conform.Side{conform.Client, conform.Server} {
			hasPath(t, tr, side, tcp.Established, tcp.FinWait1, tcp.Closing, tcp.TimeWait)
			hasTimer(t, tr, side, tcp.TimeWait, "timewait", 55*time.Second, 61*time.Second)
		}
	},
	"abort-linger": func(t *testing.T, tr *conform.Trace) {
		assert.Equal(t, 1, countCalls(tr, conform.Client, conform.Abort))
		hasPath(t, tr, conform.Client, tcp.Established, tcp.Closed)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.Closed)
		assert.NotZero(t, countSends(tr, conform.Client, isRst), "client RST")
		assert.False(t, sawState(tr, conform.Client, tcp.TimeWait), "no TIME_WAIT after an abort")
		assert.Zero(t, countSends(tr, conform.Client, isFin), "no FIN after an abort")
	},
	"close-unread": func(t *testing.T, tr *conform.Trace) {
		assert.Equal(t, 1, countCalls(tr, conform.Client, conform.CloseUnread))
		assert.NotZero(t, countSends(tr, conform.Server, func(g conform.Segment) bool { return g.Len > 0 }), "server data")
		hasPath(t, tr, conform.Client, tcp.Established, tcp.Closed)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.Closed)
		assert.NotZero(t, countSends(tr, conform.Client, isRst), "client RST (RFC 2525)")
		assert.Zero(t, countSends(tr, conform.Client, isFin), "no FIN when data is left unread")
	},
	"lost-final-ack": func(t *testing.T, tr *conform.Trace) {
		hasPath(t, tr, conform.Client, tcp.Established, tcp.FinWait2, tcp.TimeWait)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.CloseWait, tcp.LastAck, tcp.Closed)
		assert.GreaterOrEqual(t, countSends(tr, conform.Server, isFin), 3, "the server's FIN sent again")
		assert.Equal(t, tcp.TimeWait, lastState(tr, conform.Client))
	},
	"data-after-close": func(t *testing.T, tr *conform.Trace) {
		hasPath(t, tr, conform.Client, tcp.Established, tcp.FinWait2, tcp.Closed)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.CloseWait, tcp.Closed)
		assert.NotZero(t, countSends(tr, conform.Server, func(g conform.Segment) bool { return g.Len > 0 }), "server data")
		assert.NotZero(t, countSends(tr, conform.Client, func(g conform.Segment) bool { return g.RST }), "client RST")
	},
	"reuse-own-time-wait": func(t *testing.T, tr *conform.Trace) {
		hasPath(t, tr, conform.Client, tcp.Established, tcp.FinWait2, tcp.TimeWait, tcp.Established)
		hasPath(t, tr, conform.Server, tcp.Established, tcp.CloseWait, tcp.Closed, tcp.Established)
		assert.Equal(t, 2, countCalls(tr, conform.Client, conform.Connect))
		assert.Equal(t, "2", tr.Sysctls["net.ipv4.tcp_tw_reuse"])
	},
	"reopen-time-wait": func(t *testing.T, tr *conform.Trace) {
		hasPath(t, tr, conform.Server, tcp.Established, tcp.FinWait2, tcp.TimeWait, tcp.Established)
		hasPath(t, tr, conform.Client, tcp.Established, tcp.CloseWait, tcp.Closed, tcp.Established)
		var syns []conform.Segment
		for _, e := range tr.Events {
			if e.Kind == conform.Send && e.Side == conform.Client && e.Seg.SYN {
				syns = append(syns, e.Seg)
			}
		}
		require.Len(t, syns, 2, "two client SYNs")
		assert.Zero(t, syns[1].Seq, "each connection is numbered from its own ISN")
		assert.Equal(t, 2, countCalls(tr, conform.Client, conform.Connect))
	},
	"rst-in-time-wait-rfc1337-0": func(t *testing.T, tr *conform.Trace) {
		assert.Equal(t, "0", tr.Sysctls["net.ipv4.tcp_rfc1337"])
		hasPath(t, tr, conform.Client, tcp.FinWait2, tcp.TimeWait, tcp.Closed)
		assert.Equal(t, 1, countSends(tr, conform.Server, isRst), "the injected RST")
	},
	"rst-in-time-wait-rfc1337-1": func(t *testing.T, tr *conform.Trace) {
		assert.Equal(t, "1", tr.Sysctls["net.ipv4.tcp_rfc1337"])
		hasPath(t, tr, conform.Client, tcp.FinWait2, tcp.TimeWait)
		assert.Equal(t, 1, countSends(tr, conform.Server, isRst), "the injected RST")
		assert.Equal(t, tcp.TimeWait, lastState(tr, conform.Client), "TIME_WAIT survives the RST")
		assert.Greater(t, heldFor(tr, conform.Client, tcp.TimeWait), 900*time.Millisecond)
	},
}

func isFin(g conform.Segment) bool { return g.FIN }
func isRst(g conform.Segment) bool { return g.RST }

// liveStates lists side's states in order, repeats removed.
func liveStates(tr *conform.Trace, side conform.Side) []tcp.State {
	var out []tcp.State
	for _, e := range tr.Events {
		if e.Kind == conform.State && e.Side == side && (len(out) == 0 || out[len(out)-1] != e.State) {
			out = append(out, e.State)
		}
	}
	return out
}

// hasPath checks that side went through want in this order (other states
// may come between).
func hasPath(t *testing.T, tr *conform.Trace, side conform.Side, want ...tcp.State) {
	t.Helper()
	got := liveStates(tr, side)
	i := 0
	for _, s := range got {
		if i < len(want) && s == want[i] {
			i++
		}
	}
	assert.Equal(t, len(want), i, "%s states %v do not go through %v in order", side, got, want)
}

func sawState(tr *conform.Trace, side conform.Side, st tcp.State) bool {
	for _, s := range liveStates(tr, side) {
		if s == st {
			return true
		}
	}
	return false
}

func lastState(tr *conform.Trace, side conform.Side) tcp.State {
	s := liveStates(tr, side)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

// heldFor is how long side was seen in st: from the first state event
// putting it there to the next state event of side for another state, or
// to the last event seen in st.
func heldFor(tr *conform.Trace, side conform.Side, st tcp.State) time.Duration {
	var from, to time.Duration
	in := false
	for _, e := range tr.Events {
		if e.Kind != conform.State || e.Side != side {
			continue
		}
		switch {
		case e.State == st && !in:
			from, to, in = e.At, e.At, true
		case e.State == st:
			to = e.At
		case in:
			return e.At - from
		}
	}
	return to - from
}

// timersIn lists the timer events of side while it was in st.
func timersIn(tr *conform.Trace, side conform.Side, st tcp.State) []conform.Event {
	var out []conform.Event
	var cur tcp.State
	for _, e := range tr.Events {
		if e.Side != side {
			continue
		}
		switch {
		case e.Kind == conform.State:
			cur = e.State
		case e.Kind == conform.Timer && cur == st:
			out = append(out, e)
		}
	}
	return out
}

// hasTimer checks that side showed a timer called name on entering st,
// with between lo and hi left.
func hasTimer(t *testing.T, tr *conform.Trace, side conform.Side, st tcp.State, name string, lo, hi time.Duration) {
	t.Helper()
	timers := timersIn(tr, side, st)
	if !assert.NotEmpty(t, timers, "%s shows no timer in %s", side, st) {
		return
	}
	e := timers[0]
	assert.Equal(t, name, e.Timer)
	assert.True(t, e.TimerLeft >= lo && e.TimerLeft <= hi, "%s %s timer: %v left, want %v to %v", side, st, e.TimerLeft, lo, hi)
}

func countSends(tr *conform.Trace, side conform.Side, match func(conform.Segment) bool) int {
	n := 0
	for _, e := range tr.Events {
		if e.Kind == conform.Send && e.Side == side && match(e.Seg) {
			n++
		}
	}
	return n
}

func countCalls(tr *conform.Trace, side conform.Side, call string) int {
	n := 0
	for _, e := range tr.Events {
		if e.Kind == conform.Call && e.Side == side && e.Call == call {
			n++
		}
	}
	return n
}

func TestLiveChecksCoverScenarios(t *testing.T) {
	for _, name := range Scenarios() {
		assert.Contains(t, liveChecks, name)
	}
	assert.Len(t, liveChecks, len(Scenarios()))
}

func TestRunUnknownScenario(t *testing.T) {
	_, err := Run(context.Background(), "no-such-scenario", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown scenario "no-such-scenario"`)
	assert.Contains(t, err.Error(), "active-close")
}
