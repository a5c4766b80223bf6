package endpoint

import (
	"time"

	"github.com/tcpfsm/tcpfsm/generated/tcp"
)

const (
	maxBackoff = 16
	// maxRTO bounds the backed-off RTO (RFC 6298 2.5: at least 60 s).
	maxRTO = 60 * time.Second
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

func live(s tcp.State) bool { return s != tcp.Closed && s != tcp.Listen }

// runs reports whether the runtime arms timer t for this endpoint.
func (e *Endpoint) runs(t tcp.Timer) bool {
	switch t {
	case tcp.KeepaliveTimer:
		return e.opts.KeepAlive
	case tcp.FinWait2Timer:
		return e.vars.Orphan || e.profile.Switches&tcp.FlushHeldFinWait2 != 0
	}
	return true
}

// duration is timer t's duration in state s.
func duration(p *tcp.Profile, t tcp.Timer, s tcp.State) time.Duration {
	if t == tcp.R2Timer && (s == tcp.SynSent || s == tcp.SynReceived) && p.R2Syn != 0 {
		return p.R2Syn
	}
	return p.Timer(t)
}
