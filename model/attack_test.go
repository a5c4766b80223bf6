package model

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// TestForged: the event a forged segment makes in each class, as RFC
// 9293 3.10.7 and RFC 5961 classify it; false where it is dropped unseen.
func TestForged(t *testing.T) {
	est := &Endpoint{St: tcp.Established, Inc: 1, Held: true}
	lastAck := &Endpoint{St: tcp.LastAck, Inc: 1}
	synSent := &Endpoint{St: tcp.SynSent, Inc: 1, Held: true}
	synRcvd := &Endpoint{St: tcp.SynReceived, Inc: 1, Held: true}
	m, err := New(tcp.Linux, QuickBounds(), nil)
	assert.NoError(t, err)
	s := m.Initial()
	for _, c := range []struct {
		name string
		r    *Endpoint
		k    SegKind
		c    Class
		want tcp.Event // 0: dropped
	}{
		{"exact RST resets (3.2)", est, RST, Exact, tcp.RcvRst},
		{"inexact RST in the window (3.2)", est, RST, InWindow, tcp.RcvRstInWindow},
		{"RST outside the window is dropped", est, RST, OutOfWindow, 0},
		{"SYN whatever its sequence number (4.2)", est, SYN, InWindow, tcp.RcvSyn},
		{"SYN: one class stands for all", est, SYN, Exact, 0},
		{"exact ACK of our FIN", lastAck, ACK, Exact, tcp.RcvAckOfFin},
		{"inexact ACK", lastAck, ACK, InWindow, tcp.RcvAck},
		{"ACK outside the window is dropped", lastAck, ACK, OutOfWindow, 0},
		{"data to a held socket", est, DATA, InWindow, tcp.RcvData},
		{"data to an orphan", lastAck, DATA, Exact, tcp.RcvDataAfterClose},
		{"ACK beyond SND.NXT with no FIN sent (3.10.7.4 fifth)", est, ACK, AckAbove, tcp.RcvAckOfFin},
		{"FIN acknowledging beyond SND.NXT with no FIN sent", est, FIN, AckAbove, tcp.RcvFinAck},
		{"ACK beyond our FIN: no event of the table", lastAck, ACK, AckAbove, 0},
		{"FIN forged only acknowledging beyond SND.NXT", est, FIN, InWindow, 0},
		{"RST is not an acknowledgment", est, RST, AckAbove, 0},
		{"SYN_RECEIVED: an ACK beyond SND.NXT draws a RST", synRcvd, ACK, AckAbove, 0},
		{"SYN_SENT: the exact RST acknowledges our SYN", synSent, RST, Exact, tcp.RcvRst},
		{"SYN_SENT: another RST is dropped", synSent, RST, InWindow, 0},
		{"SYN_SENT: no simultaneous open", synSent, SYN, InWindow, 0},
		{"SYN_RECEIVED: only the exact ACK completes the handshake", synRcvd, ACK, InWindow, 0},
		{"SYN_RECEIVED: the exact ACK", synRcvd, ACK, Exact, tcp.RcvAck},
	} {
		e, ok := m.forged(&s, c.r, Segment{Kind: c.k, Inc: c.r.Inc, AckFin: c.c == Exact && c.r.St.Is(tcp.SentFin)}, c.c)
		if c.want == 0 {
			assert.False(t, ok, c.name)
			continue
		}
		assert.True(t, ok, c.name)
		assert.Equal(t, c.want, e, c.name)
	}
}

// TestForgeBudget: the attacker's steps take from its budget, and none is
// offered once it is spent or to an endpoint without a connection.
func TestForgeBudget(t *testing.T) {
	b := QuickBounds()
	b.Attacks = 1
	m, err := New(tcp.Linux, b, nil)
	assert.NoError(t, err)
	s := m.Initial()
	assert.Equal(t, uint8(1), s.Forged)
	forges := func(s *State) (n int) {
		m.Successors(s, func(su Succ) {
			if su.Label.Kind == Forge {
				n++
				assert.Equal(t, s.Forged-1, su.Next.Forged)
			}
		})
		return n
	}
	assert.Zero(t, forges(&s), "CLOSED and LISTEN hold no connection")
	s.E[A] = Endpoint{St: tcp.Established, Inc: 1, Held: true}
	s.E[B] = Endpoint{St: tcp.Established, Inc: 1, Held: true}
	s.NextInc = 2
	assert.Equal(t, 2*7, forges(&s), "per endpoint: RST exact and inexact, SYN, ACK exact and inexact, ACK and FIN acknowledging beyond SND.NXT (no data at these bounds)")
	s.Forged = 0
	assert.Zero(t, forges(&s))
}
