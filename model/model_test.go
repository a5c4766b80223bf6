package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"pgregory.net/rapid"
)

func TestTiming(t *testing.T) {
	b := DefaultBounds()
	for _, c := range []struct {
		p                                           tcp.Profile
		tick                                        time.Duration
		rto, r2, r2syn, r2orphan, timeWait, finWait int
	}{
		{tcp.RFC9293, time.Minute, 1, 2, 3, 2, 4, 0},
		{tcp.Linux, 15 * time.Second, 1, 62, 9, 7, 4, 4}, // an orphan: 102.2 s, 6.8 ticks rounded up
		{tcp.BSD, 15 * time.Second, 1, 35, 5, 35, 4, 40},
		{tcp.Solaris, 15 * time.Second, 1, 20, 12, 20, 4, 4},
		{tcp.Windows, 15 * time.Second, 1, 13, 2, 13, 8, 20},
	} {
		tm, err := NewTiming(c.p, b)
		require.NoError(t, err, c.p.Name)
		assert.Equal(t, c.tick, tm.Tick, c.p.Name)
		assert.Equal(t, []int{c.rto, c.r2, c.r2syn, c.r2orphan, c.timeWait, c.finWait},
			[]int{tm.RTO, tm.R2, tm.R2Syn, tm.R2Orphan, tm.TimeWait, tm.FinWait2}, c.p.Name)
	}
	// TIME_WAIT is 2 MSL wherever the profile derives it from its MSL.
	tm, _ := NewTiming(tcp.BSD, b)
	assert.Equal(t, 2*tm.MSL, tm.TimeWait)
	// Linux's 60 s TIME_WAIT against a 2 minute network MSL is half an
	// MSL: a quarter of the 2 MSL that RFC 9293 asks for.
	b.NetworkMSL = 2 * time.Minute
	tm, err := NewTiming(tcp.Linux, b)
	require.NoError(t, err)
	assert.Equal(t, tm.MSL, 2*tm.TimeWait)
}

func TestTimingRefusesMeaninglessScaling(t *testing.T) {
	b := DefaultBounds()
	b.MSLTicks = 0
	_, err := NewTiming(tcp.Linux, b)
	assert.ErrorContains(t, err, "MSL ticks 0 out of range")
	b = DefaultBounds()
	b.NetworkMSL = time.Millisecond
	_, err = NewTiming(tcp.Linux, b)
	assert.ErrorContains(t, err, "network MSL 1ms out of range")
	b = DefaultBounds()
	b.MSLTicks = 8
	b.NetworkMSL = time.Second
	_, err = NewTiming(tcp.Linux, b)
	assert.ErrorContains(t, err, "ticks of")
	_, err = New(tcp.Linux, Bounds{MSLTicks: 2, Capacity: 99, Incarnations: 2}, nil)
	assert.ErrorContains(t, err, "capacity 99 out of range")
	// A TIME_WAIT of 45 s against an MSL of 30 s is shorter than 2 MSL; at
	// one tick per MSL it would round up to exactly 2 MSL.
	p := tcp.Linux
	p.TimeWait = 45 * time.Second
	b = DefaultBounds()
	b.MSLTicks = 1
	_, err = NewTiming(p, b)
	assert.ErrorContains(t, err, "profile linux: TIME_WAIT 45s against 2 x MSL 1m0s becomes 2 ticks against 2: the scaling changes their order")
	// At one tick per MSL the 1 s RTO rounds up to the whole MSL.
	_, err = NewTiming(tcp.BSD, b)
	assert.ErrorContains(t, err, "profile bsd: a retransmission timeout of 1s against an MSL of 30s becomes 1 tick against 1: use more MSL ticks")
	b.MSLTicks = 2
	tm, err := NewTiming(p, b)
	require.NoError(t, err)
	assert.Less(t, tm.TimeWait, 2*tm.MSL)
}

