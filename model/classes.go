package model

import "github.com/tcpfsm/tcpfsm/generated/tcp"

// The classes of states that the model's steps and the properties ask
// about.

// hasReceivedFIN: states in which the peer's FIN has arrived, so every
// segment the endpoint sends ACKs it (ACK = RCV.NXT).
func hasReceivedFIN(s tcp.State) bool {
	switch s {
	case tcp.CloseWait, tcp.LastAck, tcp.Closing, tcp.TimeWait:
		return true
	}
	return false
}

// hasSentFIN: states in which the endpoint's own FIN has been sent.
func hasSentFIN(s tcp.State) bool {
	switch s {
	case tcp.FinWait1, tcp.FinWait2, tcp.Closing, tcp.LastAck, tcp.TimeWait:
		return true
	}
	return false
}

// live: an endpoint with a connection (not CLOSED or LISTEN).
func live(s tcp.State) bool { return s != tcp.Closed && s != tcp.Listen }

// PendingFIN reports whether endpoint x has sent a FIN not yet ACKed.
func PendingFIN(s tcp.State) bool {
	return s == tcp.FinWait1 || s == tcp.Closing || s == tcp.LastAck
}

// writable: states in which the application may still write data that
// goes out at once: the connection is established and our FIN is not yet
// queued (RFC 9293 3.10.2: SEND in ESTABLISHED and CLOSE-WAIT).
func writable(s tcp.State) bool { return s == tcp.Established || s == tcp.CloseWait }

// hasSynchronized: states in which the handshake has completed on this
// side, so the endpoint reads and acknowledges data.
func hasSynchronized(s tcp.State) bool {
	switch s {
	case tcp.Established, tcp.FinWait1, tcp.FinWait2, tcp.Closing, tcp.TimeWait, tcp.CloseWait, tcp.LastAck:
		return true
	}
	return false
}
