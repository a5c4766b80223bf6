// Hand-written, not generated: a switch-statement TCP state machine written
// the way one writes it without a table, checked against the generated table
// and benchmarked against tcp.Step.

package tcp_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

// Action sets that recur across states.
const (
	// armHandshake arms the timers of a SYN, SYN,ACK or FIN in flight.
	armHandshake = tcp.StartRetransmission | tcp.StartR2 | tcp.StartUserTimeout
	// stopHandshake disarms them again.
	stopHandshake = tcp.StopRetransmission | tcp.StopR2 | tcp.StopUserTimeout
	// stopFinWait disarms everything that can run while our FIN waits
	// (FIN_WAIT_1, CLOSING, LAST_ACK).
	stopFinWait = stopHandshake | tcp.StopPersist
	// stopIdle disarms everything that can run in ESTABLISHED and CLOSE_WAIT.
	stopIdle = tcp.StopKeepalive | tcp.StopR2 | tcp.StopPersist | tcp.StopUserTimeout
	// zeroWindow and windowOpen: probing replaces keep-alive while the
	// peer's window is shut (RFC 9293 3.8.6.1, 3.8.4).
	zeroWindow = tcp.StopKeepalive | tcp.StopR2 | tcp.StartPersist | tcp.StartUserTimeout
	windowOpen = tcp.StopPersist | tcp.StopUserTimeout | tcp.RestartKeepalive | tcp.StopR2
	// connected completes the handshake from SYN_RECEIVED.
	connected = stopHandshake | tcp.StartKeepalive | tcp.TellConnected
	// sendFin starts an active close from ESTABLISHED or CLOSE_WAIT.
	sendFin = tcp.SendFin | tcp.StopKeepalive | tcp.StartRetransmission | tcp.RestartR2 | tcp.StartUserTimeout
	// keepaliveProbe is what an expired keepalive timer does (RFC 9293 3.8.4).
	keepaliveProbe = tcp.SendProbe | tcp.RestartKeepalive | tcp.StartR2
	// windowProbe is what an expired persist timer does (RFC 9293 3.8.6.1).
	windowProbe = tcp.SendProbe | tcp.RestartPersist
	// timedOutR2 and timedOutUser are the aborts of R2 and the user timeout
	// (RFC 9293 3.8.3, 3.10.8) in a state where our SYN or FIN waits.
	timedOutR2   = tcp.StopRetransmission | tcp.StopUserTimeout | tcp.TellTimedOut
	timedOutUser = tcp.StopRetransmission | tcp.StopR2 | tcp.TellTimedOut
)