// TestPackRoundTrip: Unpack gives back what Pack packed, for any state
// whose fields lie within the bounds of the model, at the narrowest and
// the widest bounds.
func TestPackRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := DefaultBounds()
		b.Capacity = rapid.IntRange(1, MaxCapacity).Draw(t, "capacity")
		b.Incarnations = rapid.IntRange(1, MaxIncarnations).Draw(t, "incarnations")
		b.Losses = rapid.IntRange(0, MaxLosses).Draw(t, "losses")
		b.MSLTicks = rapid.IntRange(1, MaxMSLTicks).Draw(t, "msl ticks")
		b.Data = rapid.IntRange(0, MaxData).Draw(t, "data")
		b.Attacks = rapid.IntRange(0, MaxAttacks).Draw(t, "attacks")
		b.KeepAlive = rapid.IntRange(0, MaxKeepAlive).Draw(t, "keepalive")
		b.UserTimeout = rapid.IntRange(0, MaxUserTimeout).Draw(t, "user timeout")
		profiles := tcp.Profiles()
		p := profiles[rapid.IntRange(0, len(profiles)-1).Draw(t, "profile")]
		if rapid.Bool().Draw(t, "the widest count") {
			p.ChallengeAcks = 1_000_000 // the spec's largest count: the widest Endpoint.Challenges
		}
		m, err := New(p, b, nil)
		if err != nil {
			t.Skip(err)
		}
		tm := m.Timing
		timerMax := [NumTimers]int{tm.RTO<<tm.MaxBackoff + 1, max(tm.R2, tm.R2Syn, tm.R2Orphan) + 1, tm.TimeWait + 1, tm.FinWait2 + 1}
		inc := func(label string) uint8 { return uint8(rapid.IntRange(1, b.Incarnations).Draw(t, label)) }
		set := func(label string) uint8 { return uint8(rapid.IntRange(0, 1<<b.Incarnations-1).Draw(t, label)) << 1 }
		var s State
		for x := range s.E {
			s.E[x] = Endpoint{
				St:         tcp.State(rapid.IntRange(1, int(tcp.NumStates)-1).Draw(t, "st")),
				Inc:        inc("inc") | uint8(rapid.SampledFrom([]int{0, int(Zombie)}).Draw(t, "zombie")),
				Done:       inc("done"),
				Held:       rapid.Bool().Draw(t, "held"),
				Shut:       rapid.Bool().Draw(t, "shut"),
				Closer:     rapid.Bool().Draw(t, "closer"),
				Unread:     rapid.Bool().Draw(t, "unread"),
				Full:       rapid.Bool().Draw(t, "full"),
				Blocked:    rapid.Bool().Draw(t, "blocked"),
				DataQ:      rapid.Bool().Draw(t, "dataq"),
				FinQ:       rapid.Bool().Draw(t, "finq"),
				Wrote:      uint8(rapid.IntRange(0, b.Data).Draw(t, "wrote")),
				Backoff:    uint8(rapid.IntRange(0, tm.MaxBackoff).Draw(t, "backoff")),
				Challenges: uint32(rapid.IntRange(0, m.challengeCap()).Draw(t, "challenges")),
			}
			for k := range s.E[x].Timers {
				s.E[x].Timers[k] = uint8(rapid.IntRange(0, timerMax[k]).Draw(t, "timer"))
			}
			s.E[x].Persist = uint8(rapid.IntRange(0, tm.Persist+1).Draw(t, "persist"))
			if tm.KeepIdle > 0 {
				s.E[x].KeepAlive = uint8(rapid.IntRange(0, max(tm.KeepIdle, tm.KeepInterval)+1).Draw(t, "keepalive"))
			}
			if tm.UserTimeout > 0 {
				s.E[x].UserTimeout = uint8(rapid.IntRange(0, tm.UserTimeout+1).Draw(t, "user timeout"))
			}
		}
		for d := 0; d < 2; d++ {
			n := rapid.IntRange(0, b.Capacity).Draw(t, "n")
			for i := 0; i < n; i++ {
				s.add(d, Segment{
					Kind:   SegKind(rapid.IntRange(1, int(WOPEN)).Draw(t, "kind")),
					AckFin: rapid.Bool().Draw(t, "ackfin"),
					Inc:    inc("seginc") | uint8(rapid.SampledFrom([]int{0, int(Zombie)}).Draw(t, "zombie")),
					Age:    uint8(rapid.IntRange(0, tm.MSL).Draw(t, "age")),
					Stray:  rapid.Bool().Draw(t, "stray"),
				}, b.Capacity)
			}
		}
		s.NextInc = uint8(rapid.IntRange(1, b.Incarnations+1).Draw(t, "next"))
		s.Losses = uint8(rapid.IntRange(0, b.Losses).Draw(t, "losses"))
		s.Above, s.Spoiled, s.Reset, s.Tainted = set("above"), set("spoiled"), set("reset"), set("tainted")
		s.Cut, s.Derailed = set("cut"), set("derailed")
		if b.Incarnations >= 3 {
			s.Reopened = set("reopened") // never set below three incarnations: no bits there
		}
		s.Forged = uint8(rapid.IntRange(0, b.Attacks).Draw(t, "forged"))
		key := make([]uint64, m.Words())
		for i := range key {
			key[i] = ^uint64(0) // Pack must not rely on a cleared buffer
		}
		m.Pack(&s, key)
		if got := m.Unpack(key); got != s {
			t.Fatalf("round trip:\n got %v\nwant %v", got, s)
		}
	})
}

