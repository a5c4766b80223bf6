package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// TestKeepAlive: with Bounds.KeepAlive every connection runs keep-alive
// where the spec arms it: an idle ESTABLISHED, FIN_WAIT_2 or CLOSE_WAIT
// probes after the idle time, then every keepalive_interval of the
// profile (linux: 75 s, 5 ticks of 15 s) until something arrives, and R2,
// started by a probe, gives up on a peer that does not answer (one that
// reopened the 4-tuple, so that part runs two incarnations, ignores the
// old probes). Without it no keep-alive timer ever runs.
func TestKeepAlive(t *testing.T) {
	b := QuickBounds()
	b.Incarnations = 1
	off, err := New(tcp.Linux, b, nil)
	require.NoError(t, err)
	explore(t, off, 1_000_000, func(s *State, l Label, next *State) {
		for x := range next.E {
			require.Zero(t, next.E[x].KeepAlive, "keep-alive runs without Bounds.KeepAlive: %v", next)
		}
	})

	b.KeepAlive = 2
	m, err := New(tcp.Linux, b, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, m.Timing.KeepIdle)
	assert.Equal(t, 5, m.Timing.KeepInterval)
	probes := map[tcp.State]bool{}
	explore(t, m, 1_000_000, func(s *State, l Label, next *State) {
		if l.Kind == Fire && l.Event == tcp.TimeoutKeepalive {
			e := next.E[l.End]
			probes[l.From] = true
			assert.Equal(t, uint8(m.Timing.KeepInterval+1), e.KeepAlive, "after a probe, the interval: %v", next)
			assert.True(t, e.Running(tcp.R2Timer), "a probe starts R2: %v", next)
		}
	})
	assert.Equal(t, map[tcp.State]bool{tcp.Established: true, tcp.FinWait2: true, tcp.CloseWait: true}, probes, "keep-alive probes from")

	// R2 gives up within the bounds where it is short: rfc9293's 100 s
	// is 2 ticks of a minute (linux's 924.6 s outlasts every probe the
	// loss budget lets go unanswered).
	b.Incarnations = 2
	rfc, err := New(tcp.RFC9293, b, nil)
	require.NoError(t, err)
	givenUp := map[tcp.State]bool{}
	explore(t, rfc, 1_000_000, func(s *State, l Label, next *State) {
		if l.Kind == Fire && l.Event == tcp.TimeoutR2 {
			givenUp[l.From] = true
		}
	})
	for _, st := range []tcp.State{tcp.Established, tcp.FinWait2, tcp.CloseWait} {
		assert.True(t, givenUp[st], "R2 after unanswered probes in %v", st)
	}
}

// TestUserTimeout: without Bounds.UserTimeout the user timeout never
// runs; with it, it runs only where a SYN, a FIN or data waits (never in
// FIN_WAIT_2 or TIME_WAIT), counts down from the bound, and its expiry
// aborts the connection from every state where a FIN or data waits on
// the close path, the FIN held by a closed window too.
func TestUserTimeout(t *testing.T) {
	b := DataBounds()
	b.Incarnations, b.Loss, b.Duplication = 1, false, false // a network that delays and reorders is enough
	b.ZeroWindow = false
	off, err := New(tcp.Linux, b, nil)
	require.NoError(t, err)
	explore(t, off, 2_000_000, func(s *State, l Label, next *State) {
		for x := range next.E {
			require.Zero(t, next.E[x].UserTimeout, "the user timeout runs without Bounds.UserTimeout: %v", next)
		}
	})

	b.UserTimeout, b.ZeroWindow = 2, true
	m, err := New(tcp.Linux, b, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, m.Timing.UserTimeout)
	aborted := map[tcp.State]bool{}
	held := false
	explore(t, m, 4_000_000, func(s *State, l Label, next *State) {
		for x, e := range next.E {
			if e.St == tcp.FinWait2 || e.St == tcp.TimeWait || !e.St.Is(tcp.HasConnection) {
				require.Zero(t, e.UserTimeout, "the user timeout runs in %v: %v", e.St, next)
			}
			require.LessOrEqual(t, int(e.UserTimeout), m.Timing.UserTimeout+1, "endpoint %d: %v", x, next)
		}
		if l.Kind == Fire && l.Event == tcp.TimeoutUserTimeout {
			aborted[l.From] = true
			assert.False(t, l.To.Is(tcp.HasConnection), "the user timeout aborts: %v", next)
			held = held || s.E[l.End].FinQ
		}
	})
	for _, st := range []tcp.State{tcp.Established, tcp.FinWait1, tcp.Closing, tcp.CloseWait, tcp.LastAck} {
		assert.True(t, aborted[st], "the user timeout aborts %v", st)
	}
	assert.True(t, held, "the user timeout aborts a FIN held by a closed window")

	b.UserTimeout = MaxUserTimeout + 1
	_, err = New(tcp.Linux, b, nil)
	assert.ErrorContains(t, err, "user timeout 33 ticks out of range 0..32")
}