// switchStep decides event e in state s as tcp.Step does (profile rfc9293:
// syn_reopens_time_wait on, rfc1337 off), with nested switches instead of a
// table. For an invalid state or event it returns ok=false.
func switchStep(s tcp.State, e tcp.Event) (next tcp.State, verdict tcp.Verdict, actions tcp.Action, ok bool) {
	if !e.Valid() {
		return 0, 0, 0, false
	}
	switch s {
	case tcp.Closed:
		switch e {
		case tcp.AppOpenActive: // 3.10.1
			return tcp.SynSent, tcp.Move, tcp.SendSyn | armHandshake, true
		case tcp.AppOpenPassive:
			return tcp.Listen, tcp.Move, 0, true
		case tcp.AppClose, tcp.AppShutdown, tcp.AppCloseUnread, tcp.AppAbort: // 3.10.4, 3.10.5
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.RcvRst: // 3.10.7.1: a RST is discarded
			return s, tcp.Ignore, 0, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvAck, tcp.RcvAckOfFin,
			tcp.RcvFin, tcp.RcvFinAck, tcp.RcvData, tcp.RcvZeroWindow, tcp.RcvWindowOpen:
			// 3.10.7.1: anything else draws a RST
			return s, tcp.Move, tcp.SendRst, true
		default: // no timer runs in CLOSED
			return s, tcp.Ignore, 0, true
		}

	case tcp.Listen:
		switch e {
		case tcp.AppOpenActive: // 3.10.1
			return tcp.SynSent, tcp.Move, tcp.SendSyn | armHandshake, true
		case tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose, tcp.AppCloseUnread, tcp.AppAbort: // 3.10.4, 3.10.5: no RST
			return tcp.Closed, tcp.Move, 0, true
		case tcp.AppShutdown: // a listener has nothing to shut (Linux)
			return s, tcp.Ignore, 0, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq: // 3.10.7.2 third
			return tcp.SynReceived, tcp.Move, tcp.SendSynAck | armHandshake, true
		case tcp.RcvRst: // 3.10.7.2 first
			return s, tcp.Ignore, 0, true
		case tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvAck, tcp.RcvAckOfFin, tcp.RcvFin, tcp.RcvFinAck,
			tcp.RcvData, tcp.RcvZeroWindow, tcp.RcvWindowOpen:
			// 3.10.7.2 second: anything with an ACK draws a RST
			return s, tcp.Move, tcp.SendRst, true
		default: // no timer runs in LISTEN
			return s, tcp.Ignore, 0, true
		}

	case tcp.SynSent:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose, tcp.AppShutdown, tcp.AppCloseUnread, tcp.AppAbort: // 3.10.4, 3.10.5: no RST
			return tcp.Closed, tcp.Move, stopHandshake, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq: // 3.10.7.3 fourth: simultaneous open
			return tcp.SynReceived, tcp.Move, tcp.SendSynAck | tcp.RestartRetransmission, true
		case tcp.RcvSynAck: // 3.10.7.3 fourth
			return tcp.Established, tcp.Move, tcp.SendAck | stopHandshake | tcp.StartKeepalive | tcp.TellConnected, true
		case tcp.RcvSynAckOld, tcp.RcvAckOfFin, tcp.RcvFinAck: // 3.10.7.3 first: unacceptable ACK draws a RST
			return s, tcp.Move, tcp.SendRst, true
		case tcp.RcvRst: // 3.10.7.3 second: connection refused
			return tcp.Closed, tcp.Move, stopHandshake | tcp.TellRefused, true
		case tcp.TimeoutRetransmission:
			return s, tcp.Move, tcp.SendSyn | tcp.RestartRetransmission, true
		case tcp.TimeoutR2:
			return tcp.Closed, tcp.Move, timedOutR2, true
		case tcp.TimeoutUserTimeout:
			return tcp.Closed, tcp.Move, timedOutUser, true
		default: // ACK, FIN, DATA, window updates without our SYN ACKed; idle timers
			return s, tcp.Ignore, 0, true
		}

	case tcp.SynReceived:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose, tcp.AppShutdown: // 3.10.4: FIN, enter FIN-WAIT-1; the timer already runs
			return tcp.FinWait1, tcp.Move, tcp.SendFin, true
		case tcp.AppCloseUnread, tcp.AppAbort: // 3.10.5
			return tcp.Closed, tcp.Move, tcp.SendRst | stopHandshake, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq: // retransmitted SYN: resend SYN,ACK
			return s, tcp.Move, tcp.SendSynAck, true
		case tcp.RcvSynAck, tcp.RcvAck, tcp.RcvWindowOpen: // 3.10.7.4 fifth
			return tcp.Established, tcp.Move, connected, true
		case tcp.RcvData:
			return tcp.Established, tcp.Move, tcp.SendAck | connected, true
		case tcp.RcvZeroWindow: // established, but the window is shut: persist
			return tcp.Established, tcp.Move, tcp.StopRetransmission | tcp.StopR2 | tcp.StartPersist | tcp.TellConnected, true
		case tcp.RcvSynAckOld, tcp.RcvAckOfFin, tcp.RcvFinAck: // we sent no FIN: unacceptable ACK
			return s, tcp.Move, tcp.SendRst, true
		case tcp.RcvFin: // 3.10.7.4 eighth
			return tcp.CloseWait, tcp.Move, tcp.SendAck | connected | tcp.TellEndOfStream, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst: // 3.10.7.4 second: passive open returns to LISTEN
			return tcp.Listen, tcp.Move, stopHandshake, true
		case tcp.TimeoutRetransmission:
			return s, tcp.Move, tcp.SendSynAck | tcp.RestartRetransmission, true
		case tcp.TimeoutR2: // a passive open gives up and listens again
			return tcp.Listen, tcp.Move, tcp.StopRetransmission | tcp.StopUserTimeout, true
		case tcp.TimeoutUserTimeout:
			return tcp.Listen, tcp.Move, tcp.StopRetransmission | tcp.StopR2, true
		default:
			return s, tcp.Ignore, 0, true
		}

	case tcp.Established:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose, tcp.AppShutdown: // 3.10.4
			return tcp.FinWait1, tcp.Move, sendFin, true
		case tcp.AppCloseUnread, tcp.AppAbort: // 3.10.5, RFC 2525 2.17
			return tcp.Closed, tcp.Move, tcp.SendRst | stopIdle, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvAckOfFin, tcp.RcvFinAck:
			// challenge ACK (RFC 5961) / unacceptable ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvAck:
			return s, tcp.Move, tcp.RestartKeepalive | tcp.StopR2, true
		case tcp.RcvData: // 3.10.7.4 seventh
			return s, tcp.Move, tcp.SendAck | tcp.RestartKeepalive | tcp.StopR2, true
		case tcp.RcvFin: // 3.10.7.4 eighth
			return tcp.CloseWait, tcp.Move, tcp.SendAck | tcp.RestartKeepalive | tcp.StopR2 | tcp.TellEndOfStream, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst: // 3.10.7.4 second
			return tcp.Closed, tcp.Move, stopIdle | tcp.TellReset, true
		case tcp.RcvZeroWindow: // 3.8.6.1; not idle, so no keep-alive
			return s, tcp.Move, zeroWindow, true
		case tcp.RcvWindowOpen:
			return s, tcp.Move, windowOpen, true
		case tcp.TimeoutR2:
			return tcp.Closed, tcp.Move, tcp.StopKeepalive | tcp.StopPersist | tcp.StopUserTimeout | tcp.TellTimedOut, true
		case tcp.TimeoutUserTimeout:
			return tcp.Closed, tcp.Move, tcp.StopKeepalive | tcp.StopR2 | tcp.StopPersist | tcp.TellTimedOut, true
		case tcp.TimeoutKeepalive:
			return s, tcp.Move, keepaliveProbe, true
		case tcp.TimeoutPersist:
			return s, tcp.Move, windowProbe, true
		default: // retransmission, time_wait, fin_wait_2 do not run here
			return s, tcp.Ignore, 0, true
		}

	case tcp.FinWait1:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose: // 3.10.4: the socket becomes an orphan, no second FIN
			return s, tcp.Move, 0, true
		case tcp.AppShutdown:
			return s, tcp.Ignore, 0, true
		case tcp.AppCloseUnread, tcp.AppAbort, tcp.RcvDataAfterClose: // 3.10.5; 3.6.1 SHLD-3
			return tcp.Closed, tcp.Move, tcp.SendRst | stopFinWait, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvData:
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvAck: // ACKs data ahead of our FIN
			return s, tcp.Move, 0, true
		case tcp.RcvAckOfFin: // 3.10.7.4 fifth
			return tcp.FinWait2, tcp.Move, stopFinWait | tcp.StartFinWait2 | tcp.StartKeepalive, true
		case tcp.RcvFin: // 3.10.7.4 eighth: simultaneous close
			return tcp.Closing, tcp.Move, tcp.SendAck | tcp.TellEndOfStream, true
		case tcp.RcvFinAck: // 3.10.7.4 eighth
			return tcp.TimeWait, tcp.Move, tcp.SendAck | stopFinWait | tcp.StartTimeWait | tcp.TellEndOfStream, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst: // 3.10.7.4 second
			return tcp.Closed, tcp.Move, stopFinWait | tcp.TellReset, true
		case tcp.RcvZeroWindow: // FIN stuck behind a closed window
			return s, tcp.Move, tcp.StopRetransmission | tcp.StopR2 | tcp.StartPersist, true
		case tcp.RcvWindowOpen:
			return s, tcp.Move, tcp.StopPersist | tcp.StartRetransmission | tcp.StartR2, true
		case tcp.TimeoutRetransmission: // 3.6: resend the FIN
			return s, tcp.Move, tcp.SendFin | tcp.RestartRetransmission, true
		case tcp.TimeoutR2:
			return tcp.Closed, tcp.Move, timedOutR2 | tcp.StopPersist, true
		case tcp.TimeoutUserTimeout:
			return tcp.Closed, tcp.Move, timedOutUser | tcp.StopPersist, true
		case tcp.TimeoutPersist:
			return s, tcp.Move, windowProbe, true
		default:
			return s, tcp.Ignore, 0, true
		}

	case tcp.FinWait2:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose: // now an orphan: arm the flush timer
			return s, tcp.Move, tcp.StartFinWait2, true
		case tcp.AppCloseUnread, tcp.AppAbort, tcp.RcvDataAfterClose: // 3.10.5; 3.6.1 SHLD-3
			return tcp.Closed, tcp.Move, tcp.SendRst | tcp.StopFinWait2 | tcp.StopKeepalive | tcp.StopR2, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld:
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvAckOfFin: // a keep-alive answer
			return s, tcp.Move, tcp.RestartKeepalive | tcp.StopR2, true
		case tcp.RcvData:
			return s, tcp.Move, tcp.SendAck | tcp.RestartKeepalive | tcp.StopR2, true
		case tcp.RcvFin, tcp.RcvFinAck: // 3.10.7.4 eighth
			return tcp.TimeWait, tcp.Move, tcp.SendAck | tcp.StopFinWait2 | tcp.StopKeepalive | tcp.StopR2 | tcp.StartTimeWait | tcp.TellEndOfStream, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst:
			return tcp.Closed, tcp.Move, tcp.StopFinWait2 | tcp.StopKeepalive | tcp.StopR2 | tcp.TellReset, true
		case tcp.TimeoutR2:
			return tcp.Closed, tcp.Move, tcp.StopFinWait2 | tcp.StopKeepalive | tcp.TellTimedOut, true
		case tcp.TimeoutFinWait2:
			return tcp.Closed, tcp.Move, tcp.StopKeepalive | tcp.StopR2 | tcp.TellTimedOut, true
		case tcp.TimeoutKeepalive:
			return s, tcp.Move, keepaliveProbe, true
		default: // shutdown again, plain ACKs, window updates, timers not running
			return s, tcp.Ignore, 0, true
		}

	case tcp.Closing:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose: // close() orphans the socket, no second FIN (a second shutdown() is ignored)
			return s, tcp.Move, 0, true
		case tcp.AppCloseUnread:
			return tcp.Closed, tcp.Move, tcp.SendRst | stopFinWait, true
		case tcp.AppAbort: // 3.10.5: no RST, the peer has closed too
			return tcp.Closed, tcp.Move, stopFinWait, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvFin:
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvAckOfFin: // 3.10.7.4 fifth
			return tcp.TimeWait, tcp.Move, stopFinWait | tcp.StartTimeWait, true
		case tcp.RcvFinAck:
			return tcp.TimeWait, tcp.Move, tcp.SendAck | stopFinWait | tcp.StartTimeWait, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst: // 3.10.7.4 second; 3.6 MUST-12: tell the application
			return tcp.Closed, tcp.Move, stopFinWait | tcp.TellReset, true
		case tcp.RcvZeroWindow:
			return s, tcp.Move, tcp.StopRetransmission | tcp.StopR2 | tcp.StartPersist, true
		case tcp.RcvWindowOpen:
			return s, tcp.Move, tcp.StopPersist | tcp.StartRetransmission | tcp.StartR2, true
		case tcp.TimeoutRetransmission:
			return s, tcp.Move, tcp.SendFin | tcp.RestartRetransmission, true
		case tcp.TimeoutR2:
			return tcp.Closed, tcp.Move, timedOutR2 | tcp.StopPersist, true
		case tcp.TimeoutUserTimeout:
			return tcp.Closed, tcp.Move, timedOutUser | tcp.StopPersist, true
		case tcp.TimeoutPersist:
			return s, tcp.Move, windowProbe, true
		default: // plain ACK, data after the peer's FIN, timers not running
			return s, tcp.Ignore, 0, true
		}

	case tcp.TimeWait:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose, tcp.AppCloseUnread: // close() orphans the socket; TIME_WAIT runs its course
			return s, tcp.Move, 0, true
		case tcp.AppShutdown: // Linux: the socket is already CLOSE, ENOTCONN
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppAbort: // 3.10.5
			return tcp.Closed, tcp.Move, tcp.StopTimeWait, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld: // 3.10.7.4 fourth; MAY-2 not taken (syn_reopens_time_wait off)
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvFin, tcp.RcvFinAck: // 3.10.7.4 eighth: re-ACK, restart 2MSL
			return s, tcp.Move, tcp.SendAck | tcp.RestartTimeWait, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst: // 3.10.7.4 second (rfc1337 off)
			return tcp.Closed, tcp.Move, tcp.StopTimeWait, true
		case tcp.TimeoutTimeWait: // 3.10.8
			return tcp.Closed, tcp.Move, 0, true
		default:
			return s, tcp.Ignore, 0, true
		}

	case tcp.CloseWait:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose, tcp.AppShutdown: // 3.10.4
			return tcp.LastAck, tcp.Move, sendFin, true
		case tcp.AppCloseUnread, tcp.AppAbort: // 3.10.5
			return tcp.Closed, tcp.Move, tcp.SendRst | stopIdle, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvAckOfFin, tcp.RcvFinAck:
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvFin: // a duplicate FIN: ACK it; it shows the peer alive (3.8.4)
			return s, tcp.Move, tcp.SendAck | tcp.RestartKeepalive | tcp.StopR2, true
		case tcp.RcvAck:
			return s, tcp.Move, tcp.RestartKeepalive | tcp.StopR2, true
		case tcp.RcvData: // data after the peer's FIN
			return s, tcp.Ignore, 0, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst:
			return tcp.Closed, tcp.Move, stopIdle | tcp.TellReset, true
		case tcp.RcvZeroWindow:
			return s, tcp.Move, zeroWindow, true
		case tcp.RcvWindowOpen:
			return s, tcp.Move, windowOpen, true
		case tcp.TimeoutR2:
			return tcp.Closed, tcp.Move, tcp.StopKeepalive | tcp.StopPersist | tcp.StopUserTimeout | tcp.TellTimedOut, true
		case tcp.TimeoutUserTimeout:
			return tcp.Closed, tcp.Move, tcp.StopKeepalive | tcp.StopR2 | tcp.StopPersist | tcp.TellTimedOut, true
		case tcp.TimeoutKeepalive:
			return s, tcp.Move, keepaliveProbe, true
		case tcp.TimeoutPersist:
			return s, tcp.Move, windowProbe, true
		default:
			return s, tcp.Ignore, 0, true
		}

	case tcp.LastAck:
		switch e {
		case tcp.AppOpenActive, tcp.AppOpenPassive:
			return s, tcp.Reject, tcp.TellNoConnection, true
		case tcp.AppClose: // close() orphans the socket, no second FIN (a second shutdown() is ignored)
			return s, tcp.Move, 0, true
		case tcp.AppCloseUnread:
			return tcp.Closed, tcp.Move, tcp.SendRst | stopFinWait, true
		case tcp.AppAbort, tcp.RcvAckOfFin:
			// 3.10.5 (no RST), 3.10.7.4 fifth: delete the TCB
			return tcp.Closed, tcp.Move, stopFinWait, true
		case tcp.RcvRstInWindow: // RFC 5961 3.2: in the window, not at RCV.NXT: challenge ACK
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvRst: // 3.10.7.4 second; 3.6 MUST-12: tell the application
			return tcp.Closed, tcp.Move, stopFinWait | tcp.TellReset, true
		case tcp.RcvSyn, tcp.RcvSynHigherSeq, tcp.RcvSynAck, tcp.RcvSynAckOld, tcp.RcvFin, tcp.RcvFinAck:
			return s, tcp.Move, tcp.SendAck, true
		case tcp.RcvZeroWindow:
			return s, tcp.Move, tcp.StopRetransmission | tcp.StopR2 | tcp.StartPersist, true
		case tcp.RcvWindowOpen:
			return s, tcp.Move, tcp.StopPersist | tcp.StartRetransmission | tcp.StartR2, true
		case tcp.TimeoutRetransmission:
			return s, tcp.Move, tcp.SendFin | tcp.RestartRetransmission, true
		case tcp.TimeoutR2:
			return tcp.Closed, tcp.Move, timedOutR2 | tcp.StopPersist, true
		case tcp.TimeoutUserTimeout:
			return tcp.Closed, tcp.Move, timedOutUser | tcp.StopPersist, true
		case tcp.TimeoutPersist:
			return s, tcp.Move, windowProbe, true
		default: // plain ACK, data after the peer's FIN, timers not running
			return s, tcp.Ignore, 0, true
		}
	}
	return 0, 0, 0, false
}

