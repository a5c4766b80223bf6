package endpoint

import (
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

const (
	// maxBackedOff bounds an interval that doubles: RFC 6298 2.5 allows a
	// maximum RTO of at least 60 s.
	maxBackedOff = 60 * time.Second
	// maxExpiries bounds the count of a timer's expiries, far past the
	// doublings that reach maxBackedOff.
	maxExpiries = 64
)

var tellActions = tcp.TellConnected | tcp.TellEndOfStream | tcp.TellReset | tcp.TellRefused | tcp.TellClosingError | tcp.TellTimedOut | tcp.TellNoConnection

// callError is the error of a rejected call.
func callError(a tcp.Action) error {
	switch {
	case a.Has(tcp.TellNoConnection):
		return ErrNoConnection
	case a.Has(tcp.TellClosingError):
		return ErrClosing
	}
	return ErrRejected
}

// socket is how the application holds the connection, for Profile.Runs.
func (e *Endpoint) socket() tcp.Socket {
	var h tcp.Socket
	if e.vars.Orphan {
		h |= tcp.SocketOrphan
	}
	if e.opts.KeepAlive {
		h |= tcp.SocketAsked
	}
	return h
}