// TestPackRefusesOverflow: a value wider than its field is a bug, caught.
func TestPackRefusesOverflow(t *testing.T) {
	m := linuxModel(t)
	s := m.Initial()
	s.E[A].Timers[TimerTimeWait] = 200
	assert.PanicsWithValue(t, "model: a field of "+s.String()+" is wider than the codec allows", func() {
		m.Pack(&s, make([]uint64, m.Words()))
	})
	// Below three incarnations Reopened has no bits: a mark there is a bug.
	s = m.Initial()
	s.Reopened = incBit(1)
	assert.PanicsWithValue(t, "model: a field of "+s.String()+" is wider than the codec allows", func() {
		m.Pack(&s, make([]uint64, m.Words()))
	})
}

// explore is a plain breadth-first search, enough to test the model.
func explore(t *testing.T, m *Model, limit int, visit func(s *State, l Label, next *State)) int {
	t.Helper()
	return search(m, func(s *State, su *Succ) bool {
		visit(s, su.Label, &su.Next)
		var k [MaxWords]uint64
		m.Pack(&su.Next, k[:])
		require.Equal(t, su.Next, m.Unpack(k[:]), "pack round trip")
		return false
	}, func(seen int) bool {
		require.Less(t, seen, limit, "state space larger than the test expects")
		return false
	})
}

// search visits every step of m breadth first, until step returns true;
// after each state it asks done, given the states seen so far. It
// returns how many states it saw.
func search(m *Model, step func(s *State, su *Succ) bool, done func(seen int) bool) int {
	type key [MaxWords]uint64
	init := m.Initial()
	var k key
	m.Pack(&init, k[:])
	seen := map[key]bool{k: true}
	queue := []State{init}
	stop := false
	for len(queue) > 0 && !stop {
		s := queue[0]
		queue = queue[1:]
		m.Successors(&s, func(su Succ) {
			stop = stop || step(&s, &su)
			var k key
			m.Pack(&su.Next, k[:])
			if !seen[k] {
				seen[k] = true
				queue = append(queue, su.Next)
			}
		})
		stop = stop || done(len(seen))
	}
	return len(seen)
}