func TestSwitchMatchesTable(t *testing.T) {
	valid := 0
	for si := range 256 {
		for ei := range 256 {
			s, e := tcp.State(si), tcp.Event(ei)
			want, wantOK := tcp.Step(s, e)
			next, verdict, actions, ok := switchStep(s, e)
			if !s.Valid() || !e.Valid() {
				assert.False(t, wantOK, "tcp.Step(%d, %d) ok", si, ei)
				assert.False(t, ok, "switchStep(%d, %d) ok", si, ei)
				continue
			}
			valid++
			if !assert.True(t, wantOK, "tcp.Step(%s, %s) ok", s, e) ||
				!assert.True(t, ok, "switchStep(%s, %s) ok", s, e) {
				continue
			}
			assert.Equal(t, want.Next, next, "%s + %s: next", s, e)
			assert.Equal(t, want.Verdict, verdict, "%s + %s: verdict", s, e)
			assert.Equal(t, want.Actions, actions, "%s + %s: actions %s, want %s", s, e, actions, want.Actions)
		}
	}
	assert.Equal(t, (tcp.NumStates-1)*(tcp.NumEvents-1), valid, "valid cells checked")
}

// Benchmarks. Each op is one lookup; the inputs are precomputed from a fixed
// seed so that both sides see exactly the same sequence.

