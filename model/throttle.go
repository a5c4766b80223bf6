package model

import "github.com/tcpfsm/tcpfsm/generated/tcp"

// Challenge ACK throttling (RFC 5961 7). A RST in the window or a SYN
// that reaches a synchronized connection draws a challenge ACK (3.2,
// 4.2); an attacker who sends many makes the endpoint send many, so a
// stack limits how many a connection sends within a rate window: the
// profile's challenge_acks (linux one per tcp_invalid_ratelimit, bsd
// ack_war_cnt per ack_war_timewindow; none where the profile sets no
// limit). Every rate window of a real stack is shorter than a tick, and
// the steps between two ticks may all happen at one instant, so the model
// counts a connection's challenge ACKs from one tick to the next
// (Endpoint.Challenges): once it has sent challenge_acks, the next RST or
// SYN that would draw one is rcv CHALLENGE_LIMITED, which the spec's
// cells decide (dropped unanswered). Within a tick a real stack may
// answer more, one window after another; a challenge ACK carries nothing
// the peer has not seen, so no other property depends on it.
//
// The count is kept only under the attacker (Bounds.Attacks): without
// it, only the network's few old SYNs draw challenge ACKs, and every one
// is answered, which leaves the state space of the plain model as it is.

// drawsChallenge reports whether event e in state st is answered by a
// challenge ACK: a RST or SYN reaching a connection past SYN_SENT whose
// cell keeps it and sends an ACK. The table, not this code, decides it.
func (m *Model) drawsChallenge(st tcp.State, e tcp.Event) bool {
	t := m.Cell(st, e)
	return st.Is(tcp.HasConnection) && st != tcp.SynSent && challengeEvent(e) && t.Next == st && t.Actions.Has(tcp.SendAck)
}

// challengeEvent reports whether e is the arrival of a RST or a SYN that
// RFC 5961 answers with a challenge ACK in a synchronized state.
func challengeEvent(e tcp.Event) bool {
	switch e {
	case tcp.RcvRst, tcp.RcvRstInWindow, tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld:
		return true
	}
	return false
}

// SendsChallenge reports whether the step from state st on event e sent
// a challenge ACK: one that draws it, or a RST or SYN over the limit
// whose cell answers it all the same.
func (m *Model) SendsChallenge(st tcp.State, e tcp.Event) bool {
	if e == tcp.RcvChallengeLimited {
		return m.Cell(st, e).Actions.Has(tcp.SendAck)
	}
	return m.drawsChallenge(st, e)
}

// ChallengeLimit is how many challenge ACKs a connection may send at one
// instant under the profile: challenge_acks, or 1 where it sets no limit,
// so that a second one shows that nothing throttles them (P15).
func (m *Model) ChallengeLimit() int {
	if n := m.Profile.ChallengeAcks; n > 0 {
		return n
	}
	return 1
}

// challengeCap is the most Endpoint.Challenges holds: the limit, and 0
// without an attacker, where nothing counts them.
func (m *Model) challengeCap() int {
	if m.Bounds.Attacks == 0 {
		return 0
	}
	return m.ChallengeLimit()
}

// throttle turns event e, reaching endpoint r, into rcv
// CHALLENGE_LIMITED where it would draw a challenge ACK and r has sent
// its profile's limit of them at this instant.
func (m *Model) throttle(r *Endpoint, e tcp.Event) tcp.Event {
	if n := m.Profile.ChallengeAcks; n > 0 && int(r.Challenges) >= n && m.drawsChallenge(r.St, e) {
		return tcp.RcvChallengeLimited
	}
	return e
}

// countChallenge counts a challenge ACK that endpoint ep sent on the step
// from state from on event e.
func (m *Model) countChallenge(ep *Endpoint, from tcp.State, e tcp.Event) {
	if int(ep.Challenges) < m.challengeCap() && m.SendsChallenge(from, e) {
		ep.Challenges++
	}
}