// TestReachesEveryCloseState explores each profile on small bounds (one
// incarnation, one segment in flight each way, one loss): every
// state of the table is reached by some endpoint, and both endpoints can
// end the first incarnation closed (A after TIME_WAIT, B after LAST_ACK).
func TestReachesEveryCloseState(t *testing.T) {
	b := DefaultBounds()
	b.Incarnations, b.Capacity = 1, 1
	for _, p := range tcp.Profiles() {
		m, err := New(p, b, nil)
		require.NoError(t, err, p.Name)
		reached := map[tcp.State]bool{}
		timeWaitThenClosed := false
		n := explore(t, m, 500_000, func(s *State, l Label, next *State) {
			reached[next.E[A].St] = true
			reached[next.E[B].St] = true
			if s.E[A].St == tcp.TimeWait && l.Kind == Fire && l.Event == tcp.TimeoutTimeWait && next.E[A].St == tcp.Closed {
				timeWaitThenClosed = true
			}
		})
		t.Logf("%s: %d states (%s)", p.Name, n, m.Timing)
		for st := tcp.State(1); st < tcp.NumStates; st++ {
			assert.True(t, reached[st], "%s: %s not reached", p.Name, st)
		}
		assert.True(t, timeWaitThenClosed, "%s: A never leaves TIME_WAIT by its timer", p.Name)
	}
}

func linuxModel(t *testing.T) *Model {
	t.Helper()
	b := DefaultBounds()
	b.Data = 1
	m, err := New(tcp.Linux, b, nil)
	require.NoError(t, err)
	return m
}

// TestClassify: how a receiver sees a segment.
func TestClassify(t *testing.T) {
	m := linuxModel(t)
	var s State
	s.Above = 1 << 2
	fw1 := &Endpoint{St: tcp.FinWait1, Inc: 1}
	tw := &Endpoint{St: tcp.TimeWait, Inc: 1}
	est2 := &Endpoint{St: tcp.Established, Inc: 2}
	for _, c := range []struct {
		r    *Endpoint
		g    Segment
		want tcp.Event
		ok   bool
	}{
		{fw1, Segment{Kind: ACK, AckFin: true, Inc: 1}, tcp.RcvAckOfFin, true},
		{fw1, Segment{Kind: ACK, Inc: 1}, tcp.RcvAck, true},
		{fw1, Segment{Kind: FIN, AckFin: true, Inc: 1}, tcp.RcvFinAck, true},
		{fw1, Segment{Kind: FIN, Inc: 1}, tcp.RcvFin, true},
		{tw, Segment{Kind: SYN, Inc: 2}, tcp.RcvSynHigherSeq, true},                                 // incarnation 2 chose higher sequence numbers
		{tw, Segment{Kind: SYN, Inc: 3}, tcp.RcvSyn, true},                                          // incarnation 3 did not
		{est2, Segment{Kind: FIN, Inc: 1}, 0, false},                                                // old, below the window of 2
		{&Endpoint{St: tcp.Established, Inc: 3}, Segment{Kind: FIN, Inc: 1}, tcp.RcvFin, true},      // worst case: in window
		{&Endpoint{St: tcp.SynSent, Inc: 3}, Segment{Kind: SYNACK, Inc: 1}, tcp.RcvSynAckOld, true}, // acks an old SYN, not ours
		{&Endpoint{St: tcp.SynSent, Inc: 3}, Segment{Kind: SYNACK, Inc: 3}, tcp.RcvSynAck, true},
		// The RST that answered a SYN (sequence number 0) refuses that
		// SYN's connection, and is out of window anywhere else.
		{&Endpoint{St: tcp.SynSent, Inc: 2}, Segment{Kind: RSTACK, Inc: 2, Stray: true}, tcp.RcvRst, true},
		{&Endpoint{St: tcp.SynSent, Inc: 2}, Segment{Kind: RSTACK, Inc: 1}, 0, false},
		{est2, Segment{Kind: RSTACK, Inc: 2, Stray: true}, 0, false},
		{&Endpoint{St: tcp.FinWait1, Inc: 2}, Segment{Kind: RSTACK, Inc: 2, Stray: true}, 0, false},
		{est2, Segment{Kind: RST, Inc: 2}, tcp.RcvRst, true},
	} {
		e, ok := m.classify(&s, c.r, c.g)
		assert.Equal(t, c.ok, ok, "%s at %s", c.g, c.r.St)
		assert.Equal(t, c.want, e, "%s at %s", c.g, c.r.St)
	}
}

