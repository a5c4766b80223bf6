package model

import "github.com/tcpfsm/tcpfsm/generated/tcp"

// The classes of states that the model's steps and the properties ask
// about are the spec's class declarations (tcp.State.Is); PendingFIN
// names one for the packages that read the model.

// PendingFIN reports whether an endpoint in state s has sent a FIN not yet
// ACKed (the spec's class fin_unacked).
func PendingFIN(s tcp.State) bool { return s.Is(tcp.FinUnacked) }

// hasSynchronized: states in which the handshake has completed on this
// side (the class synchronized but SYN_RECEIVED, whose application does
// not hold the connection yet), so the application reads data and the
// endpoint answers a window probe.
func hasSynchronized(s tcp.State) bool { return s.Is(tcp.Synchronized) && s != tcp.SynReceived }