const benchN = 4096 // a power of two: index with i & (benchN-1)

type benchPair struct {
	s tcp.State
	e tcp.Event
}

var (
	benchPairs  = makeBenchPairs()
	benchEvents = makeBenchEvents()

	sinkAction tcp.Action
	sinkState  tcp.State
)

func makeBenchPairs() []benchPair {
	r := rand.New(rand.NewPCG(0x7c9f5e11, 0x2b3d))
	p := make([]benchPair, benchN)
	for i := range p {
		p[i] = benchPair{
			s: tcp.State(1 + r.IntN(tcp.NumStates-1)),
			e: tcp.Event(1 + r.IntN(tcp.NumEvents-1)),
		}
	}
	return p
}

func makeBenchEvents() []tcp.Event {
	r := rand.New(rand.NewPCG(0x7c9f5e11, 0x9a41))
	ev := make([]tcp.Event, benchN)
	for i := range ev {
		ev[i] = tcp.Event(1 + r.IntN(tcp.NumEvents-1))
	}
	return ev
}

// BenchmarkStep: independent lookups through the generated table.
func BenchmarkStep(b *testing.B) {
	pairs := benchPairs
	var acc tcp.Action
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pairs[i&(benchN-1)]
		i++
		t, _ := tcp.Step(p.s, p.e)
		acc ^= t.Actions ^ tcp.Action(t.Next) ^ tcp.Action(t.Verdict)<<8
	}
	sinkAction = acc
}

// BenchmarkSwitch: the same independent lookups through switchStep.
func BenchmarkSwitch(b *testing.B) {
	pairs := benchPairs
	var acc tcp.Action
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pairs[i&(benchN-1)]
		i++
		next, verdict, actions, _ := switchStep(p.s, p.e)
		acc ^= actions ^ tcp.Action(next) ^ tcp.Action(verdict)<<8
	}
	sinkAction = acc
}

// BenchmarkStepWalk: dependent lookups: each next state is the following
// lookup's state.
func BenchmarkStepWalk(b *testing.B) {
	events := benchEvents
	s := tcp.Closed
	var acc tcp.Action
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		t, _ := tcp.Step(s, events[i&(benchN-1)])
		i++
		s = t.Next
		acc ^= t.Actions
	}
	sinkState, sinkAction = s, acc
}

// BenchmarkSwitchWalk: the same dependent walk through switchStep.
func BenchmarkSwitchWalk(b *testing.B) {
	events := benchEvents
	s := tcp.Closed
	var acc tcp.Action
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		next, _, actions, _ := switchStep(s, events[i&(benchN-1)])
		i++
		s = next
		acc ^= actions
	}
	sinkState, sinkAction = s, acc
}