// TestClosedAnswersSYNWithRSTACK: CLOSED answers a SYN with a RST that
// acknowledges it and carries sequence number 0, and any other segment
// with a plain RST.
func TestClosedAnswersSYNWithRSTACK(t *testing.T) {
	m := linuxModel(t)
	s := m.Initial()
	s.E[B] = Endpoint{St: tcp.Closed, Done: 1}
	s.NextInc = 3
	s.add(0, Segment{Kind: SYN, Inc: 2}, 2)
	s.add(0, Segment{Kind: ACK, Inc: 2}, 2)
	got := map[SegKind]SegKind{}
	m.Successors(&s, func(su Succ) {
		if su.Label.Kind == Deliver && su.Label.End == B {
			for _, g := range su.Next.segs(1) {
				got[su.Label.Seg.Kind] = g.Kind
			}
		}
	})
	assert.Equal(t, map[SegKind]SegKind{SYN: RSTACK, ACK: RST}, got)
}

// TestFinFromCloseWaitAcksPeerFin: the FIN sent from CLOSE_WAIT carries the
// ACK of the peer's FIN, so the peer in FIN_WAIT_1 sees a FIN_ACK.
func TestFinFromCloseWaitAcksPeerFin(t *testing.T) {
	m := linuxModel(t)
	s := m.Initial()
	s.E[A] = Endpoint{St: tcp.FinWait1, Inc: 1}
	s.E[B] = Endpoint{St: tcp.CloseWait, Inc: 1, Held: true}
	var fin *Segment
	m.Successors(&s, func(su Succ) {
		if su.Label.Kind == App && su.Label.End == B && su.Label.Event == tcp.AppClose {
			require.Equal(t, tcp.LastAck, su.Next.E[B].St)
			require.EqualValues(t, 1, su.Next.N[1])
			g := su.Next.Net[1][0]
			fin = &g
		}
	})
	require.NotNil(t, fin)
	assert.Equal(t, FIN, fin.Kind)
	assert.True(t, fin.AckFin)
	e, ok := m.classify(&s, &s.E[A], *fin)
	assert.True(t, ok)
	assert.Equal(t, tcp.RcvFinAck, e)
}

// TestUrgency: a due timer or a segment at the MSL stops time.
func TestUrgency(t *testing.T) {
	m := linuxModel(t)
	hasTick := func(s State) bool {
		found := false
		m.Successors(&s, func(su Succ) { found = found || su.Label.Kind == Tick })
		return found
	}
	s := m.Initial()
	s.E[A] = Endpoint{St: tcp.TimeWait, Inc: 1}
	s.E[A].Timers[TimerTimeWait] = 3
	assert.True(t, hasTick(s))
	s.E[A].Timers[TimerTimeWait] = 1
	assert.False(t, hasTick(s), "a due timer fires before time moves on")
	s.E[A].Timers[TimerTimeWait] = 3
	s.add(0, Segment{Kind: ACK, Inc: 1, Age: uint8(m.Timing.MSL)}, 2)
	assert.False(t, hasTick(s), "a segment at the MSL is delivered or lost first")
	q := m.Initial()
	assert.False(t, hasTick(q), "nothing runs: time passing changes nothing")
}

