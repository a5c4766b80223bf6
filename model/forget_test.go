package model

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// TestKindEvents: classify makes of a segment only the events kindEvents
// lists for its kind, over every delivery the quick bounds reach under
// every profile, and every forged segment under solaris with the attacker. The rules of dead fields read kindEvents to know which
// segments may open a connection, so an event missing there would make a
// rule forget too much. And every state reached holds each direction of
// the network in canonical form, strictly sorted (segLess), so that two
// orders of the same segments are one state: the multiset reduction.
func TestKindEvents(t *testing.T) {
	attacked := QuickBounds()
	attacked.Attacks = 1
	for i, p := range append(tcp.Profiles(), tcp.Solaris) {
		b := QuickBounds()
		if i == len(tcp.Profiles()) {
			b = attacked // the forged segments too, under a profile without RFC 5961
		}
		m, err := New(p, b, nil)
		require.NoError(t, err)
		seen := map[State]bool{m.Initial(): true}
		queue := []State{m.Initial()}
		deliveries := 0
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			m.Successors(&s, func(su Succ) {
				if l := su.Label; (l.Kind == Deliver || l.Kind == DeliverCopy || l.Kind == Forge) && l.Event != 0 {
					deliveries++
					if !slices.Contains(kindEvents[l.Seg.Kind], l.Event) {
						t.Fatalf("%s: %s classified as %s, which kindEvents does not list", p.Name, l.Seg, l.Event)
					}
				}
				if !seen[su.Next] {
					seen[su.Next] = true
					queue = append(queue, su.Next)
				}
			})
			for d := range 2 {
				segs := s.segs(d)
				for i := 1; i < len(segs); i++ {
					if !segLess(segs[i-1], segs[i]) {
						t.Fatalf("%s: direction %d of %v is not strictly sorted", p.Name, d, s)
					}
				}
			}
		}
		assert.Positive(t, deliveries, p.Name)
	}
}

// TestDeadRules: on the TCP table, the rules say what the close path
// implies. A socket shut down past CLOSE_WAIT cannot be shut down again;
// only states from which TIME_WAIT lies ahead keep Closer; the backoff
// of a retransmission timer matters until TIME_WAIT or an orphaned
// FIN_WAIT_2; and TIME_WAIT sends nothing of its own accord, held or not.
func TestDeadRules(t *testing.T) {
	m, err := New(tcp.Linux, DefaultBounds(), nil)
	require.NoError(t, err)
	r := m.dead
	assert.True(t, r.shutAhead[tcp.Established])
	assert.True(t, r.shutAhead[tcp.CloseWait])
	assert.False(t, r.shutAhead[tcp.LastAck])
	assert.False(t, r.shutAhead[tcp.TimeWait])
	assert.True(t, r.closerAhead[tcp.FinWait1])
	assert.True(t, r.closerAhead[tcp.TimeWait])
	assert.False(t, r.closerAhead[tcp.LastAck])
	assert.False(t, r.closerAhead[tcp.CloseWait])
	assert.True(t, r.backoffAhead[tcp.LastAck])
	assert.False(t, r.backoffAhead[tcp.TimeWait])
	assert.False(t, r.alone[held][tcp.TimeWait])
	assert.False(t, r.alone[orphan][tcp.FinWait2])
	assert.True(t, r.alone[held][tcp.Established])
	assert.True(t, r.alone[orphan][tcp.FinWait1], "its FIN is retransmitted")
	assert.True(t, r.adopt[SYN])
	assert.False(t, r.adopt[ACK])
	assert.False(t, r.zeroTag)

	// Forget on one state: an orphan in TIME_WAIT, a server closed, nothing
	// in flight, the last incarnation open and reset.
	s := State{NextInc: 3, Losses: 1, Above: incBit(2), Reset: incBit(2)}
	s.E[A] = Endpoint{St: tcp.TimeWait, Inc: 2, Closer: true, Shut: true, Backoff: 2, Timers: [NumTimers]uint8{TimerTimeWait: 3}}
	s.E[B] = Endpoint{St: tcp.Listen, Done: 2}
	f := s
	m.Forget(&f)
	assert.True(t, f.E[A].Closer, "TIME_WAIT keeps Closer")
	assert.False(t, f.E[A].Shut)
	assert.Zero(t, f.E[A].Backoff)
	assert.Zero(t, f.Losses, "nothing can be sent any more")
	assert.Zero(t, f.Above, "no earlier incarnation left to meet")
	assert.Equal(t, s.Reset, f.Reset, "an endpoint still holds the last incarnation")
	f.E[A] = Endpoint{St: tcp.Closed, Done: 2}
	f.Reset = s.Reset
	f.Net[A][0], f.N[A] = Segment{Kind: SYN, Inc: 2, Age: 1}, 1
	g := f
	m.Forget(&g)
	assert.Equal(t, s.Reset, g.Reset, "a SYN of the last incarnation may still open a connection")
	f.Net[A][0] = Segment{Kind: ACK, Inc: 2, Age: 1}
	m.Forget(&f)
	assert.Zero(t, f.Reset, "nothing holds the last incarnation, and nothing can")
}