// TestNames: bounds, segment kinds and timer indexes say what they are.
func TestNames(t *testing.T) {
	b := QuickBounds()
	b.Data = 1
	assert.Equal(t, "client A and server B over a network of capacity 1 per direction, loss up to 1 per incarnation, duplication on, reordering on; 2 incarnations; 1 segment of data written per application and incarnation; MSL = 2 ticks", b.String())
	b.Loss, b.Duplication, b.Incarnations, b.Data = false, false, 1, 0
	assert.Equal(t, "client A and server B over a network of capacity 1 per direction, loss off, duplication off, reordering on; 1 incarnation; no data; MSL = 2 ticks", b.String())
	b.Data = 2
	assert.Contains(t, b.String(), "; 2 segments of data written per application and incarnation;")
	b.ZeroWindow = true
	assert.Contains(t, b.String(), "; 2 segments of data written per application and incarnation, zero window on;")
	assert.Equal(t, "DATA", DATA.String())
	assert.Equal(t, "SYN,ACK", SYNACK.String())
	assert.Equal(t, "RST,ACK", RSTACK.String())
	assert.Equal(t, "SegKind(11)", SegKind(11).String())
	for k := range NumTimers {
		assert.Equal(t, timerOf[k], k.Timer())
	}
	assert.Equal(t, tcp.TimeWaitTimer.String(), TimerTimeWait.String())
	// Sends are in the order of the kinds, SYN to PROBE: the order they
	// leave, which the Promela export's loops over the kinds follow.
	assert.Len(t, Sends(), int(PROBE))
	for i, s := range Sends() {
		assert.Equal(t, SegKind(i+1), s.Kind)
	}
}

// TestData: an application writes at most Bounds.Data segments while it
// may send; data reaching a held socket is taken in and ACKed and leaves
// it unread, so its close() may be CLOSE_UNREAD; data reaching an orphan
// is DATA_AFTER_CLOSE, a RST that spoils the incarnation; data is never
// lost or copied.
func TestData(t *testing.T) {
	m := linuxModel(t)
	require.Equal(t, 1, m.Bounds.Data)
	s := m.Initial()
	s.NextInc = 2
	s.E[A] = Endpoint{St: tcp.FinWait2, Inc: 1, Held: true, Shut: true}
	s.E[B] = Endpoint{St: tcp.CloseWait, Inc: 1, Held: true}
	var wrote *State
	m.Successors(&s, func(su Succ) {
		if su.Label.Kind == Write {
			require.Nil(t, wrote, "one write")
			require.Equal(t, B, su.Label.End, "A has shut down its sending side")
			n := su.Next
			wrote = &n
		}
	})
	require.NotNil(t, wrote)
	assert.EqualValues(t, 1, wrote.E[B].Wrote)
	require.EqualValues(t, 1, wrote.N[1])
	assert.Equal(t, Segment{Kind: DATA, Inc: 1}, wrote.Net[1][0])
	m.Successors(wrote, func(su Succ) {
		assert.NotEqual(t, Write, su.Label.Kind, "the bound of one segment is spent")
		assert.NotEqual(t, Lose, su.Label.Kind, "data is not lost")
		assert.NotEqual(t, DeliverCopy, su.Label.Kind, "data is not copied")
	})

	// Taken in by the held FIN_WAIT_2: ACKed, unread, accepted.
	var got *State
	m.Successors(wrote, func(su Succ) {
		if su.Label.Kind == Deliver && su.Label.End == A {
			assert.Equal(t, tcp.RcvData, su.Label.Event)
			assert.True(t, Accepted(su.Label), "data reaches the application")
			n := su.Next
			got = &n
		}
	})
	require.NotNil(t, got)
	assert.True(t, got.E[A].Unread)
	closes := map[tcp.Event]tcp.State{}
	m.Successors(got, func(su Succ) {
		if su.Label.Kind == App && su.Label.End == A {
			closes[su.Label.Event] = su.Next.E[A].St
		}
	})
	assert.Equal(t, map[tcp.Event]tcp.State{tcp.AppClose: tcp.FinWait2, tcp.AppAbort: tcp.Closed, tcp.AppCloseUnread: tcp.Closed}, closes)

	// An orphan answers it with a RST: not a graceful close any more.
	orphan := *wrote
	orphan.E[A].Held = false
	found := false
	m.Successors(&orphan, func(su Succ) {
		if su.Label.Kind == Deliver && su.Label.End == A {
			found = true
			assert.Equal(t, tcp.RcvDataAfterClose, su.Label.Event)
			assert.Equal(t, tcp.Closed, su.Next.E[A].St)
			assert.True(t, su.Label.Actions.Has(tcp.SendRst))
			assert.True(t, su.Next.SkippedTimeWait(1))
		}
	})
	assert.True(t, found)
}

// TestZeroWindow: under Bounds.ZeroWindow a FIN formed while the peer's
// window is known closed waits (FinQ) and puts nothing on the wire, and
// the endpoint probes the window instead of timing a retransmission; a
// window advertisement that closes it is ZERO_WINDOW to the endpoint
// whose FIN waits, and the one that reopens it is WINDOW_OPEN, which lets
// the FIN leave.
func TestZeroWindow(t *testing.T) {
	b := DefaultBounds()
	b.Data, b.ZeroWindow = 1, true
	m, err := New(tcp.Linux, b, nil)
	require.NoError(t, err)
	s := m.Initial()
	s.NextInc = 2
	s.E[A] = Endpoint{St: tcp.Established, Inc: 1, Held: true, Blocked: true}
	s.E[B] = Endpoint{St: tcp.Established, Inc: 1, Held: true, Full: true, Unread: true}
	var closed *State
	m.Successors(&s, func(su Succ) {
		if su.Label.Kind == App && su.Label.End == A && su.Label.Event == tcp.AppClose {
			n := su.Next
			closed = &n
		}
	})
	require.NotNil(t, closed)
	assert.True(t, closed.E[A].FinQ, "the FIN waits for the window")
	assert.Zero(t, closed.N[0], "nothing on the wire")
	// Nothing left, so nothing is timed for retransmission: the endpoint
	// took the ZERO_WINDOW row of FIN_WAIT_1 as well, and probes.
	assert.Zero(t, closed.E[A].Timers[TimerRtx], "no retransmission timer for a FIN that never left")
	assert.Zero(t, closed.E[A].Timers[TimerR2], "no R2 for a FIN that never left")
	assert.NotZero(t, closed.E[A].Persist, "persist probes the closed window")

	// So does data written on a window known closed.
	w := s
	w.E[A].Wrote = 0
	var wrote *State
	m.Successors(&w, func(su Succ) {
		if su.Label.Kind == Write && su.Label.End == A {
			n := su.Next
			wrote = &n
			assert.True(t, su.Label.Waits)
			assert.Contains(t, su.Label.String(), "queued behind the peer's closed window, as rcv ZERO_WINDOW in ESTABLISHED")
			c, ok := su.Label.WaitCell()
			assert.True(t, ok)
			assert.Equal(t, CellIndex(tcp.Established, tcp.RcvZeroWindow), c)
		}
	})
	require.NotNil(t, wrote)
	assert.True(t, wrote.E[A].DataQ)
	assert.NotZero(t, wrote.E[A].Persist)

	z := *closed
	z.add(1, Segment{Kind: ZWIN, Inc: 1}, b.Capacity)
	e, ok := m.classify(&z, &z.E[A], z.Net[1][0])
	assert.True(t, ok)
	assert.Equal(t, tcp.RcvZeroWindow, e)

	o := *closed
	o.add(1, Segment{Kind: WOPEN, Inc: 1}, b.Capacity)
	released := false
	m.Successors(&o, func(su Succ) {
		if su.Label.Kind == Deliver && su.Label.End == A {
			released = true
			assert.Equal(t, tcp.RcvWindowOpen, su.Label.Event)
			assert.False(t, su.Next.E[A].FinQ)
			require.EqualValues(t, 1, su.Next.N[0])
			assert.Equal(t, FIN, su.Next.Net[0][0].Kind)
		}
	})
	assert.True(t, released)

	// The ZERO_WINDOW row is taken whatever it does: one that moves
	// (here a mutant's, to CLOSED) moves the step's endpoint too.
	moves := func(sw tcp.Switches, st tcp.State, e tcp.Event) (tcp.Transition, bool) {
		tr, ok := tcp.StepWith(sw, st, e)
		if st == tcp.FinWait1 && e == tcp.RcvZeroWindow {
			tr.Next, tr.Actions = tcp.Closed, 0
		}
		return tr, ok
	}
	mm, err := New(tcp.Linux, b, moves)
	require.NoError(t, err)
	took := false
	mm.Successors(&s, func(su Succ) {
		if su.Label.Kind == App && su.Label.End == A && su.Label.Event == tcp.AppClose {
			took = true
			assert.Equal(t, tcp.Closed, su.Next.E[A].St)
			assert.Equal(t, tcp.FinWait1, su.Label.WaitIn)
			assert.Equal(t, tcp.Closed, su.Label.To)
			assert.Contains(t, su.Label.String(), "A: app CLOSE: ESTABLISHED -> CLOSED: ")
			assert.Contains(t, su.Label.String(), "it waits on the closed window, as rcv ZERO_WINDOW in FIN_WAIT_1")
		}
	})
	assert.True(t, took)

	// Without the zero window nothing closes a window.
	_, err = New(tcp.Linux, Bounds{MSLTicks: 2, Capacity: 1, Incarnations: 1, ZeroWindow: true}, nil)
	assert.ErrorContains(t, err, "a zero window needs data")
}

// The widest bounds, with the widest count a spec may give
// (challenge_acks of a million), still pack into MaxWords: New refuses a
// model whose states would not.
func TestWidestStateFits(t *testing.T) {
	b := Bounds{MSLTicks: MaxMSLTicks, Capacity: MaxCapacity, Incarnations: MaxIncarnations, Losses: MaxLosses, Loss: true,
		Duplication: true, Reordering: true, Data: MaxData, ZeroWindow: true, Attacks: MaxAttacks, KeepAlive: MaxKeepAlive,
		UserTimeout: MaxUserTimeout}
	for _, p := range tcp.Profiles() {
		p.ChallengeAcks = 1_000_000
		m, err := New(p, b, nil)
		require.NoError(t, err, p.Name)
		assert.LessOrEqual(t, m.Words(), MaxWords, p.Name)
		t.Logf("%s: %d words", p.Name, m.Words())
	}
}

// TestReopenMarks: with three incarnations, the reopen rule marks the
// incarnation whose TIME_WAIT it ended (State.Reopened), and only on a
// step from TIME_WAIT on a SYN above the old sequence numbers; with two,
// it never does (no incarnation could follow the reopened one).
func TestReopenMarks(t *testing.T) {
	for incs, want := range map[int]bool{2: false, 3: true} {
		b := DefaultBounds()
		b.Capacity, b.Incarnations = 1, incs
		m, err := New(tcp.Windows, b, nil)
		require.NoError(t, err)
		marked := false
		search(m, func(s *State, su *Succ) bool {
			fresh := su.Next.Reopened &^ s.Reopened
			if fresh == 0 {
				return false
			}
			l := su.Label
			reopen := l.From == tcp.TimeWait && l.Event == tcp.RcvSynHigherSeq && fresh == incBit(s.E[l.End].Inc)
			takenIn := l.Seg.Inc < s.E[l.End].Inc && s.WasReopened(l.Seg.Inc) && fresh == incBit(s.E[l.End].Inc)
			assert.True(t, reopen || takenIn, "a mark from neither the reopen nor a segment of a reopened incarnation: %s", l)
			marked = true
			return true
		}, func(int) bool { return false })
		assert.Equal(t, want, marked, "%d incarnations", incs)
	}
}
